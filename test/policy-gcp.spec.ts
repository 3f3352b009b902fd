import * as assert from "assert";
import { GCP_TYPES as T } from "../policy/gcp";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";
import { assertBites, baseline, broken, introduced, unprotected, violationsOf } from "./policy-harness";

/**
 * Each GCP guardrail bites: one input of a real plan is broken (or the stack config changed the
 * way a user would) and exactly that policy reports it. Prod-only guardrails are bitten on prod.
 */

const DEV = { stack: "dev", set: { cloud: "gcp" } };
const PROD = { stack: "prod", set: { cloud: "gcp" } };

/** Selects resources of a type, optionally by logical name. */
const pick =
    (type: string, name?: string) =>
    (r: CapturedResource): boolean =>
        r.type === type && (name === undefined || r.name === name);

/** The containers of a Cloud Run service or worker pool (jobs nest one level deeper). */
const containers = (p: Record<string, any>): any[] => (p.template.template ?? p.template).containers;

/** Replaces (or adds) one env entry of the first container. */
function setEnv(p: Record<string, any>, entry: { name: string; value: string }) {
    const envs: any[] = containers(p)[0].envs;
    const i = envs.findIndex((e) => e.name === entry.name);
    if (i >= 0) envs[i] = entry;
    else envs.push(entry);
}

/** A copy of a plan without the selected resources. */
function without(p: Plan, select: (r: CapturedResource) => boolean): Plan {
    const resources = p.resources.filter((r) => !select(r));
    assert.ok(resources.length < p.resources.length, "nothing was removed");
    return new Plan({ ...p.run, resources });
}

/** Asserts the policy reports the break and its message names what it is about. */
async function bites(policy: string, before: Plan, after: Plan, mentions: RegExp) {
    const added = await assertBites(policy, before, after);
    assert.ok(
        added.some((v) => mentions.test(v.message)),
        `expected a ${policy} message matching ${mentions}, got:\n${added.map((v) => `  ${v.message}`).join("\n")}`,
    );
}

async function reportsNothing(before: Plan, after: Plan) {
    assert.deepStrictEqual(introduced(await violationsOf(before), await violationsOf(after)), []);
}

