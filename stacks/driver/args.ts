import { EXIT_CODE_MEANINGS } from "./exit-codes";

export const COMMANDS = ["preview", "up", "destroy", "refresh", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

/** The commands that run the program, so stack config and its validation apply to them. */
export const PROGRAM_COMMANDS: ReadonlySet<Command> = new Set<Command>(["preview", "up"]);

export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;

export interface DriverArgs {
    command: Command;
    stack: string;
    /** `--cloud x`: shorthand for `--config cloud=x`. */
    cloud?: string;
    /** `key=value` assignments by path, like `npm run plan -- --config`. */
    config: string[];
    /** `key=value` assignments stored as Pulumi secrets and never printed. */
    secrets: string[];
    /** Take the config of `Pulumi.<configFrom>.yaml` (for stacks without their own file). */
    configFrom?: string;
    summaryFile?: string;
    expectNoChanges: boolean;
    diff: boolean;
    removeStack: boolean;
    healthCheck: boolean;
    healthTimeoutSeconds: number;
    /** Run the guardrail pack (`policy/`) with preview and up. */
    policyPack: boolean;
    json: boolean;
    secretsProvider?: string;
}

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export const USAGE = `usage: npm run deploy -- <command> --stack <name> [flags]

commands:
  preview    what an update would change
  up         update the stack, then probe its public health path
  destroy    delete every resource of the stack
  refresh    drift check: a refresh preview; writes nothing, not even the state
  outputs    print the stack outputs, secrets hidden

program flags (preview, up):
  --cloud aws|gcp|azure|local   same as --config cloud=<cloud>
  --config key=value            any config change by path, repeatable: --config services.app.replicas.min=3
  --secret key=value            a config value stored encrypted and never printed, repeatable
  --config-from <stack>         start from Pulumi.<stack>.yaml (for stacks without a file, e.g. review stacks)
  --secrets-provider <url>      secrets provider for a new stack (default: the backend's)

other flags:
  --summary-file <file.md>      append a Markdown summary section (PR comment, $GITHUB_STEP_SUMMARY)
  --expect-no-changes           preview: exit 3 when anything would change
  --diff                        pass --diff to the Pulumi CLI (full property diff in the log)
  --no-policy-pack              preview, up: skip the guardrail policy pack (policy/), which runs by default
  --health-timeout <seconds>    up: how long the health check waits (default ${DEFAULT_HEALTH_TIMEOUT_SECONDS})
  --no-health-check             up: skip the health check
  --remove-stack                destroy: also remove the stack and its config (review stacks)
  --json                        outputs: print JSON

environment:
  PULUMI_BACKEND_URL            state backend (default: Pulumi Cloud or your login; file://<repo>/.pulumi-state for the local stack)
  PULUMI_CONFIG_PASSPHRASE      passphrase for stacks on a self-managed backend (file://, s3://, gs://, azblob://)
  PULUMI_CLI_ROOT               directory whose bin/pulumi is the CLI to use (default: pulumi on PATH)

exit codes:
${EXIT_CODE_MEANINGS.map((e) => `  ${e.code}  ${e.meaning}`).join("\n")}`;

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*){0,2}$/;

/** Which flags each command accepts; anything else is a usage error rather than silently ignored. */
const FLAGS_BY_COMMAND: Record<Command, ReadonlySet<string>> = {
    preview: new Set(["--cloud", "--config", "--secret", "--config-from", "--secrets-provider", "--summary-file", "--expect-no-changes", "--diff", "--no-policy-pack"]),
    up: new Set(["--cloud", "--config", "--secret", "--config-from", "--secrets-provider", "--summary-file", "--diff", "--health-timeout", "--no-health-check", "--no-policy-pack"]),
    destroy: new Set(["--summary-file", "--remove-stack"]),
    refresh: new Set(["--summary-file"]),
    outputs: new Set(["--json"]),
};

const ALIASES: Record<string, string> = { "-s": "--stack", "-c": "--config" };

/** Returns undefined for `--help`. */
export function parseArgs(argv: string[]): DriverArgs | undefined {
    if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
        return undefined;
    }
    const [command, ...rest] = argv;
    if (!(COMMANDS as readonly string[]).includes(command)) {
        throw new UsageError(`unknown command '${command}'; expected one of ${COMMANDS.join(", ")}`);
    }
    const args: DriverArgs = {
        command: command as Command,
        stack: "",
        config: [],
        secrets: [],
        expectNoChanges: false,
        diff: false,
        removeStack: false,
        healthCheck: true,
        healthTimeoutSeconds: DEFAULT_HEALTH_TIMEOUT_SECONDS,
        policyPack: true,
        json: false,
    };
    const allowed = FLAGS_BY_COMMAND[args.command];
    for (let i = 0; i < rest.length; i++) {
        const flag = ALIASES[rest[i]] ?? rest[i];
        const value = () => {
            const v = rest[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${flag} needs a value`);
            }
            return v;
        };
        if (flag !== "--stack" && !allowed.has(flag)) {
            throw new UsageError(flag.startsWith("-") ? `'${args.command}' does not take ${flag}` : `unexpected argument '${flag}'`);
        }
        switch (flag) {
            case "--stack":
                args.stack = value();
                break;
            case "--cloud":
                args.cloud = value();
                break;
            case "--config":
                args.config.push(assignment(flag, value()));
                break;
            case "--secret":
                args.secrets.push(assignment(flag, value()));
                break;
            case "--config-from":
                args.configFrom = value();
                break;
            case "--secrets-provider":
                args.secretsProvider = value();
                break;
            case "--summary-file":
                args.summaryFile = value();
                break;
            case "--expect-no-changes":
                args.expectNoChanges = true;
                break;
            case "--diff":
                args.diff = true;
                break;
            case "--remove-stack":
                args.removeStack = true;
                break;
            case "--no-health-check":
                args.healthCheck = false;
                break;
            case "--no-policy-pack":
                args.policyPack = false;
                break;
            case "--health-timeout": {
                const text = value();
                const seconds = Number(text);
                if (!Number.isFinite(seconds) || seconds <= 0) {
                    throw new UsageError(`--health-timeout expects a number of seconds above 0, got '${text}'`);
                }
                args.healthTimeoutSeconds = seconds;
                break;
            }
            case "--json":
                args.json = true;
                break;
        }
    }
    if (!args.stack) {
        throw new UsageError("--stack is required");
    }
    if (!STACK_NAME.test(args.stack)) {
        throw new UsageError(`--stack '${args.stack}' is not a stack name (letters, digits, '-', '_', '.'; optionally org/project/stack)`);
    }
    return args;
}

function assignment(flag: string, text: string): string {
    if (text.indexOf("=") <= 0) {
        throw new UsageError(`${flag} expects key=value, got '${text}'`);
    }
    return text;
}

/** The part of a stack name that names its file: `acme/anycloud/dev` → `dev`. */
export function stackFileName(stack: string): string {
    return stack.slice(stack.lastIndexOf("/") + 1);
}
