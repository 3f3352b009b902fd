import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import Module = require("module");
import * as os from "os";
import * as path from "path";
import * as url from "url";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../stacks/offline";
import { ROOT, stackConfig } from "./harness";
import { keptBetweenRuns } from "./kept-between-runs";

/** Where `await make()` resumes among two chains of promises (of `turns` steps) started before and after it, and what it got. */
async function turnsOf(make: () => Promise<unknown>, turns = 16): Promise<{ log: string; value: unknown }> {
    const log: string[] = [];
    const chain = (name: string) => {
        let i = 0;
        const step = () => {
            log.push(`${name}${++i}`);
            if (i < turns) Promise.resolve().then(step);
        };
        Promise.resolve().then(step);
    };
    chain("a");
    const run = (async () => {
        const value = await make();
        log.push("resumed");
        return value;
    })();
    chain("b");
    const value = await run;
    await new Promise((r) => setImmediate(r));
    return { log: log.join(" "), value };
}

/**
 * scripts/sdk-patches.js: what it changes in the SDK's resource.js must give what the SDK as
 * published gives. (This mocha process loaded the SDK after it, as `npm run plan` and `pulumi up`
 * do; the promise and alias changes are in test/register.spec.ts.)
 */
describe("the SDK's resource source positions under scripts/sdk-patches.js", () => {
    const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
    const file = require.resolve("@pulumi/pulumi/resource.js", { paths: [ROOT] });
    const patched = require(file).Resource;
    /** The SDK's resource.js as published, compiled without the patches. */
    const published = (() => {
        const m = new (Module as any)(file, module);
        m.filename = file;
        m.paths = (Module as any)._nodeModulePaths(path.dirname(file));
        m._compile(fs.readFileSync(file, "utf8"), file);
        return m.exports.Resource;
    })();

    it("the installed SDK has every text the patches replace, and the loaded Resource is the patched one", () => {
        assert.ok(patches.patchedResource(fs.readFileSync(file, "utf8")) !== undefined, "@pulumi/pulumi/resource.js changed: update RESOURCE_PATCHES in scripts/sdk-patches.js");
        assert.match(String(patched.stackTrace), /fileUrl/);
        assert.doesNotMatch(String(published.stackTrace), /fileUrl/);
    });

    /** Each Resource's stack trace from one call site: the same frames for both. */
    const traces = () => [patched, published].map((R) => R.stackTrace(1));
    class Made {
        traces: unknown[];
        constructor() {
            this.traces = traces();
        }
    }
    const shapes: [string, () => Promise<unknown[]>][] = [
        ["a function", async () => traces()],
        ["a constructor", async () => new Made().traces],
        ["an async function after an await", async () => {
            await new Promise((r) => setImmediate(r));
            return traces();
        }],
        ["Promise.all", async () => (await Promise.all([(async () => {
            await null;
            return traces();
        })()]))[0]],
        ["eval'd code", async () => eval("traces()")],
        ["a callback of a native method", async () => [0].map(() => traces())[0]],
        ["a timer", () => new Promise((resolve) => setTimeout(() => resolve(traces()), 0))],
    ];
    for (const [where, shape] of shapes) {
        it(`Resource.stackTrace called from ${where} gives the published SDK's frames (the first time and when kept)`, async () => {
            for (let i = 0; i < 2; i++) {
                const [mine, theirs] = await shape();
                assert.ok(Array.isArray(theirs) && theirs.length > 0);
                assert.deepStrictEqual(mine, theirs);
            }
        });
    }

    it("a file URL is the SDK's for paths with characters a URL escapes (space, #, ?, %, non-ASCII), the first time and when kept", () => {
        for (const name of ["a b.ts", "a#b.ts", "a?b.ts", "a%20b.ts", "é.ts"]) {
            const file = path.join(ROOT, "odd dir", name);
            for (let i = 0; i < 2; i++) assert.strictEqual(patches.fileUrl(url, file), url.pathToFileURL(file).toString(), file);
        }
    });

    it("a file URL is kept for an absolute path only (a relative one depends on the working directory)", () => {
        const absolute = path.join(ROOT, "index.ts");
        assert.strictEqual(patches.fileUrl(url, absolute), url.pathToFileURL(absolute).toString());
        const first = [patches.fileUrl(url, "relative.js"), url.pathToFileURL("relative.js").toString()];
        const before = process.cwd();
        let moved: string[];
        try {
            process.chdir(os.tmpdir());
            moved = [patches.fileUrl(url, "relative.js"), url.pathToFileURL("relative.js").toString()];
        } finally {
            process.chdir(before);
        }
        assert.strictEqual(first[0], first[1]);
        assert.strictEqual(moved[0], moved[1]);
        assert.notStrictEqual(moved[0], first[0]);
    });
});

/**
 * scripts/sdk-patches.js 5. and 6.: a resource's plain aliases are waited for without Outputs, and
 * its output properties get their Outputs when first read. What a program and the engine see must
 * be what the SDK as published gives, to the microtask turn (the offline engine's order of
 * registrations, hence every plan, follows from those turns).
 */
