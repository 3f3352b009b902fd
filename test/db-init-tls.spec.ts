import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, baseline } from "./harness";
import { findPgBin, freePort, runPgTool } from "./local-servers";

/**
 * The init steps send the admin password to PostgreSQL, so they verify the server first. The
 * modes and trust files the plan gives them are run here with the real psql against the real
 * PostgreSQL 15, with certificates the real openssl issues: Azure's verify-full against a bundle,
 * GCP's verify-ca against the instance's CA whose certificate names the instance, not the address.
 */
describe("database init steps verify the server's certificate (real PostgreSQL 15 + openssl)", function () {
    this.timeout(120000);
    const bin = findPgBin();
    const asRoot = process.getuid?.() === 0;
    let dir: string;
    let port: number;
    let azure: Plan;
    let gcp: Plan;

    const run = (tool: string, args: string[]) => runPgTool(bin!, tool, args);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    /** A server certificate from the test CA, for the given subject and names. */
    const issue = (name: string, subject: string, san: string) => {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
        fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
        openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
        fs.chmodSync(path.join(dir, `${name}.key`), 0o600);
    };
    const start = (cert: string) => {
        const options = [`-k ${dir}`, `-p ${port}`, "-c listen_addresses=localhost", "-c ssl=on", `-c ssl_cert_file=${dir}/${cert}.crt`, `-c ssl_key_file=${dir}/${cert}.key`];
        if (asRoot) execFileSync("chown", ["-R", "postgres", dir]);
        run("pg_ctl", ["-D", path.join(dir, "data"), "-o", options.join(" "), "-w", "-l", path.join(dir, "server.log"), "restart"]);
    };
    /** psql over TCP to localhost with the init step's TLS settings. */
    const connect = (env: Record<string, string>) =>
        spawnSync(path.join(bin!, "psql"), ["-X", "-A", "-t", "-c", "SELECT 1"], { env: { PATH: process.env.PATH, PGHOST: "localhost", PGPORT: String(port), PGUSER: "app", PGPASSWORD: "pw", PGDATABASE: "postgres", PGCONNECT_TIMEOUT: "5", ...env }, encoding: "utf8" });
    const initEnv = (envs: any[]) => Object.fromEntries(envs.filter((e) => e.value !== undefined).map((e) => [e.name, String(e.value)]));

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        azure = await baseline({ stack: "prod", set: { cloud: "azure" } });
        gcp = await baseline({ stack: "prod", set: { cloud: "gcp" } });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbtls-"));
        fs.chmodSync(dir, 0o755);
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test root CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days", "2", "-subj", "/CN=someone else's CA");
        // A system-style bundle: unrelated roots around the one that issued the server certificate.
        fs.writeFileSync(path.join(dir, "bundle.crt"), [fs.readFileSync(path.join(dir, "other.crt"), "utf8"), fs.readFileSync(path.join(dir, "ca.crt"), "utf8")].join("\n"));
        issue("named", "/CN=localhost", "DNS:localhost");
        // Like Cloud SQL: the certificate names the instance, not the address clients use.
        issue("instance", "/CN=my-project:database-pg", "DNS:database-pg.my-project.internal");
        fs.writeFileSync(path.join(dir, "pw"), "pw\n");
        if (asRoot) execFileSync("chown", ["-R", "postgres", dir]);
        port = await freePort();
        const data = path.join(dir, "data");
        run("initdb", ["-D", data, "-U", "app", "--pwfile", path.join(dir, "pw"), "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]);
        fs.writeFileSync(path.join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
        const options = [`-k ${dir}`, `-p ${port}`, "-c listen_addresses=localhost", "-c ssl=on", `-c ssl_cert_file=${dir}/named.crt`, `-c ssl_key_file=${dir}/named.key`];
        run("pg_ctl", ["-D", data, "-o", options.join(" "), "-w", "-l", path.join(dir, "server.log"), "start"]);
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

    describe("azure: verify-full against the image's CA bundle", () => {
        const env = () => initEnv(azure.one("azure-native:app:Job", "database-init").inputs.template.containers[0].env);

        it("the init job verifies chain and host name against the system bundle", () => {
            assert.strictEqual(env().PGSSLMODE, "verify-full");
            assert.strictEqual(env().PGSSLROOTCERT, "/etc/ssl/certs/ca-certificates.crt");
        });

        it("with those settings psql reaches a server whose certificate chains to a bundled root and names the host", () => {
            start("named");
            const out = connect({ PGSSLMODE: env().PGSSLMODE, PGSSLROOTCERT: path.join(dir, "bundle.crt") });
            assert.strictEqual(out.status, 0, out.stderr);
        });

        it("and refuses a certificate for another name, or from a CA outside the bundle, before sending the password", () => {
            start("instance");
            const wrongName = connect({ PGSSLMODE: env().PGSSLMODE, PGSSLROOTCERT: path.join(dir, "bundle.crt") });
            assert.notStrictEqual(wrongName.status, 0);
            assert.match(wrongName.stderr, /does not match host name|server certificate for .* does not match/);
            start("named");
            const wrongCa = connect({ PGSSLMODE: env().PGSSLMODE, PGSSLROOTCERT: path.join(dir, "other.crt") });
            assert.notStrictEqual(wrongCa.status, 0);
            assert.match(wrongCa.stderr, /certificate verify failed/);
        });
    });

    describe("gcp: verify-ca against the instance's own server CA", () => {
        const container = () => gcp.one("gcp:cloudrunv2/job:Job", "database-init").inputs.template.template.containers[0];
        const env = () => initEnv(container().envs);

        it("the job writes the instance's server CA to the trusted file before it connects", () => {
            const instance = gcp.ofType("gcp:sql/databaseInstance:DatabaseInstance").find((i) => !i.name.includes("replica"))!;
            assert.strictEqual(env().PGSSLMODE, "verify-ca");
            assert.strictEqual(env().DB_SERVER_CA, instance.outputs.serverCaCerts.map((c: any) => c.cert).join("\n"));
            const script = container().commands[2] as string;
            assert.ok(script.indexOf(`> ${env().PGSSLROOTCERT}`) >= 0 && script.indexOf(`> ${env().PGSSLROOTCERT}`) < script.indexOf("pg_isready"), script);
        });

        it("with those settings psql reaches a server whose certificate names the instance, not the address", () => {
            start("instance");
            fs.writeFileSync(path.join(dir, "server-ca.pem"), fs.readFileSync(path.join(dir, "ca.crt")));
            const out = connect({ PGSSLMODE: env().PGSSLMODE, PGSSLROOTCERT: path.join(dir, "server-ca.pem") });
            assert.strictEqual(out.status, 0, out.stderr);
        });

        it("and refuses a server whose certificate comes from another CA", () => {
            start("instance");
            const out = connect({ PGSSLMODE: env().PGSSLMODE, PGSSLROOTCERT: path.join(dir, "other.crt") });
            assert.notStrictEqual(out.status, 0);
            assert.match(out.stderr, /certificate verify failed/);
        });
    });
});
