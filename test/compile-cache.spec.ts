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
    // Its second function is called only by a run that works longer ("heavy").
    "grow.js": `exports.light = () => 1;\nexports.heavy = function heavy(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; };`,
    "run-grow.js": `const g = require("./grow"); let r = g.light(); if (process.env.HEAVY) { const until = process.cpuUsage().user + 600e3; while (process.cpuUsage().user < until) r += g.heavy(1000); } console.log("{}");`,
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
    refreshed: number;
}

function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-compile-cache-"));
    fs.mkdirSync(path.join(dir, "app"));
    for (const [name, text] of Object.entries(MODULES)) fs.writeFileSync(path.join(dir, "app", name), text);
    return dir;
}

/** `node [flags] -r scripts/compile-cache.js <main>` in dir/app with the cache at `cache` ("off": none). */
function run(dir: string, cache: string, main = "main.js", flags: string[] = [], env: Record<string, string> = {}) {
    const stats = path.join(dir, "stats.jsonl");
    fs.rmSync(stats, { force: true });
    const result = spawnSync(process.execPath, [...flags, "-r", COMPILE_CACHE, main], {
        cwd: path.join(dir, "app"),
        encoding: "utf8",
        env: { ...process.env, ANYCLOUD_COMPILE_CACHE: cache, ANYCLOUD_COMPILE_CACHE_STATS: stats, ...env },
    });
    const reports: Report[] = fs.existsSync(stats) ? fs.readFileSync(stats, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
    const report = reports[0] ?? { dir: "", files: {}, written: 0 };
    // Each module by its name, as the report has it.
    const files = Object.fromEntries(Object.entries(report.files).map(([f, what]) => [path.basename(f), what]));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, out: result.stdout ? JSON.parse(result.stdout) : undefined, files, report };
}

interface PackEntry {
    key: string;
    data: Buffer;
    crc: number;
    written: number;
    /** The CPU time (ms) of the process that made it. */
    work: number;
    /** Where the index says the data is, and how long it is. */
    offset: number;
    length: number;
}

/** The packs of a cache directory (one Node build's), each with its entries. */
function packs(buildDir: string): { file: string; entries: PackEntry[] }[] {
    return fs
        .readdirSync(buildDir)
        .filter((n) => n.endsWith(".pack"))
        .map((n) => {
            const file = path.join(buildDir, n);
            const b = fs.readFileSync(file);
            assert.strictEqual(b.toString("latin1", 0, 4), "ACP2");
            const entries: PackEntry[] = [];
            for (let i = 0, at = 8; i < b.readUInt32LE(4); i++, at += 52) {
                const [offset, length, crc, written, work] = [0, 1, 2, 3, 4].map((j) => b.readUInt32LE(at + 32 + 4 * j));
                entries.push({ key: b.toString("hex", at, at + 32), data: b.subarray(offset, offset + length), crc, written, work, offset, length });
            }
            return { file, entries };
        });
}

