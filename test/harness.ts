import * as assert from "assert";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import { CloudFacts } from "../stacks/cloud-mocks";
import { ConfigError } from "../stacks/errors";
import { CapturedResource, OfflineOptions, OfflineRun, OfflineRunError, runOffline } from "../stacks/offline";
import { projectName, readStackConfig, setConfigValue } from "../stacks/stack-files";
import { PLAN_CACHE_ENV } from "./setup";

export const ROOT = path.resolve(__dirname, "..");

export interface PlanOptions {
    /** Stack name: reads Pulumi.<stack>.yaml at the root, unless `file` is given. */
    stack: string;
    /** A stack file relative to the root (e.g. test/fixtures/Pulumi.hosts.yaml). */
    file?: string;
    /** Config changes by path, like `pulumi config set --path` (undefined removes the key). */
    set?: Record<string, unknown>;
    /** Cloud answers that differ from the usual ones (a newer image, zones moved, another account). */
    facts?: CloudFacts;
    /** What the account already holds (invoke answers that differ from a fresh account). */
    existing?: OfflineOptions["existing"];
    /** Seed of generated random values: a new one is a destroy followed by an up. */
    randomSeed?: string;
    /** What an earlier `up` left in the account (a plan's resources): look-ups find it. */
    deployed?: OfflineOptions["deployed"];
    /** The stack outputs that earlier `up` left (a plan's outputs): the stack reading itself finds them. */
    deployedOutputs?: OfflineOptions["deployedOutputs"];
}

/** The result of one offline run, with lookups for assertions. */
export class Plan {
    /** `warnings`: what the program warned during the run (pulumi.log.warn), when the harness ran it. */
    constructor(
        public readonly run: OfflineRun,
        public readonly warnings: readonly string[] = [],
    ) {}

    get resources(): CapturedResource[] {
        return this.run.resources;
    }
    get outputs(): Record<string, any> {
        return this.run.outputs;
    }
    ofType(type: string): CapturedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
    /** The single resource of a type (optionally by logical name); fails when there are several. */
    one(type: string, name?: string): CapturedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
        }
        return found[0];
    }
    /** Resources directly or indirectly under the given resource. */
    descendantsOf(resource: CapturedResource): CapturedResource[] {
        const out: CapturedResource[] = [];
        const walk = (urn: string) => {
            for (const r of this.resources.filter((c) => c.parent === urn)) {
                out.push(r);
                walk(r.urn);
            }
        };
        walk(resource.urn);
        return out;
    }
    component(type: string, name: string): CapturedResource {
        return this.one(`anycloud:index:${type}`, name);
    }
}

/**
 * The stack files as read last, by path, with the text they were read from: parsing them
 * (YAML) was a tenth of a plan's CPU, and most tests plan the same few files. A file whose text
 * changed is read again.
 */
const stackFiles = new Map<string, { text: string; project: string; config: Record<string, string> }>();

export function stackConfig(options: PlanOptions): { project: string; config: Record<string, string> } {
    const file = path.resolve(ROOT, options.file ?? `Pulumi.${options.stack}.yaml`);
    let text: string | undefined;
    try {
        text = `${fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")}\0${fs.readFileSync(file, "utf8")}`;
    } catch {
        // readStackConfig says what is missing
    }
    let read = stackFiles.get(file);
    if (text === undefined || read?.text !== text) {
        read = { text: text ?? "", project: projectName(ROOT), config: readStackConfig(ROOT, file) };
        stackFiles.set(file, read);
    }
    const config = { ...read.config };
    for (const [key, value] of Object.entries(options.set ?? {})) {
        setConfigValue(config, key, value);
    }
    return { project: read.project, config };
}

/** The harness's runs, one after another, so that what is warned during one is that run's. */
let harnessRuns: Promise<unknown> = Promise.resolve();

/**
 * Runs the real program offline for a stack config, with its warnings (outside an engine the
 * program's pulumi.log.warn writes to console.warn); `quiet` keeps them off the console.
 */
export function plan(options: PlanOptions, quiet = false): Promise<Plan> {
    return runQueued(resolved(options), quiet);
}

/** The run's options: the stack file read and `set` applied. */
function resolved(options: PlanOptions): OfflineOptions {
    const { project, config } = stackConfig(options);
    return { project, stack: options.stack, config, facts: options.facts, existing: options.existing, randomSeed: options.randomSeed, deployed: options.deployed, deployedOutputs: options.deployedOutputs };
}

function runQueued(options: OfflineOptions, quiet: boolean): Promise<Plan> {
    const run = harnessRuns.then(async () => {
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (...m: unknown[]) => {
            warnings.push(m.join(" "));
            if (!quiet) original(...m);
        };
        try {
            return new Plan(await runOffline(options), warnings);
        } finally {
            console.warn = original;
        }
    });
    harnessRuns = run.catch(() => undefined);
    return run;
}

const baselines = new Map<string, Promise<Plan>>();

