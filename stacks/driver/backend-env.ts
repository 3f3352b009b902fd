import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackFileName } from "./args";

/** The local Docker stack keeps its state next to the code unless PULUMI_BACKEND_URL says otherwise. */
export const LOCAL_STATE_DIR = ".pulumi-state";

export class BackendSetupError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "BackendSetupError";
    }
}

export interface BackendSetup {
    /** The environment every CLI call gets (the driver's own, plus the backend). */
    envVars: Record<string, string>;
    /** undefined: whatever `pulumi login` chose (Pulumi Cloud by default). */
    backendUrl?: string;
}

const SELF_MANAGED = /^(file|s3|gs|azblob):\/\//;

/**
 * Chooses the state backend: PULUMI_BACKEND_URL when set, a file backend in the repository for
 * the `local` stack, else the CLI's login. A self-managed backend encrypts secrets with a
 * passphrase, so its absence is reported here instead of as a CLI prompt failure.
 */
export function backendSetup(root: string, stack: string, env: NodeJS.ProcessEnv, secretsProvider?: string): BackendSetup {
    const envVars: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
        if (v !== undefined) {
            envVars[k] = v;
        }
    }
    // CI passes unset repository variables as empty strings; an empty URL means "not set".
    delete envVars.PULUMI_BACKEND_URL;
    let backendUrl = env.PULUMI_BACKEND_URL || undefined;
    if (backendUrl === undefined && stackFileName(stack) === "local") {
        backendUrl = `file://${path.join(root, LOCAL_STATE_DIR)}`;
    }
    if (backendUrl !== undefined) {
        envVars.PULUMI_BACKEND_URL = backendUrl;
    }
    envVars.PULUMI_SKIP_UPDATE_CHECK = "true";

    const passphraseProvider = secretsProvider === undefined || secretsProvider === "passphrase";
    // Empty counts as missing: CI passes an unset secret as "", and an empty passphrase protects nothing.
    if (backendUrl !== undefined && SELF_MANAGED.test(backendUrl) && passphraseProvider && !env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        throw new BackendSetupError(
            `PULUMI_CONFIG_PASSPHRASE is not set. Stack '${stack}' keeps its state in ${backendUrl}, where Pulumi encrypts the stack's secrets ` +
                `with a passphrase: export PULUMI_CONFIG_PASSPHRASE=<passphrase> (or PULUMI_CONFIG_PASSPHRASE_FILE=<file>), and keep it, ` +
                `since every later run of this stack needs the same one.`,
        );
    }
    if (backendUrl?.startsWith("file://")) {
        // The file backend refuses a directory that does not exist.
        fs.mkdirSync(filePath(backendUrl), { recursive: true });
    }
    return { envVars, backendUrl };
}

function filePath(url: string): string {
    const p = url.slice("file://".length);
    return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}
