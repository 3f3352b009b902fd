import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const CLOUD_PACKAGES = ["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure-native"];

/** Which cloud SDKs a fresh process has loaded after planning one stack for one cloud. */
function sdksLoadedFor(cloud: string): string[] {
    const script = `
        const { runOffline } = require("./stacks/offline");
        const { readStackConfig, projectName, setConfigValue } = require("./stacks/stack-files");
        const config = readStackConfig(".", "Pulumi.dev.yaml");
        setConfigValue(config, "cloud", ${JSON.stringify(cloud)});
        runOffline({ project: projectName("."), stack: "dev", config }).then(() => {
            const loaded = new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/(@pulumi\\/[^/]+)\\//) || [])[1]).filter(Boolean));
            console.log(JSON.stringify([...loaded]));
        });`;
    const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout.trim().split("\n").pop()!) as string[]).filter((p) => CLOUD_PACKAGES.includes(p)).sort();
}

describe("only the chosen cloud's code is loaded", () => {
    for (const [cloud, expected] of [["local", []], ["aws", ["@pulumi/aws"]], ["gcp", ["@pulumi/gcp"]], ["azure", ["@pulumi/azure-native"]]] as const) {
        it(`a ${cloud} stack loads ${expected.length ? expected.join(", ") : "no cloud SDK"}`, () => {
            assert.deepStrictEqual(sdksLoadedFor(cloud), [...expected]);
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
