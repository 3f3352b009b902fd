import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { loadSettings } from "../stacks/load-settings";
import { RouteSettings } from "../stacks/settings";
import { URL_MAP_MAX_BYTES, urlMapBytes } from "../providers/gcp/url-map";
import { Naming } from "../providers/gcp/naming";
import { Plan, plan, planError, stringsIn, baseline, stackConfig } from "./harness";

const GCP = { cloud: "gcp" };
const T = {
    sql: "gcp:sql/databaseInstance:DatabaseInstance",
    redis: "gcp:redis/instance:Instance",
    psa: "gcp:servicenetworking/connection:Connection",
    run: "gcp:cloudrunv2/service:Service",
    pool: "gcp:cloudrunv2/workerPool:WorkerPool",
    bucket: "gcp:storage/bucket:Bucket",
    bucketIam: "gcp:storage/bucketIAMMember:BucketIAMMember",
    secret: "gcp:secretmanager/secret:Secret",
    secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
    sa: "gcp:serviceaccount/account:Account",
    vm: "gcp:compute/instance:Instance",
    disk: "gcp:compute/disk:Disk",
    armor: "gcp:compute/securityPolicy:SecurityPolicy",
};

/** Types directly or indirectly under a component. */
function typesUnder(p: Plan, type: string, name: string): Set<string> {
    return new Set(p.descendantsOf(p.component(type, name)).map((r) => r.type));
}

function assertTypes(p: Plan, type: string, name: string, expected: string[]) {
    const got = typesUnder(p, type, name);
    for (const t of expected) {
        assert.ok(got.has(t), `${type} ${name} should contain ${t}; has ${[...got].sort().join(", ")}`);
    }
}

/** Structure of a value: keys and value kinds, recursively. */
function shape(v: unknown): unknown {
    if (Array.isArray(v)) return v.length > 0 ? [shape(v[0])] : [];
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, shape(x)]));
    }
    return typeof v;
}

/** SA email of the service account a Cloud Run resource runs as, by service name. */
function serviceAccountOf(p: Plan, service: string): string {
    const comp = p.component("ContainerService", service);
    const sa = p.descendantsOf(comp).find((r) => r.type === T.sa)!;
    return `serviceAccount:${sa.inputs.accountId}@${JSON.parse(JSON.stringify(p.resources.find((r) => r.type === "pulumi:providers:gcp")!.inputs)).project}.iam.gserviceaccount.com`;
}

