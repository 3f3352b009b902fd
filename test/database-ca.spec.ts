import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DB_CA_DIR, DB_CA_FILE, DB_CA_FILE_NAME, pemCertificates } from "../components/database-tls";
import { DB_CA_INIT_CONTAINER, DB_CA_INIT_IMAGE, rdsServerCa } from "../providers/aws/database-ca";
import { RDS_REGION_ROOTS } from "../providers/aws/rds-ca-roots";
import { AWS_REGIONS } from "../providers/aws/sizes";
import { AZURE_POSTGRES_ROOTS } from "../providers/azure/database-ca";
import { caBundle } from "../providers/gcp/database-ca";
import { mocks as gcpCloud } from "../providers/gcp/mocks";
import { CloudFacts } from "../stacks/cloud-mocks";
import { CapturedResource } from "../stacks/offline";
import { Plan, plan, baseline } from "./harness";
import { findPgBin, issueCert, makeCa, openssl, TlsPostgres } from "./local-servers";

/**
 * Services verify the PostgreSQL server they send their password to: on each cloud the plan
 * gives every workload on the database the server's CA as the file DB_CA_FILE, the strongest
 * sslmode the target allows, and the same in DATABASE_URL. The CA data the program carries is
 * read by the real openssl; a client configured exactly as the plan wires a service connects to
 * a real PostgreSQL 15 whose certificate matches and is refused by one that does not.
 */

/** Each cloud's mode, and where the host name cannot be checked, why. */
const MODE: Record<string, string> = { aws: "verify-full", gcp: "verify-ca", azure: "verify-full" };

/** The regions AWS_REGIONS accepts whose RDS roots the program does not carry (README "Database TLS"). */
const REGIONS_WITHOUT_ROOTS = ["ap-east-2", "ap-southeast-6", "us-gov-east-1", "us-gov-west-1"];

/** The plain environment of a workload's app container, whatever the target's shape. */
function appEnv(p: Plan, cloud: string, workload: string): Record<string, string> {
    const pairs: { name: string; value?: unknown }[] = [];
    if (cloud === "aws") pairs.push(...appContainer(p, workload).environment);
    if (cloud === "gcp") pairs.push(...runContainer(p, workload).envs);
    if (cloud === "azure") pairs.push(...p.one("azure-native:app:ContainerApp", `${workload}-app`).inputs.template.containers[0].env);
    if (cloud === "local") for (const e of p.one("docker:index/container:Container", `${workload}-container`).inputs.envs as string[]) pairs.push({ name: e.slice(0, e.indexOf("=")), value: e.slice(e.indexOf("=") + 1) });
    return Object.fromEntries(pairs.filter((e) => typeof e.value === "string").map((e) => [e.name, e.value as string]));
}
function taskContainers(p: Plan, workload: string): any[] {
    return JSON.parse(p.one("aws:ecs/taskDefinition:TaskDefinition", `${workload}-task`).inputs.containerDefinitions);
}
function appContainer(p: Plan, workload: string): any {
    return taskContainers(p, workload).find((c) => c.name === workload);
}
function runResource(p: Plan, workload: string): CapturedResource {
    return p.resources.find((r) => (r.type === "gcp:cloudrunv2/service:Service" && r.name === `${workload}-run`) || (r.type === "gcp:cloudrunv2/workerPool:WorkerPool" && r.name === `${workload}-pool`))!;
}
function runContainer(p: Plan, workload: string): any {
    return runResource(p, workload).inputs.template.containers[0];
}
/** The DATABASE_URL the workload reads (from the cloud's secret store). */
function databaseUrl(p: Plan, cloud: string, workload: string): string {
    if (cloud === "aws") return JSON.parse(p.one("aws:secretsmanager/secretVersion:SecretVersion", `${workload}-secrets`).inputs.secretString).DATABASE_URL;
    if (cloud === "gcp") return p.one("gcp:secretmanager/secretVersion:SecretVersion", `${workload}-secret-database-url-v`).inputs.secretData;
    if (cloud === "azure") return p.one("azure-native:keyvault:Secret", `${workload}-database-url`).inputs.properties.value;
    return appEnv(p, cloud, workload).DATABASE_URL;
}

