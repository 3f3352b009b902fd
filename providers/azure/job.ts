import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import { ChildOptions, JobArgs, JobOutputs } from "../../components/backend";
import { isCron, parseCron, unixCron } from "../../stacks/cron";
import { metricAlerts } from "./alerts";
import { grantsSettled, settledGrants, workloadContainer } from "./container-service";
import { AzureContext } from "./context";
import { containerAppMemory } from "./sizes";

/** The Container Apps API version the run script calls (jobs `start` and `executions`, GA). */
export const JOBS_API_VERSION = "2024-03-01";
/** Azure CLI image of the deployment script (only `az rest` is used: any current version has it). */
export const AZ_CLI_VERSION = "2.63.0";

/**
 * How often the run script asks to start the job while ARM refuses the runner (AuthorizationFailed:
 * its role assignments, created minutes ago, are not effective yet, beyond the propagation wait
 * before it; Learn "Troubleshoot Azure RBAC": changes can take up to 10 minutes) or throttles it
 * (429), and the pause between: ~5 minutes in all.
 */
export const START_TRIES = 15;
export const START_PAUSE_SECONDS = 20;
/** Status reads that may fail in a row (a network blip, a 429 or 5xx from ARM) before the script gives up. */
export const STATUS_READ_FAILURES = 8;

/**
 * The deployment script that starts one execution of a Manual job and waits for its end (POST
 * `<job>/start`, then GET `<job>/executions/<name>` until a final status: Container Apps docs
 * "Jobs", "Start a job execution on demand" and "Get job execution history", ARM tab). A
 * non-zero exit fails the deployment script, and so `pulumi up`, with the printed message. POSIX
 * sh; every value arrives in the environment.
 *
 * Only a start ARM refused before doing anything (AuthorizationFailed, 429 Too Many Requests:
 * `az rest` prints the HTTP reason and ARM's error body) is asked again: after any other failure
 * an execution may have started, and a second one (two migrations at once) is worse than a failed
 * deploy. A status read is only a read: a failed one is tried again, up to STATUS_READ_FAILURES in
 * a row, so a blip does not fail the deploy while the execution runs on.
 */
export function runScript(): string {
    return [
        "set -eu",
        'api="api-version=$JOBS_API_VERSION"',
        // JOB_LABEL names a program's own job (the database init); a user's is jobs.<name>.
        'label="${JOB_LABEL:-jobs.$JOB_NAME (run: beforeDeploy)}"',
        'err=$(mktemp)',
        "tries=0",
        "while :; do",
        '  if execution=$(az rest --method post --url "https://management.azure.com$JOB_ID/start?$api" --query name -o tsv 2>"$err"); then break; fi',
        "  tries=$((tries + 1))",
        `  if [ "$tries" -ge ${START_TRIES} ] || ! grep -q -e AuthorizationFailed -e 'Too Many Requests' "$err"; then`,
        '    echo "anycloud: could not start $label (try $tries of ' + START_TRIES + '; a refusal other than AuthorizationFailed or 429 is not retried, as it may have started an execution): $(cat "$err")" >&2',
        "    exit 1",
        "  fi",
        `  echo "anycloud: ARM refused to start $label yet (try $tries of ${START_TRIES}, the runner's role assignments propagating or throttled); again in ${START_PAUSE_SECONDS} s"`,
        `  sleep ${START_PAUSE_SECONDS}`,
        "done",
        // Start is a long-running operation that may answer 202 with a Location and no body (the
        // Jobs_Start spec); az rest then prints nothing. Polling an empty name would read the list
        // of executions until the timeout, the started one unwatched.
        '[ -n "$execution" ] || { echo "anycloud: ARM accepted the start of $label without naming the execution, so it cannot be awaited; it may be running, and the services it gates were not updated. Its logs: $LOGS" >&2; exit 1; }',
        'echo "anycloud: started execution $execution of $label"',
        "failures=0",
        "while :; do",
        '  if status=$(az rest --method get --url "https://management.azure.com$JOB_ID/executions/$execution?$api" --query properties.status -o tsv 2>"$err"); then',
        "    failures=0",
        '    case "$status" in',
        '      Succeeded) printf \'{"execution":"%s","status":"%s"}\' "$execution" "$status" > "$AZ_SCRIPTS_OUTPUT_PATH"; exit 0 ;;',
        '      Failed|Stopped|Degraded) echo "$label execution $execution ended $status; the services it gates were not updated. Its logs and exit code: $LOGS" >&2; exit 1 ;;',
        "    esac",
        "  else",
        "    failures=$((failures + 1))",
        `    if [ "$failures" -ge ${STATUS_READ_FAILURES} ]; then`,
        `      echo "anycloud: the status of $label execution $execution could not be read ${STATUS_READ_FAILURES} times in a row (last: $(cat "$err")); it may still be running, and the services it gates were not updated. Its logs: $LOGS" >&2`,
        "      exit 1",
        "    fi",
        "  fi",
        "  sleep 15",
        "done",
        "",
    ].join("\n");
}

