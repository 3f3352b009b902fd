/**
 * `npm run plan -- --stack <name> [--cloud <aws|gcp|azure|local>] [--config key=value ...] [--change key=value ...] [--json]`
 *
 * Runs the real program in-process under the offline engine (no Pulumi CLI, no credentials)
 * and prints what the stack would deploy: the resource tree with each resource's key settings,
 * then totals, then what each target does with the loadBalancer settings (components/edge.ts),
 * then what the guardrail policy pack (`policy/`) reports. `--json` prints
 * {resources, outputs, policies, edge} with every secret value replaced. Exit codes: 0 planned,
 * 1 failure, 2 config error, 3 planned but a mandatory guardrail is violated.
 *
 * With `--change` (same syntax as `--config`, repeatable) it plans the stack as configured and
 * again with the changes, and prints what `pulumi up` would do between the two: create, update
 * (the properties), replace (the property that forces it, from providers/<cloud>/replace-forcing.ts)
 * and delete, stateful resources first. `--json` prints {changes}. Exit codes: 0 nothing
 * stateful replaced or deleted, 4 a stateful resource would be replaced or deleted, 2 either
 * config is invalid (the message says which), 1 failure.
 */
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, Violation, violationCountLine } from "../policy/evaluate";
import { ConfigError } from "../stacks/errors";
import { operatorSecretCommand } from "../stacks/load-settings";
import { Change, ChangeOp, dataLoss, diffRuns, optionsOf, refusedUpdates, replaceTable } from "../stacks/changes";
import { CapturedResource, OfflineOptions, OfflineRun, OfflineRunError, runOffline } from "../stacks/offline";
import { Cloud } from "../stacks/settings";
import { edgeNotes, edgeReport, edgeReportText } from "../components/edge";
import { EDGE_MODELS } from "../providers/edge";
import { loadSettings } from "../stacks/load-settings";
import { readStack, setConfigPath, setConfigValue } from "../stacks/stack-files";

const ROOT = path.resolve(__dirname, "..");
const SECRET = "[secret]";

interface Args {
    help?: boolean;
    stack: string;
    cloud?: string;
    config: string[];
    change: string[];
    json: boolean;
}

const USAGE = "usage: npm run plan -- --stack <name> [--cloud aws|gcp|azure|local] [--config key=value ...] [--change key=value ...] [--json]";

/** Exit code of `--change` when a stateful resource would be replaced or deleted. */
const DATA_LOSS = 4;
/** Exit code of `--change` when nothing stateful is lost but the cloud would refuse an update (`up` would stop part-way). */
const REFUSED = 5;

function parseArgs(argv: string[]): Args {
    const args: Args = { stack: "", config: [], change: [], json: false };
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
        else if (a === "--change") args.change.push(next());
        else if (a === "--json") args.json = true;
        else if (a === "--help" || a === "-h") return { ...args, help: true };
        else throw new Error(`unknown argument '${a}'\n${USAGE}`);
    }
    if (!args.stack) throw new Error(`--stack is required\n${USAGE}`);
    return args;
}

/**
 * Replaces every secret value (by the paths the engine recorded) with a marker. What holds no
 * secret path is handed back as it is, not copied, when it is plain data (arrays and plain
 * objects), whose printing and reading a copy would not change: most resources have no secret
 * input, and copying a 100-service plan's inputs (with a path text per value) was ~2 % of it.
 */
function redact(value: any, secretPaths: string[], at = ""): any {
    if (!secretPaths.some((p) => p.startsWith(at)) && isPlain(value)) {
        // No path of a value under `at` (each one starts with it) is secret.
        return value;
    }
    return redactCopy(value, secretPaths, at);
}

/** Primitives, arrays and objects whose prototype is Object's (or none), all the way down. */
function isPlain(value: unknown): boolean {
    if (value === null || typeof value !== "object") return true;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlain(value[i])) return false;
        return true;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key) && !isPlain((value as Record<string, unknown>)[key])) return false;
    return true;
}

