import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, NetworkArgs, NetworkOutputs } from "../../components/backend";
import { LocalContext } from "./context";

export type PartNetwork = "database" | "cache" | "search" | "storage";

/**
 * One Docker network per part, internal (no route out), joined only by the part and the
 * services that use it: the local form of "the database accepts only its clients". Public
 * services share `edge` with the load balancer; workers get `egress` for outbound calls.
 */
export interface LocalNetworks {
    edge: docker.Network;
    egress: docker.Network;
    parts: Partial<Record<PartNetwork, docker.Network>>;
    /** One internal network per service others call, joined by it and its callers only. */
    calls: Record<string, docker.Network>;
}

/** The n-th /24 inside the stack's CIDR, so addresses stay predictable and configurable. */
export function subnetAt(cidr: string, index: number): string {
    const [address] = cidr.split("/");
    const octets = address.split(".").map(Number);
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8)) >>> 0;
    const net = (base + index * 256) >>> 0;
    return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.0/24`;
}

export function createNetworks(ctx: LocalContext, name: string, args: NetworkArgs, opts: ChildOptions): { networks: LocalNetworks; outputs: NetworkOutputs } {
    const make = (suffix: string, index: number, internal: boolean) =>
        new docker.Network(
            `${name}-${suffix}`,
            {
                name: ctx.name(suffix),
                driver: "bridge",
                internal,
                ipamConfigs: [{ subnet: subnetAt(args.cidr, index) }],
                labels: ctx.labels("network").map((l) => ({ label: l.label, value: l.value })),
            },
            ctx.opts(opts.parent),
        );
    const edge = make("edge", 0, false);
    const egress = make("egress", 1, false);
    const parts: LocalNetworks["parts"] = {};
    if (args.hasDatabase) parts.database = make("database", 2, true);
    if (args.hasCache) parts.cache = make("cache", 3, true);
    if (args.hasSearch) parts.search = make("search", 4, true);
    if (Object.keys(args.access.bucketClients).length > 0) parts.storage = make("storage", 5, true);
    // The local form of "a caller reaches exactly the services it uses": a callee's own network,
    // where Docker's embedded DNS resolves its alias for the containers attached (Docker docs,
    // "Networking overview": containers on a user-defined network resolve each other's aliases).
    const calls: LocalNetworks["calls"] = {};
    const callees = [...new Set(args.access.serviceCalls.map((c) => c.callee))].sort();
    callees.forEach((callee, i) => {
        calls[callee] = make(`calls-${callee}`, 6 + i, true);
    });
    return { networks: { edge, egress, parts, calls }, outputs: { networkId: pulumi.output(edge.id), cidr: args.cidr } };
}
