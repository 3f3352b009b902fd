import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, baseline } from "./harness";
import { findPgBin, issueCert, makeCa, TlsPostgres } from "./local-servers";

/**
 * The init steps send the admin password to PostgreSQL, so they verify the server first. The
 * modes and trust files the plan gives them are run here with the real psql against the real
 * PostgreSQL 15, with certificates the real openssl issues: Azure's verify-full against a bundle,
 * GCP's verify-ca against the instance's CA whose certificate names the instance, not the address.
 */
describe("database init steps verify the server's certificate (real PostgreSQL 15 + openssl)", function () {
    this.timeout(120000);
    const bin = findPgBin();
    let dir: string;
    let server: TlsPostgres;
    let azure: Plan;
    let gcp: Plan;

    const start = (cert: string) => server.restart(cert);
    /** psql over TCP to localhost with the init step's TLS settings. */
    const connect = (env: Record<string, string>) =>
        spawnSync(path.join(bin!, "psql"), ["-X", "-A", "-t", "-c", "SELECT 1"], { env: { PATH: process.env.PATH, PGHOST: "localhost", PGPORT: String(server.port), PGUSER: "app", PGPASSWORD: "pw", PGDATABASE: "postgres", PGCONNECT_TIMEOUT: "5", ...env }, encoding: "utf8" });
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
        makeCa(dir, "ca", "/CN=test root CA");
        makeCa(dir, "other", "/CN=someone else's CA");
        // A system-style bundle: unrelated roots around the one that issued the server certificate.
        fs.writeFileSync(path.join(dir, "bundle.crt"), [fs.readFileSync(path.join(dir, "other.crt"), "utf8"), fs.readFileSync(path.join(dir, "ca.crt"), "utf8")].join("\n"));
        issueCert(dir, "ca", "named", "/CN=localhost", "DNS:localhost");
        // Like Cloud SQL: the certificate names the instance, not the address clients use.
        issueCert(dir, "ca", "instance", "/CN=my-project:database-pg", "DNS:database-pg.my-project.internal");
        server = await TlsPostgres.start(bin!, dir, "named", "pw");
    });
    after(function () {
        if (dir && bin) {
            try {
                if (server) server.stop();
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
            assert.ok(env().DB_SERVER_CA.includes(instance.outputs.serverCaCerts[0].cert), "the instance's CA among those trusted");
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
