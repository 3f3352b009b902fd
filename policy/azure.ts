import { Finding, ResourceCheck, ResourceView, StackView, TargetChecks } from "./model";
import { declaredPublic, hasCredentialUrl, isSecretName, maskCredentials } from "./secret-values";
import { isSingleton } from "./singleton";
import { containerAppEnv, leastPrivilegeData, selfManagedSearchAdmin, flexibleServerAdmin } from "./least-privilege";

/**
 * The Azure target (`azure-native` v3 resource types). Checks read the inputs a resource is
 * registered with, or the engine's state for the prod guardrails. A property the program leaves
 * out takes Azure's (or the SDK's) default; each check says in a comment whether that default
 * passes. Azure compares enum strings case-insensitively, and so do the checks.
 */

const t = (token: string) => `azure-native:${token}`;
const PG_SERVER = t("dbforpostgresql:Server");
const PG_CONFIG = t("dbforpostgresql:Configuration");
const PG_DATABASE = t("dbforpostgresql:Database");
const REDIS = t("redisenterprise:RedisEnterprise");
const REDIS_DB = t("redisenterprise:Database");
const STORAGE = t("storage:StorageAccount");
const BLOB_SERVICE = t("storage:BlobServiceProperties");
const CONTAINER = t("storage:BlobContainer");
const VAULT = t("keyvault:Vault");
const VM = t("compute:VirtualMachine");
const NIC = t("network:NetworkInterface");
const LOAD_BALANCER = t("network:LoadBalancer");
const NSG = t("network:NetworkSecurityGroup");
const SUBNET = t("network:Subnet");
const APP = t("app:ContainerApp");
const ROLE_ASSIGNMENT = t("authorization:RoleAssignment");
const ROLE_DEFINITION = t("authorization:RoleDefinition");
const FRONT_DOOR_DOMAIN = t("cdn:AFDCustomDomain");
const FRONT_DOOR_ROUTE = t("cdn:Route");
const WORKSPACE = t("operationalinsights:Workspace");
const RESOURCE_GROUP = t("resources:ResourceGroup");

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const lower = (v: unknown): string | undefined => (typeof v === "string" ? v.toLowerCase() : undefined);
const shown = (v: unknown) => (v === undefined ? "absent" : JSON.stringify(v));
/** The one message shape: which property, what it holds (and what that means), what is accepted. */
const bad = (property: string, value: unknown, accepted: string, meaning?: string) => `${property} is ${shown(value)}${meaning ? ` (${meaning})` : ""}; accepted: ${accepted}`;
const problems = (...found: (string | false | undefined)[]): string[] => found.filter((f): f is string => typeof f === "string");

/** A read replica inherits backups, HA and keys from its source server. */
const isReplica = (p: Record<string, any>) => lower(p.createMode) === "replica";

// ---------------------------------------------------------------- data-not-public

/** Inbound sources that mean "the internet" in NSG rules and IP allow-lists. */
const ANYWHERE = new Set(["*", "any", "internet", "0.0.0.0", "0.0.0.0/0", "::/0"]);

function postgresPublic(p: Record<string, any>): string | undefined {
    const net = p.network ?? {};
    const access = net.publicNetworkAccess;
    // Absent: a VNet-integrated server (delegated subnet) is private by construction; without one
    // Flexible Server is created with public access, reachable as soon as a firewall rule exists.
    if (access === undefined ? net.delegatedSubnetResourceId !== undefined : lower(access) === "disabled") return undefined;
    return bad("network.publicNetworkAccess", access, `"Disabled", or private access through network.delegatedSubnetResourceId`, access === undefined ? "no delegated subnet either: the server gets a public endpoint" : "the server has a public endpoint");
}

