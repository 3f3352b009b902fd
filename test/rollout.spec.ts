import * as assert from "assert";
import { createHash } from "crypto";
import { Plan, baseline, plan } from "./harness";
import { CapturedResource } from "../stacks/offline";
import { diffRuns, replaceTable } from "../stacks/changes";
import { Cloud } from "../stacks/settings";

/**
 * Settings that must reach running services: a changed secret value rolls the services that use
 * it, and a service that uses the database starts only after the step that creates its databases
 * and extensions — on every target. The prod example: app and worker use the database, processor
 * does not.
 */

const USES_DB = ["app", "worker"];

function dependsOn(r: CapturedResource, on: CapturedResource): boolean {
    return r.dependencies.includes(on.urn);
}

/** The workload resources (what runs the app's containers) of each target, by type. */
const WORKLOADS: Record<string, string[]> = {
    aws: ["aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"],
    gcp: ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool", "gcp:cloudrunv2/job:Job"],
    azure: ["azure-native:app:ContainerApp", "azure-native:app:Job"],
    local: ["docker:index/container:Container"],
};

describe("rollouts and start order", function () {
    this.timeout(180000);

    /**
     * The operator rotates a secret (`pulumi config set --secret --path anycloud:operatorSecrets.X`)
     * and runs `up`: what that up changes, from two runs of the program (the second one's cloud
     * answers a new version for the new value, as each cloud does) compared the way the engine
     * does. In the apps fixture only web lists STRIPE_SECRET_KEY. The value before is the one the
     * offline plan stands in for it (the fixture sets none): the shared plan of the fixture, which
     * test/changes.spec.ts plans too.
     */
    describe("a changed secret value rolls exactly the workloads that use it", () => {
        const fixture = { stack: "dev", file: "test/fixtures/Pulumi.apps.yaml" };
        const rotate = async (cloud: string) => {
            const before = await baseline({ ...fixture, set: { cloud } });
            assert.ok(before.run.standIns.includes("STRIPE_SECRET_KEY"), "the value before is a stand-in");
            const after = await plan({ ...fixture, set: { cloud, "operatorSecrets.STRIPE_SECRET_KEY": "sk_live_after_9876543210" } });
            return diffRuns(before.resources, after.resources, replaceTable(cloud as Cloud)).filter((c) => WORKLOADS[cloud].includes(c.type));
        };
        const expected: Record<string, string[]> = {
            // A new secret version id in the task definition: a new revision, which the service rolls onto.
            aws: ["replace aws:ecs/taskDefinition:TaskDefinition web-task", "update aws:ecs/service:Service web-service"],
            // The secret version is replaced (a new version number), which the service's template names: a new revision.
            gcp: ["update gcp:cloudrunv2/service:Service web-run"],
            // A new Key Vault secret version in the app's secret reference (and its digest): a new revision.
            azure: ["update azure-native:app:ContainerApp web-app"],
            // The value is in the container's environment: Docker re-creates the container.
            local: ["replace docker:index/container:Container web-container"],
        };
        for (const cloud of Object.keys(expected)) {
            it(cloud, async () => {
                assert.deepStrictEqual((await rotate(cloud)).map((c) => `${c.op} ${c.type} ${c.name}`), expected[cloud]);
            });
        }
    });

    /**
     * Jobs are workloads too: the dev example's migrate (before deploy) and nightly (scheduled)
     * use the database. What first starts each one (the run, or what the scheduler fires) waits
     * for the init step, so no run meets a database, role or extension that does not exist yet
     * (Azure: the job an awaited run starts is created after it, and its run after the job).
     */
    describe("jobs that use the database start after its init step", () => {
        const table: Record<string, { init: [string, string]; starts: [string, string][] }> = {
            aws: { init: ["aws:lambda/invocation:Invocation", "database-init"], starts: [["aws:scheduler/schedule:Schedule", "nightly-schedule"], ["aws:lambda/invocation:Invocation", "migrate-run"]] },
            gcp: { init: ["gcp:cloudrunv2/job:Job", "database-init"], starts: [["gcp:cloudrunv2/job:Job", "nightly-job"], ["gcp:cloudrunv2/job:Job", "migrate-run"]] },
            azure: { init: ["azure-native:resources:AzureCliScript", "database-run"], starts: [["azure-native:app:Job", "nightly-job"], ["azure-native:app:Job", "migrate-job"]] },
            local: { init: ["docker:index/container:Container", "database-init"], starts: [["docker:index/container:Container", "nightly-job"], ["docker:index/container:Container", "migrate-run"]] },
        };
        for (const [cloud, { init, starts }] of Object.entries(table)) {
            it(cloud, async () => {
                const p = await baseline({ stack: "dev", set: { cloud } });
                const step = p.one(...init);
                for (const start of starts) assert.ok(dependsOn(p.one(...start), step), `${start[1]} does not wait for ${init[1]}`);
            });
        }
    });

    describe("aws", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "aws" } });
        });

        it("task definitions pin each secret to the version Pulumi wrote, so a new value is a new task definition", () => {
            for (const service of ["app", "worker", "processor"]) {
                const version = p.one("aws:secretsmanager/secretVersion:SecretVersion", `${service}-secrets`);
                const secrets = JSON.parse(p.one("aws:ecs/taskDefinition:TaskDefinition", `${service}-task`).inputs.containerDefinitions)[0].secrets;
                assert.ok(secrets.length > 0, service);
                for (const s of secrets) {
                    assert.ok(s.valueFrom.endsWith(`:${s.name}::${version.outputs.versionId}`), `${service} ${s.name}: ${s.valueFrom}`);
                }
            }
        });

        it("services that use the database start after the database-init invocation", () => {
            const init = p.one("aws:lambda/invocation:Invocation", "database-init");
            for (const service of USES_DB) {
                assert.ok(dependsOn(p.one("aws:ecs/service:Service", `${service}-service`), init), service);
            }
            assert.ok(!dependsOn(p.one("aws:ecs/service:Service", "processor-service"), init), "processor does not use the database");
        });
    });

    describe("gcp", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
        });
        const workloads = (pl: Plan) => [...pl.ofType("gcp:cloudrunv2/service:Service"), ...pl.ofType("gcp:cloudrunv2/workerPool:WorkerPool")];

        it("secret variables name the version Pulumi wrote (a new value replaces the version, so a new revision)", () => {
            const versions = new Set(p.ofType("gcp:secretmanager/secretVersion:SecretVersion").map((v) => v.outputs.version));
            for (const w of workloads(p)) {
                const envs: any[] = w.inputs.template.containers[0].envs;
                // ELASTICSEARCH_CA_CERT is written by the search bootstrap node, not Pulumi: no version to name.
                const refs = envs.filter((e) => e.valueSource?.secretKeyRef && e.name !== "ELASTICSEARCH_CA_CERT");
                assert.ok(refs.length > 0, w.name);
                for (const e of refs) {
                    assert.notStrictEqual(e.valueSource.secretKeyRef.version, "latest", `${w.name} ${e.name}`);
                    assert.ok(versions.has(e.valueSource.secretKeyRef.version), `${w.name} ${e.name}`);
                }
            }
        });

        it("services that use the database are created after the init job ran", () => {
            const job = p.one("gcp:cloudrunv2/job:Job", "database-init");
            for (const w of workloads(p)) {
                const service = w.name.replace(/-(run|pool|worker)$/, "");
                assert.strictEqual(dependsOn(w, job), USES_DB.includes(service), `${w.name} (${service})`);
            }
        });
    });

    describe("azure", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "azure" } });
        });

        it("apps reference versioned Key Vault secrets and carry their digest in the template, so a new value starts a new revision", () => {
            for (const a of p.ofType("azure-native:app:ContainerApp")) {
                const secrets: any[] = a.inputs.configuration.secrets;
                assert.ok(secrets.length > 0, a.name);
                // elasticsearch-ca-cert is written by the search bootstrap node (not Pulumi): versionless.
                const pulumiWritten = secrets.filter((x: any) => x.name !== "elasticsearch-ca-cert");
                for (const s of pulumiWritten) assert.match(s.keyVaultUrl, /\/secrets\/[^/]+\/[0-9a-f]{32}$/, `${a.name} ${s.name}`);
                const digest = createHash("sha256").update(pulumiWritten.map((s) => s.keyVaultUrl).join("\n")).digest("hex").slice(0, 16);
                const env: any[] = a.inputs.template.containers[0].env;
                assert.strictEqual(env.find((e) => e.name === "ANYCLOUD_VAULT_REVISION")?.value, digest, a.name);
            }
        });

        it("apps that use the database start after the database init job's awaited run (no init container: the admin password stays with the job)", () => {
            const run = p.one("azure-native:resources:AzureCliScript", "database-run");
            for (const a of p.ofType("azure-native:app:ContainerApp")) {
                const service = a.name.replace(/-app$/, "");
                assert.strictEqual(a.dependencies.includes(run.urn), USES_DB.includes(service), a.name);
                assert.strictEqual(a.inputs.template.initContainers, undefined, a.name);
            }
        });
    });

    describe("local", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev", set: { cloud: "local" } });
        });

        it("service containers that use the database start after the init container exited", () => {
            const init = p.one("docker:index/container:Container", "database-init");
            const services = p.ofType("docker:index/container:Container").filter((c) => /-container(-\d+)?$/.test(c.name));
            assert.ok(services.length > 0);
            for (const c of services) {
                const service = c.name.replace(/-container(-\d+)?$/, "");
                assert.strictEqual(dependsOn(c, init), USES_DB.includes(service), c.name);
            }
        });
    });
});
