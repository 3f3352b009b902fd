import { providerSetting } from "../../stacks/provider-keys";
import { CloudMocks, MockContext, sha256Hex } from "../../stacks/cloud-mocks";
import { DATABASE_PARAMETERS } from "../../stacks/postgres-parameters";
import { PostgresVersion, SizeClass } from "../../stacks/settings";
import { postgresDefaults, POSTGRES_SKUS } from "./sizes";

/**
 * What a Flexible Server starts with for each static parameter: Azure computes it from the SKU and
 * version at provisioning (sizes.ts postgresDefaults); an unknown SKU gets none.
 */
function serverDefaults(server: { sku?: { name?: string }; version?: string }): Record<string, string> {
    const size = (Object.keys(POSTGRES_SKUS) as SizeClass[]).find((k) => POSTGRES_SKUS[k].name === server.sku?.name);
    return size ? postgresDefaults(size, Number(server.version ?? 16) as PostgresVersion) : {};
}

/** The servers each run has registered so far (name → its inputs), for their configurations' first values. */
const serversOfRun = new WeakMap<MockContext, Map<string, Record<string, any>>>();

/**
 * What Azure answers, for the offline engine: the invokes this backend calls and the outputs
 * ARM computes (full resource ids, host names, principal ids, ...). Values are derived from the
 * stack and the inputs, so every run gives the same answers.
 */
