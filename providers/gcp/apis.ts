import { Settings } from "../../stacks/settings";

/** The Google APIs a stack needs, derived from what the topology contains. */
export type Api =
    | "compute"
    | "run"
    | "iam"
    | "cloudresourcemanager"
    | "servicenetworking"
    | "secretmanager"
    | "monitoring"
    | "logging"
    | "sqladmin"
    | "redis"
    | "storage"
    | "artifactregistry"
    | "dns"
    | "cloudscheduler";

export function requiredApis(settings: Settings): Api[] {
    const apis: Api[] = ["compute", "run", "iam", "cloudresourcemanager", "servicenetworking", "secretmanager", "monitoring", "logging"];
    if (settings.database) apis.push("sqladmin");
    if (settings.cache) apis.push("redis");
    // The search cluster snapshots into a bucket of its own, with or without application buckets.
    if (settings.buckets.length > 0 || settings.search) apis.push("storage");
    // Built images, and the mirror the database init job pulls its PostgreSQL client image from.
    if ([...settings.services, ...settings.jobs].some((s) => s.image.kind === "build") || settings.database) apis.push("artifactregistry");
    if (settings.loadBalancer?.dnsZone) apis.push("dns");
    if (settings.jobs.some((j) => j.trigger.kind === "schedule")) apis.push("cloudscheduler");
    return apis;
}
