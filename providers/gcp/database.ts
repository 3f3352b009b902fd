import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as sql from "@pulumi/gcp/sql";
import { ChildOptions, DatabaseArgs, DatabaseOutputs } from "../../components/backend";
import { usernameProblem } from "../../components/database";
import { ConfigError } from "../../stacks/errors";
import { DB_INIT_RETRY, psqlInitScript, rolePasswordVariable, scramVerifier, SERVER_CA_FILE, waitForPostgres } from "../../components/database-init";
import { generatedPassword } from "../../components/secrets";
import { databaseAlerts } from "./alerts";
import { grantsSettled } from "./container-service";
import { databaseServerCa, instanceCaBundle } from "./database-ca";
import { cloudSqlFilter, routeLogs } from "./logs";
import { postgresClientImage } from "./registry-mirror";
import { DB_INIT_TAG, GcpContext, RUN_TAG } from "./context";
import { hash } from "./naming";
import { serviceAccount, storeSecret } from "./secrets";
import { SQL_TIERS, SQL_VERSIONS } from "./sizes";

/**
 * Cloud SQL for PostgreSQL, private IP only, TLS enforced, backups + PITR, optional HA and read
 * replicas; every logical database and the admin user. Each database's login role and the
 * extensions are created at deploy by a Cloud Run job that runs psql *inside the VPC* (Direct VPC
 * egress), re-run when the plan or a role's password changes.
 */
export function createDatabase(ctx: GcpContext, name: string, args: DatabaseArgs, opts: ChildOptions): DatabaseOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const protect = ctx.settings.protect || args.deletionProtection;
    const { tier } = SQL_TIERS[args.size];
    const databaseVersion = SQL_VERSIONS[args.version];
    const ipConfiguration = {
        ipv4Enabled: false,
        privateNetwork: net.vpc.id,
        allocatedIpRange: net.psaRange.name,
        sslMode: "ENCRYPTED_ONLY",
    };
    const databaseFlags = Object.entries(args.parameters)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([flag, value]) => ({ name: flag, value: String(value) }));
    const disk = {
        diskType: "PD_SSD",
        diskSize: args.storageGb,
        diskAutoresize: true,
        diskAutoresizeLimit: args.maxStorageGb,
    };
    // Autoresize grows the disk outside Pulumi: ignoring diskSize avoids a perpetual diff.
    const stateful = { protect, ignoreChanges: ["settings.diskSize"], dependsOn: [net.psaConnection] };

    const login = checkedAgainstCloudSql(ctx, args, parent);
    const instance = new sql.DatabaseInstance(
        `${name}-pg`,
        {
            region: ctx.region,
            databaseVersion,
            deletionProtection: protect,
            settings: {
                tier,
                // PostgreSQL 16+ defaults to ENTERPRISE_PLUS, which rejects db-custom tiers.
                edition: "ENTERPRISE",
                availabilityType: args.highAvailability ? "REGIONAL" : "ZONAL",
                ...disk,
                deletionProtectionEnabled: protect,
                ipConfiguration,
                backupConfiguration: {
                    enabled: true,
                    startTime: "02:00",
                    location: ctx.region,
                    pointInTimeRecoveryEnabled: args.pointInTimeRecovery,
                    // Enterprise edition keeps 1-7 days of transaction logs.
                    transactionLogRetentionDays: Math.min(7, args.backupRetentionDays),
                    backupRetentionSettings: { retainedBackups: args.backupRetentionDays, retentionUnit: "COUNT" },
                },
                retainBackupsOnDelete: protect,
                databaseFlags,
                maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
                insightsConfig: { queryInsightsEnabled: true, queryStringLength: 1024, recordApplicationTags: false, recordClientAddress: false },
                // The admin login, once checked: Cloud SQL lists no users to look it up by.
                userLabels: login.apply((l) => ({ ...ctx.labels, [ADMIN_LOGIN_LABEL]: l })),
            },
        },
        ctx.opts(parent, ["sqladmin"], stateful),
    );

    const replicas = Array.from({ length: args.readReplicas }, (_, i) =>
        new sql.DatabaseInstance(
            `${name}-pg-replica-${i + 1}`,
            {
                region: ctx.region,
                databaseVersion,
                masterInstanceName: instance.name,
                replicaConfiguration: { failoverTarget: false },
                deletionProtection: protect,
                settings: {
                    tier,
                    edition: "ENTERPRISE",
                    availabilityType: "ZONAL",
                    ...disk,
                    deletionProtectionEnabled: protect,
                    ipConfiguration,
                    backupConfiguration: { enabled: false },
                    databaseFlags,
                    userLabels: ctx.labels,
                },
            },
            ctx.opts(parent, ["sqladmin"], stateful),
        ),
    );

    const password = generatedPassword(`${name}-password`, { length: 32 }, { parent });
    const user = new sql.User(
        `${name}-user`,
        {
            instance: instance.name,
            // Create-only (resource_sql_user.go `name` ForceNew): checked against the running instance.
            name: login,
            password,
            type: "BUILT_IN",
            // PostgreSQL refuses to drop a role that owns objects; the instance's deletion removes it.
            deletionPolicy: "ABANDON",
        },
        ctx.opts(parent, ["sqladmin"]),
    );
    const databases = args.databases.map(
        (db) =>
            new sql.Database(
                `${name}-db-${db}`,
                { instance: instance.name, name: db, charset: "UTF8", collation: "en_US.UTF8", deletionPolicy: protect ? "ABANDON" : "DELETE" },
                ctx.opts(parent, ["sqladmin"], { protect }),
            ),
    );

    // Every CA the instances list (database-ca.ts): the init job verifies with them; with
    // database.tls verify, so does each workload on the database (verify-ca, a mounted secret).
    const serverCa = instanceCaBundle(ctx, [instance, ...replicas], parent);
    const tls: Pick<DatabaseOutputs, "sslMode" | "serverCa"> = args.tls === "require" ? { sslMode: "require" } : databaseServerCa(ctx, name, serverCa, parent);
    // Always: every logical database gets its login role (and the extensions), whatever the config.
    createInitJob(ctx, name, args, instance, user, password, databases, serverCa, parent);

    databaseAlerts(ctx, parent, instance, args.parameters.max_connections, args.maxStorageGb);
    // Cloud SQL names are generated (no prefix to match): its logs are routed by exact instance.
    const instanceNames = pulumi.all([instance.name, ...replicas.map((r) => r.name)]);
    routeLogs(ctx, `${name}-log-sink`, name, instanceNames.apply((names) => cloudSqlFilter(ctx.project, names)), parent);

    return {
        host: instance.privateIpAddress,
        port: pulumi.output(5432),
        username: user.name,
        password,
        ...tls,
        readReplicaHosts: pulumi.all(replicas.map((r) => r.privateIpAddress)),
    };
}

