import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ExitCode } from "../stacks/driver/exit-codes";
import { healthTargets } from "../stacks/driver/health-check";
import { STATEFUL_TYPES } from "../stacks/driver/stateful-types";
import { loadSettings } from "../stacks/load-settings";
import { readStackConfig, setConfigPath, setConfigValue } from "../stacks/stack-files";
import { FakeCli, FakeScenario, runDriver, secretOutput } from "./fake-pulumi/fake-cli";
import { PROD_PREVIEW, samplePrComment } from "./fake-pulumi/sample-comment";
import { planError, ROOT } from "./harness";

/** Values the redaction tests plant in the fake's outputs, config and printed lines. */
const OUTPUT_SECRET = "postgres://app:Qx7-outputSecret-93@db.internal:5432/app";
const CONFIG_SECRET = "ops-configSecret-4411@example.org";
/** The guardrail pack preview and up run by default. */
const POLICY = path.join(ROOT, "policy");

/** A change set with one stateful replace (RDS) listed after ordinary changes. */
const MIXED_CHANGES: FakeScenario = {
    changes: [
        {
            op: "update",
            type: "aws:ecs/service:Service",
            name: "app-service",
            detailedDiff: { desiredCount: { diffKind: "update", inputDiff: true } },
            old: { desiredCount: 2 },
            new: { desiredCount: 3 },
        },
        { op: "create", type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "app-cpu", new: { threshold: 80 } },
        {
            op: "replace",
            type: "aws:rds/instance:Instance",
            name: "database-primary",
            detailedDiff: { dbSubnetGroupName: { diffKind: "update-replace", inputDiff: true } },
            old: { dbSubnetGroupName: "db-a" },
            new: { dbSubnetGroupName: "db-b" },
        },
        { op: "delete", type: "aws:s3/bucket:Bucket", name: "storage-exports", old: { bucket: "anycloud-dev-exports" } },
    ],
};

