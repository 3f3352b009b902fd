import * as assert from "assert";
import { changedPaths, dataLoss, diffRuns, optionsOf, refusedUpdates, replaceTable, sameJson } from "../stacks/changes";
import { CapturedResource } from "../stacks/offline";
import { CLOUDS } from "../stacks/settings";
import { baseline, PlanOptions, planCommandRun as planCli } from "./harness";

/** Change planning: the replacement tables, the diff of two runs, and `npm run plan -- --change`. */

const HOSTS = "test/fixtures/Pulumi.hosts.yaml";

function stacksOf(cloud: string): PlanOptions[] {
    const envs = cloud === "local" ? ["dev"] : ["dev", "prod"];
    return [
        ...envs.flatMap((environment) => [
            { stack: environment, set: { cloud } },
            { stack: environment === "prod" ? "hosts-prod" : "hosts", file: HOSTS, set: { cloud, ...(environment === "prod" ? { environment: "prod", "alerts.email": "ops@publisher.example.com" } : {}) } },
        ]),
        // Service-to-service calls and singletons (their own types: discovery, invoker grants).
        { stack: "apps", file: "test/fixtures/Pulumi.apps.yaml", set: { cloud } },
    ];
}

function resource(type: string, name: string, inputs: Record<string, any>, extra: Partial<CapturedResource> = {}): CapturedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:s::p::${type}::${name}`,
        custom: true,
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        replaceOnChanges: [],
        additionalSecretOutputs: [],
        dependencies: [],
        propertyDependencies: {},
        aliasUrns: [],
        inputs,
        secretPaths: [],
        outputs: inputs,
        ...extra,
    };
}

describe("a resource's options as plan --json shows them", () => {
    it("dependsOn names only what the resource was told beyond its inputs' resources, by type and name, in the engine's order", () => {
        const network = resource("aws:ec2/vpc:Vpc", "vpc", {});
        const cluster = resource("aws:ecs/cluster:Cluster", "cluster", {});
        const capacity = resource("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster-capacity", {});
        const byUrn = new Map([network, cluster, capacity].map((r) => [r.urn, r]));
        const service = resource("aws:ecs/service:Service", "svc", {}, {
            // The engine's dependencies: the explicit dependsOn and every input's resources; one URN outside the plan.
            dependencies: [capacity.urn, network.urn, cluster.urn, "urn:pulumi:s::p::x:y:Z::elsewhere"],
            propertyDependencies: { cluster: [cluster.urn], networkConfiguration: [network.urn, cluster.urn] },
        });
        assert.deepStrictEqual(optionsOf(service, byUrn).dependsOn, [{ type: capacity.type, name: "cluster-capacity" }]);
        assert.deepStrictEqual(optionsOf(network, byUrn).dependsOn, []);
    });
});

describe("replacement tables", () => {
    for (const cloud of CLOUDS) {
        it(`${cloud}: every type the program creates has a row saying where it came from`, async () => {
            const table = replaceTable(cloud);
            const missing = new Set<string>();
            for (const options of stacksOf(cloud)) {
                for (const r of (await baseline(options)).resources.filter((x) => x.custom)) {
                    if (!table[r.type]) missing.add(r.type);
                }
            }
            assert.deepStrictEqual([...missing], [], `add these types to providers/${cloud}/replace-forcing.ts`);
            for (const [type, row] of Object.entries(table)) {
                assert.ok(row.source.length > 10, `${type} has no source`);
            }
        });
    }

    it("knows the replacements the review found: RDS dbName and username, a GCP disk's image, the Azure server's zone", () => {
        assert.ok(replaceTable("aws")["aws:rds/instance:Instance"].forceNew.includes("dbName"));
        assert.ok(replaceTable("aws")["aws:rds/instance:Instance"].forceNew.includes("username"));
        assert.ok(replaceTable("gcp")["gcp:compute/instance:Instance"].forceNew.includes("bootDisk.initializeParams.image"));
        assert.ok(replaceTable("azure")["azure-native:dbforpostgresql:Server"].forceNew.includes("availabilityZone"));
    });
});

/**
 * What the provider decides for one input of a type the program creates, from its source (the
 * row's `source`): the real planned resource, with that input changed, diffed through the table
 * `npm run plan -- --change` uses. Each fact is a row that was wrong or missing before.
 */
interface RowFact {
    cloud: "aws" | "gcp" | "azure";
    type: string;
    /** The plan holding that type (default: the dev stack). */
    options?: PlanOptions;
    what: string;
    change: (inputs: Record<string, any>) => void;
    /** What the deployed resource had instead of the planned inputs, where the fact needs it. */
    from?: (inputs: Record<string, any>) => void;
    op: "update" | "replace";
    /** An update the cloud refuses (the provider does not replace, ARM will not change it): these properties. */
    refused?: string[];
}
const AZURE_PROD: PlanOptions = { stack: "prod", set: { cloud: "azure" } };
const ROW_FACTS: RowFact[] = [
    { cloud: "aws", type: "aws:rds/instance:Instance", what: "a new identifier renames the RDS instance in place (ModifyDBInstance NewDBInstanceIdentifier)", change: (i) => (i.identifier = "renamed-db"), op: "update" },
    { cloud: "aws", type: "aws:rds/instance:Instance", what: "a new master username replaces the RDS instance", change: (i) => (i.username = "other"), op: "replace" },
    { cloud: "aws", type: "aws:secretsmanager/secretVersion:SecretVersion", what: "a new secret string is a new version of the same secret", change: (i) => (i.secretString = "{}"), op: "update" },
    { cloud: "aws", type: "aws:opensearch/domain:Domain", what: "other subnets for a VPC domain are changed in place", change: (i) => (i.vpcOptions.subnetIds = ["subnet-other"]), op: "update" },
    { cloud: "aws", type: "aws:opensearch/domain:Domain", what: "leaving the VPC replaces the domain", change: (i) => delete i.vpcOptions, op: "replace" },
    { cloud: "aws", type: "aws:lb/targetGroup:TargetGroup", what: "a target control port replaces the target group", change: (i) => (i.targetControlPort = 7000), op: "replace" },
    { cloud: "aws", type: "aws:ec2/natGateway:NatGateway", what: "a regional NAT gateway is a new one", change: (i) => (i.availabilityMode = "regional"), op: "replace" },
    { cloud: "aws", type: "aws:ec2/eip:Eip", what: "a customer-owned pool is set in place", change: (i) => (i.customerOwnedIpv4Pool = "ipv4pool-coip-1"), op: "update" },
    { cloud: "aws", type: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", options: { stack: "apps", file: "test/fixtures/Pulumi.apps.yaml", set: { cloud: "aws" } }, what: "a new namespace description is an update", change: (i) => (i.description = "other"), op: "update" },
    { cloud: "aws", type: "aws:elasticache/replicationGroup:ReplicationGroup", what: "durability replaces the replication group", change: (i) => (i.durability = "multizone"), op: "replace" },
    { cloud: "azure", type: "azure-native:redisenterprise:RedisEnterprise", what: "high availability on a Managed Redis cluster is an update", change: (i) => (i.highAvailability = i.highAvailability === "Enabled" ? "Disabled" : "Enabled"), op: "update" },
    { cloud: "azure", type: "azure-native:redisenterprise:Database", what: "a clustering policy is an update (refused by Azure unless from NoCluster), not a replacement", change: (i) => (i.clusteringPolicy = "OSSCluster"), op: "update" },
    { cloud: "azure", type: "azure-native:redisenterprise:Database", what: "a new port replaces the database", change: (i) => (i.port = 10001), op: "replace" },
    // Azure rows read against azure-rest-api-specs at azure-native 3.28.0's API versions and the
    // provider's own rules (providers/azure/replace-forcing.ts): each was wrong before.
    { cloud: "azure", type: "azure-native:app:ManagedEnvironment", what: "an internal environment is not a replacement: ARM refuses the create-only field inside vnetConfiguration", change: (i) => (i.vnetConfiguration.internal = !i.vnetConfiguration.internal), op: "update", refused: ["vnetConfiguration.internal"] },
    { cloud: "azure", type: "azure-native:app:ManagedEnvironment", what: "another infrastructure resource group replaces the environment (flattened, [create, read])", from: (i) => (i.infrastructureResourceGroup = "me-infra-a"), change: (i) => (i.infrastructureResourceGroup = "me-infra-b"), op: "replace" },
    { cloud: "azure", type: "azure-native:app:ContainerApp", what: "another kind replaces the container app ([read, create])", change: (i) => (i.kind = "workflowapp"), op: "replace" },
    { cloud: "azure", type: "azure-native:containerregistry:Registry", options: AZURE_PROD, what: "another zone redundancy is an update ARM refuses (RegistryProperties.zoneRedundancy has no x-ms-mutability), not a replacement", change: (i) => (i.zoneRedundancy = i.zoneRedundancy === "Enabled" ? "Disabled" : "Enabled"), op: "update", refused: ["zoneRedundancy"] },
    { cloud: "azure", type: "azure-native:authorization:RoleAssignment", what: "another role definition is an update ARM refuses, not a replacement", change: (i) => (i.roleDefinitionId = `${i.roleDefinitionId}-other`), op: "update", refused: ["roleDefinitionId"] },
    { cloud: "azure", type: "azure-native:compute:Disk", options: AZURE_PROD, what: "another zone for a disk is an update ARM refuses, not a replacement", change: (i) => (i.zones = ["3"]), op: "update", refused: ["zones"] },
    { cloud: "azure", type: "azure-native:compute:Disk", options: AZURE_PROD, what: "a larger disk is an update", change: (i) => (i.diskSizeGB = i.diskSizeGB * 2), op: "update" },
    { cloud: "azure", type: "azure-native:compute:VirtualMachine", options: AZURE_PROD, what: "another computer name is an update ARM refuses (osProfile is nested), not a replacement", change: (i) => (i.osProfile.computerName = "other"), op: "update", refused: ["osProfile.computerName"] },
    { cloud: "azure", type: "azure-native:keyvault:Vault", what: "another location is an update ARM refuses (no x-ms-mutability on it), not a replacement", change: (i) => (i.location = "westeurope"), op: "update", refused: ["location"] },
    { cloud: "azure", type: "azure-native:network:LoadBalancer", options: AZURE_PROD, what: "another load balancer SKU is an update ARM refuses, not a replacement", change: (i) => (i.sku.name = "Gateway"), op: "update", refused: ["sku.name"] },
    { cloud: "azure", type: "azure-native:network:PublicIPAddress", options: AZURE_PROD, what: "another zone list for a public IP is an update ARM refuses", change: (i) => (i.zones = ["1"]), op: "update", refused: ["zones"] },
    { cloud: "azure", type: "azure-native:network:PublicIPAddress", options: AZURE_PROD, what: "another public IP SKU replaces it (forceNewMap)", change: (i) => (i.sku.name = "Basic"), op: "replace" },
    { cloud: "azure", type: "azure-native:cdn:AFDCustomDomain", options: { stack: "hosts", file: HOSTS, set: { cloud: "azure" } }, what: "a custom domain's host name is not replace-forcing (the program names the domain after its host)", change: (i) => (i.hostName = "other.example.com"), op: "update" },
    { cloud: "gcp", type: "gcp:redis/instance:Instance", what: "a new tier re-creates the Memorystore instance", change: (i) => (i.tier = i.tier === "BASIC" ? "STANDARD_HA" : "BASIC"), op: "replace" },
    { cloud: "gcp", type: "gcp:redis/instance:Instance", what: "a new size scales the instance in place", change: (i) => (i.memorySizeGb = 16), op: "update" },
    { cloud: "gcp", type: "gcp:redis/instance:Instance", what: "a higher Redis version upgrades in place", from: (i) => (i.redisVersion = "REDIS_6_X"), change: (i) => (i.redisVersion = "REDIS_7_2"), op: "update" },
];

describe("replacement rows checked against the provider sources", () => {
    for (const fact of ROW_FACTS) {
        it(`${fact.cloud}: ${fact.what}`, async () => {
            const planned = (await baseline(fact.options ?? { stack: "dev", set: { cloud: fact.cloud } })).ofType(fact.type)[0];
            assert.ok(planned, `the plan creates no ${fact.type}`);
            // Copies: the baseline plan is shared.
            const deployed = JSON.parse(JSON.stringify(planned.inputs));
            fact.from?.(deployed);
            const inputs = JSON.parse(JSON.stringify(deployed));
            fact.change(inputs);
            const changes = diffRuns([{ ...planned, inputs: deployed }], [{ ...planned, inputs }], replaceTable(fact.cloud));
            assert.deepStrictEqual(changes.map((c) => c.op), [fact.op]);
            assert.deepStrictEqual(refusedUpdates(changes).flatMap((c) => c.refused), fact.refused ?? []);
        });
    }
});

describe("the diff of two runs", () => {
    const table = {
        "t:db": { source: "test", stateful: true, nameProperty: "name", forceNew: ["dbName", "settings.zone"] },
        "t:app": { source: "test", forceNew: ["db"] },
    };

    it("lists changed leaf paths without array indexes", () => {
        assert.deepStrictEqual(changedPaths({ a: 1, b: [{ c: 1 }, { c: 2 }] }, { a: 1, b: [{ c: 1 }, { c: 3 }] }), ["b.c"]);
        assert.deepStrictEqual(changedPaths({ a: 1 }, { a: 1, s: { x: 1, y: [1] } }), ["s.x", "s.y"]);
    });

    it("compares two values as their JSON texts, as it did by making them: same text, same value", () => {
        // Pairs whose texts JSON.stringify makes equal or not in ways a structural compare can miss.
        const pairs: [unknown, unknown][] = [
            [{ a: 1, b: 2 }, { b: 2, a: 1 }], // key order is in the text
            [{ a: undefined, b: 1 }, { b: 1 }], // an undefined property is left out
            [{ a: () => 1 }, {}],
            [[undefined], [null]], // an undefined element is null
            [[() => 1, Symbol("s")], [null, null]],
            [NaN, null],
            [[Infinity], [null]],
            [0, -0],
            ["1", 1],
            ["null", null],
            [true, "true"],
            [undefined, () => 1], // neither has a text
            [{ toJSON: () => "x" }, "x"],
            [new Date(0), "1970-01-01T00:00:00.000Z"],
            [Object.assign(Object.create(null), { a: 1 }), { a: 1 }],
            [[1, [2, { c: [3] }]], [1, [2, { c: [3] }]]],
            [[1, [2, { c: [3] }]], [1, [2, { c: [4] }]]],
            [{ a: [] }, { a: {} }],
            [{ a: {} }, { a: null }],
            [[1, 2], [1, 2, undefined]],
        ];
        for (const [a, b] of pairs) {
            assert.strictEqual(sameJson(a, b), JSON.stringify(a) === JSON.stringify(b), `${String(JSON.stringify(a))} against ${String(JSON.stringify(b))}`);
            assert.strictEqual(sameJson(b, a), JSON.stringify(b) === JSON.stringify(a));
        }
    });

    it("updates on an ordinary change, replaces on a replace-forcing one, and names the property", () => {
        const before = [resource("t:db", "db", { dbName: "a", size: 1, settings: { zone: "a" } })];
        assert.deepStrictEqual(diffRuns(before, [resource("t:db", "db", { dbName: "a", size: 2, settings: { zone: "a" } })], table), [{ type: "t:db", name: "db", op: "update", properties: ["size"], stateful: true }]);
        const replaced = diffRuns(before, [resource("t:db", "db", { dbName: "a", size: 1, settings: { zone: "b" } })], table);
        assert.deepStrictEqual(replaced.map((c) => [c.op, c.properties]), [["replace", ["settings.zone"]]]);
        assert.strictEqual(dataLoss(replaced).length, 1);
    });

    it("marks a replacement of an explicitly named bridged resource as delete-before-replace", () => {
        const before = [resource("t:db", "db", { name: "fixed", dbName: "a" })];
        const [change] = diffRuns(before, [resource("t:db", "db", { name: "fixed", dbName: "b" })], table);
        assert.strictEqual(change.deleteBeforeReplace, true);
    });

    it("ignores what ignoreChanges keeps from state, and honours replaceOnChanges", () => {
        const before = [resource("t:db", "db", { dbName: "a", size: 1 }, { ignoreChanges: ["dbName"], replaceOnChanges: ["size"] })];
        const after = [resource("t:db", "db", { dbName: "b", size: 1 }, { ignoreChanges: ["dbName"], replaceOnChanges: ["size"] })];
        assert.deepStrictEqual(diffRuns(before, after, table), []);
        const resized = [resource("t:db", "db", { dbName: "a", size: 2 }, { ignoreChanges: ["dbName"], replaceOnChanges: ["size"] })];
        assert.deepStrictEqual(diffRuns(before, resized, table)[0].op, "replace");
    });

    it("cascades a replacement into a resource whose replace-forcing input comes from it", () => {
        const db = resource("t:db", "db", { dbName: "a" });
        const app = resource("t:app", "app", { db: "id-1", other: 1 }, { propertyDependencies: { db: [db.urn] } });
        const after = [resource("t:db", "db", { dbName: "b" }), app];
        const changes = diffRuns([db, app], after, table);
        assert.deepStrictEqual(
            changes.map((c) => `${c.op} ${c.name} ${c.properties.join(",")} ${c.cascadeFrom?.name ?? ""}`),
            ["replace db dbName ", "replace app db db"],
        );
    });

    it("marks an update of a property the cloud refuses to change in place, also when it comes from a replaced resource", () => {
        const refusing = { ...table, "t:vm": { source: "test", forceNew: ["name"], refused: ["profile.zone", "disk"] } };
        const vm = resource("t:vm", "vm", { name: "a", profile: { zone: "1", size: 1 } });
        const [resized] = diffRuns([vm], [resource("t:vm", "vm", { name: "a", profile: { zone: "1", size: 2 } })], refusing);
        assert.deepStrictEqual([resized.op, resized.refused], ["update", undefined]);
        const [moved] = diffRuns([vm], [resource("t:vm", "vm", { name: "a", profile: { zone: "2", size: 1 } })], refusing);
        assert.deepStrictEqual([moved.op, moved.properties, moved.refused], ["update", ["profile.zone"], ["profile.zone"]]);
        const db = resource("t:db", "db", { dbName: "a" });
        const attached = resource("t:vm", "vm", { name: "a", disk: "id-1" }, { propertyDependencies: { disk: [db.urn] } });
        const changes = diffRuns([db, attached], [resource("t:db", "db", { dbName: "b" }), attached], refusing);
        assert.deepStrictEqual(refusedUpdates(changes).map((c) => [c.name, c.refused]), [["vm", ["disk"]]]);
    });

    it("puts stateful changes first and counts creates and deletes", () => {
        const changes = diffRuns([resource("t:app", "gone", {})], [resource("t:db", "new", {})], table);
        assert.deepStrictEqual(changes.map((c) => `${c.op} ${c.name}`), ["create new", "delete gone"]);
    });
});

describe("npm run plan -- --change", () => {
    it("prints each difference and exits 0 when nothing stateful is replaced or deleted", async () => {
        const { code, stdout } = await planCli("--stack", "dev", "--cloud", "aws", "--change", "services.app.image=ghcr.io/anycloud-examples/biblioteca-app:1.5.0");
        assert.strictEqual(code, 0, stdout);
        assert.match(stdout, /\+- replace aws:ecs\/taskDefinition:TaskDefinition {2}app-task {2}forced by containerDefinitions/);
        assert.match(stdout, /~ update aws:ecs\/service:Service {2}app-service {2}taskDefinition/);
        assert.match(stdout, /; 0 stateful replaced or deleted$/m);
    });

    it("--json prints {changes} and exits 4 when a stateful resource would be deleted", async () => {
        const { code, stdout } = await planCli("--stack", "dev", "--cloud", "gcp", "--json", "--change", "buckets=[]", "--change", `services.app.uses=["database","cache","search"]`, "--change", `services.worker.uses=["database","cache","search"]`, "--change", `services.processor.uses=["cache"]`);
        assert.strictEqual(code, 4, stdout);
        const { changes } = JSON.parse(stdout);
        assert.deepStrictEqual(Object.keys(changes[0]).slice(0, 5), ["type", "name", "op", "properties", "stateful"]);
        const bucket = changes.find((c: any) => c.type === "gcp:storage/bucket:Bucket");
        assert.deepStrictEqual([bucket.op, bucket.stateful], ["delete", true]);
        assert.strictEqual(changes[0].stateful, true, "stateful changes come first");
    });

    it("Azure network.zones on a running stack exits 2 (it exited 5: the disks', VMs' and IP's zones are fixed at creation), naming the key, the zones it runs in and the way", async () => {
        const { code, stderr } = await planCli("--stack", "prod", "--cloud", "azure", "--change", "network.zones=2");
        assert.strictEqual(code, 2, stderr);
        assert.match(stderr, /^With --change network\.zones=2: Invalid stack config \(1 problem\)[^]*anycloud:network\.zones: got 2; accepted: 3, the zones this stack runs in \(its egress public IP \S+ is in zones 1, 2, 3\)[^]*deploy a new stack with network\.zones=2 and copy the data over; or keep network\.zones=3/);
    });

    it("a PostgreSQL major bump without the opt-in exits 2: the second plan sees the server the first one left", async () => {
        const { code, stderr } = await planCli("--stack", "dev", "--cloud", "aws", "--change", "database.version=17");
        assert.strictEqual(code, 2, stderr);
        assert.match(stderr, /^With --change database\.version=17: Invalid stack config \(1 problem\)[^]*anycloud:database\.version: got 17; accepted: 16 \(what the server \S+ runs: PostgreSQL 16\.4\)/);
    });

    it("exits 2 naming --change when the changed config is invalid", async () => {
        const { code, stderr } = await planCli("--stack", "dev", "--cloud", "aws", "--change", "database.version=9");
        assert.strictEqual(code, 2);
        assert.match(stderr, /^With --change database\.version=9: Invalid stack config/);
    });
});