function storagePublic(p: Record<string, any>): string[] {
    const rules = p.networkRuleSet;
    // Absent publicNetworkAccess means Enabled; the account firewall (networkRuleSet) then decides.
    const open = lower(p.publicNetworkAccess) !== "disabled";
    const allowedIps = list(rules?.ipRules).filter((r) => lower(r.action ?? "allow") === "allow").map((r) => r.iPAddressOrRange);
    return problems(
        // Absent: "the default interpretation is false" (API doc).
        p.allowBlobPublicAccess === true && bad("allowBlobPublicAccess", true, "false", "containers can be made anonymously readable"),
        // defaultAction absent (or no rule set) is Allow: every network reaches the account.
        open && lower(rules?.defaultAction) !== "deny" && bad("networkRuleSet.defaultAction", rules?.defaultAction, `"Deny" (VNet rules and trusted Azure services only), or publicNetworkAccess "Disabled"`, `publicNetworkAccess ${shown(p.publicNetworkAccess)}`),
        open && allowedIps.length > 0 && bad("networkRuleSet.ipRules", allowedIps, "no IP rules (they admit internet addresses); reach the account from the VNet"),
    );
}

function vaultPublic(p: Record<string, any>): string[] {
    const props = p.properties ?? {};
    if (lower(props.publicNetworkAccess) === "disabled") return [];
    const acls = props.networkAcls;
    return problems(
        // The vault holds every credential of the stack. No ACLs, or no defaultAction, means Allow.
        lower(acls?.defaultAction) !== "deny" && bad("properties.networkAcls.defaultAction", acls?.defaultAction, `"Deny" (private endpoint and trusted services only), or properties.publicNetworkAccess "disabled"`),
        list(acls?.ipRules).length > 0 && bad("properties.networkAcls.ipRules", list(acls.ipRules).map((r) => r.value), "no IP rules; reach the vault through its private endpoint"),
    );
}

// The program's only VMs, NICs and load balancers are the search cluster's: none may face the internet.
const publicIpOf = (configs: any[], key: string, property: string) =>
    configs.filter((c) => c?.[key] !== undefined).map((c) => bad(`${property}[${c.name ?? "?"}].${key}`, c[key], "none: search nodes are reached on private addresses only"));

// ---------------------------------------------------------------- encryption

function storageAtRest(p: Record<string, any>): string[] {
    const enc = p.encryption ?? {};
    const services = enc.services ?? {};
    const kv = enc.keyVaultProperties ?? {};
    return problems(
        // Storage service encryption is on by default and "cannot be disabled"; an explicit false is a mistake.
        ...["blob", "file", "queue", "table"].map((s) => services[s]?.enabled === false && bad(`encryption.services.${s}.enabled`, false, "true (or absent: always encrypted)")),
        lower(enc.keySource) === "microsoft.keyvault" && !(kv.keyName && kv.keyVaultUri) && bad("encryption.keyVaultProperties", enc.keyVaultProperties, "keyName and keyVaultUri of the customer-managed key", `keySource is "Microsoft.Keyvault"`),
    );
}

function postgresAtRest(p: Record<string, any>): string[] {
    const enc = p.dataEncryption;
    // Absent or SystemAssigned: Flexible Server encrypts storage and backups with platform keys, always.
    if (lower(enc?.type) !== "azurekeyvault") return [];
    const geo = lower(p.backup?.geoRedundantBackup) === "enabled";
    return problems(
        !(enc.primaryKeyURI && enc.primaryUserAssignedIdentityId) && bad("dataEncryption", enc, "primaryKeyURI and primaryUserAssignedIdentityId with type AzureKeyVault (or type SystemAssigned)", "a customer-managed key without its key or identity"),
        geo && !(enc.geoBackupKeyURI && enc.geoBackupUserAssignedIdentityId) && bad("dataEncryption.geoBackupKeyURI", enc.geoBackupKeyURI, "a key (and identity) for the geo-redundant backups of a customer-managed-key server"),
    );
}

function redisAtRest(p: Record<string, any>): string | undefined {
    // Absent, or an empty customerManagedKeyEncryption, means Microsoft-managed keys (always on).
    const cmk = p.encryption?.customerManagedKeyEncryption;
    if (cmk === undefined || Object.keys(cmk).length === 0 || cmk.keyEncryptionKeyUrl) return undefined;
    return bad("encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl", undefined, "the versioned URL of the key (or an empty customerManagedKeyEncryption for Microsoft-managed keys)");
}

