import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as opensearch from "@pulumi/aws/opensearch";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as vpc from "@pulumi/aws/vpc";
import { ChildOptions, SearchClusterArgs, SearchClusterInputs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { applierEvent, securityRequests } from "../../components/search-users";
import { SEARCH_USERS_HANDLER } from "../../components/search-users-function";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { PORTS } from "./network";
import { openSearchUpgradesInPlace } from "./replace-forcing";
import { ConfigError, ConfigProblem, problem } from "../../stacks/errors";
import { SEARCH_INSTANCE_TYPES, SEARCH_MASTER_TYPE } from "./sizes";
import { OPENSEARCH_VERSIONS } from "../../stacks/settings";

/** Zone-aware domains spread data nodes over 2 or 3 AZs; the node count must divide evenly. */
export function searchZoneCount(nodes: number, zones: number): number {
    if (nodes <= 1) {
        return 1;
    }
    return nodes % 3 === 0 && zones >= 3 ? 3 : 2;
}

export function createSearchCluster(ctx: AwsContext, name: string, args: SearchClusterInputs, opts: ChildOptions): SearchClusterOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const size = SEARCH_INSTANCE_TYPES[args.size];
    const domainName = ctx.naming.searchDomain(name);
    const zoneCount = searchZoneCount(args.nodes, ctx.settings.network.zones);
    const username = "anycloud-admin";
    // The security plugin demands upper, lower, digit and special characters.
    const password = generatedPassword(`${name}-master-password`, { length: 32, special: true, overrideSpecial: "!#%^*-_=+", requireEveryClass: true }, { parent });

    const logTypes = ["ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "AUDIT_LOGS"];
    const logGroups = logTypes.map(
        (type) =>
            new cloudwatch.LogGroup(
                `${name}-${type.toLowerCase().replace(/_/g, "-")}`,
                { name: ctx.naming.logGroup(`${name}/${type.toLowerCase().replace(/_/g, "-")}`), retentionInDays: ctx.settings.logs.retentionDays },
                ctx.opts(parent),
            ),
    );
    // OpenSearch writes to the groups as a service: it needs this (account-wide, max 10 per region) policy.
    const logPolicy = new cloudwatch.LogResourcePolicy(
        `${name}-log-policy`,
        {
            policyName: ctx.naming.name(`${name}-opensearch-logs`, 255),
            policyDocument: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "es.amazonaws.com" },
                        Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
                        Resource: logGroups.map((g) => pulumi.interpolate`${g.arn}:*`),
                        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
                    },
                ],
            }),
        },
        ctx.opts(parent),
    );

    const checked = checkedAgainstOpenSearch(ctx, domainName, args, parent);
    const dataNodes = args.nodes;
    const multiNode = dataNodes > 1;
    const domain = new opensearch.Domain(
        `${name}-domain`,
        {
            domainName,
            // Checked against what runs: a version the domain cannot upgrade to in place (lower,
            // or a skip such as 2.17 → 3.1) re-creates it, empty; refused unless search.allowRecreate.
            engineVersion: checked,
            clusterConfig: {
                instanceType: size.instanceType,
                instanceCount: dataNodes,
                zoneAwarenessEnabled: multiNode,
                zoneAwarenessConfig: multiNode ? { availabilityZoneCount: zoneCount } : undefined,
                // Three dedicated masters keep a quorum through a zone loss in multi-node domains.
                dedicatedMasterEnabled: dataNodes >= 3,
                dedicatedMasterType: dataNodes >= 3 ? SEARCH_MASTER_TYPE : undefined,
                dedicatedMasterCount: dataNodes >= 3 ? 3 : undefined,
            },
            ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: args.storageGb },
            vpcOptions: { subnetIds: net.privateSubnetIds.slice(0, zoneCount), securityGroupIds: [net.searchSecurityGroup!.id] },
            encryptAtRest: { enabled: true },
            nodeToNodeEncryption: { enabled: true },
            domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
            advancedSecurityOptions: {
                enabled: true,
                anonymousAuthEnabled: false,
                internalUserDatabaseEnabled: true,
                masterUserOptions: { masterUserName: username, masterUserPassword: password },
            },
            // The VPC security group and fine-grained access control decide who gets in.
            accessPolicies: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:ESHttp*", Resource: ctx.arn("es", `domain/${domainName}/*`) }],
            }),
            autoTuneOptions: size.burstable ? { desiredState: "DISABLED" } : { desiredState: "ENABLED", rollbackOnDisable: "NO_ROLLBACK", useOffPeakWindow: true },
            offPeakWindowOptions: { enabled: true, offPeakWindow: { windowStartTime: { hours: 2, minutes: 0 } } },
            softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
            logPublishingOptions: logTypes.map((logType, i) => ({ logType, cloudwatchLogGroupArn: logGroups[i].arn, enabled: true })),
        },
        ctx.dataOpts(parent, {
            dependsOn: ctx.requireFoundation().searchPrerequisites.apply((roles) => [logPolicy, ...roles]),
            // Domains routinely take 30-60 min and sometimes longer (terraform-provider-aws#33897).
            customTimeouts: { create: "90m", update: "90m", delete: "90m" },
        }),
    );

    const alerts = ctx.settings.alerts;
    const dims = { DomainName: domain.domainName, ClientId: ctx.accountId };
    alarm(ctx, `${name}-red`, { namespace: "AWS/ES", metricName: "ClusterStatus.red", dimensions: dims, statistic: "Maximum", period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", alarmDescription: "search cluster red" }, parent);
    alarm(ctx, `${name}-cpu`, { namespace: "AWS/ES", metricName: "CPUUtilization", dimensions: dims, statistic: "Average", period: 300, evaluationPeriods: 3, threshold: alerts.cpuPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: "search CPU" }, parent);
    alarm(ctx, `${name}-jvm`, { namespace: "AWS/ES", metricName: "JVMMemoryPressure", dimensions: dims, statistic: "Maximum", period: 300, evaluationPeriods: 3, threshold: alerts.memoryPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: "search JVM memory pressure" }, parent);
    // FreeStorageSpace is MiB per node.
    alarm(ctx, `${name}-storage`, { namespace: "AWS/ES", metricName: "FreeStorageSpace", dimensions: dims, statistic: "Minimum", period: 300, evaluationPeriods: 1, threshold: Math.round(((100 - alerts.diskPercent) / 100) * args.storageGb * 1024), comparisonOperator: "LessThanThreshold", alarmDescription: `search storage > ${alerts.diskPercent}% used` }, parent);

    applySearchUsers(ctx, name, args, { domain, username, password, parent });

    return { url: pulumi.interpolate`https://${domain.endpoint}:443`, username: pulumi.output(username), password };
}

/** The users function's bound: the applier's wait (APPLIER_BOUNDS.waitMs, 600 s) plus its requests. */
export const USERS_FUNCTION_TIMEOUT_SECONDS = 900;

/**
 * The workloads' users exist only through the security plugin's REST API on a domain inside the
 * VPC (fine-grained access control, internal user database): a VPC Lambda with no dependency
 * (components/search-users-function.ts) applies them as the master user, reading every password
 * from Secrets Manager, and `lambda.Invocation` runs it on create and whenever the plan (users,
 * role), a password (its secret version) or the domain changes. Idempotent: each PUT replaces its
 * entry; managed users no workload uses any more are deleted. Services and jobs that use search
 * start after it (ctx.searchReady). With the internal user database, users, roles and mappings are
 * managed through that API as the master user (Amazon OpenSearch Service Developer Guide,
 * "Fine-grained access control": "Managing permissions", "REST API differences"; paths and bodies:
 * docs.opensearch.org security/api/users, roles, role-mappings, and components/search-users.ts).
 */
function applySearchUsers(
    ctx: AwsContext,
    name: string,
    args: SearchClusterInputs,
    deps: { domain: opensearch.Domain; username: string; password: pulumi.Output<string>; parent: pulumi.Resource },
): void {
    const { domain, username, password, parent } = deps;
    const net = ctx.requireNetwork();
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    // {username, password}, like the database's credentials: what the function reads.
    const stored = (id: string, description: string, user: string, value: pulumi.Output<string>) => {
        const secret = new secretsmanager.Secret(
            `${name}-${id}`,
            { namePrefix: ctx.naming.secretPrefix(`${name}-${id}`), description, recoveryWindowInDays: ctx.settings.protect ? 7 : 0 },
            o(),
        );
        const version = new secretsmanager.SecretVersion(`${name}-${id}`, { secretId: secret.id, secretString: pulumi.jsonStringify({ username: user, password: value }) }, o());
        return { secret, version };
    };
    const admin = stored("master-password", "OpenSearch master user (the program's own)", username, password);
    const users = args.users.map((u) => ({ user: u, ...stored(`user-${u.workload}`, `OpenSearch user of ${u.workload}`, u.username, u.password) }));

    const tier = `${name}-users`;
    const sg = new ec2.SecurityGroup(`${name}-users`, { vpcId: net.vpc.id, name: ctx.naming.name(`${name}-users`, 255), description: "Search users function: OpenSearch and AWS APIs only", tags: { tier } }, o());
    const rules = [
        new vpc.SecurityGroupEgressRule(`${name}-users-to-search`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: PORTS.https, toPort: PORTS.https, referencedSecurityGroupId: net.searchSecurityGroup!.id, description: "to OpenSearch", tags: { tier } }, o()),
        new vpc.SecurityGroupEgressRule(`${name}-users-to-aws-apis`, { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: PORTS.https, toPort: PORTS.https, cidrIpv4: "0.0.0.0/0", description: "Secrets Manager via NAT", tags: { tier } }, o()),
        new vpc.SecurityGroupIngressRule(`${name}-from-users`, { securityGroupId: net.searchSecurityGroup!.id, ipProtocol: "tcp", fromPort: PORTS.https, toPort: PORTS.https, referencedSecurityGroupId: sg.id, description: "from the search users function", tags: { tier: "search" } }, o()),
    ];
    const role = new iam.Role(
        `${name}-users`,
        { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
        o(),
    );
    const vpcAccess = new iam.RolePolicyAttachment(
        `${name}-users-vpc`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole` },
        o(),
    );
    const readSecrets = new iam.RolePolicy(
        `${name}-users-secrets`,
        {
            role: role.id,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [admin.secret.arn, ...users.map((u) => u.secret.arn)] }] }),
        },
        o(),
    );
    const functionName = ctx.naming.name(`${name}-users`, 64);
    const logs = new cloudwatch.LogGroup(`${name}-users`, { name: `/aws/lambda/${functionName}`, retentionInDays: ctx.settings.logs.retentionDays }, o());
    const fn = new lambda.Function(
        `${name}-users`,
        {
            name: functionName,
            description: "Applies the search users of the workloads (idempotent)",
            runtime: "nodejs22.x",
            handler: "index.handler",
            role: role.arn,
            timeout: USERS_FUNCTION_TIMEOUT_SECONDS,
            memorySize: 128,
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(SEARCH_USERS_HANDLER) }),
            vpcConfig: { subnetIds: net.privateSubnetIds, securityGroupIds: [sg.id] },
            loggingConfig: { logFormat: "Text", logGroup: logs.name },
        },
        o({ dependsOn: [vpcAccess, readSecrets] }),
    );
    const invocation = new lambda.Invocation(
        `${name}-users`,
        {
            functionName: fn.name,
            // No password here: secret ARNs only.
            input: pulumi
                .all([domain.endpoint, admin.secret.arn, ...users.map((u) => u.secret.arn)])
                .apply(([endpoint, adminArn, ...arns]) =>
                    JSON.stringify(
                        applierEvent({
                            url: `https://${endpoint}`,
                            adminUsername: username,
                            adminPasswordRef: adminArn,
                            users: args.users,
                            passwordRefs: Object.fromEntries(args.users.map((u, i) => [u.username, arns[i]])),
                            passwordSource: "secretsmanager",
                            tls: "verify",
                        }),
                    ),
                ),
            // A rotated password is a new secret version: the function runs again and sets it.
            triggers: {
                domain: domain.arn,
                plan: JSON.stringify(securityRequests(args.users, (u) => u.username)),
                admin: admin.version.versionId,
                ...Object.fromEntries(users.map((u) => [u.user.username, u.version.versionId])),
            },
        },
        o({ dependsOn: [domain, admin.version, ...users.map((u) => u.version), ...rules, ...net.egressReady] }),
    );
    ctx.searchReady = [invocation];
}

