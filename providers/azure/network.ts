import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type * as inputs from "@pulumi/azure-native/types/input";
import { ChildOptions, NetworkArgs, NetworkOutputs } from "../../components/backend";
import { AzureContext, NetworkState, ZONES_TAG, zoneList } from "./context";
import { createAppsEnvironment } from "./platform";

export const ZONES = {
    redis: "privatelink.redis.azure.net",
    blob: "privatelink.blob.core.windows.net",
    vault: "privatelink.vaultcore.azure.net",
} as const;

/** The PostgreSQL zone must end in .postgres.database.azure.com and differ from the server name. */
export function postgresZoneName(ctx: AzureContext): string {
    return `${ctx.naming.local("pg")}.private.postgres.database.azure.com`;
}

function ipToInt(ip: string): number {
    return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}
function intToIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Carves aligned subnets out of the VNet range, in order (deterministic for a given CIDR). */
export function planSubnets(cidr: string): { apps: string; endpoints: string; search: string; postgres: string } {
    const [base, bits] = cidr.split("/");
    const start = ipToInt(base);
    const end = start + 2 ** (32 - Number(bits));
    let cursor = start;
    const take = (prefix: number) => {
        const size = 2 ** (32 - prefix);
        cursor = Math.ceil(cursor / size) * size;
        const block = `${intToIp(cursor)}/${prefix}`;
        cursor += size;
        if (cursor > end) {
            throw new Error(`network.cidr ${cidr} is too small for the Azure subnets`);
        }
        return block;
    };
    // Container Apps (workload profiles) accepts /27; a /23 leaves room for scale-out and jobs.
    const apps = take(23);
    const endpoints = take(26);
    const search = take(27);
    const postgres = take(28);
    return { apps, endpoints, search, postgres };
}

/** The n-th usable host of a subnet (Azure reserves the first four addresses). */
export function hostIn(prefix: string, n: number): string {
    return intToIp(ipToInt(prefix.split("/")[0]) + 4 + n);
}

type Rule = inputs.network.SecurityRuleArgs;
const denyVnet = (priority: number): pulumi.Input<Rule> => ({
    name: "DenyOtherVnetInbound",
    priority,
    direction: "Inbound",
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "VirtualNetwork",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
});
const allow = (name: string, priority: number, from: string, to: string, ports: string[]): pulumi.Input<Rule> => ({
    name,
    priority,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefix: from,
    sourcePortRange: "*",
    destinationAddressPrefix: to,
    destinationPortRanges: ports,
});

/**
 * VNet with one subnet per role, NSGs derived from who uses what, private DNS zones for every
 * private endpoint, and what attaches the foundation's shared resources to the VNet (the Container
 * Apps environment, the vault's private endpoint) for the later components. Subnets are separate resources, created one after another
 * (parallel subnet PUTs on one VNet conflict).
 */
