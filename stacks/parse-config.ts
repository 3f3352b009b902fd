import { z } from "zod";
import { CONFIG_NAMESPACE, ConfigProblem, didYouMean, problem } from "./errors";
import { honouredKeys, looksSecret, PROVIDER_KEYS, PROVIDER_NAMESPACES, refusedProviderKey } from "./provider-keys";
import { RawConfig, TOP_LEVEL_KEYS, TopLevelKey, topLevelSchemas } from "./schema";
import { CLOUDS, Cloud } from "./settings";

/**
 * The first layer of validation: each `anycloud:<key>` against its schema, and the standard
 * provider keys (`aws:region`, ...) merged in. Generic machinery: a key another engineer adds to
 * `schema.ts` gets the same treatment (every bad field reported with its rule, the rest of the
 * value kept for the cross-checks, did-you-mean for a misspelt key) without code here.
 */

export const SECRET_MARK = "[secret]";

export interface ParsedConfig {
    values: RawConfig;
    /** Top-level keys with no usable value at all. */
    failed: Set<TopLevelKey>;
    /** Full keys (`anycloud:services.app.port`) of the values that failed their schema. */
    failedPaths: Set<string>;
    /**
     * For each list a failed element was removed from (`anycloud:loadBalancer.routes`), the
     * original index of each remaining element, so later checks name the element the user wrote.
     */
    originalIndex: Map<string, number[]>;
    /** `anycloud:aws.region` → `aws:region` when the value came from the standard provider key. */
    aliases: Map<string, string>;
    /** Each refused key with the value it held. */
    refused: Map<string, unknown>;
}

