import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, JobArgs, JobOutputs } from "../../components/backend";
import { isCron, parseCron, unixCron } from "../../stacks/cron";
import { workloadEnv, workloadImage, workloadNetworks } from "./container-service";
import { LocalContext } from "./context";
import { LocalNetworks } from "./network";
import { StorageCredentials } from "./object-store";

/** The message `pulumi up` stops with when a before-deploy job exits non-zero. */
export function jobFailure(job: string, exitCode: number, container: string): string {
    return `jobs.${job} (run: beforeDeploy) failed with exit code ${exitCode}; the services it gates were not updated. Its logs: docker logs ${container}`;
}

/**
 * The host crontab entry that starts a scheduled job's container (cronie and systemd-cron read
 * `CRON_TZ=`; `docker start -a` runs the stopped container once and returns its exit code).
 */
export function hostCrontab(job: string, container: string, cron: string, timeZone: string): string {
    const parsed = parseCron(cron);
    if (!isCron(parsed)) {
        throw new Error(`local backend: jobs.${job}.schedule was validated but does not parse`);
    }
    return `CRON_TZ=${timeZone}\n${unixCron(parsed)} docker start -a ${container}`;
}

/**
 * A job on the Docker engine. Before deploy: a run-to-completion container (`attach`, so its
 * create waits for the exit) on the job's own networks; its exit code is checked and gates the
 * services it names (their containers carry the checked value, so none is replaced after a
 * failure). A new run happens whenever its image, command or environment changes (the container
 * is replaced). Scheduled: the same container created stopped (full config and networks),
 * restarted by Docker on failure up to `retries` times. Nothing on the engine starts it on the
 * cron: every container scheduler (ofelia and the like) needs the Docker socket, which the
 * `no-privileged-roles` guardrail refuses (root on the host); the stack output
 * `jobs.<name>.trigger` carries the host crontab line that does. The local target has no alert channel.
 */
export function createJob(
    ctx: LocalContext,
    networks: LocalNetworks,
    storageCredentials: Record<string, StorageCredentials>,
    name: string,
    args: JobArgs,
    opts: ChildOptions,
): JobOutputs {
    const parent = opts.parent;
    const image = workloadImage(ctx, name, args.image, parent);
    const containerName = ctx.name(`job-${name}`);
    const common = {
        name: containerName,
        image: image.imageId,
        command: args.command,
        envs: workloadEnv(name, args.env, args.secretEnv, storageCredentials),
        networksAdvanced: workloadNetworks(networks, networks.egress, name, args.uses),
        memory: args.memoryMb,
        cpus: String(args.cpu),
        mustRun: false,
        labels: [...ctx.labels(`job:${name}`), ...(args.uses.search && ctx.searchUsers ? [{ label: "anycloud.after-search-users", value: ctx.searchUsers.succeeded }] : [])],
    };
    const afterInit = [...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.uses.search && ctx.searchUsers ? [ctx.searchUsers.run] : [])];
    const logs = pulumi.output(`docker logs ${containerName}`);

    if (args.trigger.kind === "beforeDeploy") {
        const run = new docker.Container(
            `${name}-run`,
            { ...common, attach: true, logs: true, restart: "no" },
            // The captured output may print secrets the job read: it stays encrypted in state.
            // After the databases exist and the services it calls are up (healthy where they have a check).
            ctx.opts(parent, { dependsOn: [...afterInit, ...(args.after ?? [])], additionalSecretOutputs: ["containerLogs"] }),
        );
        const succeeded = run.exitCode.apply((code) => {
            if (code !== 0) {
                throw new pulumi.RunError(jobFailure(name, code, containerName));
            }
            return "exit-0";
        });
        for (const gated of args.trigger.gates) {
            (ctx.jobGates[gated] ??= []).push({ job: name, succeeded });
        }
        return { run, logs };
    }

    const { cron, timeZone, retries } = args.trigger;
    new docker.Container(
        `${name}-job`,
        { ...common, start: false, restart: retries > 0 ? "on-failure" : "no", maxRetryCount: retries > 0 ? retries : undefined },
        ctx.opts(parent, { dependsOn: afterInit }),
    );
    return { logs, note: pulumi.output(`not started by the local target: add to the Docker host's crontab: ${hostCrontab(name, containerName, cron, timeZone)}`) };
}
