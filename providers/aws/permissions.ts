/**
 * What the AWS identities need, for each resource type and invoke the program uses. The README
 * (first deploy: AWS) lists the same roles; test/permissions.spec.ts fails on a type or invoke
 * without a row here, and on a role the README does not name.
 */

/** Policies of the deploy identity (`pulumi up`/`destroy`), with what each covers. */
export const DEPLOY_ROLES: Record<string, string> = {
    PowerUserAccess: "AWS managed policy: every service the stack uses except IAM (EC2/VPC, ECS, ECR, ELB, RDS, ElastiCache, OpenSearch, S3, Secrets Manager, CloudWatch, SNS, WAF, ACM, Route 53, Cloud Map, Lambda, Application Auto Scaling); includes iam:CreateServiceLinkedRole and iam:ListRoles",
    "anycloud-iam": "inline policy: iam:CreateRole, DeleteRole, GetRole, TagRole, UntagRole, UpdateRole, UpdateAssumeRolePolicy, ListRolePolicies, ListAttachedRolePolicies, ListInstanceProfilesForRole, PutRolePolicy, GetRolePolicy, DeleteRolePolicy, AttachRolePolicy, DetachRolePolicy and iam:PassRole (condition iam:PassedToService ecs-tasks.amazonaws.com, lambda.amazonaws.com, monitoring.rds.amazonaws.com, scheduler.amazonaws.com) on arn:aws:iam::<account>:role/*; iam:GetRole and iam:TagRole on role/aws-service-role/opensearchservice.amazonaws.com/*",
};

/** Policies of the preview/drift identity (`pulumi preview`, `pulumi refresh`): reads only. */
export const READ_ROLES: Record<string, string> = {
    ReadOnlyAccess: "AWS managed policy: Describe/Get/List on every service (refresh of every resource, the look-ups)",
    "anycloud-read-secrets": "inline policy: secretsmanager:GetSecretValue on arn:aws:secretsmanager:<region>:<account>:secret:anycloud/<project>/<stack>/* (refresh reads secret versions); ecr:GetAuthorizationToken (stacks that build images)",
};

