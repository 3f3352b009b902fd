import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import { ChildOptions, SearchClusterInputs, SearchClusterOutputs, SearchUserCredentials } from "../../components/backend";
import { bootScript, CloudBootHooks, HTTP_PORT } from "../../components/opensearch/boot-script";
import { OPENSEARCH_NODE_IMAGES } from "../../components/opensearch/images";
import { readinessScript } from "../../components/opensearch/readiness";
import { securityBundle } from "../../components/opensearch/security-config";
import { applierEvent, applierScript } from "../../components/search-users";
import { APPLIER_UPSTREAM, SEARCH_USERS_HANDLER } from "../../components/search-users-function";
import { dockerHubImage } from "./registry-mirror";
import { generatedPassword } from "../../components/secrets";
import { searchAlerts } from "./alerts";
import { grantsSettled } from "./container-service";
import { GcpContext } from "./context";
import { hash } from "./naming";
import { serviceAccount, storeSecret } from "./secrets";
import { SEARCH_MACHINES } from "./sizes";

/** The n-th host address of a subnet (deterministic static IPs: stable discovery and URLs). */
export function hostInCidr(cidr: string, offset: number): string {
    const [ip] = cidr.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) + offset;
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** Node names: `<cluster>-<i>` (also the VM names); the same names go into nodes_dn. */
export function searchNodeNames(cluster: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${cluster}-${i}`);
}

/** Network tag of the readiness gate job (not RUN_TAG: the services' egress deny does not apply). */
export const SEARCH_GATE_TAG = "search-gate";
/** The gate's image on Docker Hub: curl and a POSIX shell, pinned; pulled through the stack's mirror (registry-mirror.ts). */
export const GATE_UPSTREAM = { repository: "curlimages/curl", tag: "8.11.1" } as const;

/** Google's health-check source ranges (internal passthrough NLB docs, "Firewall rules"). */
export const HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

/**
 * The GCP half of the boot script: Secret Manager over REST with the VM's service-account token
 * from the metadata server (404 on `versions/latest:access` = no version yet), the data disk by
 * its device name, the Ops Agent for the memory/disk alert policies, repository-gcs.
 */
export function gcpBootHooks(project: string): CloudBootHooks {
    return {
        dataDevice: "/dev/disk/by-id/google-data",
        snapshotPlugin: "repository-gcs",
        // Text values (passwords, PEM, JSON): @base64d gives a string, as jq 1.6 (Debian 12) decodes it.
        secretValueJq: ".payload.data | strings | @base64d",
        secretFunctions: String.raw`PROJECT='${project}'
SM="https://secretmanager.googleapis.com/v1/projects/$PROJECT/secrets"
# The service account's token and its lifetime (expires_in, a number of seconds).
cloud_token() {
  curl -sSf -H 'Metadata-Flavor: Google' \
    'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token' |
    jq -er '"\(.expires_in) \(.access_token | strings)"'
}
# The answer of versions/latest:access (AccessSecretVersionResponse: the value in payload.data,
# base64): printed on 200; 3 on 404 (no version yet); an error naming the status otherwise.
secret_fetch() {
  local out code
  # the caller ran token_fresh (this runs in a subshell)
  [ -n "$ACCESS_TOKEN" ] || return 1
  out=$(curl_bearer -sS -w '\n%{http_code}' "$SM/$1/versions/latest:access") || return 1
  code=${"$"}{out##*$'\n'}
  case "$code" in
    200) printf '%s' "${"$"}{out%$'\n'*}" ;;
    404) return 3 ;;
    *) echo "secret $1: HTTP $code" >&2 && return 1 ;;
  esac
}
secret_get() {
  local answer
  answer=$(secret_fetch "$1") || return
  printf '%s' "$answer" | jq -er .payload.data | base64 -d
}
# Whether the latest version holds a value, as secret_get tells (200, or 404 = none yet), without
# jq or base64: the answer's payload.data is only looked for, never decoded or written. A version
# added empty is answered without payload.data (proto3 JSON leaves out empty bytes), which
# secret_get's jq -e refuses: an error here too, so node 0 fails on it (retried, then "read secret").
secret_check() {
  local answer data='"data"[[:space:]]*:[[:space:]]*"'
  answer=$(secret_fetch "$1") || return
  [[ $answer =~ $data ]] || { echo "secret $1: the latest version holds no payload.data" >&2 && return 1; }
}
# The body {"payload":{"data":"<FILE in base64>"}} is written as is, without jq: base64's alphabet
# (A-Z a-z 0-9 + / =) needs no JSON escaping. The value streams from the file to curl (no variable).
secret_put() {
  # the caller (secret_store) ran token_fresh, and drops the token when this fails
  [ -n "$ACCESS_TOKEN" ] || return 1
  { printf '{"payload":{"data":"' && base64 -w0 "$2" && printf '"}}'; } |
    curl_bearer -sSf -o /dev/null -X POST -H 'Content-Type: application/json' -d @- "$SM/$1:addVersion"
}`,
        setup: String.raw`# Ops Agent: memory and disk metrics for the alert policies.
