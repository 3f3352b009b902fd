import type { Policies, PolicyResource, ResourceValidationArgs, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { GUARDRAILS } from "./guardrails";
import { EnforcementLevel } from "./model";
import { guardrailPolicies } from "./pack";

/**
 * The in-process policy runner: evaluates the pack's own policies against resources the offline
 * engine captured, shaped the way the analyzer server hands them over (inputs wrapped in its
 * unknown-checking proxy, providers with their engine-encoded inputs, type checks by token).
 * `npm run plan` and the tests use it; `pulumi preview --policy-pack ./policy` uses `index.ts`.
 */

/** What the runner needs of a captured resource (the offline engine's CapturedResource has it). */
export interface EvaluatedResource {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    custom: boolean;
    protect: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    dependencies: string[];
    /** `urn::id` of the explicit provider. */
    provider?: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    message: string;
    /** The resource it is about; absent for the stack as a whole. */
    urn?: string;
}

// The analyzer's own proxy is @internal (its typings export nothing), hence the untyped require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T extends object>(value: T): T;
    UnknownValueError: new (...args: any[]) => Error;
};

const LEVELS = new Map(GUARDRAILS.map((g) => [g.name, g.level]));

const isTypeOf = (type: string) => (cls: any) => typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;

/**
 * The provider resource of each resource (its `urn::id` reference resolved), found once per run
 * of the pack: every resource policy asks for every resource's provider.
 */
function providerResources(resources: EvaluatedResource[]): Map<EvaluatedResource, EvaluatedResource | undefined> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const urnOf = (reference: string) => reference.slice(0, Math.max(0, reference.lastIndexOf("::")));
    return new Map(resources.map((r) => [r, r.provider ? byUrn.get(urnOf(r.provider)) : undefined]));
}

/** The provider as the analyzer hands it to one policy: a view of its own, inputs behind a fresh proxy. */
function providerOf(p: EvaluatedResource | undefined) {
    return p ? { type: p.type, name: p.name, urn: p.urn, props: unknownCheckingProxy(p.inputs) } : undefined;
}

function options(r: EvaluatedResource) {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
    };
}

/**
 * A resource as a policy sees it, except that the parts that cost (the unknown-checking proxy of
 * its properties, its options, its provider's view) are made when the policy first reads them, and
 * kept, so a policy reads the same objects each time, as from the analyzer's. Most policies read
 * only `type` of most resources (a check for a few types): made at once for every resource and
 * policy, these were most of what running the pack cost (issue #18). Writable, as the analyzer's
 * plain objects are.
 */
