import { Environment, SizeClass } from "./settings";

/**
 * Environment presets: the defaults for every key the stack config leaves out. dev is the
 * cheapest sane shape (single zone where possible, smallest sizes, scale to zero); prod is
 * zone-redundant with failover, ≥ 2 replicas and protection. Security is the same in both.
 */
export interface Preset {
    protect: boolean;
    zones: number;
    logRetentionDays: number;
    database: {
        size: SizeClass;
        storageGb: number;
        maxStorageGb: number;
        backupRetentionDays: number;
        highAvailability: boolean;
        deletionProtection: boolean;
        maxConnections: number;
    };
    cache: { size: SizeClass; highAvailability: boolean; persistence: boolean; snapshotRetentionDays: number };
    search: { size: SizeClass; nodes: number; storageGb: number; snapshotRetentionDays: number };
    publicReplicas: { min: number; max: number };
    workerReplicas: { min: number; max: number };
    cpu: number;
    memoryMb: number;
    bucketNoncurrentDays: number;
}

export const PRESETS: Record<Environment, Preset> = {
    dev: {
        protect: false,
        zones: 2,
        logRetentionDays: 7,
        database: {
            size: "small",
            storageGb: 20,
            maxStorageGb: 100,
            backupRetentionDays: 7,
            highAvailability: false,
            deletionProtection: false,
            maxConnections: 100,
        },
        cache: { size: "small", highAvailability: false, persistence: true, snapshotRetentionDays: 1 },
        search: { size: "small", nodes: 1, storageGb: 20, snapshotRetentionDays: 7 },
        publicReplicas: { min: 0, max: 2 },
        workerReplicas: { min: 1, max: 2 },
        cpu: 0.5,
        memoryMb: 1024,
        bucketNoncurrentDays: 7,
    },
    prod: {
        protect: true,
        zones: 3,
        logRetentionDays: 30,
        database: {
            size: "medium",
            storageGb: 100,
            maxStorageGb: 1000,
            backupRetentionDays: 30,
            highAvailability: true,
            deletionProtection: true,
            maxConnections: 200,
        },
        cache: { size: "medium", highAvailability: true, persistence: true, snapshotRetentionDays: 7 },
        search: { size: "medium", nodes: 3, storageGb: 100, snapshotRetentionDays: 30 },
        publicReplicas: { min: 2, max: 10 },
        workerReplicas: { min: 2, max: 10 },
        cpu: 1,
        memoryMb: 2048,
        bucketNoncurrentDays: 30,
    },
};

/** The smallest shape prod accepts; overriding below it is a config error, not a silent downgrade. */
export const PROD_FLOOR = {
    publicReplicasMin: 2,
    backupRetentionDays: 7,
    searchNodes: 3,
};

/** Thresholds from the deployment guides. */
export const DEFAULT_ALERT_THRESHOLDS = {
    cpuPercent: 80,
    memoryPercent: 85,
    diskPercent: 90,
    errorRatePercent: 5,
    latencyMs: 2000,
    dbConnectionsPercent: 80,
};

export const DEFAULT_REGIONS = {
    aws: "us-east-1",
    gcp: "us-central1",
    azure: "eastus",
};
