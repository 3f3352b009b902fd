/**
 * `npm run plan -- --stack <name> [--cloud <aws|gcp|azure|local>] [--config key=value ...] [--json]`
 *
 * Runs the real program in-process under the offline engine (no Pulumi CLI, no credentials)
 * and prints what the stack would deploy: the resource tree with each resource's key settings,
 * then totals, then what the guardrail policy pack (`policy/`) reports. `--json` prints
 * {resources, outputs, policies} with every secret value replaced. Exit codes: 0 planned,
 * 1 failure, 2 config error, 3 planned but a mandatory guardrail is violated.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, Violation, violationCountLine } from "../policy/evaluate";
import { ConfigError } from "../stacks/errors";
import { optionsOf } from "../stacks/changes";
import { CapturedResource, OfflineRun, OfflineRunError, runOffline } from "../stacks/offline";
import { projectName, readStackConfig, setConfigPath, setConfigValue } from "../stacks/stack-files";

const ROOT = path.resolve(__dirname, "..");
const SECRET = "[secret]";

interface Args {
    stack: string;
    cloud?: string;
    config: string[];
    json: boolean;
}

const USAGE = "usage: npm run plan -- --stack <name> [--cloud aws|gcp|azure|local] [--config key=value ...] [--json]";

function parseArgs(argv: string[]): Args {
    const args: Args = { stack: "", config: [], json: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
            return v;
        };
        if (a === "--stack" || a === "-s") args.stack = next();
        else if (a === "--cloud") args.cloud = next();
        else if (a === "--config" || a === "-c") args.config.push(next());
        else if (a === "--json") args.json = true;
        else if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        } else throw new Error(`unknown argument '${a}'\n${USAGE}`);
    }
    if (!args.stack) throw new Error(`--stack is required\n${USAGE}`);
    return args;
}

/** Replaces every secret value (by the paths the engine recorded) with a marker. */
function redact(value: any, secretPaths: string[], at = ""): any {
    if (secretPaths.includes(at)) {
        return SECRET;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => redact(v, secretPaths, `${at}[${i}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secretPaths, at ? `${at}.${k}` : k)]));
    }
    return value;
}

/** A short, readable line of a resource's settings: scalars and small lists, secrets hidden. */
function keySettings(r: CapturedResource): string {
    const inputs = redact(r.inputs, r.secretPaths);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(inputs)) {
        if (k === "name" || k === "__defaults" || v === undefined || v === null) continue;
        let text: string | undefined;
        if (typeof v === "string") text = v.length <= 48 && !v.includes("\n") ? v : undefined;
        else if (typeof v === "number" || typeof v === "boolean") text = String(v);
        else if (Array.isArray(v) && v.length > 0 && v.length <= 4 && v.every((x) => typeof x === "string" && x.length <= 32)) text = `[${v.join(",")}]`;
        if (text !== undefined) parts.push(`${k}=${text}`);
        if (parts.length >= 7) break;
    }
    if (r.protect) parts.unshift("protect");
    return parts.join(" ");
}

function printTree(run: OfflineRun, stack: string, cloud: string) {
    const byParent = new Map<string | undefined, CapturedResource[]>();
    const urns = new Set(run.resources.map((r) => r.urn));
    for (const r of run.resources) {
        const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
        byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
    }
    const lines: string[] = [`Stack ${stack} (${cloud}): what \`pulumi up\` would create`];
    const walk = (parent: string | undefined, indent: string) => {
        const children = byParent.get(parent) ?? [];
        children.forEach((r, i) => {
            const last = i === children.length - 1;
            const settings = keySettings(r);
            lines.push(`${indent}${last ? "└─" : "├─"} ${r.type}  ${r.name}${settings ? `  ${settings}` : ""}`);
            walk(r.urn, indent + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const components = run.resources.filter((r) => !r.custom);
    const perType = new Map<string, number>();
    for (const r of custom) perType.set(r.type, (perType.get(r.type) ?? 0) + 1);
    lines.push("", "Outputs:");
    const outputs = redact(run.outputs, run.secretOutputPaths);
    for (const [k, v] of Object.entries(outputs)) {
        lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    lines.push("", `Totals: ${custom.length} cloud resources of ${perType.size} types in ${components.length} components, ${run.resources.filter((r) => r.protect).length} protected`);
    console.log(lines.join("\n"));
}

/** Each violation with the resource it is about, then the count line. */
function printViolations(run: OfflineRun, violations: Violation[]) {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const lines = ["", "Guardrails (policy/, the pack `pulumi preview --policy-pack ./policy` runs):"];
    for (const v of [...violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
        const r = v.urn ? byUrn.get(v.urn) : undefined;
        lines.push(`  [${v.level}] ${v.policy}: ${v.message}${r ? `\n      at ${r.type}  ${r.name}` : ""}`);
    }
    if (violations.length === 0) lines.push("  no violations");
    lines.push(violationCountLine(violations));
    console.log(lines.join("\n"));
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const file = path.join(ROOT, `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.relative(process.cwd(), file)}; stacks here: ${fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).join(", ")}`);
    }
    const config = readStackConfig(ROOT, file);
    if (args.cloud) setConfigValue(config, "cloud", args.cloud);
    for (const c of args.config) setConfigPath(config, c);
    // Without an engine, the program's pulumi.log messages go to console.log: keep them on stderr,
    // so stdout holds only the plan (and `--json` stays parseable).
    const log = console.log;
    console.log = (...messages: unknown[]) => console.error(...messages);
    let run: OfflineRun;
    try {
        run = await runOffline({ project: projectName(ROOT), stack: args.stack, config });
    } finally {
        console.log = log;
    }
    const violations = await evaluatePolicies(run.resources);
    if (args.json) {
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const resources = run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, options: optionsOf(r, byUrn), inputs: redact(r.inputs, r.secretPaths) }));
        console.log(JSON.stringify({ resources, outputs: redact(run.outputs, run.secretOutputPaths), policies: violations }, null, 2));
    } else {
        printTree(run, args.stack, config["anycloud:cloud"] ?? "local");
        printViolations(run, violations);
    }
    return violations.some((v) => v.level === "mandatory") ? 3 : 0;
}

/** Exits once stdout and stderr are flushed (pipe writes are asynchronous on macOS and Windows). */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main().then(exitAfterFlush, (error) => {
    const e = error instanceof OfflineRunError ? error.cause : error;
    if (ConfigError.isInstance(e)) {
        console.error(e.message);
        exitAfterFlush(2);
        return;
    }
    console.error(e instanceof Error ? e.message : e);
    exitAfterFlush(1);
});