/**
 * The problems of the configured `search.version` against the version the domain of this name
 * runs (undefined: none yet, so anything goes). The provider replaces the domain for a version it
 * cannot upgrade to in place (terraform-provider-aws internal/service/opensearch/domain.go,
 * CustomizeDiff ForceNewIf engine_version on GetCompatibleVersions; the paths:
 * openSearchUpgradesInPlace): a new, empty domain under the same name, the old one deleted first
 * (the name is explicit). Refused unless `search.allowRecreate`, naming the versions it can
 * take: a skip (2.17 → 3.1) goes through 2.19 with one `up` each.
 */
export function openSearchProblems(args: Pick<SearchClusterArgs, "version" | "allowRecreate">, running: string | undefined, domain: string): ConfigProblem[] {
    if (running === undefined || openSearchUpgradesInPlace(running, args.version) || args.allowRecreate) return [];
    const inPlace = [...OPENSEARCH_VERSIONS].sort((a, b) => a.localeCompare(b, "en", { numeric: true })).filter((v) => openSearchUpgradesInPlace(running, v));
    const via = OPENSEARCH_VERSIONS.find((v) => v !== running && openSearchUpgradesInPlace(running, v) && openSearchUpgradesInPlace(v, args.version));
    return [
        problem(
            "search.version",
            args.version,
            `${inPlace.length > 0 ? inPlace.join(" or ") : "the running version"} (the OpenSearch domain ${domain} runs ${running}, and OpenSearch Service upgrades in place only along its upgrade paths, never down` +
                `${via ? `: reach ${args.version} through ${via}, one \`up\` each` : ""}), or ${JSON.stringify(args.version)} together with search.allowRecreate: true, which deletes the domain and creates a new, empty one ` +
                `(\`pulumi config set --path anycloud:search.allowRecreate true\`)`,
        ),
    ];
}

