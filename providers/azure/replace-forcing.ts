import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on Azure (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). How azure-native decides (pulumi/pulumi-azure-native provider/pkg/provider/diff.go
 * calculateDetailedDiff, provider/pkg/gen/properties.go forceNew, provider/pkg/gen/replacement.go):
 * a change of a path parameter (the resource group, the resource's own name and its parents'),
 * of a resource-level property the ARM spec marks `x-ms-mutability` with `create` and without
 * `update` (the properties of an `x-ms-client-flatten`ed `properties` bag count as resource-level;
 * `location` is one where the spec's resource model says so, e.g. common-types TrackedResource),
 * or of a property the provider's own forceNewMap lists replaces the resource. A create-only
 * property inside a nested object never does ("a non-updatable property at a subtype level does
 * not mandate the replacement of the whole resource"): the provider sends an update, which ARM
 * refuses; such properties, and a `location` the spec does not mark, are the rows' `refused`.
 * `stateful` marks what holds data a replacement or deletion loses (azure-native is not bridged:
 * no delete-before-replace naming rule). Each row names the API version azure-native 3.28.0 uses
 * for the type (its SDK's "Uses Azure REST API version") and what was read: the spec file at that
 * version (Azure/azure-rest-api-specs, with the commit read), and where the spec file was not read
 * in full, the provider's own verdict from its published schema (`willReplaceOnChanges`,
 * danielrbradley/pulumi-azure-native-schema@3b272d2, the azure-native v2 schema at an older API
 * version) with forceNewMap, which the row says.
 */
const APP = "specification/app/resource-manager/Microsoft.App/ContainerApps/preview/2025-02-02-preview";
const CDN = "specification/cdn/resource-manager/Microsoft.Cdn/stable/2025-06-01 (afdx.json, cdn.json)";
const NET = "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01";
const NETWORK_RESOURCE = `${NET}/network.json@ea83a2a Resource: location carries no x-ms-mutability, so a Network resource's location is not replace-forcing unless forceNewMap lists it`;

export const replaceForcing: ReplaceTable = {
    "azure-native:app:ContainerApp": {
        source: `API 2025-02-02-preview: ${APP}/ContainerApps.json@443f613 ContainerApp (TrackedResource v5: location [read, create]; kind [read, create]; flattened properties.managedEnvironmentId and environmentId [create, read]; configuration and template carry no mutability), path parameters`,
        forceNew: ["containerAppName", "environmentId", "kind", "location", "managedEnvironmentId", "resourceGroupName"],
    },
    "azure-native:app:Job": {
        source: `API 2025-02-02-preview: ${APP}/Jobs.json@4b93e45 Job (TrackedResource v5; flattened properties.environmentId [create, read], the only create-only property; JobPatchProperties makes it updatable only through PATCH, which azure-native does not use), path parameters`,
        forceNew: ["environmentId", "jobName", "location", "resourceGroupName"],
    },
    "azure-native:app:ManagedEnvironment": {
        source: `API 2025-02-02-preview: ${APP}/ManagedEnvironments.json@77be6b0 ManagedEnvironment (TrackedResource v5; flattened properties.zoneRedundant and infrastructureResourceGroup [create, read]; vnetConfiguration carries no mutability, its internal, infrastructureSubnetId, dockerBridgeCidr and platformReserved* are [create, read] inside VnetConfiguration), path parameters`,
        note: "a changed vnetConfiguration no longer counts as a replacement (the earlier row had it): azure-native sends it as an update and ARM refuses the create-only fields inside it",
        forceNew: ["environmentName", "infrastructureResourceGroup", "location", "resourceGroupName", "zoneRedundant"],
        refused: ["vnetConfiguration.dockerBridgeCidr", "vnetConfiguration.infrastructureSubnetId", "vnetConfiguration.internal", "vnetConfiguration.platformReservedCidr", "vnetConfiguration.platformReservedDnsIP"],
    },
    "azure-native:containerregistry:CacheRule": {
        source: "API 2024-11-01-preview; the containerregistry spec file at that version was not read in full (and the provider schema read has no CacheRule): sourceRepository and targetRepository as [create, read] in CacheRuleProperties come from an earlier reading of the spec; path parameters",
        forceNew: ["cacheRuleName", "registryName", "resourceGroupName", "sourceRepository", "targetRepository"],
    },
    "azure-native:containerregistry:Registry": {
        source: "API 2023-01-01-preview: specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/preview/2023-01-01-preview/containerregistry.json@0084beb Registry (flattened RegistryProperties: zoneRedundancy and the other writable fields carry no x-ms-mutability) on its own Resource; provider schema: location, registryName, resourceGroupName. The earlier row had zoneRedundancy as replace-forcing",
        note: "a registry's zone redundancy is chosen at creation: ARM refuses another value",
        forceNew: ["location", "registryName", "resourceGroupName"],
        refused: ["zoneRedundancy"],
    },
    "azure-native:authorization:RoleAssignment": {
        source: "API 2022-04-01; authorization-RoleAssignmentsCalls.json at that version was not read. Provider: forceNewMap Authorization RoleAssignment (principalId, scope) and its schema (principalId, roleAssignmentName, scope); roleDefinitionId and principalType are not replace-forcing (the earlier row had them)",
        note: "Microsoft.Authorization/roleAssignments: an assignment cannot be updated (RoleAssignmentUpdateNotPermitted); the program derives roleAssignmentName from scope, principal and role, so another role is another assignment",
        forceNew: ["principalId", "roleAssignmentName", "scope"],
        refused: ["principalType", "roleDefinitionId"],
    },
    "azure-native:cdn:AFDCustomDomain": {
        source: `API 2025-06-01; ${CDN} was not read. Provider schema: customDomainName, profileName, resourceGroupName; hostName is not replace-forcing (the earlier row had it; the program names the domain after its host, so another host is another domain)`,
        forceNew: ["customDomainName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDEndpoint": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters, and location as on the cdn TrackedResource (not re-read)`,
        forceNew: ["endpointName", "location", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOrigin": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters (the provider schema marks no other input)`,
        forceNew: ["originGroupName", "originName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOriginGroup": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters`,
        forceNew: ["originGroupName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:Profile": {
        source: `API 2025-06-01; ${CDN} was not read. Provider: forceNewMap Cdn Profile (location, and sku's name) and its schema (location, profileName, resourceGroupName)`,
        forceNew: ["location", "profileName", "resourceGroupName", "sku"],
    },
    "azure-native:cdn:Route": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters`,
        forceNew: ["endpointName", "profileName", "resourceGroupName", "routeName"],
    },
    "azure-native:cdn:Rule": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters`,
        forceNew: ["profileName", "resourceGroupName", "ruleName", "ruleSetName"],
    },
    "azure-native:cdn:RuleSet": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters`,
        forceNew: ["profileName", "resourceGroupName", "ruleSetName"],
    },
    "azure-native:cdn:SecurityPolicy": {
        source: `API 2025-06-01; ${CDN} was not read: path parameters`,
        forceNew: ["profileName", "resourceGroupName", "securityPolicyName"],
    },
    "azure-native:compute:Disk": {
        source: "API 2024-03-02: specification/compute/resource-manager/Microsoft.Compute/DiskRP/stable/2024-03-02/disk.json@99d32db Disk (sku, zones, extendedLocation and the flattened DiskProperties carry no x-ms-mutability; creationData \"cannot be changed after the disk has been created\" in prose only) on compute common-types/v1/common.json@08272fc Resource (location without mutability); provider schema: diskName, resourceGroupName. The earlier row had creationData, location and zones as replace-forcing",
        note: "diskSizeGB may only grow",
        stateful: true,
        forceNew: ["diskName", "resourceGroupName"],
        refused: ["creationData", "location", "zones"],
    },
    "azure-native:compute:VirtualMachine": {
        source: "API 2024-11-01: specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01/virtualMachine.json@04be2f1 (148,968 characters) was not read in full; compute common-types/v1/common.json@08272fc Resource: location without mutability; provider schema: only resourceGroupName and vmName. osProfile and storageProfile are nested objects, never replace-forcing in azure-native (the earlier row had osProfile.*, storageProfile.osDisk.*, location and zones)",
        note: "ARM refuses a change of osProfile.customData, computerName, adminUsername, the OS disk's name or create option, zones and location (PropertyChangeNotAllowed): the program keeps customData from creation (ignoreChanges)",
        forceNew: ["resourceGroupName", "vmName"],
        refused: ["location", "osProfile.adminUsername", "osProfile.computerName", "osProfile.customData", "storageProfile.osDisk.createOption", "storageProfile.osDisk.name", "zones"],
    },
    "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": {
        source: "API 2024-11-01; the compute run command spec at that version was not read: path parameters and location, kept from an earlier reading (a changed script is an update, which runs it again)",
        forceNew: ["location", "resourceGroupName", "runCommandName", "vmName"],
    },
    "azure-native:dbforpostgresql:Configuration": {
        source: "API 2025-08-01; specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01 Configurations was not read: path parameters (value and source are what a configuration updates)",
        forceNew: ["configurationName", "resourceGroupName", "serverName"],
    },
    "azure-native:dbforpostgresql:Database": {
        source: "Azure/azure-rest-api-specs@14bc04b specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Databases.json DatabaseProperties (charset and collation carry no x-ms-mutability: sent as an update, which PostgreSQL cannot apply to an existing database; the program sets fixed values), path parameters",
        stateful: true,
        forceNew: ["databaseName", "resourceGroupName", "serverName"],
    },
    "azure-native:dbforpostgresql:Server": {
        source: "Azure/azure-rest-api-specs@0f9798a specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Servers.json ServerProperties, Backup (administratorLogin, availabilityZone, backup.geoRedundantBackup, sourceServerResourceId [create, read]; pointInTimeUTC [create]), path parameters and location",
        stateful: true,
        note: "createMode is [create, update] and network.delegatedSubnetResourceId / privateDnsZoneArmResourceId carry no x-ms-mutability (updates; the earlier row had them); version is an in-place major upgrade; a smaller storage.storageSizeGB is refused, not replaced",
        forceNew: ["administratorLogin", "availabilityZone", "backup.geoRedundantBackup", "location", "pointInTimeUTC", "resourceGroupName", "serverName", "sourceServerResourceId"],
    },
    "azure-native:dns:RecordSet": {
        source: "API 2023-07-01-preview (azure-native 3.28.0): path parameters (created when loadBalancer.dnsZone is set)",
        forceNew: ["recordType", "relativeRecordSetName", "resourceGroupName", "zoneName"],
    },
    "azure-native:frontdoor:Policy": {
        source: "API 2025-11-01; the frontdoor WebApplicationFirewall spec at that version was not read: path parameters, location and sku kept from an earlier reading",
        forceNew: ["location", "policyName", "resourceGroupName", "sku"],
    },
    "azure-native:keyvault:Secret": {
        source: "API 2024-11-01; specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/secrets.json was not read. Provider schema: resourceGroupName, secretName, vaultName (properties is a nested object)",
        stateful: true,
        forceNew: ["resourceGroupName", "secretName", "vaultName"],
    },
    "azure-native:keyvault:Vault": {
        source: "API 2024-11-01: specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json@315e54b VaultCreateOrUpdateParameters (location carries no x-ms-mutability; properties is not flattened; VaultProperties.createMode is [create, update]); provider schema: resourceGroupName, vaultName. The earlier row had location as replace-forcing",
        stateful: true,
        forceNew: ["resourceGroupName", "vaultName"],
        refused: ["location"],
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        source: "API 2023-01-31; the ManagedIdentity spec file at that version was not read. Provider schema: location (TrackedResource), resourceGroupName, resourceName",
        forceNew: ["location", "resourceGroupName", "resourceName"],
    },
    "azure-native:monitor:ActionGroup": {
        source: "API 2024-10-01-preview; the monitor action groups spec at that version was not read: path parameters and location, kept from an earlier reading",
        forceNew: ["actionGroupName", "location", "resourceGroupName"],
    },
    "azure-native:monitor:DiagnosticSetting": {
        source: "API 2021-05-01-preview; the diagnostic settings spec at that version was not read: path parameters (the setting's name and the resource it is on)",
        forceNew: ["name", "resourceUri"],
    },
    "azure-native:monitor:MetricAlert": {
        source: "API 2018-03-01; the metric alert spec at that version was not read: path parameters and location, kept from an earlier reading",
        forceNew: ["location", "resourceGroupName", "ruleName"],
    },
    "azure-native:network:LoadBalancer": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; ${NET}/loadBalancer.json@1f05f2c was not read in full. Provider schema: loadBalancerName, resourceGroupName. The earlier row had location and sku as replace-forcing`,
        note: "ARM refuses another SKU on an existing load balancer (Basic to Standard is a migration, not an update)",
        forceNew: ["loadBalancerName", "resourceGroupName"],
        refused: ["location", "sku"],
    },
    "azure-native:network:NatGateway": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; natGateway.json at that version is not in the spec index read. Provider schema: natGatewayName, resourceGroupName. The earlier row had location and zones as replace-forcing`,
        note: "a NAT gateway's zones are fixed at creation",
        forceNew: ["natGatewayName", "resourceGroupName"],
        refused: ["location", "zones"],
    },
    "azure-native:network:NetworkInterface": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; ${NET}/networkInterface.json@df74858 was not read in full: path parameters. The earlier row had location`,
        forceNew: ["networkInterfaceName", "resourceGroupName"],
        refused: ["location"],
    },
    "azure-native:network:NetworkSecurityGroup": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; ${NET}/networkSecurityGroup.json@c938870 was not read in full: path parameters. The earlier row had location`,
        forceNew: ["networkSecurityGroupName", "resourceGroupName"],
        refused: ["location"],
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        source: "API 2024-05-01; privateEndpoint.json at that version is not in the spec index read: path parameters (privateDnsZoneConfigs is what a group updates)",
        forceNew: ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"],
    },
    "azure-native:network:PrivateEndpoint": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; privateEndpoint.json at that version is not in the spec index read. Provider: forceNewMap Network PrivateEndpoint (subnet; pulumi-azure-native#3883) and its schema (privateEndpointName, resourceGroupName). The earlier row had location`,
        forceNew: ["privateEndpointName", "resourceGroupName", "subnet"],
        refused: ["location"],
    },
    "azure-native:network:PublicIPAddress": {
        source: `API 2024-05-01; ${NET}/publicIpAddress.json@1180935 was not read in full. Provider: forceNewMap Network PublicIPAddress (location, publicIPAddressVersion, publicIPPrefix, sku) and its schema (also publicIpAddressName, resourceGroupName); zones is not replace-forcing (the earlier row had it)`,
        note: "a public IP's zones are fixed at creation",
        forceNew: ["location", "publicIPAddressVersion", "publicIPPrefix", "publicIpAddressName", "resourceGroupName", "sku"],
        refused: ["zones"],
    },
    "azure-native:network:Subnet": {
        source: `API 2024-05-01; ${NET}/virtualNetwork.json@4e8108c was not read in full. Provider: forceNewMap Network Subnet adds nothing; path parameters`,
        forceNew: ["resourceGroupName", "subnetName", "virtualNetworkName"],
    },
    "azure-native:network:VirtualNetwork": {
        source: `API 2024-05-01: ${NETWORK_RESOURCE}; ${NET}/virtualNetwork.json@4e8108c was not read in full. Provider: forceNewMap Network VirtualNetwork (location), path parameters`,
        forceNew: ["location", "resourceGroupName", "virtualNetworkName"],
    },
    "azure-native:operationalinsights:Workspace": {
        source: "API 2023-09-01; the OperationalInsights workspaces spec at that version was not read. Provider schema: location (TrackedResource), resourceGroupName, workspaceName",
        forceNew: ["location", "resourceGroupName", "workspaceName"],
    },
    "azure-native:privatedns:PrivateZone": {
        source: "API 2024-06-01; the privatedns spec at that version was not read: path parameters (a private zone's location is always global)",
        forceNew: ["privateZoneName", "resourceGroupName"],
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        source: "API 2024-06-01; the privatedns spec at that version was not read: path parameters, and virtualNetwork kept from an earlier reading",
        forceNew: ["privateZoneName", "resourceGroupName", "virtualNetwork", "virtualNetworkLinkName"],
    },
    "azure-native:redisenterprise:Database": {
        source: "Azure/azure-rest-api-specs@15f38e5 specification/redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise/stable/2025-07-01/redisenterprise.json DatabaseProperties (port, modules, geoReplication x-ms-mutability [read, create]), path parameters",
        stateful: true,
        note: "clusteringPolicy is [read, create, update]: an update, which Azure accepts only from NoCluster (refused otherwise, not replaced)",
        forceNew: ["clusterName", "databaseName", "geoReplication", "modules", "port", "resourceGroupName"],
    },
    "azure-native:redisenterprise:RedisEnterprise": {
        source: "Azure/azure-rest-api-specs@15f38e5 specification/redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise/stable/2025-07-01/redisenterprise.json Cluster (no create-only property: sku, highAvailability and zones carry no x-ms-mutability), path parameters and location",
        stateful: true,
        note: "highAvailability and sku are updated in place (ClusterUpdate); zones is not in the update model, so a change is sent and Azure decides (the program sets none)",
        forceNew: ["clusterName", "location", "resourceGroupName"],
    },
    "azure-native:resources:AzureCliScript": {
        source: "Azure/azure-rest-api-specs@085d374 Microsoft.Resources deploymentScripts 2023-08-01: no property is x-ms-mutability [create, read]; `kind` is the discriminator; path parameters and location. A changed forceUpdateTag re-runs the script in place",
        forceNew: ["kind", "location", "resourceGroupName", "scriptName"],
    },
    "azure-native:resources:ResourceGroup": {
        source: "API 2024-03-01; the resources spec at that version was not read. Provider: forceNewMap Resources ResourceGroup (location), path parameter",
        stateful: true,
        note: "deleting a resource group deletes everything in it",
        forceNew: ["location", "resourceGroupName"],
    },
    "azure-native:storage:BlobContainer": {
        source: "API 2024-01-01; specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json was not read. Provider: forceNewMap Storage BlobContainer adds nothing; path parameters",
        stateful: true,
        forceNew: ["accountName", "containerName", "resourceGroupName"],
    },
    "azure-native:storage:BlobServiceProperties": {
        source: "API 2024-01-01; blob.json at that version was not read: path parameters",
        forceNew: ["accountName", "blobServicesName", "resourceGroupName"],
    },
    "azure-native:storage:ManagementPolicy": {
        source: "API 2024-01-01; the storage management policy spec at that version was not read: path parameters",
        forceNew: ["accountName", "managementPolicyName", "resourceGroupName"],
    },
    "azure-native:storage:StorageAccount": {
        source: "API 2024-01-01; specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json@5a2abff (220,436 characters) was not read in full. Provider: forceNewMap Storage StorageAccount (isHnsEnabled, location) and its schema (also accountName, resourceGroupName)",
        stateful: true,
        forceNew: ["accountName", "isHnsEnabled", "location", "resourceGroupName"],
    },
    "pulumi:providers:azure-native": {
        source: "pulumi-azure-native provider: another subscription is another set of resources",
        forceNew: ["subscriptionId"],
    },
};
