import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as cloudscheduler from "@pulumi/gcp/cloudscheduler";
import * as monitoring from "@pulumi/gcp/monitoring";
import { ChildOptions, JobArgs, JobOutputs } from "../../components/backend";
import { isCron, parseCron, unixCron } from "../../stacks/cron";
import { grantInvokers, grantsSettled, resolveImage, vpcAccess, workloadEnv } from "./container-service";
import { GcpContext } from "./context";
import { hash } from "./naming";
import { serviceAccount } from "./secrets";

/**
 * What decides whether a before-deploy run is due: the image, command, size, bound, plain
 * environment and the secret versions (a new value is a new version). Hashed into the
 * `runExecutionToken`, so Cloud Run executes the job exactly when one of them changes.
 */
export function runToken(parts: { image: string; command?: string[]; cpu: number; memoryMb: number; timeoutMinutes: number; env: [string, string][] }): string {
    return hash(JSON.stringify(parts), 12);
}

/**
 * A job on Cloud Run jobs: its own service account (secret accessor on its own secrets, the
 * buckets it uses, run.invoker on the internal services it calls), the VPC path and network tag
 * of a service (so the firewall rules of its `uses` apply; all traffic through the VPC when it
 * calls a service, as for a service), one task. Before deploy: `runExecutionToken` makes the provider create an
 * execution and wait until it completes ("The Job will become ready when the execution is
 * successfully completed", Cloud Run Admin API JobSpec); a failed execution fails the update and
 * so `pulumi up`, and the gated services (which depend on it) keep their revision. No task retry:
 * a half-applied migration is not re-run blindly. Scheduled: Cloud Scheduler calls the job's
 * `:run` endpoint with an OAuth token of an invoker account that holds
 * `roles/run.invoker` on this job only (Cloud Run "Execute jobs on a schedule"); a failed task is
 * retried `retries` times (`maxRetries`), and a failed execution raises an alert
 * (`run.googleapis.com/job/completed_execution_count`, a DELTA count of finished executions on
 * the `cloud_run_job` resource with the label `result` = "succeeded" | "failed": Google Cloud
 * metrics list, "run"; the same filter in independent production alert configs, e.g. public
 * Terraform `google_monitoring_alert_policy` for Cloud Run jobs. Not found in the indexed
 * Google docs here, so the filter is corroborated rather than read from the primary source).
 */
