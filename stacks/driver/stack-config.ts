import * as fs from "fs";
import * as path from "path";
import { loadBackend } from "../../providers/load";
import { ConfigError } from "../errors";
import { loadSettings } from "../load-settings";
import { Settings } from "../settings";
import { projectName, readStackConfig, setConfigPath, setConfigValue } from "../stack-files";
import { DriverArgs, stackFileName } from "./args";

/** A problem with the stack's files or flags that stops the driver before the CLI runs. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/** What the driver checks and what it hands to `pulumi config set-all`. */
export interface StackConfigPlan {
    /** The config the program will see (stack file + flags), as `npm run plan` builds it; undefined when the stack file holds encrypted values the driver cannot read. */
    effective?: Record<string, string>;
    /** Whole top-level keys to set in plain text: each one `npm run plan` would compute, so what is checked is what is deployed. */
    plain: Record<string, string>;
    /** `namespace:path` keys to set as secrets with `--path`. */
    secret: Record<string, string>;
    /** Every secret value, so no output ever prints one. */
    secretValues: string[];
}

export function stackFiles(root: string): string[] {
    return fs
        .readdirSync(root)
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        .map((f) => f.slice("Pulumi.".length, -".yaml".length))
        .sort();
}

/**
 * Builds the stack's config from its file (or `--config-from`'s) and the flags, exactly the way
 * `npm run plan` does, so the same flags give the same settings and the same error messages.
 */
export function planStackConfig(root: string, args: DriverArgs): StackConfigPlan {
    const own = path.join(root, `Pulumi.${stackFileName(args.stack)}.yaml`);
    const hasOwn = fs.existsSync(own);
    let source = own;
    if (args.configFrom !== undefined) {
        if (hasOwn) {
            throw new StackConfigError(`--config-from ${args.configFrom}: stack '${args.stack}' has its own ${path.basename(own)}; drop --config-from`);
        }
        source = path.join(root, `Pulumi.${args.configFrom}.yaml`);
        if (!fs.existsSync(source)) {
            throw new StackConfigError(`--config-from ${args.configFrom}: no stack file ${path.basename(source)}; stacks here: ${stackFiles(root).join(", ")}`);
        }
    } else if (!hasOwn) {
        throw new StackConfigError(
            `no stack file ${path.basename(own)}; stacks here: ${stackFiles(root).join(", ")}. ` +
                `A stack without its own file takes its config from another with --config-from <stack>.`,
        );
    }

    const secret: Record<string, string> = {};
    const secretValues: string[] = [];
    for (const assignment of args.secrets) {
        const eq = assignment.indexOf("=");
        secret[qualifiedKey(assignment.slice(0, eq))] = assignment.slice(eq + 1);
        secretValues.push(assignment.slice(eq + 1));
    }

    let base: Record<string, string>;
    try {
        base = readStackConfig(root, source);
    } catch (e) {
        if (!/encrypted secret/.test(String((e as Error).message))) {
            throw e;
        }
        // The program still validates itself during the run; the driver maps its error to exit 2.
        if (args.cloud !== undefined || args.config.length > 0 || args.configFrom !== undefined) {
            throw new StackConfigError(
                `${path.basename(source)} holds encrypted values, which the driver cannot read to apply --cloud/--config/--config-from; ` +
                    `change it with \`pulumi config set --path\`, or pass secrets with --secret`,
            );
        }
        return { plain: {}, secret, secretValues };
    }

    const effective = { ...base };
    if (args.cloud !== undefined) {
        setConfigValue(effective, "cloud", args.cloud);
    }
    for (const assignment of args.config) {
        setConfigPath(effective, assignment);
    }
    const plain: Record<string, string> = {};
    for (const [key, value] of Object.entries(effective)) {
        if (args.configFrom !== undefined || base[key] !== value) {
            plain[key] = value;
        }
    }
    for (const [key, value] of Object.entries(secret)) {
        setConfigValue(effective, key, value);
    }
    return { effective, plain, secret, secretValues };
}

/** `alerts.email` → `anycloud:alerts.email`, by the namespace rule of setConfigValue (which it asks). */
function qualifiedKey(keyPath: string): string {
    const probe: Record<string, string> = {};
    setConfigValue(probe, keyPath, "");
    const top = Object.keys(probe)[0];
    return keyPath.startsWith(top) ? keyPath : `${top.slice(0, top.indexOf(":") + 1)}${keyPath}`;
}

/**
 * The program's own checks, run before the CLI: the settings (schema and cross-checks), then
 * the chosen cloud's `validate()`. Throws the same ConfigError `npm run plan` prints.
 */
export async function validateStackConfig(root: string, stack: string, config: Record<string, string>): Promise<Settings> {
    const settings = loadSettings(config, { project: projectName(root), stack: stackFileName(stack) });
    const backend = await loadBackend(settings.cloud);
    const problems = backend.validate(settings);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return settings;
}