function vmAtRest(p: Record<string, any>): string | undefined {
    // Managed disks are always encrypted by the storage service, but the temp disk and the host
    // caches of the disks (Premium data disks cache reads on the host by default) are not,
    // unless encryption at host is on. Absent means off.
    const value = p.securityProfile?.encryptionAtHost;
    return value === true ? undefined : bad("securityProfile.encryptionAtHost", value, "true", "the temp disk and the disk caches on the host are stored unencrypted");
}

const PG_TLS_OFF = new Set(["off", "0", "false"]);
const OLD_TLS = new Set(["tlsv1", "tlsv1.0", "tlsv1.1", "1.0", "1.1", "tls1_0", "tls1_1", "tls10", "tls11"]);

function postgresParameter(p: Record<string, any>): string | undefined {
    // Parameters the program leaves alone keep the server defaults: require_secure_transport on, TLS 1.2 minimum.
    const name = lower(p.configurationName);
    const value = String(p.value ?? "").toLowerCase();
    if (name === "require_secure_transport" && PG_TLS_OFF.has(value)) return bad("value", p.value, `"on"`, "require_secure_transport off admits clear-text connections");
    if (name === "ssl_min_protocol_version" && OLD_TLS.has(value)) return bad("value", p.value, `"TLSv1.2" or "TLSv1.3"`, "ssl_min_protocol_version below TLS 1.2");
    return undefined;
}

function storageInTransit(p: Record<string, any>): string[] {
    return problems(
        // Absent is true since API 2019-04-01.
        p.enableHttpsTrafficOnly === false && bad("enableHttpsTrafficOnly", false, "true", "the account answers plain HTTP"),
        // Absent means TLS 1.0 ("the default interpretation is TLS 1.0").
        !["tls1_2", "tls1_3"].includes(lower(p.minimumTlsVersion) ?? "") && bad("minimumTlsVersion", p.minimumTlsVersion, `"TLS1_2"`),
    );
}

/** Node's Buffer, untyped: the pack's own tsconfig loads no @types (policies always run on Node). */
const nodeBuffer: { from(data: string, encoding: "base64"): { toString(encoding: "utf8"): string } } = (globalThis as any).Buffer;

/** The boot script of a VM, when it has one (customData is base64). */
function bootScript(p: Record<string, any>): string | undefined {
    const data = p.osProfile?.customData;
    return typeof data === "string" ? nodeBuffer.from(data, "base64").toString("utf8") : undefined;
}

function searchNodeInTransit(p: Record<string, any>): string[] {
    // OpenSearch's own settings live in the node's boot script; a VM without one is not a search node we built.
    const script = bootScript(p);
    if (script === undefined || !script.includes("opensearch.yml")) return [];
    return problems(
        !/^plugins\.security\.ssl\.http\.enabled:\s*true\s*$/m.test(script) && bad("osProfile.customData (opensearch.yml)", "no plugins.security.ssl.http.enabled: true", "HTTPS on the REST port (plugins.security.ssl.http.enabled: true)", "clients would send the admin password in clear text"),
        /^plugins\.security\.disabled:\s*true\s*$/m.test(script) && bad("osProfile.customData (opensearch.yml)", "plugins.security.disabled: true", "the security plugin on (node-to-node TLS and authentication)"),
    );
}

// ---------------------------------------------------------------- edge

function frontDoorDomainTls(p: Record<string, any>): string[] {
    const tls = p.tlsSettings ?? {};
    return problems(
        // Absent: Front Door's default minimum is TLS 1.2 (TLS 1.0/1.1 are refused since March 2025).
        tls.minimumTlsVersion !== undefined && !["TLS12", "TLS13"].includes(tls.minimumTlsVersion) && bad("tlsSettings.minimumTlsVersion", tls.minimumTlsVersion, `"TLS12" or "TLS13"`),
        lower(tls.cipherSuiteSetType) === "tls10_2019" && bad("tlsSettings.cipherSuiteSetType", tls.cipherSuiteSetType, `"TLS12_2023" or "TLS12_2022"`, "the policy admits TLS 1.0"),
    );
}