add_ops_agent() {
  curl -sSfo /tmp/add-ops-agent.sh https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh &&
    bash /tmp/add-ops-agent.sh --also-install
}
if ! systemctl list-unit-files google-cloud-ops-agent.service >/dev/null 2>&1; then
  retry "install the Ops Agent" add_ops_agent
fi`,
    };
}

/**
 * GCP has no managed OpenSearch: N Compute Engine VMs (one per zone, round-robin) running the
 * pinned OpenSearch image with the security plugin and TLS on both layers, behind an internal
 * passthrough load balancer (one stable client address). Each node has a static internal IP, a
 * persistent data disk that outlives the VM (a replaced VM attaches the same disk), no public IP.
 * Node 0 is the bootstrap node: its own service account is the only identity that can read the
 * CA key or write what the other nodes and the clients trust (CA certificate, node bundles).
 */
export function createSearchCluster(ctx: GcpContext, name: string, args: SearchClusterInputs, opts: ChildOptions): SearchClusterOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const protect = ctx.settings.protect;
    const machine = SEARCH_MACHINES[args.size];
    const zones = ctx.zones(parent);
    const cluster = ctx.naming.resource("search", 40);
    const username = "admin";

    const bootSa = serviceAccount(ctx, `${name}-boot-sa`, "search-boot", "OpenSearch bootstrap node", parent);
    const nodeSa = args.nodes > 1 ? serviceAccount(ctx, `${name}-node-sa`, "search", "OpenSearch nodes", parent) : undefined;
    const grants: pulumi.Resource[] = [];
    for (const [who, sa] of [["boot", bootSa], ["node", nodeSa]] as const) {
        if (!sa) continue;
        for (const role of ["roles/logging.logWriter", "roles/monitoring.metricWriter"]) {
            grants.push(
                new projects.IAMMember(
                    `${name}-${who}-${role.split("/")[1].replace(/\./g, "-").toLowerCase()}`,
                    { project: ctx.project, role, member: sa.member },
                    ctx.opts(parent, ["cloudresourcemanager"]),
                ),
            );
        }
    }

    // Admin password: generated, read by the bootstrap node only (it hashes it into the config).
    const password = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "-_.+=", requireEveryClass: true }, { parent });
    const admin = storeSecret(ctx, `${name}-admin`, ctx.naming.secretId("search", "admin-password"), password, bootSa.member, parent);
    grants.push(admin.version, admin.access);
    // Each workload's search user: its password in a secret of its own, read by node 0 only
    // (hashed at boot), and the security configuration node 0 loads at every boot.
    const userSecrets = args.users.map((u) => {
        const stored = storeSecret(ctx, `${name}-user-${u.workload}`, ctx.naming.secretId("search", `user-${u.workload}`), u.password, bootSa.member, parent);
        grants.push(stored.version, stored.access);
        return { user: u, stored };
    });
    const security = storeSecret(
        ctx,
        `${name}-security`,
        ctx.naming.secretId("search", "security"),
        securityBundle(
            username,
            ctx.naming.secretId("search", "admin-password"),
            args.users,
            Object.fromEntries(args.users.map((u) => [u.username, ctx.naming.secretId("search", `user-${u.workload}`)])),
        ),
        bootSa.member,
        parent,
    );
    grants.push(security.version, security.access);

    // Secrets written at boot by node 0 (no key material in Pulumi state): the only copy of the
    // cluster CA outside the nodes' disks, so protected in prod. Pulumi manages the secret, never
    // a version (unlike Azure, a Secret Manager secret exists without a value): an update of the
    // Secret patches its metadata and leaves the versions node 0 added alone, so no `up` can
    // write over them.
    const bootSecret = (id: string, logical: string, readers: (serviceaccount.Account | undefined)[]) => {
        const secret = new secretmanager.Secret(
            logical,
            { secretId: ctx.naming.secretId("search", id), project: ctx.project, replication: { auto: {} }, deletionProtection: protect },
            ctx.opts(parent, ["secretmanager"], { protect }),
        );
        const grant = (suffix: string, role: string, member: pulumi.Input<string>) =>
            grants.push(new secretmanager.SecretIamMember(`${logical}-${suffix}`, { project: ctx.project, secretId: secret.secretId, role, member }, ctx.opts(parent, ["secretmanager"])));
        grant("adder", "roles/secretmanager.secretVersionAdder", bootSa.member);
        grant("access", "roles/secretmanager.secretAccessor", bootSa.member);
        readers.forEach((r) => r && grant("node-access", "roles/secretmanager.secretAccessor", r.member));
        return secret;
    };
    const caKey = bootSecret("ca-key", `${name}-ca-key`, []);
    const caCert = bootSecret("ca-cert", `${name}-ca-cert`, [nodeSa]);
    const nodes = searchNodeNames(cluster, args.nodes).map((n, i) => ({ name: n, ip: hostInCidr(net.nodesCidr, 10 + i) }));
    const nodeTls = nodes.map((_, i) => (i === 0 ? undefined : bootSecret(`node-${i}-tls`, `${name}-node-${i}-tls`, [nodeSa])));
    ctx.searchCaCertSecret = caCert;

    // One stable client address: an internal passthrough load balancer over every node (TCP
    // health check on 9200: an unauthenticated HTTPS probe would get 401, not the 200 GCP wants).
    const clientIp = hostInCidr(net.nodesCidr, 9);
    const lbAddress = new compute.Address(
        `${name}-lb-ip`,
        { name: ctx.naming.resource("search-lb-ip"), region: ctx.region, addressType: "INTERNAL", purpose: "GCE_ENDPOINT", subnetwork: net.nodesSubnet.id, address: clientIp },
        ctx.opts(parent, ["compute"]),
    );
    const health = new compute.RegionHealthCheck(
        `${name}-health`,
        { name: ctx.naming.resource("search-health"), region: ctx.region, tcpHealthCheck: { port: HTTP_PORT }, checkIntervalSec: 5, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
        ctx.opts(parent, ["compute"]),
    );
    new compute.Firewall(
        `${name}-fw-health`,
        {
            name: ctx.naming.resource("fw-search-health"),
            network: net.vpc.id,
            direction: "INGRESS",
            sourceRanges: HEALTH_CHECK_RANGES,
            targetTags: ["search"],
            allows: [{ protocol: "tcp", ports: [String(HTTP_PORT)] }],
        },
        ctx.opts(parent, ["compute"]),
    );

    // OpenSearch snapshots (registered by node 0, taken daily, kept snapshotRetentionDays) go to
    // the stack's own bucket. Every node writes its shards there: objectUser for the objects,
    // legacyBucketReader for the bucket lookup repository-gcs makes (storage.buckets.get). The
    // plugin authenticates with the VM's service account (Application Default Credentials).
    // No lifecycle deletion: snapshot files are shared, OpenSearch deletes what it no longer needs.
    const snapshotBucket = new storage.Bucket(
        `${name}-snapshots-bucket`,
        {
            name: ctx.naming.bucket("search-snapshots"),
            location: ctx.region.toUpperCase(),
            storageClass: "STANDARD",
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            versioning: { enabled: false },
            forceDestroy: ctx.settings.environment === "dev",
        },
        ctx.opts(parent, ["storage"], { protect }),
    );
    for (const [who, sa] of [["boot", bootSa], ["node", nodeSa]] as const) {
        if (!sa) continue;
        for (const role of ["roles/storage.objectUser", "roles/storage.legacyBucketReader"]) {
            grants.push(
                new storage.BucketIAMMember(
                    `${name}-${who}-snapshots-${role.split(".")[1].toLowerCase()}`,
                    { bucket: snapshotBucket.name, role, member: sa.member },
                    ctx.opts(parent, ["storage"]),
                ),
            );
        }
    }

    // Crash-consistent disk snapshots as well: a second, independent copy (README: search).
    const snapshots = new compute.ResourcePolicy(
        `${name}-snapshots`,
        {
            name: ctx.naming.resource("search-snapshots"),
            region: ctx.region,
            snapshotSchedulePolicy: {
                schedule: { dailySchedule: { daysInCycle: 1, startTime: "03:00" } },
                retentionPolicy: { maxRetentionDays: args.snapshotRetentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                snapshotProperties: { storageLocations: ctx.region, guestFlush: false },
            },
        },
        ctx.opts(parent, ["compute"]),
    );

    const image = OPENSEARCH_NODE_IMAGES[args.version];
    const hooks = gcpBootHooks(ctx.project);
    const instances = nodes.map((node, i) => {
        // Distinct zones: node i in zone i (round-robin when the region has fewer zones).
        const zone = zones.apply((z) => z[i % z.length]);
        const address = new compute.Address(
            `${name}-ip-${i}`,
            { name: `${node.name}-ip`, region: ctx.region, addressType: "INTERNAL", purpose: "GCE_ENDPOINT", subnetwork: net.nodesSubnet.id, address: node.ip },
            ctx.opts(parent, ["compute"]),
        );
        // A separate resource, not the instance's: a replaced VM attaches the same disk.
        const disk = new compute.Disk(
            `${name}-data-${i}`,
            { name: `${node.name}-data`, zone, type: machine.diskType, size: args.storageGb, resourcePolicies: [snapshots.id] },
            // Zone and type are create-only (replacing the disk loses the node's data): zones are
            // re-read each run, and a raised search.size keeps each existing disk's type (the size
            // still grows; new nodes get the new type). README "Day 2" says so.
            ctx.opts(parent, ["compute"], { protect, ignoreChanges: ["zone", "type"] }),
        );
        const sa = i === 0 ? bootSa : nodeSa!;
        const startupScript = bootScript({
            cluster,
            nodes,
            index: i,
            clientIp,
            image,
            memoryMb: machine.memoryMb,
            snapshots: { store: { type: "gcs", bucket: ctx.naming.bucket("search-snapshots"), project: ctx.project }, retentionDays: args.snapshotRetentionDays },
            secrets: {
                adminPassword: ctx.naming.secretId("search", "admin-password"),
                security: ctx.naming.secretId("search", "security"),
                caKey: ctx.naming.secretId("search", "ca-key"),
                caCert: ctx.naming.secretId("search", "ca-cert"),
                nodeTls: nodes.map((_, k) => ctx.naming.secretId("search", `node-${k}-tls`)),
            },
            hooks,
        });
        return new compute.Instance(
            `${name}-node-${i}`,
            {
                name: node.name,
                zone,
                machineType: machine.machineType,
                tags: ["search"],
                // The image family, not a resolved link: the provider suppresses the diff of a
                // family (DiskImageDiffSuppress), so a new Debian image does not replace the VM.
                bootDisk: { autoDelete: true, initializeParams: { image: "debian-cloud/debian-12", size: 20, type: "pd-balanced" } },
                attachedDisks: [{ source: disk.id, deviceName: "data", mode: "READ_WRITE" }],
                // No accessConfigs: no public IP. Egress goes through Cloud NAT.
                networkInterfaces: [{ subnetwork: net.nodesSubnet.id, networkIp: address.address }],
                serviceAccount: { email: sa.email, scopes: ["cloud-platform"] },
                shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
                metadata: { "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "startup-script": startupScript },
                allowStoppingForUpdate: true,
                deletionProtection: protect,
                scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
            },
            // The boot reads secrets and pulls packages: after the grants, the secrets and NAT.
            ctx.opts(parent, ["compute"], { protect, dependsOn: [...grants, caKey, caCert, ...nodeTls.filter((s): s is secretmanager.Secret => !!s), ...(net.nat ? [net.nat] : [])], ignoreChanges: ["zone"] }),
        );
    });

    const groups = instances.map(
        (vm, i) =>
            new compute.InstanceGroup(
                `${name}-group-${i}`,
                { name: `${nodes[i].name}-group`, zone: vm.zone, network: net.vpc.id, instances: [vm.selfLink] },
                // It stays in its node's zone, which is kept from creation (the VM ignores zone changes).
                ctx.opts(parent, ["compute"], { ignoreChanges: ["zone"] }),
            ),
    );
    const backend = new compute.RegionBackendService(
        `${name}-backend`,
        {
            name: ctx.naming.resource("search-backend"),
            region: ctx.region,
            loadBalancingScheme: "INTERNAL",
            protocol: "TCP",
            healthChecks: health.id,
            backends: groups.map((g) => ({ group: g.id, balancingMode: "CONNECTION" })),
        },
        ctx.opts(parent, ["compute"]),
    );
    const lb = new compute.ForwardingRule(
        `${name}-lb`,
        {
            name: ctx.naming.resource("search-lb"),
            region: ctx.region,
            loadBalancingScheme: "INTERNAL",
            backendService: backend.id,
            ipProtocol: "TCP",
            ports: [String(HTTP_PORT)],
            network: net.vpc.id,
            subnetwork: net.nodesSubnet.id,
            ipAddress: lbAddress.address,
        },
        ctx.opts(parent, ["compute"]),
    );

    const gate = readinessGate(ctx, name, parent, { clientIp, nodes, instances, admin, caCert, dependsOn: [lb, backend, ...grants] });
    ctx.searchReady = [gate.job, usersJob(ctx, name, parent, { clientIp, gate, admin, caCert, users: userSecrets, security })];
    searchAlerts(ctx, parent, instances);

    return {
        url: pulumi.output(`https://${clientIp}:${HTTP_PORT}`),
        username: pulumi.output(username),
        password,
    };
}

