import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import { ChildOptions, NetworkArgs, NetworkOutputs } from "../../components/backend";
import { DB_INIT_TAG, GcpContext, RUN_TAG, serviceTag } from "./context";

/** The i-th block of prefix `newPrefix` inside `cidr` (the VPC range from config). */
export function subnetCidr(cidr: string, newPrefix: number, index: number): string {
    const [ip, prefix] = cidr.split("/");
    const base = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - newPrefix);
    const start = base - (base % 2 ** (32 - Number(prefix))) + index * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join(".")}/${newPrefix}`;
}

/** Google's IAP TCP forwarding range: the only SSH source for the search VMs (no public IPs). */
export const IAP_RANGE = "35.235.240.0/20";

/**
 * Custom-mode VPC with two subnets (search VMs, Cloud Run Direct VPC egress), private services
 * access for Cloud SQL and Memorystore, NAT only when VMs exist, and firewall rules that follow
 * each service's `uses`.
 */
export function createNetwork(ctx: GcpContext, name: string, args: NetworkArgs, opts: ChildOptions): NetworkOutputs {
    const parent = opts.parent;

    const nodesCidr = subnetCidr(args.cidr, 24, 0);
    // Direct VPC egress needs ≥ /26; Cloud Run reserves addresses in blocks of 16 at ~2x instances.
    const egressCidr = subnetCidr(args.cidr, 23, 1);

    const vpc = new compute.Network(
        `${name}-vpc`,
        { name: ctx.naming.resource("vpc"), autoCreateSubnetworks: false, routingMode: "REGIONAL", deleteDefaultRoutesOnCreate: false },
        ctx.opts(parent, ["compute"]),
    );
    const flowLogs = ctx.isProd ? { logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" } } : {};
    const nodesSubnet = new compute.Subnetwork(
        `${name}-nodes`,
        { name: ctx.naming.resource("nodes"), network: vpc.id, region: ctx.region, ipCidrRange: nodesCidr, privateIpGoogleAccess: true, ...flowLogs },
        ctx.opts(parent, ["compute"]),
    );
    const egressSubnet = new compute.Subnetwork(
        `${name}-run-egress`,
        { name: ctx.naming.resource("run-egress"), network: vpc.id, region: ctx.region, ipCidrRange: egressCidr, privateIpGoogleAccess: true, ...flowLogs },
        ctx.opts(parent, ["compute"]),
    );

    // Private services access: one allocated range peered with Google's producer network.
    const psaRange = new compute.GlobalAddress(
        `${name}-psa-range`,
        { name: ctx.naming.resource("psa"), purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 16, network: vpc.id },
        ctx.opts(parent, ["compute"]),
    );
    const psaConnection = new servicenetworking.Connection(
        `${name}-psa`,
        {
            network: vpc.id,
            service: "servicenetworking.googleapis.com",
            reservedPeeringRanges: [psaRange.name],
            // Deleted on destroy (the default policy), never abandoned: an abandoned connection
            // leaves its VPC peering, and a VPC with a peering cannot be deleted, on any later
            // run either (magic-modules#18476; the REMOVE_PEERING policy it adds is not in
            // @pulumi/gcp 9.37). While Cloud SQL still holds the connection after its instance is
            // deleted, the delete fails with "Producer services ... are still using this
            // connection" and a later destroy finishes the job (README, first deploy: GCP).
            // A connection Google still tracks for this VPC (a shadow peering) is updated instead
            // of failing the create (cluster-toolkit#4744).
            updateOnCreationFail: true,
        },
        ctx.opts(parent, ["servicenetworking"]),
    );
    const psaCidr = pulumi.interpolate`${psaRange.address}/${psaRange.prefixLength}`;

    ctx.net = { vpc, nodesSubnet, egressSubnet, egressCidr, nodesCidr, psaRange, psaConnection };

    // Callers of other services send all their traffic through the VPC (container-service.ts):
    // their internet calls need the NAT as much as the search VMs do.
    const natSubnets = [...(args.hasSearch ? [nodesSubnet] : []), ...(args.access.serviceCalls.length > 0 ? [egressSubnet] : [])];
    if (natSubnets.length > 0) {
        // The search VMs have no public IPs; NAT lets them fetch packages and the OpenSearch image.
        const router = new compute.Router(`${name}-router`, { name: ctx.naming.resource("router"), network: vpc.id, region: ctx.region }, ctx.opts(parent, ["compute"]));
        ctx.net.nat = new compute.RouterNat(
            `${name}-nat`,
            {
                name: ctx.naming.resource("nat"),
                router: router.name,
                region: ctx.region,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: natSubnets.map((subnet) => ({ name: subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] })),
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            ctx.opts(parent, ["compute"]),
        );
    }

    createFirewalls(ctx, name, args, parent, psaCidr);
    return { networkId: vpc.id, cidr: args.cidr };
}

/**
 * Rules derived from the access plan. Direct VPC egress cannot be the *source* of ingress rules
 * by tag, so: Cloud Run revisions carry tags and get egress rules (deny private ranges, allow
 * exactly the parts each service uses); the search VMs accept 9200 only from the egress subnet.
 */
function createFirewalls(ctx: GcpContext, name: string, args: NetworkArgs, parent: pulumi.Resource, psaCidr: pulumi.Output<string>) {
    const net = ctx.requireNetwork();
    const fw = (id: string, rule: Omit<compute.FirewallArgs, "network" | "name">) =>
        new compute.Firewall(`${name}-fw-${id}`, { name: ctx.naming.resource(`fw-${id}`), network: net.vpc.id, ...rule }, ctx.opts(parent, ["compute"]));
    const log = { logConfig: { metadata: "INCLUDE_ALL_METADATA" } };
    const tags = (services: string[]) => services.map(serviceTag);

    fw("run-deny-private", {
        direction: "EGRESS",
        priority: 65000,
        targetTags: [RUN_TAG],
        destinationRanges: [args.cidr, psaCidr],
        denies: [{ protocol: "all" }],
        ...log,
    });
    if (args.hasDatabase) {
        fw("run-db", {
            direction: "EGRESS",
            priority: 1000,
            // The init job that creates the roles and extensions is the only non-service client.
            targetTags: [...tags(args.access.databaseClients), DB_INIT_TAG],
            destinationRanges: [psaCidr],
            allows: [{ protocol: "tcp", ports: ["5432"] }],
        });
    }
    if (args.hasCache && args.access.cacheClients.length > 0) {
        fw("run-cache", {
            direction: "EGRESS",
            priority: 1000,
            targetTags: tags(args.access.cacheClients),
            destinationRanges: [psaCidr],
            // 6378 is Memorystore's TLS port; 6379 is kept for a non-TLS replica endpoint.
            allows: [{ protocol: "tcp", ports: ["6378", "6379"] }],
        });
    }
    if (args.hasSearch) {
        if (args.access.searchClients.length > 0) {
            fw("run-search", {
                direction: "EGRESS",
                priority: 1000,
                targetTags: tags(args.access.searchClients),
                destinationRanges: [net.nodesCidr],
                allows: [{ protocol: "tcp", ports: ["9200"] }],
            });
            fw("search-http", {
                direction: "INGRESS",
                priority: 1000,
                sourceRanges: [net.egressCidr],
                targetTags: ["search"],
                allows: [{ protocol: "tcp", ports: ["9200"] }],
                ...log,
            });
        }
        fw("search-cluster", {
            direction: "INGRESS",
            priority: 1000,
            sourceTags: ["search"],
            targetTags: ["search"],
            allows: [{ protocol: "tcp", ports: ["9200", "9300"] }],
        });
        fw("search-iap-ssh", {
            direction: "INGRESS",
            priority: 1000,
            sourceRanges: [IAP_RANGE],
            targetTags: ["search"],
            allows: [{ protocol: "tcp", ports: ["22"] }],
            ...log,
        });
    }
}