/**
 * Where one job's output and exit code are read: the environment's Log Analytics tables (the
 * environment's `appLogsConfiguration.destination` is "log-analytics", which writes the custom
 * `_CL` tables). Console output: `ContainerAppConsoleLogs_CL`, job name in `ContainerJobName_s`;
 * platform events, the exit code among them ("Container '<name>' was terminated with exit code
 * '<n>' and reason 'ProcessExited'", `Reason_s` "ContainerTerminated"):
 * `ContainerAppSystemLogs_CL`, job name in `JobName_s`, execution in `ExecutionName_s`. Columns
 * as used by independent public tooling that queries job runs (no Learn page in the index lists
 * them for jobs); a wrong column only makes this hint return nothing, no resource depends on it.
 */
export function logQuery(jobName: string): string {
    return `Log Analytics: ContainerAppConsoleLogs_CL | where ContainerJobName_s == "${jobName}" (output); ContainerAppSystemLogs_CL | where JobName_s == "${jobName}" (exit code, reason)`;
}

/**
 * A job on Container Apps jobs in the stack's environment, as its own user-assigned identity
 * (created with the services' from the access plan), with a service's Key Vault secrets, ACR
 * pull and env. Before deploy: a Manual job, started and awaited during the deploy by an Azure
 * CLI deployment script (the ARM-native way to run a step inside a deployment) whose identity may
 * operate only this job; its `forceUpdateTag` is a digest of the job's image, command, size and
 * environment (secret versions included), so it runs again when they change (and once when the
 * runner script itself changes: ARM runs a deployment script again when any of its properties
 * does). No replica
 * retry: a failed migration is not re-run blindly. Scheduled: a Schedule job with the cron
 * (Container Apps evaluates it in UTC: other zones are refused in validation), `retries` replica
 * retries, and a metric alert on failed executions (`Executions`, dimensions state, jobName,
 * executionName: Learn "Supported metrics for Microsoft.App/jobs"; state takes the execution
 * status, Failed among Running, Processing, Stopped, Degraded, Unknown, Succeeded in the
 * JobExecution schema).
 */
