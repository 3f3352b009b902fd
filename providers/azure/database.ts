import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { ChildOptions, DatabaseArgs, DatabaseOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { diagnostics, metricAlerts } from "./alerts";
import { AzureContext } from "./context";
import { CREATE_ONLY_NAME, RULES } from "./naming";
import { postgresZoneName } from "./network";
import { postgresStorageGb, POSTGRES_SKUS } from "./sizes";

/** The server parameters the program always sets, on top of args.parameters. */
/**
 * What a server keeps from its creation. Autogrow raises `storage.storageSizeGB` and Azure refuses
 * to shrink it back (Learn: flexible server storage), so the configured size is the initial one.
 * `availabilityZone` and `backup.geoRedundantBackup` are create-only (Servers.json
 * x-ms-mutability, API 2025-08-01): a change of `network.zones` or `highAvailability` must not
 * replace the server.
 */
const DAY_TWO_IGNORED = ["storage.storageSizeGB", "availabilityZone", "backup.geoRedundantBackup"];

/** The max_connections the connections alarm assumes (see the alert below). */
export function connectionsInForce(args: DatabaseArgs): number {
    return Math.min(Number(args.parameters.max_connections), POSTGRES_SKUS[args.size].defaultMaxConnections);
}

export function serverParameters(args: DatabaseArgs): Record<string, string> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(args.parameters)) {
        params[key] = String(value);
    }
    // TLS on every connection (sslMode "require" in the contract).
    params.require_secure_transport = "on";
    if (args.extensions.length > 0) {
        // Flexible Server only lets CREATE EXTENSION run for allow-listed extensions.
        params["azure.extensions"] = args.extensions.map((e) => e.toUpperCase()).join(",");
    }
    return params;
}

/**
 * PostgreSQL Flexible Server with private access only (delegated subnet + private DNS zone),
 * every logical database, the parameters, zone-redundant HA and geo-redundant backups when
 * configured, and read replicas. CREATE EXTENSION runs per database in an init container of
 * each service that uses the database (see container-service.ts): it needs a connection from
 * inside the VNet, which Pulumi on a runner outside it does not have.
 */
