import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import type * as inputs from "@pulumi/azure-native/types/input";
import { ChildOptions, DatabaseArgs, DatabaseOutputs } from "../../components/backend";
import { ALPINE_CA_BUNDLE, DB_INIT_RETRY, psqlInitScript, rolePasswordVariable, scramVerifier, waitForPostgres } from "../../components/database-init";
import { SERVER_REPLACED, usernameProblem } from "../../components/database";
import { ConfigError } from "../../stacks/errors";
import { DATABASE_PARAMETERS } from "../../stacks/postgres-parameters";
import { generatedPassword } from "../../components/secrets";
import { diagnostics, metricAlerts } from "./alerts";
import { azureServerCa, storeDatabaseCa } from "./database-ca";
import { grantsSettled, secretRefName, settledGrants } from "./container-service";
import { AzureContext, DATABASE_INIT_WORKLOAD } from "./context";
import { awaitedRun, deploymentScript, logQuery } from "./job";
import { CREATE_ONLY_NAME, RULES } from "./naming";
import { postgresZoneName } from "./network";
import { postgresClientImage } from "./registry-mirror";
import { postgresDefaults, postgresStorageGb, POSTGRES_DEFAULT_PRELOADS, POSTGRES_SKUS } from "./sizes";

/** The server parameters the program always sets, on top of args.parameters. */
/**
 * What a server keeps from its creation. Autogrow raises `storage.storageSizeGB` and Azure refuses
 * to shrink it back (Learn: flexible server storage), so the configured size is the initial one.
 * `availabilityZone` and `backup.geoRedundantBackup` are create-only (Servers.json
 * x-ms-mutability, API 2025-08-01): a change of `network.zones` or `highAvailability` must not
 * replace the server.
 */
const DAY_TWO_IGNORED = ["storage.storageSizeGB", "availabilityZone", "backup.geoRedundantBackup"];

/** What ARM holds for one parameter of the running server (configurations GET). */
export interface RunningParameter {
    value: string;
    /** `isConfigPendingRestart`: saved, not yet in force. */
    pendingRestart: boolean;
}

/**
 * The parameters of `serverParameters` that are static on Flexible Server: PostgreSQL reads them
 * only at start, and ARM saves a new value with `isConfigPendingRestart: true` until the server
 * restarts (configurations API: `isDynamicConfig` false; Learn "Server parameters": static ones
 * "require a server restart to implement any changes"). They are the ones PostgreSQL itself
 * reads only at start (DATABASE_PARAMETERS `restart`); the ones the program adds
 * (require_secure_transport, password_encryption, azure.accepted_password_auth_method,
 * azure.extensions) are dynamic.
 */
export function staticParameterKeys(params: Record<string, string>): string[] {
    return Object.keys(params)
        .filter((key) => DATABASE_PARAMETERS[key]?.restart)
        .sort();
}

/** A value as PostgreSQL compares it: a library list in any order, case and spaces aside. */
function normalised(key: string, value: string): string {
    const v = value.trim().toLowerCase();
    return key === "shared_preload_libraries" ? v.split(",").map((l) => l.trim()).filter(Boolean).sort().join(",") : v;
}

/**
 * The static parameters (`name=value`) that wait for a server restart once this `up` has set
 * them. On a running server, each one whose value changes or that an earlier `up` left pending.
 * A new server (`running` undefined) starts with the values Azure computes for its SKU and
 * version (`defaults`, sizes.ts postgresDefaults): only a value other than that one waits for a
 * restart; one Azure's defaults do not name is counted as pending.
 */
export function pendingAfterUp(params: Record<string, string>, running: Record<string, RunningParameter> | undefined, defaults: Record<string, string> = {}): string[] {
    return staticParameterKeys(params)
        .filter((key) => {
            const now = running ? running[key] : defaults[key] === undefined ? undefined : { value: defaults[key], pendingRestart: false };
            return !now || now.pendingRestart || normalised(key, now.value) !== normalised(key, params[key]);
        })
        .map((key) => `${key}=${params[key]}`);
}

