import { PostgresVersion, SizeClass } from "../../stacks/settings";

/** The cloud-neutral size classes mapped to Azure SKUs, in one table. */
/**
 * `defaultMaxConnections`: what the server runs with until a restart applies a configured value
 * (Learn: Flexible Server limits, "Maximum connections"); `memoryGb`: the SKU's memory (what
 * `shared_buffers` must fit in).
 */
export const POSTGRES_SKUS: Record<SizeClass, { name: string; tier: "Burstable" | "GeneralPurpose"; defaultMaxConnections: number; memoryGb: number; vCores: number }> = {
    small: { name: "Standard_B2s", tier: "Burstable", defaultMaxConnections: 429, memoryGb: 4, vCores: 2 },
    medium: { name: "Standard_D2ds_v5", tier: "GeneralPurpose", defaultMaxConnections: 859, memoryGb: 8, vCores: 2 },
    large: { name: "Standard_D4ds_v5", tier: "GeneralPurpose", defaultMaxConnections: 1718, memoryGb: 16, vCores: 4 },
};

/**
 * Azure's default `shared_preload_libraries` per major version (Learn "Server parameters",
 * Client Connection Defaults / Shared Library Preloading, MicrosoftDocs/azure-databases-docs
 * param-<v>-client-connection-defaults-shared-library-preloading.md: 14, 15 and 16
 * `pg_cron,pg_stat_statements`, 17 `pg_stat_statements`; no pgaudit, no azure library). A server
 * the program sets the parameter on keeps these: the configuration replaces the whole list.
 */
export const POSTGRES_DEFAULT_PRELOADS: Record<PostgresVersion, readonly string[]> = {
    14: ["pg_cron", "pg_stat_statements"],
    15: ["pg_cron", "pg_stat_statements"],
    16: ["pg_cron", "pg_stat_statements"],
    17: ["pg_stat_statements"],
};

/**
 * What a new Flexible Server starts with for each static parameter the program can set, computed
 * by Azure from the SKU at provisioning (Learn "Server parameters", Azure-specific notes):
 * max_connections the "Maximum connections" table (Learn: Flexible Server limits); shared_buffers `memoryGiB * 32768` 8 kB blocks above 2 GiB (25 %);
 * wal_buffers 2048 up to 4 vCores, 16384 above; shared_preload_libraries the version's list.
 */
export function postgresDefaults(size: SizeClass, version: PostgresVersion): Record<string, string> {
    const sku = POSTGRES_SKUS[size];
    return {
        max_connections: String(sku.defaultMaxConnections),
        shared_buffers: String(sku.memoryGb * 32768),
        wal_buffers: String(sku.vCores <= 4 ? 2048 : 16384),
        shared_preload_libraries: POSTGRES_DEFAULT_PRELOADS[version].join(","),
    };
}

/**
 * Where Flexible Server's allowed values are narrower than PostgreSQL's own (DATABASE_PARAMETERS),
 * the same for versions 14 to 17 (Learn "Server parameters" tables, MicrosoftDocs/azure-databases-docs
 * param-<v>-resource-usage-memory.md and param-<v>-write-ahead-log-checkpoints.md): work_mem
 * `4096-2097151` kB, max_wal_size `32-65536` MB, min_wal_size `32-2097151` MB.
 */
export const POSTGRES_PARAMETER_RANGES: Record<string, { min: number; max: number; unit: string }> = {
    work_mem: { min: 4096, max: 2097151, unit: "kB" },
    min_wal_size: { min: 32, max: 2097151, unit: "MB" },
    max_wal_size: { min: 32, max: 65536, unit: "MB" },
};

/**
 * shared_buffers as a share of the SKU's memory: "Allowed values are inside the range of 10% - 75%
 * of available memory" (the configuration's own description, Learn "Server parameters" for
 * PostgreSQL 16, param-16-resource-usage-memory.md; the 17 table repeats only the 16-1073741823
 * range of the type, so the documented share is held for every version).
 */
export const POSTGRES_MEMORY_SHARES: Record<string, { minPercent: number; maxPercent: number; source: string }> = {
    shared_buffers: { minPercent: 10, maxPercent: 75, source: "Flexible Server's allowed range" },
};

/** Flexible Server storage comes in fixed sizes (GiB); the configured size is rounded up to one. */
export const POSTGRES_STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];

export function postgresStorageGb(requested: number): number | undefined {
    return POSTGRES_STORAGE_SIZES.find((s) => s >= requested);
}

/** Azure Managed Redis (Balanced family: memory + vCPU in a 1:4 ratio). */
export const REDIS_SKUS: Record<SizeClass, string> = {
    small: "Balanced_B0",
    medium: "Balanced_B1",
    large: "Balanced_B3",
};

/** OpenSearch node VM sizes (memory-optimised from medium up; heap = half of RAM). */
export const SEARCH_VM_SIZES: Record<SizeClass, { vmSize: string; memoryGb: number }> = {
    small: { vmSize: "Standard_B2ms", memoryGb: 8 },
    medium: { vmSize: "Standard_E4ds_v5", memoryGb: 32 },
    large: { vmSize: "Standard_E8ds_v5", memoryGb: 64 },
};

/**
 * Container Apps consumption profile: cpu from 0.25 to 4 vCPU in 0.25 steps, memory exactly
 * 2 GiB per vCPU (0.25/0.5Gi ... 4/8Gi).
 */
export function containerAppMemory(cpu: number, memoryMb: number): string | undefined {
    const quarterSteps = cpu * 4;
    if (!Number.isInteger(quarterSteps) || cpu < 0.25 || cpu > 4) {
        return undefined;
    }
    if (memoryMb !== cpu * 2048) {
        return undefined;
    }
    return `${cpu * 2}Gi`;
}

/**
 * The consumption sizes nearest to one Container Apps cannot run: the same vCPU with its memory,
 * and the vCPU whose memory is the requested one (when that is a size), each rounded to the
 * 0.25 vCPU steps and clamped to 0.25-4.
 */
export function nearestContainerAppSizes(cpu: number, memoryMb: number): string[] {
    const step = (v: number) => Math.min(4, Math.max(0.25, Math.round(v * 4) / 4));
    const byCpu = step(cpu);
    const byMemory = step(memoryMb / 2048);
    return [...new Set([byCpu, byMemory])].map((c) => `${c} vCPU / ${c * 2048} MiB`);
}

/** Log Analytics retention: 30-730 days on PerGB2018 (values below 30 are not accepted). */
export const LOG_RETENTION = { min: 30, max: 730 };

/**
 * Every Azure location this program deploys to: those offering Container Apps, PostgreSQL
 * Flexible Server, Azure Managed Redis and Key Vault (Azure "Products available by region").
 */
export const AZURE_LOCATIONS = [
    "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2", "westus3",
    "canadacentral", "canadaeast", "brazilsouth", "mexicocentral",
    "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "germanywestcentral", "switzerlandnorth",
    "norwayeast", "swedencentral", "polandcentral", "italynorth", "spaincentral",
    "uaenorth", "qatarcentral", "israelcentral", "southafricanorth",
    "centralindia", "southindia", "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral",
    "australiaeast", "australiasoutheast", "australiacentral",
] as const;
