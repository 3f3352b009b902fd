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
// The replacement below re-does the SDK's bookkeeping as @pulumi/pulumi 3.270.0 does it, and 7.
// relies on what the rest of debuggable.js does with a context (reads it only for the leak report):
// it applies only when debuggable.js and state.js (whose store and leakCandidates it uses) are,
// whole, the files of KNOWN_SDK_FILES, and the function's text is that one (SHA-256 of its
// source). Any other SDK (a newer minor that package.json's ^3.270.0 allows) keeps its own
// function untouched, stacks and all: it runs as published (review-9b SF1).
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
    const fingerprint = require("crypto").createHash("sha256").update(original.toString()).digest("hex");
    if (!KNOWN_DEBUGGABLE_PROMISE.has(fingerprint) || !knownSdkFiles(path.dirname(path.dirname(filename)), DEBUGGABLE_DEPENDS_ON, readText)) return;
    const sdkOwn = withoutStackFrames(original);
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
    // Nothing reads a promise's context text any more: the SDK prints it only for a leak under
    // PULUMI_DEBUG_PROMISE_LEAKS, which keeps the SDK's own function (7. below relies on this).
    debuggablePromise.contextsUnread = true;
    exports.debuggablePromise = debuggablePromise;
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
// 4. That stack is taken for the engine alone: the Resource constructor (resource.js
// `const stackTrace = Resource.stackTrace(4)`) hands it and its first frame (the source position)
// to registerResource, which only copies them into the RegisterResourceRequest
// (`req.setSourceposition(marshalSourcePosition(sourcePosition))`,
// `req.setStacktrace(marshalStackTrace(stackTrace))` in runtime/resource.js). An engine that never
// reads them says so with SOURCE_POSITIONS_UNREAD on its monitor object: the offline engine's mock
// monitor (stacks/offline.ts; its runs record no source position). Under it the constructor takes
// no stack, as the SDK does when it finds no frames (`stackTrace.length < 1 ? undefined`): 10-18 %
// of an offline plan's CPU. Every other monitor (the Pulumi CLI's engine, a plain `setMocks`) has
// no such mark and gets the stack as before. The monitor is read from the SDK's store
// (`state_1.getStore().settings.monitor`, what `settings.getMonitor()` returns under mocks,
// without the side effect of connecting to an engine address; under the CLI, getMonitor keeps
// its client elsewhere and this is undefined).
//
// Each replaced text must be exactly the SDK's, once, or nothing is replaced (the SDK as
// published); each replacement keeps its line count, so the file's other lines keep their numbers.
// And each patched file is patched only when every SDK file its patches' correctness depends on
// is, whole, the one they were written and tested against (SHA-256 in KNOWN_SDK_FILES, @pulumi/pulumi
// 3.270.0): a newer minor (package.json's ^3.270.0 allows one) that keeps a replaced text but
// changes the code around it runs as published (review-9 S4).
const KNOWN_SDK_FILES = {
    "resource.js": "30bc42ca704c1a4b2f8f7e487c963976b68fbdb71f0cdc57ec5f873132dc6716",
    "output.js": "6025fdb2e446fa2f23184cfe06217ef900b63cb94d9a28090d5d6893ae977370",
    "runtime/resource.js": "b12f768c9aff30ed49cd66f5c8de147876277977ceca349c438251f2f1cdd176",
    "runtime/rpc.js": "ecfd7b9982210a93e590871b940522d9adb03c92b909172b7615bea19c168b03",
    "runtime/closure/createClosure.js": "44fd91c6dd03253dbb97e8a43a1347f659e42786abe84bba193e563a32064bcd",
    "runtime/debuggable.js": "f26952c40ce5e21cff94132e40a7b4c82b6f9360092d6b3932cd3ffa38cdbdbd",
    "runtime/state.js": "0f683737cf502f5933a2a0c2f0d50cca00760e194236a244434fa138baf6fcd5",
    "runtime/closure/parseFunction.js": "24728f27d7fd4d75ace094aa47ee8faeaa1b2a751a6bc2b6245e06f56f69472c",
    "runtime/closure/codePaths.js": "f932e221ca8c00a3cb29c58601125853925c8129da7194c1a1a72bd7e2aa97e7",
    "runtime/dependsOn.js": "11372ed6430efb45986b44cd22a2557eda8bda5da52d58c072e5c89676d6351c",
};
/** The SDK files 1.'s replacement of debuggablePromise (and so 7.) relies on. */
const DEBUGGABLE_DEPENDS_ON = ["runtime/debuggable.js", "runtime/state.js"];
/** Whether each of `files` (paths in @pulumi/pulumi) under `root`, as `read` gives it, is the known one. */
function knownSdkFiles(root, files, read) {
    for (const file of files) {
        const filename = path.join(root, ...file.split("/"));
        // Each file hashed once a process (several patched files rely on it), when read from disk.
        let known = read === readText ? knownFiles.get(filename) : undefined;
        if (known === undefined) {
            known = require("crypto").createHash("sha256").update(read(filename)).digest("hex") === KNOWN_SDK_FILES[file];
            if (read === readText) knownFiles.set(filename, known);
        }
        if (!known) return false;
    }
    return true;
}
const knownFiles = new Map();
const readText = (file) => fs.readFileSync(file, "utf8");
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
        `        const stackTrace = Resource.stackTrace(4);
`,
        `        const stackTrace = anycloudPatches.sourcePositionsRead(state_1.getStore().settings.monitor) ? Resource.stackTrace(4) : [];
`,
    ],
    [
        `                uri: url.pathToFileURL(file).toString(),
`,
        `                uri: anycloudPatches.fileUrl(url, file),
`,
    ],
];
/** `source` with each `[from, to]` replacement made, or undefined when any `from` is not there exactly once. */
function replacedOnce(source, replacements) {
    let out = source;
    for (const [from, to] of replacements) {
        if (out.split(from).length !== 2) return undefined;
        out = out.replace(from, () => to);
    }
    return out;
}
/** The SDK's resource.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedResource(source) {
    return replacedOnce(source, RESOURCE_PATCHES);
}
/** Gives a resource the `__aliases` that `collapse()` makes, made when first read (or set). */
function lazyAliases(resource, collapse) {
    let kept;
    const keep = (value) => {
        kept = { value };
        // A frozen or sealed resource keeps the accessor, which gives this value from now on.
        if (Object.getOwnPropertyDescriptor(resource, "__aliases").configurable) Object.defineProperty(resource, "__aliases", { value, writable: true, enumerable: true, configurable: true });
        return value;
    };
    const get = () => (kept === undefined ? keep(collapse()) : kept.value);
    const set = (value) => {
        // A frozen resource's property is read-only, as the SDK's was. (V8 throws for that only
        // when the assigning code is strict, as TypeScript's output is, and ignores it in sloppy
        // code; a setter cannot tell which, so this throws for both: what differs, in 6.)
        if (Object.isFrozen(resource)) throw readOnly(resource, "__aliases");
        keep(value);
    };
    // Known to createClosure.js's patch (8.), which reads it before serializing the resource.
    lazyGetters.add(get);
    Object.defineProperty(resource, "__aliases", { get, set, enumerable: true, configurable: true });
}
/** V8's error for an assignment to a frozen object's property in strict code. */
function readOnly(object, key) {
    return new TypeError(`Cannot assign to read only property '${key}' of object '#<${object.constructor.name}>'`);
}
/** The getters of lazy properties (2.'s `__aliases`, 6.'s output properties). */
const lazyGetters = new WeakSet();
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

