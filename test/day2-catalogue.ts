import * as assert from "assert";
import { Change, dataLoss, diffRuns, refusedUpdates, replaceTable } from "../stacks/changes";
import { ConfigError } from "../stacks/errors";
import { OfflineRunError } from "../stacks/offline";
import { Cloud } from "../stacks/settings";
import { baseline, PlanOptions, refusal } from "./harness";

/**
 * The day-2 catalogue: the changes users make after the first `up`, on every target × {dev, prod}
 * (local prod is refused by design). Each must either replace or delete nothing stateful, or stop
 * with a config error before anything is registered that names the key and the safe way.
 * PostgreSQL minor versions are not config: RDS, Cloud SQL and Azure apply them in maintenance
 * windows and the providers keep them from showing as a diff.
 */

const IMAGE = "ghcr.io/anycloud-examples/biblioteca-app:1.5.0";

interface Day2Change {
    name: string;
    set: (cloud: Cloud, env: "dev" | "prod") => Record<string, unknown>;
    /** Stateful resources this change removes on purpose (the user removed what held them). */
    removes?: RegExp;
}

const routes = (extra: object[]) => [
    ...extra,
    { path: "/api/*", service: "app", rateLimit: { requests: 10, per: "second" } },
    { path: "/", service: "app" },
];

export const CATALOGUE: Day2Change[] = [
    { name: "bump a service image", set: () => ({ "services.app.image": IMAGE, "services.worker.image": IMAGE }) },
    { name: "add a service", set: () => ({ "services.mailer": { image: IMAGE, command: ["node", "dist/mailer.js"], uses: ["cache"] } }) },
    { name: "remove a service", set: () => ({ "services.processor": undefined }), removes: /(^|-)processor-/ },
    { name: "add a route and a host", set: () => ({ "loadBalancer.domain": "biblioteca.example.org", "loadBalancer.routes": routes([{ host: "admin", path: "/", service: "app" }, { path: "/docs/*", service: "app" }]) }) },
    { name: "add a logical database and an extension", set: (_c, env) => ({ "database.databases": ["biblioteca_digital", "archive"], "database.extensions": ["uuid-ossp", "pg_trgm", ...(env === "prod" ? ["unaccent"] : []), "citext"] }) },
    { name: "reorder database.databases", set: () => ({ "database.databases": ["archive", "biblioteca_digital"] }) },
    { name: "add a bucket", set: () => ({ buckets: ["documents", "exports"] }) },
    { name: "scale replicas", set: () => ({ "services.app.replicas": { min: 3, max: 6 } }) },
    { name: "raise database, cache and search sizes", set: () => ({ "database.size": "large", "database.storageGb": 200, "cache.size": "large", "search.size": "large", "search.storageGb": 100 }) },
    { name: "turn database and cache HA on", set: (cloud) => ({ "database.highAvailability": true, "cache.highAvailability": true, ...(cloud === "azure" ? { "database.size": "medium" } : {}) }) },
    { name: "add a read replica", set: (cloud) => ({ "database.readReplicas": 2, ...(cloud === "azure" ? { "database.size": "medium" } : {}) }) },
    { name: "bump the PostgreSQL major version (with the opt-in)", set: () => ({ "database.version": 17, "database.allowMajorVersionUpgrade": true }) },
    { name: "change log retention", set: () => ({ "logs.retentionDays": 90 }) },
    { name: "change alert thresholds", set: () => ({ "alerts.email": "ops@example.org", "alerts.cpuPercent": 60, "alerts.latencyMs": 1500, "alerts.dbConnectionsPercent": 70 }) },
    { name: "change the domain", set: () => ({ "loadBalancer.domain": "library.example.net" }) },
    { name: "switch a worker to public", set: () => ({ "services.worker.port": 3000, "services.worker.healthPath": "/health", "loadBalancer.routes": routes([{ path: "/jobs/*", service: "worker" }]) }) },
];

const describeChange = (c: Change) => `${c.op} ${c.type} ${c.name} (${c.properties.join(", ")})`;