/**
 * The CA bundle Cloud SQL's listServerCas gives for the plan's instances (primary first, then
 * each read replica), as the cloud answers under the given facts.
 */
function listedCloudSqlCas(p: Plan, facts?: CloudFacts): string {
    const instances = p.ofType("gcp:sql/databaseInstance:DatabaseInstance");
    const ordered = [...instances.filter((i) => !i.name.includes("replica")), ...instances.filter((i) => i.name.includes("replica"))];
    const certs = ordered.flatMap((i) => (gcpCloud.call("gcp:sql/getCaCerts:getCaCerts", { instance: i.outputs.name }, { project: "anycloud", stack: "prod", config: {}, facts }) as any).certs.map((c: any) => c.cert as string));
    return caBundle(certs);
}

/** What the workload's container finds at DB_CA_FILE, read from how the plan delivers it. */
function deliveredCa(p: Plan, cloud: string, workload: string): string | undefined {
    if (cloud === "aws") {
        const init = taskContainers(p, workload).find((c) => c.name === DB_CA_INIT_CONTAINER);
        return init?.environment.find((e: any) => e.name === "DB_CA_PEM")?.value;
    }
    if (cloud === "gcp") {
        const volume = (runResource(p, workload).inputs.template.volumes ?? [])[0];
        const mount = (runContainer(p, workload).volumeMounts ?? [])[0];
        if (!volume || mount?.name !== volume.name || mount.mountPath !== DB_CA_DIR) return undefined;
        const version = p.one("gcp:secretmanager/secretVersion:SecretVersion", "database-server-ca-v");
        const secret = p.one("gcp:secretmanager/secret:Secret", "database-server-ca");
        assert.strictEqual(volume.secret.secret, secret.outputs.secretId);
        assert.deepStrictEqual(volume.secret.items, [{ path: DB_CA_FILE_NAME, version: version.outputs.version }], "the file, from the pinned version");
        return version.inputs.secretData;
    }
    if (cloud === "azure") {
        const a = p.one("azure-native:app:ContainerApp", `${workload}-app`).inputs;
        const volume = (a.template.volumes ?? [])[0];
        const mount = (a.template.containers[0].volumeMounts ?? [])[0];
        if (!volume || mount?.volumeName !== volume.name || mount.mountPath !== DB_CA_DIR) return undefined;
        assert.strictEqual(volume.storageType, "Secret");
        const ref = volume.secrets.find((s: any) => s.path === DB_CA_FILE_NAME)?.secretRef;
        const secret = a.configuration.secrets.find((s: any) => s.name === ref);
        const stored = p.one("azure-native:keyvault:Secret", "database-server-ca");
        assert.strictEqual(secret.keyVaultUrl, stored.outputs.properties.secretUriWithVersion, "the versioned Key Vault URI");
        return stored.inputs.properties.value;
    }
    return undefined;
}

