import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on Azure (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). azure-native replaces a resource when a path parameter (the resource group, the resource's
 * own name and its parents'), `location`, or a property the ARM spec marks `x-ms-mutability:
 * [create, read]` (no `update`) changes. Rows list those for the inputs this program sets.
 * `stateful` marks what holds data a replacement or deletion loses; (azure-native is not
 * bridged: no delete-before-replace naming rule.)
 */
export const replaceForcing: ReplaceTable = {
    "azure-native:app:ContainerApp": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["containerAppName", "environmentId", "location", "managedEnvironmentId", "resourceGroupName"],
    },
    "azure-native:app:Job": {
        source: "ARM spec Microsoft.App Job: properties.environmentId is x-ms-mutability [create, read] (the only such property this program sets; checked in a client generated from the spec), path parameters and location",
        forceNew: ["environmentId", "jobName", "location", "resourceGroupName"],
    },
    "azure-native:app:ManagedEnvironment": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["environmentName", "infrastructureResourceGroup", "location", "resourceGroupName", "vnetConfiguration", "zoneRedundant"],
    },
    "azure-native:containerregistry:CacheRule": {
        source: "ARM spec (containerregistry CacheRuleProperties: sourceRepository, targetRepository x-ms-mutability [create, read]; only the credential set is updatable), path parameters",
        forceNew: ["cacheRuleName", "registryName", "resourceGroupName", "sourceRepository", "targetRepository"],
    },
    "azure-native:containerregistry:Registry": {
        source: "ARM spec (containerregistry RegistryProperties.zoneRedundancy x-ms-mutability [create, read]), path parameters and location",
        forceNew: ["location", "registryName", "resourceGroupName", "zoneRedundancy"],
    },
    "azure-native:authorization:RoleAssignment": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        note: "Microsoft.Authorization/roleAssignments: an assignment cannot be updated (RoleAssignmentUpdateNotPermitted)",
        forceNew: ["principalId", "principalType", "roleAssignmentName", "roleDefinitionId", "scope"],
    },
    "azure-native:cdn:AFDCustomDomain": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["customDomainName", "hostName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDEndpoint": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["endpointName", "location", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOrigin": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["originGroupName", "originName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:AFDOriginGroup": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["originGroupName", "profileName", "resourceGroupName"],
    },
    "azure-native:cdn:Profile": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "profileName", "resourceGroupName", "sku"],
    },
    "azure-native:cdn:Route": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["endpointName", "profileName", "resourceGroupName", "routeName"],
    },
    "azure-native:cdn:Rule": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["profileName", "resourceGroupName", "ruleName", "ruleSetName"],
    },
    "azure-native:cdn:RuleSet": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["profileName", "resourceGroupName", "ruleSetName"],
    },
    "azure-native:cdn:SecurityPolicy": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["profileName", "resourceGroupName", "securityPolicyName"],
    },
    "azure-native:compute:Disk": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        note: "Microsoft.Compute disk.json: creationData is create-only; diskSizeGB may only grow",
        stateful: true,
        forceNew: ["creationData", "diskName", "location", "resourceGroupName", "zones"],
    },
    "azure-native:compute:VirtualMachine": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        note: "Microsoft.Compute VirtualMachines.json: osProfile.customData and computerName are create-only",
        forceNew: ["location", "osProfile.adminUsername", "osProfile.computerName", "osProfile.customData", "resourceGroupName", "storageProfile.osDisk.createOption", "storageProfile.osDisk.name", "vmName", "zones"],
    },
    "azure-native:compute:VirtualMachineRunCommandByVirtualMachine": {
        source: "ARM spec path parameters and location (a changed script is an update, which runs it again)",
        forceNew: ["location", "resourceGroupName", "runCommandName", "vmName"],
    },
    "azure-native:dbforpostgresql:Configuration": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["configurationName", "resourceGroupName", "serverName"],
    },
    "azure-native:dbforpostgresql:Database": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        forceNew: ["charset", "collation", "databaseName", "resourceGroupName", "serverName"],
    },
    "azure-native:dbforpostgresql:Server": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        note: "Servers.json (API 2025-08-01): a smaller storage.storageSizeGB is refused, not replaced",
        forceNew: ["administratorLogin", "availabilityZone", "backup.geoRedundantBackup", "createMode", "location", "network.delegatedSubnetResourceId", "network.privateDnsZoneArmResourceId", "pointInTimeUTC", "resourceGroupName", "serverName", "sourceServerResourceId"],
    },
    "azure-native:frontdoor:Policy": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "policyName", "resourceGroupName", "sku"],
    },
    "azure-native:keyvault:Secret": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        forceNew: ["resourceGroupName", "secretName", "vaultName"],
    },
    "azure-native:keyvault:Vault": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        forceNew: ["location", "resourceGroupName", "vaultName"],
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "resourceGroupName", "resourceName"],
    },
    "azure-native:monitor:ActionGroup": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["actionGroupName", "location", "resourceGroupName"],
    },
    "azure-native:monitor:DiagnosticSetting": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["name", "resourceUri"],
    },
    "azure-native:monitor:MetricAlert": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "resourceGroupName", "ruleName"],
    },
    "azure-native:network:LoadBalancer": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["loadBalancerName", "location", "resourceGroupName", "sku"],
    },
    "azure-native:network:NatGateway": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "natGatewayName", "resourceGroupName", "zones"],
    },
    "azure-native:network:NetworkInterface": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "networkInterfaceName", "resourceGroupName"],
    },
    "azure-native:network:NetworkSecurityGroup": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "networkSecurityGroupName", "resourceGroupName"],
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["privateDnsZoneGroupName", "privateEndpointName", "resourceGroupName"],
    },
    "azure-native:network:PrivateEndpoint": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "privateEndpointName", "resourceGroupName", "subnet"],
    },
    "azure-native:network:PublicIPAddress": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "publicIpAddressName", "resourceGroupName", "sku", "zones"],
    },
    "azure-native:network:Subnet": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["resourceGroupName", "subnetName", "virtualNetworkName"],
    },
    "azure-native:network:VirtualNetwork": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "resourceGroupName", "virtualNetworkName"],
    },
    "azure-native:operationalinsights:Workspace": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["location", "resourceGroupName", "workspaceName"],
    },
    "azure-native:privatedns:PrivateZone": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["privateZoneName", "resourceGroupName"],
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
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
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        note: "deleting a resource group deletes everything in it",
        forceNew: ["location", "resourceGroupName"],
    },
    "azure-native:storage:BlobContainer": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        forceNew: ["accountName", "containerName", "resourceGroupName"],
    },
    "azure-native:storage:BlobServiceProperties": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["accountName", "blobServicesName", "resourceGroupName"],
    },
    "azure-native:storage:ManagementPolicy": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        forceNew: ["accountName", "managementPolicyName", "resourceGroupName"],
    },
    "azure-native:storage:StorageAccount": {
        source: "ARM spec x-ms-mutability [create, read] (azure-native marks these forceNew), path parameters and location",
        stateful: true,
        forceNew: ["accountName", "isHnsEnabled", "location", "resourceGroupName"],
    },
    "pulumi:providers:azure-native": {
        source: "pulumi-azure-native provider: another subscription is another set of resources",
        forceNew: ["subscriptionId"],
    },
};
