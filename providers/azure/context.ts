import * as pulumi from "@pulumi/pulumi";
import type * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import type * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import type * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { Provider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import * as random from "@pulumi/random";
import { ConfigError, ConfigProblem, problem } from "../../stacks/errors";
import { Settings } from "../../stacks/settings";
import { AzureNaming, NameRule, RULES } from "./naming";
import { stackTags } from "../../stacks/tags";

/** Built-in role definition GUIDs (the same in every Azure tenant). */
export const ROLES = {
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    /** Read and write secret values (the search bootstrap node, on its own secrets only). */
    keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    /** Read, start and stop Container Apps jobs (built-in roles reference): a before-deploy job's runner, on that job only. */
    containerAppsJobsOperator: "b9a307c4-5aa3-4b52-ba60-2b17c136cd7b",
    /** Read Container Apps jobs and their executions: the same runner polls its execution. */
    containerAppsJobsReader: "edd66693-d32a-450b-997d-0158c03976b0",
} as const;
export type RoleName = keyof typeof ROLES;

/**
 * The key of the database init job in the per-workload maps (identities, AcrPull grants, registry
 * readiness): the part's own name, which no service or job may take.
 */
export const DATABASE_INIT_WORKLOAD = "database";

/** What the foundation creates for every app of the stack: logs, vault, identities, registry, alerts. */
export interface StackShared {
    workspace: operationalinsights.Workspace;
    vault: keyvault.Vault;
    /** One user-assigned identity per service: the principal of all its role assignments. */
    identities: Record<string, managedidentity.UserAssignedIdentity>;
    registry?: containerregistry.Registry;
    /** Per service: what must exist before its revision pulls from the registry (AcrPull grant, cache rule). */
    registryReady: Record<string, pulumi.Resource[]>;
    /** AcrPull of each service that pulls from the registry, by service: its app waits for it to apply. */
    pullGrants: Record<string, authorization.RoleAssignment>;
    actionGroupId: pulumi.Output<string>;
}

/** The shared resources plus what network() attaches to the VNet: the apps environment, the vault endpoint. */
export interface Platform extends StackShared {
    environment: app.ManagedEnvironment;
    /** Resources that must exist before secrets are written or read (vault + its private endpoint). */
    vaultReady: pulumi.Resource[];
}

/** Subnets, private DNS zones and the NSGs of the stack's VNet (filled in by network()). */
export interface NetworkState {
    vnet: network.VirtualNetwork;
    apps: network.Subnet;
    appsPrefix: string;
    postgres?: network.Subnet;
    endpoints: network.Subnet;
    endpointsPrefix: string;
    search?: network.Subnet;
    searchPrefix?: string;
    /** Private DNS zones by zone name. */
    zones: Record<string, { zone: pulumi.Output<string>; id: pulumi.Output<string>; link: pulumi.Resource }>;
}

/**
 * Everything one Azure stack shares: the explicit provider, the resource group, naming, tags,
 * and what earlier backend calls created for later ones (network, identities, vault, ...).
 * One instance per stack: no module-level state, so several stacks can run in one process.
 */
export class AzureContext {
    public readonly naming: AzureNaming;
    public readonly tags: Record<string, string>;
    public readonly location: string;
    private providerResource?: Provider;
    private group?: resources.ResourceGroup;
    private client?: pulumi.Output<authorization.GetClientConfigResult>;
    private salt?: random.RandomId;
    public net?: NetworkState;
    /** The DNS record group of each private endpoint, by endpoint name: what resolves it in the VNet. */
    public readonly endpointDns: Record<string, network.PrivateDnsZoneGroup> = {};
    /** Set by foundation(): subscription features it checked, true once registered (see foundation.ts). */
    public readonly features: Record<string, pulumi.Output<boolean>> = {};
    /** Set by foundation(): the stack's shared resources. */
    public shared?: StackShared;
    /** Set by network(): the shared resources with the environment and vault endpoint in the VNet. */
    public platform?: Platform;
    /** Set by loadBalancer(): lets apps admit only this Front Door profile. */
    public frontDoor?: { frontDoorId: pulumi.Output<string> };
    /** The search cluster's CA certificate (written by its bootstrap node): clients trust it. */
    public searchCaCert?: keyvault.Secret;
    /** The search readiness gate: services that use search are created after it. */
    public searchReady: pulumi.Resource[] = [];
    /** The database init job's awaited run: services and jobs on the database start after it. */
    public databaseInit?: pulumi.Resource;
    /** The database server's CA set in Key Vault (database-ca.ts): workloads on the database mount it. */
    public databaseCa?: keyvault.Secret;
    /** Set by objectStore(): each service's blob grants, which its app waits to see applied. */
    public readonly dataGrants: Record<string, authorization.RoleAssignment[]> = {};

    constructor(public readonly settings: Settings) {
        this.naming = new AzureNaming(settings.project, settings.stack);
        this.location = settings.azure.location;
        this.tags = stackTags(settings);
    }

    /**
     * Creates the provider, resource group and naming salt; called first, from foundation(). The
     * provider and the group were children
     * of the network component before the foundation existed: `moved` keeps their URNs.
     */
    init(parent: pulumi.Resource, moved: Pick<pulumi.CustomResourceOptions, "aliases"> = {}): void {
        if (this.providerResource) {
            return;
        }
        this.providerResource = new Provider(
            "azure",
            { location: this.location, subscriptionId: this.settings.azure.subscriptionId },
            { parent, ...moved },
        );
        this.group = new resources.ResourceGroup(
            "rg",
            { resourceGroupName: this.naming.resourceGroup(), location: checkedPlacement(this.providerResource, this.naming, this.location, this.settings.network.zones, parent), tags: this.tags },
            { provider: this.providerResource, parent, protect: this.settings.protect, ...moved },
        );
        this.client = authorization.getClientConfigOutput({ provider: this.providerResource, parent });
        // Kept in state: a new one after each destroy, so soft-deleted names are never asked for again.
        this.salt = new random.RandomId("name-salt", { byteLength: 4 }, { parent });
    }

    get provider(): Provider {
        if (!this.providerResource) {
            throw new Error("azure backend: foundation() must run before the other components");
        }
        return this.providerResource;
    }

    get resourceGroup(): resources.ResourceGroup {
        this.provider;
        return this.group!;
    }

    get rgName(): pulumi.Output<string> {
        return this.resourceGroup.name;
    }

    /** One Output, kept: each read of an Output's property is a new `apply` (a few per grant, hundreds a stack). */
    get subscriptionId(): pulumi.Output<string> {
        this.provider;
        return (this.clientSubscriptionId ??= this.client!.subscriptionId);
    }
    private clientSubscriptionId?: pulumi.Output<string>;

    get tenantId(): pulumi.Output<string> {
        this.provider;
        return (this.clientTenantId ??= this.client!.tenantId);
    }
    private clientTenantId?: pulumi.Output<string>;

    /** Options of every resource: the stack's provider, the component as parent. */
    opts(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { ...extra, provider: this.provider, parent };
    }

    /** Options of a stateful resource: protected in prod (settings.protect). */
    stateful(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { ...this.opts(parent, extra), protect: this.settings.protect };
    }

    invokeOpts(parent: pulumi.Resource): pulumi.InvokeOutputOptions {
        return { provider: this.provider, parent };
    }

    /** A built-in role's definition id in this subscription: one Output per role (several grants a service share it). */
    private roleDefinitionId(role: RoleName): pulumi.Output<string> {
        let id = this.roleDefinitionIds.get(role);
        if (id === undefined) {
            id = pulumi.interpolate`/subscriptions/${this.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`;
            this.roleDefinitionIds.set(role, id);
        }
        return id;
    }
    private readonly roleDefinitionIds = new Map<RoleName, pulumi.Output<string>>();

    /**
     * Grants a built-in role to a managed identity at a scope. The assignment's GUID comes from
     * subscription, scope, principal and role (`_key` names the grant for readers of the caller).
     * `deleteBeforeReplace`: a replacement has a new GUID for the same principal and role, which
     * Azure refuses while the old assignment exists (`RoleAssignmentExists`).
     */
    grant(name: string, role: RoleName, principalId: pulumi.Input<string>, scope: pulumi.Input<string>, parent: pulumi.Resource, _key: string[], dependsOn: pulumi.Resource[] = [], extra: pulumi.CustomResourceOptions = {}): authorization.RoleAssignment {
        return new authorization.RoleAssignment(
            name,
            {
                roleAssignmentName: pulumi
                    .all([this.subscriptionId, scope, principalId])
                    .apply(([subscription, at, principal]) => this.naming.roleAssignment(subscription, at, principal, ROLES[role])),
                principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: this.roleDefinitionId(role),
                scope,
            },
            this.opts(parent, { deleteBeforeReplace: true, ...extra, dependsOn }),
        );
    }

    /**
     * A globally unique name for this deployment: hashed with the subscription and location, and
     * with `soft` (kinds whose names outlive a delete: Key Vault) the stack's random salt too.
     * Chosen once: the resources that carry one ignore later changes of it (CREATE_ONLY_NAME), so
     * a stack deployed before the scope was part of the hash keeps its names and its data.
     */
    globalName(kind: string, rule: NameRule, soft = false): pulumi.Output<string> {
        const salt = soft ? this.requireSalt() : pulumi.output("");
        return pulumi.all([this.subscriptionId, salt]).apply(([subscription, s]) => this.naming.global(kind, rule, [subscription, this.location, s].filter((p) => p).join("/")));
    }

    private requireSalt(): pulumi.Output<string> {
        if (!this.salt) {
            throw new Error("azure backend: foundation() must run before the other components");
        }
        return this.salt.hex;
    }

    /** A private endpoint in the endpoints subnet, registered in its private DNS zone. */
    privateEndpoint(name: string, target: pulumi.Input<string>, groupId: string, zoneName: string, parent: pulumi.Resource): network.PrivateEndpoint {
        const net = this.requireNetwork();
        const zone = net.zones[zoneName];
        if (!zone) {
            throw new Error(`azure backend: private DNS zone ${zoneName} was not created by network()`);
        }
        const endpointName = this.naming.local(`${name}-pe`);
        const endpoint = new network.PrivateEndpoint(
            `${name}-pe`,
            {
                privateEndpointName: endpointName,
                resourceGroupName: this.rgName,
                location: this.location,
                subnet: { id: net.endpoints.id },
                privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: target, groupIds: [groupId] }],
                tags: this.tags,
            },
            this.opts(parent),
        );
        this.endpointDns[name] = new network.PrivateDnsZoneGroup(
            `${name}-pe-dns`,
            {
                privateDnsZoneGroupName: "default",
                privateEndpointName: endpoint.name,
                resourceGroupName: this.rgName,
                privateDnsZoneConfigs: [{ name: zoneName.replace(/\./g, "-"), privateDnsZoneId: zone.id }],
            },
            this.opts(parent),
        );
        return endpoint;
    }

    requireNetwork(): NetworkState {
        if (!this.net) {
            throw new Error("azure backend: network() must run before the other components");
        }
        return this.net;
    }

    /** The input value of a setting that needs a subscription feature: resolves only when it is registered. */
    requireFeature(feature: string): pulumi.Output<boolean> {
        const checked = this.features[feature];
        if (!checked) {
            throw new Error(`azure backend: the foundation does not check the feature ${feature} (REQUIRED_FEATURES in foundation.ts)`);
        }
        return checked;
    }

    requireShared(): StackShared {
        if (!this.shared) {
            throw new Error("azure backend: foundation() must run before the other components");
        }
        return this.shared;
    }

    requirePlatform(): Platform {
        if (!this.platform) {
            throw new Error("azure backend: network() must run before the other components");
        }
        return this.platform;
    }

    /**
     * A random suffix kept in state for one secret's name (`storeSecret` with `freshName`): made
     * with the secret and gone with it, so a secret declared again later (a database or workload
     * that left the config and came back) asks for a name the vault has never held. Without it the
     * second create fails: the retained secret is still in the vault, and azure-native checks a
     * resource's id before its first PUT ("cannot create already existing resource",
     * pulumi-azure-native provider `CanCreate`); a name deleted by hand stays taken until purged
     * (soft delete, pulumi-azure-native#1174).
     */
    private secretSuffix(name: string, parent: pulumi.Resource): pulumi.Output<string> {
        return new random.RandomId(`${name}-name`, { byteLength: 4 }, { parent }).hex;
    }

    /**
     * Stores a secret in the stack's Key Vault; apps reference it by its versionless URI.
     * Written through ARM (the control plane, which the vault's Deny firewall does not block), but
     * ARM has no DELETE for secrets: the provider deletes them through the vault's data plane,
     * which the firewall and RBAC close to a deployer outside the VNet, so a destroy (or an up that
     * drops a secret) would fail. `retainOnDelete`: the stack forgets the secret instead; it goes
     * with the vault on destroy (soft-deleted with it), and a secret dropped by an `up` stays in
     * the vault unread (its role assignment, an ARM resource, is deleted). `freshName`: the name
     * ends in a random suffix of its own (`secretSuffix`), for secrets a config change can drop and
     * bring back (the database roles' and search users' passwords).
     */
    storeSecret(
        name: string,
        value: pulumi.Input<string>,
        parent: pulumi.Resource,
        contentType: string,
        extra: pulumi.CustomResourceOptions = {},
        how: { freshName?: boolean } = {},
    ): keyvault.Secret {
        const platform = this.requirePlatform();
        const local = this.naming.local(name, RULES.secret);
        return new keyvault.Secret(
            name,
            {
                secretName: how.freshName ? freshSecretName(local, this.secretSuffix(name, parent)) : local.slice(0, 127),
                vaultName: platform.vault.name,
                resourceGroupName: this.rgName,
                properties: { value: pulumi.secret(value), contentType },
                tags: this.tags,
            },
            this.opts(parent, { ...extra, dependsOn: platform.vaultReady, retainOnDelete: true }),
        );
    }
}

