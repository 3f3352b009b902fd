import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import { Provider } from "@pulumi/azure-native/provider";
import * as resources from "@pulumi/azure-native/resources";
import { Settings } from "../../stacks/settings";
import { AzureNaming, RULES } from "./naming";
import { stackTags } from "../../stacks/tags";

/** Built-in role definition GUIDs (the same in every Azure tenant). */
export const ROLES = {
    acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    /** Read and write secret values (the search bootstrap node, on its own secrets only). */
    keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;
export type RoleName = keyof typeof ROLES;

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
    public net?: NetworkState;
    /** The Container Apps environment and its Log Analytics workspace (created with the network). */
    public platform?: import("./platform").Platform;
    /** Set by loadBalancer(): lets apps admit only this Front Door profile. */
    public frontDoor?: { frontDoorId: pulumi.Output<string> };
    /** The search cluster's CA certificate (written by its bootstrap node): clients trust it. */
    public searchCaCert?: keyvault.Secret;
    /** The search readiness gate: services that use search are created after it. */
    public searchReady: pulumi.Resource[] = [];

    constructor(public readonly settings: Settings) {
        this.naming = new AzureNaming(settings.project, settings.stack);
        this.location = settings.azure.location;
        this.tags = stackTags(settings);
    }

    /** Creates the provider and resource group; called first, from network(). */
    init(parent: pulumi.Resource): void {
        if (this.providerResource) {
            return;
        }
        this.providerResource = new Provider(
            "azure",
            { location: this.location, subscriptionId: this.settings.azure.subscriptionId },
            { parent },
        );
        this.group = new resources.ResourceGroup(
            "rg",
            { resourceGroupName: this.naming.resourceGroup(), location: this.location, tags: this.tags },
            { provider: this.providerResource, parent, protect: this.settings.protect },
        );
        this.client = authorization.getClientConfigOutput({ provider: this.providerResource, parent });
    }

    get provider(): Provider {
        if (!this.providerResource) {
            throw new Error("azure backend: network() must run before the other components");
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

    get subscriptionId(): pulumi.Output<string> {
        this.provider;
        return this.client!.subscriptionId;
    }

    get tenantId(): pulumi.Output<string> {
        this.provider;
        return this.client!.tenantId;
    }

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

    /** Grants a built-in role to a managed identity at a scope, with a deterministic name. */
    grant(name: string, role: RoleName, principalId: pulumi.Input<string>, scope: pulumi.Input<string>, parent: pulumi.Resource, key: string[], dependsOn: pulumi.Resource[] = []): authorization.RoleAssignment {
        return new authorization.RoleAssignment(
            name,
            {
                roleAssignmentName: this.naming.roleAssignment(role, ...key),
                principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: pulumi.interpolate`/subscriptions/${this.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role]}`,
                scope,
            },
            this.opts(parent, { dependsOn }),
        );
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
        new network.PrivateDnsZoneGroup(
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

    requirePlatform(): import("./platform").Platform {
        if (!this.platform) {
            throw new Error("azure backend: network() must run before the other components");
        }
        return this.platform;
    }

    /** Stores a secret in the stack's Key Vault; apps reference it by its versionless URI. */
    storeSecret(name: string, value: pulumi.Input<string>, parent: pulumi.Resource, contentType: string): keyvault.Secret {
        const platform = this.requirePlatform();
        return new keyvault.Secret(
            name,
            {
                secretName: this.naming.local(name, RULES.secret).slice(0, 127),
                vaultName: platform.vault.name,
                resourceGroupName: this.rgName,
                properties: { value: pulumi.secret(value), contentType },
                tags: this.tags,
            },
            this.opts(parent, { dependsOn: platform.vaultReady }),
        );
    }
}
