import * as assert from "assert";
import { Change, dataLoss, diffRuns, replaceTable } from "../stacks/changes";
import { elastiCacheCheck } from "../providers/aws/cache";
import { openSearchUpgradesInPlace } from "../providers/aws/replace-forcing";
import { openSearchProblems } from "../providers/aws/search-cluster";
import { baseline, plan, PlanOptions, refusal, secondUp } from "./harness";

/**
 * Day 2 on AWS: `cache.version` and `search.version` against what ElastiCache and OpenSearch
 * Service run. The provider re-creates the replication group for a lower version or Valkey →
 * Redis OSS, and the domain for a version it cannot upgrade to in place; the program asks the
 * cloud what runs and refuses those changes unless the opt-in is set, and `plan --change` reports
 * them as replacements when it is.
 */

const DEV: PlanOptions = { stack: "dev", set: { cloud: "aws" } };
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const DOMAIN = "aws:opensearch/domain:Domain";
const describeChange = (c: Change) => `${c.op} ${c.type} ${c.name} (${c.properties.join(", ")})`;

/** The account as an `up` of `set` on AWS dev leaves it, with what the cloud reports for `type` overridden. */
async function deployedAt(set: Record<string, unknown>, type?: string, outputs?: Record<string, unknown>) {
    const p = await baseline({ stack: "dev", set: { cloud: "aws", ...set } });
    return type ? p.resources.map((r) => (r.type === type ? { ...r, outputs: { ...r.outputs, ...outputs } } : r)) : p.resources;
}

async function changesFor(from: Record<string, unknown>, to: Record<string, unknown>): Promise<Change[]> {
    const before = await baseline({ stack: "dev", set: { cloud: "aws", ...from } });
    const after = await baseline({ stack: "dev", set: { cloud: "aws", ...from, ...to }, deployed: before.resources });
    return diffRuns(before.resources, after.resources, replaceTable("aws"));
}

describe("day 2, AWS: the program asks ElastiCache which engine runs before it asks for another cache.version", () => {
    it("a fresh account: no group of that id (the data source's not-found), so the group is created as configured and no member is looked up", async () => {
        const p = await baseline(DEV);
        const group = p.one(GROUP);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "aws:elasticache/getReplicationGroup:getReplicationGroup").map((i) => i.inputs), [{ replicationGroupId: group.inputs.replicationGroupId }]);
        assert.strictEqual(p.run.invokes.filter((i) => i.token === "aws:elasticache/getCluster:getCluster").length, 0);
        assert.deepStrictEqual([group.inputs.engine, group.inputs.engineVersion], ["valkey", "8.0"]);
    });

    it("a second `up` asks a member cache cluster for the version and sends the same one", async () => {
        const p = await secondUp(DEV);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "aws:elasticache/getCluster:getCluster").map((i) => i.inputs.clusterId), [`${p.one(GROUP).inputs.replicationGroupId}-001`]);
        assert.strictEqual(p.one(GROUP).inputs.engineVersion, "8.0");
    });

    it("cache.version 7 → 6 (Valkey 8.0 → Redis OSS 6.2) stops with one config error naming the key, what runs, what a re-create does and the opt-in; the group is not sent", async () => {
        const { error, registered } = await refusal({ stack: "dev", set: { cloud: "aws", "cache.version": 6 }, deployed: await deployedAt({}) });
        assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:cache.version", 6]]);
        assert.match(error.message, /accepted: 7 \(the ElastiCache group \S+ runs Valkey 8\.0\.1; ElastiCache upgrades in place, Redis OSS to Valkey included, but never goes back/);
        assert.match(error.message, /or 6 together with cache\.allowRecreate: true, which deletes the cache and creates a new one: its contents are lost and its address changes/);
        assert.ok(!registered.includes(GROUP), "the replication group was registered");
    });

    it("with cache.allowRecreate, 7 → 6 is a replacement of the group, deleted first (plan --change exits 4 on it)", async () => {
        const changes = await changesFor({}, { "cache.version": 6, "cache.allowRecreate": true });
        const group = changes.find((c) => c.type === GROUP)!;
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), [`replace ${GROUP} cache-redis (engine, engineVersion)`]);
        assert.strictEqual(group.deleteBeforeReplace, true);
    });

    it("6 → 7 (Redis OSS 6.2 → Valkey 8.0) upgrades the group in place", async () => {
        const changes = await changesFor({ "cache.version": 6 }, { "cache.version": 7 });
        const group = changes.find((c) => c.type === GROUP)!;
        assert.strictEqual(group.op, "update");
        assert.ok(group.properties.includes("engine") && group.properties.includes("engineVersion"), group.properties.join(", "));
    });

    it("6 → 7 creates the valkey8 parameter group beside the redis6.x one and deletes that one only after the move (never delete-first while in use)", async () => {
        const changes = await changesFor({ "cache.version": 6 }, { "cache.version": 7 });
        const groups = changes.filter((c) => c.type === "aws:elasticache/parameterGroup:ParameterGroup").map((c) => `${c.op} ${c.name}`);
        assert.deepStrictEqual(groups.sort(), ["create cache-params-valkey8", "delete cache-params-redis6x"]);
    });

    it("a minor ElastiCache applied itself (Valkey 8.1) is kept: 8.0 again would read as a downgrade and re-create the group", async () => {
        const deployed = await deployedAt({}, GROUP, { engineVersionActual: "8.1.2" });
        const p = await plan({ ...DEV, deployed });
        assert.strictEqual(p.one(GROUP).inputs.engineVersion, "8.1");
    });

    it("the check, unit by unit: what runs decides what is refused and what is sent", () => {
        const check = (version: 6 | 7, engine: string, engineVersion: string, allowRecreate = false) => elastiCacheCheck({ version, allowRecreate }, { engine, engineVersion }, "g");
        assert.deepStrictEqual(check(7, "valkey", "8.0.1"), { engineVersion: "8.0", problems: [] });
        assert.deepStrictEqual(check(7, "redis", "6.2.6"), { engineVersion: "8.0", problems: [] });
        assert.deepStrictEqual(check(6, "redis", "6.2.6"), { engineVersion: "6.2", problems: [] });
        assert.deepStrictEqual(check(6, "valkey", "8.0.1").problems.map((p) => p.key), ["anycloud:cache.version"]);
        assert.deepStrictEqual(check(6, "valkey", "8.0.1", true), { engineVersion: "6.2", problems: [] });
        // Redis OSS 7.1 (a group created outside this program): 6.2 would be a downgrade, Valkey an upgrade.
        assert.match(String(check(6, "redis", "7.1.0").problems[0]?.accepted), /^7 \(/);
        assert.deepStrictEqual(elastiCacheCheck({ version: 7, allowRecreate: false }, undefined, "g"), { engineVersion: "8.0", problems: [] });
    });
});