/** The id of the shared plan whose (frozen) resources or outputs these are. */
const sharedFrom = new WeakMap<object, string>();

/**
 * A plan run once per config and shared by every spec file (the runs are deterministic): by the
 * files of one mocha process, and through PLAN_CACHE_ENV's directory by mocha's parallel workers.
 * Plans are the same when what the program reads is: the stack name and the resolved config
 * (so `{stack: "dev"}` and `{stack: "dev", set: {cloud: "aws"}}` share one run when dev is on
 * aws), the cloud facts, the random seed, and what an earlier `up` left when that is a shared
 * plan's resources or outputs as they are (a day-2 plan against the same first `up`, keyed by that
 * plan's id). The plan is frozen: a caller that changed it would change it for every other, so
 * that throws (`broken()` and friends work on copies).
 */
export function baseline(options: PlanOptions): Promise<Plan> {
    if (!shareable(options)) {
        throw new Error("baseline(): only a shared plan's own resources and outputs are shared state; use plan() for other account state");
    }
    return shared(resolved(options));
}

/** baseline() of resolved options (what `npm run plan` in this process runs too). */
function shared(options: OfflineOptions): Promise<Plan> {
    const deployed = options.deployed && sharedFrom.get(options.deployed);
    const deployedOutputs = options.deployedOutputs && sharedFrom.get(options.deployedOutputs);
    const sorted = Object.fromEntries(Object.entries(options.config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const id = JSON.stringify({ project: options.project, stack: options.stack, config: sorted, facts: options.facts, randomSeed: options.randomSeed, deployed, deployedOutputs });
    if (!baselines.has(id)) {
        const dir = process.env[PLAN_CACHE_ENV];
        const run = dir ? sharedPlan(dir, id, () => runQueued(options, true)) : runQueued(options, true);
        baselines.set(
            id,
            run.then((p) => {
                const frozen = new Plan(deepFreeze(p.run), deepFreeze(p.warnings));
                sharedFrom.set(frozen.resources, id);
                sharedFrom.set(frozen.outputs, id);
                return frozen;
            }),
        );
    }
    return baselines.get(id)!;
}

/** Whether baseline() can share the plan: no account state but what a shared plan left. */
function shareable(options: Pick<OfflineOptions, "existing" | "deployed" | "deployedOutputs">): boolean {
    return !options.existing && (!options.deployed || sharedFrom.has(options.deployed)) && (!options.deployedOutputs || sharedFrom.has(options.deployedOutputs));
}

/** Freezes an object and every object inside it (own enumerable properties, as Object.values gives them). */
function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) freezeAll(value as object);
    return value;
}

// A shared plan is tens of thousands of objects, most of its values strings: the checks are made
// before the call, and arrays are walked by index, not copied by Object.values (half the cost).
function freezeAll(value: object): void {
    Object.freeze(value);
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const v: unknown = value[i];
            if (v !== null && typeof v === "object" && !Object.isFrozen(v)) freezeAll(v);
        }
        return;
    }
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
        const v: unknown = (value as Record<string, unknown>)[keys[i]];
        if (v !== null && typeof v === "object" && !Object.isFrozen(v)) freezeAll(v);
    }
}

/**
 * The first worker to claim a plan runs it and leaves it in the directory; the others wait for
 * that file instead of running the same plan on the same cores (or run it themselves when the
 * claimer could not store it).
 */
async function sharedPlan(dir: string, id: string, run: () => Promise<Plan>): Promise<Plan> {
    const file = path.join(dir, crypto.createHash("sha256").update(id).digest("hex").slice(0, 32));
    let claimed = false;
    try {
        fs.closeSync(fs.openSync(`${file}.claim`, "wx"));
        claimed = true;
    } catch {
        // another worker runs it
    }
    if (claimed) {
        let result: Plan | undefined;
        try {
            result = await run();
            fs.writeFileSync(`${file}.tmp`, v8.serialize({ run: result.run, warnings: result.warnings }));
            fs.renameSync(`${file}.tmp`, file);
            return result;
        } catch (e) {
            fs.writeFileSync(`${file}.failed`, "");
            if (result) return result;
            throw e;
        }
    }
    for (;;) {
        if (fs.existsSync(file)) {
            const shared = v8.deserialize(fs.readFileSync(file)) as { run: OfflineRun; warnings: string[] };
            return new Plan(shared.run, shared.warnings);
        }
        if (fs.existsSync(`${file}.failed`)) return run();
        await new Promise((r) => setTimeout(r, 25));
    }
}

/**
 * A second `up` of the same config: planned against what the first left, its resources and its
 * stack outputs (a real second `up` has both). One shared plan per config for every test about it.
 */
export async function secondUp(options: PlanOptions): Promise<Plan> {
    const first = await baseline(options);
    return baseline({ ...options, deployed: first.resources, deployedOutputs: first.outputs });
}

/**
 * A second `up` after a first that failed part-way: planned against the resources that first `up`
 * created and no stack outputs (a failed update records none, so the stack reads back an empty map).
 */
