// A V8 compile cache for the CommonJS modules this project's processes load (issue #18): each
// module's compiled code (V8's bytecode of its top level and of every function the run called)
// is kept on disk after a run and handed back to V8 the next time the same text is loaded, so a
// process does not parse and compile the Pulumi SDKs and the program again at every start.
// Loaded first wherever this project starts Node: `pulumi up` (Pulumi.yaml's nodeargs), and
// `npm run plan`, `npm run deploy`, `npm run bench`, mocha and the tests' child processes (through
// scripts/register.js).
//
// Node 20 has no compile cache of its own (`module.enableCompileCache` and NODE_COMPILE_CACHE came
// in 22.1). Node's own (src/compile_cache.cc) makes a module's cache right after compiling it, so
// it holds only the functions V8 compiled eagerly; this one makes it when the process exits, so it
// also holds the functions compiled lazily during the run (and makes it again when a process that
// worked far longer than the entry's maker used it). This file replaces
// `Module.prototype._compile` on Node 20 only, since it re-does what Node 20's does
// (lib/internal/modules/cjs/loader.js `_compile` and `wrapSafe`, internal/modules/helpers.js
// `makeRequireFunction`, as in v20.20.2); on any other Node it does nothing (from 22.1,
// NODE_COMPILE_CACHE turns on Node's own).
//
// What a module sees is what Node gives it:
// - the same function: Node 20 compiles a module's text as the body of a function of (exports,
//   require, module, __filename, __dirname) (`compileFunctionForCJSLoader`); here the same text
//   inside Node's own wrapper (`Module.wrapper`), the wrapper's head on a line of its own that the
//   script's line offset (-1) puts before line 1, so every line and column (stack traces, an
//   uncaught error's source line and caret) is Node's;
// - the same `require` (`resolve`, `resolve.paths`, `main`, `extensions`, `cache`), `this`,
//   `module`, `__filename`, `__dirname` and return value; the module is marked as running while
//   it runs, with Node's own mark (require(esm) reports cycles by it);
// - what this file cannot give exactly is compiled by Node itself, uncached: a text that may
//   contain `import(` (a vm script can import only through Node's experimental
//   USE_MAIN_CONTEXT_DEFAULT_LOADER, which warns), a text Node would not compile as CommonJS (a
//   syntax error, ESM syntax, a `#!` line: Node gives its own error or loads it as ESM; without a
//   usable entry a text is first compiled as Node compiles it, `vm.compileFunction`, so one that
//   would close the wrapper's function early never runs), a
//   `Module.wrap`/`Module.wrapper` a program changed, source maps or coverage (Node registers a
//   module's source map while compiling it); such a module's stack has this file's `_compile`
//   above Node's;
// - a stack trace names this file's `_compile` where Node's would be (as register.js and
//   sdk-patches.js already replace Node's extension functions); the main module runs without the
//   stat cache Node keeps while it runs (~800 more `stat` calls in a plan, ~2 ms).
//   Under a policy manifest (`--experimental-policy`), which changes `require`, and under a
//   debugger (`--inspect*`), which would show the wrapper's line, the cache is off.
//
// An entry is used only for the file and the exact text it was made from (its key is the SHA-256
// of both: V8's cached data keeps the file name it was made with, for stack traces, and V8 itself
// checks only the text's length), under the same Node build, V8 version and V8 flags (its
// directory is named by those: `v8.cachedDataVersionTag()` is V8's hash of its version and flags;
// V8 also rejects a mismatch itself, `cachedDataRejected`). Each entry carries a CRC-32 of its
// data, checked before V8 gets it (V8's release builds check only the data's header). A process
// that compiled modules without an entry writes them all as one pack file (creating a file
// costs ~0.1-0.4 ms here: one per module was most of a cold run's extra cost), to a temporary file
// renamed into place, so concurrent processes never read a half-written one; a process reads
// the packs' indexes once and each entry it needs from its pack. A process that finds more than
// 8 packs merges them. A missing, unreadable, unwritable or damaged cache costs only the compile
// time: nothing here fails a run.
//
// Where: node_modules/.cache/anycloud-compile-cache (ANYCLOUD_COMPILE_CACHE names another
// directory; `off` turns the cache off). Most of what a process compiles is in node_modules (the
// SDKs: ~90 % of a plan's text), whose entries are useless once node_modules is reinstalled, and
// `npm ci` removes node_modules, so the cache with it; node_modules/.cache is where JavaScript tools
// keep such caches, and git ignores it. Merging leaves out entries written more than 7 days ago
// (one still in use is made again by the next process that needs it) and keeps the newest 64 MiB;
// it removes the directories of other Node builds and V8 flags no process wrote to for 7 days, only
// when named as this file names them and holding only its own files (ANYCLOUD_COMPILE_CACHE may
// name a directory shared with other data: nothing else there is touched).
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");

