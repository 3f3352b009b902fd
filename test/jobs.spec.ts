import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { eventBridgeCron, isCron, parseCron, unixCron } from "../stacks/cron";
import { ConfigError } from "../stacks/errors";
import { loadSettings } from "../stacks/load-settings";
import { OfflineRunError } from "../stacks/offline";
import { baseline, plan, Plan, stackConfig } from "./harness";
import { CapturedResource } from "../stacks/offline";
import { runScript, START_PAUSE_SECONDS, START_TRIES, STATUS_READ_FAILURES } from "../providers/azure/job";
import { JOB_RUNNER_HANDLER, READ_FAILURES, TASK_START_TRIES } from "../providers/aws/job-runner-function";
import { ACCESS_TRIES } from "../components/iam-retry";
import { fastTimers } from "./fast-timers";
import { ChangeCollector, jobOfRun } from "../stacks/driver/changes";
import { ExitCode } from "../stacks/driver/exit-codes";
import { renderMarkdown } from "../stacks/driver/summary-markdown";
import { renderText } from "../stacks/driver/summary-text";

/**
 * Jobs (`jobs.<name>`): the worked example's `migrate` runs before app and worker roll out
 * (they use its database; processor does not) and `nightly` runs at 03:00 UTC. Per target: the
 * native mechanism, the gated services' dependency on the run, what starts a new run, and the
 * generated guest code executed for real.
 */

const ID = { project: "anycloud", stack: "test" };

function settingsOf(set: Record<string, unknown> = {}) {
    return loadSettings(stackConfig({ stack: "dev", set }).config, ID);
}

function problemsOf(set: Record<string, unknown>) {
    try {
        settingsOf(set);
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), String(e));
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

function only(set: Record<string, unknown>) {
    const problems = problemsOf(set);
    assert.strictEqual(problems.length, 1, JSON.stringify(problems, null, 1));
    return problems[0];
}

/** The problems of a config on a cloud: the cloud's checks run in loadSettings' one pass. */
async function cloudProblems(cloud: string, set: Record<string, unknown>) {
    try {
        settingsOf({ cloud, ...set });
        return [];
    } catch (e) {
        assert.ok(ConfigError.isInstance(e), String(e));
        return e.problems;
    }
}

function dependsOn(r: CapturedResource, on: CapturedResource): boolean {
    return r.dependencies.includes(on.urn);
}

const GATED = ["app", "worker"];

/**
 * The part of EventBridge's pattern matching the failed-run rule uses (aws/event-ruler README):
 * each field's array lists accepted values, a field whose event value is an array matches when any
 * element does, `anything-but` matches a present value other than the one given, `$or` any of its
 * patterns; a field the event lacks never matches.
 */
function eventMatches(pattern: any, event: any): boolean {
    return Object.entries(pattern).every(([key, want]: [string, any]) => {
        if (key === "$or") return want.some((alt: any) => eventMatches(alt, event));
        const value = event?.[key];
        if (value === undefined) return false;
        const values = Array.isArray(value) ? value : [value];
        if (!Array.isArray(want)) return values.some((v) => typeof v === "object" && v !== null && eventMatches(want, v));
        return values.some((v) => want.some((w: any) => (typeof w === "object" && w !== null && "anything-but" in w ? v !== w["anything-but"] : v === w)));
    });
}

/**
 * EventBridge's input transformer on a string template: each <variable> is replaced by the value
 * at its input path (dot notation and array indices), a missing value by nothing, and the
 * template (a JSON string) is what the target receives.
 */
function transformed(transformer: { inputPaths: Record<string, string>; inputTemplate: string }, event: any): string {
    const at = (jsonPath: string) =>
        jsonPath
            .replace(/^\$\./, "")
            .split(/\.|\[(\d+)\]/)
            .filter((k) => k !== undefined && k !== "")
            .reduce((o: any, k) => (o === undefined || o === null ? undefined : o[k]), event);
    const text = transformer.inputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (_, v) => {
        const value = transformer.inputPaths[v] === undefined ? undefined : at(transformer.inputPaths[v]);
        return value === undefined || value === null ? "" : String(value);
    });
    return JSON.parse(text);
}

/** An "ECS Task State Change" event of a stopped task (Amazon ECS events docs), containers in the order given. */
function stoppedTask(clusterArn: string, family: string, containers: { name: string; exitCode?: number }[], stop: { stopCode: string; stoppedReason: string }) {
    const taskArn = `${clusterArn.replace(":cluster/", ":task/")}/0123456789abcdef`;
    return {
        source: "aws.ecs",
        "detail-type": "ECS Task State Change",
        detail: {
            clusterArn,
            group: `family:${family}`,
            lastStatus: "STOPPED",
            desiredStatus: "STOPPED",
            taskArn,
            ...stop,
            containers: containers.map((c) => ({ containerArn: `${taskArn}/${c.name}`, lastStatus: "STOPPED", name: c.name, taskArn, ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }) })),
        },
    };
}

