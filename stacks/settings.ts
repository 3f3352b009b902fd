import { DatabaseTls } from "../components/database-tls";
/**
 * The typed, validated and complete description of one stack, built once from the stack config
 * (see `load-settings.ts`). Everything downstream reads only this: no component or backend
 * reads Pulumi config itself.
 */

export const CLOUDS = ["aws", "gcp", "azure", "local"] as const;
export type Cloud = (typeof CLOUDS)[number];

export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Cloud-neutral size classes for the data services; each cloud maps them in one table. */
export const SIZE_CLASSES = ["small", "medium", "large"] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

export const POSTGRES_VERSIONS = [14, 15, 16, 17] as const;
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];

/** Extensions that every target can create (all ship in the clouds' PostgreSQL and postgres-contrib). */
export const POSTGRES_EXTENSIONS = [
    "uuid-ossp",
    "pg_trgm",
    "unaccent",
    "citext",
    "hstore",
    "pgcrypto",
    "btree_gin",
    "btree_gist",
    "fuzzystrmatch",
    "pg_stat_statements",
    "intarray",
    "tablefunc",
] as const;
export type PostgresExtension = (typeof POSTGRES_EXTENSIONS)[number];

export const REDIS_VERSIONS = [6, 7, 8] as const;
export type RedisVersion = (typeof REDIS_VERSIONS)[number];

