import * as assert from "assert";
import { Change, dataLoss, diffRuns, refusedUpdates, replaceTable } from "../stacks/changes";
import { Cloud } from "../stacks/settings";
import { baseline, plan, PlanOptions, refusal, secondUp, secondUpAfterFailedFirst } from "./harness";

/**
 * Day 2: a config change, a second `up` and a cloud that answers differently weeks later. Each
 * test plans the stack as it is and as it would be, and diffs the two the way `pulumi up` would
 * (stacks/changes.ts with the providers' replace-forcing tables).
 */

const cell = (cloud: Cloud, environment: "dev" | "prod"): PlanOptions => ({ stack: environment, set: { cloud } });
/** A second `up` after a first that succeeded (its resources and outputs) or failed part-way (its resources only). */
const SECOND_UPS = [
    ["", secondUp],
    [" after a first that failed part-way (its resources, no stack outputs)", secondUpAfterFailedFirst],
] as const;

async function changesFor(options: PlanOptions, set: Record<string, unknown>, facts?: PlanOptions["facts"]): Promise<Change[]> {
    const cloud = options.set!.cloud as Cloud;
    const before = await baseline(options);
    // Shared: the catalogue and the tests below plan some of the same changes against the same first `up`.
    const after = await baseline({ ...options, set: { ...options.set, ...set }, facts, deployed: before.resources });
    return diffRuns(before.resources, after.resources, replaceTable(cloud));
}

const describeChange = (c: Change) => `${c.op} ${c.type} ${c.name} (${c.properties.join(", ")})`;
const find = (changes: Change[], type: string, name?: string) => changes.find((c) => c.type === type && (name === undefined || c.name === name));

