import * as assert from "assert";
import { z } from "zod";
import { ConfigProblem } from "../stacks/errors";
import { checkConfig, loadSettings } from "../stacks/load-settings";
import { topLevelSchemas } from "../stacks/schema";
import { resolvedIndexPatterns, workloadPatterns } from "../components/search-users";
import { planError, stackConfig } from "./harness";

/**
 * How the config is checked (stacks/parse-config.ts, stacks/load-settings.ts `checkConfig`): the
 * standard provider keys, one pass for generic and cloud checks, no follow-on problems, and a
 * rule in words for every schema rule. The table of mistaken configs is test/mistakes.spec.ts.
 */

const ID = { project: "anycloud", stack: "dev" };

function problems(set: Record<string, unknown>, stack = "dev"): ConfigProblem[] {
    return checkConfig(stackConfig({ stack, set }).config, { ...ID, stack }).problems;
}

const keys = (ps: ConfigProblem[]) => ps.map((p) => p.key).sort();

describe("config validation", () => {
    describe("provider config the Pulumi way", () => {
        it("aws:region decides the AWS region (the stack files set it so)", () => {
            const s = loadSettings(stackConfig({ stack: "dev", set: { cloud: "aws", "aws:region": "eu-west-1" } }).config, ID);
            assert.strictEqual(s.aws.region, "eu-west-1");
        });
        it("gcp:project, gcp:region, azure-native:location and azure-native:subscriptionId decide where GCP and Azure deploy", () => {
            const gcp = loadSettings(stackConfig({ stack: "dev", set: { cloud: "gcp", "gcp:project": "team-project-1", "gcp:region": "europe-west4" } }).config, ID);
            assert.deepStrictEqual([gcp.gcp.project, gcp.gcp.region], ["team-project-1", "europe-west4"]);
            const sub = "33333333-3333-4333-a333-333333333333";
            const azure = loadSettings(stackConfig({ stack: "dev", set: { cloud: "azure", "azure-native:location": "westeurope", "azure-native:subscriptionId": sub } }).config, ID);
            assert.deepStrictEqual(azure.azure, { location: "westeurope", subscriptionId: sub });
        });
        it("docker:host decides the local Docker engine", () => {
            const s = loadSettings(stackConfig({ stack: "local", set: { "docker:host": "ssh://builder@10.0.0.5" } }).config, ID);
            assert.strictEqual(s.local.dockerHost, "ssh://builder@10.0.0.5");
        });
        it("the AWS provider the program creates gets the region of aws:region", async () => {
            const { plan } = await import("./harness");
            const p = await plan({ stack: "dev", set: { cloud: "aws", "aws:region": "eu-west-3" } });
            assert.strictEqual(p.one("pulumi:providers:aws").inputs.region, "eu-west-3");
        });
        it("anycloud:aws.region is still read, and may be given with aws:region when both agree", () => {
            const s = loadSettings(stackConfig({ stack: "dev", set: { cloud: "aws", "aws:region": undefined, "aws.region": "ap-south-1" } }).config, ID);
            assert.strictEqual(s.aws.region, "ap-south-1");
            assert.deepStrictEqual(problems({ cloud: "aws", "aws:region": "ap-south-1", "aws.region": "ap-south-1" }), []);
        });
        it("aws:region and anycloud:aws.region that disagree are one error naming both", () => {
            const ps = problems({ cloud: "aws", "aws:region": "eu-west-1", "aws.region": "us-east-2" });
            assert.deepStrictEqual(ps.map((p) => [p.key, p.value]), [["aws:region", "eu-west-1"]]);
            assert.match(ps[0].accepted, /anycloud:aws\.region \("us-east-2"\)/);
        });
        it("a disagreement is reported on every cloud, even when that cloud is not the chosen one", () => {
            assert.deepStrictEqual(keys(problems({ cloud: "local", "gcp:project": "one-project", "gcp.project": "another-project" })), ["gcp:project"]);
        });
        it("a bad value in a standard key is named by that key", () => {
            const ps = problems({ cloud: "gcp", "gcp:region": "mars-north1" });
            assert.deepStrictEqual(ps.map((p) => [p.key, p.value]), [["gcp:region", "mars-north1"]]);
            assert.match(ps[0].accepted, /europe-west1/);
        });
        it("another key of the chosen cloud's provider (aws:profile) is refused with what to use instead, a credential never echoed", () => {
            const ps = problems({ cloud: "aws", "aws:profile": "prod-admin", "aws:secretKey": "AKIA-not-shown" });
            assert.deepStrictEqual(ps.map((p) => [p.key, p.value]), [
                ["aws:profile", "prod-admin"],
                ["aws:secretKey", "[secret]"],
            ]);
            assert.match(ps[0].accepted, /AWS_PROFILE/);
            assert.match(ps[1].accepted, /AWS_SECRET_ACCESS_KEY/);
            assert.ok(!JSON.stringify(ps).includes("AKIA-not-shown"));
        });
        it("azure-native:tenantId and gcp:zone are refused on their clouds; another cloud's keys are left to it", () => {
            assert.deepStrictEqual(keys(problems({ cloud: "azure", "azure-native:tenantId": "t" })), ["azure-native:tenantId"]);
            assert.deepStrictEqual(keys(problems({ cloud: "gcp", "gcp:zone": "europe-west1-b" })), ["gcp:zone"]);
            assert.deepStrictEqual(problems({ cloud: "gcp", "aws:profile": "x" }), []);
        });
        it("a missing GCP project is named gcp:project, the documented key, once", () => {
            const ps = problems({ cloud: "gcp", "gcp:project": undefined });
            assert.deepStrictEqual(keys(ps), ["gcp:project"]);
        });
    });

    describe("every problem at once, generic and cloud checks in one pass", () => {
        it("a Fargate CPU/memory pair and a CloudWatch retention come with a generic problem", () => {
            const ps = problems({ cloud: "aws", "services.worker.memoryMb": 1536, "logs.retentionDays": 8, "services.app.port": "http" });
            assert.deepStrictEqual(keys(ps), ["anycloud:logs.retentionDays", "anycloud:services.app.port", "anycloud:services.worker.memoryMb"]);
        });
        it("a region outside the cloud's table comes with a generic problem (gcp mars-north1, azure marsnorth)", () => {
            assert.deepStrictEqual(keys(problems({ cloud: "gcp", "gcp:region": "mars-north1", "cache.version": 5 })), ["anycloud:cache.version", "gcp:region"]);
            assert.deepStrictEqual(keys(problems({ cloud: "azure", "azure-native:location": "marsnorth", "cache.version": 5 })), ["anycloud:cache.version", "azure-native:location"]);
        });
        it("the program stops with both layers' problems before any resource", async () => {
            const e = await planError({ stack: "dev", set: { cloud: "aws", "services.worker.memoryMb": 1536, "services.app.port": "http" } });
            assert.deepStrictEqual(keys(e.problems), ["anycloud:services.app.port", "anycloud:services.worker.memoryMb"]);
        });
    });

    describe("only real problems: none that follows from another", () => {
        it("a bad route path does not make the next route a duplicate", () => {
            const ps = problems({ "loadBalancer.routes": [{ path: "api", service: "app" }, { path: "/", service: "app" }] });
            assert.deepStrictEqual(keys(ps), ["anycloud:loadBalancer.routes[0].path"]);
        });
        it("a bad database name adds no 'empty list' and no unknown 'database:<name>' in uses", () => {
            const ps = problems({ "database.databases": ["Library"], "services.app.uses": ["database:Library"], "services.worker.uses": ["database"], "services.worker.searchIndices": undefined });
            assert.deepStrictEqual(keys(ps), ["anycloud:database.databases[0]"]);
        });
        it("a bad service name is not also 'not a service' in the route to it (the route holds the same bad name: its rule)", () => {
            const ps = problems({ jobs: undefined, services: { Web: { image: "nginx:1.27", port: 80 } }, "loadBalancer.routes": [{ path: "/", service: "Web" }] });
            assert.deepStrictEqual(keys(ps), ["anycloud:loadBalancer.routes[0].service", "anycloud:services.Web"]);
            assert.ok(ps.every((p) => /lowercase name of 1-20/.test(p.accepted)), JSON.stringify(ps));
        });
        it("a route to a refused service name, written correctly elsewhere, is not reported as unknown", () => {
            const ps = problems({ jobs: undefined, services: { Web: { image: "nginx:1.27", port: 80 }, "api": { image: "nginx:1.27", port: 80 } }, "loadBalancer.routes": [{ path: "/", service: "api" }, { path: "/w/*", service: "app" }] });
            assert.deepStrictEqual(keys(ps), ["anycloud:loadBalancer.routes[1].service", "anycloud:services.Web"]);
        });
        it("a route without a service is one problem, not also 'no routes'", () => {
            const ps = problems({ "loadBalancer.routes": [{ path: "/" }], "services.app.port": undefined, "services.app.healthPath": undefined });
            assert.deepStrictEqual(keys(ps), ["anycloud:loadBalancer.routes[0].service"]);
        });
        it("a route after a refused one is named by the index the user wrote", () => {
            const ps = problems({ "loadBalancer.routes": [{ path: "/x" }, { path: "/", service: "app" }, { path: "/y/*", service: "ghost" }] });
            assert.deepStrictEqual(keys(ps), ["anycloud:loadBalancer.routes[0].service", "anycloud:loadBalancer.routes[2].service"]);
        });
        it("a cloud check does not judge a default put in place of a refused value", () => {
            // cpu 3 is refused; the Fargate pair check would otherwise judge the default cpu with memoryMb 6144.
            const ps = problems({ cloud: "aws", "services.worker.cpu": 3, "services.worker.memoryMb": 6144 });
            assert.deepStrictEqual(keys(ps), ["anycloud:services.worker.cpu"]);
        });
    });

    describe("every message states the rule in words", () => {
        it("every schema rule has its own message: no library default text can reach a user", () => {
            const missing: string[] = [];
            const walk = (node: any, at: string): void => {
                const def = node?._zod?.def;
                if (!def) return;
                if (["optional", "nullable", "default", "readonly"].includes(def.type)) return walk(def.innerType, at);
                if (def.type === "pipe") return (walk(def.in, at), walk(def.out, at));
                if (!["unknown", "any"].includes(def.type) && def.error === undefined) missing.push(`${at} (${def.type})`);
                for (const c of def.checks ?? []) if (c._zod.def.error === undefined) missing.push(`${at} (${c._zod.def.check})`);
                if (def.type === "object") for (const [k, v] of Object.entries(def.shape)) walk(v, `${at}.${k}`);
                if (def.type === "record") (walk(def.keyType, `${at}.<name>`), walk(def.valueType, `${at}.<value>`));
                if (def.type === "array") walk(def.element, `${at}[]`);
                if (def.type === "union") def.options.forEach((o: any, i: number) => walk(o, `${at}<option ${i}>`));
            };
            for (const [k, v] of Object.entries(topLevelSchemas)) walk(v as z.ZodType, k);
            assert.deepStrictEqual(missing, []);
        });
        it("a bad map key states the rule for names (a service, a tag, an override type)", () => {
            const ps = problems({ "services.Web_1": { image: "nginx:1.27" }, "tags.Cost Centre": "x", overrides: { "rds-instance": {} } });
            const by = Object.fromEntries(ps.map((p) => [p.key, p]));
            assert.match(by["anycloud:services.Web_1"].accepted, /lowercase name of 1-20 letters/);
            assert.strictEqual(by["anycloud:services.Web_1"].value, "Web_1");
            assert.match(by["anycloud:tags.Cost Centre"].accepted, /tag key of 1-63 lowercase letters/);
            assert.match(by["anycloud:overrides.rds-instance"].accepted, /<package>:<module>:<Type>/);
        });
        it("a list or map given where the other is expected says which shape each takes", () => {
            const [p] = problems({ services: ["app"] });
            assert.strictEqual(p.key, "anycloud:services");
            assert.match(p.accepted, /a map of service name to service/);
            const [b] = problems({ buckets: { Documents: {} } });
            assert.deepStrictEqual([b.key, b.value], ["anycloud:buckets.Documents", "Documents"]);
            assert.match(b.accepted, /lowercase name of 3-24/);
        });
        it("no message anywhere carries zod's default text", () => {
            const ps = problems({ services: { app: { image: 5, port: "x", env: { A: null }, uses: "database", replicas: { min: "1" } } }, "loadBalancer.routes": [{}], tags: [1], buckets: 5 });
            assert.ok(ps.length >= 6, JSON.stringify(ps));
            for (const p of ps) assert.doesNotMatch(p.accepted, /Invalid input|Invalid key|expected \w+, received|Too (small|big)/, p.key);
        });
        it("a misspelt key gets a 'did you mean', at the top level and inside a value", () => {
            const ps = problems({ databse: { version: 16 }, "services.app.healthpath": "/up", "database.storageGB": 40 });
            const by = Object.fromEntries(ps.map((p) => [p.key, p.accepted]));
            assert.match(by["anycloud:databse"], /did you mean 'database'\?/);
            assert.match(by["anycloud:services.app.healthpath"], /did you mean 'healthPath'\?/);
            assert.match(by["anycloud:database.storageGB"], /did you mean 'storageGb'\?/);
        });
        it("a misspelt provider key of the chosen cloud is pointed at the honoured one", () => {
            const [p] = problems({ cloud: "aws", "aws:regoin": "eu-west-1" });
            assert.strictEqual(p.key, "aws:regoin");
            assert.match(p.accepted, /did you mean 'aws:region'\?/);
        });
    });
});

