import * as pulumi from "@pulumi/pulumi";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";
import { CacheArgs, CacheOutputs, ChildOptions } from "../../components/backend";
import { MaxmemoryPolicy } from "../../stacks/settings";
import { diagnostics, metricAlerts } from "./alerts";
import { AzureContext } from "./context";
import { CREATE_ONLY_NAME, RULES } from "./naming";
import { ZONES } from "./network";
import { REDIS_SKUS } from "./sizes";

/** maxmemory-policy values in Azure Managed Redis' spelling. */
export const EVICTION_POLICIES: Record<MaxmemoryPolicy, string> = {
    "allkeys-lru": "AllKeysLRU",
    "allkeys-lfu": "AllKeysLFU",
    "allkeys-random": "AllKeysRandom",
    "volatile-lru": "VolatileLRU",
    "volatile-lfu": "VolatileLFU",
    "volatile-random": "VolatileRandom",
    "volatile-ttl": "VolatileTTL",
    noeviction: "NoEviction",
};

/** Azure Managed Redis' single TLS port for the (non-clustered) Enterprise policy. */
const REDIS_PORT = 10000;

/**
 * Azure Managed Redis (the successor of Azure Cache for Redis): no public network access, a
 * private endpoint with its private DNS zone, TLS only, the configured eviction policy, HA and
 * RDB persistence when configured. Auth uses access keys (REDIS_PASSWORD), read with the
 * listDatabaseKeys invoke, because the guides' apps authenticate with a password; Entra ID would
 * need token refresh in every client.
 */
export function createCache(ctx: AzureContext, name: string, args: CacheArgs, opts: ChildOptions): CacheOutputs {
    const parent = opts.parent;
    const platform = ctx.requirePlatform();
    const rg = ctx.rgName;
    const protect = ctx.settings.protect;

    const cluster = new redisenterprise.RedisEnterprise(
        `${name}-redis`,
        {
            clusterName: ctx.globalName("redis", RULES.redis),
            resourceGroupName: rg,
            location: ctx.location,
            sku: { name: REDIS_SKUS[args.size] },
            highAvailability: args.highAvailability ? "Enabled" : "Disabled",
            minimumTlsVersion: "1.2",
            publicNetworkAccess: "Disabled",
            tags: ctx.tags,
        },
        ctx.opts(parent, { protect, ignoreChanges: CREATE_ONLY_NAME.redis, customTimeouts: { create: "60m", update: "60m", delete: "60m" } }),
    );
    const database = new redisenterprise.Database(
        `${name}-db`,
        {
            databaseName: "default",
            clusterName: cluster.name,
            resourceGroupName: rg,
            clientProtocol: "Encrypted",
            port: REDIS_PORT,
            // One endpoint that any Redis client can use (OSS cluster mode needs cluster-aware clients).
            clusteringPolicy: "EnterpriseCluster",
            evictionPolicy: EVICTION_POLICIES[args.maxmemoryPolicy],
            accessKeysAuthentication: "Enabled",
            persistence: args.persistence ? { rdbEnabled: true, rdbFrequency: "1h" } : { rdbEnabled: false, aofEnabled: false },
        },
        ctx.opts(parent, { protect }),
    );
    ctx.privateEndpoint(`${name}-redis`, cluster.id, "redisEnterprise", ZONES.redis, parent);

    const keys = redisenterprise.listDatabaseKeysOutput({ clusterName: cluster.name, databaseName: database.name, resourceGroupName: rg }, ctx.invokeOpts(parent));
    const password = pulumi.secret(keys.apply((k) => k.primaryKey));

    const { alerts } = ctx.settings;
    metricAlerts(
        ctx,
        name,
        cluster.id,
        [
            { key: "cpu", metricName: "percentProcessorTime", operator: "GreaterThan", threshold: alerts.cpuPercent, aggregation: "Maximum", description: `Redis CPU above ${alerts.cpuPercent}%` },
            { key: "memory", metricName: "usedmemorypercentage", operator: "GreaterThan", threshold: alerts.memoryPercent, aggregation: "Maximum", description: `Redis memory above ${alerts.memoryPercent}%` },
        ],
        parent,
    );
    diagnostics(ctx, name, cluster.id, platform.workspace.id, parent, false);

    return { host: cluster.hostName, port: pulumi.output(REDIS_PORT), password, tls: true };
}
