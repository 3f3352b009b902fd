import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as vpc from "@pulumi/aws/vpc";
import { ChildOptions, DatabaseArgs, DatabaseOutputs } from "../../components/backend";
import { majorVersionProblem, SERVER_REPLACED, usernameProblem } from "../../components/database";
import { databaseInitSteps, retireStatement } from "../../components/database-init";
import { ConfigError } from "../../stacks/errors";
import { generatedPassword } from "../../components/secrets";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { rdsServerCa } from "./database-ca";
import { DATABASE_INIT_HANDLER } from "./database-init-function";
import { PORTS } from "./network";
import { finalSnapshotName } from "./naming";
import { DATABASE_CLASSES } from "./sizes";

/** Parameters PostgreSQL reads only at start: RDS rejects `immediate` for them. */
const STATIC_PARAMETERS = new Set(["max_connections", "shared_buffers", "shared_preload_libraries", "max_worker_processes", "max_wal_senders", "max_replication_slots", "wal_buffers", "max_locks_per_transaction", "max_prepared_transactions", "track_activity_query_size"]);

/**
 * Bounds the init function puts on each network wait (database-init-function.ts): a dropped
 * flow or a stalled server fails with a message naming host, port and the likely cause, well
 * inside the function's own timeout instead of as an opaque "Task timed out".
 */
export const INIT_TIMEOUTS = { connectMs: 10_000, handshakeMs: 10_000, idleMs: 60_000 };
/**
 * The controlled restart that applies static parameters (database-init-function.ts): each
 * instance gets up to this long in total to come back "available" and "in-sync" (RDS reboots
 * take 1-5 min), polled every 15 s; the function's own limit (Lambda's maximum, 900 s) is above it.
 */
export const RESTART_BOUNDS = { waitMs: 780_000, pollMs: 15_000 };
const INIT_FUNCTION_TIMEOUT_SECONDS = 900;

/** The static parameters (applied only by a restart) and their values, in a stable order. */
export function staticParameters(parameters: Record<string, string | number>): [string, string][] {
    return Object.entries(parameters)
        .filter(([key]) => STATIC_PARAMETERS.has(key))
        .map(([key, value]): [string, string] => [key, String(value)])
        .sort(([a], [b]) => a.localeCompare(b));
}

/** RDS master password: printable ASCII except `/`, `"`, `@` and space (RDS API). */
const RDS_SPECIAL = "!#$%^&*()-_=+[]{}<>:?.,~";

