import * as assert from "assert";
import { AWS_TYPES } from "../policy/aws";
import { Violation } from "../policy/evaluate";
import { CapturedResource } from "../stacks/offline";
import { Plan, PlanOptions } from "./harness";
import { assertBites, baseline, broken, introduced, unprotected, violationsOf } from "./policy-harness";

/**
 * Each guardrail the aws target implements reports a broken input of a real plan, and only that
 * guardrail: one test per checked type (and per input where a type has several), plus the
 * defaults and exceptions a check deliberately accepts.
 */

const T = { ...AWS_TYPES, provider: "pulumi:providers:aws" };

const DEV: PlanOptions = { stack: "dev", set: { cloud: "aws" } };
const PROD: PlanOptions = { stack: "prod", set: { cloud: "aws" } };
/** The dev plan with more config, the way a user would change it. */
const devWith = (set: Record<string, unknown>): Promise<Plan> => baseline({ stack: "dev", set: { cloud: "aws", ...set } });
const overriding = (type: string, props: Record<string, unknown>) => devWith({ overrides: { [type]: props } });

const is = (type: string, name?: string) => (r: CapturedResource) => r.type === type && (name === undefined || r.name === name);

/** assertBites, and the messages name what the brief asks of them (property, bad value, what is accepted). */
async function bites(policy: string, before: Plan, after: Plan, ...fragments: string[]): Promise<Violation[]> {
    const added = await assertBites(policy, before, after);
    for (const f of fragments) {
        assert.ok(added.some((v) => v.message.includes(f)), `no ${policy} message mentions "${f}":\n${added.map((v) => `  ${v.message}`).join("\n")}`);
    }
    return added;
}

/** The change introduces no violation of `policy` (an accepted default or exception). */
async function quiet(policy: string, before: Plan, after: Plan): Promise<void> {
    const added = introduced(await violationsOf(before), await violationsOf(after)).filter((v) => v.policy === policy);
    assert.deepStrictEqual(added.map((v) => v.message), []);
}

/** Edits a JSON document held as a string input. */
const editJson = (field: string, edit: (doc: any) => void) => (p: Record<string, any>) => {
    const doc = JSON.parse(p[field]);
    edit(doc);
    p[field] = JSON.stringify(doc);
};

