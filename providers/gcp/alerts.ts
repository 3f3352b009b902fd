import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as monitoring from "@pulumi/gcp/monitoring";
import * as redis from "@pulumi/gcp/redis";
import * as sql from "@pulumi/gcp/sql";
import { movedFromNetwork } from "../../components/foundation";
import { GcpContext } from "./context";

/**
 * Cloud Monitoring alert policies at the thresholds from settings.alerts, for the parts that
 * exist. Each component creates its own policies (the contract has no alerts step); they all
 * notify the stack's channels (email when settings.alerts.email is set).
 */
export function createAlertChannels(ctx: GcpContext, parent: pulumi.Resource): void {
    const email = ctx.settings.alerts.email;
    if (email) {
        const channel = new monitoring.NotificationChannel(
            "alerts-email",
            { displayName: `${ctx.naming.prefix} alerts`, type: "email", labels: { email_address: email }, project: ctx.project },
            // Created by the foundation; a child of the network component before it existed.
            ctx.opts(parent, ["monitoring"], movedFromNetwork()),
        );
        ctx.alertChannels = [channel.id];
    }
}

interface Threshold {
    id: string;
    title: string;
    filter: pulumi.Input<string>;
    value: number;
    aligner: string;
    reducer?: string;
    groupBy?: string[];
    denominatorFilter?: pulumi.Input<string>;
}

function policy(ctx: GcpContext, parent: pulumi.Resource, logical: string, display: string, t: Threshold) {
    const aggregations = [{ alignmentPeriod: "60s", perSeriesAligner: t.aligner, crossSeriesReducer: t.reducer, groupByFields: t.groupBy }];
    return new monitoring.AlertPolicy(
        logical,
        {
            project: ctx.project,
            displayName: `${ctx.naming.prefix}: ${display}`,
            combiner: "OR",
            severity: "WARNING",
            notificationChannels: ctx.alertChannels,
            alertStrategy: { autoClose: "1800s" },
            documentation: { content: `${t.title} crossed the threshold configured in anycloud:alerts.`, mimeType: "text/markdown" },
            conditions: [
                {
                    displayName: t.title,
                    conditionThreshold: {
                        filter: t.filter,
                        comparison: "COMPARISON_GT",
                        thresholdValue: t.value,
                        duration: "300s",
                        aggregations,
                        ...(t.denominatorFilter ? { denominatorFilter: t.denominatorFilter, denominatorAggregations: aggregations } : {}),
                        trigger: { count: 1 },
                    },
                },
            ],
        },
        ctx.opts(parent, ["monitoring"]),
    );
}

export function databaseAlerts(ctx: GcpContext, parent: pulumi.Resource, instance: sql.DatabaseInstance, maxConnections: number, maxStorageGb: number): void {
    const a = ctx.settings.alerts;
    const res = pulumi.interpolate`resource.type = "cloudsql_database" AND resource.labels.database_id = "${ctx.project}:${instance.name}"`;
    const metric = (m: string) => pulumi.interpolate`metric.type = "cloudsql.googleapis.com/database/${m}" AND ${res}`;
    policy(ctx, parent, "alert-db-cpu", "database CPU", { id: "cpu", title: "Cloud SQL CPU utilization", filter: metric("cpu/utilization"), value: a.cpuPercent / 100, aligner: "ALIGN_MEAN" });
    policy(ctx, parent, "alert-db-memory", "database memory", { id: "memory", title: "Cloud SQL memory utilization", filter: metric("memory/utilization"), value: a.memoryPercent / 100, aligner: "ALIGN_MEAN" });
    // Autoresize grows the disk before it fills, so disk/utilization stays low until the disk
    // reaches diskAutoresizeLimit; what needs action is the data approaching maxStorageGb.
    policy(ctx, parent, "alert-db-disk", "database disk", {
        id: "disk",
        title: `Cloud SQL data above ${a.diskPercent}% of maxStorageGb (${maxStorageGb} GB)`,
        filter: metric("disk/bytes_used"),
        value: Math.round((a.diskPercent / 100) * maxStorageGb * 1024 ** 3),
        aligner: "ALIGN_MAX",
    });
    policy(ctx, parent, "alert-db-connections", "database connections", {
        id: "connections",
        title: "PostgreSQL connections",
        filter: metric("postgresql/num_backends"),
        value: Math.floor((maxConnections * a.dbConnectionsPercent) / 100),
        aligner: "ALIGN_MEAN",
        reducer: "REDUCE_SUM",
        groupBy: ["resource.labels.database_id"],
    });
}

