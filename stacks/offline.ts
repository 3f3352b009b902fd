import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiState from "@pulumi/pulumi/runtime/state";
import { loadMocks } from "../providers/load";
import { CloudFacts, CloudMocks, DeployedResource, MockContext } from "./cloud-mocks";
import { leanRegisterResource, plainStruct } from "./engine-answer";
import { CONFIG_NAMESPACE } from "./errors";
import { missingOperatorSecrets } from "./load-settings";
import { runProgramWithSettings } from "./program";
import { CLOUDS, Cloud, Settings } from "./settings";

/**
 * The offline engine: runs the real program in-process under Pulumi's mock monitor, answering
 * invokes and computed outputs the way the cloud would (`providers/<cloud>/mocks.ts`), and records
 * every resource as the engine would receive it. Used by the tests and by `npm run plan`.
 */

export interface CapturedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent resource (undefined for top-level resources). */
    parent?: string;
    custom: boolean;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /** The program set `deleteBeforeReplace` (true or false), overriding the provider's choice. */
    deleteBeforeReplaceSet?: boolean;
    ignoreChanges: string[];
    /** Input properties whose change replaces the resource (the `replaceOnChanges` option). */
    replaceOnChanges: string[];
    /** Outputs the program asked Pulumi to keep secret in state (`additionalSecretOutputs`). */
    additionalSecretOutputs: string[];
    /** The cloud id given in the `import` option, when the resource adopts an existing one. */
    importId?: string;
    /** URNs this resource explicitly depends on (dependsOn and input dependencies). */
    dependencies: string[];
    /** URNs each input property takes values from (what an upstream replacement makes unknown). */
    propertyDependencies: Record<string, string[]>;
    /** Provider reference (`urn::id`) for custom resources with an explicit provider. */
    provider?: string;
    /** The URNs its aliases stand for: state under one of them is taken over, not replaced. */
    aliasUrns: string[];
    /** Inputs with secrets unwrapped to their plain values. */
    inputs: Record<string, any>;
    /** Paths (`a.b[0].c`) of inputs that were secret. */
    secretPaths: string[];
    /** What the (mock) cloud returned: inputs plus computed outputs, secrets unwrapped. */
    outputs: Record<string, any>;
}

/** An invoke as the engine receives it: with the resources it waits for (its `dependsOn`). */
export interface CapturedInvoke {
    token: string;
    inputs: Record<string, any>;
    /** URNs of the resources the invoke waits for (transitively, children of components included). */
    dependsOn: string[];
    /**
     * How many registrations the engine had answered when the invoke was issued (the first ones of
     * the run's `resources`): what a wait the engine cannot see (an invoke inside an apply over a
     * resource's output) waited for.
     */
    answered: number;
}

export interface OfflineRun {
    resources: CapturedResource[];
    /** Stack outputs with secrets unwrapped. */
    outputs: Record<string, any>;
    /** Paths of outputs that are secret. */
    secretOutputPaths: string[];
    /** Operator secrets the stack config had no value for, planned with a stand-in value. */
    standIns: string[];
    /** Every invoke the program made, in order: the token, its arguments and what it waits for. */
    invokes: CapturedInvoke[];
    /** The settings the real program ran with (its config with the stand-ins); none for another `program`. */
    settings?: Settings;
}

