import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as opensearch from "@pulumi/aws/opensearch";
import { ChildOptions, SearchClusterArgs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { SEARCH_INSTANCE_TYPES, SEARCH_MASTER_TYPE } from "./sizes";

/** Zone-aware domains spread data nodes over 2 or 3 AZs; the node count must divide evenly. */
export function searchZoneCount(nodes: number, zones: number): number {
    if (nodes <= 1) {
        return 1;
    }
    return nodes % 3 === 0 && zones >= 3 ? 3 : 2;
}

export function createSearchCluster(ctx: AwsContext, name: string, args: SearchClusterArgs, opts: ChildOptions): SearchClusterOutputs {
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

    const dataNodes = args.nodes;
    const multiNode = dataNodes > 1;
    const domain = new opensearch.Domain(
        `${name}-domain`,
        {
            domainName,
            engineVersion: `OpenSearch_${args.version}`,
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

    return { url: pulumi.interpolate`https://${domain.endpoint}:443`, username: pulumi.output(username), password };
}