// Part of every key, with HEAD and TAIL: entries of an older version of this file (made without
// the check of a text on a miss, see compiled()) are never used.
const FORMAT = "anycloud-compile-cache 2";
// A pack (the entries one process wrote): "ACP2", the entry count (uint32 LE), per entry its key
// (the SHA-256, 32 bytes), the offset and length of its data in the file, the data's CRC-32, when
// it was written (seconds since 1970) and the CPU time (ms) of the process that made it (uint32 LE
// each), then the entries' data: V8's cached data.
const MAGIC = Buffer.from("ACP2");
const INDEX_ENTRY = 32 + 5 * 4;
/** An entry not written again for this long is left out when packs are merged. */
const KEEP_DAYS = 7;
/** More packs than this in a directory: the process that wrote the last one merges them. */
const MAX_PACKS = 8;
/** A merged pack keeps the newest entries up to this size. */
const MAX_BYTES = 64 * 1024 * 1024;
/** How this file names a build's directory: `${process.version}-${process.arch}-${v8.cachedDataVersionTag() in hex}`. */
const BUILD_DIR = /^v\d+\.\d+\.\d+-[a-z0-9]+-[0-9a-f]{1,8}$/;
/** The files this file writes in a build's directory: packs, their temporary files, the merge lock. */
const OWN_FILE = /^(?:[^/]*\.pack|[^/]*\.tmp|merging)$/;
/** Node 20's module wrapper (lib/internal/modules/cjs/loader.js `wrapper`). */
const HEAD = "(function (exports, require, module, __filename, __dirname) { ";
const TAIL = "\n});";
/** The module function's parameters (Node 20's `wrapSafe`). */
const PARAMS = ["exports", "require", "module", "__filename", "__dirname"];
/** Where a text may call import(): `import`, then `(` after any white space or comments. */
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[/*])/;

function enabled() {
    const setting = process.env.ANYCLOUD_COMPILE_CACHE;
    if (setting === "off" || setting === "0") return false;
    if (Number(process.versions.node.split(".")[0]) !== 20) return false;
    const vm = require("vm");
    if (!vm.constants || vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined || typeof require("zlib").crc32 !== "function") return false;
    if (Module.wrapper[0] !== HEAD || Module.wrapper[1] !== TAIL) return false;
    // A policy manifest changes what `require` does; a debugger would show the wrapper's line.
    const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS || "").split(/\s+/)];
    return !flags.some((f) => /^--(?:experimental-policy|policy-integrity|inspect|debug)/.test(f));
}

const ENABLED = enabled();
/** Scripts compiled without a usable entry, written at exit with what V8 compiled by then. */
const pending = [];
/** Scripts compiled with an entry: the entry's maker's CPU time (ms) with each. */
const hits = [];
/** With ANYCLOUD_COMPILE_CACHE_STATS (a file): what happened to each module, appended there as a JSON line at exit. */
const report = process.env.ANYCLOUD_COMPILE_CACHE_STATS ? { pid: process.pid, dir: undefined, files: {}, written: 0, refreshed: 0 } : undefined;
let dir;

if (ENABLED) {
    const vm = require("vm");
    const crypto = require("crypto");
    const zlib = require("zlib");
    const nodeCompile = Module.prototype._compile;
    const nodeWrap = Module.wrap;
    const nodeWrapper = Module.wrapper;
    // Node compiles `Module.wrap(content)` instead (and shifts the first line's columns) once a
    // program set `Module.wrap` or `Module.wrapper` or changed the wrapper's texts; their
    // accessors are Node's and not configurable, so a change is seen by the values (setting one to
    // the value it had is the one change not seen).
    const wrapperAsNode = () => Module.wrap === nodeWrap && Module.wrapper === nodeWrapper && nodeWrapper.length === 2 && nodeWrapper[0] === HEAD && nodeWrapper[1] === TAIL;
    // Node's mark of a module whose code is running, found on this file's module, which Node is
    // running now.
    const kIsExecuting = Object.getOwnPropertySymbols(module).find((s) => s.description === "kIsExecuting" && module[s] === true);

    const root = path.resolve(process.env.ANYCLOUD_COMPILE_CACHE || path.join(__dirname, "..", "node_modules", ".cache", "anycloud-compile-cache"));
    dir = path.join(root, `${process.version}-${process.arch}-${require("v8").cachedDataVersionTag().toString(16)}`);
    if (report) report.dir = dir;

    /** The entries of the packs in the directory, by key (read on first use): where each one's data is. */
    let index;
    /** The newest undamaged entry for a key ({ data, work }), or undefined when there is none. */
    const read = (key) => {
        if (index === undefined) index = readIndex(dir);
        for (const entry of index.get(key) ?? []) {
            const data = Buffer.allocUnsafe(entry.length);
            if (fs.readSync(entry.fd, data, 0, entry.length, entry.offset) === entry.length && zlib.crc32(data) === entry.crc) return { data, work: entry.work };
        }
        return undefined;
    };

    /** The module's function, compiled with the entry for its text when there is one; undefined when Node must compile it. */
    const compiled = (content, filename) => {
        let key;
        let found;
        let cachedData;
        let script;
        try {
            key = crypto.createHash("sha256").update(`${FORMAT}\0${HEAD}\0${TAIL}\0${filename}\0`).update(content).digest("hex");
            found = read(key);
            cachedData = found?.data;
            // Without an entry V8 accepts, the text is first compiled as Node compiles it (a function
            // body, as compileFunctionForCJSLoader does), before the script runs: a text Node rejects
            // could otherwise close the wrapper's function and run statements of its own at the top
            // level (`}); ...; (function () {`). It throws Node's SyntaxError, and Node's own compile
            // then reports it. An entry is made only from a text checked so (its key holds the text).
            if (cachedData === undefined) vm.compileFunction(content, PARAMS, { filename });
            script = new vm.Script(`${HEAD}\n${content}${TAIL}`, {
                filename,
                lineOffset: -1,
                columnOffset: 0,
                cachedData,
                importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
            });
            if (cachedData !== undefined && script.cachedDataRejected) vm.compileFunction(content, PARAMS, { filename });
        } catch {
            // Not a CommonJS text (Node's own compile gives its error, or loads it as ESM), or no memory.
            return undefined;
        }
        const usable = cachedData !== undefined && !script.cachedDataRejected;
        if (report) report.files[filename] = usable ? "hit" : cachedData === undefined ? "miss" : "rejected";
        if (usable) hits.push({ script, key, work: found.work });
        else pending.push({ script, key });
        // The wrapper's function (running the script only evaluates the function expression).
        return script.runInThisContext({ displayErrors: true });
    };

    /** Node 20's module-scope `require` (makeRequireFunction without a policy's redirects). */
    const makeRequire = (mod) => {
        const require = function require(path) {
            return mod.require(path);
        };
        // A request that is not a string: Node's own `resolve` throws its own error.
        const nodeResolve = () => Module.createRequire(__filename).resolve;
        function resolve(request, options) {
            if (typeof request !== "string") return nodeResolve()(request, options);
            return Module._resolveFilename(request, mod, false, options);
        }
        function paths(request) {
            if (typeof request !== "string") return nodeResolve().paths(request);
            return Module._resolveLookupPaths(request, mod);
        }
        require.resolve = resolve;
        resolve.paths = paths;
        Object.defineProperty(require, "main", { value: process.mainModule, writable: true, enumerable: true, configurable: true });
        require.extensions = Module._extensions;
        require.cache = Module._cache;
        return require;
    };

    Module.prototype._compile = function _compile(content, filename, format) {
        const fn =
            (format === undefined || format === "commonjs") &&
            this instanceof Module &&
            typeof content === "string" &&
            typeof filename === "string" &&
            path.isAbsolute(filename) &&
            !content.startsWith("#!") &&
            !DYNAMIC_IMPORT.test(content) &&
            !process.sourceMapsEnabled &&
            !process.env.NODE_V8_COVERAGE &&
            wrapperAsNode()
                ? compiled(content, filename)
                : undefined;
        if (fn === undefined) {
            if (report && typeof filename === "string") report.files[filename] = "node";
            return nodeCompile.apply(this, arguments);
        }
        const exports = this.exports;
        const args = [exports, makeRequire(this), this, filename, path.dirname(filename)];
        if (kIsExecuting === undefined) return Reflect.apply(fn, exports, args);
        this[kIsExecuting] = true;
        const result = Reflect.apply(fn, exports, args);
        this[kIsExecuting] = false;
        return result;
    };

    // Before every other exit listener, so what a process measures of itself at exit
    // (scripts/bench-usage.js) includes the writing.
    process.prependListener("exit", () => {
        // An entry made by a process that did much less work (CPU time) than this one likely lacks
        // functions this one compiled, which its maker never called: made again, so entries
        // converge on what the larger runs use (an SDK's entries first made by a process that only
        // loaded it cost a plan ~5 % more than a plan's own).
        const work = cpuMs();
        const refreshed = hits.filter((h) => work > 2 * h.work + 250);
        if (report) report.refreshed = refreshed.length;
        pending.push(...refreshed);
        if (pending.length > 0) write(zlib, work);
        if (report) report.exitMs = cpuMs() - work;
    });
}

if (report) {
    process.on("exit", () => {
        try {
            fs.appendFileSync(process.env.ANYCLOUD_COMPILE_CACHE_STATS, `${JSON.stringify(report)}\n`);
        } catch {
            // only a report
        }
    });
}

/**
 * The entries of every pack in `dir`, by key, the newest pack's first (an entry written again
 * because V8 rejected or the CRC refused an older one comes before it). Each pack's file stays open
 * to read entries from; one that cannot be read or is malformed is passed over, and one that
 * disappears (merged by another process) too.
 */
function readIndex(dir) {
    const index = new Map();
    for (const fd of openPacks(dir)) {
        try {
            for (const entry of packIndex(fd)) {
                const list = index.get(entry.key);
                if (list) list.push(entry);
                else index.set(entry.key, [entry]);
            }
        } catch {
            fs.closeSync(fd);
        }
    }
    return index;
}

/** The packs of `dir`, opened, the newest first. */
function openPacks(dir) {
    let names;
    try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith(".pack"));
    } catch {
        return [];
    }
    const opened = [];
    for (const name of names) {
        try {
            const fd = fs.openSync(path.join(dir, name), "r");
            opened.push({ fd, time: fs.fstatSync(fd).mtimeMs });
        } catch {
            // merged away by another process
        }
    }
    return opened.sort((a, b) => b.time - a.time).map((p) => p.fd);
}

