import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackEnvironment } from "../policy/environment";
import { evaluatePolicies, EvaluatedResource, violationCountLine } from "../policy/evaluate";
import { GUARDRAILS } from "../policy/guardrails";
import { ResourceView } from "../policy/model";
import { guardrailPolicies } from "../policy/pack";
import { hasCredentialUrl, isSecretName, maskCredentials } from "../policy/secret-values";
import { guardrailTables } from "../scripts/guardrail-docs";
import { ROOT } from "./harness";

/** The pack itself: what CrossGuard serves, how the environment is found, how the runner behaves. */

const view = (type: string, props: Record<string, any>, provider?: ResourceView["provider"]): ResourceView => ({ type, name: "r", urn: `urn:pulumi:s::p::${type}::r`, props, protect: false, provider });

function resource(type: string, inputs: Record<string, any>, extra: Partial<EvaluatedResource> = {}): EvaluatedResource {
    return { type, name: "r", urn: `urn:pulumi:s::p::${type}::r`, custom: true, protect: false, ignoreChanges: [], deleteBeforeReplace: false, dependencies: [], inputs, outputs: inputs, ...extra };
}

describe("guardrail pack", () => {
    it("serves one policy per guardrail, with the catalogue's name and enforcement level", () => {
        const policies = guardrailPolicies();
        assert.deepStrictEqual(
            policies.map((p) => [p.name, p.enforcementLevel]),
            GUARDRAILS.map((g) => [g.name, g.level]),
        );
        assert.deepStrictEqual(
            policies.map((p) => ("validateStack" in p ? "stack" : "resource")),
            GUARDRAILS.map((g) => g.kind),
        );
    });

    it("finds the environment where each target keeps its tags, and fails closed to prod", () => {
        const awsProvider = { type: "pulumi:providers:aws", props: { defaultTags: JSON.stringify({ tags: { environment: "dev" } }) } };
        const gcpProvider = { type: "pulumi:providers:gcp", props: { defaultLabels: JSON.stringify({ environment: "dev" }) } };
        assert.strictEqual(stackEnvironment([view("aws:s3/bucket:Bucket", {}, awsProvider)]), "dev");
        assert.strictEqual(stackEnvironment([view("gcp:storage/bucket:Bucket", {}, gcpProvider)]), "dev");
        assert.strictEqual(stackEnvironment([view("azure-native:resources:ResourceGroup", { tags: { environment: "dev" } })]), "dev");
        assert.strictEqual(stackEnvironment([view("docker:index/container:Container", { labels: [{ label: "anycloud.environment", value: "dev" }] })]), "dev");
        assert.strictEqual(stackEnvironment([view("aws:s3/bucket:Bucket", {})]), "prod");
        assert.strictEqual(stackEnvironment([view("azure-native:resources:ResourceGroup", { tags: { environment: "staging" } })]), "prod");
    });

    it("reports a value unknown during preview as advisory, like the analyzer, instead of passing or failing it", async () => {
        const { unknownStringValue } = require("@pulumi/policy/proxy");
        const container = resource("docker:index/container:Container", {
            labels: [{ label: "anycloud.component", value: "database" }],
            ports: unknownStringValue,
        });
        const violations = await evaluatePolicies([container]);
        const unknown = violations.filter((v) => v.message.includes("during preview"));
        assert.ok(unknown.length > 0 && unknown.every((v) => v.level === "advisory"), JSON.stringify(violations));
        assert.ok(unknown.some((v) => v.policy === "data-not-public"));
    });

    it("hands resource policies the inputs and their provider, and stack policies the engine state", async () => {
        const seen: string[] = [];
        const policies = [
            { name: "inputs", description: "", validateResource: (args: any) => void seen.push(`${args.props.size}/${args.provider?.props.region}`) },
            { name: "state", description: "", validateStack: (args: any) => void seen.push(args.resources.map((r: any) => `${r.props.size}/${r.opts.protect}`).join()) },
        ];
        const provider = resource("pulumi:providers:aws", { region: "eu-west-1" }, { custom: true });
        const disk = resource("aws:ebs/volume:Volume", { size: 10 }, { provider: `${provider.urn}::id-1`, outputs: { size: 20 }, protect: true });
        await evaluatePolicies([disk], policies);
        // The provider is looked up among the captured resources; a missing one is simply absent.
        await evaluatePolicies([provider, disk], policies);
        assert.deepStrictEqual(seen, ["10/undefined", "20/true", "undefined/undefined", "10/eu-west-1", "undefined/false,20/true"]);
    });

    it("hands stack policies each resource's parent and dependencies among the stack's resources, as the analyzer links them", async () => {
        const seen: string[][] = [];
        const policies = [{ name: "links", description: "", validateStack: (args: any) => void seen.push(args.resources.map((r: any) => `${r.name}<${r.parent?.name ?? "-"}|${r.dependencies.map((d: any) => d.name).join("+")}`)) }];
        const parent = resource("anycloud:index:Database", {}, { name: "db", urn: "urn:pulumi:s::p::anycloud:index:Database::db", custom: false });
        const volume = resource("aws:ebs/volume:Volume", {}, { name: "vol", urn: "urn:pulumi:s::p::aws:ebs/volume:Volume::vol", parent: parent.urn });
        // (A dependency outside the stack's resources is left out, as the analyzer does.)
        const disk = resource("aws:ebs/volume:Volume", {}, { name: "disk", parent: parent.urn, dependencies: [volume.urn, "urn:pulumi:s::p::aws:ec2/vpc:Vpc::gone", parent.urn] });
        await evaluatePolicies([parent, volume, disk], policies);
        assert.deepStrictEqual(seen, [["db<-|", "vol<db|", "disk<db|vol+db"]]);
    });

    it("hands a policy the same objects each time it reads a resource's props, options and provider", async () => {
        const same: boolean[] = [];
        const policies = [
            { name: "resource", description: "", validateResource: (args: any) => void same.push(args.props === args.props && args.opts === args.opts && args.provider === args.provider && args.asType({ isInstance: () => true }) === args.props) },
            { name: "stack", description: "", validateStack: (args: any) => void same.push(...args.resources.map((r: any) => r.props === r.props && r.opts === r.opts && r.provider === r.provider && r.parent === r.parent && r.dependencies === r.dependencies)) },
        ];
        const provider = resource("pulumi:providers:aws", { region: "eu-west-1" });
        const disk = resource("aws:ebs/volume:Volume", { size: 10 }, { provider: `${provider.urn}::id-1` });
        await evaluatePolicies([provider, disk], policies);
        assert.deepStrictEqual(same, [true, true, true, true]);
    });

    it("awaits a validation that returns a promise before the next one, and takes its rejection as a throw", async () => {
        const { UnknownValueError, unknownStringValue } = require("@pulumi/policy/proxy");
        const seen: string[] = [];
        const later = (text: string) => new Promise<void>((resolve) => setImmediate(() => (seen.push(text), resolve())));
        const policies = [
            { name: "async", description: "", validateResource: async (args: any, report: any) => (await later(`async ${args.name}`), report("late")) },
            { name: "sync", description: "", validateResource: (args: any) => void seen.push(`sync ${args.name}`) },
            { name: "unknown", description: "", validateResource: () => Promise.reject(new UnknownValueError(unknownStringValue, ["size"])) },
            { name: "stack", description: "", validateStack: async () => later("stack") },
        ];
        const violations = await evaluatePolicies([resource("aws:ebs/volume:Volume", { size: 10 }), resource("aws:ebs/volume:Volume", { size: 20 }, { name: "b", urn: "urn:pulumi:s::p::aws:ebs/volume:Volume::b" })], policies as any);
        assert.deepStrictEqual(seen, ["async r", "async b", "sync r", "sync b", "stack"]);
        assert.deepStrictEqual(
            violations.map((v) => [v.policy, v.message.replace(/: .*/, ""), v.urn?.split("::").pop()]),
            [["async", "late", "r"], ["async", "late", "b"], ["unknown", "can't run policy 'unknown' during preview", undefined], ["unknown", "can't run policy 'unknown' during preview", undefined]],
        );
        await assert.rejects(evaluatePolicies([resource("aws:ebs/volume:Volume", {})], [{ name: "broken", description: "", validateResource: () => Promise.reject(new Error("policy bug")) }]), /policy bug/);
    });

    it("tells secret variables the same way on every target", () => {
        const secret = ["DB_PASSWORD", "JWT_SECRET", "api-key", "STRIPE_API_KEY", "GITHUB_TOKEN", "SENTRY_DSN", "DATABASE_URL", "AZURE_STORAGE_CONNECTION_STRING", "AWS_SECRET_ACCESS_KEY"];
        const plain = ["NODE_ENV", "KEYCLOAK_REALM", "TOKENIZER_MODEL", "GOOGLE_APPLICATION_CREDENTIALS", "TLS_KEY_FILE", "S3_BUCKET_DOCUMENTS", "REDIS_HOST", "MONKEY_MODE"];
        assert.deepStrictEqual(secret.filter((n) => !isSecretName(n)), []);
        assert.deepStrictEqual(plain.filter(isSecretName), []);
        assert.ok(hasCredentialUrl("postgres://app:s3cret@db:5432/app") && hasCredentialUrl("host=x url=rediss://:tok@cache:6380"));
        assert.ok(!hasCredentialUrl("https://example.com/a@b") && !hasCredentialUrl("postgres://db:5432/app"));
        assert.strictEqual(maskCredentials("a=postgres://app:s3cret@db/x b=rediss://:tok@c"), "a=postgres://app:***@db/x b=rediss://:***@c");
    });

    it("ends with the count line `npm run plan` prints", () => {
        const line = violationCountLine([
            { policy: "a", level: "mandatory", message: "m" },
            { policy: "b", level: "advisory", message: "x" },
            { policy: "b", level: "advisory", message: "y" },
        ]);
        assert.strictEqual(line, "policies: 1 mandatory, 2 advisory violations");
    });

    it("loads no provider SDK, so the CLI can serve it for any target", () => {
        const loaded = execFileSync(
            process.execPath,
            ["-r", "./scripts/register.js", "-e", "require('./policy/evaluate'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/@pulumi\\/(aws|gcp|azure-native|docker|random)\\//.test(k))))"],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.deepStrictEqual(JSON.parse(loaded), []);
    });

    it("is listed in the README exactly as the code defines it", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.includes(guardrailTables()), "the README's guardrail tables are stale: paste `npm run -s guardrail-docs` into it");
    });
});
