import { requireCloud } from "../providers/load";
import type { CapturedResource } from "./offline";
import type { Cloud } from "./settings";

/** A resource's options as the engine received them (what `npm run plan -- --json` shows). */
export interface ResourceOptions {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    /** The cloud id the `import` option adopts, or null. */
    import: string | null;
    /** What it depends on beyond the resources its inputs come from, by type and name. */
    dependsOn: { type: string; name: string }[];
}

/**
 * The options of one resource. `dependsOn` is what the engine was told beyond input
 * dependencies: the explicit `dependsOn` (a component there stands for everything inside it).
 */
export function optionsOf(r: CapturedResource, byUrn: Map<string, CapturedResource>): ResourceOptions {
    const dependsOn: { type: string; name: string }[] = [];
    if (r.dependencies.length > 0) {
        // (Asked for every resource of a plan: one set, no intermediate lists.)
        const fromInputs = new Set<string>();
        for (const urns of Object.values(r.propertyDependencies)) for (const urn of urns) fromInputs.add(urn);
        for (const urn of r.dependencies) {
            const d = fromInputs.has(urn) ? undefined : byUrn.get(urn);
            if (d !== undefined) dependsOn.push({ type: d.type, name: d.name });
        }
    }
    return {
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        deleteBeforeReplace: r.deleteBeforeReplace,
        ignoreChanges: r.ignoreChanges,
        replaceOnChanges: r.replaceOnChanges,
        import: r.importId ?? null,
        dependsOn,
    };
}

/**
 * One row of a cloud's replacement table: what the provider does when an input of this type
 * changes. `forceNew` are Pulumi property paths (dots, no array indexes) whose change makes the
 * provider replace the resource; a path ending in `#` replaces only when the block is added or
 * removed, not when what is inside it changes (a Terraform block marked ForceNew whose own
 * fields are not: the `#` is its count attribute, which is what carries RequiresNew); `source`
 * says where that list was read.
 */
export interface ReplaceRule {
    source: string;
    forceNew: string[];
    /** It holds data (or a generated secret) that a replacement or deletion loses. */
    stateful?: boolean;
    /**
     * The bridged provider's auto-named property. When the program sets it explicitly, the
     * bridge deletes the old resource before creating the new one (names are unique), so the
     * replacement has a window with neither (pulumi-terraform-bridge
     * `nameRequiresDeleteBeforeReplace`).
     */
    nameProperty?: string;
    /** Replacements the provider decides at diff time from values (not from a property alone). */
    note?: string;
    /**
     * Those of the `note` this table can decide from the inputs alone: a property whose change
     * replaces only when `replaces(before, after)` holds (a CustomizeDiff `ForceNewIf` on the old
     * and new values, e.g. an engine version going down).
     */
    forceNewIf?: Record<string, { when: string; replaces: (before: unknown, after: unknown) => boolean }>;
    /**
     * Properties the cloud cannot change on an existing resource although the provider does not
     * replace for them: the provider sends an update and the cloud refuses it, so `up` stops there
     * (azure-native: a create-only property inside a nested object, or one its metadata does not
     * mark, e.g. a VM's `osProfile.customData`; ARM answers `PropertyChangeNotAllowed`).
     */
    refused?: string[];
}

export type ReplaceTable = Record<string, ReplaceRule>;

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface Change {
    type: string;
    name: string;
    op: ChangeOp;
    /** Update: the properties that change. Replace: the properties that force it. */
    properties: string[];
    stateful: boolean;
    /** A replacement that deletes the old resource first (the option, or the bridge's naming rule). */
    deleteBeforeReplace?: boolean;
    /** A replacement caused by the replacement of a resource it takes an input from. */
    cascadeFrom?: { type: string; name: string };
    /** Update: the changed properties the cloud refuses to change in place (`up` fails there). */
    refused?: string[];
}

/** Where JSON.stringify leaves a value out (an object's property) or writes `null` (an array's element). */
const OMITTED = Symbol("omitted");

/**
 * A JSON-like value's stand-in for comparing JSON texts: two values whose stand-ins are `===`
 * have the same JSON.stringify text; NOT_PLAIN for anything whose text this does not work out.
 */