describe("database TLS: the CA data the program carries (real openssl)", function () {
    this.timeout(180000);
    let dir: string;
    /** What openssl reads in each RDS root, by region. */
    const rds: Record<string, { subject: string; constraints: string; notAfter: Date; selfSigned: boolean }[]> = {};
    /** Writes one certificate and returns openssl's reading of it. */
    const read = (pem: string, ...args: string[]) => {
        fs.writeFileSync(path.join(dir, "one.crt"), pem);
        return openssl(dir, "x509", "-in", "one.crt", "-noout", ...args);
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbca-"));
        // Every root of every region read by two openssl processes (not two per certificate: each
        // start costs ~15 ms, and there are ~100 roots): `storeutl -text` prints each certificate
        // of a file in order; `verify` takes each one's file in turn.
        const bundles = Object.entries(RDS_REGION_ROOTS).map(([region, bundle]) => [region, pemCertificates(bundle)] as const);
        const all = bundles.flatMap(([, certs]) => certs);
        all.forEach((c, i) => fs.writeFileSync(path.join(dir, `${i}.crt`), c));
        fs.writeFileSync(path.join(dir, "all.crt"), all.join("\n"));
        const texts = openssl(dir, "storeutl", "-noout", "-text", "-certs", "all.crt").split(/^\d+: Certificate$/m).slice(1);
        assert.strictEqual(texts.length, all.length, "openssl read every certificate");
        const field = (text: string, name: RegExp) => text.match(name)?.[1].trim() ?? "";
        const read = texts.map((text) => ({
            subject: field(text, /^\s*Subject: (.*)$/m),
            issuer: field(text, /^\s*Issuer: (.*)$/m),
            constraints: field(text, /X509v3 Basic Constraints:.*\n(.*)/),
            notAfter: new Date(field(text, /Not After : (.*)$/m)),
        }));
        // Self-signed with a valid signature: it names itself as issuer, no other root has its
        // name, and it verifies against the roots with -check_ss_sig (without it, openssl verify
        // trusts a root in -CAfile without checking the root's own signature).
        const verified = new Set(
            spawnSync("openssl", ["verify", "-check_ss_sig", "-CAfile", "all.crt", ...all.map((_, i) => `${i}.crt`)], { cwd: dir, encoding: "utf8" })
                .stdout.split("\n")
                .flatMap((l) => /^(\d+)\.crt: OK$/.exec(l)?.[1] ?? []),
        );
        let i = 0;
        for (const [region, certs] of bundles) {
            rds[region] = certs.map(() => {
                const { subject, issuer, constraints, notAfter } = read[i];
                const selfSigned = verified.has(String(i++)) && issuer === subject && read.filter((r) => r.subject === subject).length === 1;
                return { subject, constraints, notAfter, selfSigned };
            });
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("every RDS region's bundle holds exactly its three G1 roots", () => {
        for (const [region, certs] of Object.entries(rds)) {
            assert.deepStrictEqual(
                certs.map((c) => c.subject.match(/CN=Amazon RDS (\S+) Root CA (\w+) G1/)?.slice(1).join(" ")),
                ["RSA2048", "RSA4096", "ECC384"].map((k) => `${region} ${k}`),
                region,
            );
        }
    });

    it("each RDS root is a self-signed CA certificate", () => {
        for (const [region, certs] of Object.entries(rds)) {
            for (const c of certs) assert.ok(c.selfSigned && /CA:TRUE/.test(c.constraints), `${region}: ${c.subject} ${c.constraints}`);
        }
    });

    it("every RDS root stays valid for at least ten more years", () => {
        const limit = new Date(Date.UTC(2036, 0, 1));
        for (const [region, certs] of Object.entries(rds)) for (const c of certs) assert.ok(c.notAfter > limit, `${region}: ${c.subject} ends ${c.notAfter.toISOString()}`);
    });

    it("the regions the config accepts without RDS roots are exactly the known ones", () => {
        assert.deepStrictEqual(Object.keys(AWS_REGIONS).filter((r) => RDS_REGION_ROOTS[r] === undefined).sort(), REGIONS_WITHOUT_ROOTS);
    });

    it("Azure's bundle is exactly DigiCert Global Root G2, Microsoft RSA Root CA 2017 and DigiCert Global Root CA", () => {
        const fingerprints = pemCertificates(AZURE_POSTGRES_ROOTS).map((c) => read(c, "-fingerprint", "-sha256").trim().replace(/^.*=/, ""));
        assert.deepStrictEqual(fingerprints, [
            "CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F",
            "C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0",
            "43:48:A0:E9:44:4C:78:CB:26:5E:05:8D:5E:89:44:B4:D8:4F:96:62:BD:26:DB:25:7F:89:34:A4:43:C7:01:61",
        ]);
    });
});

for (const cloud of ["aws", "gcp", "azure"]) {
    describe(`database TLS wired on ${cloud}`, function () {
        this.timeout(120000);
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud } });
        });

        it(`services on the database get ${MODE[cloud]} and the CA file under libpq's and the guides' names`, () => {
            for (const workload of ["app", "worker"]) {
                const env = appEnv(p, cloud, workload);
                assert.deepStrictEqual(
                    { DB_SSLMODE: env.DB_SSLMODE, PGSSLMODE: env.PGSSLMODE, DB_SSLROOTCERT: env.DB_SSLROOTCERT, PGSSLROOTCERT: env.PGSSLROOTCERT },
                    { DB_SSLMODE: MODE[cloud], PGSSLMODE: MODE[cloud], DB_SSLROOTCERT: DB_CA_FILE, PGSSLROOTCERT: DB_CA_FILE },
                    workload,
                );
            }
        });

        it("DATABASE_URL carries the same mode and CA file", () => {
            for (const workload of ["app", "worker"]) {
                assert.strictEqual(new URL(databaseUrl(p, cloud, workload)).search, `?sslmode=${MODE[cloud]}&sslrootcert=${DB_CA_FILE}`, workload);
            }
        });

        it("each service on the database finds the server's CA at that path", () => {
            const expected = cloud === "aws" ? RDS_REGION_ROOTS["eu-west-1"] : cloud === "azure" ? AZURE_POSTGRES_ROOTS : listedCloudSqlCas(p);
            for (const workload of ["app", "worker"]) assert.strictEqual(deliveredCa(p, cloud, workload), expected, workload);
        });

        it("a service that does not use the database gets neither the CA nor the variables", () => {
            assert.strictEqual(deliveredCa(p, cloud, "processor"), undefined);
            assert.strictEqual(appEnv(p, cloud, "processor").PGSSLROOTCERT, undefined);
        });
    });
}

