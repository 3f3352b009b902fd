import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as servicediscovery from "@pulumi/aws/servicediscovery";
import * as vpc from "@pulumi/aws/vpc";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { ChildOptions, NetworkArgs, NetworkOutputs } from "../../components/backend";
import { AwsContext, NetworkState } from "./context";

export const PORTS = { postgres: 5432, redis: 6379, https: 443, http: 80 };

/** Splits a CIDR into 16 equal subnets (prefix + 4): public subnets take 0.., private ones 8... */
export function subnetCidr(cidr: string, index: number): string {
    const [address, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    const base = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const size = 2 ** (32 - prefix - 4);
    const start = base + index * size;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix + 4}`;
}

/**
 * VPC over `zones` AZs with public and private subnets, one NAT (dev) or one per AZ (prod), a free
 * S3 gateway endpoint, and one security group per tier whose rules come from `access` only.
 */
export function createNetwork(ctx: AwsContext, name: string, args: NetworkArgs, opts: ChildOptions): NetworkOutputs {
    const parent = opts.parent;
    const o = () => ctx.opts(parent);
    // Every zone the region offers, not only those `available` now: the list is re-read on each
    // `up`, and a zone that is impaired that day must not shift the subnets (their zone is
    // create-only) or fail the run.
    const azs = getAvailabilityZonesOutput(
        { filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        ctx.invokeOpts(parent),
    ).names.apply((names) => {
        if (names.length < args.zones) {
            throw new Error(`anycloud:network.zones is ${args.zones}, but region ${ctx.region} offers only ${names.length} availability zones`);
        }
        return [...names].sort().slice(0, args.zones);
    });

    const network = new ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: ctx.naming.name("vpc") } }, o());
    const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: network.id }, o());

    const publicRoutes = new ec2.RouteTable(`${name}-public`, { vpcId: network.id, tags: { Name: ctx.naming.name("public") } }, o());
    new ec2.Route(`${name}-public-default`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, o());

    const publicSubnets: ec2.Subnet[] = [];
    const privateSubnets: ec2.Subnet[] = [];
    const privateRouteTables: ec2.RouteTable[] = [];
    const egressReady: pulumi.Resource[] = [];
    // One NAT per AZ in prod (an AZ outage does not cut the others off); one shared NAT in dev (cost).
    const natCount = ctx.prod ? args.zones : 1;
    const nats: ec2.NatGateway[] = [];
    for (let i = 0; i < args.zones; i++) {
        const az = azs.apply((names) => names[i]);
        const pub = new ec2.Subnet(
            `${name}-public-${i}`,
            { vpcId: network.id, cidrBlock: subnetCidr(args.cidr, i), availabilityZone: az, mapPublicIpOnLaunch: false, tags: { Name: ctx.naming.name(`public-${i}`), tier: "public" } },
            o(),
        );
        new ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id }, o());
        publicSubnets.push(pub);
        if (i < natCount) {
            const eip = new ec2.Eip(`${name}-nat-${i}`, { domain: "vpc" }, o());
            nats.push(new ec2.NatGateway(`${name}-nat-${i}`, { allocationId: eip.id, subnetId: pub.id, connectivityType: "public" }, ctx.opts(parent, { dependsOn: [igw] })));
        }
    }
    for (let i = 0; i < args.zones; i++) {
        const az = azs.apply((names) => names[i]);
        const priv = new ec2.Subnet(
            `${name}-private-${i}`,
            { vpcId: network.id, cidrBlock: subnetCidr(args.cidr, 8 + i), availabilityZone: az, mapPublicIpOnLaunch: false, tags: { Name: ctx.naming.name(`private-${i}`), tier: "private" } },
            o(),
        );
        const table = new ec2.RouteTable(`${name}-private-${i}`, { vpcId: network.id, tags: { Name: ctx.naming.name(`private-${i}`) } }, o());
        egressReady.push(new ec2.Route(`${name}-private-${i}-default`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[i % natCount].id }, o()));
        new ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: table.id }, o());
        privateSubnets.push(priv);
        privateRouteTables.push(table);
    }
    // Free: S3 (and ECR image layers, which live in S3) bypass the NAT's per-GB charge.
    new ec2.VpcEndpoint(
        `${name}-s3`,
        { vpcId: network.id, vpcEndpointType: "Gateway", serviceName: `com.amazonaws.${ctx.region}.s3`, routeTableIds: privateRouteTables.map((t) => t.id) },
        o(),
    );

    // Groups and their rules carry their `tier` tag: a rule's inputs name its group only by id, and
    // the guardrails (no-open-ingress) must tell the load balancer's internet ingress from any other.
    const tiers = new Map<ec2.SecurityGroup, string>();
    const sg = (tier: string, description: string) => {
        const group = new ec2.SecurityGroup(`${name}-${tier}`, { vpcId: network.id, name: ctx.naming.name(tier, 255), description, tags: { Name: ctx.naming.name(tier), tier } }, o());
        tiers.set(group, tier);
        return group;
    };
    const ingress = (rule: string, group: ec2.SecurityGroup, port: number, from: { sg?: ec2.SecurityGroup; cidr?: string }, description: string) =>
        new vpc.SecurityGroupIngressRule(
            `${name}-${rule}`,
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: from.sg?.id, cidrIpv4: from.cidr, description, tags: { tier: tiers.get(group)! } },
            o(),
        );
    const egress = (rule: string, group: ec2.SecurityGroup, port: number, to: { sg?: ec2.SecurityGroup; cidr?: string }, description: string) =>
        new vpc.SecurityGroupEgressRule(
            `${name}-${rule}`,
            { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: to.sg?.id, cidrIpv4: to.cidr, description, tags: { tier: tiers.get(group)! } },
            o(),
        );

    const { access } = args;
    const alb = sg("alb", "Load balancer: HTTP/HTTPS from the internet, service ports to routed services");
    const serviceGroups: Record<string, ec2.SecurityGroup> = {};
    for (const service of access.services) {
        serviceGroups[service] = sg(`svc-${service}`, `Service ${service}: ingress from the load balancer only when public`);
    }
    const database = args.hasDatabase ? sg("database", "PostgreSQL: 5432 from the services that use it") : undefined;
    const cache = args.hasCache ? sg("cache", "Redis: 6379 from the services that use it") : undefined;
    const search = args.hasSearch ? sg("search", "OpenSearch: 443 from the services that use it") : undefined;

    if (access.publicServices.length > 0) {
        ingress("alb-in-http", alb, PORTS.http, { cidr: "0.0.0.0/0" }, "HTTP (redirected to HTTPS when a domain is set)");
        ingress("alb-in-https", alb, PORTS.https, { cidr: "0.0.0.0/0" }, "HTTPS");
    }
    for (const { name: service, port } of access.publicServices) {
        egress(`alb-to-${service}`, alb, port, { sg: serviceGroups[service] }, `to ${service}`);
        ingress(`${service}-from-alb`, serviceGroups[service], port, { sg: alb }, "from the load balancer");
    }
    for (const service of access.services) {
        // Image pulls (ECR), Secrets Manager, CloudWatch Logs and S3 are HTTPS APIs reached via NAT/endpoint.
        egress(`${service}-to-aws-apis`, serviceGroups[service], PORTS.https, { cidr: "0.0.0.0/0" }, "HTTPS to AWS APIs and registries");
    }
    const clientRules = (tier: string, group: ec2.SecurityGroup | undefined, port: number, clients: string[]) => {
        if (!group) {
            return;
        }
        for (const client of clients) {
            ingress(`${tier}-from-${client}`, group, port, { sg: serviceGroups[client] }, `from ${client}`);
            egress(`${client}-to-${tier}`, serviceGroups[client], port, { sg: group }, `to ${tier}`);
        }
    };
    clientRules("database", database, PORTS.postgres, access.databaseClients);
    clientRules("cache", cache, PORTS.redis, access.cacheClients);
    clientRules("search", search, PORTS.https, access.searchClients);
    // Service-to-service: exactly the pairs `uses: service:<callee>` names, on the callee's port.
    for (const { caller, callee, port } of access.serviceCalls) {
        ingress(`${callee}-from-${caller}`, serviceGroups[callee], port, { sg: serviceGroups[caller] }, `from ${caller}`);
        egress(`${caller}-to-${callee}`, serviceGroups[caller], port, { sg: serviceGroups[callee] }, `to ${callee}`);
    }
    // Callees register their tasks' addresses here (A records, ECS service discovery); a private
    // DNS namespace is a Route 53 private hosted zone of this VPC (Cloud Map docs, "Creating a
    // private DNS namespace"), resolved by the VPC's resolver (enableDnsSupport/Hostnames above).
    const discovery =
        access.serviceCalls.length > 0
            ? new servicediscovery.PrivateDnsNamespace(`${name}-discovery`, { name: ctx.naming.discoveryNamespace(), vpc: network.id, description: "services of this stack that others call" }, o())
            : undefined;

    const state: NetworkState = {
        vpc: network,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        privateSubnetIds: privateSubnets.map((s) => s.id),
        egressReady,
        albSecurityGroup: alb,
        serviceSecurityGroups: serviceGroups,
        databaseSecurityGroup: database,
        cacheSecurityGroup: cache,
        searchSecurityGroup: search,
        discovery,
    };
    ctx.network = state;
    return { networkId: network.id, cidr: args.cidr };
}