/** redact, copying this level (each value below is redacted again: where no secret lies, handed back). */
function redactCopy(value: any, secretPaths: string[], at: string): any {
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

function printTree(print: Print, run: OfflineRun, stack: string, cloud: string) {
    const byParent = new Map<string | undefined, CapturedResource[]>();
    const urns = new Set(run.resources.map((r) => r.urn));
    for (const r of run.resources) {
        const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
        const siblings = byParent.get(parent);
        if (siblings) siblings.push(r);
        else byParent.set(parent, [r]);
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
    print(lines.join("\n"));
}

const SYMBOLS: Record<ChangeOp, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** The changes, stateful first; each replacement with the property that forces it. */
function printChanges(print: Print, changes: Change[], stack: string, cloud: string, applied: string[]) {
    const lines = [`Stack ${stack} (${cloud}): what \`pulumi up\` would do after ${applied.join(", ")}`];
    if (changes.length === 0) lines.push("  no changes");
    for (const c of changes) {
        const why =
            c.op === "replace"
                ? `  forced by ${c.properties.join(", ")}${c.cascadeFrom ? ` (from the replaced ${c.cascadeFrom.type} ${c.cascadeFrom.name})` : ""}${c.deleteBeforeReplace ? "; deleted before it is re-created" : ""}`
                : c.op === "update"
                  ? `  ${c.properties.join(", ")}${c.refused ? `; the cloud refuses to change ${c.refused.join(", ")} in place` : ""}`
                  : "";
        const mark = c.refused ? "!! REFUSED " : c.stateful ? (c.op === "replace" || c.op === "delete" ? "!! DATA " : "stateful ") : "";
        lines.push(`  ${mark}${SYMBOLS[c.op]} ${c.op} ${c.type}  ${c.name}${why}`);
    }
    const count = (op: ChangeOp) => changes.filter((c) => c.op === op).length;
    const lost = dataLoss(changes).length;
    lines.push("", `Changes: ${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete; ${lost} stateful replaced or deleted${refusedUpdates(changes).length > 0 ? `; ${refusedUpdates(changes).length} updates the cloud refuses` : ""}`);
    print(lines.join("\n"));
}

/** Each violation with the resource it is about, then the count line. */
function printViolations(print: Print, run: OfflineRun, violations: Violation[]) {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const lines = ["", "Guardrails (policy/, the pack `pulumi preview --policy-pack ./policy` runs):"];
    for (const v of [...violations].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1))) {
        const r = v.urn ? byUrn.get(v.urn) : undefined;
        lines.push(`  [${v.level}] ${v.policy}: ${v.message}${r ? `\n      at ${r.type}  ${r.name}` : ""}`);
    }
    if (violations.length === 0) lines.push("  no violations");
    lines.push(violationCountLine(violations));
    print(lines.join("\n"));
}

/** Where the command writes: one call per line block, like console.log. */
type Print = (text: string) => void;

/**
 * The command: parses `argv`, writes to `io` and returns the exit code (the process entry point
 * below exits with it). The program's own log lines go to stderr, like everything but the plan.
 * `run` runs the program offline (the tests' in-process runs pass one that shares plans).
 */
export async function planCommand(argv: string[], io: { out: Print; err: Print }, run: (options: OfflineOptions) => Promise<OfflineRun> = runOffline): Promise<number> {
    try {
        return await plan(argv, io.out, run);
    } catch (error) {
        const e = error instanceof OfflineRunError ? error.cause : error;
        io.err(ConfigError.isInstance(e) ? e.message : failureMessage(e));
        return exitCodeFor(error);
    }
}

/** The exit code of a run that threw: 2 for a config error (stack config or stack file), else 1. */
export function exitCodeFor(error: unknown): number {
    const e = error instanceof OfflineRunError ? error.cause : error;
    return ConfigError.isInstance(e) ? 2 : 1;
}