/**
 * The max_connections the connections alarm measures against: the value in force, or when that
 * changes at the restart this program cannot make, the lower of the two values the server runs
 * with before and after it (the alarm may fire early, never late). Running and not pending: the
 * running value is in force (equal to the configured one in the steady state: exact). A new
 * server runs with the SKU's default until its first restart. A value an earlier `up` left
 * pending hides the one in force (ARM shows only the saved value): the lower of the configured
 * value and the SKU default is assumed.
 */
export function connectionsInForce(args: DatabaseArgs, running: Record<string, RunningParameter> | undefined): number {
    const configured = Number(args.parameters.max_connections);
    const now = running?.max_connections;
    if (now && !now.pendingRestart && Number.isInteger(Number(now.value))) {
        return Math.min(Number(now.value), configured);
    }
    return Math.min(configured, POSTGRES_SKUS[args.size].defaultMaxConnections);
}

/** What applies pending static parameters: a restart of each server, in order ("" for none). */
export function restartCommand(resourceGroup: string, servers: string[]): string {
    return servers.map((server) => `az postgres flexible-server restart --resource-group ${resourceGroup} --name ${server}`).join(" && ");
}

/**
 * The order the servers with pending parameters restart in. A standby needs max_connections at
 * least the primary's in force (PostgreSQL "Hot Standby": it refuses queries, and pauses
 * recovery, below it; Learn "Read replicas"): a raise is applied on the replicas first, a lowering
 * on the primary first. Without a value in force to compare with (a new server), replicas first.
 */
export function restartOrder(servers: { server: string; primary: boolean }[], maxConnections: number, primaryRunning: Record<string, RunningParameter> | undefined): string[] {
    const now = primaryRunning?.max_connections;
    const lowering = now !== undefined && !now.pendingRestart && maxConnections < Number(now.value);
    const primary = servers.filter((s) => s.primary).map((s) => s.server);
    const replicas = servers.filter((s) => !s.primary).map((s) => s.server);
    return lowering ? [...primary, ...replicas] : [...replicas, ...primary];
}

export function serverParameters(args: DatabaseArgs): Record<string, string> {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(args.parameters)) {
        params[key] = String(value);
    }
    // The configuration replaces Azure's whole default list (pg_cron on 14-16, pg_stat_statements):
    // what the stack preloads is added to it, never put in its place.
    if (params.shared_preload_libraries !== undefined) {
        const listed = params.shared_preload_libraries.split(",").map((l) => l.trim()).filter(Boolean);
        params.shared_preload_libraries = [...new Set([...POSTGRES_DEFAULT_PRELOADS[args.version], ...listed])].sort().join(",");
    }
    // TLS on every connection (sslMode "require" in the contract).
    params.require_secure_transport = "on";
    // SCRAM-SHA-256 accepted and used for new passwords: the init job sends each role's SCRAM
    // verifier, never its password (Learn, "SCRAM authentication in Azure Database for PostgreSQL
    // flexible server"; server parameters: azure.accepted_password_auth_method, a set, allowed
    // `md5,scram-sha-256`, dynamic). md5 stays accepted: the admin's password was stored as md5
    // on servers created when md5 was the default.
    params.password_encryption = "scram-sha-256";
    params["azure.accepted_password_auth_method"] = "md5,scram-sha-256";
    if (args.extensions.length > 0) {
        // Flexible Server only lets CREATE EXTENSION run for allow-listed extensions.
        params["azure.extensions"] = args.extensions.map((e) => e.toUpperCase()).join(",");
    }
    return params;
}

