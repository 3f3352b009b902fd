import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluatePolicies } from "../policy/evaluate";
import { ConfigError } from "../stacks/errors";
import { loadSettings } from "../stacks/load-settings";
import { OfflineRunError, runOffline } from "../stacks/offline";
import { readStackConfig } from "../stacks/stack-files";
import { baseline, Plan, planError, ROOT, stackConfig, stringsIn } from "./harness";

/** The fixture of real apps' config: operator secrets, a declared-public key, n8n's own names. */
const FILE = "test/fixtures/Pulumi.apps.yaml";
const VALUES = {
    "operatorSecrets.STRIPE_SECRET_KEY": "sk_live_operator_value_4f1c2e9a",
    "operatorSecrets.SMTP_PASSWORD": "smtp-operator-value-77d0b3",
    "operatorSecrets.N8N_ENCRYPTION_KEY": "n8n-operator-value-a81f",
};
const CLOUDS = ["aws", "gcp", "azure", "local"] as const;

const withValues = (cloud: string) => baseline({ stack: "apps", file: FILE, set: { cloud, ...VALUES } });

/** Where a value shows up outside a secret input, in any resource; and whether it shows up at all. */
function placesOf(p: Plan, value: string): { plain: string[]; secret: number } {
    const plain: string[] = [];
    let secret = 0;
    for (const r of p.resources) {
        for (const s of stringsIn(r.inputs)) {
            if (!s.value.includes(value)) continue;
            if (r.secretPaths.some((sp) => s.path === sp || s.path.startsWith(`${sp}.`) || s.path.startsWith(`${sp}[`))) secret++;
            else plain.push(`${r.type} ${r.name} ${s.path}`);
        }
    }
    return { plain, secret };
}

function problemsOf(set: Record<string, unknown>) {
    try {
        loadSettings(stackConfig({ stack: "apps", file: FILE, set }).config, { project: "anycloud", stack: "apps" });
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), String(e));
        return e;
    }
    return assert.fail("expected a config error");
}

