import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseArgs } from "../stacks/driver/args";
import { stackFiles } from "../stacks/driver/stack-config";
import { MARKER_PREFIX } from "../stacks/driver/summary-markdown";
import { ROOT } from "./harness";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    "runs-on"?: string;
    environment?: string | { name: string; url?: string };
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { "fail-fast"?: boolean; matrix: Record<string, unknown> };
    env?: Record<string, string>;
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, any>;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github", "workflows");

function load(file: string): Workflow {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(DIR, file), "utf8"), { prettyErrors: true });
    assert.deepStrictEqual(doc.errors.map(String), [], `${file} is not valid YAML`);
    assert.deepStrictEqual(doc.warnings.map(String), [], `${file} has YAML warnings`);
    return doc.toJS() as Workflow;
}

/** Stacks CI works on: every stack file but the local Docker one. */
const CI_STACKS = stackFiles(ROOT).filter((s) => s !== "local");

/** The driver's argv in a step (`npm run [--silent] deploy -- ...`), shell variables replaced. */
function driverCalls(job: Job, vars: Record<string, string>): string[][] {
    return job.steps
        .filter((s) => s.run?.includes("deploy --"))
        .map((s) => {
            const line = /npm run (?:--silent )?deploy -- ([^|\n]*)/.exec(s.run!)![1];
            const expanded = line.replace(/\$\{?(\w+)\}?/g, (_, v: string) => {
                assert.ok(v in vars, `unknown variable $${v} in: ${line}`);
                return vars[v];
            });
            return expanded.trim().split(/\s+/).map((w) => w.replace(/^"|"$/g, ""));
        });
}

/** Jobs that talk to a cloud through the driver. */
function driverJobs(w: Workflow): [string, Job][] {
    return Object.entries(w.jobs).filter(([, j]) => j.steps.some((s) => s.run?.includes("deploy --")));
}

function stepIndex(job: Job, predicate: (s: Step) => boolean): number {
    return job.steps.findIndex(predicate);
}

