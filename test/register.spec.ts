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
const SOURCE = ["// line 1", "export const from: string = 'source';", "", "export function fail(): never {", "    throw new Error('boom');", "}", ""].join("\n");

function scratchProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-register-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    fs.mkdirSync(path.join(dir, "bin"));
    for (const f of ["register.js", "sdk-patches.js"]) fs.copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", outDir: "bin" } }));
    fs.writeFileSync(path.join(dir, "x.ts"), SOURCE);
    // The build: what tsc writes (a few lines longer than the source), marked as the build.
    const out = ts.transpileModule(SOURCE, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true, inlineSources: true }, fileName: "x.ts" });
    fs.writeFileSync(path.join(dir, "bin/x.js"), out.outputText.replace("'source'", "'bin'"));
    fs.writeFileSync(path.join(dir, "bin/x.js.map"), out.sourceMapText!);
    return dir;
}

/** `node <preload> -r ./scripts/register.js -e <script>` in `dir`: what it printed, parsed as JSON. */
function runIn(dir: string, script: string, preload: string[] = []) {
    const result = spawnSync(process.execPath, [...preload, "-r", "./scripts/register.js", "-e", script], { cwd: dir, encoding: "utf8" });
    assert.strictEqual(result.status, 0, result.stderr);
    return JSON.parse(result.stdout);
}

/** The source as edited after the build: same lines, other text. */
const edit = (dir: string) => fs.writeFileSync(path.join(dir, "x.ts"), SOURCE.replace("// line 1", "// line one"));

// One process per case (a fresh loader, x.ts loaded once) answers both what it loaded and the
// stack trace line of x.ts's `fail()`.
for (const [what, edited] of [["built", false], ["transpiled", true]] as const) {
    describe(`the TypeScript loader (scripts/register.js): a ${what === "built" ? "source file with an up-to-date build" : "source file changed since its build"}`, () => {
        let dir: string;
        let seen: { from: string; transpiled: string[]; line: string };
        before(() => {
            dir = scratchProject();
            if (edited) {
                edit(dir);
                const old = new Date(Date.now() - 60_000);
                fs.utimesSync(path.join(dir, "x.ts"), old, old);
            }
            seen = runIn(
                dir,
                `const r = require("./scripts/register.js"); const x = require("./x.ts"); let line; try { x.fail(); } catch (e) { line = e.stack.split("\\n")[1]; }
                console.log(JSON.stringify({ from: x.from, transpiled: r.transpiled.map((f) => require("path").basename(f)), line }))`,
            );
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        if (edited) {
            it("transpiles the current source, never a stale build, when the file changed since the build (whatever the file times)", () => {
                assert.deepStrictEqual({ from: seen.from, transpiled: seen.transpiled }, { from: "source", transpiled: ["x.ts"] });
            });
        } else {
            it("loads a file from the build when the build was made from its current text", () => {
                assert.deepStrictEqual({ from: seen.from, transpiled: seen.transpiled }, { from: "bin", transpiled: [] });
            });
        }

        it(`names the source line in stack traces of ${what} files`, () => {
            assert.match(seen.line, /x\.ts:5:11\)$/);
        });
    });
}

describe("the TypeScript loader (scripts/register.js)", () => {
    let dir: string;
    beforeEach(() => (dir = scratchProject()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (script: string, preload: string[] = []) => runIn(dir, script, preload);

    it("names the source line under the Pulumi CLI's stack formatter (source-map-support) too", () => {
        // What the CLI's nodejs runner loads before the program (@pulumi/pulumi cmd/run).
        const formatter = require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
        const out = run(`try { require("./x.ts").fail(); } catch (e) { console.log(JSON.stringify(e.stack.split("\\n")[1])); }`, ["-r", formatter]);
        assert.match(out, /x\.ts:5:11\)$/);
    });

    // The SDK's debuggablePromise gives each of its promises (about 70 a resource) an id, a context
    // and `new Error().stack`, and reads them only to print leaked promises under
    // PULUMI_DEBUG_PROMISE_LEAKS; the leak bookkeeping is what it relies on.
    const PROMISES = `const d = require("@pulumi/pulumi/runtime/debuggable"); const store = require("@pulumi/pulumi/runtime/state").getStore();
        let release; const first = Promise.resolve(1), second = new Promise((r) => (release = r)), third = Promise.reject(new Error("no"));
        d.debuggablePromise(first, "first"); d.debuggablePromise(second, "second");
        const carries = d.debuggablePromise(third, "third").catch((e) => e.promise === third);
        let thrown; try { require("./x.ts").fail(); } catch (e) { thrown = e.stack.split("\\n")[1]; }
        carries.then((carried) => setImmediate(() => console.log(JSON.stringify({
            kept: [first._debugStackTrace, second._debugStackTrace ?? "none"], ctx: second._debugCtx ?? "none", id: second._debugId ?? "none", carried,
            pending: [...store.leakCandidates].map((p) => (p === second ? "second" : "other")), limit: Error.stackTraceLimit, thrown })) || process.env.LEAK || release()));`;
    const sdkDebuggable = () => require.resolve("@pulumi/pulumi/runtime/debuggable", { paths: [ROOT] });
    const untraced = (dir: string) => ({
        kept: ["Error", "none"],
        ctx: "none",
        id: "none",
        carried: true,
        pending: ["second"],
        limit: 10,
        thrown: `    at Object.fail (${path.join(dir, "x.ts")}:5:11)`,
    });

    it("the SDK's promises keep no stack, id or context (the first, the SDK's own call, a stack without frames); a pending one stays a leak candidate, a rejection carries its promise; other stacks are as they were", () => {
        assert.deepStrictEqual(run(PROMISES), untraced(dir));
    });

    it("a promise still pending at exit fails the run with the SDK's leak message, as it did", () => {
        const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", PROMISES], { cwd: dir, encoding: "utf8", env: { ...process.env, LEAK: "1" } });
        assert.strictEqual(result.status, 1, result.stderr);
        assert.match(result.stderr, /The Pulumi runtime detected that 1 promise was still active/);
    });

    it("the same when the SDK was loaded first (a runner started another way)", () => {
        assert.deepStrictEqual(run(PROMISES, ["-r", sdkDebuggable()]), untraced(dir));
    });

    it("an SDK whose debuggablePromise is not the known text keeps its own function untouched, stacks and all (it runs as published)", () => {
        const { untracedPromises } = require(path.join(ROOT, "scripts", "sdk-patches.js"));
        const seen: { ctx: string; limit: number }[] = [];
        const newer = { debuggablePromise: (p: Promise<unknown>, ctx: string) => (seen.push({ ctx, limit: Error.stackTraceLimit }), p) };
        const original = newer.debuggablePromise;
        untracedPromises(newer, sdkDebuggable());
        const p = Promise.resolve(1);
        assert.strictEqual(newer.debuggablePromise(p, "a"), p);
        assert.strictEqual(newer.debuggablePromise, original);
        assert.deepStrictEqual(seen, [{ ctx: "a", limit: Error.stackTraceLimit }]);
        assert.notStrictEqual(Error.stackTraceLimit, 0);
    });

    it("keeps the SDK's promise stacks whole when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
        const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", PROMISES], { cwd: dir, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" } });
        assert.strictEqual(result.status, 0, result.stderr);
        const out = JSON.parse(result.stdout.trim().split("\n").pop()!);
        assert.strictEqual(out.ctx, "second");
        assert.match(out.kept[1], /^Error\n    at (?:Object\.)?debuggablePromise \(.*debuggable\.js:\d+:\d+\)/);
    });
});

