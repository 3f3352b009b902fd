// `npm test`: the two strict type checks (the project, and the policy pack under its own config,
// as the CLI's ts-node compiles it) and mocha, run at the same time; the run fails when any of
// them fails.
//
// The type checks are TypeScript 7's native compiler (`typescript-7`, the `typescript` package
// 7.x under another name): on this project ~3.5 s of CPU cold and ~2 s incremental, where
// TypeScript 5.9's `tsc` took ~21 s cold and ~10 s incremental, re-parsing 1.49 M lines of
// provider typings each time, on the same two cores mocha needs. TypeScript 5.9 (`typescript`)
// stays for what needs its JavaScript API, which 7.0 does not have: per-file transpiling in
// scripts/register.js (and here what TypeScript 7 did not emit, below), ts-node, and `npm run build`. Both read tsconfig.json; TypeScript 7 has
// no `node10` module resolution, so it resolves with `bundler`: the same 3,143 files as
// TypeScript 5.9's `node10` (compared with `--listFilesOnly`).
//
// mocha (and the processes the tests start) load the build in bin/ (scripts/register.js), so
// every source file whose build is missing or stale is first transpiled into bin/ (while the type
// checks run), per file with the project's options, as register.js would transpile it in memory.
// That is the same JavaScript tsc emits for this project (tsconfig.json sets `isolatedModules`:
// tsc refuses what per-file transpiling would compile differently), and the type checks still
// judge every file. The transpiling is TypeScript 7's too, without a type check or module
// resolution (`--noCheck --noResolve`: the stale files alone, ~1 s of CPU for all 257 files in
// a fresh clone, where TypeScript 5.9's transpileModule took ~7.7 s); for code that passes the
// type check it gives JavaScript byte for byte TypeScript 5.9's (test/transpile.spec.ts pins it;
// for code that fails it, see transpileStale), and its source maps name the same lines (columns
// differ at a few names; only stack traces read them). A file it does not emit (a syntax error
// anywhere in the batch stops its emit: tsconfig's `noEmitOnError`) is transpiled by TypeScript
// 5.9 as before. `npm run build` is TypeScript 5.9's `tsc`.
//
// The type checks are incremental (their state in bin/*.ts7.tsbuildinfo) and single-threaded
// (the native compiler's threads would only take CPU from mocha's workers).
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
/**
 * TypeScript 7's `tsc`: the native executable of its platform package, as its `bin/tsc` finds it
 * (lib/getExePath.js), started directly (the wrapper is a Node process, ~0.12 s of CPU each, that
 * on Node 20 only waits for it); the wrapper where that package is not found.
 */
const TSC7 = (() => {
    const dir = path.dirname(require.resolve("typescript-7/package.json"));
    try {
        const pkg = require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, { paths: [dir] });
        const exe = path.join(path.dirname(pkg), "lib", process.platform === "win32" ? "tsc.exe" : "tsc");
        if (fs.existsSync(exe)) return [exe];
    } catch {
        // not installed for this platform: the wrapper says why
    }
    return [process.execPath, path.join(dir, "bin", "tsc")];
})();
/** What both type checks run with, beside their tsconfig (see the top of this file). */
const TS7_ARGS = ["--noEmit", "--moduleResolution", "bundler", "--singleThreaded", "--incremental"];

/**
 * The options a file is transpiled with: the project's, with the source kept in the map (its
 * up-to-date check in scripts/register.js), as register.js transpiles it.
 */
const EMIT_OPTIONS = { noEmit: false, sourceMap: true, inlineSources: true, inlineSourceMap: false, declaration: false };

