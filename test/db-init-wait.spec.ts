import * as assert from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DB_INIT_RETRY, waitForPostgres } from "../components/database-init";
import { findPgBin, freePort, initCluster, TEST_SERVER_OPTIONS } from "./local-servers";

/**
 * The bounded wait the one-shot database init steps (GCP Cloud Run job, Azure init container) run
 * before psql, run by sh against a real PostgreSQL that is not there yet, then is.
 */

describe("database init: a bounded wait for a server that is not ready yet", function () {
    this.timeout(120000);
    const bin = findPgBin();
    const asRoot = process.getuid?.() === 0;
    let dir: string;
    let port: number;
    const asPostgres = (command: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args]);

    /** Runs the generated command with sh, as the init step does, against the test's socket dir. */
    const runWait = (attempts: number, delaySeconds: number) =>
        spawnSync("sh", ["-c", waitForPostgres({ attempts, delaySeconds }, 'echo "init ran"')], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGHOST: dir, PGPORT: String(port), PGUSER: "app" },
        });

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-pgwait-"));
        fs.chmodSync(dir, 0o777);
        if (asRoot) execFileSync("chown", ["postgres", dir]);
        port = await freePort();
        initCluster(bin!, path.join(dir, "data"), ["-U", "app", "-A", "trust", "--no-sync"]);
    });
    after(function () {
        if (dir && bin) {
            try {
                execFileSync(...asPostgres(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]), { stdio: "ignore" });
            } catch {
                // not running
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    it("is valid POSIX sh (shellcheck)", function () {
        const check = spawnSync("shellcheck", ["-s", "sh", "-"], { input: waitForPostgres(DB_INIT_RETRY, "psql -d postgres -f /tmp/init.sql"), encoding: "utf8" });
        if (check.error) {
            this.skip();
        }
        assert.strictEqual(check.status, 0, check.stdout);
    });

    it("gives up after its bound with a message naming the server and what to check, without running the step", () => {
        const started = Date.now();
        const result = runWait(3, 1);
        assert.strictEqual(result.status, 1);
        assert.ok(Date.now() - started < 20000, "bounded");
        assert.match(result.stderr, new RegExp(`PostgreSQL at ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${port} did not accept connections after 3 attempts`));
        assert.match(result.stderr, /firewall or NSG rules, private DNS/);
        assert.doesNotMatch(result.stdout, /init ran/);
    });

    it("waits for a server that comes up a few seconds later, then runs the step once", async () => {
        // Start the server 3 s from now, while the wait is already retrying.
        const start = spawn("sh", ["-c", `sleep 3; exec ${asRoot ? "runuser -u postgres -- " : ""}${path.join(bin!, "pg_ctl")} -D ${path.join(dir, "data")} -o "${TEST_SERVER_OPTIONS} -k ${dir} -p ${port} -c listen_addresses=''" -w -l ${path.join(dir, "server.log")} start`], { stdio: "ignore" });
        const started = new Promise((r) => start.on("close", r));
        const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn("sh", ["-c", waitForPostgres({ attempts: 20, delaySeconds: 1 }, 'echo "init ran"')], {
                env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PGHOST: dir, PGPORT: String(port), PGUSER: "app" },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
        await started;
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(result.stderr, /not ready \(attempt 1 of 20\)/);
        assert.strictEqual(result.stdout.match(/init ran/g)?.length, 1);
    });

    it("the default bound covers several minutes of first-connection delay", () => {
        assert.ok(DB_INIT_RETRY.attempts * DB_INIT_RETRY.delaySeconds >= 180);
    });
});
