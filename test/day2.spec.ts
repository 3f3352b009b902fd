import * as assert from "assert";
import { Change, dataLoss, diffRuns, replaceTable } from "../stacks/changes";
import { Cloud } from "../stacks/settings";
import { baseline, plan, PlanOptions } from "./harness";

/**
 * Day 2: a config change, a second `up` and a cloud that answers differently weeks later. Each
 * test plans the stack as it is and as it would be, and diffs the two the way `pulumi up` would
 * (stacks/changes.ts with the providers' replace-forcing tables).
 */

const cell = (cloud: Cloud, environment: "dev" | "prod"): PlanOptions => ({ stack: environment, set: { cloud } });

async function changesFor(options: PlanOptions, set: Record<string, unknown>, facts?: PlanOptions["facts"]): Promise<Change[]> {
    const cloud = options.set!.cloud as Cloud;
    const before = await baseline(options);
    const after = await plan({ ...options, set: { ...options.set, ...set }, facts });
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
        const redis6 = await plan({ ...cell("aws", "dev"), set: { cloud: "aws", "cache.version": 6 } });
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
        const changes = await changesFor(cell("azure", "dev"), { "database.highAvailability": true, "database.size": "medium", "network.zones": 3 });
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), []);
    });
});

describe("day 2: the cloud answers differently, the stack does not change", () => {
    const FACTS = [{ newerImages: true }, { zonesReordered: true }, { zoneDown: true }, { otherAccount: true }];
    for (const cloud of ["aws", "gcp", "azure"] as Cloud[]) {
        it(`${cloud}: a newer image, zones reordered or one down, another account: nothing stateful replaced`, async () => {
            // Azure resource ids contain the subscription, which is the provider's config: another
            // subscription is another deployment target, not a changed answer.
            for (const facts of cloud === "azure" ? FACTS.slice(0, 3) : FACTS) {
                const changes = await changesFor(cell(cloud, "prod"), {}, facts);
                assert.deepStrictEqual(dataLoss(changes).map(describeChange), [], JSON.stringify(facts));
            }
        });
    }
});