function frontDoorRoute(p: Record<string, any>): string[] {
    // Front Door always serves HTTPS (at least on its *.azurefd.net host), so "a domain is set" holds
    // for every route: one that accepts HTTP must redirect it. Absent protocols mean both; absent redirect means Disabled.
    const protocols: string[] = p.supportedProtocols === undefined ? ["Http", "Https"] : list(p.supportedProtocols);
    return problems(
        protocols.some((x) => lower(x) === "http") && lower(p.httpsRedirect) !== "enabled" && bad("httpsRedirect", p.httpsRedirect, `"Enabled" while supportedProtocols includes "Http"`),
        // The origins are public Container Apps hosts: HttpOnly forwarding crosses the internet in clear text.
        lower(p.forwardingProtocol) === "httponly" && bad("forwardingProtocol", p.forwardingProtocol, `"HttpsOnly"`),
    );
}

// ---------------------------------------------------------------- access

/** Built-in roles that administer resources or access (GUIDs are the same in every tenant). */
const PRIVILEGED_ROLES: Record<string, string> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

function privilegedRole(p: Record<string, any>): string | undefined {
    // Every role assignment this program makes goes to a workload's managed identity; none needs a control-plane role.
    const guid = lower(String(p.roleDefinitionId ?? "").split("/").pop());
    const role = guid ? PRIVILEGED_ROLES[guid] : undefined;
    return role ? bad("roleDefinitionId", p.roleDefinitionId, "a data-plane role such as Storage Blob Data Contributor, Key Vault Secrets User or AcrPull", `the built-in ${role} role`) : undefined;
}

/** A scope is as wide as a wildcard when it is a whole subscription, resource group or management group. */
function broadScope(scope: string): string | undefined {
    if (/^\/?$/.test(scope)) return "the tenant root";
    if (/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?$/i.test(scope)) return "a whole management group";
    if (/^\/subscriptions\/[^/]+\/?$/i.test(scope)) return "a whole subscription";
    if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i.test(scope)) return "a whole resource group";
    return undefined;
}

function roleScope(p: Record<string, any>): string | undefined {
    const scope = String(p.scope ?? "");
    const wide = broadScope(scope);
    return wide ? bad("scope", scope, "the id of the resource the service uses (a blob container, a Key Vault secret, the registry)", wide) : undefined;
}

/** Actions starting with `*` (every provider, e.g. `*` or `*\/read`) or a whole provider (`Microsoft.Storage/*`). */
const wildcardAction = (a: string) => a.startsWith("*") || /^[^/]+\/\*$/.test(a);

function roleDefinitionWildcards(p: Record<string, any>): string[] {
    return list(p.permissions).flatMap((perm, i) =>
        (["actions", "dataActions"] as const).flatMap((key) =>
            list(perm?.[key])
                .filter((a) => typeof a === "string" && wildcardAction(a))
                .map((a) => bad(`permissions[${i}].${key}`, a, "named operations (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read, ...)", "a wildcard over every resource type")),
        ),
    );
}

function vaultAccessPolicies(p: Record<string, any>): string[] {
    // The program uses RBAC; access policies (enableRbacAuthorization false) grant per object type, where "all" is a wildcard.
    return list(p.properties?.accessPolicies).flatMap((policy, i) =>
        ["keys", "secrets", "certificates", "storage"]
            .filter((kind) => list(policy?.permissions?.[kind]).some((x) => lower(x) === "all"))
            .map((kind) => bad(`properties.accessPolicies[${i}].permissions.${kind}`, policy.permissions[kind], `the operations needed (e.g. ["get"])`, `"all" for ${policy.objectId ?? "an identity"}`)),
    );
}

function openRules(p: Record<string, any>): string[] {
    // The stack's load balancer is Front Door, outside the VNet: it arrives as the AzureFrontDoor.Backend
    // service tag, so no NSG rule needs an internet source.
    return list(p.securityRules)
        .filter((r) => lower(r?.direction) === "inbound" && lower(r?.access) === "allow")
        .flatMap((r) => {
            const sources = [r.sourceAddressPrefix, ...list(r.sourceAddressPrefixes)].filter((s) => typeof s === "string" && ANYWHERE.has(s.toLowerCase()));
            return sources.length > 0 ? [bad(`securityRules[${r.name}].sourceAddressPrefix`, sources.join(", "), "a VNet range, or the AzureFrontDoor.Backend service tag for the apps subnet", "the internet")] : [];
        });
}