/**
 * What OpenSearch Service runs under this domain name (`2.19`), or undefined when there is no such
 * domain: the data source answers any DescribeDomain failure with "your query returned no results"
 * (domain_data_source.go), and a deployer who may manage the domain may describe it.
 */
async function runningVersion(ctx: AwsContext, domain: string, parent: pulumi.Resource): Promise<string | undefined> {
    try {
        const found = await opensearch.getDomain({ domainName: domain }, { provider: ctx.provider, parent });
        return found.engineVersion.replace(/^OpenSearch_/, "");
    } catch (e) {
        if (/your query returned no results|ResourceNotFoundException/.test(String(e instanceof Error ? e.message : e))) return undefined;
        throw e;
    }
}

/**
 * The engine version to send, once OpenSearch Service's answer for the running domain allows
 * `search.version` (the same look-up as the RDS check in database.ts). A refusal is one config
 * error, in the preview, before the domain is sent.
 */
function checkedAgainstOpenSearch(ctx: AwsContext, domain: string, args: SearchClusterArgs, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.output(domain).apply(async (name) => {
        const problems = openSearchProblems(args, await runningVersion(ctx, name, parent), name);
        if (problems.length > 0) {
            throw new ConfigError(problems);
        }
        return `OpenSearch_${args.version}`;
    });
}