/** A pack's index: each entry's key (hex), offset, length, CRC-32, write time, and the pack's fd. Throws when malformed. */
function packIndex(fd) {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    if (fs.readSync(fd, head, 0, 8, 0) !== 8 || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not a pack");
    const count = head.readUInt32LE(4);
    if (8 + count * INDEX_ENTRY > size) throw new Error("cut short");
    const raw = Buffer.alloc(count * INDEX_ENTRY);
    if (fs.readSync(fd, raw, 0, raw.length, 8) !== raw.length) throw new Error("cut short");
    const entries = [];
    for (let at = 0; at < raw.length; at += INDEX_ENTRY) {
        const [offset, length, crc, written, work] = [0, 1, 2, 3, 4].map((i) => raw.readUInt32LE(at + 32 + 4 * i));
        entries.push({ key: raw.toString("hex", at, at + 32), offset, length, crc, written, work, fd });
    }
    return entries;
}

/** The CPU time (user + system) of this process so far, in ms. */
function cpuMs() {
    const { user, system } = process.cpuUsage();
    return Math.min(0xffffffff, Math.round((user + system) / 1000));
}

/** A pack of the given entries ({ key, data, written, work }). */
function pack(entries, zlib) {
    const head = Buffer.alloc(8 + entries.length * INDEX_ENTRY);
    MAGIC.copy(head);
    head.writeUInt32LE(entries.length, 4);
    let offset = head.length;
    entries.forEach(({ key, data, written, work }, i) => {
        const at = 8 + i * INDEX_ENTRY;
        head.write(key, at, 32, "hex");
        [offset, data.length, zlib.crc32(data), written, work].forEach((n, j) => head.writeUInt32LE(n, at + 32 + 4 * j));
        offset += data.length;
    });
    return Buffer.concat([head, ...entries.map((e) => e.data)]);
}

/** Writes `buffer` as a pack of `dir`, named by its content (written to a temporary file, then renamed). */
function writePack(buffer) {
    const file = path.join(dir, `${require("crypto").createHash("sha256").update(buffer).digest("hex").slice(0, 32)}.pack`);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
        fs.writeFileSync(temporary, buffer);
        fs.renameSync(temporary, file);
        return file;
    } catch (e) {
        fs.rmSync(temporary, { force: true });
        throw e;
    }
}