/** A pack as scripts/compile-cache.js writes one (the index as given: tests make it lie). */
function packOf(entries: PackEntry[]): Buffer {
    const head = Buffer.alloc(8 + 52 * entries.length);
    head.write("ACP2", "latin1");
    head.writeUInt32LE(entries.length, 4);
    let offset = head.length;
    entries.forEach((e, i) => {
        head.write(e.key, 8 + 52 * i, 32, "hex");
        [offset, e.length, e.crc, e.written, e.work].forEach((n, j) => head.writeUInt32LE(n, 8 + 52 * i + 32 + 4 * j));
        offset += e.data.length;
    });
    return Buffer.concat([head, ...entries.map((e) => e.data)]);
}

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

    it("a damaged entry (a flipped byte, cut short, V8 data of another text) or pack (not one, its index cut short) is not used: the module compiles, runs as Node runs it, and its entry is written again", () => {
        const own = path.join(dir, "damaged");
        const build = run(dir, own).report.dir;
        const [{ file, entries }] = packs(build);
        assert.strictEqual(entries.length, 6); // main.js, lib.js, dep.js, extra.js, twin-a.js, twin-b.js
        const [first, second, third, ...rest] = entries;
        const flipped = Buffer.from(first.data);
        flipped[flipped.length - 10] ^= 0xff;
        // A well-formed entry (its CRC right) whose data V8 made from another text: V8 rejects it.
        const other = new vm.Script(`(function () { return ${"1 + ".repeat(50)}1; })`).createCachedData();
        const damaged = [{ ...first, data: flipped }, { ...third, data: other, length: other.length, crc: zlib.crc32(other) }, ...rest, { ...second, length: second.length + 1 }];
        fs.writeFileSync(file, packOf(damaged));
        // Not packs: another file's text, and a pack cut inside its index.
        fs.writeFileSync(path.join(build, "junk.pack"), "not a pack");
        fs.writeFileSync(path.join(build, "cut.pack"), packOf(entries).subarray(0, 8 + 52 * 2 + 7));
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
        assert.strictEqual(fs.readdirSync(build).filter((n) => n.endsWith(".pack")).length, 4);
        const healed = run(dir, own);
        assert.ok(
            Object.values(healed.files).every((w) => w === "hit" || w === "node"),
            JSON.stringify(healed.files),
        );
    });

    it("makes an entry again when a process that worked far longer (CPU time) used it: what that run compiled is then in it", () => {
        const own = path.join(dir, "grown");
        const light = run(dir, own, "run-grow.js");
        const build = light.report.dir;
        const before = packs(build).flatMap((p) => p.entries);
        const heavy = spawnSync(process.execPath, ["-r", COMPILE_CACHE, "run-grow.js"], { cwd: path.join(dir, "app"), encoding: "utf8", env: { ...process.env, ANYCLOUD_COMPILE_CACHE: own, ANYCLOUD_COMPILE_CACHE_STATS: path.join(dir, "heavy.jsonl"), HEAVY: "1" } });
        const report = JSON.parse(fs.readFileSync(path.join(dir, "heavy.jsonl"), "utf8"));
        const status = (name: string) => Object.entries(report.files as Record<string, string>).find(([f]) => path.basename(f) === name)?.[1];
        assert.deepStrictEqual([heavy.status, status("grow.js"), status("run-grow.js"), report.refreshed], [0, "hit", "hit", 2]);
        const after = packs(build).flatMap((p) => p.entries);
        const made = after.filter((e) => !before.some((b) => b.data.equals(e.data)));
        assert.strictEqual(made.length, 2);
        for (const entry of made) {
            const old = before.find((b) => b.key === entry.key)!;
            assert.ok(entry.work > old.work + 250, `${entry.work} after ${old.work}`);
        }
        const grown = made.find((e) => e.length > before.find((b) => b.key === e.key)!.length);
        assert.ok(grown, "the entry of grow.js holds the function only the heavy run called");
        // A light run after it takes the new entries and makes none.
        const again = run(dir, own, "run-grow.js");
        assert.deepStrictEqual([again.files["grow.js"], again.report.written, again.report.refreshed], ["hit", 0, 0]);
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

    it("under --enable-source-maps (Node registers each module's source map as it compiles it), Node's own loader compiles every module", () => {
        const mapped = run(dir, cache, "main.js", ["--enable-source-maps"]);
        assert.deepStrictEqual([mapped.files["lib.js"], mapped.files["dep.js"], mapped.out], ["node", "node", off.out]);
    });

    it("with ANYCLOUD_COMPILE_CACHE=off, Node's own loader compiles every module", () => {
        const r = spawnSync(process.execPath, ["-r", COMPILE_CACHE, "-p", "require('module').prototype._compile.toString().includes('wrapSafe')"], {
            encoding: "utf8",
            env: { ...process.env, ANYCLOUD_COMPILE_CACHE: "off" },
        });
        assert.strictEqual(r.stdout.trim(), "true");
        assert.ok(!fs.existsSync(path.join(dir, "off")));
    });

    it("writes one pack a process; with more than 8, a process that writes merges them (unless another one is merging): each entry once, none written more than 7 days ago, and removes other Node builds' directories unused for 7 days (every file in them) and temporary files an hour old", () => {
        const own = path.join(dir, "merged");
        const build = run(dir, own).report.dir;
        const [cold] = packs(build);
        const days = (n: number) => Math.floor(Date.now() / 1000) - n * 24 * 3600;
        // Seven copies of the pack written 6 days ago, and one whose entries were written 8 days ago.
        for (let i = 0; i < 7; i++) fs.writeFileSync(path.join(build, `copy${i}.pack`), packOf(cold.entries.map((e) => ({ ...e, written: days(6) }))));
        const stale = { ...cold.entries[0], key: "ab".repeat(32), written: days(8) };
        fs.writeFileSync(path.join(build, "stale.pack"), packOf([stale]));
        // Other builds' directories (as this file names them), with what it writes there.
        const [oldBuild, recentBuild] = ["v0.0.0-x64-0000dead", "v0.0.1-x64-0000beef"].map((b) => path.join(own, b));
        const old = new Date(days(8) * 1000);
        for (const b of [oldBuild, recentBuild]) {
            fs.mkdirSync(b);
            for (const f of ["x.pack", "x.pack.7.tmp", "merging"]) fs.writeFileSync(path.join(b, f), "");
        }
        for (const f of ["x.pack", "x.pack.7.tmp", "merging", ""]) fs.utimesSync(path.join(oldBuild, f), old, old);
        for (const f of ["x.pack", "x.pack.7.tmp", ""]) fs.utimesSync(path.join(recentBuild, f), old, old);
        // What a process killed while writing its pack left: removed when an hour old.
        const [killed, writing] = ["killed", "writing"].map((n) => path.join(build, `${n}.pack.1.tmp`));
        fs.writeFileSync(killed, "");
        fs.writeFileSync(writing, "");
        fs.utimesSync(killed, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
        // A process that writes a pack (a module not seen before), the tenth, while another one
        // merges (its lock is fresh): it leaves the merging to that one.
        fs.writeFileSync(path.join(dir, "app", "run-new.js"), `require("./new");`);
        fs.writeFileSync(path.join(dir, "app", "new.js"), "module.exports = 1;");
        fs.writeFileSync(path.join(build, "merging"), "");
        assert.strictEqual(run(dir, own, "run-new.js").report.written, 2);
        assert.strictEqual(packs(build).length, 10);
        // The next one that writes, with no merge going on, merges.
        fs.rmSync(path.join(build, "merging"));
        fs.writeFileSync(path.join(dir, "app", "new.js"), "module.exports = 2;");
        assert.strictEqual(run(dir, own, "run-new.js").report.written, 1);
        const after = packs(build);
        assert.strictEqual(after.length, 1);
        const keys = after[0].entries.map((e) => e.key);
        assert.strictEqual(new Set(keys).size, keys.length, "each entry once");
        assert.deepStrictEqual(new Set(keys), new Set([...cold.entries.map((e) => e.key), ...after[0].entries.filter((e) => e.written > days(1)).map((e) => e.key)]));
        assert.ok(!keys.includes(stale.key), "the entry written 8 days ago is left out");
        assert.deepStrictEqual([fs.existsSync(oldBuild), fs.existsSync(recentBuild)], [false, true]);
        assert.deepStrictEqual([fs.existsSync(killed), fs.existsSync(writing)], [false, true]);
        const warmAfter = run(dir, own);
        assert.ok(
            Object.values(warmAfter.files).every((w) => w === "hit" || w === "node"),
            JSON.stringify(warmAfter.files),
        );
    });
    it("merging never removes what it did not make, wherever ANYCLOUD_COMPILE_CACHE points: another directory (a fresh file one level down, an empty directory, an old file), an empty directory, a file, a directory named as a build's holding another file or a directory, all unchanged for 8 days", () => {
        const shared = path.join(dir, "shared");
        const build = run(dir, shared).report.dir;
        const [cold] = packs(build);
        for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(build, `copy${i}.pack`), packOf(cold.entries));
        const old = new Date(Date.now() - 8 * 24 * 3600_000);
        const made = [
            "data/sub/fresh.txt",
            "data/empty/",
            "data/old.txt",
            "empty/",
            "old.txt",
            "v20.0.0-x64-abcd1234/notes.txt",
            "v20.0.0-x64-abcd1234/x.pack",
            "v20.0.0-x64-abcd1235/keep/",
            "v20.0.0-x64-abcd1235/x.pack",
        ];
        for (const p of made) {
            const at = path.join(shared, p);
            fs.mkdirSync(p.endsWith("/") ? at : path.dirname(at), { recursive: true });
            if (!p.endsWith("/")) fs.writeFileSync(at, "theirs");
        }
        // Everything 8 days old, but the one fresh file (deepest first: a directory's time is its own).
        const all = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [...all(path.join(d, e.name)), path.join(d, e.name)] : [path.join(d, e.name)]));
        for (const p of all(shared)) if (!p.startsWith(build) && !p.endsWith("fresh.txt")) fs.utimesSync(p, old, old);
        fs.writeFileSync(path.join(dir, "app", "run-other.js"), `require("./other");`);
        fs.writeFileSync(path.join(dir, "app", "other.js"), "module.exports = 3;");
        assert.strictEqual(run(dir, shared, "run-other.js").report.written, 2);
        assert.strictEqual(packs(build).length, 1, "merged");
        assert.deepStrictEqual(
            made.filter((p) => !fs.existsSync(path.join(shared, p))),
            [],
        );
    });
    it("a text Node rejects as a module body (one closing the wrapper's function early) gives Node's SyntaxError, cold and warm, and nothing of it runs", () => {
        fs.writeFileSync(path.join(dir, "app", "escape.js"), `}); globalThis.escaped = true; console.log("escaped"); (function () {`);
        fs.writeFileSync(
            path.join(dir, "app", "run-escape.js"),
            `let error; try { require("./escape"); } catch (e) { error = [e.name, e.message, e.stack.split("\\n")[0]]; } console.log(JSON.stringify({ error, escaped: globalThis.escaped === true }));`,
        );
        const own = path.join(dir, "escape-cache");
        const [node, first, second] = [run(dir, "off", "run-escape.js"), run(dir, own, "run-escape.js"), run(dir, own, "run-escape.js")];
        assert.deepStrictEqual(node.out, { error: ["SyntaxError", "Unexpected token '}'", `${path.join(dir, "app", "escape.js")}:1`], escaped: false });
        assert.deepStrictEqual([first.out, first.stderr, first.files["escape.js"], first.files["run-escape.js"]], [node.out, "", "node", "miss"]);
        assert.deepStrictEqual([second.out, second.stderr, second.files["escape.js"], second.files["run-escape.js"]], [node.out, "", "node", "hit"]);
    });
    /** Writes the files (under dir/app), then runs `main` with the cache off, cold and warm (a cache of its own). */
    function threeWays(files: Record<string, string>, main: string) {
        for (const [name, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, "app", name)), { recursive: true });
            fs.writeFileSync(path.join(dir, "app", name), text);
        }
        const own = path.join(dir, `cache-${main}`);
        return [run(dir, "off", main), run(dir, own, main), run(dir, own, main)];
    }

    it("a .js file in a package of \"type\": \"module\" loads as ESM with the cache on, as without (require(esm): no require, module or this)", () => {
        const [node, first, second] = threeWays(
            {
                "esm-pkg/package.json": `{ "type": "module" }`,
                "esm-pkg/x.js": `console.log(JSON.stringify([typeof require, typeof module, this === undefined]));`,
                "run-format.cjs": `require("./esm-pkg/x.js");`,
            },
            "run-format.cjs",
        );
        assert.deepStrictEqual(node.out, ["undefined", "undefined", true]);
        assert.deepStrictEqual([first.out, first.files["run-format.cjs"], second.out, second.files["run-format.cjs"]], [node.out, "miss", node.out, "hit"]);
    });

    it("a module is marked as running while it runs, with Node's mark: an ES module it requires that imports it back is reported as a cycle (ERR_REQUIRE_CYCLE_MODULE), cold and warm", () => {
        const [node, first, second] = threeWays(
            {
                "cyc-a.js": `let r; try { require("./cyc-b.mjs"); r = "no error"; } catch (e) { r = [e.code, e.message]; } console.log(JSON.stringify(r));`,
                "cyc-b.mjs": `import "./cyc-a.js"; export const b = 1;`,
                "run-cyc.js": `require("./cyc-a.js");`,
            },
            "run-cyc.js",
        );
        assert.deepStrictEqual(node.out, ["ERR_REQUIRE_CYCLE_MODULE", `Cannot import CommonJS Module ./cyc-a.js in a cycle. (from ${path.join(dir, "app", "cyc-b.mjs")})`]);
        assert.deepStrictEqual([first.out, first.files["cyc-a.js"], second.out, second.files["cyc-a.js"]], [node.out, "miss", node.out, "hit"]);
    });

    it("require.resolve(request, { paths }) resolves from the paths given, cold and warm", () => {
        const [node, first, second] = threeWays(
            {
                "elsewhere/node_modules/target/index.js": `module.exports = "target";`,
                "resolve-paths.js": `let r; try { r = require.resolve("target", { paths: [__dirname + "/elsewhere"] }); } catch (e) { r = e.code; } console.log(JSON.stringify(r));`,
            },
            "resolve-paths.js",
        );
        assert.strictEqual(node.out, path.join(dir, "app", "elsewhere", "node_modules", "target", "index.js"));
        assert.deepStrictEqual([first.out, first.files["resolve-paths.js"], second.out, second.files["resolve-paths.js"]], [node.out, "miss", node.out, "hit"]);
    });

    it("once a program changed Module.wrap, Node compiles every module (with the program's wrapper)", () => {
        const [node, first, second] = threeWays(
            {
                "wrapped.js": `exports.own = 1;`,
                "run-wrap.js": `const M = require("module"); const wrap = M.wrap; M.wrap = (s) => wrap("exports.wrapped = true; " + s); console.log(JSON.stringify(require("./wrapped")));`,
            },
            "run-wrap.js",
        );
        assert.deepStrictEqual(node.out, { wrapped: true, own: 1 });
        assert.deepStrictEqual([first.out, first.files["wrapped.js"], second.out, second.files["wrapped.js"]], [node.out, "node", node.out, "node"]);
    });

    it("under NODE_V8_COVERAGE (coverage tools read each module's source map, which Node registers as it compiles it), Node compiles every module", () => {
        const covered = run(dir, cache, "main.js", [], { NODE_V8_COVERAGE: path.join(dir, "coverage") });
        assert.deepStrictEqual([covered.files["lib.js"], covered.files["dep.js"], covered.out], ["node", "node", off.out]);
    });

    it("under --inspect (a flag or NODE_OPTIONS: a debugger would show the wrapper's line), the cache is off", () => {
        for (const [flags, env] of [[["--inspect=127.0.0.1:0"], {}], [[], { NODE_OPTIONS: "--inspect=127.0.0.1:0" }]] as const) {
            const r = run(dir, cache, "main.js", [...flags], env);
            assert.deepStrictEqual([r.status, r.report.dir, r.files, r.out], [0, undefined, {}, off.out], JSON.stringify(flags) + JSON.stringify(env));
        }
    });
});
