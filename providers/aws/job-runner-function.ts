/**
 * The source of the Lambda that runs a before-deploy job: `ecs:RunTask` of the job's task
 * definition (Fargate, private subnets, the job's own security group), then `DescribeTasks` until
 * the task is STOPPED, and the job container's exit code. It returns on exit code 0 and throws
 * otherwise, so `aws.lambda.Invocation` (which fails when the function returns a function error)
 * fails `pulumi up` with the message: exit code, stop reason, and the CloudWatch Logs group and
 * stream (awslogs streams are `<prefix>/<container>/<task id>`, ECS "Using the awslogs log
 * driver"). A run that outlasts its bound is stopped and reported. AWS SDK v3 ships in the
 * Node.js runtime, so the function has no dependency to bundle.
 */
export const JOB_RUNNER_HANDLER = String.raw`"use strict";
const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.handler = async (event) => {
  const ecs = new ECSClient({});
  const where = "CloudWatch Logs group " + event.logGroup + ", stream " + event.logStreamPrefix + "/" + event.container + "/";
  const started = await ecs.send(new RunTaskCommand({
    cluster: event.cluster,
    taskDefinition: event.taskDefinition,
    launchType: "FARGATE",
    platformVersion: "LATEST",
    count: 1,
    startedBy: "anycloud-deploy",
    networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "DISABLED" } },
  }));
  if (!started.tasks || started.tasks.length === 0) {
    const why = (started.failures || []).map((f) => (f.reason || "") + (f.detail ? " (" + f.detail + ")" : "")).join("; ") || "no task and no failure reported";
    throw new Error("jobs." + event.job + " (run: beforeDeploy) could not start: " + why);
  }
  const taskArn = started.tasks[0].taskArn;
  const taskId = taskArn.split("/").pop();
  const deadline = Date.now() + event.timeoutSeconds * 1000;
  for (;;) {
    await sleep(event.pollMs);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: event.cluster, tasks: [taskArn] }));
    const task = (described.tasks || [])[0];
    if (task && task.lastStatus === "STOPPED") {
      const container = (task.containers || []).find((c) => c.name === event.container) || {};
      if (container.exitCode === 0) {
        return { job: event.job, task: taskArn, exitCode: 0 };
      }
      const code = container.exitCode === undefined || container.exitCode === null ? "none (the container did not run: " + (container.reason || task.stopCode || "unknown") + ")" : String(container.exitCode);
      throw new Error("jobs." + event.job + " (run: beforeDeploy) failed with exit code " + code + "; task stopped: " + (task.stoppedReason || "unknown") + "; the services it gates were not updated. Its logs: " + where + taskId);
    }
    if (Date.now() >= deadline) {
      await ecs.send(new StopTaskCommand({ cluster: event.cluster, task: taskArn, reason: "anycloud: before-deploy job exceeded its timeout" }));
      throw new Error("jobs." + event.job + " (run: beforeDeploy) ran longer than its timeout (" + event.timeoutSeconds + " s) and was stopped; the services it gates were not updated. Its logs: " + where + taskId);
    }
  }
};
`;
