import { ResourceChange } from "./changes";
import { headline, jobLines, lossWarning, opLabel, opWord, propertiesPhrase, RunOutcome, status } from "./outcome";

/**
 * Every section starts with this hidden marker plus the command and stack, e.g.
 * `<!-- anycloud:preview stack=dev -->`; the preview workflow finds its PR comment by it.
 */
export const MARKER_PREFIX = "<!-- anycloud:";

/** A PR comment holds 65,536 characters; sections for several stacks must fit in one. */
const MAX_ROWS = 150;

export function sectionMarker(command: string, stack: string): string {
    return `${MARKER_PREFIX}${command} stack=${stack} -->`;
}

/**
 * One self-contained Markdown section per run, starting and ending on a blank line, so the
 * sections of several stacks concatenate into one PR comment or `$GITHUB_STEP_SUMMARY`.
 */
export function renderMarkdown(o: RunOutcome): string {
    const out = [sectionMarker(o.command, o.stack), `### ${headline(o, code)}: ${escape(status(o))}`, ""];
    const report = o.report;
    const errors = (report?.errors ?? []).filter((e) => !o.problem?.includes(e));
    if (o.problem || errors.length > 0) {
        const text = [o.problem, ...errors].filter(Boolean).join("\n");
        out.push("<details open><summary>Error</summary>", "", "```text", text.replace(/```/g, "'''"), "```", "", "</details>", "");
    }
    const jobs = jobLines(o);
    if (jobs.length > 0) {
        out.push(`**Before-deploy jobs**`, "", ...jobs.map((j) => `- ${escape(j)}`), "");
    }
    if (report && report.statefulLosses.length > 0) {
        out.push(`> [!WARNING]`, `> **${escape(lossWarning(o.command, report.statefulLosses.length))}:**`);
        for (const c of report.statefulLosses) {
            out.push(`> - **${escape(opWord(o.command, c.op))}** ${code(c.name)} (${code(c.type)})${c.properties.length ? `: ${propertiesPhrase(c, code)}` : ""}`);
        }
        out.push("");
    }
    if (report && report.changes.length > 0) {
        const n = report.changes.length;
        const verb = { preview: "to change", up: "changed", destroy: "deleted", refresh: "drifted", outputs: "" }[o.command];
        out.push(`<details><summary>${n} ${n === 1 ? "resource" : "resources"} ${verb}</summary>`, "");
        out.push("| change | resource | type | properties |", "|---|---|---|---|");
        out.push(...report.changes.slice(0, MAX_ROWS).map((c) => row(o, c)));
        if (n > MAX_ROWS) {
            out.push(`| | … and ${n - MAX_ROWS} more | | |`);
        }
        out.push("", "</details>", "");
    }
    if (o.edge && o.edge.length > 0 && (o.command === "preview" || o.command === "up")) {
        const n = o.edge.length;
        out.push(`<details><summary>Edge: ${n} load-balancer ${n === 1 ? "setting" : "settings"} approximated on ${escape(o.cloud ?? "this target")}</summary>`, "");
        out.push(...o.edge.map((e) => `- ${code(e.at)}: ${escape(e.asked)} → ${escape(e.enforced)}`), "", "</details>", "");
    }
    if (o.health) {
        out.push(`**Health check ${o.health.ok ? "passed" : "failed"}**`, "");
        for (const c of o.health.checks) {
            const answer = c.status !== undefined ? `HTTP ${c.status}` : (c.error ?? "no answer");
            out.push(`- ${c.ok ? "✅" : "❌"} ${escape(c.service)}: ${code(c.url)} answered ${escape(answer)} after ${c.seconds} s`);
        }
        out.push(...o.health.skipped.map((s) => `- skipped ${escape(s)}`), "");
    }
    return `${out.join("\n")}\n`;
}

function row(o: RunOutcome, c: ResourceChange): string {
    const props = c.properties.length ? propertiesPhrase(c, code) : "";
    return `| ${escape(opLabel(o.command, c.op))} | ${code(c.name)} | ${code(c.type)} | ${props} |`;
}

/** Text in a table cell or list item: no raw HTML, no column breaks. */
function escape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
}

function code(text: string): string {
    return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}