function appsSubnetWithoutNsg(p: Record<string, any>): string | undefined {
    // Public Container Apps have external ingress; the apps subnet's NSG is what limits it to Front Door.
    const apps = list(p.delegations).some((d) => lower(d?.serviceName) === "microsoft.app/environments");
    return apps && p.networkSecurityGroup?.id === undefined ? bad("networkSecurityGroup", p.networkSecurityGroup, "the apps NSG that admits only AzureFrontDoor.Backend", "the apps' external ingress is open to the internet") : undefined;
}

function openIngressRestrictions(p: Record<string, any>): string[] {
    return list(p.configuration?.ingress?.ipSecurityRestrictions)
        .filter((r) => lower(r?.action) === "allow" && ANYWHERE.has(String(r.ipAddressRange).toLowerCase()))
        .map((r) => bad(`configuration.ingress.ipSecurityRestrictions[${r.name}].ipAddressRange`, r.ipAddressRange, "the addresses of Front Door or of the client services"));
}

// ---------------------------------------------------------------- secrets


function appSecrets(p: Record<string, any>): string[] {
    const secrets = list(p.configuration?.secrets).flatMap((s) =>
        problems(
            s?.value !== undefined && bad(`configuration.secrets[${s.name}].value`, "(a value)", "a Key Vault reference: keyVaultUrl + identity"),
            s?.value === undefined && (!s?.keyVaultUrl || !s?.identity) && bad(`configuration.secrets[${s?.name}]`, { keyVaultUrl: s?.keyVaultUrl, identity: s?.identity }, "keyVaultUrl and the identity that reads it"),
        ),
    );
    const containers = [...list(p.template?.containers), ...list(p.template?.initContainers)];
    const env = containers.flatMap((c) => {
        const declared = declaredPublic(list(c?.env).map((e) => ({ name: String(e?.name ?? ""), value: e?.value })));
        return list(c?.env).flatMap((e) =>
            problems(
                e?.value !== undefined && isSecretName(String(e.name)) && !declared.has(String(e.name)) && bad(`${c.name}.env[${e.name}].value`, "(a plain value)", "secretRef to a Key Vault-backed secret", "a secret-looking variable"),
                typeof e?.value === "string" && hasCredentialUrl(e.value) && bad(`${c.name}.env[${e.name}].value`, maskCredentials(e.value), "secretRef to a Key Vault-backed secret", "a URL with a password"),
            ),
        );
    });
    return [...secrets, ...env];
}

// ---------------------------------------------------------------- retention

function postgresBackups(p: Record<string, any>): string | undefined {
    if (isReplica(p)) return undefined;
    // Absent: Flexible Server keeps 7 days.
    const days = p.backup?.backupRetentionDays ?? 7;
    return days < 7 ? bad("backup.backupRetentionDays", days, "7 to 35 days") : undefined;
}

function blobRetention(p: Record<string, any>): string[] {
    // Soft delete is the blob store's recovery window; when it is on, it must cover a weekend too.
    return ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"].flatMap((key) => {
        const policy = p[key];
        return policy?.enabled === true && Number(policy.days ?? 7) < 7 ? [bad(`${key}.days`, policy.days, "7 days or more")] : [];
    });
}

function workspaceRetention(p: Record<string, any>): string | undefined {
    // Absent: 30 days on PerGB2018 (the Free tier keeps 7).
    const days = p.retentionInDays;
    return days !== undefined && days < 7 ? bad("retentionInDays", days, "7 days or more (Log Analytics accepts 30-730 on PerGB2018)") : undefined;
}

// ---------------------------------------------------------------- prod

function postgresHa(p: Record<string, any>): string | undefined {
    if (isReplica(p)) return undefined;
    // SameZone keeps the standby in the primary's zone, so a zone outage takes both.
    const mode = p.highAvailability?.mode;
    return mode === "ZoneRedundant" ? undefined : bad("highAvailability.mode", mode, `"ZoneRedundant" (standby in another availability zone)`);
}

