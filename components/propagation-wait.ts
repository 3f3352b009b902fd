import * as pulumi from "@pulumi/pulumi";

/**
 * A bounded wait for a grant the cloud applies only later (eventual consistency of access
 * control), between the grants and the resource whose create reads through them. It is what
 * Terraform users build with `time_sleep` (create_duration, triggers): no check can be made from
 * the deployer, because what converges is the *workload identity's* access as the service sees
 * it, which the deploy identity cannot observe. So it waits a fixed, documented time, and only
 * when the set of grants it stands after changes (first create, a service gaining a secret);
 * a second `up` with the same grants does not wait.
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
        const key = (w: WaitInputs) => JSON.stringify([...(w.after ?? [])].sort());
        // Only a new set of grants needs a new wait; a changed reason or bound does not.
        return { changes: key(olds) !== key(news), replaces: [], deleteBeforeReplace: false };
    },
    async update(_id: string, _olds: WaitInputs, news: WaitInputs) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, news.seconds) * 1000));
        return { outs: news };
    },
    async delete() {
        // Nothing exists outside Pulumi's state.
    },
};

export class PropagationWait extends pulumi.dynamic.Resource {
    constructor(name: string, args: PropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
        super(propagationWaitProvider, name, { after: args.after, seconds: args.seconds, reason: args.reason }, opts, "anycloud", "PropagationWait");
    }
}
