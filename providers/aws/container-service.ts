import * as pulumi from "@pulumi/pulumi";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecr from "@pulumi/aws/ecr";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as docker from "@pulumi/docker";
import * as servicediscovery from "@pulumi/aws/servicediscovery";
import { ChildOptions, ContainerServiceArgs, ContainerServiceOutputs } from "../../components/backend";
import { SINGLETON_TAG } from "../../policy/singleton";
import { ServiceSettings } from "../../stacks/settings";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { dbCaTaskParts } from "./database-ca";


/** The image reference: as given, or built here, pushed to ECR and pinned by digest. */
function image(ctx: AwsContext, name: string, args: Pick<ContainerServiceArgs, "image">, parent: pulumi.Resource): pulumi.Output<string> {
    if (args.image.kind === "ref") {
        return pulumi.output(args.image.ref);
    }
    const repo = new ecr.Repository(
        `${name}-repo`,
        {
            name: `${ctx.naming.base}/${name}`,
            // Tags are moved by each build; tasks run the pushed digest, so mutability is harmless.
            imageTagMutability: "MUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: !ctx.settings.protect,
        },
        ctx.opts(parent),
    );
    new ecr.LifecyclePolicy(
        `${name}-repo`,
        {
            repository: repo.name,
            policy: JSON.stringify({
                rules: [
                    { rulePriority: 1, description: "expire untagged images after 7 days", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
                    { rulePriority: 2, description: "keep the last 30 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
                ],
            }),
        },
        ctx.opts(parent),
    );
    const auth = ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, ctx.invokeOpts(parent));
    const built = new docker.Image(
        `${name}-image`,
        {
            imageName: pulumi.interpolate`${repo.repositoryUrl}:${ctx.settings.stack}`,
            build: { context: args.image.context, dockerfile: args.image.dockerfile, args: args.image.args, platform: "linux/amd64" },
            registry: { server: repo.repositoryUrl, username: auth.userName, password: pulumi.secret(auth.password) },
        },
        { parent },
    );
    return built.repoDigest;
}

/** `http://<service>.<namespace>:<port>`: the A records ECS service discovery keeps for a callee's tasks. */
export function serviceUrl(ctx: AwsContext, service: Pick<ServiceSettings, "name" | "port">): pulumi.Output<string> {
    return pulumi.output(`http://${service.name}.${ctx.naming.discoveryNamespace()}:${service.port}`);
}

/** Services another service or a job of the stack calls (`uses: service:<name>`). */
function isCallee(ctx: AwsContext, name: string): boolean {
    return [...ctx.settings.services, ...ctx.settings.jobs].some((s) => s.uses.services.includes(name));
}

/** Services a before-deploy job calls: its run starts once they are steady (running tasks, registered). */
function calledBeforeDeploy(ctx: AwsContext, name: string): boolean {
    return ctx.settings.jobs.some((j) => j.trigger.kind === "beforeDeploy" && j.uses.services.includes(name));
}

/** What a task definition of a service or job is built from. */
export type TaskInputs = Pick<ContainerServiceArgs, "image" | "command" | "cpu" | "memoryMb" | "env" | "secretEnv" | "uses"> & { port?: number };

/**
 * The ECS task definition of a service or job: its log group, its secret environment in one
 * Secrets Manager secret (referenced, never in the definition), an execution role that may read
 * only that secret, a task role scoped to the buckets it uses, and its image.
 */
export function taskDefinition(
    ctx: AwsContext,
    name: string,
    args: TaskInputs,
    parent: pulumi.Resource,
): { task: ecs.TaskDefinition; imageRef: pulumi.Output<string>; logs: cloudwatch.LogGroup; taskRole: iam.Role; executionRole: iam.Role; containerNames: string[] } {
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    const logs = new cloudwatch.LogGroup(`${name}-logs`, { name: ctx.naming.logGroup(name), retentionInDays: ctx.settings.logs.retentionDays }, o());

    const secretNames = Object.keys(args.secretEnv).sort();
    const secret =
        secretNames.length > 0
            ? new secretsmanager.Secret(
                  `${name}-secrets`,
                  { namePrefix: ctx.naming.secretPrefix(name), description: `secret environment of ${name}`, recoveryWindowInDays: ctx.settings.protect ? 7 : 0 },
                  o(),
              )
            : undefined;
    const secretVersion = secret
        ? new secretsmanager.SecretVersion(
              `${name}-secrets`,
              { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify(Object.fromEntries(secretNames.map((k) => [k, args.secretEnv[k]])))) },
              o(),
          )
        : undefined;

    const executionRole = new iam.Role(`${name}-execution`, { assumeRolePolicy: ctx.ecsTaskTrust, description: `ECS agent for ${name}: pull, logs, its own secret` }, o());
    // The task definition waits for its roles' policies: a task started right after (a job's run)
    // would otherwise meet them missing, and fail to start or to reach its buckets.
    const rolePolicies: pulumi.Resource[] = [new iam.RolePolicyAttachment(`${name}-execution`, { role: executionRole.name, policyArn: ctx.ecsTaskExecutionPolicyArn }, o())];
    if (secret) {
        rolePolicies.push(new iam.RolePolicy(
            `${name}-execution-secrets`,
            { role: executionRole.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secret.arn] }] }) },
            o(),
        ));
    }
    const taskRole = new iam.Role(`${name}-task`, { assumeRolePolicy: ctx.ecsTaskTrust, description: `application role of ${name}` }, o());
    const buckets = args.uses.buckets.map((b) => ctx.bucketArns[b]).filter((arn): arn is pulumi.Output<string> => arn !== undefined);
    if (buckets.length > 0) {
        rolePolicies.push(new iam.RolePolicy(
            `${name}-task-buckets`,
            {
                role: taskRole.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: buckets },
                        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObjectVersion"], Resource: buckets.map((arn) => pulumi.interpolate`${arn}/*`) },
                    ],
                }),
            },
            o(),
        ));
    }

    const imageRef = image(ctx, name, args, parent);
    // (`all` takes each value as it is: an Output of each first was one more layer of Outputs per variable.)
    const environment = pulumi.all(args.env).apply((env) => Object.keys(env).sort().map((k) => ({ name: k, value: env[k] })));
    const logConfiguration = { logDriver: "awslogs", options: { "awslogs-group": logs.name, "awslogs-region": ctx.region, "awslogs-stream-prefix": name } };
    // A workload on the database gets the server's CA as a file (database-ca.ts).
    const dbCa = args.uses.database !== undefined && ctx.databaseCa ? dbCaTaskParts(ctx.databaseCa, logConfiguration) : undefined;
    const containerDefinitions = pulumi.jsonStringify([
        {
            name,
            image: imageRef,
            essential: true,
            command: args.command,
            portMappings: args.port !== undefined ? [{ name, containerPort: args.port, protocol: "tcp" }] : [],
            environment,
            // Only references, resolved by the agent at task start. Pinned to the version Pulumi wrote
            // (`<arn>:<key>::<version-id>`, ECS "specifying sensitive data"): a changed value is a new
            // version id, so a new task definition revision, so the service rolls its tasks.
            secrets: secret && secretVersion ? secretNames.map((k) => ({ name: k, valueFrom: pulumi.interpolate`${secret.arn}:${k}::${secretVersion.versionId}` })) : [],
            logConfiguration,
            ...(dbCa ? { mountPoints: dbCa.mountPoints, dependsOn: dbCa.dependsOn } : {}),
        },
        ...(dbCa ? [dbCa.initContainer] : []),
    ]);
    const task = new ecs.TaskDefinition(
        `${name}-task`,
        {
            family: ctx.naming.name(name, 255),
            cpu: String(Math.round(args.cpu * 1024)),
            memory: String(args.memoryMb),
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions,
            volumes: dbCa ? [dbCa.volume] : undefined,
        },
        o({ dependsOn: [...(secretVersion ? [secretVersion] : []), ...rolePolicies] }),
    );

    // In the order of the definitions above; ECS's events list a task's containers in no documented order.
    const containerNames = [name, ...(dbCa ? [String(dbCa.initContainer.name)] : [])];
    return { task, imageRef, logs, taskRole, executionRole, containerNames };
}

