import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../stacks/offline";
import { ROOT } from "./harness";

/**
 * scripts/register.js, the loader behind `pulumi up` (main.js), `npm run plan` and mocha: a
 * copy of it in a scratch project, with a source file and a build of it in bin/.
 */
describe("the TypeScript loader (scripts/register.js)", () => {
    let dir: string;
    const SOURCE = ["// line 1", "export const from: string = 'source';", "", "export function fail(): never {", "    throw new Error('boom');", "}", ""].join("\n");

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-register-"));
        fs.mkdirSync(path.join(dir, "scripts"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.copyFileSync(path.join(ROOT, "scripts/register.js"), path.join(dir, "scripts/register.js"));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", outDir: "bin" } }));
        fs.writeFileSync(path.join(dir, "x.ts"), SOURCE);
        // The build: what tsc writes (a few lines longer than the source), marked as the build.
        const out = ts.transpileModule(SOURCE, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true, inlineSources: true }, fileName: "x.ts" });
        fs.writeFileSync(path.join(dir, "bin/x.js"), out.outputText.replace("'source'", "'bin'"));
        fs.writeFileSync(path.join(dir, "bin/x.js.map"), out.sourceMapText!);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (script: string, preload: string[] = []) => {
        const result = spawnSync(process.execPath, [...preload, "-r", "./scripts/register.js", "-e", script], { cwd: dir, encoding: "utf8" });
        assert.strictEqual(result.status, 0, result.stderr);
        return JSON.parse(result.stdout);
    };
    /** The source as edited after the build: same lines, other text. */
    const edit = () => fs.writeFileSync(path.join(dir, "x.ts"), SOURCE.replace("// line 1", "// line one"));

    it("loads a file from the build when the build was made from its current text", () => {
        const out = run(`const r = require("./scripts/register.js"); console.log(JSON.stringify({ from: require("./x.ts").from, transpiled: r.transpiled.length }))`);
        assert.deepStrictEqual(out, { from: "bin", transpiled: 0 });
    });

    it("transpiles the current source, never a stale build, when the file changed since the build (whatever the file times)", () => {
        edit();
        const old = new Date(Date.now() - 60_000);
        fs.utimesSync(path.join(dir, "x.ts"), old, old);
        const out = run(`const r = require("./scripts/register.js"); console.log(JSON.stringify({ from: require("./x.ts").from, transpiled: r.transpiled.map((f) => require("path").basename(f)) }))`);
        assert.deepStrictEqual(out, { from: "source", transpiled: ["x.ts"] });
    });

    for (const [what, edited] of [["built", false], ["transpiled", true]] as const) {
        it(`names the source line in stack traces of ${what} files`, () => {
            if (edited) edit();
            const out = run(`try { require("./x.ts").fail(); } catch (e) { console.log(JSON.stringify(e.stack.split("\\n")[1])); }`);
            assert.match(out, /x\.ts:5:11\)$/);
        });
    }

    it("names the source line under the Pulumi CLI's stack formatter (source-map-support) too", () => {
        // What the CLI's nodejs runner loads before the program (@pulumi/pulumi cmd/run).
        const formatter = require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
        const out = run(`try { require("./x.ts").fail(); } catch (e) { console.log(JSON.stringify(e.stack.split("\\n")[1])); }`, ["-r", formatter]);
        assert.match(out, /x\.ts:5:11\)$/);
    });

    // The SDK's debuggablePromise keeps `new Error().stack` on each of its promises (about 70 a
    // resource) and reads it only to print leaked promises under PULUMI_DEBUG_PROMISE_LEAKS.
    const PROMISE_STACK = `const d = require("@pulumi/pulumi/runtime/debuggable"); const inner = Promise.resolve(1); d.debuggablePromise(inner, "ctx");
        let thrown; try { require("./x.ts").fail(); } catch (e) { thrown = e.stack.split("\\n")[1]; }
        console.log(JSON.stringify({ kept: inner._debugStackTrace, ctx: inner._debugCtx, limit: Error.stackTraceLimit, thrown }))`;
    const sdkDebuggable = () => require.resolve("@pulumi/pulumi/runtime/debuggable", { paths: [ROOT] });

    it("keeps no stack frames on the SDK's promises, and every other stack as it was", () => {
        assert.deepStrictEqual(run(PROMISE_STACK), { kept: "Error", ctx: "ctx", limit: 10, thrown: `    at Object.fail (${path.join(dir, "x.ts")}:5:11)` });
    });

    it("keeps no stack frames on the SDK's promises when the SDK was loaded first, as under the Pulumi CLI's runner", () => {
        assert.strictEqual(run(PROMISE_STACK, ["-r", sdkDebuggable()]).kept, "Error");
    });

    it("keeps the SDK's promise stacks whole when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
        const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", PROMISE_STACK], { cwd: dir, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" } });
        assert.strictEqual(result.status, 0, result.stderr);
        assert.match(JSON.parse(result.stdout).kept, /^Error\n    at (?:Object\.)?debuggablePromise \(.*debuggable\.js:\d+:\d+\)/);
    });
});