/**
 * The readiness gate: a Cloud Run job in the VPC that waits (bounded, about 30 minutes) until
 * the cluster answers green through the load balancer, verifying TLS with the CA the bootstrap
 * node wrote. `runExecutionToken` makes Pulumi run it on create and whenever a node's boot
 * script changes, and wait for it: a cluster that is not green fails `pulumi up` with the
 * message of the job's log (provider docs: "The Job will become ready when the execution is
 * successfully completed"). Services that use search are created after it (ctx.searchReady).
 */
function readinessGate(
    ctx: GcpContext,
    name: string,
    parent: pulumi.Resource,
    c: {
        clientIp: string;
        nodes: { name: string }[];
        instances: compute.Instance[];
        admin: { secret: secretmanager.Secret; version: secretmanager.SecretVersion };
        caCert: secretmanager.Secret;
        dependsOn: pulumi.Resource[];
    },
): { job: cloudrunv2.Job; sa: serviceaccount.Account } {
    const net = ctx.requireNetwork();
    const sa = serviceAccount(ctx, `${name}-gate-sa`, "search-gate", "Checks that the search cluster is green", parent);
    const grants = [
        ["admin", c.admin.secret],
        ["ca-cert", c.caCert],
    ].map(
        ([id, secret]) =>
            new secretmanager.SecretIamMember(
                `${name}-gate-${id}-access`,
                { project: ctx.project, secretId: (secret as secretmanager.Secret).secretId, role: "roles/secretmanager.secretAccessor", member: sa.member },
                ctx.opts(parent, ["secretmanager"]),
            ),
    );
    const firewall = new compute.Firewall(
        `${name}-fw-gate`,
        {
            name: ctx.naming.resource("fw-search-gate"),
            network: net.vpc.id,
            direction: "INGRESS",
            sourceRanges: [net.egressCidr],
            targetTags: ["search"],
            allows: [{ protocol: "tcp", ports: [String(HTTP_PORT)] }],
        },
        ctx.opts(parent, ["compute"]),
    );
    const url = `https://${c.clientIp}:${HTTP_PORT}`;
    const script = pulumi.all([c.caCert.secretId, c.instances[0].zone]).apply(([caId, zone]) =>
        readinessScript({
            url,
            fetchCa: String.raw`token=$(curl -sf -H 'Metadata-Flavor: Google' 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token' |
  sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p') && [ -n "$token" ] &&
  printf 'Authorization: Bearer %s\n' "$token" | curl -sf -H @- 'https://secretmanager.googleapis.com/v1/projects/${ctx.project}/secrets/${caId}/versions/latest:access' |
  sed -n 's/.*"data" *: *"\([^"]*\)".*/\1/p' | base64 -d >"$CA" && [ -s "$CA" ]`,
            // printf is the shell's own (busybox ash in the curl image): the password reaches no process's arguments.
            // Its characters (letters, digits, -_.+=, the admin password's overrideSpecial) need no quoting in a curl config.
            authConfig: `printf 'user = "admin:%s"\n' "$ELASTICSEARCH_PASSWORD"`,
            tries: 40,
            pauseSeconds: 15,
            logHint: `gcloud compute instances get-serial-port-output ${c.nodes[0].name} --zone ${zone} --project ${ctx.project} | grep anycloud-search (and the other nodes)`,
        }),
    );
    const scripts = pulumi.all(c.instances.map((i) => i.metadata)).apply((m) => m.map((x) => x?.["startup-script"] ?? "").join("\n"));
    const job = new cloudrunv2.Job(
        `${name}-ready`,
        {
            name: ctx.naming.resource("search-ready", 40),
            location: ctx.region,
            deletionProtection: false,
            // Re-run whenever a node's boot script (the cluster's config) or the check changes.
            runExecutionToken: pulumi.all([scripts, script]).apply(([a, b]) => hash(`${a}\n${b}`, 12)),
            template: {
                taskCount: 1,
                template: {
                    serviceAccount: sa.email,
                    maxRetries: 0,
                    timeout: "2400s",
                    vpcAccess: {
                        networkInterfaces: [{ network: net.vpc.id, subnetwork: net.egressSubnet.id, tags: [SEARCH_GATE_TAG] }],
                        egress: "PRIVATE_RANGES_ONLY",
                    },
                    containers: [
                        {
                            image: dockerHubImage(ctx, GATE_UPSTREAM.repository, GATE_UPSTREAM.tag, parent),
                            commands: ["sh", "-c", script],
                            envs: [{ name: "ELASTICSEARCH_PASSWORD", valueSource: { secretKeyRef: { secret: c.admin.secret.secretId, version: c.admin.version.version } } }],
                            resources: { limits: { cpu: "1", memory: "512Mi" } },
                        },
                    ],
                },
            },
        },
        ctx.opts(parent, ["run"], { dependsOn: [...c.instances, ...c.dependsOn, ...grants, grantsSettled(`${name}-gate-iam-propagation`, grants, "Google IAM applies the readiness job's secret grants before Cloud Run checks them", parent), firewall] }),
    );
    return { job, sa };
}