describe("jobs", function () {
    this.timeout(240000);

    describe("config", () => {
        it("the worked example has a before-deploy migration gating the services on its database, and a nightly job in UTC", () => {
            const s = settingsOf();
            const migrate = s.jobs.find((j) => j.name === "migrate")!;
            assert.deepStrictEqual(migrate.trigger, { kind: "beforeDeploy", gates: GATED });
            assert.deepStrictEqual(migrate.image, s.services.find((x) => x.name === "app")!.image, "service: app reuses the app's image");
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "nightly")!.trigger, { kind: "schedule", cron: "0 3 * * *", timeZone: "UTC", retries: 1 });
        });
        it("gates default to every service when the job uses no database", () => {
            const s = settingsOf({ "jobs.seed": { image: "busybox:1.36", run: "beforeDeploy" } });
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "seed")!.trigger, { kind: "beforeDeploy", gates: ["app", "worker", "processor"] });
        });
        it("a cron expression that does not parse names the key, the value and the accepted form", () => {
            const p = only({ "jobs.nightly.schedule": "0 25 * * *" });
            assert.strictEqual(p.key, "anycloud:jobs.nightly.schedule");
            assert.strictEqual(p.value, "0 25 * * *");
            assert.match(p.accepted, /five-field cron expression.*hour '25' is outside 0-23/);
        });
        it("a cron expression with six fields is refused", () => {
            assert.match(only({ "jobs.nightly.schedule": "0 0 3 * * *" }).accepted, /has 6 fields, not 5/);
        });
        it("gates naming an unknown service are refused, with the services that exist", () => {
            const p = only({ "jobs.migrate.gates": ["app", "api"] });
            assert.strictEqual(p.key, "anycloud:jobs.migrate.gates[1]");
            assert.strictEqual(p.value, "api");
            assert.match(p.accepted, /app, worker, processor/);
        });
        it("both run and schedule is refused", () => {
            const p = only({ "jobs.migrate.schedule": "0 3 * * *" });
            assert.strictEqual(p.key, "anycloud:jobs.migrate");
            assert.match(p.accepted, /exactly one of run: beforeDeploy .* or schedule/);
        });
        it("neither run nor schedule is refused", () => {
            assert.match(only({ "jobs.migrate.run": undefined }).accepted, /exactly one of run: beforeDeploy/);
        });
        it("an unknown time zone is refused", () => {
            const p = only({ "jobs.nightly.timeZone": "Mars/Olympus" });
            assert.strictEqual(p.key, "anycloud:jobs.nightly.timeZone");
            assert.match(p.accepted, /IANA time zone/);
        });
        it("service: names an existing service, and needs a command", () => {
            assert.strictEqual(only({ "jobs.migrate.service": "api" }).key, "anycloud:jobs.migrate.service");
            assert.strictEqual(only({ "jobs.migrate.command": undefined }).key, "anycloud:jobs.migrate.command");
        });
        it("a job may not take a service's name (identities, groups and logs are per name)", () => {
            assert.strictEqual(only({ "jobs.worker": { image: "busybox:1.36", schedule: "0 * * * *" } }).key, "anycloud:jobs.worker");
        });
        it("a job uses only parts the stack has, under its own key", () => {
            const p = only({ "jobs.nightly.uses": ["database", "bucket:exports"] });
            assert.strictEqual(p.key, "anycloud:jobs.nightly.uses[1]");
        });
        it("a job may call a service (uses: service:<name>; the wiring per target is in services.spec.ts)", () => {
            const s = settingsOf({ "jobs.nightly.uses": ["database", "service:app"] });
            assert.deepStrictEqual(s.jobs.find((j) => j.name === "nightly")!.uses.services, ["app"]);
        });
        it("gates and retries belong to one trigger each", () => {
            assert.strictEqual(only({ "jobs.nightly.gates": ["app"] }).key, "anycloud:jobs.nightly.gates");
            assert.strictEqual(only({ "jobs.migrate.retries": 2 }).key, "anycloud:jobs.migrate.retries");
        });
    });

    describe("cron translation", () => {
        const cron = (e: string) => {
            const c = parseCron(e);
            assert.ok(isCron(c), e);
            return c;
        };
        it("unix cron (Cloud Scheduler, Container Apps) keeps * and writes lists", () => {
            assert.strictEqual(unixCron(cron("0 3 * * *")), "0 3 * * *");
            assert.strictEqual(unixCron(cron("*/15 9-17 * * MON-FRI")), "0,15,30,45 9,10,11,12,13,14,15,16,17 * * 1,2,3,4,5");
            assert.strictEqual(unixCron(cron("0 6 1 JAN,JUL 7")), "0 6 1 1,7 0");
        });
        it("EventBridge numbers weekdays 1-7 from Sunday and puts ? in the unrestricted day field", () => {
            assert.strictEqual(eventBridgeCron(cron("0 3 * * *")), "cron(0 3 * * ? *)");
            assert.strictEqual(eventBridgeCron(cron("30 6 * * MON")), "cron(30 6 ? * 2 *)");
            assert.strictEqual(eventBridgeCron(cron("0 0 * * 0,6")), "cron(0 0 ? * 1,7 *)");
            assert.strictEqual(eventBridgeCron(cron("0 4 1,15 * *")), "cron(0 4 1,15 * ? *)");
        });
        it("a schedule restricting both day fields has no EventBridge form and is refused on AWS only", async () => {
            assert.strictEqual(eventBridgeCron(cron("0 4 1 * MON")), undefined);
            const aws = await cloudProblems("aws", { "jobs.nightly.schedule": "0 4 1 * MON" });
            assert.deepStrictEqual(aws.map((p) => p.key), ["anycloud:jobs.nightly.schedule"]);
            assert.deepStrictEqual(await cloudProblems("gcp", { "jobs.nightly.schedule": "0 4 1 * MON" }), []);
        });
        it("Azure refuses a time zone other than UTC (Container Apps reads cron in UTC)", async () => {
            const azure = await cloudProblems("azure", { "jobs.nightly.timeZone": "Europe/Berlin" });
            assert.deepStrictEqual(azure.map((p) => p.key), ["anycloud:jobs.nightly.timeZone"]);
        });
        it("AWS refuses a before-deploy bound above the Lambda ceiling", async () => {
            const aws = await cloudProblems("aws", { "jobs.migrate.timeoutMinutes": 20 });
            assert.deepStrictEqual(aws.map((p) => [p.key, p.value]), [["anycloud:jobs.migrate.timeoutMinutes", 20]]);
            assert.deepStrictEqual(await cloudProblems("aws", { "jobs.migrate.timeoutMinutes": 14 }), []);
        });
    });

    describe("local", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev" });
        });
        it("the migration is a run-to-completion container the gated services' containers wait for", () => {
            const run = p.one("docker:index/container:Container", "migrate-run");
            assert.strictEqual(run.inputs.attach, true);
            assert.strictEqual(run.inputs.mustRun, false);
            for (const s of GATED) assert.ok(dependsOn(p.one("docker:index/container:Container", `${s}-container`), run), s);
            assert.ok(!dependsOn(p.one("docker:index/container:Container", "processor-container"), run), "processor is not gated");
        });
        it("the migration runs after the databases exist, on the database network only", () => {
            const run = p.one("docker:index/container:Container", "migrate-run");
            assert.ok(dependsOn(run, p.one("docker:index/container:Container", "database-init")));
            const nets = run.inputs.networksAdvanced.map((n: { name: string }) => n.name);
            assert.strictEqual(nets.length, 2, JSON.stringify(nets));
            assert.ok(nets.some((n: string) => n.endsWith("-database")), JSON.stringify(nets));
        });
        it("the nightly container is created stopped and restarted by Docker on failure once; the host crontab line that starts it is reported", () => {
            const job = p.one("docker:index/container:Container", "nightly-job");
            assert.strictEqual(job.inputs.start, false);
            assert.strictEqual(job.inputs.restart, "on-failure");
            assert.strictEqual(job.inputs.maxRetryCount, 1);
            assert.strictEqual(p.outputs.jobs.nightly.trigger, `schedule 0 3 * * * (UTC); not started by the local target: add to the Docker host's crontab: CRON_TZ=UTC\n0 3 * * * docker start -a ${job.inputs.name}`);
            assert.ok(!p.ofType("docker:index/container:Container").some((c) => (c.inputs.volumes ?? []).some((v: any) => v.hostPath === "/var/run/docker.sock")), "no container gets the Docker socket");
        });
        it("a migration that exits non-zero stops the deploy with its exit code and logs, and no gated container is touched", async () => {
            // The failure is thrown inside an apply after the run container registered: the run
            // ends with it (the offline engine waits for such errors, as the engine's run would).
            let error: unknown;
            try {
                await plan({ stack: "dev", facts: { jobExitCode: 3 } });
            } catch (e) {
                error = e;
            }
            assert.ok(error instanceof OfflineRunError, `the run did not fail with its error: ${error}`);
            assert.match(error.message, /jobs\.migrate \(run: beforeDeploy\) failed with exit code 3; .*docker logs anycloud-dev-job-migrate/);
            const registered = error.registered.map((r) => r.name);
            for (const s of GATED) assert.ok(!registered.includes(`${s}-container`), `${s} was registered: ${registered.join(", ")}`);
        });
    });

    describe("aws", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev", set: { cloud: "aws" } });
        });
        it("the gated ECS services depend on the invocation that runs the migration", () => {
            const run = p.one("aws:lambda/invocation:Invocation", "migrate-run");
            for (const s of GATED) assert.ok(dependsOn(p.one("aws:ecs/service:Service", `${s}-service`), run), s);
            assert.ok(!dependsOn(p.one("aws:ecs/service:Service", "processor-service"), run));
        });
        it("the run is triggered by the job's task definition revision, and names its own task and group", () => {
            const run = p.one("aws:lambda/invocation:Invocation", "migrate-run");
            const task = p.one("aws:ecs/taskDefinition:TaskDefinition", "migrate-task");
            assert.deepStrictEqual(run.inputs.triggers, { taskDefinition: task.outputs.arn });
            const input = JSON.parse(run.inputs.input);
            assert.strictEqual(input.taskDefinition, task.outputs.arn);
            assert.strictEqual(input.securityGroups.length, 1);
            assert.ok(run.propertyDependencies.input.includes(p.one("aws:ec2/securityGroup:SecurityGroup", "network-svc-migrate").urn), "runs in the job's own group");
            assert.strictEqual(input.timeoutSeconds, 600);
            assert.deepStrictEqual(JSON.parse(task.inputs.containerDefinitions)[0].command, ["npx", "prisma", "migrate", "deploy"]);
        });
        it("the migration's group reaches PostgreSQL and nothing else the stack has", () => {
            const egress = p.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.name.startsWith("network-migrate-to-")).map((r) => r.name).sort();
            assert.deepStrictEqual(egress, ["network-migrate-to-aws-apis", "network-migrate-to-database"]);
        });
        it("the nightly job is an EventBridge Scheduler schedule running its task, with bounded retries", () => {
            const schedule = p.one("aws:scheduler/schedule:Schedule", "nightly-schedule");
            assert.strictEqual(schedule.inputs.scheduleExpression, "cron(0 3 * * ? *)");
            assert.strictEqual(schedule.inputs.scheduleExpressionTimezone, "UTC");
            assert.strictEqual(schedule.inputs.target.ecsParameters.taskDefinitionArn, p.one("aws:ecs/taskDefinition:TaskDefinition", "nightly-task").outputs.arn);
            assert.deepStrictEqual(schedule.inputs.target.retryPolicy, { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 });
        });
        it("a failed nightly run reaches the alarm topic, which lets EventBridge publish", () => {
            const rule = p.one("aws:cloudwatch/eventRule:EventRule", "nightly-failed");
            const pattern = JSON.parse(rule.inputs.eventPattern);
            assert.deepStrictEqual(pattern.detail.lastStatus, ["STOPPED"]);
            assert.ok(pattern.detail.group[0].startsWith("family:"));
            const target = p.one("aws:cloudwatch/eventTarget:EventTarget", "nightly-failed");
            const topic = p.one("aws:sns/topic:Topic", "alarms");
            assert.strictEqual(target.inputs.arn, topic.outputs.arn);
            const policy = JSON.parse(p.one("aws:sns/topicPolicy:TopicPolicy", "alarms-policy").inputs.policy);
            assert.ok(policy.Statement.some((s: any) => s.Principal.Service === "events.amazonaws.com" && s.Action === "sns:Publish"));
            assert.ok(dependsOn(target, p.one("aws:sns/topicPolicy:TopicPolicy", "alarms-policy")));
            // EventBridge substitutes only the <name> variables that inputPaths defines: the template uses exactly those.
            const used = [...target.inputs.inputTransformer.inputTemplate.matchAll(/<([^>]+)>/g)].map((m) => m[1]).sort();
            assert.deepStrictEqual(used, Object.keys(target.inputs.inputTransformer.inputPaths).sort());
        });
        describe("the failed-run rule and its notice, on a task with the CA init container", () => {
            const EXITED = { stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited" };
            let pattern: any;
            let notice: { inputPaths: Record<string, string>; inputTemplate: string };
            let cluster: string;
            let family: string;
            before(() => {
                pattern = JSON.parse(p.one("aws:cloudwatch/eventRule:EventRule", "nightly-failed").inputs.eventPattern);
                notice = p.one("aws:cloudwatch/eventTarget:EventTarget", "nightly-failed").inputs.inputTransformer;
                cluster = p.one("aws:ecs/cluster:Cluster", "cluster").outputs.arn;
                const task = p.one("aws:ecs/taskDefinition:TaskDefinition", "nightly-task");
                family = task.inputs.family;
                // The case this is about: the nightly job uses the database, so its task has two containers.
                assert.deepStrictEqual(JSON.parse(task.inputs.containerDefinitions).map((c: any) => c.name), ["nightly", "anycloud_db_ca"]);
            });
            it("the rule fires when the job's container exits non-zero, whichever element ECS lists it as", () => {
                assert.ok(eventMatches(pattern, stoppedTask(cluster, family, [{ name: "anycloud_db_ca", exitCode: 0 }, { name: "nightly", exitCode: 3 }], EXITED)));
                assert.ok(eventMatches(pattern, stoppedTask(cluster, family, [{ name: "nightly", exitCode: 3 }, { name: "anycloud_db_ca", exitCode: 0 }], EXITED)));
            });
            it("the rule fires when the init container failed (the job never ran) or the task never started, and not on a clean run", () => {
                assert.ok(eventMatches(pattern, stoppedTask(cluster, family, [{ name: "anycloud_db_ca", exitCode: 1 }, { name: "nightly" }], { stopCode: "EssentialContainerExited", stoppedReason: "Task failed container dependencies" })));
                assert.ok(eventMatches(pattern, stoppedTask(cluster, family, [{ name: "anycloud_db_ca" }, { name: "nightly" }], { stopCode: "TaskFailedToStart", stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)" })));
                assert.ok(!eventMatches(pattern, stoppedTask(cluster, family, [{ name: "anycloud_db_ca", exitCode: 0 }, { name: "nightly", exitCode: 0 }], EXITED)));
                assert.ok(!eventMatches(pattern, stoppedTask(cluster, "other-family", [{ name: "nightly", exitCode: 3 }], EXITED)), "another task definition's failure");
            });
            it("the notice gives each container's own exit code beside its name, never the init container's as the job's", () => {
                const text = transformed(notice, stoppedTask(cluster, family, [{ name: "anycloud_db_ca", exitCode: 0 }, { name: "nightly", exitCode: 3 }], EXITED));
                assert.match(text, /^jobs\.nightly \(schedule 0 3 \* \* \*\) failed: anycloud_db_ca exit code 0; nightly exit code 3 \(the job's own container is nightly; anycloud_db_ca runs before it/);
                assert.match(text, /Stop code EssentialContainerExited: Essential container in task exited\. Task arn:aws:ecs:[^ ]+\/0123456789abcdef\./);
            });
            it("a container that never ran shows no exit code, and the init container's failure is its own", () => {
                const text = transformed(notice, stoppedTask(cluster, family, [{ name: "nightly" }, { name: "anycloud_db_ca", exitCode: 1 }], { stopCode: "EssentialContainerExited", stoppedReason: "Task failed container dependencies" }));
                assert.match(text, /failed: nightly exit code ; anycloud_db_ca exit code 1 /);
            });
            it("the notice reads a name and an exit code from the same element, for each container of the task", () => {
                assert.deepStrictEqual(
                    Object.entries(notice.inputPaths).filter(([k]) => /^(container|exitCode)\d+$/.test(k)).sort(),
                    [["container0", "$.detail.containers[0].name"], ["container1", "$.detail.containers[1].name"], ["exitCode0", "$.detail.containers[0].exitCode"], ["exitCode1", "$.detail.containers[1].exitCode"]],
                );
            });
        });
    });

    describe("gcp", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev", set: { cloud: "gcp" } });
        });
        it("the migration is a Cloud Run job executed on deploy (runExecutionToken), and the gated services depend on it", () => {
            const run = p.one("gcp:cloudrunv2/job:Job", "migrate-run");
            assert.match(run.inputs.runExecutionToken, /^[0-9a-f]{12}$/);
            assert.strictEqual(run.inputs.template.template.maxRetries, 0);
            for (const s of GATED) {
                const w = [...p.ofType("gcp:cloudrunv2/service:Service"), ...p.ofType("gcp:cloudrunv2/workerPool:WorkerPool")].find((r) => r.name.startsWith(`${s}-`))!;
                assert.ok(dependsOn(w, run), s);
            }
        });
        it("the execution token changes with the command and with nothing unrelated", async () => {
            const token = (pl: Plan) => pl.one("gcp:cloudrunv2/job:Job", "migrate-run").inputs.runExecutionToken;
            const changed = await plan({ stack: "dev", set: { cloud: "gcp", "jobs.migrate.command": ["npx", "prisma", "migrate", "deploy", "--schema", "db.prisma"] } });
            assert.notStrictEqual(token(changed), token(p));
            const unrelated = await plan({ stack: "dev", set: { cloud: "gcp", "services.processor.env.LOG_LEVEL": "debug" } });
            assert.strictEqual(token(unrelated), token(p));
        });
        it("the nightly job runs from Cloud Scheduler as an invoker that may run only this job, and alerts on failure", () => {
            const scheduler = p.one("gcp:cloudscheduler/job:Job", "nightly-schedule");
            assert.strictEqual(scheduler.inputs.schedule, "0 3 * * *");
            assert.strictEqual(scheduler.inputs.timeZone, "UTC");
            assert.match(scheduler.inputs.httpTarget.uri, /^https:\/\/run\.googleapis\.com\/v2\/projects\/.+\/jobs\/.+:run$/);
            const member = p.one("gcp:cloudrunv2/jobIamMember:JobIamMember", "nightly-invoker");
            assert.strictEqual(member.inputs.role, "roles/run.invoker");
            assert.strictEqual(p.one("gcp:cloudrunv2/job:Job", "nightly-job").inputs.template.template.maxRetries, 1);
            const alert = p.one("gcp:monitoring/alertPolicy:AlertPolicy", "alert-job-nightly-failed");
            assert.match(alert.inputs.conditions[0].conditionThreshold.filter, /job\/completed_execution_count.*result = "failed"/);
        });
    });

    describe("azure", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        });
        it("the migration is a Manual Container Apps job run by a deployment script the gated apps depend on", () => {
            const job = p.one("azure-native:app:Job", "migrate-job");
            assert.strictEqual(job.inputs.configuration.triggerType, "Manual");
            assert.strictEqual(job.inputs.configuration.replicaRetryLimit, 0);
            const run = p.one("azure-native:resources:AzureCliScript", "migrate-run");
            assert.ok(run.propertyDependencies.environmentVariables.includes(job.urn), "starts that job");
            for (const s of GATED) assert.ok(dependsOn(p.one("azure-native:app:ContainerApp", `${s}-app`), run), s);
            assert.ok(!dependsOn(p.one("azure-native:app:ContainerApp", "processor-app"), run));
        });
        it("the stack output says the run needs shared key access to the script's storage account (a common policy denies it)", () => {
            assert.match(p.outputs.jobs.migrate.trigger, /^beforeDeploy; started by an Azure deployment script, .*shared key.*'Storage accounts should prevent shared key access'.*exempt this stack's resource group/);
            assert.doesNotMatch(p.outputs.jobs.nightly.trigger, /deployment script/, "a scheduled job runs without a script");
        });
        it("the runner may operate the migration job only", () => {
            const grant = p.one("azure-native:authorization:RoleAssignment", "migrate-runner-job");
            assert.deepStrictEqual(grant.propertyDependencies.scope, [p.one("azure-native:app:Job", "migrate-job").urn]);
        });
        it("the run starts the job only after a bounded wait for the runner's new grants (a fresh identity's role assignments apply minutes later; the first POST .../start would be refused)", () => {
            const wait = p.one("pulumi-nodejs:dynamic/anycloud:PropagationWait", "migrate-runner-rbac-propagation");
            const grants = ["migrate-runner-job", "migrate-runner-read"].map((n) => p.one("azure-native:authorization:RoleAssignment", n));
            for (const g of grants) assert.ok(dependsOn(wait, g), g.name);
            assert.strictEqual(wait.inputs.seconds, 180);
            assert.ok(dependsOn(p.one("azure-native:resources:AzureCliScript", "migrate-run"), wait), "the run waits for the grants to settle");
        });
        it("the run's forceUpdateTag changes with the command", async () => {
            const tag = (pl: Plan) => pl.one("azure-native:resources:AzureCliScript", "migrate-run").inputs.forceUpdateTag;
            const changed = await plan({ stack: "dev", set: { cloud: "azure", "jobs.migrate.command": ["npx", "prisma", "migrate", "deploy", "--schema", "db.prisma"] } });
            assert.notStrictEqual(tag(changed), tag(p));
            const unrelated = await plan({ stack: "dev", set: { cloud: "azure", "services.processor.env.LOG_LEVEL": "debug" } });
            assert.strictEqual(tag(unrelated), tag(p));
        });
        it("the nightly job has a Schedule trigger, replica retries and a failed-execution alert", () => {
            const job = p.one("azure-native:app:Job", "nightly-job");
            assert.strictEqual(job.inputs.configuration.triggerType, "Schedule");
            assert.strictEqual(job.inputs.configuration.scheduleTriggerConfig.cronExpression, "0 3 * * *");
            assert.strictEqual(job.inputs.configuration.replicaRetryLimit, 1);
            const alert = p.one("azure-native:monitor:MetricAlert", "job-nightly-failed");
            const c = alert.inputs.criteria.allOf[0];
            assert.strictEqual(c.metricName, "Executions");
            assert.deepStrictEqual(c.dimensions, [{ name: "state", operator: "Include", values: ["Failed"] }]);
        });
    });

    describe("guest code, executed", () => {
        it("the Azure run script passes shellcheck as POSIX sh", () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-job-")), "run.sh");
            fs.writeFileSync(file, runScript());
            execFileSync("shellcheck", ["-s", "sh", file]);
        });
        describe("the Azure run script against a fake az", () => {
            /**
             * `starts`: ARM's answers to POST start, one a try ("ok"; "accepted", a 202 without a body; or the error `az rest` prints);
             * `statuses`: to each GET, an execution status, or "!" and the error of a failed read.
             */
            const runWith = (statuses: string[], starts: string[] = ["ok"]) => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-job-"));
                fs.writeFileSync(path.join(dir, "statuses"), statuses.join("\n") + "\n");
                fs.writeFileSync(path.join(dir, "starts"), starts.join("\n") + "\n");
                // Answers like ARM through az rest: the execution's name, its status, or az's error and exit 1.
                fs.writeFileSync(
                    path.join(dir, "az"),
                    `#!/bin/sh
echo "$*" >> "${dir}/calls"
case "$*" in
  *"--method post"*) f="${dir}/starts" ;;
  *) f="${dir}/statuses" ;;
esac
answer=$(head -n 1 "$f"); sed -i 1d "$f"
case "$answer" in
  ok) echo exec-1 ;;
  accepted) ;;
  !*) echo "ERROR: \${answer#!}" >&2; exit 1 ;;
  *) echo "$answer" ;;
esac
`,
                    { mode: 0o755 },
                );
                fs.writeFileSync(path.join(dir, "sleep"), `#!/bin/sh\necho "sleep $*" >> "${dir}/calls"\n`, { mode: 0o755 });
                const r = spawnSync("sh", ["-c", runScript()], {
                    encoding: "utf8",
                    env: { PATH: `${dir}:/usr/bin:/bin`, JOB_ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/jobs/j", JOB_NAME: "migrate", JOBS_API_VERSION: "2024-03-01", LOGS: "the log query", AZ_SCRIPTS_OUTPUT_PATH: path.join(dir, "out.json") },
                });
                const calls = fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
                return { ...r, dir, calls, starts: calls.filter((c) => c.includes("--method post")).length, reads: calls.filter((c) => c.includes("--method get")).length };
            };
            const REFUSED = '!Forbidden({"error":{"code":"AuthorizationFailed","message":"The client \'c\' with object id \'o\' does not have authorization to perform action \'Microsoft.App/jobs/start/action\' over scope \'/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/jobs/j\' or the scope is invalid. If access was recently granted, please refresh your credentials."}})';
            it("waits through Running and succeeds on Succeeded, writing the execution as output", () => {
                const r = runWith(["Running", "Running", "Succeeded"]);
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(r.dir, "out.json"), "utf8")), { execution: "exec-1", status: "Succeeded" });
                assert.match(r.calls[0], /--method post --url https:\/\/management\.azure\.com\/subscriptions\/s\/.*\/jobs\/j\/start\?api-version=2024-03-01/);
                assert.match(r.calls[1], /--method get --url .*\/jobs\/j\/executions\/exec-1\?api-version/);
                assert.strictEqual(r.reads, 3);
            });
            it("fails with the execution, its status and where the logs are when it failed", () => {
                const r = runWith(["Running", "Failed"]);
                assert.strictEqual(r.status, 1);
                assert.match(r.stderr, /jobs\.migrate \(run: beforeDeploy\) execution exec-1 ended Failed; .*the log query/);
            });
            it("asks again, paused, while ARM refuses the runner's new role assignments (AuthorizationFailed) or throttles it (429)", () => {
                const r = runWith(["Succeeded"], [REFUSED, "!Too Many Requests({\"error\":{\"code\":\"TooManyRequests\"}})", "ok"]);
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(r.starts, 3);
                assert.deepStrictEqual(r.calls.filter((c) => c.startsWith("sleep")), [`sleep ${START_PAUSE_SECONDS}`, `sleep ${START_PAUSE_SECONDS}`]);
            });
            it(`gives up after ${START_TRIES} refused starts, with ARM's answer`, () => {
                const r = runWith(["Succeeded"], Array(START_TRIES + 1).fill(REFUSED));
                assert.strictEqual(r.status, 1);
                assert.strictEqual(r.starts, START_TRIES);
                assert.match(r.stderr, new RegExp(`could not start jobs\\.migrate \\(run: beforeDeploy\\) \\(try ${START_TRIES} of ${START_TRIES};.*AuthorizationFailed`));
            });
            it("never asks again after a failure that may have started an execution (a second migration at once)", () => {
                const r = runWith(["Succeeded"], ['!Bad Request({"error":"Attempt to start job failed. Job j is suspended"})', "ok"]);
                assert.strictEqual(r.status, 1);
                assert.strictEqual(r.starts, 1);
                assert.match(r.stderr, /could not start jobs\.migrate .*\(try 1 of \d+;.*Job j is suspended/);
            });
            it("fails at once, saying the execution may run, when ARM accepts the start without naming it (202, no body)", () => {
                const r = runWith(["Succeeded"], ["accepted"]);
                assert.strictEqual(r.status, 1);
                assert.strictEqual(r.starts, 1);
                assert.strictEqual(r.reads, 0, "no read of the executions list");
                assert.match(r.stderr, /accepted the start of jobs\.migrate .* without naming the execution.*it may be running.*the log query/);
            });
            it("reads the status again after a failed read, and the execution's end still decides", () => {
                const r = runWith(["Running", "!Service Unavailable(upstream)", "!Too Many Requests()", "Running", "Succeeded"]);
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(r.starts, 1);
                assert.strictEqual(r.reads, 5);
            });
            it(`fails, saying the execution may still run, after ${STATUS_READ_FAILURES} failed reads in a row`, () => {
                const r = runWith(["Running", ...Array(STATUS_READ_FAILURES - 1).fill("!Service Unavailable(x)"), "Running", ...Array(STATUS_READ_FAILURES).fill("!Gateway Timeout(y)"), "Succeeded"]);
                assert.strictEqual(r.status, 1);
                assert.strictEqual(r.reads, 2 * STATUS_READ_FAILURES + 1);
                assert.match(r.stderr, new RegExp(`execution exec-1 could not be read ${STATUS_READ_FAILURES} times in a row \\(last: ERROR: Gateway Timeout\\(y\\)\\); it may still be running.*the log query`));
            });
        });
        describe("the AWS runner function against a fake ECS", () => {
            /**
             * `stops`: DescribeTasks' answers in turn (a task, or `{ throws: <error name> }`);
             * `runErrors`: what RunTask answers at its first tries: an error thrown ("Name" or "Name: message"),
             * or "failure: <reason>" (no task, that failure).
             */
            const run = (stops: object[], timeoutSeconds = 60, runErrors: string[] = []) => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-runner-"));
                fs.writeFileSync(path.join(dir, "index.js"), JOB_RUNNER_HANDLER);
                fs.mkdirSync(path.join(dir, "node_modules", "@aws-sdk", "client-ecs"), { recursive: true });
                // Answers in the shape of the ECS API: RunTask gives a task, DescribeTasks walks through the given states.
                fs.writeFileSync(
                    path.join(dir, "node_modules", "@aws-sdk", "client-ecs", "index.js"),
                    `const fs = require("fs"); const states = ${JSON.stringify(stops)}; const runErrors = ${JSON.stringify(runErrors)}; let i = 0;
const fail = (spec) => { const [name, message] = spec.split(/: (.*)/s); return Object.assign(new Error(message || name + " from the fake ECS"), { name }); };
class C { constructor(input) { this.input = input; this.kind = this.constructor.name; } }
class RunTaskCommand extends C {} class DescribeTasksCommand extends C {} class StopTaskCommand extends C {}
class ECSClient { async send(c) { fs.appendFileSync(${JSON.stringify(path.join(dir, "calls"))}, c.kind + " " + JSON.stringify(c.input) + "\\n");
  if (c.kind === "RunTaskCommand") { if (runErrors.length) { const e = runErrors.shift(); if (e.startsWith("failure: ")) return { tasks: [], failures: [{ reason: e.slice(9) }] }; throw fail(e); } return { tasks: [{ taskArn: "arn:aws:ecs:eu-west-1:1:task/cluster/abc123" }], failures: [] }; }
  if (c.kind === "DescribeTasksCommand") { const s = states[Math.min(i++, states.length - 1)]; if (s.throws) throw fail(s.throws); return { tasks: [s] }; }
  return {}; } }
module.exports = { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand };`,
                );
                const event = { job: "migrate", cluster: "arn:cluster", taskDefinition: "arn:td:3", subnets: ["s1"], securityGroups: ["sg1"], container: "migrate", logGroup: "/anycloud/app/dev/migrate", logStreamPrefix: "migrate", timeoutSeconds, pollMs: 5 };
                // Its waits (the poll, a refused start's pause) pass at once: the handler as it ships, on a fast clock.
                fastTimers(dir);
                const out = execFileSync("node", ["-r", "./fast-timers.js", "-e", `require("./index.js").handler(${JSON.stringify(event)}).then((r) => console.log(JSON.stringify({ r })), (e) => console.log(JSON.stringify({ e: e.message })))`], { cwd: dir, encoding: "utf8" });
                const calls: string[] = fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
                return { ...JSON.parse(out), calls, runs: calls.filter((c) => c.startsWith("RunTaskCommand")).length, reads: calls.filter((c) => c.startsWith("DescribeTasksCommand")).length };
            };
            const stopped = (exitCode: number | undefined) => ({ lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", containers: [{ name: "migrate", exitCode }] });
            it("starts the task in the job's subnets and group and returns when it exits 0", () => {
                const r = run([{ lastStatus: "RUNNING", containers: [] }, stopped(0)]);
                assert.deepStrictEqual(r.r, { job: "migrate", task: "arn:aws:ecs:eu-west-1:1:task/cluster/abc123", exitCode: 0 });
                const start = JSON.parse(r.calls[0].replace(/^RunTaskCommand /, ""));
                assert.deepStrictEqual(start.networkConfiguration.awsvpcConfiguration, { subnets: ["s1"], securityGroups: ["sg1"], assignPublicIp: "DISABLED" });
                assert.strictEqual(start.taskDefinition, "arn:td:3");
            });
            it("fails with the exit code and the log stream of that task when it exits non-zero", () => {
                const r = run([stopped(2)]);
                assert.match(r.e, /jobs\.migrate \(run: beforeDeploy\) failed with exit code 2; .*group \/anycloud\/app\/dev\/migrate, stream migrate\/migrate\/abc123/);
            });
            it("stops the task and fails when it outlives its bound", () => {
                const r = run([{ lastStatus: "RUNNING", containers: [] }], 0);
                assert.match(r.e, /ran longer than its timeout \(0 s\) and was stopped/);
                assert.ok(r.calls.some((c: string) => c.startsWith("StopTaskCommand")), r.calls.join("\n"));
            });
            it("starts again while IAM refuses the runner's new policies (AccessDeniedException), and the run goes on", () => {
                const r = run([stopped(0)], 60, ["AccessDeniedException", "AccessDeniedException"]);
                assert.deepStrictEqual(r.r, { job: "migrate", task: "arn:aws:ecs:eu-west-1:1:task/cluster/abc123", exitCode: 0 });
                assert.strictEqual(r.runs, 3);
            });
            it(`gives up after ${ACCESS_TRIES} refused starts, naming the error`, () => {
                const r = run([stopped(0)], 60, Array(ACCESS_TRIES + 1).fill("AccessDeniedException"));
                assert.strictEqual(r.runs, ACCESS_TRIES);
                assert.match(r.e, new RegExp(`jobs\\.migrate \\(run: beforeDeploy\\) could not start \\(RunTask, try ${ACCESS_TRIES};.*AccessDeniedException: AccessDeniedException from the fake ECS`));
            });
            it("never starts again after another error (it may have started a task: two migrations at once)", () => {
                const r = run([stopped(0)], 60, ["InvalidParameterException", "AccessDeniedException"]);
                assert.strictEqual(r.runs, 1);
                assert.match(r.e, /could not start \(RunTask, try 1;.*InvalidParameterException/);
            });
            it("starts again while ECS's service-linked role, made by the account's first cluster, is not usable yet", () => {
                const r = run([stopped(0)], 60, ["InvalidParameterException: Unable to assume the service linked role. Please verify that the ECS service linked role exists."]);
                assert.strictEqual(r.r?.exitCode, 0, r.e);
                assert.strictEqual(r.runs, 2);
            });
            const neverRan = (reason: string) => ({ lastStatus: "STOPPED", stopCode: "TaskFailedToStart", stoppedReason: reason, containers: [{ name: "migrate", reason }] });
            const SECRETS_REFUSED = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException";
            it("starts the task again when the agent could not fetch its secrets yet (the job never ran), and that run decides", () => {
                const r = run([neverRan(SECRETS_REFUSED), stopped(0)]);
                assert.deepStrictEqual(r.r, { job: "migrate", task: "arn:aws:ecs:eu-west-1:1:task/cluster/abc123", exitCode: 0 });
                assert.strictEqual(r.runs, 2);
            });
            it(`gives up after ${TASK_START_TRIES} starts that never ran, with the agent's reason`, () => {
                const r = run([neverRan(SECRETS_REFUSED)]);
                assert.strictEqual(r.runs, TASK_START_TRIES);
                assert.match(r.e, new RegExp(`exit code none .*ResourceInitializationError.*\\(started ${TASK_START_TRIES} times\\)`));
            });
            it("starts again when the network interface was not ready in time (the job never ran)", () => {
                const r = run([neverRan("Timeout waiting for network interface provisioning to complete."), stopped(0)]);
                assert.strictEqual(r.r?.exitCode, 0, r.e);
                assert.strictEqual(r.runs, 2);
            });
            it("asks again when Fargate has no capacity (RunTask started nothing), and says so when it never has", () => {
                const capacity = "failure: Capacity is unavailable at this time. Please try again later or in a different availability zone";
                const once = run([stopped(0)], 60, [capacity]);
                assert.strictEqual(once.r?.exitCode, 0, once.e);
                assert.strictEqual(once.runs, 2);
                const never = run([stopped(0)], 60, Array(TASK_START_TRIES).fill(capacity));
                assert.strictEqual(never.runs, TASK_START_TRIES);
                assert.match(never.e, new RegExp(`could not start: Capacity is unavailable.* \\(tried ${TASK_START_TRIES} times\\)`));
            });
            it("never asks again after a RunTask failure that will not pass (a missing task definition)", () => {
                const r = run([stopped(0)], 60, ["failure: MISSING"]);
                assert.strictEqual(r.runs, 1);
                assert.match(r.e, /could not start: MISSING$/);
            });
            it("never starts again a task that failed otherwise (an image that does not exist)", () => {
                const r = run([neverRan("CannotPullContainerError: pull image manifest has been retried 5 time(s): not found")]);
                assert.strictEqual(r.runs, 1);
                assert.match(r.e, /exit code none .*CannotPullContainerError/);
            });
            it("reads the task again after a failed read, and its exit code still decides", () => {
                const r = run([{ lastStatus: "RUNNING", containers: [] }, { throws: "ServerException" }, { throws: "AccessDeniedException" }, stopped(0)]);
                assert.strictEqual(r.r?.exitCode, 0, r.e);
                assert.strictEqual(r.reads, 4);
            });
            it(`fails, saying the task may still run, after ${READ_FAILURES} failed reads in a row`, () => {
                const r = run([{ lastStatus: "RUNNING", containers: [] }, ...Array(READ_FAILURES).fill({ throws: "ThrottlingException" }), stopped(0)]);
                assert.strictEqual(r.reads, READ_FAILURES + 1);
                assert.match(r.e, new RegExp(`the status of task abc123 could not be read ${READ_FAILURES} times in a row \\(last: ThrottlingException: .*\\); it may still be running.*stream migrate/migrate/abc123`));
            });
        });
    });
});