async function plan(argv: string[], print: Print, runProgram: (options: OfflineOptions) => Promise<OfflineRun>): Promise<number> {
    const args = parseArgs(argv);
    if (args.help) {
        print(USAGE);
        return 0;
    }
    const file = path.join(ROOT, `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.relative(process.cwd(), file)}; stacks here: ${fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).join(", ")}`);
    }
    const { project, config } = readStack(ROOT, file);
    if (args.cloud) setConfigValue(config, "cloud", args.cloud);
    for (const c of args.config) setConfigPath(config, c);
    // Without an engine, the program's pulumi.log messages go to console.log: keep them on stderr,
    // so stdout holds only the plan (and `--json` stays parseable).
    const log = console.log;
    console.log = (...messages: unknown[]) => console.error(...messages);
    let run: OfflineRun;
    let changed: OfflineRun | undefined;
    try {
        run = await runProgram({ project, stack: args.stack, config });
        if (args.change.length > 0) {
            const after = { ...config };
            for (const c of args.change) setConfigPath(after, c);
            try {
                // The account as the first run would leave it: look-ups of existing resources
                // (the running PostgreSQL version, say) find what it created.
                changed = await runProgram({ project, stack: args.stack, config: after, deployed: run.resources, deployedOutputs: run.outputs });
            } catch (e) {
                const cause = e instanceof OfflineRunError ? e.cause : e;
                if (ConfigError.isInstance(cause)) {
                    cause.message = `With --change ${args.change.join(" --change ")}: ${failureMessage(cause)}`;
                }
                throw e;
            }
        }
    } finally {
        console.log = log;
    }
    const cloud = (config["anycloud:cloud"] ?? "local") as Cloud;
    if (changed) {
        const changes = diffRuns(run.resources, changed.resources, replaceTable(cloud));
        if (args.json) {
            print(JSON.stringify({ changes }, null, 2));
        } else {
            printChanges(print, changes, args.stack, cloud, args.change);
        }
        return dataLoss(changes).length > 0 ? DATA_LOSS : refusedUpdates(changes).length > 0 ? REFUSED : 0;
    }
    const violations = await evaluatePolicies(run.resources);
    if (run.standIns.length > 0) {
        // On stderr, so `--json` stays parseable: the plan is real, these values are stand-ins.
        console.error(
            `Operator secrets this stack has not set, planned with stand-in values (\`pulumi up\` refuses to start without them):\n` +
                run.standIns.map((n) => `  ${operatorSecretCommand(n)}`).join("\n"),
        );
    }
    // What each target does with the edge settings (the run above already refused what this
    // stack's target cannot honour).
    const settings = run.settings ?? loadSettings(config, { project, stack: args.stack });
    const edge = edgeReport(settings, EDGE_MODELS).map(({ route, ...row }) => row);
    const edgeNotesOfStack = edgeNotes(settings, EDGE_MODELS);
    if (args.json) {
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        const resources = run.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ?? null, options: optionsOf(r, byUrn), inputs: redact(r.inputs, r.secretPaths) }));
        print(JSON.stringify({ resources, outputs: redact(run.outputs, run.secretOutputPaths), policies: violations, edge, edgeNotes: edgeNotesOfStack }, null, 2));
    } else {
        printTree(print, run, args.stack, cloud);
        const text = edgeReportText(edge, cloud, edgeNotesOfStack);
        if (text) print(text);
        printViolations(print, run, violations);
    }
    return violations.some((v) => v.level === "mandatory") ? 3 : 0;
}

/** Exits once stdout and stderr are flushed (pipe writes are asynchronous on macOS and Windows). */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

/**
 * A failure inside an Output (a failed invoke, a throwing apply) reaches the process as an
 * unhandled rejection, wrapped once per property it passed through; print only its cause.
 */
function failureMessage(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    return text.replace(/^(error serializing property "[^"]*": )+/, "");
}

if (require.main === module) {
    let failed = false;
    process.on("unhandledRejection", (reason) => {
        if (!failed) {
            failed = true;
            console.error(failureMessage(reason));
            exitAfterFlush(1);
        }
    });
    planCommand(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then(exitAfterFlush);
}
