import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DB_CA_FILE, DB_CA_FILE_NAME } from "../components/database-tls";
import { DB_CA_INIT_CONTAINER } from "../providers/aws/database-ca";
import { Plan, plan, planError, planWithWarnings, baseline } from "./harness";
import { findPgBin, issueCert, makeCa, TlsPostgres } from "./local-servers";

/**
 * `database.tls` (components/database-tls.ts): `verify` gives services and jobs on the database
 * the CA file under libpq's, the guides' and Node's names; `require` keeps exactly the wiring of
 * the program before it delivered CAs, so an existing stack chooses when its clients verify.
 * Names the wiring sets only under `verify` are the app's own elsewhere, and refused (naming the
 * way out) where they would be replaced.
 */

/** The plain environment of a workload's app container (a service's or a job's task) on AWS. */
function awsEnv(p: Plan, task: string, container: string): Record<string, string> {
    const defs = JSON.parse(p.one("aws:ecs/taskDefinition:TaskDefinition", task).inputs.containerDefinitions);
    return Object.fromEntries(defs.find((c: any) => c.name === container).environment.map((e: any) => [e.name, e.value]));
}
function gcpEnv(p: Plan, workload: string): Record<string, string> {
    const r = p.resources.find((x) => (x.type === "gcp:cloudrunv2/service:Service" && x.name === `${workload}-run`) || (x.type === "gcp:cloudrunv2/workerPool:WorkerPool" && x.name === `${workload}-pool`))!;
    return Object.fromEntries(r.inputs.template.containers[0].envs.filter((e: any) => typeof e.value === "string").map((e: any) => [e.name, e.value]));
}
function azureEnv(p: Plan, workload: string): Record<string, string> {
    return Object.fromEntries(p.one("azure-native:app:ContainerApp", `${workload}-app`).inputs.template.containers[0].env.filter((e: any) => typeof e.value === "string").map((e: any) => [e.name, e.value]));
}
function appEnv(p: Plan, cloud: string): Record<string, string> {
    return cloud === "aws" ? awsEnv(p, "app-task", "app") : cloud === "gcp" ? gcpEnv(p, "app") : azureEnv(p, "app");
}
function appUrl(p: Plan, cloud: string): string {
    if (cloud === "aws") return JSON.parse(p.one("aws:secretsmanager/secretVersion:SecretVersion", "app-secrets").inputs.secretString).DATABASE_URL;
    if (cloud === "gcp") return p.one("gcp:secretmanager/secretVersion:SecretVersion", "app-secret-database-url-v").inputs.secretData;
    return p.one("azure-native:keyvault:Secret", "app-database-url").inputs.properties.value;
}
const TLS_NAMES = ["PGSSLMODE", "DB_SSLROOTCERT", "PGSSLROOTCERT", "NODE_EXTRA_CA_CERTS"];
const pick = (env: Record<string, string>, names: string[]) => Object.fromEntries(names.map((n) => [n, env[n]]));

