import * as assert from "assert";
import { parse as parseYaml } from "yaml";
import { securityRequests, searchUsers } from "../components/search-users";
import { CapturedResource } from "../stacks/offline";
import { Plan, plan, stringsIn, baseline } from "./harness";

/**
 * Every target, planned: each workload that uses search gets its own user (svc-<name>) and that
 * user's generated password; the admin's password reaches no workload; the users are created
 * where the target creates them, before the workloads that use them.
 */

const RANDOM = "random:index/randomPassword:RandomPassword";
const underWorkload = (r: CapturedResource) => /anycloud:index:(ContainerService|Job)\$/.test(r.urn.split("::")[2] ?? "");
const generated = (p: Plan, name: string) => p.one(RANDOM, name).outputs.result as string;
/** Does any workload resource carry this value anywhere in its inputs? */
const workloadsCarry = (p: Plan, value: string) => p.resources.filter(underWorkload).filter((r) => stringsIn(r.inputs).some((s) => s.value.includes(value)));
/** The worked example's users: app and worker run one image and list the same index patterns (Pulumi.*.yaml). */
const EXAMPLE_USERS = searchUsers(["app", "worker"], { worker: ["app*"] });

const TARGETS = [
    { cloud: "local", stack: "local", admin: "search-admin-password" },
    { cloud: "aws", stack: "dev", admin: "search-master-password" },
    { cloud: "gcp", stack: "dev", admin: "search-admin-password" },
    { cloud: "azure", stack: "dev", admin: "search-admin-password" },
];

describe("search users on every target (planned)", function () {
    this.timeout(300_000);
    for (const t of TARGETS) {
        describe(t.cloud, () => {
            let p: Plan;
            before(async () => {
                p = await baseline({ stack: t.stack, set: { cloud: t.cloud } });
            });

            it("one generated password per workload that uses search (app, worker), none for the others", () => {
                const users = p.ofType(RANDOM).filter((r) => r.name.startsWith("search-user-")).map((r) => r.name).sort();
                assert.deepStrictEqual(users, ["search-user-app", "search-user-worker"]);
                assert.match(generated(p, "search-user-app"), /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[-_.])[A-Za-z0-9\-_.]{32}$/);
            });

            it("the admin's password reaches no service or job; each user's password reaches its own workload", () => {
                assert.deepStrictEqual(workloadsCarry(p, generated(p, t.admin)).map((r) => r.name), []);
                assert.ok(workloadsCarry(p, generated(p, "search-user-app")).length > 0, "the app's password is wired to it");
                assert.ok(
                    workloadsCarry(p, generated(p, "search-user-app")).every((r) => r.urn.includes("::app")),
                    `only the app's resources carry its password: ${workloadsCarry(p, generated(p, "search-user-app")).map((r) => r.name)}`,
                );
            });

            it("ELASTICSEARCH_USERNAME is the workload's own user", () => {
                const plain = p.resources.filter(underWorkload).flatMap((r) => stringsIn(r.inputs).map((s) => s.value));
                assert.ok(plain.some((v) => v === "svc-app" || v === "ELASTICSEARCH_USERNAME=svc-app" || v.includes('"value":"svc-app"')), "svc-app is in the app's environment");
                assert.ok(!plain.some((v) => /ELASTICSEARCH_USERNAME=(admin|anycloud-admin)$/.test(v) || /"name":"ELASTICSEARCH_USERNAME","value":"(admin|anycloud-admin)"/.test(v)));
            });
        });
    }

    describe("local: the users container", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "local" });
        });
        const container = (name: string) => p.one("docker:index/container:Container", name);

        it("applies the planned requests once OpenSearch is up, on the search network only", () => {
            const users = container("search-users");
            const event = JSON.parse((users.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === "/anycloud/event.json")!.content);
            assert.deepStrictEqual(event.requests, securityRequests(EXAMPLE_USERS, (u) => u.username));
            assert.strictEqual(event.passwordSource, "env");
            assert.deepStrictEqual(event.passwords, { "svc-app": "ANYCLOUD_SEARCH_PASSWORD_0", "svc-worker": "ANYCLOUD_SEARCH_PASSWORD_1" });
            assert.ok(users.dependencies.includes(container("search-node").urn));
            assert.deepStrictEqual((users.inputs.networksAdvanced as { name: string }[]).map((n) => n.name), ["anycloud-local-search"]);
            const envs = users.inputs.envs as string[];
            assert.ok(envs.includes(`ANYCLOUD_SEARCH_PASSWORD_0=${generated(p, "search-user-app")}`));
            assert.ok(users.secretPaths.some((s) => s.startsWith("envs")), "the passwords are secret in state");
        });

        it("the workloads that use search start after it and carry its checked exit code", () => {
            const users = container("search-users");
            for (const name of ["app-container", "worker-container"]) {
                const c = container(name);
                assert.ok(c.dependencies.includes(users.urn), name);
                assert.ok((c.inputs.labels as { label: string; value: string }[]).some((l) => l.label === "anycloud.after-search-users" && l.value === "exit-0"), name);
            }
            assert.ok(!container("processor-container").dependencies.includes(users.urn), "a worker without search does not wait");
        });
    });

    describe("aws: the users function", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev", set: { cloud: "aws" } });
        });

        it("is invoked with the plan and secret ARNs only, re-run when a password's secret version changes", () => {
            const inv = p.one("aws:lambda/invocation:Invocation", "search-users");
            const input = JSON.parse(inv.inputs.input);
            assert.deepStrictEqual(input.requests, securityRequests(EXAMPLE_USERS, (u) => u.username));
            assert.strictEqual(input.passwordSource, "secretsmanager");
            assert.strictEqual(input.tls, "verify");
            assert.match(input.admin.password, /^arn:aws:secretsmanager:/);
            assert.match(input.passwords["svc-app"], /^arn:aws:secretsmanager:/);
            assert.deepStrictEqual(Object.keys(inv.inputs.triggers).sort(), ["admin", "domain", "plan", "svc-app", "svc-worker"]);
            const versions = p.ofType("aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.name === "search-user-app");
            assert.strictEqual(versions.length, 1);
            assert.ok(inv.dependencies.includes(versions[0].urn));
            for (const v of Object.values(generatedPasswords(p))) assert.ok(!inv.inputs.input.includes(v), "no password in the input");
        });

        it("the applier's whole wait, with its requests, fits inside the function's own timeout", () => {
            const input = JSON.parse(p.one("aws:lambda/invocation:Invocation", "search-users").inputs.input);
            const fn = p.one("aws:lambda/function:Function", "search-users");
            // Its requests, the three listings of what it may prune, and the index list it checks before pruning.
            assert.ok(input.waitMs + (input.requests.length + input.prune.length + 1) * input.requestTimeoutMs < fn.inputs.timeout * 1000);
        });

        it("the function reads only the search secrets and reaches only the domain and the AWS APIs", () => {
            const policy = JSON.parse(p.one("aws:iam/rolePolicy:RolePolicy", "search-users-secrets").inputs.policy);
            assert.deepStrictEqual(policy.Statement[0].Action, ["secretsmanager:GetSecretValue"]);
            assert.strictEqual(policy.Statement[0].Resource.length, 3, "the master and the two users' secrets");
            const ingress = p.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "search-from-users");
            assert.strictEqual(ingress.inputs.fromPort, 443);
        });

        it("services and jobs that use search are created after the users exist", () => {
            const inv = p.one("aws:lambda/invocation:Invocation", "search-users");
            const service = p.one("aws:ecs/service:Service", "app-service");
            assert.ok(service.dependencies.includes(inv.urn));
        });
    });
});

