import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import * as zlib from "zlib";
import { ROOT } from "./harness";

/**
 * scripts/compile-cache.js, the V8 compile cache every process of this project loads first: small
 * modules in a scratch directory, run by `node -r scripts/compile-cache.js main.js` with the cache
 * in a scratch directory too (ANYCLOUD_COMPILE_CACHE), once with the cache off (Node's own loader),
 * then cold and warm. ANYCLOUD_COMPILE_CACHE_STATS has each process report what happened to each
 * module: "hit" (V8 took the entry), "miss" (no usable entry), "rejected" (V8 refused it), "node"
 * (compiled by Node itself).
 */
const COMPILE_CACHE = path.join(ROOT, "scripts", "compile-cache.js");

// Each module's first line does something whose position or value a cache could change.
const MODULES: Record<string, string> = {
    "lib.js": [
        `exports.first = new Error("line one").stack.split("\\n")[1]; exports.self = this === module.exports; exports.args = arguments.length;`,
        `const Module = require("module");`,
        `exports.files = [__filename, __dirname, module.id, module.filename, module.loaded];`,
        `exports.require = { name: require.name, length: require.length, own: Object.getOwnPropertyNames(require).sort(), main: require.main === process.mainModule,`,
        `    cache: require.cache === Module._cache, extensions: require.extensions === Module._extensions, resolved: require.resolve("./dep"), paths: require.resolve.paths("x") };`,
        `try { require.resolve(42); } catch (e) { exports.badRequest = [e.name, e.code, e.message]; }`,
        `exports.dep = require("./dep");`,
        `exports.family = { parent: require.cache[require.resolve("./dep")].parent === module, children: module.children.map((c) => c.id.slice(__dirname.length)) };`,
        `exports.lazy = function lazy() { return new Error("lazy").stack.split("\\n").slice(1, 3); };`,
        `exports.later = () => [typeof module, typeof exports, this === module.exports];`,
        `exports.sloppy = (function () { return this === undefined; })();`,
    ].join("\n"),
    "dep.js": `"use strict"; module.exports = { strict: (function () { return this === undefined; })(), value: "dep-one" };`,
    "extra.js": `module.exports = "extra";`,
    // The same text in two files.
    "twin-a.js": `module.exports = () => new Error("twin").stack.split("\\n")[1];`,
    "twin-b.js": `module.exports = () => new Error("twin").stack.split("\\n")[1];`,
    "imp.js": `module.exports = () => import("./esm.mjs").then((m) => m.value);`,
    "esm.mjs": `export const value = "from esm";`,
    "hashbang.js": `#!/usr/bin/env node\nmodule.exports = "hashbang";`,
    "throws.js": `const x = 1; throw new Error("top " + x);`,
    "throws-later.js": `"use strict";\nconst y = 2;\n  null.f(y);`,
    "main.js": [
        `const lib = require("./lib");`,
        // Where V8's inspector places a function (the SDK's closure serializer asks it).
        `const inspector = require("inspector"); const session = new inspector.Session(); session.connect();`,
        `const urls = new Map(); session.on("Debugger.scriptParsed", (m) => urls.set(m.params.scriptId, m.params.url)); session.post("Debugger.enable");`,
        `globalThis.probe = lib.lazy; let location; session.post("Runtime.evaluate", { expression: "probe" }, (e, r) => session.post("Runtime.getProperties", { objectId: r.result.objectId }, (e2, p) => {`,
        `    const l = p.internalProperties.find((x) => x.name === "[[FunctionLocation]]").value.value; location = [urls.get(l.scriptId), l.lineNumber, l.columnNumber]; }));`,
        `session.disconnect();`,
        `let shebang; try { shebang = require("./hashbang"); } catch (e) { shebang = e.message; }`,
        `require("./imp")().then((viaImport) => console.log(JSON.stringify({ ...lib, extra: require("./extra"), twins: [require("./twin-a")(), require("./twin-b")()], lazy: lib.lazy(), lazySource: lib.lazy.toString(), later: lib.later(), location, shebang, viaImport })));`,
    ].join("\n"),
};

interface Report {
    dir: string;
    files: Record<string, string>;
    written: number;
}

function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-compile-cache-"));
    fs.mkdirSync(path.join(dir, "app"));
    for (const [name, text] of Object.entries(MODULES)) fs.writeFileSync(path.join(dir, "app", name), text);
    return dir;
}