export function createJob(ctx: GcpContext, name: string, args: JobArgs, opts: ChildOptions): JobOutputs {
    const parent = opts.parent;
    const sa = serviceAccount(ctx, `${name}-sa`, `job-${name}`, `Cloud Run job ${name}`, parent);
    const { envs, deps, volumes, volumeMounts } = workloadEnv(ctx, name, args, sa, parent);
    // A caller like a service: run.invoker on each internal callee (created before the job).
    const calls = args.uses.services.length > 0;
    if (calls) {
        ctx.callers[name] = sa;
    }
    const invokes = grantInvokers(ctx, name, parent);
    const image = resolveImage(ctx, name, args, parent);
    const jobName = ctx.naming.resource(`job-${name}`, 40);
    const logs = pulumi.output(`Cloud Logging: resource.type="cloud_run_job" AND resource.labels.job_name="${jobName}" (or: gcloud run jobs executions list --job ${jobName} --region ${ctx.region})`);
    const trigger = args.trigger;
    const template = {
        taskCount: 1,
        template: {
            serviceAccount: sa.email,
            maxRetries: trigger.kind === "schedule" ? trigger.retries : 0,
            timeout: `${args.timeoutMinutes * 60}s`,
            vpcAccess: vpcAccess(ctx, name, calls),
            volumes,
            containers: [{ image, args: args.command, envs, volumeMounts, resources: { limits: { cpu: String(args.cpu), memory: `${args.memoryMb}Mi` } } }],
        },
    };
    // The run waits for the databases, its invoker grants (and for IAM to apply them: its first
    // execution calls the services right away) and the services it calls.
    const invokesSettled = invokes.length > 0 ? [grantsSettled(`${name}-invoker-iam-propagation`, invokes, `Google IAM applies ${name}'s run.invoker grants before its first execution calls the services`, parent)] : [];
    const afterInit = [...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...invokes, ...invokesSettled, ...(args.after ?? [])];

    if (trigger.kind === "beforeDeploy") {
        const plain = pulumi.all(envs.map((e) => pulumi.all([e.name, e.value ?? e.valueSource!.secretKeyRef.version]))) as pulumi.Output<[string, string][]>;
        const token = pulumi.all([image, plain]).apply(([img, env]) => runToken({ image: img, command: args.command, cpu: args.cpu, memoryMb: args.memoryMb, timeoutMinutes: args.timeoutMinutes, env }));
        const job = new cloudrunv2.Job(
            `${name}-run`,
            { name: jobName, location: ctx.region, deletionProtection: false, runExecutionToken: token, template },
            ctx.opts(parent, ["run"], { dependsOn: [...deps, ...afterInit] }),
        );
        return { run: job, logs };
    }

    const { cron, timeZone } = trigger;
    const parsed = parseCron(cron);
    if (!isCron(parsed)) {
        throw new Error(`gcp backend: jobs.${name}.schedule was validated but does not parse`);
    }
    const job = new cloudrunv2.Job(
        `${name}-job`,
        { name: jobName, location: ctx.region, deletionProtection: false, template },
        ctx.opts(parent, ["run"], { dependsOn: [...deps, ...afterInit] }),
    );
    const invoker = serviceAccount(ctx, `${name}-invoker`, `sched-${name}`, `Cloud Scheduler: starts the Cloud Run job ${name}`, parent);
    const canRun = new cloudrunv2.JobIamMember(
        `${name}-invoker`,
        { project: ctx.project, location: ctx.region, name: job.name, role: "roles/run.invoker", member: invoker.member },
        ctx.opts(parent, ["run"]),
    );
    new cloudscheduler.Job(
        `${name}-schedule`,
        {
            name: ctx.naming.resource(`job-${name}`, 60),
            project: ctx.project,
            region: ctx.region,
            description: `jobs.${name}: ${cron} (${timeZone})`,
            schedule: unixCron(parsed),
            timeZone,
            // Retries of the start call only; task failures are retried by the job's maxRetries.
            retryConfig: { retryCount: 3, minBackoffDuration: "30s", maxDoublings: 2 },
            attemptDeadline: "60s",
            httpTarget: {
                httpMethod: "POST",
                uri: pulumi.interpolate`https://run.googleapis.com/v2/projects/${ctx.project}/locations/${ctx.region}/jobs/${job.name}:run`,
                oauthToken: { serviceAccountEmail: invoker.email, scope: "https://www.googleapis.com/auth/cloud-platform" },
            },
        },
        ctx.opts(parent, ["cloudscheduler"], { dependsOn: [canRun] }),
    );
    new monitoring.AlertPolicy(
        `alert-job-${name}-failed`,
        {
            project: ctx.project,
            displayName: `${ctx.naming.prefix}: job ${name} failed`,
            combiner: "OR",
            severity: "ERROR",
            notificationChannels: ctx.alertChannels,
            alertStrategy: { autoClose: "86400s" },
            documentation: { content: `A scheduled run of jobs.${name} (${cron}, ${timeZone}) failed after its retries. Logs: resource.type="cloud_run_job" AND resource.labels.job_name="${jobName}".`, mimeType: "text/markdown" },
            conditions: [
                {
                    displayName: `jobs.${name}: failed executions`,
                    conditionThreshold: {
                        filter: `metric.type = "run.googleapis.com/job/completed_execution_count" AND metric.labels.result = "failed" AND resource.type = "cloud_run_job" AND resource.labels.job_name = "${jobName}"`,
                        comparison: "COMPARISON_GT",
                        thresholdValue: 0,
                        duration: "0s",
                        aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_SUM" }],
                        trigger: { count: 1 },
                    },
                },
            ],
        },
        ctx.opts(parent, ["monitoring"]),
    );
    return { logs };
}