describe("what real apps need from config", () => {
    describe("operator secrets", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: each value reaches the service only as a secret, never plain in state or outputs`, async () => {
                const p = await withValues(cloud);
                for (const value of Object.values(VALUES)) {
                    const found = placesOf(p, value);
                    assert.deepStrictEqual(found.plain, [], `${value} in plain inputs`);
                    assert.ok(found.secret > 0, `${value} never reached a resource`);
                    assert.ok(!JSON.stringify(p.outputs).includes(value), `${value} in the stack outputs`);
                }
            });
        }

        it("pulumi up without a value stops before any resource, naming the exact command", async () => {
            const { project, config } = stackConfig({ stack: "apps", file: FILE, set: { cloud: "aws" } });
            let error: unknown;
            try {
                await runOffline({ project, stack: "apps", config, standIns: false });
            } catch (e) {
                error = e;
            }
            assert.ok(error instanceof OfflineRunError, String(error));
            assert.deepStrictEqual(error.registered, []);
            assert.ok(ConfigError.isInstance(error.cause));
            const missing = error.cause.problems.filter((p) => p.key.startsWith("anycloud:operatorSecrets."));
            assert.deepStrictEqual(missing.map((p) => p.key), ["anycloud:operatorSecrets.N8N_ENCRYPTION_KEY", "anycloud:operatorSecrets.SMTP_PASSWORD", "anycloud:operatorSecrets.STRIPE_SECRET_KEY"]);
            assert.ok(missing[2].accepted.includes("pulumi config set --secret --path 'anycloud:operatorSecrets.STRIPE_SECRET_KEY' '<value>'"), missing[2].accepted);
        });

        it("the offline plan stands in a value for each missing value and says which", async () => {
            // The fixture's shared plan (test/changes.spec.ts plans it too).
            const { run } = await baseline({ stack: "apps", file: FILE, set: { cloud: "local" } });
            assert.deepStrictEqual(run.standIns, ["N8N_ENCRYPTION_KEY", "SMTP_PASSWORD", "STRIPE_SECRET_KEY"]);
        });

        it("a config error about a value never prints the value", () => {
            const e = problemsOf({ ...VALUES, "operatorSecrets.UNUSED_TOKEN": "tok_do_not_print_91" });
            assert.ok(e.problems.some((p) => p.key === "anycloud:operatorSecrets.UNUSED_TOKEN"), e.message);
            assert.ok(!e.message.includes("tok_do_not_print_91"), e.message);
        });

        it("an encrypted value in a stack file is left to the engine: the offline reader skips it", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-stack-"));
            try {
                const file = path.join(dir, "Pulumi.enc.yaml");
                fs.writeFileSync(file, "config:\n  anycloud:operatorSecrets:\n    STRIPE_SECRET_KEY:\n      secure: v1:AAAAexample\n");
                assert.strictEqual(readStackConfig(ROOT, file)["anycloud:operatorSecrets"], undefined);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("Redis 8", () => {
        it("runs locally on the Redis 8 image", async () => {
            const p = await baseline({ stack: "apps", file: FILE, set: { cloud: "local", ...VALUES, "cache.version": 8 } });
            assert.ok(p.ofType("docker:index/remoteImage:RemoteImage").some((i) => i.inputs.name === "redis:8.2-alpine"));
        });
        for (const [cloud, highest] of [["aws", /Redis OSS 7\.1/], ["gcp", /stops at Redis 7\.2/], ["azure", /Redis 7\.4/]] as const) {
            it(`${cloud} refuses it, naming its highest version`, async () => {
                const e = await planError({ stack: "apps", file: FILE, set: { cloud, ...VALUES, "cache.version": 8 } });
                assert.ok(e.problems!.some((p) => p.key === "anycloud:cache.version" && highest.test(p.accepted)), e.message);
            });
        }
    });

    describe("names the app chooses", () => {
        for (const cloud of CLOUDS) {
            it(`${cloud}: a renamed secret stays secret and a declared-public key passes the secret guardrail`, async () => {
                const p = await withValues(cloud);
                const n8n = p.component("ContainerService", "n8n");
                for (const n of ["DB_POSTGRESDB_PASSWORD", "QUEUE_BULL_REDIS_PASSWORD", "N8N_ENCRYPTION_KEY"]) {
                    assert.ok(n8n.inputs.secretNames.includes(n), `${n} not among n8n's secrets`);
                }
                const violations = await evaluatePolicies(p.resources);
                assert.deepStrictEqual(violations.filter((v) => v.policy === "secrets-from-secret-store").map((v) => v.message), []);
            });
        }

        it("local: a renamed plain value is the wired value under the new name", async () => {
            const p = await withValues("local");
            const envs: string[] = p.ofType("docker:index/container:Container").find((c) => c.name.includes("n8n"))!.inputs.envs;
            const value = (name: string) => envs.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
            assert.ok(value("DB_HOST"));
            assert.strictEqual(value("DB_POSTGRESDB_HOST"), value("DB_HOST"));
            assert.strictEqual(value("DB_POSTGRESDB_DATABASE"), "workflows");
        });

        it("without notSecrets, the publishable key is a guardrail violation (the declaration is what lets it pass)", async () => {
            const { project, config } = stackConfig({ stack: "apps", file: FILE, set: { cloud: "aws", ...VALUES, "services.web.notSecrets": undefined } });
            const run = await runOffline({ project, stack: "apps", config });
            const violations = await evaluatePolicies(run.resources);
            assert.ok(violations.some((v) => v.policy === "secrets-from-secret-store" && v.message.includes("STRIPE_PUBLISHABLE_KEY")), JSON.stringify(violations));
        });

        it("refuses a source the service is not given, a name it already has, and notSecrets outside env", () => {
            const e = problemsOf({ ...VALUES, "services.n8n.envFrom.SEARCH": "ELASTICSEARCH_URL", "services.n8n.envFrom.DB_TYPE": "DB_HOST", "services.web.notSecrets": ["STRIPE_SECRET_KEY"] });
            const keys = e.problems.map((p) => p.key).sort();
            assert.deepStrictEqual(keys, ["anycloud:services.n8n.envFrom.DB_TYPE", "anycloud:services.n8n.envFrom.SEARCH", "anycloud:services.web.notSecrets"]);
            assert.ok(e.problems.find((p) => p.key.endsWith("SEARCH"))!.accepted.includes("DB_PASSWORD"), e.message);
        });
    });
});
