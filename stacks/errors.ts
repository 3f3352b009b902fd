import * as pulumi from "@pulumi/pulumi";

/** The config namespace every key of this program lives in (`anycloud:<key>`). */
export const CONFIG_NAMESPACE = "anycloud";

/** One thing wrong with a stack's config: which key, what it holds, what would be accepted. */
export interface ConfigProblem {
    /** Full config key with its path, e.g. `anycloud:services.app.port`. */
    key: string;
    /** The offending value as the user wrote it (undefined when the key is missing). */
    value: unknown;
    /** What the key accepts, in words a user can act on. */
    accepted: string;
}

export function problem(path: string, value: unknown, accepted: string): ConfigProblem {
    const key = path.startsWith(`${CONFIG_NAMESPACE}:`) ? path : `${CONFIG_NAMESPACE}:${path}`;
    return { key, value, accepted };
}

export function describeValue(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatProblem(p: ConfigProblem): string {
    return `${p.key}: got ${describeValue(p.value)}; accepted: ${p.accepted}`;
}

/**
 * Thrown before any resource is registered when the stack config is invalid. It extends
 * RunError so that the Pulumi CLI prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    public readonly problems: ConfigProblem[];

    constructor(problems: ConfigProblem[]) {
        const lines = problems.map((p) => `  - ${formatProblem(p)}`);
        const noun = problems.length === 1 ? "problem" : "problems";
        super(`Invalid stack config (${problems.length} ${noun}); nothing was deployed:\n${lines.join("\n")}`);
        this.name = "ConfigError";
        this.problems = problems;
        // RunError sets the prototype of its own class; restore ours so instanceof works.
        Object.setPrototypeOf(this, ConfigError.prototype);
    }

    static isInstance(e: unknown): e is ConfigError {
        return e instanceof ConfigError || (e instanceof Error && e.name === "ConfigError");
    }
}
