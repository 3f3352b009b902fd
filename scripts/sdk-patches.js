// Changes to what the Pulumi SDK does for every resource, that change nothing it sends or keeps
// (issue #18). Loaded before the SDK wherever this project starts Node: `pulumi up` (the
// CLI's nodejs runner gets it from Pulumi.yaml's `runtime.options.nodeargs: --require`, before the
// runner loads the SDK), `npm run plan`, `npm run bench` and mocha (through scripts/register.js).
// Loaded after the SDK (a runner started some other way), the first still applies; the others
// do not, and the SDK behaves as published.
"use strict";
const fs = require("fs");
const path = require("path");

// 1. The SDK's `debuggablePromise` (@pulumi/pulumi runtime/debuggable.js) gives each promise it
// makes (about 70 per resource, four per input or output property) an id, a context text and
// `new Error().stack`, as non-enumerable properties, and reads all three back only to print leaked
// promises when PULUMI_DEBUG_PROMISE_LEAKS is set (read once, as the SDK does). Without it they are
// never read: here the promise gets none of them (the stack's walk and format was 40-50 % of a
// 100-service plan's CPU). What the SDK relies on is kept as it does it: the promise is a leak
// candidate until it settles, a rejection carries the promise, and the first call is the SDK's own
// (it schedules the check for leaked promises at exit).
const SDK_DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;
// The replacement below re-does the SDK's bookkeeping as @pulumi/pulumi 3.270.0 does it: it
// applies only to a function whose text is that one (SHA-256 of its source). Any other SDK (a
// newer minor that package.json's ^3.270.0 allows) keeps its own function, only called with
// stack traces off: no stack frames walked or formatted, nothing of its bookkeeping lost.
const KNOWN_DEBUGGABLE_PROMISE = new Set(["19d27a81e9df719cc4d1ba7ac2958e165c4953ea6f62143e46f634c8446e72c6"]);
function withoutStackFrames(original) {
    const debuggablePromise = function debuggablePromise(p, ctx) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original.call(this, p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    debuggablePromise.untraced = true;
    return debuggablePromise;
}
function untracedPromises(exports, filename) {
    const original = exports && exports.debuggablePromise;
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS || typeof original !== "function" || original.untraced) {
        return;
    }
    const sdkOwn = withoutStackFrames(original);
    const fingerprint = require("crypto").createHash("sha256").update(original.toString()).digest("hex");
    if (!KNOWN_DEBUGGABLE_PROMISE.has(fingerprint)) {
        exports.debuggablePromise = sdkOwn;
        return;
    }
    const state = require(path.join(path.dirname(filename), "state.js"));
    let leakCheckScheduled = false;
    const debuggablePromise = function debuggablePromise(p, ctx) {
        if (!leakCheckScheduled) {
            leakCheckScheduled = true;
            return sdkOwn.call(this, p, ctx);
        }
        const localStore = state.getStore();
        localStore.leakCandidates.add(p);
        return p
            .then((val) => {
                localStore.leakCandidates.delete(p);
                return val;
            })
            .catch((err) => {
                localStore.leakCandidates.delete(p);
                err.promise = p;
                throw err;
            });
    };
    debuggablePromise.untraced = true;
    exports.debuggablePromise = debuggablePromise;
}
// Loaded already when something loaded the SDK first; else when it loads.
for (const [file, loaded] of Object.entries(require.cache)) {
    if (SDK_DEBUGGABLE.test(file)) untracedPromises(loaded.exports, file);
}

