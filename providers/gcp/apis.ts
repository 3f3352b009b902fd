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
    | "dns";

export function requiredApis(settings: Settings): Api[] {
    const apis: Api[] = ["compute", "run", "iam", "cloudresourcemanager", "servicenetworking", "secretmanager", "monitoring", "logging"];
    if (settings.database) apis.push("sqladmin");
    if (settings.cache) apis.push("redis");
    if (settings.buckets.length > 0) apis.push("storage");
    if (settings.services.some((s) => s.image.kind === "build")) apis.push("artifactregistry");
    if (settings.loadBalancer?.dnsZone) apis.push("dns");
    return apis;
}
