import { Finding, ResourceCheck, ResourceView, StackView, TargetChecks } from "./model";
import { declaredPublic, hasCredentialUrl, isSecretName } from "./secret-values";
import { isSingleton } from "./singleton";
import { cloudRunEnv, cloudRunJobEnv, leastPrivilegeData, selfManagedSearchAdmin, cloudSqlAdmin } from "./least-privilege";

/**
 * The GCP target. Checks read the inputs the program registers (and, for stack guardrails, the
 * engine's state), keyed by the exact type tokens of @pulumi/gcp. Where a property is absent the
 * cloud or provider default applies; each check says which default it assumes and whether that
 * default is compliant. No SDK is loaded: the props are plain objects.
 */

/** The type tokens checked here (the tests break resources of these types). */
export const GCP_TYPES = {
    sql: "gcp:sql/databaseInstance:DatabaseInstance",
    sqlDatabase: "gcp:sql/database:Database",
    redis: "gcp:redis/instance:Instance",
    bucket: "gcp:storage/bucket:Bucket",
    vm: "gcp:compute/instance:Instance",
    disk: "gcp:compute/disk:Disk",
    snapshotPolicy: "gcp:compute/resourcePolicy:ResourcePolicy",
    firewall: "gcp:compute/firewall:Firewall",
    run: "gcp:cloudrunv2/service:Service",
    pool: "gcp:cloudrunv2/workerPool:WorkerPool",
    job: "gcp:cloudrunv2/job:Job",
    neg: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
    urlMap: "gcp:compute/uRLMap:URLMap",
    httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
    projectIam: "gcp:projects/iAMMember:IAMMember",
    bucketIam: "gcp:storage/bucketIAMMember:BucketIAMMember",
    secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
    logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    secret: "gcp:secretmanager/secret:Secret",
    secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
} as const;
const T = GCP_TYPES;

const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const show = (v: unknown) => (v === undefined ? "absent" : JSON.stringify(v));
/** What a message calls a resource: its kind and logical name. */
const KINDS: Record<string, string> = {
    [T.sql]: "Cloud SQL instance",
    [T.sqlDatabase]: "Cloud SQL database",
    [T.redis]: "Memorystore instance",
    [T.bucket]: "bucket",
    [T.vm]: "VM",
    [T.disk]: "disk",
    [T.run]: "Cloud Run service",
    [T.sslPolicy]: "SSL policy",
    [T.urlMap]: "URL map",
    [T.httpsProxy]: "HTTPS proxy",
    [T.httpProxy]: "HTTP proxy",
    [T.secret]: "Secret Manager secret",
};
const label = (r: ResourceView) => `${KINDS[r.type] ?? r.type} ${r.name}`;

/** Checks that apply to several types at once. */
const forTypes = (types: readonly string[], check: ResourceCheck): Record<string, ResourceCheck> => Object.fromEntries(types.map((t) => [t, check]));

// ---------------------------------------------------------------------------------------------
// Cloud SQL

/** A read replica (masterInstanceName) takes no backups and fails over through its primary. */
const isReplica = (p: Record<string, any>) => typeof p.masterInstanceName === "string" && p.masterInstanceName !== "";

function sqlNotPublic(p: Record<string, any>): string[] {
    const ip = p.settings?.ipConfiguration ?? {};
    const problems: string[] = [];
    // Cloud SQL assigns a public IPv4 address unless ipv4Enabled is false (absent = public). With a
    // public IP the instance answers on the internet even without authorizedNetworks (the Auth Proxy
    // and connectors reach it with IAM), so any public IP counts.
    if (ip.ipv4Enabled !== false) {
        const nets = list(ip.authorizedNetworks).map((n) => n?.value);
        problems.push(`settings.ipConfiguration.ipv4Enabled is ${show(ip.ipv4Enabled)}: the instance gets a public IP${nets.length ? ` (authorizedNetworks ${nets.join(", ")})` : ""}; only false (private IP on the VPC) is accepted`);
    }
    // The ExecuteSql Data API reaches even a private-IP instance from the internet (default DISALLOW).
    if (p.settings?.dataApiAccess === "ALLOW_DATA_API") {
        problems.push("settings.dataApiAccess is ALLOW_DATA_API: the ExecuteSql API reaches the instance from the internet; only DISALLOW_DATA_API (the default) is accepted");
    }
    return problems;
}