/**
 * The workloads' users on the running cluster (day 2), without a reboot: a Cloud Run job in the
 * VPC (the readiness gate's network, identity and firewall) runs the REST applier as the admin
 * — the role, each user, the mapping, stale managed users deleted — verifying TLS with the
 * cluster's CA. It runs after the gate, and again whenever the configuration or a password's
 * secret version changes (`runExecutionToken`). Node 0 loads the same users from the security
 * configuration at its next boot (securityadmin replaces the index with exactly these users),
 * so the two never disagree. Services that use search start after it.
 */
function usersJob(
    ctx: GcpContext,
    name: string,
    parent: pulumi.Resource,
    c: {
        clientIp: string;
        gate: { job: cloudrunv2.Job; sa: serviceaccount.Account };
        admin: { secret: secretmanager.Secret; version: secretmanager.SecretVersion };
        caCert: secretmanager.Secret;
        users: { user: SearchUserCredentials; stored: { secret: secretmanager.Secret; version: secretmanager.SecretVersion } }[];
        security: { version: secretmanager.SecretVersion };
    },
): cloudrunv2.Job {
    const net = ctx.requireNetwork();
    const grants = c.users.map(
        ({ user, stored }) =>
            new secretmanager.SecretIamMember(
                `${name}-gate-user-${user.workload}-access`,
                { project: ctx.project, secretId: stored.secret.secretId, role: "roles/secretmanager.secretAccessor", member: c.gate.sa.member },
                ctx.opts(parent, ["secretmanager"]),
            ),
    );
    const users = c.users.map((u) => u.user);
    const event = applierEvent({
        url: `https://${c.clientIp}:${HTTP_PORT}`,
        adminUsername: "admin",
        adminPasswordRef: "ANYCLOUD_ADMIN_PASSWORD",
        users,
        passwordRefs: Object.fromEntries(users.map((u, i) => [u.username, `ANYCLOUD_PASSWORD_${i}`])),
        passwordSource: "env",
        tls: "verify",
        caVariable: "ANYCLOUD_CA",
    });
    const versions = pulumi.all([c.admin.version.version, c.security.version.version, ...c.users.map((u) => u.stored.version.version)]);
    const secretEnv = (variable: string, secret: pulumi.Input<string>, version: pulumi.Input<string>) => ({ name: variable, valueSource: { secretKeyRef: { secret, version } } });
    return new cloudrunv2.Job(
        `${name}-users`,
        {
            name: ctx.naming.resource("search-users", 40),
            location: ctx.region,
            deletionProtection: false,
            // Again when the configuration or a password (its secret version) changes.
            runExecutionToken: versions.apply((v) => hash(`${JSON.stringify(event)}\n${v.join("\n")}`, 12)),
            template: {
                taskCount: 1,
                template: {
                    serviceAccount: c.gate.sa.email,
                    maxRetries: 0,
                    timeout: "900s",
                    vpcAccess: {
                        networkInterfaces: [{ network: net.vpc.id, subnetwork: net.egressSubnet.id, tags: [SEARCH_GATE_TAG] }],
                        egress: "PRIVATE_RANGES_ONLY",
                    },
                    containers: [
                        {
                            // Node.js for the REST applier, the local target's image, through the mirror.
                            image: dockerHubImage(ctx, APPLIER_UPSTREAM.repository, APPLIER_UPSTREAM.tag, parent),
                            commands: ["node", "-e", applierScript(SEARCH_USERS_HANDLER)],
                            envs: [
                                { name: "ANYCLOUD_EVENT", value: JSON.stringify(event) },
                                secretEnv("ANYCLOUD_ADMIN_PASSWORD", c.admin.secret.secretId, c.admin.version.version),
                                // Written by node 0 at its first boot; the gate proved it exists.
                                secretEnv("ANYCLOUD_CA", c.caCert.secretId, "latest"),
                                ...c.users.map((u, i) => secretEnv(`ANYCLOUD_PASSWORD_${i}`, u.stored.secret.secretId, u.stored.version.version)),
                            ],
                            resources: { limits: { cpu: "1", memory: "512Mi" } },
                        },
                    ],
                },
            },
        },
        ctx.opts(parent, ["run"], { dependsOn: [c.gate.job, ...grants, grantsSettled(`${name}-users-iam-propagation`, grants, "Google IAM applies the users job's secret grants before Cloud Run checks them", parent)] }),
    );
}
