// `npm test`: the two strict type checks (the project, and the policy pack under its own config,
// as the CLI's ts-node compiles it) and mocha, run at the same time; the run fails when any of
// them fails.
//
// The type checks are TypeScript 7's native compiler (`typescript-7`, the `typescript` package
// 7.x under another name): on this project ~3.5 s of CPU cold and ~2 s incremental, where
// TypeScript 5.9's `tsc` took ~21 s cold and ~10 s incremental, re-parsing 1.49 M lines of
// provider typings each time, on the same two cores mocha needs. TypeScript 5.9 (`typescript`)
// stays for what needs its JavaScript API, which 7.0 does not have: per-file transpiling here and
// in scripts/register.js, ts-node, and `npm run build`. Both read tsconfig.json; TypeScript 7 has
// no `node10` module resolution, so it resolves with `bundler`: the same 3,143 files as
// TypeScript 5.9's `node10` (compared with `--listFilesOnly`).
//
// mocha (and the processes the tests start) load the build in bin/ (scripts/register.js), so
// every source file whose build is missing or stale is first transpiled into bin/ (while the type
// checks run), as register.js would transpile it in memory: per file, with the project's compiler options. That
// is the same JavaScript tsc emits for this project (tsconfig.json sets `isolatedModules`: tsc
// refuses what per-file transpiling would compile differently), and the type checks still judge
// every file. `npm run build` is TypeScript 5.9's `tsc`.
//
// The type checks are incremental (their state in bin/*.ts7.tsbuildinfo) and single-threaded
// (the native compiler's threads would only take CPU from mocha's workers).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bin");
/** TypeScript 7's `tsc` (its package exports no `bin/`, so from its package.json's directory). */
const TSC7 = path.join(path.dirname(require.resolve("typescript-7/package.json")), "bin", "tsc");
/** What both type checks run with, beside their tsconfig (see the top of this file). */
const TS7_ARGS = ["--noEmit", "--moduleResolution", "bundler", "--singleThreaded", "--incremental"];

/**
 * Transpiles into bin/ each source file whose build there was not made from its current text, and
 * returns the maps it wrote. Each file is written to a temporary name and renamed (the JavaScript
 * first, then its map, the "made from this text" marker), so an interrupted run or a reader at the
 * same moment (`pulumi up`, register.js) never finds old or half-written JavaScript marked current.
 */
function transpileStale() {
    const ts = require("typescript");
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT);
    // As scripts/register.js transpiles a file, with the source kept in the map (its up-to-date check).
    const compilerOptions = { ...config.options, noEmit: false, sourceMap: true, inlineSources: true, inlineSourceMap: false, declaration: false };
    const written = [];
    for (const file of config.fileNames) {
        const rel = path.relative(ROOT, file);
        const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        const source = fs.readFileSync(file, "utf8");
        try {
            if (JSON.parse(fs.readFileSync(`${js}.map`, "utf8")).sourcesContent[0] === source) continue;
        } catch {
            // no build of it yet
        }
        const out = ts.transpileModule(source, { compilerOptions, fileName: file });
        const map = JSON.parse(out.sourceMapText);
        map.sources = [path.relative(path.dirname(js), file).split(path.sep).join("/")];
        fs.mkdirSync(path.dirname(js), { recursive: true });
        writeAtomically(js, out.outputText);
        writeAtomically(`${js}.map`, JSON.stringify(map));
        written.push(`${js}.map`);
    }
    return written;
}

function writeAtomically(file, text) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}

/** Runs a command; its output is kept (type checks) or goes straight to the terminal (mocha). */
function run(label, args, keepOutput) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: keepOutput ? ["ignore", "pipe", "pipe"] : "inherit" });
        let output = "";
        if (keepOutput) {
            child.stdout.on("data", (d) => (output += d));
            child.stderr.on("data", (d) => (output += d));
        }
        child.on("error", (e) => resolve({ label, code: 1, output: String(e) }));
        child.on("close", (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0), output }));
    });
}

async function main() {
    const started = Date.now();
    // The type checks read only the sources, so they start first and run while this process
    // transpiles (in a fresh clone, every file: ~13 s of CPU mocha has to wait for).
    const typeChecks = [
        run("tsc (the project)", [TSC7, ...TS7_ARGS, "--tsBuildInfoFile", path.join("bin", "typecheck.ts7.tsbuildinfo")], true),
        run("tsc -p policy", [TSC7, "-p", "policy", ...TS7_ARGS, "--tsBuildInfoFile", path.join("bin", "policy.ts7.tsbuildinfo")], true),
    ];
    const maps = transpileStale();
    console.log(`npm test: ${maps.length} file(s) transpiled into bin/ while the type checks ran; mocha started`);
    const mochaArgs = [require.resolve("mocha/bin/mocha.js"), ...process.argv.slice(2)];
    const results = await Promise.all([...typeChecks, run("mocha", mochaArgs, false)]);
    let failed = false;
    for (const r of results) {
        if (r.output.trim()) console.log(`\n${r.label}:\n${r.output.trimEnd()}`);
        if (r.code !== 0) {
            failed = true;
            console.error(`npm test: ${r.label} failed (exit ${r.code})`);
        }
    }
    if (results.slice(0, 2).some((r) => r.code !== 0)) {
        // Code that failed its type check must not pass for a build: without these maps
        // register.js transpiles those files again in memory, and main.js warns that `pulumi up`
        // runs sources no type check passed, as it did before npm test wrote them.
        for (const map of maps) fs.rmSync(map, { force: true });
    }
    console.log(`npm test: ${failed ? "FAILED" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
    process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