/** Writes one pack with an entry for each script compiled without one: V8's cached data as it is now, with the functions this run compiled. */
function write(zlib, work) {
    try {
        fs.mkdirSync(dir, { recursive: true });
        const written = Math.floor(Date.now() / 1000);
        const entries = [];
        for (const { script, key } of pending) {
            const data = script.createCachedData();
            if (data.length > 0) entries.push({ key, data, written, work });
        }
        pending.length = 0;
        writePack(pack(entries, zlib));
        if (report) report.written = entries.length;
        merge(zlib);
    } catch {
        // an unwritable cache costs only the compile time
    }
}

/**
 * When the directory has more than MAX_PACKS packs, merges them into one: each key once, the
 * newest entries first up to MAX_BYTES, none written more than KEEP_DAYS ago (an entry still in
 * use is made again by the next process that needs it); also removes the directories of other
 * Node builds and V8 flags that no process wrote to for KEEP_DAYS (removeIfStale: only its own).
 */
function merge(zlib) {
    const names = fs.readdirSync(dir).filter((n) => n.endsWith(".pack"));
    if (names.length <= MAX_PACKS) return;
    // One process merges at a time (many processes of a test run write packs at once); a lock
    // older than a minute is left from a process that died.
    const lock = path.join(dir, "merging");
    try {
        fs.writeFileSync(lock, "", { flag: "wx" });
    } catch {
        if (Date.now() - fs.statSync(lock).mtimeMs < 60_000) return;
        fs.writeFileSync(lock, "");
    }
    try {
        mergePacks(names, zlib);
    } finally {
        fs.rmSync(lock, { force: true });
    }
}