/** The mark of an engine's monitor that does not read a registration's source position and stack trace (4.). */
const SOURCE_POSITIONS_UNREAD = Symbol.for("anycloud.sourcePositionsUnread");
/** Whether the engine behind `monitor` reads the source position and stack trace sent with a registration. */
function sourcePositionsRead(monitor) {
    return !(monitor !== null && typeof monitor === "object" && monitor[SOURCE_POSITIONS_UNREAD] === true);
}

// 5. The SDK waits for each alias of a resource as an Output: prepareResource does `await
// output(alias).promise()` for every alias and mapAliasesForRequest `await output(a.type).promise()`
// (and name, stack, project) for every alias spec it sends (runtime/resource.js). An
// azure-native resource has ~20 aliases (`{ type: "azure-native:app/v20220101preview:..." }`, one
// per older API version): 3288 in the azure prod plan, two Outputs each (eight promises, a Proxy,
// a Promise.all or two), which was the larger part of what an Azure plan costs above the others.
// A plain alias (a string, or an object whose own values are strings or undefined: what the
// provider SDKs and this program give) now becomes the value `output()` would make (the string;
// a copy of the object, key for key) through a chain of promises that resumes the awaiting code
// at exactly the microtask turn the Output did, so every registration reaches the engine in the
// same order as before (test/sdk-patches.spec.ts compares both against marker chains). Anything
// else (an Output, a Promise, a parent resource) goes through `output()` as published.
const SDK_RUNTIME_RESOURCE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]resource\.js$/;
const RUNTIME_RESOURCE_PATCHES = [
    [
        `const sourceproto = __importStar(require("../proto/source_pb"));
`,
        `const sourceproto = __importStar(require("../proto/source_pb")); const anycloudPatches = require(${JSON.stringify(__filename)});
`,
    ],
    [
        `        const aliasVal = await output_1.output(alias).promise();
`,
        `        const aliasVal = await anycloudPatches.aliasValue(output_1, alias);
`,
    ],
    [
        `            const name = a.name === undefined ? undefined : await output_1.output(a.name).promise();
            const type = a.type === undefined ? undefined : await output_1.output(a.type).promise();
            const stack = a.stack === undefined ? undefined : await output_1.output(a.stack).promise();
            const project = a.project === undefined ? undefined : await output_1.output(a.project).promise();
`,
        `            const name = a.name === undefined ? undefined : await anycloudPatches.aliasValue(output_1, a.name);
            const type = a.type === undefined ? undefined : await anycloudPatches.aliasValue(output_1, a.type);
            const stack = a.stack === undefined ? undefined : await anycloudPatches.aliasValue(output_1, a.stack);
            const project = a.project === undefined ? undefined : await anycloudPatches.aliasValue(output_1, a.project);
`,
    ],
    // 11.
    [
        `                const inputProp = await rpc_1.serializeProperty(label, props[key], new Set(), { keepOutputValues: false });
`,
        `                const anycloudValue = props[key]; const inputProp = anycloudPatches.sentAsIs(settings_1, anycloudValue) ? await anycloudValue : await rpc_1.serializeProperty(label, anycloudValue, new Set(), { keepOutputValues: false });
`,
    ],
    // 12.
    [
        `    // If a custom resource, make room for the ID property.
`,
        `    anycloudPatches.urnMade(res); // If a custom resource, make room for the ID property. (scripts/sdk-patches.js 12.: the URN Output made)
`,
    ],
    [
        `            resop.resolveURN(resp.getUrn(), effectiveErr);
`,
        `            const anycloudUrn = resp.getUrn(); resop.resolveURN(anycloudUrn, effectiveErr); if (!effectiveErr) anycloudPatches.urnAnswered(res, anycloudUrn); // (scripts/sdk-patches.js 12.)
`,
    ],
    // 10.
    [
        `        req.setObject(gstruct.Struct.fromJavaScript(resop.serializedProps));
`,
        `        anycloudPatches.setRequestObject(req, gstruct, resop.serializedProps, monitor);
`,
    ],
];
/**
 * How many `then` turns after the value the awaiting code resumes at the turn `await
 * output(value).promise()` resumes at (the SDK's Output constructor, its `promise()` and its async
 * `getPromisedValue`), for a value `output()` leaves without Outputs: measured on the SDK whose
 * output.js is KNOWN_SDK_FILES' (@pulumi/pulumi 3.270.0; test/sdk-patches.spec.ts). Another output.js
 * (a newer minor that package.json's ^3.270.0 allows) may take other turns: its aliases stay Outputs.
 */
