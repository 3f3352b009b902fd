import { ConfigProblem, problem } from "../../stacks/errors";
import { edgeProblems } from "../../components/edge";
import { azureEdge, frontDoorBodyRules } from "./edge";
import { PRESETS } from "../../stacks/presets";
import { Settings } from "../../stacks/settings";
import { memoryShareBound, rangeBound } from "../../stacks/postgres-parameters";
import { AZURE_LOCATIONS, containerAppMemory, nearestContainerAppSizes, LOG_RETENTION, postgresStorageGb, POSTGRES_MEMORY_SHARES, POSTGRES_PARAMETER_RANGES, POSTGRES_SKUS, POSTGRES_STORAGE_SIZES } from "./sizes";

/** Locations with availability zones for every service used here (Container Apps, Flexible Server, AMR). */
const ZONAL_LOCATIONS = new Set([
    "eastus", "eastus2", "centralus", "southcentralus", "westus2", "westus3", "canadacentral", "brazilsouth",
    "northeurope", "westeurope", "uksouth", "francecentral", "germanywestcentral", "swedencentral", "switzerlandnorth",
    "norwayeast", "polandcentral", "italynorth", "australiaeast", "japaneast", "koreacentral", "southeastasia",
    "eastasia", "centralindia", "southafricanorth", "uaenorth", "qatarcentral", "israelcentral",
]);

/**
 * `loadBalancer.dnsZone` on Azure: the resource id of a public Azure DNS zone. A zone is addressed
 * by subscription and resource group, which usually differ from the stack's own group (the zone
 * outlives stacks), so a bare zone name (what AWS and GCP take) is not enough to find it.
 */