/**
 * Jobs on the database (the dev stack's before-deploy `migrate` and scheduled `nightly`, which runs
 * `psql "$DATABASE_URL"`) get the same file: the URL names it, so without it they could not connect.
 */
describe("database TLS: jobs on the database get the CA file too", function () {
    this.timeout(120000);
    /** The mount path and where its file comes from, for a job's container on each target. */
    function jobMount(p: Plan, cloud: string, job: string): { path?: string; source?: string } {
        if (cloud === "aws") {
            const defs = JSON.parse(p.one("aws:ecs/taskDefinition:TaskDefinition", `${job}-task`).inputs.containerDefinitions);
            const app = defs.find((c: any) => c.name === job);
            const init = defs.find((c: any) => c.name === DB_CA_INIT_CONTAINER);
            return { path: app.mountPoints?.[0]?.containerPath, source: init?.environment[0].value };
        }
        if (cloud === "gcp") {
            const j = p.resources.find((r) => r.type === "gcp:cloudrunv2/job:Job" && (r.name === `${job}-run` || r.name === `${job}-job`))!.inputs.template.template;
            return { path: j.containers[0].volumeMounts?.[0]?.mountPath, source: j.volumes?.[0]?.secret.items[0].version };
        }
        const j = p.one("azure-native:app:Job", `${job}-job`).inputs;
        const ref = j.template.volumes?.[0]?.secrets[0].secretRef;
        return { path: j.template.containers[0].volumeMounts?.[0]?.mountPath, source: j.configuration.secrets.find((s: any) => s.name === ref)?.keyVaultUrl };
    }
    const expectedSource: Record<string, (p: Plan) => string> = {
        // The roots of the region the stack deploys to (the provider's).
        aws: (p) => RDS_REGION_ROOTS[p.ofType("pulumi:providers:aws")[0].inputs.region],
        gcp: (p) => p.one("gcp:secretmanager/secretVersion:SecretVersion", "database-server-ca-v").outputs.version,
        azure: (p) => p.one("azure-native:keyvault:Secret", "database-server-ca").outputs.properties.secretUriWithVersion,
    };
    for (const cloud of ["aws", "gcp", "azure"]) {
        it(`${cloud}: a before-deploy and a scheduled job find the server's CA where DATABASE_URL says`, async () => {
            const p = await baseline({ stack: "dev", set: { cloud } });
            for (const job of ["migrate", "nightly"]) assert.deepStrictEqual(jobMount(p, cloud, job), { path: DB_CA_DIR, source: expectedSource[cloud](p) }, job);
        });
    }
});

/**
 * Cloud SQL's CA rotation done the documented way (`server-ca-certs create`, deploy, `rotate`)
 * must never break a connection: what the services and the init job trust is every CA the
 * instances list (listServerCas), read on every run, not the instance's serverCaCerts (the
 * active CA only).
 */