/** A temporary project: Pulumi.yaml and the given stack files from the repository. */
function projectCopy(...stacks: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-project-"));
    for (const f of ["Pulumi.yaml", ...stacks.map((s) => `Pulumi.${s}.yaml`)]) {
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    return dir;
}

function configSetAll(fake: FakeCli): string[][] {
    return fake.calls().filter((c) => c.argv[0] === "config" && c.argv[1] === "set-all").map((c) => c.argv);
}

/** `--plaintext k=v` / `--secret k=v` pairs of one set-all call, as a map. */
function assignments(argv: string[], flag: "--plaintext" | "--secret"): Record<string, string> {
    const out: Record<string, string> = {};
    argv.forEach((a, i) => {
        if (a === flag) {
            const kv = argv[i + 1];
            out[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
        }
    });
    return out;
}

describe("npm run deploy: the Automation API driver against a fake pulumi", () => {
    const fakes: FakeCli[] = [];
    const fake = (options?: ConstructorParameters<typeof FakeCli>[0]) => {
        const f = new FakeCli(options);
        fakes.push(f);
        return f;
    };
    after(() => fakes.forEach((f) => f.remove()));

    describe("the CLI calls of each command", () => {
        it("preview creates a missing stack, then previews with an event log (no config flags: no config set)", async () => {
            const cli = fake();
            const run = await runDriver(["preview", "--stack", "dev"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands(), ["stack select --stack dev", "stack init dev", `preview --policy-pack ${POLICY} --exec-kind auto.local --event-log <log> --stack dev`]);
            const env = cli.calls()[0].env;
            assert.strictEqual(env.PULUMI_BACKEND_URL, `file://${path.join(cli.dir, "backend")}`);
            assert.strictEqual(env.PULUMI_CONFIG_PASSPHRASE, "(set)");
            assert.strictEqual(env.PULUMI_SKIP_UPDATE_CHECK, "true");
            assert.strictEqual(env.PULUMI_AUTOMATION_API, "true");
        });

        it("preview --no-policy-pack runs without the guardrail pack", async () => {
            const cli = fake({ stacks: ["dev"] });
            const run = await runDriver(["preview", "--stack", "dev", "--no-policy-pack"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands(), ["stack select --stack dev", "preview --exec-kind auto.local --event-log <log> --stack dev"]);
        });

        it("up selects an existing stack, updates, reads the outputs and the update's summary", async () => {
            const cli = fake({ stacks: ["dev"], scenario: MIXED_CHANGES });
            const run = await runDriver(["up", "--stack", "dev", "--no-health-check"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands(), [
                "stack select --stack dev",
                `up --yes --skip-preview --policy-pack ${POLICY} --exec-kind auto.local --event-log <log> --stack dev`,
                "stack output --json --stack dev",
                "stack output --json --show-secrets --stack dev",
                "stack history --json --show-secrets --page-size 1 --page 1 --stack dev",
            ]);
            assert.match(run.stdout, /Update of stack dev \(local\): 1 created, 1 updated, 1 replaced, 1 deleted/);
        });

        it("destroy --remove-stack destroys, then removes the stack (a closed pull request's review stack)", async () => {
            const cli = fake({ scenario: { changes: [MIXED_CHANGES.changes![1]] } });
            assert.strictEqual((await runDriver(["up", "--stack", "pr-7", "--config-from", "dev", "--no-health-check"], cli.env())).code, ExitCode.Success);
            const before = cli.calls().length;
            const run = await runDriver(["destroy", "--stack", "pr-7", "--remove-stack"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands().slice(before), [
                "stack select --stack pr-7",
                "destroy --yes --skip-preview --event-log <log> --exec-kind auto.local --stack pr-7",
                "stack history --json --show-secrets --page-size 1 --page 1 --stack pr-7",
                "stack rm --yes pr-7",
            ]);
            assert.match(run.stdout, /Destroy of stack pr-7: 1 deleted/);
            assert.strictEqual(cli.state().stacks["pr-7"], undefined);
        });

        it("destroy of a stack that does not exist succeeds without creating it", async () => {
            const cli = fake();
            const run = await runDriver(["destroy", "--stack", "pr-8", "--remove-stack"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands(), ["stack select --stack pr-8"]);
            assert.match(run.stdout, /Stack pr-8 does not exist; nothing to destroy/);
        });

        it("refresh is a refresh preview: it never writes the state", async () => {
            const cli = fake({ stacks: ["prod"] });
            const run = await runDriver(["refresh", "--stack", "prod"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands(), ["stack select --stack prod", "refresh --preview-only --exec-kind auto.local --event-log <log> --stack prod"]);
            assert.match(run.stdout, /Drift check of stack prod: no drift/);
        });

        it("refresh and outputs of a missing stack fail without creating it", async () => {
            const cli = fake();
            for (const command of ["refresh", "outputs"]) {
                const run = await runDriver([command, "--stack", "staging"], cli.env());
                assert.strictEqual(run.code, ExitCode.Failure);
                assert.match(run.stderr, /Stack staging does not exist/);
            }
            assert.deepStrictEqual(cli.commands(), ["stack select --stack staging", "stack select --stack staging"]);
        });

        it("outputs prints the stack outputs with secrets hidden, as text or --json", async () => {
            const cli = fake({ scenario: { outputs: { url: "https://app.example.org", databaseUrl: secretOutput(OUTPUT_SECRET), services: { app: { public: true } } } } });
            await runDriver(["up", "--stack", "dev", "--no-health-check"], cli.env());
            const before = cli.calls().length;
            const run = await runDriver(["outputs", "--stack", "dev", "--json"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands().slice(before), ["stack select --stack dev", "stack output --json --stack dev", "stack output --json --show-secrets --stack dev"]);
            const printed = JSON.parse(run.stdout);
            assert.deepStrictEqual(printed, { url: "https://app.example.org", databaseUrl: "[secret]", services: { app: { public: true } } });
            const text = await runDriver(["outputs", "--stack", "dev"], cli.env());
            assert.match(text.stdout, /^ {2}databaseUrl: \[secret\]$/m);
            assert.ok(!text.stdout.includes(OUTPUT_SECRET) && !run.stdout.includes(OUTPUT_SECRET));
        });
    });

    describe("config", () => {
        it("--cloud, --config and --secret reach config set-all: whole keys as npm run plan computes them, secrets by path", async () => {
            const cli = fake();
            const run = await runDriver(
                ["preview", "--stack", "dev", "--cloud", "aws", "--config", "services.app.replicas.min=3", "--config", "aws:region=eu-west-1", "--secret", `alerts.email=${CONFIG_SECRET}`],
                cli.env(),
            );
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(cli.commands().map((c) => c.split(" ").slice(0, 2).join(" ")), ["stack select", "stack init", "config set-all", "config set-all", "preview --policy-pack"]);
            const [plainCall, secretCall] = configSetAll(cli);
            // The same computation npm run plan makes from the same flags.
            const expected = readStackConfig(ROOT, path.join(ROOT, "Pulumi.dev.yaml"));
            setConfigValue(expected, "cloud", "aws");
            setConfigPath(expected, "services.app.replicas.min=3");
            setConfigPath(expected, "aws:region=eu-west-1");
            assert.deepStrictEqual(assignments(plainCall, "--plaintext"), {
                "anycloud:cloud": "aws",
                "anycloud:services": expected["anycloud:services"],
                "aws:region": "eu-west-1",
            });
            assert.strictEqual(JSON.parse(expected["anycloud:services"]).app.replicas.min, 3);
            assert.ok(!plainCall.includes("--path"));
            assert.deepStrictEqual(secretCall.slice(0, 5), ["config", "set-all", "--stack", "dev", "--path"]);
            assert.deepStrictEqual(assignments(secretCall, "--secret"), { "anycloud:alerts.email": CONFIG_SECRET });
            assert.deepStrictEqual(cli.state().stacks.dev.config["anycloud:alerts.email"], { value: CONFIG_SECRET, secret: true, path: true });
            assert.match(run.stdout, /Preview of stack dev \(aws\)/);
            assert.ok(!run.stdout.includes(CONFIG_SECRET) && !run.stderr.includes(CONFIG_SECRET));
        });

        it("--config-from gives a stack without its own file (a review stack) the whole config of another", async () => {
            const cli = fake();
            const run = await runDriver(["preview", "--stack", "pr-42", "--config-from", "dev"], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            const [call] = configSetAll(cli);
            assert.deepStrictEqual(assignments(call, "--plaintext"), readStackConfig(ROOT, path.join(ROOT, "Pulumi.dev.yaml")));
        });

        it("a stack without a file and without --config-from is a config error naming the stacks there are", async () => {
            const cli = fake();
            const run = await runDriver(["preview", "--stack", "staging"], cli.env());
            assert.strictEqual(run.code, ExitCode.ConfigError);
            assert.match(run.stderr, /no stack file Pulumi\.staging\.yaml; stacks here: .*dev.*local.*prod.*--config-from <stack>/);
            const own = await runDriver(["preview", "--stack", "prod", "--config-from", "dev"], cli.env());
            assert.strictEqual(own.code, ExitCode.ConfigError);
            assert.match(own.stderr, /stack 'prod' has its own Pulumi\.prod\.yaml; drop --config-from/);
            assert.deepStrictEqual(cli.calls(), []);
        });

        it("the local stack defaults to a file backend in the project; PULUMI_BACKEND_URL wins, an empty one counts as unset", async () => {
            const project = projectCopy("local", "dev");
            try {
                const cli = fake();
                const local = await runDriver(["preview", "--stack", "local"], cli.env({ PULUMI_BACKEND_URL: undefined }), project);
                assert.strictEqual(local.code, ExitCode.Success, local.stderr);
                assert.strictEqual(cli.calls()[0].env.PULUMI_BACKEND_URL, `file://${path.join(project, ".pulumi-state")}`);
                assert.ok(fs.statSync(path.join(project, ".pulumi-state")).isDirectory());

                const cli2 = fake();
                await runDriver(["preview", "--stack", "dev"], cli2.env({ PULUMI_BACKEND_URL: "", PULUMI_CONFIG_PASSPHRASE: undefined }), project);
                assert.strictEqual(cli2.calls()[0].env.PULUMI_BACKEND_URL, undefined, "dev uses the backend of `pulumi login`");

                const cli3 = fake();
                await runDriver(["preview", "--stack", "local"], cli3.env({ PULUMI_BACKEND_URL: "s3://anycloud-state" }), project);
                assert.strictEqual(cli3.calls()[0].env.PULUMI_BACKEND_URL, "s3://anycloud-state");
            } finally {
                fs.rmSync(project, { recursive: true, force: true });
            }
        });

        it("a self-managed backend without PULUMI_CONFIG_PASSPHRASE (or with an empty one) is a config error before the CLI runs", async () => {
            const cli = fake();
            for (const passphrase of [undefined, ""]) {
                const run = await runDriver(["preview", "--stack", "local"], cli.env({ PULUMI_CONFIG_PASSPHRASE: passphrase }));
                assert.strictEqual(run.code, ExitCode.ConfigError);
                assert.match(run.stderr, /^PULUMI_CONFIG_PASSPHRASE is not set\. Stack 'local' keeps its state in file:\/\/.*export PULUMI_CONFIG_PASSPHRASE=/);
            }
            assert.deepStrictEqual(cli.calls(), []);
        });
    });

    describe("exit codes", () => {
        it("2: an invalid config stops before the CLI, with exactly the message of npm run plan", async () => {
            const cli = fake();
            const run = await runDriver(["preview", "--stack", "local", "--config", "services.app.port=http", "--cloud", "openstack"], cli.env());
            assert.strictEqual(run.code, ExitCode.ConfigError);
            const planned = await planError({ stack: "local", set: { "services.app.port": "http", cloud: "openstack" } });
            assert.strictEqual(run.stderr, `${planned.message}\n`);
            assert.match(run.stderr, /^Invalid stack config \(2 problems\); nothing was deployed:/);
            assert.strictEqual(run.stdout, "");
            assert.deepStrictEqual(cli.calls(), []);
        });

        it("2: the chosen cloud's own checks run too (a failover database on one Docker engine)", async () => {
            const cli = fake();
            const run = await runDriver(["up", "--stack", "local", "--config", "database.highAvailability=true"], cli.env());
            assert.strictEqual(run.code, ExitCode.ConfigError);
            const planned = await planError({ stack: "local", set: { "database.highAvailability": true } });
            assert.strictEqual(run.stderr, `${planned.message}\n`);
            assert.deepStrictEqual(cli.calls(), []);
        });

        it("2: the program's own config error during the run (a stack file the driver cannot read) maps to the same code", async () => {
            const cli = fake({ stacks: ["dev"] });
            const message = 'Invalid stack config (1 problem); nothing was deployed:\n  - anycloud:alerts.email: got "ops"; accepted: an email address';
            const run = await runDriver(["preview", "--stack", "dev"], cli.env({ FAKE_PULUMI_FAIL: "preview", FAKE_PULUMI_FAIL_MESSAGE: message }));
            assert.strictEqual(run.code, ExitCode.ConfigError);
            assert.ok(run.stderr.endsWith(`${message}\n`), run.stderr);
        });

        it("2: bad flags, before anything runs", async () => {
            const cli = fake();
            const cases: [string[], RegExp][] = [
                [["deploy", "--stack", "dev"], /unknown command 'deploy'; expected one of preview, up, destroy, refresh, outputs/],
                [["preview"], /--stack is required/],
                [["destroy", "--stack", "dev", "--config", "cloud=aws"], /'destroy' does not take --config/],
                [["up", "--stack", "dev", "--health-timeout", "soon"], /--health-timeout expects a number of seconds above 0, got 'soon'/],
                [["preview", "--stack", "dev", "--config", "replicas"], /--config expects key=value, got 'replicas'/],
                [["preview", "--stack", "dev;rm"], /is not a stack name/],
            ];
            for (const [argv, message] of cases) {
                const run = await runDriver(argv, cli.env());
                assert.strictEqual(run.code, ExitCode.ConfigError, argv.join(" "));
                assert.match(run.stderr, message);
            }
            assert.deepStrictEqual(cli.calls(), []);
        });

        it("0 and the usage with every exit code for --help", async () => {
            const run = await runDriver(["--help"], fake().env());
            assert.strictEqual(run.code, ExitCode.Success);
            assert.match(run.stdout, /^usage: npm run deploy -- <command> --stack <name>/);
            for (const code of [0, 1, 2, 3, 4, 5, 6]) {
                assert.match(run.stdout, new RegExp(`^ {2}${code} {2}\\S`, "m"));
            }
        });

        it("3: preview --expect-no-changes with changes (0 without); exit 3 is not a failure", async () => {
            const changed = await runDriver(["preview", "--stack", "dev", "--expect-no-changes"], fake({ stacks: ["dev"], scenario: MIXED_CHANGES }).env());
            assert.strictEqual(changed.code, ExitCode.ChangesFound, changed.stderr);
            assert.strictEqual(changed.stderr, "");
            const unchanged = await runDriver(["preview", "--stack", "dev", "--expect-no-changes"], fake({ stacks: ["dev"] }).env());
            assert.strictEqual(unchanged.code, ExitCode.Success, unchanged.stderr);
            assert.match(unchanged.stdout, /Preview of stack dev \(local\): no changes/);
            const plain = await runDriver(["preview", "--stack", "dev"], fake({ stacks: ["dev"], scenario: MIXED_CHANGES }).env());
            assert.strictEqual(plain.code, ExitCode.Success);
        });

        it("3: refresh finds drift and lists it", async () => {
            const cli = fake({
                stacks: ["prod"],
                scenario: {
                    drift: [
                        {
                            op: "update",
                            type: "aws:ecs/service:Service",
                            name: "app-service",
                            detailedDiff: { desiredCount: { diffKind: "update", inputDiff: false } },
                            old: { desiredCount: 2 },
                            new: { desiredCount: 5 },
                        },
                        { op: "delete", type: "aws:s3/bucket:Bucket", name: "storage-documents", old: { bucket: "anycloud-prod-documents" } },
                    ],
                },
            });
            const file = path.join(cli.dir, "drift.md");
            const run = await runDriver(["refresh", "--stack", "prod", "--summary-file", file], cli.env());
            assert.strictEqual(run.code, ExitCode.ChangesFound, run.stderr);
            assert.match(run.stdout, /Drift check of stack prod: drift found: 1 changed outside Pulumi, 1 gone from the cloud/);
            assert.match(run.stdout, /WARNING: 1 stateful resource is gone from the cloud; check whether it was deleted outside Pulumi:\n {2}- gone +storage-documents/);
            assert.match(run.stdout, /~ drifted +app-service +aws:ecs\/service:Service +desiredCount: 2 → 5/);
            const md = fs.readFileSync(file, "utf8");
            assert.match(md, /^<!-- anycloud:refresh stack=prod -->\n### Drift check of stack `prod`: drift found/);
        });

        it("1: a failing preview prints the engine's error and still writes its summary section", async () => {
            const cli = fake({ stacks: ["dev"], scenario: MIXED_CHANGES });
            const file = path.join(cli.dir, "summary.md");
            const run = await runDriver(["preview", "--stack", "dev", "--summary-file", file], cli.env({ FAKE_PULUMI_FAIL: "preview" }));
            assert.strictEqual(run.code, ExitCode.Failure);
            // The CLI's own stderr streams through, then the driver's line.
            assert.strictEqual(
                run.stderr,
                "error: creating RDS DB Instance (database-primary): InvalidParameterCombination\nerror: preview on stack dev failed (the Pulumi CLI's output is above)\n",
            );
            // The summary repeats the engine's error diagnostic, colour codes removed.
            assert.match(run.stdout, /── Preview of stack dev \(local\): failed ──\nerror: creating RDS DB Instance \(database-primary\): InvalidParameterCombination\nWARNING: 2 stateful/);
            const md = fs.readFileSync(file, "utf8");
            assert.match(md, /### Preview of stack `dev` \(local\): failed\n/);
            assert.match(md, /<details open><summary>Error<\/summary>\n\n```text\n[^`]*InvalidParameterCombination/);
        });

        it("4: no Pulumi CLI says so, how to install it, and that npm run plan works without it", async () => {
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
            const cli = fake();
            const file = path.join(cli.dir, "summary.md");
            try {
                const run = await runDriver(["preview", "--stack", "dev", "--summary-file", file], cli.env({ PULUMI_CLI_ROOT: empty }));
                assert.strictEqual(run.code, ExitCode.CliMissing);
                assert.strictEqual(
                    run.stderr,
                    [
                        `The Pulumi CLI is not installed: no \`pulumi\` at ${path.join(empty, "bin", "pulumi")} (PULUMI_CLI_ROOT).`,
                        "Install it with:  curl -fsSL https://get.pulumi.com | sh   (then open a new shell, or add ~/.pulumi/bin to PATH)",
                        "  or see https://www.pulumi.com/docs/install/",
                        "Without it, `npm run plan -- --stack <name>` shows what a stack would deploy, offline.",
                        "",
                    ].join("\n"),
                );
                assert.match(fs.readFileSync(file, "utf8"), /### Preview of stack `dev` \(local\): no Pulumi CLI; nothing was run/);
            } finally {
                fs.rmSync(empty, { recursive: true, force: true });
            }
        });

        it("4: a CLI older than the Automation API accepts", async () => {
            const cli = fake();
            // The SDK's version check runs `pulumi version` with the process environment only.
            process.env.FAKE_PULUMI_VERSION = "v3.1.0";
            try {
                const run = await runDriver(["preview", "--stack", "dev"], cli.env());
                assert.strictEqual(run.code, ExitCode.CliMissing);
                assert.match(run.stderr, /cannot be used: Minimum version requirement failed\. The minimum CLI version requirement is 3\.2\.0-alpha, your current CLI version is v3\.1\.0/);
            } finally {
                delete process.env.FAKE_PULUMI_VERSION;
            }
        });

        it("4: a CLI older than 3.112.0 (its engine drops the stack outputs on a failed update, which the region check reads) is refused, naming both versions", async () => {
            const cli = fake();
            process.env.FAKE_PULUMI_VERSION = "v3.111.1";
            try {
                const run = await runDriver(["preview", "--stack", "dev"], cli.env());
                assert.strictEqual(run.code, ExitCode.CliMissing);
                assert.match(run.stderr, /cannot be used: it is 3\.111\.1; this program needs 3\.112\.0 or later \(an older engine saves empty stack outputs[^)]*pulumi\/pulumi#15754/);
            } finally {
                delete process.env.FAKE_PULUMI_VERSION;
            }
        });

        it("5: a stack locked by another update (409) runs nothing and says how to clear a stale lock", async () => {
            const cli = fake({ stacks: ["prod"], scenario: MIXED_CHANGES });
            const run = await runDriver(["up", "--stack", "prod"], cli.env({ FAKE_PULUMI_LOCKED: "1" }));
            assert.strictEqual(run.code, ExitCode.StackLocked);
            assert.match(run.stderr, /Stack prod is locked: another update is in progress, so nothing was run\..*pulumi cancel --stack prod/s);
            assert.deepStrictEqual(cli.state().stacks.prod.resources, []);
        });
    });

    describe("the summary", () => {
        it("counts each kind of change, lists changed properties, and puts stateful replaces and deletes first", async () => {
            const cli = fake({ stacks: ["dev"], scenario: MIXED_CHANGES });
            const file = path.join(cli.dir, "summary.md");
            const run = await runDriver(["preview", "--stack", "dev", "--summary-file", file], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            const summary = run.stdout.slice(run.stdout.indexOf("── Preview"));
            assert.strictEqual(
                summary,
                [
                    "── Preview of stack dev (local): 1 to create, 1 to update, 1 to replace, 1 to delete ──",
                    "WARNING: 2 stateful resources would be replaced or deleted; their data is lost unless restored from a backup:",
                    '  +- replace  database-primary  aws:rds/instance:Instance  dbSubnetGroupName: "db-a" → "db-b" (forces replacement)',
                    "  - delete    storage-exports   aws:s3/bucket:Bucket",
                    "Changes:",
                    "  ~ update    app-service       aws:ecs/service:Service                 desiredCount: 2 → 3",
                    "  + create    app-cpu           aws:cloudwatch/metricAlarm:MetricAlarm",
                    '  +- replace  database-primary  aws:rds/instance:Instance               dbSubnetGroupName: "db-a" → "db-b" (forces replacement)',
                    "  - delete    storage-exports   aws:s3/bucket:Bucket",
                    "",
                ].join("\n"),
            );
            const md = fs.readFileSync(file, "utf8");
            assert.ok(md.indexOf("> [!WARNING]") < md.indexOf("<details>"), "the warning comes before the details");
            assert.match(md, /> \*\*2 stateful resources would be replaced or deleted; their data is lost unless restored from a backup:\*\*\n> - \*\*replace\*\* `database-primary`/);
            assert.match(md, /\| ~ update \| `app-service` \| `aws:ecs\/service:Service` \| `desiredCount`: `2` → `3` \|/);
            assert.match(md, /<details><summary>4 resources to change<\/summary>/);
        });

        it("never prints a secret: not from config, outputs, engine events or the CLI's own output", async () => {
            const cli = fake({
                scenario: {
                    changes: [
                        {
                            op: "update",
                            type: "aws:secretsmanager/secretVersion:SecretVersion",
                            name: "app-secrets",
                            detailedDiff: { secretString: { diffKind: "update", inputDiff: true } },
                            old: { secretString: "[secret]" },
                            new: { secretString: "[secret]" },
                        },
                    ],
                    outputs: { url: "", databaseUrl: secretOutput(OUTPUT_SECRET) },
                    // A provider that logs a value it was given, split over two writes by the CLI.
                    print: [`provider log: connecting with ${CONFIG_SECRET}`],
                },
            });
            const file = path.join(cli.dir, "summary.md");
            const up = await runDriver(["up", "--stack", "dev", "--secret", `alerts.email=${CONFIG_SECRET}`, "--summary-file", file], cli.env());
            assert.strictEqual(up.code, ExitCode.Success, up.stderr);
            const preview = await runDriver(["preview", "--stack", "dev", "--secret", `alerts.email=${CONFIG_SECRET}`, "--summary-file", file], cli.env());
            const outputs = await runDriver(["outputs", "--stack", "dev"], cli.env());
            const everything = [up, preview, outputs].map((r) => r.stdout + r.stderr).join("\n") + fs.readFileSync(file, "utf8");
            for (const secret of [OUTPUT_SECRET, CONFIG_SECRET, encodeURIComponent(OUTPUT_SECRET), encodeURIComponent(CONFIG_SECRET)]) {
                assert.ok(!everything.includes(secret), `printed a secret: ${secret}`);
            }
            assert.match(up.stdout, /provider log: connecting with \[secret\]/);
            assert.match(up.stdout, /^ {2}databaseUrl: \[secret\]$/m);
            assert.match(up.stdout, /secretString: \[secret\] → \[secret\]/);
            // The CLI did receive them: as a secret config value, and as plaintext only for --show-secrets.
            assert.strictEqual(cli.state().stacks.dev.config["anycloud:alerts.email"].secret, true);
        });

        it("appends one self-contained section per stack, so the workflow can concatenate them into one PR comment", async () => {
            const comment = await samplePrComment();
            const sections = comment.split(/(?=<!-- anycloud:preview stack=)/);
            assert.deepStrictEqual(
                sections.map((s) => s.split("\n")[0]),
                ["<!-- anycloud:preview stack=dev -->", "<!-- anycloud:preview stack=prod -->"],
            );
            for (const section of sections) {
                assert.strictEqual((section.match(/<details>/g) ?? []).length, (section.match(/<\/details>/g) ?? []).length);
                assert.ok(section.endsWith("\n\n"), "a section ends on a blank line");
            }
            assert.match(sections[0], /### Preview of stack `dev` \(local\): 2 to replace, 37 unchanged\n\n<details>/);
            assert.match(sections[1], /### Preview of stack `prod` \(aws\): 1 to create, 2 to update, 1 to replace, 172 unchanged\n\n> \[!WARNING\]/);
            assert.strictEqual(PROD_PREVIEW.changes!.length, 4);
            // What AWS's edge approximates of prod's loadBalancer settings (components/edge.ts), out loud in the PR.
            assert.match(sections[1], /<details><summary>Edge: 4 load-balancer settings approximated on aws<\/summary>\n\n- `loadBalancer.maxBodyMb`: bodies up to 32 MiB → WAF blocks \(413\)/);
            assert.match(sections[1], /- `loadBalancer.routes\[0\].rateLimit`: \/api\/auth\/login: 5 r\/min burst 5 → AWS WAF 10 requests per 60 s per IP/);
            assert.doesNotMatch(sections[0], /Edge:/, "the local target honours every setting exactly: nothing to say");
            assert.match(sections[1], /`secretString`: `\[secret\]` → `\[secret\]`/);
            assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes(comment), "the README's sample PR comment is not the driver's: regenerate it with test/fake-pulumi/sample-comment.ts");
        });

        it("the stateful types are real type tokens of each target", () => {
            for (const [cloud, types] of Object.entries(STATEFUL_TYPES)) {
                const prefix = { aws: "aws:", gcp: "gcp:", azure: "azure-native:", local: "docker:" }[cloud]!;
                for (const t of types) {
                    assert.match(t, /^[a-z-]+:[A-Za-z0-9/]+:[A-Z][A-Za-z0-9]+$/, t);
                    assert.ok(t.startsWith(prefix), `${t} listed under ${cloud}`);
                }
            }
        });
    });

    describe("the health check after up", () => {
        let server: http.Server;
        let status = 200;
        const requests: string[] = [];
        let url = "";
        before(async () => {
            server = http.createServer((req, res) => {
                requests.push(req.url ?? "");
                res.writeHead(req.url === "/health" ? status : 404, status === 302 ? { location: "https://login.example.org/" } : {});
                res.end();
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        });
        after(() => new Promise<void>((resolve) => server.close(() => resolve())));
        beforeEach(() => (requests.length = 0));

        it("passes when the public service's health path, through its route, answers 2xx", async () => {
            status = 200;
            const cli = fake({ scenario: { outputs: { url } } });
            const file = path.join(cli.dir, "summary.md");
            const run = await runDriver(["up", "--stack", "local", "--summary-file", file], cli.env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
            assert.deepStrictEqual(requests, ["/health"]);
            assert.match(run.stdout, new RegExp(`Health check: passed\\n {2}ok {3}app {2}${url}/health {2}HTTP 200 after [\\d.]+ s`));
            assert.match(fs.readFileSync(file, "utf8"), /\*\*Health check passed\*\*\n\n- ✅ app: `http:\/\/127\.0\.0\.1:\d+\/health` answered HTTP 200/);
        });

        it("a redirect counts as an answer", async () => {
            status = 302;
            const run = await runDriver(["up", "--stack", "local", "--health-timeout", "5"], fake({ scenario: { outputs: { url } } }).env());
            assert.strictEqual(run.code, ExitCode.Success, run.stderr);
        });

        it("6: fails when the health path keeps answering 5xx until the timeout", async () => {
            status = 503;
            const started = Date.now();
            // (A bound of 0.6 s: polls every 0.2 s, the shortest pause, so at least twice before it gives up.)
            const run = await runDriver(["up", "--stack", "local", "--health-timeout", "0.6"], fake({ scenario: { outputs: { url } } }).env());
            assert.strictEqual(run.code, ExitCode.HealthCheckFailed);
            assert.ok(Date.now() - started < 15_000);
            assert.ok(requests.length >= 2, `polled ${requests.length} times`);
            assert.match(run.stdout, /app: http:\/\/127\.0\.0\.1:\d+\/health → HTTP 503 \(waiting\)/);
            assert.match(run.stdout, /Update of stack local \(local\): no changes; the health check failed/);
            assert.match(run.stdout, /Health check: FAILED\n {2}FAIL app/);
        });

        it("is skipped with --no-health-check, and when the stack has no public URL", async () => {
            status = 503;
            const skipped = await runDriver(["up", "--stack", "local", "--no-health-check"], fake({ scenario: { outputs: { url } } }).env());
            assert.strictEqual(skipped.code, ExitCode.Success);
            const noUrl = await runDriver(["up", "--stack", "local"], fake({ scenario: { outputs: {} } }).env());
            assert.strictEqual(noUrl.code, ExitCode.Success);
            assert.match(noUrl.stdout, /skipped all: the stack has no public URL/);
            assert.deepStrictEqual(requests, []);
        });

        it("probes each public service on the host and path whose winning route reaches it", () => {
            const hosts = loadSettings(readStackConfig(ROOT, path.join(ROOT, "test/fixtures/Pulumi.hosts.yaml")), { project: "anycloud", stack: "dev" });
            assert.deepStrictEqual(healthTargets(hosts, "https://publisher.example.com/").targets, [
                { service: "web", url: "https://publisher.example.com/healthz" },
                { service: "api", url: "https://api.publisher.example.com/health" },
            ]);
            const config = readStackConfig(ROOT, path.join(ROOT, "Pulumi.local.yaml"));
            setConfigValue(config, "loadBalancer.routes", [{ path: "/api/*", service: "app" }]);
            const apiOnly = healthTargets(loadSettings(config, { project: "anycloud", stack: "local" }), "http://localhost:8080");
            assert.deepStrictEqual(apiOnly, { targets: [], skipped: ["app: no route sends /health to it, so the load balancer cannot reach its health path"] });
        });
    });
});