/** A project's source files (absolute), as its tsconfig.json selects them (TypeScript 7's `--showConfig`, a few ms). */
function sourceFiles(root = ROOT) {
    const shown = spawnSync(TSC7[0], [...TSC7.slice(1), "-p", root, "--showConfig"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
    if (shown.status !== 0) throw new Error(`tsc --showConfig failed (exit ${shown.status}): ${shown.stdout}${shown.stderr}`);
    return JSON.parse(shown.stdout).files.map((f) => path.resolve(root, f));
}

/** Where a source file of the project in `root` has its build: under `out` (bin/) at its path under `root`. */
const builtPath = (file, root = ROOT, out = path.join(root, "bin")) => path.join(out, path.relative(root, file).replace(/\.ts$/, ".js"));

/** The source files whose build in bin/ was not made from their current text (the marker register.js checks). */
function staleFiles(files, root) {
    return files.filter((file) => {
        try {
            return JSON.parse(fs.readFileSync(`${builtPath(file, root)}.map`, "utf8")).sourcesContent[0] !== fs.readFileSync(file, "utf8");
        } catch {
            return true; // no build of it yet
        }
    });
}

/**
 * TypeScript 7's per-file transpiling of `files` into `outDir` (their paths under it as under the
 * project root): the project's options and EMIT_OPTIONS, no type check, no module resolution, no
 * type packages (nothing it emits depends on them: `isolatedModules`). Resolves to run()'s result;
 * with tsconfig's `noEmitOnError` a syntax error in any of them leaves `outDir` without output.
 */
function emitWithTypeScript7(files, outDir, root = ROOT) {
    fs.mkdirSync(outDir, { recursive: true });
    const config = path.join(outDir, "tsconfig.json");
    const compilerOptions = { ...EMIT_OPTIONS, outDir, rootDir: root, moduleResolution: "bundler", noCheck: true, noResolve: true, types: [] };
    fs.writeFileSync(config, JSON.stringify({ extends: path.join(root, "tsconfig.json"), compilerOptions, files, include: [] }));
    return run("tsc (transpiling)", [...TSC7, "-p", config, "--singleThreaded"], true);
}

/**
 * Transpiles into bin/ each source file whose build there was not made from its current text, and
 * returns the maps it wrote (each also pushed to `written` as it is written) and how many of them
 * TypeScript 5.9 made. TypeScript 7 transpiles them into a scratch directory; a file it did not
 * emit, or emitted from other text than the file has now, or all of them when it did not exit
 * cleanly (a crash may leave a file half-written), is transpiled by TypeScript 5.9's
 * transpileModule. Each file is written to a temporary name and renamed (the JavaScript first,
 * then its map, the "made from this text" marker), so a reader at the same moment (`pulumi up`,
 * register.js) never finds half-written JavaScript marked current.
 *
 * TypeScript 7 compiles the stale files as one program, so where one of them imports another it
 * knows the other's types, as per-file transpiling does not: for code that passes the type check
 * (`isolatedModules` refuses the rest) the JavaScript is the same, byte for byte; for code that
 * fails it (a type re-exported without `export type`, say), it can differ. So main() removes the
 * maps written when a type check fails or the run is interrupted.
 */
async function transpileStale(files, root = ROOT, written = []) {
    const stale = staleFiles(files, root);
    if (stale.length === 0) return { written, byTypeScript5: 0 };
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-transpile-"));
    let byTypeScript5 = 0;
    try {
        const emit = await emitWithTypeScript7(stale, scratch, root);
        let ts;
        let compilerOptions;
        for (const file of stale) {
            const js = builtPath(file, root);
            const source = fs.readFileSync(file, "utf8");
            const staged = builtPath(file, root, scratch);
            let out;
            try {
                const map = emit.code === 0 ? JSON.parse(fs.readFileSync(`${staged}.map`, "utf8")) : undefined;
                if (map !== undefined && map.sourcesContent[0] === source) out = { js: fs.readFileSync(staged, "utf8"), map };
            } catch {
                // not emitted
            }
            if (out === undefined) {
                if (ts === undefined) {
                    ts = require("typescript");
                    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile).config, ts.sys, root);
                    compilerOptions = { ...config.options, ...EMIT_OPTIONS };
                }
                byTypeScript5++;
                const emitted = ts.transpileModule(source, { compilerOptions, fileName: file });
                out = { js: emitted.outputText, map: JSON.parse(emitted.sourceMapText) };
            }
            out.map.sources = [path.relative(path.dirname(js), file).split(path.sep).join("/")];
            fs.mkdirSync(path.dirname(js), { recursive: true });
            writeAtomically(js, out.js);
            writeAtomically(`${js}.map`, JSON.stringify(out.map));
            written.push(`${js}.map`);
        }
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    return { written, byTypeScript5 };
}

function writeAtomically(file, text) {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}

/** The processes run() started that have not ended (a signal to this one is passed on to them). */
const running = new Set();

/** Runs a command ([executable, ...args]); its output is kept (tsc) or goes straight to the terminal (mocha). */
function run(label, command, keepOutput) {
    return new Promise((resolve) => {
        const child = spawn(command[0], command.slice(1), { cwd: ROOT, stdio: keepOutput ? ["ignore", "pipe", "pipe"] : "inherit" });
        running.add(child);
        child.on("exit", () => running.delete(child));
        let output = "";
        if (keepOutput) {
            child.stdout.on("data", (d) => (output += d));
            child.stderr.on("data", (d) => (output += d));
        }
        child.on("error", (e) => resolve({ label, code: 1, output: String(e) }));
        child.on("close", (code, signal) => resolve({ label, code: code ?? (signal ? 1 : 0), output }));
    });
}

/** The maps this run wrote into bin/: removed when a type check fails or the run is interrupted (see transpileStale). */
const writtenThisRun = [];
/** Whether both type checks passed (the maps written stay). */
let typeChecksPassed = false;

/** Removes the maps written this run, unless the type checks passed: register.js then transpiles those files itself. */
function dropUncheckedBuilds() {
    if (typeChecksPassed) return;
    for (const map of writtenThisRun) fs.rmSync(map, { force: true });
}

async function main() {
    const started = Date.now();
    // Ctrl-C or a cancelled CI job: the type checks and mocha end too (a terminal signals them
    // itself; a signal to this process alone is passed on), and what was written and not yet
    // checked must not stay marked current.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
        process.on(signal, () => {
            for (const child of running) child.kill(signal);
            dropUncheckedBuilds();
            process.exit(128 + os.constants.signals[signal]);
        });
    }
    // The type checks read only the sources, so they start first and run while this process
    // transpiles (in a fresh clone, every file).
    const typeCheck = (label, args) => run(label, [...TSC7, ...args, ...TS7_ARGS], true);
    const typeChecks = [
        typeCheck("tsc (the project)", ["--tsBuildInfoFile", path.join("bin", "typecheck.ts7.tsbuildinfo")]),
        typeCheck("tsc -p policy", ["-p", "policy", "--tsBuildInfoFile", path.join("bin", "policy.ts7.tsbuildinfo")]),
    ];
    Promise.all(typeChecks).then((checks) => (typeChecksPassed = checks.every((r) => r.code === 0)));
    const { written: maps, byTypeScript5 } = await transpileStale(sourceFiles(), ROOT, writtenThisRun);
    const fallback = byTypeScript5 > 0 ? ` (${byTypeScript5} by TypeScript 5.9: TypeScript 7 emitted none for them)` : "";
    console.log(`npm test: ${maps.length} file(s) transpiled into bin/${fallback} while the type checks ran; mocha started`);
    const mochaArgs = [process.execPath, require.resolve("mocha/bin/mocha.js"), ...process.argv.slice(2)];
    const results = await Promise.all([...typeChecks, run("mocha", mochaArgs, false)]);
    let failed = false;
    for (const r of results) {
        if (r.output.trim()) console.log(`\n${r.label}:\n${r.output.trimEnd()}`);
        if (r.code !== 0) {
            failed = true;
            console.error(`npm test: ${r.label} failed (exit ${r.code})`);
        }
    }
    typeChecksPassed = results.slice(0, 2).every((r) => r.code === 0);
    // Code that failed its type check must not pass for a build: without these maps register.js
    // transpiles those files again in memory, and main.js warns that `pulumi up` runs sources no
    // type check passed, as it did before npm test wrote them.
    dropUncheckedBuilds();
    console.log(`npm test: ${failed ? "FAILED" : "passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
    process.exitCode = failed ? 1 : 0;
}

module.exports = { EMIT_OPTIONS, emitWithTypeScript7, sourceFiles, transpileStale };

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exitCode = 1;
    });
}
