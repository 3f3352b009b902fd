import { ROLES } from "./context";

/**
 * What the Azure identities need, for each resource type and invoke the program uses. The README
 * (first deploy: Azure) lists the same roles; test/permissions.spec.ts fails on a type or invoke
 * without a row here, and on a role the README does not name. Scope: the subscription (the stack
 * creates its own resource group).
 */

/** The roles the program assigns to its identities: the only ones the deploy identity may assign. */
export const ASSIGNED_ROLES = Object.values(ROLES);

/** Roles of the deploy identity (`pulumi up`/`destroy`), with what each covers. */
export const DEPLOY_ROLES: Record<string, string> = {
    Contributor: "creates, updates and deletes every resource type below except role assignments (Contributor excludes Microsoft.Authorization/*/write)",
    "Role Based Access Control Administrator": `the role assignments, with the condition that it may assign only ${ASSIGNED_ROLES.join(", ")} (AcrPull, Key Vault Secrets User, Key Vault Secrets Officer, Storage Blob Data Contributor, Container Apps Jobs Operator and Reader) to principals of type ServicePrincipal`,
};

/** Roles of the preview/drift identity (`pulumi preview`, `pulumi refresh`): reads only. */
export const READ_ROLES: Record<string, string> = {
    Reader: "reads every resource and runs the GET look-ups (client config, feature registration)",
    "anycloud preview reader": "custom role with the two POST actions the program's look-ups call: Microsoft.OperationalInsights/workspaces/sharedKeys/action and Microsoft.Cache/redisEnterprise/databases/listKeys/action",
};

/** Resource type → the deploy role that lets the identity create, update and delete it. */
export const RESOURCE_ROLES: Record<string, keyof typeof DEPLOY_ROLES> = {
    "azure-native:authorization:RoleAssignment": "Role Based Access Control Administrator",
    ...Object.fromEntries(
        [
            "app:ContainerApp",
            "app:Job",
            "app:ManagedEnvironment",
            "cdn:AFDCustomDomain",
            "cdn:AFDEndpoint",
            "cdn:AFDOrigin",
            "cdn:AFDOriginGroup",
            "cdn:Profile",
            "cdn:Route",
            "cdn:Rule",
            "cdn:RuleSet",
            "cdn:SecurityPolicy",
            "compute:VirtualMachine",
            "compute:Disk",
            "compute:VirtualMachineRunCommandByVirtualMachine",
            "containerregistry:CacheRule",
            "containerregistry:Registry",
            "dbforpostgresql:Configuration",
            "dbforpostgresql:Database",
            "dbforpostgresql:Server",
            "dns:RecordSet",
            "frontdoor:Policy",
            "keyvault:Secret",
            "keyvault:Vault",
            "managedidentity:UserAssignedIdentity",
            "monitor:ActionGroup",
            "monitor:DiagnosticSetting",
            "monitor:MetricAlert",
            "network:LoadBalancer",
            "network:NatGateway",
            "network:NetworkInterface",
            "network:NetworkSecurityGroup",
            "network:PrivateDnsZoneGroup",
            "network:PrivateEndpoint",
            "network:PublicIPAddress",
            "network:Subnet",
            "network:VirtualNetwork",
            "operationalinsights:Workspace",
            "privatedns:PrivateZone",
            "privatedns:VirtualNetworkLink",
            "redisenterprise:Database",
            "redisenterprise:RedisEnterprise",
            // Deployment scripts: Microsoft.Resources/deploymentScripts plus the container instance and storage account the service creates for them (Contributor).
            "resources:AzureCliScript",
            "resources:ResourceGroup",
            "storage:BlobContainer",
            "storage:BlobServiceProperties",
            "storage:ManagementPolicy",
            "storage:StorageAccount",
        ].map((t) => [`azure-native:${t}`, "Contributor"]),
    ),
    // Built images are pushed to the registry; Contributor on a registry may push (ACR roles table).
    "docker:index/image:Image": "Contributor",
};

