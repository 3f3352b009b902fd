import { SizeClass } from "../../stacks/settings";

/**
 * Cloud-neutral size classes mapped to AWS instance types (Graviton where available: cheaper per vCPU).
 *
 * PostgreSQL parameters on RDS (database.parameters, stacks/postgres-parameters.ts): a custom
 * parameter group takes each parameter within PostgreSQL's own range (describe-db-parameters
 * AllowedValues, e.g. shared_buffers `16-1073741823`, work_mem `64-2147483647`), which
 * DATABASE_PARAMETERS holds or narrows, for postgres14 to postgres17 alike. The default group's
 * values are formulas of the class's memory (RDS User Guide, "Working with parameters on your RDS
 * for PostgreSQL DB instance" and "Maximum number of database connections"): shared_buffers
 * `{DBInstanceClassMemory/32768}` (25 %), effective_cache_size `{DBInstanceClassMemory/16384}`
 * (50 %), max_connections `LEAST({DBInstanceClassMemory/9531392},5000)`, maintenance_work_mem
 * `GREATEST({DBInstanceClassMemory*1024/63963136},65536)`. RDS refuses no shared_buffers within
 * that range; an instance whose shared_buffers or max_connections does not fit its memory does not
 * start (same page), so shared_buffers is held to `memoryGb` (validate.ts).
 */
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

/**
 * The Fargate task sizes nearest to a size Fargate cannot run: the closest memory with the same
 * vCPU, and the closest vCPU that takes the same memory (each only when it exists), so the
 * refusal offers the two ways out (keep the CPU, or keep the memory).
 */
export function nearestFargateSizes(cpu: number, memoryMb: number): string[] {
    const closest = (values: number[], target: number) => [...values].sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b)[0];
    const out: string[] = [];
    const sameCpu = fargateMemoryOptions(cpu);
    if (sameCpu) out.push(`${cpu} vCPU / ${closest(sameCpu, memoryMb)} MiB`);
    const cpusForMemory = FARGATE_CPUS.filter((c) => fargateMemoryOptions(c)!.includes(memoryMb));
    if (cpusForMemory.length > 0) out.push(`${closest(cpusForMemory, cpu)} vCPU / ${memoryMb} MiB`);
    if (out.length === 0) {
        const c = closest(FARGATE_CPUS, cpu);
        out.push(`${c} vCPU / ${closest(fargateMemoryOptions(c)!, memoryMb)} MiB`);
    }
    return [...new Set(out)];
}

/** The only retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Every AWS region this program deploys to, with the availability zones a new account can use
 * there (AWS "Regions and Availability Zones"; us-west-1 offers new accounts only 2). A region
 * launched after August 2022 is opt-in: the account must enable it once (Account console ->
 * Regions) before `pulumi up`. GovCloud (partition aws-us-gov) takes its own account; China
 * (aws-cn) is not offered: its ELB, ACM and WAF differ.
 */
export const AWS_REGIONS: Record<string, { zones: number; optIn?: true }> = {
    "us-east-1": { zones: 6 }, "us-east-2": { zones: 3 }, "us-west-1": { zones: 2 }, "us-west-2": { zones: 4 },
    "ca-central-1": { zones: 3 }, "ca-west-1": { zones: 3, optIn: true }, "mx-central-1": { zones: 3, optIn: true },
    "sa-east-1": { zones: 3 },
    "eu-central-1": { zones: 3 }, "eu-central-2": { zones: 3, optIn: true }, "eu-west-1": { zones: 3 }, "eu-west-2": { zones: 3 },
    "eu-west-3": { zones: 3 }, "eu-north-1": { zones: 3 }, "eu-south-1": { zones: 3, optIn: true }, "eu-south-2": { zones: 3, optIn: true },
    "il-central-1": { zones: 3, optIn: true }, "me-south-1": { zones: 3, optIn: true }, "me-central-1": { zones: 3, optIn: true },
    "af-south-1": { zones: 3, optIn: true },
    "ap-east-1": { zones: 3, optIn: true }, "ap-east-2": { zones: 3, optIn: true }, "ap-south-1": { zones: 3 }, "ap-south-2": { zones: 3, optIn: true },
    "ap-northeast-1": { zones: 3 }, "ap-northeast-2": { zones: 4 }, "ap-northeast-3": { zones: 3 },
    "ap-southeast-1": { zones: 3 }, "ap-southeast-2": { zones: 3 }, "ap-southeast-3": { zones: 3, optIn: true },
    "ap-southeast-4": { zones: 3, optIn: true }, "ap-southeast-5": { zones: 3, optIn: true }, "ap-southeast-6": { zones: 3, optIn: true },
    "ap-southeast-7": { zones: 3, optIn: true },
    "us-gov-west-1": { zones: 3 }, "us-gov-east-1": { zones: 3 },
};

/**
 * The regional ELB account each legacy region delivers ALB access logs from: what
 * `aws.elb.getServiceAccount` answers (ELB docs "Enable access logs for your Application Load
 * Balancer", step 2; the same table as terraform-provider-aws `elb_service_account_data_source`).
 */
export const ELB_LOG_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864", "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062",
    "me-south-1": "076674570225", "sa-east-1": "507241528517", "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
};

/**
 * Regions that existed before August 2022 deliver ALB access logs as a regional ELB account;
 * newer regions only accept the log-delivery service principal (ELB access-log docs).
 */
export const LEGACY_ELB_LOG_REGIONS: ReadonlySet<string> = new Set(Object.keys(ELB_LOG_ACCOUNTS));

/** The ARN partition of a region. */
export function partitionOf(region: string): "aws" | "aws-us-gov" {
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** WAF rate-based rules: a count per window of 60, 120, 300 or 600 s, at least 10 (AWS WAF docs). */
export const WAF_WINDOWS = [60, 120, 300, 600] as const;
export const WAF_MIN_LIMIT = 10;