/**
 * Outcome of one change: the data-losing changes and the updates the cloud would refuse (`up`
 * stopping part-way), or the config error it stopped with and the types registered before it.
 */
async function outcome(options: PlanOptions, cloud: Cloud, change: Day2Change, env: "dev" | "prod"): Promise<{ lost: string[]; refused: string[] } | { error: ConfigError; registered: string[] }> {
    const before = await baseline(options);
    if (REFUSED_AGAINST_DEPLOYED[`${cloud} ${env} ${change.name}`]) {
        // The refusal may arrive just after the run (an apply's rejection): wait for it.
        return refusal({ ...options, set: { ...options.set, ...change.set(cloud, env) }, deployed: before.resources });
    }
    try {
        // Planned against the account as the first `up` left it (look-ups see what runs there).
        const after = await baseline({ ...options, set: { ...options.set, ...change.set(cloud, env) }, deployed: before.resources });
        const changes = diffRuns(before.resources, after.resources, replaceTable(cloud));
        const lost = dataLoss(changes).filter((c) => !(change.removes && c.op === "delete" && change.removes.test(c.name)));
        return { lost: lost.map(describeChange), refused: refusedUpdates(changes).map((c) => `${describeChange(c)} refused: ${c.refused!.join(", ")}`) };
    } catch (e) {
        if (e instanceof OfflineRunError && ConfigError.isInstance(e.cause)) {
            return { error: e.cause, registered: e.registered.map((r) => r.type) };
        }
        throw e;
    }
}

/**
 * Changes a running resource can take only by being re-created, which config alone cannot tell
 * from a first create: the program asks the cloud what runs (the offline mocks answer from what
 * the first plan deployed) and refuses them with one config error naming the key and the opt-in,
 * before the resource is registered (other resources may be: the look-up runs while the program
 * registers them, and a preview stops at the error). Each entry must happen exactly as listed.
 */
const REFUSED_AGAINST_DEPLOYED: Record<string, { key: string; notRegistered: string }> = {
    // Memorystore's tier (BASIC / STANDARD_HA) is create-only (resource_redis_instance.go ForceNew).
    "gcp dev turn database and cache HA on": { key: "anycloud:cache.highAvailability", notRegistered: "gcp:redis/instance:Instance" },
};

/**
 * The catalogue's tests for one target, each change planned against what the first `up` left.
 * One spec file per target (test/day2-catalogue-<cloud>.spec.ts): each is a few hundred plans'
 * CPU, and mocha's parallel workers share out whole files.
 */
export function describeCatalogue(cloud: Cloud): void {
    describe(`day 2 catalogue: ${cloud}`, () => {
        for (const env of cloud === "local" ? (["dev"] as const) : (["dev", "prod"] as const)) {
            describe(`${cloud} ${env}`, () => {
                const options: PlanOptions = { stack: env, set: { cloud } };
                for (const change of CATALOGUE) {
                    it(change.name, async () => {
                        const result = await outcome(options, cloud, change, env);
                        const refused = REFUSED_AGAINST_DEPLOYED[`${cloud} ${env} ${change.name}`];
                        if ("error" in result) {
                            // A refusal must name a key the change touched and what to do instead.
                            const keys = Object.keys(change.set(cloud, env)).map((k) => `anycloud:${k.split(".")[0]}`);
                            assert.ok(keys.some((k) => result.error.message.includes(k)), result.error.message);
                            if (refused) {
                                assert.deepStrictEqual(result.error.problems.map((p) => p.key), [refused.key]);
                                assert.ok(!result.registered.includes(refused.notRegistered), `${refused.notRegistered} was registered before the refusal`);
                            } else {
                                assert.deepStrictEqual(result.registered, [], "registered before the config error");
                            }
                        } else {
                            assert.strictEqual(refused, undefined, `not refused; lost: ${result.lost}`);
                            assert.deepStrictEqual(result.lost, []);
                            assert.deepStrictEqual(result.refused, [], "updates the cloud refuses: `up` would stop part-way");
                        }
                    });
                }
            });
        }
    });
}