/**
 * ECS Fargate: one task definition and service per app service in private subnets, secrets
 * injected from Secrets Manager by the agent (never in the task definition), circuit breaker with
 * rollback, and CPU target tracking at 70 % between replicas.min and replicas.max.
 */
export function createContainerService(ctx: AwsContext, name: string, args: ContainerServiceArgs, opts: ChildOptions): ContainerServiceOutputs {
    const parent = opts.parent;
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    const net = ctx.requireNetwork();
    const isPublic = args.public && args.port !== undefined;

    const { task, imageRef } = taskDefinition(ctx, name, args, parent);

    // Target tracking on CPU cannot wake a service from 0 tasks (no CPU samples), so public services
    // keep at least 1 task even when the preset allows 0; prod's floor of 2 comes from the settings.
    const minCapacity = isPublic ? Math.max(1, args.replicas.min) : args.replicas.min;
    const maxCapacity = Math.max(minCapacity, args.replicas.max);
    // A callee's tasks register A records (awsvpc: one per task) that callers resolve; ECS
    // registers and deregisters them with the tasks ("Service discovery", ECS developer guide).
    // forceDestroy deletes records a stopped task left behind, so a destroy never fails on them.
    const registry =
        isCallee(ctx, name) && net.discovery
            ? new servicediscovery.Service(
                  `${name}-discovery`,
                  {
                      name,
                      namespaceId: net.discovery.id,
                      dnsConfig: { namespaceId: net.discovery.id, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
                      forceDestroy: true,
                      description: `tasks of ${name}, for the services that call it`,
                  },
                  o(),
              )
            : undefined;
    const spot = !ctx.prod && !isPublic;
    const targetGroup = isPublic ? ctx.loadBalancer?.targetGroups[name] : undefined;
    const service = new ecs.Service(
        `${name}-service`,
        {
            name: ctx.naming.name(name, 255),
            cluster: ctx.requireFoundation().cluster.arn,
            taskDefinition: task.arn,
            desiredCount: minCapacity,
            platformVersion: "LATEST",
            // Dev workers run on Spot (interruptible, much cheaper); everything else on on-demand Fargate.
            capacityProviderStrategies: [{ capacityProvider: spot ? "FARGATE_SPOT" : "FARGATE", weight: 1, base: 0 }],
            // The provider refuses a strategy change (a worker made public, dev to prod) without it
            // (terraform-provider-aws ecs/service.go capacityProviderStrategyCustomizeDiff).
            forceNewDeployment: true,
            networkConfiguration: { subnets: net.privateSubnetIds, securityGroups: [net.serviceSecurityGroups[name].id], assignPublicIp: false },
            loadBalancers: targetGroup ? [{ targetGroupArn: targetGroup.arn, containerName: name, containerPort: args.port! }] : [],
            serviceRegistries: registry ? { registryArn: registry.arn } : undefined,
            healthCheckGracePeriodSeconds: targetGroup ? 60 : undefined,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            // A singleton's rollout stops the old task before starting the new one: ECS counts
            // RUNNING and PENDING tasks against maximumPercent (ECS "Deployment configuration"),
            // so 100 % of 1 never lets two run. The price is a gap while the new task starts.
            deploymentMinimumHealthyPercent: args.singleton ? 0 : 100,
            deploymentMaximumPercent: args.singleton ? 100 : 200,
            availabilityZoneRebalancing: "ENABLED",
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            // A public service, and a service a before-deploy job calls (the run needs its tasks up).
            waitForSteadyState: isPublic || calledBeforeDeploy(ctx, name),
            tags: args.singleton ? { [SINGLETON_TAG]: "true" } : undefined,
        },
        o({
            // Attaching a target group that no listener uses yet fails; autoscaling owns desiredCount.
            // A service that uses the database starts once its databases and extensions exist.
            dependsOn: [ctx.requireFoundation().capacityProviders, ...(targetGroup ? ctx.loadBalancer!.listenerResources : []), ...net.egressReady, ...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.uses.search ? ctx.searchReady : []), ...(args.after ?? [])],
            ignoreChanges: ["desiredCount"],
        }),
    );

    if (!args.singleton) {
        autoscale(ctx, name, service, minCapacity, maxCapacity, parent);
    }

    const alerts = ctx.settings.alerts;
    const dims = { ClusterName: ctx.requireFoundation().cluster.name, ServiceName: service.name };
    alarm(ctx, `${name}-cpu`, { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: dims, statistic: "Average", period: 300, evaluationPeriods: 2, threshold: alerts.cpuPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: `${name} CPU` }, parent);
    alarm(ctx, `${name}-memory`, { namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: dims, statistic: "Average", period: 300, evaluationPeriods: 2, threshold: alerts.memoryPercent, comparisonOperator: "GreaterThanThreshold", alarmDescription: `${name} memory` }, parent);

    return { image: imageRef, internalUrl: registry ? serviceUrl(ctx, args) : undefined };
}

/** CPU target tracking at 70 % between the replica bounds (not for a singleton: it has exactly one). */
function autoscale(ctx: AwsContext, name: string, service: ecs.Service, minCapacity: number, maxCapacity: number, parent: pulumi.Resource) {
    const o = () => ctx.opts(parent);
    const scaling = new appautoscaling.Target(
        `${name}-scaling`,
        { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: pulumi.interpolate`service/${ctx.requireFoundation().cluster.name}/${service.name}`, minCapacity, maxCapacity },
        o(),
    );
    new appautoscaling.Policy(
        `${name}-cpu-70`,
        {
            policyType: "TargetTrackingScaling",
            serviceNamespace: scaling.serviceNamespace,
            scalableDimension: scaling.scalableDimension,
            resourceId: scaling.resourceId,
            targetTrackingScalingPolicyConfiguration: { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, scaleInCooldown: 300, scaleOutCooldown: 60 },
        },
        o(),
    );
}
