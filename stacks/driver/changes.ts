import type { EngineEvent, OpMap, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { SECRET_MARK } from "./redact";
import { isStateful } from "./stateful-types";

export interface PropertyChange {
    /** Property path as the engine reports it, e.g. `tags.env` or `containers[0].image`. */
    path: string;
    kind: "add" | "delete" | "update";
    /** This property forces the resource to be replaced. */
    replaces: boolean;
    /** Short scalar values; absent for objects, long strings and secrets. */
    before?: string;
    after?: string;
}

export interface ResourceChange {
    op: OpType;
    urn: string;
    type: string;
    name: string;
    properties: PropertyChange[];
    stateful: boolean;
}

export interface ChangeReport {
    /** Resources per operation, as the engine's summary counts them (`same` included). */
    counts: OpMap;
    /** Every resource that changes, in the engine's order. */
    changes: ResourceChange[];
    /** Replaces and deletes of resources that hold data. */
    statefulLosses: ResourceChange[];
    /** Error diagnostics the engine reported. */
    errors: string[];
    /** Before-deploy job runs this update performs (their run resource changes), and how each ended. */
    jobRuns: JobRun[];
}

export interface JobRun {
    /** The job's config name (`jobs.<name>`). */
    job: string;
    op: OpType;
    /** The engine's errors on the run resource (empty when it succeeded or has not run yet). */
    errors: string[];
    /** The engine reported the run resource's outputs: the run finished (successfully). */
    done: boolean;
}

/**
 * A job's run resource: `<job>-run` directly under an `anycloud:index:Job` component (the Lambda
 * invocation, Cloud Run job, deployment script or container each target runs it with).
 */
export function jobOfRun(urn: string): string | undefined {
    const m = /::anycloud:index:Job\$[^:]+(?::[^:]+)*::([a-z0-9-]+)-run$/.exec(urn);
    return m ? m[1] : undefined;
}

/** Operations that change nothing. `refresh` is a refresh's first event; its result op follows. */
const NO_CHANGE_OPS: ReadonlySet<string> = new Set(["same", "read", "refresh"]);

/** The halves of a replacement; the logical `replace` step stands for the whole. */
const REPLACEMENT_PARTS: ReadonlySet<string> = new Set(["create-replacement", "delete-replaced", "read-replacement", "discard-replaced", "import-replacement", "remove-pending-replace"]);

const LOSS_OPS: ReadonlySet<string> = new Set(["replace", "delete"]);

const MAX_VALUE_LENGTH = 60;

/** Collects engine events (the Automation API's `onEvent`) into what changes and why. */
export class ChangeCollector {
    private readonly byUrn = new Map<string, ResourceChange>();
    private summaryCounts?: OpMap;
    private readonly errors: string[] = [];
    private readonly errorsByUrn = new Map<string, string[]>();
    private readonly finished = new Set<string>();

    readonly onEvent = (event: EngineEvent): void => {
        const metadata = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
        if (metadata) {
            this.step(metadata);
        }
        if (event.resOutputsEvent) {
            this.finished.add(event.resOutputsEvent.metadata.urn);
        }
        if (event.summaryEvent) {
            this.summaryCounts = event.summaryEvent.resourceChanges;
        }
        if (event.diagnosticEvent?.severity === "error") {
            const message = plainText(event.diagnosticEvent.message)
                .trim()
                .replace(/^error: /, "");
            if (message && !this.errors.includes(message)) {
                this.errors.push(message);
            }
            const urn = event.diagnosticEvent.urn;
            if (message && urn) {
                this.errorsByUrn.set(urn, [...(this.errorsByUrn.get(urn) ?? []), message]);
            }
        }
    };

    /** `fallbackCounts` is the result's own count, for a run whose summary event was lost. */
    report(fallbackCounts?: OpMap): ChangeReport {
        const changes = [...this.byUrn.values()].filter((c) => !NO_CHANGE_OPS.has(c.op));
        const counts = this.summaryCounts ?? fallbackCounts ?? countOps(changes);
        return {
            counts,
            changes,
            statefulLosses: changes.filter((c) => c.stateful && LOSS_OPS.has(c.op)),
            errors: [...this.errors],
            jobRuns: changes.flatMap((c) => {
                const job = jobOfRun(c.urn);
                return job === undefined ? [] : [{ job, op: c.op, errors: this.errorsByUrn.get(c.urn) ?? [], done: this.finished.has(c.urn) }];
            }),
        };
    }

    private step(m: StepEventMetadata): void {
        if (REPLACEMENT_PARTS.has(m.op) || m.type === "pulumi:pulumi:Stack") {
            return;
        }
        const known = this.byUrn.get(m.urn);
        // A refresh reports `refresh` first and its outcome later; keep the outcome.
        if (known && m.op === "refresh") {
            return;
        }
        this.byUrn.set(m.urn, {
            op: m.op,
            urn: m.urn,
            type: m.type,
            name: m.urn.slice(m.urn.lastIndexOf("::") + 2),
            properties: propertyChanges(m),
            stateful: isStateful(m.type),
        });
    }
}

export function hasChanges(counts: OpMap): boolean {
    return Object.entries(counts).some(([op, n]) => !NO_CHANGE_OPS.has(op) && (n ?? 0) > 0);
}

function countOps(changes: ResourceChange[]): OpMap {
    const counts: OpMap = {};
    for (const c of changes) {
        counts[c.op] = (counts[c.op] ?? 0) + 1;
    }
    return counts;
}

function propertyChanges(m: StepEventMetadata): PropertyChange[] {
    const replaceKeys = new Set(m.keys ?? []);
    const detailed = m.detailedDiff ?? {};
    const paths = Object.keys(detailed).length > 0 ? Object.keys(detailed) : (m.diffs ?? []);
    return paths.map((p) => {
        const d = detailed[p];
        const kind = d?.diffKind.startsWith("add") ? "add" : d?.diffKind.startsWith("delete") ? "delete" : "update";
        const replaces = d ? d.diffKind.endsWith("-replace") : replaceKeys.has(p) || replaceKeys.has(p.split(/[.[]/)[0]);
        const useInputs = d ? d.inputDiff : true;
        const before = shortValue(lookup(useInputs ? m.old?.inputs : m.old?.outputs, p));
        const after = shortValue(lookup(useInputs ? m.new?.inputs : m.new?.outputs, p));
        const change: PropertyChange = { path: p, kind, replaces };
        if (kind !== "add" && before !== undefined) change.before = before;
        if (kind !== "delete" && after !== undefined) change.after = after;
        return change;
    });
}

/** Follows a property path (`a.b`, `a[0].b`, `a["x.y"]`) into a value. */
function lookup(root: unknown, propertyPath: string): unknown {
    const segments: string[] = [];
    const pattern = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g;
    for (let match = pattern.exec(propertyPath); match; match = pattern.exec(propertyPath)) {
        segments.push(match[1] ?? match[2] ?? match[3]);
    }
    let node: unknown = root;
    for (const s of segments) {
        if (node === null || typeof node !== "object") {
            return undefined;
        }
        node = (node as Record<string, unknown>)[s];
    }
    return node;
}

/** Scalars short enough to read in a table; a secret stays the mark the CLI gave it. */
function shortValue(value: unknown): string | undefined {
    if (value === SECRET_MARK) {
        return SECRET_MARK;
    }
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    if (typeof value === "string" && value.length <= MAX_VALUE_LENGTH && !value.includes("\n")) {
        return JSON.stringify(value);
    }
    return undefined;
}

/** Engine messages carry colour directives (`<{%reset%}>`) and ANSI codes; text output needs neither. */
export function plainText(text: string): string {
    // eslint-disable-next-line no-control-regex
    return text.replace(/<\{%[^%]*%\}>/g, "").replace(/\x1b\[[0-9;]*m/g, "");
}
