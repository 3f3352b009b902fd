import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on Azure (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). azure-native replaces a resource when a path parameter (the resource group, the resource's
 * own name and its parents'), `location`, or a property the ARM spec marks `x-ms-mutability:
 * [create, read]` (no `update`) changes. Rows list those for the inputs this program sets.
 * `stateful` marks what holds data a replacement or deletion loses; (azure-native is not
 * bridged: no delete-before-replace naming rule.) Each row names the API version azure-native
 * 3.28.0 uses for the type (its SDK's "Uses Azure REST API version"); rows that name a spec file
 * and commit were read against it, the others say they were not yet re-read at that version.
 */
export const replaceForcing: ReplaceTable = {
    "azure-native:app:ContainerApp": {
        source: "API 2025-02-02-preview (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["containerAppName", "environmentId", "location", "managedEnvironmentId", "resourceGroupName"],
    },
    "azure-native:app:Job": {
        source: "API 2025-02-02-preview (azure-native 3.28.0), not yet re-read at this version; ARM spec Microsoft.App Job: properties.environmentId is x-ms-mutability [create, read] (the only such property this program sets; checked in a client generated from the spec), path parameters and location",
        forceNew: ["environmentId", "jobName", "location", "resourceGroupName"],
    },
    "azure-native:app:ManagedEnvironment": {
        source: "API 2025-02-02-preview (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["environmentName", "infrastructureResourceGroup", "location", "resourceGroupName", "vnetConfiguration", "zoneRedundant"],
    },
    "azure-native:containerregistry:CacheRule": {
        source: "API 2024-11-01-preview (azure-native 3.28.0), not yet re-read at this version; ARM spec (containerregistry CacheRuleProperties: sourceRepository, targetRepository x-ms-mutability [create, read]; only the credential set is updatable), path parameters",
        forceNew: ["cacheRuleName", "registryName", "resourceGroupName", "sourceRepository", "targetRepository"],
    },
    "azure-native:containerregistry:Registry": {
        source: "API 2023-01-01-preview (azure-native 3.28.0), not yet re-read at this version; ARM spec (containerregistry RegistryProperties.zoneRedundancy x-ms-mutability [create, read]), path parameters and location",
        forceNew: ["location", "registryName", "resourceGroupName", "zoneRedundancy"],
    },
    "azure-native:authorization:RoleAssignment": {
        source: "API 2022-04-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        note: "Microsoft.Authorization/roleAssignments: an assignment cannot be updated (RoleAssignmentUpdateNotPermitted)",
        forceNew: ["principalId", "principalType", "roleAssignmentName", "roleDefinitionId", "scope"],
    },
    "azure-native:cdn:AFDCustomDomain": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["customDomainName", "hostName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDEndpoint": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["endpointName", "location", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOrigin": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["originGroupName", "originName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOriginGroup": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["originGroupName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:Profile": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "profileName", "resourceGroupName", "sku"],
    },
    "azure-native:cdn:Route": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["endpointName", "profileName", "resourceGroupName", "routeName"],
    },
    "azure-native:cdn:Rule": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["profileName", "resourceGroupName", "ruleName", "ruleSetName"],
    },
    "azure-native:cdn:RuleSet": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["profileName", "resourceGroupName", "ruleSetName"],
    },
    "azure-native:cdn:SecurityPolicy": {
        source: "API 2025-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["profileName", "resourceGroupName", "securityPolicyName"],
    },
    "azure-native:compute:Disk": {
        source: "API 2024-03-02 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        note: "Microsoft.Compute disk.json: creationData is create-only; diskSizeGB may only grow",
        stateful: true,
        forceNew: ["creationData", "diskName", "location", "resourceGroupName", "zones"],
    },
    "azure-native:compute:VirtualMachine": {
        source: "API 2024-11-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        note: "Microsoft.Compute VirtualMachines.json: osProfile.customData and computerName are create-only",
        forceNew: ["location", "osProfile.adminUsername", "osProfile.computerName", "osProfile.customData", "resourceGroupName", "storageProfile.osDisk.createOption", "storageProfile.osDisk.name", "vmName", "zones"],
    },
    "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": {
        source: "API 2024-11-01 (azure-native 3.28.0), not yet re-read at this version; ARM spec path parameters and location (a changed script is an update, which runs it again)",
        forceNew: ["location", "resourceGroupName", "runCommandName", "vmName"],
    },
    "azure-native:dbforpostgresql:Configuration": {
        source: "API 2025-08-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
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
        source: "API 2025-11-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "policyName", "resourceGroupName", "sku"],
    },
    "azure-native:keyvault:Secret": {
        source: "API 2024-11-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        stateful: true,
        forceNew: ["resourceGroupName", "secretName", "vaultName"],
    },
    "azure-native:keyvault:Vault": {
        source: "API 2024-11-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        stateful: true,
        forceNew: ["location", "resourceGroupName", "vaultName"],
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        source: "API 2023-01-31 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "resourceGroupName", "resourceName"],
    },
    "azure-native:monitor:ActionGroup": {
        source: "API 2024-10-01-preview (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["actionGroupName", "location", "resourceGroupName"],
    },
    "azure-native:monitor:DiagnosticSetting": {
        source: "API 2021-05-01-preview (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["name", "resourceUri"],
    },
    "azure-native:monitor:MetricAlert": {
        source: "API 2018-03-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "resourceGroupName", "ruleName"],
    },
    "azure-native:network:LoadBalancer": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["loadBalancerName", "location", "resourceGroupName", "sku"],
    },
    "azure-native:network:NatGateway": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "natGatewayName", "resourceGroupName", "zones"],
    },
    "azure-native:network:NetworkInterface": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "networkInterfaceName", "resourceGroupName"],
    },
    "azure-native:network:NetworkSecurityGroup": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "networkSecurityGroupName", "resourceGroupName"],
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"],
    },
    "azure-native:network:PrivateEndpoint": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "privateEndpointName", "resourceGroupName", "subnet"],
    },
    "azure-native:network:PublicIPAddress": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "publicIpAddressName", "resourceGroupName", "sku", "zones"],
    },
    "azure-native:network:Subnet": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["resourceGroupName", "subnetName", "virtualNetworkName"],
    },
    "azure-native:network:VirtualNetwork": {
        source: "API 2024-05-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "resourceGroupName", "virtualNetworkName"],
    },
    "azure-native:operationalinsights:Workspace": {
        source: "API 2023-09-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["location", "resourceGroupName", "workspaceName"],
    },
    "azure-native:privatedns:PrivateZone": {
        source: "API 2024-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["privateZoneName", "resourceGroupName"],
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        source: "API 2024-06-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
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
        source: "API 2024-03-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        stateful: true,
        note: "deleting a resource group deletes everything in it",
        forceNew: ["location", "resourceGroupName"],
    },
    "azure-native:storage:BlobContainer": {
        source: "API 2024-01-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        stateful: true,
        forceNew: ["accountName", "containerName", "resourceGroupName"],
    },
    "azure-native:storage:BlobServiceProperties": {
        source: "API 2024-01-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["accountName", "blobServicesName", "resourceGroupName"],
    },
    "azure-native:storage:ManagementPolicy": {
        source: "API 2024-01-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        forceNew: ["accountName", "managementPolicyName", "resourceGroupName"],
    },
    "azure-native:storage:StorageAccount": {
        source: "API 2024-01-01 (azure-native 3.28.0). Path parameters and location; other entries from an earlier reading of the spec, not yet re-read at this API version",
        stateful: true,
        forceNew: ["accountName", "isHnsEnabled", "location", "resourceGroupName"],
    },
    "pulumi:providers:azure-native": {
        source: "pulumi-azure-native provider: another subscription is another set of resources",
        forceNew: ["subscriptionId"],
    },
};
