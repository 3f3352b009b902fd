import * as assert from "assert";
import { runOffline } from "../stacks/offline";
import { generatedSecrets, Plan, plan, planError, plainSecretLeaks, baseline, stackConfig } from "./harness";

/** The env a container of a service gets on the local target, as KEY -> value (secrets unwrapped). */
function containerEnv(p: Plan, service: string): Record<string, string> {
    const container = p.one("docker:index/container:Container", `${service}-container`);
    return Object.fromEntries((container.inputs.envs as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

describe("the program (worked example on the local target)", () => {
    let dev: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev" });
    });

    describe("bad config", () => {
        it("stops before any resource is registered, naming the key, value and what is accepted", async () => {
            const err = await planError({ stack: "dev", set: { "loadBalancer.routes": [{ path: "/", service: "ghost" }] } });
            assert.match(err.message, /anycloud:loadBalancer\.routes\[0\]\.service: got "ghost"; accepted: the name of a service: app, worker, processor/);
        });
        it("a cloud-specific size problem is also caught before registration", async () => {
            const err = await planError({ stack: "dev", set: { "database.readReplicas": 2 } });
            assert.deepStrictEqual(err.problems.map((p) => p.key), ["anycloud:database.readReplicas"]);
        });
    });

    describe("components and wiring", () => {
        it("builds the foundation, the seven components and the jobs as parents of the native resources", () => {
            const components = dev.resources.filter((r) => r.type.startsWith("anycloud:index:")).map((r) => `${r.type.slice(15)}/${r.name}`);
            assert.deepStrictEqual(components.sort(), [
                "Cache/cache",
                "ContainerService/app",
                "ContainerService/processor",
                "ContainerService/worker",
                "Database/database",
                "Foundation/foundation",
                "Job/migrate",
                "Job/nightly",
                "LoadBalancer/lb",
                "Network/network",
                "ObjectStore/storage",
                "SearchCluster/search",
            ]);
            const pg = dev.one("docker:index/container:Container", "database-server");
            assert.strictEqual(pg.parent, dev.component("Database", "database").urn);
        });
        it("gives a service that uses everything the guides' variables", () => {
            const env = containerEnv(dev, "app");
            for (const k of ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD", "S3_BUCKET", "S3_BUCKET_DOCUMENTS", "S3_ENDPOINT", "JWT_SECRET", "SESSION_SECRET", "NODE_ENV"]) {
                assert.ok(env[k] !== undefined && env[k] !== "", `app lacks ${k}`);
            }
            assert.strictEqual(env.DB_NAME, "biblioteca_digital");
            assert.strictEqual(env.DB_PORT, "5432");
            assert.match(env.DATABASE_URL, /^postgresql:\/\/biblioteca_digital_owner:[^@]+@database:5432\/biblioteca_digital\?sslmode=disable$/);
            assert.match(env.REDIS_URL, /^redis:\/\/:[^@]+@cache:6379$/);
        });
        it("gives a service only the variables of the parts it uses", () => {
            const env = containerEnv(dev, "processor");
            assert.ok(env.REDIS_URL && env.S3_BUCKET);
            for (const k of Object.keys(env)) {
                assert.ok(!/^(DB_|DATABASE_URL|ELASTICSEARCH_)/.test(k), `processor should not get ${k}`);
            }
        });
        it("gives each service its own generated secrets", () => {
            assert.notStrictEqual(containerEnv(dev, "app").JWT_SECRET, containerEnv(dev, "app").SESSION_SECRET);
            assert.strictEqual(containerEnv(dev, "worker").JWT_SECRET, undefined);
        });
    });

    describe("secrets", () => {
        it("no generated password appears in any non-secret input or output", () => {
            assert.ok(generatedSecrets(dev).length >= 8, "database, cache, search, storage and service secrets are generated");
            assert.deepStrictEqual(plainSecretLeaks(dev), []);
        });
        it("the database URL and passwords are secret outputs, hosts are not", () => {
            assert.ok(dev.run.secretOutputPaths.includes("databaseUrl"));
            assert.ok(!dev.run.secretOutputPaths.some((p) => p.startsWith("database.")));
            const secrets = generatedSecrets(dev);
            const plain = JSON.stringify(dev.outputs.database) + JSON.stringify(dev.outputs.cache) + JSON.stringify(dev.outputs.search);
            assert.ok(!secrets.some((s) => plain.includes(s)));
        });
    });

    describe("determinism and isolation", () => {
        it("two runs of the same config register byte-identical inputs", async () => {
            const again = await plan({ stack: "dev" });
            const strip = (p: Plan) => JSON.stringify(p.resources.map((r) => [r.type, r.name, r.parent, r.inputs]).sort());
            assert.strictEqual(strip(again), strip(dev));
        });
        it("runs several stacks in one process without leaking resources between them", async () => {
            const hosts = await plan({ stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml" });
            assert.strictEqual(hosts.ofType("anycloud:index:SearchCluster").length, 0);
            assert.deepStrictEqual(hosts.ofType("anycloud:index:ContainerService").map((r) => r.name).sort(), ["api", "web"]);
            const devAgain = await plan({ stack: "dev" });
            assert.strictEqual(devAgain.resources.length, dev.resources.length);
        });
        it("queues overlapping runs instead of mixing their resources (the mock monitor is process-wide)", async () => {
            // runOffline itself, started twice at once (the harness's plan() queues its own runs).
            const start = (cloud: string) => runOffline({ ...stackConfig({ stack: "dev", set: { cloud } }), stack: "dev" });
            const [local, aws] = await Promise.all([start("local"), start("aws")]);
            assert.ok(local.resources.every((r) => !r.type.startsWith("aws:")), "an AWS resource landed in the local run");
            assert.ok(aws.resources.every((r) => !r.type.startsWith("docker:")), "a Docker resource landed in the AWS run");
        });
    });

    describe("outputs", () => {
        it("have the cloud-neutral shape", () => {
            assert.deepStrictEqual(Object.keys(dev.outputs).sort(), ["buckets", "cache", "cloud", "database", "databaseUrl", "dnsRecords", "environment", "https", "jobs", "region", "search", "services", "url"]);
            assert.deepStrictEqual(dev.outputs.jobs, {
                migrate: { trigger: "beforeDeploy", logs: "docker logs anycloud-dev-job-migrate" },
                nightly: {
                    trigger: "schedule 0 3 * * * (UTC); not started by the local target: add to the Docker host's crontab: CRON_TZ=UTC\n0 3 * * * docker start -a anycloud-dev-job-nightly",
                    logs: "docker logs anycloud-dev-job-nightly",
                },
            });
            assert.deepStrictEqual(Object.keys(dev.outputs.database).sort(), ["databases", "host", "pendingRestart", "port", "readReplicaHosts", "restartCommand", "username"]);
            assert.deepStrictEqual(dev.outputs.database.pendingRestart, [], "the container is recreated with new flags: nothing waits for a restart");
            assert.deepStrictEqual(Object.keys(dev.outputs.services).sort(), ["app", "processor", "worker"]);
            assert.strictEqual(dev.outputs.url, "http://localhost:8080");
        });
    });
});

// README "Tests and CI": a shared plan (baseline()) is frozen, so a test that changed it for every
// other test fails instead. Checked on the plan `dev` above shares (the same run, no new one).
describe("a shared plan (test/harness.ts baseline) is frozen all the way down", () => {
    let dev: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev" });
    });

    /** The first object found inside an array inside `value` (depth first), with its path. */
    const objectInArray = (value: unknown, at: string): { at: string; object: object } | undefined => {
        if (value === null || typeof value !== "object") return undefined;
        for (const [k, v] of Object.entries(value)) {
            if (Array.isArray(value) && v !== null && typeof v === "object" && !Array.isArray(v)) return { at: `${at}[${k}]`, object: v };
            const found = objectInArray(v, Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`);
            if (found) return found;
        }
        return undefined;
    };

    it("its resources, each resource's inputs and outputs, and the stack outputs: a write throws (strict mode), the plan unchanged", () => {
        const resource = dev.resources.find((r) => objectInArray(r.inputs, "inputs"))!;
        assert.ok(resource, "a resource with an object inside an array in its inputs");
        const nested = objectInArray(resource.inputs, "inputs")!;
        const output = Object.entries(dev.outputs).find(([, v]) => v !== null && typeof v === "object");
        assert.ok(output, "a stack output that is an object");
        // Each checked frozen before it is written to: a broken freeze fails here without changing the shared plan.
        const writes: [string, object, () => void][] = [
            ["the resource list", dev.resources, () => (dev.resources as unknown[]).push({})],
            ["a resource", resource, () => ((resource as unknown as Record<string, unknown>).name = "changed")],
            [`${resource.name}'s inputs`, resource.inputs, () => ((resource.inputs as Record<string, unknown>).added = 1)],
            [`${resource.name}'s ${nested.at}`, nested.object, () => ((nested.object as Record<string, unknown>).added = 1)],
            [`${resource.name}'s outputs`, resource.outputs, () => ((resource.outputs as Record<string, unknown>).added = 1)],
            ["the stack outputs", dev.outputs, () => ((dev.outputs as Record<string, unknown>).added = 1)],
            [`stack output ${output![0]}`, output![1], () => ((output![1] as Record<string, unknown>).added = 1)],
        ];
        for (const [what, target, write] of writes) {
            assert.ok(Object.isFrozen(target), `${what} is frozen`);
            assert.throws(write, TypeError, `writing to ${what} throws`);
        }
        assert.strictEqual(dev.resources.find((r) => r.urn === resource.urn)!.name, resource.name);
        assert.ok(!("added" in resource.inputs) && !("added" in nested.object) && !("added" in dev.outputs));
    });
});