describe("the README's config reference states every rule the code enforces", () => {
    const readme = require("fs").readFileSync(require("path").join(__dirname, "..", "README.md"), "utf8") as string;
    const section = readme.slice(readme.indexOf("## Config reference"), readme.indexOf("\n## ", readme.indexOf("## Config reference") + 5));

    /** Every field of the schema, as `top.field.sub` (map entries as <name>). */
    function fields(node: any, at: string, out: string[]) {
        const def = node?._zod?.def;
        if (!def) return;
        if (["optional", "nullable", "default", "readonly"].includes(def.type)) return fields(def.innerType, at, out);
        if (def.type === "object") {
            for (const [k, v] of Object.entries(def.shape)) {
                out.push(`${at}.${k}`);
                fields(v, `${at}.${k}`, out);
            }
        }
        if (def.type === "record") fields(def.valueType, `${at}.<name>`, out);
        if (def.type === "array") fields(def.element, `${at}[]`, out);
        if (def.type === "union") def.options.forEach((o: any) => fields(o, at, out));
    }

    it("names every key and field the schema accepts", () => {
        const all: string[] = [];
        for (const [k, v] of Object.entries(topLevelSchemas)) {
            all.push(k);
            fields(v, k, all);
        }
        const missing = [...new Set(all)].filter((f) => {
            const name = f.split(/[.[\]]/).filter((p) => p && p !== "<name>").pop()!;
            return !new RegExp("`[^`]*\\b" + name.replace(/[$]/g, "\\$&") + "\\b[^`]*`").test(section);
        });
        assert.deepStrictEqual(missing, []);
    });
    it("names the standard provider keys, the reserved names and the reserved database and user names", async () => {
        const { PROVIDER_KEYS } = await import("../stacks/provider-keys");
        const { RESERVED_PART_NAMES, RESERVED_DATABASE_NAMES, RESERVED_USER_NAMES, RESERVED_USER_PREFIXES } = await import("../stacks/reserved-names");
        const missing = [...PROVIDER_KEYS.map((k) => k.key), ...RESERVED_PART_NAMES, ...RESERVED_DATABASE_NAMES, ...RESERVED_USER_NAMES, ...RESERVED_USER_PREFIXES].filter(
            (n) => !section.includes(`\`${n}\``),
        );
        assert.deepStrictEqual(missing, []);
    });
});

