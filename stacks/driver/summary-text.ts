import { ResourceChange } from "./changes";
import { headline, jobLines, lossWarning, opLabel, propertiesPhrase, RunOutcome, status } from "./outcome";

/** Resource lines shown in the terminal; the rest are counted (the CLI's own log has them all). */
const MAX_LINES = 200;

/** The summary printed at the end of a run: stateful losses first, then counts, then each change. */
export function renderText(o: RunOutcome): string {
    // The problem itself went to stderr; the summary repeats only the engine's errors.
    const lines = [``, `── ${headline(o)}: ${status(o)} ──`];
    const report = o.report;
    if (report) {
        for (const error of report.errors) {
            lines.push(`error: ${error}`);
        }
        const jobs = jobLines(o);
        if (jobs.length > 0) {
            lines.push(`Before-deploy jobs:`, ...jobs.map((j) => `  ${j}`));
        }
        if (report.statefulLosses.length > 0) {
            lines.push(`WARNING: ${lossWarning(o.command, report.statefulLosses.length)}:`);
            lines.push(...table(o, report.statefulLosses));
        }
        if (report.changes.length > 0) {
            lines.push(`Changes:`);
            lines.push(...table(o, report.changes.slice(0, MAX_LINES)));
            if (report.changes.length > MAX_LINES) {
                lines.push(`  … and ${report.changes.length - MAX_LINES} more`);
            }
        }
    }
    if (o.edge && o.edge.length > 0 && (o.command === "preview" || o.command === "up")) {
        lines.push(`Edge (approximated on ${o.cloud ?? "this target"}):`, ...o.edge.map((e) => `  ${e.asked} → ${e.enforced}`));
    }
    if (o.health) {
        lines.push(`Health check: ${o.health.ok ? "passed" : "FAILED"}`);
        for (const c of o.health.checks) {
            const answer = c.status !== undefined ? `HTTP ${c.status}` : (c.error ?? "no answer");
            lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.service}  ${c.url}  ${answer} after ${c.seconds} s`);
        }
        lines.push(...o.health.skipped.map((s) => `  skipped ${s}`));
    }
    return `${lines.join("\n")}\n`;
}

function table(o: RunOutcome, changes: ResourceChange[]): string[] {
    const rows = changes.map((c) => [opLabel(o.command, c.op), c.name, c.type, propertiesPhrase(c)]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ")}`.trimEnd());
}