export const MAXMEMORY_POLICIES = [
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "noeviction",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

export const OPENSEARCH_VERSIONS = ["2.19", "2.17", "3.1"] as const;
export type OpenSearchVersion = (typeof OPENSEARCH_VERSIONS)[number];

export interface DatabaseParameters {
    max_connections: number;
    log_min_duration_statement: number;
    [name: string]: number | string;
}

export interface DatabaseSettings {
    engine: "postgres";
    version: PostgresVersion;
    size: SizeClass;
    storageGb: number;
    /** Upper bound for storage autogrow. */
    maxStorageGb: number;
    /** Logical databases; the first is the default one (DB_NAME of a service that uses `database`). */
    databases: string[];
    extensions: PostgresExtension[];
    parameters: DatabaseParameters;
    username: string;
    backupRetentionDays: number;
    pointInTimeRecovery: boolean;
    highAvailability: boolean;
    readReplicas: number;
    deletionProtection: boolean;
    /** Opt-in for the `up` that raises `version` by a major: an in-place upgrade, applied at once. */
    allowMajorVersionUpgrade: boolean;
    /**
     * Opt-in for a changed `username` (the admin login is create-only): AWS and Azure replace the
     * server (its data with it), GCP creates the new login beside the old one, which keeps owning
     * what it created; without it the change is refused.
     */
    allowUsernameChange: boolean;
    /**
     * What services are told to check (components/database-tls.ts): `verify` or `require`. Unset
     * means `verify`, and the run warns (a stack deployed before the program delivered CAs had
     * `require`) until the stack says which.
     */
    tls?: DatabaseTls;
}

export interface CacheSettings {
    engine: "redis";
    version: RedisVersion;
    size: SizeClass;
    highAvailability: boolean;
    persistence: boolean;
    maxmemoryPolicy: MaxmemoryPolicy;
    /** Days of automatic snapshots kept where the cloud takes them. */
    snapshotRetentionDays: number;
    /**
     * Opt-in: a change the running cache can only take by being re-created (GCP: Memorystore's
     * tier; AWS: a lower version, or Valkey back to Redis OSS) re-creates it, losing its contents; without it such a change is refused.
     */
    allowRecreate: boolean;
}

export interface SearchSettings {
    engine: "opensearch";
    version: OpenSearchVersion;
    nodes: number;
    size: SizeClass;
    storageGb: number;
    /** Daily snapshots of the data (cloud snapshots, or disk snapshot schedules when self-managed). */
    snapshotRetentionDays: number;
    /**
     * Opt-in: a change the running cluster can only take by being re-created (AWS: a `version`
     * the domain cannot upgrade to in place) re-creates it, empty; without it such a change is refused.
     */
    allowRecreate: boolean;
}

export interface BucketSettings {
    /** Logical name from config; the cloud name is derived by each cloud's naming helper. */
    name: string;
    versioning: boolean;
    noncurrentVersionExpirationDays: number;
    abortIncompleteUploadDays: number;
    /** Delete current objects after this many days (none when undefined). */
    expirationDays?: number;
}

export type ServiceImage =
    | { kind: "ref"; ref: string }
    | { kind: "build"; context: string; dockerfile: string; args: Record<string, string> };

/** What a service uses: each entry gets wired (env) and granted (network + IAM) by the topology. */
export interface ServiceUses {
    /** The logical database it connects to (DB_NAME), when it uses the database. */
    database?: string;
    cache: boolean;
    search: boolean;
    buckets: string[];
    /** Services it calls (`service:<name>`): it gets `<NAME>_URL` and network access to exactly those. */
    services: string[];
}

export interface ServiceSettings {
    name: string;
    image: ServiceImage;
    /** Container port; required for public services. */
    port?: number;
    /** HTTP health-check path (public services always have one). */
    healthPath?: string;
    command?: string[];
    /** Public services receive traffic from the load balancer; the rest are internal workers. */
    public: boolean;
    replicas: { min: number; max: number };
    /**
     * Runs exactly one instance in every environment (replicas 1/1, no autoscaling, exempt from
     * the prod floor of 2), and deploys stop the old instance first where the target allows.
     */
    singleton?: true;
    /** vCPU per replica. */
    cpu: number;
    memoryMb: number;
    env: Record<string, string>;
    /** Names of secrets generated with @pulumi/random and injected from the cloud's secret store. */
    secrets: string[];
    /** Names of secrets the operator sets (`anycloud:operatorSecrets.<NAME>`), injected like generated ones. */
    operatorSecrets?: string[];
    /** Names in `env` that look like secrets but hold public values (the guardrail lets them pass). */
    notSecrets?: string[];
    /** Variables under the app's own names: name -> the wired, own or secret variable it copies. */
    envFrom?: Record<string, string>;
    uses: ServiceUses;
    /** The index patterns its search role manages (`searchIndices`); absent: `<name>*`. */
    searchIndices?: string[];
}

/**
 * When a job runs: once per change of its image, command or config, before the services it gates
 * roll out (migrations), or on a cron schedule (maintenance, reports).
 */
export type JobTrigger =
    | { kind: "beforeDeploy"; gates: string[] }
    | {
          kind: "schedule";
          /** The five-field cron as written (stacks/cron.ts translates it per target). */
          cron: string;
          /** IANA time zone the schedule is read in. */
          timeZone: string;
          /** Further attempts after a failed run (bounded). */
          retries: number;
      };

/** `jobs.<name>`: a run-to-completion container with a service's wiring, network access and identity. */
export interface JobSettings {
    name: string;
    image: ServiceImage;
    /** The service whose image (`service: <name>`) it runs, when it reuses one. */
    imageOf?: string;
    command?: string[];
    cpu: number;
    memoryMb: number;
    env: Record<string, string>;
    /** Generated secrets, like a service's. */
    secrets: string[];
    notSecrets?: string[];
    envFrom?: Record<string, string>;
    uses: ServiceUses;
    /** The index patterns its search role manages (`searchIndices`); absent: `<name>*`. */
    searchIndices?: string[];
    /** Bound on one run; the run fails when it is exceeded. */
    timeoutMinutes: number;
    trigger: JobTrigger;
}

export interface RateLimit {
    requests: number;
    per: "second" | "minute";
    /** Requests allowed above the rate in a burst before 429 (where the target supports bursts). */
    burst: number;
}

export interface RouteSettings {
    /** Path pattern: `/` (everything), `/prefix/*` (prefix match) or an exact path. */
    path: string;
    /** Full host name for host routes (config `host: api` becomes `api.<domain>`). */
    host?: string;
    service: string;
    rateLimit?: RateLimit;
    /** Per-route overrides (components/edge.ts says what each target makes of them); absent: the load balancer's value. */
    maxBodyMb?: number;
    timeoutSeconds?: number;
    /** false: no access log lines for this route (a health path). */
    accessLogs?: boolean;
    /** The route carries WebSockets: the plan says how long each target keeps one open. */
    websocket?: boolean;
    /**
     * The response headers of this route when `routes[].headers` changes them: the load
     * balancer's set with the route's overrides applied (absent: the load balancer's set).
     */
    headers?: Record<string, string>;
    /** `routes[].headers` as configured, names spelled as in `headers`: a value, or false (dropped here). */
    headerOverrides?: Record<string, string | false>;
}

export interface LoadBalancerSettings {
    /** Public domain; with it the load balancer serves HTTPS and redirects HTTP. */
    domain?: string;
    /** The cloud's DNS zone for the domain; when set, records and certificate validation are created. */
    dnsZone?: string;
    maxBodyMb: number;
    routes: RouteSettings[];
    /** Idle timeout for proxied connections (WebSockets), seconds. */
    idleTimeoutSeconds: number;
    /** HSTS with includeSubDomains (off by default: on an apex it binds every subdomain). */
    hstsIncludeSubdomains: boolean;
    /**
     * Response headers every route sends (components/edge.ts DEFAULT_HEADERS, then
     * `loadBalancer.headers`), Strict-Transport-Security included: targets send it over HTTPS only.
     */
    headers: Record<string, string>;
    /** Names in `headers` the stack set itself (a default a target cannot send is reported, a chosen one refused). */
    headersConfigured: string[];
}

export interface AlertSettings {
    email?: string;
    cpuPercent: number;
    memoryPercent: number;
    diskPercent: number;
    errorRatePercent: number;
    latencyMs: number;
    dbConnectionsPercent: number;
}

export interface AwsSettings {
    region: string;
}
export interface GcpSettings {
    project?: string;
    region: string;
    /**
     * Services that also get an HMAC key of their service account for Cloud Storage's
     * S3-compatible XML API (apps whose storage client speaks only S3). Everyone else uses the
     * service account itself (no long-lived key).
     */
    s3HmacServices: string[];
}
export interface AzureSettings {
    location: string;
    subscriptionId?: string;
    /**
     * The GUID of the operator's custom role that may read and restart Flexible Servers: when set,
     * `up` restarts the PostgreSQL servers whose static parameters wait for it (README).
     */
    postgresRestartRoleId?: string;
}
export interface LocalSettings {
    /** Host port the local load balancer publishes. */
    httpPort: number;
    /** Optional certificate for HTTPS on the local load balancer (PEM files on the Docker host). */
    tls?: { certFile: string; keyFile: string; httpsPort: number };
    /** Docker daemon address (default: the local socket). */
    dockerHost?: string;
}

export interface Settings {
    project: string;
    stack: string;
    cloud: Cloud;
    environment: Environment;
    /** Protect stateful resources from deletion and replacement (`protect` plus the cloud's flags). */
    protect: boolean;
    tags: Record<string, string>;
    network: { cidr: string; zones: number };
    logs: { retentionDays: number };
    alerts: AlertSettings;
    database?: DatabaseSettings;
    cache?: CacheSettings;
    search?: SearchSettings;
    buckets: BucketSettings[];
    services: ServiceSettings[];
    /** Run-to-completion jobs (`jobs.<name>`): before-deploy migrations and scheduled work. */
    jobs: JobSettings[];
    /** Present when at least one service is public. */
    loadBalancer?: LoadBalancerSettings;
    /**
     * Escape hatch: resource type token -> input properties deep-merged into every resource of
     * that type the program creates (e.g. a cloud setting this program does not expose).
     */
    overrides: Record<string, Record<string, unknown>>;
    /**
     * Operator-supplied secret values by name (`anycloud:operatorSecrets`). Read only through
     * `operatorSecretEnv` (components/wiring.ts), which makes each one a Pulumi secret.
     */
    operatorSecrets?: Record<string, string>;
    aws: AwsSettings;
    gcp: GcpSettings;
    azure: AzureSettings;
    local: LocalSettings;
}