export interface OfflineOptions {
    project: string;
    stack: string;
    /** Full config map, keys like `anycloud:cloud`; structured values as JSON strings. */
    config: Record<string, string>;
    /**
     * Fill operator secrets the config lacks with stand-in values (default true), as a plan without
     * the operator's values should; false runs the program as `pulumi up` would, refusing them.
     */
    standIns?: boolean;
    /** Cloud answers that differ from the usual ones (day-2 tests). */
    facts?: CloudFacts;
    /** What an earlier run left in the account (a run's `resources`): look-ups find it. */
    deployed?: DeployedResource[];
    /** The stack outputs that earlier run left (a run's `outputs`): the stack reading itself finds them. */
    deployedOutputs?: Record<string, unknown>;
    /** Defaults to the real program. */
    program?: () => Promise<Record<string, any>>;
    /**
     * Registrations the engine answers late (a few milliseconds after the others), as a cloud
     * that takes its time (enabling an API): what does not wait for them is issued before.
     */
    answerLate?: (type: string) => boolean;
    /**
     * What the account already holds, where it differs from a fresh one: answers that take
     * precedence over the cloud's mocks for the invokes they know (undefined: ask the mocks).
     */
    existing?: (token: string, inputs: Record<string, any>) => Record<string, any> | undefined;
    /**
     * Seed of the values @pulumi/random generates (default: the stack). A new seed is what a
     * destroy followed by an up gives: new random state for the same config.
     */
    randomSeed?: string;
}

/** The mark scripts/sdk-patches.js looks for on a monitor that does not read source positions. */
const SOURCE_POSITIONS_UNREAD = Symbol.for("anycloud.sourcePositionsUnread");
/** The mark scripts/sdk-patches.js (10.) looks for on a monitor that reads a request's inputs in this process. */
const REQUEST_READ_IN_PROCESS = Symbol.for("anycloud.requestReadInProcess");

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SPECIAL_SIG = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** The program failed; `cause` is its error, `registered` what reached the engine before it. */
export class OfflineRunError extends Error {
    constructor(
        public readonly cause: unknown,
        public readonly registered: CapturedResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "OfflineRunError";
    }
}

let previousRun: Promise<unknown> = Promise.resolve();

/**
 * Runs one stack offline. Safe to call repeatedly in one process: each run resets the mocks,
 * and because the mock monitor is process-wide, overlapping calls are queued, never interleaved.
 */
export function runOffline(options: OfflineOptions): Promise<OfflineRun> {
    const run = previousRun.then(() => runOfflineNow(options));
    previousRun = run.catch(() => undefined);
    return run;
}

