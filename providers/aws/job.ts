import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as scheduler from "@pulumi/aws/scheduler";
import { ChildOptions, JobArgs, JobOutputs } from "../../components/backend";
import { eventBridgeCron, isCron, parseCron } from "../../stacks/cron";
import { taskDefinition } from "./container-service";
import { AwsContext } from "./context";
import { JOB_RUNNER_HANDLER } from "./job-runner-function";

/** Lambda's hard ceiling on one invocation (Lambda quotas): a before-deploy run must end within it. */
export const LAMBDA_MAX_SECONDS = 900;
/** How often the runner asks ECS whether the task stopped. */
const POLL_MS = 10000;

/**
 * The EventBridge pattern of a failed run of a job's task definition family: an ECS task of that
 * group stopped with a non-zero exit code, or never started (`TaskFailedToStart`, no exit code).
 * Fields from the "ECS Task State Change" event (Amazon ECS events docs); `$or` and
 * `anything-but` are EventBridge content filters.
 */
export function failurePattern(clusterArn: string, family: string): object {
    return {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
            clusterArn: [clusterArn],
            group: [`family:${family}`],
            lastStatus: ["STOPPED"],
            $or: [{ containers: { exitCode: [{ "anything-but": 0 }] } }, { stopCode: ["TaskFailedToStart"] }],
        },
    };
}

/**
 * The SNS notice of a failed scheduled run (an EventBridge input transformer). The rule fires when
 * any of the task's containers exited non-zero (or the task never started), and ECS's event lists
 * every container of the task (the job's own and, on the database, the CA init container) in no
 * documented order, so no single `containers[i].exitCode` is the job's. The notice therefore
 * prints each container's name beside its own exit code, both read from the same element
 * (`$.detail.containers[i]`, array indices are EventBridge input-path syntax), for as many
 * elements as the task definition has containers, and names the job's own container. A container
 * that never ran (its init step failed, or the task did not start) has no exit code in the event:
 * its code prints empty. Also the stop code (e.g. TaskFailedToStart, EssentialContainerExited)
 * and reason.
 */
export function failureNotice(job: string, cron: string, logGroup: string, containerNames: string[]): { inputPaths: Record<string, string>; inputTemplate: string } {
    const inputPaths: Record<string, string> = { task: "$.detail.taskArn", reason: "$.detail.stoppedReason", stopCode: "$.detail.stopCode" };
    containerNames.forEach((_, i) => {
        inputPaths[`container${i}`] = `$.detail.containers[${i}].name`;
        inputPaths[`exitCode${i}`] = `$.detail.containers[${i}].exitCode`;
    });
    const codes = containerNames.map((_, i) => `<container${i}> exit code <exitCode${i}>`).join("; ");
    const others = containerNames.slice(1);
    const own = `the job's own container is ${job}` + (others.length > 0 ? `; ${others.join(", ")} runs before it and must exit 0 for it to start` : "");
    const text =
        `jobs.${job} (schedule ${cron}) failed: ${codes} (${own}; a container that never ran shows no exit code). ` +
        `Stop code <stopCode>: <reason>. Task <task>. Logs: CloudWatch Logs group ${logGroup}, streams ${job}/ followed by the container's name, a slash and the task id.`;
    // A string template is a JSON string: quotes and backslashes in the job's name or cron escaped.
    return { inputPaths, inputTemplate: JSON.stringify(text) };
}

/**
 * A job on ECS Fargate: its own task definition (the service pattern: own roles, own secret, own
 * log group, own security group from the access plan; a call to a service is the same security
 * group pair and Cloud Map name as a service's). Before deploy: a Lambda started by
 * `lambda.Invocation` runs the task and waits for it (see job-runner-function.ts); the
 * invocation's input carries the task definition ARN, whose revision changes with any change of
 * image, command, environment or secret version, so it runs exactly then. Scheduled: an
 * EventBridge Scheduler schedule whose target is ECS RunTask, with the retry policy bounding
 * attempts to start the task, and an EventBridge rule that sends a failed run to the stack's
 * alarm topic (a task that exits non-zero is reported, not re-run: Scheduler retries only a
 * failed RunTask call, "Configuring a retry policy").
 */
