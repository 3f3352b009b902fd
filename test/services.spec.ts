import * as assert from "assert";
import { evaluatePolicies } from "../policy/evaluate";
import { SINGLETON_TAG } from "../policy/singleton";
import { IAM_PROPAGATION_SECONDS } from "../providers/gcp/container-service";
import { ConfigError } from "../stacks/errors";
import { loadSettings } from "../stacks/load-settings";
import { CapturedResource } from "../stacks/offline";
import { baseline, Plan, planError, stackConfig } from "./harness";

/**
 * Service-to-service calls (`uses: service:<name>`) and singletons, on every target, with the
 * fixture of real apps: web calls analytics (an internal worker) and analytics calls web back;
 * n8n is a public singleton.
 */
const FILE = "test/fixtures/Pulumi.apps.yaml";
const VALUES = {
    "operatorSecrets.STRIPE_SECRET_KEY": "sk_live_operator_value_4f1c2e9a",
    "operatorSecrets.SMTP_PASSWORD": "smtp-operator-value-77d0b3",
    "operatorSecrets.N8N_ENCRYPTION_KEY": "n8n-operator-value-a81f",
};
// The fixture's shared_buffers is sized for the dev preset's small database; prod's medium one (8 GiB
// on Azure, which refuses less than 10 % of it) takes 2 GiB.
const PROD = { environment: "prod", "alerts.email": "ops@example.com", "loadBalancer.domain": "shop.example.com", "database.highAvailability": true, "database.parameters.shared_buffers": 262144 };

const apps = (cloud: string, set: Record<string, unknown> = {}) => baseline({ stack: "apps", file: FILE, set: { cloud, ...VALUES, ...set } });

function problemsOf(set: Record<string, unknown>): ConfigError {
    try {
        loadSettings(stackConfig({ stack: "apps", file: FILE, set: { ...VALUES, ...set } }).config, { project: "anycloud", stack: "apps" });
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), String(e));
        return e;
    }
    return assert.fail("expected a config error");
}

/** The plain environment of an ECS task definition's container, by name. */
function ecsEnv(p: Plan, service: string): Record<string, string> {
    const defs = JSON.parse(p.one("aws:ecs/taskDefinition:TaskDefinition", `${service}-task`).inputs.containerDefinitions);
    return Object.fromEntries(defs[0].environment.map((e: { name: string; value: string }) => [e.name, e.value]));
}