function jsonLeaf(v: unknown): unknown {
    switch (typeof v) {
        case "string":
        case "boolean":
            return v;
        case "number":
            return Number.isFinite(v) ? v : null;
        case "undefined":
        case "function":
        case "symbol":
            return OMITTED;
        default:
            return v === null ? null : NOT_PLAIN;
    }
}
const NOT_PLAIN = Symbol("not plain");

/** Whether JSON.stringify would give `a` and `b` the same text, or undefined when it cannot tell. */
function sameJsonText(a: unknown, b: unknown, inArray: boolean): boolean | undefined {
    const objA = a !== null && typeof a === "object";
    const objB = b !== null && typeof b === "object";
    if (!objA || !objB) {
        const x = objA ? NOT_PLAIN : jsonLeaf(a);
        const y = objB ? NOT_PLAIN : jsonLeaf(b);
        if (x === NOT_PLAIN || y === NOT_PLAIN) {
            // An object beside a primitive: a plain one's text starts with { or [, a primitive's never does.
            return (x === NOT_PLAIN && plainShape(a) === undefined) || (y === NOT_PLAIN && plainShape(b) === undefined) ? undefined : false;
        }
        // In an array both omitted kinds are `null`, as null is.
        return inArray ? (x === OMITTED ? null : x) === (y === OMITTED ? null : y) : x === y;
    }
    const shapeA = plainShape(a);
    const shapeB = plainShape(b);
    if (shapeA === undefined || shapeB === undefined) return undefined;
    if (shapeA !== shapeB) return false;
    if (shapeA === "array") {
        const x = a as unknown[];
        const y = b as unknown[];
        if (x.length !== y.length) return false;
        for (let i = 0; i < x.length; i++) {
            const same = sameJsonText(x[i], y[i], true);
            if (same !== true) return same;
        }
        return true;
    }
    // JSON.stringify writes an object's own enumerable string keys in Object.keys order, leaving
    // out those whose value it omits.
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keysA = Object.keys(x).filter((k) => jsonLeaf(x[k]) !== OMITTED);
    const keysB = Object.keys(y).filter((k) => jsonLeaf(y[k]) !== OMITTED);
    if (keysA.length !== keysB.length) return false;
    for (let i = 0; i < keysA.length; i++) {
        if (keysA[i] !== keysB[i]) return false;
        const same = sameJsonText(x[keysA[i]], y[keysA[i]], false);
        if (same !== true) return same;
    }
    return true;
}

/** "array" or "object" for an array or plain object JSON.stringify writes as it is (no toJSON), else undefined. */
function plainShape(v: unknown): "array" | "object" | undefined {
    if (v === null || typeof v !== "object" || "toJSON" in v) return undefined;
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) return proto === Array.prototype ? "array" : undefined;
    return proto === Object.prototype || proto === null ? "object" : undefined;
}

/**
 * Whether two values have the same JSON text (`JSON.stringify(a) === JSON.stringify(b)`), worked
 * out without making the texts for the plain data a run captures: comparing the texts at every
 * level of every resource's inputs was most of what diffing two runs cost.
 */
export function sameJson(a: unknown, b: unknown): boolean {
    return sameJsonText(a, b, false) ?? JSON.stringify(a) === JSON.stringify(b);
}

/** Every leaf path (without array indexes) where two input trees differ. */
export function changedPaths(before: unknown, after: unknown, at = ""): string[] {
    if (sameJson(before, after)) {
        return [];
    }
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (Array.isArray(before) && Array.isArray(after)) {
        const n = Math.max(before.length, after.length);
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(...changedPaths(before[i], after[i], at));
        return [...new Set(out)];
    }
    if (isObj(before) && isObj(after)) {
        const out: string[] = [];
        for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
            if (k === "__defaults") continue;
            out.push(...changedPaths(before[k], after[k], at ? `${at}.${k}` : k));
        }
        return [...new Set(out)];
    }
    // One side is missing or of another shape: every leaf of the side present changes.
    const present = before === undefined || before === null ? after : after === undefined || after === null ? before : undefined;
    if (present !== undefined && (isObj(present) || Array.isArray(present))) {
        const leaves = changedPaths(Array.isArray(present) ? [] : {}, present, at);
        return leaves.length > 0 ? leaves : [at];
    }
    return [at];
}

const covers = (rule: string, path: string) => path === rule || path.startsWith(`${rule}.`);

/** A property path with an ignoreChanges entry's form (`a.b`, `a[0].b`, `a["b"]`) normalised. */
const normalise = (p: string) => p.replace(/\[\d+\]|\[\*\]/g, "").replace(/\["([^"]+)"\]/g, ".$1");