describe("aws guardrails bite", function () {
    let dev: Plan;
    let prod: Plan;

    before(async () => {
        dev = await baseline(DEV);
        prod = await baseline(PROD);
    });

    it("the dev and prod plans pass every guardrail, advisory ones included", async () => {
        for (const p of [dev, prod]) {
            assert.deepStrictEqual((await violationsOf(p)).map((v) => `${v.policy}: ${v.message} (${v.level})`), []);
        }
    });

    describe("data-not-public", () => {
        it("a publicly accessible RDS instance (set through overrides) is reported by data-not-public", async () => {
            await bites("data-not-public", dev, await overriding(T.rds, { publiclyAccessible: true }), "publiclyAccessible is true", "false is required");
        });

        it("an OpenSearch domain outside the VPC (public endpoint) is reported by data-not-public", async () => {
            await bites("data-not-public", dev, broken(dev, is(T.search), (p) => delete p.vpcOptions), "vpcOptions.subnetIds is absent", "public endpoint");
        });

        it("a bucket with a public-read canned ACL is reported by data-not-public", async () => {
            await bites("data-not-public", dev, broken(dev, is(T.bucket, "storage-documents"), (p) => (p.acl = "public-read")), "acl is 'public-read'");
        });

        it("a public access block with one flag off, or left to its false default, is reported by data-not-public", async () => {
            await bites("data-not-public", dev, broken(dev, is(T.publicAccessBlock, "storage-documents"), (p) => (p.restrictPublicBuckets = false)), "restrictPublicBuckets is false");
            await bites("data-not-public", dev, broken(dev, is(T.publicAccessBlock, "storage-documents"), (p) => delete p.blockPublicPolicy), "blockPublicPolicy is absent");
        });

        const readByAnyone = (condition?: object) =>
            editJson("policy", (doc) =>
                doc.Statement.push({ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${doc.Statement[0].Resource[0]}/*`, ...(condition ? { Condition: condition } : {}) }),
            );

        it("a bucket policy letting anyone read objects is reported by data-not-public", async () => {
            await bites("data-not-public", dev, broken(dev, is(T.bucketPolicy, "storage-documents"), readByAnyone()), "statement 'PublicRead' allows principal '*'");
        });

        it("a wildcard principal pinned to the VPC endpoint is not public", async () => {
            await quiet("data-not-public", dev, broken(dev, is(T.bucketPolicy, "storage-documents"), readByAnyone({ StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } })));
        });

        it("the OpenSearch access policy's wildcard principal is not public inside the VPC", async () => {
            assert.ok(JSON.parse(dev.one(T.search).inputs.accessPolicies).Statement[0].Principal.AWS === "*");
            assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "data-not-public"), []);
        });
    });

    describe("data-encrypted-at-rest", () => {
        it("an unencrypted RDS instance is reported by data-encrypted-at-rest", async () => {
            await bites("data-encrypted-at-rest", dev, broken(dev, is(T.rds, "database-primary"), (p) => (p.storageEncrypted = false)), "storageEncrypted is false", "true is required");
        });

        it("a Redis OSS cache that leaves at-rest encryption to its default (off) is reported by data-encrypted-at-rest", async () => {
            const redis6 = await devWith({ "cache.version": 6 });
            assert.strictEqual(redis6.one(T.cache).inputs.engine, "redis");
            await bites("data-encrypted-at-rest", redis6, broken(redis6, is(T.cache), (p) => delete p.atRestEncryptionEnabled), 'atRestEncryptionEnabled is absent with engine "redis"');
        });

        it("a Valkey cache may leave at-rest encryption to its default (on)", async () => {
            assert.strictEqual(dev.one(T.cache).inputs.engine, "valkey");
            await quiet("data-encrypted-at-rest", dev, broken(dev, is(T.cache), (p) => delete p.atRestEncryptionEnabled));
        });

        it("an OpenSearch domain without encryption at rest is reported by data-encrypted-at-rest", async () => {
            await bites("data-encrypted-at-rest", dev, broken(dev, is(T.search), (p) => (p.encryptAtRest = { enabled: false })), "encryptAtRest.enabled is false");
        });
    });

    describe("data-encrypted-in-transit", () => {
        const forceSsl = (value: string | undefined) => (p: Record<string, any>) => {
            p.parameters = p.parameters.filter((x: any) => x.name !== "rds.force_ssl");
            if (value !== undefined) p.parameters.push({ name: "rds.force_ssl", value, applyMethod: "immediate" });
        };

        it("a parameter group with rds.force_ssl 0 is reported by data-encrypted-in-transit", async () => {
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.rdsParameters), forceSsl("0")), 'rds.force_ssl is "0"', "1 is required");
        });

        it("a PostgreSQL 14 parameter group without rds.force_ssl (default 0) is reported by data-encrypted-in-transit", async () => {
            const pg14 = await devWith({ "database.version": 14 });
            await bites("data-encrypted-in-transit", pg14, broken(pg14, is(T.rdsParameters), forceSsl(undefined)), "rds.force_ssl is absent (default 0 on postgres14)");
        });

        it("a PostgreSQL 16 parameter group may leave rds.force_ssl to its default (1)", async () => {
            await quiet("data-encrypted-in-transit", dev, broken(dev, is(T.rdsParameters), forceSsl(undefined)));
        });

        it("a PostgreSQL 14 instance on the default parameter group is reported by data-encrypted-in-transit", async () => {
            const pg14 = await devWith({ "database.version": 14 });
            await bites("data-encrypted-in-transit", pg14, broken(pg14, is(T.rds, "database-primary"), (p) => delete p.parameterGroupName), "parameterGroupName is absent");
        });

        it("a cache without TLS is reported by data-encrypted-in-transit", async () => {
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.cache), (p) => (p.transitEncryptionEnabled = false)), "transitEncryptionEnabled is false");
        });

        it("a cache in the 'preferred' TLS mode (plain connections accepted) is reported by data-encrypted-in-transit", async () => {
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.cache), (p) => (p.transitEncryptionMode = "preferred")), "transitEncryptionMode is 'preferred'");
        });

        it("an OpenSearch domain accepting TLS 1.0 is reported by data-encrypted-in-transit", async () => {
            const tls10 = (p: Record<string, any>) => (p.domainEndpointOptions.tlsSecurityPolicy = "Policy-Min-TLS-1-0-2019-07");
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.search), tls10), 'tlsSecurityPolicy is "Policy-Min-TLS-1-0-2019-07"');
        });

        it("an OpenSearch domain that does not enforce HTTPS is reported by data-encrypted-in-transit", async () => {
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.search), (p) => (p.domainEndpointOptions.enforceHttps = false)), "enforceHttps is false");
        });

        it("an OpenSearch domain without node-to-node encryption is reported by data-encrypted-in-transit", async () => {
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.search), (p) => delete p.nodeToNodeEncryption), "nodeToNodeEncryption.enabled is absent");
        });

        it("a bucket policy without the TLS-only deny is reported by data-encrypted-in-transit", async () => {
            const dropDeny = editJson("policy", (doc) => (doc.Statement = doc.Statement.filter((s: any) => s.Sid !== "DenyInsecureTransport")));
            await bites("data-encrypted-in-transit", dev, broken(dev, is(T.bucketPolicy, "storage-documents"), dropDeny), "aws:SecureTransport");
        });
    });

    describe("edge-tls", () => {
        it("an HTTPS listener with a TLS 1.0 policy is reported by edge-tls", async () => {
            await bites("edge-tls", prod, broken(prod, is(T.listener, "lb-https"), (p) => (p.sslPolicy = "ELBSecurityPolicy-TLS13-1-0-2021-06")), "accepts TLS 1.0", "TLS 1.2+ policy");
        });

        it("an HTTPS listener left to the default policy (ELBSecurityPolicy-2016-08) is reported by edge-tls", async () => {
            await bites("edge-tls", prod, broken(prod, is(T.listener, "lb-https"), (p) => delete p.sslPolicy), "sslPolicy is absent (ELBSecurityPolicy-2016-08 accepts TLS 1.0)");
        });

        it("a TLS 1.3-only policy is accepted", async () => {
            await quiet("edge-tls", prod, broken(prod, is(T.listener, "lb-https"), (p) => (p.sslPolicy = "ELBSecurityPolicy-TLS13-1-3-2021-06")));
        });

        it("an HTTP listener that forwards instead of redirecting, with a domain set, is reported by edge-tls", async () => {
            const target = prod.one(T.listener, "lb-https").inputs.defaultActions;
            await bites("edge-tls", prod, broken(prod, is(T.listener, "lb-http"), (p) => (p.defaultActions = target)), "answers with forward", "redirect to HTTPS");
        });

        it("a route rule on the HTTP listener (bypassing the redirect) is reported by edge-tls", async () => {
            const http = prod.one(T.listener, "lb-http").outputs.arn;
            await bites("edge-tls", prod, broken(prod, is(T.listenerRule, "lb-route-0"), (p) => (p.listenerArn = http)), "a rule on the HTTP listener");
        });

        it("a domain with no HTTPS listener is reported by edge-tls", async () => {
            await bites("edge-tls", prod, broken(prod, is(T.listener, "lb-https"), (p) => (p.protocol = "HTTP")), "biblioteca.example.org is set but the load balancer has no HTTPS listener");
        });

        it("without a domain the load balancer may serve plain HTTP", async () => {
            assert.strictEqual(dev.one(T.listener).inputs.protocol, "HTTP");
            assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "edge-tls"), []);
        });
    });

    describe("no-wildcard-permissions", () => {
        it("a task role policy granting s3:* is reported by no-wildcard-permissions", async () => {
            const widen = editJson("policy", (doc) => (doc.Statement[1].Action = "s3:*"));
            await bites("no-wildcard-permissions", dev, broken(dev, is(T.rolePolicy, "app-task-buckets"), widen), "policy: statement 1 allows the wildcard action 's3:*'");
        });

        it("an inline role policy on every resource (set through overrides) is reported by no-wildcard-permissions", async () => {
            const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }] });
            await bites("no-wildcard-permissions", dev, await overriding(T.role, { inlinePolicies: [{ name: "queue", policy }] }), "inline policy queue: statement 0 applies to the wildcard resource '*'");
        });

        it("a bucket policy granting s3:* to an account is reported by no-wildcard-permissions", async () => {
            const grant = editJson("policy", (doc) => doc.Statement.push({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:*", Resource: doc.Statement[0].Resource }));
            await bites("no-wildcard-permissions", dev, broken(dev, is(T.bucketPolicy, "storage-documents"), grant), "allows the wildcard action 's3:*'");
        });

        it("an inline bucket policy (the deprecated Bucket.policy input) on every bucket is reported by no-wildcard-permissions", async () => {
            const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }] });
            await bites("no-wildcard-permissions", dev, broken(dev, is(T.bucket, "storage-documents"), (p) => (p.policy = policy)), "wildcard resource 'arn:aws:s3:::*'");
        });

        it("a CloudWatch Logs resource policy on every log group is reported by no-wildcard-permissions", async () => {
            const widen = editJson("policyDocument", (doc) => (doc.Statement[0].Resource = "*"));
            await bites("no-wildcard-permissions", dev, broken(dev, is(T.logResourcePolicy), widen), "policyDocument: statement 0 applies to the wildcard resource '*'");
        });

        it("an OpenSearch access policy granting es:* is reported by no-wildcard-permissions", async () => {
            const widen = editJson("accessPolicies", (doc) => (doc.Statement[0].Action = "es:*"));
            await bites("no-wildcard-permissions", dev, broken(dev, is(T.search), widen), "accessPolicies: statement 0 allows the wildcard action 'es:*'");
        });
    });

    describe("no-privileged-roles", () => {
        it("AdministratorAccess attached to a service role is reported by no-privileged-roles", async () => {
            const admin = (p: Record<string, any>) => (p.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess");
            await bites("no-privileged-roles", dev, broken(dev, is(T.rolePolicyAttachment, "app-execution"), admin), "policyArn is arn:aws:iam::aws:policy/AdministratorAccess");
        });

        it("PowerUserAccess among a task role's managed policies is reported by no-privileged-roles", async () => {
            const power = (p: Record<string, any>) => (p.managedPolicyArns = ["arn:aws:iam::aws:policy/PowerUserAccess"]);
            await bites("no-privileged-roles", dev, broken(dev, is(T.role, "app-task"), power), "managedPolicyArns is arn:aws:iam::aws:policy/PowerUserAccess");
        });

        it("the service-role policies the program attaches are not privileged", async () => {
            assert.ok(prod.ofType(T.rolePolicyAttachment).length >= 4);
            assert.deepStrictEqual((await violationsOf(prod)).filter((v) => v.policy === "no-privileged-roles"), []);
        });
    });

    describe("no-open-ingress", () => {
        it("the internet admitted to the database security group is reported by no-open-ingress", async () => {
            await bites("no-open-ingress", dev, broken(dev, is(T.ingressRule, "network-database-from-app"), (p) => (p.cidrIpv4 = "0.0.0.0/0")), "admits 0.0.0.0/0 to the database tier");
        });

        it("IPv6 ::/0 admitted to a service security group is reported by no-open-ingress", async () => {
            await bites("no-open-ingress", dev, broken(dev, is(T.ingressRule, "network-app-from-alb"), (p) => (p.cidrIpv6 = "::/0")), "admits ::/0 to the svc-app tier");
        });

        it("the load balancer's internet ingress is allowed only while its rule carries the load balancer tier", async () => {
            assert.strictEqual(dev.one(T.ingressRule, "network-alb-in-https").inputs.cidrIpv4, "0.0.0.0/0");
            await bites("no-open-ingress", dev, broken(dev, is(T.ingressRule, "network-alb-in-https"), (p) => delete p.tags), "to the untagged tier");
        });

        it("an inline ingress block open to the internet on the cache security group is reported by no-open-ingress", async () => {
            const open = (p: Record<string, any>) => (p.ingress = [{ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["0.0.0.0/0"] }]);
            await bites("no-open-ingress", dev, broken(dev, is(T.securityGroup, "network-cache"), open), "an inline ingress block admits 0.0.0.0/0 to the cache tier");
        });

        it("an inline internet ingress block on the load balancer's group is allowed", async () => {
            const open = (p: Record<string, any>) => (p.ingress = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]);
            await quiet("no-open-ingress", dev, broken(dev, is(T.securityGroup, "network-alb"), open));
        });
    });

    describe("secrets-from-secret-store", () => {
        it("a plain env entry named like a secret (set in config) is reported by secrets-from-secret-store", async () => {
            await bites("secrets-from-secret-store", dev, await devWith({ "services.app.env.API_TOKEN": "tok-123" }), "container app environment API_TOKEN is a plain value", "Secrets Manager");
        });

        it("a plain env value that is a URL with credentials is reported by secrets-from-secret-store", async () => {
            await bites("secrets-from-secret-store", dev, await devWith({ "services.worker.env.UPSTREAM": "https://bot:hunter2@api.example.com/v1" }), "UPSTREAM holds a URL with credentials");
        });

        it("a Redis URL with only a password moved into plain env is reported by secrets-from-secret-store", async () => {
            const leak = editJson("containerDefinitions", (defs) => defs[0].environment.push({ name: "CACHE", value: "rediss://:s3cr3t-token@cache.internal:6379" }));
            await bites("secrets-from-secret-store", dev, broken(dev, is(T.taskDefinition, "processor-task"), leak), "container processor environment CACHE holds a URL with credentials");
        });

        it("a secret-named Lambda environment variable is reported by secrets-from-secret-store", async () => {
            const leak = (p: Record<string, any>) => (p.environment.variables.DB_PASSWORD = "hunter2");
            await bites("secrets-from-secret-store", dev, broken(dev, is(T.lambda, "database-init"), leak), "environment.variables DB_PASSWORD is a plain value");
        });

        it("endpoints, user names and TLS switches in plain env are not secrets", async () => {
            const env = JSON.parse(dev.one(T.taskDefinition, "app-task").inputs.containerDefinitions)[0].environment.map((e: any) => e.name);
            assert.ok(["DB_HOST", "DB_USER", "ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "REDIS_TLS"].every((n) => env.includes(n)), env.join(", "));
            assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "secrets-from-secret-store"), []);
        });
    });

    describe("backups-retained", () => {
        it("an RDS instance keeping backups 3 days (set through overrides) is reported by backups-retained", async () => {
            await bites("backups-retained", dev, await overriding(T.rds, { backupRetentionPeriod: 3 }), "backupRetentionPeriod is 3", "7 days or more");
        });

        it("a cache keeping daily snapshots 1 day is reported by backups-retained", async () => {
            await bites("backups-retained", dev, broken(dev, is(T.cache), (p) => (p.snapshotRetentionLimit = 1)), "snapshotRetentionLimit is 1");
        });

        it("a cache with snapshots off is not a backed-up cache", async () => {
            await quiet("backups-retained", dev, broken(dev, is(T.cache), (p) => (p.snapshotRetentionLimit = 0)));
        });

        it("a read replica needs no backups of its own", async () => {
            await quiet("backups-retained", prod, broken(prod, is(T.rds, "database-replica-0"), (p) => (p.backupRetentionPeriod = 0)));
        });
    });

    describe("logs-retained", () => {
        it("a log group kept 3 days is reported by logs-retained (advisory)", async () => {
            const [added] = await bites("logs-retained", dev, broken(dev, is(T.logGroup, "app-logs"), (p) => (p.retentionInDays = 3)), "retentionInDays is 3");
            assert.strictEqual(added.level, "advisory");
        });

        it("a log group of the DELIVERY class (fixed at 2 days) is reported by logs-retained", async () => {
            await bites("logs-retained", dev, broken(dev, is(T.logGroup, "app-logs"), (p) => (p.logGroupClass = "DELIVERY")), "logGroupClass is 'DELIVERY'");
        });

        it("a log group that never expires is retained long enough", async () => {
            await quiet("logs-retained", dev, broken(dev, is(T.logGroup, "app-logs"), (p) => delete p.retentionInDays));
        });
    });

    describe("prod-high-availability", () => {
        it("a single-AZ prod database is reported by prod-high-availability", async () => {
            await bites("prod-high-availability", prod, broken(prod, is(T.rds, "database-primary"), (p) => (p.multiAz = false)), "multiAz is false", "true is required in prod");
        });

        it("a prod cache without automatic failover is reported by prod-high-availability", async () => {
            await bites("prod-high-availability", prod, broken(prod, is(T.cache), (p) => (p.automaticFailoverEnabled = false)), "automaticFailoverEnabled is false");
        });

        it("a prod cache with one node is reported by prod-high-availability", async () => {
            await bites("prod-high-availability", prod, broken(prod, is(T.cache), (p) => (p.numCacheClusters = 1)), "the group has 1 node");
        });

        it("a prod plan re-tagged as dev does not report a single-AZ database (environment gating)", async () => {
            const asDev = broken(prod, is(T.provider), (p) => {
                const tags = JSON.parse(p.defaultTags);
                tags.tags.environment = "dev";
                p.defaultTags = JSON.stringify(tags);
            });
            await quiet("prod-high-availability", asDev, broken(asDev, is(T.rds, "database-primary"), (p) => (p.multiAz = false)));
            // The same break on the prod-tagged plan does report: the tag is what changed.
            await bites("prod-high-availability", prod, broken(prod, is(T.rds, "database-primary"), (p) => (p.multiAz = false)));
        });

        it("the dev plan's single-AZ data tier, unprotected data and single search node report no prod guardrail", async () => {
            assert.strictEqual(dev.one(T.rds).inputs.multiAz, false);
            assert.strictEqual(dev.one(T.search).inputs.clusterConfig.instanceCount, 1);
            assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy.startsWith("prod-")), []);
        });
    });

    describe("prod-public-replicas", () => {
        it("a public service whose autoscaling floor is 1 is reported by prod-public-replicas", async () => {
            await bites("prod-public-replicas", prod, broken(prod, is(T.scalingTarget, "app-scaling"), (p) => (p.minCapacity = 1)), "minCapacity is 1", "2 or more");
        });

        it("a public service started with 1 task is reported by prod-public-replicas", async () => {
            await bites("prod-public-replicas", prod, broken(prod, is(T.service, "app-service"), (p) => (p.desiredCount = 1)), "desiredCount is 1");
        });

        it("a worker (not behind the load balancer) may run 1 replica", async () => {
            await quiet("prod-public-replicas", prod, broken(prod, is(T.service, "worker-service"), (p) => (p.desiredCount = 1)));
        });
    });

    describe("prod-deletion-protection", () => {
        it("an unprotected prod database is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, unprotected(prod, is(T.rds, "database-primary")), "the RDS instance lacks the `protect` resource option");
        });

        it("a prod database without RDS deletion protection is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, broken(prod, is(T.rds, "database-replica-0"), (p) => (p.deletionProtection = false)), "deletionProtection is false");
        });

        it("an unprotected prod cache is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, unprotected(prod, is(T.cache)), "the ElastiCache replication group lacks");
        });

        it("an unprotected prod search domain is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, unprotected(prod, is(T.search)), "the OpenSearch domain lacks");
        });

        it("an unprotected prod bucket, the access-log bucket included, is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, unprotected(prod, is(T.bucket, "storage-documents")), "the S3 bucket lacks");
            await bites("prod-deletion-protection", prod, unprotected(prod, is(T.bucket, "lb-access-logs")), "the S3 bucket lacks");
        });

        it("a prod bucket that force-destroys its objects is reported by prod-deletion-protection", async () => {
            await bites("prod-deletion-protection", prod, broken(prod, is(T.bucket, "storage-documents"), (p) => (p.forceDestroy = true)), "forceDestroy is true");
        });
    });

    describe("prod-search-nodes", () => {
        it("a prod search domain with 2 data nodes is reported by prod-search-nodes", async () => {
            await bites("prod-search-nodes", prod, broken(prod, is(T.search), (p) => (p.clusterConfig.instanceCount = 2)), "clusterConfig.instanceCount is 2", "3 or more");
        });

        it("a prod search domain with its nodes in one zone is reported by prod-search-nodes", async () => {
            await bites("prod-search-nodes", prod, broken(prod, is(T.search), (p) => (p.clusterConfig.zoneAwarenessEnabled = false)), "zoneAwarenessEnabled is false");
        });
    });
});