function generatedPasswords(p: Plan): Record<string, string> {
    return Object.fromEntries(p.ofType(RANDOM).map((r) => [r.name, r.outputs.result as string]));
}

describe("search users, day 2: a workload starts using search", function () {
    this.timeout(300_000);
    const ADD = { "services.processor.uses": ["cache", "bucket:documents", "search"] };
    const same = (a: Plan, b: Plan, type: string, field: (r: CapturedResource) => unknown) => {
        const before = a.ofType(type).map((r) => [r.name, JSON.stringify(field(r))]);
        const after = b.ofType(type).map((r) => [r.name, JSON.stringify(field(r))]);
        assert.ok(before.length > 0, type);
        assert.deepStrictEqual(after, before, `${type} changed`);
    };

    it("gcp: the VMs' boot scripts stay the same; the users job runs again with the new user", async () => {
        const a = await baseline({ stack: "dev", set: { cloud: "gcp" } });
        const b = await plan({ stack: "dev", set: { cloud: "gcp", ...ADD } });
        same(a, b, "gcp:compute/instance:Instance", (r) => r.inputs.metadata);
        const job = (p: Plan) => p.one("gcp:cloudrunv2/job:Job", "search-users");
        assert.notStrictEqual(job(b).inputs.runExecutionToken, job(a).inputs.runExecutionToken, "the job runs again");
        const event = JSON.parse(job(b).inputs.template.template.containers[0].envs.find((e: { name: string }) => e.name === "ANYCLOUD_EVENT").value);
        assert.deepStrictEqual(event.prune[0].keep, ["svc-app", "svc-processor", "svc-worker"]);
        assert.deepStrictEqual(rolePatterns(event.requests, "processor"), ["processor*", ".ds-processor*"]);
        assert.strictEqual(event.tls, "verify");
        assert.strictEqual(event.caVariable, "ANYCLOUD_CA");
        const bundle = (p: Plan) => JSON.parse(p.one("gcp:secretmanager/secretVersion:SecretVersion", "search-security-v").inputs.secretData);
        assert.ok(hashTokens(bundle(b)).includes("@HASH:svc-processor@"), "node 0's next boot loads the same users");
        assert.ok(bundle(b).files["roles.yml"].includes("anycloud_app_processor:"), "and the same roles");
        const processor = b.one("gcp:cloudrunv2/workerPool:WorkerPool", "processor-pool");
        assert.ok(processor.dependencies.includes(job(b).urn), "the new workload starts after its user exists");
    });

    it("azure: the VMs keep their custom data; node 0's run command loads the new configuration", async () => {
        const a = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const b = await plan({ stack: "dev", set: { cloud: "azure", ...ADD } });
        same(a, b, "azure-native:compute:VirtualMachine", (r) => r.inputs.osProfile.customData);
        const run = (p: Plan) => p.one("azure-native:compute:VirtualMachineRunCommandByVirtualMachine", "search-users");
        assert.notStrictEqual(run(b).inputs.source.script, run(a).inputs.source.script, "the run command runs again");
        assert.strictEqual(run(b).inputs.treatFailureAsDeploymentFailure, true);
        assert.ok(run(b).dependencies.includes(b.one("azure-native:compute:VirtualMachineRunCommandByVirtualMachine", "search-ready").urn), "after the cluster is green");
        const processor = b.one("azure-native:app:ContainerApp", "processor-app");
        assert.ok(processor.dependencies.includes(run(b).urn), "the new workload starts after its user exists");
    });

    it("aws: the function runs again with the new user; the domain is untouched", async () => {
        const a = await baseline({ stack: "dev", set: { cloud: "aws" } });
        const b = await plan({ stack: "dev", set: { cloud: "aws", ...ADD } });
        same(a, b, "aws:opensearch/domain:Domain", (r) => r.inputs);
        const inv = (p: Plan) => JSON.parse(p.one("aws:lambda/invocation:Invocation", "search-users").inputs.input);
        assert.deepStrictEqual(inv(b).prune[0].keep, ["svc-app", "svc-processor", "svc-worker"]);
        assert.notDeepStrictEqual(inv(a).prune, inv(b).prune);
        assert.deepStrictEqual(rolePatterns(inv(b).requests, "processor"), ["processor*", ".ds-processor*"]);
    });
});