/**
 * What `pulumi up` would do to go from one run of the program to another: resources are matched
 * by URN; a matched resource whose inputs differ is updated, or replaced when a changed input is
 * replace-forcing for its type (the table) or listed in its `replaceOnChanges`. A replacement
 * makes the replaced resource's outputs unknown, so it cascades into resources that take
 * replace-forcing inputs from it. Inputs under `ignoreChanges` are what the engine keeps from
 * state, so they never count. Stateful changes come first.
 */
export function diffRuns(before: CapturedResource[], after: CapturedResource[], table: ReplaceTable): Change[] {
    const isCloud = (r: CapturedResource) => r.custom;
    const old = new Map(before.filter(isCloud).map((r) => [r.urn, r]));
    const now = new Map(after.filter(isCloud).map((r) => [r.urn, r]));
    const rule = (type: string): ReplaceRule => table[type] ?? { source: "no table row: every change is assumed to replace", forceNew: ["*"] };
    const stateful = (r: CapturedResource) => !!rule(r.type).stateful;
    const changes = new Map<string, Change>();

    const forcing = (r: CapturedResource, paths: string[]): string[] => {
        const rules = [...rule(r.type).forceNew, ...r.replaceOnChanges.map(normalise)];
        return paths.filter((p) => rules.some((f) => f === "*" || covers(f, p)));
    };
    /** Changed paths whose old and new values replace under the type's `forceNewIf`. */
    const forcedByValue = (prev: CapturedResource, r: CapturedResource, paths: string[]): string[] =>
        paths.filter((p) => {
            const conditional = rule(r.type).forceNewIf?.[p];
            return conditional !== undefined && conditional.replaces(at(prev.inputs, p), at(r.inputs, p));
        });
    const at = (inputs: Record<string, unknown>, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), inputs);
    const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
    /** Blocks (`path#` rules) that one run has and the other has not. */
    const blocksAddedOrRemoved = (prev: CapturedResource, r: CapturedResource): string[] =>
        rule(r.type)
            .forceNew.filter((f) => f.endsWith("#"))
            .map((f) => f.slice(0, -1))
            .filter((p) => present(at(prev.inputs, p)) !== present(at(r.inputs, p)));
    const replacement = (r: CapturedResource, properties: string[], cascadeFrom?: CapturedResource): Change => {
        const name = rule(r.type).nameProperty;
        const explicitName = name !== undefined && r.inputs[name] !== undefined && r.inputs[name] !== null;
        return {
            type: r.type,
            name: r.name,
            op: "replace",
            properties,
            stateful: stateful(r),
            // The engine lets a program's explicit choice override the provider's.
            deleteBeforeReplace: r.deleteBeforeReplaceSet ? r.deleteBeforeReplace : r.deleteBeforeReplace || explicitName,
            ...(cascadeFrom ? { cascadeFrom: { type: cascadeFrom.type, name: cascadeFrom.name } } : {}),
        };
    };

    /** An in-place update, with the properties the cloud would refuse to change. */
    const update = (r: CapturedResource, properties: string[]): Change => {
        const refused = properties.filter((p) => (rule(r.type).refused ?? []).some((f) => covers(f, p)));
        return { type: r.type, name: r.name, op: "update", properties, stateful: stateful(r), ...(refused.length > 0 ? { refused } : {}) };
    };

    for (const [urn, r] of now) {
        const prev = old.get(urn);
        if (!prev) {
            changes.set(urn, { type: r.type, name: r.name, op: "create", properties: [], stateful: stateful(r) });
            continue;
        }
        const ignored = r.ignoreChanges.map(normalise);
        const paths = changedPaths(prev.inputs, r.inputs).filter((p) => !ignored.some((i) => covers(i, p)));
        if (paths.length === 0) continue;
        const forced = [...new Set([...blocksAddedOrRemoved(prev, r).filter((p) => !ignored.some((i) => covers(i, p))), ...forcing(r, paths), ...forcedByValue(prev, r, paths)])];
        changes.set(urn, forced.length > 0 ? replacement(r, forced) : update(r, paths));
    }
    // A replaced resource's outputs are unknown until it exists again; a replaced provider
    // replaces everything it manages. (Without a replacement there is nothing to cascade.)
    for (let grew = [...changes.values()].some((c) => c.op === "replace"); grew; ) {
        grew = false;
        for (const [urn, r] of now) {
            if (!old.has(urn) || changes.get(urn)?.op === "replace") continue;
            const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
            if (providerUrn && changes.get(providerUrn)?.op === "replace") {
                changes.set(urn, replacement(r, ["provider"], now.get(providerUrn)));
                grew = true;
                continue;
            }
            for (const [prop, deps] of Object.entries(r.propertyDependencies)) {
                const from = deps.map((d) => changes.get(d)).find((c) => c?.op === "replace");
                if (!from || r.ignoreChanges.map(normalise).some((i) => covers(i, prop))) continue;
                const source = now.get(deps.find((d) => changes.get(d)?.op === "replace")!)!;
                if (forcing(r, [prop]).length > 0) {
                    changes.set(urn, replacement(r, [prop], source));
                    grew = true;
                    break;
                }
                const current = changes.get(urn);
                if (!current) {
                    changes.set(urn, update(r, [prop]));
                } else if (!current.properties.includes(prop)) {
                    changes.set(urn, update(r, [...current.properties, prop]));
                }
            }
        }
    }
    for (const [urn, r] of old) {
        if (!now.has(urn)) changes.set(urn, { type: r.type, name: r.name, op: "delete", properties: [], stateful: stateful(r) });
    }
    const order: Record<ChangeOp, number> = { delete: 0, replace: 1, update: 2, create: 3 };
    return [...changes.values()].sort((a, b) => Number(b.stateful) - Number(a.stateful) || order[a.op] - order[b.op] || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/** The changes that lose data: a stateful resource replaced or deleted. */
export function dataLoss(changes: Change[]): Change[] {
    return changes.filter((c) => c.stateful && (c.op === "replace" || c.op === "delete"));
}

/** The updates the cloud would refuse: `pulumi up` would stop at them, part-way through. */
export function refusedUpdates(changes: Change[]): Change[] {
    return changes.filter((c) => c.op === "update" && (c.refused?.length ?? 0) > 0);
}

/**
 * @pulumi/random, used on every target: every attribute of its resources is `RequiresReplace`
 * (hashicorp/terraform-provider-random@ad788e2 internal/provider/resource_password.go,
 * resource_string.go, resource_id.go). A replaced password is a rotated credential.
 */
export const RANDOM_REPLACE_FORCING: ReplaceTable = {
    "random:index/randomPassword:RandomPassword": {
        source: "hashicorp/terraform-provider-random internal/provider/resource_password.go (RequiresReplace on every attribute)",
        stateful: true,
        forceNew: ["keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper", "number", "numeric", "overrideSpecial", "special", "upper"],
    },
    "random:index/randomString:RandomString": {
        source: "hashicorp/terraform-provider-random internal/provider/resource_string.go (RequiresReplace on every attribute)",
        stateful: true,
        forceNew: ["keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper", "number", "numeric", "overrideSpecial", "special", "upper"],
    },
    "random:index/randomId:RandomId": {
        source: "hashicorp/terraform-provider-random internal/provider/resource_id.go (RequiresReplace on every attribute)",
        stateful: true,
        forceNew: ["byteLength", "keepers", "prefix"],
    },
    "pulumi:providers:random": { source: "pulumi-random provider: no configuration", forceNew: [] },
};

/** The program's own dynamic resources: their diff() never replaces (a new set of grants is an update that waits again). */
export const DYNAMIC_REPLACE_FORCING: ReplaceTable = {
    "pulumi-nodejs:dynamic/anycloud:PropagationWait": { source: "components/propagation-wait.ts propagationWaitProvider.diff (replaces: [])", forceNew: [] },
};

/**
 * A cloud's own table (providers/<cloud>/replace-forcing.ts), loaded when first asked for: a plan
 * asks for its target's only, and the other three (~50 KB) were compiled for nothing.
 */
function cloudTable(cloud: Cloud): ReplaceTable {
    return requireCloud<{ replaceForcing: ReplaceTable }>(cloud, "replace-forcing").replaceForcing;
}

/** The replacement table of a cloud's types, with the types every target shares. */
export function replaceTable(cloud: Cloud): ReplaceTable {
    return { ...RANDOM_REPLACE_FORCING, ...DYNAMIC_REPLACE_FORCING, ...cloudTable(cloud) };
}
