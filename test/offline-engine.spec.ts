import * as assert from "assert";
import { loadSettings } from "../stacks/load-settings";
import { OfflineRunError, runOffline } from "../stacks/offline";
import { stackConfig } from "./harness";

/**
 * The offline engine ends a run the way the engine's run ends: only once every apply,
 * registration and invoke it started has finished, with the first error thrown in any of them as
 * the run's failure (OfflineRunError), never after the run returned (where it would fail some
 * other test, or nothing).
 */
describe("offline engine: errors thrown inside applies are the run's failure", function () {
    this.timeout(30000);
    const { project, config } = stackConfig({ stack: "dev" });

    async function failure(program: () => Promise<Record<string, unknown>>): Promise<OfflineRunError> {
        try {
            await runOffline({ project, stack: "dev", config, program });
        } catch (e) {
            assert.ok(e instanceof OfflineRunError, String(e));
            return e;
        }
        return assert.fail("the run succeeded");
    }

    it("a check on a resource's output that throws after the resource registered, its result used by nothing", async () => {
        const e = await failure(async () => {
            const pulumi = await import("@pulumi/pulumi");
            const random = await import("@pulumi/random");
            const pet = new random.RandomPassword("checked", { length: 12 });
            pet.result.apply((v) => {
                if (v.length > 0) throw new Error("check failed after registration");
            });
            return { ok: pulumi.output("yes") };
        });
        assert.match(e.message, /check failed after registration/);
        assert.deepStrictEqual(e.registered.map((r) => r.name), ["checked"]);
    });

    it("a stack output whose apply throws (the run used to wait for it forever)", async () => {
        const e = await failure(async () => {
            const random = await import("@pulumi/random");
            const id = new random.RandomId("output-source", { byteLength: 4 });
            return { hex: id.hex.apply((): string => { throw new Error("output check failed"); }) };
        });
        assert.match(e.message, /output check failed/);
    });

    it("a resource registered from inside an apply after event-loop turns, whose input throws", async () => {
        const e = await failure(async () => {
            const pulumi = await import("@pulumi/pulumi");
            const random = await import("@pulumi/random");
            const first = new random.RandomId("first", { byteLength: 4 });
            first.hex.apply(async () => {
                for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
                new random.RandomString("second", { length: pulumi.output(8).apply((): number => { throw new Error("late input failed"); }) });
            });
            return {};
        });
        assert.match(e.message, /late input failed/);
    });

    it("the program's own error, with the errors its applies threw already reported (not after the run)", async () => {
        const events = ["uncaughtException", "unhandledRejection"] as const;
        let after: unknown;
        const onAfter = (x: unknown) => (after = after ?? x);
        const e = await failure(async () => {
            const pulumi = await import("@pulumi/pulumi");
            pulumi.output(1).apply((): number => { throw new Error("apply failed"); });
            throw new Error("program failed");
        });
        for (const event of events) process.on(event, onAfter);
        try {
            await new Promise((r) => setTimeout(r, 50));
        } finally {
            for (const event of events) process.removeListener(event, onAfter);
        }
        assert.match(e.message, /program failed/);
        assert.strictEqual(after, undefined, `an error arrived after the run: ${after}`);
    });

    it("a run without errors still ends promptly (the wait is a few event-loop turns)", async () => {
        const start = process.hrtime.bigint();
        const run = await runOffline({
            project,
            stack: "dev",
            config,
            program: async () => {
                const random = await import("@pulumi/random");
                return { id: new random.RandomId("quick", { byteLength: 4 }).hex };
            },
        });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        assert.strictEqual(run.resources.length, 1);
        assert.ok(ms < 2000, `${ms} ms`);
    });
});

/** What the offline plan reports on besides the resources (scripts/plan.ts: the edge table). */
describe("offline engine: the settings the program ran with", function () {
    this.timeout(30000);

    for (const cloud of ["local", "aws", "gcp", "azure"]) {
        it(`are handed back for the real program as the config gives them, unchanged by the run (${cloud})`, async () => {
            const { project, config } = stackConfig({ stack: "dev", set: { cloud } });
            const run = await runOffline({ project, stack: "dev", config });
            assert.deepStrictEqual(run.settings, loadSettings(config, { project, stack: "dev" }));
            assert.strictEqual(run.settings?.cloud, cloud);
        });
    }

    it("include the stand-ins it planned with", async () => {
        const { project, config } = stackConfig({ stack: "dev", set: { "services.app.operatorSecrets": ["SMTP_PASSWORD"] } });
        const run = await runOffline({ project, stack: "dev", config });
        assert.deepStrictEqual(run.standIns, ["SMTP_PASSWORD"]);
        assert.strictEqual(run.settings?.operatorSecrets?.SMTP_PASSWORD, "offline-stand-in-SMTP_PASSWORD");
    });

    it("are none for another program", async () => {
        const { project, config } = stackConfig({ stack: "dev" });
        const run = await runOffline({ project, stack: "dev", config, program: async () => ({}) });
        assert.strictEqual(run.settings, undefined);
    });
});