/** `node [flags] -r scripts/compile-cache.js <main>` in dir/app with the cache at `cache` ("off": none). */
function run(dir: string, cache: string, main = "main.js", flags: string[] = []) {
    const stats = path.join(dir, "stats.jsonl");
    fs.rmSync(stats, { force: true });
    const result = spawnSync(process.execPath, [...flags, "-r", COMPILE_CACHE, main], {
        cwd: path.join(dir, "app"),
        encoding: "utf8",
        env: { ...process.env, ANYCLOUD_COMPILE_CACHE: cache, ANYCLOUD_COMPILE_CACHE_STATS: stats },
    });
    const reports: Report[] = fs.existsSync(stats) ? fs.readFileSync(stats, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
    const report = reports[0] ?? { dir: "", files: {}, written: 0 };
    // Each module by its name, as the report has it.
    const files = Object.fromEntries(Object.entries(report.files).map(([f, what]) => [path.basename(f), what]));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, out: result.stdout ? JSON.parse(result.stdout) : undefined, files, report };
}

/** The entries of the cache (every Node build's directory), by path. */
const entries = (cache: string) => (fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true, encoding: "utf8" }).map((f) => path.join(cache, f)).filter((f) => fs.statSync(f).isFile() && /[0-9a-f]{64}$/.test(f)) : []);