const hash = (text: string, n = 12) => sha256Hex(text).slice(0, n);
const guid = (text: string) => {
    const h = hash(text, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function subscription(ctx: MockContext): string {
    const configured = providerSetting(ctx.config, "azure", "subscriptionId");
    if (configured !== undefined) {
        return configured;
    }
    return guid(`subscription/${ctx.project}/${ctx.stack}${ctx.facts?.otherAccount ? "/other" : ""}`);
}

/** Type → [input holding the resource's name, ARM id builder]. */
type IdBuilder = (rg: string, n: string, i: Record<string, any>) => string;
const arm = (provider: string): IdBuilder => (rg, n) => `${rg}/providers/${provider}/${n}`;
const TYPES: Record<string, [string, IdBuilder]> = {
    "resources:ResourceGroup": ["resourceGroupName", (rg) => rg],
    "network:VirtualNetwork": ["virtualNetworkName", arm("Microsoft.Network/virtualNetworks")],
    "network:Subnet": ["subnetName", (rg, n, i) => `${rg}/providers/Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${n}`],
    "network:NetworkSecurityGroup": ["networkSecurityGroupName", arm("Microsoft.Network/networkSecurityGroups")],
    "network:PublicIPAddress": ["publicIpAddressName", arm("Microsoft.Network/publicIPAddresses")],
    "network:NatGateway": ["natGatewayName", arm("Microsoft.Network/natGateways")],
    "network:PrivateEndpoint": ["privateEndpointName", arm("Microsoft.Network/privateEndpoints")],
    "network:PrivateDnsZoneGroup": ["privateDnsZoneGroupName", (rg, n, i) => `${rg}/providers/Microsoft.Network/privateEndpoints/${i.privateEndpointName}/privateDnsZoneGroups/${n}`],
    "network:LoadBalancer": ["loadBalancerName", arm("Microsoft.Network/loadBalancers")],
    "network:NetworkInterface": ["networkInterfaceName", arm("Microsoft.Network/networkInterfaces")],
    "privatedns:PrivateZone": ["privateZoneName", arm("Microsoft.Network/privateDnsZones")],
    "privatedns:VirtualNetworkLink": ["virtualNetworkLinkName", (rg, n, i) => `${rg}/providers/Microsoft.Network/privateDnsZones/${i.privateZoneName}/virtualNetworkLinks/${n}`],
    "operationalinsights:Workspace": ["workspaceName", arm("Microsoft.OperationalInsights/workspaces")],
    "app:ManagedEnvironment": ["environmentName", arm("Microsoft.App/managedEnvironments")],
    "app:ContainerApp": ["containerAppName", arm("Microsoft.App/containerApps")],
    "keyvault:Vault": ["vaultName", arm("Microsoft.KeyVault/vaults")],
    "keyvault:Secret": ["secretName", (rg, n, i) => `${rg}/providers/Microsoft.KeyVault/vaults/${i.vaultName}/secrets/${n}`],
    "managedidentity:UserAssignedIdentity": ["resourceName", arm("Microsoft.ManagedIdentity/userAssignedIdentities")],
    "containerregistry:Registry": ["registryName", arm("Microsoft.ContainerRegistry/registries")],
    "containerregistry:CacheRule": ["cacheRuleName", (rg, n, i) => `${rg}/providers/Microsoft.ContainerRegistry/registries/${i.registryName}/cacheRules/${n}`],
    "authorization:RoleAssignment": ["roleAssignmentName", (_rg, n, i) => `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${n}`],
    "dbforpostgresql:Server": ["serverName", arm("Microsoft.DBforPostgreSQL/flexibleServers")],
    "dbforpostgresql:Configuration": ["configurationName", (rg, n, i) => `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${i.serverName}/configurations/${n}`],
    "dbforpostgresql:Database": ["databaseName", (rg, n, i) => `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${i.serverName}/databases/${n}`],
    "redisenterprise:RedisEnterprise": ["clusterName", arm("Microsoft.Cache/redisEnterprise")],
    "redisenterprise:Database": ["databaseName", (rg, n, i) => `${rg}/providers/Microsoft.Cache/redisEnterprise/${i.clusterName}/databases/${n}`],
    "storage:StorageAccount": ["accountName", arm("Microsoft.Storage/storageAccounts")],
    "storage:BlobServiceProperties": ["blobServicesName", (rg, n, i) => `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/${n}`],
    "storage:BlobContainer": ["containerName", (rg, n, i) => `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${n}`],
    "storage:ManagementPolicy": ["managementPolicyName", (rg, n, i) => `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/managementPolicies/${n}`],
    "cdn:Profile": ["profileName", arm("Microsoft.Cdn/profiles")],
    "cdn:AFDEndpoint": ["endpointName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${n}`],
    "cdn:AFDOriginGroup": ["originGroupName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/originGroups/${n}`],
    "cdn:AFDOrigin": ["originName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/originGroups/${i.originGroupName}/origins/${n}`],
    "cdn:AFDCustomDomain": ["customDomainName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/customDomains/${n}`],
    "cdn:RuleSet": ["ruleSetName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/ruleSets/${n}`],
    "cdn:Rule": ["ruleName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/ruleSets/${i.ruleSetName}/rules/${n}`],
    "cdn:Route": ["routeName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${i.endpointName}/routes/${n}`],
    "cdn:SecurityPolicy": ["securityPolicyName", (rg, n, i) => `${rg}/providers/Microsoft.Cdn/profiles/${i.profileName}/securityPolicies/${n}`],
    "frontdoor:Policy": ["policyName", arm("Microsoft.Network/frontDoorWebApplicationFirewallPolicies")],
    "dns:RecordSet": ["relativeRecordSetName", (rg, n, i) => `${rg}/providers/Microsoft.Network/dnszones/${i.zoneName}/${i.recordType}/${n}`],
    "monitor:ActionGroup": ["actionGroupName", arm("Microsoft.Insights/actionGroups")],
    "monitor:MetricAlert": ["ruleName", arm("Microsoft.Insights/metricAlerts")],
    "monitor:DiagnosticSetting": ["name", (_rg, n, i) => `${i.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${n}`],
    "compute:VirtualMachine": ["vmName", arm("Microsoft.Compute/virtualMachines")],
    "compute:Disk": ["diskName", arm("Microsoft.Compute/disks")],
};

export const mocks: CloudMocks = {
    call(token, inputs, ctx) {
        switch (token) {
            case "azure-native:authorization:getClientConfig":
                return {
                    subscriptionId: subscription(ctx),
                    tenantId: guid(`tenant/${ctx.project}`),
                    clientId: guid(`client/${ctx.project}`),
                    objectId: guid(`object/${ctx.project}`),
                };
            case "azure-native:features:getSubscriptionFeatureRegistration":
                // A subscription set up as the README's first-deploy section says (features registered once).
                return {
                    id: `/subscriptions/${subscription(ctx)}/providers/Microsoft.Features/featureProviders/${inputs.providerNamespace}/subscriptionFeatureRegistrations/${inputs.featureName}`,
                    name: inputs.featureName,
                    type: "Microsoft.Features/featureProviders/subscriptionFeatureRegistrations",
                    properties: { state: "Registered", providerNamespace: inputs.providerNamespace, featureName: inputs.featureName },
                };
            case "azure-native:operationalinsights:getSharedKeys":
                return { primarySharedKey: Buffer.from(hash(`${inputs.workspaceName}/primary`, 64)).toString("base64"), secondarySharedKey: Buffer.from(hash(`${inputs.workspaceName}/secondary`, 64)).toString("base64") };
            case "azure-native:resources:getResourceGroup": {
                // The group an earlier `up` left, wherever it is; ARM answers 404 for any other name.
                const found = (ctx.deployed ?? []).find((d) => d.type === "azure-native:resources:ResourceGroup" && d.outputs.resourceGroupName === inputs.resourceGroupName);
                if (!found) {
                    const message = `request failed /subscriptions/${subscription(ctx)}/resourcegroups/${inputs.resourceGroupName}: Status=404 Code="ResourceGroupNotFound" Message="Resource group '${inputs.resourceGroupName}' could not be found."`;
                    throw Object.assign(new Error(message), { details: message });
                }
                return { id: found.outputs.id, name: inputs.resourceGroupName, location: found.outputs.location, tags: found.outputs.tags, properties: { provisioningState: "Succeeded" }, type: "Microsoft.Resources/resourceGroups", azureApiVersion: "2024-03-01" };
            }
            case "azure-native:network:getPublicIPAddress": {
                // The IP an earlier `up` left, with the zones it was created with (absent when none);
                // ARM answers 404 for any other name, ResourceGroupNotFound without the group.
                const deployed = ctx.deployed ?? [];
                const found = deployed.find((d) => d.type === "azure-native:network:PublicIPAddress" && d.outputs.publicIpAddressName === inputs.publicIpAddressName && d.outputs.resourceGroupName === inputs.resourceGroupName);
                if (!found) {
                    const group = deployed.some((d) => d.type === "azure-native:resources:ResourceGroup" && d.outputs.resourceGroupName === inputs.resourceGroupName);
                    const id = `/subscriptions/${subscription(ctx)}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/publicIPAddresses/${inputs.publicIpAddressName}`;
                    const message = group
                        ? `request failed ${id}: Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.Network/publicIPAddresses/${inputs.publicIpAddressName}' under resource group '${inputs.resourceGroupName}' was not found."`
                        : `request failed ${id}: Status=404 Code="ResourceGroupNotFound" Message="Resource group '${inputs.resourceGroupName}' could not be found."`;
                    throw Object.assign(new Error(message), { details: message });
                }
                return { ...found.outputs, azureApiVersion: "2024-05-01" };
            }
            case "azure-native:dbforpostgresql:getServer": {
                // The server an earlier `up` left; ARM answers 404 for any other name.
                const found = (ctx.deployed ?? []).find((d) => d.type === "azure-native:dbforpostgresql:Server" && d.outputs.serverName === inputs.serverName && d.outputs.resourceGroupName === inputs.resourceGroupName);
                if (!found) {
                    const id = `/subscriptions/${subscription(ctx)}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${inputs.serverName}`;
                    const message = `request failed ${id}: Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/${inputs.serverName}' under resource group '${inputs.resourceGroupName}' was not found."`;
                    throw Object.assign(new Error(message), { details: message });
                }
                return { ...found.outputs, azureApiVersion: "2025-08-01" };
            }
            case "azure-native:dbforpostgresql:getConfiguration": {
                // A parameter of the server an earlier `up` left, as that up's Configuration left it
                // (value and isConfigPendingRestart); Azure's default when it set none; 404 without the server.
                const deployed = ctx.deployed ?? [];
                const server = deployed.find((d) => d.type === "azure-native:dbforpostgresql:Server" && d.outputs.serverName === inputs.serverName && d.outputs.resourceGroupName === inputs.resourceGroupName);
                if (!server) {
                    const id = `/subscriptions/${subscription(ctx)}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${inputs.serverName}`;
                    const message = `request failed ${id}/configurations/${inputs.configurationName}: Status=404 Code="ParentResourceNotFound" Message="Can not perform requested operation on nested resource. Parent resource '${inputs.serverName}' not found."`;
                    throw Object.assign(new Error(message), { details: message });
                }
                const set = deployed.find((d) => d.type === "azure-native:dbforpostgresql:Configuration" && d.outputs.serverName === inputs.serverName && d.outputs.configurationName === inputs.configurationName);
                const dynamic = !DATABASE_PARAMETERS[inputs.configurationName]?.restart;
                const defaultValue = serverDefaults(server.outputs)[inputs.configurationName] ?? "";
                return {
                    id: `${server.outputs.id}/configurations/${inputs.configurationName}`,
                    name: inputs.configurationName,
                    value: set ? set.outputs.value : defaultValue,
                    defaultValue,
                    source: set ? "user-override" : "system-default",
                    isDynamicConfig: dynamic,
                    isReadOnly: false,
                    isConfigPendingRestart: set ? set.outputs.isConfigPendingRestart === true : false,
                    azureApiVersion: "2025-08-01",
                };
            }
            case "azure-native:redisenterprise:listDatabaseKeys":
                return { primaryKey: `${hash(`${inputs.clusterName}/${inputs.databaseName}/1`, 43)}=`, secondaryKey: `${hash(`${inputs.clusterName}/${inputs.databaseName}/2`, 43)}=` };
            default:
                return undefined;
        }
    },

    state(type, name, inputs, ctx) {
        if (!type.startsWith("azure-native:")) {
            return undefined;
        }
        const short = type.slice("azure-native:".length);
        const entry = TYPES[short];
        if (!entry) {
            return undefined;
        }
        const [nameKey, build] = entry;
        const resourceName = String(inputs[nameKey] ?? name);
        const rg = `/subscriptions/${subscription(ctx)}/resourceGroups/${inputs.resourceGroupName ?? resourceName}`;
        const id = build(rg, resourceName, inputs);
        const state: Record<string, any> = { name: resourceName };
        const location = inputs.location ?? "eastus";
        switch (short) {
            case "app:ManagedEnvironment":
                state.defaultDomain = `${hash(id, 10)}.${location}.azurecontainerapps.io`;
                state.staticIp = "10.40.1.250";
                break;
            case "app:ContainerApp":
                state.latestRevisionFqdn = `${resourceName}--${hash(id, 7)}.example.${location}.azurecontainerapps.io`;
                state.outboundIpAddresses = ["20.0.0.1"];
                break;
            case "operationalinsights:Workspace":
                state.customerId = guid(`workspace/${id}`);
                break;
            case "managedidentity:UserAssignedIdentity":
                state.principalId = guid(`principal/${id}`);
                state.clientId = guid(`client/${id}`);
                state.tenantId = guid(`tenant/${ctx.project}`);
                break;
            case "dbforpostgresql:Configuration": {
                // A static parameter's new value is saved and waits for a restart (isConfigPendingRestart)
                // unless the same value is already in force.
                // A server's first value of it is its SKU's default (this plan's server, or the one deployed).
                const deployed = ctx.deployed ?? [];
                const before = deployed.find((d) => d.type === "azure-native:dbforpostgresql:Configuration" && d.outputs.serverName === inputs.serverName && d.outputs.configurationName === inputs.configurationName);
                const server = serversOfRun.get(ctx)?.get(inputs.serverName);
                const inForce = before ? before.outputs.value : server ? serverDefaults(server)[resourceName] : undefined;
                const dynamic = !DATABASE_PARAMETERS[resourceName]?.restart;
                state.isDynamicConfig = dynamic;
                state.isConfigPendingRestart = !dynamic && (before?.outputs.isConfigPendingRestart === true || inForce !== inputs.value);
                break;
            }
            case "dbforpostgresql:Server":
                state.fullyQualifiedDomainName = `${resourceName}.postgres.database.azure.com`;
                if (!serversOfRun.has(ctx)) serversOfRun.set(ctx, new Map());
                // A replica runs its source's version (sourceServerResourceId ends with its name).
                serversOfRun.get(ctx)!.set(resourceName, { ...inputs, version: inputs.version ?? serversOfRun.get(ctx)!.get(String(inputs.sourceServerResourceId ?? "").split("/").pop() ?? "")?.version });
                break;
            case "redisenterprise:RedisEnterprise":
                state.hostName = `${resourceName}.${location}.redis.azure.net`;
                break;
            case "containerregistry:Registry":
                state.loginServer = `${resourceName}.azurecr.io`;
                break;
            case "storage:StorageAccount":
                state.primaryEndpoints = { blob: `https://${resourceName}.blob.core.windows.net/`, dfs: `https://${resourceName}.dfs.core.windows.net/` };
                break;
            case "keyvault:Vault":
                state.properties = { ...inputs.properties, vaultUri: `https://${resourceName}.vault.azure.net/` };
                break;
            case "keyvault:Secret":
                // ARM never returns the value; only the URIs. Each value written is a new version (the
                // value arrives as the engine's secret wrapper, whose JSON carries it).
                state.properties = {
                    contentType: inputs.properties?.contentType,
                    secretUri: `https://${inputs.vaultName}.vault.azure.net/secrets/${resourceName}`,
                    secretUriWithVersion: `https://${inputs.vaultName}.vault.azure.net/secrets/${resourceName}/${hash(`${id}/${JSON.stringify(inputs.properties ?? null)}`, 32)}`,
                };
                break;
            case "cdn:Profile":
                state.frontDoorId = guid(`frontdoor/${id}`);
                break;
            case "cdn:AFDEndpoint":
                state.hostName = `${resourceName}-${hash(id, 16)}.z01.azurefd.net`;
                break;
            case "cdn:AFDCustomDomain":
                state.validationProperties = { validationToken: hash(`validation/${id}`, 32), expirationDate: "2027-01-01T00:00:00Z" };
                break;
            case "compute:VirtualMachine":
                state.vmId = guid(`vm/${id}`);
                break;
            case "dns:RecordSet":
                state.fqdn = `${resourceName === "@" ? "" : `${resourceName}.`}${inputs.zoneName}.`;
                break;
            default:
                break;
        }
        return { id, state };
    },
};
