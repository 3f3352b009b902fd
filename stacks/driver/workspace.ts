import * as path from "path";
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";

export const INSTALL_HINT = [
    "Install it with:  curl -fsSL https://get.pulumi.com | sh   (then open a new shell, or add ~/.pulumi/bin to PATH)",
    "  or see https://www.pulumi.com/docs/install/",
    "Without it, `npm run plan -- --stack <name>` shows what a stack would deploy, offline.",
].join("\n");

export class CliMissingError extends Error {
    constructor(message: string) {
        super(`${message}\n${INSTALL_HINT}`);
        this.name = "CliMissingError";
    }
}

/**
 * The Pulumi CLI: `${PULUMI_CLI_ROOT}/bin/pulumi` when set, else `pulumi` on PATH. The SDK
 * runs `pulumi version` to check it, which is also how a missing CLI shows up (ENOENT).
 */
export async function findPulumiCli(env: NodeJS.ProcessEnv): Promise<PulumiCommand> {
    const root = env.PULUMI_CLI_ROOT || undefined;
    const skipVersionCheck = !!env.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK;
    let cli: PulumiCommand;
    try {
        cli = await PulumiCommand.get({ root, skipVersionCheck });
    } catch (e) {
        const message = String((e as Error).message);
        const where = root ? `at ${path.join(root, "bin", "pulumi")} (PULUMI_CLI_ROOT)` : "on PATH";
        if (/ENOENT|EACCES/.test(message)) {
            throw new CliMissingError(`The Pulumi CLI is not installed: no \`pulumi\` ${where}.`);
        }
        if (/Minimum version requirement failed|Major version mismatch|Failed to parse Pulumi CLI version/.test(message)) {
            throw new CliMissingError(`The Pulumi CLI ${where} cannot be used: ${message.split("\n")[0]}`);
        }
        throw e;
    }
    const v = cli.version;
    if (!skipVersionCheck && v !== null && v.major === MINIMUM_CLI.major && (v.minor < MINIMUM_CLI.minor || (v.minor === MINIMUM_CLI.minor && v.patch < MINIMUM_CLI.patch))) {
        const where = root ? `at ${path.join(root, "bin", "pulumi")} (PULUMI_CLI_ROOT)` : "on PATH";
        throw new CliMissingError(
            `The Pulumi CLI ${where} cannot be used: it is ${v.version}; this program needs ${MINIMUM_CLI.major}.${MINIMUM_CLI.minor}.${MINIMUM_CLI.patch} or later ` +
                "(an older engine saves empty stack outputs when the program stops with an error, pulumi/pulumi#15754, which disarms the AWS/GCP region check for the next run).",
        );
    }
    return cli;
}

/**
 * The oldest CLI the program runs under: the first whose engine keeps the stack's outputs when an
 * update fails (pulumi/pulumi#15754, merged 2024-03-25, released in v3.112.0). The AWS/GCP region
 * check (stacks/region-guard.ts) reads them back; an older engine replaced them with the `{}` the
 * SDK registers after a refused run, so the next run in the new region would pass.
 */
export const MINIMUM_CLI = { major: 3, minor: 112, patch: 0 } as const;

export interface OpenStackOptions {
    root: string;
    stack: string;
    cli: PulumiCommand;
    envVars: Record<string, string>;
    secretsProvider?: string;
    /** Create the stack when it does not exist (preview, up); else selecting a missing stack fails. */
    create: boolean;
}

/** Selects the stack (creating it if asked); the program is the project in `root`, run by the CLI. */
export function openStack(o: OpenStackOptions): Promise<Stack> {
    const args = { stackName: o.stack, workDir: o.root };
    const options = { pulumiCommand: o.cli, envVars: o.envVars, ...(o.secretsProvider ? { secretsProvider: o.secretsProvider } : {}) };
    return o.create ? LocalWorkspace.createOrSelectStack(args, options) : LocalWorkspace.selectStack(args, options);
}

export function isStackNotFound(e: unknown): boolean {
    return e instanceof StackNotFoundError || (e instanceof Error && e.name === "StackNotFoundError");
}

export function isStackLocked(e: unknown): boolean {
    return e instanceof ConcurrentUpdateError || (e instanceof Error && e.name === "ConcurrentUpdateError");
}

interface CliResult {
    stdout?: string;
    stderr?: string;
    /** The process error of a non-zero exit, with the CLI's own streams. */
    err?: { stdout?: string; stderr?: string };
}

/** The CLI's stdout and stderr from a failed command (the SDK keeps them on its error). */
export function cliOutput(e: unknown): { stdout: string; stderr: string } | undefined {
    const result = (e as { commandResult?: CliResult } | undefined)?.commandResult;
    if (!result) {
        return undefined;
    }
    return { stdout: result.err?.stdout ?? result.stdout ?? "", stderr: result.err?.stderr ?? result.stderr ?? "" };
}
