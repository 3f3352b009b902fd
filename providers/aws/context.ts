import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecs from "@pulumi/aws/ecs";
import * as lb from "@pulumi/aws/lb";
import * as servicediscovery from "@pulumi/aws/servicediscovery";
import * as sns from "@pulumi/aws/sns";
import { Provider } from "@pulumi/aws/provider";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { Settings } from "../../stacks/settings";
import { Naming } from "./naming";
import { stackTags } from "../../stacks/tags";

/** What the network call creates and later calls attach to. */
export interface NetworkState {
    vpc: ec2.Vpc;
    publicSubnetIds: pulumi.Output<string>[];
    privateSubnetIds: pulumi.Output<string>[];
    /** Routes through NAT: anything that must reach AWS APIs from a private subnet waits for them. */
    egressReady: pulumi.Resource[];
    albSecurityGroup: ec2.SecurityGroup;
    serviceSecurityGroups: Record<string, ec2.SecurityGroup>;
    databaseSecurityGroup?: ec2.SecurityGroup;
    cacheSecurityGroup?: ec2.SecurityGroup;
    searchSecurityGroup?: ec2.SecurityGroup;
    /** Cloud Map private DNS namespace of the services others call (present when any service calls another). */
    discovery?: servicediscovery.PrivateDnsNamespace;
}

/** What the foundation (the stack-level step, first) creates for the whole stack. */
export interface FoundationState {
    cluster: ecs.Cluster;
    capacityProviders: ecs.ClusterCapacityProviders;
    alarmTopic: sns.Topic;
    /** Present when scheduled jobs report failures through EventBridge rules. */
    alarmTopicPolicy?: sns.TopicPolicy;
    /** What an OpenSearch VPC domain waits for (the service-linked role, when this stack declares it). */
    searchPrerequisites: pulumi.Output<pulumi.Resource[]>;
}

export interface LoadBalancerState {
    alb: lb.LoadBalancer;
    targetGroups: Record<string, lb.TargetGroup>;
    /** Listeners and rules: an ECS service may only attach after its target group is behind a listener. */
    listenerResources: pulumi.Resource[];
}

/**
 * One per stack: the explicit provider, tags, naming, and what earlier calls created.
 * Held by the backend instance, never in module state, so several stacks can run in one process.
 */
export class AwsContext {
    readonly provider: Provider;
    readonly naming: Naming;
    readonly region: string;
    readonly tags: Record<string, string>;
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly prod: boolean;
    foundation?: FoundationState;
    network?: NetworkState;
    loadBalancer?: LoadBalancerState;
    /** The step that creates the logical databases and extensions: services that use the database start after it. */
    databaseInit?: pulumi.Resource;
    /** The CA certificates (PEM) of the database server: each task that uses the database gets them as a file (database-ca.ts). */
    databaseCa?: pulumi.Output<string>;
    /** The step that applies the workloads' search users: services and jobs that use search start after it. */
    searchReady: pulumi.Resource[] = [];
    /** Logical bucket -> its ARN, for task roles scoped to the buckets a service uses. */
    readonly bucketArns: Record<string, pulumi.Output<string>> = {};

    constructor(readonly settings: Settings) {
        this.naming = new Naming(settings.project, settings.stack);
        this.region = settings.aws.region;
        this.prod = settings.environment === "prod";
        this.tags = stackTags(settings);
        this.provider = new Provider(`aws-${this.naming.base}`, {
            region: this.region,
            defaultTags: { tags: this.tags },
        });
        this.accountId = getCallerIdentityOutput({}, { provider: this.provider }).accountId;
        this.partition = getPartitionOutput({}, { provider: this.provider }).partition;
    }

    /** Options for a resource under a component. */
    opts(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { ...extra, provider: this.provider, parent };
    }

    /** Options for a stateful resource: `protect` when the stack protects its data. */
    dataOpts(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { ...extra, provider: this.provider, parent, protect: this.settings.protect };
    }

    invokeOpts(parent: pulumi.Resource): pulumi.InvokeOutputOptions {
        return { provider: this.provider, parent };
    }

    requireFoundation(): FoundationState {
        if (!this.foundation) {
            throw new Error("aws backend: foundation() must run before the other components (topology order)");
        }
        return this.foundation;
    }

    requireNetwork(): NetworkState {
        if (!this.network) {
            throw new Error("aws backend: network() must run before the other components (topology order)");
        }
        return this.network;
    }

    /** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
    arn(service: string, resource: string, regional = true): pulumi.Output<string> {
        return pulumi.interpolate`arn:${this.partition}:${service}:${regional ? this.region : ""}:${this.accountId}:${resource}`;
    }

    /**
     * The trust policy of every ECS task role (and task execution role) of the stack: ECS tasks of
     * this account only. One Output, made on first use and shared (two roles a workload).
     */
    get ecsTaskTrust(): pulumi.Output<string> {
        return (this.taskTrust ??= pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": this.accountId } } }],
        }));
    }
    private taskTrust?: pulumi.Output<string>;

    /** The AWS managed policy of ECS task execution, in the stack's partition: one Output likewise. */
    get ecsTaskExecutionPolicyArn(): pulumi.Output<string> {
        return (this.taskExecutionPolicyArn ??= pulumi.interpolate`arn:${this.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`);
    }
    private taskExecutionPolicyArn?: pulumi.Output<string>;
}