describe("the SDK's alias values and output properties under scripts/sdk-patches.js", () => {
    const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
    const sdkFile = (name: string) => require.resolve(`@pulumi/pulumi/${name}`, { paths: [ROOT] });
    const pulumi: typeof import("@pulumi/pulumi") = require(sdkFile("index.js"));
    /** `Output.promise()`: what the SDK awaits (internal to it, not in its typings). */
    const promiseOf = (o: unknown) => (o as { promise(): Promise<unknown> }).promise();

    it("the installed SDK has every text the patches replace (and the output.js whose turns were counted), and the loaded SDK is the patched one", () => {
        const read = (name: string) => fs.readFileSync(sdkFile(name), "utf8");
        assert.ok(patches.patchedRuntimeResource(read("runtime/resource.js")) !== undefined, "@pulumi/pulumi runtime/resource.js changed: update RUNTIME_RESOURCE_PATCHES in scripts/sdk-patches.js");
        assert.ok(patches.patchedRpc(read("runtime/rpc.js")) !== undefined, "@pulumi/pulumi runtime/rpc.js changed: update RPC_PATCHES in scripts/sdk-patches.js");
        assert.ok(patches.patchedClosure(read("runtime/closure/createClosure.js")) !== undefined, "@pulumi/pulumi runtime/closure/createClosure.js changed: update CLOSURE_PATCHES in scripts/sdk-patches.js");
        assert.ok(patches.patchedParseFunction(read("runtime/closure/parseFunction.js")) !== undefined, "@pulumi/pulumi runtime/closure/parseFunction.js changed: update PARSE_FUNCTION_PATCHES in scripts/sdk-patches.js");
        assert.ok(patches.patchedCodePaths(read("runtime/closure/codePaths.js")) !== undefined, "@pulumi/pulumi runtime/closure/codePaths.js changed: update CODE_PATHS_PATCHES in scripts/sdk-patches.js");
        for (const { file } of patches.SDK_PATCHED) assert.ok(patches.patchedSdkFile(sdkFile(file)) !== undefined, `@pulumi/pulumi ${file} or a file its patches rely on changed: update KNOWN_SDK_FILES in scripts/sdk-patches.js`);
        assert.match(String(require(sdkFile("runtime/resource.js")).prepareResource), /aliasValue/);
        assert.match(String(require(sdkFile("runtime/rpc.js")).transferProperties), /lazyOutputs/);
    });

    const plain: [string, unknown][] = [
        ["a URN", "urn:pulumi:dev::anycloud::x:y:Old::old"],
        ["a type (an azure-native alias)", { type: "azure-native:app/v20220101preview:ContainerApp" }],
        ["a name and type without a parent", { name: "old", type: "x:y:Old", parent: undefined }],
        ["no fields", {}],
    ];
    for (const [what, alias] of plain) {
        it(`a plain alias (${what}) resumes the awaiting code at the turn \`output(alias).promise()\` does, with an equal value (a copy of an object, its keys kept)`, async () => {
            const published = await turnsOf(() => promiseOf(pulumi.output(alias)));
            const patched = await turnsOf(() => patches.aliasValue(pulumi, alias));
            assert.strictEqual(patched.log, published.log);
            assert.deepStrictEqual(patched.value, published.value);
            assert.deepStrictEqual(Object.keys(patched.value as object), Object.keys(published.value as object));
            if (typeof alias === "object") assert.notStrictEqual(patched.value, alias);
        });
    }

    it("an alias that is not plain (an Output inside, a parent resource, a Promise) goes through output() as published", async () => {
        const parent = new pulumi.ComponentResource("x:y:Parent", "aliases-parent", {});
        for (const alias of [{ name: pulumi.output("old") }, { name: "old", parent }, Promise.resolve("urn:pulumi:dev::anycloud::x:y:Old::old")]) {
            const published = await turnsOf(() => promiseOf(pulumi.output(alias as any)));
            const patched = await turnsOf(() => patches.aliasValue(pulumi, alias));
            assert.strictEqual(patched.log, published.log);
            assert.deepStrictEqual(patched.value, published.value);
        }
    });

    it("a resource's output property stays an accessor until it is read; then it is the Output the SDK makes, the same on every read", async () => {
        class Thing extends pulumi.CustomResource {
            constructor(name: string) {
                super("x:y:Thing", name, { computed: "given", unread: undefined });
            }
        }
        let seen: { before: boolean; after: boolean; same: boolean; value: unknown; unreadStill: boolean } | undefined;
        await runOffline({
            project: "anycloud",
            stack: "dev",
            config: { "anycloud:cloud": "local" },
            program: async () => {
                const thing = new Thing("thing") as any;
                const accessor = (key: string) => typeof Object.getOwnPropertyDescriptor(thing, key)?.get === "function";
                const before = accessor("computed");
                const output = thing.computed;
                const value = await new Promise((resolve) => output.apply(resolve));
                seen = { before, after: accessor("computed"), same: thing.computed === output && pulumi.Output.isInstance(output), value, unreadStill: accessor("unread") };
                return {};
            },
        });
        assert.deepStrictEqual(seen, { before: true, after: false, same: true, value: "given", unreadStill: true });
    });

    /** test/sdk-patches-program.js's output, as published and under the patches, in an update or a preview. */
    const runs = new Map<string, { published: any; patched: any }>();
    const runProgram = (mode: "update" | "preview") => {
        if (!runs.has(mode)) {
            const run = (preload: string[]) => {
                const result = spawnSync(process.execPath, [...preload, path.join(ROOT, "test/sdk-patches-program.js"), mode], { cwd: ROOT, encoding: "utf8" });
                assert.ok(result.stdout.startsWith("{"), result.stderr);
                // Its exit code too (1 for both: the SDK's check of promises left pending, by the gRPC errors).
                return { ...JSON.parse(result.stdout), status: result.status };
            };
            runs.set(mode, { published: publishedRun(mode, () => run([])), patched: run(["-r", "./scripts/sdk-patches.js"]) });
        }
        return runs.get(mode)!;
    };
    /**
     * The published SDK's run of the program, kept between test runs (test/kept-between-runs.ts, like
     * the test RSA keys and PostgreSQL clusters; ANYCLOUD_TEST_SDK_PUBLISHED names another directory): it is a function of the program's text, the SDK's
     * files and the versions of the packages it runs on, Node's version and the PULUMI_ and NODE_
     * variables, which the key hashes, so it is run again whenever any of them changes (~1.3 s of
     * CPU for each of the two modes). The patched run, the code under test, runs every time.
     */
    const publishedRun = (mode: string, run: () => any) => {
        const hash = require("crypto").createHash("sha256");
        hash.update(JSON.stringify([mode, process.version, Object.entries(process.env).filter(([k]) => /^(PULUMI_|NODE_)/.test(k)).sort()]));
        hash.update(fs.readFileSync(path.join(ROOT, "test/sdk-patches-program.js")));
        const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
        const filesOf = (dir: string): string[] =>
            fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === "node_modules" ? [] : filesOf(path.join(dir, e.name))) : /\.(js|json)$/.test(e.name) ? [path.join(dir, e.name)] : []));
        for (const file of filesOf(packageDir("@pulumi/pulumi")).sort()) hash.update(file).update(fs.readFileSync(file));
        // The packages the SDK runs the program on, as the SDK resolves them (the closure serializer's
        // compiler, computeCodePaths' arborist and its helpers included): their versions.
        const sdkDir = packageDir("@pulumi/pulumi");
        for (const name of ["@grpc/grpc-js", "google-protobuf", "typescript", "@npmcli/arborist", "normalize-package-data", "semver"]) {
            hash.update(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [sdkDir] })));
        }
        const store = keptBetweenRuns("anycloud-test-sdk-published", "ANYCLOUD_TEST_SDK_PUBLISHED");
        if (store === undefined) return run();
        const file = path.join(store, `${hash.digest("hex").slice(0, 32)}.json`);
        try {
            return JSON.parse(fs.readFileSync(file, "utf8"));
        } catch {
            const result = run();
            fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(result));
            fs.renameSync(`${file}.${process.pid}`, file);
            return result;
        }
    };
    /** A fact of an Output (test/sdk-patches-program.js \`facts\`). */
    const fact = (known: boolean, secret: boolean, ...resources: string[]) => JSON.stringify({ known, secret, resources: resources.map((r) => `urn:pulumi:stack::project::test:index:${r}`) });

    it("a program prints the same under the patches as under the SDK as published: registrations, inputs, aliases sent and each apply's turn; a resource's keys; a late read's value (a secret's too, and through an object made from the resource); an assignment; a refused registration's error; the code paths of a package", () => {
        const { published, patched } = runProgram("update");
        // (Everything but which modules are loaded when: the next test.)
        assert.deepStrictEqual({ ...patched, loaded: undefined }, { ...published, loaded: undefined });
        assert.deepStrictEqual(published.codePaths, ["node_modules/left", "node_modules/right", "package.json"], "computeCodePaths: the dependency and its own, not the dev dependency");
        // What the comparison covers (so it cannot pass on an empty run).
        assert.strictEqual(published.events.filter((e: string) => / register test:index:(Parent|Thing) /.test(e)).length, 4);
        assert.ok(published.events.some((e: string) => /aliases a .*"a-oldest"/.test(e)));
        for (const late of ["derived true", "b.extra assigned", 'a.extra {"nested":"a"}', "a.secretLate s2 true", "c.computed c-computed"]) assert.ok(published.late.includes(late), late);
        assert.ok(published.events.some((e: string) => / a\.secretEarly s1 true$/.test(e)));
        assert.ok(published.keys.includes("unread") && published.same);
        assert.deepStrictEqual(published.errors, ["failed to register new resource refused [test:index:Thing]: the engine refused refused", "boom"]);
    });

    it("loading the SDK loads neither the TypeScript compiler nor npm's arborist and normalize-package-data (as published it loads all three); serializing a function loads the compiler, computeCodePaths the other two", () => {
        const { published, patched } = runProgram("update");
        const all = { typescript: true, arborist: true, normalizePackageData: true };
        assert.deepStrictEqual(published.loaded.withSdk, all, "as published, the SDK loads them with itself");
        assert.deepStrictEqual(patched.loaded.withSdk, { typescript: false, arborist: false, normalizePackageData: false });
        assert.deepStrictEqual(patched.loaded.afterSerializing, { typescript: true, arborist: false, normalizePackageData: false });
        assert.deepStrictEqual(patched.loaded.afterCodePaths, all);
        // What they then do is the published SDK's: the closures' texts (below) and the code paths (above).
    });

    it("an output property's known-ness, secret flag and dependencies are the published SDK's, read before the engine answered and after (update and preview)", () => {
        for (const mode of ["update", "preview"] as const) {
            const { published, patched } = runProgram(mode);
            assert.deepStrictEqual(patched.events, published.events, mode);
            assert.deepStrictEqual(patched.late, published.late, mode);
        }
        const update = runProgram("update").published;
        const preview = runProgram("preview").published;
        // Dependencies the engine named, an early read's and a late one's; a secret read late.
        assert.ok(update.events.some((e: string) => e.endsWith(`a.computed facts ${fact(true, false, "Dep::dep", "Parent$test:index:Thing::a")}`)));
        assert.ok(update.late.includes(`a.extra facts ${fact(true, false, "Dep::dep", "Parent$test:index:Thing::a")}`));
        assert.ok(update.late.includes(`a.secretLate facts ${fact(true, true, "Parent$test:index:Thing::a")}`));
        // In a preview, outputs the engine left out are unknown, read early and late.
        assert.ok(preview.events.some((e: string) => e.endsWith(`a.list facts ${fact(false, false, "Parent$test:index:Thing::a")}`)));
        assert.ok(preview.late.includes(`a.extra facts ${fact(false, false, "Parent$test:index:Thing::a")}`));
    });

    it("the SDK's resolvers of output properties give the published Outputs: the first answer wins, a gRPC error is skipped (the Output stays pending), an error, an unknown, a secret, dependencies; read before the answer and after", () => {
        const { published, patched } = runProgram("update");
        assert.deepStrictEqual(patched.resolved, published.resolved);
        const holder = "Holder::holder";
        const expected: Record<string, string> = {
            twice: `"first" ${fact(true, false, holder)}`,
            secret: `"s" ${fact(true, true, holder)}`,
            unknown: `undefined ${fact(false, false, holder)}`,
            deps: `"d" ${fact(true, false, "Dep::dep", holder)}`,
            error: "error boom ",
            grpc: "pending ",
            grpcThenValue: `"after" ${fact(true, false, holder)}`,
        };
        for (const [name, text] of Object.entries(expected)) {
            for (const when of ["early", "late"]) assert.strictEqual(published.resolved[`${name} ${when}`], text, `${name} ${when}`);
        }
    });

    it("a frozen or sealed resource's output property reads as the same Output as published (no throw), and an assignment does what it did (refused when frozen)", () => {
        const { published, patched } = runProgram("update");
        assert.deepStrictEqual(patched.frozen, published.frozen);
        assert.deepStrictEqual(published.frozen, ["frozen true true \"frozen-computed\" assignment threw TypeError: Cannot assign to read only property 'extra' of object '#<Plain>'", 'sealed true true "sealed-computed" assigned assigned']);
    });

    it("a function the SDK serializes (pulumi.runtime.serializeFunction) that captures resources (whole, through a property chain, frozen and sealed) is the published SDK's text, to the character", () => {
        const { published, patched } = runProgram("update");
        for (const name of ["whole", "chain", "frozen", "chainFrozen", "chainSealed"]) {
            assert.doesNotMatch(published.closures[name], /^error/, name);
            assert.strictEqual(patched.closures[name], published.closures[name], name);
        }
        // The whole resource is captured, its answered property with it.
        assert.match(published.closures.whole, /d-computed/);
    });

    it("an SDK file is patched only when every SDK file its patches rely on is, whole, the known one; a changed file leaves the SDK as published", () => {
        assert.deepStrictEqual(Object.fromEntries(patches.SDK_PATCHED.map((p: { file: string; dependsOn: string[] }) => [p.file, p.dependsOn])), {
            "runtime/rpc.js": ["runtime/rpc.js", "output.js", "runtime/resource.js", "runtime/closure/createClosure.js", "runtime/debuggable.js"],
            "runtime/resource.js": ["runtime/resource.js", "output.js"],
            "resource.js": ["resource.js", "runtime/resource.js", "runtime/closure/createClosure.js"],
            "runtime/closure/createClosure.js": ["runtime/closure/createClosure.js"],
            "runtime/closure/parseFunction.js": ["runtime/closure/parseFunction.js"],
            "runtime/closure/codePaths.js": ["runtime/closure/codePaths.js"],
            "output.js": ["output.js"],
            "runtime/dependsOn.js": ["runtime/dependsOn.js", "output.js"],
        });
        for (const { file, dependsOn } of patches.SDK_PATCHED) {
            for (const changed of dependsOn) {
                // A newer SDK's file: the same texts the patches replace, one more line.
                const read = (f: string) => fs.readFileSync(f, "utf8") + (f === sdkFile(changed) ? "\n// changed\n" : "");
                assert.strictEqual(patches.patchedSdkFile(sdkFile(file), read), undefined, `${file} patched with ${changed} changed`);
            }
        }
        // And as loaded: a copy of the SDK whose output.js changed runs its rpc.js, runtime/resource.js, dependsOn.js and output.js as published.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-patches-"));
        try {
            const copy = path.join(dir, "node_modules", "@pulumi", "pulumi");
            fs.cpSync(path.dirname(sdkFile("package.json")), copy, { recursive: true });
            fs.appendFileSync(path.join(copy, "output.js"), "\n// changed\n");
            const script = `const s = (f, n) => String(require(${JSON.stringify(copy)} + "/" + f)[n]); console.log(JSON.stringify([s("runtime/rpc.js", "transferProperties").includes("lazyOutputs"), s("runtime/resource.js", "prepareResource").includes("aliasValue"), s("resource.js", "Resource").includes("lazyAliases"), s("runtime/dependsOn.js", "getAllTransitivelyReferencedResourceURNs").includes("urnsOf"), s("output.js", "containsUnknowns").includes("containsUnknownsOfObject")]))`;
            const result = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts/sdk-patches.js"), "-e", script], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") } });
            assert.strictEqual(result.stdout.trim(), "[false,false,true,false,false]", result.stderr);
            // A copy whose debuggable.js (or state.js, which 1.'s replacement uses) changed, one line
            // outside debuggablePromise: its promises get the SDK's own context and stack (1. off, so
            // 7.'s texts are made); a changed debuggable.js also leaves transferProperties the SDK's.
            fs.writeFileSync(path.join(copy, "output.js"), fs.readFileSync(sdkFile("output.js")));
            for (const changed of ["runtime/debuggable.js", "runtime/state.js"]) {
                for (const f of ["runtime/debuggable.js", "runtime/state.js"]) fs.writeFileSync(path.join(copy, f), fs.readFileSync(sdkFile(f), "utf8") + (f === changed ? "\n// changed\n" : ""));
                const promises = `const d = require(${JSON.stringify(copy)} + "/runtime/debuggable.js"); const p = Promise.resolve(1); d.debuggablePromise(p, "ctx"); const rpc = String(require(${JSON.stringify(copy)} + "/runtime/rpc.js").transferProperties);
                    console.log(JSON.stringify({ untraced: d.debuggablePromise.untraced === true, contextsUnread: d.debuggablePromise.contextsUnread, ctx: p._debugCtx, stack: String(p._debugStackTrace).includes("debuggablePromise ("), lazyOutputs: rpc.includes("lazyOutputs") }))`;
                const seen = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts/sdk-patches.js"), "-e", promises], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") } });
                assert.deepStrictEqual(JSON.parse(seen.stdout), { untraced: false, ctx: "ctx", stack: true, lazyOutputs: changed === "runtime/state.js" }, `${changed}: ${seen.stderr}`);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("with PULUMI_DEBUG_PROMISE_LEAKS the SDK's output properties are made at once, for its leak report", () => {
        const script = `console.log(String(require("@pulumi/pulumi/runtime/rpc").transferProperties).includes("lazyOutputs"))`;
        const result = spawnSync(process.execPath, ["-r", "./scripts/sdk-patches.js", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" } });
        assert.strictEqual(result.stdout.trim(), "false", result.stderr);
    });
});

