import { rolePasswordVariable } from "../components/database-init";
import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { AzureNaming, fitName, RULES, satisfies } from "../providers/azure/naming";
import { frontDoorPatterns } from "../providers/azure/load-balancer";
import { frontDoorRateLimit } from "../providers/azure/edge";
import { validate as validateAzure } from "../providers/azure/validate";
import { checkConfig } from "../stacks/load-settings";
import * as fs from "fs";
import * as path from "path";
import { zonalEgressWarning } from "../providers/azure/network";
import { Plan, plan, planError, stringsIn, baseline, stackConfig, ROOT } from "./harness";

const AZ = { cloud: "azure" };
const T = (t: string) => `azure-native:${t}`;

/** The resource types under a component. */
function typesUnder(p: Plan, component: string, name: string): string[] {
    return [...new Set(p.descendantsOf(p.component(component, name)).map((r) => r.type))].sort();
}

/** Service name of the identity a role assignment's principal comes from (via its dependencies). */
function grantee(p: Plan, grant: CapturedResource): string {
    const ids = p.ofType(T("managedidentity:UserAssignedIdentity")).filter((i) => grant.dependencies.includes(i.urn));
    assert.strictEqual(ids.length, 1, `role assignment ${grant.name} depends on ${ids.length} identities`);
    return ids[0].name.replace(/-identity$/, "");
}

/** Keys and value kinds of an output tree (values themselves differ per cloud). */
function shape(value: unknown): unknown {
    if (Array.isArray(value)) {
        // A list's length is a value (database.pendingRestart is empty on local, not on a new Azure server).
        return value.length > 0 ? [shape(value[0])] : ["(empty)"];
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
    }
    return typeof value;
}

