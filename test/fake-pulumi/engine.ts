// The fake Pulumi CLI's answers, for the driver tests (no CLI, no cloud on the test machines).
// It answers the calls the Automation API makes the way the real CLI does, as far as the SDK
// reads them, and records every call. The process the SDK starts is ./pulumi, a bash script that
// hands its argv and environment to this code in the test's own process (fake-cli.ts serves it)
// and prints what it answers, with its exit code: a Node script per call cost ~80 ms of CPU
// (Node's start-up), about 160 calls per driver.spec run.
//
// Environment (the calling process's; set by the test):
//   FAKE_PULUMI_DIR       where it keeps state.json (stacks, config, resources, outputs, history)
//                         and calls.jsonl (one {argv, env} per call)
//   FAKE_PULUMI_SCENARIO  JSON file: {changes: [step], drift: [step], outputs: {}, print: [line]}
//                         step: {op, type, name, diffs?, detailedDiff?, replaceKeys?, old?, new?}
//                         outputs: a value {"fake:secret": v} is secret (masked unless --show-secrets)
//   FAKE_PULUMI_FAIL      a command (preview, up, destroy, refresh) that fails with an engine error
//   FAKE_PULUMI_FAIL_MESSAGE  that error's text
//   FAKE_PULUMI_LOCKED    "1": every update command fails with the service's 409 lock conflict
// (`pulumi version` is answered by ./pulumi itself, from FAKE_PULUMI_VERSION.)
import * as fs from "fs";
import * as path from "path";

const PROJECT = "anycloud";
const SECRET = "[secret]";
const SECRET_KEY = "fake:secret";
const RECORDED_ENV = ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_AUTOMATION_API", "PULUMI_HOME"];

/** What the fake CLI process prints and exits with. */
export interface FakeAnswer {
    stdout: string;
    stderr: string;
    code: number;
}

type Env = Record<string, string | undefined>;
type Props = Record<string, unknown>;

interface Step {
    op: string;
    type: string;
    name: string;
    diffs?: string[];
    detailedDiff?: Props;
    replaceKeys?: string[];
    old?: Props;
    new?: Props;
}

interface Scenario {
    changes?: Step[];
    drift?: Step[];
    outputs?: Props;
    print?: string[];
}

interface StoredResource {
    urn: string;
    type: string;
    name: string;
    inputs: Props;
}

interface StackState {
    config: Record<string, { value: string; secret: boolean; path: boolean }>;
    resources: StoredResource[];
    outputs: Props;
    history: Props[];
    secretsProvider?: string;
}

interface State {
    stacks: Record<string, StackState>;
}

interface Parsed {
    flags: Set<string>;
    values: Record<string, string>;
    plaintext: string[];
    secret: string[];
    words: string[];
}

/** The CLI exiting early with a message on stderr. */
class Exit extends Error {
    constructor(
        readonly text: string,
        readonly code = 255,
    ) {
        super(text);
    }
}

const fail = (message: string, code = 255): never => {
    throw new Exit(`${message}\n`, code);
};

/** Flags with a value, flags without, and the positional words. */
function parse(args: string[]): Parsed {
    const valued = new Set(["--stack", "--event-log", "--exec-kind", "--page-size", "--page", "--secrets-provider", "--message", "--parallel", "--color", "--config-file"]);
    const opts: Parsed = { flags: new Set(), values: {}, plaintext: [], secret: [], words: [] };
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === "--plaintext") opts.plaintext.push(args[++i]);
        else if (a === "--secret") opts.secret.push(args[++i]);
        else if (valued.has(a)) opts.values[a.slice(2)] = args[++i];
        else if (a.startsWith("--")) opts.flags.add(a);
        else opts.words.push(a);
    }
    return opts;
}

const urnOf = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;

/** Secret outputs are masked unless --show-secrets, like `pulumi stack output --json`. */
function outputsJson(outputs: Props, showSecrets: boolean): Props {
    const out: Props = {};
    for (const [k, v] of Object.entries(outputs || {})) {
        const secret = v !== null && typeof v === "object" && SECRET_KEY in v;
        out[k] = secret ? (showSecrets ? (v as Props)[SECRET_KEY] : SECRET) : v;
    }
    return out;
}

/** Writes engine events as the CLI does to --event-log: one JSON object per line. */
function eventWriter(file: string | undefined): (payload: Props) => void {
    let sequence = 0;
    return (payload) => {
        if (!file) return;
        const event = { sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...payload };
        fs.appendFileSync(file, `${JSON.stringify(event)}\n`);
    };
}