export function parseRawConfig(config: Record<string, string>, problems: ConfigProblem[]): ParsedConfig {
    const parsed: ParsedConfig = { values: {}, failed: new Set(), failedPaths: new Set(), originalIndex: new Map(), aliases: new Map(), refused: new Map() };
    const inputs = new Map<TopLevelKey, unknown>();
    for (const fullKey of Object.keys(config).sort()) {
        const [namespace, ...rest] = fullKey.split(":");
        if (namespace !== CONFIG_NAMESPACE) {
            continue; // provider keys: below
        }
        const key = rest.filter((part) => part !== "config").join(":");
        if (!(TOP_LEVEL_KEYS as string[]).includes(key)) {
            problems.push(problem(key, decode(config[fullKey]), `one of the keys ${TOP_LEVEL_KEYS.join(", ")} (unknown key '${key}'${didYouMean(key, TOP_LEVEL_KEYS).replace(/^ \((.*)\)$/, "; $1")})`));
            continue;
        }
        inputs.set(key as TopLevelKey, decode(config[fullKey]));
    }
    mergeProviderKeys(config, inputs, parsed, problems);

    // In the order of the keys' names. Compared by code unit, which orders the schema's keys
    // (lower-case ASCII camelCase) as `localeCompare` did (test/config.spec.ts): the first
    // `localeCompare` of a process sets up ICU's collator, ~11 ms of every plan.
    for (const [topKey, input] of [...inputs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const schema = topLevelSchemas[topKey] as z.ZodType;
        // Report every bad field, then keep checking what remains without them, so one typo
        // does not hide the cross-checks (routes, uses, prod rules) of the rest of the value.
        let value = input;
        for (let attempt = 0; ; attempt++) {
            // `jitless`: zod's other path for an object schema, with the same result. Its default
            // compiles a parser (`new Function`) for each object schema on its first parse, which
            // a plan, parsing each key once or twice, never earns back (~8 ms of every plan).
            const result = schema.safeParse(value, { reportInput: true, jitless: true });
            if (result.success) {
                (parsed.values as Record<string, unknown>)[topKey] = result.data;
                break;
            }
            const issues = flattenIssues(result.error.issues);
            for (const p of issuesToProblems(topKey, issues, schema)) {
                // A problem at a key already reported, or at a list or object holding one (a list
                // emptied by removing its only bad entry), is a consequence: never a second message.
                const consequence = [...parsed.failedPaths].some((f) => f === p.key || f.startsWith(`${p.key}.`) || f.startsWith(`${p.key}[`));
                if (!consequence) problems.push(p);
                parsed.failedPaths.add(p.key);
                parsed.refused.set(p.key, p.value);
            }
            const repaired = attempt < 50 ? withoutPaths(value, issues, topKey, parsed) : undefined;
            if (repaired === undefined) {
                parsed.failed.add(topKey);
                parsed.failedPaths.add(`${CONFIG_NAMESPACE}:${topKey}`);
                break;
            }
            value = repaired;
        }
    }
    return parsed;
}

/**
 * The standard provider keys (provider-keys.ts): each honoured one is merged into its
 * `anycloud:<cloud>` object (a disagreement with the anycloud key is one problem naming both);
 * every other key of the chosen cloud's provider namespace is refused.
 */
function mergeProviderKeys(config: Record<string, string>, inputs: Map<TopLevelKey, unknown>, parsed: ParsedConfig, problems: ConfigProblem[]) {
    for (const pk of PROVIDER_KEYS) {
        if (config[pk.key] === undefined) continue;
        const value = decode(config[pk.key]);
        const current = inputs.get(pk.top);
        const object = current !== null && typeof current === "object" && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : current === undefined ? {} : undefined;
        if (object === undefined) continue; // the anycloud key itself is malformed: its schema says so
        const anycloudKey = `${CONFIG_NAMESPACE}:${pk.top}.${pk.field}`;
        if (object[pk.field] !== undefined && JSON.stringify(object[pk.field]) !== JSON.stringify(value)) {
            problems.push(
                problem(
                    pk.key,
                    value,
                    `the same value as ${anycloudKey} (${JSON.stringify(object[pk.field])}), or only one of the two: ${pk.key} is the documented way (pulumi config rm ${anycloudKey})`,
                ),
            );
            parsed.failedPaths.add(anycloudKey);
            parsed.failedPaths.add(pk.key);
            delete object[pk.field];
        } else {
            object[pk.field] = value;
            parsed.aliases.set(anycloudKey, pk.key);
        }
        inputs.set(pk.top, object);
    }
    const cloudValue = inputs.get("cloud");
    const cloud: Cloud | undefined = cloudValue === undefined ? "local" : (CLOUDS as readonly unknown[]).includes(cloudValue) ? (cloudValue as Cloud) : undefined;
    if (cloud === undefined) return;
    const namespace = PROVIDER_NAMESPACES[cloud];
    const honoured = honouredKeys(cloud);
    for (const key of Object.keys(config).sort()) {
        if (key.startsWith(`${namespace}:`) && !honoured.includes(key)) {
            problems.push(problem(key, looksSecret(key) ? SECRET_MARK : decode(config[key]), `${refusedProviderKey(key, cloud)}${didYouMean(key, honoured)}`));
        }
    }
}

/**
 * Zod reports a bad map key as `invalid_key` around the key schema's own issue, and a union as
 * `invalid_union` around each option's issues: use the key's rule, and the option that matches
 * the shape the user wrote (a list, or a map), so the message states the rule that failed.
 */
export function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): z.core.$ZodIssue[] {
    const out: z.core.$ZodIssue[] = [];
    for (const issue of issues) {
        const path = [...prefix, ...issue.path];
        if (issue.code === "invalid_key" && issue.issues.length > 0) {
            out.push({ ...issue.issues[0], path, input: issue.input } as z.core.$ZodIssue);
        } else if (issue.code === "invalid_union") {
            const shaped = issue.errors.filter((branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0));
            if (shaped.length === 1) {
                out.push(...flattenIssues(shaped[0], path));
            } else {
                out.push({ ...issue, path });
            }
        } else {
            out.push({ ...issue, path });
        }
    }
    return out;
}

/**
 * A copy of `value` without the fields the issues point at; undefined when the root itself is
 * bad. A field already removed once and still reported (a required field) takes its parent
 * object or list entry with it.
 */
function withoutPaths(value: unknown, issues: z.core.$ZodIssue[], top: TopLevelKey, parsed: ParsedConfig): unknown {
    const copy = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    const targets = issues.map((issue) => {
        let path: PropertyKey[] = [...issue.path];
        if (issue.code !== "unrecognized_keys" && issue.input === undefined && path.length > 0) {
            // A required field that is missing: drop what holds it.
            path = path.slice(0, -1);
            parsed.failedPaths.add(joinPath(top, path));
        }
        return { issue, path };
    });
    // Deepest and highest array index first, so one removal never shifts the path of another.
    targets.sort((a, b) => comparePaths(b.path, a.path));
    for (const { issue, path } of targets) {
        if (path.length === 0 && issue.code !== "unrecognized_keys") {
            return undefined;
        }
        let node: any = copy;
        for (const part of path.slice(0, -1)) {
            node = node?.[part as any];
        }
        if (node === null || typeof node !== "object") {
            return undefined;
        }
        if (issue.code === "unrecognized_keys" && path.length === issue.path.length) {
            const target = path.length === 0 ? node : node[path[path.length - 1] as any];
            for (const k of issue.keys) delete target?.[k];
        } else if (Array.isArray(node)) {
            const index = Number(path[path.length - 1]);
            if (index < node.length) {
                node.splice(index, 1);
                const listKey = joinPath(top, path.slice(0, -1));
                const before = parsed.originalIndex.get(listKey) ?? Array.from({ length: node.length + 1 }, (_, i) => i);
                before.splice(index, 1);
                parsed.originalIndex.set(listKey, before);
            }
        } else {
            delete node[path[path.length - 1] as any];
        }
    }
    return copy;
}