const OUTPUT_PROMISE_TURNS = 8;
/** The value `output(value).promise()` resolves to for a plain alias, or undefined for anything else. */
function plainAlias(value) {
    if (typeof value === "string") return { value };
    if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
    const copy = {};
    for (const key of Object.keys(value)) {
        const v = value[key];
        if (v !== undefined && typeof v !== "string") return undefined;
        copy[key] = v;
    }
    return { value: copy };
}
/** `output(value).promise()`, without the Output for a plain alias, resolving at the same turn. */
function aliasValue(output, value) {
    const plain = plainAlias(value);
    if (plain === undefined) return output.output(value).promise();
    let p = Promise.resolve(plain.value);
    for (let i = 0; i < OUTPUT_PROMISE_TURNS; i++) p = p.then(same);
    return p;
}
const same = (v) => v;
/** The SDK's runtime/resource.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedRuntimeResource(source) {
    return replacedOnce(source, RUNTIME_RESOURCE_PATCHES);
}

// 10. registerResource puts a resource's serialized inputs into its RegisterResourceRequest as a
// protobuf Struct (runtime/resource.js `req.setObject(gstruct.Struct.fromJavaScript(...))`), built
// value by value with google-protobuf's message machinery, for an engine in another process to
// decode. An engine in this process that reads the request only through `req.getObject()` and that
// Struct's `toJavaScript()` says so with REQUEST_READ_IN_PROCESS on its monitor object: the offline
// engine's (stacks/offline.ts; its registrations are answered by stacks/engine-answer.ts, which
// reads nothing else of it, nor does the SDK's mock monitor or the SDK's own reads of it,
// runtime/resource.js `getObject: () => req.getObject()`). The mark's value makes a stand-in whose
// `toJavaScript()` gives exactly what the Struct's would (a new copy each read), or undefined for
// data it leaves to google-protobuf (its rules and errors then apply as published). Building and
// reading back that Struct was ~10 % of an offline plan's CPU. Every other monitor (the Pulumi CLI's
// engine, a plain `setMocks`) has no such mark and gets the Struct as before.
const REQUEST_READ_IN_PROCESS = Symbol.for("anycloud.requestReadInProcess");
/** `req.setObject(gstruct.Struct.fromJavaScript(props))`, or the in-process stand-in for an engine that reads only that. */
function setRequestObject(req, gstruct, props, monitor) {
    const inProcess = monitor !== null && typeof monitor === "object" ? monitor[REQUEST_READ_IN_PROCESS] : undefined;
    const object = typeof inProcess === "function" ? inProcess(props) : undefined;
    if (object === undefined) {
        req.setObject(gstruct.Struct.fromJavaScript(props));
        return;
    }
    req.getObject = () => object;
}