/**
 * azure-native module → the resource providers a subscription must have registered for the types of
 * that module the program creates (README, first deploy: Azure, names each once). A new
 * subscription lacks most of them: a create then fails with MissingSubscriptionRegistration
 * ("The subscription is not registered to use namespace ..."). They cannot be checked before `up`
 * as the EncryptionAtHost feature is (foundation.ts): azure-native has no look-up of a provider's
 * registration (Providers_Get), only of a feature's. Microsoft.Resources and Microsoft.Authorization
 * are registered in every subscription (Learn, "Resource providers for Azure services": registered
 * by default). A deployment script (resources:AzureCliScript: the database init, the controlled
 * PostgreSQL restart, a before-deploy job) runs in a container instance with a storage account the
 * service creates: every stack with a database needs Microsoft.ContainerInstance
 * (MicrosoftDocs/azure-docs#61365, a deployment script's Microsoft.ContainerInstance/register/action).
 */
export const RESOURCE_PROVIDERS: Record<string, string[]> = {
    app: ["Microsoft.App"],
    authorization: [],
    cdn: ["Microsoft.Cdn"],
    compute: ["Microsoft.Compute"],
    containerregistry: ["Microsoft.ContainerRegistry"],
    dbforpostgresql: ["Microsoft.DBforPostgreSQL"],
    dns: ["Microsoft.Network"],
    frontdoor: ["Microsoft.Network"],
    keyvault: ["Microsoft.KeyVault"],
    managedidentity: ["Microsoft.ManagedIdentity"],
    monitor: ["Microsoft.Insights"],
    network: ["Microsoft.Network"],
    operationalinsights: ["Microsoft.OperationalInsights"],
    privatedns: ["Microsoft.Network"],
    redisenterprise: ["Microsoft.Cache"],
    resources: ["Microsoft.ContainerInstance", "Microsoft.Storage"],
    storage: ["Microsoft.Storage"],
};

/** The resource providers a plan's resources need registered (RESOURCE_PROVIDERS), sorted. */
export function resourceProvidersOf(types: Iterable<string>): string[] {
    const found = new Set<string>();
    for (const t of types) {
        const m = /^azure-native:(\w+):/.exec(t);
        if (!m) continue;
        const namespaces = RESOURCE_PROVIDERS[m[1]];
        if (!namespaces) throw new Error(`azure backend: no RESOURCE_PROVIDERS row for the module of ${t}`);
        namespaces.forEach((n) => found.add(n));
    }
    return [...found].sort();
}

/** Invoke → the action it calls, and which read role covers it for the preview/drift identity. */
export const INVOKE_ACTIONS: Record<string, string> = {
    "azure-native:authorization:getClientConfig": "none (the provider's own configuration)",
    "azure-native:features:getSubscriptionFeatureRegistration": "Microsoft.Features/featureProviders/subscriptionFeatureRegistrations/read (Reader)",
    "azure-native:operationalinsights:getSharedKeys": "Microsoft.OperationalInsights/workspaces/sharedKeys/action (Contributor; anycloud preview reader)",
    "azure-native:resources:getResourceGroup": "Microsoft.Resources/subscriptions/resourceGroups/read (Reader; where the stack's group is before a location change)",
    "azure-native:network:getPublicIPAddress": "Microsoft.Network/publicIPAddresses/read (Reader; the zones the stack's egress IP was created in before a network.zones change)",
    "azure-native:dbforpostgresql:getServer": "Microsoft.DBforPostgreSQL/flexibleServers/read (Reader; the running server's admin login before a create-only change)",
    "azure-native:dbforpostgresql:getConfiguration": "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read (Reader; which static parameters wait for a server restart)",
    "azure-native:redisenterprise:listDatabaseKeys": "Microsoft.Cache/redisEnterprise/databases/listKeys/action (Contributor; anycloud preview reader)",
};