/** Resource type → the deploy policy that lets the identity create, update and delete it. */
export const RESOURCE_ROLES: Record<string, keyof typeof DEPLOY_ROLES> = {
    "aws:acm/certificate:Certificate": "PowerUserAccess",
    "aws:acm/certificateValidation:CertificateValidation": "PowerUserAccess",
    "aws:appautoscaling/policy:Policy": "PowerUserAccess",
    "aws:appautoscaling/target:Target": "PowerUserAccess",
    "aws:cloudwatch/eventRule:EventRule": "PowerUserAccess",
    "aws:cloudwatch/eventTarget:EventTarget": "PowerUserAccess",
    "aws:cloudwatch/logGroup:LogGroup": "PowerUserAccess",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "PowerUserAccess",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "PowerUserAccess",
    "aws:ec2/eip:Eip": "PowerUserAccess",
    "aws:ec2/internetGateway:InternetGateway": "PowerUserAccess",
    "aws:ec2/natGateway:NatGateway": "PowerUserAccess",
    "aws:ec2/route:Route": "PowerUserAccess",
    "aws:ec2/routeTable:RouteTable": "PowerUserAccess",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "PowerUserAccess",
    "aws:ec2/securityGroup:SecurityGroup": "PowerUserAccess",
    "aws:ec2/subnet:Subnet": "PowerUserAccess",
    "aws:ec2/vpc:Vpc": "PowerUserAccess",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "PowerUserAccess",
    "aws:ecr/repository:Repository": "PowerUserAccess",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "PowerUserAccess",
    "aws:ecs/cluster:Cluster": "PowerUserAccess",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "PowerUserAccess",
    "aws:ecs/service:Service": "PowerUserAccess",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": "PowerUserAccess",
    "aws:servicediscovery/service:Service": "PowerUserAccess",
    "aws:ecs/taskDefinition:TaskDefinition": "PowerUserAccess",
    "aws:elasticache/parameterGroup:ParameterGroup": "PowerUserAccess",
    "aws:elasticache/replicationGroup:ReplicationGroup": "PowerUserAccess",
    "aws:elasticache/subnetGroup:SubnetGroup": "PowerUserAccess",
    "aws:iam/role:Role": "anycloud-iam",
    "aws:iam/rolePolicy:RolePolicy": "anycloud-iam",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "anycloud-iam",
    // Create: PowerUserAccess (iam:CreateServiceLinkedRole); adopting and tagging: anycloud-iam.
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "anycloud-iam",
    "aws:lambda/function:Function": "PowerUserAccess",
    "aws:lambda/invocation:Invocation": "PowerUserAccess",
    "aws:lb/listener:Listener": "PowerUserAccess",
    "aws:lb/listenerRule:ListenerRule": "PowerUserAccess",
    "aws:lb/loadBalancer:LoadBalancer": "PowerUserAccess",
    "aws:lb/targetGroup:TargetGroup": "PowerUserAccess",
    "aws:opensearch/domain:Domain": "PowerUserAccess",
    "aws:rds/instance:Instance": "PowerUserAccess",
    "aws:rds/parameterGroup:ParameterGroup": "PowerUserAccess",
    "aws:rds/eventSubscription:EventSubscription": "PowerUserAccess",
    "aws:rds/subnetGroup:SubnetGroup": "PowerUserAccess",
    "aws:route53/record:Record": "PowerUserAccess",
    "aws:s3/bucket:Bucket": "PowerUserAccess",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "PowerUserAccess",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "PowerUserAccess",
    "aws:s3/bucketPolicy:BucketPolicy": "PowerUserAccess",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "PowerUserAccess",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "PowerUserAccess",
    "aws:s3/bucketVersioning:BucketVersioning": "PowerUserAccess",
    "aws:secretsmanager/secret:Secret": "PowerUserAccess",
    "aws:secretsmanager/secretVersion:SecretVersion": "PowerUserAccess",
    "aws:scheduler/schedule:Schedule": "PowerUserAccess",
    "aws:sns/topic:Topic": "PowerUserAccess",
    "aws:sns/topicPolicy:TopicPolicy": "PowerUserAccess",
    "aws:sns/topicSubscription:TopicSubscription": "PowerUserAccess",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "PowerUserAccess",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "PowerUserAccess",
    "aws:wafv2/webAcl:WebAcl": "PowerUserAccess",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "PowerUserAccess",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "PowerUserAccess",
    // Built images are pushed to ECR with the token of ecr:GetAuthorizationToken.
    "docker:index/image:Image": "PowerUserAccess",
};

/** Invoke → the IAM action it calls (both identities run invokes: previews call them too). */
export const INVOKE_ACTIONS: Record<string, string> = {
    "aws:index/getCallerIdentity:getCallerIdentity": "sts:GetCallerIdentity (always allowed)",
    "aws:index/getPartition:getPartition": "none (answered by the provider)",
    "aws:index/getAvailabilityZones:getAvailabilityZones": "ec2:DescribeAvailabilityZones",
    "aws:iam/getRoles:getRoles": "iam:ListRoles",
    "aws:iam/getRole:getRole": "iam:GetRole",
    "aws:rds/getInstances:getInstances": "rds:DescribeDBInstances",
    "aws:rds/getInstance:getInstance": "rds:DescribeDBInstances",
    "aws:elasticache/getReplicationGroup:getReplicationGroup": "elasticache:DescribeReplicationGroups",
    "aws:elasticache/getCluster:getCluster": "elasticache:DescribeCacheClusters, elasticache:ListTagsForResource",
    "aws:opensearch/getDomain:getDomain": "es:DescribeDomain, es:DescribeDomainConfig, es:ListTags",
    "aws:elb/getServiceAccount:getServiceAccount": "none (a table in the provider)",
    "aws:route53/getZone:getZone": "route53:ListHostedZones, route53:GetHostedZone",
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": "ecr:GetAuthorizationToken",
};
