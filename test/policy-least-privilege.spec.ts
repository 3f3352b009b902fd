import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";
import { assertBites, baseline, broken, LOGIN_ALIASES, violationsOf } from "./policy-harness";

/**
 * `least-privilege-data` (search half) on every target: the plans pass, and a workload given the
 * search admin's user name — as ELASTICSEARCH_USERNAME or under the app's own name — is reported.
 */

type Env = { name: string; value?: unknown };
const setEnv = (envs: Env[], name: string, value: string) => {
    const e = envs.find((x) => x.name === name);
    assert.ok(e, `no ${name} in ${JSON.stringify(envs.map((x) => x.name))}`);
    e.value = value;
};

const TARGETS: {
    cloud: string;
    admin: string;
    /** The `app` service's workload resource. */
    select: (r: CapturedResource) => boolean;
    /** Sets one plain variable of that resource. */
    set: (props: Record<string, any>, name: string, value: string) => void;
}[] = [
    {
        cloud: "aws",
        admin: "anycloud-admin",
        select: (r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "app-task",
        set: (p, name, value) => {
            const defs = typeof p.containerDefinitions === "string" ? JSON.parse(p.containerDefinitions) : p.containerDefinitions;
            setEnv(defs[0].environment, name, value);
            p.containerDefinitions = JSON.stringify(defs);
        },
    },
    {
        cloud: "gcp",
        admin: "admin",
        select: (r) => r.type === "gcp:cloudrunv2/service:Service" && r.name === "app-run",
        set: (p, name, value) => setEnv(p.template.containers[0].envs, name, value),
    },
    {
        cloud: "azure",
        admin: "admin",
        select: (r) => r.type === "azure-native:app:ContainerApp" && r.name === "app-app",
        set: (p, name, value) => setEnv(p.template.containers[0].env, name, value),
    },
    {
        cloud: "local",
        admin: "admin",
        select: (r) => r.type === "docker:index/container:Container" && r.name === "app-container",
        set: (p, name, value) => {
            const i = (p.envs as string[]).findIndex((e) => e.startsWith(`${name}=`));
            assert.ok(i >= 0, `no ${name}`);
            p.envs[i] = `${name}=${value}`;
        },
    },
];

describe("least-privilege-data (search): no workload gets the search admin", function () {
    this.timeout(300_000);
    for (const t of TARGETS) {
        describe(t.cloud, () => {
            let dev: Plan;
            before(async () => {
                dev = await baseline({ stack: t.cloud === "local" ? "local" : "dev", set: { cloud: t.cloud, "services.app.envFrom": LOGIN_ALIASES } });
            });

            it("the plan passes: each workload has its own user", async () => {
                assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "least-privilege-data"), []);
                assert.ok(dev.resources.some(t.select), "the app's workload is in the plan");
            });

            it("ELASTICSEARCH_USERNAME set to the admin is reported", async () => {
                const added = await assertBites("least-privilege-data", dev, broken(dev, t.select, (p) => t.set(p, "ELASTICSEARCH_USERNAME", t.admin)));
                assert.match(added[0].message, new RegExp(`^service \\S+: ELASTICSEARCH_USERNAME is the search cluster's admin user \\(${t.admin}\\)`));
            });

            it("a copy under the app's own name (envFrom) set to the admin is reported", async () => {
                const added = await assertBites("least-privilege-data", dev, broken(dev, t.select, (p) => t.set(p, "OPENSEARCH_USER", t.admin)));
                assert.match(added[0].message, /OPENSEARCH_USER is the search cluster's admin user/);
            });
        });
    }
});