/**
 * PostgreSQL Flexible Server with private access only (delegated subnet + private DNS zone),
 * every logical database, the parameters, zone-redundant HA and geo-redundant backups when
 * configured, and read replicas. Each database's login role and the extensions are made by the
 * database init job (below): it needs a connection from inside the VNet, which Pulumi on a runner
 * outside it does not have.
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

    const serverName = ctx.globalName("pg", RULES.postgres);
    const administratorLogin = checkedAgainstAzure(ctx, serverName, args, parent);
    const server = new dbforpostgresql.Server(
        `${name}-server`,
        {
            serverName,
            resourceGroupName: rg,
            location: ctx.location,
            version: String(args.version),
            // Create-only (Servers.json x-ms-mutability [create, read]): a new login replaces the
            // server, so it is checked against the running one first.
            administratorLogin,
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
    const params = serverParameters(args);
    let previous: pulumi.Resource = server;
    const configurations: Record<string, pulumi.Resource> = {};
    for (const [key, value] of Object.entries(params)) {
        previous = configurations[key] = new dbforpostgresql.Configuration(
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

    const beforeInit: pulumi.Resource[] = [previous];

    const replicas: dbforpostgresql.Server[] = [];
    const replicaNames = Array.from({ length: args.readReplicas }, (_, i) => ctx.globalName(`pg-replica-${i + 1}`, RULES.postgres));
    for (let i = 0; i < args.readReplicas; i++) {
        replicas.push(
            new dbforpostgresql.Server(
                `${name}-replica-${i + 1}`,
                {
                    serverName: replicaNames[i],
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

    // Static parameters: Flexible Server keeps a new value pending until the server restarts, and
    // nothing here can restart it (azure-native has no restart resource: pulumi-azure-native#3618;
    // Servers_Restart is a POST action in no narrow built-in role). What will be pending is read
    // from the running server (as the preview identity may: Reader), reported in the plan and as
    // the stack output database.pendingRestart with the command that applies it.
    //
    // A replica keeps the parameters it was created with; the static ones are set on it too, since
    // PostgreSQL stops a standby's recovery when max_connections (and the other recovery-sized
    // settings) is below the primary's: Learn "Read replicas", server parameters ("should always be
    // set to values that are either equivalent to or greater than those configured on the primary").
    const staticKeys = staticParameterKeys(params);
    // Every Configuration of every server, and the primary's databases (the tail of its chain,
    // `previous`): the restart step runs after the last of them (Flexible Server takes one
    // management operation at a time; a restart beside a PUT fails one of them: ServerIsBusy).
    const serverOperations: pulumi.Resource[] = [...Object.values(configurations), previous];
    replicas.forEach((replica, i) => {
        let before: pulumi.Resource = replica;
        for (const key of staticKeys) {
            before = new dbforpostgresql.Configuration(
                `${name}-replica-${i + 1}-param-${key.replace(/[^a-z0-9]+/gi, "-")}`,
                { configurationName: key, serverName: replica.name, resourceGroupName: rg, value: params[key], source: "user-override" },
                ctx.opts(parent, { dependsOn: [before] }),
            );
            serverOperations.push(before);
        }
    });
    const running = runningParameters(ctx, serverName, staticKeys, parent);
    const runningReplicas = pulumi.all(replicaNames.map((n) => runningParameters(ctx, n, staticKeys, parent)));
    // A new replica is counted like a new primary, from its SKU's computed defaults (the same SKU
    // here). Whether it takes the primary's saved values at creation is not documented: if it does,
    // this names a restart too many, never one too few.
    const defaults = postgresDefaults(args.size, args.version);
    const restart = pulumi.all([running, runningReplicas, serverName, pulumi.all(replicaNames)]).apply(([primary, onReplicas, primaryName, names]) => {
        const servers = [
            { server: primaryName, pending: pendingAfterUp(params, primary, defaults), primary: true },
            ...names.map((server, i) => ({ server, pending: pendingAfterUp(params, onReplicas[i], defaults), primary: false })),
        ].filter((s) => s.pending.length > 0);
        const pending = [...new Set(servers.flatMap((s) => s.pending))].sort();
        const order = restartOrder(servers, Number(args.parameters.max_connections), primary);
        // What ARM said at plan time for each server with something pending: the restart step's
        // trigger (restartTrigger).
        const readAtPlan = servers.map((s) => {
            const read = s.primary ? primary : onReplicas[names.indexOf(s.server)];
            return { server: s.server, pending: s.pending, running: read === undefined ? "new" : staticKeys.map((k) => `${k}=${read[k]?.value}:${read[k]?.pendingRestart}`).join(",") };
        });
        return { pending, order, command: restartCommand(ctx.naming.resourceGroup(), order), fresh: primary === undefined, readAtPlan };
    });
    // With azure.postgresRestartRoleId the program restarts what is pending itself (restartRun),
    // after every configuration and before the init job connects; without it, it reports.
    const restartRole = ctx.settings.azure.postgresRestartRoleId;
    const restarting = restartRole !== undefined && staticKeys.length > 0;
    restart.apply(({ pending, order, command, fresh }) => {
        if (pending.length === 0) return;
        const what = `database: ${pending.join(", ")} ${fresh ? "(a new server starts with Azure's defaults for its size, which differ) " : ""}`;
        pulumi.log.warn(
            restarting
                ? `${what}will apply when this up restarts the PostgreSQL servers, in this order (each a short outage): ${order.join(", ")}`
                : `${what}will apply only when the PostgreSQL servers restart, which Azure does not do on a parameter change. After this up, restart them in this order (each a short outage): ${command}`,
            server,
        );
    });
    let restartRun: resources.AzureCliScript | undefined;
    if (restarting) {
        const servers = pulumi.all([restart, server.id, pulumi.all(replicas.map((r) => r.id)), serverName, pulumi.all(replicaNames), running]).apply(([, primaryId, replicaIds, primaryName, names, primary]) => {
            const byName = new Map([[primaryName, primaryId], ...names.map((n, i): [string, string] => [n, replicaIds[i]])]);
            return restartOrder([{ server: primaryName, primary: true }, ...names.map((n) => ({ server: n, primary: false }))], Number(args.parameters.max_connections), primary).map((n) => byName.get(n)!);
        });
        restartRun = restartServers(ctx, name, restartRole, [server, ...replicas], servers, staticKeys, params, restart.apply((r) => r.readAtPlan), serverOperations, parent);
        beforeInit.push(restartRun);
    }
    createInitJob(ctx, name, args, server, password, beforeInit, parent);
    const pendingRestart = restarting ? pulumi.output([] as string[]) : restart.apply((r) => r.pending);
    // Restarted by this up: the configured value is in force once restartRun succeeded.
    const maxConnections = restartRun
        ? restartRun.outputs.apply(() => Number(args.parameters.max_connections))
        : running.apply((r) => connectionsInForce(args, r));

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
            // max_connections is static: against the value in force (connectionsInForce).
            {
                key: "connections",
                metricName: "active_connections",
                operator: "GreaterThan",
                threshold: maxConnections.apply((m) => Math.floor((m * alerts.dbConnectionsPercent) / 100)),
                aggregation: "Maximum",
                description: maxConnections.apply(
                    (m) =>
                        `PostgreSQL connections above ${alerts.dbConnectionsPercent}% of ${m}` +
                        (m === Number(args.parameters.max_connections) ? " (max_connections)" : ` (max_connections ${args.parameters.max_connections} applies only after a server restart; until then the server runs with at most ${m})`),
                ),
            },
        ],
        parent,
    );
    diagnostics(ctx, name, server.id, platform.workspace.id, parent);

    // verify-full against Azure's public roots, mounted into each workload on the database
    // (database-ca.ts); database.tls require: sslmode=require and no CA, as before.
    const tls: Pick<DatabaseOutputs, "sslMode" | "serverCa"> = args.tls === "require" ? { sslMode: "require" } : azureServerCa();
    if (tls.serverCa) ctx.databaseCa = storeDatabaseCa(ctx, name, tls.serverCa, parent);
    return {
        host: server.fullyQualifiedDomainName,
        port: pulumi.output(5432),
        username: pulumi.output(args.username),
        password,
        ...tls,
        readReplicaHosts: pulumi.all(replicas.map((r) => r.fullyQualifiedDomainName)),
        pendingRestart,
        restartCommand: restarting ? pulumi.output("") : restart.apply((r) => r.command),
    };
}

/**
 * What ARM holds for each static parameter of the running server (undefined when there is none
 * yet: ARM answers 404 for a configuration of a server that does not exist, as for getServer
 * below). A server that kept an older name (CREATE_ONLY_NAME) is not found: it is reported as new.
 */
