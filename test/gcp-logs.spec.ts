import * as assert from "assert";
import { Plan, baseline, plan } from "./harness";

const T = {
    bucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    sink: "gcp:logging/projectSink:ProjectSink",
};
/** Two stacks in one GCP project. */
const SHARED = { cloud: "gcp", "gcp:project": "team-shared" };

/** The regular expressions of a sink filter's `=~"..."` clauses. */
function filterRegexes(filter: string): RegExp[] {
    return [...filter.matchAll(/=~"((?:[^"\\]|\\.)*)"/g)].map((m) => new RegExp(m[1].replace(/\\\\/g, "\\")));
}

/** Names whose logs a stack must keep: Cloud Run services/jobs, search VMs, Memorystore, forwarding rules. */
function loggedNames(p: Plan): string[] {
    const types = ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool", "gcp:cloudrunv2/job:Job", "gcp:compute/instance:Instance", "gcp:redis/instance:Instance", "gcp:compute/globalForwardingRule:GlobalForwardingRule"];
    return p.resources.filter((r) => types.includes(r.type)).map((r) => String(r.inputs.name));
}

describe("gcp logs: the stack's own bucket, never the project's _Default", function () {
    this.timeout(180000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev", set: { ...SHARED, "logs.retentionDays": 14 } });
        prod = await baseline({ stack: "prod", set: { ...SHARED, "logs.retentionDays": 400 } });
    });

    it("no resource configures the project's _Default (or _Required) bucket or sink", () => {
        for (const p of [dev, prod]) {
            const touched = [...p.ofType(T.bucket).map((b) => b.inputs.bucketId), ...p.ofType(T.sink).map((s) => s.inputs.name)].filter((id) => /^_/.test(String(id)));
            assert.deepStrictEqual(touched, []);
        }
    });

    it("each stack keeps its logs for logs.retentionDays in a bucket of its own", () => {
        const ids = [dev, prod].map((p) => {
            const bucket = p.one(T.bucket);
            assert.strictEqual(bucket.inputs.retentionDays, p === dev ? 14 : 400);
            return String(bucket.inputs.bucketId);
        });
        assert.notStrictEqual(ids[0], ids[1]);
    });

    it("every sink of a stack writes into that stack's bucket, and the two stacks' sinks have different names", () => {
        for (const p of [dev, prod]) {
            const bucketId = p.one(T.bucket).inputs.bucketId;
            for (const sink of p.ofType(T.sink)) {
                assert.strictEqual(sink.inputs.destination, `logging.googleapis.com/projects/team-shared/locations/global/buckets/${bucketId}`);
            }
        }
        const names = (p: Plan) => p.ofType(T.sink).map((s) => s.inputs.name);
        assert.deepStrictEqual(names(dev).filter((n) => names(prod).includes(n)), []);
    });

    it("a stack's filter takes its own services, jobs, VMs, cache and load balancer, and none of the other stack's", () => {
        const stackFilter = (p: Plan) => filterRegexes(String(p.one(T.sink, "foundation-log-sink").inputs.filter));
        for (const [own, other] of [
            [dev, prod],
            [prod, dev],
        ]) {
            const regexes = stackFilter(own);
            const names = loggedNames(own);
            assert.ok(names.length >= 5, `too few named resources: ${names}`);
            assert.deepStrictEqual(names.filter((n) => !regexes.some((r) => r.test(n))), [], "own resources not routed");
            assert.deepStrictEqual(loggedNames(other).filter((n) => regexes.some((r) => r.test(n))), [], "the other stack's resources routed");
        }
    });

    it("a stack whose name only extends another's (app-dev / app-dev2) does not take its logs", () => {
        const regexes = filterRegexes(String(dev.one(T.sink, "foundation-log-sink").inputs.filter));
        const ownPrefix = loggedNames(dev)[0].split("-").slice(0, 2).join("-");
        assert.ok(regexes.some((r) => r.test(`${ownPrefix}-web`)));
        assert.ok(!regexes.some((r) => r.test(`${ownPrefix}2-web`)), `${ownPrefix}2-web matched`);
    });

    it("Cloud SQL logs are routed by the exact instance (generated names carry no prefix)", () => {
        const sink = dev.one(T.sink, "database-log-sink");
        const instance = dev.one("gcp:sql/databaseInstance:DatabaseInstance");
        assert.strictEqual(sink.inputs.filter, `resource.type="cloudsql_database" AND resource.labels.database_id=("team-shared:${instance.outputs.name}")`);
    });

    it("the bucket id carries a random suffix kept in state: destroy → up (a new seed) gets a new id", async () => {
        const again = await plan({ stack: "dev", set: { ...SHARED, "logs.retentionDays": 14 }, randomSeed: "after-destroy" });
        assert.notStrictEqual(again.one(T.bucket).inputs.bucketId, dev.one(T.bucket).inputs.bucketId);
        assert.match(String(dev.one(T.bucket).inputs.bucketId), /^[a-z][a-z0-9-]*-[0-9a-f]{6}$/);
    });
});