describe("database TLS on Cloud SQL: every listed CA, through a rotation", function () {
    this.timeout(120000);
    const facts: CloudFacts = { sqlServerCaUpcoming: true };
    let p: Plan;
    before(async () => {
        p = await plan({ stack: "prod", set: { cloud: "gcp" }, facts });
    });
    const instances = () => p.ofType("gcp:sql/databaseInstance:DatabaseInstance");

    it("with a rotation prepared, each service on the database trusts the upcoming CA of every instance beside the active one", () => {
        const expected = listedCloudSqlCas(p, facts);
        assert.strictEqual(pemCertificates(expected).length, 2 * instances().length, "two CAs per instance (primary and replica)");
        for (const workload of ["app", "worker"]) assert.strictEqual(deliveredCa(p, "gcp", workload), expected, workload);
    });

    it("the active CA alone (what the instance's serverCaCerts holds) is not all it trusts", () => {
        const delivered = pemCertificates(deliveredCa(p, "gcp", "app")!);
        const active = instances().flatMap((i) => i.outputs.serverCaCerts.map((c: any) => `${c.cert.trim()}\n`));
        assert.ok(active.every((c: string) => delivered.includes(c)), "every instance's active CA");
        assert.ok(delivered.length > active.length, "and the upcoming ones");
    });

    it("the init job trusts the same CAs as the services", () => {
        const env = p.one("gcp:cloudrunv2/job:Job", "database-init").inputs.template.template.containers[0].envs.find((e: any) => e.name === "DB_SERVER_CA");
        assert.strictEqual(env.value, listedCloudSqlCas(p, facts));
    });

    it("the CAs are read from Cloud SQL on every run, for the primary and each read replica", () => {
        const asked = p.run.invokes.filter((i) => i.token === "gcp:sql/getCaCerts:getCaCerts").map((i) => i.inputs.instance).sort();
        assert.deepStrictEqual(asked, instances().map((i) => i.outputs.name).sort());
    });

    it("a replaced CA version is abandoned, not destroyed: a rollback to an older revision still reads the version it pins", () => {
        assert.strictEqual(p.one("gcp:secretmanager/secretVersion:SecretVersion", "database-server-ca-v").inputs.deletionPolicy, "ABANDON");
    });
});

describe("database TLS on ECS: the init container and the mount", function () {
    this.timeout(120000);
    let p: Plan;
    let dir: string;
    before(async () => {
        p = await baseline({ stack: "prod", set: { cloud: "aws" } });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbca-ecs-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the app starts only after the init container wrote the file, and mounts it read-only where DB_SSLROOTCERT points", () => {
        const app = appContainer(p, "app");
        const init = taskContainers(p, "app").find((c) => c.name === DB_CA_INIT_CONTAINER);
        assert.deepStrictEqual(app.dependsOn, [{ containerName: DB_CA_INIT_CONTAINER, condition: "SUCCESS" }]);
        assert.strictEqual(init.essential, false, "an init container that exits is not essential");
        assert.strictEqual(init.image, DB_CA_INIT_IMAGE);
        const volume = p.one("aws:ecs/taskDefinition:TaskDefinition", "app-task").inputs.volumes[0].name;
        assert.deepStrictEqual(app.mountPoints, [{ sourceVolume: volume, containerPath: DB_CA_DIR, readOnly: true }]);
        assert.strictEqual(init.mountPoints[0].sourceVolume, volume);
    });

    it("the init container's image is pinned by the digest of busybox:1.37's index, the one docker-library/repo-info records", () => {
        const init = taskContainers(p, "app").find((c) => c.name === DB_CA_INIT_CONTAINER);
        // repos/busybox/remote/1.37.md at 01a7054230d50b3dccaf8d579f161c522be8c9f0: `busybox:1.37`, OCI image index.
        assert.strictEqual(init.image, "public.ecr.aws/docker/library/busybox@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0");
        // No tag beside it: ECS would resolve a tag at each task start (repository@digest is ECS's pinned form).
        assert.doesNotMatch(init.image.split("@")[0], /:[^/]*$/);
    });

    it("the init container's command, run by a real sh, writes exactly the PEM, readable by any user", () => {
        const init = taskContainers(p, "app").find((c) => c.name === DB_CA_INIT_CONTAINER);
        // The volume as the init container sees it, moved under the test's directory.
        const script = (init.command[2] as string).split(init.mountPoints[0].containerPath).join(dir);
        const pem = init.environment.find((e: any) => e.name === "DB_CA_PEM").value;
        const r = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH, DB_CA_PEM: pem }, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(fs.readFileSync(path.join(dir, DB_CA_FILE_NAME), "utf8"), pem);
        assert.strictEqual(fs.statSync(path.join(dir, DB_CA_FILE_NAME)).mode & 0o777, 0o444);
    });

    it("a new CA set is a new task definition revision: the services roll onto it", async () => {
        const other = await plan({ stack: "prod", set: { cloud: "aws", "aws:region": "us-east-1" } });
        const pem = (q: Plan) => taskContainers(q, "app").find((c) => c.name === DB_CA_INIT_CONTAINER).environment[0].value;
        assert.notStrictEqual(pem(other), pem(p));
        assert.strictEqual(pem(other), RDS_REGION_ROOTS["us-east-1"]);
    });

    it("in a region whose roots it does not carry, services get require and no CA", async () => {
        const q = await plan({ stack: "prod", set: { cloud: "aws", "aws:region": "ap-east-2" } });
        const env = appEnv(q, "aws", "app");
        assert.deepStrictEqual([env.DB_SSLMODE, env.PGSSLROOTCERT, deliveredCa(q, "aws", "app")], ["require", undefined, undefined]);
    });

    it("and the run warns, naming the region and what services get", () => {
        const warned: string[] = [];
        const original = console.warn;
        // Outside an engine, pulumi.log.warn writes to console.warn; under `pulumi up` it is a warning of the run.
        console.warn = (m: string) => warned.push(m);
        try {
            assert.strictEqual(rdsServerCa("ap-east-2").sslMode, "require");
        } finally {
            console.warn = original;
        }
        assert.ok(warned.some((w) => w.includes("aws.region ap-east-2") && w.includes("sslmode=require")), warned.join("\n"));
    });
});