function redisHa(p: Record<string, any>): string | undefined {
    // Absent: "Enabled by default"; with HA on, Azure Managed Redis spreads its nodes over the region's zones.
    return lower(p.highAvailability) === "disabled" ? bad("highAvailability", p.highAvailability, `"Enabled"`, "the data set is not replicated") : undefined;
}

function publicAppReplicas(p: Record<string, any>): string | undefined {
    // Public = external ingress (the Front Door origins); workers have none. Absent minReplicas is 0.
    if (p.configuration?.ingress?.external !== true) return undefined;
    // A singleton runs exactly one replica on purpose (policy/singleton.ts).
    if (isSingleton(p.tags)) return undefined;
    const min = p.template?.scale?.minReplicas ?? 0;
    return min >= 2 ? undefined : bad("template.scale.minReplicas", min, "2 or more for a service with external ingress");
}

/**
 * Every stateful resource the program creates, and Azure's own deletion flag where the type has
 * one. PostgreSQL Flexible Server, Managed Redis and resource groups have none (a lock would also
 * block the deletes of routine updates); `protect` is their guard.
 */
const STATEFUL: Record<string, { what: string; flag?: (p: Record<string, any>) => string[] }> = {
    [RESOURCE_GROUP]: { what: "resource group" },
    [PG_SERVER]: { what: "PostgreSQL server" },
    [PG_DATABASE]: { what: "PostgreSQL database" },
    [REDIS]: { what: "Azure Managed Redis cluster" },
    [REDIS_DB]: { what: "Redis database" },
    [STORAGE]: { what: "storage account" },
    [CONTAINER]: { what: "blob container" },
    [VAULT]: {
        what: "Key Vault",
        flag: (p) => {
            const props = p.properties ?? {};
            // Soft delete is on unless explicitly false; purge protection is off unless true.
            return problems(
                props.enablePurgeProtection !== true && bad("properties.enablePurgeProtection", props.enablePurgeProtection, "true", "a deleted vault and its secrets can be purged at once"),
                props.enableSoftDelete === false && bad("properties.enableSoftDelete", false, "true (purge protection needs it)"),
            );
        },
    },
    [VM]: {
        what: "search node",
        // The index data lives on the data disks; deleteOption Detach (the default) keeps them when the VM goes.
        flag: (p) => problems(...list(p.storageProfile?.dataDisks).map((d) => lower(d?.deleteOption) === "delete" && bad(`storageProfile.dataDisks[${d.lun}].deleteOption`, d.deleteOption, `"Detach"`, "deleting the VM deletes the index data"))),
    },
};

function protectedStateful(p: Record<string, any>, r: ResourceView): string[] {
    const entry = STATEFUL[r.type];
    return [...problems(!r.protect && `the ${entry.what} is not protected (protect: false); accepted: the protect resource option`), ...(entry.flag?.(p) ?? [])];
}

function blobSoftDelete(p: Record<string, any>): string[] {
    // The storage account's own deletion flag lives on its blob service: soft delete of blobs and containers.
    return ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"].flatMap((key) => (p[key]?.enabled === true ? [] : [bad(`${key}.enabled`, p[key]?.enabled, "true", "deleted data is gone at once")]));
}

function searchNodes(stack: StackView): Finding[] {
    // The search cluster is the only part of this topology that runs on VMs.
    const nodes = stack.ofType(VM);
    if (nodes.length === 0) return [];
    const zones = new Set(nodes.map((n) => list(n.props.zones)[0]).filter((z) => z !== undefined));
    const findings: Finding[] = [];
    if (nodes.length < 3) {
        findings.push({ message: `the search cluster runs ${nodes.length} node(s) (${VM}); accepted: 3 or more` });
    } else if (zones.size < 3) {
        findings.push({ message: bad("zones of the search nodes", [...zones], "one node in each of 3 availability zones", "a zone outage can take the quorum") });
    }
    return findings;
}