// 6. The SDK makes an Output for each output property of a resource when the resource is made
// (rpc.js `transferProperties`: four promises, each with the leak bookkeeping of 1., and an
// Output over them, ~40 objects a property), and resolves it when the engine answers. Most are
// never read: a docker Container has 78 properties, an azure-native resource dozens, and the
// program reads one or two of a few resources. Here a property's Output is made when it is first
// read (an accessor, one per property name shared by all resources, that then leaves the Output
// as the property's value, as the SDK's assignment did), with the same promises and labels,
// resolved at once with the engine's answer if it already came; until then a property costs its
// resolver and its answer (a local plan took 0.36 MiB per added resource, its containers'
// properties mostly: README "Performance").
// What is the same: the properties' keys and order, the Output a read gets (the same on every
// read, also through an object made from the resource), an answer, secret or error reaching it,
// a gRPC error leaving it pending, an assignment replacing it, the value's text made at once (a
// `toString` that throws fails the resource as before), and every microtask turn at which the
// program and the engine see something, as long as a property is first read before the engine
// answered (test/sdk-patches.spec.ts). What differs: a property first read after the answer gets
// its value a few turns later than its Output, made long before, gave it (the offline engine's
// order of registrations follows from such turns: every plan and test run was compared, all the
// same); `util.inspect` shows an unread property as [Getter/Setter]; the leak report's count of
// promises pending at exit leaves out unread properties' (it names the pending registrations as
// before); an assignment to a property of a frozen resource throws from sloppy (non-strict) code
// too, where the SDK's data property ignored it (V8 decides by the assigning code's strictness,
// which a setter cannot see; this program's code is strict: it threw and throws). A function the
// SDK serializes that captures a resource captures its Outputs as
// published (8.); a frozen or sealed resource's property reads as the same Output. With
// PULUMI_DEBUG_PROMISE_LEAKS this patch (6.) changes nothing: every promise is made, for its
// report. (5. applies with it too: `output()` makes no debuggable promise for a plain alias.)
//
// 11. (Also in rpc.js.) serializeProperty is an async function that serializeFilteredProperties
// (each input property), serializeAllKeys (each key of an object) and the array case (each
// element) call and await for every value, and for a primitive (a string, number, boolean, null or
// undefined: most of what a resource sends) it only returns the value: still a promise, its async
// frame, the closure of its inner serializeAllKeys and the context text (`${label}.${k}`) for
// each one. Here those three callers await a primitive itself: `await value` resumes at the same
// microtask turn as `await serializeProperty(ctx, value)` did (both await a settled promise: one
// turn; test/sdk-patches.spec.ts compares them against marker chains), with the same value, after
// the same single read of the property. So does resolveOutputs (runtime/resource.js) when it
// round-trips each input the engine gave no output for (each output-only property a provider
// SDK's class passes as undefined: dozens an AWS resource, one await each). Everything else, and
// every primitive while the SDK's `excessiveDebugOutput` (which logs each one) is set, is
// serialized by the SDK's function as before.
const SDK_RPC = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]rpc\.js$/;
const RPC_PATCHES = [
    [
        `const semver = __importStar(require("semver"));
`,
        `const semver = __importStar(require("semver")); const anycloudPatches = require(${JSON.stringify(__filename)}); const anycloudAsIs = (v) => !settings_1.excessiveDebugOutput && (v === undefined || v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string");
`,
    ],
    // 11. (serializeProperty's primitives: see below.)
    [
        `                v = await serializeProperty(\`\${label}.\${k}\`, props[k], dependentResources, opts);
`,
        `                const anycloudValue = props[k]; v = anycloudAsIs(anycloudValue) ? await anycloudValue : await serializeProperty(\`\${label}.\${k}\`, anycloudValue, dependentResources, opts);
`,
    ],
    [
        `            const elem = await serializeProperty(\`\${ctx}[\${i}]\`, prop[i], dependentResources, opts);
`,
        `            const anycloudValue = prop[i]; const elem = anycloudAsIs(anycloudValue) ? await anycloudValue : await serializeProperty(\`\${ctx}[\${i}]\`, anycloudValue, dependentResources, opts);
`,
    ],
    [
        `            const v = await serializeProperty(\`\${ctx}.\${k}\`, innerProp[k], dependentResources, innerOpts);
`,
        `            const anycloudValue = innerProp[k]; const v = anycloudAsIs(anycloudValue) ? await anycloudValue : await serializeProperty(\`\${ctx}.\${k}\`, anycloudValue, dependentResources, innerOpts);
`,
    ],
    [
        `function transferProperties(onto, label, props) {
    const resolvers = {};
    for (const k of Object.keys(props)) {
        // Skip "id" and "urn", since we handle those specially.
        if (k === "id" || k === "urn") {
            continue;
        }
        // Create a property to wrap the value and store it on the resource.
        if (onto.hasOwnProperty(k)) {
            throw new Error(\`Property '\${k}' is already initialized on target '\${label}\`);
        }
        let resolveValue;
        let rejectValue;
        let resolveIsKnown;
        let rejectIsKnown;
        let resolveIsSecret;
        let rejectIsSecret;
        let resolveDeps;
        let rejectDeps;
        resolvers[k] = (v, isKnown, isSecret, deps = [], err) => {
            if (err) {
                if (errors_1.isGrpcError(err)) {
                    if (debuggable_1.debugPromiseLeaks) {
                        console.error("info: skipped rejection in transferProperties");
                    }
                    return;
                }
                rejectValue(err);
                rejectIsKnown(err);
                rejectIsSecret(err);
                rejectDeps(err);
            }
            else {
                resolveValue(v);
                resolveIsKnown(isKnown);
                resolveIsSecret(isSecret);
                resolveDeps(deps);
            }
        };
        const propString = output_1.Output.isInstance(props[k]) ? "Output<T>" : safeToString(props[k]);
        onto[k] = new output_1.Output(onto, debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveValue = resolve;
            rejectValue = reject;
        }), \`transferProperty(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveIsKnown = resolve;
            rejectIsKnown = reject;
        }), \`transferIsStable(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveIsSecret = resolve;
            rejectIsSecret = reject;
        }), \`transferIsSecret(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveDeps = resolve;
            rejectDeps = reject;
        }), \`transferDeps(\${label}, \${k}, \${propString})\`));
    }
    return resolvers;
}
`,
        `function transferProperties(onto, label, props) {
    // (scripts/sdk-patches.js: a property's Output is made by \`make\` when the property is first
    // read: the SDK's own four promises, labels and Output, resolved at once with what the engine
    // answered if it already has. A property never read costs its resolver and an entry in
    // \`lazy\`. The SDK's resolver's checks are kept: a gRPC error leaves the promises pending, the
    // first answer wins. These lines replace the SDK's function one for one.)
    const lazy = anycloudPatches.lazyOutputs(onto, (k, propString) => {
        // The SDK's own promises and Output for the property, as it made them for every property.
        let resolveValue, rejectValue, resolveIsKnown, rejectIsKnown, resolveIsSecret, rejectIsSecret, resolveDeps, rejectDeps;
        const made = new output_1.Output(onto, debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveValue = resolve;
            rejectValue = reject;
        }), debuggable_1.debuggablePromise.contextsUnread === true ? "" : \`transferProperty(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveIsKnown = resolve;
            rejectIsKnown = reject;
        }), debuggable_1.debuggablePromise.contextsUnread === true ? "" : \`transferIsStable(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveIsSecret = resolve;
            rejectIsSecret = reject;
        }), debuggable_1.debuggablePromise.contextsUnread === true ? "" : \`transferIsSecret(\${label}, \${k}, \${propString})\`), debuggable_1.debuggablePromise(new Promise((resolve, reject) => {
            resolveDeps = resolve;
            rejectDeps = reject;
        }), debuggable_1.debuggablePromise.contextsUnread === true ? "" : \`transferDeps(\${label}, \${k}, \${propString})\`));
        // The SDK's resolver, without its gRPC check (made before \`lazy.answer\` is called).
        const settle = (v, isKnown, isSecret, deps = [], err) => {
            if (err) {
                rejectValue(err); rejectIsKnown(err); rejectIsSecret(err); rejectDeps(err);
            } else {
                resolveValue(v); resolveIsKnown(isKnown); resolveIsSecret(isSecret); resolveDeps(deps);
            }
        };
        return [made, settle];
    });
    const resolvers = {};
    for (const k of Object.keys(props)) {
        // Skip "id" and "urn", since we handle those specially.
        if (k === "id" || k === "urn") {
            continue;
        }
        // Create a property to wrap the value and store it on the resource.
        if (onto.hasOwnProperty(k)) {
            throw new Error(\`Property '\${k}' is already initialized on target '\${label}\`);
        }
        const anycloudOutput = output_1.Output.isInstance(props[k]); lazy.add(k, debuggable_1.debuggablePromise.contextsUnread === true && (anycloudOutput || anycloudPatches.quietText(props[k], true)) ? "undefined" : anycloudOutput ? "Output<T>" : safeToString(props[k]));
        resolvers[k] = (v, isKnown, isSecret, deps, err) => {
            if (err && errors_1.isGrpcError(err)) {
                if (debuggable_1.debugPromiseLeaks) {
                    console.error("info: skipped rejection in transferProperties");
                }
                return;
            }
            // To the Output if it was made; else kept for it until the property is read.
            lazy.answer(k, v, isKnown, isSecret, deps, err);
        };
    }
    return resolvers;
}
`,
    ],
];
/** The SDK's runtime/rpc.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedRpc(source) {
    return replacedOnce(source, RPC_PATCHES);
}
/** What the engine answered for a property, other than a plain known, non-secret value without dependencies. */
class Answer {
    constructor(v, isKnown, isSecret, deps, err) {
        this.args = [v, isKnown, isSecret, deps, err];
    }
}
/** The output properties of one resource whose Outputs are made when first read. */
class LazyOutputs {
    constructor(resource, make) {
        this.resource = resource;
        /** (key, value text) => [the SDK's Output, its resolver]. */
        this.make = make;
        /** Each unread property's value text, when not "undefined" (an output-only property's). */
        this.texts = new Map();
        /** Each unread property's answer: its value, or an Answer. */
        this.answers = new Map();
        /** Each read (or assigned) property's resolver. */
        this.settles = new Map();
        /** A frozen or sealed resource's read (or assigned) properties' values: its accessors stay. */
        this.fixed = undefined;
    }
    add(key, text) {
        if (text !== "undefined") this.texts.set(key, text);
        Object.defineProperty(this.resource, key, accessorOf(key));
    }
    answer(key, v, isKnown, isSecret, deps, err) {
        const settle = this.settles.get(key);
        if (settle !== undefined) settle(v, isKnown, isSecret, deps, err);
        else if (!this.answers.has(key)) this.answers.set(key, isKnown === true && isSecret === false && deps === undefined && !err ? v : new Answer(v, isKnown, isSecret, deps, err));
    }
    /** The property's Output, made now, with the answer if it came. */
    read(key) {
        if (this.fixed !== undefined && this.fixed.has(key)) return this.fixed.get(key);
        const text = this.texts.get(key);
        const [made, settle] = this.make(key, text === undefined ? "undefined" : text);
        this.texts.delete(key);
        this.keep(key, made, settle);
        if (this.answers.has(key)) {
            const answer = this.answers.get(key);
            this.answers.delete(key);
            if (answer instanceof Answer) settle(...answer.args);
            else settle(answer, true, false);
        }
        return made;
    }
    /** The property becomes a plain value, as the SDK's assignment left it; later answers go to `settle`. */
    keep(key, value, settle) {
        this.settles.set(key, settle);
        const own = Object.getOwnPropertyDescriptor(this.resource, key);
        if (own === undefined || own.configurable) {
            Object.defineProperty(this.resource, key, { value, writable: true, enumerable: true, configurable: true });
        } else {
            // Frozen or sealed (Object.freeze/seal) after the SDK made it: the accessor cannot be
            // replaced, so it gives this value from now on, as the SDK's data property would.
            if (this.fixed === undefined) this.fixed = new Map();
            this.fixed.set(key, value);
        }
    }
}
const lazyResources = new WeakMap();
/** A resource's lazy output properties (rpc.js `transferProperties`, patched). */
function lazyOutputs(resource, make) {
    const lazy = new LazyOutputs(resource, make);
    lazyResources.set(resource, lazy);
    return lazy;
}
/** The resource (the receiver or one of its prototypes) whose lazy property `key` is read or set. */
function lazyHolder(receiver, key) {
    for (let o = receiver; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
        const lazy = lazyResources.get(o);
        if (lazy !== undefined && lazyGetters.has(Object.getOwnPropertyDescriptor(o, key)?.get)) return lazy;
    }
    return undefined;
}
const ignoreAnswer = () => undefined;
/** One accessor per property name, shared by every resource (so resources of one class keep sharing V8 hidden classes). */
const accessors = new Map();
function accessorOf(key) {
    let accessor = accessors.get(key);
    if (accessor === undefined) {
        accessor = {
            get() {
                const lazy = lazyHolder(this, key);
                return lazy === undefined ? undefined : lazy.read(key);
            },
            set(value) {
                const lazy = lazyHolder(this, key);
                // Set on the resource itself: it replaces the property (the Output is never made);
                // through an object made from it (Object.create), the value is that object's own.
                // A frozen resource's property is read-only, as the SDK's was: this throws what
                // strict assigning code got (sloppy code's, ignored as published, throws too: 6.).
                if (lazy !== undefined && lazy.resource === this && Object.isFrozen(this)) throw readOnly(this, key);
                if (lazy !== undefined && lazy.resource === this) lazy.keep(key, value, ignoreAnswer);
                else Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
            },
            enumerable: true,
            configurable: true,
        };
        lazyGetters.add(accessor.get);
        if (accessors.size > KEPT_MAX) accessors.clear();
        accessors.set(key, accessor);
    }
    return accessor;
}