describe("azure backend", function () {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev", set: AZ });
        prod = await baseline({ stack: "prod", set: AZ });
    });

    it("creates the expected Azure resource types per component (dev and prod)", () => {
        for (const p of [dev, prod]) {
            const foundation = typesUnder(p, "Foundation", "foundation");
            for (const t of ["resources:ResourceGroup", "operationalinsights:Workspace", "keyvault:Vault", "managedidentity:UserAssignedIdentity", "monitor:ActionGroup"]) {
                assert.ok(foundation.includes(T(t)), `foundation lacks ${t}`);
            }
            assert.ok(foundation.includes("pulumi:providers:azure-native"));
            const network = typesUnder(p, "Network", "network");
            for (const t of ["network:VirtualNetwork", "network:Subnet", "network:NetworkSecurityGroup", "network:NatGateway", "privatedns:PrivateZone", "privatedns:VirtualNetworkLink", "app:ManagedEnvironment", "network:PrivateEndpoint"]) {
                assert.ok(network.includes(T(t)), `network lacks ${t}`);
            }
            assert.deepStrictEqual(typesUnder(p, "Database", "database").filter((t) => t.startsWith("azure-native:dbforpostgresql")), [T("dbforpostgresql:Configuration"), T("dbforpostgresql:Database"), T("dbforpostgresql:Server")]);
            assert.ok(typesUnder(p, "Cache", "cache").includes(T("redisenterprise:RedisEnterprise")));
            assert.ok(typesUnder(p, "Cache", "cache").includes(T("network:PrivateEndpoint")));
            for (const t of ["compute:VirtualMachine", "network:NetworkInterface", "network:LoadBalancer", "keyvault:Secret"]) {
                assert.ok(typesUnder(p, "SearchCluster", "search").includes(T(t)), `search lacks ${t}`);
            }
            for (const t of ["storage:StorageAccount", "storage:BlobServiceProperties", "storage:BlobContainer", "storage:ManagementPolicy", "authorization:RoleAssignment"]) {
                assert.ok(typesUnder(p, "ObjectStore", "storage").includes(T(t)), `storage lacks ${t}`);
            }
            for (const t of ["cdn:Profile", "cdn:AFDEndpoint", "cdn:AFDOriginGroup", "cdn:AFDOrigin", "cdn:Route", "cdn:RuleSet", "cdn:Rule", "cdn:SecurityPolicy", "frontdoor:Policy", "monitor:MetricAlert"]) {
                assert.ok(typesUnder(p, "LoadBalancer", "lb").includes(T(t)), `lb lacks ${t}`);
            }
            assert.ok(typesUnder(p, "ContainerService", "app").includes(T("app:ContainerApp")));
        }
        assert.strictEqual(dev.ofType(T("network:PrivateEndpoint")).length, 3, "dev: vault + redis + search snapshots private endpoints");
        assert.strictEqual(prod.ofType(T("network:PrivateEndpoint")).length, 4, "prod: vault + redis + blob + search snapshots private endpoints");
    });

    it("gives every Azure resource the stack's provider, a component parent and the default tags", () => {
        for (const r of dev.resources.filter((r) => r.type.startsWith("azure-native:"))) {
            assert.ok(r.provider?.includes("pulumi:providers:azure-native"), `${r.name} has no explicit provider`);
            assert.ok(r.parent, `${r.name} has no parent`);
            if ("tags" in r.inputs) {
                assert.deepStrictEqual(
                    { project: r.inputs.tags.project, stack: r.inputs.tags.stack, environment: r.inputs.tags.environment, "managed-by": r.inputs.tags["managed-by"] },
                    { project: "anycloud", stack: "dev", environment: "dev", "managed-by": "anycloud" },
                    `${r.name} tags`,
                );
            }
        }
    });

    it("keeps PostgreSQL, Redis, search and prod storage off the public network", () => {
        for (const p of [dev, prod]) {
            for (const server of p.ofType(T("dbforpostgresql:Server"))) {
                assert.strictEqual(server.inputs.network.publicNetworkAccess, "Disabled");
                assert.ok(server.inputs.network.delegatedSubnetResourceId.endsWith("/subnets/postgres"));
                assert.match(server.inputs.network.privateDnsZoneArmResourceId, /\.private\.postgres\.database\.azure\.com$/);
            }
            const tls = p.ofType(T("dbforpostgresql:Configuration")).find((c) => c.inputs.configurationName === "require_secure_transport");
            assert.strictEqual(tls?.inputs.value, "on");
            assert.strictEqual(p.one(T("redisenterprise:RedisEnterprise")).inputs.publicNetworkAccess, "Disabled");
            const redisDb = p.one(T("redisenterprise:Database"));
            assert.strictEqual(redisDb.inputs.clientProtocol, "Encrypted");
            assert.strictEqual(redisDb.inputs.evictionPolicy, "AllKeysLRU");
            const search = p.descendantsOf(p.component("SearchCluster", "search"));
            assert.ok(!search.some((r) => r.type === T("network:PublicIPAddress")));
            for (const vm of search.filter((r) => r.type === T("compute:VirtualMachine"))) {
                assert.strictEqual(vm.inputs.securityProfile.encryptionAtHost, true, "temp disk and disk caches are encrypted too");
            }
            for (const nic of search.filter((r) => r.type === T("network:NetworkInterface"))) {
                assert.ok(nic.inputs.ipConfigurations.every((c: any) => c.publicIPAddress === undefined));
            }
            const lb = search.find((r) => r.type === T("network:LoadBalancer"))!;
            assert.ok(lb.inputs.frontendIPConfigurations.every((f: any) => f.publicIPAddress === undefined && f.subnet.id.endsWith("/subnets/search")));
            // The app buckets' account and the search cluster's snapshot account.
            assert.strictEqual(p.ofType(T("storage:StorageAccount")).length, 2);
            for (const account of p.ofType(T("storage:StorageAccount"))) {
                assert.strictEqual(account.inputs.allowBlobPublicAccess, false, account.name);
                assert.strictEqual(account.inputs.allowSharedKeyAccess, false, account.name);
                assert.strictEqual(account.inputs.minimumTlsVersion, "TLS1_2", account.name);
                assert.strictEqual(account.inputs.networkRuleSet.defaultAction, "Deny", account.name);
            }
            assert.strictEqual(p.one(T("storage:StorageAccount"), "search-snapshots-account").inputs.publicNetworkAccess, "Disabled");
            assert.ok(p.ofType(T("storage:BlobContainer")).every((c) => c.inputs.publicAccess === "None"));
        }
        assert.strictEqual(prod.one(T("storage:StorageAccount"), "storage-account").inputs.publicNetworkAccess, "Disabled");
        // Search port 9200 only from the apps subnet; nothing else in the VNet reaches the nodes.
        const searchNsg = dev.ofType(T("network:NetworkSecurityGroup")).find((n) => n.name === "network-search-nsg")!;
        const rules = searchNsg.inputs.securityRules as any[];
        assert.deepStrictEqual(rules.find((r) => r.name === "AllowAppsOpenSearch")?.destinationPortRanges, ["9200"]);
        assert.ok(rules.some((r) => r.access === "Deny" && r.sourceAddressPrefix === "VirtualNetwork"));
    });

    it("grants roles exactly as the services' uses say", () => {
        for (const p of [dev, prod]) {
            // The search nodes' own snapshot grants are asserted in search-vms.spec.ts.
            const blob = p
                .ofType(T("authorization:RoleAssignment"))
                .filter((r) => r.inputs.roleDefinitionId.endsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe") && !r.name.startsWith("search-snapshots-"));
            const got = blob.map((g) => `${grantee(p, g)}->${g.inputs.scope.split("/").pop()}`).sort();
            assert.deepStrictEqual(got, ["app->documents", "processor->documents", "worker->documents"]);
            assert.ok(blob.every((g) => g.inputs.scope.includes("/blobServices/default/containers/")), "blob roles are scoped to the container");
            // Key Vault Secrets User: each service on exactly its own secrets.
            const kv = p.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.roleDefinitionId.endsWith("4633458b-17de-408a-b874-0445c86b69e6"));
            const byService: Record<string, string[]> = {};
            for (const g of kv.filter((g) => !g.name.startsWith("search-"))) {
                (byService[grantee(p, g)] ??= []).push(g.inputs.scope.split("/secrets/")[1]);
            }
            for (const app of p.ofType(T("app:ContainerApp"))) {
                const service = app.name.replace(/-app$/, "");
                // keyVaultUrl is the versioned URI (.../secrets/<name>/<version>); grants are per secret.
                const referenced = (app.inputs.configuration.secrets as any[]).map((s) => s.keyVaultUrl.split("/secrets/")[1].split("/")[0]).sort();
                assert.deepStrictEqual((byService[service] ?? []).sort(), referenced, `${service} reads exactly its secrets`);
            }
            // AcrPull: no image is built here, so only the database init job (its image pulled
            // through the registry's Docker Hub cache rule) may pull.
            const acrPull = p.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.roleDefinitionId.endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"));
            assert.deepStrictEqual(acrPull.map((g) => grantee(p, g)).sort(), ["database"], "AcrPull exactly for the database init job");
        }
        // The processor uses no database: no DB secrets.
        const processor = dev.one(T("app:ContainerApp"), "processor-app");
        const names = (processor.inputs.template.containers[0].env as any[]).map((e) => e.name);
        assert.ok(!names.includes("DB_PASSWORD") && names.includes("REDIS_PASSWORD"));
    });

    it("makes prod zone-redundant, geo-backed-up, replicated and protected", () => {
        const server = prod.ofType(T("dbforpostgresql:Server")).find((s) => s.inputs.createMode !== "Replica")!;
        assert.strictEqual(server.inputs.highAvailability.mode, "ZoneRedundant");
        assert.strictEqual(server.inputs.backup.geoRedundantBackup, "Enabled");
        assert.strictEqual(server.inputs.backup.backupRetentionDays, 30);
        assert.ok(server.protect);
        const replicas = prod.ofType(T("dbforpostgresql:Server")).filter((s) => s.inputs.createMode === "Replica");
        assert.strictEqual(replicas.length, 1);
        assert.strictEqual(prod.one(T("redisenterprise:RedisEnterprise")).inputs.highAvailability, "Enabled");
        const vms = prod.ofType(T("compute:VirtualMachine"));
        assert.strictEqual(vms.length, 3);
        assert.deepStrictEqual(vms.map((v) => v.inputs.zones[0]).sort(), ["1", "2", "3"]);
        assert.strictEqual(prod.one(T("app:ManagedEnvironment")).inputs.zoneRedundant, true);
        const app = prod.one(T("app:ContainerApp"), "app-app");
        assert.ok(app.inputs.template.scale.minReplicas >= 2);
        for (const t of ["dbforpostgresql:Server", "dbforpostgresql:Database", "redisenterprise:RedisEnterprise", "storage:StorageAccount", "storage:BlobContainer", "compute:VirtualMachine", "keyvault:Vault"]) {
            assert.ok(prod.ofType(T(t)).every((r) => r.protect), `${t} protected in prod`);
            assert.ok(dev.ofType(T(t)).every((r) => !r.protect), `${t} not protected in dev`);
        }
        assert.strictEqual(prod.one(T("cdn:Profile")).inputs.sku.name, "Premium_AzureFrontDoor");
        assert.strictEqual(dev.one(T("cdn:Profile")).inputs.sku.name, "Standard_AzureFrontDoor");
        // dev: single server, no HA, scale to zero for the public app, workers keep one replica.
        const devServer = dev.one(T("dbforpostgresql:Server"));
        assert.strictEqual(devServer.inputs.highAvailability.mode, "Disabled");
        assert.strictEqual(dev.one(T("app:ContainerApp"), "app-app").inputs.template.scale.minReplicas, 0);
        assert.strictEqual(dev.one(T("app:ContainerApp"), "worker-app").inputs.template.scale.minReplicas, 1);
        assert.strictEqual(dev.ofType(T("compute:VirtualMachine")).length, 1);
    });

    it("injects secrets only as Key Vault references, never as plain env", () => {
        for (const p of [dev, prod]) {
            const secretValues = p.ofType(T("keyvault:Secret")).map((s) => s.inputs.properties.value as string);
            assert.ok(secretValues.length > 0);
            assert.ok(p.ofType(T("keyvault:Secret")).every((s) => s.secretPaths.includes("properties.value") || s.secretPaths.includes("properties")));
            for (const app of p.ofType(T("app:ContainerApp"))) {
                for (const s of app.inputs.configuration.secrets as any[]) {
                    assert.strictEqual(s.value, undefined);
                    assert.match(s.keyVaultUrl, /^https:\/\/.+\.vault\.azure\.net\/secrets\//);
                    assert.match(s.identity, /userAssignedIdentities/);
                }
                const plain = stringsIn(app.inputs.template).map((x) => x.value);
                for (const value of secretValues) {
                    assert.ok(!plain.some((v) => v.includes(value)), `${app.name} has a secret value in its template`);
                }
                const env = app.inputs.template.containers[0].env as any[];
                for (const name of ["DB_PASSWORD", "DATABASE_URL", "REDIS_PASSWORD", "REDIS_URL", "ELASTICSEARCH_PASSWORD"]) {
                    const entry = env.find((e) => e.name === name);
                    if (entry) {
                        assert.ok(entry.secretRef && entry.value === undefined, `${app.name} ${name} is a secretRef`);
                    }
                }
            }
            for (const path of ["databaseUrl"]) {
                assert.ok(p.run.secretOutputPaths.includes(path), `${path} is a secret output`);
            }
        }
    });

    it("runs the roles and CREATE EXTENSION in every database from the init job inside the VNet, with the admin and role passwords from Key Vault", () => {
        const job = prod.one(T("app:Job"), "database-init");
        const init = job.inputs.template.containers[0];
        const sql = init.env.find((e: any) => e.name === "INIT_SQL").value as string;
        for (const ext of ["uuid-ossp", "pg_trgm", "unaccent"]) {
            assert.ok(sql.includes(`CREATE EXTENSION IF NOT EXISTS "${ext}"`), ext);
        }
        const secretEnv = (init.env as any[]).filter((e) => e.secretRef).map((e) => e.name).sort();
        assert.deepStrictEqual(secretEnv, ["PGPASSWORD", rolePasswordVariable("biblioteca_digital")].sort());
        assert.ok((init.env as any[]).every((e) => e.secretRef || !/PASSWORD/.test(e.name)), "no password in plain env");
        assert.strictEqual(init.env.find((e: any) => e.name === "PGUSER").value, "app", "the admin login");
        const allow = prod.ofType(T("dbforpostgresql:Configuration")).find((c) => c.inputs.configurationName === "azure.extensions");
        assert.strictEqual(allow?.inputs.value, "UUID-OSSP,PG_TRGM,UNACCENT");
    });

    it("runs the init job during the deploy, again exactly when a password's Key Vault version changes", () => {
        const job = prod.one(T("app:Job"), "database-init");
        assert.strictEqual(job.inputs.configuration.triggerType, "Manual");
        const run = prod.one(T("resources:AzureCliScript"), "database-run");
        const uris = (job.inputs.configuration.secrets as any[]).map((s) => s.keyVaultUrl as string);
        for (const u of uris) assert.match(u, /\/secrets\/[^/]+\/[0-9a-f]{32}$/, "versioned URI");
        assert.match(run.inputs.forceUpdateTag, /^[0-9a-f]{16}$/);
    });

    it("derives names that satisfy Azure's rules for any project and stack", () => {
        // What makes a deployment's global names its own: subscription and location.
        const S = "00000000-0000-0000-0000-000000000000/eastus";
        const odd = [
            new AzureNaming("anycloud", "dev"),
            new AzureNaming("My_Very.Long--Project_Name-With-Odd-Chars-0123456789-abcdefghijklmnopqrstuvwxyz", "Feature/UPPER_case.stack-9999999999999999"),
            new AzureNaming("42", "x"),
            new AzureNaming("___", "---"),
        ];
        for (const n of odd) {
            assert.ok(satisfies(n.storageAccount(S), RULES.storageAccount) && n.storageAccount(S).length >= 3, n.storageAccount(S));
            assert.ok(satisfies(n.keyVault(S), RULES.keyVault) && n.keyVault(S).length >= 3, n.keyVault(S));
            assert.ok(satisfies(n.registry(S), RULES.registry) && n.registry(S).length >= 5, n.registry(S));
            assert.ok(satisfies(n.containerApp("processor"), RULES.containerApp), n.containerApp("processor"));
            assert.ok(satisfies(n.global("pg", RULES.postgres, S), RULES.postgres));
            assert.ok(satisfies(n.global("redis", RULES.redis, S), RULES.redis));
            assert.ok(satisfies(n.global("web", RULES.frontDoorEndpoint, S), RULES.frontDoorEndpoint));
            assert.ok(satisfies(n.local("alerts", RULES.shortName), RULES.shortName));
            assert.match(n.roleAssignment("sub", "/scope", "principal", "role"), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
        }
        // Deterministic, and different stacks never share a global name.
        assert.strictEqual(new AzureNaming("p", "s").storageAccount(S), new AzureNaming("p", "s").storageAccount(S));
        assert.notStrictEqual(new AzureNaming("p", "dev").storageAccount(S), new AzureNaming("p", "dev2").storageAccount(S));
        assert.notStrictEqual(odd[1].containerApp("a".repeat(20) + "1"), odd[1].containerApp("a".repeat(20) + "2"));
        assert.ok(fitName(["a"], RULES.wafPolicy, undefined).length >= 1);
        // Every explicit name in the plans passes its rule.
        for (const p of [dev, prod]) {
            for (const account of p.ofType(T("storage:StorageAccount"))) assert.ok(satisfies(account.inputs.accountName, RULES.storageAccount), account.name);
            assert.ok(satisfies(p.one(T("keyvault:Vault")).inputs.vaultName, RULES.keyVault));
            assert.ok(satisfies(p.one(T("frontdoor:Policy")).inputs.policyName, RULES.wafPolicy));
            for (const app of p.ofType(T("app:ContainerApp"))) {
                assert.ok(satisfies(app.inputs.containerAppName, RULES.containerApp));
            }
        }
    });

    it("returns the same output shape as the local target", async () => {
        let local: Plan | undefined;
        try {
            local = await baseline({ stack: "dev", set: { cloud: "local" } });
        } catch {
            local = undefined; // the local backend is developed in parallel; fall back to the contract's shape
        }
        const expected = local
            ? shape(local.outputs)
            : shape({
                  buckets: { documents: "" },
                  cache: { host: "", port: 0, tls: true },
                  cloud: "",
                  database: { databases: [""], host: "", port: 0, readReplicaHosts: [], pendingRestart: [], restartCommand: "", username: "" },
                  databaseUrl: "",
                  dnsRecords: [],
                  environment: "",
                  https: true,
                  search: { url: "", username: "" },
                  services: { app: { image: "", internalUrl: "", public: true }, processor: { image: "", public: true }, worker: { image: "", public: true } },
                  url: "",
              });
        const got = shape(dev.outputs) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(got), Object.keys(expected as object));
        const lists = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/\["(string|\(empty\))"\]/g, '"list"'));
        for (const key of ["database", "cache", "search", "buckets", "services"]) {
            assert.deepStrictEqual(lists(got[key]), lists((expected as Record<string, unknown>)[key]), key);
        }
    });

    it("plans the second topology (host routes, two buckets, no search) cleanly", async () => {
        const hosts = await baseline({ stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", set: AZ });
        assert.strictEqual(hosts.ofType(T("compute:VirtualMachine")).length, 0);
        const domains = hosts.ofType(T("cdn:AFDCustomDomain")).map((d) => d.inputs.hostName).sort();
        assert.deepStrictEqual(domains, ["api.publisher.example.com", "publisher.example.com"]);
        const routes = hosts.ofType(T("cdn:Route"));
        assert.strictEqual(routes.length, 3);
        assert.ok(routes.every((r) => r.inputs.httpsRedirect === "Enabled" && r.inputs.forwardingProtocol === "HttpsOnly"));
        assert.deepStrictEqual(routes.map((r) => r.inputs.patternsToMatch[0]).sort(), ["/*", "/*", "/auth/login"]);
        const waf = hosts.one(T("frontdoor:Policy"));
        assert.deepStrictEqual(waf.inputs.customRules.rules.filter((r: any) => r.ruleType === "RateLimitRule").map((r: any) => [r.rateLimitThreshold, r.rateLimitDurationInMinutes]), [[600, 1], [5, 1]]);
        const blob = hosts.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.roleDefinitionId.endsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
        assert.deepStrictEqual(blob.map((g) => `${grantee(hosts, g)}->${g.inputs.scope.split("/").pop()}`).sort(), ["api->exports", "api->uploads", "web->uploads"]);
        const records = hosts.outputs.dnsRecords as { name: string; type: string }[];
        assert.ok(records.some((r) => r.name === "_dnsauth.api.publisher.example.com" && r.type === "TXT"));
        assert.ok(records.some((r) => r.name === "api.publisher.example.com" && r.type === "CNAME"));
        // Both databases get a Database resource; the web app keeps its init container for extensions.
        assert.deepStrictEqual(hosts.ofType(T("dbforpostgresql:Database")).map((d) => d.inputs.databaseName).sort(), ["publisher", "workflows"]);
    });

    describe("with loadBalancer.dnsZone (an Azure DNS zone in another resource group)", () => {
        const ZONE = "/subscriptions/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/publisher.example.com";
        const HOSTS = { stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml" };
        let zoned: Plan;
        before(async () => {
            zoned = await plan({ ...HOSTS, set: { ...AZ, "loadBalancer.dnsZone": ZONE } });
        });

        it("writes each domain's validation TXT record and a CNAME (alias A at the apex) into the zone", () => {
            const endpoint = zoned.one(T("cdn:AFDEndpoint"));
            const token = (host: string) => zoned.ofType(T("cdn:AFDCustomDomain")).find((d) => d.inputs.hostName === host)!.outputs.validationProperties.validationToken as string;
            // The endpoint's ARM id, as the WAF association (another consumer of endpoint.id) received it.
            const endpointId = zoned.one(T("cdn:SecurityPolicy")).inputs.parameters.associations[0].domains[0].id as string;
            assert.match(endpointId, new RegExp(`/profiles/${endpoint.inputs.profileName}/afdEndpoints/${endpoint.inputs.endpointName}$`));
            const records = zoned.ofType(T("dns:RecordSet")).map((r) => ({
                name: r.inputs.relativeRecordSetName,
                type: r.inputs.recordType,
                value: r.inputs.txtRecords?.[0].value[0] ?? r.inputs.cnameRecord?.cname ?? r.inputs.targetResource?.id,
            }));
            assert.deepStrictEqual(
                records.sort((a, b) => `${a.name}${a.type}`.localeCompare(`${b.name}${b.type}`)),
                [
                    { name: "@", type: "A", value: endpointId },
                    { name: "_dnsauth", type: "TXT", value: token("publisher.example.com") },
                    { name: "_dnsauth.api", type: "TXT", value: token("api.publisher.example.com") },
                    { name: "api", type: "CNAME", value: endpoint.outputs.hostName },
                ].sort((a, b) => `${a.name}${a.type}`.localeCompare(`${b.name}${b.type}`)),
            );
            for (const r of zoned.ofType(T("dns:RecordSet"))) {
                assert.deepStrictEqual([r.inputs.resourceGroupName, r.inputs.zoneName], ["dns-rg", "publisher.example.com"]);
                const provider = zoned.resources.find((p) => r.provider?.startsWith(`${p.urn}::`))!;
                assert.strictEqual(provider.inputs.subscriptionId, "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "records go through a provider in the zone's subscription");
            }
            assert.ok(zoned.ofType(T("cdn:AFDCustomDomain")).every((d) => d.inputs.azureDnsZone?.id === ZONE), "custom domains reference the zone");
            assert.deepStrictEqual(zoned.outputs.dnsRecords, [], "nothing is left for the user to create");
        });

        it("only reports the records, and writes none, without a zone", async () => {
            const hosts = await baseline({ ...HOSTS, set: AZ });
            assert.deepStrictEqual(hosts.ofType(T("dns:RecordSet")), []);
            assert.ok(hosts.ofType(T("cdn:AFDCustomDomain")).every((d) => d.inputs.azureDnsZone === undefined));
            assert.strictEqual((hosts.outputs.dnsRecords as unknown[]).length, 4);
        });

        it("rejects a zone that is not an Azure DNS zone id, or does not hold the domain, before registering anything", async () => {
            for (const bad of [
                "publisher.example.com",
                ZONE.replace("/dnszones/", "/privateDnsZones/"),
                ZONE.replace("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "my-subscription"),
                ZONE.replace("publisher.example.com", "other.example.com"),
            ]) {
                const error = await planError({ ...HOSTS, set: { ...AZ, "loadBalancer.dnsZone": bad } });
                const found = error.problems.find((p) => p.key === "anycloud:loadBalancer.dnsZone");
                assert.ok(found && found.value === bad, error.message);
                assert.match(found.accepted, bad.endsWith("other.example.com") ? /publisher\.example\.com, api\.publisher\.example\.com are not in other\.example\.com/ : /resourceGroups\/<group>\/providers\/Microsoft\.Network\/dnszones\/<zone name>/);
            }
        });
    });

    it("keeps Log Analytics at its 30-day floor for the dev preset and rejects an explicit shorter retention", async () => {
        assert.strictEqual(dev.one(T("operationalinsights:Workspace")).inputs.retentionInDays, 30, "dev's preset 7 days is raised to the floor");
        assert.strictEqual(prod.one(T("operationalinsights:Workspace")).inputs.retentionInDays, 30);
        for (const [stack, days] of [["dev", 14], ["prod", 7], ["dev", 731]] as const) {
            const error = await planError({ stack, set: { ...AZ, "logs.retentionDays": days } });
            const found = error.problems.find((p) => p.key === "anycloud:logs.retentionDays");
            assert.ok(found && found.value === days, error.message);
            assert.match(found.accepted, days < 30 ? /^30–730 on Azure \(Log Analytics minimum\)$/ : /^30–730 on Azure/);
        }
    });

    it("maps routes and rate limits to Front Door semantics", () => {
        assert.deepStrictEqual(frontDoorPatterns("/"), ["/*"]);
        assert.deepStrictEqual(frontDoorPatterns("/api/*"), ["/api", "/api/*"]);
        assert.deepStrictEqual(frontDoorPatterns("/api/auth/login"), ["/api/auth/login"]);
        assert.deepStrictEqual(frontDoorRateLimit({ requests: 10, per: "second", burst: 0 }), { threshold: 600, minutes: 1 });
        assert.deepStrictEqual(frontDoorRateLimit({ requests: 5, per: "minute", burst: 0 }), { threshold: 5, minutes: 1 });
        const probes = prod.ofType(T("cdn:AFDOriginGroup")).map((g) => g.inputs.healthProbeSettings.probePath);
        assert.deepStrictEqual(probes, ["/health"]);
        const origin = prod.one(T("cdn:AFDOrigin"));
        assert.match(origin.inputs.hostName, /^anycloud-prod-app\..+\.azurecontainerapps\.io$/);
        const headers = prod.one(T("cdn:Rule")).inputs.actions.map((a: any) => a.parameters.headerName);
        assert.deepStrictEqual(headers, ["Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"]);
        const appsNsg = prod.ofType(T("network:NetworkSecurityGroup")).find((n) => n.name === "network-apps-nsg")!;
        assert.strictEqual(appsNsg.inputs.securityRules[0].sourceAddressPrefix, "AzureFrontDoor.Backend");
    });

    describe("Front Door's per-profile limits (Standard in dev, Premium in prod)", () => {
        /** `count` routed services, each on its own path; every route rate-limited when asked. */
        const many = (count: number, rateLimited = false) => {
            const services: Record<string, unknown> = {};
            const routes: unknown[] = [];
            for (let i = 1; i <= count; i++) {
                services[`s${i}`] = { image: "nginx:1.27", port: 8080 };
                routes.push({ path: `/s${i}/*`, service: `s${i}`, ...(rateLimited ? { rateLimit: { requests: 5, per: "second" } } : {}) });
            }
            // The worked example's jobs run the app's image: gone with the app.
            return { ...AZ, services, jobs: undefined, "loadBalancer.routes": routes };
        };
        const frontDoorProblems = (stack: string, set: Record<string, unknown>) => {
            const { config } = stackConfig({ stack, set });
            return validateAzure(checkConfig(config, { project: "anycloud", stack }).settings).filter((p) => / on Azure (Front Door|\(one custom rule)/.test(p.accepted));
        };

        it("refuses more than 100 routes and routed services in dev, before anything is registered", async () => {
            const error = await planError({ stack: "dev", set: many(101) });
            const found = error.problems.filter((p) => p.key === "anycloud:loadBalancer.routes").map((p) => p.accepted);
            assert.deepStrictEqual(found, [
                "at most 100 routes on Azure Front Door Standard (dev) (routes per endpoint)",
                "at most 100 routed services on Azure Front Door Standard (dev) (one origin group each; origin groups per profile)",
            ]);
        });

        it("accepts up to 200 in prod (Premium) and refuses 201", () => {
            assert.deepStrictEqual(frontDoorProblems("dev", many(100)), []);
            assert.deepStrictEqual(frontDoorProblems("prod", many(200)), []);
            assert.deepStrictEqual(
                frontDoorProblems("prod", many(201)).map((p) => p.value),
                [201, "201 routed services"],
            );
        });

        it("refuses more than 99 rate-limited routes on either tier (one custom WAF rule each, one for the body limit)", () => {
            assert.deepStrictEqual(frontDoorProblems("prod", many(99, true)), []);
            assert.deepStrictEqual(frontDoorProblems("prod", many(100, true)).map((p) => p.value), ["100 rate-limited routes"]);
        });
    });

    it("stops with a ConfigError naming the key for sizes Azure cannot provide", async () => {
        const redis6 = await planError({ stack: "dev", set: { ...AZ, "cache.version": 6 } });
        assert.ok(redis6.problems?.some((p) => p.key === "anycloud:cache.version" && p.value === 6), redis6.message);
        const cpu = await planError({ stack: "dev", set: { ...AZ, "services.app.cpu": 0.5, "services.app.memoryMb": 3000 } });
        assert.ok(cpu.problems?.some((p) => p.key === "anycloud:services.app.cpu"), cpu.message);
        const ha = await planError({ stack: "dev", set: { ...AZ, "database.highAvailability": true, "database.size": "small" } });
        assert.ok(ha.problems?.some((p) => p.key === "anycloud:database.size"), ha.message);
    });
});

// The registry has no private endpoint: image pulls leave through the (zonal) NAT gateway. The
// plan warning, the README and docs/azure.md must all say so (review-7 finding 12).
describe("azure: what leaves through the NAT gateway, as the plan builds it and the docs say it", () => {
    it("the private endpoints are the vault's, blob's and Redis's only: the registry is reached through its public endpoint, and docs/azure.md says image pulls use the NAT", async () => {
        const prod = await baseline({ stack: "prod", set: AZ });
        const groups = prod.ofType(T("network:PrivateEndpoint")).flatMap((e) => e.inputs.privateLinkServiceConnections.flatMap((c: any) => c.groupIds));
        assert.deepStrictEqual([...new Set(groups)].sort(), ["blob", "redisEnterprise", "vault"]);
        const doc = fs.readFileSync(path.join(ROOT, "docs", "azure.md"), "utf8");
        const egress = doc.split("\n").find((l) => l.startsWith("- **Egress is zonal.**"));
        assert.ok(egress, "docs/azure.md has the egress limit");
        assert.match(egress!, /image pulls from the stack's registry, which has no private endpoint and is reached through its public endpoint/);
        assert.doesNotMatch(egress!, /registry[^.]*do not use it/);
        assert.match(zonalEgressWarning(3), /new replicas or revisions cannot pull their images \(the stack's registry is reached through its public endpoint\)/);
    });
});