describe("gcp backend", function () {
    this.timeout(120000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await baseline({ stack: "dev", set: GCP });
        prod = await baseline({ stack: "prod", set: GCP });
    });

    it("creates the expected resource types per component (dev and prod)", () => {
        for (const p of [dev, prod]) {
            assertTypes(p, "Network", "network", [
                "gcp:compute/network:Network",
                "gcp:compute/subnetwork:Subnetwork",
                "gcp:compute/globalAddress:GlobalAddress",
                T.psa,
                "gcp:compute/router:Router",
                "gcp:compute/routerNat:RouterNat",
                "gcp:compute/firewall:Firewall",
            ]);
            assertTypes(p, "Foundation", "foundation", ["gcp:projects/service:Service", "gcp:logging/projectBucketConfig:ProjectBucketConfig", "gcp:logging/projectSink:ProjectSink", "random:index/randomId:RandomId"]);
            assertTypes(p, "Database", "database", [T.sql, "gcp:sql/database:Database", "gcp:sql/user:User", "gcp:cloudrunv2/job:Job", "gcp:monitoring/alertPolicy:AlertPolicy"]);
            assertTypes(p, "Cache", "cache", [T.redis, T.secret, "gcp:secretmanager/secretVersion:SecretVersion"]);
            assertTypes(p, "SearchCluster", "search", [T.vm, T.disk, "gcp:compute/address:Address", "gcp:compute/resourcePolicy:ResourcePolicy", T.sa]);
            assertTypes(p, "ObjectStore", "storage", [T.bucket]);
            assertTypes(p, "LoadBalancer", "lb", [
                "gcp:compute/globalAddress:GlobalAddress",
                "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
                "gcp:compute/backendService:BackendService",
                "gcp:compute/uRLMap:URLMap",
                T.armor,
                "gcp:compute/globalForwardingRule:GlobalForwardingRule",
            ]);
            assertTypes(p, "ContainerService", "app", [T.run, T.sa, T.secret, T.secretIam, T.bucketIam]);
            assertTypes(p, "ContainerService", "worker", [T.pool, T.sa]);
        }
        assertTypes(prod, "LoadBalancer", "lb", ["gcp:compute/managedSslCertificate:ManagedSslCertificate", "gcp:compute/sSLPolicy:SSLPolicy", "gcp:compute/targetHttpsProxy:TargetHttpsProxy"]);
        assert.ok(!typesUnder(dev, "LoadBalancer", "lb").has("gcp:compute/managedSslCertificate:ManagedSslCertificate"), "dev has no domain: no certificate");
    });

    it("gives every GCP resource the stack's explicit provider and a component parent", () => {
        for (const p of [dev, prod]) {
            const provider = p.one("pulumi:providers:gcp");
            const labels = typeof provider.inputs.defaultLabels === "string" ? JSON.parse(provider.inputs.defaultLabels) : provider.inputs.defaultLabels;
            assert.deepStrictEqual(labels, { project: "anycloud", stack: p === dev ? "dev" : "prod", environment: p === dev ? "dev" : "prod", "managed-by": "anycloud" });
            for (const r of p.resources.filter((x) => x.type.startsWith("gcp:"))) {
                assert.ok(r.provider?.startsWith(provider.urn), `${r.type} ${r.name} uses the explicit provider`);
                assert.ok(r.parent?.includes("anycloud:index:"), `${r.type} ${r.name} is under a component`);
            }
        }
    });

    it("keeps Cloud SQL and Memorystore private and behind the peering", () => {
        for (const p of [dev, prod]) {
            const psa = p.one(T.psa);
            // Never abandoned: an abandoned connection leaves a peering that blocks the VPC's delete.
            assert.strictEqual(psa.inputs.deletionPolicy, undefined);
            assert.strictEqual(psa.inputs.updateOnCreationFail, true);
            for (const db of p.ofType(T.sql)) {
                assert.strictEqual(db.inputs.settings.ipConfiguration.ipv4Enabled, false);
                assert.strictEqual(db.inputs.settings.ipConfiguration.sslMode, "ENCRYPTED_ONLY");
                assert.strictEqual(db.inputs.settings.edition, "ENTERPRISE");
                assert.ok(db.dependencies.includes(psa.urn), `${db.name} depends on the PSA connection`);
                assert.ok(db.ignoreChanges.includes("settings.diskSize"));
            }
            const redis = p.one(T.redis);
            assert.strictEqual(redis.inputs.connectMode, "PRIVATE_SERVICE_ACCESS");
            assert.strictEqual(redis.inputs.authEnabled, true);
            assert.strictEqual(redis.inputs.transitEncryptionMode, "SERVER_AUTHENTICATION");
            assert.strictEqual(redis.inputs.redisConfigs["maxmemory-policy"], "allkeys-lru");
            assert.ok(redis.dependencies.includes(psa.urn), "Redis depends on the PSA connection");
            for (const vm of p.ofType(T.vm)) {
                assert.ok(vm.inputs.networkInterfaces.every((n: any) => !n.accessConfigs || n.accessConfigs.length === 0), "search VMs have no public IP");
            }
        }
        const primary = dev.one(T.sql, "database-pg");
        assert.strictEqual(primary.inputs.settings.backupConfiguration.pointInTimeRecoveryEnabled, true);
        assert.strictEqual(primary.inputs.settings.backupConfiguration.backupRetentionSettings.retainedBackups, 7);
    });

    it("makes prod highly available and protected", () => {
        const primary = prod.one(T.sql, "database-pg");
        assert.strictEqual(primary.inputs.settings.availabilityType, "REGIONAL");
        assert.strictEqual(primary.inputs.deletionProtection, true);
        assert.strictEqual(primary.inputs.settings.backupConfiguration.backupRetentionSettings.retainedBackups, 30);
        assert.strictEqual(prod.ofType(T.sql).length, 2, "primary + 1 read replica");
        assert.ok(prod.ofType(T.sql).every((r) => r.protect));
        const redis = prod.one(T.redis);
        assert.strictEqual(redis.inputs.tier, "STANDARD_HA");
        assert.strictEqual(redis.inputs.persistenceConfig.persistenceMode, "RDB");
        assert.notStrictEqual(redis.inputs.locationId, redis.inputs.alternativeLocationId);
        assert.ok(redis.protect);
        const vms = prod.ofType(T.vm);
        assert.strictEqual(vms.length, 3);
        assert.strictEqual(new Set(vms.map((v) => v.inputs.zone)).size, 3, "search nodes in distinct zones");
        assert.ok([...vms, ...prod.ofType(T.disk), ...prod.ofType(T.bucket)].every((r) => r.protect));
        // The search CA exists only in Secret Manager (generated by node 0 at boot): protected.
        for (const ca of ["search-ca-key", "search-ca-cert"]) {
            assert.ok(prod.one(T.secret, ca).protect && prod.one(T.secret, ca).inputs.deletionProtection === true, `${ca} is protected in prod`);
            assert.ok(!dev.one(T.secret, ca).protect && dev.one(T.secret, ca).inputs.deletionProtection === false, `${ca} is destroyable in dev`);
        }
        assert.ok(prod.one(T.run).inputs.template.scaling.minInstanceCount >= 2);
        assert.ok(prod.ofType(T.pool).every((w) => w.inputs.scaling.manualInstanceCount >= 2));
        // dev: cheapest sane shape, nothing protected, buckets destroyable.
        assert.strictEqual(dev.one(T.sql).inputs.settings.availabilityType, "ZONAL");
        assert.strictEqual(dev.one(T.redis).inputs.tier, "BASIC");
        assert.strictEqual(dev.ofType(T.vm).length, 1);
        assert.strictEqual(dev.one(T.run).inputs.template.scaling.minInstanceCount, 0);
        assert.ok(!dev.one(T.sql).protect && dev.one(T.bucket, "storage-documents").inputs.forceDestroy === true);
        assert.strictEqual(prod.one(T.bucket, "storage-documents").inputs.forceDestroy, false);
    });

    it("exposes Cloud Run only through the load balancer, with Direct VPC egress and probes", () => {
        for (const p of [dev, prod]) {
            const run = p.one(T.run);
            assert.strictEqual(run.inputs.ingress, "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
            assert.strictEqual(run.inputs.template.vpcAccess.egress, "PRIVATE_RANGES_ONLY");
            const c = run.inputs.template.containers[0];
            assert.strictEqual(c.startupProbe.httpGet.path, "/health");
            assert.strictEqual(c.livenessProbe.httpGet.path, "/health");
            assert.deepStrictEqual(p.ofType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember"), []);
            const neg = p.one("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup");
            assert.strictEqual(neg.inputs.cloudRun.service, run.inputs.name, "the NEG targets the Cloud Run service by its derived name");
            assert.ok(p.ofType("gcp:compute/backendService:BackendService").every((b) => b.inputs.loadBalancingScheme === "EXTERNAL_MANAGED"));
        }
        assert.strictEqual(dev.outputs.https, false);
        assert.match(dev.outputs.url, /^http:\/\/\d+\.\d+\.\d+\.\d+$/);
        assert.strictEqual(prod.outputs.url, "https://biblioteca.example.org");
        assert.strictEqual(prod.one("gcp:compute/sSLPolicy:SSLPolicy").inputs.minTlsVersion, "TLS_1_2");
        const redirect = prod.one("gcp:compute/uRLMap:URLMap", "lb-redirect");
        assert.strictEqual(redirect.inputs.defaultUrlRedirect.httpsRedirect, true);
    });

    it("rate-limits routes with Cloud Armor throttle rules", () => {
        const all = prod.one(T.armor).inputs.rules as any[];
        const rules = all.filter((r) => r.action === "throttle");
        const login = rules.find((r) => r.match.expr?.expression === "request.path == '/api/auth/login'");
        const api = rules.find((r) => String(r.match.expr?.expression).includes("startsWith('/api/')"));
        assert.ok(login && api, JSON.stringify(rules));
        assert.ok(login.priority < api.priority, "the exact login rule is evaluated first");
        assert.strictEqual(login.rateLimitOptions.rateLimitThreshold.intervalSec, 60);
        assert.strictEqual(api.rateLimitOptions.rateLimitThreshold.intervalSec, 10);
        assert.strictEqual(api.action, "throttle");
        assert.strictEqual(all[all.length - 1].priority, 2147483647);
    });

    it("keeps buckets private and grants bucket IAM exactly to the services that use them", () => {
        for (const p of [dev, prod]) {
            // The application's buckets (the search snapshot bucket is tested in search-vms.spec.ts).
            const appBuckets = p.ofType(T.bucket).filter((b) => b.name !== "search-snapshots-bucket");
            for (const b of appBuckets) {
                assert.strictEqual(b.inputs.publicAccessPrevention, "enforced");
                assert.strictEqual(b.inputs.uniformBucketLevelAccess, true);
                assert.strictEqual(b.inputs.versioning.enabled, true);
            }
            const appIam = p.ofType(T.bucketIam).filter((m) => !m.name.startsWith("search-"));
            const members = appIam.map((m) => m.inputs.member).sort();
            const users = ["app", "worker", "processor"].map((s) => serviceAccountOf(p, s)).sort();
            assert.deepStrictEqual(members, users);
            assert.ok(appIam.every((m) => m.inputs.role === "roles/storage.objectUser"));
        }
        assert.strictEqual(dev.outputs.buckets.documents, dev.one(T.bucket, "storage-documents").inputs.name);
    });

    it("delivers secrets only through Secret Manager, each readable by its own service only", () => {
        for (const p of [dev, prod]) {
            const secretValues = new Set<string>();
            for (const v of p.ofType("gcp:secretmanager/secretVersion:SecretVersion")) {
                assert.ok(v.secretPaths.includes("secretData"), `${v.name} value is a Pulumi secret`);
                // Whole credential values (URLs embed them, so checking the credentials covers URLs too).
                const data = String(v.inputs.secretData);
                if (!data.startsWith("-----BEGIN") && !/^(postgresql|rediss?):/.test(data)) secretValues.add(data);
            }
            assert.ok(secretValues.size >= 5, "passwords, generated app secrets and HMAC credentials are stored");
            for (const c of [...p.ofType(T.run), ...p.ofType(T.pool)]) {
                const envs = c.inputs.template.containers[0].envs as any[];
                for (const e of envs.filter((x) => x.value !== undefined)) {
                    for (const s of secretValues) assert.ok(!String(e.value).includes(s), `${c.name} ${e.name} carries a secret in plain env`);
                }
                const byName = new Map(envs.map((e) => [e.name, e]));
                for (const name of ["DB_PASSWORD", "DATABASE_URL", "REDIS_PASSWORD", "REDIS_URL", "ELASTICSEARCH_PASSWORD", "S3_SECRET_ACCESS_KEY"]) {
                    if (byName.has(name)) assert.ok(byName.get(name).valueSource?.secretKeyRef, `${c.name} ${name} comes from Secret Manager`);
                }
            }
            // Each service's secrets are readable by that service's account only.
            for (const service of ["app", "worker", "processor"]) {
                const mine = p.descendantsOf(p.component("ContainerService", service)).filter((r) => r.type === T.secretIam);
                assert.ok(mine.length > 0);
                assert.ok(mine.every((m) => m.inputs.member === serviceAccountOf(p, service) && m.inputs.role === "roles/secretmanager.secretAccessor"));
            }
            const app = p.one(T.run).inputs.template.containers[0].envs as any[];
            assert.ok(app.find((e) => e.name === "JWT_SECRET").valueSource.secretKeyRef.secret.includes("app-jwt_secret"));
            assert.strictEqual(app.find((e) => e.name === "S3_ENDPOINT").value, "https://storage.googleapis.com");
        }
    });

    it("derives firewall rules from uses", () => {
        const fw = (name: string) => dev.one("gcp:compute/firewall:Firewall", `network-fw-${name}`).inputs;
        // The dev example's jobs (migrate, nightly) use the database under their own tags.
        assert.deepStrictEqual([...fw("run-db").targetTags].sort(), ["db-init", "svc-app", "svc-migrate", "svc-nightly", "svc-worker"]);
        assert.deepStrictEqual([...fw("run-cache").targetTags].sort(), ["svc-app", "svc-processor", "svc-worker"]);
        assert.deepStrictEqual([...fw("run-search").targetTags].sort(), ["svc-app", "svc-worker"]);
        assert.deepStrictEqual(fw("run-deny-private").denies, [{ protocol: "all" }]);
        assert.deepStrictEqual(fw("search-http").sourceRanges, ["10.40.2.0/23"]);
    });

    it("has the same output shape as the local target", async () => {
        const local = await baseline({ stack: "dev", set: { cloud: "local" } });
        assert.deepStrictEqual(shape(dev.outputs), shape(local.outputs));
        assert.ok(dev.run.secretOutputPaths.includes("databaseUrl"));
    });

    it("plans the second topology (host routes, two buckets, no search)", async () => {
        const hosts = await baseline({ stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", set: GCP });
        assert.strictEqual(hosts.ofType(T.vm).length, 0);
        assert.strictEqual(hosts.ofType(T.bucket).length, 2);
        const urlMap = hosts.one("gcp:compute/uRLMap:URLMap", "lb-urlmap").inputs;
        assert.deepStrictEqual(urlMap.hostRules.find((h: any) => h.hosts[0] === "api.publisher.example.com").hosts, ["api.publisher.example.com"]);
        const cert = hosts.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").inputs;
        assert.deepStrictEqual([...cert.managed.domains].sort(), ["api.publisher.example.com", "publisher.example.com"]);
        // exports is used by api only; uploads by both.
        const exportsBucket = hosts.one(T.bucket, "storage-exports").inputs.name;
        const exportsMembers = hosts.ofType(T.bucketIam).filter((m) => m.inputs.bucket === exportsBucket).map((m) => m.inputs.member);
        assert.deepStrictEqual(exportsMembers, [serviceAccountOf(hosts, "api")]);
        assert.strictEqual(hosts.ofType("gcp:compute/router:Router").length, 0, "no VMs, no NAT");
    });

    describe("the URL map's 1 MB limit (global external Application Load Balancer)", () => {
        const HOSTS = { stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", set: GCP };
        // The size the config check computes for a stack, before anything is registered.
        // (loadSettings refuses an over-limit config, so the routes can be given separately.)
        const bytesOf = (options: { stack: string; file?: string; set: Record<string, unknown> }, routes?: RouteSettings[]) => {
            const settings = loadSettings(stackConfig(options).config, { project: "anycloud", stack: options.stack });
            const naming = new Naming(settings.project, settings.stack, settings.gcp.project ?? "");
            const url = (service: string) => `https://www.googleapis.com/compute/v1/projects/${settings.gcp.project}/global/backendServices/${naming.resource(`be-${service}`)}`;
            return urlMapBytes(naming.resource("urlmap"), routes ?? settings.loadBalancer?.routes ?? [], url);
        };

        it("measures the URL map the program registers, each service by its backend service's full URL", async () => {
            const hosts = await baseline(HOSTS);
            const map = hosts.one("gcp:compute/uRLMap:URLMap", "lb-urlmap").inputs;
            const url = (id: string) => `https://www.googleapis.com/compute/v1/${id}`;
            const stored = {
                name: map.name,
                defaultService: url(map.defaultService),
                hostRules: map.hostRules.map((h: any) => ({ hosts: h.hosts, pathMatcher: h.pathMatcher })),
                pathMatchers: map.pathMatchers.map((m: any) => ({ name: m.name, defaultService: url(m.defaultService), pathRules: m.pathRules.map((r: any) => ({ paths: r.paths, service: url(r.service) })) })),
            };
            assert.strictEqual(bytesOf(HOSTS), Buffer.byteLength(JSON.stringify(stored)));
        });

        it("refuses routes whose URL map passes 1 MB, before anything is registered", async () => {
            // Long paths: 2 patterns of ~2,000 characters per route, 300 routes.
            const routes = Array.from({ length: 300 }, (_, i) => ({ path: `/${"p".repeat(2000)}${i}/*`, service: "app" }));
            const set = { ...GCP, "loadBalancer.routes": [{ path: "/", service: "app" }, ...routes] };
            const fits = { ...GCP, "loadBalancer.routes": [{ path: "/", service: "app" }, ...routes.slice(0, 200)] };
            const all: RouteSettings[] = [{ path: "/", service: "app" }, ...routes];
            assert.ok(bytesOf({ stack: "dev", set: fits }, all) > URL_MAP_MAX_BYTES);
            const error = await planError({ stack: "dev", set });
            const found = error.problems.filter((p) => p.key === "anycloud:loadBalancer.routes");
            assert.strictEqual(found.length, 1, error.message);
            assert.match(found[0].accepted, /URL map stays within 1 MB \(1000000 bytes\)/);
            assert.ok(bytesOf({ stack: "dev", set: fits }) <= URL_MAP_MAX_BYTES);
        });
    });

    it("stops with a ConfigError naming the key for a size Cloud Run cannot provide", async () => {
        const err = await planError({ stack: "dev", set: { ...GCP, "services.app.cpu": 0.25 } });
        assert.strictEqual(err.name, "ConfigError");
        assert.ok(err.problems?.some((p) => p.key === "anycloud:services.app.cpu"), err.message);
    });

    it("refuses a worker below the 1 vCPU a Cloud Run worker pool needs, instead of raising it", async () => {
        const err = await planError({ stack: "dev", set: { ...GCP, "services.worker.cpu": 0.5, "services.worker.memoryMb": 1024 } });
        assert.deepStrictEqual(err.problems.map((p) => [p.key, p.value]), [["anycloud:services.worker.cpu", 0.5]]);
    });

    it("names resources within GCP limits, deterministically", async () => {
        const again = await plan({ stack: "dev", set: GCP });
        const names = (p: Plan) => p.resources.map((r: CapturedResource) => `${r.type}/${r.name}/${JSON.stringify(r.inputs.name ?? r.inputs.accountId ?? "")}`);
        assert.deepStrictEqual(names(again), names(dev));
        for (const sa of dev.ofType(T.sa)) assert.match(sa.inputs.accountId, /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
        for (const r of dev.resources.filter((x) => x.type.startsWith("gcp:compute/") && typeof x.inputs.name === "string")) {
            assert.match(r.inputs.name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, r.name);
        }
        assert.ok(stringsIn(dev.one(T.bucket, "storage-documents").inputs.name).every((s) => s.value.length <= 63));
    });
});