describe("the SDK's resource aliases under scripts/register.js", () => {
    // What the Resource constructor does with aliases: this mocha process loaded the SDK after
    // register.js, as `npm run plan` and the tests do.
    const resource = require("@pulumi/pulumi/resource");

    it("the installed SDK still has the constructor text the loader replaces", () => {
        assert.ok(String(resource.Resource).includes("anycloudAliases"), "@pulumi/pulumi/resource.js changed: update EAGER_ALIASES in scripts/register.js");
    });

    it("a resource's aliases are collapsed when first read, to the URNs the SDK's own collapse gives", async () => {
        const aliases = [{ name: "old" }, { type: "x:y:OldParent" }, "urn:pulumi:dev::anycloud::x:y:Gone::gone"];
        let read: { lazyBefore: boolean; urns: string[]; eager: string[]; child: string[] } | undefined;
        await runOffline({
            project: "anycloud",
            stack: "dev",
            config: { "anycloud:cloud": "local" },
            program: async () => {
                const root = new pulumi.ComponentResource("x:y:Root", "root", {});
                const parent = new pulumi.ComponentResource("x:y:Parent", "p", {}, { aliases, parent: root });
                const lazyBefore = typeof Object.getOwnPropertyDescriptor(parent, "__aliases")?.get === "function";
                const urns = await Promise.all((parent as any).__aliases.map((o: any) => o.promise()));
                // The SDK's collapse of a resource's own aliases (allAliases' first part; the stack has none).
                const eager = await Promise.all(resource.allAliases(aliases, "p", "x:y:Parent", root, "root").map((o: any) => o.promise()));
                // A child's inherited aliases (what the SDK computes for an engine without alias specs).
                const child = await Promise.all(resource.allAliases([], "p-c", "x:y:Child", parent, "p").map((o: any) => o.promise()));
                read = { lazyBefore, urns, eager, child };
                return {};
            },
        });
        assert.ok(read!.lazyBefore, "the constructor collapsed the aliases itself");
        assert.deepStrictEqual(read!.urns, read!.eager);
        assert.deepStrictEqual(read!.urns, [
            "urn:pulumi:dev::anycloud::x:y:Root$x:y:Parent::old",
            "urn:pulumi:dev::anycloud::x:y:Root$x:y:OldParent::p",
            "urn:pulumi:dev::anycloud::x:y:Gone::gone",
        ]);
        // A child's aliases inherited from them (what the SDK sends an engine without alias specs).
        assert.deepStrictEqual(read!.child, [
            "urn:pulumi:dev::anycloud::x:y:Root$x:y:Parent$x:y:Child::old-c",
            "urn:pulumi:dev::anycloud::x:y:Root$x:y:OldParent$x:y:Child::p-c",
            "urn:pulumi:dev::anycloud::x:y:Gone$x:y:Child::gone-c",
        ]);
    });
});