describe("database.tls: verify (the default) and require", function () {
    this.timeout(180000);

    for (const cloud of ["aws", "gcp", "azure"]) {
        describe(cloud, () => {
            let verify: Plan;
            let require_: Plan;
            before(async () => {
                verify = await baseline({ stack: "prod", set: { cloud } });
                require_ = await baseline({ stack: "prod", set: { cloud, "database.tls": "require" } });
            });

            it("verify: NODE_EXTRA_CA_CERTS names the CA file beside PGSSLROOTCERT (node-postgres verifies against Node's roots)", () => {
                assert.strictEqual(appEnv(verify, cloud).NODE_EXTRA_CA_CERTS, DB_CA_FILE);
            });

            it("require: DB_SSLMODE=require and none of the verifying names, as before the program delivered CAs", () => {
                const env = appEnv(require_, cloud);
                assert.deepStrictEqual({ DB_SSLMODE: env.DB_SSLMODE, ...pick(env, TLS_NAMES) }, { DB_SSLMODE: "require", ...Object.fromEntries(TLS_NAMES.map((n) => [n, undefined])) });
            });

            it("require: DATABASE_URL says sslmode=require and names no CA file", () => {
                assert.strictEqual(new URL(appUrl(require_, cloud)).search, "?sslmode=require");
            });

            it("require: no CA is delivered to the workloads", () => {
                if (cloud === "aws") assert.strictEqual(JSON.parse(require_.one("aws:ecs/taskDefinition:TaskDefinition", "app-task").inputs.containerDefinitions).some((c: any) => c.name === DB_CA_INIT_CONTAINER), false);
                if (cloud === "gcp") assert.deepStrictEqual(require_.ofType("gcp:secretmanager/secret:Secret").filter((s) => s.name === "database-server-ca"), []);
                if (cloud === "azure") assert.deepStrictEqual(require_.ofType("azure-native:keyvault:Secret").filter((s) => s.name === "database-server-ca"), []);
            });
        });
    }

    it("a job on the database gets the same CA names as a service (AWS: the migrate job's task)", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "aws" } });
        const env = awsEnv(p, "migrate-task", "migrate");
        assert.deepStrictEqual(pick(env, TLS_NAMES), { PGSSLMODE: "verify-full", DB_SSLROOTCERT: DB_CA_FILE, PGSSLROOTCERT: DB_CA_FILE, NODE_EXTRA_CA_CERTS: DB_CA_FILE });
    });

    it("the GCP init job verifies the server whatever database.tls says", async () => {
        const p = await baseline({ stack: "prod", set: { cloud: "gcp", "database.tls": "require" } });
        const envs = p.one("gcp:cloudrunv2/job:Job", "database-init").inputs.template.template.containers[0].envs;
        const env = Object.fromEntries(envs.map((e: any) => [e.name, e.value]));
        assert.strictEqual(env.PGSSLMODE, "verify-ca");
        assert.match(env.DB_SERVER_CA, /BEGIN CERTIFICATE/);
    });

    it("another value is refused, naming the key and what it accepts", async () => {
        const e = await planError({ stack: "prod", set: { cloud: "aws", "database.tls": "verify-full" } });
        assert.ok(e.problems.some((p) => p.key === "anycloud:database.tls" && p.value === "verify-full" && /verify/.test(p.accepted) && /require/.test(p.accepted)), e.message);
    });

    describe("an upgrade is not silent", () => {
        it("unset on a cloud target: the run warns that services now verify, and how to keep require", async () => {
            const { warnings } = await planWithWarnings({ stack: "prod", set: { cloud: "aws", "database.tls": undefined } });
            const w = warnings.find((x) => x.includes("database.tls is not set"));
            assert.ok(w && w.includes("DB_SSLMODE=PGSSLMODE=verify-full") && w.includes("database.tls to verify") && w.includes("to require"), warnings.join("\n"));
        });

        it("set: no such warning", async () => {
            const { warnings } = await planWithWarnings({ stack: "prod", set: { cloud: "aws", "database.tls": "verify" } });
            assert.deepStrictEqual(warnings.filter((x) => x.includes("database.tls")), []);
        });

        it("unset, the services verify (the default is verify)", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "azure", "database.tls": undefined } });
            assert.strictEqual(appEnv(p, "azure").DB_SSLMODE, "verify-full");
        });
    });

    describe("the app's own variables under the verifying names", () => {
        it("verify: a service on the database that sets NODE_EXTRA_CA_CERTS is refused, naming database.tls: require", async () => {
            const e = await planError({ stack: "prod", set: { cloud: "aws", "services.app.env.NODE_EXTRA_CA_CERTS": "/etc/corp/ca.pem" } });
            assert.ok(e.problems.some((p) => p.key === "anycloud:services.app.env.NODE_EXTRA_CA_CERTS" && /database\.tls: require/.test(p.accepted)), e.message);
        });

        it("verify: so is a job on the database that sets PGSSLMODE", async () => {
            const e = await planError({ stack: "dev", set: { cloud: "gcp", "jobs.nightly.env.PGSSLMODE": "no-verify" } });
            assert.ok(e.problems.some((p) => p.key === "anycloud:jobs.nightly.env.PGSSLMODE"), e.message);
        });

        it("require: the app keeps its own PGSSLMODE and NODE_EXTRA_CA_CERTS (what a stack had before the upgrade)", async () => {
            const p = await plan({ stack: "prod", set: { cloud: "aws", "database.tls": "require", "services.app.env.PGSSLMODE": "no-verify", "services.app.env.NODE_EXTRA_CA_CERTS": "/etc/corp/ca.pem" } });
            assert.deepStrictEqual(pick(appEnv(p, "aws"), ["PGSSLMODE", "NODE_EXTRA_CA_CERTS"]), { PGSSLMODE: "no-verify", NODE_EXTRA_CA_CERTS: "/etc/corp/ca.pem" });
        });

        // One verifying plan for the two tests below (a service off the database with its own
        // NODE_EXTRA_CA_CERTS, the app copying PGSSLROOTCERT): each reads its own service.
        const OWN_NAMES = { cloud: "aws", "services.processor.env.NODE_EXTRA_CA_CERTS": "/etc/corp/ca.pem", "services.app.envFrom.MY_CA": "PGSSLROOTCERT" };

        it("a service that does not use the database keeps its own NODE_EXTRA_CA_CERTS", async () => {
            const p = await baseline({ stack: "prod", set: OWN_NAMES });
            assert.strictEqual(awsEnv(p, "processor-task", "processor").NODE_EXTRA_CA_CERTS, "/etc/corp/ca.pem");
        });

        it("in an AWS region whose RDS roots the program does not carry, envFrom from PGSSLROOTCERT is refused (the wiring sets none there)", async () => {
            const e = await planError({ stack: "prod", set: { cloud: "aws", "aws:region": "ap-east-2", "services.app.envFrom.MY_CA": "PGSSLROOTCERT" } });
            assert.ok(e.problems.some((p) => p.key === "anycloud:services.app.envFrom.MY_CA" && !/PGSSLROOTCERT,/.test(p.accepted)), e.message);
        });

        it("where the roots are carried, envFrom from PGSSLROOTCERT copies the CA path", async () => {
            const p = await baseline({ stack: "prod", set: OWN_NAMES });
            assert.strictEqual(appEnv(p, "aws").MY_CA, DB_CA_FILE);
        });
    });
});

