import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as elasticache from "@pulumi/aws/elasticache";
import { CacheArgs, CacheOutputs, ChildOptions } from "../../components/backend";
import { recreateProblem } from "../../components/cache";
import { generatedPassword } from "../../components/secrets";
import { ConfigError, ConfigProblem } from "../../stacks/errors";
import { RedisVersion } from "../../stacks/settings";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { finalSnapshotName } from "./naming";
import { PORTS } from "./network";
import { elastiCacheEngineReplaces, elastiCacheVersionDown, engineVersionParts } from "./replace-forcing";
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
    const { engine, family } = cacheEngine(args.version);
    const id = ctx.naming.cacheId(name);
    const authToken = generatedPassword(`${name}-auth-token`, { length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIAL }, { parent });

    const subnets = new elasticache.SubnetGroup(`${name}-subnets`, { name: ctx.naming.cacheId(`${name}-subnets`), description: "private subnets", subnetIds: net.privateSubnetIds }, ctx.opts(parent));
    // One group per engine family, under its own logical name (like RDS's in database.ts): a
    // version change creates the new family's group, moves the replication group to it, and only
    // then deletes the old one, which one logical group would replace delete-first (its name is
    // explicit) while the replication group still uses it. The alias keeps stacks created with
    // the single `-params` group from replacing it.
    const params = new elasticache.ParameterGroup(
        `${name}-params-${family.replace(/\./g, "")}`,
        { name: ctx.naming.cacheId(`${name}-${family.replace(/\./g, "")}`), family, description: "eviction policy", parameters: [{ name: "maxmemory-policy", value: args.maxmemoryPolicy }] },
        ctx.opts(parent, { aliases: [{ name: `${name}-params` }] }),
    );
    const checked = checkedAgainstElastiCache(ctx, id, args, parent);
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
            // Checked against what runs: a change of engine other than Redis OSS → Valkey, or a
            // lower version, re-creates the group (empty, at a new address); refused unless
            // cache.allowRecreate. A newer minor ElastiCache applied itself is kept.
            engineVersion: checked.apply((c) => c.engineVersion),
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

/** What ElastiCache runs: the engine and exact version of a member of the group. */
export interface RunningCache {
    engine: string;
    engineVersion: string;
}

const AWS_CACHE_VERSIONS = [6, 7] as const;

/**
 * The engine version to send, and the problems of the configured `cache.version` against the
 * group ElastiCache runs under this id (undefined: none yet, so anything goes). The provider
 * re-creates the group for any engine change but Redis OSS → Valkey and for a lower
 * major.minor (terraform-provider-aws internal/service/elasticache/engine_version.go
 * customizeDiffEngineForceNewOnDowngrade, customizeDiffEngineVersionForceNewOnDowngrade): so
 * `cache.version` 7 → 6 (Valkey 8.0 → Redis OSS 6.2) replaces the cache with an empty one at a
 * new address, deleted first (the id is explicit). Refused unless `cache.allowRecreate`. A newer
 * minor of the same engine and major (an auto minor version upgrade, e.g. Valkey 8.0 → 8.1) is
 * what is sent: asking for 8.0 again would read as a downgrade and re-create the group.
 */
export function elastiCacheCheck(args: Pick<CacheArgs, "version" | "allowRecreate">, running: RunningCache | undefined, group: string): { engineVersion: string; problems: ConfigProblem[] } {
    const want = cacheEngine(args.version);
    if (!running) return { engineVersion: want.engineVersion, problems: [] };
    const have = engineVersionParts(running.engineVersion);
    /** The version to send for a configured engine: the running minor where it is newer within the same major. */
    const toSend = (w: { engine: string; engineVersion: string }) => {
        const asked = engineVersionParts(w.engineVersion);
        return running.engine === w.engine && have && asked && have[0] === asked[0] && have[1] > asked[1] ? `${have[0]}.${have[1]}` : w.engineVersion;
    };
    const replaces = (w: { engine: string; engineVersion: string }) => elastiCacheEngineReplaces(running.engine, w.engine) || (running.engine === w.engine && elastiCacheVersionDown(running.engineVersion, toSend(w)));
    if (!replaces(want) || args.allowRecreate) return { engineVersion: toSend(want), problems: [] };
    const keep = AWS_CACHE_VERSIONS.filter((v) => !replaces(cacheEngine(v)));
    const runs = `${running.engine === "valkey" ? "Valkey" : "Redis OSS"} ${running.engineVersion}`;
    const why = `the ElastiCache group ${group} runs ${runs}; ElastiCache upgrades in place, Redis OSS to Valkey included, but never goes back to a lower version or from Valkey to Redis OSS`;
    return { engineVersion: want.engineVersion, problems: [recreateProblem("cache.version", args.version, keep.length > 0 ? keep.join(" or ") : "a version not below the running one", why, false)!] };
}

/**
 * ElastiCache's answer for the group of this id, or undefined when there is none: the data
 * source fails with "no matching ElastiCache Replication Group found" on ReplicationGroupNotFoundFault
 * (tfresource.SingularDataSourceFindError); any other failure (permission, API) ends the run. The
 * group's answer has no engine version; a member cache cluster's has it.
 */
async function runningCache(ctx: AwsContext, group: string, parent: pulumi.Resource): Promise<RunningCache | undefined> {
    let members: string[];
    try {
        members = (await elasticache.getReplicationGroup({ replicationGroupId: group }, { provider: ctx.provider, parent })).memberClusters;
    } catch (e) {
        if (/no matching ElastiCache Replication Group found|ReplicationGroupNotFoundFault/.test(String(e instanceof Error ? e.message : e))) return undefined;
        throw e;
    }
    const member = await elasticache.getCluster({ clusterId: [...members].sort()[0] }, { provider: ctx.provider, parent });
    return { engine: member.engine, engineVersion: member.engineVersion };
}

/**
 * The engine version to send, once ElastiCache's answer for the running group allows the
 * configured `cache.version` (the same look-up as the RDS check in database.ts: config alone
 * cannot tell a change from a first create). A refusal is one config error, in the preview,
 * before the group is sent.
 */
function checkedAgainstElastiCache(ctx: AwsContext, group: string, args: CacheArgs, parent: pulumi.Resource): pulumi.Output<{ engineVersion: string }> {
    return pulumi.output(group).apply(async (id) => {
        const { engineVersion, problems } = elastiCacheCheck(args, await runningCache(ctx, id, parent), id);
        if (problems.length > 0) {
            throw new ConfigError(problems);
        }
        return { engineVersion };
    });
}