async function runOfflineNow(options: OfflineOptions): Promise<OfflineRun> {
    const standIns = options.standIns === false ? [] : missingOperatorSecrets(options.config);
    if (standIns.length > 0) {
        options = { ...options, config: withStandIns(options.config, standIns) };
    }
    const ctx: MockContext = { project: options.project, stack: options.stack, config: options.config, facts: options.facts, deployed: options.deployed, deployedOutputs: options.deployedOutputs };
    const cloudMocks = await mocksFor(chosenCloud(options.config));
    const captured: CapturedResource[] = [];
    const invokes: CapturedInvoke[] = [];
    const randomSeed = options.randomSeed === undefined ? "" : `${options.randomSeed}/`;
    const asked: Asked = {};

    const mocks: pulumi.runtime.Mocks = {
        call: (args) => {
            const answer = options.existing?.(args.token, args.inputs) ?? cloudMocks.call(args.token, args.inputs, ctx);
            if (answer === undefined) {
                throw unanswered(args.token, args.inputs, args.provider, options.config);
            }
            return answer;
        },
        newResource: (args) => {
            // These inputs are also what the run records (captureRegistrations): frozen, so a mock
            // that changed them would fail here instead of changing what the engine was sent.
            asked.inputs = deepFreezeInputs(args.inputs);
            const computed = sharedState(args.type, args.name, args.inputs, ctx, randomSeed) ?? cloudMocks.state(args.type, args.name, args.inputs, ctx);
            const id = args.custom ? computed?.id ?? `${args.name}-${shortHash(`${ctx.stack}/${args.type}/${args.name}`)}` : undefined;
            return { id, state: { ...args.inputs, ...(computed?.state ?? {}) } };
        },
    };

    // Organization "organization": what the CLI tells a program on a DIY backend.
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, false, "organization");
    // The CLI's engine gates invokes on their `dependsOn` (RESOURCE_MONITOR_FEATURE_INVOKE_DEPENDS_ON);
    // the mock monitor does not claim it, so say it here and record what each invoke waits for.
    // (getStore is exported by runtime/state.js but not declared in its typings.)
    (pulumiState as unknown as { getStore(): { supportsInvokeDependsOn: boolean } }).getStore().supportsInvokeDependsOn = true;
    // This engine reads no registration's source position or stack trace (a run records none):
    // marked so, the SDK takes no stack for each resource (scripts/sdk-patches.js, 4).
    (pulumi.runtime.getMonitor() as unknown as Record<symbol, boolean>)[SOURCE_POSITIONS_UNREAD] = true;
    // It reads a registration's inputs only as `req.getObject().toJavaScript()` (the lean answer in
    // ./engine-answer.ts, the SDK's mock monitor, captureRegistrations below): the SDK hands them
    // over without building the protobuf Struct an engine in another process decodes (sdk-patches 10.).
    (pulumi.runtime.getMonitor() as unknown as Record<symbol, unknown>)[REQUEST_READ_IN_PROCESS] = plainStruct;
    captureRegistrations(captured, asked, options.answerLate);
    captureInvokes(invokes, captured);
    pulumi.runtime.setAllConfig(options.config);

    let settings: Settings | undefined;
    const program =
        options.program ??
        (async () => {
            const ran = await runProgramWithSettings();
            settings = ran.settings;
            return ran.outputs;
        });
    // An error thrown inside an apply (a failed check, say) ends a real run: the language host
    // reports it as the program's failure. Here it becomes this run's error, not the process's.
    // A rejected registration (an input whose apply threw) arrives as an unhandled rejection: the
    // language host ends the run with it too.
    const thrown: unknown[] = [];
    const onThrow = (e: unknown) => thrown.push(e);
    const events = ["uncaughtException", "unhandledRejection"] as const;
    const saved = events.map((event) => [event, (process as NodeJS.EventEmitter).listeners(event)] as const);
    for (const event of events) {
        process.removeAllListeners(event);
        (process as NodeJS.EventEmitter).on(event, onThrow);
    }
    try {
        let rawOutputs: Record<string, any>;
        try {
            rawOutputs = await program();
        } catch (e) {
            await settled(thrown);
            throw new OfflineRunError(e, captured);
        }
        await settled(thrown);
        const secretOutputPaths: string[] = [];
        let outputs: Record<string, any> | undefined;
        try {
            outputs = (await resolveDeep(rawOutputs, "", secretOutputPaths)) as Record<string, any>;
        } catch (e) {
            // A stack output whose apply threw: the run's error (it used to hang the run).
            thrown.push(e);
        }
        // Every apply, registration and invoke the run started has finished, and Node has
        // reported what failed in them: only then is the run over (a late error is this run's).
        await settled(thrown);
        if (thrown.length > 0 || outputs === undefined) {
            throw new OfflineRunError(thrown[0], captured);
        }
        return { resources: captured, outputs, secretOutputPaths, standIns, invokes, settings };
    } finally {
        for (const [event, listeners] of saved) {
            process.removeListener(event, onThrow);
            for (const listener of listeners) (process as NodeJS.EventEmitter).on(event, listener as (...args: unknown[]) => void);
        }
    }
}

/**
 * The error for an invoke the cloud's mocks cannot answer. The SDK rethrows a failed invoke as
 * `new Error(err.details)` (the gRPC field), so the text goes there too; without it the user saw
 * only a page of "error serializing property" with no cause.
 */
export function unanswered(token: string, inputs: Record<string, unknown>, provider: string | undefined, config: Record<string, string>): Error {
    const cloud = chosenCloud(config);
    const where = config[`${CONFIG_NAMESPACE}:${cloud}`];
    const message =
        `offline engine: no answer for invoke ${token} with arguments ${JSON.stringify(inputs)}` +
        `${provider ? ` through provider ${provider.split("::").slice(-2).join("::")}` : ""}` +
        `${where ? ` (anycloud:${cloud} = ${where})` : ""}; providers/${cloud}/mocks.ts must answer it the way the cloud would`;
    return Object.assign(new Error(message), { details: message });
}

