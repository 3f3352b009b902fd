import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as elasticache from "@pulumi/aws/elasticache";
import { CacheArgs, CacheOutputs, ChildOptions } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { RedisVersion } from "../../stacks/settings";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { finalSnapshotName } from "./naming";
import { PORTS } from "./network";
import { CACHE_NODE_TYPES } from "./sizes";

/**
 * Redis 7 maps to Valkey 8.0: the Redis OSS 7.2 protocol and commands, AUTH tokens and TLS,
 * about 20 % cheaper per node on ElastiCache, and AWS's supported line after Redis OSS 7.1.
 * Redis 6 stays on the Redis OSS 6.2 engine for apps that pin it.
 */
export function cacheEngine(version: RedisVersion): { engine: "valkey" | "redis"; engineVersion: string; family: string } {
    return version === 7 ? { engine: "valkey", engineVersion: "8.0", family: "valkey8" } : { engine: "redis", engineVersion: "6.2", family: "redis6.x" };
}

/** The shortest snapshot retention kept when snapshots are on (backups-retained). */
const MIN_SNAPSHOT_DAYS = 7;

/** ElastiCache AUTH tokens: 16-128 printable characters, specials limited to `!&#$^<>-`. */
export const AUTH_TOKEN_SPECIAL = "!&#$^<>-";

export function createCache(ctx: AwsContext, name: string, args: CacheArgs, opts: ChildOptions): CacheOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const { engine, engineVersion, family } = cacheEngine(args.version);
    const id = ctx.naming.cacheId(name);
    const authToken = generatedPassword(`${name}-auth-token`, { length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIAL }, { parent });

    const subnets = new elasticache.SubnetGroup(`${name}-subnets`, { name: ctx.naming.cacheId(`${name}-subnets`), description: "private subnets", subnetIds: net.privateSubnetIds }, ctx.opts(parent));
    const params = new elasticache.ParameterGroup(
        `${name}-params`,
        { name: ctx.naming.cacheId(`${name}-${family.replace(/\./g, "")}`), family, description: "eviction policy", parameters: [{ name: "maxmemory-policy", value: args.maxmemoryPolicy }] },
        ctx.opts(parent),
    );
    const slowLog = new cloudwatch.LogGroup(`${name}-slow-log`, { name: ctx.naming.logGroup(`${name}-slow-log`), retentionInDays: ctx.settings.logs.retentionDays }, ctx.opts(parent));

    // Failover needs a replica in another AZ; without HA one node keeps dev cheap.
    const nodes = args.highAvailability ? 2 : 1;
    // ElastiCache persistence is snapshots (no AOF on Multi-AZ groups), and its snapshots are backups:
    // when any are kept, they are kept for the 7 days the backups-retained guardrail asks of backups.
    const snapshotDays = args.persistence || args.snapshotRetentionDays > 0 ? Math.max(MIN_SNAPSHOT_DAYS, args.snapshotRetentionDays) : 0;
    const group = new elasticache.ReplicationGroup(
        `${name}-redis`,
        {
            replicationGroupId: id,
            description: `anycloud ${ctx.settings.stack} cache`,
            engine,
            engineVersion,
            nodeType: CACHE_NODE_TYPES[args.size],
            numCacheClusters: nodes,
            automaticFailoverEnabled: args.highAvailability,
            multiAzEnabled: args.highAvailability,
            port: PORTS.redis,
            parameterGroupName: params.name,
            subnetGroupName: subnets.name,
            securityGroupIds: [net.cacheSecurityGroup!.id],
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            // Only Redis OSS 7.0.5+ and Valkey know the mode; Redis 6.2 rejects it
            // (InvalidParameterCombination, cloudposse/terraform-aws-elasticache-redis#231).
            transitEncryptionMode: args.version === 7 ? "required" : undefined,
            authToken,
            snapshotRetentionLimit: snapshotDays,
            snapshotWindow: "02:00-03:00",
            maintenanceWindow: "sun:05:30-sun:06:30",
            finalSnapshotIdentifier: ctx.settings.protect ? finalSnapshotName(id, parent) : undefined,
            autoMinorVersionUpgrade: true,
            applyImmediately: !ctx.prod,
            logDeliveryConfigurations: [{ destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" }],
        },
        ctx.dataOpts(parent, { customTimeouts: { create: "60m", update: "60m", delete: "40m" } }),
    );

    const alerts = ctx.settings.alerts;
    // Member ids are deterministic (`<group>-001`, ...), so alarms need not wait for the group.
    for (let i = 1; i <= nodes; i++) {
        const member = `${id}-${String(i).padStart(3, "0")}`;
        alarm(ctx, `${name}-cpu-${i}`, { namespace: "AWS/ElastiCache", metricName: "EngineCPUUtilization", dimensions: { CacheClusterId: member }, statistic: "Average", period: 300, evaluationPeriods: 2, threshold: alerts.cpuPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: `cache node ${member} CPU` }, parent);
        alarm(ctx, `${name}-memory-${i}`, { namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage", dimensions: { CacheClusterId: member }, statistic: "Average", period: 300, evaluationPeriods: 2, threshold: alerts.memoryPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: `cache node ${member} memory` }, parent);
    }

    return { host: group.primaryEndpointAddress, port: pulumi.output(PORTS.redis), password: authToken, tls: true };
}