/**
 * A Cloud Run job that runs the idempotent init script (components/database-init.ts) with psql
 * over the private network. `runExecutionToken` makes Pulumi execute it on create and wait for
 * success; the token is a hash of the script, the instance and the role passwords' secret
 * versions, so it re-runs only when one of them changes.
 */
function createInitJob(
    ctx: GcpContext,
    name: string,
    args: DatabaseArgs,
    instance: sql.DatabaseInstance,
    user: sql.User,
    password: pulumi.Output<string>,
    databases: sql.Database[],
    serverCa: pulumi.Output<string>,
    parent: pulumi.Resource,
) {
    const net = ctx.requireNetwork();
    const script = psqlInitScript({ owner: args.username, databases: args.databases, extensions: args.extensions, version: args.version });
    const sa = serviceAccount(ctx, `${name}-init-sa`, "db-init", "Runs the database init job (roles, extensions)", parent);
    const pw = storeSecret(ctx, `${name}-init-password`, ctx.naming.secretId("db-init", "pgpassword"), password, sa.member, parent);
    // Each role's password, as its SCRAM verifier (no password in any server log; Cloud SQL
    // stores SCRAM-SHA-256 from PostgreSQL 14), in Secret Manager, readable by the init job's
    // account only (services store the password under their own account): psql reads it from the
    // env it is mounted to.
    const rolePasswords = args.roles.map((role) => ({
        role,
        stored: storeSecret(ctx, `${name}-role-${role.database}`, ctx.naming.secretId("db-init", `role-${role.database}`), pulumi.secret(role.password.apply((p) => scramVerifier(p, role.username))), sa.member, parent),
    }));
    // Cloud Run checks the job's secret references when it creates the job: after the grants apply.
    const readGrants = [pw.access, ...rolePasswords.map((r) => r.stored.access)];
    const readGrantsSettled = grantsSettled(`${name}-init-iam-propagation`, readGrants, "Google IAM applies the database init job's secret grants before Cloud Run checks them", parent);
    const jobName = ctx.naming.resource("db-init", 40);
    ctx.databaseInit = new cloudrunv2.Job(
        `${name}-init`,
        {
            name: jobName,
            location: ctx.region,
            deletionProtection: false,
            // The script, the instance and each role's secret version (its name, not its value): a
            // rotated password is a new version, so the job runs again and sets it.
            runExecutionToken: pulumi.all([instance.name, ...rolePasswords.map((r) => r.stored.version.name)]).apply(([n, ...versions]) => hash(`${n}\n${script}\n${versions.join("\n")}`, 12)),
            template: {
                taskCount: 1,
                template: {
                    serviceAccount: sa.email,
                    maxRetries: 3,
                    timeout: "600s",
                    vpcAccess: {
                        networkInterfaces: [{ network: net.vpc.id, subnetwork: net.egressSubnet.id, tags: [RUN_TAG, DB_INIT_TAG] }],
                        egress: "PRIVATE_RANGES_ONLY",
                    },
                    containers: [
                        {
                            image: postgresClientImage(ctx, args.version, parent),
                            // Waits (bounded) for the first connection over the new path, then runs the script once.
                            // The server CA goes to a file first: libpq verifies the server with it.
                            commands: ["sh", "-c", `printf "%s" "$DB_SERVER_CA" > ${SERVER_CA_FILE}\n${waitForPostgres(DB_INIT_RETRY, 'printf "%s" "$INIT_SQL" > /tmp/init.sql && psql -d postgres -f /tmp/init.sql')}`],
                            envs: [
                                { name: "PGHOST", value: instance.privateIpAddress },
                                { name: "PGPORT", value: "5432" },
                                { name: "PGUSER", value: user.name },
                                // The certificate names the instance, not the private IP: the chain is verified, the host name cannot be.
                                { name: "PGSSLMODE", value: "verify-ca" },
                                { name: "PGSSLROOTCERT", value: SERVER_CA_FILE },
                                // Every CA the instance lists (listServerCas: a rotation adds the next one before it switches; database-ca.ts).
                                { name: "DB_SERVER_CA", value: serverCa },
                                { name: "INIT_SQL", value: script },
                                { name: "PGPASSWORD", valueSource: { secretKeyRef: { secret: pw.secret.secretId, version: "latest" } } },
                                // Pinned versions: the execution sets exactly the passwords the services get.
                                ...rolePasswords.map((r) => ({ name: rolePasswordVariable(r.role.database), valueSource: { secretKeyRef: { secret: r.stored.secret.secretId, version: r.stored.version.version } } })),
                            ],
                            resources: { limits: { cpu: "1", memory: "512Mi" } },
                        },
                    ],
                },
            },
        },
        ctx.opts(parent, ["run"], { dependsOn: [user, ...databases, pw.version, ...rolePasswords.map((r) => r.stored.version), ...readGrants, readGrantsSettled] }),
    );
}