export function createJob(ctx: AzureContext, name: string, args: JobArgs, opts: ChildOptions): JobOutputs {
    const parent = opts.parent;
    const platform = ctx.requirePlatform();
    const identity = platform.identities[name];
    const jobName = ctx.naming.containerApp(`job-${name}`);
    const { secretRefs, plainEnv, secretEnv, grants, image, registries, volumes, volumeMounts } = workloadContainer(ctx, name, args, identity, parent);
    // Its first execution (right after create, for beforeDeploy) reads through these grants.
    const { rbacGrants, rbacSettled } = settledGrants(ctx, name, grants, parent);
    const trigger = args.trigger;
    const logs = pulumi.output(logQuery(jobName));
    const configuration: pulumi.Input<app.JobArgs["configuration"]> = {
        triggerType: trigger.kind === "beforeDeploy" ? "Manual" : "Schedule",
        replicaTimeout: args.timeoutMinutes * 60,
        replicaRetryLimit: trigger.kind === "schedule" ? trigger.retries : 0,
        secrets: secretRefs,
        registries,
        manualTriggerConfig: trigger.kind === "beforeDeploy" ? { parallelism: 1, replicaCompletionCount: 1 } : undefined,
        scheduleTriggerConfig: trigger.kind === "schedule" ? { cronExpression: scheduleExpression(name, trigger.cron), parallelism: 1, replicaCompletionCount: 1 } : undefined,
    };
    const container = { name, image, command: args.command, env: [...plainEnv, ...secretEnv], resources: { cpu: args.cpu, memory: containerAppMemory(args.cpu, args.memoryMb)! }, volumeMounts };
    const job = new app.Job(
        `${name}-job`,
        {
            jobName,
            resourceGroupName: ctx.rgName,
            location: ctx.location,
            environmentId: platform.environment.id,
            workloadProfileName: "Consumption",
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            configuration,
            template: { containers: [container], volumes },
            tags: ctx.tags,
        },
        // Like a service: its grants, applied (bounded wait), and the vault's private DNS first; after the search readiness gate when it uses search.
        ctx.opts(parent, { dependsOn: [...rbacGrants, ...rbacSettled, ...platform.vaultReady, ...(platform.registryReady[name] ?? []), ...(args.uses.search ? ctx.searchReady : []), ...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : [])] }),
    );

    if (trigger.kind === "schedule") {
        metricAlerts(
            ctx,
            `job-${name}`,
            job.id,
            [{ key: "failed", metricName: "Executions", operator: "GreaterThan", threshold: 0, aggregation: "Total", description: `jobs.${name}: a scheduled execution failed. ${logQuery(jobName)}`, dimensions: [{ name: "state", operator: "Include", values: ["Failed"] }] }],
            parent,
        );
        return { logs };
    }

    const digest = pulumi
        .all([image, pulumi.all(container.env.map((e) => pulumi.all([e.name, e.value ?? "", e.secretRef ?? ""]))), pulumi.all(secretRefs.map((r) => r.keyVaultUrl ?? ""))])
        .apply(([img, env, vault]) => createHash("sha256").update(JSON.stringify({ img, command: args.command, cpu: args.cpu, memoryMb: args.memoryMb, timeout: args.timeoutMinutes, env, vault })).digest("hex").slice(0, 16));
    return { run: awaitedRun(ctx, name, job, { JOB_NAME: name }, digest, args.timeoutMinutes, logQuery(jobName), parent, args.after ?? []), logs, note: pulumi.output(SHARED_KEY_NOTE) };
}

/**
 * Starts one execution of a Manual job during the deploy and waits for its end (runScript), by an
 * Azure CLI deployment script whose identity may operate only this job. `forceUpdateTag` is the
 * digest of what the run depends on: it runs again when that changes, and once when the script
 * text (runScript) changes, since ARM runs a deployment script again when any property does
 * (Learn, "Use deployment scripts": "If none of the deploymentScripts resource properties
 * (including the inline script) is changed, the script will not be executed").
 *
 * The deployment script runs in a container instance with a file share in a storage account the
 * service creates, and mounts it with the account key: a subscription where the built-in policy
 * "Storage accounts should prevent shared key access" (8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54)
 * denies or modifies that fails the run with KeyBasedAuthenticationNotPermitted or an ACI
 * provisioning timeout (Azure/bicep#17093, #14325; MicrosoftDocs/azure-docs#120857; even a
 * storage account of one's own is passed by key: `storageAccountSettings.storageAccountKey` in
 * the deploymentScripts spec). No run can avoid it, so a job's stack output says it
 * (SHARED_KEY_NOTE) and the README names the exemption.
 */
