import { ConfigProblem, problem } from "../../stacks/errors";
import { edgeProblems } from "../../components/edge";
import { awsEdge, stackWafCapacity, wafCapacityProblem } from "./edge";
import { Settings } from "../../stacks/settings";
import { sharedBuffersBound } from "../../stacks/postgres-parameters";
import { AWS_REGIONS, DATABASE_CLASSES, DB_STORAGE, FARGATE_CPUS, LOG_RETENTION_DAYS, MAX_READ_REPLICAS, SEARCH_INSTANCE_TYPES, fargateMemoryOptions, nearestFargateSizes } from "./sizes";
import { eventBridgeCron, isCron, parseCron } from "../../stacks/cron";

/** AWS-specific checks, before any resource exists: each problem names the key and what AWS accepts. */
export function validate(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const region = AWS_REGIONS[settings.aws.region];
    if (!region) {
        problems.push(problem("aws.region", settings.aws.region, `an AWS region: ${Object.keys(AWS_REGIONS).join(", ")}`));
    } else if (settings.network.zones > region.zones) {
        problems.push(problem("network.zones", settings.network.zones, `at most ${region.zones} in ${settings.aws.region} (the availability zones it offers a new account)`));
    }
    if (settings.network.zones < 2 || settings.network.zones > 3) {
        problems.push(problem("network.zones", settings.network.zones, "2 or 3 on AWS (an ALB and an RDS subnet group need subnets in at least 2 AZs)"));
    }
    const prefix = Number(settings.network.cidr.split("/")[1]);
    if (!(prefix >= 16 && prefix <= 22)) {
        problems.push(problem("network.cidr", settings.network.cidr, "a /16 to /22 block on AWS (split into 16 subnets; an ALB needs /27 or larger subnets)"));
    }
    if (!LOG_RETENTION_DAYS.includes(settings.logs.retentionDays)) {
        problems.push(problem("logs.retentionDays", settings.logs.retentionDays, `one of CloudWatch Logs' retention periods: ${LOG_RETENTION_DAYS.join(", ")}`));
    }

    settings.services.forEach((s) => {
        const key = `services.${s.name}`;
        const memory = fargateMemoryOptions(s.cpu);
        const nearest = `nearest Fargate sizes: ${nearestFargateSizes(s.cpu, s.memoryMb).join(" or ")}`;
        if (!memory) {
            problems.push(problem(`${key}.cpu`, s.cpu, `a Fargate vCPU size: ${FARGATE_CPUS.join(", ")} (${nearest})`));
        } else if (!memory.includes(s.memoryMb)) {
            problems.push(problem(`${key}.memoryMb`, s.memoryMb, `for ${s.cpu} vCPU on Fargate: ${memory[0]}-${memory[memory.length - 1]} MiB in steps of ${memory[1] - memory[0]} (${nearest})`));
        }
        if (s.replicas.max > 1000) {
            problems.push(problem(`${key}.replicas.max`, s.replicas.max, "at most 1000 tasks per ECS service"));
        }
    });

    problems.push(...validateJobs(settings));

    const db = settings.database;
    if (db) {
        const buffers = sharedBuffersBound(db.parameters.shared_buffers, DATABASE_CLASSES[db.size].memoryGb * 1024, `${DATABASE_CLASSES[db.size].instanceClass} (database.size ${db.size})`);
        if (buffers) {
            problems.push(problem("database.parameters.shared_buffers", db.parameters.shared_buffers, buffers));
        }
        if (db.storageGb < DB_STORAGE.minGb || db.storageGb > DB_STORAGE.maxGb) {
            problems.push(problem("database.storageGb", db.storageGb, `${DB_STORAGE.minGb}-${DB_STORAGE.maxGb} GiB (RDS gp3)`));
        }
        // RDS storage autoscaling needs a ceiling at least 10 % above the allocated size.
        if (db.maxStorageGb < Math.ceil(db.storageGb * 1.1) || db.maxStorageGb > DB_STORAGE.maxGb) {
            problems.push(problem("database.maxStorageGb", db.maxStorageGb, `at least 10 % above database.storageGb (${Math.ceil(db.storageGb * 1.1)}) and at most ${DB_STORAGE.maxGb} GiB`));
        }
        if (db.backupRetentionDays < 1 || db.backupRetentionDays > 35) {
            problems.push(problem("database.backupRetentionDays", db.backupRetentionDays, "1-35 days on RDS (0 would disable point-in-time recovery and read replicas)"));
        }
        if (!db.pointInTimeRecovery) {
            problems.push(problem("database.pointInTimeRecovery", db.pointInTimeRecovery, "true on AWS: RDS always offers point-in-time recovery while backups are kept"));
        }
        if (db.readReplicas > MAX_READ_REPLICAS) {
            problems.push(problem("database.readReplicas", db.readReplicas, `0-${MAX_READ_REPLICAS} read replicas per RDS PostgreSQL instance`));
        }
        if (["admin", "rdsadmin", "postgres"].includes(db.username)) {
            problems.push(problem("database.username", db.username, "a user name RDS does not reserve (not admin, rdsadmin or postgres)"));
        }
    }
    const cache = settings.cache;
    if (cache && cache.version === 8) {
        // ElastiCache offers Redis OSS up to 7.1 and Valkey 8.x (which speaks Redis 7.2): no Redis 8.
        problems.push(problem("cache.version", cache.version, "6 or 7 on AWS (ElastiCache's highest: Redis OSS 7.1, and Valkey 8.0 for 7, which speaks Redis 7.2; no Redis 8)"));
    }
    if (cache && (cache.snapshotRetentionDays < 0 || cache.snapshotRetentionDays > 35)) {
        problems.push(problem("cache.snapshotRetentionDays", cache.snapshotRetentionDays, "0-35 days of ElastiCache snapshots"));
    }
    const search = settings.search;
    if (search) {
        const type = SEARCH_INSTANCE_TYPES[search.size];
        if (search.storageGb < 10 || search.storageGb > type.maxEbsGb) {
            problems.push(problem("search.storageGb", search.storageGb, `10-${type.maxEbsGb} GiB per node for search.size ${search.size} (${type.instanceType})`));
        }
        if (search.nodes > 1 && search.nodes % 2 !== 0 && search.nodes % 3 !== 0) {
            problems.push(problem("search.nodes", search.nodes, "1, or a multiple of 2 or 3 (OpenSearch zone awareness spreads nodes evenly over 2 or 3 AZs)"));
        }
        if (search.nodes % 3 === 0 && search.nodes % 2 !== 0 && settings.network.zones < 3) {
            problems.push(problem("search.nodes", search.nodes, `an even number when network.zones is ${settings.network.zones} (3-AZ awareness needs 3 zones)`));
        }
        if (search.nodes > 80) {
            problems.push(problem("search.nodes", search.nodes, "at most 80 data nodes per OpenSearch domain"));
        }
    }
    settings.buckets.forEach((b, i) => {
        if (b.noncurrentVersionExpirationDays < 1) {
            problems.push(problem(`buckets[${i}].noncurrentVersionExpirationDays`, b.noncurrentVersionExpirationDays, "at least 1 day (S3 lifecycle)"));
        }
        if (b.abortIncompleteUploadDays < 1) {
            problems.push(problem(`buckets[${i}].abortIncompleteUploadDays`, b.abortIncompleteUploadDays, "at least 1 day (S3 lifecycle)"));
        }
    });
    const lb = settings.loadBalancer;
    if (lb) {
        if (lb.idleTimeoutSeconds < 1 || lb.idleTimeoutSeconds > 4000) {
            problems.push(problem("loadBalancer.idleTimeoutSeconds", lb.idleTimeoutSeconds, "1-4000 seconds (ALB idle timeout)"));
        }
        if (lb.routes.length > 100) {
            problems.push(problem("loadBalancer.routes", lb.routes.length, "at most 100 routes (ALB listener rule quota)"));
        }
        const hosts = new Set(lb.routes.flatMap((r) => (r.host ? [r.host] : [])));
        if (lb.domain) {
            hosts.add(lb.domain);
        }
        if (hosts.size > 10) {
            problems.push(problem("loadBalancer.routes", [...hosts], "at most 10 host names on one ACM certificate by default"));
        }
        if (!lb.domain && lb.routes.some((r) => r.host)) {
            problems.push(problem("loadBalancer.domain", lb.domain, "a domain when host routes are used (TLS for the hosts needs a certificate)"));
        }
    }
    // What this target's edge cannot honour (providers/aws/edge.ts).
    problems.push(...edgeProblems(settings, awsEdge));
    // The web ACL the load balancer registers must fit AWS WAF's capacity (providers/aws/edge.ts).
    const waf = settings.loadBalancer && wafCapacityProblem(settings.loadBalancer);
    if (waf) problems.push(problem("loadBalancer.routes", `a web ACL of ${stackWafCapacity(settings.loadBalancer!).total} WCU`, waf));
    return problems;
}

