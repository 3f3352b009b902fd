import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";
import { assertBites, baseline, broken, introduced, mandatory, unprotected, violationsOf } from "./policy-harness";

/**
 * Each Azure guardrail reports a broken input of a real plan, and only that guardrail: one
 * input changed in the captured plan (`broken`, `unprotected`), or the config a user would
 * write (`anycloud:overrides`, a service env) re-run through the program.
 */

const AZ = { cloud: "azure" };
const T = (token: string) => `azure-native:${token}`;
const named = (type: string, name: string) => (r: CapturedResource) => r.type === T(type) && r.name === name;
const ofType = (type: string) => (r: CapturedResource) => r.type === T(type);
const GUID = { owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c", uaa: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", rbacAdmin: "f58310d9-a9f6-439a-9e8d-f62e7b41a168" };

/** A plan with one more resource, as if the program had also created it. */
function withResource(p: Plan, like: CapturedResource, type: string, name: string, inputs: Record<string, any>): Plan {
    const urn = like.urn.replace(/\$[^$]+$/, `$${type}::${name}`);
    return new Plan({ ...p.run, resources: [...p.resources, { ...structuredClone(like), type, name, urn, protect: false, inputs, outputs: inputs, secretPaths: [] }] });
}

/** Rewrites a search node's boot script (base64 customData). */
const script = (edit: (text: string) => string) => (p: Record<string, any>) => {
    p.osProfile.customData = Buffer.from(edit(Buffer.from(p.osProfile.customData, "base64").toString("utf8"))).toString("base64");
};