const DNS_ZONE_ID = /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/([-\w.()]{0,89}[-\w()])\/providers\/Microsoft\.Network\/dnszones\/((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;

export interface DnsZoneRef {
    id: string;
    subscriptionId: string;
    resourceGroup: string;
    /** Lowercase zone name, e.g. example.com. */
    zone: string;
}

export function parseDnsZoneId(id: string): DnsZoneRef | undefined {
    const m = DNS_ZONE_ID.exec(id);
    return m ? { id, subscriptionId: m[1].toLowerCase(), resourceGroup: m[2], zone: m[3].toLowerCase() } : undefined;
}

/** The record name relative to its zone (`@` for the apex); the host must be in the zone. */
export function relativeName(host: string, zone: string): string {
    return host === zone ? "@" : host.slice(0, -(zone.length + 1));
}

const inZone = (host: string, zone: string) => host === zone || host.endsWith(`.${zone}`);

/** Azure-specific checks on complete Settings. Pure: it registers nothing. */
export function validate(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const location = settings.azure.location;
    if (!(AZURE_LOCATIONS as readonly string[]).includes(location)) {
        problems.push(problem("azure.location", location, `an Azure location: ${AZURE_LOCATIONS.join(", ")}`));
    }
    if (settings.azure.subscriptionId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(settings.azure.subscriptionId)) {
        problems.push(problem("azure.subscriptionId", settings.azure.subscriptionId, "a subscription GUID"));
    }
    if (settings.network.zones > 1 && settings.environment === "prod" && !ZONAL_LOCATIONS.has(location)) {
        problems.push(problem("azure.location", location, `a location with availability zones for a zone-redundant prod stack (${[...ZONAL_LOCATIONS].join(", ")})`));
    }
    const prefix = Number(settings.network.cidr.split("/")[1]);
    if (!(prefix >= 8 && prefix <= 22)) {
        problems.push(problem("network.cidr", settings.network.cidr, "a /8 to /22 range on Azure (the Container Apps subnet alone needs a /23)"));
    }
    // Log Analytics (PerGB2018) keeps 30 to 730 days. Settings hold only the resolved value, so an
    // explicit value cannot be told from the preset's: only the preset's own value (dev's 7) is
    // raised to the 30-day floor (docs/azure.md); any other value below 30 was set by the user.
    const retention = settings.logs.retentionDays;
    if (retention < LOG_RETENTION.min && retention !== PRESETS[settings.environment].logRetentionDays) {
        problems.push(problem("logs.retentionDays", retention, `${LOG_RETENTION.min}–${LOG_RETENTION.max} on Azure (Log Analytics minimum)`));
    }
    if (retention > LOG_RETENTION.max) {
        problems.push(problem("logs.retentionDays", retention, `${LOG_RETENTION.min}–${LOG_RETENTION.max} on Azure (Log Analytics maximum)`));
    }

    const db = settings.database;
    if (db) {
        const sku = POSTGRES_SKUS[db.size];
        const server = `${sku.name} (database.size ${db.size})`;
        // Flexible Server's own ranges, where narrower than PostgreSQL's (sizes.ts): ARM refuses
        // the configuration at `up`, after the server exists.
        for (const [key, share] of Object.entries(POSTGRES_MEMORY_SHARES)) {
            const bound = memoryShareBound(db.parameters[key], sku.memoryGb * 1024, share, server);
            if (bound) problems.push(problem(`database.parameters.${key}`, db.parameters[key], bound));
        }
        for (const [key, range] of Object.entries(POSTGRES_PARAMETER_RANGES)) {
            const bound = rangeBound(db.parameters[key], range, "Azure Database for PostgreSQL");
            if (bound) problems.push(problem(`database.parameters.${key}`, db.parameters[key], bound));
        }
        if (db.highAvailability && POSTGRES_SKUS[db.size].tier === "Burstable") {
            problems.push(problem("database.size", db.size, "medium or large on Azure when database.highAvailability is true (Burstable servers have no HA)"));
        }
        if (db.backupRetentionDays < 7 || db.backupRetentionDays > 35) {
            problems.push(problem("database.backupRetentionDays", db.backupRetentionDays, "7 to 35 days on Azure Database for PostgreSQL"));
        }
        if (postgresStorageGb(db.storageGb) === undefined) {
            problems.push(problem("database.storageGb", db.storageGb, `at most ${POSTGRES_STORAGE_SIZES[POSTGRES_STORAGE_SIZES.length - 1]} GiB on Azure`));
        }
        if (db.readReplicas > 5) {
            problems.push(problem("database.readReplicas", db.readReplicas, "0 to 5 read replicas on Azure"));
        }
        if (!db.pointInTimeRecovery) {
            problems.push(problem("database.pointInTimeRecovery", false, "true on Azure (Flexible Server always keeps point-in-time backups)"));
        }
    }
    const cache = settings.cache;
    if (cache) {
        if (cache.version !== 7) {
            problems.push(problem("cache.version", cache.version, "7 on Azure (Azure Managed Redis runs Redis 7.4 only)"));
        }
    }
    const search = settings.search;
    if (search && search.nodes !== 1 && search.nodes < 3) {
        problems.push(problem("search.nodes", search.nodes, "1, or 3 or more on Azure (a cluster-manager quorum needs 3 nodes)"));
    }
    problems.push(...validateJobs(settings));
    for (const service of settings.services) {
        if (containerAppMemory(service.cpu, service.memoryMb) === undefined) {
            problems.push(
                problem(
                    `services.${service.name}.cpu`,
                    { cpu: service.cpu, memoryMb: service.memoryMb },
                    `a Container Apps consumption size: cpu 0.25 to 4 in steps of 0.25 with memoryMb = 2048 × cpu (nearest: ${nearestContainerAppSizes(service.cpu, service.memoryMb).join(" or ")})`,
                ),
            );
        }
        if (service.replicas.max > 300) {
            problems.push(problem(`services.${service.name}.replicas.max`, service.replicas.max, "at most 300 on Azure Container Apps"));
        }
        if (service.name.length > 24) {
            problems.push(problem(`services.${service.name}`, service.name, "a service name of at most 24 characters on Azure (Container Apps names are at most 32)"));
        }
    }
    const lb = settings.loadBalancer;
    if (lb) {
        if (lb.dnsZone !== undefined) {
            const ref = parseDnsZoneId(lb.dnsZone);
            const hosts = [lb.domain, ...lb.routes.map((r) => r.host)].filter((h): h is string => h !== undefined);
            const outside = ref ? [...new Set(hosts.filter((h) => !inZone(h, ref.zone)))] : [];
            if (!ref) {
                problems.push(
                    problem(
                        "loadBalancer.dnsZone",
                        lb.dnsZone,
                        "on Azure, the resource id of a public Azure DNS zone: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone name> (az network dns zone show --query id)",
                    ),
                );
            } else if (outside.length > 0) {
                problems.push(problem("loadBalancer.dnsZone", lb.dnsZone, `a DNS zone that contains every host the load balancer serves (${outside.join(", ")} are not in ${ref.zone})`));
            }
        }
        // No rate floor to check here: the schema's smallest rate (1 request per minute) is a
        // threshold of 1 per 1-minute window (`frontDoorRateLimit`), which Front Door accepts. The
        // former "at least 10 per minute" check on per-second rates could never fire (1/s = 60/min).
        problems.push(...frontDoorLimits(settings.environment === "prod", lb.routes, lb.domain, frontDoorBodyRules(lb).length));
    }
    // What this target's edge cannot honour (providers/azure/edge.ts).
    problems.push(...edgeProblems(settings, azureEdge));
    return problems;
}

/**
 * Front Door's per-profile limits that the topology can reach, by tier (load-balancer.ts: dev
 * Standard, prod Premium), so a large topology is a config error rather than a deployment that
 * fails halfway. "Azure Front Door Standard and Premium service limits" (Azure subscription and
 * service limits; MicrosoftDocs/azure-docs includes/front-door-limits.md): routes per endpoint
 * 100 / 200, origin groups and origins per profile 100 / 200, custom domains per profile 100 /
 * 500, custom WAF rules per policy 100 on both tiers. Each routed service has one origin group
 * with one origin, each route one Front Door route, each rate-limited route one custom WAF rule,
 * each body limit one more (one for a stack without per-route limits).
 */
function frontDoorLimits(premium: boolean, routes: { service: string; host?: string; rateLimit?: unknown }[], domain: string | undefined, bodyRules: number): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const tier = premium ? "Premium (prod)" : "Standard (dev)";
    const max = premium ? 200 : 100;
    if (routes.length > max) {
        problems.push(problem("loadBalancer.routes", routes.length, `at most ${max} routes on Azure Front Door ${tier} (routes per endpoint)`));
    }
    const routed = new Set(routes.map((r) => r.service));
    if (routed.size > max) {
        problems.push(problem("loadBalancer.routes", `${routed.size} routed services`, `at most ${max} routed services on Azure Front Door ${tier} (one origin group each; origin groups per profile)`));
    }
    const domains = new Set([...(domain ? [domain] : []), ...routes.flatMap((r) => (r.host ? [r.host] : []))]);
    const maxDomains = premium ? 500 : 100;
    if (domains.size > maxDomains) {
        problems.push(problem("loadBalancer.routes", `${domains.size} host names`, `at most ${maxDomains} host names on Azure Front Door ${tier} (custom domains per profile)`));
    }
    // One rate rule per rate-limited route, plus the body-limit rules (providers/azure/edge.ts).
    const rateLimited = routes.filter((r) => r.rateLimit !== undefined).length;
    if (rateLimited + bodyRules > 100) {
        problems.push(problem("loadBalancer.routes", `${rateLimited} rate-limited routes`, `at most ${100 - bodyRules} rate-limited routes on Azure (one custom rule each, and ${bodyRules} for body limits; custom WAF rules per Front Door policy)`));
    }
    return problems;
}

/** What Container Apps jobs cannot honour: schedules in a zone other than UTC, sizes it does not offer. */
export function validateJobs(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const job of settings.jobs) {
        if (job.trigger.kind === "schedule" && job.trigger.timeZone !== "UTC") {
            problems.push(problem(`jobs.${job.name}.timeZone`, job.trigger.timeZone, "UTC on azure (Container Apps jobs evaluate cron expressions in UTC; write the schedule in UTC)"));
        }
        if (containerAppMemory(job.cpu, job.memoryMb) === undefined) {
            problems.push(
                problem(
                    `jobs.${job.name}.cpu`,
                    { cpu: job.cpu, memoryMb: job.memoryMb },
                    "a Container Apps consumption size: cpu 0.25 to 4 in steps of 0.25 with memoryMb = 2048 × cpu (e.g. 0.5 / 1024, 1 / 2048)",
                ),
            );
        }
    }
    return problems;
}
