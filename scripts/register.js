// Lets Node run the project's TypeScript without compiling it at every start: each `.ts` file is
// loaded from the build `tsc` writes to bin/ (`npm run build`, and `npm test` before mocha) when
// that build was made from the file's current text, and transpiled in memory (like
// `ts-node --transpile-only`) only when it is missing or stale. A file keeps its own name, so
// `__dirname` and stack traces name the source. Used by `pulumi up` (main.js), `npm run plan`,
// `npm run deploy`, `npm run bench`, mocha and the tests' child processes (`node -r
// ./scripts/register.js file.ts`, instead of `-r ts-node/register/transpile-only`).
//
// Why not ts-node: it transpiles every file on every start, and its source-map hook formats the
// stack trace the Pulumi SDK captures for each of its promises (`debuggablePromise`); together
// about 45 % of a plan's CPU (issue #18).
"use strict";
const fs = require("fs");
const path = require("path");

// What the SDK does per resource, made cheaper without changing what it sends (before the SDK
// loads, when this file is the first thing Node loads; under `pulumi up` the CLI's runner has it
// from Pulumi.yaml's nodeargs).
require("./sdk-patches");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bin");

/** Source files this process transpiled because bin/ had no up-to-date build of them. */
const transpiled = [];
let compilerOptions;

/** Source maps (their `mappings`) of the files loaded, by source file name; decoded when a stack needs them. */
const maps = new Map();

function built(filename) {
    const rel = path.relative(ROOT, filename);
    if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep)[0] === "node_modules") {
        return undefined;
    }
    const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
    try {
        // Up to date when the source tsc compiled (kept in the map: `inlineSources`) is the file's
        // current text. Not by modification time: a file saved while tsc runs is older than the
        // output tsc writes afterwards from its earlier read.
        const map = JSON.parse(fs.readFileSync(`${js}.map`, "utf8"));
        if (!Array.isArray(map.sourcesContent) || map.sourcesContent[0] !== fs.readFileSync(filename, "utf8")) {
            return undefined;
        }
        const code = fs.readFileSync(js, "utf8");
        maps.set(filename, { mappings: map.mappings });
        return code;
    } catch {
        return undefined; // not built
    }
}

function transpile(filename) {
    const ts = require("typescript");
    if (compilerOptions === undefined) {
        const file = path.join(ROOT, "tsconfig.json");
        const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, ROOT);
        compilerOptions = { ...parsed.options, noEmit: false, sourceMap: true, inlineSourceMap: false, declaration: false };
    }
    transpiled.push(filename);
    const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions, fileName: filename });
    maps.set(filename, { mappings: JSON.parse(out.sourceMapText).mappings });
    return out.outputText;
}

const VLQ = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/** A tsc source map as, per generated line, its segments [generated column, source line, source column] (0-based). */
function decode(mappings) {
    const lines = [];
    let srcLine = 0;
    let srcCol = 0;
    for (const text of mappings.split(";")) {
        const segments = [];
        let genCol = 0;
        for (const segment of text ? text.split(",") : []) {
            const fields = [];
            for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
                const digit = VLQ.get(segment[i]);
                value += (digit & 31) << shift;
                shift += 5;
                if ((digit & 32) === 0) {
                    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
                    value = shift = 0;
                }
            }
            genCol += fields[0];
            if (fields.length >= 4) {
                srcLine += fields[2];
                srcCol += fields[3];
                segments.push([genCol, srcLine, srcCol]);
            }
        }
        lines.push(segments);
    }
    return lines;
}

/** Where a position in a compiled file comes from in its source (1-based), or undefined. */
function original(filename, line, column) {
    let map = maps.get(filename);
    if (!Array.isArray(map)) {
        try {
            map = decode(map.mappings);
        } catch {
            map = [];
        }
        maps.set(filename, map);
    }
    const segments = map[line - 1];
    if (!segments || segments.length === 0) {
        return undefined;
    }
    let found = segments[0];
    for (const s of segments) {
        if (s[0] > column - 1) break;
        found = s;
    }
    return { line: found[1] + 1, column: found[2] + 1 };
}

/**
 * A call site that reports the source position; every other method answers as the original. The
 * methods sit on its prototype, where formatters that copy call sites (source-map-support) look.
 */
function mappedFrame(frame, at) {
    const methods = {};
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(frame))) {
        if (/^(?:is|get)/.test(name)) {
            methods[name] = () => frame[name]();
        }
    }
    const file = frame.getFileName();
    const position = `${file}:${frame.getLineNumber()}:${frame.getColumnNumber()}`;
    methods.getLineNumber = () => at.line;
    methods.getColumnNumber = () => at.column;
    methods.toString = () => String(frame).replace(position, `${file}:${at.line}:${at.column}`);
    return Object.create(methods);
}

// Stack traces name the TypeScript line, as under ts-node, and stay cheap: the SDK captures the
// whole stack of each resource it registers (its source position). Only frames of files this loader loaded are looked up. With V8's own
// formatter, frames are formatted here the way it does; any other formatter (the Pulumi CLI's
// source-map-support) is handed call sites that report the source position.
const previous = Error.prepareStackTrace;
// (Node 20 installs `ErrorPrepareStackTrace`, older versions none or `defaultPrepareStackTrace`.)
const nodeDefault = previous === undefined || ["ErrorPrepareStackTrace", "defaultPrepareStackTrace"].includes(previous.name);
Error.prepareStackTrace = (error, frames) => {
    if (nodeDefault) {
        let text;
        try {
            text = Error.prototype.toString.call(error);
        } catch {
            text = "<error>";
        }
        for (const frame of frames) {
            const file = frame.getFileName();
            const at = file && maps.has(file) ? original(file, frame.getLineNumber(), frame.getColumnNumber()) : undefined;
            const line = String(frame);
            text += `\n    at ${at ? line.replace(`${file}:${frame.getLineNumber()}:${frame.getColumnNumber()}`, `${file}:${at.line}:${at.column}`) : line}`;
        }
        return text;
    }
    return previous(
        error,
        frames.map((frame) => {
            const file = frame.getFileName();
            const at = file && maps.has(file) ? original(file, frame.getLineNumber(), frame.getColumnNumber()) : undefined;
            return at ? mappedFrame(frame, at) : frame;
        }),
    );
};

require.extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(built(filename) ?? transpile(filename), filename);
};

module.exports = { transpiled };
