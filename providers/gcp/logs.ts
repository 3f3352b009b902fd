import * as pulumi from "@pulumi/pulumi";
import * as logging from "@pulumi/gcp/logging";
import { RandomId } from "@pulumi/random/randomId";
import { GcpContext } from "./context";

/**
 * The stack's own log bucket and the sinks that route this stack's logs into it. The project's
 * `_Default` bucket is left alone: its retention is a project-wide setting that every other
 * workload (and every other stack in the project) shares, so a stack must not own it.
 *
 * Logs still also land in `_Default` (its `_Default` sink is the project's, not ours) and are kept
 * there for whatever retention the project set (30 days unless someone changed it); the stack's
 * bucket keeps them for `logs.retentionDays`.
 *
 * A deleted log bucket stays in DELETE_REQUESTED for 7 days and its id cannot be reused meanwhile
 * (Logging API, projects.locations.buckets.delete / undelete), so the id carries a random suffix
 * kept in state: destroy → up creates a bucket with a new id instead of colliding.
 */
export function createLogBucket(ctx: GcpContext, name: string, parent: pulumi.Resource): logging.ProjectBucketConfig {
    const suffix = new RandomId(`${name}-log-bucket-suffix`, { byteLength: 3 }, { parent });
    const bucket = new logging.ProjectBucketConfig(
        `${name}-log-bucket`,
        {
            project: ctx.project,
            location: "global",
            bucketId: pulumi.interpolate`${ctx.naming.resource("logs", 60)}-${suffix.hex}`,
            description: `Logs of the anycloud stack ${ctx.settings.project}/${ctx.settings.stack}`,
            retentionDays: ctx.settings.logs.retentionDays,
        },
        ctx.opts(parent, ["logging"]),
    );
    ctx.logBucket = bucket;
    routeLogs(ctx, `${name}-log-sink`, "stack", namedResourcesFilter(ctx.naming.prefix), parent);
    return bucket;
}

/** The sink destination of a project log bucket. */
export function bucketDestination(project: string, bucketId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`logging.googleapis.com/projects/${project}/locations/global/buckets/${bucketId}`;
}

/**
 * Logs of every resource the stack names with its prefix (naming.ts `resource()`): Cloud Run
 * services and jobs, the search VMs (the Ops Agent's entries carry the VM name), Memorystore and
 * the load balancer. The prefix is anchored and ends in `-`, so `app-dev` never takes
 * `app-dev2`'s logs; a stack named `<this stack>-<more>` (e.g. `dev-eu` next to `dev`) does share
 * the prefix, and its logs are then copied here too (duplicated, never taken away).
 */
export function namedResourcesFilter(prefix: string): string {
    const p = `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-`;
    return [
        `(resource.type="cloud_run_revision" AND resource.labels.service_name=~"${p}")`,
        `(resource.type="cloud_run_job" AND resource.labels.job_name=~"${p}")`,
        `(resource.type="gce_instance" AND labels."compute.googleapis.com/resource_name"=~"${p}")`,
        `(resource.type="redis_instance" AND resource.labels.instance_id=~"${p.replace("^", "(^|/)")}")`,
        `(resource.type="http_load_balancer" AND resource.labels.forwarding_rule_name=~"${p}")`,
    ].join(" OR ");
}

/** Cloud SQL entries of the given instances (their names are generated, so they are listed exactly). */
export function cloudSqlFilter(project: string, instanceNames: string[]): string {
    const ids = instanceNames.map((n) => `"${project}:${n}"`).join(" OR ");
    return `resource.type="cloudsql_database" AND resource.labels.database_id=(${ids})`;
}

/**
 * A sink copying the entries `filter` selects into the stack's bucket. A sink into a log bucket of
 * its own project needs no grant for its writer identity (Cloud Logging "route logs" docs: only
 * destinations in other projects do).
 */
export function routeLogs(ctx: GcpContext, name: string, key: string, filter: pulumi.Input<string>, parent: pulumi.Resource): logging.ProjectSink {
    const bucket = ctx.logBucket;
    if (!bucket) {
        throw new Error("gcp backend: the foundation's log bucket must exist before logs are routed to it");
    }
    return new logging.ProjectSink(
        name,
        {
            project: ctx.project,
            name: ctx.naming.resource(`logs-${key}`, 100),
            description: `Copies the logs of anycloud stack ${ctx.settings.project}/${ctx.settings.stack} into its own bucket`,
            destination: bucketDestination(ctx.project, bucket.bucketId),
            filter,
        },
        ctx.opts(parent, ["logging"]),
    );
}