describe("day 2: each hazard the review found", () => {
    it("AWS: a PostgreSQL major bump with the opt-in upgrades in place, with the new family's group in the same modify", async () => {
        const changes = await changesFor(cell("aws", "prod"), { "database.version": 17, "database.allowMajorVersionUpgrade": true });
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), []);
        const primary = find(changes, "aws:rds/instance:Instance", "database-primary")!;
        assert.strictEqual(primary.op, "update");
        for (const p of ["engineVersion", "parameterGroupName", "allowMajorVersionUpgrade", "applyImmediately"]) {
            assert.ok(primary.properties.includes(p), `${p} not in the modify: ${primary.properties}`);
        }
        assert.strictEqual(find(changes, "aws:rds/parameterGroup:ParameterGroup", "database-params-pg17")?.op, "create");
        assert.strictEqual(find(changes, "aws:rds/parameterGroup:ParameterGroup", "database-params-pg16")?.op, "delete");
    });

    describe("AWS: the program asks RDS which PostgreSQL runs before it asks for another major", () => {
        const LOOKUP = "aws:rds/getInstances:getInstances";
        /** The account as an `up` of `set` on AWS dev leaves it, with RDS's own answer for the version it runs. */
        async function deployedAt(set: Record<string, unknown>, engineVersionActual?: string) {
            const p = await baseline({ stack: "dev", set: { cloud: "aws", ...set } });
            return engineVersionActual ? p.resources.map((r) => (r.type === "aws:rds/instance:Instance" ? { ...r, outputs: { ...r.outputs, engineVersionActual } } : r)) : p.resources;
        }

        it("a fresh account: RDS has no instance of that name, so any version is created, and the instance is not looked up further", async () => {
            const p = await baseline(cell("aws", "dev"));
            const lookups = p.run.invokes.filter((i) => i.token === LOOKUP);
            assert.deepStrictEqual(lookups.map((i) => i.inputs.filters), [[{ name: "db-instance-id", values: [p.one("aws:rds/instance:Instance", "database-primary").inputs.identifier] }]]);
            assert.strictEqual(p.run.invokes.filter((i) => i.token === "aws:rds/getInstance:getInstance").length, 0);
            assert.strictEqual(p.one("aws:rds/instance:Instance", "database-primary").inputs.engineVersion, "16");
        });

        for (const [after, up] of SECOND_UPS) {
            it(`a second \`up\`${after} of the same major asks for nothing new`, async () => {
                const p = await up(cell("aws", "dev"));
                assert.strictEqual(p.one("aws:rds/instance:Instance", "database-primary").inputs.engineVersion, "16");
            });
        }

        it("a major bump without database.allowMajorVersionUpgrade stops with one config error naming the key, both majors and the opt-in; the instance is not sent", async () => {
            const { error, registered } = await refusal({ stack: "dev", set: { cloud: "aws", "database.version": 17 }, deployed: await deployedAt({}) });
            assert.strictEqual(error.problems.length, 1);
            assert.strictEqual(error.problems[0].key, "anycloud:database.version");
            assert.strictEqual(error.problems[0].value, 17);
            assert.match(error.message, /runs: PostgreSQL 16\.4/);
            assert.match(error.message, /17 together with database\.allowMajorVersionUpgrade: true/);
            assert.ok(!registered.includes("aws:rds/instance:Instance"), "the instance was registered");
        });

        it("a changed database.username (create-only: it would replace the instance) stops with one config error naming the login RDS has", async () => {
            const { error, registered } = await refusal({ stack: "dev", set: { cloud: "aws", "database.username": "library" }, deployed: await deployedAt({}) });
            assert.strictEqual(error.problems.length, 1);
            assert.strictEqual(error.problems[0].key, "anycloud:database.username");
            assert.match(error.message, /got "library"; accepted: "\w+", the admin login the server \S+ was created with/);
            assert.ok(!registered.includes("aws:rds/instance:Instance"), "the instance was registered");
        });

        it("a lower major than RDS runs (also one RDS upgraded itself) is refused, opt-in or not", async () => {
            const deployed = await deployedAt({}, "17.2");
            const { error } = await refusal({ stack: "dev", set: { cloud: "aws", "database.allowMajorVersionUpgrade": true }, deployed });
            assert.match(error.message, /anycloud:database\.version: got 16; accepted: 17 or above: the server \S+ runs PostgreSQL 17\.2, and a major version cannot go down/);
        });
    });

    describe("database.username: the program asks the cloud which admin login runs before it asks for another", () => {
        const deployedAt = async (cloud: Cloud, set: Record<string, unknown> = {}) => (await baseline({ stack: "dev", set: { cloud, ...set } })).resources;
        const OPT_IN = /or "library" together with database\.allowUsernameChange: true, which /;

        it("Azure: a fresh subscription has no server of that name (ARM's 404), so the server is created with the configured login", async () => {
            const p = await baseline(cell("azure", "dev"));
            const server = p.one("azure-native:dbforpostgresql:Server", "database-server");
            assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "azure-native:dbforpostgresql:getServer").map((i) => i.inputs), [{ resourceGroupName: server.inputs.resourceGroupName, serverName: server.inputs.serverName }]);
            assert.strictEqual(server.inputs.administratorLogin, "app");
        });

        it("Azure: a changed database.username stops with one config error naming the running login, what a replacement does and the opt-in; the server is not sent", async () => {
            const { error, registered } = await refusal({ stack: "dev", set: { cloud: "azure", "database.username": "library" }, deployed: await deployedAt("azure") });
            assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:database.username", "library"]]);
            assert.match(error.message, /accepted: "app", the admin login the server \S+ was created with \(keep it, and create other roles in SQL\)/);
            assert.match(error.message, OPT_IN);
            assert.match(error.message, /replaces the server: a new, empty one under the same name/);
            assert.ok(!registered.includes("azure-native:dbforpostgresql:Server"), "the server was registered");
        });

        it("Azure: with database.allowUsernameChange the server is replaced (plan --change exits 4 on it)", async () => {
            const changes = await changesFor(cell("azure", "dev"), { "database.username": "library", "database.allowUsernameChange": true });
            assert.ok(dataLoss(changes).map(describeChange).includes("replace azure-native:dbforpostgresql:Server database-server (administratorLogin)"), JSON.stringify(dataLoss(changes).map(describeChange)));
        });

        it("GCP: the instance records the checked login in a label, read back through the project's instance list", async () => {
            const p = await baseline(cell("gcp", "dev"));
            const instance = p.one("gcp:sql/databaseInstance:DatabaseInstance", "database-pg");
            assert.strictEqual(instance.inputs.settings.userLabels["anycloud-admin-login"], "app");
            assert.strictEqual(p.ofType("gcp:sql/databaseInstance:DatabaseInstance").filter((r) => r.inputs.settings.userLabels["anycloud-admin-login"] !== undefined).length, 1, "only the primary records it");
            assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "gcp:sql/getDatabaseInstances:getDatabaseInstances").map((i) => i.inputs), [{ project: p.ofType("gcp:secretmanager/secret:Secret")[0].inputs.project, region: instance.inputs.region }]);
        });

        it("GCP: a changed database.username stops with one config error naming the running login and what the new one does; the login is not sent", async () => {
            const { error, registered } = await refusal({ stack: "dev", set: { cloud: "gcp", "database.username": "library" }, deployed: await deployedAt("gcp") });
            assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:database.username", "library"]]);
            assert.match(error.message, OPT_IN);
            assert.match(error.message, /creates the login "library" beside "app", which keeps its password and owns what it created \(roles, grants, objects\): reassign them in SQL \(REASSIGN OWNED BY app TO library\)/);
            assert.ok(!registered.includes("gcp:sql/user:User"), "the login was registered");
        });

        it("GCP: with database.allowUsernameChange the new login is created and recorded; nothing stateful is lost", async () => {
            const changes = await changesFor(cell("gcp", "dev"), { "database.username": "library", "database.allowUsernameChange": true });
            assert.deepStrictEqual(dataLoss(changes).map(describeChange), []);
            assert.deepStrictEqual(find(changes, "gcp:sql/user:User", "database-user")?.op, "replace");
        });

        it("GCP: an instance created before the label is not checked (its next `up` records the login)", async () => {
            const deployed = (await deployedAt("gcp")).map((r) => {
                if (r.type !== "gcp:sql/databaseInstance:DatabaseInstance") return r;
                const { ["anycloud-admin-login"]: _, ...labels } = r.outputs.settings.userLabels;
                return { ...r, outputs: { ...r.outputs, settings: { ...r.outputs.settings, userLabels: labels } } };
            });
            const p = await plan({ ...cell("gcp", "dev"), set: { cloud: "gcp", "database.username": "library" }, deployed });
            assert.strictEqual(p.one("gcp:sql/databaseInstance:DatabaseInstance", "database-pg").inputs.settings.userLabels["anycloud-admin-login"], "library");
        });

        it("AWS: with database.allowUsernameChange the instance is replaced (plan --change exits 4 on it)", async () => {
            const changes = await changesFor(cell("aws", "dev"), { "database.username": "library", "database.allowUsernameChange": true });
            assert.ok(dataLoss(changes).map(describeChange).includes("replace aws:rds/instance:Instance database-primary (username)"), JSON.stringify(dataLoss(changes).map(describeChange)));
        });
    });

    it("AWS: a worker made public switches FARGATE_SPOT to FARGATE with forceNewDeployment, as the provider requires", async () => {
        const p = await baseline(cell("aws", "dev"));
        const worker = p.one("aws:ecs/service:Service", "worker-service");
        assert.strictEqual(worker.inputs.capacityProviderStrategies[0].capacityProvider, "FARGATE_SPOT");
        assert.strictEqual(worker.inputs.forceNewDeployment, true);
    });

    it("AWS: final snapshot names are unique per creation (a random suffix kept in state)", async () => {
        const p = await baseline(cell("aws", "prod"));
        const db = p.one("aws:rds/instance:Instance", "database-primary");
        const cache = p.one("aws:elasticache/replicationGroup:ReplicationGroup");
        assert.match(db.inputs.finalSnapshotIdentifier, /-final-[0-9a-f]{8}$/);
        assert.match(cache.inputs.finalSnapshotIdentifier, /-final-[0-9a-f]{8}$/);
        assert.ok(p.resources.some((r) => r.type === "random:index/randomId:RandomId" && db.inputs.finalSnapshotIdentifier.endsWith(r.outputs.hex)));
    });

    it("AWS: reordering database.databases replaces nothing (no create-only dbName on the instance)", async () => {
        const changes = await changesFor(cell("aws", "dev"), { "database.databases": ["archive", "biblioteca_digital"] });
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), []);
        assert.strictEqual(find(changes, "aws:rds/instance:Instance", "database-primary"), undefined);
    });

    it("AWS: Redis 6 gets no transitEncryptionMode (Redis 6.2 rejects it), Valkey keeps `required`", async () => {
        const redis6 = await baseline({ ...cell("aws", "dev"), set: { cloud: "aws", "cache.version": 6 } });
        assert.strictEqual(redis6.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.transitEncryptionMode, undefined);
        assert.strictEqual(redis6.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.transitEncryptionEnabled, true);
        assert.strictEqual((await baseline(cell("aws", "dev"))).one("aws:elasticache/replicationGroup:ReplicationGroup").inputs.transitEncryptionMode, "required");
    });

    it("AWS: a service port change creates the new target group before deleting the old one", async () => {
        const changes = await changesFor(cell("aws", "dev"), { "services.app.port": 8080 });
        const group = find(changes, "aws:lb/targetGroup:TargetGroup", "lb-app")!;
        assert.strictEqual(group.op, "replace");
        assert.strictEqual(group.deleteBeforeReplace, false);
    });

    describe("GCP: the program asks Memorystore what runs before it changes a create-only field of the cache", () => {
        const LOOKUP = "gcp:redis/getInstance:getInstance";
        const deployedAt = async (set: Record<string, unknown>) => (await baseline({ stack: "dev", set: { cloud: "gcp", ...set } })).resources;

        it("a fresh project: Memorystore has no instance of that name (the data source's 404), so the instance is created with the configured tier", async () => {
            const p = await baseline(cell("gcp", "dev"));
            const instance = p.one("gcp:redis/instance:Instance", "cache-redis");
            assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === LOOKUP).map((i) => i.inputs), [{ name: instance.inputs.name, region: instance.inputs.region, project: p.ofType("gcp:secretmanager/secret:Secret")[0].inputs.project }]);
            assert.strictEqual(instance.inputs.tier, "BASIC");
        });

        for (const [after, up] of SECOND_UPS) {
            it(`a second \`up\`${after} of the same config asks for the same tier and version`, async () => {
                const p = await up(cell("gcp", "dev"));
                assert.strictEqual(p.one("gcp:redis/instance:Instance", "cache-redis").inputs.tier, "BASIC");
                assert.strictEqual(p.one("gcp:redis/instance:Instance", "cache-redis").inputs.redisVersion, "REDIS_7_2");
            });
        }

        it("turning cache.highAvailability on stops with one config error naming the key, the running tier, what a re-create does and the opt-in; the instance is not sent", async () => {
            const { error, registered } = await refusal({ stack: "dev", set: { cloud: "gcp", "cache.highAvailability": true }, deployed: await deployedAt({}) });
            assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:cache.highAvailability", true]]);
            // The message is the problem, not the serializer's path through every awaiting input.
            assert.match(error.message, /^Invalid stack config \(1 problem\); nothing was deployed:\n  - anycloud:cache\.highAvailability: got true;/);
            assert.match(error.message, /accepted: false \(the Memorystore instance \S+ runs tier BASIC, and the tier is fixed at creation\), or true together with cache\.allowRecreate: true, which deletes the cache and creates a new one: its contents are lost and its address changes/);
            assert.ok(!registered.includes("gcp:redis/instance:Instance"), "the instance was registered");
        });

        it("turning it off in a stack created with HA is refused the same way", async () => {
            const { error } = await refusal({ stack: "dev", set: { cloud: "gcp" }, deployed: await deployedAt({ "cache.highAvailability": true }) });
            assert.match(error.message, /anycloud:cache\.highAvailability: got false; accepted: true \(the Memorystore instance \S+ runs tier STANDARD_HA/);
        });

        it("with cache.allowRecreate the instance is re-created with the new tier (plan --change exits 4 on it)", async () => {
            const changes = await changesFor(cell("gcp", "dev"), { "cache.highAvailability": true, "cache.allowRecreate": true });
            assert.deepStrictEqual(dataLoss(changes).map(describeChange), ["replace gcp:redis/instance:Instance cache-redis (tier)"]);
        });

        it("a lower cache.version is refused, opt-in or not: Memorystore never downgrades, and the provider would not re-create for REDIS_6_X", async () => {
            const { error } = await refusal({ stack: "dev", set: { cloud: "gcp", "cache.version": 6, "cache.allowRecreate": true }, deployed: await deployedAt({}) });
            assert.deepStrictEqual(error.problems.map((p) => p.key), ["anycloud:cache.version"]);
            assert.match(error.message, /got 6; accepted: 7 \(the Memorystore instance \S+ runs REDIS_7_2, and Memorystore upgrades a Redis version in place but never downgrades it\)/);
        });

        it("a higher cache.version upgrades in place", async () => {
            const before = await deployedAt({ "cache.version": 6 });
            const after = await plan({ ...cell("gcp", "dev"), deployed: before });
            const upgrade = diffRuns(before, after.resources, replaceTable("gcp")).find((c) => c.name === "cache-redis")!;
            assert.deepStrictEqual([upgrade.op, upgrade.properties], ["update", ["redisVersion"]]);
        });
    });

    it("GCP: a newer Debian image replaces no search node (the image family, not a link)", async () => {
        const p = await baseline(cell("gcp", "prod"));
        assert.strictEqual(p.ofType("gcp:compute/instance:Instance")[0].inputs.bootDisk.initializeParams.image, "debian-cloud/debian-12");
        const changes = await changesFor(cell("gcp", "prod"), {}, { newerImages: true });
        assert.deepStrictEqual(changes.map(describeChange), []);
    });

    it("GCP: a new host renames the managed certificate and creates it before the old one is deleted", async () => {
        const changes = await changesFor(cell("gcp", "prod"), { "loadBalancer.domain": "www.biblioteca.example.org" });
        const cert = find(changes, "gcp:compute/managedSslCertificate:ManagedSslCertificate")!;
        assert.strictEqual(cert.op, "replace");
        assert.strictEqual(cert.deleteBeforeReplace, false);
        assert.ok(cert.properties.includes("name"));
    });

    for (const facts of [{ zonesReordered: true }, { zoneDown: true }]) {
        it(`GCP: zones answered differently (${Object.keys(facts)[0]}) move no cache, disk or node`, async () => {
            const changes = await changesFor(cell("gcp", "prod"), {}, facts);
            assert.deepStrictEqual(changes.filter((c) => c.op === "replace" || c.op === "delete").map(describeChange), []);
        });
    }

    it("Azure: autogrow's size, the zone and geo-redundant backup are kept from creation", async () => {
        const server = (await baseline(cell("azure", "prod"))).one("azure-native:dbforpostgresql:Server", "database-server");
        for (const p of ["storage.storageSizeGB", "availabilityZone", "backup.geoRedundantBackup"]) {
            assert.ok(server.ignoreChanges.includes(p), p);
        }
        // (Another network.zones on a running stack is refused before this: test/day2-region.spec.ts.)
        const changes = await changesFor(cell("azure", "dev"), { "database.highAvailability": true, "database.size": "medium" });
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), []);
    });
});

describe("day 2: the cloud answers differently, the stack does not change", function () {
    // Each test plans a prod stack three or four times over: under a loaded CI machine that is
    // more than mocha's default minute.
    this.timeout(240000);
    const FACTS = [{ newerImages: true }, { zonesReordered: true }, { zoneDown: true }, { otherAccount: true }];
    for (const cloud of ["aws", "gcp", "azure"] as Cloud[]) {
        it(`${cloud}: a newer image, zones reordered or one down, another account: nothing stateful replaced, no update the cloud refuses`, async () => {
            // Azure resource ids contain the subscription, which is the provider's config: another
            // subscription is another deployment target, not a changed answer.
            for (const facts of cloud === "azure" ? FACTS.slice(0, 3) : FACTS) {
                const changes = await changesFor(cell(cloud, "prod"), {}, facts);
                assert.deepStrictEqual(dataLoss(changes).map(describeChange), [], JSON.stringify(facts));
                assert.deepStrictEqual(refusedUpdates(changes).map(describeChange), [], `updates the cloud refuses: ${JSON.stringify(facts)}`);
            }
        });
    }
});
