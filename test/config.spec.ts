import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../stacks/errors";
import { loadBackend } from "../providers/load";
import { loadSettings } from "../stacks/load-settings";
import { TOP_LEVEL_KEYS } from "../stacks/schema";
import { projectName, readStack, readStackConfig } from "../stacks/stack-files";
import { stackConfig } from "./harness";

const ID = { project: "anycloud", stack: "test" };
const ROOT = path.resolve(__dirname, "..");

/** The worked example's config map, changed by path (undefined removes a key). */
function config(set: Record<string, unknown> = {}, stack = "dev"): Record<string, string> {
    return stackConfig({ stack, set }).config;
}

function problemsOf(cfg: Record<string, string>) {
    try {
        loadSettings(cfg, ID);
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), `expected a ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

function onlyProblem(cfg: Record<string, string>) {
    const problems = problemsOf(cfg);
    assert.strictEqual(problems.length, 1, `expected one problem, got ${JSON.stringify(problems, null, 1)}`);
    return problems[0];
}

describe("stack files", () => {
    it("readStack gives the project's name and the config readStackConfig gives, from one read of Pulumi.yaml", () => {
        const file = path.join(ROOT, "Pulumi.dev.yaml");
        assert.deepStrictEqual(readStack(ROOT, file), { project: projectName(ROOT), config: readStackConfig(ROOT, file) });
        assert.strictEqual(readStack(ROOT, file).project, "anycloud");
    });
    it("readStack names another project's keys by that project's name (a fork renamed in Pulumi.yaml)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-stack-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig:\n  cloud:\n    default: local\n  aws:region: eu-west-1\n");
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  shop:cloud: aws\n");
            assert.deepStrictEqual(readStack(dir, path.join(dir, "Pulumi.dev.yaml")), { project: "shop", config: { "shop:cloud": "aws", "aws:region": "eu-west-1" } });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("what checking a config loads", () => {
    it("its own target's checks only, no replace table (no overrides), and the RDS root CAs (150 KB) only for AWS", function () {
        this.timeout(60000);
        // One new process: the worked example's settings on each target in turn, and after each,
        // which targets' checks (validate.ts) and RDS roots the process has loaded so far.
        const script = `const { readStackConfig, setConfigValue } = require("./stacks/stack-files.ts");
const { loadSettings } = require("./stacks/load-settings.ts");
const loaded = () => Object.keys(require.cache).map((f) => f.replace(/\\\\/g, "/")).filter((f) => /providers\\/\\w+\\/(validate|replace-forcing|rds-ca-roots)\\.ts$/.test(f)).map((f) => f.split("/providers/")[1]).sort();
const after = [];
for (const cloud of ["gcp", "azure", "local", "aws"]) {
    const config = readStackConfig(".", "Pulumi.dev.yaml");
    setConfigValue(config, "cloud", cloud);
    after.push([loadSettings(config, { project: "anycloud", stack: "dev" }).cloud, loaded()]);
}
process.stdout.write(JSON.stringify(after));`;
        const run = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.deepStrictEqual(JSON.parse(run.stdout), [
            ["gcp", ["gcp/validate.ts"]],
            ["azure", ["azure/validate.ts", "gcp/validate.ts"]],
            ["local", ["azure/validate.ts", "gcp/validate.ts", "local/validate.ts"]],
            ["aws", ["aws/rds-ca-roots.ts", "aws/validate.ts", "azure/validate.ts", "gcp/validate.ts", "local/validate.ts"]],
        ]);
    });
});

describe("config model", () => {
    describe("the worked example (Pulumi.dev.yaml)", () => {
        const s = loadSettings(config(), ID);

        it("has the three services with app public and the workers internal", () => {
            assert.deepStrictEqual(
                s.services.map((x) => [x.name, x.public]),
                [["app", true], ["worker", false], ["processor", false]],
            );
        });
        it("wires app to every part, worker to all but nothing public, processor to cache and documents", () => {
            const by = Object.fromEntries(s.services.map((x) => [x.name, x.uses]));
            assert.deepStrictEqual(by.app, { database: "biblioteca_digital", cache: true, search: true, buckets: ["documents"], services: [] });
            assert.deepStrictEqual(by.worker, { database: "biblioteca_digital", cache: true, search: true, buckets: ["documents"], services: [] });
            assert.deepStrictEqual(by.processor, { cache: true, search: false, buckets: ["documents"], services: [] });
        });
        it("defaults the app's health path and keeps its generated secrets", () => {
            const app = s.services.find((x) => x.name === "app")!;
            assert.strictEqual(app.healthPath, "/health");
            assert.deepStrictEqual(app.secrets, ["JWT_SECRET", "SESSION_SECRET"]);
        });
        it("has PostgreSQL 16 with the database and extensions, and the guides' parameters", () => {
            assert.strictEqual(s.database!.version, 16);
            assert.deepStrictEqual(s.database!.databases, ["biblioteca_digital"]);
            assert.deepStrictEqual(s.database!.extensions, ["uuid-ossp", "pg_trgm"]);
            assert.strictEqual(s.database!.parameters.log_min_duration_statement, 1000);
        });
        it("rate-limits /api/* to 5 req/s per IP and allows 32 MiB bodies (the most every target takes)", () => {
            const api = s.loadBalancer!.routes.find((r) => r.path === "/api/*")!;
            assert.deepStrictEqual(api.rateLimit, { requests: 5, per: "second", burst: 5 });
            assert.strictEqual(s.loadBalancer!.maxBodyMb, 32);
        });
    });

    describe("environment presets", () => {
        it("dev is the cheap shape: scale to zero, single-instance data, short retention, no protection", () => {
            const s = loadSettings(config(), ID);
            assert.strictEqual(s.services.find((x) => x.name === "app")!.replicas.min, 0);
            assert.strictEqual(s.database!.highAvailability, false);
            assert.strictEqual(s.database!.backupRetentionDays, 7);
            assert.strictEqual(s.protect, false);
            assert.strictEqual(s.network.zones, 2);
        });
        it("prod is zone-redundant with failover, ≥ 2 replicas, 30-day backups, 3 search nodes and protection", () => {
            const s = loadSettings(config({}, "prod"), ID);
            assert.strictEqual(s.network.zones, 3);
            assert.strictEqual(s.database!.highAvailability, true);
            assert.strictEqual(s.database!.deletionProtection, true);
            assert.strictEqual(s.database!.backupRetentionDays, 30);
            assert.strictEqual(s.cache!.highAvailability, true);
            assert.strictEqual(s.search!.nodes, 3);
            assert.ok(s.services.filter((x) => x.public).every((x) => x.replicas.min >= 2));
            assert.strictEqual(s.protect, true);
        });
        it("lets every key override the preset", () => {
            const s = loadSettings(
                config({ "database.size": "large", "database.backupRetentionDays": 14, "services.app.replicas": { min: 1, max: 4 }, "logs.retentionDays": 30 }),
                ID,
            );
            assert.strictEqual(s.database!.size, "large");
            assert.strictEqual(s.database!.backupRetentionDays, 14);
            assert.deepStrictEqual(s.services.find((x) => x.name === "app")!.replicas, { min: 1, max: 4 });
            assert.strictEqual(s.logs.retentionDays, 30);
        });
        it("never lets a default it filled in be the key a cloud refuses: storageGb 95 in dev passes every cloud's checks", async () => {
            for (const cloud of ["aws", "gcp", "azure", "local"] as const) {
                const s = loadSettings(config({ cloud, "database.storageGb": 95 }), ID);
                assert.ok(s.database!.maxStorageGb >= 105, `${cloud}: maxStorageGb ${s.database!.maxStorageGb}`);
                const problems = (await loadBackend(cloud)).validate(s);
                assert.deepStrictEqual(problems, [], cloud);
            }
        });
        it("defaults to the local cloud and dev when neither is set", () => {
            const s = loadSettings(config({ cloud: undefined, environment: undefined }), ID);
            assert.strictEqual(s.cloud, "local");
            assert.strictEqual(s.environment, "dev");
        });
    });

    describe("bad input stops with one message per problem naming key, value and what is accepted", () => {
        it("an unknown cloud", () => {
            const p = onlyProblem(config({ cloud: "digitalocean" }));
            assert.strictEqual(p.key, "anycloud:cloud");
            assert.strictEqual(p.value, "digitalocean");
            assert.match(p.accepted, /aws, gcp, azure, local/);
        });
        it("an unknown top-level key", () => {
            const p = onlyProblem(config({ databse: { version: 16 } }));
            assert.strictEqual(p.key, "anycloud:databse");
            assert.match(p.accepted, /database/);
        });
        it("an unknown nested key", () => {
            const p = onlyProblem(config({ "services.app.replica": 3 }));
            assert.strictEqual(p.key, "anycloud:services.app.replica");
            assert.match(p.accepted, /unknown key 'replica'/);
        });
        it("a wrong type", () => {
            const p = onlyProblem(config({ "services.app.port": "three thousand" }));
            assert.strictEqual(p.key, "anycloud:services.app.port");
            assert.strictEqual(p.value, "three thousand");
            assert.match(p.accepted, /integer from 1 to 65535/);
        });
        it("a route to a service that does not exist", () => {
            const p = onlyProblem(config({ "loadBalancer.routes": [{ path: "/", service: "frontend" }] }));
            assert.strictEqual(p.key, "anycloud:loadBalancer.routes[0].service");
            assert.strictEqual(p.value, "frontend");
            assert.match(p.accepted, /app, worker, processor/);
        });
        it("a service that uses a part the topology lacks", () => {
            const p = onlyProblem(config({ search: undefined, "services.app.uses": ["database", "search"], "services.worker.uses": ["database"], "services.worker.searchIndices": undefined }));
            assert.strictEqual(p.key, "anycloud:services.app.uses[1]");
            assert.strictEqual(p.value, "search");
            assert.match(p.accepted, /database, database:biblioteca_digital, cache, bucket:documents/);
        });
        it("a bucket or logical database that does not exist", () => {
            const problems = problemsOf(config({ "services.processor.uses": ["cache", "bucket:archive", "database:analytics"] }));
            assert.deepStrictEqual(
                problems.map((p) => [p.key, p.value]),
                [
                    ["anycloud:services.processor.uses[1]", "bucket:archive"],
                    ["anycloud:services.processor.uses[2]", "database:analytics"],
                ],
            );
        });
        it("duplicate names", () => {
            const problems = problemsOf(config({ buckets: ["documents", "documents"], "database.databases": ["a_db", "a_db"] }));
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), ["anycloud:buckets", "anycloud:database.databases"]);
            assert.ok(problems.every((p) => /without duplicates/.test(p.accepted)));
        });
        it("two routes for the same host and path", () => {
            const p = onlyProblem(config({ "loadBalancer.routes": [{ path: "/", service: "app" }, { path: "/*", service: "app" }] }));
            assert.strictEqual(p.key, "anycloud:loadBalancer.routes[1]");
        });
        it("out-of-range sizes and replicas", () => {
            const problems = problemsOf(config({ "services.app.cpu": 3, "services.app.replicas": { min: 5, max: 2 }, "database.storageGb": 5, "loadBalancer.maxBodyMb": 2048 }));
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), [
                "anycloud:database.storageGb",
                "anycloud:loadBalancer.maxBodyMb",
                "anycloud:services.app.cpu",
                "anycloud:services.app.replicas",
            ]);
        });
        it("problems of several keys in the order of the keys' names", () => {
            const problems = problemsOf(config({ tags: "team", "logs.retentionDays": "long", "loadBalancer.maxBodyMb": "big", "alerts.cpuPercent": "high" }));
            assert.deepStrictEqual(
                problems.map((p) => p.key),
                ["anycloud:alerts.cpuPercent", "anycloud:loadBalancer.maxBodyMb", "anycloud:logs.retentionDays", "anycloud:tags"],
            );
        });
        it("orders every top-level key by code unit as localeCompare does (the problems' order above)", () => {
            const byLocale = [...TOP_LEVEL_KEYS].sort((a, b) => a.localeCompare(b));
            assert.deepStrictEqual([...TOP_LEVEL_KEYS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), byLocale);
        });
        it("a worker that could scale to zero", () => {
            const p = onlyProblem(config({ "services.worker.replicas": { min: 0, max: 2 } }));
            assert.strictEqual(p.key, "anycloud:services.worker.replicas.min");
        });
        it("a prod stack without what prod requires", () => {
            const problems = problemsOf(
                config({ "database.highAvailability": false, "services.app.replicas": { min: 1, max: 3 }, "search.nodes": 1, "alerts.email": undefined, "loadBalancer.domain": undefined, protect: false }, "prod"),
            );
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), [
                "anycloud:alerts.email",
                "anycloud:database.highAvailability",
                "anycloud:loadBalancer.domain",
                "anycloud:protect",
                "anycloud:search.nodes",
                "anycloud:services.app.replicas.min",
            ]);
        });
        it("a variable the topology wires itself, or a secret also set as plain env", () => {
            const problems = problemsOf(config({ "services.app.env.DATABASE_URL": "postgres://x", "services.app.env.JWT_SECRET": "plain", "services.worker.env.REDIS_TLS_CA_CERT": "pem" }));
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), ["anycloud:services.app.env.DATABASE_URL", "anycloud:services.app.env.JWT_SECRET", "anycloud:services.worker.env.REDIS_TLS_CA_CERT"]);
        });
        it("a service with both an image and a build, or neither", () => {
            const both = onlyProblem(config({ "services.processor.build": { context: "./processor" } }));
            assert.strictEqual(both.key, "anycloud:services.processor");
            const neither = onlyProblem(config({ "services.processor.image": undefined }));
            assert.match(neither.accepted, /exactly one of image .* or build/);
        });
        it("a public service without a port", () => {
            const p = onlyProblem(config({ "services.app.port": undefined }));
            assert.strictEqual(p.key, "anycloud:services.app.port");
        });
        it("a database parameter no target can set", () => {
            const p = onlyProblem(config({ "database.parameters": { shared_preload_libraries: "pg_cron" } }));
            assert.strictEqual(p.key, "anycloud:database.parameters.shared_preload_libraries");
        });
        it("a GCP stack without a project", () => {
            const p = onlyProblem(config({ cloud: "gcp", "gcp:project": undefined }));
            assert.strictEqual(p.key, "gcp:project");
            assert.match(p.accepted, /pulumi config set gcp:project <id>/);
        });
        it("reports every problem of a config at once", () => {
            const problems = problemsOf(config({ cloud: "ibm", "services.app.port": 0, "database.version": 9, "loadBalancer.routes": [{ path: "/", service: "ghost" }] }));
            assert.deepStrictEqual(problems.map((p) => p.key).sort(), [
                "anycloud:cloud",
                "anycloud:database.version",
                "anycloud:loadBalancer.routes[0].service",
                "anycloud:services.app.port",
            ]);
        });
        it("formats one line per problem: key, value, accepted", () => {
            try {
                loadSettings(config({ "cache.version": 5 }), ID);
                assert.fail("expected a ConfigError");
            } catch (e) {
                assert.ok(ConfigError.isInstance(e));
                assert.strictEqual(e.message.split("\n")[1], "  - anycloud:cache.version: got 5; accepted: one of 6, 7, 8");
            }
        });
    });
});
