import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";
import { assertBites, baseline, broken, LOGIN_ALIASES, violationsOf } from "./policy-harness";

/**
 * `least-privilege-data` (database half) on every target: the plans pass (services and jobs get
 * their database's role, the init step alone connects as the admin), and a workload given the
 * database admin's user name — as DB_USER or under the app's own name — is reported.
 */

type Env = { name: string; value?: unknown };
const setEnv = (envs: Env[], name: string, value: string) => {
    const e = envs.find((x) => x.name === name);
    assert.ok(e, `no ${name} in ${JSON.stringify(envs.map((x) => x.name))}`);
    e.value = value;
};

/** The worked example's admin login (database.username). */
const ADMIN = "app";

const TARGETS: {
    cloud: string;
    /** A service's and a job's workload resource. */
    service: (r: CapturedResource) => boolean;
    job: (r: CapturedResource) => boolean;
    /** Sets one plain variable of such a resource. */
    set: (props: Record<string, any>, name: string, value: string) => void;
}[] = [
    {
        cloud: "aws",
        service: (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "app-task",
        job: (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "migrate-task",
        set: (p, name, value) => {
            const defs = typeof p.containerDefinitions === "string" ? JSON.parse(p.containerDefinitions) : p.containerDefinitions;
            setEnv(defs[0].environment, name, value);
            p.containerDefinitions = JSON.stringify(defs);
        },
    },
    {
        cloud: "gcp",
        service: (r) => r.type === "gcp:cloudrunv2/service:Service" && r.name === "app-run",
        job: (r) => r.type === "gcp:cloudrunv2/job:Job" && r.name === "migrate-run",
        set: (p, name, value) => setEnv((p.template.containers ?? p.template.template.containers)[0].envs, name, value),
    },
    {
        cloud: "azure",
        service: (r) => r.type === "azure-native:app:ContainerApp" && r.name === "app-app",
        job: (r) => r.type === "azure-native:app:Job" && r.name === "migrate-job",
        set: (p, name, value) => setEnv(p.template.containers[0].env, name, value),
    },
    {
        cloud: "local",
        service: (r) => r.type === "docker:index/container:Container" && r.name === "app-container",
        job: (r) => r.type === "docker:index/container:Container" && r.name === "migrate-run",
        set: (p, name, value) => {
            const i = (p.envs as string[]).findIndex((e) => e.startsWith(`${name}=`));
            assert.ok(i >= 0, `no ${name}`);
            p.envs[i] = `${name}=${value}`;
        },
    },
];

describe("least-privilege-data (database): no workload gets the database admin", function () {
    this.timeout(300_000);
    for (const t of TARGETS) {
        describe(t.cloud, () => {
            let dev: Plan;
            before(async () => {
                dev = await baseline({ stack: "dev", set: { cloud: t.cloud, "services.app.envFrom": LOGIN_ALIASES } });
            });

            it("the plan passes: each workload connects as its database's role; the init step, the admin, is no workload", async () => {
                assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "least-privilege-data"), []);
                assert.ok(dev.resources.some(t.service) && dev.resources.some(t.job), "the app's and the migration's workloads are in the plan");
            });

            it("a service's DB_USER set to the admin is reported", async () => {
                const added = await assertBites("least-privilege-data", dev, broken(dev, t.service, (p) => t.set(p, "DB_USER", ADMIN)));
                assert.match(added[0].message, new RegExp(`^service \\S+: DB_USER is the database's admin user \\(${ADMIN}\\)`));
            });

            it("a job's DB_USER set to the admin is reported", async () => {
                const added = await assertBites("least-privilege-data", dev, broken(dev, t.job, (p) => t.set(p, "DB_USER", ADMIN)));
                assert.match(added[0].message, new RegExp(`^job \\S+: DB_USER is the database's admin user \\(${ADMIN}\\)`));
            });

            it("a copy under the app's own name (envFrom) set to the admin is reported", async () => {
                const added = await assertBites("least-privilege-data", dev, broken(dev, t.service, (p) => t.set(p, "DB_POSTGRESDB_USER", ADMIN)));
                assert.match(added[0].message, /DB_POSTGRESDB_USER is the database's admin user/);
            });
        });
    }
});