function runningParameters(ctx: AzureContext, serverName: pulumi.Output<string>, keys: string[], parent: pulumi.Resource): pulumi.Output<Record<string, RunningParameter> | undefined> {
    const resourceGroupName = ctx.naming.resourceGroup();
    return serverName.apply(async (name) => {
        const found: Record<string, RunningParameter> = {};
        for (const configurationName of keys) {
            try {
                const c = await dbforpostgresql.getConfiguration({ resourceGroupName, serverName: name, configurationName }, { provider: ctx.provider, parent });
                found[configurationName] = { value: c.value ?? "", pendingRestart: c.isConfigPendingRestart === true };
            } catch (e) {
                if (/\bStatus=404\b/.test(String(e instanceof Error ? e.message : e))) return undefined;
                throw e;
            }
        }
        return found;
    });
}

/** The Flexible Server API of the restart step's calls (the version azure-native's Server uses). */
export const POSTGRES_API_VERSION = "2025-08-01";

/**
 * The restart step's bound for each of its waits (the server readable; Ready and the restart
 * taken; Ready with nothing pending), in reads 15 s apart: 10 minutes, whatever the number of
 * servers. A Flexible Server restart takes minutes, more with HA or a large shared_buffers.
 */
export const RESTART_WAIT_ATTEMPTS = 40;