function stepMetadata(stack: string, step: Step, op: string, logical = true): Props {
    const urn = urnOf(stack, step.type, step.name);
    const state = (inputs: Props) => ({ type: step.type, urn, custom: true, id: `${step.name}-id`, parent: urnOf(stack, "pulumi:pulumi:Stack", `${PROJECT}-${stack}`), inputs, outputs: inputs, provider: "" });
    const metadata: Props = { op, urn, type: step.type, provider: "", logical };
    if (step.old !== undefined) metadata.old = state(step.old);
    if (step.new !== undefined) metadata.new = state(step.new);
    if (step.diffs) metadata.diffs = step.diffs;
    if (step.detailedDiff) metadata.detailedDiff = step.detailedDiff;
    if (step.replaceKeys) metadata.keys = step.replaceKeys;
    return metadata;
}

/** One call of the fake CLI: its argv and environment in, what the process prints and its exit code out. */
export function answer(argv: string[], env: Env): FakeAnswer {
    let stdout = "";
    const print = (text: string) => (stdout += text);
    try {
        call(argv, env, print);
        return { stdout, stderr: "", code: 0 };
    } catch (e) {
        if (e instanceof Exit) return { stdout, stderr: e.text, code: e.code };
        return { stdout, stderr: `fake pulumi: ${(e as Error).stack}\n`, code: 255 };
    }
}

