import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on AWS (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). Read from hashicorp/terraform-provider-aws (the provider pulumi-aws bridges): each
 * row names the file under internal/service/ whose schema marks these inputs `ForceNew`
 * (SDKv2) or `RequiresReplace` (framework); Pulumi property names (camelCase, `alarm_name`
 * and `function_name` are Pulumi's `name`).
 * `stateful` marks what holds data a replacement or deletion loses; `nameProperty` is the
 * bridged provider's auto-named property: set explicitly, the bridge deletes before replacing.
 */
export const replaceForcing: ReplaceTable = {
    "aws:acm/certificate:Certificate": {
        source: "hashicorp/terraform-provider-aws internal/service/acm/certificate.go",
        forceNew: ["certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod", "validationOptions"],
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        source: "hashicorp/terraform-provider-aws internal/service/acm/certificate_validation.go",
        forceNew: ["certificateArn", "validationRecordFqdns"],
    },
    "aws:appautoscaling/policy:Policy": {
        source: "hashicorp/terraform-provider-aws internal/service/appautoscaling/policy.go",
        forceNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    },
    "aws:appautoscaling/target:Target": {
        source: "hashicorp/terraform-provider-aws internal/service/appautoscaling/target.go",
        forceNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    },
    "aws:cloudwatch/eventRule:EventRule": {
        source: "hashicorp/terraform-provider-aws internal/service/events/rule.go",
        nameProperty: "name",
        forceNew: ["eventBusName", "name", "namePrefix"],
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        source: "hashicorp/terraform-provider-aws internal/service/events/target.go",
        forceNew: ["eventBusName", "rule", "targetId"],
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/logs/group.go",
        nameProperty: "name",
        forceNew: ["logGroupClass", "name", "namePrefix"],
    },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
        source: "hashicorp/terraform-provider-aws internal/service/logs/resource_policy.go",
        forceNew: ["policyName"],
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        source: "hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go (alarm_name, Pulumi `name`)",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:ec2/eip:Eip": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/ec2_eip.go",
        forceNew: ["address", "customerOwnedIpv4Pool", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"],
    },
    "aws:ec2/internetGateway:InternetGateway": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_internet_gateway.go (vpc_id is attached/detached in place)",
        forceNew: [],
    },
    "aws:ec2/natGateway:NatGateway": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_nat_gateway.go",
        forceNew: ["allocationId", "connectivityType", "privateIp", "subnetId"],
    },
    "aws:ec2/route:Route": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_route.go",
        forceNew: ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId", "routeTableId"],
    },
    "aws:ec2/routeTable:RouteTable": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_route_table.go",
        forceNew: ["vpcId"],
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_route_table_association.go",
        forceNew: ["gatewayId", "subnetId"],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_security_group.go",
        nameProperty: "name",
        forceNew: ["description", "name", "namePrefix", "vpcId"],
    },
    "aws:ec2/subnet:Subnet": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_subnet.go",
        forceNew: ["availabilityZone", "availabilityZoneId", "cidrBlock", "outpostArn", "vpcId"],
    },
    "aws:ec2/vpc:Vpc": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_.go",
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        source: "hashicorp/terraform-provider-aws internal/service/ec2/vpc_endpoint.go",
        forceNew: ["serviceName", "serviceRegion", "vpcEndpointType", "vpcId"],
    },
    "aws:ecs/cluster:Cluster": {
        source: "hashicorp/terraform-provider-aws internal/service/ecs/cluster.go",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
        source: "hashicorp/terraform-provider-aws internal/service/ecs/cluster_capacity_providers.go",
        forceNew: ["clusterName"],
    },
    "aws:ecs/service:Service": {
        source: "hashicorp/terraform-provider-aws internal/service/ecs/service.go",
        nameProperty: "name",
        note: "CustomizeDiff capacityProviderStrategyCustomizeDiff: switching between launchType and capacityProviderStrategy replaces; changing the strategy in place requires forceNewDeployment",
        forceNew: ["cluster", "iamRole", "launchType", "name", "schedulingStrategy"],
    },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": {
        source: "hashicorp/terraform-provider-aws internal/service/servicediscovery/private_dns_namespace.go",
        forceNew: ["name", "description", "vpc"],
    },
    "aws:servicediscovery/service:Service": {
        source: "hashicorp/terraform-provider-aws internal/service/servicediscovery/service.go",
        note: "dnsConfig.dnsRecords[].type is ForceNew too (a record type change replaces)",
        forceNew: ["name", "namespaceId", "dnsConfig.namespaceId", "dnsConfig.routingPolicy", "healthCheckCustomConfig", "healthCheckConfig.type"],
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        source: "hashicorp/terraform-provider-aws internal/service/ecs/task_definition.go (every definition input is ForceNew: a change registers a new revision)",
        forceNew: ["containerDefinitions", "cpu", "ephemeralStorage", "executionRoleArn", "family", "inferenceAccelerators", "ipcMode", "memory", "networkMode", "pidMode", "placementConstraints", "proxyConfiguration", "requiresCompatibilities", "runtimePlatform", "taskRoleArn", "volumes"],
    },
    "aws:elasticache/parameterGroup:ParameterGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/elasticache/parameter_group.go",
        nameProperty: "name",
        forceNew: ["description", "family", "name"],
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        // Checked against the schema at hashicorp/terraform-provider-aws@001b636 (ForceNew fields and
        // CustomizeDiff); preferred_cache_cluster_azs is not ForceNew there (the earlier row had it).
        source: "hashicorp/terraform-provider-aws@001b636 internal/service/elasticache/replication_group.go",
        stateful: true,
        note: "CustomizeDiff: transit_encryption_enabled is ForceNew below engine 7.0.5; an engine or engine version downgrade and a changed node_group_configuration replace (customdiff.ForceNewIf)",
        forceNew: ["atRestEncryptionEnabled", "dataTieringEnabled", "globalReplicationGroupId", "kmsKeyId", "networkType", "port", "replicationGroupId", "securityGroupNames", "snapshotArns", "snapshotName", "subnetGroupName"],
    },
    "aws:elasticache/subnetGroup:SubnetGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/elasticache/subnet_group.go",
        nameProperty: "name",
        forceNew: ["name"],
    },
    "aws:iam/role:Role": {
        source: "hashicorp/terraform-provider-aws internal/service/iam/role.go",
        nameProperty: "name",
        forceNew: ["name", "namePrefix", "path"],
    },
    "aws:iam/rolePolicy:RolePolicy": {
        source: "hashicorp/terraform-provider-aws internal/service/iam/role_policy.go",
        forceNew: ["name", "namePrefix", "role"],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        source: "hashicorp/terraform-provider-aws internal/service/iam/role_policy_attachment.go",
        forceNew: ["policyArn", "role"],
    },
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
        source: "hashicorp/terraform-provider-aws internal/service/iam/service_linked_role.go",
        forceNew: ["awsServiceName", "customSuffix"],
    },
    "aws:lambda/function:Function": {
        source: "hashicorp/terraform-provider-aws internal/service/lambda/function.go (function_name, Pulumi `name`)",
        nameProperty: "name",
        forceNew: ["name", "packageType"],
    },
    "aws:lambda/invocation:Invocation": {
        source: "hashicorp/terraform-provider-aws internal/service/lambda/invocation.go (a new invocation re-runs the function: intended, it is idempotent)",
        forceNew: ["functionName", "input", "qualifier", "triggers"],
    },
    "aws:scheduler/schedule:Schedule": {
        source: "hashicorp/terraform-provider-aws internal/service/scheduler/schedule.go",
        nameProperty: "name",
        forceNew: ["groupName", "name", "namePrefix"],
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        source: "hashicorp/terraform-provider-aws internal/service/sns/topic_policy.go",
        forceNew: ["arn"],
    },
    "aws:lb/listener:Listener": {
        source: "hashicorp/terraform-provider-aws internal/service/elbv2/listener.go",
        forceNew: ["loadBalancerArn"],
    },
    "aws:lb/listenerRule:ListenerRule": {
        source: "hashicorp/terraform-provider-aws internal/service/elbv2/listener_rule.go",
        forceNew: ["listenerArn"],
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        source: "hashicorp/terraform-provider-aws internal/service/elbv2/load_balancer.go",
        nameProperty: "name",
        forceNew: ["customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"],
    },
    "aws:lb/targetGroup:TargetGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/elbv2/target_group.go",
        nameProperty: "name",
        forceNew: ["ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"],
    },
    "aws:opensearch/domain:Domain": {
        source: "hashicorp/terraform-provider-aws internal/service/opensearch/domain.go",
        stateful: true,
        note: "CustomizeDiff: turning encryption at rest or node-to-node encryption off replaces; an engine version downgrade is refused",
        forceNew: ["domainName", "encryptAtRest.kmsKeyId"],
    },
    "aws:rds/eventSubscription:EventSubscription": {
        source: "hashicorp/terraform-provider-aws internal/service/rds/event_subscription.go (sns_topic, source_type, source_ids and event_categories are modified in place)",
        nameProperty: "name",
        forceNew: ["name", "namePrefix"],
    },
    "aws:rds/instance:Instance": {
        // Checked against the schema at hashicorp/terraform-provider-aws@00e4b23: these are its ForceNew fields.
        source: "hashicorp/terraform-provider-aws@00e4b23 internal/service/rds/instance.go",
        stateful: true,
        nameProperty: "identifier",
        forceNew: ["availabilityZone", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "identifier", "identifierPrefix", "kmsKeyId", "ncharCharacterSetName", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "storageEncrypted", "timezone", "username"],
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/rds/parameter_group.go",
        nameProperty: "name",
        forceNew: ["description", "family", "name", "namePrefix"],
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        source: "hashicorp/terraform-provider-aws internal/service/rds/subnet_group.go",
        nameProperty: "name",
        forceNew: ["name", "namePrefix"],
    },
    "aws:s3/bucket:Bucket": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket.go",
        stateful: true,
        nameProperty: "bucket",
        forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"],
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_lifecycle_configuration.go",
        forceNew: ["bucket", "expectedBucketOwner"],
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_ownership_controls.go",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_policy.go",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_public_access_block.go",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_server_side_encryption_configuration.go",
        forceNew: ["bucket", "expectedBucketOwner"],
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        source: "hashicorp/terraform-provider-aws internal/service/s3/bucket_versioning.go",
        forceNew: ["bucket", "expectedBucketOwner", "mfa"],
    },
    "aws:secretsmanager/secret:Secret": {
        source: "hashicorp/terraform-provider-aws internal/service/secretsmanager/secret.go",
        stateful: true,
        nameProperty: "name",
        forceNew: ["name", "namePrefix"],
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        source: "hashicorp/terraform-provider-aws internal/service/secretsmanager/secret_version.go",
        forceNew: ["secretId"],
    },
    "aws:sns/topic:Topic": {
        source: "hashicorp/terraform-provider-aws internal/service/sns/topic.go",
        nameProperty: "name",
        forceNew: ["fifoTopic", "name", "namePrefix"],
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        source: "hashicorp/terraform-provider-aws internal/service/sns/topic_subscription.go",
        forceNew: ["endpoint", "protocol", "topic"],
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        source: "hashicorp/terraform-provider-aws internal/service/vpc/security_group_egress_rule.go (framework RequiresReplace)",
        forceNew: ["securityGroupId"],
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        source: "hashicorp/terraform-provider-aws internal/service/vpc/security_group_ingress_rule.go (framework RequiresReplace)",
        forceNew: ["securityGroupId"],
    },
    "aws:wafv2/webAcl:WebAcl": {
        source: "hashicorp/terraform-provider-aws internal/service/wafv2/web_acl.go",
        nameProperty: "name",
        forceNew: ["name", "namePrefix", "scope"],
    },
    "aws:wafv2/webAclAssociation:WebAclAssociation": {
        source: "hashicorp/terraform-provider-aws internal/service/wafv2/web_acl_association.go",
        forceNew: ["resourceArn", "webAclArn"],
    },
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {
        source: "hashicorp/terraform-provider-aws internal/service/wafv2/web_acl_logging_configuration.go",
        forceNew: ["resourceArn"],
    },
    "pulumi:providers:aws": {
        source: "pulumi-aws provider: another region is another set of resources",
        forceNew: ["region"],
    },
};