export function awaitedRun(
    ctx: AzureContext,
    name: string,
    job: app.Job,
    label: Record<string, string>,
    digest: pulumi.Output<string>,
    timeoutMinutes: number,
    logs: string,
    parent: pulumi.Resource,
    after: pulumi.Resource[] = [],
): resources.AzureCliScript {
    // The runner's identity may operate this job and nothing else.
    const runner = new managedidentity.UserAssignedIdentity(
        `${name}-runner-identity`,
        { resourceName: ctx.naming.local(`${name}-runner-id`), resourceGroupName: ctx.rgName, location: ctx.location, tags: ctx.tags },
        ctx.opts(parent),
    );
    const canRun = [
        ctx.grant(`${name}-runner-job`, "containerAppsJobsOperator", runner.principalId, job.id, parent, [name, "runner"]),
        ctx.grant(`${name}-runner-read`, "containerAppsJobsReader", runner.principalId, job.id, parent, [name, "runner-read"]),
    ];
    // A new identity's grants take effect minutes after ARM accepts them: the same bounded wait as
    // a workload's. It is the only defence for the script service's own login as this identity,
    // before the script runs; the script's first call (POST .../start) is asked again while ARM
    // still refuses it (runScript).
    const runnerSettled = grantsSettled(
        `${name}-runner-rbac-propagation`,
        canRun,
        `Azure RBAC applies ${name}'s runner role assignments (Container Apps Jobs Operator and Reader) before its deployment script starts the job`,
        parent,
    );
    return deploymentScript(ctx, `${name}-run`, {
        identityId: runner.id,
        script: runScript(),
        environment: [
            { name: "JOB_ID", value: job.id },
            ...Object.entries(label).map(([k, value]) => ({ name: k, value })),
            { name: "JOBS_API_VERSION", value: JOBS_API_VERSION },
            { name: "LOGS", value: logs },
        ],
        trigger: digest,
        // The job's own bound ends the execution; the script's bound is a backstop above it.
        timeoutMinutes: timeoutMinutes + 10,
        parent,
        // The services it calls answer while it runs: after them.
        dependsOn: [...canRun, runnerSettled, ...after],
    });
}

/** What differs between the stack's deployment scripts (a job's runner, the database restart). */
export interface DeploymentScriptArgs {
    /** The user-assigned identity the script logs in as (`az login --identity`). */
    identityId: pulumi.Input<string>;
    script: string;
    environment: pulumi.Input<{ name: string; value: pulumi.Input<string> }>[];
    /** A new value runs the script again (`forceUpdateTag`). */
    trigger: pulumi.Input<string>;
    timeoutMinutes: number;
    parent: pulumi.Resource;
    dependsOn: pulumi.Resource[];
}

/**
 * An Azure CLI deployment script of the stack: its container instance and storage are the
 * service's, kept an hour for its logs and removed on success (retentionInterval,
 * cleanupPreference); it runs again when the trigger changes.
 */
export function deploymentScript(ctx: AzureContext, name: string, a: DeploymentScriptArgs): resources.AzureCliScript {
    return new resources.AzureCliScript(
        name,
        {
            scriptName: ctx.naming.local(name),
            resourceGroupName: ctx.rgName,
            location: ctx.location,
            kind: "AzureCLI",
            azCliVersion: AZ_CLI_VERSION,
            identity: { type: "UserAssigned", userAssignedIdentities: [a.identityId] },
            scriptContent: a.script,
            environmentVariables: a.environment,
            forceUpdateTag: a.trigger,
            timeout: `PT${a.timeoutMinutes}M`,
            retentionInterval: "PT1H",
            cleanupPreference: "OnSuccess",
            tags: ctx.tags,
        },
        ctx.opts(a.parent, { dependsOn: a.dependsOn }),
    );
}

/** What a before-deploy job on Azure needs from the subscription (see awaitedRun). */
export const SHARED_KEY_NOTE =
    "started by an Azure deployment script, whose storage account (created by the service) is mounted with its shared key: a policy denying shared key access (built-in 'Storage accounts should prevent shared key access') fails the run; exempt this stack's resource group from it";

function scheduleExpression(name: string, cron: string): string {
    const parsed = parseCron(cron);
    if (!isCron(parsed)) {
        throw new Error(`azure backend: jobs.${name}.schedule was validated but does not parse`);
    }
    return unixCron(parsed);
}