/** The longest before-deploy bound on AWS: one minute under the ceiling, for starting and stopping the task. */
export const AWS_BEFORE_DEPLOY_MAX_MINUTES = 14;

/** What AWS cannot run as configured: Fargate sizes, the Lambda ceiling of a before-deploy run, schedules EventBridge cannot express. */
export function validateJobs(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const job of settings.jobs) {
        const key = `jobs.${job.name}`;
        const memory = fargateMemoryOptions(job.cpu);
        if (!memory) {
            problems.push(problem(`${key}.cpu`, job.cpu, `a Fargate vCPU size: ${FARGATE_CPUS.join(", ")}`));
        } else if (!memory.includes(job.memoryMb)) {
            problems.push(problem(`${key}.memoryMb`, job.memoryMb, `for ${job.cpu} vCPU on Fargate: ${memory[0]}-${memory[memory.length - 1]} MiB in steps of ${memory[1] - memory[0]}`));
        }
        if (job.trigger.kind === "beforeDeploy" && job.timeoutMinutes > AWS_BEFORE_DEPLOY_MAX_MINUTES) {
            problems.push(problem(`${key}.timeoutMinutes`, job.timeoutMinutes, `at most ${AWS_BEFORE_DEPLOY_MAX_MINUTES} on AWS for run: beforeDeploy (the deploy waits for it inside a Lambda invocation, which ends after 15 minutes); run longer work on a schedule`));
        }
        if (job.trigger.kind === "schedule") {
            const parsed = parseCron(job.trigger.cron);
            if (isCron(parsed) && eventBridgeCron(parsed) === undefined) {
                problems.push(problem(`${key}.schedule`, job.trigger.cron, "on AWS, a schedule that restricts day-of-month or day-of-week, not both (EventBridge Scheduler needs '?' in one of them; cron would run on either)"));
            }
        }
    }
    return problems;
}