/** Availability zones to spread over ("1".."3"); a single zone means no zone pinning. */
export function zoneList(zones: number): string[] | undefined {
    return zones > 1 ? ["1", "2", "3"].slice(0, Math.min(3, zones)) : undefined;
}

/** The egress IP's tag that records the `network.zones` value the stack was created with. */
export const ZONES_TAG = "anycloud-network-zones";

/** The config value whose zones (zoneList) are the ones a resource runs in. */
function zonesValue(running: readonly string[]): number {
    return Math.max(1, running.length);
}

const notFound = (e: unknown) => /\bStatus=404\b/.test(String(e instanceof Error ? e.message : e));

/**
 * The stack's location, once ARM's answers for its resource group and egress IP allow it: the
 * group's `location` input waits for them, so a refusal comes before anything the group holds is
 * registered.
 *
 * Location. The group's name is the stack's and is looked up in the subscription, not a region,
 * so a second `up` sees where the stack lives. Another `azure.location` would re-create every
 * resource of the stack (`location` is create-only everywhere), their data lost — and the first
 * replacement, the group itself created again under its name elsewhere, is refused by ARM (409
 * InvalidResourceGroupLocation, "The Resource group already exists in location ...",
 * Azure/azure-cli#22242) after the preview promised it. So it is refused, with no opt-in: moving a
 * stack is a new deployment (a new stack, or `pulumi destroy` and `up`, with the data copied over).
 *
 * Zones. `network.zones` sets the zones of the egress public IP (network.ts), the search nodes'
 * disks and VMs and the search load balancer's frontend (search-cluster.ts): each is fixed at
 * creation (replace-forcing.ts `refused` rows: ARM refuses the update, azure-native does not
 * replace), so another value on a running stack makes `up` stop part-way. The egress IP is in
 * every Azure stack and its zones follow `zoneList(network.zones)` exactly as the others' do, so
 * its `zones` (what ARM returns for the IP: the list it was created with, absent when none) say
 * which value the stack runs with. Another value is refused.
 *
 * A 404 (a new subscription, or after a destroy) allows any location and zones; any other failure
 * ends the run. All problems are reported at once.
 */