// 7. (In 6.'s transferProperties.) Each of the four promises of a property gets a context text
// for debuggablePromise: `transferProperty(${label}, ${k}, ${propString})` and three more, where
// `propString` is the input's text, made at once (`safeToString`: `${v}`, which for a list of
// Outputs builds an OutputToStringError per element) and kept by the property's accessor until it
// is read. Under the untraced debuggablePromise of 1. (`contextsUnread`) nothing reads those
// texts, so they are not made (~7 % of a plan's CPU), except
// where making the input's text could run the program's code or throw (a toString of its own, a
// getter, a symbol, a class instance, a Proxy that is not an Output: `quietText` below): there it
// is made as before, and throws as before.
const { isProxy } = require("util").types;
const { hasOwnProperty } = Object.prototype;
const BUILTINS = { objectToString: Object.prototype.toString, arrayToString: Array.prototype.toString, arrayJoin: Array.prototype.join };
/**
 * Whether `${value}` (the SDK's safeToString) only reads data: it calls none of the program's code
 * (no toString or valueOf of its own, no getter on those, no Proxy trap) and throws nothing
 * safeToString does not catch. True for strings, numbers, booleans, bigints, null, undefined,
 * Outputs (their toString builds a message, or throws the OutputToStringError safeToString
 * catches), plain objects and plain lists of these. `notOutput`: the caller knows the value is no
 * Output (transferProperties asked, as the SDK does). (Whether a list's element is an Output is
 * asked of it, reading its `__pulumiOutput`, which the SDK's serializer reads of every input value
 * too, list elements included: of an element that is a Proxy but no Output, that is one read more
 * than its text alone would have made.)
 */
function quietText(value, notOutput = false, depth = 0) {
    switch (typeof value) {
        case "string":
        case "number":
        case "boolean":
        case "bigint":
        case "undefined":
            return true;
        case "object":
            break;
        default:
            return false; // a symbol throws a TypeError; a function's text could be its own
    }
    if (value === null) return true;
    if (!notOutput && value.__pulumiOutput === true) return true;
    if (isProxy(value) || depth > 8) return false;
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype) {
        return Object.prototype.toString === BUILTINS.objectToString && Object.prototype[Symbol.toPrimitive] === undefined && Object.prototype[Symbol.toStringTag] === undefined && noTextOfItsOwn(value);
    }
    if (proto === Array.prototype && Array.isArray(value)) {
        if (Array.prototype.toString !== BUILTINS.arrayToString || Array.prototype.join !== BUILTINS.arrayJoin || Array.prototype[Symbol.toPrimitive] !== undefined || !noTextOfItsOwn(value) || hasOwnProperty.call(value, "join")) return false;
        for (let i = 0; i < value.length; i++) {
            const element = value[i];
            if (element !== undefined && element !== null && !quietText(element, false, depth + 1)) return false;
        }
        return true;
    }
    return false; // a class instance, an object without a prototype: made as before
}
/** No property of its own that turning it into text would call or read. */
function noTextOfItsOwn(value) {
    return !hasOwnProperty.call(value, "toString") && !hasOwnProperty.call(value, "valueOf") && !hasOwnProperty.call(value, Symbol.toPrimitive) && !hasOwnProperty.call(value, Symbol.toStringTag);
}

