import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { workloadEnv } from "../providers/local/container-service";
import { Plan, plan, planError, baseline } from "./harness";

const CONTAINER = "docker:index/container:Container";

function container(p: Plan, name: string) {
    return p.one(CONTAINER, name);
}
function networksOf(p: Plan, name: string): string[] {
    return (container(p, name).inputs.networksAdvanced as { name: string }[]).map((n) => n.name).sort();
}
function upload(p: Plan, name: string, file: string): string {
    const found = (container(p, name).inputs.uploads as { file: string; content: string }[]).find((u) => u.file === file);
    assert.ok(found, `${name} has no upload ${file}`);
    return found.content;
}

describe("local Docker target (worked example)", () => {
    let p: Plan;
    before(async () => {
        p = await baseline({ stack: "local" });
    });

    it("uses one explicit Docker provider for every Docker resource", () => {
        const provider = p.one("pulumi:providers:docker", "local-docker");
        const docker = p.resources.filter((r) => r.custom && r.type.startsWith("docker:"));
        assert.ok(docker.length > 20);
        for (const r of docker) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.type} ${r.name} does not use the stack's provider`);
        }
    });

    it("keeps each data part on its own internal network, reachable only by the services that use it", () => {
        for (const part of ["database", "cache", "search", "storage"]) {
            assert.strictEqual(p.one("docker:index/network:Network", `network-${part}`).inputs.internal, true, `${part} network must be internal`);
        }
        assert.deepStrictEqual(networksOf(p, "app-container"), ["anycloud-local-cache", "anycloud-local-database", "anycloud-local-edge", "anycloud-local-search", "anycloud-local-storage"]);
        assert.deepStrictEqual(networksOf(p, "processor-container"), ["anycloud-local-cache", "anycloud-local-egress", "anycloud-local-storage"]);
        assert.deepStrictEqual(networksOf(p, "lb-nginx"), ["anycloud-local-edge"]);
    });

    // A one-shot container's logs land in state (containerLogs); they quote its statements and output.
    it("keeps the logs of every one-shot container it reads them from secret in state", () => {
        const logged = p.ofType(CONTAINER).filter((c) => c.inputs.logs === true);
        assert.ok(logged.length >= 2, "the database init and storage setup containers keep their logs");
        for (const c of logged) assert.ok(c.additionalSecretOutputs.includes("containerLogs"), `${c.name}: containerLogs is not secret`);
    });

    it("publishes a port only on the load balancer", () => {
        const published = p.ofType(CONTAINER).filter((c) => (c.inputs.ports ?? []).length > 0);
        assert.deepStrictEqual(published.map((c) => c.name), ["lb-nginx"]);
        assert.deepStrictEqual(published[0].inputs.ports.map((x: { internal: number; external: number }) => [x.internal, x.external]), [[80, 8080]]);
    });

    it("health-checks every long-running container", () => {
        const longRunning = p.ofType(CONTAINER).filter((c) => !c.inputs.attach && !["worker-container", "processor-container"].includes(c.name));
        for (const c of longRunning) {
            assert.ok(c.inputs.healthcheck?.tests?.length > 0, `${c.name} has no health check`);
        }
        assert.match(container(p, "app-container").inputs.healthcheck.tests[1], /http:\/\/127\.0\.0\.1:3000\/health/);
    });

    it("runs PostgreSQL 16 with the configured parameters and creates the databases and extensions", () => {
        const server = container(p, "database-server");
        assert.ok((server.inputs.command as string[]).join(" ").includes("-c log_min_duration_statement=1000"));
        const script = upload(p, "database-init", "/anycloud/init.sql");
        assert.match(script, /CREATE DATABASE "biblioteca_digital" OWNER "app"/);
        assert.match(script, /CREATE EXTENSION IF NOT EXISTS "uuid-ossp"/);
        assert.match(script, /CREATE EXTENSION IF NOT EXISTS "pg_trgm"/);
        assert.ok(container(p, "database-init").dependencies.includes(server.urn), "the init step must wait for the healthy server");
    });

    it("runs Redis with a password, AOF persistence and allkeys-lru, the password kept secret", () => {
        const redis = container(p, "cache-server");
        const conf = upload(p, "cache-server", "/usr/local/etc/redis/redis.conf");
        assert.match(conf, /^requirepass \S{32}$/m);
        assert.match(conf, /^maxmemory-policy allkeys-lru$/m);
        assert.match(conf, /^appendonly yes$/m);
        assert.ok(redis.secretPaths.some((sp) => sp.startsWith("uploads")), "redis.conf holds the password and must be secret");
    });

    it("runs single-node OpenSearch with the security plugin's generated admin password", () => {
        const envs = container(p, "search-node").inputs.envs as string[];
        assert.ok(envs.includes("discovery.type=single-node"));
        const admin = envs.find((e) => e.startsWith("OPENSEARCH_INITIAL_ADMIN_PASSWORD="))!;
        assert.match(admin.split("=")[1], /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[-_.+]).{32}$/);
    });

    it("creates the buckets in MinIO, versioned and private, with per-service credentials scoped to their buckets", () => {
        const script = upload(p, "storage-setup", "/anycloud/setup.sh");
        assert.match(script, /mc mb --ignore-existing local\/documents/);
        assert.match(script, /mc version enable local\/documents/);
        assert.match(script, /mc anonymous set none local\/documents/);
        const policy = JSON.parse(upload(p, "storage-setup", "/anycloud/policy-processor.json"));
        assert.deepStrictEqual(policy.Statement[1].Resource, ["arn:aws:s3:::documents/*"]);
        const env = container(p, "processor-container").inputs.envs as string[];
        assert.ok(env.includes("S3_ACCESS_KEY_ID=svc-processor"));
    });

    it("gives a container its variables as NAME=value lines: plain ones sorted, then its secrets sorted, the list secret", () => {
        const c = container(p, "processor-container");
        const generated = (name: string) => p.one("random:index/randomPassword:RandomPassword", name).outputs.result as string;
        const redis = generated("cache-password");
        assert.deepStrictEqual(c.inputs.envs, [
            "NODE_ENV=development",
            "REDIS_HOST=cache",
            "REDIS_PORT=6379",
            "REDIS_TLS=false",
            "S3_BUCKET=documents",
            "S3_BUCKET_DOCUMENTS=documents",
            "S3_ENDPOINT=http://storage:9000",
            "S3_FORCE_PATH_STYLE=true",
            "S3_REGION=us-east-1",
            "STORAGE_PROVIDER=s3",
            `REDIS_PASSWORD=${redis}`,
            `REDIS_URL=redis://:${redis}@cache:6379`,
            "S3_ACCESS_KEY_ID=svc-processor",
            `S3_SECRET_ACCESS_KEY=${generated("storage-processor-secret-key")}`,
        ]);
        assert.deepStrictEqual(c.secretPaths, ["envs"]);
    });

    it("makes each secret line a secret on its own, a plain-text one too, and no plain line secret", async () => {
        // The list is secret in state as soon as one line is; each line's own secrecy is what keeps
        // a container whose only secret is plain text (a storage key id) from sending it in plain.
        const lines = workloadEnv("svc", { PLAIN: "p", PLAIN_OUTPUT: pulumi.output("q") }, { OPERATOR_KEY: pulumi.output("k") }, { svc: { accessKeyId: "svc-id", secretAccessKey: pulumi.output("s") } as never });
        const secrecy = await Promise.all(
            lines.map(async (line) => [await new Promise((resolve) => pulumi.output(line).apply(resolve)), await pulumi.isSecret(pulumi.output(line))] as const),
        );
        assert.deepStrictEqual(secrecy, [
            ["PLAIN=p", false],
            ["PLAIN_OUTPUT=q", false],
            ["OPERATOR_KEY=k", true],
            ["S3_ACCESS_KEY_ID=svc-id", true],
            ["S3_SECRET_ACCESS_KEY=s", true],
        ]);
    });

    it("configures nginx from the routes: rate limit, body size, upgrade headers", () => {
        const conf = upload(p, "lb-nginx", "/etc/nginx/nginx.conf");
        assert.match(conf, /limit_req_zone \$binary_remote_addr zone=route0:10m rate=5r\/s;/);
        assert.match(conf, /location ~ \^\/api\(\/\.\*\)\?\$ \{\n\s+limit_req zone=route0 burst=5 nodelay;/);
        assert.match(conf, /client_max_body_size 100m;/);
        assert.match(conf, /proxy_set_header Upgrade \$http_upgrade;/);
        assert.match(conf, /set \$upstream_app http:\/\/app:3000;/);
    });

    it("runs one container per minimum replica, at least one", async () => {
        const scaled = await plan({ stack: "local", set: { "services.app.replicas": { min: 3, max: 3 } } });
        assert.deepStrictEqual(scaled.ofType(CONTAINER).filter((c) => c.name.startsWith("app-container")).map((c) => c.name).sort(), ["app-container-1", "app-container-2", "app-container-3"]);
        assert.strictEqual(p.ofType(CONTAINER).filter((c) => c.name.startsWith("app-container")).length, 1);
    });

    it("builds a service from its Dockerfile when configured, rebuilding when the context changes", async () => {
        const built = await plan({ stack: "local", set: { "services.processor.image": undefined, "services.processor.build": { context: "test/fixtures" } } });
        const image = built.one("docker:index/remoteImage:RemoteImage", "processor-image");
        assert.match(image.inputs.build.context, /test\/fixtures$/);
        assert.strictEqual(image.inputs.build.dockerfile, "Dockerfile");
        assert.match(image.inputs.triggers.context, /^[0-9a-f]{64}$/);
    });

    it("protects the data volumes when the stack asks for protection", async () => {
        const protectedPlan = await plan({ stack: "local", set: { protect: true } });
        const volumes = protectedPlan.ofType("docker:index/volume:Volume");
        assert.ok(volumes.length >= 4);
        assert.ok(volumes.every((v) => v.protect && v.retainOnDelete));
        assert.ok(p.ofType("docker:index/volume:Volume").every((v) => !v.protect));
    });

    it("merges config overrides into every resource of the named type (the escape hatch)", async () => {
        const overridden = await plan({ stack: "local", set: { overrides: { "docker:index/container:Container": { logDriver: "json-file", logOpts: { "max-size": "10m" } } } } });
        const containers = overridden.ofType(CONTAINER);
        assert.ok(containers.length > 5 && containers.every((c) => c.inputs.logDriver === "json-file" && c.inputs.logOpts["max-size"] === "10m"));
        assert.strictEqual(container(overridden, "cache-server").inputs.command[0], "redis-server", "the rest of the inputs stay");
        assert.ok(p.ofType(CONTAINER).every((c) => c.inputs.logDriver === undefined));
    });

    it("rejects an override for another cloud's resource type", async () => {
        const err = await planError({ stack: "local", set: { overrides: { "aws:rds/instance:Instance": { instanceClass: "db.t4g.large" } } } });
        assert.deepStrictEqual(err.problems.map((x) => [x.key, x.value]), [["anycloud:overrides.aws:rds/instance:Instance", "aws:rds/instance:Instance"]]);
    });

    it("refuses what one Docker engine cannot provide", async () => {
        const err = await planError({ stack: "local", set: { "cache.highAvailability": true, "search.nodes": 3 } });
        assert.deepStrictEqual(err.problems.map((x) => x.key), ["anycloud:cache.highAvailability", "anycloud:search.nodes"]);
    });
});