describe("day 2, AWS: the program asks OpenSearch Service which version runs before it asks for another search.version", () => {
    it("a fresh account: no domain of that name, so the domain is created with the configured version", async () => {
        const p = await baseline(DEV);
        const domain = p.one(DOMAIN);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "aws:opensearch/getDomain:getDomain").map((i) => i.inputs), [{ domainName: domain.inputs.domainName }]);
        assert.strictEqual(domain.inputs.engineVersion, "OpenSearch_2.19");
    });

    it("2.17 → 2.19 and 2.19 → 3.1 upgrade the domain in place", async () => {
        // 2.19 is what the stack runs unset (the test above): from there, the shared dev plan.
        for (const [from, to, deployed] of [["2.17", "2.19", { "search.version": "2.17" }], ["2.19", "3.1", {}]] as const) {
            const domain = (await changesFor(deployed, { "search.version": to })).find((c) => c.type === DOMAIN)!;
            assert.deepStrictEqual([domain.op, domain.properties], ["update", ["engineVersion"]], `${from} → ${to}`);
        }
    });

    it("a lower version stops with one config error naming the key, the running version and the opt-in; the domain is not sent", async () => {
        const { error, registered } = await refusal({ stack: "dev", set: { cloud: "aws", "search.version": "2.17" }, deployed: await deployedAt({}) });
        assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:search.version", "2.17"]]);
        assert.match(error.message, /accepted: 2\.19 or 3\.1 \(the OpenSearch domain \S+ runs 2\.19, and OpenSearch Service upgrades in place only along its upgrade paths, never down\), or "2\.17" together with search\.allowRecreate: true, which deletes the domain and creates a new, empty one/);
        assert.ok(!registered.includes(DOMAIN), "the domain was registered");
    });

    it("a skip the service does not allow (2.17 → 3.1) is refused, naming the version to go through", async () => {
        const { error } = await refusal({ stack: "dev", set: { cloud: "aws", "search.version": "3.1" }, deployed: await deployedAt({ "search.version": "2.17" }) });
        assert.match(error.message, /anycloud:search\.version: got "3\.1"; accepted: 2\.17 or 2\.19 \(the OpenSearch domain \S+ runs 2\.17, .*: reach 3\.1 through 2\.19, one `up` each\)/);
    });

    it("with search.allowRecreate a downgrade is a replacement of the domain, deleted first (plan --change exits 4 on it)", async () => {
        const changes = await changesFor({}, { "search.version": "2.17", "search.allowRecreate": true });
        assert.deepStrictEqual(dataLoss(changes).map(describeChange), [`replace ${DOMAIN} search-domain (engineVersion)`]);
        assert.strictEqual(changes.find((c) => c.type === DOMAIN)!.deleteBeforeReplace, true);
    });

    it("the upgrade paths, as the service documents them", () => {
        const inPlace = (from: string, to: string) => openSearchUpgradesInPlace(from, to);
        assert.deepStrictEqual(
            [inPlace("2.17", "2.19"), inPlace("2.19", "3.1"), inPlace("3.1", "3.3"), inPlace("1.3", "2.19"), inPlace("2.17", "3.1"), inPlace("2.19", "2.17"), inPlace("3.1", "2.19"), inPlace("1.2", "2.5")],
            [true, true, true, true, false, false, false, false],
        );
        assert.deepStrictEqual(openSearchProblems({ version: "2.17", allowRecreate: true }, "2.19", "d"), []);
        assert.deepStrictEqual(openSearchProblems({ version: "2.17", allowRecreate: false }, undefined, "d"), []);
    });
});