describe("the compile cache (scripts/compile-cache.js)", () => {
    let dir: string;
    let cache: string;
    let off: ReturnType<typeof run>;
    let cold: ReturnType<typeof run>;
    let warm: ReturnType<typeof run>;
    before(() => {
        dir = scratch();
        cache = path.join(dir, "cache");
        off = run(dir, "off");
        cold = run(dir, cache);
        warm = run(dir, cache);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a second process runs each module from the entry the first one wrote, and V8 accepts it", () => {
        assert.strictEqual(off.status, 0, off.stderr);
        assert.deepStrictEqual([cold.files["lib.js"], cold.files["dep.js"]], ["miss", "miss"]);
        assert.ok(cold.report.written >= 2, `written: ${cold.report.written}`);
        assert.deepStrictEqual([warm.files["lib.js"], warm.files["dep.js"], warm.report.written], ["hit", "hit", 0]);
    });

    it("a module gets what Node gives it, cold and warm: this, arguments, __filename, require and its resolve, paths, main, cache and extensions, parent and children, positions and file names in stack traces (two files with the same text each named), its functions' text and inspector location", () => {
        assert.ok(off.out.first.includes("lib.js:1:"), off.out.first);
        assert.deepStrictEqual(
            off.out.twins.map((t: string) => path.basename(t.replace(/:\d+:\d+\)?$/, ""))),
            ["twin-a.js", "twin-b.js"],
        );
        assert.deepStrictEqual(cold.out, off.out);
        assert.deepStrictEqual(warm.out, off.out);
    });

    it("compiles with Node's own loader what it cannot give exactly: a text with import() (no experimental warning), a #! file", () => {
        assert.deepStrictEqual([warm.files["imp.js"], warm.files["hashbang.js"], warm.files["main.js"]], ["node", "node", "hit"]);
        assert.strictEqual(warm.out.viaImport, "from esm");
        assert.strictEqual(cold.stderr, "");
        assert.strictEqual(warm.stderr, "");
    });

    it("an uncaught error at a module's top level prints Node's source line, caret and positions, cold and warm (on its first line and a later one)", () => {
        // The loader's own frames, `_compile` and a module's `require`, are this file's instead of Node's.
        const printed = (r: ReturnType<typeof run>) => r.stderr.replace(/\n    at (Module\._compile|require) \([^)]*\)/g, "\n    at $1 (loader)");
        for (const main of ["throws.js", "throws-later.js"]) {
            const wrapper = path.join(dir, "app", `run-${main}`);
            fs.writeFileSync(wrapper, `require("./${main}");`);
            const [own, first, second] = [run(dir, "off", wrapper), run(dir, cache, wrapper), run(dir, cache, wrapper)];
            assert.strictEqual(second.files[main], "hit", main);
            assert.match(own.stderr, new RegExp(`${main}:\\d\\n.*\\n +\\^\\n`), own.stderr);
            assert.strictEqual(printed(first), printed(own), main);
            assert.strictEqual(printed(second), printed(own), main);
        }
    });

    it("a module changed after its entry was written runs its new text, whatever its length and file times", () => {
        const dep = path.join(dir, "app", "dep.js");
        const { atime, mtime } = fs.statSync(dep);
        const text = fs.readFileSync(dep, "utf8");
        try {
            // The same length: V8 itself checks only the length of the text an entry was made from.
            fs.writeFileSync(dep, text.replace("dep-one", "dep-two"));
            fs.utimesSync(dep, atime, mtime);
            const changed = run(dir, cache);
            assert.deepStrictEqual([changed.out.dep.value, changed.files["dep.js"], changed.files["lib.js"]], ["dep-two", "miss", "hit"]);
        } finally {
            fs.writeFileSync(dep, text);
        }
    });

    it("a damaged entry (a flipped byte, cut short, V8 data of another text) is not used: the module compiles, runs as Node runs it, and its entry is written again", () => {
        const own = path.join(dir, "damaged");
        run(dir, own);
        const written = entries(own);
        assert.strictEqual(written.length, 6); // main.js, lib.js, dep.js, extra.js, twin-a.js, twin-b.js
        const [first, second, third] = written;
        const flipped = fs.readFileSync(first);
        flipped[flipped.length - 10] ^= 0xff;
        fs.writeFileSync(first, flipped);
        fs.truncateSync(second, Math.floor(fs.statSync(second).size / 2));
        // A well-formed entry (its CRC right) whose data V8 made from another text: V8 rejects it.
        const other = new vm.Script(`(function () { return ${"1 + ".repeat(50)}1; })`).createCachedData();
        const header = Buffer.alloc(8);
        header.write("ACC1");
        header.writeUInt32LE(zlib.crc32(other), 4);
        fs.writeFileSync(third, Buffer.concat([header, other]));
        const again = run(dir, own);
        assert.deepStrictEqual(again.out, off.out);
        assert.strictEqual(again.stderr, "");
        assert.deepStrictEqual(
            Object.values(again.files)
                .filter((w) => w !== "hit" && w !== "node")
                .sort(),
            ["miss", "miss", "rejected"],
        );
        assert.strictEqual(again.report.written, 3);
        const healed = run(dir, own);
        assert.ok(
            Object.values(healed.files).every((w) => w === "hit" || w === "node"),
            JSON.stringify(healed.files),
        );
    });

    it("a cache that cannot be made or written costs only speed: the same output, nothing on stderr, exit 0", () => {
        const blocked = path.join(dir, "a-file");
        fs.writeFileSync(blocked, "");
        const r = run(dir, path.join(blocked, "cache"));
        assert.deepStrictEqual([r.status, r.stderr, r.out], [0, "", off.out]);
        assert.deepStrictEqual([r.files["lib.js"], r.report.written], ["miss", 0]);
    });

    it("keeps entries per Node build and V8 flags: a process with other V8 flags uses a directory of its own", () => {
        const other = run(dir, cache, "main.js", ["--max-semi-space-size=64"]);
        assert.notStrictEqual(other.report.dir, warm.report.dir);
        assert.deepStrictEqual([other.files["lib.js"], other.out], ["miss", off.out]);
    });

    it("with ANYCLOUD_COMPILE_CACHE=off, Node's own loader compiles every module", () => {
        const r = spawnSync(process.execPath, ["-r", COMPILE_CACHE, "-p", "require('module').prototype._compile.toString().includes('wrapSafe')"], {
            encoding: "utf8",
            env: { ...process.env, ANYCLOUD_COMPILE_CACHE: "off" },
        });
        assert.strictEqual(r.stdout.trim(), "true");
        assert.ok(!fs.existsSync(path.join(dir, "off")));
    });

    it("removes an entry unused for 7 days when a process writes entries (looked at at most once a day)", () => {
        const own = path.join(dir, "pruned");
        run(dir, own);
        const [stale, fresh] = entries(own);
        const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
        fs.utimesSync(stale, old, old);
        fs.rmSync(path.join(own, "pruned"));
        // A process that writes an entry (a module not seen before) looks.
        fs.writeFileSync(path.join(dir, "app", "run-new.js"), `require("./new");`);
        fs.writeFileSync(path.join(dir, "app", "new.js"), "module.exports = 1;");
        assert.strictEqual(run(dir, own, "run-new.js").report.written, 2);
        assert.deepStrictEqual([fs.existsSync(stale), fs.existsSync(fresh)], [false, true]);
        // Looked at today: the next one does not look again.
        fs.utimesSync(fresh, old, old);
        fs.writeFileSync(path.join(dir, "app", "new.js"), "module.exports = 2;");
        assert.strictEqual(run(dir, own, "run-new.js").report.written, 1);
        assert.ok(fs.existsSync(fresh));
    });
});