export function createDatabase(ctx: AzureContext, name: string, args: DatabaseArgs, opts: ChildOptions): DatabaseOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const platform = ctx.requirePlatform();
    const rg = ctx.rgName;
    const zone = net.zones[postgresZoneName(ctx)];
    if (!net.postgres || !zone) {
        throw new Error("azure backend: the network was created without a database subnet");
    }
    const zonal = ctx.settings.network.zones > 1;
    const sku = POSTGRES_SKUS[args.size];
    const storageGb = postgresStorageGb(args.storageGb)!;
    // Azure rejects some punctuation in admin passwords and URLs need escaping; letters and digits suffice at 32.
    const password = generatedPassword(`${name}-admin-password`, { length: 32, special: false }, { parent });
    const networkArgs = {
        delegatedSubnetResourceId: net.postgres.id,
        privateDnsZoneArmResourceId: zone.id,
        publicNetworkAccess: "Disabled",
    };

    const server = new dbforpostgresql.Server(
        `${name}-server`,
        {
            serverName: ctx.globalName("pg", RULES.postgres),
            resourceGroupName: rg,
            location: ctx.location,
            version: String(args.version),
            administratorLogin: args.username,
            administratorLoginPassword: password,
            sku: { name: sku.name, tier: sku.tier },
            // Autogrow has no upper bound on Azure; the storage alert on bytes used against maxStorageGb stands in for one.
            storage: { storageSizeGB: storageGb, autoGrow: "Enabled" },
            backup: {
                backupRetentionDays: args.backupRetentionDays,
                // Create-only (Servers.json x-ms-mutability): it follows the environment, which never
                // changes, not highAvailability, which a day-2 change may turn on.
                geoRedundantBackup: ctx.settings.environment === "prod" ? "Enabled" : "Disabled",
            },
            highAvailability: args.highAvailability
                ? { mode: zonal ? "ZoneRedundant" : "SameZone", standbyAvailabilityZone: zonal ? "2" : undefined }
                : { mode: "Disabled" },
            availabilityZone: zonal ? "1" : undefined,
            network: networkArgs,
            authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
            maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 0 },
            tags: ctx.tags,
        },
        ctx.opts(parent, {
            protect: ctx.settings.protect || args.deletionProtection,
            ignoreChanges: [...CREATE_ONLY_NAME.postgres, ...DAY_TWO_IGNORED],
            dependsOn: [zone.link],
            customTimeouts: { create: "60m", update: "60m", delete: "60m" },
            // The password lives in state (secret); rotating it is a deliberate change of the RandomPassword.
        }),
    );

    // Parameter updates right after creation fail with ServerIsBusy: apply them one by one.
    let previous: pulumi.Resource = server;
    for (const [key, value] of Object.entries(serverParameters(args))) {
        previous = new dbforpostgresql.Configuration(
            `${name}-param-${key.replace(/[^a-z0-9]+/gi, "-")}`,
            { configurationName: key, serverName: server.name, resourceGroupName: rg, value, source: "user-override" },
            ctx.opts(parent, { dependsOn: [previous] }),
        );
    }
    for (const db of args.databases) {
        previous = new dbforpostgresql.Database(
            `${name}-db-${db}`,
            { databaseName: db, serverName: server.name, resourceGroupName: rg, charset: "UTF8", collation: "en_US.utf8" },
            ctx.stateful(parent, { protect: ctx.settings.protect || args.deletionProtection, dependsOn: [previous] }),
        );
    }

    const replicas: dbforpostgresql.Server[] = [];
    for (let i = 0; i < args.readReplicas; i++) {
        replicas.push(
            new dbforpostgresql.Server(
                `${name}-replica-${i + 1}`,
                {
                    serverName: ctx.globalName(`pg-replica-${i + 1}`, RULES.postgres),
                    resourceGroupName: rg,
                    location: ctx.location,
                    createMode: "Replica",
                    sourceServerResourceId: server.id,
                    sku: { name: sku.name, tier: sku.tier },
                    storage: { storageSizeGB: storageGb, autoGrow: "Enabled" },
                    availabilityZone: zonal ? String(((i + 1) % 3) + 1) : undefined,
                    network: networkArgs,
                    tags: ctx.tags,
                },
                ctx.stateful(parent, { ignoreChanges: [...CREATE_ONLY_NAME.postgres, ...DAY_TWO_IGNORED], dependsOn: [previous], customTimeouts: { create: "60m", update: "60m", delete: "60m" } }),
            ),
        );
    }

    const { alerts } = ctx.settings;
    metricAlerts(
        ctx,
        name,
        server.id,
        [
            { key: "cpu", metricName: "cpu_percent", operator: "GreaterThan", threshold: alerts.cpuPercent, aggregation: "Average", description: `PostgreSQL CPU above ${alerts.cpuPercent}%` },
            { key: "memory", metricName: "memory_percent", operator: "GreaterThan", threshold: alerts.memoryPercent, aggregation: "Average", description: `PostgreSQL memory above ${alerts.memoryPercent}%` },
            // Autogrow enlarges the disk before it fills (at 20 % free, or 64 GiB above 1 TiB: Azure docs
            // "storage autogrow"), so storage_percent never reaches a high threshold. What the
            // operator must act on is the data approaching maxStorageGb: storage_used is bytes.
            {
                key: "storage",
                metricName: "storage_used",
                operator: "GreaterThan",
                threshold: Math.round((alerts.diskPercent / 100) * args.maxStorageGb * 1024 ** 3),
                aggregation: "Maximum",
                description: `PostgreSQL data above ${alerts.diskPercent}% of maxStorageGb (${args.maxStorageGb} GiB)`,
            },
            // max_connections is static: Flexible Server saves a new value and applies it only at the
            // next server restart, which this program cannot do (a restart is an ARM action, and the
            // deploy identity assigns no role that could grant it: README "First deploy: Azure").
            // Until then the server runs with the SKU's default or an earlier value, so the alarm
            // measures against the lower of the configured value and the SKU default: it may
            // fire early, never late.
            {
                key: "connections",
                metricName: "active_connections",
                operator: "GreaterThan",
                threshold: Math.floor((connectionsInForce(args) * alerts.dbConnectionsPercent) / 100),
                aggregation: "Maximum",
                description: `PostgreSQL connections above ${alerts.dbConnectionsPercent}% of ${connectionsInForce(args)} (the lower of max_connections ${args.parameters.max_connections} and the ${sku.name} default ${sku.defaultMaxConnections}: a new max_connections applies only after a server restart)`,
            },
        ],
        parent,
    );
    diagnostics(ctx, name, server.id, platform.workspace.id, parent);

    return {
        host: server.fullyQualifiedDomainName,
        port: pulumi.output(5432),
        username: pulumi.output(args.username),
        password,
        sslMode: "require",
        readReplicaHosts: pulumi.all(replicas.map((r) => r.fullyQualifiedDomainName)),
    };
}