/**
 * The deployment script's own timeout: three bounded waits per server, one after the other, plus
 * 10 minutes for the container to start. At most PT1D (deploymentScripts `timeout`, "Maximum
 * allowed script execution time specified in ISO 8601 format. Default value is P1D": Learn,
 * Azure.ResourceManager.Resources AzureCliScript.Timeout; one day is also the longest it takes).
 * 6 servers (readReplicas 0-5) need 190 min.
 */
export function restartTimeoutMinutes(servers: number): number {
    return Math.min(24 * 60, servers * 3 * Math.ceil((RESTART_WAIT_ATTEMPTS * 15) / 60) + 10);
}

/** What ARM said at plan time about one server with something pending (`running` "new": no server yet). */
export interface PendingAtPlan {
    server: string;
    pending: string[];
    running: string;
}

/**
 * The restart step's forceUpdateTag: it runs again exactly when this changes. The servers as a set
 * (the order follows the running value and may flip on an up that changes nothing), the static
 * values, and what the running servers report pending at plan time (isConfigPendingRestart, read
 * above). ARM does not run an unchanged deployment script again (forceUpdateTag is "how the
 * deployment script should be forced to execute even if the script resource has not changed":
 * Learn, Azure.ResourceManager.Resources AzureCliScript.ForceUpdateTag), so without the last part a run that failed, or a parameter left pending any other
 * way, would never be restarted while the outputs said nothing is pending: a server still pending
 * changes the tag and the idempotent script runs again. After a success the next up reads nothing
 * pending: one more (no-op) run, then the tag is stable. Not covered: a second failed run that
 * leaves the servers exactly as the first did gives the same tag again; ARM then keeps the failed
 * script until its retention (PT1H) ends, and the up after that runs it anew.
 */
export function restartTrigger(ids: string[], values: Record<string, string>, pendingAtPlan: PendingAtPlan[]): string {
    const pending = [...pendingAtPlan].sort((a, b) => a.server.localeCompare(b.server));
    return createHash("sha256").update(JSON.stringify({ ids: [...ids].sort(), values, pending })).digest("hex").slice(0, 16);
}

/**
 * The restart step (POSIX sh, Azure CLI deployment script). For each server of RESTART_ORDER
 * (resource ids, in that order), it asks ARM whether a parameter of STATIC_KEYS waits for a
 * restart (configurations GET, `isConfigPendingRestart`), and only then restarts it (Servers
 * Restart, POST, once the server is Ready: right after a configuration it may be busy) and waits
 * until it is Ready with none pending, each wait bounded by ATTEMPTS reads 15 s apart (RESTART_WAIT_ATTEMPTS). Reads are retried too: the identity's role assignment on a new server
 * takes minutes to be in force. Nothing pending, nothing restarted: running it twice is harmless.
 */
