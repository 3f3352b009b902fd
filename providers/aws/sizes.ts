import { SizeClass } from "../../stacks/settings";

/** Cloud-neutral size classes mapped to AWS instance types (Graviton where available: cheaper per vCPU). */
export const DATABASE_CLASSES: Record<SizeClass, { instanceClass: string; memoryGb: number }> = {
    small: { instanceClass: "db.t4g.small", memoryGb: 2 },
    medium: { instanceClass: "db.m7g.large", memoryGb: 8 },
    large: { instanceClass: "db.m7g.xlarge", memoryGb: 16 },
};

export const CACHE_NODE_TYPES: Record<SizeClass, string> = {
    small: "cache.t4g.micro",
    medium: "cache.m7g.large",
    large: "cache.r7g.xlarge",
};

/** OpenSearch data nodes, with the largest EBS volume each type accepts (AWS quotas page). */
export const SEARCH_INSTANCE_TYPES: Record<SizeClass, { instanceType: string; maxEbsGb: number; burstable: boolean }> = {
    small: { instanceType: "t3.small.search", maxEbsGb: 100, burstable: true },
    medium: { instanceType: "m7g.large.search", maxEbsGb: 1536, burstable: false },
    large: { instanceType: "r7g.xlarge.search", maxEbsGb: 3072, burstable: false },
};
/** Dedicated master nodes for multi-node domains (3, one per zone, so a quorum survives a zone loss). */
export const SEARCH_MASTER_TYPE = "m7g.large.search";

/** RDS PostgreSQL storage (gp3) limits, GiB. */
export const DB_STORAGE = { minGb: 20, maxGb: 65536 };
/** RDS PostgreSQL read replicas per source instance. */
export const MAX_READ_REPLICAS = 15;

/** Valid Fargate task sizes: vCPU -> memory (MiB) allowed (AWS ECS task size table). */
export function fargateMemoryOptions(cpu: number): number[] | undefined {
    const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
    switch (cpu) {
        case 0.25:
            return [512, 1024, 2048];
        case 0.5:
            return range(1024, 4096, 1024);
        case 1:
            return range(2048, 8192, 1024);
        case 2:
            return range(4096, 16384, 1024);
        case 4:
            return range(8192, 30720, 1024);
        case 8:
            return range(16384, 61440, 4096);
        case 16:
            return range(32768, 122880, 8192);
        default:
            return undefined;
    }
}
export const FARGATE_CPUS = [0.25, 0.5, 1, 2, 4, 8, 16];

/** The only retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Regions that existed before August 2022 deliver ALB access logs as a regional ELB account;
 * newer regions only accept the log-delivery service principal (ELB access-log docs).
 */
export const LEGACY_ELB_LOG_REGIONS = new Set([
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-southeast-3", "ap-south-1",
    "ap-northeast-3", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-south-1", "eu-west-3", "eu-north-1", "me-south-1", "sa-east-1",
    "us-gov-west-1", "us-gov-east-1",
]);

/** WAF rate-based rules: a count per window of 60, 120, 300 or 600 s, at least 10 (AWS WAF docs). */
export const WAF_WINDOWS = [60, 120, 300, 600] as const;
export const WAF_MIN_LIMIT = 10;