describe("azure guardrails bite", function () {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev", set: AZ });
        prod = await baseline({ stack: "prod", set: AZ });
    });

    it("the dev and prod plans pass every guardrail, advisory ones included", async () => {
        assert.deepStrictEqual(await violationsOf(dev), []);
        assert.deepStrictEqual(await violationsOf(prod), []);
    });

    describe("data-not-public", () => {
        it("a PostgreSQL server with public network access is reported", async () => {
            const added = await assertBites("data-not-public", dev, broken(dev, named("dbforpostgresql:Server", "database-server"), (p) => (p.network.publicNetworkAccess = "Enabled")));
            assert.match(added[0].message, /^network\.publicNetworkAccess is "Enabled" \(the server has a public endpoint\); accepted: "Disabled"/);
        });

        it("a PostgreSQL server with neither a delegated subnet nor a network setting is reported (Azure defaults it to public)", async () => {
            const added = await assertBites("data-not-public", prod, broken(prod, named("dbforpostgresql:Server", "database-replica-1"), (p) => delete p.network));
            assert.match(added[0].message, /network\.publicNetworkAccess is absent \(no delegated subnet either/);
        });

        it("an Azure Managed Redis cluster open to public networks is reported", async () => {
            await assertBites("data-not-public", dev, broken(dev, ofType("redisenterprise:RedisEnterprise"), (p) => (p.publicNetworkAccess = "Enabled")));
        });

        it("a storage account whose firewall a user opens through overrides is reported", async () => {
            const open = await baseline({ stack: "dev", set: { ...AZ, overrides: { [T("storage:StorageAccount")]: { networkRuleSet: { defaultAction: "Allow" } } } } });
            const added = await assertBites("data-not-public", dev, open);
            assert.match(added[0].message, /^networkRuleSet\.defaultAction is "Allow" \(publicNetworkAccess "Enabled"\); accepted: "Deny"/);
        });

        it("a storage account that allows anonymous blob access or admits internet addresses is reported", async () => {
            await assertBites("data-not-public", dev, broken(dev, ofType("storage:StorageAccount"), (p) => (p.allowBlobPublicAccess = true)));
            const added = await assertBites("data-not-public", dev, broken(dev, ofType("storage:StorageAccount"), (p) => (p.networkRuleSet.ipRules = [{ iPAddressOrRange: "203.0.113.0/24", action: "Allow" }])));
            assert.match(added[0].message, /networkRuleSet\.ipRules is \["203\.0\.113\.0\/24"\]/);
        });

        it("a blob container with anonymous read access is reported", async () => {
            await assertBites("data-not-public", dev, broken(dev, ofType("storage:BlobContainer"), (p) => (p.publicAccess = "Container")));
        });

        it("a Key Vault whose firewall allows every network is reported", async () => {
            const added = await assertBites("data-not-public", dev, broken(dev, ofType("keyvault:Vault"), (p) => (p.properties.networkAcls.defaultAction = "Allow")));
            assert.match(added[0].message, /^properties\.networkAcls\.defaultAction is "Allow"/);
        });

        it("a search node with a public IP, on its NIC or inline on the VM, is reported", async () => {
            const publicIp = { id: "/subscriptions/x/resourceGroups/anycloud-dev-rg/providers/Microsoft.Network/publicIPAddresses/search-ip" };
            await assertBites("data-not-public", dev, broken(dev, ofType("network:NetworkInterface"), (p) => (p.ipConfigurations[0].publicIPAddress = publicIp)));
            const inline = [{ name: "nic", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "pip" } }] }];
            await assertBites("data-not-public", dev, broken(dev, ofType("compute:VirtualMachine"), (p) => (p.networkProfile.networkInterfaceConfigurations = inline)));
        });

        it("a search load balancer with a public frontend is reported", async () => {
            await assertBites("data-not-public", dev, broken(dev, ofType("network:LoadBalancer"), (p) => (p.frontendIPConfigurations[0].publicIPAddress = { id: "pip" })));
        });
    });

    describe("data-encrypted-at-rest", () => {
        it("search nodes without encryption at host (a user overriding it off) are reported", async () => {
            const off = await baseline({ stack: "dev", set: { ...AZ, overrides: { [T("compute:VirtualMachine")]: { securityProfile: { encryptionAtHost: false } } } } });
            const added = await assertBites("data-encrypted-at-rest", dev, off);
            assert.match(added[0].message, /^securityProfile\.encryptionAtHost is false \(the temp disk and the disk caches on the host are stored unencrypted\); accepted: true$/);
        });

        it("a storage account with blob encryption switched off is reported", async () => {
            await assertBites("data-encrypted-at-rest", dev, broken(dev, ofType("storage:StorageAccount"), (p) => (p.encryption = { services: { blob: { enabled: false } } })));
        });

        it("a PostgreSQL server with a customer-managed key but no key is reported", async () => {
            const added = await assertBites("data-encrypted-at-rest", dev, broken(dev, ofType("dbforpostgresql:Server"), (p) => (p.dataEncryption = { type: "AzureKeyVault" })));
            assert.match(added[0].message, /^dataEncryption is \{"type":"AzureKeyVault"\}/);
        });

        it("a Redis cluster with a customer-managed key but no key URL is reported", async () => {
            await assertBites("data-encrypted-at-rest", dev, broken(dev, ofType("redisenterprise:RedisEnterprise"), (p) => (p.encryption = { customerManagedKeyEncryption: { keyEncryptionKeyIdentity: { identityType: "userAssignedIdentity" } } })));
        });
    });

    describe("data-encrypted-in-transit", () => {
        it("a PostgreSQL server with require_secure_transport off is reported", async () => {
            const added = await assertBites("data-encrypted-in-transit", dev, broken(dev, named("dbforpostgresql:Configuration", "database-param-require-secure-transport"), (p) => (p.value = "off")));
            assert.match(added[0].message, /^value is "off" \(require_secure_transport off admits clear-text connections\); accepted: "on"$/);
        });

        it("a PostgreSQL server accepting TLS 1.1 is reported", async () => {
            const tls11 = (p: Record<string, any>) => Object.assign(p, { configurationName: "ssl_min_protocol_version", value: "TLSv1.1" });
            await assertBites("data-encrypted-in-transit", dev, broken(dev, named("dbforpostgresql:Configuration", "database-param-max-connections"), tls11));
        });

        it("a Redis database accepting plaintext clients is reported", async () => {
            await assertBites("data-encrypted-in-transit", dev, broken(dev, ofType("redisenterprise:Database"), (p) => (p.clientProtocol = "Plaintext")));
        });

        it("a Redis cluster accepting TLS 1.0 is reported", async () => {
            await assertBites("data-encrypted-in-transit", dev, broken(dev, ofType("redisenterprise:RedisEnterprise"), (p) => (p.minimumTlsVersion = "1.0")));
        });

        it("a storage account accepting HTTP, or without a TLS minimum (TLS 1.0), is reported", async () => {
            await assertBites("data-encrypted-in-transit", dev, broken(dev, ofType("storage:StorageAccount"), (p) => (p.enableHttpsTrafficOnly = false)));
            const added = await assertBites("data-encrypted-in-transit", dev, broken(dev, ofType("storage:StorageAccount"), (p) => delete p.minimumTlsVersion));
            assert.match(added[0].message, /^minimumTlsVersion is absent; accepted: "TLS1_2"$/);
        });

        it("an OpenSearch node serving its REST port without TLS is reported", async () => {
            const plain = script((s) => s.replace("plugins.security.ssl.http.enabled: true", "plugins.security.ssl.http.enabled: false"));
            const added = await assertBites("data-encrypted-in-transit", dev, broken(dev, ofType("compute:VirtualMachine"), plain));
            assert.match(added[0].message, /HTTPS on the REST port/);
        });
    });

    describe("edge-tls", () => {
        it("a Front Door custom domain allowing TLS 1.0 is reported", async () => {
            const added = await assertBites("edge-tls", prod, broken(prod, ofType("cdn:AFDCustomDomain"), (p) => (p.tlsSettings.minimumTlsVersion = "TLS10")));
            assert.match(added[0].message, /^tlsSettings\.minimumTlsVersion is "TLS10"; accepted: "TLS12" or "TLS13"$/);
        });

        it("a Front Door custom domain on the TLS 1.0 cipher policy is reported", async () => {
            await assertBites("edge-tls", prod, broken(prod, ofType("cdn:AFDCustomDomain"), (p) => (p.tlsSettings.cipherSuiteSetType = "TLS10_2019")));
        });

        it("a route that serves HTTP without redirecting to HTTPS is reported", async () => {
            const added = await assertBites("edge-tls", prod, broken(prod, named("cdn:Route", "lb-route-3"), (p) => (p.httpsRedirect = "Disabled")));
            assert.strictEqual(added.length, 1);
            assert.match(added[0].message, /^httpsRedirect is "Disabled"; accepted: "Enabled" while supportedProtocols includes "Http"$/);
        });

        it("a route forwarding to the origins over plain HTTP is reported", async () => {
            await assertBites("edge-tls", dev, broken(dev, named("cdn:Route", "lb-route-1"), (p) => (p.forwardingProtocol = "HttpOnly")));
        });
    });

    describe("no-wildcard-permissions", () => {
        it("a role assignment scoped to the whole resource group or subscription is reported", async () => {
            const grant = named("authorization:RoleAssignment", "app-blob-documents");
            const added = await assertBites("no-wildcard-permissions", dev, broken(dev, grant, (p) => (p.scope = p.scope.replace(/\/providers\/Microsoft\.Storage\/.*$/, ""))));
            assert.match(added[0].message, /^scope is "\/subscriptions\/[^/]+\/resourceGroups\/anycloud-dev-rg" \(a whole resource group\); accepted: the id of the resource/);
            await assertBites("no-wildcard-permissions", dev, broken(dev, grant, (p) => (p.scope = p.scope.replace(/\/resourceGroups\/.*$/, ""))));
        });

        it("a custom role definition granting every action is reported", async () => {
            const like = dev.one(T("authorization:RoleAssignment"), "app-blob-documents");
            const role = { roleName: "anycloud-app", scope: like.inputs.scope, permissions: [{ actions: ["Microsoft.Storage/*"], dataActions: ["*"] }], assignableScopes: [like.inputs.scope] };
            const added = await assertBites("no-wildcard-permissions", dev, withResource(dev, like, T("authorization:RoleDefinition"), "custom-role", role));
            assert.deepStrictEqual(added.map((v) => v.message.split(" is ")[0]), ["permissions[0].actions", "permissions[0].dataActions"]);
        });

        it("a Key Vault access policy granting all secret permissions is reported", async () => {
            const policy = { tenantId: "t", objectId: "app-principal", permissions: { secrets: ["all"] } };
            await assertBites("no-wildcard-permissions", dev, broken(dev, ofType("keyvault:Vault"), (p) => (p.properties.accessPolicies = [policy])));
        });
    });

    describe("no-privileged-roles", () => {
        it("a workload granted Owner, Contributor, User Access Administrator or RBAC Administrator is reported", async () => {
            for (const guid of Object.values(GUID)) {
                const escalate = (p: Record<string, any>) => (p.roleDefinitionId = p.roleDefinitionId.replace(/[^/]+$/, guid));
                const added = await assertBites("no-privileged-roles", dev, broken(dev, named("authorization:RoleAssignment", "worker-blob-documents"), escalate));
                assert.match(added[0].message, /\(the built-in (Owner|Contributor|User Access Administrator|Role Based Access Control Administrator) role\)/);
            }
        });
    });

    describe("no-open-ingress", () => {
        it("an NSG rule admitting the internet is reported", async () => {
            const ssh = { name: "AllowSsh", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" };
            const added = await assertBites("no-open-ingress", dev, broken(dev, named("network:NetworkSecurityGroup", "network-search-nsg"), (p) => p.securityRules.push(ssh)));
            assert.match(added[0].message, /^securityRules\[AllowSsh\]\.sourceAddressPrefix is "Internet" \(the internet\)/);
        });

        it("the Container Apps subnet without its NSG (ingress no longer limited to Front Door) is reported", async () => {
            await assertBites("no-open-ingress", dev, broken(dev, named("network:Subnet", "network-apps"), (p) => delete p.networkSecurityGroup));
        });

        it("a container app whose ingress allow-list admits 0.0.0.0/0 is reported", async () => {
            const restriction = [{ name: "all", action: "Allow", ipAddressRange: "0.0.0.0/0" }];
            await assertBites("no-open-ingress", dev, broken(dev, named("app:ContainerApp", "app-app"), (p) => (p.configuration.ingress.ipSecurityRestrictions = restriction)));
        });
    });

    describe("secrets-from-secret-store", () => {
        it("a service given a token as plain env in its config is reported", async () => {
            const leaky = await baseline({ stack: "dev", set: { ...AZ, "services.app.env.API_TOKEN": "tok_live_0123456789" } });
            const added = await assertBites("secrets-from-secret-store", dev, leaky);
            assert.match(added[0].message, /^app\.env\[API_TOKEN\]\.value is "\(a plain value\)" \(a secret-looking variable\); accepted: secretRef/);
        });

        it("a database password turned from a secretRef into a plain value is reported", async () => {
            const plain = (p: Record<string, any>) => (p.template.containers[0].env.find((e: any) => e.name === "DB_PASSWORD").value = "s3cret-value");
            await assertBites("secrets-from-secret-store", dev, broken(dev, named("app:ContainerApp", "worker-app"), plain));
        });

        it("a container app secret holding its value instead of a Key Vault reference is reported", async () => {
            const inline = (p: Record<string, any>) => (p.configuration.secrets[0] = { name: p.configuration.secrets[0].name, value: "s3cret-value" });
            const added = await assertBites("secrets-from-secret-store", dev, broken(dev, named("app:ContainerApp", "processor-app"), inline));
            assert.match(added[0].message, /accepted: a Key Vault reference: keyVaultUrl \+ identity$/);
        });

        it("a plain variable holding a URL with a password is reported, with the password masked", async () => {
            const url = (p: Record<string, any>) => p.template.containers[0].env.push({ name: "UPSTREAM", value: "https://svc:hunter2@upstream.example.com" });
            const added = await assertBites("secrets-from-secret-store", dev, broken(dev, named("app:ContainerApp", "processor-app"), url));
            assert.match(added[0].message, /https:\/\/svc:\*\*\*@upstream/);
            assert.ok(!added[0].message.includes("hunter2"));
        });
    });

    describe("backups-retained", () => {
        it("a PostgreSQL server keeping backups 3 days is reported", async () => {
            const added = await assertBites("backups-retained", dev, broken(dev, ofType("dbforpostgresql:Server"), (p) => (p.backup.backupRetentionDays = 3)));
            assert.match(added[0].message, /^backup\.backupRetentionDays is 3; accepted: 7 to 35 days$/);
        });

        it("blob soft delete shorter than 7 days is reported", async () => {
            await assertBites("backups-retained", dev, broken(dev, ofType("storage:BlobServiceProperties"), (p) => (p.deleteRetentionPolicy.days = 3)));
        });
    });

    describe("logs-retained", () => {
        it("a Log Analytics workspace keeping logs 3 days is reported (advisory)", async () => {
            const added = await assertBites("logs-retained", dev, broken(dev, ofType("operationalinsights:Workspace"), (p) => (p.retentionInDays = 3)));
            assert.deepStrictEqual(added.map((v) => v.level), ["advisory"]);
        });
    });

    describe("prod-high-availability", () => {
        it("a prod PostgreSQL server with its standby in the same zone is reported", async () => {
            const added = await assertBites("prod-high-availability", prod, broken(prod, named("dbforpostgresql:Server", "database-server"), (p) => (p.highAvailability.mode = "SameZone")));
            assert.match(added[0].message, /^highAvailability\.mode is "SameZone"; accepted: "ZoneRedundant"/);
        });

        it("a prod Redis cluster without high availability is reported", async () => {
            await assertBites("prod-high-availability", prod, broken(prod, ofType("redisenterprise:RedisEnterprise"), (p) => (p.highAvailability = "Disabled")));
        });
    });

    describe("prod-public-replicas", () => {
        it("a prod public app scaled down to 1 replica is reported, a worker is not", async () => {
            const added = await assertBites("prod-public-replicas", prod, broken(prod, named("app:ContainerApp", "app-app"), (p) => (p.template.scale.minReplicas = 1)));
            assert.match(added[0].message, /^template\.scale\.minReplicas is 1; accepted: 2 or more/);
            const worker = broken(prod, named("app:ContainerApp", "worker-app"), (p) => (p.template.scale.minReplicas = 1));
            assert.deepStrictEqual(introduced(await violationsOf(prod), await violationsOf(worker)), []);
        });
    });

    describe("prod-deletion-protection", () => {
        it("every stateful type without protect is reported", async () => {
            const stateful = ["resources:ResourceGroup", "dbforpostgresql:Server", "dbforpostgresql:Database", "redisenterprise:RedisEnterprise", "redisenterprise:Database", "storage:StorageAccount", "storage:BlobContainer", "keyvault:Vault", "compute:VirtualMachine"];
            for (const type of stateful) {
                const added = await assertBites("prod-deletion-protection", prod, unprotected(prod, ofType(type)));
                assert.ok(added.every((v) => /is not protected \(protect: false\)/.test(v.message)), type);
            }
        });

        it("a prod Key Vault without purge protection is reported", async () => {
            const added = await assertBites("prod-deletion-protection", prod, broken(prod, ofType("keyvault:Vault"), (p) => delete p.properties.enablePurgeProtection));
            assert.match(added[0].message, /^properties\.enablePurgeProtection is absent/);
        });

        it("a prod search node that deletes its data disk with the VM is reported", async () => {
            await assertBites("prod-deletion-protection", prod, broken(prod, named("compute:VirtualMachine", "search-node-2"), (p) => (p.storageProfile.dataDisks[0].deleteOption = "Delete")));
        });

        it("a prod storage account without blob or container soft delete is reported", async () => {
            const added = await assertBites("prod-deletion-protection", prod, broken(prod, ofType("storage:BlobServiceProperties"), (p) => (p.containerDeleteRetentionPolicy.enabled = false)));
            assert.match(added[0].message, /^containerDeleteRetentionPolicy\.enabled is false/);
        });
    });

    describe("prod-search-nodes", () => {
        it("a prod search cluster of 2 nodes is reported", async () => {
            const twoNodes = new Plan({ ...prod.run, resources: prod.resources.filter((r) => !named("compute:VirtualMachine", "search-node-3")(r)) });
            const added = await assertBites("prod-search-nodes", prod, twoNodes);
            assert.match(added[0].message, /^the search cluster runs 2 node\(s\)/);
        });

        it("prod search nodes crowded into one zone are reported", async () => {
            await assertBites("prod-search-nodes", prod, broken(prod, ofType("compute:VirtualMachine"), (p) => (p.zones = ["1"])));
        });
    });

    describe("environment gating", () => {
        it("the same prod-only breaks on a dev plan report nothing", async () => {
            const breaks = [
                broken(dev, named("app:ContainerApp", "app-app"), (p) => (p.template.scale.minReplicas = 1)),
                broken(dev, ofType("dbforpostgresql:Server"), (p) => (p.highAvailability.mode = "SameZone")),
                broken(dev, ofType("storage:BlobServiceProperties"), (p) => (p.containerDeleteRetentionPolicy.enabled = false)),
            ];
            for (const after of breaks) {
                assert.deepStrictEqual(introduced(await violationsOf(dev), await violationsOf(after)), []);
            }
        });

        it("the dev plan's single search node, scale to zero and unprotected data are reported once the stack is tagged prod", async () => {
            const asProd = broken(dev, (r) => r.inputs.tags?.environment === "dev", (p) => (p.tags = { ...p.tags, environment: "prod" }));
            const added = introduced(await violationsOf(dev), await violationsOf(asProd));
            assert.deepStrictEqual([...new Set(added.map((v) => v.policy))].sort(), ["prod-deletion-protection", "prod-high-availability", "prod-public-replicas", "prod-search-nodes"]);
            assert.deepStrictEqual(mandatory(await violationsOf(dev)), []);
        });
    });
});