/** The config with a stand-in value for each operator secret it lacks (never a real value). */
function withStandIns(config: Record<string, string>, names: string[]): Record<string, string> {
    const key = `${CONFIG_NAMESPACE}:operatorSecrets`;
    let values: Record<string, unknown> = {};
    try {
        const parsed = JSON.parse(config[key] ?? "{}");
        values = parsed !== null && typeof parsed === "object" ? parsed : {};
    } catch {
        // The program reports a malformed value itself.
    }
    for (const n of names) values[n] = `offline-stand-in-${n}`;
    return { ...config, [key]: JSON.stringify(values) };
}

function chosenCloud(config: Record<string, string>): Cloud {
    const value = config[`${CONFIG_NAMESPACE}:cloud`] ?? "local";
    return (CLOUDS as readonly string[]).includes(value) ? (value as Cloud) : "local";
}

async function mocksFor(cloud: Cloud): Promise<CloudMocks> {
    try {
        return await loadMocks(cloud);
    } catch {
        // The program reports an unavailable cloud itself, as a config error.
        return { call: () => undefined, state: () => undefined };
    }
}

/** Freezes plain objects and arrays all the way down (resources and assets are left as they are). */
function deepFreezeInputs<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreezeInputs(v);
    }
    return value;
}

/** The inputs the mock monitor handed `newResource`: the registration's, deserialized. */
interface Asked {
    inputs?: Record<string, any>;
}

/** Wraps the mock monitor so each registration is recorded with its options, as the engine sees it. */
function captureRegistrations(captured: CapturedResource[], asked: Asked, answerLate?: (type: string) => boolean) {
    const monitor = pulumi.runtime.getMonitor() as any;
    // The mock monitor's own steps, answering without a protobuf Struct (./engine-answer.ts).
    const original = leanRegisterResource(monitor) ?? monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        // The SDK's mock monitor deserializes the request's inputs for `newResource`, which it calls
        // before its first await: those are the inputs recorded (nothing changes them), instead of
        // deserializing them again. Were it ever called later, they are deserialized here.
        let deserialized: Record<string, any> | undefined;
        const answered = (err: any, resp: any) => {
            if (!err && resp) {
                const raw = deserialized ?? pulumi.runtime.deserializeProperties(req.getObject());
                const secretPaths: string[] = [];
                const inputs = unwrap(raw, "", secretPaths);
                const outputs = unwrap(pulumi.runtime.deserializeProperties(resp.getObject()), "", []);
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                    propertyDependencies[key] = deps.getUrnsList();
                });
                captured.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: resp.getUrn(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    protect: !!req.getProtect(),
                    retainOnDelete: !!req.getRetainondelete(),
                    deleteBeforeReplace: !!req.getDeletebeforereplace(),
                    deleteBeforeReplaceSet: !!req.getDeletebeforereplacedefined(),
                    ignoreChanges: req.getIgnorechangesList(),
                    replaceOnChanges: req.getReplaceonchangesList(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    importId: req.getImportid() || undefined,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    provider: req.getProvider() || undefined,
                    aliasUrns: aliasUrns(req, resp.getUrn()),
                    inputs,
                    secretPaths,
                    outputs,
                });
            }
            callback(err, resp);
        };
        asked.inputs = undefined;
        original(req, answerLate?.(req.getType()) ? (err: any, resp: any) => void setTimeout(() => answered(err, resp), 5) : answered);
        deserialized = asked.inputs;
        asked.inputs = undefined;
    };
}

/** Records each invoke request with the URNs it depends on. */
function captureInvokes(invokes: CapturedInvoke[], captured: CapturedResource[]) {
    const monitor = pulumi.runtime.getMonitor() as any;
    const original = monitor.invoke.bind(monitor);
    monitor.invoke = (req: any, callback: (err: any, resp: any) => void) => {
        invokes.push({
            token: req.getTok(),
            inputs: unwrap(req.getArgs()?.toJavaScript() ?? {}, "", []),
            dependsOn: typeof req.getDependsonList === "function" ? req.getDependsonList() : [],
            answered: captured.length,
        });
        return original(req, callback);
    };
}