describe("the path `pulumi up` takes (the CLI's nodejs runner, Pulumi.yaml's nodeargs)", () => {
    it("preloads scripts/sdk-patches.js before the runner loads the SDK, so the SDK's promises and aliases get the savings; stack traces still name the TypeScript line", () => {
        // The language host starts `node <nodeargs> <@pulumi/pulumi/cmd/run> ... <main>` in the
        // project directory (pulumi-language-nodejs main.go: shlex.Split(nodeargs) before the run
        // path; the plugin's working directory is the directory of `main`); the runner loads
        // source-map-support, then the SDK, then main.js.
        const project = require("yaml").parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        const nodeargs = String(project.runtime.options.nodeargs).split(/\s+/);
        assert.ok(!/["'\\]/.test(project.runtime.options.nodeargs), "split here as shlex does: no quotes");
        assert.strictEqual(path.resolve(ROOT, path.dirname(project.main)), ROOT, "the runner's working directory is the project root");
        const formatter = require.resolve("source-map-support/register", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
        const script = `
            const sdkBefore = Object.keys(require.cache).filter((f) => f.includes("@pulumi/pulumi/"));
            require(${JSON.stringify(formatter)});
            const pulumi = require("@pulumi/pulumi");
            const untraced = require("@pulumi/pulumi/runtime/debuggable").debuggablePromise.untraced === true;
            const lazyAliases = String(require("@pulumi/pulumi/resource").Resource).includes("anycloudAliases");
            const quietContexts = String(require("@pulumi/pulumi/runtime/rpc").transferProperties).includes("quietText");
            const aliasValues = String(require("@pulumi/pulumi/runtime/resource").prepareResource).includes("aliasValue");
            const lazyProperties = String(require("@pulumi/pulumi/runtime/rpc").transferProperties).includes("lazyOutputs");
            require("./scripts/register");
            let line; try { require("./stacks/errors").closest("x", [null]); } catch (e) { line = e.stack.split("\\n").find((l) => l.includes("errors.ts")); }
            console.log(JSON.stringify({ sdkBefore, quietContexts, untraced, lazyAliases, aliasValues, lazyProperties, line }));`;
        const result = spawnSync(process.execPath, [...nodeargs, "-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(result.status, 0, result.stderr);
        const out = JSON.parse(result.stdout);
        assert.deepStrictEqual(out.sdkBefore, [], "nothing of the SDK is loaded before the preload");
        assert.ok(out.untraced, "the SDK's debuggablePromise is the untraced one");
        assert.ok(out.lazyAliases, "the SDK's Resource constructor collapses aliases when first read");
        assert.ok(out.quietContexts, "the SDK's transferProperties makes no promise contexts nothing reads");
        assert.ok(out.aliasValues, "the SDK waits for plain aliases without Outputs");
        assert.ok(out.lazyProperties, "the SDK makes a resource's output properties' Outputs when first read");
        const source = fs.readFileSync(path.join(ROOT, "stacks/errors.ts"), "utf8").split("\n");
        const at = /errors\.ts:(\d+):\d+\)?$/.exec(out.line);
        assert.ok(at, out.line);
        assert.match(source[Number(at[1]) - 1], /toLowerCase/, `${out.line} names the TypeScript line`);
    });
});

describe("the SDK's resource aliases under scripts/register.js", () => {
    // What the Resource constructor does with aliases: this mocha process loaded the SDK after
    // register.js, as `npm run plan` and the tests do.
    const resource = require("@pulumi/pulumi/resource");

    it("the installed SDK still has the constructor text the loader replaces", () => {
        assert.ok(String(resource.Resource).includes("anycloudAliases"), "@pulumi/pulumi/resource.js changed: update RESOURCE_PATCHES in scripts/sdk-patches.js");
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