describe("jobs in the driver's summaries", () => {
    const RUN = "urn:pulumi:dev::anycloud::anycloud:index:Job$aws:lambda/invocation:Invocation::migrate-run";
    const OTHER = "urn:pulumi:dev::anycloud::anycloud:index:ContainerService$aws:ecs/service:Service::app-service";
    const pre = (urn: string, op: string) => ({ resourcePreEvent: { metadata: { op, urn, type: urn.split("::")[2].split("$").pop(), provider: "" } } }) as any;
    const done = (urn: string, op: string) => ({ resOutputsEvent: { metadata: { op, urn, type: urn.split("::")[2].split("$").pop(), provider: "" } } }) as any;

    it("finds a job's run resource by its URN, and nothing else", () => {
        assert.strictEqual(jobOfRun(RUN), "migrate");
        assert.strictEqual(jobOfRun(OTHER), undefined);
        assert.strictEqual(jobOfRun("urn:pulumi:dev::anycloud::anycloud:index:Job$aws:ecs/taskDefinition:TaskDefinition::migrate-task"), undefined);
    });
    it("a preview lists the before-deploy jobs this update runs", () => {
        const c = new ChangeCollector();
        c.onEvent(pre(RUN, "replace"));
        c.onEvent(pre(OTHER, "update"));
        const text = renderText({ command: "preview", stack: "dev", exitCode: ExitCode.Success, report: c.report() });
        assert.match(text, /Before-deploy jobs:\n {2}jobs\.migrate runs before the services it gates roll out\n/);
    });
    it("an update prints each job's result: succeeded, or failed with the engine's error on its run", () => {
        const ok = new ChangeCollector();
        ok.onEvent(pre(RUN, "create"));
        ok.onEvent(done(RUN, "create"));
        assert.match(renderText({ command: "up", stack: "dev", exitCode: ExitCode.Success, report: ok.report() }), /jobs\.migrate ran and succeeded/);
        const failed = new ChangeCollector();
        failed.onEvent(pre(RUN, "create"));
        failed.onEvent({ diagnosticEvent: { urn: RUN, severity: "error", message: "jobs.migrate (run: beforeDeploy) failed with exit code 2", color: "never" } } as any);
        const md = renderMarkdown({ command: "up", stack: "dev", exitCode: ExitCode.Failure, report: failed.report() });
        assert.match(md, /\*\*Before-deploy jobs\*\*\n\n- jobs\.migrate FAILED: jobs\.migrate \(run: beforeDeploy\) failed with exit code 2\n/);
    });
});