function call(argv: string[], env: Env, print: (text: string) => void): void {
    const dir = env.FAKE_PULUMI_DIR;
    if (!dir) fail("fake pulumi: FAKE_PULUMI_DIR is not set");
    const recorded: Record<string, string> = {};
    for (const k of RECORDED_ENV) {
        const v = env[k];
        if (v !== undefined) recorded[k] = k === "PULUMI_CONFIG_PASSPHRASE" ? "(set)" : v;
    }
    fs.appendFileSync(path.join(dir!, "calls.jsonl"), `${JSON.stringify({ argv, env: recorded })}\n`);

    const stateFile = path.join(dir!, "state.json");
    const state: State = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : { stacks: {} };
    const saveState = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
    const scenario = (): Scenario => (env.FAKE_PULUMI_SCENARIO ? JSON.parse(fs.readFileSync(env.FAKE_PULUMI_SCENARIO, "utf8")) : {});
    const requireStack = (name: string): StackState => state.stacks[name] ?? fail(`error: no stack named '${name}' found`);

    const opts = parse(argv);
    const [command, sub] = opts.words;
    const stackName = opts.values.stack || opts.words[2];

    /** The engine's run of `command` over `steps`: prelude, per-step events, summary, human output. */
    const runEngine = (stackState: StackState, steps: Step[], { dryRun, refresh = false }: { dryRun: boolean; refresh?: boolean }): Record<string, number> => {
        const emit = eventWriter(opts.values["event-log"]);
        const config: Record<string, string> = {};
        for (const [k, v] of Object.entries(stackState.config)) config[k] = v.secret ? SECRET : v.value;
        emit({ preludeEvent: { config } });

        const changed = new Set(steps.map((s) => urnOf(stackName, s.type, s.name)));
        const unchanged = stackState.resources.filter((r) => !changed.has(r.urn));
        const counts: Record<string, number> = {};
        const count = (op: string) => (counts[op] = (counts[op] || 0) + 1);
        const lines: string[] = [];

        for (const r of unchanged) {
            const step = { op: "same", type: r.type, name: r.name, old: r.inputs, new: r.inputs };
            emit({ resourcePreEvent: { metadata: stepMetadata(stackName, step, refresh ? "refresh" : "same"), planning: dryRun } });
            if (!dryRun || refresh) emit({ resOutputsEvent: { metadata: stepMetadata(stackName, step, "same"), planning: dryRun } });
            count("same");
        }
        for (const step of steps) {
            if (refresh) {
                // A refresh reports `refresh` first, then what it found (the step's op).
                emit({ resourcePreEvent: { metadata: stepMetadata(stackName, step, "refresh"), planning: dryRun } });
                emit({ resOutputsEvent: { metadata: stepMetadata(stackName, step, step.op), planning: dryRun } });
            } else if (step.op === "replace") {
                // A replacement is three steps; only `replace` is logical (counted).
                for (const [op, logical] of [["create-replacement", false], ["replace", true], ["delete-replaced", false]] as const) {
                    emit({ resourcePreEvent: { metadata: stepMetadata(stackName, step, op, logical), planning: dryRun } });
                }
                if (!dryRun) emit({ resOutputsEvent: { metadata: stepMetadata(stackName, step, "replace"), planning: false } });
            } else {
                emit({ resourcePreEvent: { metadata: stepMetadata(stackName, step, step.op), planning: dryRun } });
                if (!dryRun) emit({ resOutputsEvent: { metadata: stepMetadata(stackName, step, step.op), planning: false } });
            }
            count(step.op);
            lines.push(`    ${({ create: "+", update: "~", replace: "+-", delete: "-" } as Record<string, string>)[step.op] || " "} ${step.type}  ${step.name}  ${step.op}`);
        }
        for (const line of scenario().print || []) lines.push(line);

        const verb = ({ preview: "Previewing update", up: "Updating", destroy: "Destroying", refresh: "Refreshing" } as Record<string, string>)[command];
        print(`${verb} (${stackName})\n\n${lines.join("\n")}\n`);

        if (env.FAKE_PULUMI_FAIL === command) {
            const message = env.FAKE_PULUMI_FAIL_MESSAGE || "creating RDS DB Instance (database-primary): InvalidParameterCombination";
            emit({ diagnosticEvent: { message: `<{%fg 1%}>error: <{%reset%}>${message}\n`, color: "never", severity: "error" } });
            emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: counts, policyPacks: {} } });
            print(`\nDiagnostics:\n  pulumi:pulumi:Stack (${PROJECT}-${stackName}):\n    error: ${message}\n`);
            fail(`error: ${message}`);
        }
        emit({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: counts, policyPacks: {} } });
        print(`\nResources:\n${Object.entries(counts).map(([op, n]) => `    ${n} ${op}`).join("\n")}\n`);
        return counts;
    };

    const applySteps = (stackState: StackState, steps: Step[]) => {
        for (const step of steps) {
            const urn = urnOf(stackName, step.type, step.name);
            stackState.resources = stackState.resources.filter((r) => r.urn !== urn);
            if (step.op !== "delete") stackState.resources.push({ urn, type: step.type, name: step.name, inputs: step.new || {} });
        }
    };

    const history = (stackState: StackState, kind: string, counts: Record<string, number>) => {
        const now = new Date().toISOString();
        stackState.history.unshift({ version: stackState.history.length + 1, kind, startTime: now, endTime: now, message: "", environment: {}, config: {}, result: "succeeded", resourceChanges: counts });
    };

    if (command === "stack" && sub === "select") {
        requireStack(stackName);
        return;
    }
    if (command === "stack" && sub === "init") {
        if (state.stacks[stackName]) fail(`error: stack '${stackName}' already exists`);
        state.stacks[stackName] = { config: {}, resources: [], outputs: {}, history: [], secretsProvider: opts.values["secrets-provider"] || "passphrase" };
        saveState();
        print(`Created stack '${stackName}'\n`);
        return;
    }
    if (command === "stack" && sub === "rm") {
        const s = requireStack(stackName);
        if (s.resources.length > 0 && !opts.flags.has("--force")) fail(`error: '${stackName}' still has resources; removal rejected`);
        delete state.stacks[stackName];
        saveState();
        print(`Stack '${stackName}' has been removed!\n`);
        return;
    }
    if (command === "stack" && sub === "output") {
        print(`${JSON.stringify(outputsJson(requireStack(stackName).outputs, opts.flags.has("--show-secrets")), null, 2)}\n`);
        return;
    }
    if (command === "stack" && sub === "history") {
        const size = Number(opts.values["page-size"] || 0) || undefined;
        const entries = requireStack(stackName).history;
        print(`${JSON.stringify(size ? entries.slice(0, size) : entries, null, 2)}\n`);
        return;
    }
    if (command === "config" && sub === "set-all") {
        const s = requireStack(stackName);
        for (const [list, secret] of [[opts.plaintext, false], [opts.secret, true]] as const) {
            for (const kv of list) {
                const eq = kv.indexOf("=");
                s.config[kv.slice(0, eq)] = { value: kv.slice(eq + 1), secret, path: opts.flags.has("--path") };
            }
        }
        saveState();
        return;
    }
    if (["preview", "up", "destroy", "refresh"].includes(command)) {
        const s = requireStack(stackName);
        if (env.FAKE_PULUMI_LOCKED === "1") {
            fail("error: [409] Conflict: Another update is currently in progress.\nTo learn more about possible reasons and resolution, visit https://www.pulumi.com/docs/common-errors/#conflict");
        }
        const sc = scenario();
        if (command === "preview") {
            runEngine(s, sc.changes || [], { dryRun: true });
        } else if (command === "up") {
            const counts = runEngine(s, sc.changes || [], { dryRun: false });
            applySteps(s, sc.changes || []);
            s.outputs = sc.outputs || {};
            history(s, "update", counts);
        } else if (command === "destroy") {
            const steps = s.resources.map((r) => ({ op: "delete", type: r.type, name: r.name, old: r.inputs }));
            const counts = runEngine({ ...s, resources: [] }, steps, { dryRun: false });
            s.resources = [];
            s.outputs = {};
            history(s, "destroy", counts);
        } else if (opts.flags.has("--preview-only")) {
            runEngine(s, sc.drift || [], { dryRun: true, refresh: true });
        } else {
            fail("fake pulumi: only `refresh --preview-only` is supported");
        }
        saveState();
        return;
    }
    fail(`fake pulumi: unsupported command: ${argv.join(" ")}`);
}