describe("config validation: searchIndices (each workload's search role)", () => {
    const patternsOf = (set: Record<string, unknown>, stack = "dev") => {
        const s = loadSettings(stackConfig({ stack, set }).config, { ...ID, stack });
        return resolvedIndexPatterns(workloadPatterns(s.services, s.jobs));
    };

    for (const stack of ["dev", "prod", "local"]) {
        it(`the worked example (${stack}): app and worker run one image and both use search, so their roles get the same patterns`, () => {
            const patterns = patternsOf({}, stack);
            assert.deepStrictEqual(patterns.worker, patterns.app);
        });
    }

    it("a job with service: app that uses search gets app's patterns, without an overlap problem", () => {
        const set = { "jobs.migrate.uses": ["database", "search"] };
        assert.deepStrictEqual(patternsOf(set).migrate, ["app*"], "app's default");
        assert.deepStrictEqual(patternsOf({ ...set, "services.app.searchIndices": ["catalog-*"], "services.worker.searchIndices": ["catalog-*"] }).migrate, ["catalog-*"], "app's own list");
        assert.deepStrictEqual(keys(problems(set)), []);
        assert.deepStrictEqual(patternsOf({ ...set, "jobs.migrate.searchIndices": ["schema-migrations"] }).migrate, ["schema-migrations"], "its own list wins");
    });

    it("a workload's explicit patterns reach its settings; the others keep the default", () => {
        const s = loadSettings(stackConfig({ stack: "dev", set: { "services.worker.searchIndices": ["jobs-*", "app*"] } }).config, ID);
        assert.deepStrictEqual(s.services.find((x) => x.name === "worker")!.searchIndices, ["jobs-*", "app*"]);
        assert.strictEqual(s.services.find((x) => x.name === "app")!.searchIndices, undefined);
    });

    it("refuses, all at once and nothing else: a bad pattern, a dot index, a service and a job that do not use search, an overlap with another workload's default", () => {
        const ps = problems({
            "services.processor.searchIndices": ["processor*"],
            "jobs.migrate.searchIndices": ["migrate*"],
            "services.worker.searchIndices": ["Worker", ".kibana*", "app-jobs"],
        });
        assert.deepStrictEqual(keys(ps), [
            "anycloud:jobs.migrate.searchIndices",
            "anycloud:services.processor.searchIndices",
            "anycloud:services.worker.searchIndices[0]",
            "anycloud:services.worker.searchIndices[1]",
            "anycloud:services.worker.searchIndices[2]",
        ]);
        const worker = ps.find((p) => p.key === "anycloud:services.worker.searchIndices[2]")!;
        assert.strictEqual(worker.value, "app-jobs");
        assert.match(worker.accepted, /overlaps app\* \(app's default\) of app/);
        assert.match(ps.find((p) => p.key === "anycloud:services.processor.searchIndices")!.accepted, /'search' in uses/);
    });

    it("two workloads whose default patterns overlap (api, api-worker) are refused until one sets its own", () => {
        const set = { "services.app-worker": { image: "ghcr.io/acme/worker:1.0", uses: ["search"] }, "services.worker.searchIndices": undefined };
        assert.deepStrictEqual(keys(problems(set)), ["anycloud:services.app.searchIndices"]);
        assert.deepStrictEqual(keys(problems({ ...set, "services.app.searchIndices": ["app-main-*"] })), []);
        assert.deepStrictEqual(keys(problems({ ...set, "services.app-worker.searchIndices": ["app*"] })), [], "or shares app's space by naming it");
    });
});
