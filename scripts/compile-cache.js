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
// also holds the functions compiled lazily during the run. This file replaces
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
//   syntax error, ESM syntax, a `#!` line: Node gives its own error or loads it as ESM), a
//   `Module.wrap`/`Module.wrapper` a program changed, source maps or coverage (Node registers a
//   module's source map while compiling it); such a module's stack has this file's `_compile`
//   above Node's;
// - a stack trace names this file's `_compile` where Node's would be (as register.js and
//   sdk-patches.js already replace Node's extension functions); the main module runs without the
//   stat cache Node keeps while it runs (~800 more `stat` calls in a plan, ~2 ms).
//   Under a policy manifest (`--experimental-policy`), which changes `require`, and under a
//   debugger (`--inspect*`), which would show the wrapper's line, the cache is off.
//
// An entry is used only for the file and the exact text it was made from (its name is the SHA-256
// of both: V8's cached data keeps the file name it was made with, for stack traces, and V8 itself
// checks only the text's length), under the same Node build, V8 version and V8 flags (its directory is named by those:
// `v8.cachedDataVersionTag()` is V8's hash of its version and flags; V8 also rejects a mismatch
// itself, `cachedDataRejected`). An entry carries a CRC-32 of its data, checked before V8 gets it
// (V8's release builds check only the data's header). Entries are written to a temporary file and
// renamed, so concurrent processes never read a half-written one. A missing, unreadable,
// unwritable or damaged cache costs only the compile time: nothing here fails a run.
//
// Where: node_modules/.cache/anycloud-compile-cache (ANYCLOUD_COMPILE_CACHE names another
// directory; `off` turns the cache off). Most of what a process compiles is in node_modules (the
// SDKs: ~90 % of a plan's text), whose entries are useless once node_modules is reinstalled, and
// `npm ci` removes node_modules, so the cache with it; node_modules/.cache is where JavaScript tools
// keep such caches, and git ignores it. An entry unused for 7 days is removed (looked at at most
// once a day, by a process that wrote entries).
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");

const FORMAT = "anycloud-compile-cache 1";
/** An entry: MAGIC, the CRC-32 of the data (uint32 LE), V8's cached data. */
const MAGIC = Buffer.from("ACC1");
const HEADER = MAGIC.length + 4;
const KEEP_DAYS = 7;
/** Node 20's module wrapper (lib/internal/modules/cjs/loader.js `wrapper`). */
const HEAD = "(function (exports, require, module, __filename, __dirname) { ";
const TAIL = "\n});";
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
/** With ANYCLOUD_COMPILE_CACHE_STATS (a file): what happened to each module, appended there as a JSON line at exit. */
const report = process.env.ANYCLOUD_COMPILE_CACHE_STATS ? { pid: process.pid, dir: undefined, files: {}, written: 0 } : undefined;
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

    /** The cached data of the entry for a text, or undefined when there is none or it is damaged. */
    const read = (file) => {
        let data;
        try {
            data = fs.readFileSync(file);
        } catch {
            return undefined;
        }
        if (data.length <= HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
        const body = data.subarray(HEADER);
        return zlib.crc32(body) === data.readUInt32LE(MAGIC.length) ? body : undefined;
    };

    /** The module's function, compiled with the entry for its text when there is one; undefined when Node must compile it. */
    const compiled = (content, filename) => {
        let key;
        let cachedData;
        let script;
        try {
            key = crypto.createHash("sha256").update(`${FORMAT}\0${filename}\0`).update(content).digest("hex");
            cachedData = read(path.join(dir, key));
            script = new vm.Script(`${HEAD}\n${content}${TAIL}`, {
                filename,
                lineOffset: -1,
                columnOffset: 0,
                cachedData,
                importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
            });
        } catch {
            // Not a CommonJS text (Node's own compile gives its error, or loads it as ESM), or no memory.
            return undefined;
        }
        const usable = cachedData !== undefined && !script.cachedDataRejected;
        if (report) report.files[filename] = usable ? "hit" : cachedData === undefined ? "miss" : "rejected";
        if (!usable) pending.push({ script, key });
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

    process.on("exit", () => {
        if (pending.length > 0) write(zlib);
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

/** Writes an entry for each script compiled without one: V8's cached data as it is now, with the functions this run compiled. */
function write(zlib) {
    try {
        fs.mkdirSync(dir, { recursive: true });
    } catch {
        return;
    }
    let n = 0;
    for (const { script, key } of pending) {
        const file = path.join(dir, key);
        const temporary = `${file}.${process.pid}-${n++}.tmp`;
        try {
            const data = script.createCachedData();
            const header = Buffer.alloc(HEADER);
            MAGIC.copy(header);
            header.writeUInt32LE(zlib.crc32(data), MAGIC.length);
            fs.writeFileSync(temporary, Buffer.concat([header, data]));
            fs.renameSync(temporary, file);
            if (report) report.written++;
        } catch {
            try {
                fs.rmSync(temporary, { force: true });
            } catch {
                // nothing more to do
            }
        }
    }
    pending.length = 0;
    prune();
}

/** Removes the entries (of every Node build and flags) unused for KEEP_DAYS, by their access time; at most once a day. */
function prune() {
    const root = path.dirname(dir);
    const marker = path.join(root, "pruned");
    const day = 24 * 3600 * 1000;
    try {
        const now = Date.now();
        try {
            if (now - fs.statSync(marker).mtimeMs < day) return;
        } catch {
            // never pruned
        }
        fs.writeFileSync(marker, "");
        for (const build of fs.readdirSync(root, { withFileTypes: true })) {
            if (!build.isDirectory()) continue;
            for (const name of fs.readdirSync(path.join(root, build.name))) {
                const file = path.join(root, build.name, name);
                const s = fs.statSync(file);
                if (now - Math.max(s.atimeMs, s.mtimeMs) > KEEP_DAYS * day) fs.rmSync(file, { force: true });
            }
        }
    } catch {
        // housekeeping only
    }
}

module.exports = { enabled: ENABLED, directory: () => dir };