const SQL_TLS_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

function sqlTls(p: Record<string, any>): string | undefined {
    // Absent sslMode is ALLOW_UNENCRYPTED_AND_ENCRYPTED: clear-text connections are accepted.
    const mode = p.settings?.ipConfiguration?.sslMode;
    return SQL_TLS_MODES.includes(mode) ? undefined : `settings.ipConfiguration.sslMode is ${show(mode)}: clear-text connections are accepted; only ${SQL_TLS_MODES.join(" or ")} is accepted`;
}

function sqlBackups(p: Record<string, any>): string | undefined {
    if (isReplica(p)) return undefined;
    const backup = p.settings?.backupConfiguration;
    // Automated backups are off unless enabled is true.
    if (backup?.enabled !== true) {
        return `settings.backupConfiguration.enabled is ${show(backup?.enabled)}: no automated backups; true with at least 7 retained daily backups is accepted`;
    }
    // Absent retention settings keep Cloud SQL's default of 7 daily backups (compliant).
    const retention = backup.backupRetentionSettings;
    const kept = retention?.retainedBackups ?? 7;
    if ((retention?.retentionUnit ?? "COUNT") !== "COUNT" || kept < 7) {
        return `settings.backupConfiguration.backupRetentionSettings keeps ${kept} ${retention?.retentionUnit ?? "COUNT"} (daily backups); at least 7 is accepted`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// Memorystore for Redis

function redisNotPublic(p: Record<string, any>): string[] {
    // Memorystore never has a public IP: what decides who reaches it is the VPC it is attached to.
    // The stack's firewall rules (egress from Cloud Run, by `uses`) govern the private services
    // access range; DIRECT_PEERING (the default) puts the instance in a range they do not cover,
    // and an absent authorizedNetwork attaches it to the project's shared `default` network.
    const problems: string[] = [];
    if (p.connectMode !== "PRIVATE_SERVICE_ACCESS") {
        problems.push(`connectMode is ${show(p.connectMode)} (default DIRECT_PEERING): outside the private services access range the stack's firewall rules govern; only PRIVATE_SERVICE_ACCESS is accepted`);
    }
    if (typeof p.authorizedNetwork !== "string" || p.authorizedNetwork === "" || /\/networks\/default$/.test(p.authorizedNetwork)) {
        problems.push(`authorizedNetwork is ${show(p.authorizedNetwork)}: the instance joins the project's default network; the stack's own VPC is accepted`);
    }
    return problems;
}

function redisTls(p: Record<string, any>): string | undefined {
    // Absent transitEncryptionMode is DISABLED.
    return p.transitEncryptionMode === "SERVER_AUTHENTICATION"
        ? undefined
        : `transitEncryptionMode is ${show(p.transitEncryptionMode)} (default DISABLED): clients connect in clear text; only SERVER_AUTHENTICATION is accepted`;
}

// ---------------------------------------------------------------------------------------------
// Compute Engine: the search nodes (self-managed OpenSearch) and their data disks

/** The program's only VMs are the search nodes, children of the SearchCluster component. */
const isSearchNode = (r: ResourceView) => r.type === T.vm && r.urn.includes("anycloud:index:SearchCluster$");

function vmNotPublic(p: Record<string, any>, r: ResourceView): string[] {
    if (!isSearchNode(r)) return [];
    return list(p.networkInterfaces).flatMap((nic, i) => {
        const v4 = list(nic?.accessConfigs);
        const v6 = list(nic?.ipv6AccessConfigs);
        return v4.length + v6.length > 0
            ? [`networkInterfaces[${i}] has ${v4.length ? "accessConfigs" : "ipv6AccessConfigs"} (an external IP): the search node is on the internet; no access config (internal IP only) is accepted`]
            : [];
    });
}

function startupScript(p: Record<string, any>): string | undefined {
    return p.metadata?.["startup-script"] ?? p.metadataStartupScript;
}

function vmTls(p: Record<string, any>, r: ResourceView): string[] {
    if (!isSearchNode(r)) return [];
    // OpenSearch's TLS is configured by the boot script (opensearch.yml); the security plugin
    // always encrypts the transport layer, the HTTP layer (9200) only with ssl.http.enabled.
    const script = startupScript(p);
    if (typeof script !== "string") {
        return ["the search node has no startup script, so nothing configures TLS on OpenSearch's port 9200; the anycloud boot script (ssl.http.enabled) is accepted"];
    }
    const problems: string[] = [];
    if (/plugins\.security\.disabled:\s*true|DISABLE_SECURITY_PLUGIN=true/.test(script)) {
        problems.push("the boot script disables OpenSearch's security plugin (no TLS on either layer); it must stay enabled");
    }
    if (!/plugins\.security\.ssl\.http\.enabled:\s*true/.test(script)) {
        problems.push("the boot script does not set plugins.security.ssl.http.enabled: true, so port 9200 serves clear-text HTTP; only TLS is accepted");
    }
    return problems;
}

/**
 * Compute Engine encrypts every disk at rest and offers no way to turn it off; what the
 * configuration controls is the key. A customer-supplied raw key (CSEK `rawKey`) sits in the
 * stack's inputs and state, so whoever reads the stack holds the disk's key. Google-managed keys,
 * Cloud KMS keys (kmsKeySelfLink) and RSA-wrapped keys (only Google can unwrap) are accepted.
 */
function diskKeys(p: Record<string, any>): string[] {
    return ["diskEncryptionKey", "sourceImageEncryptionKey", "sourceSnapshotEncryptionKey"]
        .filter((k) => typeof p[k]?.rawKey === "string" && p[k].rawKey !== "")
        .map((k) => `${k}.rawKey is set: a customer-supplied raw key in the stack's inputs and state exposes the disk's data; a Google-managed or Cloud KMS key (kmsKeySelfLink) is accepted`);
}

function vmDiskKeys(p: Record<string, any>): string[] {
    const disks = [
        ["bootDisk", p.bootDisk],
        ...list(p.attachedDisks).map((d, i) => [`attachedDisks[${i}]`, d]),
    ] as const;
    return disks
        .filter(([, d]) => typeof d?.diskEncryptionKeyRaw === "string" && d.diskEncryptionKeyRaw !== "")
        .map(([at]) => `${at}.diskEncryptionKeyRaw is set: a customer-supplied raw key in the stack's inputs and state exposes the disk's data; a Google-managed or Cloud KMS key (kmsKeySelfLink) is accepted`);
}

function diskBackups(p: Record<string, any>): string | undefined {
    // Disk snapshots come only from a snapshot schedule attached as a resource policy.
    return list(p.resourcePolicies).length > 0 ? undefined : "resourcePolicies is empty: the data disk has no snapshot schedule (no backups); a daily snapshot schedule kept ≥ 7 days is accepted";
}

function snapshotRetention(p: Record<string, any>): string | undefined {
    const policy = p.snapshotSchedulePolicy;
    if (policy === undefined) return undefined; // not a snapshot schedule (instance schedule, placement)
    const days = policy.retentionPolicy?.maxRetentionDays;
    return typeof days === "number" && days >= 7 ? undefined : `snapshotSchedulePolicy.retentionPolicy.maxRetentionDays is ${show(days)}: snapshots are kept too briefly; at least 7 is accepted`;
}

// ---------------------------------------------------------------------------------------------
// Cloud Storage

function bucketNotPublic(p: Record<string, any>): string | undefined {
    // GCS is always served on Google's public API endpoint; "public" here means anonymous access
    // (allUsers/allAuthenticatedUsers by IAM or ACL). Only "enforced" blocks it outright; the
    // default "inherited" depends on an organization policy the stack cannot see.
    return p.publicAccessPrevention === "enforced"
        ? undefined
        : `publicAccessPrevention is ${show(p.publicAccessPrevention)} (default inherited): an allUsers grant or public ACL would expose the objects; only "enforced" is accepted`;
}

// ---------------------------------------------------------------------------------------------
// Cloud Run: services, worker pools and jobs

const RUN_TYPES = [T.run, T.pool, T.job] as const;

/** The revision template (jobs nest it one level deeper: job template → task template). */
function runTemplate(type: string, p: Record<string, any>): Record<string, any> {
    return (type === T.job ? p.template?.template : p.template) ?? {};
}

interface PlainEnv {
    at: string;
    name: string;
    value: string;
    /** The container declares this name public (`ANYCLOUD_NOT_SECRETS`). */
    declaredPublic: boolean;
}

/** Env entries with a plain `value` (not a `valueSource.secretKeyRef`). */
function plainEnv(type: string, p: Record<string, any>): PlainEnv[] {
    const path = type === T.job ? "template.template.containers" : "template.containers";
    return list(runTemplate(type, p).containers).flatMap((c, i) => {
        const declared = declaredPublic(list(c?.envs).map((e) => ({ name: String(e?.name ?? ""), value: e?.value })));
        return list(c?.envs)
            .map((e, j) => ({ at: `${path}[${i}].envs[${j}]`, name: String(e?.name ?? ""), value: e?.value, declaredPublic: declared.has(String(e?.name ?? "")) }))
            .filter((e): e is PlainEnv => typeof e.value === "string");
    });
}

/** A Secret Manager resource name is a reference to a secret, not a secret. */
const SECRET_REFERENCE = /^projects\/[^/]+\/secrets\/[^/]+(\/versions\/[^/]+)?$/;

function secretLooking(name: string, value: string, declaredPublic = false): string | undefined {
    if (hasCredentialUrl(value)) return "a URL with embedded credentials";
    if (isSecretName(name) && !declaredPublic && value !== "" && !SECRET_REFERENCE.test(value)) return "a plain value under a secret's name";
    return undefined;
}

function runSecrets(p: Record<string, any>, r: ResourceView): string[] {
    return plainEnv(r.type, p).flatMap((e) => {
        const why = secretLooking(e.name, e.value, e.declaredPublic);
        return why ? [`${e.at} ${e.name} carries ${why}; only valueSource.secretKeyRef (Secret Manager) is accepted for secrets`] : [];
    });
}

function vmSecrets(p: Record<string, any>): string[] {
    // Instance metadata is readable by anyone with compute.instances.get and by every process on
    // the VM; the search nodes read their secrets from Secret Manager at boot instead.
    const entries: [string, unknown][] = [...Object.entries(p.metadata ?? {}).map(([k, v]) => [`metadata.${k}`, v] as [string, unknown]), ["metadataStartupScript", p.metadataStartupScript]];
    return entries.flatMap(([at, v]) => {
        if (typeof v !== "string") return [];
        const why = secretLooking(at.replace(/^metadata\./, ""), v);
        return why ? [`${at} carries ${why}; secrets are read from Secret Manager at boot, never passed as instance metadata`] : [];
    });
}

function runStorageTls(p: Record<string, any>, r: ResourceView): string[] {
    // GCS has no bucket-side TLS-only switch: its XML API (the S3-compatible one the services use)
    // also answers plain HTTP. So TLS to the buckets is the endpoint the containers are given.
    return plainEnv(r.type, p)
        .filter((e) => (e.name === "S3_ENDPOINT" && /^http:\/\//i.test(e.value)) || /^http:\/\/([a-z0-9.-]+\.)?storage\.googleapis\.com\b/i.test(e.value))
        .map((e) => `${e.at} ${e.name} is ${e.value}: Cloud Storage's XML API accepts clear-text HTTP, so the bucket traffic is unencrypted; only an https:// endpoint is accepted`);
}

/** Cloud Run's default ingress is INGRESS_TRAFFIC_ALL: the run.app URL answers the internet. */
const LB_OR_INTERNAL_INGRESS = ["INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "INGRESS_TRAFFIC_INTERNAL_ONLY"];

function runIngress(p: Record<string, any>): string | undefined {
    return LB_OR_INTERNAL_INGRESS.includes(p.ingress)
        ? undefined
        : `ingress is ${show(p.ingress)} (default INGRESS_TRAFFIC_ALL): the run.app URL takes requests from the whole internet, bypassing the load balancer's Cloud Armor rules and TLS policy; only ${LB_OR_INTERNAL_INGRESS.join(" or ")} is accepted`;
}

// ---------------------------------------------------------------------------------------------
// IAM

/** The Compute Engine and App Engine default service accounts get Editor on the project (unless an org policy turns that off). */
const DEFAULT_SA = /-compute@developer\.gserviceaccount\.com$|@appspot\.gserviceaccount\.com$/;
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

/**
 * Control-plane roles: the basic Owner/Editor, any predefined `*.admin`/`*Admin` role (versioned
 * ones too: `compute.instanceAdmin.v1`), and the roles that let a workload act as another service
 * account. `storage.objectAdmin` is data plane (the objects of one bucket) and is not counted.
 */
function privilegedRole(role: string): boolean {
    if (["roles/owner", "roles/editor", "roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"].includes(role)) return true;
    const [, ...parts] = role.replace(/^roles\//, "").split(".");
    return role.startsWith("roles/") && role !== "roles/storage.objectAdmin" && parts.some((part) => part === "admin" || /Admin$/.test(part));
}

/** Roles that exist only at project level (no resource to scope them to). */
const PROJECT_ONLY_ROLES = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/cloudtrace.agent",
    "roles/cloudprofiler.agent",
    "roles/errorreporting.writer",
    "roles/cloudsql.client",
    "roles/cloudsql.instanceUser",
];

const IAM_TYPES = [T.projectIam, T.bucketIam, T.secretIam] as const;

function wildcardIam(p: Record<string, any>, r: ResourceView): string[] {
    const problems: string[] = [];
    if (PUBLIC_MEMBERS.includes(p.member)) {
        problems.push(`member is ${p.member}: the grant applies to anyone${p.member === "allAuthenticatedUsers" ? " with a Google account" : ""}; only named principals (serviceAccount:...) are accepted`);
    }
    // Privileged roles are no-privileged-roles' concern, wherever they are granted.
    if (r.type === T.projectIam && typeof p.role === "string" && !privilegedRole(p.role)) {
        if (p.role === "roles/viewer" || p.role === "roles/browser") {
            problems.push(`role is ${p.role}: a basic role spanning every service in the project; a predefined role on the resource used is accepted`);
        } else if (!PROJECT_ONLY_ROLES.includes(p.role)) {
            problems.push(`role ${p.role} is granted on the whole project (every bucket, secret, ... in it); grant it on the resource the service uses (BucketIAMMember, SecretIamMember); project level is accepted only for ${PROJECT_ONLY_ROLES.join(", ")}`);
        }
    }
    return problems;
}

function privilegedIam(p: Record<string, any>): string | undefined {
    return typeof p.role === "string" && privilegedRole(p.role)
        ? `role is ${p.role} for ${p.member}: a control-plane (owner/editor/admin or impersonation) role; a data-plane predefined role (e.g. roles/storage.objectUser, roles/secretmanager.secretAccessor) is accepted`
        : undefined;
}

function runIdentity(p: Record<string, any>, r: ResourceView): string | undefined {
    const path = r.type === T.job ? "template.template.serviceAccount" : "template.serviceAccount";
    const sa = runTemplate(r.type, p).serviceAccount;
    // Absent, Cloud Run runs the revision as the project's default compute service account.
    if (typeof sa !== "string" || sa === "" || DEFAULT_SA.test(sa)) {
        return `${path} is ${show(sa)}: the workload runs as the default compute service account, which gets Editor on the project unless the organization turns off automatic grants; a dedicated service account is accepted`;
    }
    return undefined;
}

function vmIdentity(p: Record<string, any>): string | undefined {
    // No serviceAccount block: the VM has no identity at all (compliant). A block without email
    // attaches the default compute service account.
    if (p.serviceAccount === undefined || p.serviceAccount === null) return undefined;
    const email = p.serviceAccount.email;
    if (typeof email !== "string" || email === "" || DEFAULT_SA.test(email)) {
        return `serviceAccount.email is ${show(email)}: the VM runs as the default compute service account, which gets Editor on the project unless the organization turns off automatic grants; a dedicated service account is accepted`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// Firewall

function openFirewall(p: Record<string, any>): string | undefined {
    // Absent direction is INGRESS. The external Application LB terminates at Google's edge and its
    // backends here are serverless NEGs, so no VPC rule ever needs to admit the internet.
    if ((p.direction ?? "INGRESS") !== "INGRESS" || p.disabled === true || list(p.allows).length === 0) return undefined;
    const open = list(p.sourceRanges).filter((range) => typeof range === "string" && /\/0$/.test(range.trim()));
    return open.length > 0
        ? `sourceRanges include ${open.join(", ")}: the rule admits the whole internet; only specific ranges (the stack's subnets, Google's IAP range) or source tags are accepted`
        : undefined;
}

// ---------------------------------------------------------------------------------------------
// Load balancer (edge-tls)

/** A reference (id or self link) to a resource of the stack by its collection and name. */
function referenced(stack: StackView, type: string, collection: string, ref: unknown): ResourceView | undefined {
    if (typeof ref !== "string") return undefined;
    return stack.ofType(type).find((r) => typeof r.props.name === "string" && ref.endsWith(`/${collection}/${r.props.name}`));
}

const TLS_OK = ["TLS_1_2", "TLS_1_3"];
const PERMANENT_REDIRECTS = ["MOVED_PERMANENTLY_DEFAULT", "PERMANENT_REDIRECT"];

function edgeTls(stack: StackView): Finding[] {
    const findings: Finding[] = [];
    const https = stack.ofType(T.httpsProxy);
    for (const proxy of https) {
        // Without an SSL policy the proxy uses Google's default: COMPATIBLE, TLS 1.0 and up.
        if (proxy.props.sslPolicy === undefined || proxy.props.sslPolicy === "") {
            findings.push({ urn: proxy.urn, message: `${label(proxy)}: sslPolicy is absent, so Google's default policy (COMPATIBLE, TLS 1.0+) applies; an SSL policy with minTlsVersion ${TLS_OK.join(" or ")} is accepted` });
            continue;
        }
        const policy = referenced(stack, T.sslPolicy, "sslPolicies", proxy.props.sslPolicy);
        if (!policy) {
            findings.push({ urn: proxy.urn, message: `${label(proxy)}: sslPolicy ${proxy.props.sslPolicy} is not in this stack, so its minimum TLS version cannot be verified; an SSL policy of the stack is accepted` });
            continue;
        }
        // Absent minTlsVersion is TLS_1_0.
        const min = policy.props.minTlsVersion;
        if (!TLS_OK.includes(min)) {
            findings.push({ urn: policy.urn, message: `${label(policy)}: minTlsVersion is ${show(min)} (default TLS_1_0); only ${TLS_OK.join(" or ")} is accepted` });
        }
    }
    // A domain means HTTPS; then port 80 may only redirect. Without a domain (dev) the LB is HTTP only.
    if (https.length > 0) {
        for (const proxy of stack.ofType(T.httpProxy)) {
            const map = referenced(stack, T.urlMap, "urlMaps", proxy.props.urlMap);
            const redirect = map?.props.defaultUrlRedirect;
            const code = redirect?.redirectResponseCode ?? "MOVED_PERMANENTLY_DEFAULT";
            if (!map || redirect?.httpsRedirect !== true || list(map.props.pathMatchers).length > 0) {
                findings.push({ urn: proxy.urn, message: `${label(proxy)} serves plain HTTP next to HTTPS: its URL map ${map ? map.name : String(proxy.props.urlMap)} has defaultUrlRedirect.httpsRedirect ${show(redirect?.httpsRedirect)}${list(map?.props.pathMatchers).length ? " and routes paths to backends" : ""}; only a URL map that redirects every request to HTTPS is accepted` });
            } else if (!PERMANENT_REDIRECTS.includes(code)) {
                findings.push({ urn: map.urn, message: `${label(map)}: defaultUrlRedirect.redirectResponseCode is ${code}; only a permanent redirect (${PERMANENT_REDIRECTS.join(", ")}) is accepted` });
            }
        }
    }
    return findings;
}

// ---------------------------------------------------------------------------------------------
// Prod rules (checked against the engine's state)

function sqlHa(p: Record<string, any>): string | undefined {
    // Replicas are zonal by design; the primary's REGIONAL standby is the failover (absent = ZONAL).
    const type = p.settings?.availabilityType;
    return isReplica(p) || type === "REGIONAL" ? undefined : `settings.availabilityType is ${show(type)} (default ZONAL): no standby in another zone; only REGIONAL is accepted in prod`;
}

function redisHa(p: Record<string, any>): string | undefined {
    return p.tier === "STANDARD_HA" ? undefined : `tier is ${show(p.tier)} (default BASIC): no replica in another zone; only STANDARD_HA is accepted in prod`;
}

/** Instances a Cloud Run service keeps running: manual count, else the higher of service and revision minimum. */
function minInstances(p: Record<string, any>): number {
    if (p.scaling?.scalingMode === "MANUAL") return Number(p.scaling.manualInstanceCount ?? 0);
    return Math.max(Number(p.scaling?.minInstanceCount ?? 0), Number(p.template?.scaling?.minInstanceCount ?? 0));
}

function publicReplicas(stack: StackView): Finding[] {
    // Public: behind the load balancer (a serverless NEG names it) or open ingress.
    const behindLb = new Set(stack.ofType(T.neg).map((n) => n.props.cloudRun?.service).filter((s) => typeof s === "string"));
    return stack
        .ofType(T.run)
        .filter((s) => behindLb.has(s.props.name) || !LB_OR_INTERNAL_INGRESS.includes(s.props.ingress))
        // A singleton runs exactly one instance on purpose (policy/singleton.ts).
        .filter((s) => !isSingleton(s.props.labels))
        .filter((s) => minInstances(s.props) < 2)
        .map((s) => ({
            urn: s.urn,
            message: `${label(s)} is public and keeps ${minInstances(s.props)} instance(s) (template.scaling.minInstanceCount ${show(s.props.template?.scaling?.minInstanceCount)}); at least 2 are accepted in prod`,
        }));
}

/**
 * A secret whose versions the stack does not write (no SecretVersion of it here) holds a value
 * that exists nowhere else, like the search CA the first node generates at boot. Secrets the
 * stack writes can be re-created from the stack's own state, so they are not counted.
 */
function secretHoldsState(r: ResourceView, stack: StackView): boolean {
    const id = r.props.secretId;
    return !stack.ofType(T.secretVersion).some((v) => typeof v.props.secret === "string" && v.props.secret.endsWith(`/secrets/${id}`));
}

/**
 * The stateful types and the cloud's own deletion flag, beyond `protect`. An absent flag takes
 * the provider default, noted per type.
 */
const STATEFUL: Record<string, { flag: (p: Record<string, any>) => string[]; holdsState?: (r: ResourceView, stack: StackView) => boolean }> = {
    [T.sql]: {
        flag: (p) => [
            // Provider-side, default true.
            ...(p.deletionProtection === false ? ["deletionProtection is false (the provider may delete it); true (the default) is accepted"] : []),
            // API-side (console, gcloud, any client), default false.
            ...(p.settings?.deletionProtectionEnabled !== true ? [`settings.deletionProtectionEnabled is ${show(p.settings?.deletionProtectionEnabled)} (default false); only true is accepted`] : []),
        ],
    },
    // Default DELETE drops the database (and its data) when the resource goes away.
    [T.sqlDatabase]: { flag: (p) => (p.deletionPolicy === "ABANDON" ? [] : [`deletionPolicy is ${show(p.deletionPolicy)} (default DELETE): deleting the resource drops the database; only ABANDON is accepted`]) },
    // Unset is treated as protected by the provider; only an explicit false lets it delete.
    [T.redis]: { flag: (p) => (p.deletionProtection === false ? ["deletionProtection is false: the provider may delete the instance; true or unset is accepted"] : []) },
    // GCS has no deletion flag; a non-empty bucket cannot be deleted unless forceDestroy (default false).
    [T.bucket]: { flag: (p) => (p.forceDestroy === true ? ["forceDestroy is true: deleting the bucket deletes every object in it; false (the default) is accepted"] : []) },
    [T.vm]: { flag: (p) => (p.deletionProtection === true ? [] : [`deletionProtection is ${show(p.deletionProtection)} (default false); only true is accepted`]) },
    // Compute Engine disks have no deletion flag; an attached disk cannot be deleted, and its VM's flag guards the pair.
    [T.disk]: { flag: () => [] },
    // Provider-side only (Secret Manager has no deletion flag of its own), default false.
    [T.secret]: {
        holdsState: secretHoldsState,
        flag: (p) => (p.deletionProtection === true ? [] : [`deletionProtection is ${show(p.deletionProtection)} (default false); only true is accepted`]),
    },
};

function deletionProtection(stack: StackView): Finding[] {
    return stack.resources.flatMap((r) => {
        const stateful = STATEFUL[r.type];
        if (stateful === undefined || (stateful.holdsState && !stateful.holdsState(r, stack))) return [];
        const problems = [...(r.protect ? [] : ["the `protect` resource option is off: a destroy or a replace-forcing change deletes it"]), ...stateful.flag(r.props)];
        return problems.map((m) => ({ urn: r.urn, message: `${label(r)}: ${m}` }));
    });
}

function searchNodes(stack: StackView): Finding[] {
    const nodes = stack.resources.filter(isSearchNode);
    if (nodes.length === 0) return [];
    const zones = new Set(nodes.map((n) => n.props.zone));
    const findings: Finding[] = [];
    if (nodes.length < 3) {
        findings.push({ message: `the search cluster has ${nodes.length} node(s) (${nodes.map((n) => n.name).join(", ")}); at least 3 are accepted in prod` });
    } else if (zones.size < 3) {
        findings.push({ message: `the ${nodes.length} search nodes run in ${zones.size} zone(s) (${[...zones].join(", ")}): a zone loss can take the quorum; 3 distinct zones are accepted in prod` });
    }
    return findings;
}

// ---------------------------------------------------------------------------------------------

export const checks: TargetChecks = {
    "data-not-public": {
        resources: { [T.sql]: sqlNotPublic, [T.redis]: redisNotPublic, [T.bucket]: bucketNotPublic, [T.vm]: vmNotPublic },
    },
    // Cloud SQL, Memorystore and GCS always encrypt at rest with Google-managed keys and have no
    // switch to turn it off; the program uses no CMEK. The disks' key custody is what can go wrong.
    "data-encrypted-at-rest": { resources: { [T.disk]: diskKeys, [T.vm]: vmDiskKeys } },
    "data-encrypted-in-transit": {
        resources: { [T.sql]: sqlTls, [T.redis]: redisTls, [T.vm]: vmTls, ...forTypes(RUN_TYPES, runStorageTls) },
    },
    "edge-tls": { stack: edgeTls },
    "no-wildcard-permissions": { resources: forTypes(IAM_TYPES, wildcardIam) },
    "no-privileged-roles": { resources: { ...forTypes(IAM_TYPES, privilegedIam), ...forTypes(RUN_TYPES, runIdentity), [T.vm]: vmIdentity } },
    "no-open-ingress": { resources: { [T.firewall]: openFirewall, [T.run]: runIngress } },
    "secrets-from-secret-store": { resources: { ...forTypes(RUN_TYPES, runSecrets), [T.vm]: vmSecrets } },
    // Memorystore for Redis keeps no retained backups (RDB persistence holds only the latest
    // snapshot, for restarts), so the backed-up data stores are Cloud SQL and the search disks.
    "least-privilege-data": { stack: leastPrivilegeData({ [T.run]: cloudRunEnv, [T.pool]: cloudRunEnv, [T.job]: cloudRunJobEnv }, selfManagedSearchAdmin, cloudSqlAdmin) },
    "backups-retained": { resources: { [T.sql]: sqlBackups, [T.disk]: diskBackups, [T.snapshotPolicy]: snapshotRetention } },
    "logs-retained": {
        resources: {
            // Absent (or 0 at creation) keeps 30 days.
            [T.logBucket]: (p) =>
                p.retentionDays === undefined || p.retentionDays === 0 || p.retentionDays >= 7 ? undefined : `retentionDays is ${p.retentionDays}: logs are deleted too early; at least 7 is accepted`,
        },
    },
    "prod-high-availability": { resources: { [T.sql]: sqlHa, [T.redis]: redisHa } },
    "prod-public-replicas": { stack: publicReplicas },
    "prod-deletion-protection": { stack: deletionProtection },
    "prod-search-nodes": { stack: searchNodes },
};