export function restartScript(): string {
    return [
        "set -eu",
        'api="api-version=$POSTGRES_API_VERSION"',
        "arm() { az rest --method \"$1\" --url \"https://management.azure.com$2?$api\" ${3:+--query \"$3\"} -o tsv; }",
        "# The keys of STATIC_KEYS pending on a server (empty when none); fails when ARM cannot be read.",
        'pending() { for key in $STATIC_KEYS; do v=$(arm get "$1/configurations/$key" properties.isConfigPendingRestart) || return 1; [ "$v" != true ] || printf "%s " "$key"; done; }',
        "restarted=''",
        "for id in $RESTART_ORDER; do",
        "  tries=0",
        '  until keys=$(pending "$id"); do',
        "    tries=$((tries + 1))",
        '    [ "$tries" -lt "$ATTEMPTS" ] || { echo "anycloud: cannot read the parameters of $id (is the role azure.postgresRestartRoleId names assigned and in force?)" >&2; exit 1; }',
        "    sleep 15",
        "  done",
        '  if [ -z "$keys" ]; then echo "anycloud: $id: nothing waits for a restart"; continue; fi',
        '  echo "anycloud: restarting $id to apply $keys"',
        "  # Right after a configuration change the server may still be busy (ServerIsBusy): wait for Ready, retry.",
        "  tries=0",
        '  until [ "$(arm get "$id" properties.state 2>/dev/null)" = Ready ] && arm post "$id/restart" > /dev/null; do',
        "    tries=$((tries + 1))",
        '    [ "$tries" -lt "$ATTEMPTS" ] || { echo "anycloud: $id did not take the restart (not Ready, or ARM refused it) after $((ATTEMPTS * 15)) s" >&2; exit 1; }',
        "    sleep 15",
        "  done",
        "  tries=0",
        "  while :; do",
        "    sleep 15",
        "    tries=$((tries + 1))",
        '    [ "$tries" -lt "$ATTEMPTS" ] || { echo "anycloud: $id did not come back Ready with its parameters applied after $((ATTEMPTS * 15)) s; see its Activity log and state" >&2; exit 1; }',
        '    [ "$(arm get "$id" properties.state 2>/dev/null)" = Ready ] || continue',
        '    left=$(pending "$id" 2>/dev/null) || continue',
        '    [ -n "$left" ] || break',
        "  done",
        '  restarted="$restarted $id"',
        "done",
        'printf \'{"restarted":"%s"}\' "${restarted# }" > "$AZ_SCRIPTS_OUTPUT_PATH"',
        "",
    ].join("\n");
}

/**
 * Restarts the servers whose static parameters wait for it, during `up`, after every
 * configuration: an Azure CLI deployment script (azure-native has no restart resource:
 * pulumi-azure-native#3618) as an identity of its own that holds, on these servers only, the
 * operator's custom role `azure.postgresRestartRoleId` (Microsoft.DBforPostgreSQL/flexibleServers
 * read, configurations/read, restart/action: no built-in role carries restart without the rest of
 * Contributor, and the deploy identity cannot define roles). It runs again when a static value or
 * the servers change, or a server is still pending (restartTrigger), and restarts only what ARM
 * says is pending. The
 * same storage-account constraint as the job runs applies (job.ts SHARED_KEY_NOTE).
 */