abstract class LazyResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    #props?: Record<string, any>;
    #opts?: PolicyResource["opts"];
    #provider?: { value: PolicyResource["provider"] };

    constructor(
        protected readonly resource: EvaluatedResource,
        private readonly providerResource: EvaluatedResource | undefined,
    ) {
        this.type = resource.type;
        this.name = resource.name;
        this.urn = resource.urn;
    }

    /** What the policy sees as `props`: the inputs (a resource policy) or the outputs (a stack policy). */
    protected abstract get properties(): Record<string, any>;

    get props(): Record<string, any> {
        return (this.#props ??= unknownCheckingProxy(this.properties));
    }
    set props(value: Record<string, any>) {
        this.#props = value;
    }
    get opts(): PolicyResource["opts"] {
        return (this.#opts ??= options(this.resource));
    }
    set opts(value: PolicyResource["opts"]) {
        this.#opts = value;
    }
    get provider(): PolicyResource["provider"] {
        return (this.#provider ??= { value: providerOf(this.providerResource) }).value;
    }
    set provider(value: PolicyResource["provider"]) {
        this.#provider = { value };
    }
    isType = ((cls: any) => isTypeOf(this.type)(cls)) as PolicyResource["isType"];
}

/** What a resource policy is handed for one resource (its inputs), as the analyzer builds it for each policy. */
class ResourceArgs extends LazyResourceView implements ResourceValidationArgs {
    readonly stackTags = new Map<string, string>();
    readonly notApplicable = notApplicable;

    protected get properties(): Record<string, any> {
        return this.resource.inputs;
    }
    asType = ((cls: any) => (isTypeOf(this.type)(cls) ? this.props : undefined)) as ResourceValidationArgs["asType"];
    getConfig = <T extends object>() => ({}) as T;
}

/** A resource as a stack policy sees it (the analyzer's view of the engine's state: its outputs). */
class StackResource extends LazyResourceView implements PolicyResource {
    propertyDependencies: Record<string, PolicyResource[]> = {};
    #parent?: { value: PolicyResource | undefined };
    #dependencies?: PolicyResource[];

    constructor(
        resource: EvaluatedResource,
        providerResource: EvaluatedResource | undefined,
        /** Every resource's view by URN (complete before the policy runs): its parent and dependencies are found there. */
        private readonly views: Map<string, PolicyResource>,
    ) {
        super(resource, providerResource);
    }

    protected get properties(): Record<string, any> {
        return this.resource.outputs;
    }
    get parent(): PolicyResource | undefined {
        const urn = this.resource.parent;
        return (this.#parent ??= { value: urn ? this.views.get(urn) : undefined }).value;
    }
    set parent(value: PolicyResource | undefined) {
        this.#parent = { value };
    }
    get dependencies(): PolicyResource[] {
        return (this.#dependencies ??= this.resource.dependencies.map((d) => this.views.get(d)).filter((d): d is PolicyResource => d !== undefined));
    }
    set dependencies(value: PolicyResource[]) {
        this.#dependencies = value;
    }
    asType = ((cls: any) => (isTypeOf(this.type)(cls) ? this.resource.outputs : undefined)) as PolicyResource["asType"];
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

class NotApplicable extends Error {}

/** Runs every policy of the pack (or the given ones) against one captured stack. */
export async function evaluatePolicies(resources: EvaluatedResource[], policies: Policies = guardrailPolicies()): Promise<Violation[]> {
    const providers = providerResources(resources);
    const violations: Violation[] = [];
    const level = (name: string): EnforcementLevel => LEVELS.get(name) ?? "advisory";

    const failed = (policy: string, e: unknown) => {
        if (e instanceof UnknownValueError) {
            violations.push({ policy, level: "advisory", message: `can't run policy '${policy}' during preview: ${e.message}` });
        } else if (!(e instanceof NotApplicable)) {
            throw e;
        }
    };
    // One validation after another, as the analyzer awaits each; a validation that returns no
    // promise (every one of this pack's) is not awaited as one: tens of thousands of awaits a stack
    // were most of what running the pack cost, with the same reports in the same order.
    const run = (policy: string, body: () => unknown): Promise<void> | undefined => {
        let result: unknown;
        try {
            result = body();
        } catch (e) {
            failed(policy, e);
            return undefined;
        }
        if (result === null || (typeof result !== "object" && typeof result !== "function") || typeof (result as PromiseLike<unknown>).then !== "function") return undefined;
        return Promise.resolve(result).then(
            () => undefined,
            (e: unknown) => failed(policy, e),
        );
    };

    for (const policy of policies) {
        if (!("validateStack" in policy)) {
            const validate = policy.validateResource;
            const validations = validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
            for (const r of resources) {
                const args: ResourceValidationArgs = new ResourceArgs(r, providers.get(r));
                for (const v of validations) {
                    const pending = run(policy.name, () => v(args, (message, urn) => violations.push({ policy: policy.name, level: level(policy.name), message, urn: urn ?? r.urn })));
                    if (pending !== undefined) await pending;
                }
            }
        } else {
            const views = new Map<string, PolicyResource>();
            for (const r of resources) {
                views.set(r.urn, new StackResource(r, providers.get(r), views));
            }
            const args: StackValidationArgs = {
                resources: [...views.values()],
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable,
            };
            const stackPolicy: StackValidationPolicy = policy;
            const pending = run(policy.name, () => stackPolicy.validateStack(args, (message, urn) => violations.push({ policy: policy.name, level: level(policy.name), message, urn })));
            if (pending !== undefined) await pending;
        }
    }
    return violations;
}

/** `policies: 0 mandatory, 2 advisory violations` */
export function violationCountLine(violations: Violation[]): string {
    const count = (l: EnforcementLevel) => violations.filter((v) => v.level === l).length;
    return `policies: ${count("mandatory")} mandatory, ${count("advisory")} advisory violations`;
}
