/**
 * `npm run -s guardrail-docs` prints the README's guardrail tables from the pack itself, so the
 * README cannot drift from the code (test/policy-pack.spec.ts compares them).
 */
import { GUARDRAILS } from "../policy/guardrails";
import { TARGETS } from "../policy/model";
import { TARGET_CHECKS } from "../policy/pack";

/** `aws:rds/instance:Instance` → `rds.Instance`; `docker:index/container:Container` → `Container`. */
function shortType(token: string): string {
    const [, module, type] = token.split(":");
    const name = module.split("/")[0];
    return name === "index" ? type : `${name}.${type}`;
}

/** What each target checks for a guardrail: its resource types, a stack check, or n/a. */
function coverage(target: (typeof TARGETS)[number], name: string): string {
    const part = TARGET_CHECKS[target][name];
    if ("notApplicable" in part) return "n/a¹";
    if ("stack" in part) return "stack check";
    return [...new Set(Object.keys(part.resources).map(shortType))].join(", ");
}

export function guardrailTables(): string {
    const lines = [
        "| policy | level | what it checks | why this level |",
        "|---|---|---|---|",
        ...GUARDRAILS.map((g) => `| \`${g.name}\` | ${g.level} | ${g.description}${g.prodOnly ? " (prod stacks only)" : ""} | ${g.levelReason} |`),
        "",
        `| policy | ${TARGETS.join(" | ")} |`,
        `|---|${TARGETS.map(() => "---").join("|")}|`,
        ...GUARDRAILS.map((g) => `| \`${g.name}\` | ${TARGETS.map((t) => coverage(t, g.name)).join(" | ")} |`),
        "",
        "¹ Not applicable, and why:",
        ...TARGETS.flatMap((t) =>
            GUARDRAILS.flatMap((g) => {
                const part = TARGET_CHECKS[t][g.name];
                return "notApplicable" in part ? [`- ${t}, \`${g.name}\`: ${part.notApplicable}.`] : [];
            }),
        ),
    ];
    return lines.join("\n");
}

if (require.main === module) {
    console.log(guardrailTables());
}
