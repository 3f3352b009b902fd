import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/**
 * A bounded wait for a grant the cloud applies only later (eventual consistency of access
 * control), between the grants and the resource whose create reads through them. It is what
 * Terraform users build with `time_sleep` (create_duration, triggers): no check can be made from
 * the deployer, because what converges is the *workload identity's* access as the service sees
 * it, which the deploy identity cannot observe. So it waits a fixed, documented time, and only
 * when it stands after a grant it has not waited for (first create, a service gaining a secret);
 * a second `up` with the same grants, or fewer, does not wait.
 *
 * A Pulumi dynamic resource: it runs in the `pulumi up` process itself (the Node language host
 * serves dynamic providers), so it needs no provider plugin or npm dependency. Its state holds
 * only the grant ids and the seconds.
 */
export interface PropagationWaitArgs {
    /** Ids of the grants to wait after: a change to this set (order aside) waits again. */
    after: pulumi.Input<pulumi.Input<string>[]>;
    /** How long, in seconds. */
    seconds: number;
    /** What is waited for, and where that fact comes from (kept in state, shown in previews). */
    reason: string;
}

interface WaitInputs {
    after: string[];
    seconds: number;
    reason: string;
}

/**
 * The provider the engine calls. Self-contained (Pulumi serialises it into the resource's state
 * and runs it from there), so it refers to nothing outside its own functions.
 */
export const propagationWaitProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: WaitInputs) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, inputs.seconds) * 1000));
        return { id: `wait-${inputs.seconds}s`, outs: inputs };
    },
    async diff(_id: string, olds: WaitInputs, news: WaitInputs) {
        // Only a grant it has not waited for needs a new wait (a new or replaced one: a new id); a
        // removed grant, a changed reason or bound does not.
        const waited = new Set(olds.after ?? []);
        return { changes: (news.after ?? []).some((id) => !waited.has(id)), replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: WaitInputs, news: WaitInputs) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, news.seconds) * 1000));
        return { outs: news };
    },
    async delete() {
        // Nothing exists outside Pulumi's state.
    },
};

/** The type `pulumi.dynamic.Resource` gives it: `pulumi-nodejs:dynamic/<module>:<type>`. */
export const PROPAGATION_WAIT_TYPE = "pulumi-nodejs:dynamic/anycloud:PropagationWait";

/**
 * The dynamic resource `pulumi.dynamic.Resource(propagationWaitProvider, name, args, opts,
 * "anycloud", "PropagationWait")` would make, input for input (@pulumi/pulumi dynamic/index.js: the
 * type above, the args, then `__provider`, the provider serialized). Made here only so that the
 * serialized provider can come from providerText(): the SDK's serializer opens an inspector
 * session, whose start walks every script the process has loaded (~0.3 s CPU of each Azure plan
 * and `pulumi up`, issue #18).
 */
export class PropagationWait extends pulumi.CustomResource {
    constructor(name: string, args: PropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
        super(PROPAGATION_WAIT_TYPE, name, { after: args.after, seconds: args.seconds, reason: args.reason, __provider: providerText() }, opts);
    }
}

/**
 * The bounded wait after a workload's grants, as each cloud makes it (Azure's role assignments,
 * GCP's IAM members, each with its own documented bound): `seconds` after the grants exist, and
 * again only for a grant it has not waited for.
 */
export function waitAfterGrants(name: string, grants: pulumi.CustomResource[], seconds: number, reason: string, parent: pulumi.Resource | undefined): PropagationWait {
    return new PropagationWait(name, { after: grants.map((g) => g.id), seconds, reason }, { parent, dependsOn: grants });
}

/** The SDK's serialization of propagationWaitProvider (text and whether it holds a secret). */
export interface Serialized {
    text: string;
    containsSecrets: boolean;
}

/**
 * What the serialization depends on: the SDK (its serializer), Node, and the provider's functions
 * (their text; they refer to nothing else). The same key gives the same text.
 */
export function providerKey(provider: pulumi.dynamic.ResourceProvider = propagationWaitProvider): string {
    const functions = Object.entries(provider).map(([k, f]) => [k, String(f)]);
    const sdk = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    return crypto.createHash("sha256").update(JSON.stringify([sdk, process.version, functions])).digest("hex").slice(0, 32);
}

/** Where the serialization is kept for its key: the build directory (bin/, not in git). */
export function providerCacheFile(key = providerKey()): string {
    return path.resolve(__dirname, "..", "bin", ".cache", `propagation-wait-provider-${key}.json`);
}

let serialized: pulumi.Output<string> | undefined;

/**
 * `__provider`: the SDK's serialization of propagationWaitProvider, made as the SDK makes it
 * (`serializeFunction(() => provider, { allowSecrets: true })`, secret if it holds a secret), once
 * per process; kept in bin/.cache for its key, so a later run (a plan, `pulumi up`) reads the
 * same text instead of serializing again.
 */
export function providerText(): pulumi.Output<string> {
    if (serialized === undefined) {
        serialized = pulumi.output(cachedSerialization(providerCacheFile())).apply((s) => (s.containsSecrets ? pulumi.secret(s.text) : pulumi.output(s.text)));
    }
    return serialized;
}

/** The serialization kept in `file`, or made (and kept there) when the file has none. */
export async function cachedSerialization(file: string, provider: pulumi.dynamic.ResourceProvider = propagationWaitProvider): Promise<Serialized> {
    return readSerialized(file) ?? writeSerialized(file, await serializeProvider(provider));
}

/** The SDK's own call (dynamic/index.js serializeFunctionMaybeSecret), same closure, same names. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<Serialized> {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { text: sf.text, containsSecrets: sf.containsSecrets };
}

function readSerialized(file: string): Serialized | undefined {
    try {
        const s = JSON.parse(fs.readFileSync(file, "utf8")) as Serialized;
        return typeof s.text === "string" && typeof s.containsSecrets === "boolean" ? s : undefined;
    } catch {
        return undefined; // not made yet (or unreadable): serialize
    }
}

function writeSerialized(file: string, s: Serialized): Serialized {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}`;
        fs.writeFileSync(temporary, JSON.stringify(s));
        fs.renameSync(temporary, file);
    } catch {
        // A read-only checkout: serialize again next time.
    }
    return s;
}