function runEnv(r: { inputs: any }): Record<string, string> {
    return Object.fromEntries(r.inputs.template.containers[0].envs.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}

function appEnv(p: Plan, service: string): Record<string, string> {
    const app = p.one("azure-native:app:ContainerApp", `${service}-app`);
    return Object.fromEntries(app.inputs.template.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}

describe("service-to-service calls", () => {
    describe("config", () => {
        it("refuses an unknown service, naming the services there are", () => {
            const e = problemsOf({ "services.web.uses": ["service:billing"] });
            const p = e.problems.find((x) => x.key === "anycloud:services.web.uses[0]");
            assert.ok(p && p.accepted.includes("service:analytics") && p.accepted.includes("service:n8n"), e.message);
        });
        it("refuses a service that uses itself", () => {
            const e = problemsOf({ "services.web.uses": ["service:web"] });
            assert.ok(e.problems.some((x) => x.key === "anycloud:services.web.uses[0]" && /does not use itself/.test(x.accepted)), e.message);
        });
        it("refuses a callee without a port, naming the callee's port key", () => {
            const e = problemsOf({ "services.analytics.port": undefined, "services.analytics.healthPath": undefined });
            assert.ok(e.problems.some((x) => x.key === "anycloud:services.analytics.port" && x.accepted.includes("services.web uses service:analytics")), e.message);
        });
        it("refuses a call whose URL variable clashes with one the caller has", () => {
            const e = problemsOf({ "services.web.env.ANALYTICS_URL": "http://elsewhere" });
            assert.ok(e.problems.some((x) => x.key === "anycloud:services.web.uses[2]" && x.accepted.includes("ANALYTICS_URL")), e.message);
        });
        it("accepts calls both ways (web -> analytics and analytics -> web)", () => {
            const s = loadSettings(stackConfig({ stack: "apps", file: FILE, set: VALUES }).config, { project: "anycloud", stack: "apps" });
            assert.deepStrictEqual(s.services.find((x) => x.name === "web")!.uses.services, ["analytics"]);
            assert.deepStrictEqual(s.services.find((x) => x.name === "analytics")!.uses.services, ["web"]);
        });
    });

    describe("aws: Cloud Map service discovery and a security-group rule per pair", () => {
        it("the caller gets the callee's discovery URL, under the name it chose", async () => {
            const p = await apps("aws");
            assert.strictEqual(ecsEnv(p, "web").ANALYTICS_API, "http://analytics.anycloud-apps.internal:8000");
            assert.strictEqual(ecsEnv(p, "web").ANALYTICS_URL, "http://analytics.anycloud-apps.internal:8000");
            assert.strictEqual(ecsEnv(p, "analytics").WEB_URL, "http://web.anycloud-apps.internal:3000");
        });
        it("the callee (a worker too) registers its tasks' addresses in the stack's private DNS namespace", async () => {
            const p = await apps("aws");
            const registry = p.one("aws:servicediscovery/service:Service", "analytics-discovery");
            assert.deepStrictEqual(registry.inputs.dnsConfig.dnsRecords, [{ type: "A", ttl: 10 }]);
            assert.ok(p.one("aws:ecs/service:Service", "analytics-service").inputs.serviceRegistries.registryArn);
            assert.strictEqual(p.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").inputs.name, "anycloud-apps.internal");
            assert.strictEqual(p.one("aws:ecs/service:Service", "n8n-service").inputs.serviceRegistries, undefined);
        });
        it("the callee's security group admits exactly its callers, on its port", async () => {
            const p = await apps("aws");
            const ingress = p.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.fromPort === 8000);
            assert.deepStrictEqual(ingress.map((r) => r.name).sort(), ["network-analytics-from-digest", "network-analytics-from-register-events", "network-analytics-from-web"]);
            const egress = p.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.fromPort === 8000);
            assert.deepStrictEqual(egress.map((r) => r.name).sort(), ["network-digest-to-analytics", "network-register-events-to-analytics", "network-web-to-analytics"]);
        });
    });

    describe("gcp: internal ingress and run.invoker on exactly the callee", () => {
        it("a called worker is a Cloud Run service that admits only internal traffic and checks IAM", async () => {
            const p = await apps("gcp");
            const run = p.one("gcp:cloudrunv2/service:Service", "analytics-run");
            assert.strictEqual(run.inputs.ingress, "INGRESS_TRAFFIC_INTERNAL_ONLY");
            assert.strictEqual(run.inputs.invokerIamDisabled, false);
            assert.strictEqual(run.inputs.template.containers[0].resources.cpuIdle, false);
            assert.strictEqual(p.ofType("gcp:cloudrunv2/workerPool:WorkerPool").length, 0);
        });
        it("the caller's service account, and only it, holds run.invoker on the callee", async () => {
            const p = await apps("gcp");
            const grants = p.ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember").filter((g) => !g.name.startsWith("digest-") && !g.name.startsWith("register-events-"));
            assert.deepStrictEqual(grants.map((g) => [g.name, g.inputs.role]), [["web-invokes-analytics", "roles/run.invoker"]]);
            const webSa = p.one("gcp:serviceaccount/account:Account", "web-sa");
            assert.strictEqual(grants[0].inputs.member, `serviceAccount:${webSa.inputs.accountId}@anycloud-apps-example.iam.gserviceaccount.com`);
            assert.strictEqual(grants[0].inputs.name, p.one("gcp:cloudrunv2/service:Service", "analytics-run").inputs.name);
        });
        it("the caller gets the callee's deterministic run.app URL and sends its traffic through the VPC (NAT for the rest)", async () => {
            const p = await apps("gcp");
            const web = p.one("gcp:cloudrunv2/service:Service", "web-run");
            assert.match(runEnv(web).ANALYTICS_API, /^https:\/\/anycloud-apps-analytics-\d{12}\.us-central1\.run\.app$/);
            assert.strictEqual(web.inputs.template.vpcAccess.egress, "ALL_TRAFFIC");
            assert.strictEqual(p.one("gcp:cloudrunv2/service:Service", "n8n-run").inputs.template.vpcAccess.egress, "PRIVATE_RANGES_ONLY");
            const nat = p.one("gcp:compute/routerNat:RouterNat");
            assert.ok(nat.inputs.subnetworks.some((s: any) => /\/subnetworks\/anycloud-apps-run-egress$/.test(s.name)), JSON.stringify(nat.inputs.subnetworks));
        });
    });

    describe("azure: internal ingress inside the environment", () => {
        it("a called worker gets internal ingress on its port; the caller gets its internal FQDN", async () => {
            const p = await apps("azure");
            const ingress = p.one("azure-native:app:ContainerApp", "analytics-app").inputs.configuration.ingress;
            assert.strictEqual(ingress.external, false);
            assert.strictEqual(ingress.targetPort, 8000);
            assert.match(appEnv(p, "web").ANALYTICS_API, /^https:\/\/anycloud-apps-analytics\.internal\.[a-z0-9.-]+$/);
            assert.match(appEnv(p, "analytics").WEB_URL, /^https:\/\/anycloud-apps-web\.[a-z0-9.-]+$/);
            assert.strictEqual(p.one("azure-native:app:ContainerApp", "n8n-app").inputs.configuration.ingress.external, true);
        });
    });

    describe("local: one Docker network per callee", () => {
        it("the callee and its callers join the callee's internal network; nobody else does", async () => {
            const p = await apps("local");
            const net = p.one("docker:index/network:Network", "network-calls-analytics");
            assert.strictEqual(net.inputs.internal, true);
            const on = p.ofType("docker:index/container:Container").filter((c) => c.inputs.networksAdvanced.some((n: any) => n.name === net.inputs.name));
            assert.deepStrictEqual(on.map((c) => c.name).sort(), ["analytics-container", "digest-job", "register-events-run", "web-container"]);
            const analytics = p.one("docker:index/container:Container", "analytics-container");
            assert.deepStrictEqual(analytics.inputs.networksAdvanced.find((n: any) => n.name === net.inputs.name).aliases, ["analytics"]);
        });
    });
});

describe("singletons", () => {
    it("config: exactly one replica, and the prod floor does not apply to it", () => {
        const s = loadSettings(stackConfig({ stack: "apps", file: FILE, set: { ...VALUES, ...PROD, cloud: "aws" } }).config, { project: "anycloud", stack: "apps" });
        assert.deepStrictEqual(s.services.find((x) => x.name === "n8n")!.replicas, { min: 1, max: 1 });
    });
    it("config: without singleton, the same public service in prod is refused by the floor, which names the way out", () => {
        const e = problemsOf({ ...PROD, cloud: "aws", "services.n8n.singleton": undefined, "services.n8n.replicas": { min: 1, max: 1 } });
        assert.ok(e.problems.some((x) => x.key === "anycloud:services.n8n.replicas.min" && x.accepted.includes("singleton: true")), e.message);
    });
    it("config: replicas other than 1 with singleton are refused", () => {
        const e = problemsOf({ "services.n8n.replicas": { min: 1, max: 3 } });
        assert.ok(e.problems.some((x) => x.key === "anycloud:services.n8n.replicas" && x.accepted.includes("{min: 1, max: 1}")), e.message);
    });

    it("aws: one task, no autoscaling, and a rollout that stops the old task first", async () => {
        const p = await apps("aws", PROD);
        const n8n = p.one("aws:ecs/service:Service", "n8n-service");
        assert.strictEqual(n8n.inputs.desiredCount, 1);
        assert.strictEqual(n8n.inputs.deploymentMaximumPercent, 100);
        assert.strictEqual(n8n.inputs.deploymentMinimumHealthyPercent, 0);
        assert.strictEqual(n8n.inputs.tags[SINGLETON_TAG], "true");
        assert.deepStrictEqual(p.ofType("aws:appautoscaling/target:Target").map((t) => t.name).sort(), ["analytics-scaling", "web-scaling"]);
        assert.strictEqual(p.one("aws:ecs/service:Service", "web-service").inputs.deploymentMaximumPercent, 200);
    });
    it("gcp: at most one instance across all revisions (service-level scaling) and one per revision", async () => {
        const p = await apps("gcp", PROD);
        const n8n = p.one("gcp:cloudrunv2/service:Service", "n8n-run");
        assert.deepStrictEqual(n8n.inputs.scaling, { minInstanceCount: 1, maxInstanceCount: 1 });
        assert.deepStrictEqual(n8n.inputs.template.scaling, { minInstanceCount: 1, maxInstanceCount: 1 });
        assert.strictEqual(n8n.inputs.labels[SINGLETON_TAG], "true");
    });
    it("azure: one replica, no scale rule, single revision mode", async () => {
        const p = await apps("azure", PROD);
        const n8n = p.one("azure-native:app:ContainerApp", "n8n-app");
        assert.deepStrictEqual(n8n.inputs.template.scale, { minReplicas: 1, maxReplicas: 1, rules: [] });
        assert.strictEqual(n8n.inputs.configuration.activeRevisionsMode, "Single");
        assert.strictEqual(n8n.inputs.tags[SINGLETON_TAG], "true");
    });
    it("local: one container, deleted before its replacement starts", async () => {
        const p = await apps("local");
        const n8n = p.ofType("docker:index/container:Container").filter((c) => c.name.startsWith("n8n"));
        assert.deepStrictEqual(n8n.map((c) => c.name), ["n8n-container"]);
        assert.strictEqual(n8n[0].deleteBeforeReplace, true);
        assert.strictEqual(p.one("docker:index/container:Container", "web-container").deleteBeforeReplace, false);
    });

    for (const cloud of ["aws", "gcp", "azure"]) {
        it(`${cloud}: the prod replica guardrail exempts the singleton by its marker, and only it`, async () => {
            const p = await apps(cloud, PROD);
            const violations = await evaluatePolicies(p.resources);
            assert.deepStrictEqual(violations.filter((v) => v.policy === "prod-public-replicas").map((v) => v.message), []);
            // The same resources without the marker: the floor applies again.
            const unmarked = p.resources.map((r) => {
                const inputs = JSON.parse(JSON.stringify(r.inputs));
                for (const k of ["tags", "labels"]) if (inputs[k]) delete inputs[k][SINGLETON_TAG];
                return { ...r, inputs, outputs: { ...r.outputs, ...inputs } };
            });
            const again = await evaluatePolicies(unmarked);
            assert.ok(again.some((v) => v.policy === "prod-public-replicas" && `${v.urn} ${v.message}`.includes("n8n")), JSON.stringify(again));
        });
    }
});

describe("a service size a cloud cannot run names the nearest sizes it can", () => {
    // 1 vCPU with 1 GiB: Cloud Run takes it; Fargate and Container Apps do not.
    const small = { "services.analytics.memoryMb": 1024 };
    it("aws: keep the CPU (1 vCPU / 2048 MiB) or keep the memory (0.5 vCPU / 1024 MiB)", async () => {
        const e = await planError({ stack: "apps", file: FILE, set: { cloud: "aws", ...VALUES, ...small } });
        const p = e.problems!.find((x) => x.key === "anycloud:services.analytics.memoryMb");
        assert.ok(p && p.accepted.includes("nearest Fargate sizes: 1 vCPU / 2048 MiB or 0.5 vCPU / 1024 MiB"), e.message);
    });
    it("azure: the same two ways out on Container Apps", async () => {
        const e = await planError({ stack: "apps", file: FILE, set: { cloud: "azure", ...VALUES, ...small } });
        const p = e.problems!.find((x) => x.key === "anycloud:services.analytics.cpu");
        assert.ok(p && p.accepted.includes("nearest: 1 vCPU / 2048 MiB or 0.5 vCPU / 1024 MiB"), e.message);
    });
    it("gcp: Cloud Run runs it as configured", async () => {
        const p = await apps("gcp", small);
        assert.strictEqual(p.one("gcp:cloudrunv2/service:Service", "analytics-run").inputs.template.containers[0].resources.limits.memory, "1024Mi");
    });
    it("aws: a vCPU Fargate has no size for is refused with the nearest sizes too", async () => {
        const e = await planError({ stack: "apps", file: FILE, set: { cloud: "aws", ...VALUES, "services.analytics.cpu": 8, "services.analytics.memoryMb": 8192 } });
        const p = e.problems!.find((x) => x.key === "anycloud:services.analytics.memoryMb");
        assert.ok(p && p.accepted.includes("8 vCPU / 16384 MiB or 4 vCPU / 8192 MiB"), e.message);
    });
});

/**
 * Jobs call services like services do (the fixture's `digest`, scheduled, and
 * `register-events`, before web rolls out, both call analytics): the same URL, network pair
 * and invoker grant; a before-deploy run starts once the services it calls are up.
 */
describe("jobs that call services", () => {
    const dependsOn = (r: CapturedResource, on: CapturedResource) => r.dependencies.includes(on.urn);

    describe("config", () => {
        it("a job's service:<name> is a call, wired like a service's", () => {
            const s = loadSettings(stackConfig({ stack: "apps", file: FILE, set: VALUES }).config, { project: "anycloud", stack: "apps" });
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "digest")!.uses.services, ["analytics"]);
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "register-events")!.uses.services, ["analytics"]);
        });
        it("by default a before-deploy job gates the services on its database except those it calls", () => {
            const s = loadSettings(
                stackConfig({ stack: "apps", file: FILE, set: { ...VALUES, "jobs.register-events.gates": undefined, "jobs.register-events.uses": ["database:shop", "service:analytics"] } }).config,
                { project: "anycloud", stack: "apps" },
            );
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "register-events")!.trigger, { kind: "beforeDeploy", gates: ["web"] });
        });
        it("refuses a before-deploy job that gates a service it calls (it could never run), naming the chain", () => {
            const e = problemsOf({ "jobs.register-events.gates": ["web", "analytics"] });
            const p = e.problems.find((x) => x.key === "anycloud:jobs.register-events.uses[0]");
            assert.ok(p, e.message);
            assert.strictEqual(p.value, "service:analytics");
            assert.match(p.accepted, /jobs\.register-events → services\.analytics → jobs\.register-events/);
            assert.strictEqual(e.problems.length, 1, e.message);
        });
        it("refuses a wait cycle through another job, on each call in it", () => {
            const e = problemsOf({ "jobs.warm-web": { image: "curlimages/curl:8.10.1", command: ["curl", "-f", "$WEB_URL/health"], uses: ["service:web"], run: "beforeDeploy", gates: ["analytics"] } });
            const keys = e.problems.map((x) => x.key).sort();
            assert.deepStrictEqual(keys, ["anycloud:jobs.register-events.uses[0]", "anycloud:jobs.warm-web.uses[0]"], e.message);
            assert.match(e.problems.find((x) => x.key === "anycloud:jobs.register-events.uses[0]")!.accepted, /jobs\.register-events → services\.analytics → jobs\.warm-web → services\.web → jobs\.register-events/);
        });
        it("refuses an unknown service, naming the services there are", () => {
            const e = problemsOf({ "jobs.digest.uses": ["service:billing"] });
            const p = e.problems.find((x) => x.key === "anycloud:jobs.digest.uses[0]");
            assert.ok(p && p.accepted.includes("service:analytics") && p.accepted.includes("service:web"), e.message);
        });
        it("refuses a callee without a port, naming the callee's port key and the job", () => {
            const e = problemsOf({ "jobs.digest.uses": ["service:n8n"], "services.n8n.port": undefined, "services.n8n.healthPath": undefined, "loadBalancer.routes": [{ path: "/", service: "web" }] });
            assert.ok(e.problems.some((x) => x.key === "anycloud:services.n8n.port" && x.accepted.includes("jobs.digest uses service:n8n")), e.message);
        });
        it("refuses a call whose URL variable clashes with one the job has", () => {
            const e = problemsOf({ "jobs.digest.env": { ANALYTICS_URL: "http://elsewhere" } });
            assert.ok(e.problems.some((x) => x.key === "anycloud:jobs.digest.uses[1]" && /ANALYTICS_URL .*this job/.test(x.accepted)), e.message);
        });
    });

    it("aws: the job's task gets the callee's discovery URL; the run starts after the callee is steady, and gates web", async () => {
        const p = await apps("aws");
        assert.strictEqual(ecsEnv(p, "digest").ANALYTICS_URL, "http://analytics.anycloud-apps.internal:8000");
        assert.strictEqual(ecsEnv(p, "register-events").ANALYTICS_URL, "http://analytics.anycloud-apps.internal:8000");
        const run = p.one("aws:lambda/invocation:Invocation", "register-events-run");
        const analytics = p.one("aws:ecs/service:Service", "analytics-service");
        assert.ok(dependsOn(run, analytics), "the run waits for analytics");
        assert.strictEqual(analytics.inputs.waitForSteadyState, true, "a worker a before-deploy job calls is awaited until steady");
        assert.ok(dependsOn(p.one("aws:ecs/service:Service", "web-service"), run), "web waits for the run");
        assert.ok(!dependsOn(analytics, run));
    });

    it("gcp: each job's service account holds run.invoker on the callee; the job sends its traffic through the VPC; the run waits for both", async () => {
        const p = await apps("gcp");
        const callee = p.one("gcp:cloudrunv2/service:Service", "analytics-run");
        for (const job of ["digest", "register-events"]) {
            const grant = p.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", `${job}-invokes-analytics`);
            const sa = p.one("gcp:serviceaccount/account:Account", `${job}-sa`);
            assert.strictEqual(grant.inputs.member, `serviceAccount:${sa.inputs.accountId}@anycloud-apps-example.iam.gserviceaccount.com`, job);
            assert.strictEqual(grant.inputs.name, callee.inputs.name, job);
            assert.strictEqual(grant.inputs.role, "roles/run.invoker", job);
        }
        const run = p.one("gcp:cloudrunv2/job:Job", "register-events-run");
        const digest = p.one("gcp:cloudrunv2/job:Job", "digest-job");
        for (const j of [run, digest]) {
            assert.strictEqual(j.inputs.template.template.vpcAccess.egress, "ALL_TRAFFIC", j.name);
            const env = Object.fromEntries(j.inputs.template.template.containers[0].envs.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
            assert.match(env.ANALYTICS_URL, /^https:\/\/anycloud-apps-analytics-\d{12}\.us-central1\.run\.app$/, j.name);
        }
        const grant = p.one("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "register-events-invokes-analytics");
        assert.ok(dependsOn(run, grant), "the run waits for its invoker grant");
        // ... and for IAM to apply it: its first execution calls analytics at once.
        const settled = p.one("pulumi-nodejs:dynamic/anycloud:PropagationWait", "register-events-invoker-iam-propagation");
        assert.deepStrictEqual(settled.propertyDependencies.after, [grant.urn]);
        assert.strictEqual(settled.inputs.seconds, IAM_PROPAGATION_SECONDS);
        assert.ok(dependsOn(run, settled), "the run waits for the grant to apply");
        assert.ok(dependsOn(run, callee), "the run waits for analytics");
    });

    it("azure: the job gets the callee's internal FQDN; the run's script starts after the callee app exists", async () => {
        const p = await apps("azure");
        for (const job of ["digest", "register-events"]) {
            const env = Object.fromEntries(p.one("azure-native:app:Job", `${job}-job`).inputs.template.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
            assert.match(env.ANALYTICS_URL, /^https:\/\/anycloud-apps-analytics\.internal\.[a-z0-9.-]+$/, job);
        }
        assert.ok(dependsOn(p.one("azure-native:resources:AzureCliScript", "register-events-run"), p.one("azure-native:app:ContainerApp", "analytics-app")));
    });

    it("local: the job joins the callee's network; the run starts once the callee is healthy", async () => {
        const p = await apps("local");
        const analytics = p.one("docker:index/container:Container", "analytics-container");
        const run = p.one("docker:index/container:Container", "register-events-run");
        assert.ok(run.inputs.envs.includes("ANALYTICS_URL=http://analytics:8000"), JSON.stringify(run.inputs.envs));
        assert.ok(dependsOn(run, analytics));
        assert.strictEqual(analytics.inputs.wait, true);
        assert.ok(analytics.inputs.healthcheck, "wait needs a health check (the provider refuses it without one)");
        assert.strictEqual(p.one("docker:index/container:Container", "web-container").inputs.wait, undefined, "web is called only by a service");
    });
});