/**
 * The real thing: libpq (psql 15) configured exactly as the plan wires a service — PGSSLMODE and
 * PGSSLROOTCERT from its environment, and separately its DATABASE_URL — with the file the plan
 * delivers at DB_CA_FILE. The test CA stands in for the cloud's (only the cloud holds its key);
 * host, port and password point at the local server.
 */
describe("database TLS: a client wired as a service, against a real PostgreSQL 15", function () {
    this.timeout(120000);
    const bin = findPgBin();
    let dir: string;
    let server: TlsPostgres;
    const plans: Record<string, Plan> = {};
    const password = "pw-of-the-test";

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        for (const cloud of ["aws", "gcp", "azure"]) plans[cloud] = await baseline({ stack: "prod", set: { cloud } });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-dbca-pg-"));
        fs.chmodSync(dir, 0o755);
        makeCa(dir, "ca", "/CN=the cloud's CA (test)");
        makeCa(dir, "other", "/CN=someone else's CA");
        issueCert(dir, "ca", "named", "/CN=localhost", "DNS:localhost");
        issueCert(dir, "ca", "elsewhere", "/CN=db.elsewhere.example", "DNS:db.elsewhere.example");
        issueCert(dir, "other", "impostor", "/CN=localhost", "DNS:localhost");
        // Like Cloud SQL's: names the instance, not the address clients use.
        issueCert(dir, "ca", "instance", "/CN=my-project:database-pg", "DNS:database-pg.my-project.internal");
        // After `server-ca-certs rotate`: the instance's certificate from the CA `create` added.
        makeCa(dir, "upcoming", "/CN=the instance's upcoming CA (test)");
        issueCert(dir, "upcoming", "rotated", "/CN=my-project:database-pg", "DNS:database-pg.my-project.internal");
        server = await TlsPostgres.start(bin!, dir, "named", password);
    });
    after(function () {
        if (server) server.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The delivered file, where this test can write it: DB_CA_FILE mapped under the test's directory. */
    const caFile = () => path.join(dir, "delivered", DB_CA_FILE_NAME);
    const local = (wired: string) => (wired === DB_CA_FILE ? caFile() : wired);
    const deliver = (pem: string) => {
        fs.mkdirSync(path.dirname(caFile()), { recursive: true });
        fs.writeFileSync(caFile(), pem);
    };
    const psql = (args: string[], env: Record<string, string>) =>
        spawnSync(path.join(bin!, "psql"), ["-X", "-A", "-t", "-c", "SELECT 1", ...args], { env: { PATH: process.env.PATH, PGCONNECT_TIMEOUT: "5", ...env }, encoding: "utf8" });
    /** With the service's PG* environment. */
    const viaEnv = (cloud: string) => {
        const env = appEnv(plans[cloud], cloud, "app");
        return psql([], { PGHOST: "localhost", PGPORT: String(server.port), PGUSER: "app", PGPASSWORD: password, PGDATABASE: "postgres", PGSSLMODE: env.PGSSLMODE, PGSSLROOTCERT: local(env.PGSSLROOTCERT) });
    };
    /** With the service's DATABASE_URL: its query as wired, the rest pointing here. */
    const viaUrl = (cloud: string) => {
        const wired = new URL(databaseUrl(plans[cloud], cloud, "app"));
        const query = new URLSearchParams(wired.search);
        query.set("sslrootcert", local(query.get("sslrootcert")!));
        return psql([`postgresql://app:${password}@localhost:${server.port}/postgres?${query.toString().replace(/%2F/g, "/")}`], {});
    };

    for (const cloud of ["aws", "azure"]) {
        describe(`${cloud}: verify-full`, () => {
            it("connects to a server whose certificate chains to the delivered CA and names the host", () => {
                deliver(fs.readFileSync(path.join(dir, "ca.crt"), "utf8"));
                server.restart("named");
                for (const r of [viaEnv(cloud), viaUrl(cloud)]) assert.strictEqual(r.status, 0, r.stderr);
            });

            it("refuses a server whose certificate from the same CA names another host", () => {
                server.restart("elsewhere");
                for (const r of [viaEnv(cloud), viaUrl(cloud)]) {
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, /does not match host name/);
                }
            });

            it("refuses a server whose certificate names the host but comes from another CA", () => {
                server.restart("impostor");
                for (const r of [viaEnv(cloud), viaUrl(cloud)]) {
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, /certificate verify failed/);
                }
            });
        });
    }

    describe("gcp: verify-ca", () => {
        it("connects to a server whose certificate comes from the instance's CA though it names the instance, not the address", () => {
            deliver(fs.readFileSync(path.join(dir, "ca.crt"), "utf8"));
            server.restart("instance");
            for (const r of [viaEnv("gcp"), viaUrl("gcp")]) assert.strictEqual(r.status, 0, r.stderr);
        });

        it("after the rotation, connects with the bundle of the listed CAs to a server whose certificate comes from the upcoming one", () => {
            const pem = (n: string) => fs.readFileSync(path.join(dir, `${n}.crt`), "utf8");
            server.restart("rotated");
            deliver(pem("ca"));
            assert.notStrictEqual(viaEnv("gcp").status, 0, "the active CA alone no longer verifies the server");
            deliver(caBundle([pem("ca"), pem("upcoming")]));
            for (const r of [viaEnv("gcp"), viaUrl("gcp")]) assert.strictEqual(r.status, 0, r.stderr);
        });

        it("refuses a server whose certificate comes from another CA", () => {
            deliver(fs.readFileSync(path.join(dir, "ca.crt"), "utf8"));
            server.restart("impostor");
            for (const r of [viaEnv("gcp"), viaUrl("gcp")]) {
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /certificate verify failed/);
            }
        });
    });

    // The server's restart() is what every test above relies on to face the certificate it names.
    it("the test server's switch to a certificate it cannot load (a key that does not match) fails, naming the server's log, and the old certificate is still served", () => {
        server.restart("named");
        const before = server.servedFingerprint();
        fs.copyFileSync(path.join(dir, "elsewhere.crt"), path.join(dir, "mismatched.crt"));
        fs.copyFileSync(path.join(dir, "impostor.key"), path.join(dir, "mismatched.key"));
        assert.throws(() => server.restart("mismatched"), /could not load mismatched\.crt and its key on reload[\s\S]*SSL configuration was not reloaded/);
        assert.strictEqual(server.servedFingerprint(), before);
    });
});