/** The URN each alias of a registration stands for (Pulumi's alias spec: unset fields mean "unchanged"). */
function aliasUrns(req: any, urn: string): string[] {
    const aliases = req.getAliasesList() as any[];
    if (aliases.length === 0) {
        return [];
    }
    // What every alias of the resource shares, worked out once (an azure-native resource has ~20).
    const [head, project, qualifiedType, name] = urn.split("::");
    const stack = head.replace(/^urn:pulumi:/, "");
    const own = `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
    const type = req.getType() as string;
    const ownParent = (req.getParent() as string) || undefined;
    const urns: string[] = [];
    for (const alias of aliases) {
        let aliasUrn: string = alias.getUrn();
        if (!aliasUrn) {
            const spec = alias.getSpec();
            const parentUrn: string | undefined = spec.getNoparent() ? undefined : spec.getParenturn() || ownParent;
            const aliasType = spec.getType() || type;
            const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${aliasType}` : aliasType;
            aliasUrn = `urn:pulumi:${spec.getStack() || stack}::${spec.getProject() || project}::${qualified}::${spec.getName() || name}`;
        }
        if (aliasUrn !== own) urns.push(aliasUrn);
    }
    return urns;
}

function unwrap(value: any, path: string, secretPaths: string[]): any {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrap(v, `${path}[${i}]`, secretPaths));
    }
    if (value[SPECIAL_SIG] === SECRET_SIG) {
        secretPaths.push(path);
        return unwrap(value.value, path, []);
    }
    if (value[SPECIAL_SIG] === RESOURCE_SIG) {
        return { resourceUrn: value.urn };
    }
    if (pulumi.Resource.isInstance(value)) {
        return { resource: (value as any).__name ?? "resource" };
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
        out[k] = unwrap(v, path ? `${path}.${k}` : k, secretPaths);
    }
    return out;
}

async function resolveDeep(value: any, path: string, secretPaths: string[]): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        if (await pulumi.isSecret(value)) {
            secretPaths.push(path);
        }
        // The output's own promise (an SDK internal every Output has): it rejects when an apply
        // upstream threw, where `apply(resolve)` would never call back.
        const inner = await (value as unknown as { promise(): Promise<any> }).promise();
        return resolveDeep(inner, path, secretPaths);
    }
    if (value === null || typeof value !== "object" || pulumi.Resource.isInstance(value)) {
        return value;
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map((v, i) => resolveDeep(v, `${path}[${i}]`, secretPaths)));
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
        out[k] = await resolveDeep(v, path ? `${path}.${k}` : k, secretPaths);
    }
    return out;
}

/**
 * Waits until the run is quiet: every registration and invoke it started has reached the mock
 * engine (the SDK counts them), and a macrotask turn has let Node report the rejections left
 * unhandled (an apply that threw, a registration whose input did), with no new one for two turns
 * in a row. Under the mocks all of a run's work is promise jobs, so this is microseconds; the
 * real language host likewise ends a run only once its RPCs are done and reports any unhandled
 * rejection as the run's failure. (Work a program defers to timers is not waited for: the
 * program defers none while it plans.) The macrotask turn is an immediate: Node reports unhandled
 * rejections after each one as after a timer's, and a 0 ms timer sleeps at least 1 ms, several
 * times a run (~8-11 ms of a run's wall time in which the process did nothing).
 */
async function settled(thrown: unknown[]) {
    const settings = (pulumiState as unknown as { getStore(): { settings: { rpcDone: Promise<unknown> } } }).getStore().settings;
    let quiet = 0;
    while (quiet < 2) {
        const before = { errors: thrown.length, rpc: settings.rpcDone };
        await waitForRegistrations();
        await new Promise((resolve) => setImmediate(resolve));
        quiet = thrown.length === before.errors && settings.rpcDone === before.rpc ? quiet + 1 : 0;
    }
}