function checkedPlacement(provider: Provider, naming: AzureNaming, location: string, zones: number, parent: pulumi.Resource): pulumi.Output<string> {
    const name = naming.resourceGroup();
    const ipName = naming.local("egress-ip");
    return pulumi.output(name).apply(async (name) => {
        let running: string | undefined;
        try {
            running = (await resources.getResourceGroup({ resourceGroupName: name }, { provider, parent })).location;
        } catch (e) {
            if (!notFound(e)) throw e;
        }
        if (running === undefined) return location;
        const problems: ConfigProblem[] = [];
        if (running.toLowerCase().replace(/\s/g, "") !== location) {
            problems.push(
                problem(
                    // Named the way the user set it (load-settings names validation problems so too).
                    new pulumi.Config("azure-native").get("location") !== undefined ? "azure-native:location" : "azure.location",
                    location,
                    `${JSON.stringify(running)}, where the stack's resource group ${name} is: every resource of a stack is tied to its location, so another one would re-create them all, empty (and ARM refuses the group itself: InvalidResourceGroupLocation). ` +
                        "To move, deploy a new stack in the new location and copy the data over (or back up, `pulumi destroy`, then `pulumi up`)",
                ),
            );
        }
        let ipZones: string[] | undefined;
        let recorded: number | undefined;
        try {
            const ip = await network.getPublicIPAddress({ resourceGroupName: name, publicIpAddressName: ipName }, { provider, parent });
            ipZones = [...(ip.zones ?? [])].sort();
            const tag = Number(ip.tags?.[ZONES_TAG]);
            if (Number.isInteger(tag) && tag >= 1) recorded = tag;
        } catch (e) {
            if (!notFound(e)) throw e;
        }
        // The value the stack was created with, where its IP carries the tag: exact, whatever ARM
        // reports for the zones of an unpinned IP.
        if (ipZones !== undefined && recorded !== undefined) ipZones = zoneList(recorded) ?? [];
        const wanted = zoneList(zones) ?? [];
        // Since 2024-09 a Standard public IP created without zones is zone-redundant by default in
        // a region with zones (Azure Updates, "Standard public IPs are zone-redundant by default");
        // whether ARM then lists all three zones when it is read is not documented. So an IP
        // without the ZONES_TAG (made before it existed) whose zones read 1, 2, 3 is taken as
        // unchanged for an unpinned (one-zone) stack, never refused: a false refusal would stop
        // every later `up` of such a stack. (Its next `up` adds the tag, and from then on the
        // check is exact; until then a real 3 → 1 is shown by `plan --change`: exit 5, REFUSED.)
        const zoneRedundantByDefault = recorded === undefined && wanted.length === 0 && ipZones?.join(",") === "1,2,3";
        if (ipZones !== undefined && ipZones.join(",") !== wanted.join(",") && !zoneRedundantByDefault) {
            const keep = zonesValue(ipZones);
            problems.push(
                problem(
                    "network.zones",
                    zones,
                    `${keep}, the zones this stack runs in (its egress public IP ${ipName} is ${ipZones.length ? `in zones ${ipZones.join(", ")}` : "in no zone"}): ` +
                        "the zones of the search nodes' disks and VMs and of the public IP are fixed at creation (ARM refuses the update and azure-native does not replace them), so `up` would stop part-way. " +
                        `To spread over other zones, deploy a new stack with network.zones=${zones} and copy the data over; or keep network.zones=${keep}`,
                ),
            );
        }
        if (problems.length > 0) throw new ConfigError(problems);
        return location;
    });
}

/** A Key Vault secret name with a suffix: the name cut so that the whole stays within 127 characters. */
export function freshSecretName(local: string, suffix: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`${local.slice(0, 127 - 9).replace(/-+$/, "")}-${suffix}`;
}
