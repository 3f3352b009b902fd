import { PostgresVersion, RedisVersion, SizeClass } from "../../stacks/settings";

/** The one table mapping cloud-neutral size classes and versions to GCP offerings. */

/** Cloud SQL Enterprise-edition custom tiers (dedicated cores, covered by the SLA). */
export const SQL_TIERS: Record<SizeClass, { tier: string; memoryMb: number }> = {
    small: { tier: "db-custom-1-3840", memoryMb: 3840 },
    medium: { tier: "db-custom-2-7680", memoryMb: 7680 },
    large: { tier: "db-custom-4-15360", memoryMb: 15360 },
};

/**
 * Cloud SQL's ranges for memory flags that are a share of the tier's memory (8 kB blocks). Source:
 * Cloud SQL for PostgreSQL "Configure database flags", supported flags table, effective_cache_size:
 * "The size range is from 10% - 70% of the instance's memory" (unit 8 KB; read through a public
 * tuning note that quotes the table, the page itself is not in the searchable index). shared_buffers
 * is held to the tier's memory (sharedBuffersBound): its own Cloud SQL ceiling was not found in a
 * citable source, so Cloud SQL's API (invalidFlagValue) is the last check there. work_mem and
 * maintenance_work_mem have fixed ranges, not per-tier ones (DATABASE_PARAMETERS).
 */
export const SQL_MEMORY_SHARES: Record<string, { minPercent: number; maxPercent: number; source: string }> = {
    effective_cache_size: { minPercent: 10, maxPercent: 70, source: "Cloud SQL's flag range" },
};

export const SQL_VERSIONS: Record<PostgresVersion, string> = {
    14: "POSTGRES_14",
    15: "POSTGRES_15",
    16: "POSTGRES_16",
    17: "POSTGRES_17",
};

/** Memorystore capacity in GB per size class. */
export const REDIS_MEMORY_GB: Record<SizeClass, number> = { small: 1, medium: 5, large: 16 };

/** Memorystore for Redis versions (REDIS_6_X is still offered; TLS on 6.x caps connections). */
// Memorystore for Redis stops at 7.2 (no Redis 8; Memorystore for Valkey is another product).
export const REDIS_VERSIONS: Partial<Record<RedisVersion, string>> = { 6: "REDIS_6_X", 7: "REDIS_7_2" };

/** Compute Engine machines for self-managed OpenSearch nodes; the JVM heap gets half the RAM. */
export const SEARCH_MACHINES: Record<SizeClass, { machineType: string; memoryMb: number; diskType: string }> = {
    small: { machineType: "e2-standard-2", memoryMb: 8192, diskType: "pd-balanced" },
    medium: { machineType: "e2-standard-4", memoryMb: 16384, diskType: "pd-ssd" },
    large: { machineType: "n2-standard-8", memoryMb: 32768, diskType: "pd-ssd" },
};

/** Cloud Run whole-vCPU values (fractions 0.08-<1 are also accepted, with restrictions). */
export const RUN_WHOLE_CPUS = [1, 2, 4, 6, 8];

/** Minimum vCPU Cloud Run requires for a memory limit (MiB). */
export function runMinCpuForMemory(memoryMb: number): number {
    if (memoryMb > 24576) return 8;
    if (memoryMb > 16384) return 6;
    if (memoryMb > 8192) return 4;
    if (memoryMb > 4096) return 2;
    if (memoryMb > 1024) return 1;
    if (memoryMb > 512) return 0.5;
    return 0.08;
}

/** Cloud Run limits: memory 128 MiB (gen1, used below 1 vCPU) / 512 MiB (gen2) to 32 GiB. */
export const RUN_MEMORY_MAX_MB = 32768;
export function runMemoryMinMb(cpu: number): number {
    return cpu < 1 ? 128 : 512;
}

/**
 * Every GCP region this program deploys to: those offering Cloud Run (services and worker
 * pools), Cloud SQL for PostgreSQL, Memorystore for Redis, Secret Manager and Compute Engine
 * (Cloud Run "Cloud Run locations"; Cloud SQL and Memorystore locations pages).
 */
export const GCP_REGIONS = [
    "africa-south1",
    "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1", "asia-south2",
    "asia-southeast1", "asia-southeast2",
    "australia-southeast1", "australia-southeast2",
    "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west2", "europe-west3",
    "europe-west4", "europe-west6", "europe-west8", "europe-west9", "europe-west10", "europe-west12",
    "me-central1", "me-central2", "me-west1",
    "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
    "southamerica-east1", "southamerica-west1",
    "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
] as const;
