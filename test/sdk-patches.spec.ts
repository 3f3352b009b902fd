import * as assert from "assert";
import * as fs from "fs";
import Module = require("module");
import * as os from "os";
import * as path from "path";
import * as url from "url";
import { ROOT } from "./harness";

/**
 * scripts/sdk-patches.js: what it changes in the SDK's resource.js must give what the SDK as
 * published gives. (This mocha process loaded the SDK after it, as `npm run plan` and `pulumi up`
 * do; the promise and alias changes are in test/register.spec.ts.)
 */
describe("the SDK's resource source positions under scripts/sdk-patches.js", () => {
    const patches = require(path.join(ROOT, "scripts", "sdk-patches.js"));
    const file = require.resolve("@pulumi/pulumi/resource.js", { paths: [ROOT] });
    const patched = require(file).Resource;
    /** The SDK's resource.js as published, compiled without the patches. */
    const published = (() => {
        const m = new (Module as any)(file, module);
        m.filename = file;
        m.paths = (Module as any)._nodeModulePaths(path.dirname(file));
        m._compile(fs.readFileSync(file, "utf8"), file);
        return m.exports.Resource;
    })();

    it("the installed SDK has every text the patches replace, and the loaded Resource is the patched one", () => {
        assert.ok(patches.patchedResource(fs.readFileSync(file, "utf8")) !== undefined, "@pulumi/pulumi/resource.js changed: update RESOURCE_PATCHES in scripts/sdk-patches.js");
        assert.match(String(patched.stackTrace), /fileUrl/);
        assert.doesNotMatch(String(published.stackTrace), /fileUrl/);
    });

    /** Each Resource's stack trace from one call site: the same frames for both. */
    const traces = () => [patched, published].map((R) => R.stackTrace(1));
    class Made {
        traces: unknown[];
        constructor() {
            this.traces = traces();
        }
    }
    const shapes: [string, () => Promise<unknown[]>][] = [
        ["a function", async () => traces()],
        ["a constructor", async () => new Made().traces],
        ["an async function after an await", async () => {
            await new Promise((r) => setImmediate(r));
            return traces();
        }],
        ["Promise.all", async () => (await Promise.all([(async () => {
            await null;
            return traces();
        })()]))[0]],
        ["eval'd code", async () => eval("traces()")],
        ["a callback of a native method", async () => [0].map(() => traces())[0]],
        ["a timer", () => new Promise((resolve) => setTimeout(() => resolve(traces()), 0))],
    ];
    for (const [where, shape] of shapes) {
        it(`Resource.stackTrace called from ${where} gives the published SDK's frames (the first time and when kept)`, async () => {
            for (let i = 0; i < 2; i++) {
                const [mine, theirs] = await shape();
                assert.ok(Array.isArray(theirs) && theirs.length > 0);
                assert.deepStrictEqual(mine, theirs);
            }
        });
    }

    it("a file URL is the SDK's for paths with characters a URL escapes (space, #, ?, %, non-ASCII), the first time and when kept", () => {
        for (const name of ["a b.ts", "a#b.ts", "a?b.ts", "a%20b.ts", "é.ts"]) {
            const file = path.join(ROOT, "odd dir", name);
            for (let i = 0; i < 2; i++) assert.strictEqual(patches.fileUrl(url, file), url.pathToFileURL(file).toString(), file);
        }
    });

    it("a file URL is kept for an absolute path only (a relative one depends on the working directory)", () => {
        const absolute = path.join(ROOT, "index.ts");
        assert.strictEqual(patches.fileUrl(url, absolute), url.pathToFileURL(absolute).toString());
        const first = [patches.fileUrl(url, "relative.js"), url.pathToFileURL("relative.js").toString()];
        const before = process.cwd();
        let moved: string[];
        try {
            process.chdir(os.tmpdir());
            moved = [patches.fileUrl(url, "relative.js"), url.pathToFileURL("relative.js").toString()];
        } finally {
            process.chdir(before);
        }
        assert.strictEqual(first[0], first[1]);
        assert.strictEqual(moved[0], moved[1]);
        assert.notStrictEqual(moved[0], first[0]);
    });
});
