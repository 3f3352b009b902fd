import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "./harness";

/**
 * `npm test` (scripts/test.js) transpiles the source files whose build in bin/ is stale with
 * TypeScript 7 (no type check, no module resolution), and `pulumi up`, `npm run plan` and the
 * tests then run that JavaScript: it has to be what TypeScript 5.9's per-file transpiling makes of
 * the same file (scripts/register.js in memory; `npm run build`'s tsc, `isolatedModules`).
 */
const testScript = require(path.join(ROOT, "scripts", "test.js")) as {
    EMIT_OPTIONS: ts.CompilerOptions;
    sourceFiles(root?: string): string[];
    emitWithTypeScript7(files: string[], outDir: string, root?: string): Promise<{ code: number; output: string }>;
    transpileStale(files: string[], root?: string): Promise<{ written: string[]; byTypeScript5: number }>;
};

/** TypeScript 5.9's transpileModule of a file with a project's options, as register.js transpiles it. */
function transpiledBy59(file: string, root: string) {
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile).config, ts.sys, root);
    return ts.transpileModule(fs.readFileSync(file, "utf8"), { compilerOptions: { ...config.options, ...testScript.EMIT_OPTIONS }, fileName: file });
}

// Each construct whose JavaScript the compiler writes itself, not only strips types from (module
// interop helpers, hoisted exports, import elision, class fields, enums, private names): the sample
// is the smallest source file that has it (TypeScript 5.9 takes ~0.1 s of CPU for 10 kB here).
const CONSTRUCTS: Record<string, RegExp> = {
    "import * as": /^import \* as /m,
    "import = require": /^import \w+ = require\(/m,
    "a type-only import": /^import type /m,
    "a re-export": /^export \{[^}]*\} from /m,
    "export =": /^export = /m,
    "an exported const and function": /^export const [^]*^export function /m,
    "an enum": /^(export )?(const )?enum /m,
    "a class field": /^\s+(private |public |protected |readonly |static )*\w+[?!]?: [^=;(]+;$/m,
    "parameter properties": /constructor\([^)]*\b(private|public|protected|readonly) /,
    "a private name": /\bthis\.#\w+/,
    "a dynamic import": /\bimport\(/,
};

describe("npm test's transpiling (scripts/test.js): TypeScript 7 without a type check", () => {
    const files = testScript.sourceFiles();
    const texts = new Map(files.map((f) => [f, fs.readFileSync(f, "utf8")]));
    const sample = new Set<string>();
    const bySize = [...files].sort((a, b) => texts.get(a)!.length - texts.get(b)!.length);
    for (const re of Object.values(CONSTRUCTS)) {
        const smallest = bySize.find((f) => re.test(texts.get(f)!));
        if (smallest) sample.add(smallest);
    }
    let out: string;
    before(async function () {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-transpile-spec-"));
        const result = await testScript.emitWithTypeScript7([...sample], out);
        assert.strictEqual(result.code, 0, result.output);
    });
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("finds the project's source files as TypeScript 5.9 reads tsconfig.json", () => {
        const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT);
        assert.deepStrictEqual([...files].sort(), config.fileNames.map((f) => path.resolve(f)).sort());
    });

    it("gives, for every file of the sample, TypeScript 5.9's transpileModule JavaScript byte for byte", () => {
        const differ = [...sample].filter((f) => fs.readFileSync(path.join(out, path.relative(ROOT, f).replace(/\.ts$/, ".js")), "utf8") !== transpiledBy59(f, ROOT).outputText);
        assert.deepStrictEqual(
            differ.map((f) => path.relative(ROOT, f)),
            [],
        );
    });

    it("keeps each file's text in its source map, the mark of a build made from it (scripts/register.js)", () => {
        const unmarked = [...sample].filter((f) => JSON.parse(fs.readFileSync(path.join(out, path.relative(ROOT, f).replace(/\.ts$/, ".js.map")), "utf8")).sourcesContent[0] !== texts.get(f));
        assert.deepStrictEqual(unmarked, []);
    });
});

describe("npm test's transpiling into bin/ (scripts/test.js transpileStale), in a scratch project", () => {
    let dir: string;
    const SOURCES: Record<string, string> = {
        "a.ts": 'import { b } from "./lib/b";\nexport const a: string = `a${b}`;\n',
        "lib/b.ts": "export enum B { x = 1 }\nexport const b = B.x;\n",
        "lib/current.ts": "export const current = 1;\n",
    };
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-transpile-"));
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", rootDir: ".", outDir: "bin", noEmitOnError: true, isolatedModules: true, sourceMap: true, inlineSources: true, types: [] }, include: ["**/*.ts"], exclude: ["bin"] }));
        for (const [file, text] of Object.entries(SOURCES)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
        }
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** bin/'s JavaScript of a file and the text its map says it was made from. */
    const built = (file: string) => ({
        js: fs.readFileSync(path.join(dir, "bin", file.replace(/\.ts$/, ".js")), "utf8"),
        madeFrom: JSON.parse(fs.readFileSync(path.join(dir, "bin", file.replace(/\.ts$/, ".js.map")), "utf8")).sourcesContent[0],
        sources: JSON.parse(fs.readFileSync(path.join(dir, "bin", file.replace(/\.ts$/, ".js.map")), "utf8")).sources,
    });

    it("writes each stale file's JavaScript and map (made from its current text, naming it) and leaves current ones alone", async () => {
        const first = await testScript.transpileStale(testScript.sourceFiles(dir), dir);
        assert.deepStrictEqual({ written: first.written.map((m) => path.relative(dir, m)).sort(), byTypeScript5: first.byTypeScript5 }, { written: ["bin/a.js.map", "bin/lib/b.js.map", "bin/lib/current.js.map"], byTypeScript5: 0 });
        fs.writeFileSync(path.join(dir, "a.ts"), SOURCES["a.ts"].replace("`a${b}`", "`A${b}`"));
        const second = await testScript.transpileStale(testScript.sourceFiles(dir), dir);
        assert.deepStrictEqual(second.written.map((m) => path.relative(dir, m)), ["bin/a.js.map"]);
        for (const file of Object.keys(SOURCES)) {
            const b = built(file);
            assert.deepStrictEqual({ js: b.js, madeFrom: b.madeFrom, sources: b.sources }, { js: transpiledBy59(path.join(dir, file), dir).outputText, madeFrom: fs.readFileSync(path.join(dir, file), "utf8"), sources: [path.relative(path.dirname(path.join(dir, "bin", file)), path.join(dir, file))] }, file);
        }
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "bin"), { recursive: true }).filter((f) => String(f).endsWith(".tmp")), [], "no temporary file left");
    });

    it("uses none of TypeScript 7's output when it exits with an error, even where it wrote files (here an unknown option without noEmitOnError; in the project, with it, a crash that may leave a file half-written)", async () => {
        const tsconfig = path.join(dir, "tsconfig.json");
        const config = JSON.parse(fs.readFileSync(tsconfig, "utf8"));
        fs.writeFileSync(tsconfig, JSON.stringify({ ...config, compilerOptions: { ...config.compilerOptions, noEmitOnError: false, anycloudUnknownOption: true } }));
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-transpile-emit-"));
        try {
            const emit = await testScript.emitWithTypeScript7(testScript.sourceFiles(dir), scratch, dir);
            assert.notStrictEqual(emit.code, 0);
            assert.ok(fs.existsSync(path.join(scratch, "a.js")), "TypeScript 7 emitted nothing: this case no longer tells the exit code apart");
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
        const result = await testScript.transpileStale(testScript.sourceFiles(dir), dir);
        assert.deepStrictEqual({ written: result.written.length, byTypeScript5: result.byTypeScript5 }, { written: 3, byTypeScript5: 3 });
    });

    it("transpiles with TypeScript 5.9 what TypeScript 7 did not emit (a syntax error in the batch: noEmitOnError), from the current text", async () => {
        fs.writeFileSync(path.join(dir, "lib/b.ts"), SOURCES["lib/b.ts"] + "const = ;\n");
        const result = await testScript.transpileStale(testScript.sourceFiles(dir), dir);
        assert.deepStrictEqual({ written: result.written.length, byTypeScript5: result.byTypeScript5 }, { written: 3, byTypeScript5: 3 });
        for (const file of Object.keys(SOURCES)) {
            assert.deepStrictEqual(built(file).madeFrom, fs.readFileSync(path.join(dir, file), "utf8"), file);
            assert.strictEqual(built(file).js, transpiledBy59(path.join(dir, file), dir).outputText, file);
        }
    });
});