/**
 * scripts/sdk-patches.js (4): the Resource constructor takes a resource's stack (its source
 * position and stack trace, sent with the registration) unless the engine's monitor says it reads
 * none, as the offline engine's does.
 */
describe("the source position the SDK sends with a registration under scripts/sdk-patches.js", () => {
    const { project, config } = stackConfig({ stack: "local" });
    /** The line that calls this. */
    const here = () => Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]);
    /** A custom resource as a provider SDK declares one (the SDK's stack skip assumes this shape). */
    class Thing extends pulumi.CustomResource {
        constructor(name: string) {
            super("test:index:Thing", name, {}, {});
        }
    }

    /** A run of the offline engine registering one resource: the source position its registration carried, and the line that made it. */
    async function registration(unmarked: boolean) {
        const positions: (string | undefined)[] = [];
        let line = 0;
        await runOffline({
            project,
            stack: "local",
            config,
            program: async () => {
                const monitor = pulumi.runtime.getMonitor() as any;
                if (unmarked) delete monitor[Symbol.for("anycloud.sourcePositionsUnread")];
                const register = monitor.registerResource;
                monitor.registerResource = (req: any, callback: unknown) => {
                    const at = req.getSourceposition();
                    positions.push(at ? `${at.getUri()}:${at.getLine()}` : undefined);
                    return register(req, callback);
                };
                line = here(); new Thing("positioned");
                return {};
            },
        });
        return { positions, line };
    }

    it("the offline engine, which records no source position, gets none (the SDK takes no stack for its resources)", async () => {
        assert.deepStrictEqual((await registration(false)).positions, [undefined]);
    });

    it("an engine without the mark (the CLI's) gets each resource's source position, the line that made it, as before", async () => {
        const seen = await registration(true);
        assert.deepStrictEqual(seen.positions, [`${url.pathToFileURL(__filename)}:${seen.line}`]);
    });

    it("under the Pulumi CLI, whose monitor the SDK's store does not hold (settings.monitor undefined), the stack is taken", () => {
        const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
        assert.strictEqual(patches.sourcePositionsRead(undefined), true);
    });
});

