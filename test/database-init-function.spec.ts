import * as assert from "assert";
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { databaseInitSteps, retireStatement, scramVerifier } from "../components/database-init";
import { DATABASE_INIT_HANDLER, FINISH_MARGIN_MS } from "../providers/aws/database-init-function";
import { ACCESS_RETRY_MS, ACCESS_TRIES } from "../components/iam-retry";
import { fastTimers } from "./fast-timers";
import { findPgBin, freePort, issueCert, makeCa, runPgTool, TlsPostgres } from "./local-servers";

/**
 * The AWS database-init Lambda's handler, run by `node` exactly as the runtime loads it (index.js,
 * CA bundle through NODE_EXTRA_CA_CERTS), against the real PostgreSQL 15 on this machine with
 * TLS required (hostssl only) and SCRAM-SHA-256 passwords, and against local listeners that
 * accept and then never answer. Only Secrets Manager is replaced: a module in the function's
 * node_modules answers GetSecretValue with the test password.
 */

const FAKE_SECRETS_MANAGER = `"use strict";
class GetSecretValueCommand { constructor(input) { this.input = input; } }
let denials = Number(process.env.TEST_SECRET_DENIALS || 0);
class SecretsManagerClient {
  async send(command) {
    // IAM not yet applying a policy changed moments ago: refused as the SDK raises it.
    if (denials > 0) {
      denials--;
      throw Object.assign(new Error("User: arn:aws:sts::1:assumed-role/init/fn is not authorized to perform: secretsmanager:GetSecretValue on resource: " + command.input.SecretId), { name: "AccessDeniedException" });
    }
    const roles = JSON.parse(process.env.TEST_ROLE_SECRETS || "{}");
    if (command.input.SecretId in roles) return { SecretString: JSON.stringify(roles[command.input.SecretId]) };
    if (command.input.SecretId !== process.env.TEST_SECRET_ARN) throw new Error("ResourceNotFoundException: " + command.input.SecretId);
    return { SecretString: JSON.stringify({ username: "app", password: process.env.TEST_DB_PASSWORD }) };
  }
}
module.exports = { SecretsManagerClient, GetSecretValueCommand };
`;

/**
 * The RDS API for the controlled restart. Instances live in a JSON file the test writes; the one
 * marked `real` is the PostgreSQL this test runs: its parameter status is the server's own
 * (`pending_restart` in pg_settings → "pending-reboot"), and rebooting it restarts that server.
 */
const FAKE_RDS = `"use strict";
const fs = require("fs");
const { execFileSync } = require("child_process");
const load = () => JSON.parse(fs.readFileSync(process.env.TEST_RDS_STATE, "utf8"));
const save = (s) => fs.writeFileSync(process.env.TEST_RDS_STATE, JSON.stringify(s));
const real = (variable) => { const argv = JSON.parse(process.env[variable]); return execFileSync(argv[0], argv.slice(1), { encoding: "utf8" }).trim(); };
class DescribeDBInstancesCommand { constructor(input) { this.input = input; } }
class RebootDBInstanceCommand { constructor(input) { this.input = input; } }
class RDSClient {
  async send(command) {
    const s = load();
    const id = command.input.DBInstanceIdentifier;
    const i = s.instances[id];
    if (!i) throw new Error("DBInstanceNotFound: " + id);
    // \`denied\`: calls about this instance IAM still refuses (a new replica, added to the policy moments ago).
    if (i.denied > 0) {
      i.denied--;
      save(s);
      throw Object.assign(new Error("User: arn:aws:sts::1:assumed-role/init/fn is not authorized to perform: rds:DescribeDBInstances on resource: " + id), { name: "AccessDenied" });
    }
    if (command instanceof RebootDBInstanceCommand) {
      if (i.status !== "available") throw new Error("InvalidDBInstanceState: " + id + " is " + i.status);
      s.calls.push("reboot " + id + (command.input.ForceFailover ? " with failover" : ""));
      if (i.real) real("TEST_RESTART");
      i.status = "rebooting";
      save(s);
      return {};
    }
    // One poll later a rebooted instance is back, unless it is stuck.
    if (i.status === "rebooting" && !i.stuck && i.seenRebooting) { i.status = "available"; if (!i.real) i.apply = "in-sync"; }
    else if (i.status === "rebooting") i.seenRebooting = true;
    const apply = i.real && i.status === "available" ? (real("TEST_PENDING") === "t" ? "pending-reboot" : "in-sync") : i.apply;
    save(s);
    return { DBInstances: [{ DBInstanceIdentifier: id, DBInstanceStatus: i.status, DBParameterGroups: [{ ParameterApplyStatus: apply }] }] };
  }
}
module.exports = { RDSClient, DescribeDBInstancesCommand, RebootDBInstanceCommand };
`;

