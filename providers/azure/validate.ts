import { ConfigProblem, problem } from "../../stacks/errors";
import { Settings } from "../../stacks/settings";
import { containerAppMemory, LOG_RETENTION, postgresStorageGb, POSTGRES_SKUS, POSTGRES_STORAGE_SIZES } from "./sizes";

/** Locations with availability zones for every service used here (Container Apps, Flexible Server, AMR). */
const ZONAL_LOCATIONS = new Set([
    "eastus", "eastus2", "centralus", "southcentralus", "westus2", "westus3", "canadacentral", "brazilsouth",
    "northeurope", "westeurope", "uksouth", "francecentral", "germanywestcentral", "swedencentral", "switzerlandnorth",
    "norwayeast", "polandcentral", "italynorth", "australiaeast", "japaneast", "koreacentral", "southeastasia",
    "eastasia", "centralindia", "southafricanorth", "uaenorth", "qatarcentral", "israelcentral",
]);

/** Azure-specific checks on complete Settings. Pure: it registers nothing. */
export function validateAzure(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const location = settings.azure.location;
    if (!/^[a-z0-9]+$/.test(location)) {
        problems.push(problem("azure.location", location, "an Azure location name such as eastus or westeurope (lowercase, no spaces)"));
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
    // Below 30 days is raised to 30 (Log Analytics keeps 30 days at no extra cost); above the cap is an error.
    if (settings.logs.retentionDays > LOG_RETENTION.max) {
        problems.push(problem("logs.retentionDays", settings.logs.retentionDays, `at most ${LOG_RETENTION.max} days on Azure Log Analytics`));
    }

    const db = settings.database;
    if (db) {
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
    for (const service of settings.services) {
        if (containerAppMemory(service.cpu, service.memoryMb) === undefined) {
            problems.push(
                problem(
                    `services.${service.name}.cpu`,
                    { cpu: service.cpu, memoryMb: service.memoryMb },
                    "a Container Apps consumption size: cpu 0.25 to 4 in steps of 0.25 with memoryMb = 2048 × cpu (e.g. 0.5 / 1024, 1 / 2048)",
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
        for (const route of lb.routes) {
            if (route.rateLimit && route.rateLimit.per === "second" && route.rateLimit.requests * 60 < 10) {
                problems.push(problem("loadBalancer.routes", route.rateLimit, "a rate of at least 10 requests per minute on Azure Front Door"));
            }
        }
    }
    return problems;
}