const each = (types: string[], check: ResourceCheck): Record<string, ResourceCheck> => Object.fromEntries(types.map((type) => [type, check]));

export const checks: TargetChecks = {
    "data-not-public": {
        resources: {
            [PG_SERVER]: postgresPublic,
            // Required since API 2025-07-01; absent means a cluster from an older API, which was public.
            [REDIS]: (p) => (lower(p.publicNetworkAccess) === "disabled" ? undefined : bad("publicNetworkAccess", p.publicNetworkAccess, `"Disabled" (clients use the private endpoint)`)),
            [STORAGE]: storagePublic,
            // Absent is None (private).
            [CONTAINER]: (p) => (p.publicAccess === undefined || lower(p.publicAccess) === "none" ? undefined : bad("publicAccess", p.publicAccess, `"None"`, "anonymous read access")),
            [VAULT]: vaultPublic,
            [VM]: (p) => list(p.networkProfile?.networkInterfaceConfigurations).flatMap((c) => publicIpOf(list(c?.ipConfigurations), "publicIPAddressConfiguration", `networkProfile.networkInterfaceConfigurations[${c?.name}].ipConfigurations`)),
            [NIC]: (p) => publicIpOf(list(p.ipConfigurations), "publicIPAddress", "ipConfigurations"),
            [LOAD_BALANCER]: (p) => [...publicIpOf(list(p.frontendIPConfigurations), "publicIPAddress", "frontendIPConfigurations"), ...publicIpOf(list(p.frontendIPConfigurations), "publicIPPrefix", "frontendIPConfigurations")],
        },
    },
    "data-encrypted-at-rest": {
        resources: { [PG_SERVER]: postgresAtRest, [REDIS]: redisAtRest, [STORAGE]: storageAtRest, [VM]: vmAtRest },
    },
    "data-encrypted-in-transit": {
        resources: {
            [PG_CONFIG]: postgresParameter,
            // Absent: "Default is TLS-encrypted".
            [REDIS_DB]: (p) => (p.clientProtocol === undefined || lower(p.clientProtocol) === "encrypted" ? undefined : bad("clientProtocol", p.clientProtocol, `"Encrypted" (TLS only)`)),
            // Absent: 1.2 (1.0 and 1.1 are obsolete on Azure Managed Redis).
            [REDIS]: (p) => (OLD_TLS.has(lower(p.minimumTlsVersion) ?? "") ? bad("minimumTlsVersion", p.minimumTlsVersion, `"1.2"`) : undefined),
            [STORAGE]: storageInTransit,
            [VM]: searchNodeInTransit,
        },
    },
    "edge-tls": { resources: { [FRONT_DOOR_DOMAIN]: frontDoorDomainTls, [FRONT_DOOR_ROUTE]: frontDoorRoute } },
    "no-wildcard-permissions": { resources: { [ROLE_ASSIGNMENT]: roleScope, [ROLE_DEFINITION]: roleDefinitionWildcards, [VAULT]: vaultAccessPolicies } },
    "no-privileged-roles": { resources: { [ROLE_ASSIGNMENT]: privilegedRole } },
    "no-open-ingress": { resources: { [NSG]: openRules, [SUBNET]: appsSubnetWithoutNsg, [APP]: openIngressRestrictions } },
    "secrets-from-secret-store": { resources: { [APP]: appSecrets } },
    "least-privilege-data": { stack: leastPrivilegeData({ [APP]: containerAppEnv, [t("app:Job")]: containerAppEnv }, selfManagedSearchAdmin, flexibleServerAdmin) },
    "backups-retained": { resources: { [PG_SERVER]: postgresBackups, [BLOB_SERVICE]: blobRetention } },
    "logs-retained": { resources: { [WORKSPACE]: workspaceRetention } },
    "prod-high-availability": { resources: { [PG_SERVER]: postgresHa, [REDIS]: redisHa } },
    "prod-public-replicas": { resources: { [APP]: publicAppReplicas } },
    "prod-deletion-protection": { resources: { ...each(Object.keys(STATEFUL), protectedStateful), [BLOB_SERVICE]: blobSoftDelete } },
    "prod-search-nodes": { stack: searchNodes },
};
