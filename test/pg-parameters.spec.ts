import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { serverFlags } from "../providers/local/database";
import { ConfigError } from "../stacks/errors";
import { loadSettings } from "../stacks/load-settings";
import { baseline, planError, stackConfig } from "./harness";
import { findPgBin, freePort, runPgTool, initCluster, TEST_SERVER_OPTIONS } from "./local-servers";

/**
 * PostgreSQL tuning from config (`database.parameters`, the deployment guides' values in the
 * fixture of real apps), validated per cloud, delivered to each cloud's mechanism, and run by a
 * real PostgreSQL with the flags the local target passes.
 */
const FILE = "test/fixtures/Pulumi.apps.yaml";
const VALUES = {
    "operatorSecrets.STRIPE_SECRET_KEY": "sk_live_operator_value_4f1c2e9a",
    "operatorSecrets.SMTP_PASSWORD": "smtp-operator-value-77d0b3",
    "operatorSecrets.N8N_ENCRYPTION_KEY": "n8n-operator-value-a81f",
};
/** The guides' tuning, as the fixture sets it (base units: 8 kB blocks, kB, MB). */
const TUNED = {
    shared_buffers: 65536,
    effective_cache_size: 98304,
    work_mem: 4096,
    maintenance_work_mem: 65536,
    checkpoint_completion_target: 0.9,
    wal_buffers: 2048,
    default_statistics_target: 100,
    random_page_cost: 1.1,
    effective_io_concurrency: 200,
    min_wal_size: 1024,
    max_wal_size: 4096,
};

const apps = (cloud: string, set: Record<string, unknown> = {}) => baseline({ stack: "apps", file: FILE, set: { cloud, ...VALUES, ...set } });
const settingsOf = (set: Record<string, unknown>) => loadSettings(stackConfig({ stack: "apps", file: FILE, set: { ...VALUES, ...set } }).config, { project: "anycloud", stack: "apps" });

function problemsOf(set: Record<string, unknown>): ConfigError {
    try {
        settingsOf(set);
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), String(e));
        return e;
    }
    return assert.fail("expected a config error");
}