/** Prints the handler's result or error; no process.exit, so it ends only when no socket or timer is left. */
const RUNNER = `"use strict";
// Lambda's context, when the test says how much of the function's time is left (TEST_REMAINING_MS).
const started = Date.now();
const context = process.env.TEST_REMAINING_MS ? { getRemainingTimeInMillis: () => Number(process.env.TEST_REMAINING_MS) - (Date.now() - started) } : undefined;
require("./index.js").handler(JSON.parse(process.argv[2]), context).then(
  (result) => process.stdout.write(JSON.stringify({ result })),
  (error) => process.stdout.write(JSON.stringify({ error: error.message })),
);
`;

interface Outcome {
    result?: { created: string[]; databases: string[]; roles?: string[]; restarted?: string[] };
    error?: string;
    /** False when the process had to be killed: something (a socket, a timer) kept it alive. */
    exitedOnItsOwn: boolean;
    ms: number;
}

describe("AWS database-init function against a real PostgreSQL (TLS + SCRAM)", function () {
    this.timeout(60000);
    const bin = findPgBin();
    const asRoot = process.getuid?.() === 0;
    const password = "s3cret-for-the-test-only";
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-credentials-AbCdEf";
    const roleSecretArn = (db: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-role-${db}-AbCdEf`;
    const rolePasswords: Record<string, string> = { biblioteca_digital: "RoleOfBibliotecaDigital0123456789", analytics: "RoleOfAnalytics0123456789abcdefg" };
    let dir: string;
    let fnDir: string;
    let port: number;

    const run = (tool: string, args: string[]) => runPgTool(bin!, tool, args);
    const psql = (database: string, sql: string) => run("psql", ["-X", "-A", "-t", "-h", dir, "-p", String(port), "-U", "app", "-d", database, "-c", sql]).trim();

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbinit-"));
        fs.chmodSync(dir, 0o755);
        // A private CA and a server certificate for "localhost", like RDS's CA and endpoint certificate.
        makeCa(dir, "ca", "/CN=anycloud test CA");
        issueCert(dir, "ca", "server", "/CN=localhost", "DNS:localhost");
        // A CA that signed nothing here (its own certificate names localhost): what a man in the middle's trust would be.
        makeCa(dir, "other", "/CN=localhost");
        // Network clients must use TLS and SCRAM; the Unix socket (trust) is for the test's own checks.
        port = (await TlsPostgres.start(bin!, dir, "server", password, ["-c password_encryption=scram-sha-256"])).port;
        assert.strictEqual(psql("postgres", "SELECT substr(rolpassword, 1, 14) FROM pg_authid WHERE rolname = 'app'"), "SCRAM-SHA-256$", "the test server stores a SCRAM verifier");

        // The function's package, as Lambda unpacks it.
        fnDir = path.join(dir, "function");
        fs.mkdirSync(path.join(fnDir, "node_modules", "@aws-sdk", "client-secrets-manager"), { recursive: true });
        fs.writeFileSync(path.join(fnDir, "index.js"), DATABASE_INIT_HANDLER);
        fs.writeFileSync(path.join(fnDir, "node_modules", "@aws-sdk", "client-secrets-manager", "index.js"), FAKE_SECRETS_MANAGER);
        fs.mkdirSync(path.join(fnDir, "node_modules", "@aws-sdk", "client-rds"), { recursive: true });
        fs.writeFileSync(path.join(fnDir, "node_modules", "@aws-sdk", "client-rds", "index.js"), FAKE_RDS);
        fs.writeFileSync(path.join(fnDir, "run.js"), RUNNER);
        // The pause before asking IAM again passes at once; every other timer (the connection and restart bounds) keeps its length.
        fastTimers(fnDir, [ACCESS_RETRY_MS]);
    });
    after(function () {
        if (dir && bin) {
            try {
                run("pg_ctl", ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    /** Runs the handler in its own node process; kills it after `limitMs` and reports that. */
    function invoke(event: object, opts: { ca?: string; password?: string; rolePasswords?: Record<string, string>; limitMs?: number; secretDenials?: number; remainingMs?: number } = {}): Promise<Outcome> {
        const started = Date.now();
        const asServer = (tool: string, args: string[]) => (asRoot ? ["runuser", "-u", "postgres", "--", path.join(bin!, tool), ...args] : [path.join(bin!, tool), ...args]);
        const env: NodeJS.ProcessEnv = {
            PATH: process.env.PATH,
            TEST_SECRET_ARN: secretArn,
            TEST_DB_PASSWORD: opts.password ?? password,
            TEST_ROLE_SECRETS: JSON.stringify(Object.fromEntries(Object.entries(opts.rolePasswords ?? rolePasswords).map(([db, pw]) => [roleSecretArn(db), { username: `${db}_owner`, password: pw }]))),
            TEST_SECRET_DENIALS: String(opts.secretDenials ?? 0),
            ...(opts.remainingMs !== undefined ? { TEST_REMAINING_MS: String(opts.remainingMs) } : {}),
            TEST_RDS_STATE: path.join(dir, "rds.json"),
            TEST_RESTART: JSON.stringify(asServer("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "-l", path.join(dir, "server.log"), "restart"])),
            TEST_PENDING: JSON.stringify(asServer("psql", ["-X", "-A", "-t", "-h", dir, "-p", String(port), "-U", "app", "-d", "postgres", "-c", "SELECT bool_or(pending_restart) FROM pg_settings"])),
        };
        if (opts.ca !== "none") env.NODE_EXTRA_CA_CERTS = path.join(dir, opts.ca ?? "ca.crt");
        return new Promise((resolve) => {
            execFile(process.execPath, ["-r", "./fast-timers.js", "run.js", JSON.stringify(event)], { cwd: fnDir, env, timeout: opts.limitMs ?? 20000, killSignal: "SIGKILL" }, (error, stdout) => {
                const parsed = stdout ? JSON.parse(stdout) : {};
                resolve({ ...parsed, exitedOnItsOwn: !(error && (error as { killed?: boolean }).killed), ms: Date.now() - started });
            });
        });
    }

    const fast = { connectMs: 2000, handshakeMs: 1500, idleMs: 1500 };
    /**
     * For a peer on this machine that never answers (a listener of the test's, a port dropping
     * SYNs): nothing legitimate happens within these bounds, so they are short; each test waits
     * its bound out, and `fast` against the real server would make that 1.5-2 s (the real
     * server's steps keep `fast`: a statement under load may take a while).
     */
    const stalled = { connectMs: 400, handshakeMs: 400, idleMs: 400 };
    const event = (extra: object = {}) => ({
        host: "localhost",
        port,
        user: "app",
        adminDatabase: "postgres",
        secretArn,
        steps: databaseInitSteps({ owner: "app", databases: ["biblioteca_digital", "analytics"], extensions: ["pg_trgm", "unaccent"], version: 15 }),
        roleSecrets: { biblioteca_digital: roleSecretArn("biblioteca_digital"), analytics: roleSecretArn("analytics") },
        timeouts: fast,
        ...extra,
    });

    it("creates the databases and extensions over verified TLS with SCRAM, and exits cleanly", async () => {
        const out = await invoke(event());
        assert.deepStrictEqual(out.result, { created: ["biblioteca_digital", "analytics"], databases: ["biblioteca_digital", "analytics"], roles: ["biblioteca_digital_owner", "analytics_owner"], restarted: [] }, out.error);
        assert.ok(out.exitedOnItsOwn, "every socket was closed after success");
        assert.strictEqual(psql("analytics", "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"), "pg_trgm,unaccent");
        assert.strictEqual(psql("biblioteca_digital", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"), "biblioteca_digital_owner");
    });

    it("sets each role's password from its own secret: the role logs in over TLS with it", () => {
        const login = (db: string, pw: string) =>
            runPgTool(bin!, "psql", ["-X", "-A", "-t", "-h", "localhost", "-p", String(port), "-U", `${db}_owner`, "-d", db, "-c", "SELECT current_user"], { PGPASSWORD: pw, PGSSLMODE: "require" }).trim();
        assert.strictEqual(login("analytics", rolePasswords.analytics), "analytics_owner");
        assert.strictEqual(login("biblioteca_digital", rolePasswords.biblioteca_digital), "biblioteca_digital_owner");
    });

    // The function carries its own copy of scramVerifier (it cannot import the program): both must agree.
    it("stores each role's password as the SCRAM verifier the program computes: the statement carries no password", () => {
        for (const db of ["analytics", "biblioteca_digital"]) {
            assert.strictEqual(psql("postgres", `SELECT rolpassword FROM pg_authid WHERE rolname = '${db}_owner'`), scramVerifier(rolePasswords[db], `${db}_owner`));
        }
    });

    it("never quotes a role's password in an error", async () => {
        const [step] = databaseInitSteps({ owner: "app", databases: ["analytics"], extensions: [], version: 15 });
        const broken = [{ ...step, role: { ...step.role, passwordPrefix: 'ALTER ROLE "no_such_role" WITH LOGIN PASSWORD ' } }];
        const out = await invoke(event({ steps: broken }));
        assert.match(out.error ?? "", /statement "ALTER ROLE \\"no_such_role\\" WITH LOGIN PASSWORD '\[secret\]'" failed: PostgreSQL ERROR 42704: role "no_such_role" does not exist/);
        assert.ok(!(out.error ?? "").includes(rolePasswords.analytics), "the password is not in the error");
    });

    it("reads a secret IAM refuses at first again (the policy on a new database's secret, changed moments before) and succeeds", async () => {
        const r = await invoke(event(), { secretDenials: 3 });
        assert.strictEqual(r.error, undefined);
        assert.deepStrictEqual(r.result?.databases, ["biblioteca_digital", "analytics"]);
    });

    it(`fails naming the secret when IAM still refuses it after ${ACCESS_TRIES} tries`, async () => {
        const r = await invoke(event(), { secretDenials: ACCESS_TRIES });
        assert.match(r.error ?? "", /^reading the database password from Secrets Manager \(arn:.*\) failed: User: .* is not authorized to perform: secretsmanager:GetSecretValue/);
    });

    it("is idempotent: a second run creates nothing and succeeds", async () => {
        const out = await invoke(event());
        assert.deepStrictEqual(out.result?.created, [], out.error);
    });

    it("day 2: the role of a database that left the config loses LOGIN and keeps its database; putting it back gives LOGIN back", async () => {
        const canLogin = (role: string) => psql("postgres", `SELECT rolcanlogin FROM pg_roles WHERE rolname = '${role}'`);
        const kept = { owner: "app", databases: ["biblioteca_digital"] };
        const out = await invoke(event({ steps: databaseInitSteps({ ...kept, extensions: [], version: 15 }), retire: retireStatement(kept) }));
        assert.strictEqual(out.error, undefined);
        assert.deepStrictEqual([canLogin("analytics_owner"), canLogin("biblioteca_digital_owner")], ["f", "t"]);
        assert.strictEqual(psql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'analytics'"), "analytics_owner", "the database and its owner stay");
        const back = await invoke(event({ retire: retireStatement({ owner: "app", databases: ["biblioteca_digital", "analytics"] }) }));
        assert.strictEqual(back.error, undefined);
        assert.strictEqual(canLogin("analytics_owner"), "t");
    });

    it("refuses a server certificate not signed by the trusted CA", async () => {
        const out = await invoke(event(), { ca: "other.crt" });
        assert.match(out.error ?? "", /TLS handshake with PostgreSQL at localhost:\d+ failed: .*not signed by a CA in NODE_EXTRA_CA_CERTS/);
        assert.ok(out.exitedOnItsOwn, "no socket left open after the failure");
    });

    it("reports a wrong password with the server's own error, naming the database", async () => {
        const out = await invoke(event(), { password: "wrong" });
        assert.match(out.error ?? "", /^database "postgres": connecting as "app" to localhost:\d+ failed: PostgreSQL FATAL 28P01: password authentication failed for user "app"/);
        assert.ok(out.exitedOnItsOwn, "no socket left open after the failure");
    });

    it("names the database and the statement that failed", async () => {
        const steps = databaseInitSteps({ owner: "app", databases: ["analytics"], extensions: ["no_such_extension"], version: 15 });
        const out = await invoke(event({ steps }));
        assert.match(out.error ?? "", /^database "analytics": statement "CREATE EXTENSION IF NOT EXISTS \\"no_such_extension\\"" failed: PostgreSQL ERROR (0A000|58P01): /);
        assert.ok(out.exitedOnItsOwn, "no socket left open after the failure");
    });

    it("keeps the server's error when the server closes the connection", async () => {
        const steps = [{ ...databaseInitSteps({ owner: "app", databases: ["analytics"], extensions: [], version: 15 })[0], extensions: ["SELECT pg_terminate_backend(pg_backend_pid())"] }];
        const out = await invoke(event({ steps }));
        assert.match(out.error ?? "", /PostgreSQL FATAL 57P01: terminating connection due to administrator command/);
        assert.ok(out.exitedOnItsOwn, "no socket left open after the failure");
    });

    /** A TCP listener that accepts and then says nothing (or only `first`), like a stalled server. */
    async function silentServer(first?: string): Promise<{ port: number; accepted: () => number; stop: () => Promise<void> }> {
        const sockets: net.Socket[] = [];
        let accepted = 0;
        const server = net.createServer((s) => {
            accepted++;
            sockets.push(s);
            s.on("error", () => undefined);
            if (first) s.once("data", () => s.write(first));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return {
            port: (server.address() as net.AddressInfo).port,
            accepted: () => accepted,
            stop: () => {
                sockets.forEach((s) => s.destroy());
                return new Promise((resolve) => server.close(() => resolve()));
            },
        };
    }

    /** The kernel's count of SYNs dropped because a listener's accept queue was full (TcpExt ListenOverflows), or undefined where /proc does not say. */
    function listenOverflows(): number | undefined {
        try {
            const [names, values] = fs.readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:")).map((l) => l.trim().split(/\s+/));
            const i = names.indexOf("ListenOverflows");
            return i > 0 ? Number(values[i]) : undefined;
        } catch {
            return undefined;
        }
    }

    /**
     * A port whose SYNs are dropped, like a security group without the ingress rule: a listener
     * (backlog 1) in a stopped process, whose accept queue the test fills first; Linux then drops
     * further SYNs (the accept queue is full), so a connect neither completes nor fails.
     */
    async function droppingPort(): Promise<{ port: number; stop: () => void }> {
        const child = spawn(process.execPath, ["-e", "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { console.log(this.address().port); })"], { stdio: ["ignore", "pipe", "inherit"] });
        const port = await new Promise<number>((resolve) => child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))));
        process.kill(child.pid!, "SIGSTOP");
        const held: net.Socket[] = [];
        const connects = async (): Promise<boolean> => {
            const dropped = listenOverflows();
            const s = net.connect(port, "127.0.0.1");
            held.push(s);
            s.on("error", () => undefined);
            return new Promise((resolve) => {
                const done = (completed: boolean) => {
                    clearInterval(poll);
                    clearTimeout(limit);
                    resolve(completed);
                };
                s.once("connect", () => done(true));
                // The kernel counts the SYN it dropped at once: no need to wait the second out.
                const poll = setInterval(() => dropped !== undefined && (listenOverflows() ?? 0) > dropped && done(false), 5);
                const limit = setTimeout(() => done(false), 1000);
            });
        };
        // Fill the queue until a connect no longer completes (the kernel has started dropping SYNs).
        for (let i = 0; i < 8 && (await connects()); i++);
        return {
            port,
            stop: () => {
                held.forEach((s) => s.destroy());
                child.kill("SIGKILL");
            },
        };
    }

    /**
     * A statement the real server never answers, and peers that are not the real server and never
     * answer, each a listener or port of its own: the five runs start together and each test reads
     * its own run, so the file waits out the bounds once, not one after the other (each run is its
     * own process with its own sockets; the peers' runs do not touch the real server).
     */
    describe("a statement or a peer that never answers", () => {
        let silent: Awaited<ReturnType<typeof silentServer>>;
        let handshake: Awaited<ReturnType<typeof silentServer>>;
        let dropping: Awaited<ReturnType<typeof droppingPort>>;
        let closed: number;
        let runs: Record<"statement" | "silent" | "dropping" | "handshake" | "refused", Promise<Outcome>>;
        before(async () => {
            const statement = invoke(event({ steps: [{ ...databaseInitSteps({ owner: "app", databases: ["analytics"], extensions: [], version: 15 })[0], extensions: ["SELECT pg_sleep(30)"] }] }));
            silent = await silentServer();
            handshake = await silentServer("S");
            dropping = await droppingPort();
            closed = await freePort();
            runs = {
                statement,
                silent: invoke(event({ host: "127.0.0.1", port: silent.port, timeouts: stalled })),
                dropping: invoke(event({ host: "127.0.0.1", port: dropping.port, timeouts: stalled })),
                handshake: invoke(event({ host: "127.0.0.1", port: handshake.port, timeouts: stalled })),
                refused: invoke(event({ host: "127.0.0.1", port: closed })),
            };
        });
        after(async () => {
            await Promise.all(Object.values(runs ?? {}));
            await silent?.stop();
            await handshake?.stop();
            dropping?.stop();
        });

        it("bounds a statement the server never answers, naming host, port, database and statement", async () => {
            const out = await runs.statement;
            assert.match(out.error ?? "", /^database "analytics": statement "SELECT pg_sleep\(30\)" failed: PostgreSQL at localhost:\d+ sent nothing for 1.5 s/);
            assert.ok(out.exitedOnItsOwn, "no socket left open after the timeout");
            assert.ok(out.ms < 10000, `failed after ${out.ms} ms, not bounded by the idle timeout`);
        });

        it("gives up on a server that accepts and never answers, naming host, port and the likely cause", async () => {
            const out = await runs.silent;
            assert.strictEqual(silent.accepted(), 1);
            assert.match(out.error ?? "", new RegExp(`^database "postgres": connecting as "app" to 127\\.0\\.0\\.1:${silent.port} failed: PostgreSQL at 127\\.0\\.0\\.1:${silent.port} accepted the TCP connection but did not answer the TLS request within 0\\.4 s: the server is stalled`));
            assert.ok(out.exitedOnItsOwn, "the socket to the silent server was closed");
            assert.ok(out.ms < 10000, `failed after ${out.ms} ms`);
        });

        it("gives up on a connection whose packets are dropped, naming host, port and the security group", async () => {
            const out = await runs.dropping;
            assert.match(out.error ?? "", new RegExp(`^database "postgres": connecting as "app" to 127\\.0\\.0\\.1:${dropping.port} failed: could not connect to PostgreSQL at 127\\.0\\.0\\.1:${dropping.port} within 0\\.4 s: no answer to the TCP connection — a security group or network ACL drops the traffic`));
            assert.ok(out.exitedOnItsOwn, "the pending connection was closed");
            assert.ok(out.ms < 10000, `failed after ${out.ms} ms, not bounded by the connect timeout`);
        });

        it("gives up on a TLS handshake that never completes", async () => {
            const out = await runs.handshake;
            assert.match(out.error ?? "", /the TLS handshake with PostgreSQL at 127\.0\.0\.1:\d+ did not complete within 0\.4 s/);
            assert.ok(out.exitedOnItsOwn, "the socket to the stalled server was closed");
        });

        it("says what a refused connection most likely means", async () => {
            const out = await runs.refused;
            assert.match(out.error ?? "", new RegExp(`could not connect to PostgreSQL at 127\\.0\\.0\\.1:${closed}: ECONNREFUSED — nothing listens on that port`));
            assert.ok(out.exitedOnItsOwn);
        });
    });

    describe("static parameters: the controlled restart", () => {
        const state = (instances: Record<string, object>) => fs.writeFileSync(path.join(dir, "rds.json"), JSON.stringify({ instances, calls: [] }));
        const calls = () => (JSON.parse(fs.readFileSync(path.join(dir, "rds.json"), "utf8")).calls as string[]).filter((c) => c.startsWith("reboot"));
        const restart = (ids: { id: string; failover: boolean }[], waitMs = 20000) => ({ instances: ids, waitMs, pollMs: 50 });
        const ids = [
            { id: "db-replica-0", failover: false },
            { id: "db-replica-1", failover: false },
            { id: "db-primary", failover: true },
        ];

        it("restarts what is pending a reboot, replicas first, the primary last with failover; the server then runs with the new max_connections", async () => {
            psql("postgres", "ALTER SYSTEM SET max_connections = 157");
            run("pg_ctl", ["-D", path.join(dir, "data"), "reload"]);
            assert.strictEqual(psql("postgres", "SELECT bool_or(pending_restart) FROM pg_settings"), "t", "a static change waits for a restart");
            state({ "db-replica-0": { status: "available", apply: "pending-reboot" }, "db-replica-1": { status: "available", apply: "in-sync" }, "db-primary": { status: "available", real: true } });
            const out = await invoke(event({ restart: restart(ids) }), { limitMs: 40000 });
            assert.deepStrictEqual(out.result?.restarted, ["db-replica-0", "db-primary"], JSON.stringify(out));
            assert.deepStrictEqual(calls(), ["reboot db-replica-0", "reboot db-primary with failover"]);
            assert.strictEqual(psql("postgres", "SHOW max_connections"), "157");
            assert.ok(out.exitedOnItsOwn);
        });

        it("asks RDS again while IAM refuses the calls about a new replica (query protocol: AccessDenied), then restarts it", async () => {
            state({ "db-replica-0": { status: "available", apply: "pending-reboot", denied: 2 }, "db-primary": { status: "available", apply: "in-sync" } });
            const out = await invoke(event({ restart: restart([ids[0], { id: "db-primary", failover: true }]) }));
            assert.deepStrictEqual(out.result?.restarted, ["db-replica-0"], out.error);
            assert.deepStrictEqual(calls(), ["reboot db-replica-0"]);
        });

        it("restarts nothing when every instance is in sync", async () => {
            state({ "db-replica-0": { status: "available", apply: "in-sync" }, "db-replica-1": { status: "available", apply: "in-sync" }, "db-primary": { status: "available", real: true } });
            const out = await invoke(event({ restart: restart(ids) }));
            assert.deepStrictEqual(out.result?.restarted, [], out.error);
            assert.deepStrictEqual(calls(), []);
        });

        it("waits for the restart no longer than the function's time allows, saying so", async () => {
            state({ "db-primary": { status: "available", apply: "pending-reboot", stuck: true } });
            // 20 s of bound, but the function has only FINISH_MARGIN_MS + 0.5 s left.
            const out = await invoke(event({ restart: restart([{ id: "db-primary", failover: false }], 20000) }), { remainingMs: FINISH_MARGIN_MS + 500 });
            assert.match(out.error ?? "", /restarting db-primary to apply static parameters: still rebooting .* after 0\.\d+ s \(what was left of the function's time\) waiting for the restart to finish/);
            assert.ok(out.ms < 10000 && out.exitedOnItsOwn);
        });

        it("an instance that never comes back fails within the bound, naming it and what it waited for", async () => {
            state({ "db-primary": { status: "available", apply: "pending-reboot", stuck: true } });
            const out = await invoke(event({ restart: restart([{ id: "db-primary", failover: false }], 400) }));
            assert.match(out.error ?? "", /restarting db-primary to apply static parameters: still rebooting .* after 0\.4 s waiting for the restart to finish/);
            assert.ok(out.ms < 10000 && out.exitedOnItsOwn);
        });
    });
});