/** The index patterns of a workload's role in a REST plan. */
function rolePatterns(requests: { method: string; path: string; body?: { index_permissions?: { index_patterns: string[] }[] } }[], workload: string): string[] | undefined {
    return requests.find((r) => r.method === "PUT" && r.path === `/_plugins/_security/api/roles/anycloud_app_${workload}`)?.body?.index_permissions?.[0].index_patterns;
}

describe("search users: a workload's explicit searchIndices reach its role on every target", function () {
    this.timeout(300_000);
    const SET = { "services.worker.searchIndices": ["app*"], "services.app.searchIndices": ["app*", "catalog-*"] };
    it("aws and local: the applier's plan", async () => {
        const aws = await plan({ stack: "dev", set: { cloud: "aws", ...SET } });
        const inv = JSON.parse(aws.one("aws:lambda/invocation:Invocation", "search-users").inputs.input);
        assert.deepStrictEqual(rolePatterns(inv.requests, "worker"), ["app*", ".ds-app*"]);
        assert.deepStrictEqual(rolePatterns(inv.requests, "app"), ["app*", "catalog-*", ".ds-app*", ".ds-catalog-*"]);
        const local = await plan({ stack: "local", set: SET });
        const uploads = local.one("docker:index/container:Container", "search-users").inputs.uploads as { file: string; content: string }[];
        assert.deepStrictEqual(rolePatterns(JSON.parse(uploads.find((u) => u.file === "/anycloud/event.json")!.content).requests, "worker"), ["app*", ".ds-app*"]);
    });
    it("gcp and azure: roles.yml in the configuration node 0 loads", async () => {
        const gcp = await plan({ stack: "dev", set: { cloud: "gcp", ...SET } });
        const gcpFiles = JSON.parse(gcp.one("gcp:secretmanager/secretVersion:SecretVersion", "search-security-v").inputs.secretData).files;
        assert.deepStrictEqual(parseYaml(gcpFiles["roles.yml"]).anycloud_app_worker.index_permissions[0].index_patterns, ["app*", ".ds-app*"]);
        const azure = await plan({ stack: "dev", set: { cloud: "azure", ...SET } });
        const secret = azure.ofType("azure-native:keyvault:Secret").find((r) => stringsIn(r.inputs).some((x) => x.value.includes('"roles.yml"')))!;
        const azureFiles = JSON.parse(secret.inputs.properties.value).files;
        assert.deepStrictEqual(parseYaml(azureFiles["roles.yml"]).anycloud_app_app.index_permissions[0].index_patterns, ["app*", "catalog-*", ".ds-app*", ".ds-catalog-*"]);
    });
});

function hashTokens(bundle: { passwords: Record<string, string> }): string[] {
    return Object.keys(bundle.passwords).sort();
}
