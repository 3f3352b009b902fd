import { execFileSync } from "child_process";
import { createHash, X509Certificate } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { keptBetweenRuns } from "./kept-between-runs";
import { PLAN_CACHE_ENV } from "./setup";

/** The newest Debian PostgreSQL's bin directory (`.ci/run` installs it), or undefined. */
export function findPgBin(): string | undefined {
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(base, versions[0], "bin") : undefined;
}

/** A loopback port free right now, for a server a test starts (spec files run in parallel). */
export async function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/**
 * Server options every test PostgreSQL starts with: its data is thrown away after the test, so no
 * fsync. With it, each commit, CREATE DATABASE, checkpoint and shutdown waited on the disk: a
 * `pg_ctl stop` took ~1 s idle and ~3 s at load, 0.1 s without.
 */
export const TEST_SERVER_OPTIONS = "-c fsync=off";

/** The tools that refuse to run as root (initdb, pg_ctl and the server itself); a client such as psql does not. */
const SERVER_TOOLS = new Set(["initdb", "pg_ctl", "postgres"]);

/**
 * Runs a PostgreSQL tool of `bin` and returns its output, with `env` added to its environment; a
 * server tool as the `postgres` user when the tests run as root. A client (psql: the test's own
 * queries, over a socket or TCP, as whatever role `-U` names) runs as the test's user: no
 * runuser and env before each of the ~100 queries of a run.
 */