describe("gcp guardrails bite", function () {
    this.timeout(120000);
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        // One at a time: the offline engine's mocks are process-wide.
        dev = await baseline(DEV);
        prod = await baseline(PROD);
    });

    describe("data-not-public", () => {
        it("a Cloud SQL instance given a public IP through overrides is reported", async () => {
            const after = await baseline({ stack: "dev", set: { cloud: "gcp", overrides: { [T.sql]: { settings: { ipConfiguration: { ipv4Enabled: true } } } } } });
            await bites("data-not-public", dev, after, /ipv4Enabled is true/);
        });

        it("a Cloud SQL read replica whose ipConfiguration leaves ipv4Enabled to the default (public) is reported", async () => {
            const after = broken(prod, pick(T.sql, "database-pg-replica-1"), (p) => delete p.settings.ipConfiguration.ipv4Enabled);
            await bites("data-not-public", prod, after, /ipv4Enabled is absent/);
        });

        it("a Cloud SQL instance open to the ExecuteSql Data API is reported", async () => {
            const after = broken(dev, pick(T.sql), (p) => (p.settings.dataApiAccess = "ALLOW_DATA_API"));
            await bites("data-not-public", dev, after, /dataApiAccess is ALLOW_DATA_API/);
        });

        it("a Memorystore instance on direct peering instead of private services access is reported", async () => {
            const after = broken(dev, pick(T.redis), (p) => (p.connectMode = "DIRECT_PEERING"));
            await bites("data-not-public", dev, after, /connectMode is "DIRECT_PEERING"/);
        });

        it("a Memorystore instance without authorizedNetwork (the project's default network) is reported", async () => {
            const after = broken(dev, pick(T.redis), (p) => delete p.authorizedNetwork);
            await bites("data-not-public", dev, after, /authorizedNetwork is absent/);
        });

        it("a bucket whose public access prevention is only inherited is reported", async () => {
            const after = broken(dev, pick(T.bucket), (p) => (p.publicAccessPrevention = "inherited"));
            await bites("data-not-public", dev, after, /publicAccessPrevention is "inherited"/);
        });

        it("a search node with an external IP (access config) is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => (p.networkInterfaces[0].accessConfigs = [{ networkTier: "PREMIUM" }]));
            await bites("data-not-public", dev, after, /networkInterfaces\[0\] has accessConfigs/);
        });
    });

    describe("data-encrypted-at-rest", () => {
        const RAW = "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0=";

        it("a search data disk with a customer-supplied raw key is reported", async () => {
            const after = broken(dev, pick(T.disk), (p) => (p.diskEncryptionKey = { rawKey: RAW }));
            await bites("data-encrypted-at-rest", dev, after, /diskEncryptionKey\.rawKey is set/);
        });

        it("a VM attaching its data disk with a raw key is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => (p.attachedDisks[0].diskEncryptionKeyRaw = RAW));
            await bites("data-encrypted-at-rest", dev, after, /attachedDisks\[0\]\.diskEncryptionKeyRaw/);
        });

        it("a VM whose boot disk uses a raw key is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => (p.bootDisk.diskEncryptionKeyRaw = RAW));
            await bites("data-encrypted-at-rest", dev, after, /bootDisk\.diskEncryptionKeyRaw/);
        });

        it("a disk encrypted with a Cloud KMS key is accepted", async () => {
            const key = "projects/anycloud-dev-example/locations/us-central1/keyRings/anycloud/cryptoKeys/search";
            await reportsNothing(dev, broken(dev, pick(T.disk), (p) => (p.diskEncryptionKey = { kmsKeySelfLink: key })));
        });
    });

    describe("data-encrypted-in-transit", () => {
        it("a Cloud SQL instance that accepts clear-text connections is reported", async () => {
            const after = broken(dev, pick(T.sql), (p) => (p.settings.ipConfiguration.sslMode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"));
            await bites("data-encrypted-in-transit", dev, after, /sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED"/);
        });

        it("a Memorystore instance without transit encryption is reported", async () => {
            const after = broken(dev, pick(T.redis), (p) => (p.transitEncryptionMode = "DISABLED"));
            await bites("data-encrypted-in-transit", dev, after, /transitEncryptionMode is "DISABLED"/);
        });

        it("a search node whose boot script serves OpenSearch's HTTP layer without TLS is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => {
                p.metadata["startup-script"] = p.metadata["startup-script"].replace("plugins.security.ssl.http.enabled: true", "plugins.security.ssl.http.enabled: false");
            });
            await bites("data-encrypted-in-transit", dev, after, /ssl\.http\.enabled/);
        });

        it("a search node whose boot script disables the security plugin is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => (p.metadata["startup-script"] = `${p.metadata["startup-script"]}\nplugins.security.disabled: true\n`));
            await bites("data-encrypted-in-transit", dev, after, /disables OpenSearch's security plugin/);
        });

        it("a Cloud Run service given a clear-text Cloud Storage endpoint is reported", async () => {
            const after = broken(dev, pick(T.run), (p) => setEnv(p, { name: "S3_ENDPOINT", value: "http://storage.googleapis.com" }));
            await bites("data-encrypted-in-transit", dev, after, /S3_ENDPOINT is http:\/\/storage\.googleapis\.com/);
        });

        it("a worker pool given a clear-text Cloud Storage endpoint is reported", async () => {
            const after = broken(dev, pick(T.pool, "worker-pool"), (p) => setEnv(p, { name: "S3_ENDPOINT", value: "http://storage.googleapis.com" }));
            await bites("data-encrypted-in-transit", dev, after, /S3_ENDPOINT/);
        });

        it("a job reading a bucket over clear-text HTTP is reported", async () => {
            const after = broken(dev, pick(T.job), (p) => setEnv(p, { name: "EXPORT_URL", value: "http://storage.googleapis.com/exports" }));
            await bites("data-encrypted-in-transit", dev, after, /EXPORT_URL/);
        });
    });

    describe("edge-tls", () => {
        it("an SSL policy that allows TLS 1.1 is reported", async () => {
            const after = broken(prod, pick(T.sslPolicy), (p) => (p.minTlsVersion = "TLS_1_1"));
            await bites("edge-tls", prod, after, /minTlsVersion is "TLS_1_1"/);
        });

        it("an HTTPS proxy without an SSL policy (Google's TLS 1.0 default) is reported", async () => {
            const after = broken(prod, pick(T.httpsProxy), (p) => delete p.sslPolicy);
            await bites("edge-tls", prod, after, /sslPolicy is absent/);
        });

        it("port 80 serving the routes instead of redirecting to HTTPS is reported", async () => {
            const after = broken(prod, pick(T.httpProxy), (p) => (p.urlMap = p.urlMap.replace(/redirect$/, "urlmap")));
            await bites("edge-tls", prod, after, /serves plain HTTP next to HTTPS/);
        });

        it("a temporary (302) redirect to HTTPS is reported", async () => {
            const after = broken(prod, pick(T.urlMap, "lb-redirect"), (p) => (p.defaultUrlRedirect.redirectResponseCode = "FOUND"));
            await bites("edge-tls", prod, after, /redirectResponseCode is FOUND/);
        });
    });

    describe("no-wildcard-permissions", () => {
        it("a bucket grant to allUsers is reported", async () => {
            const after = broken(dev, pick(T.bucketIam, "app-bucket-documents"), (p) => (p.member = "allUsers"));
            await bites("no-wildcard-permissions", dev, after, /member is allUsers/);
        });

        it("a secret readable by allAuthenticatedUsers is reported", async () => {
            const after = broken(dev, pick(T.secretIam, "app-secret-jwt-secret-access"), (p) => (p.member = "allAuthenticatedUsers"));
            await bites("no-wildcard-permissions", dev, after, /member is allAuthenticatedUsers/);
        });

        it("a project-wide basic Viewer grant is reported", async () => {
            const after = broken(dev, pick(T.projectIam, "search-boot-logging-logwriter"), (p) => (p.role = "roles/viewer"));
            await bites("no-wildcard-permissions", dev, after, /roles\/viewer: a basic role/);
        });

        it("a bucket role granted on the whole project instead of the bucket is reported", async () => {
            const after = broken(dev, pick(T.projectIam, "search-boot-logging-logwriter"), (p) => (p.role = "roles/storage.objectUser"));
            await bites("no-wildcard-permissions", dev, after, /roles\/storage\.objectUser is granted on the whole project/);
        });
    });

    describe("no-privileged-roles", () => {
        it("a project Editor grant to a workload is reported", async () => {
            const after = broken(dev, pick(T.projectIam, "search-boot-monitoring-metricwriter"), (p) => (p.role = "roles/editor"));
            await bites("no-privileged-roles", dev, after, /role is roles\/editor/);
        });

        it("a project grant that lets a workload act as other service accounts is reported", async () => {
            const after = broken(dev, pick(T.projectIam, "search-boot-monitoring-metricwriter"), (p) => (p.role = "roles/iam.serviceAccountTokenCreator"));
            await bites("no-privileged-roles", dev, after, /roles\/iam\.serviceAccountTokenCreator/);
        });

        it("a versioned admin role (compute.instanceAdmin.v1) on the project is reported", async () => {
            const after = broken(dev, pick(T.projectIam, "search-boot-monitoring-metricwriter"), (p) => (p.role = "roles/compute.instanceAdmin.v1"));
            await bites("no-privileged-roles", dev, after, /roles\/compute\.instanceAdmin\.v1/);
        });

        it("Storage Admin on a bucket is reported", async () => {
            const after = broken(dev, pick(T.bucketIam, "app-bucket-documents"), (p) => (p.role = "roles/storage.admin"));
            await bites("no-privileged-roles", dev, after, /role is roles\/storage\.admin/);
        });

        it("Secret Manager Admin on a secret is reported", async () => {
            const after = broken(dev, pick(T.secretIam, "app-secret-jwt-secret-access"), (p) => (p.role = "roles/secretmanager.admin"));
            await bites("no-privileged-roles", dev, after, /role is roles\/secretmanager\.admin/);
        });

        it("a Cloud Run service without its own service account (the default compute account) is reported", async () => {
            const after = broken(dev, pick(T.run), (p) => delete p.template.serviceAccount);
            await bites("no-privileged-roles", dev, after, /template\.serviceAccount is absent/);
        });

        it("a worker pool running as the default compute service account is reported", async () => {
            const after = broken(dev, pick(T.pool, "worker-pool"), (p) => (p.template.serviceAccount = "123456789012-compute@developer.gserviceaccount.com"));
            await bites("no-privileged-roles", dev, after, /default compute service account/);
        });

        it("the database init job without its own service account is reported", async () => {
            const after = broken(dev, pick(T.job), (p) => delete p.template.template.serviceAccount);
            await bites("no-privileged-roles", dev, after, /template\.template\.serviceAccount is absent/);
        });

        it("a search node attached to the default compute service account is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => delete p.serviceAccount.email);
            await bites("no-privileged-roles", dev, after, /serviceAccount\.email is absent/);
        });
    });

    describe("no-open-ingress", () => {
        it("SSH to the search nodes opened to 0.0.0.0/0 is reported", async () => {
            const after = broken(dev, pick(T.firewall, "network-fw-search-iap-ssh"), (p) => (p.sourceRanges = ["0.0.0.0/0"]));
            await bites("no-open-ingress", dev, after, /sourceRanges include 0\.0\.0\.0\/0/);
        });

        it("the search HTTP port opened to ::/0 is reported", async () => {
            const after = broken(dev, pick(T.firewall, "network-fw-search-http"), (p) => p.sourceRanges.push("::/0"));
            await bites("no-open-ingress", dev, after, /sourceRanges include ::\/0/);
        });

        it("a Cloud Run service opened to all traffic through overrides is reported", async () => {
            const after = await baseline({ stack: "dev", set: { cloud: "gcp", overrides: { [T.run]: { ingress: "INGRESS_TRAFFIC_ALL" } } } });
            await bites("no-open-ingress", dev, after, /ingress is "INGRESS_TRAFFIC_ALL"/);
        });

        it("a Cloud Run service without an ingress setting (default: all traffic) is reported", async () => {
            const after = broken(dev, pick(T.run), (p) => delete p.ingress);
            await bites("no-open-ingress", dev, after, /ingress is absent/);
        });

        it("a disabled rule and an open egress rule are not ingress", async () => {
            const disabled = broken(dev, pick(T.firewall, "network-fw-search-iap-ssh"), (p) => {
                p.sourceRanges = ["0.0.0.0/0"];
                p.disabled = true;
            });
            await reportsNothing(dev, disabled);
            await reportsNothing(dev, broken(dev, pick(T.firewall, "network-fw-run-deny-private"), (p) => (p.destinationRanges = ["0.0.0.0/0"])));
        });
    });

    describe("secrets-from-secret-store", () => {
        it("a secret set as plain env in the stack config is reported", async () => {
            const after = await baseline({ stack: "dev", set: { cloud: "gcp", "services.app.env.PAYMENT_API_KEY": "pk_live_51HxExample" } });
            await bites("secrets-from-secret-store", dev, after, /PAYMENT_API_KEY carries a plain value under a secret's name/);
        });

        it("a generated secret passed as a plain value instead of a secretKeyRef is reported", async () => {
            const after = broken(dev, pick(T.run), (p) => setEnv(p, { name: "JWT_SECRET", value: "a-generated-jwt-secret-value" }));
            await bites("secrets-from-secret-store", dev, after, /JWT_SECRET carries a plain value/);
        });

        it("a credential URL under an innocent name in a worker pool is reported", async () => {
            const after = broken(dev, pick(T.pool, "worker-pool"), (p) => setEnv(p, { name: "PRIMARY_DB", value: "postgres://app:hunter2@10.100.1.2:5432/app" }));
            await bites("secrets-from-secret-store", dev, after, /PRIMARY_DB carries a URL with embedded credentials/);
        });

        it("the init job's database password as plain env is reported", async () => {
            const after = broken(dev, pick(T.job), (p) => setEnv(p, { name: "PGPASSWORD", value: "a-database-password" }));
            await bites("secrets-from-secret-store", dev, after, /PGPASSWORD carries a plain value/);
        });

        it("a literal CA under ELASTICSEARCH_CA_CERT_SECRET is reported; the program's CA is a Secret Manager reference", async () => {
            const env = (p: Plan) => containers(p.one(T.run).inputs)[0].envs.find((e: any) => e.name === "ELASTICSEARCH_CA_CERT");
            assert.strictEqual(env(dev).value, undefined);
            assert.match(env(dev).valueSource.secretKeyRef.secret, /-search-ca-cert$/);
            const after = broken(dev, pick(T.run), (p) => setEnv(p, { name: "ELASTICSEARCH_CA_CERT_SECRET", value: "-----BEGIN CERTIFICATE-----MIIB" }));
            await bites("secrets-from-secret-store", dev, after, /ELASTICSEARCH_CA_CERT_SECRET carries a plain value/);
        });

        it("an admin password in a search node's metadata is reported", async () => {
            const after = broken(dev, pick(T.vm), (p) => (p.metadata["admin-password"] = "opensearch-admin-password"));
            await bites("secrets-from-secret-store", dev, after, /metadata\.admin-password carries a plain value/);
        });
    });

    describe("backups-retained", () => {
        it("a Cloud SQL instance keeping 3 daily backups is reported", async () => {
            const after = broken(dev, pick(T.sql), (p) => (p.settings.backupConfiguration.backupRetentionSettings.retainedBackups = 3));
            await bites("backups-retained", dev, after, /keeps 3 COUNT/);
        });

        it("a Cloud SQL instance with automated backups off is reported", async () => {
            const after = broken(dev, pick(T.sql), (p) => (p.settings.backupConfiguration.enabled = false));
            await bites("backups-retained", dev, after, /backupConfiguration\.enabled is false/);
        });

        it("a snapshot schedule keeping 3 days is reported", async () => {
            const after = broken(dev, pick(T.snapshotPolicy), (p) => (p.snapshotSchedulePolicy.retentionPolicy.maxRetentionDays = 3));
            await bites("backups-retained", dev, after, /maxRetentionDays is 3/);
        });

        it("a search data disk without a snapshot schedule is reported", async () => {
            const after = broken(dev, pick(T.disk), (p) => (p.resourcePolicies = []));
            await bites("backups-retained", dev, after, /resourcePolicies is empty/);
        });
    });

    describe("logs-retained", () => {
        it("a 3-day log retention in the stack config is reported", async () => {
            const after = await baseline({ stack: "dev", set: { cloud: "gcp", "logs.retentionDays": 3 } });
            const added = await assertBites("logs-retained", dev, after);
            assert.deepStrictEqual(
                added.map((v) => [v.level, v.message]),
                [["advisory", "retentionDays is 3: logs are deleted too early; at least 7 is accepted"]],
            );
            assert.strictEqual(after.one(T.logBucket).inputs.retentionDays, 3);
        });
    });

    describe("prod-high-availability", () => {
        it("a zonal Cloud SQL primary in prod is reported", async () => {
            const after = broken(prod, pick(T.sql, "database-pg"), (p) => (p.settings.availabilityType = "ZONAL"));
            await bites("prod-high-availability", prod, after, /availabilityType is "ZONAL"/);
        });

        it("a BASIC-tier Memorystore instance in prod is reported", async () => {
            const after = broken(prod, pick(T.redis), (p) => (p.tier = "BASIC"));
            await bites("prod-high-availability", prod, after, /tier is "BASIC"/);
        });
    });

    describe("prod-public-replicas", () => {
        const oneInstance = (p: Plan) => broken(p, pick(T.run, "app-run"), (props) => (props.template.scaling.minInstanceCount = 1));

        it("a public service keeping 1 instance in prod is reported", async () => {
            await bites("prod-public-replicas", prod, oneInstance(prod), /keeps 1 instance/);
        });

        it("the same service keeping 1 instance in dev is not reported (prod-only)", async () => {
            await reportsNothing(dev, oneInstance(dev));
        });
    });

    describe("prod-deletion-protection", () => {
        const kind = (type: string) => type.split(":")[1].split("/")[0] + " " + type.split(":").pop();
        const unprotectedCases: [string, string][] = [
            [T.sql, "database-pg"],
            [T.sql, "database-pg-replica-1"],
            [T.sqlDatabase, "database-db-biblioteca_digital"],
            [T.redis, "cache-redis"],
            [T.bucket, "storage-documents"],
            [T.vm, "search-node-1"],
            [T.disk, "search-data-2"],
            [T.secret, "search-ca-key"],
        ];
        for (const [type, name] of unprotectedCases) {
            it(`${kind(type)} ${name} without protect in prod is reported`, async () => {
                await bites("prod-deletion-protection", prod, unprotected(prod, pick(type, name)), /`protect` resource option is off/);
            });
        }

        const flagCases: [string, string, (p: Record<string, any>) => void, RegExp][] = [
            [T.sql, "database-pg", (p) => (p.settings.deletionProtectionEnabled = false), /settings\.deletionProtectionEnabled is false/],
            [T.sql, "database-pg-replica-1", (p) => (p.deletionProtection = false), /deletionProtection is false/],
            [T.sqlDatabase, "database-db-biblioteca_digital", (p) => (p.deletionPolicy = "DELETE"), /deletionPolicy is "DELETE"/],
            [T.redis, "cache-redis", (p) => (p.deletionProtection = false), /deletionProtection is false/],
            [T.bucket, "storage-documents", (p) => (p.forceDestroy = true), /forceDestroy is true/],
            [T.vm, "search-node-0", (p) => delete p.deletionProtection, /deletionProtection is absent/],
            [T.secret, "search-ca-cert", (p) => (p.deletionProtection = false), /deletionProtection is false/],
        ];
        for (const [type, name, change, mentions] of flagCases) {
            it(`${kind(type)} ${name} without the cloud's deletion flag in prod is reported`, async () => {
                await bites("prod-deletion-protection", prod, broken(prod, pick(type, name), change), mentions);
            });
        }

        it("a secret whose value the stack writes (re-creatable from state) needs no protection", async () => {
            const after = broken(unprotected(prod, pick(T.secret, "app-secret-jwt-secret")), pick(T.secret, "app-secret-jwt-secret"), (p) => (p.deletionProtection = false));
            await reportsNothing(prod, after);
        });
    });

    describe("prod-search-nodes", () => {
        it("a prod search cluster of one node is reported", async () => {
            const after = without(prod, (r) => r.type === T.vm && r.name !== "search-node-0");
            await bites("prod-search-nodes", prod, after, /has 1 node/);
        });

        it("three prod search nodes in one zone are reported", async () => {
            const after = broken(prod, pick(T.vm), (p) => (p.zone = "europe-west1-b"));
            await bites("prod-search-nodes", prod, after, /in 1 zone/);
        });
    });
});
