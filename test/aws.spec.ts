import * as assert from "assert";
import { Plan, planError, stringsIn, baseline } from "./harness";
import { CapturedResource } from "../stacks/offline";

const aws = { cloud: "aws" };
const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    rds: "aws:rds/instance:Instance",
    redis: "aws:elasticache/replicationGroup:ReplicationGroup",
    domain: "aws:opensearch/domain:Domain",
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    waf: "aws:wafv2/webAcl:WebAcl",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    invocation: "aws:lambda/invocation:Invocation",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    password: "random:index/randomPassword:RandomPassword",
};

const EXPECTED_BY_COMPONENT: Record<string, string[]> = {
    Foundation: ["aws:ecs/cluster:Cluster", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws:sns/topic:Topic"],
    Network: [T.vpc, T.subnet, T.nat, T.sg, T.ingress, T.egress, "aws:ec2/vpcEndpoint:VpcEndpoint"],
    Database: [T.rds, "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup", "aws:lambda/function:Function", T.invocation, T.alarm],
    Cache: [T.redis, "aws:elasticache/parameterGroup:ParameterGroup", "aws:elasticache/subnetGroup:SubnetGroup", T.alarm],
    SearchCluster: [T.domain, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:cloudwatch/logGroup:LogGroup", T.alarm],
    ObjectStore: [T.bucket, T.pab, T.sse, "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketPolicy:BucketPolicy"],
    LoadBalancer: [T.alb, "aws:lb/targetGroup:TargetGroup", T.listener, T.waf, "aws:wafv2/webAclAssociation:WebAclAssociation", T.alarm],
    ContainerService: [T.task, T.service, "aws:cloudwatch/logGroup:LogGroup", "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy", T.alarm],
};

function under(p: Plan, component: CapturedResource): string[] {
    return p.descendantsOf(component).map((r) => r.type);
}

/** The logical name of the security group a rule references (mock ids are `<name>-<8 hex>`). */
function sgName(p: Plan, id: unknown): string | undefined {
    return typeof id === "string" ? p.ofType(T.sg).find((sg) => id.startsWith(`${sg.name}-`) && /^[0-9a-f]{8}$/.test(id.slice(sg.name.length + 1)))?.name : undefined;
}

describe("aws backend", function () {
    this.timeout(120000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev", set: aws });
        prod = await baseline({ stack: "prod", set: aws });
    });

    it("creates the expected resource types per component, all with the explicit provider", () => {
        for (const p of [dev, prod]) {
            for (const [component, types] of Object.entries(EXPECTED_BY_COMPONENT)) {
                for (const c of p.ofType(`anycloud:index:${component}`)) {
                    const found = under(p, c);
                    for (const type of types) {
                        assert.ok(found.includes(type), `${component} ${c.name} lacks ${type}`);
                    }
                }
            }
            const providers = p.ofType("pulumi:providers:aws");
            assert.strictEqual(providers.length, 1);
            const defaultTags = typeof providers[0].inputs.defaultTags === "string" ? JSON.parse(providers[0].inputs.defaultTags) : providers[0].inputs.defaultTags;
            assert.strictEqual(providers[0].inputs.region, p === dev ? "us-east-1" : "eu-west-1");
            assert.deepStrictEqual(Object.keys(defaultTags.tags).sort(), ["environment", "managed-by", "project", "stack"]);
            for (const r of p.resources.filter((r) => r.type.startsWith("aws:"))) {
                assert.ok(r.provider?.startsWith(providers[0].urn), `${r.type} ${r.name} has no explicit provider`);
                assert.ok(r.parent, `${r.type} ${r.name} has no parent`);
            }
        }
        assert.strictEqual(dev.ofType(T.nat).length, 1);
        assert.strictEqual(prod.ofType(T.nat).length, 3);
        assert.strictEqual(dev.ofType(T.subnet).length, 4);
        assert.strictEqual(prod.ofType(T.subnet).length, 6);
    });

    it("keeps every data-bearing resource private and encrypted", () => {
        for (const p of [dev, prod]) {
            for (const db of p.ofType(T.rds)) {
                assert.strictEqual(db.inputs.publiclyAccessible, false);
                assert.strictEqual(db.inputs.storageEncrypted, true);
            }
            const pg = p.one("aws:rds/parameterGroup:ParameterGroup");
            assert.ok(pg.inputs.parameters.some((x: any) => x.name === "rds.force_ssl" && x.value === "1"));
            const redis = p.one(T.redis);
            assert.strictEqual(redis.inputs.transitEncryptionEnabled, true);
            assert.strictEqual(redis.inputs.atRestEncryptionEnabled, true);
            assert.ok(redis.secretPaths.includes("authToken"));
            assert.match(p.one(T.password, "cache-auth-token").inputs.overrideSpecial, /^[!&#$^<>-]+$/);
            const domain = p.one(T.domain);
            assert.strictEqual(domain.inputs.encryptAtRest.enabled, true);
            assert.strictEqual(domain.inputs.nodeToNodeEncryption.enabled, true);
            assert.strictEqual(domain.inputs.domainEndpointOptions.enforceHttps, true);
            assert.strictEqual(domain.inputs.advancedSecurityOptions.enabled, true);
            assert.ok(domain.inputs.vpcOptions.subnetIds.length >= 1);
            assert.ok(/^[a-z][a-z0-9-]{2,27}$/.test(domain.inputs.domainName));
            for (const b of p.ofType(T.bucket)) {
                const pab = p.ofType(T.pab).find((x) => x.name === b.name)!;
                assert.ok(pab && pab.inputs.blockPublicAcls && pab.inputs.blockPublicPolicy && pab.inputs.ignorePublicAcls && pab.inputs.restrictPublicBuckets, `${b.name} public`);
                assert.ok(p.ofType(T.sse).some((x) => x.name === b.name), `${b.name} unencrypted`);
                const policy = JSON.parse(p.ofType("aws:s3/bucketPolicy:BucketPolicy").find((x) => x.name === b.name)!.inputs.policy);
                assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
                assert.ok(b.inputs.bucket.length <= 63 && b.inputs.bucket === b.inputs.bucket.toLowerCase());
            }
            for (const s of p.ofType(T.service)) {
                assert.strictEqual(s.inputs.networkConfiguration.assignPublicIp, false);
            }
            for (const name of [p.one(T.alb).inputs.name, ...p.ofType("aws:lb/targetGroup:TargetGroup").map((t) => t.inputs.name)]) {
                assert.ok(name.length <= 32, name);
            }
        }
        const docs = prod.one(T.sse, "storage-documents");
        assert.strictEqual(docs.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    });

    it("derives security group rules exactly from `uses`", () => {
        for (const p of [dev, prod]) {
            const rules = [...p.ofType(T.ingress).map((r) => ({ r, dir: "in" })), ...p.ofType(T.egress).map((r) => ({ r, dir: "out" }))];
            const edges = (group: string, port: number, dir: string) =>
                rules
                    .filter(({ r, dir: d }) => d === dir && sgName(p, r.inputs.securityGroupId) === group && r.inputs.fromPort === port)
                    .map(({ r }) => sgName(p, r.inputs.referencedSecurityGroupId) ?? r.inputs.cidrIpv4)
                    .sort();
            // Worked example: app+worker use the database and search; app, worker, processor use the cache.
            // The dev example's jobs (migrate, nightly) use the database too, each from its own group.
            const jobs = p === dev ? ["network-svc-migrate", "network-svc-nightly"] : [];
            assert.deepStrictEqual(edges("network-database", 5432, "in"), ["database-init", "network-svc-app", ...jobs, "network-svc-worker"]);
            assert.deepStrictEqual(edges("network-cache", 6379, "in"), ["network-svc-app", "network-svc-processor", "network-svc-worker"]);
            // ... and the function that applies their search users (search-cluster.ts).
            assert.deepStrictEqual(edges("network-search", 443, "in"), ["network-svc-app", "network-svc-worker", "search-users"]);
            assert.deepStrictEqual(edges("network-svc-app", 3000, "in"), ["network-alb"]);
            assert.deepStrictEqual(edges("network-svc-worker", 3000, "in"), []);
            assert.deepStrictEqual(edges("network-svc-processor", 5432, "out"), [], "processor does not use the database");
            assert.deepStrictEqual(edges("network-alb", 443, "in"), ["0.0.0.0/0"]);
            // Data stores never open egress.
            for (const g of ["network-database", "network-cache", "network-search"]) {
                assert.ok(!rules.some(({ r, dir }) => dir === "out" && sgName(p, r.inputs.securityGroupId) === g), `${g} has egress`);
            }
            for (const sg of p.ofType(T.sg)) {
                assert.strictEqual(sg.inputs.ingress, undefined, "rules are separate resources");
            }
            // Groups and rules carry their tier: the guardrails tell the load balancer's internet ingress by it.
            for (const { r } of rules) {
                const group = p.one(T.sg, sgName(p, r.inputs.securityGroupId));
                assert.ok(group.inputs.tags?.tier, `${group.name} has no tier tag`);
                assert.strictEqual(r.inputs.tags?.tier, group.inputs.tags.tier, `${r.name} tier`);
            }
            assert.deepStrictEqual(
                p.ofType(T.ingress).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0").map((r) => r.inputs.tags.tier),
                ["alb", "alb"],
            );
        }
    });

    it("makes prod highly available and protected", () => {
        const db = prod.one(T.rds, "database-primary");
        assert.strictEqual(db.inputs.multiAz, true);
        assert.strictEqual(db.inputs.deletionProtection, true);
        assert.strictEqual(db.inputs.skipFinalSnapshot, false);
        assert.ok(db.inputs.finalSnapshotIdentifier);
        assert.strictEqual(db.inputs.backupRetentionPeriod, 30);
        assert.strictEqual(db.inputs.storageType, "gp3");
        assert.ok(db.inputs.maxAllocatedStorage > db.inputs.allocatedStorage);
        assert.strictEqual(db.protect, true);
        const replica = prod.one(T.rds, "database-replica-0");
        assert.strictEqual(replica.protect, true);
        // In a subnet group, a same-region replica must name its source by ARN, not identifier.
        assert.strictEqual(replica.inputs.replicateSourceDb, db.outputs.arn);
        assert.match(replica.inputs.replicateSourceDb, /^arn:aws:rds:[a-z0-9-]+:\d{12}:db:/);
        const redis = prod.one(T.redis);
        assert.strictEqual(redis.inputs.automaticFailoverEnabled, true);
        assert.strictEqual(redis.inputs.multiAzEnabled, true);
        assert.strictEqual(redis.inputs.numCacheClusters, 2);
        assert.strictEqual(redis.protect, true);
        const domain = prod.one(T.domain);
        assert.strictEqual(domain.inputs.clusterConfig.instanceCount, 3);
        assert.strictEqual(domain.inputs.clusterConfig.zoneAwarenessEnabled, true);
        assert.strictEqual(domain.inputs.clusterConfig.zoneAwarenessConfig.availabilityZoneCount, 3);
        assert.strictEqual(domain.inputs.clusterConfig.dedicatedMasterCount, 3);
        assert.strictEqual(domain.protect, true);
        // Every bucket, the ALB access-log bucket (the audit trail) included.
        for (const b of prod.ofType(T.bucket)) {
            assert.strictEqual(b.protect, true, b.name);
            assert.strictEqual(b.inputs.forceDestroy, false, b.name);
        }
        const app = prod.one(T.service, "app-service");
        assert.ok(app.inputs.desiredCount >= 2);
        assert.ok(prod.one("aws:appautoscaling/target:Target", "app-scaling").inputs.minCapacity >= 2);
        assert.strictEqual(prod.one(T.alb).inputs.enableDeletionProtection, true);
        // Cache snapshots are backups: kept 7 days when on, even where the dev preset asks for 1.
        assert.strictEqual(redis.inputs.snapshotRetentionLimit, 7);
        assert.strictEqual(dev.one(T.redis).inputs.snapshotRetentionLimit, 7);
        // Dev is neither protected nor multi-AZ.
        assert.strictEqual(dev.one(T.rds).protect, false);
        assert.strictEqual(dev.one(T.rds).inputs.multiAz, false);
        assert.strictEqual(dev.one(T.domain).inputs.clusterConfig.instanceCount, 1);
    });

    it("registers each task definition after its roles' policies: a job started right away finds its secret and buckets readable", () => {
        const policyTypes = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"];
        for (const workload of ["app", "migrate"]) {
            const task = dev.one(T.task, `${workload}-task`);
            const policies = dev.resources.filter((r) => policyTypes.includes(r.type) && r.name.startsWith(`${workload}-`) && !r.name.startsWith(`${workload}-runner`));
            // The agent's managed policy and its secret; the app's buckets (the migration uses none).
            assert.deepStrictEqual(policies.map((r) => r.name).sort(), [`${workload}-execution`, `${workload}-execution-secrets`, ...(workload === "app" ? ["app-task-buckets"] : [])].sort());
            for (const policy of policies) assert.ok(task.dependencies.includes(policy.urn), `${task.name} waits for ${policy.name}`);
        }
    });

    it("passes secrets to containers only through Secrets Manager", () => {
        for (const p of [dev, prod]) {
            assert.ok(p.ofType(T.password).length >= 5);
            // The generated values, as they appear (raw and URL-encoded) anywhere they could leak.
            const values = new Set<string>();
            for (const v of p.ofType(T.secretVersion)) {
                const parsed = JSON.parse(v.inputs.secretString);
                assert.ok(v.secretPaths.includes("secretString"), `${v.name} not secret`);
                for (const [key, value] of Object.entries(parsed)) {
                    // Credentials and URLs that embed them; host/dbname/username are not secret.
                    if (typeof value === "string" && !["host", "dbname", "username", "engine"].includes(key)) {
                        values.add(value);
                    }
                }
            }
            assert.ok(values.size >= 4);
            for (const task of p.ofType(T.task)) {
                const defs = JSON.parse(task.inputs.containerDefinitions);
                for (const def of defs) {
                    for (const { value } of def.environment) {
                        for (const secret of values) {
                            assert.ok(!String(value).includes(secret) && !String(value).includes(encodeURIComponent(secret)), `secret in plain env of ${task.name}`);
                        }
                    }
                    for (const s of def.secrets ?? []) {
                        // `<arn>:<key>::<version-id>`: pinned to the version Pulumi wrote (see rollout.spec.ts).
                        assert.match(s.valueFrom, /^arn:aws:secretsmanager:.*:[A-Z_]+::[0-9a-f-]{36}$/);
                    }
                }
                assert.ok(!task.secretPaths.some((x) => x.startsWith("containerDefinitions")), "task definition must not carry secrets");
            }
            const app = JSON.parse(p.one(T.task, "app-task").inputs.containerDefinitions)[0];
            assert.deepStrictEqual(
                app.secrets.map((s: any) => s.name).sort(),
                ["DATABASE_URL", "DB_PASSWORD", "ELASTICSEARCH_PASSWORD", "JWT_SECRET", "REDIS_PASSWORD", "REDIS_URL", "SESSION_SECRET"],
            );
            assert.ok(app.environment.some((e: any) => e.name === "S3_REGION"));
            // No secret value anywhere in plain (non-secret) inputs of any resource.
            for (const r of p.resources) {
                for (const s of stringsIn(r.inputs).filter((s) => !r.secretPaths.some((sp) => s.path === sp || s.path.startsWith(`${sp}.`) || s.path.startsWith(`${sp}[`)))) {
                    for (const secret of values) {
                        assert.ok(!s.value.includes(secret), `${r.type} ${r.name}.${s.path} leaks a secret`);
                    }
                }
            }
        }
    });

    it("routes through the ALB with TLS in prod and plain HTTP without a domain", () => {
        const listeners = prod.ofType(T.listener);
        const httpsListener = listeners.find((l) => l.inputs.port === 443)!;
        assert.strictEqual(httpsListener.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
        assert.ok(httpsListener.inputs.routingHttpResponseStrictTransportSecurityHeaderValue.includes("max-age"));
        assert.strictEqual(listeners.find((l) => l.inputs.port === 80)!.inputs.defaultActions[0].type, "redirect");
        assert.strictEqual(prod.outputs.https, true);
        assert.strictEqual(dev.outputs.https, false);
        assert.match(dev.outputs.url, /^http:\/\/.*elb\.amazonaws\.com$/);
        // Prod routes: exact login path before the /api prefix; "/" is the default action.
        const rules = prod.ofType(T.rule).sort((a, b) => a.inputs.priority - b.inputs.priority);
        assert.deepStrictEqual(rules.map((r) => r.inputs.conditions[0].pathPattern.values), [["/api/auth/login"], ["/api", "/api/*"]]);
        // WAF: 5/min + burst 5 -> 10 per 60 s; 10/s + burst 10 -> 610 per 60 s.
        const waf = prod.one(T.waf);
        const limits = waf.inputs.rules.filter((r: any) => r.statement.rateBasedStatement).map((r: any) => [r.statement.rateBasedStatement.limit, r.statement.rateBasedStatement.evaluationWindowSec]);
        assert.deepStrictEqual(limits, [[10, 60], [610, 60]]);
        // The ECS service waits for the listener and its rules.
        const app = prod.one(T.service, "app-service");
        for (const l of [...listeners, ...rules]) {
            assert.ok(app.dependencies.includes(l.urn), `app-service does not depend on ${l.name}`);
        }
    });

    it("creates every logical database with a deploy-time step that carries no password", () => {
        const inv = dev.one(T.invocation, "database-init");
        const input = JSON.parse(inv.inputs.input);
        assert.deepStrictEqual(input.steps.map((s: any) => s.database), ["biblioteca_digital"]);
        assert.ok(input.steps[0].extensions.includes('CREATE EXTENSION IF NOT EXISTS "pg_trgm"'));
        assert.strictEqual(input.password, undefined);
        const rds = dev.one(T.rds);
        assert.ok(inv.dependencies.includes(rds.urn));
    });

    it("bounds every network wait of the init function well inside the function's own timeout", () => {
        const { timeouts } = JSON.parse(dev.one(T.invocation, "database-init").inputs.input);
        const fn = dev.one("aws:lambda/function:Function", "database-init");
        assert.ok(timeouts.connectMs > 0 && timeouts.handshakeMs > 0 && timeouts.idleMs > 0, JSON.stringify(timeouts));
        // One connection's worst case (connect, TLS, a silent statement) must end before Lambda kills the run.
        assert.ok((timeouts.connectMs + timeouts.handshakeMs + timeouts.idleMs) / 1000 < fn.inputs.timeout / 2, `${JSON.stringify(timeouts)} vs ${fn.inputs.timeout} s`);
    });

    it("plans the hosts fixture with host routes and DNS records to create", async () => {
        const hosts = await baseline({ stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", set: aws });
        const rules = hosts.ofType(T.rule).sort((a, b) => a.inputs.priority - b.inputs.priority);
        assert.deepStrictEqual(rules.map((r) => r.inputs.conditions.map((c: any) => c.hostHeader?.values ?? c.pathPattern?.values)), [
            [["api.publisher.example.com"], ["/auth/login"]],
            [["api.publisher.example.com"]],
        ]);
        assert.deepStrictEqual(JSON.parse(hosts.one(T.invocation).inputs.input).steps.map((s: any) => s.database), ["publisher", "workflows"]);
        assert.ok(hosts.outputs.dnsRecords.some((r: any) => r.type === "CNAME" && r.purpose.startsWith("ACM validation")));
        const apiRole = hosts.resources.find((r) => r.name === "api-task-buckets")!;
        const policy = JSON.parse(apiRole.inputs.policy);
        assert.strictEqual(policy.Statement[0].Resource.length, 2, "api uses uploads and exports");
        const webRole = JSON.parse(hosts.resources.find((r) => r.name === "web-task-buckets")!.inputs.policy);
        assert.strictEqual(webRole.Statement[0].Resource.length, 1, "web uses uploads only");
        assert.strictEqual(hosts.ofType(T.domain).length, 0);
    });

    it("has the same output shape as the local target", async () => {
        const expected = ["buckets", "cache", "cloud", "database", "databaseUrl", "dnsRecords", "environment", "https", "jobs", "search", "services", "url"];
        let local: Plan | undefined;
        try {
            local = await baseline({ stack: "dev", set: { cloud: "local" } });
        } catch {
            local = undefined; // the local backend is developed in parallel; fall back to the contract's keys
        }
        const keys = (o: Record<string, unknown>) => Object.keys(o).sort();
        assert.deepStrictEqual(keys(dev.outputs), local ? keys(local.outputs) : expected);
        assert.deepStrictEqual(keys(prod.outputs), keys(dev.outputs));
        assert.deepStrictEqual(keys(dev.outputs.database), ["databases", "host", "pendingRestart", "port", "readReplicaHosts", "restartCommand", "username"]);
        assert.deepStrictEqual(keys(dev.outputs.services.app), local ? keys(local.outputs.services.app) : ["image", "public"]);
    });

    it("rejects sizes AWS cannot provide, naming the key", async () => {
        const err = await planError({ stack: "dev", set: { ...aws, "services.app.cpu": 0.25, "services.app.memoryMb": 4096 } });
        assert.strictEqual(err.name, "ConfigError");
        assert.ok(err.problems!.some((p) => p.key === "anycloud:services.app.memoryMb" && p.value === 4096), err.message);
        const retention = await planError({ stack: "dev", set: { ...aws, "logs.retentionDays": 10 } });
        assert.ok(retention.problems!.some((p) => p.key === "anycloud:logs.retentionDays"), retention.message);
        const search = await planError({ stack: "dev", set: { ...aws, "search.storageGb": 500 } });
        assert.ok(search.problems!.some((p) => p.key === "anycloud:search.storageGb" && /t3\.small\.search/.test(p.accepted)), search.message);
    });
});

