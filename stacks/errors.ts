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
    // A key of another namespace (`aws:region`) has its colon before any path separator.
    const head = path.split(/[.[]/)[0];
    const key = head.includes(":") ? path : `${CONFIG_NAMESPACE}:${path}`;
    return { key, value, accepted };
}

/** The closest candidate to a misspelt name (edit distance at most a third of its length), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}

/** ` (did you mean 'x'?)`, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
    const c = closest(word, candidates);
    return c === undefined ? "" : ` (did you mean '${c}'?)`;
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
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
        let message = `Invalid stack config (${problems.length} ${noun}); nothing was deployed:\n${lines.join("\n")}`;
        super(message);
        this.name = "ConfigError";
        // A check that fails inside an apply (what a look-up finds deployed) rejects every input
        // awaiting it, and @pulumi/pulumi prefixes the same error object's message once per
        // property it was serializing (runtime/rpc.js): the user would read a page of
        // `error serializing property "…"` before the problem. Those prefixes are dropped; any
        // other new message (a caller's context) is kept.
        Object.defineProperty(this, "message", {
            get: () => message,
            set: (text: string) => (message = String(text).replace(/^(error serializing property "[^"]*": )+/, "")),
            enumerable: false,
            configurable: true,
        });
        this.problems = problems;
        // RunError sets the prototype of its own class; restore ours so instanceof works.
        Object.setPrototypeOf(this, ConfigError.prototype);
    }

    static isInstance(e: unknown): e is ConfigError {
        return e instanceof ConfigError || (e instanceof Error && e.name === "ConfigError");
    }
}
