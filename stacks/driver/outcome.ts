import type { OpMap } from "@pulumi/pulumi/automation";
import { Command } from "./args";
import { ChangeReport, PropertyChange, ResourceChange } from "./changes";
import { ExitCode } from "./exit-codes";
import { HealthResult } from "./health-check";

/** Everything a summary shows about one driver run on one stack. Text in it is already redacted. */
export interface RunOutcome {
    command: Command;
    stack: string;
    cloud?: string;
    exitCode: ExitCode;
    /** What the engine reported, when it ran. */
    report?: ChangeReport;
    /** Why the run stopped or failed, when it did. */
    problem?: string;
    health?: HealthResult;
    /** The loadBalancer settings the stack's target approximates (components/edge.ts), for preview and up. */
    edge?: { at: string; asked: string; enforced: string }[];
}

const OP_LABELS: Record<Command, Record<string, string>> = {
    preview: { create: "to create", update: "to update", replace: "to replace", delete: "to delete", import: "to import", same: "unchanged" },
    up: { create: "created", update: "updated", replace: "replaced", delete: "deleted", import: "imported", same: "unchanged" },
    destroy: { delete: "deleted", same: "unchanged" },
    refresh: { update: "changed outside Pulumi", delete: "gone from the cloud", same: "unchanged" },
    outputs: {},
};

const OP_ORDER = ["create", "update", "replace", "delete", "import"];

export const OP_SYMBOLS: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", import: "=" };

export function countsPhrase(command: Command, counts: OpMap): string {
    const ops = Object.keys(counts).sort((a, b) => rank(a) - rank(b));
    const parts = ops
        .filter((op) => (counts[op as keyof OpMap] ?? 0) > 0 && op !== "read" && op !== "refresh")
        .map((op) => `${counts[op as keyof OpMap]} ${OP_LABELS[command][op] ?? op}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

function rank(op: string): number {
    const i = OP_ORDER.indexOf(op);
    return i >= 0 ? i : op === "same" ? 100 : 50;
}

/** What happened to one resource, in a word (a refresh's update is drift). */
export function opWord(command: Command, op: string): string {
    return command === "refresh" ? (op === "update" ? "drifted" : op === "delete" ? "gone" : op) : op;
}

export function opLabel(command: Command, op: string): string {
    return `${OP_SYMBOLS[op] ?? "?"} ${opWord(command, op)}`;
}

/** The headline warning about data: what happened to how many stateful resources. */
export function lossWarning(command: Command, count: number): string {
    const one = count === 1;
    const subject = `${count} stateful ${one ? "resource" : "resources"}`;
    switch (command) {
        case "preview":
            return `${subject} would be replaced or deleted; ${one ? "its" : "their"} data is lost unless restored from a backup`;
        case "refresh":
            return `${subject} ${one ? "is" : "are"} gone from the cloud; check whether ${one ? "it was" : "they were"} deleted outside Pulumi`;
        default:
            return `${subject} ${one ? "was" : "were"} replaced or deleted`;
    }
}

/** `name` formats the stack name (Markdown puts it in a code span). */
export function headline(o: RunOutcome, name = (stack: string) => stack): string {
    const what = { preview: "Preview", up: "Update", destroy: "Destroy", refresh: "Drift check", outputs: "Outputs" }[o.command];
    return `${what} of stack ${name(o.stack)}${o.cloud ? ` (${o.cloud})` : ""}`;
}

/** One line on how the run ended. */
export function status(o: RunOutcome): string {
    switch (o.exitCode) {
        case ExitCode.ConfigError:
            return "invalid stack config; nothing was run";
        case ExitCode.CliMissing:
            return "no Pulumi CLI; nothing was run";
        case ExitCode.StackLocked:
            return "the stack is locked by another update; nothing was run";
        case ExitCode.Failure:
            return "failed";
        case ExitCode.HealthCheckFailed:
            return `${o.report ? countsPhrase(o.command, o.report.counts) : "deployed"}; the health check failed`;
    }
    if (o.command === "refresh") {
        return o.exitCode === ExitCode.ChangesFound ? `drift found: ${countsPhrase(o.command, o.report!.counts)}` : "no drift";
    }
    return o.report ? countsPhrase(o.command, o.report.counts) : "done";
}

/** Properties per resource before the list is cut short ("+3 more"). */
const MAX_PROPERTIES = 8;

/** `format` styles names and values (Markdown puts them in code spans). */
export function propertiesPhrase(change: ResourceChange, format = (text: string) => text): string {
    const shown = change.properties.slice(0, MAX_PROPERTIES).map((p) => propertyPhrase(p, format));
    const more = change.properties.length - shown.length;
    return more > 0 ? `${shown.join(", ")}, +${more} more` : shown.join(", ");
}

function propertyPhrase(p: PropertyChange, format: (text: string) => string): string {
    const values =
        p.kind === "add"
            ? p.after !== undefined
                ? ` + ${format(p.after)}`
                : " (added)"
            : p.kind === "delete"
              ? " (removed)"
              : p.before !== undefined && p.after !== undefined
                ? `: ${format(p.before)} → ${format(p.after)}`
                : "";
    return `${format(p.path)}${values}${p.replaces ? " (forces replacement)" : ""}`;
}

/**
 * One line per before-deploy job this run performs: a preview says it will run (before the
 * services it gates); an update says how it ended, with the engine's error when it failed.
 */
export function jobLines(o: RunOutcome): string[] {
    const runs = o.report?.jobRuns ?? [];
    if (o.command === "preview") {
        return runs.map((r) => `jobs.${r.job} runs before the services it gates roll out`);
    }
    if (o.command !== "up") {
        return [];
    }
    return runs.map((r) => (r.errors.length > 0 ? `jobs.${r.job} FAILED: ${r.errors.join("; ")}` : r.done ? `jobs.${r.job} ran and succeeded` : `jobs.${r.job} did not run (the update stopped before it)`));
}
