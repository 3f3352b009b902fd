import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROPAGATION_WAIT_TYPE, providerCacheFile } from "../components/propagation-wait";
import { ROOT } from "./harness";

/**
 * PropagationWait is registered as `pulumi.dynamic.Resource` would register it, with the
 * serialized provider read from bin/.cache when an earlier run made it for the same SDK, Node and
 * provider text (serializing opens an inspector session: ~0.3 s of each Azure plan, issue #18).
 * The SDK's serializer runs in a child process: its inspector session, once open, stays open and
 * slows every later test of the process.
 */
describe("the PropagationWait dynamic resource", () => {
    interface Seen {
        sdk: { type: string; inputs: Record<string, unknown>; secretPaths: string[]; propertyDependencies: unknown };
        ours: { type: string; inputs: Record<string, unknown>; secretPaths: string[]; propertyDependencies: unknown };
        made: unknown;
        kept: unknown;
        readBack: string;
        remade: string;
        keys: [string, string];
        texts: [string, string];
    }
    let seen: Seen;
    let dir: string;

    before(function () {
        this.timeout(120000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-wait-"));
        const script = `
            const fs = require("fs");
            const pulumi = require("@pulumi/pulumi");
            const w = require("./components/propagation-wait");
            const { runOffline } = require("./stacks/offline");
            class SdkDynamic extends pulumi.dynamic.Resource {}
            const args = { after: ["grant-a", "grant-b"], seconds: 180, reason: "why" };
            (async () => {
                const run = await runOffline({ project: "anycloud", stack: "dev", config: { "anycloud:cloud": "local" }, program: async () => {
                    new SdkDynamic(w.propagationWaitProvider, "wait", { ...args }, undefined, "anycloud", "PropagationWait");
                    new w.PropagationWait("wait-too", args);
                    return {};
                } });
                const pick = (r) => ({ type: r.type, inputs: r.inputs, secretPaths: r.secretPaths, propertyDependencies: r.propertyDependencies });
                const file = ${JSON.stringify(path.join(dir, "cache", "provider.json"))};
                const made = await w.cachedSerialization(file);
                const kept = JSON.parse(fs.readFileSync(file, "utf8"));
                fs.writeFileSync(file, JSON.stringify({ text: "kept text", containsSecrets: false }));
                const readBack = (await w.cachedSerialization(file)).text;
                fs.writeFileSync(file, "{ not json");
                const remade = (await w.cachedSerialization(file)).text;
                const edited = { ...w.propagationWaitProvider, async delete() { /* edited */ } };
                const keys = [w.providerKey(edited), w.providerKey()];
                const texts = [(await w.serializeProvider(edited)).text, (await w.serializeProvider(w.propagationWaitProvider)).text];
                console.log(JSON.stringify({ sdk: pick(run.resources[0]), ours: pick(run.resources[1]), made, kept, readBack, remade, keys, texts }));
            })();`;
        const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
        assert.strictEqual(result.status, 0, result.stderr);
        seen = JSON.parse(result.stdout.trim().split("\n").pop()!) as Seen;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("registers what pulumi.dynamic.Resource registers: the type, the same inputs with the serialized provider, nothing secret", () => {
        assert.strictEqual(seen.ours.type, PROPAGATION_WAIT_TYPE);
        assert.strictEqual(seen.sdk.type, PROPAGATION_WAIT_TYPE);
        assert.strictEqual(JSON.stringify(seen.ours.inputs), JSON.stringify(seen.sdk.inputs));
        assert.deepStrictEqual(seen.ours.secretPaths, seen.sdk.secretPaths);
        assert.deepStrictEqual(seen.ours.propertyDependencies, seen.sdk.propertyDependencies);
        assert.match(String(seen.ours.inputs.__provider), /^exports\.handler = __f0;/);
    });

    it("serializes the provider exactly as the SDK does, and keeps it for a later run, which reads the same text", () => {
        assert.deepStrictEqual(seen.made, { text: seen.sdk.inputs.__provider, containsSecrets: false });
        assert.deepStrictEqual(seen.kept, seen.made, "kept");
        assert.strictEqual(seen.readBack, "kept text", "a later run reads it, without serializing");
        assert.strictEqual(seen.remade, seen.sdk.inputs.__provider, "an unreadable file is made again");
    });

    it("keeps it under a key that changes when a provider function's text changes, so an edited provider is serialized anew", () => {
        assert.notStrictEqual(seen.keys[0], seen.keys[1]);
        assert.notStrictEqual(seen.texts[0], seen.texts[1]);
        assert.strictEqual(path.relative(ROOT, providerCacheFile("k")), path.join("bin", ".cache", "propagation-wait-provider-k.json"));
    });
});
