/**
 * The source of the Lambda that runs a before-deploy job: `ecs:RunTask` of the job's task
 * definition (Fargate, private subnets, the job's own security group), then `DescribeTasks` until
 * the task is STOPPED, and the job container's exit code. It returns on exit code 0 and throws
 * otherwise, so `aws.lambda.Invocation` (which fails when the function returns a function error)
 * fails `pulumi up` with the message: exit code, stop reason, and the CloudWatch Logs group and
 * stream (awslogs streams are `<prefix>/<container>/<task id>`, ECS "Using the awslogs log
 * driver"). A run that outlasts its bound (counted from the first RunTask try) is stopped and
 * reported. AWS SDK v3 ships in the Node.js runtime, so the function has no dependency to bundle.
 *
 * IAM is eventually consistent (IAM User Guide, "Changes that I make are not always immediately
 * visible"): this function's role and policies were made moments before the invocation, so ECS
 * may refuse a call they allow (AccessDeniedException) for a while. A refused RunTask started
 * nothing: it is tried again (ACCESS_TRIES, ACCESS_RETRY_MS). Once the task runs, a status read
 * that fails (refused, or failing after the SDK's own retries of throttling and 5xx) is tried
 * again at the next poll, up to READ_FAILURES in a row: the deploy then fails saying the task may
 * still be running, rather than at the first blip while the migration runs on. These bounds are in
 * the code, not the invocation's input: `lambda.Invocation` runs the function again when its input
 * changes, and a new version of this program must not re-run every job.
 */
/**
 * RunTask refused with AccessDeniedException is tried again this often, this many times: 45 s,
 * within the minute the 14-minute job bound leaves below Lambda's 15 (the job's bound counts from
 * the first try).
 */
export const ACCESS_RETRY_MS = 5000;
export const ACCESS_TRIES = 10;
/** Status reads that may fail in a row (one a poll) before the runner gives up. */
export const READ_FAILURES = 8;

export const JOB_RUNNER_HANDLER = String.raw`"use strict";
const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.handler = async (event) => {
  const ecs = new ECSClient({});
  const where = "CloudWatch Logs group " + event.logGroup + ", stream " + event.logStreamPrefix + "/" + event.container + "/";
  const label = "jobs." + event.job + " (run: beforeDeploy)";
  const deadline = Date.now() + event.timeoutSeconds * 1000;
  const runTask = {
    cluster: event.cluster,
    taskDefinition: event.taskDefinition,
    launchType: "FARGATE",
    platformVersion: "LATEST",
    count: 1,
    startedBy: "anycloud-deploy",
    networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "DISABLED" } },
  };
  let started;
  for (let attempt = 1; ; attempt++) {
    try {
      started = await ecs.send(new RunTaskCommand(runTask)); // a command a send, as the SDK's examples do
      break;
    } catch (e) {
      if (e.name !== "AccessDeniedException" || attempt >= ${ACCESS_TRIES} || Date.now() >= deadline) {
        throw new Error(label + " could not start (RunTask, try " + attempt + "; only AccessDeniedException, IAM not yet applying this runner's new policies, is tried again): " + (e.name || "Error") + ": " + e.message);
      }
      await sleep(${ACCESS_RETRY_MS});
    }
  }
  if (!started.tasks || started.tasks.length === 0) {
    const why = (started.failures || []).map((f) => (f.reason || "") + (f.detail ? " (" + f.detail + ")" : "")).join("; ") || "no task and no failure reported";
    throw new Error(label + " could not start: " + why);
  }
  const taskArn = started.tasks[0].taskArn;
  const taskId = taskArn.split("/").pop();
  let failedReads = 0;
  for (;;) {
    await sleep(event.pollMs);
    let described;
    try {
      described = await ecs.send(new DescribeTasksCommand({ cluster: event.cluster, tasks: [taskArn] }));
      failedReads = 0;
    } catch (e) {
      failedReads++;
      if (failedReads >= ${READ_FAILURES}) {
        throw new Error(label + ": the status of task " + taskId + " could not be read " + failedReads + " times in a row (last: " + (e.name || "Error") + ": " + e.message + "); it may still be running, and the services it gates were not updated. Its logs: " + where + taskId);
      }
      described = {};
    }
    const task = (described.tasks || [])[0];
    if (task && task.lastStatus === "STOPPED") {
      const container = (task.containers || []).find((c) => c.name === event.container) || {};
      if (container.exitCode === 0) {
        return { job: event.job, task: taskArn, exitCode: 0 };
      }
      const code = container.exitCode === undefined || container.exitCode === null ? "none (the container did not run: " + (container.reason || task.stopCode || "unknown") + ")" : String(container.exitCode);
      throw new Error(label + " failed with exit code " + code + "; task stopped: " + (task.stoppedReason || "unknown") + "; the services it gates were not updated. Its logs: " + where + taskId);
    }
    if (Date.now() >= deadline) {
      await ecs.send(new StopTaskCommand({ cluster: event.cluster, task: taskArn, reason: "anycloud: before-deploy job exceeded its timeout" }));
      throw new Error(label + " ran longer than its timeout (" + event.timeoutSeconds + " s) and was stopped; the services it gates were not updated. Its logs: " + where + taskId);
    }
  }
};
`;