/** The instance label that records the admin login (a valid label value: the username's form). */
export const ADMIN_LOGIN_LABEL = "anycloud-admin-login";

/**
 * `database.username` once Cloud SQL's answer allows it (the same look-up as the RDS check in
 * providers/aws/database.ts). The login is a `sql.User` whose name is create-only: a new name
 * creates a second login beside the old one, which keeps owning what it created (the database
 * roles, their grants), out of the new admin's reach. Cloud SQL has no data source that lists
 * users; the primary instance records the checked login in a label, and the look-up lists the
 * project's instances in the region (`sql.getDatabaseInstances`, after the Cloud SQL API is on:
 * an empty list on a new project) and reads the label of the one carrying this stack's labels. An instance created before the label existed has none and is
 * not checked (its next `up` records the login). Refused unless `database.allowUsernameChange`.
 */
function checkedAgainstCloudSql(ctx: GcpContext, args: DatabaseArgs, parent: pulumi.Resource): pulumi.Output<string> {
    const listed = sql.getDatabaseInstancesOutput({ project: ctx.project, region: ctx.region }, ctx.invokeOpts(parent, ["sqladmin"]));
    return listed.apply(({ instances }) => {
        const ours = instances.filter((i) => !i.masterInstanceName && ["project", "stack", "managed-by"].every((k) => i.settings[0]?.userLabels?.[k] === ctx.labels[k]));
        const found = ours.find((i) => i.settings[0]?.userLabels?.[ADMIN_LOGIN_LABEL] !== undefined);
        const running = found?.settings[0].userLabels[ADMIN_LOGIN_LABEL];
        const consequence =
            `creates the login ${JSON.stringify(args.username)} beside ${JSON.stringify(running)}, which keeps its password and owns what it created (roles, grants, objects): ` +
            `reassign them in SQL (REASSIGN OWNED BY ${running} TO ${args.username}) before the services connect as the new login`;
        const p = usernameProblem(args.username, running, found?.name ?? "", args.allowUsernameChange, consequence);
        if (p) {
            throw new ConfigError([p]);
        }
        return args.username;
    });
}
