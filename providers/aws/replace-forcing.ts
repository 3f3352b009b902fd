import { ReplaceTable } from "../../stacks/changes";

/**
 * `8.0.1`, `8.0`, `6.2` → [major, minor]; `6.x` reads as 6.∞, as the provider's
 * normalizeEngineVersion sorts it (terraform-provider-aws internal/service/elasticache/engine_version.go).
 */
export function engineVersionParts(version: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+|x)/.exec(version);
    return m ? [Number(m[1]), m[2] === "x" ? Number.MAX_SAFE_INTEGER : Number(m[2])] : undefined;
}

/** `a` is a lower major.minor than `b`. */
export function versionBelow(a: [number, number], b: [number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * ElastiCache: a lower engine version re-creates the replication group
 * (engine_version.go engineVersionForceNewOnDowngrade: the new major.minor below the old one).
 */
export function elastiCacheVersionDown(before: string, after: string): boolean {
    const [b, a] = [engineVersionParts(before), engineVersionParts(after)];
    return b !== undefined && a !== undefined && versionBelow(a, b);
}

/**
 * ElastiCache: every engine change re-creates the group except Redis OSS → Valkey, which
 * ElastiCache upgrades in place (engine_version.go customizeDiffEngineForceNewOnDowngrade).
 */
export function elastiCacheEngineReplaces(before: string, after: string): boolean {
    return before !== after && !(before === "redis" && after === "valkey");
}

/**
 * Whether an OpenSearch Service domain running `from` upgrades in place to `to` (`2.19`, no
 * `OpenSearch_` prefix). The provider replaces the domain for any version its
 * GetCompatibleVersions answer does not list (domain.go ForceNewIf engine_version); that answer
 * follows the service's upgrade paths (Amazon OpenSearch Service Developer Guide, "Upgrading
 * Amazon OpenSearch Service domains", Supported upgrade paths): OpenSearch 1.3 or 2.x to a later
 * 2.x; 3.x to a later 3.x; 2.x to 3.x only from 2.19 ("you must first upgrade to OpenSearch 2.19
 * before upgrading to OpenSearch 3.x"); never down.
 */
export function openSearchUpgradesInPlace(from: string, to: string): boolean {
    if (from === to) return true;
    const [f, t] = [engineVersionParts(from), engineVersionParts(to)];
    if (!f || !t || versionBelow(t, f)) return false;
    if (f[0] === t[0]) return true;
    if (f[0] === 1 && f[1] === 3 && t[0] === 2) return true;
    return f[0] === 2 && f[1] === 19 && t[0] === 3;
}

/**
 * What forces a replacement, for every type this program creates on AWS (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). Read from hashicorp/terraform-provider-aws v6.58.0 (the provider pulumi-aws 7.48.0
 * bridges: its typings have `secretsmanager.Secret.type`, added in v6.57.0, and v6.57.0 gives the
 * same rows), the schema functions as lonegunmanb/terraform-provider-aws-index@2f6e22c indexes
 * them (index/internal/service/<service>/func.<name>.goindex): each row names the file and
 * function whose schema marks these inputs `ForceNew` (SDKv2) or `RequiresReplace` (framework),
 * and `note` the CustomizeDiff rules; Pulumi property names (camelCase, `alarm_name` and
 * `function_name` are Pulumi's `name`).
 * `stateful` marks what holds data a replacement or deletion loses; `nameProperty` is the
 * bridged provider's auto-named property: set explicitly, the bridge deletes before replacing.
 */
export const replaceForcing: ReplaceTable = {
    "aws:acm/certificate:Certificate": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/acm/certificate.go func resourceCertificate",
        note: "domainName and subjectAlternativeNames replace a requested (not imported) certificate through CustomizeDiff (diff.ForceNew); listed for that",
        forceNew: ["certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod", "validationOptions"],
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/acm/certificate_validation.go func resourceCertificateValidation",
        forceNew: ["certificateArn", "validationRecordFqdns"],
    },
    "aws:appautoscaling/policy:Policy": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/appautoscaling/policy.go func resourcePolicy",
        forceNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    },
    "aws:appautoscaling/target:Target": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/appautoscaling/target.go func resourceTarget",
        forceNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    },
    "aws:cloudwatch/eventRule:EventRule": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/events/rule.go func resourceRule",
        nameProperty: "name",
        forceNew: ["eventBusName", "name", "namePrefix"],
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/events/target.go func resourceTarget",
        forceNew: ["eventBusName", "rule", "targetId"],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/logs/group.go func resourceGroup",
        nameProperty: "name",
        forceNew: ["logGroupClass", "name", "namePrefix"],
    },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/logs/resource_policy.go func resourceResourcePolicy",
        forceNew: ["policyName", "resourceArn"],
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/cloudwatch/metric_alarm.go func resourceMetricAlarm (alarm_name, Pulumi `name`)",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:ec2/eip:Eip": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/ec2_eip.go func resourceEIP",
        forceNew: ["address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"],
    },
    "aws:ec2/internetGateway:InternetGateway": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_internet_gateway.go func resourceInternetGateway (vpc_id is attached/detached in place)",
        forceNew: [],
    },
    "aws:ec2/natGateway:NatGateway": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_nat_gateway.go func resourceNATGateway",
        forceNew: ["allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId"],
    },
    "aws:ec2/route:Route": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_route.go func resourceRoute",
        forceNew: ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId", "routeTableId"],
    },
    "aws:ec2/routeTable:RouteTable": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_route_table.go func resourceRouteTable",
        forceNew: ["vpcId"],
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_route_table_association.go func resourceRouteTableAssociation",
        forceNew: ["gatewayId", "subnetId"],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_security_group.go func resourceSecurityGroup",
        nameProperty: "name",
        forceNew: ["description", "name", "namePrefix", "vpcId"],
    },
    "aws:ec2/subnet:Subnet": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_subnet.go func resourceSubnet",
        note: "CustomizeDiff ForceNewIf(\"ipv6_cidr_block\"): a changed IPv6 block replaces a subnet created with assignIpv6AddressOnCreation",
        forceNew: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn", "vpcId"],
    },
    "aws:ec2/vpc:Vpc": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_.go func resourceVPC",
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ec2/vpc_endpoint.go func resourceVPCEndpoint",
        note: "CustomizeDiff: a changed privateDnsEnabled replaces an endpoint that is not of type Interface",
        forceNew: ["dnsOptions.privateDnsPreference", "dnsOptions.privateDnsSpecifiedDomains", "resourceConfigurationArn", "serviceName", "serviceNetworkArn", "serviceRegion", "vpcEndpointType", "vpcId"],
    },
    "aws:ecs/cluster:Cluster": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ecs/cluster.go func resourceCluster",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ecs/cluster_capacity_providers.go func resourceClusterCapacityProviders",
        forceNew: ["clusterName"],
    },
    "aws:ecs/service:Service": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ecs/service.go func resourceService",
        nameProperty: "name",
        note: "CustomizeDiff capacityProviderStrategyCustomizeDiff: a changed capacityProviderStrategy is refused unless forceNewDeployment is true (launchType itself is ForceNew)",
        forceNew: ["cluster", "iamRole", "launchType", "name", "schedulingStrategy"],
    },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/servicediscovery/private_dns_namespace.go func resourcePrivateDNSNamespace",
        forceNew: ["name", "vpc"],
    },
    "aws:servicediscovery/service:Service": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/servicediscovery/service.go func resourceService",
        forceNew: ["dnsConfig.dnsRecords.type", "dnsConfig.namespaceId", "dnsConfig.routingPolicy", "healthCheckConfig.type", "healthCheckCustomConfig", "healthCheckCustomConfig.failureThreshold", "name", "namespaceId", "type"],
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/ecs/task_definition.go func resourceTaskDefinition + resourceTaskDefinitionVolumeSchema (every definition input is ForceNew: a change registers a new revision)",
        forceNew: ["containerDefinitions", "cpu", "enableFaultInjection", "ephemeralStorage", "executionRoleArn", "family", "ipcMode", "memory", "networkMode", "pidMode", "placementConstraints", "proxyConfiguration", "requiresCompatibilities", "runtimePlatform", "taskRoleArn", "volumes"],
    },
    "aws:elasticache/parameterGroup:ParameterGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elasticache/parameter_group.go func resourceParameterGroup",
        nameProperty: "name",
        forceNew: ["description", "family", "name"],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        // Checked against the schema at hashicorp/terraform-provider-aws@001b636 (ForceNew fields and
        // CustomizeDiff); preferred_cache_cluster_azs is not ForceNew there (the earlier row had it).
        source: "hashicorp/terraform-provider-aws@001b636 internal/service/elasticache/replication_group.go; engine rules: engine_version.go",
        stateful: true,
        // pulumi/pulumi-aws provider/resources.go: replication_group_id is AutoNameTransform(40, lower).
        nameProperty: "replicationGroupId",
        note: "CustomizeDiff: transit_encryption_enabled is ForceNew below engine 7.0.5; a changed node_group_configuration replaces (customdiff.ForceNewIf); the engine and engine version rules are in forceNewIf",
        forceNewIf: {
            engine: { when: "any engine change but redis → valkey (customizeDiffEngineForceNewOnDowngrade)", replaces: (before, after) => elastiCacheEngineReplaces(String(before), String(after)) },
            engineVersion: { when: "a lower major.minor (customizeDiffEngineVersionForceNewOnDowngrade, engineVersionIsDowngrade)", replaces: (before, after) => elastiCacheVersionDown(String(before), String(after)) },
        },
        // durability is ForceNew from v6.51.0 (the schema pulumi-aws 7.48.0 bridges has it).
        forceNew: ["atRestEncryptionEnabled", "dataTieringEnabled", "durability", "globalReplicationGroupId", "kmsKeyId", "networkType", "port", "replicationGroupId", "securityGroupNames", "snapshotArns", "snapshotName", "subnetGroupName"],
    },
    "aws:elasticache/subnetGroup:SubnetGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elasticache/subnet_group.go func resourceSubnetGroup",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:iam/role:Role": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/iam/role.go func resourceRole",
        nameProperty: "name",
        forceNew: ["name", "namePrefix", "path"],
    },
    "aws:iam/rolePolicy:RolePolicy": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/iam/role_policy.go func resourceRolePolicy",
        forceNew: ["name", "namePrefix", "role"],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/iam/role_policy_attachment.go func resourceRolePolicyAttachment",
        forceNew: ["policyArn", "role"],
    },
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/iam/service_linked_role.go func resourceServiceLinkedRole",
        forceNew: ["awsServiceName", "customSuffix"],
    },
    "aws:lambda/function:Function": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/lambda/function.go func resourceFunction (function_name, Pulumi `name`)",
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIfChange(\"durable_config\"): adding or removing a durable config replaces",
        forceNew: ["name", "packageType", "tenancyConfig"],
    },
    "aws:lambda/invocation:Invocation": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/lambda/invocation.go func resourceInvocation (a new invocation re-runs the function: intended, it is idempotent)",
        note: "CustomizeDiff customizeDiffInputChangeWithCreateOnlyScope: with the default lifecycleScope CREATE_ONLY a changed input replaces (re-invokes); input is listed for that",
        forceNew: ["functionName", "input", "qualifier", "triggers"],
    },
    "aws:scheduler/schedule:Schedule": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/scheduler/schedule.go func resourceSchedule",
        nameProperty: "name",
        forceNew: ["groupName", "name", "namePrefix"],
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/sns/topic_policy.go func resourceTopicPolicy",
        forceNew: ["arn"],
    },
    "aws:lb/listener:Listener": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elbv2/listener.go func resourceListener",
        forceNew: ["loadBalancerArn"],
    },
    "aws:lb/listenerRule:ListenerRule": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elbv2/listener_rule.go func resourceListenerRule",
        forceNew: ["listenerArn"],
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elbv2/load_balancer.go func resourceLoadBalancer",
        nameProperty: "name",
        forceNew: ["customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"],
    },
    "aws:lb/targetGroup:TargetGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/elbv2/target_group.go func resourceTargetGroup",
        nameProperty: "name",
        forceNew: ["ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion", "targetControlPort", "targetType", "vpcId"],
    },
    "aws:opensearch/domain:Domain": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/opensearch/domain.go func resourceDomain",
        stateful: true,
        // pulumi/pulumi-aws provider/resources.go: domain_name is AutoName(255, "-").
        nameProperty: "domainName",
        note: "vpc_options is ForceNew as a block: adding or removing it replaces, its subnets and security groups change in place. CustomizeDiff: turning encryptAtRest, nodeToNodeEncryption or advancedSecurityOptions off replaces, and turning either encryption on does below engine versions that support it in place; leaving ipAddressType dualstack replaces; the engine version rule is in forceNewIf",
        forceNewIf: {
            engineVersion: {
                when: "a version the domain's GetCompatibleVersions does not list as a target (ForceNewIf engine_version): the service's documented upgrade paths, see openSearchUpgradesInPlace",
                replaces: (before, after) => !openSearchUpgradesInPlace(String(before).replace(/^OpenSearch_/, ""), String(after).replace(/^OpenSearch_/, "")),
            },
        },
        forceNew: ["domainName", "encryptAtRest.kmsKeyId", "vpcOptions#"],
    },
    "aws:rds/eventSubscription:EventSubscription": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/rds/event_subscription.go func resourceEventSubscription (sns_topic, source_type, source_ids and event_categories are modified in place)",
        nameProperty: "name",
        forceNew: ["name", "namePrefix"],
    },
    "aws:rds/instance:Instance": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/rds/instance.go func resourceInstance",
        stateful: true,
        nameProperty: "identifier",
        note: "identifier is renamed in place (ModifyDBInstance NewDBInstanceIdentifier, not ForceNew at v6.0.0 either); s3Import's fields are all ForceNew",
        forceNew: ["availabilityZone", "backupTarget", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "kmsKeyId", "ncharCharacterSetName", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "storageEncrypted", "timezone", "username"],
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/rds/parameter_group.go func resourceParameterGroup",
        nameProperty: "name",
        forceNew: ["description", "family", "name", "namePrefix"],
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/rds/subnet_group.go func resourceSubnetGroup",
        nameProperty: "name",
        forceNew: ["name", "namePrefix"],
    },
    "aws:s3/bucket:Bucket": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket.go func resourceBucket",
        stateful: true,
        nameProperty: "bucket",
        forceNew: ["bucket", "bucketNamespace", "bucketPrefix", "objectLockConfiguration.objectLockEnabled", "objectLockEnabled"],
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_lifecycle_configuration.go func bucketLifecycleConfigurationResource.Schema (framework RequiresReplace)",
        forceNew: ["bucket", "expectedBucketOwner"],
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_ownership_controls.go func resourceBucketOwnershipControls",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_policy.go func resourceBucketPolicy",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_public_access_block.go func resourceBucketPublicAccessBlock",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_server_side_encryption_configuration.go func resourceBucketServerSideEncryptionConfiguration",
        note: "CustomizeDiff: a changed expectedBucketOwner replaces",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/s3/bucket_versioning.go func resourceBucketVersioning",
        note: "CustomizeDiff: a changed expectedBucketOwner replaces (mfa is updated in place)",
        forceNew: ["bucket"],
    },
    "aws:secretsmanager/secret:Secret": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/secretsmanager/secret.go func resourceSecret",
        stateful: true,
        nameProperty: "name",
        forceNew: ["name", "namePrefix", "type"],
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/secretsmanager/secret_version.go func resourceSecretVersion",
        note: "secretString is put as a new version in place (ForceNew until v6.44.0)",
        forceNew: ["secretBinary", "secretId"],
    },
    "aws:sns/topic:Topic": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/sns/topic.go func resourceTopic, var topicSchema",
        nameProperty: "name",
        forceNew: ["fifoTopic", "name", "namePrefix"],
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/sns/topic_subscription.go func resourceTopicSubscription, var subscriptionSchema",
        forceNew: ["endpoint", "protocol", "topic"],
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/vpc/security_group_egress_rule.go func securityGroupRuleResource.Schema (framework RequiresReplace) (framework RequiresReplace)",
        forceNew: ["securityGroupId"],
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/vpc/security_group_ingress_rule.go func securityGroupRuleResource.Schema (framework RequiresReplace) (framework RequiresReplace)",
        forceNew: ["securityGroupId"],
    },
    "aws:wafv2/webAcl:WebAcl": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/wafv2/web_acl.go func resourceWebACL",
        nameProperty: "name",
        forceNew: ["name", "namePrefix", "scope"],
    },
    "aws:wafv2/webAclAssociation:WebAclAssociation": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/wafv2/web_acl_association.go func resourceWebACLAssociation",
        forceNew: ["resourceArn", "webAclArn"],
    },
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {
        source: "hashicorp/terraform-provider-aws@v6.58.0 internal/service/wafv2/web_acl_logging_configuration.go func resourceWebACLLoggingConfiguration",
        forceNew: ["logDestinationConfigs", "resourceArn"],
    },
    "pulumi:providers:aws": {
        source: "pulumi-aws provider: another region is another set of resources",
        forceNew: ["region"],
    },
};
