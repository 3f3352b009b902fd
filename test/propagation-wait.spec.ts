import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { cachedSerialization, PropagationWait, PROPAGATION_WAIT_TYPE, propagationWaitProvider, providerCacheFile, providerKey, serializeProvider } from "../components/propagation-wait";
import { CapturedResource, runOffline } from "../stacks/offline";

/**
 * PropagationWait is registered as `pulumi.dynamic.Resource` would register it, with the
 * serialized provider read from bin/.cache when an earlier run made it for the same SDK, Node and
 * provider text (serializing opens an inspector session: ~0.3 s of each Azure plan, issue #18).
 */
describe("the PropagationWait dynamic resource", () => {
    const args = { after: ["grant-a", "grant-b"], seconds: 180, reason: "why" };

    /** The SDK's own dynamic resource (abstract in its typings only). */
    class SdkDynamic extends pulumi.dynamic.Resource {}

    async function both(): Promise<{ sdk: CapturedResource; ours: CapturedResource }> {
        const run = await runOffline({
            project: "anycloud",
            stack: "dev",
            config: { "anycloud:cloud": "local" },
            program: async () => {
                new SdkDynamic(propagationWaitProvider, "wait", { ...args }, undefined, "anycloud", "PropagationWait");
                new PropagationWait("wait-too", args);
                return {};
            },
        });
        const [sdk, ours] = run.resources;
        return { sdk, ours };
    }

    it("registers what pulumi.dynamic.Resource registers: the type, the same inputs with the serialized provider, nothing secret", async () => {
        const { sdk, ours } = await both();
        assert.strictEqual(ours.type, PROPAGATION_WAIT_TYPE);
        assert.strictEqual(sdk.type, PROPAGATION_WAIT_TYPE);
        assert.strictEqual(JSON.stringify(ours.inputs), JSON.stringify(sdk.inputs));
        assert.deepStrictEqual(ours.secretPaths, sdk.secretPaths);
        assert.deepStrictEqual(ours.propertyDependencies, sdk.propertyDependencies);
        assert.match(ours.inputs.__provider, /^exports\.handler = __f0;/);
    });

    it("serializes the provider exactly as the SDK does, and keeps it for a later run, which reads the same text", async () => {
        const { sdk } = await both();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-wait-"));
        try {
            const file = path.join(dir, "cache", "provider.json");
            const made = await cachedSerialization(file);
            assert.deepStrictEqual(made, { text: sdk.inputs.__provider, containsSecrets: false });
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(file, "utf8")), made, "kept");
            fs.writeFileSync(file, JSON.stringify({ text: "kept text", containsSecrets: false }));
            assert.strictEqual((await cachedSerialization(file)).text, "kept text", "a later run reads it, without serializing");
            fs.writeFileSync(file, "{ not json");
            assert.strictEqual((await cachedSerialization(file)).text, sdk.inputs.__provider, "an unreadable file is made again");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps it under a key that changes when a provider function's text changes, so an edited provider is serialized anew", async () => {
        const edited = { ...propagationWaitProvider, async delete() { /* edited */ } };
        assert.notStrictEqual(providerKey(edited), providerKey());
        assert.notStrictEqual((await serializeProvider(edited)).text, (await serializeProvider(propagationWaitProvider)).text);
        assert.strictEqual(path.relative(path.resolve(__dirname, ".."), providerCacheFile("k")), path.join("bin", ".cache", "propagation-wait-provider-k.json"));
    });
});