export function createDatabase(ctx: AwsContext, name: string, args: DatabaseArgs, opts: ChildOptions): DatabaseOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const databaseSg = net.databaseSecurityGroup!;
    const size = DATABASE_CLASSES[args.size];
    const identifier = ctx.naming.dbIdentifier(name);

    const password = generatedPassword(`${name}-password`, { length: 32, special: true, overrideSpecial: RDS_SPECIAL }, { parent });
    // The credentials live in Secrets Manager for the deploy-time init function (and operators).
    const secret = new secretsmanager.Secret(
        `${name}-credentials`,
        { namePrefix: ctx.naming.secretPrefix(`${name}-credentials`), description: "PostgreSQL master credentials", recoveryWindowInDays: ctx.settings.protect ? 7 : 0 },
        ctx.opts(parent),
    );

    const subnets = new rds.SubnetGroup(`${name}-subnets`, { name: ctx.naming.dbIdentifier(`${name}-subnets`), subnetIds: net.privateSubnetIds }, ctx.opts(parent));
    // One group per major version, under its own logical name: a major upgrade creates the new
    // family's group, moves the instance to it in the same modify, and only then deletes the old
    // one (one logical group would be replaced delete-first while the instance still uses it).
    const parameters = new rds.ParameterGroup(
        `${name}-params-pg${args.version}`,
        {
            name: ctx.naming.dbIdentifier(`${name}-pg${args.version}`),
            family: `postgres${args.version}`,
            description: "anycloud tuned parameters; TLS required",
            parameters: [
                ...Object.entries(args.parameters)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([key, value]) => ({ name: key, value: String(value), applyMethod: STATIC_PARAMETERS.has(key) ? "pending-reboot" : "immediate" })),
                { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
            ],
        },
        // The alias keeps stacks created with the single `-params` group from replacing it.
        ctx.opts(parent, { aliases: [{ name: `${name}-params` }] }),
    );

    const protect = ctx.settings.protect;
    const monitoringRole = ctx.prod
        ? new iam.Role(
              `${name}-monitoring`,
              {
                  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
              },
              ctx.opts(parent),
          )
        : undefined;
    if (monitoringRole) {
        new iam.RolePolicyAttachment(
            `${name}-monitoring`,
            { role: monitoringRole.name, policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole` },
            ctx.opts(parent),
        );
    }

    const common = {
        instanceClass: size.instanceClass,
        dbSubnetGroupName: subnets.name,
        parameterGroupName: parameters.name,
        vpcSecurityGroupIds: [databaseSg.id],
        publiclyAccessible: false,
        storageEncrypted: true,
        performanceInsightsEnabled: true,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval: monitoringRole ? 60 : 0,
        monitoringRoleArn: monitoringRole?.arn,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        // A major upgrade is applied at once, so the old parameter group is free to delete.
        applyImmediately: !ctx.prod || args.allowMajorVersionUpgrade,
    };
    const checked = checkedAgainstRds(ctx, identifier, args, parent);
    const primary = new rds.Instance(
        `${name}-primary`,
        {
            ...common,
            identifier,
            engine: "postgres",
            // The major only: the provider keeps RDS's minor upgrades from showing as a diff
            // (rds/instance.go compareActualEngineVersion). A new major needs the opt-in (RDS
            // refuses it otherwise) and the new family's group, both in the same modify; the
            // check below stops the run before that modify when the opt-in is missing.
            engineVersion: checked.apply((c) => c.engineVersion),
            allowMajorVersionUpgrade: args.allowMajorVersionUpgrade,
            // Create-only (a new master login replaces the instance): checked like the version.
            username: checked.apply((c) => c.username),
            password,
            // No dbName: it is create-only, so following databases[0] would replace the instance when
            // the list is reordered. The init function creates every logical database.
            port: PORTS.postgres,
            allocatedStorage: args.storageGb,
            maxAllocatedStorage: args.maxStorageGb,
            storageType: "gp3",
            multiAz: args.highAvailability,
            // Automated backups are what point-in-time recovery replays; RDS keeps PITR on while retention > 0.
            backupRetentionPeriod: args.backupRetentionDays,
            backupWindow: "03:00-04:00",
            maintenanceWindow: "sun:04:30-sun:05:30",
            deletionProtection: args.deletionProtection || protect,
            skipFinalSnapshot: !protect,
            finalSnapshotIdentifier: protect ? finalSnapshotName(identifier, parent) : undefined,
            deleteAutomatedBackups: !protect,
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            engineLifecycleSupport: "open-source-rds-extended-support-disabled",
        },
        ctx.dataOpts(parent),
    );
    const secretVersion = new secretsmanager.SecretVersion(
        `${name}-credentials`,
        {
            secretId: secret.id,
            secretString: pulumi.jsonStringify({ engine: "postgres", username: args.username, password, host: primary.address, port: primary.port, dbname: args.databases[0] }),
        },
        ctx.opts(parent),
    );

    const replicas: rds.Instance[] = [];
    for (let i = 0; i < args.readReplicas; i++) {
        replicas.push(
            new rds.Instance(
                `${name}-replica-${i}`,
                {
                    ...common,
                    identifier: ctx.naming.dbIdentifier(`${name}-replica-${i}`),
                    // With a subnet group set, a same-region replica names its source by ARN (typings).
                    replicateSourceDb: primary.arn,
                    deletionProtection: protect,
                    skipFinalSnapshot: true,
                },
                ctx.dataOpts(parent),
            ),
        );
    }

    // Each database role's password in its own secret, like the admin's: the init function reads
    // it there (never in its input), and its version id re-runs the function on a rotation.
    const roleSecrets = args.roles.map((role) => {
        const roleSecret = new secretsmanager.Secret(
            `${name}-role-${role.database}`,
            { namePrefix: ctx.naming.secretPrefix(`${name}-role-${role.database}`), description: `PostgreSQL login role of the database ${role.database}`, recoveryWindowInDays: ctx.settings.protect ? 7 : 0 },
            ctx.opts(parent),
        );
        const version = new secretsmanager.SecretVersion(
            `${name}-role-${role.database}`,
            { secretId: roleSecret.id, secretString: pulumi.secret(pulumi.jsonStringify({ engine: "postgres", username: role.username, password: role.password, host: primary.address, port: primary.port, dbname: role.database })) },
            ctx.opts(parent),
        );
        return { database: role.database, secret: roleSecret, version };
    });

    initDatabases(ctx, name, args, { primary, replicas, secret, secretVersion, roleSecrets, databaseSg, parent });

    const dims = { DBInstanceIdentifier: primary.identifier };
    const alerts = ctx.settings.alerts;
    alarm(ctx, `${name}-cpu`, { namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: dims, statistic: "Average", period: 300, evaluationPeriods: 2, threshold: alerts.cpuPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: "PostgreSQL CPU" }, parent);
    // Storage autoscaling is always on (maxStorageGb > storageGb, validate.ts), and CloudWatch has
    // no allocated-size metric, so no FreeStorageSpace threshold can mean "approaching
    // maxStorageGb". RDS itself knows both: its "low storage" events (storage autoscaling reaching
    // the maximum threshold, > 90 % of allocated storage consumed, storage exhausted; RDS event
    // list, User Guide) go to the alarm topic — SNS topics let same-account RDS publish by default.
    new rds.EventSubscription(
        `${name}-storage-events`,
        { name: ctx.naming.name(`${name}-storage`, 255), snsTopic: ctx.requireFoundation().alarmTopic.arn, sourceType: "db-instance", sourceIds: [primary.identifier], eventCategories: ["low storage"] },
        ctx.opts(parent),
    );
    // A hard floor on free bytes at every size: the configured share of the initial allocation.
    const freeFloor = Math.round(((100 - alerts.diskPercent) / 100) * args.storageGb * 1024 ** 3);
    alarm(
        ctx,
        `${name}-storage`,
        { namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: dims, statistic: "Minimum", period: 300, evaluationPeriods: 1, threshold: freeFloor, comparisonOperator: "LessThanThreshold", alarmDescription: `PostgreSQL free storage < ${freeFloor / 1024 ** 3} GiB (autoscaling up to ${args.maxStorageGb} GiB; RDS "low storage" events report the approach to that maximum)` },
        parent,
    );
    // max_connections is static: a change is applied by the init function's controlled restart,
    // and the alarm moves to the new value only after that restart succeeded (dependsOn), so it
    // never measures against a value the server does not run with.
    alarm(
        ctx,
        `${name}-connections`,
        { namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: dims, statistic: "Maximum", period: 300, evaluationPeriods: 2, threshold: Math.floor((alerts.dbConnectionsPercent / 100) * Number(args.parameters.max_connections)), comparisonOperator: "GreaterThanThreshold", alarmDescription: `connections > ${alerts.dbConnectionsPercent}% of max_connections` },
        parent,
        ctx.databaseInit ? [ctx.databaseInit] : [],
    );
    alarm(ctx, `${name}-memory`, { namespace: "AWS/RDS", metricName: "FreeableMemory", dimensions: dims, statistic: "Minimum", period: 300, evaluationPeriods: 2, threshold: Math.round(((100 - alerts.memoryPercent) / 100) * size.memoryGb * 1024 ** 3), comparisonOperator: "LessThanThreshold", alarmDescription: `PostgreSQL memory > ${alerts.memoryPercent}% used` }, parent);

    // The region's RDS roots: services verify the instance's certificate and endpoint name (database-ca.ts).
    const tls = rdsServerCa(ctx.region, args.tls);
    ctx.databaseCa = tls.serverCa;
    return {
        host: primary.address,
        port: primary.port,
        username: pulumi.output(args.username),
        password,
        ...tls,
        readReplicaHosts: pulumi.all(replicas.map((r) => r.address)),
    };
}

/**
 * `database.version` and `database.username`, once RDS's answer for the running instance allows
 * them. Config alone cannot tell a change from a first create, so the program asks RDS what runs
 * under this stack's identifier: nothing (a fresh account, or after a destroy) allows any value;
 * a running server allows its own major, a higher one only with `database.allowMajorVersionUpgrade`
 * (without it RDS refuses the modify at `up`: InvalidParameterCombination,
 * mattermost-load-test-ng#707), and no lower one; and only its own master username (create-only:
 * terraform-provider-aws rds/instance.go `username` ForceNew) unless `database.allowUsernameChange`. It also sees a major RDS applied
 * itself (end of standard support). A refusal is one config error, in the preview, before the
 * instance is sent. `getInstances` with the `db-instance-id` filter answers an empty list when
 * there is no such instance (DescribeDBInstances filters); `getInstance` would fail instead, so it
 * is asked only for an instance that exists.
 */
function checkedAgainstRds(ctx: AwsContext, identifier: string, args: DatabaseArgs, parent: pulumi.Resource): pulumi.Output<{ engineVersion: string; username: string }> {
    const found = rds.getInstancesOutput({ filters: [{ name: "db-instance-id", values: [identifier] }] }, ctx.invokeOpts(parent));
    return found.apply(async ({ instanceIdentifiers }) => {
        const running = instanceIdentifiers.includes(identifier) ? await rds.getInstance({ dbInstanceIdentifier: identifier }, { provider: ctx.provider, parent }) : undefined;
        const problems = [majorVersionProblem(args.version, args.allowMajorVersionUpgrade, running?.engineVersion, identifier), usernameProblem(args.username, running?.masterUsername, identifier, args.allowUsernameChange, SERVER_REPLACED)].filter((p) => p !== undefined);
        if (problems.length > 0) {
            throw new ConfigError(problems);
        }
        return { engineVersion: String(args.version), username: args.username };
    });
}

/**
 * RDS creates only the first database. A VPC Lambda (no npm dependencies, see
 * database-init-function.ts) runs the idempotent statements of components/database-init.ts, and
 * `lambda.Invocation` calls it on create and whenever the plan or the server changes.
 */
function initDatabases(
    ctx: AwsContext,
    name: string,
    args: DatabaseArgs,
    deps: {
        primary: rds.Instance;
        replicas: rds.Instance[];
        secret: secretsmanager.Secret;
        secretVersion: secretsmanager.SecretVersion;
        roleSecrets: { database: string; secret: secretsmanager.Secret; version: secretsmanager.SecretVersion }[];
        databaseSg: ec2.SecurityGroup;
        parent: pulumi.Resource;
    },
) {
    const { primary, replicas, secret, secretVersion, roleSecrets, databaseSg, parent } = deps;
    const net = ctx.requireNetwork();
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);

    // Groups and rules carry their tier tag, like the network's (see network.ts).
    const tier = `${name}-init`;
    const sg = new ec2.SecurityGroup(`${name}-init`, { vpcId: net.vpc.id, name: ctx.naming.name(`${name}-init`, 255), description: "Database init function: PostgreSQL and AWS APIs only", tags: { tier } }, o());
    new vpc.SecurityGroupEgressRule(`${name}-init-to-database`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: PORTS.postgres, toPort: PORTS.postgres, referencedSecurityGroupId: databaseSg.id, description: "to PostgreSQL", tags: { tier } }, o());
    new vpc.SecurityGroupEgressRule(`${name}-init-to-aws-apis`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: PORTS.https, toPort: PORTS.https, cidrIpv4: "0.0.0.0/0", description: "Secrets Manager via NAT", tags: { tier } }, o());
    new vpc.SecurityGroupIngressRule(`${name}-from-init`, { securityGroupId: databaseSg.id, ipProtocol: "tcp", fromPort: PORTS.postgres, toPort: PORTS.postgres, referencedSecurityGroupId: sg.id, description: "from the init function", tags: { tier: "database" } }, o());

    const role = new iam.Role(
        `${name}-init`,
        { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
        o(),
    );
    const vpcAccess = new iam.RolePolicyAttachment(
        `${name}-init-vpc`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole` },
        o(),
    );
    const readSecret = new iam.RolePolicy(
        `${name}-init-secret`,
        { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secret.arn, ...roleSecrets.map((r) => r.secret.arn)] }] }) },
        o(),
    );
    // The controlled restart of static parameters: describe and reboot exactly these instances.
    const instanceArns = [primary.arn, ...replicas.map((r) => r.arn)];
    const restart = new iam.RolePolicy(
        `${name}-init-restart`,
        { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["rds:DescribeDBInstances", "rds:RebootDBInstance"], Resource: instanceArns }] }) },
        o(),
    );
    const functionName = ctx.naming.name(`${name}-init`, 64);
    const logs = new cloudwatch.LogGroup(`${name}-init`, { name: `/aws/lambda/${functionName}`, retentionInDays: ctx.settings.logs.retentionDays }, o());
    const fn = new lambda.Function(
        `${name}-init`,
        {
            name: functionName,
            description: "Creates the logical databases, their login roles and extensions (idempotent)",
            runtime: "nodejs22.x",
            handler: "index.handler",
            role: role.arn,
            timeout: INIT_FUNCTION_TIMEOUT_SECONDS,
            memorySize: 256,
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(DATABASE_INIT_HANDLER) }),
            // Node 20+ runtimes load the RDS CA bundle only when asked to; TLS is verified against it.
            environment: { variables: { NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem" } },
            vpcConfig: { subnetIds: net.privateSubnetIds, securityGroupIds: [sg.id] },
            loggingConfig: { logFormat: "Text", logGroup: logs.name },
        },
        o({ dependsOn: [vpcAccess, readSecret, restart] }),
    );
    const steps = databaseInitSteps({ owner: args.username, databases: args.databases, extensions: args.extensions, version: args.version });
    ctx.databaseInit = new lambda.Invocation(
        `${name}-init`,
        {
            functionName: fn.name,
            // No credentials here: the function reads them from Secrets Manager.
            input: pulumi.jsonStringify({
                host: primary.address,
                port: primary.port,
                user: args.username,
                // RDS creates `postgres` on every instance (no dbName is set: databases[0] does not exist before the first run).
                adminDatabase: "postgres",
                secretArn: secret.arn,
                roleSecrets: pulumi.all(Object.fromEntries(roleSecrets.map((r) => [r.database, r.secret.arn]))),
                steps,
                retire: retireStatement({ owner: args.username, databases: args.databases }),
                timeouts: INIT_TIMEOUTS,
                // Replicas first, then the primary (with failover when Multi-AZ: shorter downtime).
                restart: { instances: [...replicas.map((r) => ({ id: r.identifier, failover: false })), { id: primary.identifier, failover: args.highAvailability }], ...RESTART_BOUNDS },
            }),
            // A changed static parameter re-runs the function, which restarts what is pending a reboot.
            // A rotated role password is a new secret version: its id (not the value) re-runs the function.
            triggers: {
                server: primary.resourceId,
                plan: JSON.stringify(steps),
                staticParameters: JSON.stringify(staticParameters(args.parameters)),
                ...Object.fromEntries(roleSecrets.map((r) => [`role-${r.database}`, r.version.versionId])),
            },
        },
        o({ dependsOn: [primary, secretVersion, ...roleSecrets.map((r) => r.version), ...net.egressReady] }),
    );
}