/**
 * NODE_EXTRA_CA_CERTS is what makes node-postgres verify on AWS and Azure: from PGSSLMODE
 * (verify-*) pg's connection-parameters.js sets `ssl: true`, never reads PGSSLROOTCERT, and its
 * connection.js upgrades the socket after the SSLRequest with tls.connect({socket, servername:
 * host}), Node's default roots and host check. A real Node process does exactly that against a
 * real PostgreSQL 15 whose certificate comes from a CA only the delivered file holds.
 */
describe("database TLS: a Node client as node-postgres connects with ssl: true, against a real PostgreSQL 15", function () {
    this.timeout(120000);
    const bin = findPgBin();
    let dir: string;
    let server: TlsPostgres;
    let env: Record<string, string>;

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        env = appEnv(await baseline({ stack: "prod", set: { cloud: "aws" } }), "aws");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbca-node-"));
        fs.chmodSync(dir, 0o755);
        makeCa(dir, "ca", "/CN=the cloud's CA (test)");
        issueCert(dir, "ca", "named", "/CN=localhost", "DNS:localhost");
        server = await TlsPostgres.start(bin!, dir, "named", "pw");
        fs.mkdirSync(path.join(dir, "delivered"));
        fs.copyFileSync(path.join(dir, "ca.crt"), path.join(dir, "delivered", DB_CA_FILE_NAME));
    });
    after(function () {
        if (server) server.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** SSLRequest (int32 8, int32 80877103), 'S', then tls.connect as pg does with ssl: true. */
    const CLIENT = `
const net = require("net"), tls = require("tls");
const socket = net.connect(Number(process.env.PORT), "localhost", () => {
  const req = Buffer.alloc(8); req.writeInt32BE(8, 0); req.writeInt32BE(80877103, 4); socket.write(req);
});
socket.once("data", (b) => {
  if (b.toString("latin1", 0, 1) !== "S") { console.error("no TLS"); process.exit(3); }
  const s = tls.connect({ socket, servername: "localhost" }, () => { s.end(); process.exit(0); });
  s.on("error", (e) => { console.error(e.message); process.exit(1); });
});
socket.on("error", (e) => { console.error(e.message); process.exit(2); });`;
    const node = (extra: Record<string, string>) => spawnSync(process.execPath, ["-e", CLIENT], { env: { PATH: process.env.PATH, PORT: String(server.port), ...extra }, encoding: "utf8" });

    it("with the wired NODE_EXTRA_CA_CERTS (the delivered file), Node's default roots verify the server", () => {
        assert.strictEqual(env.NODE_EXTRA_CA_CERTS, DB_CA_FILE);
        const r = node({ NODE_EXTRA_CA_CERTS: path.join(dir, "delivered", DB_CA_FILE_NAME) });
        assert.strictEqual(r.status, 0, r.stderr);
    });

    it("without it, the same client is refused (what PGSSLMODE alone gives node-postgres)", () => {
        const r = node({});
        assert.strictEqual(r.status, 1, r.stderr);
        assert.match(r.stderr, /self[- ]signed|unable to (get|verify)/i);
    });
});