export function cacheAlerts(ctx: GcpContext, parent: pulumi.Resource, instance: redis.Instance): void {
    const a = ctx.settings.alerts;
    policy(ctx, parent, "alert-cache-memory", "cache memory", {
        id: "memory",
        title: "Memorystore memory usage ratio",
        filter: pulumi.interpolate`metric.type = "redis.googleapis.com/stats/memory/usage_ratio" AND resource.type = "redis_instance" AND resource.labels.instance_id = "${instance.id}"`,
        value: a.memoryPercent / 100,
        aligner: "ALIGN_MEAN",
    });
}

export function searchAlerts(ctx: GcpContext, parent: pulumi.Resource, instances: compute.Instance[]): void {
    const a = ctx.settings.alerts;
    const ids = pulumi.all(instances.map((i) => i.instanceId)).apply((list) => list.map((id) => `"${id}"`).join(", "));
    const gce = pulumi.interpolate`resource.type = "gce_instance" AND resource.labels.instance_id = one_of(${ids})`;
    policy(ctx, parent, "alert-search-cpu", "search CPU", {
        id: "cpu",
        title: "Search node CPU utilization",
        filter: pulumi.interpolate`metric.type = "compute.googleapis.com/instance/cpu/utilization" AND ${gce}`,
        value: a.cpuPercent / 100,
        aligner: "ALIGN_MEAN",
    });
    // Ops Agent metrics (installed by the boot script), in percent.
    policy(ctx, parent, "alert-search-memory", "search memory", {
        id: "memory",
        title: "Search node memory used",
        filter: pulumi.interpolate`metric.type = "agent.googleapis.com/memory/percent_used" AND metric.labels.state = "used" AND ${gce}`,
        value: a.memoryPercent,
        aligner: "ALIGN_MEAN",
    });
    policy(ctx, parent, "alert-search-disk", "search disk", {
        id: "disk",
        title: "Search node disk used",
        filter: pulumi.interpolate`metric.type = "agent.googleapis.com/disk/percent_used" AND metric.labels.state = "used" AND ${gce}`,
        value: a.diskPercent,
        aligner: "ALIGN_MEAN",
    });
}

export function serviceAlerts(ctx: GcpContext, parent: pulumi.Resource, service: string, runName: string, kind: "service" | "worker"): void {
    if (kind === "worker") {
        // Worker pools report under their own monitored resource, whose metric names are not yet
        // documented as stable; their failures surface as logs and restarts instead.
        return;
    }
    const a = ctx.settings.alerts;
    const res = `resource.type = "cloud_run_revision" AND resource.labels.service_name = "${runName}"`;
    policy(ctx, parent, `alert-${service}-cpu`, `${runName} CPU`, {
        id: "cpu",
        title: "Cloud Run CPU utilization (p99)",
        filter: `metric.type = "run.googleapis.com/container/cpu/utilizations" AND ${res}`,
        value: a.cpuPercent / 100,
        aligner: "ALIGN_PERCENTILE_99",
    });
    policy(ctx, parent, `alert-${service}-memory`, `${runName} memory`, {
        id: "memory",
        title: "Cloud Run memory utilization (p99)",
        filter: `metric.type = "run.googleapis.com/container/memory/utilizations" AND ${res}`,
        value: a.memoryPercent / 100,
        aligner: "ALIGN_PERCENTILE_99",
    });
}

export function loadBalancerAlerts(ctx: GcpContext, parent: pulumi.Resource, urlMap: compute.URLMap): void {
    const a = ctx.settings.alerts;
    const base = pulumi.interpolate`resource.type = "https_lb_rule" AND resource.labels.url_map_name = "${urlMap.name}"`;
    policy(ctx, parent, "alert-lb-5xx", "5xx rate", {
        id: "5xx",
        title: "Load balancer 5xx ratio",
        filter: pulumi.interpolate`metric.type = "loadbalancing.googleapis.com/https/request_count" AND metric.labels.response_code_class = 500 AND ${base}`,
        denominatorFilter: pulumi.interpolate`metric.type = "loadbalancing.googleapis.com/https/request_count" AND ${base}`,
        value: a.errorRatePercent / 100,
        aligner: "ALIGN_RATE",
        reducer: "REDUCE_SUM",
        groupBy: ["resource.labels.url_map_name"],
    });
    policy(ctx, parent, "alert-lb-latency", "latency", {
        id: "latency",
        title: "Load balancer p95 total latency (ms)",
        filter: pulumi.interpolate`metric.type = "loadbalancing.googleapis.com/https/total_latencies" AND ${base}`,
        value: a.latencyMs,
        aligner: "ALIGN_PERCENTILE_95",
        reducer: "REDUCE_MAX",
        groupBy: ["resource.labels.url_map_name"],
    });
}