describe("PostgreSQL parameters", () => {
    describe("config", () => {
        for (const cloud of ["aws", "gcp", "azure", "local"]) {
            it(`${cloud}: accepts the guides' tuning with its values unchanged`, () => {
                const s = settingsOf({ cloud });
                for (const [k, v] of Object.entries(TUNED)) assert.strictEqual(s.database!.parameters[k], v, k);
            });
        }
        it("listing pg_stat_statements preloads it where the server needs that (not on GCP)", () => {
            assert.strictEqual(settingsOf({ cloud: "aws" }).database!.parameters.shared_preload_libraries, "pg_stat_statements");
            assert.strictEqual(settingsOf({ cloud: "azure", "database.parameters.shared_preload_libraries": "auto_explain" }).database!.parameters.shared_preload_libraries, "auto_explain,pg_stat_statements");
            assert.strictEqual(settingsOf({ cloud: "gcp" }).database!.parameters.shared_preload_libraries, undefined);
        });
        it("gcp: shared_preload_libraries is a parameter Cloud SQL cannot set, and the message says why", () => {
            const e = problemsOf({ cloud: "gcp", "database.parameters.shared_preload_libraries": "auto_explain" });
            const p = e.problems.find((x) => x.key === "anycloud:database.parameters.shared_preload_libraries");
            assert.ok(p && /Cloud SQL has no shared_preload_libraries flag/.test(p.accepted) && p.accepted.includes("shared_buffers"), e.message);
        });
        it("an unknown parameter names the ones the cloud can set", () => {
            const e = problemsOf({ cloud: "gcp", "database.parameters.huge_pages": "on" });
            const p = e.problems.find((x) => x.key === "anycloud:database.parameters.huge_pages")!;
            assert.ok(p.accepted.includes("checkpoint_completion_target") && !p.accepted.includes("shared_preload_libraries"), p.accepted);
        });
        it("a value outside the parameter's range names the range and its unit", () => {
            const e = problemsOf({ cloud: "aws", "database.parameters.checkpoint_completion_target": 1.5, "database.parameters.wal_buffers": 4 });
            assert.ok(e.problems.some((x) => x.key === "anycloud:database.parameters.checkpoint_completion_target" && x.accepted === "a number from 0 to 1"), e.message);
            assert.ok(e.problems.some((x) => x.key === "anycloud:database.parameters.wal_buffers" && x.accepted === "8 kB blocks from 8 to 262143"), e.message);
        });
        for (const [cloud, max] of [["aws", 262144], ["gcp", 491520], ["local", 131072]] as const) {
            it(`${cloud}: shared_buffers above the small size's memory is refused, naming the most it takes`, async () => {
                const e = await planError({ stack: "apps", file: FILE, set: { cloud, ...VALUES, "database.parameters.shared_buffers": max + 1 } });
                assert.ok(e.problems!.some((x) => x.key === "anycloud:database.parameters.shared_buffers" && x.accepted.includes(`from 16 to ${max}`) && x.accepted.endsWith(`nearest accepted: ${max}`)), e.message);
            });
        }
    });

    // Flexible Server's ranges where narrower than PostgreSQL's (providers/azure/sizes.ts, from
    // Learn "Server parameters"): ARM refuses such a configuration at `up`, after the server exists.
    describe("azure: Flexible Server's own ranges, refused before anything is registered", () => {
        const SB = "database.parameters.shared_buffers";
        const refused = async (set: Record<string, unknown>) => (await planError({ stack: "apps", file: FILE, set: { cloud: "azure", ...VALUES, ...set } })).problems!;
        it("shared_buffers above 75 % of the SKU's memory is refused, naming key, value, the SKU's range and the nearest", async () => {
            assert.deepStrictEqual(
                (await refused({ [SB]: 393217 })).map((p) => [p.key, p.value, p.accepted]),
                [[`anycloud:${SB}`, 393217, "8 kB blocks from 52429 to 393216 on Standard_B2s (database.size small): 10 % to 75 % of its 4096 MiB of memory (Flexible Server's allowed range); nearest accepted: 393216"]],
            );
        });
        it("shared_buffers below 10 % (the guides' 256 MiB on the 4 GiB SKU) is refused, naming 10 %", async () => {
            const [p] = await refused({ [SB]: 32768 });
            assert.ok(p.key === `anycloud:${SB}` && p.accepted.endsWith("nearest accepted: 52429"), p.accepted);
        });
        it("the share follows the SKU: 393217 blocks fit the medium SKU's 8 GiB, and each edge of the small one fits", () => {
            assert.strictEqual(settingsOf({ cloud: "azure", [SB]: 393217, "database.size": "medium" }).database!.parameters.shared_buffers, 393217);
            for (const v of [52429, 393216]) assert.strictEqual(settingsOf({ cloud: "azure", [SB]: v }).database!.parameters.shared_buffers, v);
        });
        it("work_mem below 4096 kB, max_wal_size above 65536 MB and min_wal_size above 2097151 MB are refused, each with the nearest", async () => {
            const problems = await refused({ "database.parameters.work_mem": 1024, "database.parameters.max_wal_size": 65537, "database.parameters.min_wal_size": 2097152 });
            assert.deepStrictEqual(
                problems.map((p) => [p.key, p.value, p.accepted]),
                [
                    ["anycloud:database.parameters.work_mem", 1024, "kB from 4096 to 2097151 on Azure Database for PostgreSQL; nearest accepted: 4096"],
                    ["anycloud:database.parameters.min_wal_size", 2097152, "MB from 32 to 2097151 on Azure Database for PostgreSQL; nearest accepted: 2097151"],
                    ["anycloud:database.parameters.max_wal_size", 65537, "MB from 32 to 65536 on Azure Database for PostgreSQL; nearest accepted: 65536"],
                ],
            );
        });
        it("the other clouds take PostgreSQL's range for them (RDS parameter groups and Cloud SQL flags do)", () => {
            for (const cloud of ["aws", "gcp"]) {
                const s = settingsOf({ cloud, "database.parameters.work_mem": 1024, "database.parameters.max_wal_size": 65537, "database.parameters.shared_buffers": 32768 }).database!.parameters;
                assert.deepStrictEqual([s.work_mem, s.max_wal_size, s.shared_buffers], [1024, 65537, 32768], cloud);
            }
        });
    });

    describe("gcp: Cloud SQL's per-tier range of effective_cache_size (10 % to 70 % of the tier's memory)", () => {
        const ECS = "database.parameters.effective_cache_size";
        it("above 70 % of the small tier's 3840 MiB is refused, naming key, value and the tier's range", () => {
            const e = problemsOf({ cloud: "gcp", [ECS]: 344065 });
            assert.deepStrictEqual(
                e.problems.map((p) => [p.key, p.value, p.accepted]),
                [[`anycloud:${ECS}`, 344065, "8 kB blocks from 49152 to 344064 on db-custom-1-3840 (database.size small): 10 % to 70 % of its 3840 MiB of memory (Cloud SQL's flag range); nearest accepted: 344064"]],
            );
        });
        it("below 10 % is refused too", () => {
            assert.deepStrictEqual(problemsOf({ cloud: "gcp", [ECS]: 49151 }).problems.map((p) => p.key), [`anycloud:${ECS}`]);
        });
        it("the range follows the tier: the same value fits the medium tier's 7680 MiB", () => {
            assert.strictEqual(settingsOf({ cloud: "gcp", [ECS]: 344065, "database.size": "medium" }).database!.parameters.effective_cache_size, 344065);
        });
        it("the guides' value (768 MiB on the small tier) and each edge are accepted", () => {
            for (const v of [98304, 49152, 344064]) assert.strictEqual(settingsOf({ cloud: "gcp", [ECS]: v }).database!.parameters.effective_cache_size, v);
        });
        // Azure documents 1-2147483647 on every SKU (Learn, server parameters "Query Tuning / Planner Cost
        // Constants"); RDS's parameter group takes PostgreSQL's range. Neither is held to Cloud SQL's share.
        it("AWS and Azure are not held to Cloud SQL's share", () => {
            for (const cloud of ["aws", "azure"]) assert.strictEqual(settingsOf({ cloud, [ECS]: 344065 }).database!.parameters.effective_cache_size, 344065, cloud);
        });
    });

    describe("each cloud's mechanism", () => {
        it("aws: the RDS parameter group, start-only ones applied at the next reboot", async () => {
            const p = await apps("aws");
            const group = p.ofType("aws:rds/parameterGroup:ParameterGroup")[0];
            const by = Object.fromEntries(group.inputs.parameters.map((x: any) => [x.name, x]));
            assert.deepStrictEqual(by.shared_buffers, { name: "shared_buffers", value: "65536", applyMethod: "pending-reboot" });
            assert.deepStrictEqual(by.shared_preload_libraries, { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" });
            assert.deepStrictEqual(by.random_page_cost, { name: "random_page_cost", value: "1.1", applyMethod: "immediate" });
        });
        it("gcp: Cloud SQL database flags, and no preload flag", async () => {
            const p = await apps("gcp");
            const flags = Object.fromEntries(p.one("gcp:sql/databaseInstance:DatabaseInstance").inputs.settings.databaseFlags.map((f: any) => [f.name, f.value]));
            assert.strictEqual(flags.effective_io_concurrency, "200");
            assert.strictEqual(flags.max_wal_size, "4096");
            assert.strictEqual(flags.shared_preload_libraries, undefined);
        });
        const azureConf = async (set: Record<string, unknown> = {}) =>
            Object.fromEntries((await apps("azure", set)).ofType("azure-native:dbforpostgresql:Configuration").filter((c) => c.name.startsWith("database-param-")).map((c) => [c.inputs.configurationName, c.inputs.value]));
        it("azure: one server configuration per parameter, pg_stat_statements preloaded and allow-listed", async () => {
            const conf = await azureConf();
            assert.strictEqual(conf.checkpoint_completion_target, "0.9");
            assert.ok(conf.shared_preload_libraries.split(",").includes("pg_stat_statements"), conf.shared_preload_libraries);
            assert.ok(conf["azure.extensions"].split(",").includes("PG_STAT_STATEMENTS"));
        });
        // The configuration replaces the whole list; Azure's default is pg_cron,pg_stat_statements on
        // 14-16 and pg_stat_statements on 17 (providers/azure/sizes.ts POSTGRES_DEFAULT_PRELOADS).
        it("azure: the preload keeps Azure's default list and adds to it (pg_cron stays on 14-16)", async () => {
            assert.strictEqual((await azureConf()).shared_preload_libraries, "pg_cron,pg_stat_statements");
            assert.strictEqual((await azureConf({ "database.version": 14, "database.parameters.shared_preload_libraries": "auto_explain" })).shared_preload_libraries, "auto_explain,pg_cron,pg_stat_statements");
            assert.strictEqual((await azureConf({ "database.version": 17, "database.parameters.shared_preload_libraries": "auto_explain" })).shared_preload_libraries, "auto_explain,pg_stat_statements");
        });
        it("azure: a stack that preloads nothing leaves Azure's list alone (no configuration of it)", async () => {
            const conf = await azureConf({ "database.extensions": ["pg_trgm"] });
            assert.strictEqual(conf.shared_preload_libraries, undefined);
        });
        it("local: server flags", async () => {
            const p = await apps("local");
            const command: string[] = p.one("docker:index/container:Container", "database-server").inputs.command;
            assert.ok(command.join(" ").includes("-c shared_preload_libraries=pg_stat_statements"), command.join(" "));
            assert.ok(command.join(" ").includes("-c min_wal_size=1024"), command.join(" "));
        });
    });

    describe("against a real PostgreSQL, with the local target's flags", function () {
        const bin = findPgBin();
        const asRoot = process.getuid?.() === 0;
        let dir: string;
        let port: number;
        const run = (tool: string, args: string[]) => runPgTool(bin!, tool, args);
        const psql = (sql: string) => run("psql", ["-X", "-A", "-t", "-h", dir, "-p", String(port), "-U", "app", "-d", "postgres", "-c", sql]).trim();
        const start = (flags: string[]) =>
            run("pg_ctl", ["-D", path.join(dir, "data"), "-o", [`${TEST_SERVER_OPTIONS} -k ${dir} -p ${port} -c listen_addresses=''`, ...flags.map((f) => (f === "-c" ? f : `'${f}'`))].join(" "), "-w", "-l", path.join(dir, "server.log"), "start"]);
        const stop = () => run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]);

        before(async function () {
            if (!bin) {
                console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
                this.skip();
            }
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-pgparams-"));
            fs.chmodSync(dir, 0o777);
            if (asRoot) execFileSync("chown", ["postgres", dir]);
            port = await freePort();
            initCluster(bin!, path.join(dir, "data"), ["-U", "app", "-A", "trust", "--no-sync"]);
        });
        after(function () {
            if (dir && bin) fs.rmSync(dir, { recursive: true, force: true });
        });

        it("takes every parameter in the config's units, and pg_stat_statements records queries", () => {
            const params = settingsOf({ cloud: "local" }).database!.parameters;
            start(serverFlags(params));
            try {
                // Every parameter's setting in one query (one psql and one connection, not one each).
                const names = Object.keys(params);
                const settings = new Map(psql(`SELECT name || '=' || setting FROM pg_settings WHERE name IN (${names.map((n) => `'${n}'`).join(", ")})`).split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
                for (const [k, v] of Object.entries(params)) {
                    assert.strictEqual(settings.get(k), String(v), k);
                }
                psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                psql("SELECT 41 + 1");
                assert.ok(Number(psql("SELECT count(*) FROM pg_stat_statements")) > 0);
            } finally {
                stop();
            }
        });

        it("without the preload the extension is created but unusable (why the preload is added)", () => {
            const params = { ...settingsOf({ cloud: "local" }).database!.parameters };
            delete params.shared_preload_libraries;
            start(serverFlags(params));
            try {
                psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                assert.throws(() => psql("SELECT count(*) FROM pg_stat_statements"), /must be loaded via "?shared_preload_libraries"?/);
            } finally {
                stop();
            }
        });
    });
});
