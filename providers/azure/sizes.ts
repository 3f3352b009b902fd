import { SizeClass } from "../../stacks/settings";

/** The cloud-neutral size classes mapped to Azure SKUs, in one table. */
/**
 * `defaultMaxConnections`: what the server runs with until a restart applies a configured value
 * (Learn: Flexible Server limits, "Maximum connections"); `memoryGb`: the SKU's memory (what
 * `shared_buffers` must fit in).
 */
export const POSTGRES_SKUS: Record<SizeClass, { name: string; tier: "Burstable" | "GeneralPurpose"; defaultMaxConnections: number; memoryGb: number }> = {
    small: { name: "Standard_B2s", tier: "Burstable", defaultMaxConnections: 429, memoryGb: 4 },
    medium: { name: "Standard_D2ds_v5", tier: "GeneralPurpose", defaultMaxConnections: 859, memoryGb: 8 },
    large: { name: "Standard_D4ds_v5", tier: "GeneralPurpose", defaultMaxConnections: 1718, memoryGb: 16 },
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
