import { WHEN_ALLOWED_SOURCE } from "../../components/iam-retry";

/** Status reads that may fail in a row (one a poll) before the runner gives up. */
export const READ_FAILURES = 8;
/**
 * Starts of a task that never ran its job container for a reason that passes, and the pause
 * between them: the agent could not fetch its secrets or image yet (stopCode TaskFailedToStart,
 * ResourceInitializationError: "unable to pull secrets or registry auth ... AccessDeniedException",
 * aws/copilot-cli#3104, as a just-made execution role meets IAM before its policies apply), the
 * network interface was not ready in time, or a pull timed out or was throttled; and RunTask
 * refusals that start nothing, Fargate capacity ("Capacity is unavailable at this time. Please try
 * again later", AWS re:Post "ecs-fargate-runtask-capacity") and RESOURCE:ENI.
 */
export const TASK_START_TRIES = 3;
export const TASK_RESTART_PAUSE_MS = 15000;
/** stoppedReason texts of a task that never ran and may start next time (ECS "Stopped task error codes"). */
export const PASSING_STOP_REASON = /ResourceInitializationError|Timeout waiting for network interface provisioning|CannotPullContainerError.*(i\/o timeout|TLS handshake timeout|toomanyrequests|Too Many Requests)/i;
/** RunTask failures[].reason texts of a start that started nothing and may succeed next time. */
export const PASSING_RUN_FAILURE = /Capacity is unavailable|RESOURCE:ENI/i;

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
 * The runner's role and policies are made moments before the invocation: a RunTask IAM refuses
 * started nothing and is asked again (components/iam-retry.ts); any other failed start is not (it
 * may have started a task: two migrations at once). A task whose job container never ran for a
 * reason that passes, or a start refused for capacity, is started again (TASK_START_TRIES). Once
 * the task runs, a status read that fails (refused, or failing after the SDK's own retries of
 * throttling and 5xx) is tried again at the next poll, up to READ_FAILURES in a row: the deploy
 * then fails saying the task may still be running, rather than at the first blip while the
 * migration runs on.
 */
export const JOB_RUNNER_HANDLER = String.raw`"use strict";
const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
${WHEN_ALLOWED_SOURCE}

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
  for (let attempt = 1; ; attempt++) {
    let started;
    try {
      started = await whenAllowed(() => ecs.send(new RunTaskCommand(runTask))); // a command a send, as the SDK's examples do
    } catch (e) {
      throw new Error(label + " could not start (RunTask, try " + e.attempts + "; only a refusal while IAM or ECS's service-linked role catch up is tried again): " + (e.name || "Error") + ": " + e.message);
    }
    if (!started.tasks || started.tasks.length === 0) {
      const why = (started.failures || []).map((f) => (f.reason || "") + (f.detail ? " (" + f.detail + ")" : "")).join("; ") || "no task and no failure reported";
      if (${PASSING_RUN_FAILURE}.test(why) && attempt < ${TASK_START_TRIES} && Date.now() < deadline) {
        await sleep(${TASK_RESTART_PAUSE_MS});
        continue;
      }
      throw new Error(label + " could not start: " + why + (attempt > 1 ? " (tried " + attempt + " times)" : ""));
    }
    const taskArn = started.tasks[0].taskArn;
    const taskId = taskArn.split("/").pop();
    let failedReads = 0;
    let task;
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
      task = (described.tasks || [])[0];
      if (task && task.lastStatus === "STOPPED") break;
      if (Date.now() >= deadline) {
        await ecs.send(new StopTaskCommand({ cluster: event.cluster, task: taskArn, reason: "anycloud: before-deploy job exceeded its timeout" }));
        throw new Error(label + " ran longer than its timeout (" + event.timeoutSeconds + " s) and was stopped; the services it gates were not updated. Its logs: " + where + taskId);
      }
    }
    const container = (task.containers || []).find((c) => c.name === event.container) || {};
    if (container.exitCode === 0) {
      return { job: event.job, task: taskArn, exitCode: 0 };
    }
    const ran = container.exitCode !== undefined && container.exitCode !== null;
    // The job never ran, for a reason that passes (its execution role's policies, made moments
    // before, not yet applied; the network interface or a pull not ready): it is started again.
    const mayStartNextTime = !ran && task.stopCode === "TaskFailedToStart" && ${PASSING_STOP_REASON}.test(String(task.stoppedReason || "") + " " + String(container.reason || ""));
    if (mayStartNextTime && attempt < ${TASK_START_TRIES} && Date.now() < deadline) {
      await sleep(${TASK_RESTART_PAUSE_MS});
      continue;
    }
    const code = ran ? String(container.exitCode) : "none (the container did not run: " + (container.reason || task.stopCode || "unknown") + ")";
    throw new Error(label + " failed with exit code " + code + "; task stopped: " + (task.stoppedReason || "unknown") + (mayStartNextTime ? " (started " + attempt + " times)" : "") + "; the services it gates were not updated. Its logs: " + where + taskId);
  }
};
`;