/**
 * scripts/sdk-patches.js (7): transferProperties makes no context texts for its promises while
 * nothing reads them (the untraced debuggablePromise), unless making the input's text could run
 * the program's code or throw.
 */
describe("the promise contexts of the SDK's transferProperties under scripts/sdk-patches.js", () => {
    const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
    const rpcFile = require.resolve("@pulumi/pulumi/runtime/rpc.js", { paths: [ROOT] });
    const rpc = require(rpcFile);
    const debuggable = require(require.resolve("@pulumi/pulumi/runtime/debuggable.js", { paths: [ROOT] }));

    it("the installed SDK has every text the patches replace, and the loaded transferProperties is the patched one", () => {
        assert.ok(patches.patchedRpc(fs.readFileSync(rpcFile, "utf8")) !== undefined, "@pulumi/pulumi/runtime/rpc.js changed: update RPC_PATCHES in scripts/sdk-patches.js");
        assert.match(String(rpc.transferProperties), /quietText/);
        assert.strictEqual(debuggable.debuggablePromise.contextsUnread, true);
    });

    /** The contexts transferProperties hands debuggablePromise for the props, with a debuggablePromise that reads them or not. */
    function contexts(props: Record<string, unknown>, unread: boolean): { contexts: unknown[]; error?: string } {
        const seen: unknown[] = [];
        const saved = debuggable.debuggablePromise;
        debuggable.debuggablePromise = Object.assign((p: Promise<unknown>, ctx: unknown) => (seen.push(ctx), p), unread ? { contextsUnread: true } : {});
        try {
            // (Each property's promises are made when it is first read: 5.)
            const onto: Record<string, unknown> = {};
            rpc.transferProperties(onto, "resource:x[test:index:Thing]", props);
            for (const key of Object.keys(props)) void onto[key];
            return { contexts: seen };
        } catch (e) {
            return { contexts: seen, error: String(e) };
        } finally {
            debuggable.debuggablePromise = saved;
        }
    }

    it("a debuggablePromise that reads contexts gets the SDK's texts (the input's text included)", () => {
        assert.deepStrictEqual(contexts({ a: "x", b: [1, pulumi.output(2)] }, false).contexts.slice(0, 5), [
            "transferProperty(resource:x[test:index:Thing], a, x)",
            "transferIsStable(resource:x[test:index:Thing], a, x)",
            "transferIsSecret(resource:x[test:index:Thing], a, x)",
            "transferDeps(resource:x[test:index:Thing], a, x)",
            `transferProperty(resource:x[test:index:Thing], b, 1,${String(pulumi.output(2))})`,
        ]);
    });

    it("the untraced one gets no texts for the inputs a program passes (strings, numbers, Outputs, lists and plain objects of them)", () => {
        const seen = contexts({ a: "x", b: [1, pulumi.output(2), [null, { c: 3 }]], c: { d: pulumi.output("e") }, d: undefined, e: 5n, f: pulumi.output([1]) }, true).contexts;
        assert.deepStrictEqual(new Set(seen), new Set([""]));
    });

    /** Values whose text runs code of their own or throws: each records what of it ran. */
    const loud: [string, (ran: string[]) => unknown][] = [
        ["a toString of its own", (ran) => ({ toString: () => (ran.push("toString"), "t") })],
        ["a valueOf of its own", (ran) => ({ valueOf: () => (ran.push("valueOf"), 1), toString: undefined })],
        ["a Symbol.toPrimitive", (ran) => ({ [Symbol.toPrimitive]: () => (ran.push("toPrimitive"), "p") })],
        ["a getter for toString", (ran) => Object.defineProperty({}, "toString", { get: () => (ran.push("getter"), () => "g") })],
        ["a Symbol.toStringTag", (ran) => Object.defineProperty({}, Symbol.toStringTag, { get: () => (ran.push("tag"), "T") })],
        ["a class instance", (ran) => new (class Thing { toString() { ran.push("class"); return "c"; } })()],
        ["a Proxy (not an Output)", (ran) => new Proxy({}, { get: (t, k) => (ran.push(`get ${String(k)}`), Reflect.get(t, k)) })],
        ["a symbol", () => Symbol("s")],
        ["an object without a prototype", () => Object.create(null)],
        ["a toString that throws", () => ({ toString: () => { throw new Error("no text"); } })],
        ["a list holding one of them", (ran) => [1, { toString: () => (ran.push("element"), "e") }]],
        ["a list with a join of its own", (ran) => Object.assign([1], { join: () => (ran.push("join"), "j") })],
        ["a list holding itself", () => { const a: unknown[] = [1]; a.push(a); return a; }],
    ];
    for (const [what, make] of loud) {
        it(`an input with ${what}: its text is made as before, with the same calls and the same error`, () => {
            const runs = [false, true].map((unread) => {
                const ran: string[] = [];
                const value = make(ran);
                ran.length = 0;
                const seen = contexts({ a: value }, unread);
                return { ran, error: seen.error };
            });
            assert.deepStrictEqual(runs[1], runs[0]);
            assert.strictEqual(patches.quietText(make([])), false);
        });
    }
});