function restartServers(
    ctx: AzureContext,
    name: string,
    roleId: string,
    servers: dbforpostgresql.Server[],
    order: pulumi.Output<string[]>,
    staticKeys: string[],
    params: Record<string, string>,
    pendingAtPlan: pulumi.Output<PendingAtPlan[]>,
    after: pulumi.Resource[],
    parent: pulumi.Resource,
): resources.AzureCliScript {
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-restart-identity`,
        { resourceName: ctx.naming.local(`${name}-restart-id`), resourceGroupName: ctx.rgName, location: ctx.location, tags: ctx.tags },
        ctx.opts(parent),
    );
    const roleDefinitionId = pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
    const grants = servers.map(
        (server, i) =>
            new authorization.RoleAssignment(
                `${name}-restart-grant-${i}`,
                {
                    roleAssignmentName: pulumi.all([ctx.subscriptionId, server.id, identity.principalId]).apply(([subscription, scope, principal]) => ctx.naming.roleAssignment(subscription, scope, principal, roleId)),
                    principalId: identity.principalId,
                    principalType: "ServicePrincipal",
                    roleDefinitionId,
                    scope: server.id,
                },
                ctx.opts(parent, { deleteBeforeReplace: true }),
            ),
    );
    // The deployment-script service logs in as the new identity (`az login --identity`) and the
    // script reads the servers with its grants right away: the same bounded wait for Azure to
    // apply new role assignments as a container app's (settledGrants, RBAC_PROPAGATION_SECONDS; up
    // to 10 minutes per Learn "Troubleshoot Azure RBAC"; a deployment script's identity right after
    // its assignment: MicrosoftDocs/azure-docs#61365, #60266). It waits only when the grants change;
    // past it, the script's reads retry (RESTART_WAIT_ATTEMPTS).
    const settled = grantsSettled(
        `${name}-restart-rbac-propagation`,
        grants,
        "Azure RBAC applies the restart identity's new role assignments (azure.postgresRestartRoleId on each server) before the deployment script logs in as it and reads the servers",
        parent,
    );
    const values = Object.fromEntries(staticKeys.map((k) => [k, params[k]]));
    const digest = pulumi.all([order, pendingAtPlan]).apply(([ids, read]) => restartTrigger(ids, values, read));
    return deploymentScript(ctx, `${name}-restart`, {
        identityId: identity.id,
        script: restartScript(),
        environment: [
            { name: "RESTART_ORDER", value: order.apply((ids) => ids.join(" ")) },
            { name: "STATIC_KEYS", value: staticKeys.join(" ") },
            { name: "POSTGRES_API_VERSION", value: POSTGRES_API_VERSION },
            // Each of the three waits per server (readable; Ready and restart taken; Ready with nothing pending).
            { name: "ATTEMPTS", value: String(RESTART_WAIT_ATTEMPTS) },
        ],
        trigger: digest,
        timeoutMinutes: restartTimeoutMinutes(servers.length),
        parent,
        dependsOn: [...grants, settled, ...after],
    });
}

/** The init job's bound for one execution: the wait for the server (DB_INIT_RETRY) plus the script. */
const INIT_TIMEOUT_MINUTES = 15;

/**
 * The database init job: a Manual Container Apps job in the stack's environment (inside the VNet)
 * that runs the idempotent psql script (components/database-init.ts) as the admin, started and
 * awaited during the deploy (awaitedRun, as for a before-deploy job). It alone holds the admin
 * password; services get their database's role. Its own identity reads exactly the admin and role
 * passwords from Key Vault by versioned URI, and the run's digest covers those URIs: a rotated
 * password (a new Key Vault version) runs it again, before the services that use the database
 * (they wait for it) start a revision with the new value.
 */
function createInitJob(
    ctx: AzureContext,
    name: string,
    args: DatabaseArgs,
    server: dbforpostgresql.Server,
    adminPassword: pulumi.Output<string>,
    after: pulumi.Resource[],
    parent: pulumi.Resource,
): void {
    const platform = ctx.requirePlatform();
    const identity = platform.identities[DATABASE_INIT_WORKLOAD];
    const registry = platform.registry!;
    const jobName = ctx.naming.containerApp(DATABASE_INIT_WORKLOAD);
    const script = psqlInitScript({ owner: args.username, databases: args.databases, extensions: args.extensions, version: args.version });
    // Each role as its SCRAM verifier: what the server's log can show of the statement.
    const passwords = [
        { variable: "PGPASSWORD", value: adminPassword },
        ...args.roles.map((r) => ({ variable: rolePasswordVariable(r.database), value: pulumi.secret(r.password.apply((p) => scramVerifier(p, r.username))) })),
    ];
    const secrets: inputs.app.SecretArgs[] = [];
    const secretEnv: inputs.app.EnvironmentVarArgs[] = [];
    const grants: pulumi.CustomResource[] = [];
    const versionedUris: pulumi.Output<string>[] = [];
    for (const { variable, value } of passwords) {
        const ref = secretRefName(variable);
        // Each role's secret gets a fresh name: a database dropped from the config and added back gets a new one.
        const secret = ctx.storeSecret(`${name}-${ref}`, value, parent, `${name} init ${variable}`, {}, { freshName: variable !== "PGPASSWORD" });
        grants.push(ctx.grant(`${name}-init-kv-${ref}`, "keyVaultSecretsUser", identity.principalId, secret.id, parent, [name, "init", ref]));
        secrets.push({ name: ref, keyVaultUrl: secret.properties.secretUriWithVersion, identity: identity.id });
        versionedUris.push(secret.properties.secretUriWithVersion);
        secretEnv.push({ name: variable, secretRef: ref });
    }
    const { rbacGrants, rbacSettled } = settledGrants(ctx, DATABASE_INIT_WORKLOAD, grants, parent);
    const job = new app.Job(
        `${name}-init`,
        {
            jobName,
            resourceGroupName: ctx.rgName,
            location: ctx.location,
            environmentId: platform.environment.id,
            workloadProfileName: "Consumption",
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            configuration: {
                triggerType: "Manual",
                replicaTimeout: INIT_TIMEOUT_MINUTES * 60,
                // Idempotent: one more attempt is safe (a network blip right after create).
                replicaRetryLimit: 1,
                secrets,
                registries: [{ server: registry.loginServer, identity: identity.id }],
                manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
            },
            template: {
                containers: [
                    {
                        name: "db-init",
                        // Through the stack's registry (a Docker Hub cache rule, registry-mirror.ts), never Docker Hub itself.
                        image: postgresClientImage(registry, args.version),
                        // Waits (bounded) until the server answers over the private DNS name, then runs the script.
                        command: ["sh", "-c", waitForPostgres(DB_INIT_RETRY, 'printf "%s" "$INIT_SQL" | psql -v ON_ERROR_STOP=1 -d postgres -f -')],
                        env: [
                            { name: "INIT_SQL", value: script },
                            { name: "PGHOST", value: server.fullyQualifiedDomainName },
                            { name: "PGPORT", value: "5432" },
                            { name: "PGUSER", value: args.username },
                            // The server's certificate chains to public roots in the image's system bundle and
                            // names the server's FQDN: the admin password only goes to the real server.
                            { name: "PGSSLMODE", value: "verify-full" },
                            { name: "PGSSLROOTCERT", value: ALPINE_CA_BUNDLE },
                            ...secretEnv,
                        ],
                        resources: { cpu: 0.25, memory: "0.5Gi" },
                    },
                ],
            },
            tags: ctx.tags,
        },
        ctx.opts(parent, { dependsOn: [...rbacGrants, ...rbacSettled, ...platform.vaultReady, ...(platform.registryReady[DATABASE_INIT_WORKLOAD] ?? []), ...after] }),
    );
    // The server, the script and each password's Key Vault version (URIs, never values).
    const digest = pulumi
        .all([server.fullyQualifiedDomainName, ...versionedUris])
        .apply(([host, ...uris]) => createHash("sha256").update(JSON.stringify({ host, script, uris })).digest("hex").slice(0, 16));
    ctx.databaseInit = awaitedRun(ctx, name, job, { JOB_LABEL: "the database init job (roles, extensions)" }, digest, INIT_TIMEOUT_MINUTES, logQuery(jobName), parent);
}

/**
 * `database.username` once Azure's answer for the running server allows it (the same look-up as
 * the RDS check in providers/aws/database.ts): the admin login is create-only, so a new one
 * replaces the server and its data; it is refused unless `database.allowUsernameChange`. The
 * look-up GETs the server under the stack's resource group; ARM answers 404 when there is none
 * (ResourceNotFound, or ResourceGroupNotFound on a new subscription), which azure-native's invoke
 * reports as `Status=404` (pulumi-azure-native provider.go Invoke, client_azcore.go
 * PulumiAzcoreResponseError). A stack whose server kept an older name (CREATE_ONLY_NAME) is not
 * found under the computed one, so it is not checked.
 */
function checkedAgainstAzure(ctx: AzureContext, serverName: pulumi.Output<string>, args: DatabaseArgs, parent: pulumi.Resource): pulumi.Output<string> {
    const resourceGroupName = ctx.naming.resourceGroup();
    return serverName.apply(async (name) => {
        let running: dbforpostgresql.GetServerResult | undefined;
        try {
            running = await dbforpostgresql.getServer({ resourceGroupName, serverName: name }, { provider: ctx.provider, parent });
        } catch (e) {
            if (!/\bStatus=404\b/.test(String(e instanceof Error ? e.message : e))) throw e;
        }
        const p = usernameProblem(args.username, running?.administratorLogin, name, args.allowUsernameChange, SERVER_REPLACED);
        if (p) {
            throw new ConfigError([p]);
        }
        return args.username;
    });
}