export function createJob(ctx: AwsContext, name: string, args: JobArgs, opts: ChildOptions): JobOutputs {
    const parent = opts.parent;
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    const net = ctx.requireNetwork();
    const foundation = ctx.requireFoundation();
    const { task, logs, taskRole, executionRole, containerNames } = taskDefinition(ctx, name, args, parent);
    const subnets = net.privateSubnetIds;
    const securityGroups = [net.serviceSecurityGroups[name].id];
    const where = pulumi.interpolate`CloudWatch Logs group ${logs.name}, streams ${name}/${name}/<task id>`;
    // Only this job's task definition family, on this cluster, with exactly its two roles.
    const runPolicy = pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["ecs:RunTask"], Resource: [pulumi.interpolate`${ctx.arn("ecs", `task-definition/${ctx.naming.name(name, 255)}`)}:*`], Condition: { ArnEquals: { "ecs:cluster": foundation.cluster.arn } } },
            { Effect: "Allow", Action: ["iam:PassRole"], Resource: [taskRole.arn, executionRole.arn], Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
        ],
    });

    if (args.trigger.kind === "beforeDeploy") {
        const role = new iam.Role(
            `${name}-runner`,
            { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }), description: `runs jobs.${name} during the deploy` },
            o(),
        );
        const basic = new iam.RolePolicyAttachment(`${name}-runner-logs`, { role: role.name, policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` }, o());
        const run = new iam.RolePolicy(`${name}-runner-run`, { role: role.id, policy: runPolicy }, o());
        const watch = new iam.RolePolicy(
            `${name}-runner-watch`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"], Resource: [pulumi.interpolate`arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:task/${foundation.cluster.name}/*`] }],
                }),
            },
            o(),
        );
        const functionName = ctx.naming.name(`${name}-runner`, 64);
        const fnLogs = new cloudwatch.LogGroup(`${name}-runner`, { name: `/aws/lambda/${functionName}`, retentionInDays: ctx.settings.logs.retentionDays }, o());
        const fn = new lambda.Function(
            `${name}-runner`,
            {
                name: functionName,
                description: `Runs jobs.${name} on ECS and waits for its exit code`,
                runtime: "nodejs22.x",
                handler: "index.handler",
                role: role.arn,
                timeout: LAMBDA_MAX_SECONDS,
                memorySize: 128,
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(JOB_RUNNER_HANDLER) }),
                loggingConfig: { logFormat: "Text", logGroup: fnLogs.name },
            },
            o({ dependsOn: [basic, run, watch] }),
        );
        const invocation = new lambda.Invocation(
            `${name}-run`,
            {
                functionName: fn.name,
                input: pulumi.jsonStringify({
                    job: name,
                    cluster: foundation.cluster.arn,
                    taskDefinition: task.arn,
                    subnets,
                    securityGroups,
                    container: name,
                    logGroup: logs.name,
                    logStreamPrefix: name,
                    timeoutSeconds: args.timeoutMinutes * 60,
                    pollMs: POLL_MS,
                }),
                // A new revision (image, command, env, secret version) is a new run; nothing else is.
                triggers: { taskDefinition: task.arn },
            },
            // After the databases exist, the search users exist, the private subnets reach the AWS
            // APIs (image pull, secrets) and the services it calls are steady.
            o({ dependsOn: [...net.egressReady, ...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.uses.search ? ctx.searchReady : []), ...(args.after ?? [])] }),
        );
        return { run: invocation, logs: where };
    }

    const cron = args.trigger.cron;
    const parsed = parseCron(cron);
    const expression = isCron(parsed) ? eventBridgeCron(parsed) : undefined;
    if (expression === undefined) {
        throw new Error(`aws backend: jobs.${name}.schedule was validated but has no EventBridge form`);
    }
    const role = new iam.Role(
        `${name}-schedule`,
        {
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } } }],
            }),
            description: `starts jobs.${name} on its schedule`,
        },
        o(),
    );
    const canRun = new iam.RolePolicy(`${name}-schedule-run`, { role: role.id, policy: runPolicy }, o());
    new scheduler.Schedule(
        `${name}-schedule`,
        {
            name: ctx.naming.name(name, 64),
            description: `jobs.${name}: ${args.trigger.cron} (${args.trigger.timeZone})`,
            scheduleExpression: expression,
            scheduleExpressionTimezone: args.trigger.timeZone,
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: foundation.cluster.arn,
                roleArn: role.arn,
                ecsParameters: {
                    taskDefinitionArn: task.arn,
                    launchType: "FARGATE",
                    platformVersion: "LATEST",
                    taskCount: 1,
                    networkConfiguration: { subnets, securityGroups, assignPublicIp: false },
                },
                retryPolicy: { maximumRetryAttempts: args.trigger.retries, maximumEventAgeInSeconds: 3600 },
            },
        },
        // Created (so able to fire) only once the databases, roles and extensions it uses exist.
        o({ dependsOn: [canRun, ...net.egressReady, ...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.uses.search ? ctx.searchReady : [])] }),
    );

    // A failed run reaches the stack's alarm topic (which lets EventBridge publish: see alerts.ts).
    const rule = new cloudwatch.EventRule(
        `${name}-failed`,
        {
            name: ctx.naming.name(`${name}-failed`, 64),
            description: `jobs.${name}: a scheduled run failed`,
            eventPattern: pulumi.jsonStringify(foundation.cluster.arn.apply((arn) => failurePattern(arn, ctx.naming.name(name, 255)))),
        },
        o(),
    );
    new cloudwatch.EventTarget(
        `${name}-failed`,
        {
            rule: rule.name,
            arn: foundation.alarmTopic.arn,
            inputTransformer: logs.name.apply((group) => failureNotice(name, cron, group, containerNames)),
        },
        o({ dependsOn: foundation.alarmTopicPolicy ? [foundation.alarmTopicPolicy] : [] }),
    );
    return { logs: where };
}