/** Merges the packs `names` of `dir` (see merge()), and removes temporary files an hour old (of a process killed while writing). */
function mergePacks(names, zlib) {
    for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        if (name.endsWith(".tmp") && Date.now() - fs.statSync(file).mtimeMs > 3600_000) fs.rmSync(file, { force: true });
    }
    const oldest = Math.floor(Date.now() / 1000) - KEEP_DAYS * 24 * 3600;
    const fds = openPacks(dir);
    const merged = new Map();
    try {
        const all = [];
        for (const fd of fds) {
            try {
                all.push(...packIndex(fd));
            } catch {
                // not a pack: left out
            }
        }
        // The newest first (a stable sort: of the same second, the newest pack's).
        all.sort((a, b) => b.written - a.written);
        let bytes = 0;
        for (const entry of all) {
            if (merged.has(entry.key) || entry.written < oldest || bytes + entry.length > MAX_BYTES) continue;
            const data = Buffer.allocUnsafe(entry.length);
            if (fs.readSync(entry.fd, data, 0, entry.length, entry.offset) !== entry.length || zlib.crc32(data) !== entry.crc) continue;
            merged.set(entry.key, { key: entry.key, data, written: entry.written, work: entry.work });
            bytes += entry.length;
        }
    } finally {
        for (const fd of fds) fs.closeSync(fd);
    }
    const file = writePack(pack([...merged.values()], zlib));
    for (const name of names) if (path.join(dir, name) !== file) fs.rmSync(path.join(dir, name), { force: true });
    const root = path.dirname(dir);
    for (const build of fs.readdirSync(root, { withFileTypes: true })) {
        const other = path.join(root, build.name);
        if (!build.isDirectory() || other === dir || !BUILD_DIR.test(build.name)) continue;
        try {
            removeIfStale(other, oldest);
        } catch {
            // in use, or not ours after all: left as it is
        }
    }
}

/**
 * Removes `other`, a directory named as this file names a build's, only when it holds nothing but
 * this file's own files (packs, temporary files, the merge lock: regular files, no subdirectory,
 * no link) and neither it nor any of them changed for KEEP_DAYS (`oldest`, seconds). Each file is
 * removed by name and the directory last, without recursion: ANYCLOUD_COMPILE_CACHE may name a
 * directory shared with other data, which is never touched.
 */
function removeIfStale(other, oldest) {
    const files = fs.readdirSync(other, { withFileTypes: true });
    if (!files.every((f) => f.isFile() && OWN_FILE.test(f.name))) return;
    const times = [other, ...files.map((f) => path.join(other, f.name))].map((p) => fs.lstatSync(p).mtimeMs);
    if (Math.max(...times) / 1000 >= oldest) return;
    for (const f of files) fs.rmSync(path.join(other, f.name));
    fs.rmdirSync(other);
}

module.exports = { enabled: ENABLED, directory: () => dir };
