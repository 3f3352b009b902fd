import * as assert from "assert";
import { CommandResult, generatedSecrets, planCommandRun, planProcess, baseline } from "./harness";

// `npm run plan`'s command runs in this process (planCommandRun); the tests about what only a
// process shows (its exit status, a large output through a pipe) start one (planProcess). A
// command is run once and its output read by every test that runs it (its output is
// deterministic; each plan costs 0.5-2 s of CPU).
const runs = new Map<string, Promise<CommandResult>>();
const once = (key: string, run: () => Promise<CommandResult>) => {
    if (!runs.has(key)) runs.set(key, run());
    return runs.get(key)!;
};
const planCli = (...args: string[]) => once(JSON.stringify(args), () => planCommandRun(...args));
/** `npm run plan -- --stack prod --cloud aws --json` as a process: large (~300 KB) and with the program's log lines. */
const prodAwsJson = () => once("process prod aws json", async () => planProcess("--stack", "prod", "--cloud", "aws", "--json"));

describe("npm run plan", () => {
    it("prints the resource tree, the outputs and the totals of a stack", async () => {
        const { code, stdout } = await planCli("--stack", "local");
        assert.strictEqual(code, 0);
        assert.match(stdout, /^Stack local \(local\)/);
        assert.match(stdout, /anycloud:index:Database {2}database/);
        assert.match(stdout, /│ {2}├─ docker:index\/container:Container {2}database-server/);
        assert.match(stdout, /databaseUrl: \[secret\]/);
        assert.match(stdout, /^Totals: \d+ cloud resources of \d+ types in 10 components/m);
    });

    it("--json prints resources and outputs with every secret replaced", async () => {
        const { code, stdout } = await planCli("--stack", "dev", "--cloud", "local", "--json");
        assert.strictEqual(code, 0);
        const doc = JSON.parse(stdout);
        assert.deepStrictEqual(Object.keys(doc), ["resources", "outputs", "policies", "edge", "edgeNotes"]);
        assert.deepStrictEqual(doc.policies, []);
        assert.deepStrictEqual(Object.keys(doc.resources[0]), ["type", "name", "parent", "options", "inputs"]);
        // The same config in-process generates the same values (they are stable, like state).
        const secrets = generatedSecrets(await baseline({ stack: "dev", set: { cloud: "local" } }));
        assert.ok(secrets.length >= 8);
        for (const secret of secrets) {
            assert.ok(!stdout.includes(secret) && !stdout.includes(encodeURIComponent(secret)), "a generated value is printed");
        }
        const redis = doc.resources.find((r: any) => r.name === "cache-server");
        assert.strictEqual(redis.inputs.uploads, "[secret]");
        assert.strictEqual(doc.outputs.databaseUrl, "[secret]");
        assert.strictEqual(doc.outputs.database.host, "database");
    });

    it("--json output is complete and parseable through a pipe, however large", async () => {
        // The program's log messages (printed to console without an engine) must not land in it.
        const { code, stdout, stderr } = await prodAwsJson();
        assert.strictEqual(code, 0);
        assert.match(stderr, /Create these DNS records to validate the certificate/, "this stack's run logs a message");
        assert.ok(stdout.length > 65536, `only ${stdout.length} bytes`);
        assert.ok(JSON.parse(stdout).resources.length > 100);
    });

    it("--json shows each resource's options: protect, retain, ignoreChanges, dependsOn by type and name", async () => {
        const { code, stdout } = await prodAwsJson();
        assert.strictEqual(code, 0);
        const byName = new Map<string, any>(JSON.parse(stdout).resources.map((r: any) => [`${r.type} ${r.name}`, r.options]));
        const primary = byName.get("aws:rds/instance:Instance database-primary");
        assert.deepStrictEqual(Object.keys(primary), ["protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "replaceOnChanges", "import", "dependsOn"]);
        assert.strictEqual(primary.protect, true);
        assert.strictEqual(primary.import, null);
        assert.strictEqual(byName.get("aws:iam/serviceLinkedRole:ServiceLinkedRole foundation-opensearch-service-role").retainOnDelete, true);
        const service = byName.get("aws:ecs/service:Service app-service");
        assert.ok(service.ignoreChanges.includes("desiredCount"));
        assert.ok(service.dependsOn.some((d: any) => d.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders" && d.name === "cluster-capacity"));
    });

    it("applies --config overrides by path", async () => {
        const { code, stdout } = await planCli("--stack", "local", "--json", "--config", "services.app.replicas.min=2");
        assert.strictEqual(code, 0);
        const names = JSON.parse(stdout).resources.map((r: any) => r.name);
        assert.ok(names.includes("app-container-1") && names.includes("app-container-2"));
    });

    it("ends with what the guardrail pack reports, and a clean stack exits 0", async () => {
        const { code, stdout } = await planCli("--stack", "local");
        assert.strictEqual(code, 0);
        assert.match(stdout, /Guardrails \(policy\/[^\n]*\n {2}no violations\npolicies: 0 mandatory, 0 advisory violations\n$/);
    });

    it("prints each mandatory violation with its resource and exits 3", async () => {
        // A type token inside a config path: its colons are not a namespace.
        const { code, stdout } = await planCli("--stack", "local", "--config", "overrides.docker:index/container:Container.privileged=true");
        assert.strictEqual(code, 3);
        assert.match(stdout, /\[mandatory\] no-privileged-roles: the container runs privileged \(full access to the host\)\n {6}at docker:index\/container:Container {2}database-server/);
        assert.match(stdout, /^policies: 11 mandatory, 0 advisory violations$/m);
    });

    it("exits 2 with the clear message on a broken config, registering nothing", () => {
        const { code, stdout, stderr } = planProcess("--stack", "local", "--config", "services.app.port=http", "--config", "cloud=openstack");
        assert.strictEqual(code, 2);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /^Invalid stack config \(2 problems\); nothing was deployed:/);
        assert.match(stderr, /anycloud:cloud: got "openstack"; accepted: one of aws, gcp, azure, local/);
        assert.match(stderr, /anycloud:services\.app\.port: got "http"; accepted: an integer from 1 to 65535/);
    });

    it("names the stacks it knows when the stack file does not exist", async () => {
        const { code, stderr } = await planCli("--stack", "staging");
        assert.strictEqual(code, 1);
        assert.match(stderr, /no stack file Pulumi\.staging\.yaml; stacks here: .*dev.*local.*prod/);
    });
});
