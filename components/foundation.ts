import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, FoundationArgs } from "./backend";

/**
 * The stack-level step: prerequisites of the account/project/subscription and the resources the
 * whole stack shares. Created before the network; every other component depends on it.
 */
export class Foundation extends pulumi.ComponentResource {
    public readonly prerequisites: string[];

    constructor(name: string, args: FoundationArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:Foundation", name, { prerequisites: [] }, opts);
        const out = backend.foundation(name, args, { parent: this });
        this.prerequisites = out.prerequisites;
        this.registerOutputs({ prerequisites: this.prerequisites });
    }
}

/**
 * URN of the network component: the resources that moved from it to the foundation carry an alias
 * to their old URN there, so a stack deployed before the move keeps them (no replacement).
 */
export const NETWORK_COMPONENT = { type: "anycloud:index:Network", name: "network" } as const;

/** Resource option that keeps the URN a resource had when it was a child of the network component. */
export function movedFromNetwork(oldName?: string): Pick<pulumi.CustomResourceOptions, "aliases"> {
    const parent = pulumi.createUrn(NETWORK_COMPONENT.name, NETWORK_COMPONENT.type);
    return { aliases: [oldName === undefined ? { parent } : { name: oldName, parent }] };
}
