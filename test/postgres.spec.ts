import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { psqlInitScript, rolePasswordVariable } from "../components/database-init";
import { findPgBin, freePort, initCluster, runPgTool, TEST_SERVER_OPTIONS } from "./local-servers";

/** The SQL that creates the logical databases and extensions, run by psql against a real PostgreSQL. */

describe("database init SQL against a real PostgreSQL", function () {
    const bin = findPgBin();
    const asRoot = process.getuid?.() === 0;
    let dir: string;
    let port: number;

    /** PostgreSQL's server tools refuse to run as root: as root they run as the postgres user (test/local-servers.ts). */
    const run = (tool: string, args: string[], env: Record<string, string> = {}) => runPgTool(bin!, tool, args, env);
    const psql = (database: string, sql: string) => run("psql", ["-X", "-A", "-t", "-h", dir, "-p", String(port), "-U", "app", "-d", database, "-c", sql]).trim();

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-pg-"));
        fs.chmodSync(dir, 0o777);
        if (asRoot) execFileSync("chown", ["postgres", dir]);
        port = await freePort();
        initCluster(bin!, path.join(dir, "data"), ["-U", "app", "-A", "trust", "--no-sync"]);
        // Unix socket only: nothing listens on the network during the test.
        run("pg_ctl", ["-D", path.join(dir, "data"), "-o", `${TEST_SERVER_OPTIONS} -k ${dir} -p ${port} -c listen_addresses=''`, "-w", "-l", path.join(dir, "server.log"), "start"]);
    });
    after(function () {
        if (dir && bin) {
            try {
                run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    const plan = { owner: "app", databases: ["biblioteca_digital", "analytics"], extensions: ["uuid-ossp", "pg_trgm", "unaccent"], version: 15 };
    const applyScript = () => {
        const file = path.join(dir, "init.sql");
        fs.writeFileSync(file, psqlInitScript(plan), { mode: 0o644 });
        const passwords = Object.fromEntries(plan.databases.map((db) => [rolePasswordVariable(db), `password-of-${db}`]));
        return run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir, "-p", String(port), "-U", "app", "-d", "postgres", "-f", file], passwords);
    };

    it("creates every logical database, owned by its own role", () => {
        applyScript();
        const rows = psql("postgres", "SELECT datname || ':' || pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('biblioteca_digital','analytics') ORDER BY 1");
        assert.deepStrictEqual(rows.split("\n"), ["analytics:analytics_owner", "biblioteca_digital:biblioteca_digital_owner"]);
    });

    it("creates the extensions in each database, and they work", () => {
        for (const db of plan.databases) {
            assert.strictEqual(psql(db, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"), "pg_trgm,unaccent,uuid-ossp");
        }
        assert.match(psql("biblioteca_digital", "SELECT uuid_generate_v4()"), /^[0-9a-f-]{36}$/);
        assert.strictEqual(psql("biblioteca_digital", "SELECT unaccent('Biblioteca Pública')"), "Biblioteca Publica");
        assert.strictEqual(psql("biblioteca_digital", "SELECT similarity('biblioteca','bibloteca') > 0.5"), "t");
    });

    it("is safe to run again on every deploy", () => {
        assert.doesNotThrow(() => applyScript());
        assert.strictEqual(psql("postgres", "SELECT count(*) FROM pg_database WHERE datname IN ('biblioteca_digital','analytics')"), "2");
    });
});