/** Waits until every pending registration has reached the (mock) engine. */
async function waitForRegistrations() {
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (wait) {
        await wait();
    }
    // Registrations started inside the last resolved callbacks land on the next turns.
    for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        if (wait) {
            await wait();
        }
    }
}

export function shortHash(text: string, length = 8): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Deterministic bytes, so the same stack gives the same "random" values on every run. */
function bytesFor(seed: string, count: number): Buffer {
    const chunks: Buffer[] = [];
    for (let i = 0; chunks.length * 32 < count; i++) {
        chunks.push(crypto.createHash("sha256").update(`${seed}#${i}`).digest());
    }
    return Buffer.concat(chunks).subarray(0, count);
}

function randomText(seed: string, inputs: Record<string, any>): string {
    const length = Number(inputs.length ?? 16);
    const lower = "abcdefghijklmnopqrstuvwxyz";
    const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const digits = "0123456789";
    const special = inputs.special ? (inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?") : "";
    const classes: [string, number][] = [
        [inputs.lower === false ? "" : lower, Number(inputs.minLower ?? 0)],
        [inputs.upper === false ? "" : upper, Number(inputs.minUpper ?? 0)],
        [inputs.numeric === false ? "" : digits, Number(inputs.minNumeric ?? 0)],
        [special, Number(inputs.minSpecial ?? 0)],
    ];
    const all = classes.map(([c]) => c).join("");
    const bytes = bytesFor(seed, length);
    const chars: string[] = [];
    let i = 0;
    for (const [set, min] of classes) {
        for (let n = 0; n < min && set; n++, i++) {
            chars.push(set[bytes[i] % set.length]);
        }
    }
    for (; i < length; i++) {
        chars.push(all[bytes[i] % all.length]);
    }
    return chars.join("");
}

/** Computed outputs of providers every target uses (@pulumi/random, @pulumi/docker). */
function sharedState(type: string, name: string, inputs: Record<string, any>, ctx: MockContext, randomSeed = ""): { id?: string; state: Record<string, any> } | undefined {
    const seed = `${randomSeed}${ctx.project}/${ctx.stack}/${type}/${name}`;
    switch (type) {
        case "pulumi:pulumi:StackReference": {
            // The stack reading its own last outputs (stacks/region-guard.ts); a DIY backend's name
            // for it. Another stack is nothing this engine knows.
            if (inputs.name !== ctx.stack) throw new Error(`offline engine: no stack ${inputs.name} to reference (only this stack, ${ctx.stack})`);
            return { id: String(inputs.name), state: { name: inputs.name, outputs: ctx.deployedOutputs ?? {}, secretOutputNames: [] } };
        }
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            return { id: "none", state: { result: randomText(seed, inputs) } };
        case "random:index/randomId:RandomId": {
            const bytes = bytesFor(seed, Number(inputs.byteLength ?? 8));
            const hex = bytes.toString("hex");
            return { id: bytes.toString("base64url"), state: { hex, b64Url: bytes.toString("base64url"), b64Std: bytes.toString("base64"), dec: BigInt(`0x${hex}`).toString() } };
        }
        case "random:index/randomUuid:RandomUuid": {
            const h = bytesFor(seed, 16).toString("hex");
            const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
            return { id: uuid, state: { result: uuid } };
        }
        case "docker:index/remoteImage:RemoteImage": {
            const digest = `sha256:${crypto.createHash("sha256").update(String(inputs.name)).digest("hex")}`;
            const repo = String(inputs.name).replace(/:[^/:]+$/, "");
            return { id: `${digest}${inputs.name}`, state: { imageId: digest, repoDigest: `${repo}@${digest}` } };
        }
        case "docker:index/image:Image": {
            const imageName = String(inputs.imageName);
            const digest = `sha256:${crypto.createHash("sha256").update(`${imageName}|${JSON.stringify(inputs.build ?? {})}`).digest("hex")}`;
            return { id: `${imageName}-${digest.slice(7, 19)}`, state: { repoDigest: `${imageName.replace(/:[^/:]+$/, "")}@${digest}`, baseImageName: imageName } };
        }
        default:
            return undefined;
    }
}