export function createNetwork(ctx: AzureContext, name: string, args: NetworkArgs, opts: ChildOptions): NetworkOutputs {
    const parent = opts.parent;
    const shared = ctx.requireShared();
    const rg = ctx.rgName;
    const { access } = args;
    const plan = planSubnets(args.cidr);

    const vnet = new network.VirtualNetwork(
        `${name}-vnet`,
        {
            virtualNetworkName: ctx.naming.local("vnet"),
            resourceGroupName: rg,
            location: ctx.location,
            addressSpace: { addressPrefixes: [args.cidr] },
            tags: ctx.tags,
        },
        ctx.opts(parent, { ignoreChanges: ["subnets"] }),
    );

    const nsg = (suffix: string, rules: pulumi.Input<Rule>[]) =>
        new network.NetworkSecurityGroup(
            `${name}-${suffix}-nsg`,
            { networkSecurityGroupName: ctx.naming.local(`${suffix}-nsg`), resourceGroupName: rg, location: ctx.location, securityRules: rules, tags: ctx.tags },
            ctx.opts(parent),
        );

    // Apps: public services are reached only from Front Door's backend range.
    const appsRules: pulumi.Input<Rule>[] = [];
    if (access.publicServices.length > 0) {
        appsRules.push(allow("AllowFrontDoorHttps", 100, "AzureFrontDoor.Backend", "*", ["443"]));
    }
    const appsNsg = nsg("apps", appsRules);

    // Private endpoints: Redis (10000) and blob/vault (443) only from the subnets that use them.
    const endpointRules: pulumi.Input<Rule>[] = [];
    if (access.cacheClients.length > 0) {
        endpointRules.push(allow("AllowAppsRedis", 100, plan.apps, plan.endpoints, ["10000"]));
    }
    const blobUsers = Object.values(access.bucketClients).some((users) => users.length > 0);
    // Every app reads its secrets from Key Vault; blob adds its own need for 443.
    endpointRules.push(allow(blobUsers ? "AllowAppsVaultBlob" : "AllowAppsVault", 110, plan.apps, plan.endpoints, ["443"]));
    if (args.hasSearch) {
        // Key Vault (secrets at boot) and blob (OpenSearch snapshots), both 443.
        endpointRules.push(allow("AllowSearchVault", 120, plan.search, plan.endpoints, ["443"]));
    }
    endpointRules.push(denyVnet(4000));
    const endpointsNsg = nsg("endpoints", endpointRules);

    let subnetChain: pulumi.Resource = vnet;
    const subnet = (suffix: string, sargs: Omit<network.SubnetArgs, "resourceGroupName" | "virtualNetworkName" | "subnetName">) => {
        const created = new network.Subnet(
            `${name}-${suffix}`,
            { subnetName: suffix, resourceGroupName: rg, virtualNetworkName: vnet.name, defaultOutboundAccess: false, ...sargs },
            ctx.opts(parent, { dependsOn: [subnetChain] }),
        );
        subnetChain = created;
        return created;
    };

    // Egress for the Container Apps environment and the search VMs (image pulls, packages):
    // a NAT gateway, since subnets have no default outbound access.
    // Where the apps environment is zone-redundant (platform.ts), say what its egress is not.
    if (args.zones > 1 && ctx.settings.environment === "prod") pulumi.log.warn(zonalEgressWarning(args.zones));
    const egressIp = new network.PublicIPAddress(
        `${name}-egress-ip`,
        {
            publicIpAddressName: ctx.naming.local("egress-ip"),
            resourceGroupName: rg,
            location: ctx.location,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            zones: zoneList(args.zones),
            // What network.zones the stack was created with, for the day-2 check (context.ts
            // checkedPlacement): ARM's read-back of `zones` cannot tell an unpinned IP (made
            // zone-redundant by Azure) from one pinned to three zones. A tag updates in place.
            tags: { ...ctx.tags, [ZONES_TAG]: String(args.zones) },
        },
        ctx.opts(parent),
    );
    const nat = new network.NatGateway(
        `${name}-nat`,
        {
            natGatewayName: ctx.naming.local("nat"),
            resourceGroupName: rg,
            location: ctx.location,
            sku: { name: "Standard" },
            publicIpAddresses: [{ id: egressIp.id }],
            tags: ctx.tags,
        },
        ctx.opts(parent),
    );

    const apps = subnet("apps", {
        addressPrefix: plan.apps,
        delegations: [{ name: "containerapps", serviceName: "Microsoft.App/environments" }],
        networkSecurityGroup: { id: appsNsg.id },
        natGateway: { id: nat.id },
        serviceEndpoints: [{ service: "Microsoft.Storage" }],
    });
    const endpoints = subnet("endpoints", {
        addressPrefix: plan.endpoints,
        // Enabled so the NSG applies to private endpoints too.
        privateEndpointNetworkPolicies: "Enabled",
        networkSecurityGroup: { id: endpointsNsg.id },
    });

    const state: NetworkState = { vnet, apps, appsPrefix: plan.apps, endpoints, endpointsPrefix: plan.endpoints, zones: {} };

    if (args.hasDatabase) {
        const pgRules: pulumi.Input<Rule>[] = [];
        // The apps subnet holds the database init job (always) and the services that use the database.
        pgRules.push(allow("AllowAppsPostgres", 100, plan.apps, plan.postgres, ["5432"]));
        // HA standby and replicas replicate inside the subnet.
        pgRules.push(allow("AllowPostgresInSubnet", 110, plan.postgres, plan.postgres, ["5432"]));
        pgRules.push(denyVnet(4000));
        state.postgres = subnet("postgres", {
            addressPrefix: plan.postgres,
            delegations: [{ name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
            networkSecurityGroup: { id: nsg("postgres", pgRules).id },
        });
    }
    if (args.hasSearch) {
        const searchRules: pulumi.Input<Rule>[] = [];
        if (access.searchClients.length > 0) {
            searchRules.push(allow("AllowAppsOpenSearch", 100, plan.apps, plan.search, ["9200"]));
        }
        searchRules.push(allow("AllowOpenSearchTransport", 110, plan.search, plan.search, ["9200", "9300"]));
        searchRules.push(denyVnet(4000));
        state.search = subnet("search", {
            addressPrefix: plan.search,
            networkSecurityGroup: { id: nsg("search", searchRules).id },
            natGateway: { id: nat.id },
        });
        state.searchPrefix = plan.search;
    }

    const zoneNames: string[] = [ZONES.vault];
    if (args.hasDatabase) {
        zoneNames.push(postgresZoneName(ctx));
    }
    if (args.hasCache) {
        zoneNames.push(ZONES.redis);
    }
    // Blob: the app buckets, and the search cluster's snapshot account.
    if (Object.keys(access.bucketClients).length > 0 || args.hasSearch) {
        zoneNames.push(ZONES.blob);
    }
    for (const zoneName of zoneNames) {
        const key = zoneName.startsWith("privatelink.") ? zoneName.split(".")[1] : "postgres";
        const zone = new privatedns.PrivateZone(
            `${name}-dns-${key}`,
            { privateZoneName: zoneName, resourceGroupName: rg, location: "global", tags: ctx.tags },
            ctx.opts(parent),
        );
        const link = new privatedns.VirtualNetworkLink(
            `${name}-dns-${key}-link`,
            {
                virtualNetworkLinkName: ctx.naming.local(`${key}-link`),
                privateZoneName: zone.name,
                resourceGroupName: rg,
                location: "global",
                registrationEnabled: false,
                virtualNetwork: { id: vnet.id },
                tags: ctx.tags,
            },
            ctx.opts(parent),
        );
        state.zones[zoneName] = { zone: zone.name, id: zone.id, link };
    }
    ctx.net = state;
    const vaultEndpoint = ctx.privateEndpoint(`${name}-vault`, shared.vault.id, "vault", ZONES.vault, parent);
    const environment = createAppsEnvironment(ctx, name, parent);
    // Apps resolve the vault through its private DNS record: it and the zone's VNet link must exist
    // before a revision reads a Key Vault reference (microsoft/azure-container-apps#1174).
    ctx.platform = { ...shared, environment, vaultReady: [shared.vault, vaultEndpoint, ctx.endpointDns[`${name}-vault`], state.zones[ZONES.vault].link] };
    return { networkId: vnet.id, cidr: args.cidr };
}

/**
 * What a zone-redundant Azure stack cannot be: its Internet egress is not. A subnet takes one NAT
 * gateway (the Container Apps environment has one infrastructure subnet), and a Standard NAT
 * gateway is a zonal resource, in the zone given or one Azure picks (Learn, "Reliability in Azure
 * NAT Gateway"; its zone-redundant StandardV2 SKU, with StandardV2 public IPs, is not in the
 * network API 2024-05-01 that azure-native 3.28.0's NatGateway and PublicIPAddress use: their SKU
 * enums know only Standard / Basic). Said in every plan of such a stack, as the README's known
 * limits say.
 */
export function zonalEgressWarning(zones: number): string {
    return (
        `network.zones=${zones}: the apps (a zone-redundant environment) and the search VMs spread over ${zones} zones, but their Internet egress leaves through one NAT gateway, ` +
        `and a Standard NAT gateway lives in one availability zone (Azure picks it). If that zone fails, the replicas running in the other zones keep serving ` +
        `and reach the database, cache, vault, buckets and search inside the VNet, but lose outbound Internet access until it returns: calls to outside APIs fail, ` +
        `and new replicas or revisions cannot pull their images (the stack's registry is reached through its public endpoint). ` +
        `Azure's zone-redundant StandardV2 NAT gateway is not available through the azure-native version this program uses (README "Known limits").`
    );
}

/** Availability zones to spread over (kept with the check that reads them back, context.ts). */
export { zoneList };