// 8. The SDK's closure serializer (runtime/closure/createClosure.js, for
// `pulumi.runtime.serializeFunction`: dynamic providers, callback functions) serializes an
// accessor's getter and setter, not its value. A function that captures a resource would then
// capture 2.'s and 6.'s accessors (and this file, through them) instead of the Outputs the SDK
// made at once, and fail where it runs (review-9 S1). Here the serializer reads each lazy
// property of an object before it takes the property's descriptor, which makes the property the
// data property the SDK made (a frozen or sealed resource's stays an accessor: the descriptor the
// SDK's would have is given instead), so a serialized function is the SDK's to the character
// (test/sdk-patches.spec.ts).
const SDK_CLOSURE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]createClosure\.js$/;
const CLOSURE_PATCHES = [
    [
        `            const desc = Object.getOwnPropertyDescriptor(current, key);
`,
        `            const desc = require(${JSON.stringify(__filename)}).descriptorOf(current, key);
`,
    ],
    [
        `        const descriptor = Object.getOwnPropertyDescriptor(obj, name);
`,
        `        const descriptor = require(${JSON.stringify(__filename)}).descriptorOf(obj, name);
`,
    ],
];
/** The SDK's runtime/closure/createClosure.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedClosure(source) {
    return replacedOnce(source, CLOSURE_PATCHES);
}
/** `Object.getOwnPropertyDescriptor(obj, key)` as the SDK as published would give it: a lazy property is read first. */
function descriptorOf(obj, key) {
    const descriptor = Object.getOwnPropertyDescriptor(obj, key);
    if (descriptor === undefined || !lazyGetters.has(descriptor.get)) return descriptor;
    const value = obj[key];
    const now = Object.getOwnPropertyDescriptor(obj, key);
    if (!lazyGetters.has(now.get)) return now;
    // Frozen or sealed: the SDK's data property would be non-configurable, and read-only if frozen.
    return { value, writable: !Object.isFrozen(obj), enumerable: now.enumerable, configurable: false };
}

// 9. Loading the SDK (`require("@pulumi/pulumi")`, which every plan, `pulumi up` and each test
// process does) loaded the TypeScript compiler (runtime/closure/parseFunction.js's
// `require("../../typescript-shim")`, ~9 MB of JavaScript to compile) and npm's arborist
// (runtime/closure/codePaths.js: pacote, tar, ~450 modules) and normalize-package-data: ~0.45 s of
// the SDK's ~0.65 s of CPU to load. Only the closure serializer (`serializeFunction`, dynamic
// providers) and `computeCodePaths` use them, inside their functions; here each is required when
// first used (the same module, from the same place), so a plan that serializes nothing never
// loads them. parseFunction.js uses `ts` only as `ts.<name>`, which the Proxy answers from the
// module; codePaths.js only `arborist.Arborist` and `normalize_package_data_1.default`, which the
// getters answer as `__importStar`/`__importDefault` of the module would.
const SDK_PARSE_FUNCTION = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]parseFunction\.js$/;
const PARSE_FUNCTION_PATCHES = [
    [
        `const ts = require("../../typescript-shim");
`,
        `let anycloudTs; const ts = new Proxy({}, { get: (_, key) => (anycloudTs === undefined ? (anycloudTs = require("../../typescript-shim")) : anycloudTs)[key] }); // (scripts/sdk-patches.js 9.: loaded when first used)
`,
    ],
];
const SDK_CODE_PATHS = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/]codePaths\.js$/;
const CODE_PATHS_PATCHES = [
    [
        `const normalize_package_data_1 = __importDefault(require("normalize-package-data"));
const arborist = __importStar(require("@npmcli/arborist"));
`,
        `const normalize_package_data_1 = { get default() { return __importDefault(require("normalize-package-data")).default; } }; // (scripts/sdk-patches.js 9.: loaded when first used)
const arborist = { get Arborist() { return __importStar(require("@npmcli/arborist")).Arborist; } };
`,
    ],
];
/** The SDK's runtime/closure/parseFunction.js with the TypeScript compiler loaded when first used, or undefined when the text is not there exactly once. */
function patchedParseFunction(source) {
    return replacedOnce(source, PARSE_FUNCTION_PATCHES);
}
/** The SDK's runtime/closure/codePaths.js with arborist and normalize-package-data loaded when first used, or undefined when the text is not there exactly once. */
function patchedCodePaths(source) {
    return replacedOnce(source, CODE_PATHS_PATCHES);
}