/** Config values arrive as strings; structured values and scalars (numbers, booleans) are JSON. */
export function decode(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

function comparePaths(a: readonly PropertyKey[], b: readonly PropertyKey[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) {
            return typeof a[i] === "number" && typeof b[i] === "number" ? (a[i] as number) - (b[i] as number) : String(a[i]).localeCompare(String(b[i]));
        }
    }
    return a.length - b.length;
}

export function joinPath(top: string, path: readonly PropertyKey[]): string {
    let out = top.includes(":") ? top : `${CONFIG_NAMESPACE}:${top}`;
    for (const part of path) {
        out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    }
    return out;
}

/** The field names an object schema at `path` accepts (for "did you mean"), or none. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let node: any = schema;
    const unwrap = () => {
        while (node?._zod?.def && ["optional", "nullable", "default", "pipe", "readonly"].includes(node._zod.def.type)) {
            node = node._zod.def.innerType ?? node._zod.def.in;
        }
    };
    unwrap();
    // A union (a list or a map of buckets): the option of the shape the next step needs.
    const pick = (want: string[]) => {
        if (node?._zod?.def?.type === "union") node = node._zod.def.options.find((o: any) => want.includes(o._zod.def.type)) ?? node;
    };
    for (const part of path) {
        pick(typeof part === "number" ? ["array"] : ["object", "record"]);
        const def = node?._zod?.def;
        if (!def) return [];
        if (def.type === "object") node = def.shape[part as string];
        else if (def.type === "record") node = def.valueType;
        else if (def.type === "array") node = def.element;
        else return [];
        unwrap();
    }
    pick(["object"]);
    return node?._zod?.def?.type === "object" ? Object.keys(node._zod.def.shape) : [];
}

function issuesToProblems(top: TopLevelKey, issues: z.core.$ZodIssue[], schema: z.ZodType): ConfigProblem[] {
    if (top === "operatorSecrets") {
        // The values are secrets: name the key, never echo what it holds.
        issues = issues.map((i) => ({ ...i, input: i.path.length > 0 ? SECRET_MARK : i.input }) as z.core.$ZodIssue);
    }
    const out: ConfigProblem[] = [];
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys") {
            const known = keysAt(schema, issue.path);
            for (const k of issue.keys) {
                const accepted = known.length > 0 ? `one of the keys ${known.join(", ")}` : issue.message;
                out.push(problem(joinPath(top, [...issue.path, k]), (issue.input as Record<string, unknown> | undefined)?.[k], `${accepted} (unknown key '${k}'${didYouMean(k, known).replace(/^ \((.*)\)$/, "; $1")})`));
            }
            continue;
        }
        out.push(problem(joinPath(top, issue.path), issue.input, issue.message));
    }
    return out;
}

/** Whether the value at `key` (a full key) or anything inside it failed its schema. */
export function failedAt(parsed: ParsedConfig, key: string): boolean {
    return [...parsed.failedPaths].some((f) => f === key || f.startsWith(`${key}.`) || f.startsWith(`${key}[`));
}

/** The index the user wrote for entry `i` of a list some bad entries were removed from. */
export function userIndex(parsed: ParsedConfig, listKey: string, i: number): number {
    return parsed.originalIndex.get(listKey)?.[i] ?? i;
}

/**
 * The names refused in a list or map of names (`anycloud:buckets`: a bad entry `[1]`, or a bad
 * map key `.Documents`): a reference to one of them is not reported again as unknown.
 */
export function refusedNames(parsed: ParsedConfig, listKey: string): Set<string> {
    const direct = new RegExp(`^${listKey.replace(/[.[\]]/g, "\\$&")}(\\[\\d+\\]|\\.[^.[]+)$`);
    return new Set([...parsed.refused.entries()].filter(([k, v]) => direct.test(k) && typeof v === "string").map(([, v]) => v as string));
}
