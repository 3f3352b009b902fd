import * as assert from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DB_INIT_RETRY, waitForPostgres } from "../components/database-init";
import { findPgBin, freePort, initCluster, TEST_SERVER_OPTIONS } from "./local-servers";

const SCALED_SLEEP = path.resolve(__dirname, "fixtures", "scaled-sleep");

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

    /**
     * The environment the generated command runs in: the server's tools, the test's socket dir,
     * and a `sleep` (test/fixtures/scaled-sleep) that records each pause it is asked for in
     * `slept()` and sleeps `scale` times as long, so a bound is asserted by what the script asked
     * for rather than waited out.
     */
    const waitEnv = (scale: number) => {
        fs.writeFileSync(sleepLog(), "");
        return { ...process.env, PATH: `${bin}:${SCALED_SLEEP}:${process.env.PATH}`, PGHOST: dir, PGPORT: String(port), PGUSER: "app", SLEEP_LOG: sleepLog(), SLEEP_SCALE: String(scale) };
    };
    const sleepLog = () => path.join(dir, "slept");
    /** The pauses the script asked `sleep` for, in seconds. */
    const slept = () => fs.readFileSync(sleepLog(), "utf8").split("\n").filter(Boolean).map(Number);
    /** Runs the generated command with sh, as the init step does, against the test's socket dir. */
    const runWait = (attempts: number, delaySeconds: number) =>
        spawnSync("sh", ["-c", waitForPostgres({ attempts, delaySeconds }, 'echo "init ran"')], { encoding: "utf8", env: waitEnv(0) });

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
        const result = runWait(3, 7);
        assert.strictEqual(result.status, 1);
        assert.deepStrictEqual(slept(), [7, 7], "the delay between attempts, and no more attempts than the bound");
        assert.match(result.stderr, new RegExp(`PostgreSQL at ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${port} did not accept connections after 3 attempts`));
        assert.match(result.stderr, /firewall or NSG rules, private DNS/);
        assert.doesNotMatch(result.stdout, /init ran/);
    });

    it("waits for a server that comes up a few seconds later, then runs the step once", async () => {
        // Start the server 3 s from now (on the script's clock: its 1 s pauses last 0.1 s, so 0.3 s), while the wait is already retrying.
        const start = spawn("sh", ["-c", `sleep 0.3; exec ${asRoot ? "runuser -u postgres -- " : ""}${path.join(bin!, "pg_ctl")} -D ${path.join(dir, "data")} -o "${TEST_SERVER_OPTIONS} -k ${dir} -p ${port} -c listen_addresses=''" -w -l ${path.join(dir, "server.log")} start`], { stdio: "ignore" });
        const started = new Promise((r) => start.on("close", r));
        const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn("sh", ["-c", waitForPostgres({ attempts: 200, delaySeconds: 1 }, 'echo "init ran"')], { env: waitEnv(0.1) });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
        await started;
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(result.stderr, /not ready \(attempt 1 of 200\)/);
        assert.ok(slept().length > 0 && slept().every((s) => s === 1), `paused 1 s between attempts: ${slept().join(" ")}`);
        assert.strictEqual(result.stdout.match(/init ran/g)?.length, 1);
    });

    it("the default bound covers several minutes of first-connection delay", () => {
        assert.ok(DB_INIT_RETRY.attempts * DB_INIT_RETRY.delaySeconds >= 180);
    });
});