// 12. getAllTransitivelyReferencedResourceURNs (runtime/dependsOn.js) is how prepareResource turns
// a resource's dependencies into URNs: once for its `dependsOn` and once for each input property
// (the resources that property's Outputs came from). For most properties that set is empty (a
// plain value), and the SDK still runs its three async functions over it (the walk through
// components' children, with `await Promise.all([])`), ~10 promises for an empty answer. And a
// resource that depends on a component gets the URN of each custom resource under it, each
// through `r.urn.promise()` (three promises and an async function a URN) and a Promise.all: a
// ContainerService of a 100-service AWS topology depends on its network and load balancer, ~1250
// resources, so a plan made ~125,000 such URN promises (~15 % of what it allocated).
// Here an empty set (or none) skips the walk, whose answer (no resources) resumes the awaiting code
// at the turn the walk's last step did. And each resource's URN is kept once the SDK's own
// `promise()` of its URN Output resolved, with that Output (or, for the Output prepareResource
// made, once registerResource resolved it with the engine's answer and its state settled: a
// promise a resource instead of a `promise()`'s three): a walk takes a kept URN for a resource whose
// `urn` is still that Output instead of a new `r.urn.promise()`, and Promise.all waits only for
// the others, whose promises are made as the SDK made them (in order, one read of `urn` each).
// Its answer comes at the same turn: a kept URN's promise would have resolved two turns after the
// call, the earliest any URN's promise can, so the last of them to resolve is one still asked for;
// when every URN was kept, a chain of three turns stands for their promises and Promise.all's step. A URN not yet resolved, a rejected
// one (never kept) and anything else go the SDK's way. test/sdk-patches.spec.ts compares each case
// against marker chains and the SDK's own functions; every plan's registrations, in order, stay
// the same.
const SDK_DEPENDS_ON = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]dependsOn\.js$/;
const DEPENDS_ON_PATCHES = [
    [
        `const resource_1 = require("../resource");
`,
        `const resource_1 = require("../resource"); const anycloudPatches = require(${JSON.stringify(__filename)});
`,
    ],
    // (14.)
    [
        `                dos.push(...(await gatherExplicitDependencies(d)));
`,
        `                dos.push(...(anycloudPatches.plainResource(d, output_1, resource_1) ? await [d] : await gatherExplicitDependencies(d)));
`,
    ],
    [
        `    const transitivelyReachableCustomResources = await getAllTransitivelyReferencedResources(resources, exclude);
    const promises = transitivelyReachableCustomResources.map((r) => r.urn.promise());
    const urns = await Promise.all(promises);
`,
        `    const transitivelyReachableCustomResources = await (anycloudPatches.noResources(resources) ? anycloudPatches.afterTurns(anycloudPatches.EMPTY_WALK_TURNS, []) : getAllTransitivelyReferencedResources(resources, exclude));
    const anycloudUrns = anycloudPatches.urnsOf(transitivelyReachableCustomResources); const promises = anycloudUrns.promises;
    const urns = anycloudUrns.kept === undefined ? await Promise.all(promises) : anycloudUrns.merged(await (promises.length === 0 ? anycloudPatches.afterTurns(anycloudPatches.URN_PROMISE_TURNS, undefined) : Promise.all(promises)));
`,
    ],
];
/**
 * Whether gatherExplicitDependencies(d) would give `[d]` at once: the SDK's own tests, in its
 * order (truthy, not a list, not a Promise, not an Output, a Resource); for anything else the SDK's
 * function runs (and reads them again).
 */
function plainResource(d, output, resource) {
    return Boolean(d) && !Array.isArray(d) && !(d instanceof Promise) && !output.Output.isInstance(d) && resource.Resource.isInstance(d);
}
/** The SDK's runtime/dependsOn.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedDependsOn(source) {
    return replacedOnce(source, DEPENDS_ON_PATCHES);
}
/**
 * How many `then` turns the SDK's walk (getAllTransitivelyReferencedResources over no resources:
 * three nested async functions and an `await Promise.all([])`) takes to give its answer: measured on
 * KNOWN_SDK_FILES' dependsOn.js (test/sdk-patches.spec.ts).
 */
const EMPTY_WALK_TURNS = 3;
/**
 * How many `then` turns `await Promise.all(rs.map((r) => r.urn.promise()))` takes, after the
 * values, for URN Outputs already resolved (OutputImpl's `promise()`: a `then` on its lifted state
 * and the async getPromisedValue; Promise.all's own step): KNOWN_SDK_FILES' output.js.
 */