export async function secondUpAfterFailedFirst(options: PlanOptions): Promise<Plan> {
    const first = await baseline(options);
    return baseline({ ...options, deployed: first.resources });
}

/** A plan (the shared one where baseline() can share it) and what the program warned while it ran. */
export async function planWithWarnings(options: PlanOptions): Promise<{ p: Plan; warnings: readonly string[] }> {
    const p = await (shareable(options) ? baseline(options) : plan(options, true));
    return { p, warnings: p.warnings };
}

/**
 * Runs the program for a config that must be rejected: returns the error it stops with, and
 * fails when the program did not stop or registered anything before stopping.
 */
export async function planError(options: PlanOptions): Promise<ConfigError> {
    const { project, config } = stackConfig(options);
    let run: OfflineRun;
    try {
        run = await runOffline({ project, stack: options.stack, config });
    } catch (e) {
        if (!(e instanceof OfflineRunError)) {
            throw e;
        }
        assert.deepStrictEqual(e.registered.map((r) => `${r.type} ${r.name}`), [], "resources were registered before the config error");
        assert.ok(ConfigError.isInstance(e.cause), `expected a ConfigError, got: ${e.message}`);
        return e.cause;
    }
    throw new Error(`expected a config error, but the program registered ${run.resources.length} resources`);
}

export interface CommandResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * `npm run plan` in this process (scripts/plan.ts `planCommand`): what it prints on stdout and
 * stderr, and its exit code. What only a process shows (exit status, pipes) is `planProcess`.
 */
export async function planCommandRun(...args: string[]): Promise<CommandResult> {
    const { planCommand } = await import("../scripts/plan");
    let stdout = "";
    let stderr = "";
    // Its first run is the shared plan of that config (the --change run stays its own: the command
    // adds to the message of the error that run stops with).
    const run = (o: OfflineOptions) => (o.deployed || o.deployedOutputs || !shareable(o) ? runOffline(o) : shared(o).then((p) => p.run));
    const code = await planCommand(args, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) }, run);
    return { code, stdout, stderr };
}

/** `npm run plan` as a user runs it: a separate process, its stdout, stderr and exit status. */
export function planProcess(...args: string[]): CommandResult {
    const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "scripts/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 30 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every string value inside a captured input tree, with its path. */
export function stringsIn(value: unknown, at = ""): { path: string; value: string }[] {
    if (typeof value === "string") {
        return [{ path: at, value }];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => stringsIn(v, `${at}[${i}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => stringsIn(v, at ? `${at}.${k}` : k));
    }
    return [];
}

/** Every value @pulumi/random generated in a run (what the provider returned, not an input). */
export function generatedSecrets(p: Plan): string[] {
    return p.resources
        .filter((r) => r.type === "random:index/randomPassword:RandomPassword" || r.type === "random:index/randomString:RandomString")
        .map((r) => r.outputs.result as string);
}

const under = (path: string, secretPaths: string[]) => secretPaths.some((sp) => path === sp || path.startsWith(`${sp}.`) || path.startsWith(`${sp}[`));

/**
 * Where a generated value shows up outside a secret: in any input of any resource (raw or
 * URL-encoded) or in a non-secret stack output. An empty list is the secret-hygiene promise.
 */
export function plainSecretLeaks(p: Plan): string[] {
    const secrets = generatedSecrets(p);
    assert.ok(secrets.length > 0 && secrets.every((s) => typeof s === "string" && s.length >= 16), "the run generated no passwords to check");
    const forms = secrets.flatMap((s) => [s, encodeURIComponent(s)]);
    const leaks: string[] = [];
    for (const r of p.resources) {
        if (r.type.startsWith("random:")) continue;
        for (const { path, value } of stringsIn(r.inputs)) {
            if (forms.some((s) => value.includes(s)) && !under(path, r.secretPaths)) {
                leaks.push(`${r.type} ${r.name}.${path}`);
            }
        }
    }
    for (const { path, value } of stringsIn(p.outputs)) {
        if (forms.some((s) => value.includes(s)) && !under(path, p.run.secretOutputPaths)) {
            leaks.push(`output ${path}`);
        }
    }
    return leaks;
}

/**
 * The config error a check of what is deployed stops a run with (a failure when the run ends
 * without one), and the types registered before it. The check fails inside an apply: the
 * offline engine waits for applies to settle, so the run itself ends with it (OfflineRunError).
 */
export async function refusal(options: PlanOptions): Promise<{ error: ConfigError; registered: string[] }> {
    // The check fails inside an apply (on the look-up's answer): the run ends with it.
    let run: unknown;
    try {
        await plan(options);
    } catch (e) {
        run = e;
    }
    assert.ok(run instanceof OfflineRunError, `the run did not fail with its error: ${run}`);
    const error = run.cause;
    const registered = run.registered.map((r) => r.type);
    assert.ok(ConfigError.isInstance(error), `the run was not refused with a config error: ${error}`);
    return { error, registered };
}