export function runPgTool(bin: string, tool: string, args: string[], env: Record<string, string> = {}): string {
    const command = path.join(bin, tool);
    // runuser starts the tool with a clean environment: `env` passes the test's variables through.
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const [file, argv] = process.getuid?.() === 0 && SERVER_TOOLS.has(tool) ? ["runuser", ["-u", "postgres", "--", "env", ...vars, command, ...args]] : [command, args];
    return execFileSync(file, argv, { encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Where initdb's clusters are kept between test runs (test/kept-between-runs.ts;
 * ANYCLOUD_TEST_PG_CLUSTERS names another directory), or, when that cannot be written, the
 * directory mocha's workers share for one run (test/setup.ts).
 */
export const PG_CLUSTERS_ENV = "ANYCLOUD_TEST_PG_CLUSTERS";

function clusterStore(): string | undefined {
    return keptBetweenRuns("anycloud-test-pg-clusters", PG_CLUSTERS_ENV) ?? process.env[PLAN_CACHE_ENV];
}

/**
 * What makes one initdb's output differ from another's: the PostgreSQL build (its initdb and
 * postgres binaries, which a package upgrade replaces), the arguments, who runs the tests (as
 * root, the cluster belongs to the postgres user, which cp -a keeps), and the locale and time
 * zone variables initdb reads when the arguments do not set them.
 */
function clusterKey(bin: string, args: string[]): string {
    const build = ["initdb", "postgres"].map((tool) => {
        const st = fs.statSync(path.join(bin, tool));
        return [tool, st.size, st.mtimeMs];
    });
    // initdb takes the cluster's locale and time zone from its environment when not given them.
    const localeAndZone = Object.entries(process.env).filter(([k]) => /^(LANG|LANGUAGE|LC_[A-Z_]+|TZ)$/.test(k)).sort();
    return createHash("sha256").update(JSON.stringify([bin, build, args, process.getuid?.(), localeAndZone])).digest("hex").slice(0, 16);
}

/**
 * `initdb -D <data> <args>`: what initdb writes, but made once for each PostgreSQL build and
 * `args` (without -D) and copied from then on (kept between runs: clusterStore). initdb
 * bootstraps every catalog (~1 s of CPU, over a second of wall time at load); a copy is ~0.1 s.
 * One process makes a cluster while the others that need it wait for it (a lock file beside it):
 * in a fresh clone the spec files that share a cluster start at once in mocha's workers, and each
 * ran initdb (2 of the 3 clusters were made twice). Without a store, initdb simply runs. `data`
 * must not exist.
 */
export function initCluster(bin: string, data: string, args: string[]): void {
    const store = clusterStore();
    const made = store && path.join(store, `pg-cluster-${clusterKey(bin, args)}`);
    if (!made) {
        runPgTool(bin, "initdb", ["-D", data, ...args]);
        return;
    }
    exclusively(`${made}.lock`, () => fs.existsSync(made), () => {
        runPgTool(bin, "initdb", ["-D", data, ...args]);
        pruneClusters(path.dirname(made));
        // Copied under a name of its own, then renamed: a reader never finds half a cluster.
        const staging = `${made}.${process.pid}`;
        execFileSync("cp", ["-a", data, staging]);
        try {
            fs.renameSync(staging, made);
        } catch {
            fs.rmSync(staging, { recursive: true, force: true }); // kept by another process meanwhile (one whose lock looked stale)
        }
    });
    if (!fs.existsSync(data)) {
        // cp -a keeps the owner (the postgres user, when the tests run as root) and the 0700 mode PostgreSQL requires.
        execFileSync("cp", ["-a", made, data]);
        const now = new Date();
        fs.utimesSync(made, now, now); // used: kept by pruneClusters
    }
}

/** How long a lock file without a pid counts as just made (its maker writes the pid right after creating it). */
export const EMPTY_LOCK_MS = 5000;
/**
 * How long a lock counts as held at most: making a cluster takes 1-8 s (initdb, then a copy). An
 * older lock was left by a process killed meanwhile whose pid now names another process.
 */
export const HELD_LOCK_MS = 120_000;

/**
 * Runs `make` unless `done()` says it is done, one process at a time: the process that creates
 * `lock` (holding its pid) makes it; another waits until it is done or the lock is stale (lockHeld),
 * then removes it and tries again. The wait is synchronous (mocha's timeout cannot end it), so
 * every lock ends: a stale one is removed.
 */
export function exclusively(lock: string, done: () => boolean, make: () => void): void {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!done()) {
        let fd: number;
        try {
            fd = fs.openSync(lock, "wx");
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            if (!lockHeld(lock)) fs.rmSync(lock, { force: true });
            else Atomics.wait(pause, 0, 0, 50);
            continue;
        }
        try {
            fs.writeSync(fd, String(process.pid));
            fs.closeSync(fd);
            if (!done()) make();
        } finally {
            fs.rmSync(lock, { force: true });
        }
    }
}

/**
 * Whether a lock file is held by another process making its thing now: younger than HELD_LOCK_MS,
 * and naming a running process other than this one (or no pid yet, for EMPTY_LOCK_MS).
 */
function lockHeld(lock: string): boolean {
    let pid: number;
    let age: number;
    try {
        pid = Number(fs.readFileSync(lock, "utf8"));
        age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
        return true; // gone meanwhile: try again
    }
    if (age >= HELD_LOCK_MS) return false;
    if (!pid) return age < EMPTY_LOCK_MS;
    if (pid === process.pid) return false; // an earlier process with this pid left it (this one removes its own lock when done)
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** How long a kept cluster no run has used stays (one is ~40 MB: a PostgreSQL upgrade or new initdb arguments leave the old ones unused). */
const CLUSTER_UNUSED_DAYS = 7;

/** Removes the kept clusters of `store` no run has used for CLUSTER_UNUSED_DAYS (when a new one is made). */
function pruneClusters(store: string): void {
    const before = Date.now() - CLUSTER_UNUSED_DAYS * 24 * 3600 * 1000;
    for (const name of fs.readdirSync(store)) {
        const entry = path.join(store, name);
        if (/^pg-cluster-[0-9a-f]+$/.test(name) && fs.statSync(entry).mtimeMs < before) fs.rmSync(entry, { recursive: true, force: true });
    }
}

/** The real openssl, run in `dir` (its output, or a throw with openssl's message). */
export function openssl(dir: string, ...args: string[]): string {
    return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * A new key's `req` arguments: ECDSA P-256, which TLS in PostgreSQL, psql and Node verifies like
 * RSA (and the clouds' CAs use too), made in ~1 ms where an RSA 2048 key took 0.1-0.5 s of CPU.
 */
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];

/** A self-signed CA made by the real openssl in `dir`: `<name>.crt` and `<name>.key`. */
export function makeCa(dir: string, name: string, subject: string): string {
    openssl(dir, "req", "-x509", ...NEW_KEY, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", subject);
    return path.join(dir, `${name}.crt`);
}

/**
 * A server certificate `<name>.crt` (key `<name>.key`, mode 0600 as PostgreSQL requires) for
 * `subject` and `san` (e.g. `DNS:localhost`), issued by the CA `<ca>.crt` in `dir`.
 */
export function issueCert(dir: string, ca: string, name: string, subject: string, san: string): string {
    openssl(dir, "req", ...NEW_KEY, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
    fs.chmodSync(path.join(dir, `${name}.key`), 0o600);
    return path.join(dir, `${name}.crt`);
}

/** The file of the data directory that names the certificate the server serves (included by postgresql.conf). */
const SSL_CONF = "anycloud-test-ssl.conf";

/**
 * A real PostgreSQL in `dir`/data that admits network clients only over TLS with SCRAM (like
 * every cloud's), superuser `app` with `password`, serving the certificate `<cert>.crt` of `dir`;
 * `restart(cert)` serves another. The Unix socket (trust) is for the test's own checks.
 */
export class TlsPostgres {
    private constructor(
        private readonly bin: string,
        readonly dir: string,
        readonly port: number,
        private readonly options: string[],
    ) {}

    static async start(bin: string, dir: string, cert: string, password: string, options: string[] = []): Promise<TlsPostgres> {
        const asRoot = process.getuid?.() === 0;
        if (asRoot) execFileSync("chown", ["-R", "postgres", dir]);
        const server = new TlsPostgres(bin, dir, await freePort(), options);
        const data = path.join(dir, "data");
        initCluster(bin, data, ["-U", "app", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]);
        fs.writeFileSync(path.join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
        // The certificate is named in a file of its own, not on the command line (which a reload
        // cannot change): `restart` switches it with a reload.
        fs.appendFileSync(path.join(data, "postgresql.conf"), `\ninclude '${SSL_CONF}'\n`);
        server.serve(cert);
        server.ctl("start");
        // The superuser's password (what initdb --pwfile sets, here after the copy; stored as a
        // SCRAM verifier, password_encryption's default), over the Unix socket (trust).
        runPgTool(bin, "psql", ["-X", "-q", "-h", dir, "-p", String(server.port), "-U", "app", "-d", "postgres", "-c", `ALTER ROLE app PASSWORD '${password.replace(/'/g, "''")}'`]);
        return server;
    }

    /**
     * Serves `<cert>.crt` from now on: PostgreSQL (10 and later) loads its certificate and key
     * again on a reload (SIGHUP), and each connection after it gets them; no restart (a shutdown
     * checkpoint and a start, ~0.3 s each time). Returns once a TLS handshake gets that very
     * certificate (`pg_ctl reload` only sends the signal; the name in `SHOW ssl_cert_file` changes
     * even when the files cannot be loaded). A reload that cannot load them (a key that does not
     * match, an unreadable file) leaves the server serving the previous certificate and logging
     * "SSL configuration was not reloaded" (postmaster.c): that throws with the log's lines.
     */
    restart(cert: string): void {
        const log = path.join(this.dir, "server.log");
        const logFrom = fs.existsSync(log) ? fs.statSync(log).size : 0;
        this.serve(cert);
        // What `pg_ctl reload` does: SIGHUP to the postmaster whose PID heads postmaster.pid (here
        // without starting runuser, env and pg_ctl for it).
        process.kill(Number(fs.readFileSync(path.join(this.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]), "SIGHUP");
        const want = new X509Certificate(fs.readFileSync(path.join(this.dir, `${cert}.crt`))).fingerprint256;
        for (let tries = 0; ; tries++) {
            const served = this.servedFingerprint();
            if (served === want) return;
            const logged = fs.readFileSync(log).subarray(logFrom).toString("utf8");
            if (/SSL configuration was not reloaded/.test(logged)) {
                throw new Error(`PostgreSQL in ${this.dir} could not load ${cert}.crt and its key on reload; it still serves ${served}. Its log:\n${logged}`);
            }
            if (tries >= 200) throw new Error(`PostgreSQL in ${this.dir} still serves ${served}, not ${cert}.crt (${want}), after a reload`);
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // 50 ms, without a process
        }
    }

    /** The SHA-256 fingerprint of the certificate a TLS client gets now (openssl s_client after PostgreSQL's SSLRequest). */
    servedFingerprint(): string {
        const out = execFileSync("openssl", ["s_client", "-starttls", "postgres", "-connect", `127.0.0.1:${this.port}`], { input: "", encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
        const pem = out.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
        if (!pem) throw new Error(`openssl s_client got no certificate from PostgreSQL on port ${this.port}:\n${out}`);
        return new X509Certificate(pem[0]).fingerprint256;
    }

    /** Names `<cert>.crt` and its key as the server's (read at the next start or reload). */
    private serve(cert: string): void {
        const conf = path.join(this.dir, "data", SSL_CONF);
        fs.writeFileSync(conf, `ssl_cert_file = '${this.dir}/${cert}.crt'\nssl_key_file = '${this.dir}/${cert}.key'\n`);
        // The server reads it, the certificate and the key (PostgreSQL refuses a key file anyone else
        // may read) as its own user, the owner of its data directory.
        if (process.getuid?.() === 0) {
            const { uid, gid } = fs.statSync(path.join(this.dir, "data"));
            for (const file of [conf, path.join(this.dir, `${cert}.crt`), path.join(this.dir, `${cert}.key`)]) fs.chownSync(file, uid, gid);
        }
    }

    stop(): void {
        runPgTool(this.bin, "pg_ctl", ["-D", path.join(this.dir, "data"), "-m", "immediate", "-w", "stop"]);
    }

    private ctl(action: "start"): void {
        const options = [TEST_SERVER_OPTIONS, `-k ${this.dir}`, `-p ${this.port}`, "-c listen_addresses=localhost", "-c ssl=on", ...this.options];
        runPgTool(this.bin, "pg_ctl", ["-D", path.join(this.dir, "data"), "-o", options.join(" "), "-w", "-l", path.join(this.dir, "server.log"), action]);
    }
}