// 2. The SDK's Resource constructor turns each alias of a resource into a URN Output at once
// (resource.js: `this.__aliases.push(collapseAliasToUrn(...))`), and only `allAliases` reads
// `__aliases`: for the children of a resource, when the engine cannot take aliases as specs. The
// engine can (the Pulumi CLI's and the mock monitor; the SDK then sends each resource's own
// aliases, from its options). azure-native gives each resource ~20 aliases (one per older API
// version), so an Azure plan built ~20 unread Outputs a resource: more than half its CPU and
// much of its memory (pulumi/pulumi#10010, #11062). Loaded after this file, the constructor here
// keeps the resource's aliases and collapses them, with the same function, when `__aliases` is
// first read.
//
// 3. The same constructor takes the whole stack of each resource for its source position and
// stack trace (`Resource.stackTrace`, sent with the registration): it formats the stack, parses
// each line and makes each frame's file a `file://` URL with `url.pathToFileURL` (~6 % of a
// plan's CPU, the URLs ~1.3 %). The frames name the same few dozen files again and again, so each
// file's URL is kept the first time: an absolute path always gives the same URL (a relative one
// depends on the working directory: not kept). (Keeping each line's parse as well saved nothing
// measurable: looking a fresh line up costs about what its parse does.)
//
// Each replaced text must be exactly the SDK's, once, or nothing is replaced (the SDK as
// published); each replacement keeps its line count, so the file's other lines keep their numbers.
const SDK_RESOURCE = /[\\/]@pulumi[\\/]pulumi[\\/]resource\.js$/;
const RESOURCE_PATCHES = [
    // The module's own handle on this file, taken once (a `require` per resource cost ~1 %).
    [
        `const url = __importStar(require("url"));
`,
        `const url = __importStar(require("url")); const anycloudPatches = require(${JSON.stringify(__filename)});
`,
    ],
    [
        `        this.__aliases = [];
        if (opts.aliases) {
            for (const alias of opts.aliases) {
                this.__aliases.push(collapseAliasToUrn(alias, name, t, parent));
            }
        }
`,
        `        // (scripts/sdk-patches.js: collapsed when first read)
        const anycloudAliases = opts.aliases ? Array.from(opts.aliases) : [];
        anycloudPatches.lazyAliases(this, () => anycloudAliases.map((alias) => collapseAliasToUrn(alias, name, t, parent)));



`,
    ],
    [
        `                uri: url.pathToFileURL(file).toString(),
`,
        `                uri: anycloudPatches.fileUrl(url, file),
`,
    ],
];
/** The SDK's resource.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedResource(source) {
    let out = source;
    for (const [from, to] of RESOURCE_PATCHES) {
        if (out.split(from).length !== 2) return undefined;
        out = out.replace(from, () => to);
    }
    return out;
}
/** Gives a resource the `__aliases` that `collapse()` makes, made when first read (or set). */
function lazyAliases(resource, collapse) {
    const keep = (value) => Object.defineProperty(resource, "__aliases", { value, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(resource, "__aliases", {
        get: () => keep(collapse()).__aliases,
        set: (value) => keep(value),
        enumerable: true,
        configurable: true,
    });
}
// A program's files: bounded by its code, but a run that keeps naming new ones (generated code)
// starts the cache again instead of growing it without end.
const KEPT_MAX = 50000;
const urls = new Map();
// An absolute path: one whose URL the working directory does not change.
const ABSOLUTE = process.platform === "win32" ? /^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])/ : /^\//;
/** `url.pathToFileURL(file).toString()`, kept per absolute path. */
function fileUrl(url, file) {
    if (typeof file !== "string" || !ABSOLUTE.test(file)) return url.pathToFileURL(file).toString();
    let found = urls.get(file);
    if (found === undefined) {
        if (urls.size > KEPT_MAX) urls.clear();
        found = url.pathToFileURL(file).toString();
        urls.set(file, found);
    }
    return found;
}

const loadJavaScript = require.extensions[".js"];
require.extensions[".js"] = function (module, filename) {
    if (SDK_RESOURCE.test(filename)) {
        const patched = patchedResource(fs.readFileSync(filename, "utf8"));
        if (patched !== undefined) {
            module._compile(patched, filename);
            return;
        }
    }
    loadJavaScript(module, filename);
    if (SDK_DEBUGGABLE.test(filename)) untracedPromises(module.exports, filename);
};

module.exports = { lazyAliases, fileUrl, patchedResource, untracedPromises };
