import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { baseline, ROOT } from "./harness";

/**
 * Deployer permissions that are true: every resource type the program can create and every
 * look-up it can call has a row in providers/<cloud>/permissions.ts naming the role that allows
 * it, and the README's first-deploy section names every one of those roles. A new type or invoke
 * without a row fails here, before a deploy identity set up from the README fails in the cloud.
 */

const CLOUDS = ["aws", "gcp", "azure", "local"] as const;
type Table = { DEPLOY_ROLES: Record<string, string>; READ_ROLES: Record<string, string>; RESOURCE_ROLES: Record<string, string>; INVOKE_ACTIONS: Record<string, string> };

const PACKAGE_PREFIX: Record<string, string> = { "@pulumi/aws": "aws", "@pulumi/gcp": "gcp", "@pulumi/azure-native": "azure-native", "@pulumi/docker": "docker" };
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function token(pkg: string, module: string | undefined, name: string): string {
    const prefix = PACKAGE_PREFIX[pkg];
    if (prefix === "azure-native") return `azure-native:${module}:${name}`;
    return `${prefix}:${module ?? "index"}/${lowerFirst(name)}:${name}`;
}

/** The resource types and invokes the code of providers/<cloud>/ can reach, read from its source. */
function fromSource(cloud: string): { types: Set<string>; invokes: Set<string> } {
    const dir = path.join(ROOT, "providers", cloud);
    const types = new Set<string>();
    const invokes = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "mocks.ts")) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        const aliases = new Map<string, { pkg: string; module?: string }>();
        for (const m of text.matchAll(/import \* as (\w+) from "(@pulumi\/(?:aws|gcp|azure-native|docker))(?:\/(\w+))?"/g)) {
            aliases.set(m[1], { pkg: m[2], module: m[3] });
        }
        for (const m of text.matchAll(/new (\w+)\.([A-Z]\w*)\(/g)) {
            const a = aliases.get(m[1]);
            if (a && m[2] !== "Provider") types.add(token(a.pkg, a.module, m[2]));
        }
        for (const m of text.matchAll(/\b(\w+)\.((?:get|list)[A-Z]\w*?)(?:Output)?\(/g)) {
            const a = aliases.get(m[1]);
            if (a) invokes.add(token(a.pkg, a.module, m[2]));
        }
        for (const m of text.matchAll(/import \{ (get\w+?)(?:Output)? \} from "(@pulumi\/(?:aws|gcp|azure-native))\/(get\w+)"/g)) {
            invokes.add(`${PACKAGE_PREFIX[m[2]]}:index/${m[1]}:${m[1]}`);
        }
    }
    return { types, invokes };
}

function readmeSection(cloud: string): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("## First deploy");
    assert.ok(start >= 0, "the README has a First deploy section");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 5) >= 0 ? readme.indexOf("\n## ", start + 5) : undefined);
    const heading = { aws: "### AWS", gcp: "### GCP", azure: "### Azure", local: "### Local" }[cloud]!;
    const at = section.indexOf(heading);
    assert.ok(at >= 0, `the First deploy section has a "${heading}" part`);
    const next = section.indexOf("\n### ", at + heading.length);
    return section.slice(at, next >= 0 ? next : undefined);
}

for (const cloud of CLOUDS) {
    describe(`deployer permissions: ${cloud}`, () => {
        let table: Table;
        before(async () => {
            table = (await import(`../providers/${cloud}/permissions`)) as Table;
        });

        it("every resource type the code can create has a row, naming a deploy role", () => {
            const { types } = fromSource(cloud);
            assert.ok(types.size > 3, "the source scan finds the resource types");
            assert.deepStrictEqual([...types].filter((t) => !(t in table.RESOURCE_ROLES)).sort(), [], "add a row to providers/<cloud>/permissions.ts");
            assert.deepStrictEqual(Object.entries(table.RESOURCE_ROLES).filter(([, role]) => !(role in table.DEPLOY_ROLES)).map(([t]) => t), []);
        });

        it("every look-up the code can call has a row", () => {
            const { invokes } = fromSource(cloud);
            assert.deepStrictEqual([...invokes].filter((t) => !(t in table.INVOKE_ACTIONS)).sort(), [], "add a row to INVOKE_ACTIONS");
        });

        if (cloud !== "local") {
            it("the planned stacks (dev, prod) create and call nothing without a row", async () => {
                for (const stack of ["dev", "prod"]) {
                    const p = await baseline({ stack, set: { cloud } });
                    // random and the program's own dynamic resources (propagation-wait.ts) run in the
                    // deployer's process and call no cloud API.
                    const types = new Set(p.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !r.type.startsWith("random:") && !r.type.startsWith("pulumi-nodejs:dynamic")).map((r) => r.type));
                    assert.deepStrictEqual([...types].filter((t) => !(t in table.RESOURCE_ROLES)), []);
                    const invokes = new Set(p.run.invokes.map((i) => i.token));
                    assert.deepStrictEqual([...invokes].filter((t) => !(t in table.INVOKE_ACTIONS)), []);
                }
            });
        }

        it("the README's first-deploy section names every role of both identities", () => {
            const section = readmeSection(cloud);
            const missing = [...Object.keys(table.DEPLOY_ROLES), ...Object.keys(table.READ_ROLES)].filter((role) => !section.includes(role));
            assert.deepStrictEqual(missing, []);
        });
    });
}

// A new subscription lacks most resource providers: a create fails with
// MissingSubscriptionRegistration. The plan cannot check them (no azure-native look-up), so the
// README's first-deploy step must name each one the stack's resources need.
describe("resource providers a new Azure subscription must register", () => {
    let providers: typeof import("../providers/azure/permissions");
    before(async () => {
        providers = await import("../providers/azure/permissions");
    });

    it("every azure-native module the code can create from has a row", () => {
        const { types } = fromSource("azure");
        const modules = [...new Set([...types].filter((t) => t.startsWith("azure-native:")).map((t) => t.split(":")[1]))];
        assert.deepStrictEqual(modules.filter((m) => !(m in providers.RESOURCE_PROVIDERS)).sort(), [], "add a row to RESOURCE_PROVIDERS");
    });

    it("a stack with a database and no jobs (prod) runs a deployment script, so it needs Microsoft.ContainerInstance", async () => {
        const p = await baseline({ stack: "prod", set: { cloud: "azure" } });
        assert.ok(p.ofType("azure-native:resources:AzureCliScript").length > 0, "the database init is awaited by a deployment script");
        assert.ok(providers.resourceProvidersOf(p.resources.map((r) => r.type)).includes("Microsoft.ContainerInstance"));
    });

    it("the README's first-deploy step names every provider the code's resources need, Microsoft.ContainerInstance for every stack with a database", () => {
        const section = readmeSection("azure");
        const needed = providers.resourceProvidersOf(fromSource("azure").types);
        assert.deepStrictEqual(needed.filter((ns) => !section.includes(ns)), []);
        assert.match(section.replace(/\s+/g, " "), /Microsoft\.ContainerInstance: every stack with a database needs it/);
    });
});