/**
 * scripts/sdk-patches.js 11.-13.: serializeProperty's callers await a primitive themselves, a
 * walk over no dependencies or over dependencies whose URNs were kept makes no promise for them,
 * and containsUnknowns makes no Set for a primitive. Each is compared with the SDK's own function
 * (its file as published, compiled here without the patches): the same values, at the same
 * microtask turn (the offline engine's order of registrations follows from those turns).
 */
describe("the SDK's serialization of plain values, dependency URNs and unknown checks under scripts/sdk-patches.js", () => {
    const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
    const sdkFile = (name: string) => require.resolve(`@pulumi/pulumi/${name}`, { paths: [ROOT] });
    /** The SDK file as published, compiled without the patches (its own requires are the loaded SDK's). */
    const published = (name: string) => {
        const file = sdkFile(name);
        const m = new (Module as any)(file, module);
        m.filename = file;
        m.paths = (Module as any)._nodeModulePaths(path.dirname(file));
        m._compile(fs.readFileSync(file, "utf8"), file);
        return m.exports;
    };
    const rpc = { patched: require(sdkFile("runtime/rpc.js")), published: published("runtime/rpc.js") };
    const dependsOn = { patched: require(sdkFile("runtime/dependsOn.js")), published: published("runtime/dependsOn.js") };
    const output = { patched: require(sdkFile("output.js")), published: published("output.js") };

    it("the installed SDK has every text the patches replace, and the loaded rpc.js, dependsOn.js, output.js and runtime/resource.js are the patched ones", () => {
        const read = (name: string) => fs.readFileSync(sdkFile(name), "utf8");
        assert.ok(patches.patchedDependsOn(read("runtime/dependsOn.js")) !== undefined, "@pulumi/pulumi runtime/dependsOn.js changed: update DEPENDS_ON_PATCHES in scripts/sdk-patches.js");
        assert.ok(patches.patchedOutput(read("output.js")) !== undefined, "@pulumi/pulumi output.js changed: update OUTPUT_PATCHES in scripts/sdk-patches.js");
        assert.match(String(rpc.patched.serializeProperty), /anycloudAsIs/);
        assert.doesNotMatch(String(rpc.published.serializeProperty), /anycloudAsIs/);
        assert.match(String(dependsOn.patched.getAllTransitivelyReferencedResourceURNs), /urnsOf/);
        assert.match(String(output.patched.containsUnknowns), /containsUnknownsOfObject/);
        assert.match(String(require(sdkFile("runtime/resource.js")).registerResource), /urnAnswered/);
        assert.match(String(require(sdkFile("runtime/resource.js")).prepareResource), /urnMade/);
    });

    /** serializeResourceProperties of `make()`'s props, as a program and the engine see it: the value, the dependencies by property, the turn. */
    async function serialized(sdk: any, make: () => Record<string, unknown>) {
        const props = make();
        const { log, value } = await turnsOf(async () => {
            const [result, deps] = await sdk.serializeResourceProperties("resource:x[test:index:Thing]", props, {});
            return { result, deps: [...deps].map(([k, rs]: [string, Set<pulumi.Resource>]) => [k, rs.size]) };
        }, 64);
        return { log, value };
    }
    /** An object whose property counts its reads (the SDK reads each property once). */
    const counted = (reads: string[]) => Object.defineProperty({ plain: "p" }, "read", { get: () => (reads.push("read"), "v"), enumerable: true });
    const cases: [string, (reads: string[]) => Record<string, unknown>][] = [
        ["primitives", () => ({ s: "x", n: 1, b: true, z: null, u: undefined, e: "" })],
        ["nested lists and objects of primitives, a hole, undefined keys", () => ({ list: [1, "two", null, undefined, [3, [4, [5]]], { k: "v", u: undefined }], hole: [1, , 3], obj: { a: { b: { c: "d", e: [false] } } } })],
        ["Outputs, secrets, promises and unknowns among primitives", () => ({ a: pulumi.output("x"), b: ["y", pulumi.output(2), Promise.resolve("z"), 4], c: { d: pulumi.secret("s"), e: "f" }, g: pulumi.output({ h: ["i", 1] }), u: (pulumi as any).unknown })],
        ["values the SDK does not count as primitive (a bigint, a symbol, a function)", () => ({ n: 1n as unknown, s: Symbol("s") as unknown, f: () => 1, after: "x" })],
        ["a property with a getter (read once)", (reads) => ({ o: counted(reads), list: [counted(reads)] })],
    ];
    for (const [what, make] of cases) {
        it(`serializing ${what} gives the SDK's values and dependencies, resuming at the SDK's turn, with the same reads`, async () => {
            const reads = { published: [] as string[], patched: [] as string[] };
            const theirs = await serialized(rpc.published, () => make(reads.published));
            const mine = await serialized(rpc.patched, () => make(reads.patched));
            assert.ok(theirs.log.includes("resumed"));
            assert.strictEqual(mine.log, theirs.log);
            assert.deepStrictEqual(mine.value, theirs.value);
            assert.deepStrictEqual(reads.patched, reads.published);
        });
    }

    it("serializing two resources' inputs at once interleaves their steps as the SDK does", async () => {
        const order = async (sdk: any) => {
            const log: string[] = [];
            const one = (name: string, props: Record<string, unknown>) => sdk.serializeResourceProperties(name, props, {}).then(() => log.push(name));
            await Promise.all([one("a", { x: ["1", 2, [3, { y: "4" }]], z: pulumi.output("5") }), one("b", { x: "1", y: [2, 3] }), one("c", { x: { y: { z: [null] } } })]);
            return log.join(" ");
        };
        assert.strictEqual(await order(rpc.patched), await order(rpc.published));
    });

    it("containsUnknowns gives the SDK's answer for primitives, unknowns (nested, in lists), objects that hold themselves and Outputs", () => {
        const unknown = (pulumi as any).unknown;
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic.self = cyclic;
        const values = ["x", "", 0, 1n, true, null, undefined, Symbol("s"), () => 1, unknown, { a: unknown }, [1, [2, [unknown]]], cyclic, [cyclic, { b: [unknown] }], pulumi.output("x"), {}, []];
        assert.deepStrictEqual(values.map((v) => output.patched.containsUnknowns(v)), values.map((v) => output.published.containsUnknowns(v)));
        assert.deepStrictEqual(values.map((v) => output.patched.containsUnknowns(v)).filter((b: boolean) => b).length, 4);
    });

    it("the URNs of dependencies (none, kept ones, some not yet resolved, a replaced urn Output) are the SDK's, at the SDK's turn, and a kept URN is not asked for again", async () => {
        class Thing extends pulumi.CustomResource {
            constructor(name: string, opts?: pulumi.CustomResourceOptions) {
                super("test:index:Thing", name, { input: name }, opts);
            }
        }
        const { project, config } = stackConfig({ stack: "local" });
        const seen: Record<string, { published: unknown; patched: unknown }> = {};
        let asked: { published: number; patched: number } | undefined;
        await runOffline({
            project,
            stack: "local",
            config,
            program: async () => {
                const group = new pulumi.ComponentResource("test:index:Group", "group", {});
                const children = ["g1", "g2", "g3"].map((n) => new Thing(n, { parent: group }));
                const other = new Thing("other");
                const replaced = new Thing("replaced");
                await Promise.all([...children, other, replaced].map((r) => (r.urn as any).promise()));
                for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
                // Another Output in its place, of another URN: the kept one must not be taken for it.
                const urn = await (replaced.urn as any).promise();
                (replaced as any).urn = pulumi.output(`${urn}-moved`);
                const compare = async (name: string, resources: () => unknown, exclude: () => Set<pulumi.Resource>) => {
                    const run = async (sdk: any) => {
                        const { log, value } = await turnsOf(() => sdk.getAllTransitivelyReferencedResourceURNs(resources(), exclude()), 64);
                        return { log, value: [...(value as Set<string>)] };
                    };
                    seen[name] = { published: await run(dependsOn.published), patched: await run(dependsOn.patched) };
                };
                await compare("an empty set", () => new Set(), () => new Set());
                await compare("no set", () => undefined, () => new Set());
                await compare("a component (its children kept)", () => new Set([group]), () => new Set());
                await compare("kept resources, one excluded", () => new Set(children), () => new Set([children[1]]));
                await compare("a replaced urn Output", () => new Set([other, replaced]), () => new Set());
                // A resource made now, whose URN resolves later, beside kept ones; and one alone.
                await compare("new resources beside kept ones", () => new Set([new Thing("fresh1"), children[0], new Thing("fresh1b"), other]), () => new Set());
                await compare("a new resource alone", () => new Set([new Thing("fresh2")]), () => new Set());
                // A kept URN is taken as kept: its Output's promise() is not called again.
                const calls = { published: 0, patched: 0 };
                const promise = (other.urn as any).promise;
                for (const side of ["published", "patched"] as const) {
                    (other.urn as any).promise = (...args: unknown[]) => (calls[side]++, promise(...args));
                    await dependsOn[side].getAllTransitivelyReferencedResourceURNs(new Set([other]), new Set());
                }
                (other.urn as any).promise = promise;
                asked = calls;
                return {};
            },
        });
        assert.strictEqual(Object.keys(seen).length, 7);
        for (const [name, { published, patched }] of Object.entries(seen)) {
            assert.ok((published as { log: string }).log.includes("resumed"), name);
            assert.deepStrictEqual(patched, published, name);
        }
        assert.deepStrictEqual((seen["a component (its children kept)"].published as { value: string[] }).value.length, 3);
        assert.deepStrictEqual(asked, { published: 1, patched: 0 });
    });

    it("a walk over a resource the engine has just answered, at each turn before its URN Output settled and after, gives the SDK's URN at the SDK's turn", async () => {
        class Thing extends pulumi.CustomResource {
            constructor(name: string) {
                super("test:index:Thing", name, { input: name });
            }
        }
        const { project, config } = stackConfig({ stack: "local" });
        const SPAN = 8;
        const seen: Record<string, { published?: unknown; patched?: unknown }> = {};
        /** For each turn, whether patch 12. took the URN as kept. */
        const keptAt: boolean[] = [];
        const answered = patches.urnAnswered;
        try {
            await runOffline({
                project,
                stack: "local",
                config,
                program: async () => {
                    for (let turn = 0; turn < SPAN; turn++) {
                        for (const side of ["published", "patched"] as const) {
                            // The walk starts `turn` turns after registerResource resolved the URN
                            // Output with the engine's answer (patch 12. keeps a URN only once that
                            // Output's isKnown settled: earlier, the SDK's `promise()` takes longer).
                            const walked = new Promise<unknown>((done, fail) => {
                                const thing = new Thing(`t${turn}-${side}`);
                                patches.urnAnswered = (resource: unknown, urn: string) => {
                                    answered(resource, urn);
                                    if (resource !== thing) return;
                                    let p: Promise<unknown> = Promise.resolve();
                                    for (let i = 0; i < turn; i++) p = p.then(() => undefined);
                                    // How often the walk asks the URN Output for its value (none when kept).
                                    let asked = 0;
                                    const promise = (thing.urn as any).promise;
                                    (thing.urn as any).promise = (...args: unknown[]) => (asked++, promise(...args));
                                    p.then(() => turnsOf(() => dependsOn[side].getAllTransitivelyReferencedResourceURNs(new Set([thing]), new Set()), 64))
                                        .then(({ log, value }) => ({ log, value: [...(value as Set<string>)].map((u) => u.replace(/t\d+-(published|patched)$/, "thing")) }))
                                        .then((walk) => (side === "patched" ? keptAt.push(asked === 0) : undefined, walk))
                                        .then(done, fail);
                                };
                            });
                            (seen[`${turn} turns after the answer`] ??= {})[side] = await walked;
                            patches.urnAnswered = answered;
                        }
                    }
                    return {};
                },
            });
        } finally {
            patches.urnAnswered = answered;
        }
        assert.strictEqual(Object.keys(seen).length, SPAN);
        for (const [name, { published, patched }] of Object.entries(seen)) {
            assert.ok((published as { log: string }).log.includes("resumed"), name);
            assert.deepStrictEqual(patched, published, name);
        }
        // The span holds walks before the URN was kept and after.
        assert.deepStrictEqual([keptAt[0], keptAt[SPAN - 1]], [false, true]);
    });

    it("a dependsOn list (resources, nested lists, promises and Outputs of them, a value that is no resource) gives the SDK's resources or error, at the SDK's turn", async () => {
        const { project, config } = stackConfig({ stack: "local" });
        const seen: Record<string, { published: unknown; patched: unknown }> = {};
        await runOffline({
            project,
            stack: "local",
            config,
            program: async () => {
                const [r1, r2, r3] = ["d1", "d2", "d3"].map((n) => new pulumi.ComponentResource("test:index:Dep", n, {}));
                const lists: [string, () => unknown][] = [
                    ["resources", () => [r1, r2, r3]],
                    ["nested lists, a promise and an Output among resources", () => [r1, [r2, Promise.resolve(r3)], pulumi.output(r1), r2]],
                    ["an empty list", () => []],
                    ["a value that is no resource after a resource", () => [r1, "not a resource", r2]],
                ];
                for (const [name, list] of lists) {
                    const run = async (sdk: any) => {
                        const { log, value } = await turnsOf(() => sdk.gatherExplicitDependencies(list()).then((rs: pulumi.Resource[]) => rs.map((r) => (r as any).__name), (e: Error) => `error ${e.message}`), 64);
                        return { log, value };
                    };
                    seen[name] = { published: await run(dependsOn.published), patched: await run(dependsOn.patched) };
                }
                return {};
            },
        });
        assert.strictEqual(Object.keys(seen).length, 4);
        for (const [name, { published, patched }] of Object.entries(seen)) assert.deepStrictEqual(patched, published, name);
        assert.deepStrictEqual((seen.resources.published as { value: unknown }).value, ["d1", "d2", "d3"]);
        assert.match(String((seen["a value that is no resource after a resource"].published as { value: unknown }).value), /^error 'dependsOn' was passed a value that was not a Resource/);
    });
});
