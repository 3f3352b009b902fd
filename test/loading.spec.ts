import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { baseline } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const CLOUD_PACKAGES = ["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure-native"];

/**
 * What a fresh process loads when it runs one stack through the entry point `pulumi up` runs
 * (Pulumi.yaml's `main`, plain JavaScript: the CLI does not transpile), under the offline engine.
 */
function freshRun(cloud: string): { sdks: string[]; resources: number } {
    const script = `
        const { runOffline } = require("./stacks/offline");
        const { readStackConfig, projectName, setConfigValue } = require("./stacks/stack-files");
        const main = require("yaml").parse(require("fs").readFileSync("Pulumi.yaml", "utf8")).main;
        const config = readStackConfig(".", "Pulumi.dev.yaml");
        setConfigValue(config, "cloud", ${JSON.stringify(cloud)});
        runOffline({ project: projectName("."), stack: "dev", config, program: () => require(require("path").resolve(main)) }).then((run) => {
            const loaded = new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/(@pulumi\\/[^/]+)\\//) || [])[1]).filter(Boolean));
            console.log(JSON.stringify({ loaded: [...loaded], resources: run.resources.length }));
        });`;
    const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split("\n").pop()!) as { loaded: string[]; resources: number };
    return { sdks: out.loaded.filter((p) => CLOUD_PACKAGES.includes(p)).sort(), resources: out.resources };
}

describe("only the chosen cloud's code is loaded", () => {
    for (const [cloud, expected] of [["local", []], ["aws", ["@pulumi/aws"]], ["gcp", ["@pulumi/gcp"]], ["azure", ["@pulumi/azure-native"]]] as const) {
        it(`a ${cloud} stack loads ${expected.length ? expected.join(", ") : "no cloud SDK"}, run through pulumi up's entry point`, async () => {
            const run = freshRun(cloud);
            assert.deepStrictEqual(run.sdks, [...expected]);
            assert.strictEqual(run.resources, (await baseline({ stack: "dev", set: { cloud } })).resources.length);
        });
    }

    it("no file outside providers/ imports a cloud SDK, and azure-native only by submodule", () => {
        const offenders: string[] = [];
        const walk = (dir: string) => {
            for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
                const rel = path.join(dir, e.name);
                if (e.isDirectory()) walk(rel);
                else if (rel.endsWith(".ts")) {
                    const text = fs.readFileSync(path.join(ROOT, rel), "utf8");
                    const imports = [...text.matchAll(/from ["'](@pulumi\/(?:aws|gcp|azure-native|docker)[^"']*)["']/g)].map((m) => m[1]);
                    if (!rel.startsWith("providers/") && imports.length > 0) offenders.push(`${rel}: ${imports.join(", ")}`);
                    if (imports.includes("@pulumi/azure-native")) offenders.push(`${rel}: whole @pulumi/azure-native`);
                }
            }
        };
        for (const dir of ["stacks", "components", "providers", "scripts"]) walk(dir);
        assert.ok(!fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").includes("@pulumi/aws"));
        assert.deepStrictEqual(offenders, []);
    });
});