const URN_PROMISE_TURNS = 3;
/** Whether serializeProperty gives `value` back as it is, at once: a primitive, while the SDK logs none (11.). */
function sentAsIs(settings, value) {
    return !settings.excessiveDebugOutput && (value === undefined || value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string");
}
/** A promise of `value` that resolves `turns` microtask turns from now (then resumes its awaiter one turn later). */
function afterTurns(turns, value) {
    let p = Promise.resolve(value);
    for (let i = 0; i < turns; i++) p = p.then(same);
    return p;
}
/** Whether the SDK's walk would find nothing to walk: no resources, or an empty Set (what prepareResource passes). */
function noResources(resources) {
    return resources === undefined || resources === null || (Object.getPrototypeOf(resources) === Set.prototype && resources.size === 0);
}
/** Each resource's URN Output and its value, once the SDK's `promise()` of it resolved. */
const resolvedUrnOf = new WeakMap();
/** `output.promise()` of a resource's URN Output, kept once it resolved (for the next walk over the resource). */
function watchedUrn(resource, output) {
    const promise = output.promise();
    // (Once per Output: the one made when the engine answered usually came first.)
    if (watchedOutputOf.get(resource) !== output) {
        watchedOutputOf.set(resource, output);
        // (Promise.all's reaction is on the same promise: this adds no rejection handling it lacked.)
        promise.then((value) => {
            if (typeof value === "string") resolvedUrnOf.set(resource, { output, value });
        }, ignoreAnswer);
    }
    return promise;
}
/** The URN Output whose value each resource's watch waits for. */
const watchedOutputOf = new WeakMap();
/** The URN Output prepareResource made for each resource (runtime/resource.js). */
const urnOutputOf = new WeakMap();
function urnMade(resource) {
    urnOutputOf.set(resource, resource.urn);
}
/**
 * The engine answered the resource's registration with `urn`, which registerResource has just
 * resolved the URN Output prepareResource made with (its first and only resolution: no error, so
 * no earlier rejection): that Output's value is `urn` (its `promise()` gives a string as it is).
 * It is kept once the Output's own state is settled (its `isKnown`, derived from it, resolved): a
 * promise and a callback a resource, made when the engine answered.
 */
function urnAnswered(resource, urn) {
    const output = urnOutputOf.get(resource);
    if (output === undefined || typeof urn !== "string") return;
    watchedOutputOf.set(resource, output);
    output.isKnown.then(() => {
        if (!resolvedUrnOf.has(resource)) resolvedUrnOf.set(resource, { output, value: urn });
    }, ignoreAnswer);
}
/**
 * `rs.map((r) => r.urn.promise())` for the resources whose URN was not kept (`promises`, made in
 * the same order, each resource's `urn` read once as the SDK does), and the kept URNs of the others
 * (`kept`, undefined when none was: the SDK's own list), which `merged(values)` puts back in
 * order with the values Promise.all gave for the rest.
 */
function urnsOf(resources) {
    const promises = [];
    let kept;
    for (let i = 0; i < resources.length; i++) {
        const resource = resources[i];
        const output = resource.urn;
        const known = resolvedUrnOf.get(resource);
        if (known !== undefined && known.output === output) {
            if (kept === undefined) kept = new Array(resources.length).fill(NOT_KEPT);
            kept[i] = known.value;
        } else {
            promises.push(watchedUrn(resource, output));
        }
    }
    return { promises, kept, merged: (values) => mergedUrns(kept, values) };
}
const NOT_KEPT = Symbol("not kept");
function mergedUrns(kept, values) {
    let next = 0;
    for (let i = 0; i < kept.length; i++) if (kept[i] === NOT_KEPT) kept[i] = values[next++];
    return kept;
}

// 14. (In dependsOn.js.) gatherExplicitDependencies, for a `dependsOn` list, calls and awaits
// itself for each element, which for a resource (nearly always) only returns `[d]`: an async
// frame and promise each. The bench's replay floor passes each resource's recorded dependencies as
// `dependsOn`, ~1250 a ContainerService in 100 AWS services (~11 % of its allocation). Here a
// resource element is awaited as `[d]` itself, at the same turn (both await a settled promise
// of a new one-element list, whose `then` is looked up either way); the SDK's tests of the
// element are made in its order first. Anything else goes through the SDK's function.
//
// 13. output.js `containsUnknowns` (each Output's `isKnown`, each `promise()` of one, each apply)
// makes a Set for the objects it has seen and its inner function before it looks at the value,
// which is a string or another primitive nearly every time (every URN, id, name). Here a primitive
// gives `false` at once, as the SDK's `impl` does first thing; an object goes the SDK's way. It is
// synchronous and calls nothing of the value: no turn or result changes.
const SDK_OUTPUT = /[\\/]@pulumi[\\/]pulumi[\\/]output\.js$/;
const OUTPUT_PATCHES = [
    [
        `function containsUnknowns(value) {
    return impl(value, new Set());
`,
        `function containsUnknowns(value) { return value !== null && typeof value === "object" && containsUnknownsOfObject(value); } function containsUnknownsOfObject(value) { // (scripts/sdk-patches.js 13.)
    return impl(value, new Set());
`,
    ],
];
/** The SDK's output.js with every replacement made, or undefined when any text is not there exactly once. */
function patchedOutput(source) {
    return replacedOnce(source, OUTPUT_PATCHES);
}

// Each patched SDK file: its patches, and the SDK files (whole) whose code they rely on. 2.'s
// `__aliases` and 6.'s output properties are accessors that only 8. makes serialize as the SDK's
// data properties, so they also need createClosure.js to be the one 8. patches; 4. takes no stack
// only because runtime/resource.js does nothing with it but send it, so it needs that file too;
// 7. (in rpc.js) leaves out context texts because debuggable.js reads them only for its leak report;
// 10. (in runtime/resource.js) relies on that file reading a request's inputs only through getObject().
const SDK_PATCHED = [
    { test: SDK_RPC, file: "runtime/rpc.js", patch: patchedRpc, dependsOn: ["runtime/rpc.js", "output.js", "runtime/resource.js", "runtime/closure/createClosure.js", "runtime/debuggable.js"] },
    { test: SDK_RUNTIME_RESOURCE, file: "runtime/resource.js", patch: patchedRuntimeResource, dependsOn: ["runtime/resource.js", "output.js"] },
    { test: SDK_RESOURCE, file: "resource.js", patch: patchedResource, dependsOn: ["resource.js", "runtime/resource.js", "runtime/closure/createClosure.js"] },
    { test: SDK_CLOSURE, file: "runtime/closure/createClosure.js", patch: patchedClosure, dependsOn: ["runtime/closure/createClosure.js"] },
    { test: SDK_PARSE_FUNCTION, file: "runtime/closure/parseFunction.js", patch: patchedParseFunction, dependsOn: ["runtime/closure/parseFunction.js"] },
    { test: SDK_CODE_PATHS, file: "runtime/closure/codePaths.js", patch: patchedCodePaths, dependsOn: ["runtime/closure/codePaths.js"] },
    { test: SDK_OUTPUT, file: "output.js", patch: patchedOutput, dependsOn: ["output.js"] },
    { test: SDK_DEPENDS_ON, file: "runtime/dependsOn.js", patch: patchedDependsOn, dependsOn: ["runtime/dependsOn.js", "output.js"] },
];
/**
 * The patched text of the SDK file `filename`, or undefined when it is not one this file patches,
 * when any SDK file its patches rely on is not the known one, or when a replaced text is not there
 * (`read` reads a file: tests give one that changes a file).
 */
function patchedSdkFile(filename, read = readText) {
    for (const { test, file, patch, dependsOn } of SDK_PATCHED) {
        if (!test.test(filename)) continue;
        if (file === "runtime/rpc.js" && process.env.PULUMI_DEBUG_PROMISE_LEAKS) return undefined;
        let root = filename;
        for (let i = 0; i < file.split("/").length; i++) root = path.dirname(root);
        if (!knownSdkFiles(root, dependsOn, read)) return undefined;
        return patch(read(filename));
    }
    return undefined;
}

// 1.: loaded already when something loaded the SDK first; else when it loads.
for (const [file, loaded] of Object.entries(require.cache)) {
    if (SDK_DEBUGGABLE.test(file)) untracedPromises(loaded.exports, file);
}
const loadJavaScript = require.extensions[".js"];
require.extensions[".js"] = function (module, filename) {
    const patched = patchedSdkFile(filename);
    if (patched !== undefined) {
        module._compile(patched, filename);
        return;
    }
    loadJavaScript(module, filename);
    if (SDK_DEBUGGABLE.test(filename)) untracedPromises(module.exports, filename);
};

module.exports = { SDK_PATCHED, sentAsIs, plainResource, EMPTY_WALK_TURNS, URN_PROMISE_TURNS, afterTurns, noResources, urnsOf, urnMade, urnAnswered, patchedDependsOn, patchedOutput, REQUEST_READ_IN_PROCESS, setRequestObject, aliasValue, descriptorOf, lazyAliases, lazyOutputs, fileUrl, patchedClosure, patchedCodePaths, patchedParseFunction, patchedResource, patchedRpc, patchedRuntimeResource, patchedSdkFile, untracedPromises, sourcePositionsRead, quietText, KNOWN_SDK_FILES, OUTPUT_PROMISE_TURNS, SOURCE_POSITIONS_UNREAD };