describe("CI workflows (.github/workflows)", () => {
    const files = ["preview.yml", "deploy.yml", "review-stack.yml", "drift.yml"];
    const workflows = Object.fromEntries(files.map((f) => [f, load(f)])) as Record<string, Workflow>;

    it("are the four workflows, each valid YAML with jobs made of steps that use an action or run a command", () => {
        assert.deepStrictEqual(fs.readdirSync(DIR).filter((f) => f.endsWith(".yml")).sort(), [...files].sort());
        for (const [file, w] of Object.entries(workflows)) {
            assert.ok(w.name && w.on && w.jobs, file);
            for (const [id, job] of Object.entries(w.jobs)) {
                assert.strictEqual(job["runs-on"], "ubuntu-latest", `${file} ${id}`);
                for (const step of job.steps) {
                    assert.ok(!!step.uses !== !!step.run, `${file} ${id}: a step has either uses or run: ${JSON.stringify(step)}`);
                    if (step.uses) assert.match(step.uses, /^[\w-]+\/[\w-]+@v\d+$/, `${file} ${id}: actions are pinned to a major version`);
                }
                for (const need of [job.needs ?? []].flat()) assert.ok(need in w.jobs, `${file} ${id} needs a job that exists: ${need}`);
            }
        }
    });

    it("grant only read access at the top; id-token: write only to the jobs that log in to a cloud", () => {
        for (const [file, w] of Object.entries(workflows)) {
            assert.deepStrictEqual(w.permissions, { contents: "read" }, file);
            const logsIn = new Set(driverJobs(w).map(([id]) => id));
            for (const [id, job] of Object.entries(w.jobs)) {
                assert.strictEqual(job.permissions?.["id-token"], logsIn.has(id) ? "write" : undefined, `${file} ${id}`);
            }
        }
    });

    it("log in to each cloud by OIDC (AWS role, GCP workload identity federation, Azure federated credential), never with stored keys", () => {
        for (const [file, w] of Object.entries(workflows)) {
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|credentials_json|client-secret|creds:|ARM_CLIENT_SECRET|GOOGLE_CREDENTIALS/, file);
            for (const [id, job] of driverJobs(w)) {
                const step = (action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));
                const aws = step("aws-actions/configure-aws-credentials");
                const gcp = step("google-github-actions/auth");
                const azure = step("azure/login");
                assert.ok(aws && gcp && azure, `${file} ${id} has a login step per cloud`);
                assert.deepStrictEqual(Object.keys(aws.with!).sort(), ["aws-region", "role-to-assume"]);
                assert.deepStrictEqual(Object.keys(gcp.with!).sort(), ["service_account", "workload_identity_provider"]);
                assert.deepStrictEqual(Object.keys(azure.with!).sort(), ["client-id", "subscription-id", "tenant-id"]);
                assert.strictEqual(aws.if, "steps.cloud.outputs.cloud == 'aws'");
                assert.strictEqual(gcp.if, "steps.cloud.outputs.cloud == 'gcp'");
                assert.strictEqual(azure.if, "steps.cloud.outputs.cloud == 'azure'");
                assert.strictEqual(job.env?.ARM_USE_OIDC, "true", `${file} ${id}: the azure-native provider uses OIDC too`);
                const deploy = stepIndex(job, (s) => !!s.run?.includes("deploy --"));
                assert.ok(stepIndex(job, (s) => s.uses === "actions/checkout@v4") < stepIndex(job, (s) => s === gcp), "checkout before the GCP credentials file");
                assert.ok(stepIndex(job, (s) => s.uses === "pulumi/actions@v7" && !s.with?.command) < deploy, `${file} ${id}: the Pulumi CLI (install only) before the driver`);
                assert.ok(stepIndex(job, (s) => s.run === "npm ci") < deploy, `${file} ${id}: npm ci before the driver`);
                const build = stepIndex(job, (s) => s.run === "npm run build");
                assert.ok(stepIndex(job, (s) => s.run === "npm ci") < build && build < deploy, `${file} ${id}: npm run build (type check + bin/) between npm ci and the driver`);
                assert.strictEqual(job.env?.PULUMI_NODEJS_TRANSPILE_ONLY, undefined, `${file} ${id}: main.js loads bin/; the ts-node setting has no effect`);
                assert.strictEqual(job.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
                assert.strictEqual(job.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
                assert.strictEqual(job.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
            }
        }
    });

    it("invoke the driver only with flags it accepts", () => {
        const vars = { STACK: "dev", BASE_STACK: "dev" };
        let count = 0;
        for (const w of Object.values(workflows)) {
            for (const [, job] of driverJobs(w)) {
                for (const argv of driverCalls(job, vars)) {
                    assert.ok(parseArgs(argv), argv.join(" "));
                    count++;
                }
            }
        }
        assert.strictEqual(count, 7);
    });

    describe("preview.yml", () => {
        const w = workflows["preview.yml"];

        it("runs on pull requests: type checks and tests (TypeScript 7), TypeScript 5.9's build, then a preview of every stack", () => {
            assert.deepStrictEqual(Object.keys(w.on), ["pull_request"]);
            // npm run build: the deploy and drift jobs start with TypeScript 5.9's check, so every pull request passes it too.
            assert.deepStrictEqual(
                w.jobs.test.steps.filter((s) => s.run).map((s) => s.run),
                ["npm ci", "npm test", "npm run build"],
            );
            const preview = w.jobs.preview;
            assert.strictEqual(preview.needs, "test");
            assert.deepStrictEqual(preview.strategy!.matrix.stack, CI_STACKS);
            assert.strictEqual(preview.strategy!["fail-fast"], false);
            assert.deepStrictEqual(driverCalls(preview, { STACK: "prod" }), [["preview", "--stack", "prod", "--summary-file", "summary-prod.md"]]);
            assert.match(preview.if!, /head\.repo\.full_name == github\.repository/, "forks cannot get cloud credentials");
            assert.match(w.concurrency!.group, /github\.event\.pull_request\.number/);
            assert.strictEqual(w.concurrency!["cancel-in-progress"], true);
        });

        it("keeps one PR comment, found by the driver's hidden marker, and updates it", () => {
            const comment = w.jobs.comment;
            assert.deepStrictEqual(comment.permissions, { "pull-requests": "write" });
            assert.strictEqual(comment.needs, "preview");
            assert.match(comment.if!, /always\(\)/, "a failed preview still updates the comment");
            const script = comment.steps.find((s) => s.uses === "actions/github-script@v7")!.with!.script as string;
            assert.ok(script.includes(`const marker = "${MARKER_PREFIX}preview ";`));
            assert.match(script, /github\.rest\.issues\.updateComment/);
            assert.match(script, /github\.rest\.issues\.createComment/);
            const upload = w.jobs.preview.steps.find((s) => s.uses === "actions/upload-artifact@v4")!;
            const download = comment.steps.find((s) => s.uses === "actions/download-artifact@v4")!;
            assert.strictEqual(upload.if, "always()");
            assert.strictEqual(upload.with!.name, "preview-summary-${{ matrix.stack }}");
            assert.strictEqual(download.with!.pattern, "preview-summary-*");
            assert.strictEqual(download.with!["merge-multiple"], true);
        });
    });

    describe("deploy.yml", () => {
        const w = workflows["deploy.yml"];

        it("on push to main: tests, up dev, then up prod behind the protected production environment", () => {
            assert.deepStrictEqual(w.on.push, { branches: ["main"] });
            assert.strictEqual(w.jobs.dev.needs, "test");
            assert.strictEqual(w.jobs.prod.needs, "dev");
            assert.strictEqual(w.jobs.prod.environment, "production");
            assert.strictEqual(w.jobs.dev.environment, "dev");
            assert.deepStrictEqual(driverCalls(w.jobs.dev, {}), [["up", "--stack", "dev", "--summary-file", "summary.md"]]);
            assert.deepStrictEqual(driverCalls(w.jobs.prod, {}), [["up", "--stack", "prod", "--health-timeout", "600", "--summary-file", "summary.md"]]);
        });

        it("never runs two updates of one stack at once, and never cancels a running one", () => {
            assert.deepStrictEqual(w.jobs.dev.concurrency, { group: "pulumi-stack-dev", "cancel-in-progress": false });
            assert.deepStrictEqual(w.jobs.prod.concurrency, { group: "pulumi-stack-prod", "cancel-in-progress": false });
            assert.strictEqual(w.jobs.dev.env!.STACK, "dev");
            assert.strictEqual(w.jobs.prod.env!.STACK, "prod");
        });
    });

    describe("review-stack.yml", () => {
        const w = workflows["review-stack.yml"];

        it("updates pr-<number> with dev's config on open, push and reopen, and destroys and removes it on close", () => {
            assert.deepStrictEqual(w.on.pull_request.types, ["opened", "synchronize", "reopened", "closed"]);
            const { up, destroy } = w.jobs;
            assert.match(up.if!, /github\.event\.action != 'closed'/);
            assert.match(destroy.if!, /github\.event\.action == 'closed'/);
            for (const job of [up, destroy]) {
                assert.strictEqual(job.env!.STACK, "pr-${{ github.event.pull_request.number }}");
                assert.strictEqual(job.env!.BASE_STACK, "dev");
            }
            const vars = { STACK: "pr-42", BASE_STACK: "dev" };
            assert.deepStrictEqual(driverCalls(up, vars), [
                ["up", "--stack", "pr-42", "--config-from", "dev", "--summary-file", "summary.md"],
                ["outputs", "--stack", "pr-42", "--json"],
            ]);
            assert.deepStrictEqual(driverCalls(destroy, vars), [["destroy", "--stack", "pr-42", "--remove-stack", "--summary-file", "summary.md"]]);
            assert.deepStrictEqual(up.environment, { name: "review", url: "${{ steps.url.outputs.url }}" });
        });

        it("serializes the update and the destroy of one review stack", () => {
            const group = "pulumi-stack-pr-${{ github.event.pull_request.number }}";
            assert.deepStrictEqual(w.jobs.up.concurrency, { group, "cancel-in-progress": false });
            assert.deepStrictEqual(w.jobs.destroy.concurrency, { group, "cancel-in-progress": false });
        });
    });

    describe("drift.yml", () => {
        const w = workflows["drift.yml"];

        it("runs on a schedule and on demand, a refresh preview per stack that fails on drift", () => {
            assert.ok(Array.isArray(w.on.schedule) && w.on.schedule.length === 1);
            assert.match(w.on.schedule[0].cron, /^(\S+ ){4}\S+$/);
            assert.ok("workflow_dispatch" in w.on);
            const job = w.jobs.drift;
            assert.deepStrictEqual(job.strategy!.matrix.stack, CI_STACKS);
            assert.strictEqual(job.strategy!["fail-fast"], false);
            assert.deepStrictEqual(driverCalls(job, { STACK: "prod" }), [["refresh", "--stack", "prod", "--summary-file", "summary.md"]]);
        });

        it("shares each stack's concurrency group with deploy.yml", () => {
            const group = w.jobs.drift.concurrency!.group;
            for (const stack of ["dev", "prod"]) {
                assert.strictEqual(group.replace("${{ matrix.stack }}", stack), workflows["deploy.yml"].jobs[stack].concurrency!.group);
            }
            assert.strictEqual(w.jobs.drift.concurrency!["cancel-in-progress"], false);
        });
    });
});
