import { requireCloud } from "../providers/load";
import { cloudValidator } from "../providers/validators";
import { DEFAULT_HEADERS, DEFAULT_TIMEOUT_SECONDS, PROXY_HEADERS } from "../components/edge";
import { hstsValue } from "../components/hsts";
import { replaceTable } from "./changes";
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, didYouMean, problem } from "./errors";
import { inputPropertiesOf } from "./override-properties";
import { roleName } from "../components/database-init";
import { DATABASE_TLS_NAMES, DatabaseTls } from "../components/database-tls";
import { patternProblems, workloadPatterns } from "../components/search-users";
import { DATABASE_NAME_RULE, isReservedUserName, RESERVED_DATABASE_NAMES, reservedPartProblems, ROLE_NAME_RULE, USER_NAME_RULE } from "./reserved-names";
import { failedAt, ParsedConfig, parseRawConfig, SECRET_MARK, userIndex } from "./parse-config";
import { PROVIDER_KEYS } from "./provider-keys";
import { DEFAULT_ALERT_THRESHOLDS, DEFAULT_REGIONS, PRESETS, PROD_FLOOR } from "./presets";
import { DATABASE_PARAMETERS, withPreloads } from "./postgres-parameters";
import { resolveJobs } from "./jobs";
import { RawConfig, TopLevelKey } from "./schema";
import {
    BucketSettings,
    Cloud,
    DatabaseSettings,
    Environment,
    JobSettings,
    LoadBalancerSettings,
    RouteSettings,
    ServiceSettings,
    RedisVersion,
    ServiceUses,
    Settings,
} from "./settings";

/** Environment variables the topology sets from what a service uses; config may not set them. */
export const WIRED_ENV_NAMES = [
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "DB_SSLMODE",
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_PASSWORD",
    "REDIS_TLS",
    "ELASTICSEARCH_URL",
    "ELASTICSEARCH_USERNAME",
    "ELASTICSEARCH_PASSWORD",
    "STORAGE_PROVIDER",
    "S3_BUCKET",
    "S3_REGION",
    "S3_ENDPOINT",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
    // Set by a cloud backend for the parts a service uses (CA certificates, workload identity).
    "REDIS_TLS_CA_CERT",
    "ELASTICSEARCH_CA_CERT_SECRET",
    "AZURE_CLIENT_ID",
    "AZURE_FRONTDOOR_ID",
] as const;

/** A name the topology sets itself (wiring, bucket variables, its own ANYCLOUD_ markers): config may not set it. */
export function isReservedEnvName(k: string): boolean {
    return (WIRED_ENV_NAMES as readonly string[]).includes(k) || /^S3_BUCKET_|^GCS_BUCKET|^AZURE_STORAGE_|^ANYCLOUD_/.test(k);
}

/**
 * Variables each target's object store gives a service that uses a bucket, beyond
 * STORAGE_PROVIDER and S3_BUCKET[_<NAME>] (`providers/<cloud>/object-store.ts`): what `envFrom`
 * may copy. Credentials a backend adds per service are not listed; they stay under their names.
 */
export const STORE_VARIABLES: Record<string, string[]> = {
    aws: ["S3_REGION"],
    gcp: ["S3_ENDPOINT", "S3_REGION", "S3_FORCE_PATH_STYLE", "GOOGLE_CLOUD_PROJECT"],
    azure: ["AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_BLOB_ENDPOINT"],
    local: ["S3_ENDPOINT", "S3_REGION", "S3_FORCE_PATH_STYLE"],
};

/** The exact command that sets an operator secret (what every message about one shows). */
export function operatorSecretCommand(name: string): string {
    return `pulumi config set --secret --path 'anycloud:operatorSecrets.${name}' '<value>'`;
}

/**
 * The operator secrets some service lists but the config map has no value for (the offline
 * plan fills these with stand-in values; `pulumi up` refuses them). Tolerant of malformed config:
 * the program itself reports that.
 */
export function missingOperatorSecrets(config: Record<string, string>): string[] {
    const parse = (key: string): any => {
        try {
            return JSON.parse(config[`${CONFIG_NAMESPACE}:${key}`] ?? "{}");
        } catch {
            return {};
        }
    };
    const services = parse("services");
    const values = parse("operatorSecrets");
    const listed = new Set<string>();
    for (const s of Object.values(services !== null && typeof services === "object" ? services : {})) {
        const names = (s as { operatorSecrets?: unknown })?.operatorSecrets;
        if (Array.isArray(names)) names.filter((n) => typeof n === "string").forEach((n) => listed.add(n));
    }
    const have = values !== null && typeof values === "object" ? values : {};
    return [...listed].filter((n) => !(n in have)).sort();
}


export interface StackIdentity {
    project: string;
    stack: string;
}

/** The outcome of checking a stack's config: Settings as complete as the config allows, and every problem. */
export interface ConfigCheck {
    settings: Settings;
    problems: ConfigProblem[];
}

/**
 * Builds the Settings of a stack from its config map (keys `anycloud:<key>` and the standard
 * provider keys, values as the Pulumi engine hands them over: plain strings, or JSON for
 * structured values). Every problem is collected and thrown at once as a ConfigError; nothing
 * here registers a resource.
 */
export function loadSettings(config: Record<string, string>, id: StackIdentity): Settings {
    const { settings, problems } = checkConfig(config, id);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return settings;
}

/**
 * Every check in one pass: the schema of each key, the cross-checks between keys, and the chosen
 * cloud's own checks (providers/validators.ts), each run on whatever parts of the config are
 * valid. A problem that only follows from one already reported (a check that saw a default in
 * place of a refused value) is left out.
 */
export function checkConfig(config: Record<string, string>, id: StackIdentity): ConfigCheck {
    const problems: ConfigProblem[] = [];
    const parsed = parseRawConfig(config, problems);
    const crossProblems: ConfigProblem[] = reservedPartProblems(parsed.values);
    const settings = resolveSettings(parsed.values, id, parsed, crossProblems);
    const reported = new Set(problems.map((p) => p.key));
    for (const p of crossProblems.map((p) => withUserIndexes(p, parsed))) {
        if (!isConsequence(p, parsed)) {
            problems.push(p);
            reported.add(p.key);
        }
    }
    if (!parsed.failed.has("cloud")) {
        // A cloud check on an object with a refused field saw a default in its place: skip it.
        const owners = new Set([...parsed.failedPaths].map(owner));
        for (const p of cloudValidator(settings.cloud)(settings)) {
            if (!owners.has(owner(p.key)) && !reported.has(p.key)) {
                problems.push(p);
            }
        }
    }
    // A provider setting is named the way the user set it, and a missing one the documented way.
    const standard = new Map(PROVIDER_KEYS.map((k) => [`${CONFIG_NAMESPACE}:${k.top}.${k.field}`, k.key]));
    const named = (p: ConfigProblem) => parsed.aliases.get(p.key) ?? (p.value === undefined ? standard.get(p.key) : undefined) ?? p.key;
    return { settings, problems: problems.map((p) => ({ ...p, key: named(p) })) };
}

/**
 * Whether a cross-check problem only follows from a value the schema refused: it is about that
 * value or what holds it (a required field left out, a list emptied by removing its bad entry),
 * names it (`a path not already routed by loadBalancer.routes[0]` when that route was refused), or
 * refers to a refused name (`uses: database:Bad` after the database name `Bad` was refused).
 */
function isConsequence(p: ConfigProblem, parsed: ParsedConfig): boolean {
    if (failedAt(parsed, p.key) || [...parsed.failedPaths].some((f) => p.key.startsWith(`${f}.`) || p.key.startsWith(`${f}[`))) {
        return true;
    }
    for (const ref of p.accepted.match(/\b[a-z][A-Za-z]*(?:\.[\w-]+|\[\d+\])+/g) ?? []) {
        if (failedAt(parsed, `${CONFIG_NAMESPACE}:${ref}`)) return true;
    }
    const refused = [...parsed.refused.values()].filter((v): v is string => typeof v === "string");
    return typeof p.value === "string" && refused.some((r) => p.value === r || (p.value as string).endsWith(`:${r}`));
}

/** A cross-check names list entries by their place after refused entries were removed: give the user's. */
function withUserIndexes(p: ConfigProblem, parsed: ParsedConfig): ConfigProblem {
    let { key, accepted } = p;
    for (const listKey of parsed.originalIndex.keys()) {
        const short = listKey.slice(CONFIG_NAMESPACE.length + 1);
        const fix = (text: string, name: string) =>
            text.split(`${name}[`).map((part, i) => (i === 0 ? part : part.replace(/^(\d+)\]/, (_, n) => `${userIndex(parsed, listKey, Number(n))}]`))).join(`${name}[`);
        key = fix(key, listKey);
        accepted = fix(accepted, short);
    }
    return key === p.key && accepted === p.accepted ? p : { ...p, key, accepted };
}

/** The config object a key belongs to: one service, bucket, job or route, else its top-level key. */
function owner(key: string): string {
    const route = /^anycloud:loadBalancer\.routes\[\d+\]/.exec(key);
    if (route) return route[0];
    const item = /^anycloud:(services|buckets|jobs)[.[][^.[]+\]?/.exec(key);
    if (item) return item[0];
    return key.split(/[.[]/)[0];
}

function resolveSettings(
    raw: RawConfig,
    id: StackIdentity,
    parsed: ParsedConfig,
    problems: ConfigProblem[],
): Settings {
    const failed = parsed.failed;
    const ok = (k: TopLevelKey) => !failed.has(k);
    const cloud = raw.cloud ?? "local";
    const environment: Environment = raw.environment ?? "dev";
    const preset = PRESETS[environment];
    const prod = environment === "prod";

    if (cloud === "gcp" && ok("gcp") && !raw.gcp?.project) {
        problems.push(problem("gcp.project", undefined, "a GCP project id, required when anycloud:cloud is gcp: pulumi config set gcp:project <id>"));
    }

    const database = ok("database") ? resolveDatabase(raw, environment, problems) : undefined;
    const cache = ok("cache") && raw.cache !== undefined ? resolveCache(raw, environment) : undefined;
    const search = ok("search") && raw.search !== undefined ? resolveSearch(raw, environment, problems) : undefined;
    const buckets = ok("buckets") ? resolveBuckets(raw, environment, problems) : [];

    const routes = ok("loadBalancer") ? resolveRoutes(raw, problems) : [];
    const services = ok("services")
        ? resolveServices(raw, environment, routes, { database, cache: !!cache, search: !!search, buckets }, failed, problems)
        : [];
    const operatorSecrets = ok("operatorSecrets") && ok("services") ? resolveOperatorSecrets(raw, services, problems) : {};
    const jobs = ok("jobs") && ok("services") ? resolveJobs(raw, environment, services, { database, cache: !!cache, search: !!search, buckets }, failed, problems) : [];
    if (search && ok("services") && ok("jobs")) {
        checkSearchIndices(services, jobs, problems);
    }
    if (ok("services") && services.length === 0) {
        problems.push(problem("services", raw.services, "a map with at least one service"));
    }
    if (ok("services") && ok("loadBalancer")) {
        checkRouteTargets(routes, raw, problems);
    }
    const loadBalancer = ok("loadBalancer") ? resolveLoadBalancer(raw, routes, problems) : undefined;
    if (ok("gcp") && ok("services")) {
        // An HMAC key only makes sense for a service that uses a bucket.
        const bucketUsers = services.filter((s) => s.uses.buckets.length > 0).map((s) => s.name);
        (raw.gcp?.s3HmacServices ?? []).forEach((name, i) => {
            if (!bucketUsers.includes(name)) {
                problems.push(problem(`gcp.s3HmacServices[${i}]`, name, bucketUsers.length > 0 ? `a service that uses a bucket: ${bucketUsers.join(", ")}` : "a service that uses a bucket (no service uses one)"));
            }
        });
    }

    const protect = raw.protect ?? preset.protect;
    if (prod) {
        if (raw.protect === false) {
            problems.push(problem("protect", false, "true in a prod stack (stateful resources must be protected)"));
        }
        if (ok("alerts") && !raw.alerts?.email) {
            problems.push(problem("alerts.email", undefined, "an email address to notify (required in a prod stack)"));
        }
        if (loadBalancer && !loadBalancer.domain) {
            problems.push(problem("loadBalancer.domain", undefined, "a domain name (a prod stack serves HTTPS only)"));
        }
    }

    // Images are built with @pulumi/docker on every target; passwords come from @pulumi/random.
    const packages: Record<string, string[]> = { aws: ["aws", "docker", "random"], gcp: ["gcp", "docker", "random"], azure: ["azure-native", "docker", "random"], local: ["docker", "random"] };
    for (const [token, props] of Object.entries(ok("overrides") ? raw.overrides ?? {} : {})) {
        problems.push(...overrideProblems(cloud, token, props, packages[cloud]));
    }

    const settings: Settings = {
        project: id.project,
        stack: id.stack,
        cloud,
        environment,
        protect,
        tags: raw.tags ?? {},
        network: {
            cidr: raw.network?.cidr ?? "10.40.0.0/16",
            zones: raw.network?.zones ?? preset.zones,
        },
        logs: { retentionDays: raw.logs?.retentionDays ?? preset.logRetentionDays },
        alerts: { ...DEFAULT_ALERT_THRESHOLDS, ...(raw.alerts ?? {}) },
        database,
        cache,
        search,
        buckets,
        services,
        jobs,
        loadBalancer,
        overrides: raw.overrides ?? {},
        operatorSecrets,
        aws: { region: raw.aws?.region ?? DEFAULT_REGIONS.aws },
        gcp: { project: raw.gcp?.project, region: raw.gcp?.region ?? DEFAULT_REGIONS.gcp, s3HmacServices: raw.gcp?.s3HmacServices ?? [] },
        azure: { location: raw.azure?.location ?? DEFAULT_REGIONS.azure, subscriptionId: raw.azure?.subscriptionId, ...(raw.azure?.postgresRestartRoleId ? { postgresRestartRoleId: raw.azure.postgresRestartRoleId } : {}) },
        local: {
            httpPort: raw.local?.httpPort ?? 8080,
            dockerHost: raw.local?.dockerHost,
            tls: raw.local?.tls ? { ...raw.local.tls, httpsPort: raw.local.tls.httpsPort ?? 8443 } : undefined,
        },
    };
    if (prod && settings.network.zones < 2) {
        problems.push(problem("network.zones", settings.network.zones, "2 or 3 in a prod stack (zone redundancy)"));
    }
    return settings;
}

/**
 * An override must name a type the chosen target creates (providers/<cloud>/replace-forcing.ts
 * lists every one; changes.spec.ts fails when the program creates a type it lacks) and input
 * properties that type has in the installed SDK: a misspelt property (`instanceClas`) would
 * otherwise be merged into the inputs and dropped or refused by the provider.
 */
function overrideProblems(cloud: Cloud, token: string, props: Record<string, unknown>, packages: string[]): ConfigProblem[] {
    const pkg = token.split(":")[0];
    if (!packages.includes(pkg)) {
        return [problem(`overrides.${token}`, token, `a resource type of a package the ${cloud} target uses: ${packages.join(", ")}`)];
    }
    const created = Object.keys(replaceTable(cloud)).filter((t) => !t.startsWith("pulumi:providers:"));
    if (!created.includes(token)) {
        return [problem(`overrides.${token}`, token, `a resource type the ${cloud} target creates (providers/${cloud}/replace-forcing.ts lists all ${created.length})${didYouMean(token, created)}`)];
    }
    const inputs = inputPropertiesOf(token);
    if (inputs === undefined) {
        return [problem(`overrides.${token}`, token, `a resource type of the installed @pulumi/${pkg} (its typings have no ${token.split(":")[2]}Args)`)];
    }
    return Object.keys(props)
        .filter((p) => !inputs.includes(p))
        .map((p) => problem(`overrides.${token}.${p}`, props[p], `an input property of ${token} in the installed @pulumi/${pkg} (one of the ${inputs.length} of ${token.split(":")[2]}Args)${didYouMean(p, inputs)}`));
}

/**
 * Each name a service lists in `operatorSecrets` needs a value in `anycloud:operatorSecrets`
 * (set once with `pulumi config set --secret`), and each value a service that lists it.
 */
function resolveOperatorSecrets(raw: RawConfig, services: ServiceSettings[], problems: ConfigProblem[]): Record<string, string> {
    const values = raw.operatorSecrets ?? {};
    const users = new Map<string, string[]>();
    for (const s of services) {
        for (const n of s.operatorSecrets ?? []) users.set(n, [...(users.get(n) ?? []), s.name]);
    }
    for (const [n, by] of [...users.entries()].sort()) {
        if (!(n in values)) {
            const lists = by.map((s) => `services.${s}.operatorSecrets`).join(", ");
            problems.push(problem(`operatorSecrets.${n}`, undefined, `a value set once with: ${operatorSecretCommand(n)} (${lists} lists it)`));
        }
    }
    for (const n of Object.keys(values).sort()) {
        if (!users.has(n)) {
            problems.push(problem(`operatorSecrets.${n}`, SECRET_MARK, `a name some services.<name>.operatorSecrets lists (no service uses this value)`));
        }
    }
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

export { DATABASE_PARAMETERS } from "./postgres-parameters";

/** The smallest storage ceiling every target accepts for an allocated size: 10 % above it, rounded up. */
export function autogrowCeilingGb(storageGb: number): number {
    return Math.ceil(storageGb * 1.1);
}

function resolveDatabase(raw: RawConfig, env: Environment, problems: ConfigProblem[]): DatabaseSettings | undefined {
    const d = raw.database;
    const cloud = raw.cloud ?? "local";
    if (d === undefined) {
        return undefined;
    }
    const p = PRESETS[env].database;
    const storageGb = d.storageGb ?? p.storageGb;
    // The preset's ceiling, raised for a larger storageGb to leave the headroom every target's
    // autogrow needs (RDS refuses a ceiling less than 10 % above the allocated size), so a key the
    // user never set can never be the one a cloud refuses.
    const maxStorageGb = d.maxStorageGb ?? Math.max(p.maxStorageGb, autogrowCeilingGb(storageGb));
    if (maxStorageGb < storageGb) {
        problems.push(problem("database.maxStorageGb", maxStorageGb, `a size of at least storageGb (${storageGb})`));
    }
    const databases = d.databases ?? ["app"];
    pushDuplicates("database.databases", databases, problems);
    databases.forEach((name, i) => {
        if ((RESERVED_DATABASE_NAMES as readonly string[]).includes(name)) problems.push(problem(`database.databases[${i}]`, name, DATABASE_NAME_RULE));
        // Its login role `<name>_owner` is a PostgreSQL name too: at most 63 bytes, not a reserved one.
        else if (roleName(name).length > 63 || isReservedUserName(roleName(name))) problems.push(problem(`database.databases[${i}]`, name, ROLE_NAME_RULE));
    });
    const extensions = d.extensions ?? [];
    pushDuplicates("database.extensions", extensions, problems);
    const parameters = withPreloads(
        {
            max_connections: p.maxConnections,
            log_min_duration_statement: 1000,
            ...(d.parameters ?? {}),
        },
        extensions,
        cloud,
    );
    for (const [name, value] of Object.entries(d.parameters ?? {})) {
        const rule = DATABASE_PARAMETERS[name];
        const settable = Object.keys(DATABASE_PARAMETERS).filter((n) => !DATABASE_PARAMETERS[n].notOn?.[cloud]);
        if (!rule) {
            problems.push(problem(`database.parameters.${name}`, value, `one of the parameters ${cloud} can set: ${settable.join(", ")}`));
        } else if (rule.notOn?.[cloud]) {
            problems.push(problem(`database.parameters.${name}`, value, `a parameter ${cloud} can set (${rule.notOn[cloud]}): ${settable.join(", ")}`));
        } else if (!rule.check(value)) {
            problems.push(problem(`database.parameters.${name}`, value, rule.accepted));
        }
    }
    const username = d.username ?? "app";
    if (isReservedUserName(username)) {
        problems.push(problem("database.username", username, USER_NAME_RULE));
    } else if (databases.some((db) => roleName(db) === username)) {
        problems.push(problem("database.username", username, `a user name other than the login roles of the databases (${databases.map(roleName).join(", ")}): the admin is not one of them`));
    }
    const settings: DatabaseSettings = {
        engine: "postgres",
        version: (d.version ?? 16) as DatabaseSettings["version"],
        size: d.size ?? p.size,
        storageGb,
        maxStorageGb,
        databases,
        extensions,
        parameters: parameters as DatabaseSettings["parameters"],
        username,
        backupRetentionDays: d.backupRetentionDays ?? p.backupRetentionDays,
        pointInTimeRecovery: d.pointInTimeRecovery ?? true,
        highAvailability: d.highAvailability ?? p.highAvailability,
        readReplicas: d.readReplicas ?? 0,
        deletionProtection: d.deletionProtection ?? p.deletionProtection,
        allowMajorVersionUpgrade: d.allowMajorVersionUpgrade ?? false,
        allowUsernameChange: d.allowUsernameChange ?? false,
    };
    if (d.tls !== undefined) {
        settings.tls = d.tls;
    }
    if (env === "prod") {
        if (!settings.highAvailability) {
            problems.push(problem("database.highAvailability", false, "true in a prod stack (database failover)"));
        }
        if (!settings.deletionProtection) {
            problems.push(problem("database.deletionProtection", false, "true in a prod stack"));
        }
        if (!settings.pointInTimeRecovery) {
            problems.push(problem("database.pointInTimeRecovery", false, "true in a prod stack"));
        }
        if (settings.backupRetentionDays < PROD_FLOOR.backupRetentionDays) {
            problems.push(problem("database.backupRetentionDays", settings.backupRetentionDays, `at least ${PROD_FLOOR.backupRetentionDays} in a prod stack`));
        }
    }
    return settings;
}

function resolveCache(raw: RawConfig, env: Environment) {
    const c = raw.cache ?? {};
    const p = PRESETS[env].cache;
    return {
        engine: "redis" as const,
        version: (c.version ?? 7) as RedisVersion,
        size: c.size ?? p.size,
        highAvailability: c.highAvailability ?? p.highAvailability,
        persistence: c.persistence ?? p.persistence,
        maxmemoryPolicy: c.maxmemoryPolicy ?? "allkeys-lru",
        snapshotRetentionDays: c.snapshotRetentionDays ?? p.snapshotRetentionDays,
        allowRecreate: c.allowRecreate ?? false,
    };
}

function resolveSearch(raw: RawConfig, env: Environment, problems: ConfigProblem[]) {
    const s = raw.search ?? {};
    const p = PRESETS[env].search;
    const nodes = s.nodes ?? p.nodes;
    if (env === "prod" && nodes < PROD_FLOOR.searchNodes) {
        problems.push(problem("search.nodes", nodes, `at least ${PROD_FLOOR.searchNodes} in a prod stack`));
    }
    return {
        engine: "opensearch" as const,
        version: s.version ?? "2.19",
        nodes,
        size: s.size ?? p.size,
        storageGb: s.storageGb ?? p.storageGb,
        snapshotRetentionDays: s.snapshotRetentionDays ?? p.snapshotRetentionDays,
        allowRecreate: s.allowRecreate ?? false,
    };
}

function resolveBuckets(raw: RawConfig, env: Environment, problems: ConfigProblem[]): BucketSettings[] {
    const b = raw.buckets;
    if (b === undefined) {
        return [];
    }
    const defaults = (name: string): BucketSettings => ({
        name,
        versioning: true,
        noncurrentVersionExpirationDays: PRESETS[env].bucketNoncurrentDays,
        abortIncompleteUploadDays: 7,
    });
    if (Array.isArray(b)) {
        pushDuplicates("buckets", b, problems);
        return [...new Set(b)].map(defaults);
    }
    return Object.entries(b).map(([name, o]) => {
        const base = defaults(name);
        const resolved: BucketSettings = {
            ...base,
            versioning: o.versioning ?? base.versioning,
            noncurrentVersionExpirationDays: o.noncurrentVersionExpirationDays ?? base.noncurrentVersionExpirationDays,
            abortIncompleteUploadDays: o.abortIncompleteUploadDays ?? base.abortIncompleteUploadDays,
        };
        if (o.expirationDays !== undefined) {
            resolved.expirationDays = o.expirationDays;
        }
        if (env === "prod" && !resolved.versioning) {
            problems.push(problem(`buckets.${name}.versioning`, false, "true in a prod stack (recovery from overwrites and deletes)"));
        }
        return resolved;
    });
}

function resolveRoutes(raw: RawConfig, problems: ConfigProblem[]): RouteSettings[] {
    const lb = raw.loadBalancer;
    const domain = lb?.domain;
    const seen = new Map<string, number>();
    return (lb?.routes ?? []).map((r, i) => {
        let host: string | undefined;
        if (r.host !== undefined) {
            if (r.host.includes(".")) {
                host = r.host;
            } else if (domain) {
                host = `${r.host}.${domain}`;
            } else {
                problems.push(problem(`loadBalancer.routes[${i}].host`, r.host, "a full host name, or a subdomain label together with loadBalancer.domain"));
            }
        }
        const path = r.path === undefined || r.path === "/*" ? "/" : r.path;
        const key = `${host ?? "*"} ${path}`;
        if (seen.has(key)) {
            problems.push(problem(`loadBalancer.routes[${i}]`, r, `a host and path not already routed by loadBalancer.routes[${seen.get(key)}]`));
        } else {
            seen.set(key, i);
        }
        const route: RouteSettings = { path, service: r.service };
        if (host !== undefined) {
            route.host = host;
        }
        if (r.rateLimit) {
            route.rateLimit = { requests: r.rateLimit.requests, per: r.rateLimit.per, burst: r.rateLimit.burst ?? r.rateLimit.requests };
        }
        for (const key of ["maxBodyMb", "timeoutSeconds", "accessLogs", "websocket"] as const) {
            if (r[key] !== undefined) {
                (route as any)[key] = r[key];
            }
        }
        return route;
    });
}

function checkRouteTargets(routes: RouteSettings[], raw: RawConfig, problems: ConfigProblem[]) {
    const names = Object.keys(raw.services ?? {});
    routes.forEach((r, i) => {
        if (!names.includes(r.service)) {
            problems.push(problem(`loadBalancer.routes[${i}].service`, r.service, `the name of a service: ${names.join(", ") || "(none configured)"}`));
        }
    });
}

export interface Parts {
    database?: DatabaseSettings;
    cache: boolean;
    search: boolean;
    buckets: BucketSettings[];
}

function resolveServices(
    raw: RawConfig,
    env: Environment,
    routes: RouteSettings[],
    parts: Parts,
    failed: Set<TopLevelKey>,
    problems: ConfigProblem[],
): ServiceSettings[] {
    const preset = PRESETS[env];
    const routed = new Set(routes.map((r) => r.service));
    return Object.entries(raw.services ?? {}).map(([name, s]) => {
        const at = (k: string) => `services.${name}.${k}`;
        const isPublic = routed.has(name);
        let image: ServiceSettings["image"];
        if (s.image !== undefined && s.build === undefined) {
            image = { kind: "ref", ref: s.image };
        } else if (s.build !== undefined && s.image === undefined) {
            image = { kind: "build", context: s.build.context, dockerfile: s.build.dockerfile ?? "Dockerfile", args: s.build.args ?? {} };
        } else {
            problems.push(
                problem(`services.${name}`, { image: s.image, build: s.build }, "exactly one of image (a reference) or build (a Dockerfile context)"),
            );
            image = { kind: "ref", ref: "" };
        }
        if (isPublic && s.port === undefined) {
            problems.push(problem(at("port"), undefined, "an integer from 1 to 65535 (required: the load balancer routes to this service)"));
        }
        if (!isPublic && s.healthPath !== undefined && s.port === undefined) {
            problems.push(problem(at("port"), undefined, "an integer from 1 to 65535 (required with healthPath)"));
        }
        const defaults = isPublic ? preset.publicReplicas : preset.workerReplicas;
        const singleton = s.singleton === true;
        const replicas = singleton ? { min: 1, max: 1 } : { min: s.replicas?.min ?? defaults.min, max: s.replicas?.max ?? defaults.max };
        if (singleton && s.replicas !== undefined && ((s.replicas.min ?? 1) !== 1 || (s.replicas.max ?? 1) !== 1)) {
            problems.push(problem(at("replicas"), s.replicas, "left out, or {min: 1, max: 1}, with singleton: true (a singleton runs exactly one instance)"));
        }
        if (s.replicas?.max === undefined && replicas.max < replicas.min) {
            replicas.max = replicas.min;
        }
        if (replicas.min > replicas.max) {
            problems.push(problem(at("replicas"), s.replicas, `min (${replicas.min}) no greater than max (${replicas.max})`));
        }
        if (!isPublic && replicas.min < 1) {
            problems.push(problem(at("replicas.min"), replicas.min, "at least 1 for an internal worker (it has no traffic to wake it)"));
        }
        // A singleton is exempt by name: running two would break it (SINGLETON_EXEMPTION says why).
        if (isPublic && env === "prod" && !singleton && replicas.min < PROD_FLOOR.publicReplicasMin) {
            problems.push(
                problem(at("replicas.min"), replicas.min, `at least ${PROD_FLOOR.publicReplicasMin} for a public service in a prod stack (or singleton: true for an app that must run exactly one instance)`),
            );
        }
        const env_ = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, String(v)]));
        const secrets = s.secrets ?? [];
        pushDuplicates(at("secrets"), secrets, problems);
        const operatorSecrets = s.operatorSecrets ?? [];
        pushDuplicates(at("operatorSecrets"), operatorSecrets, problems);
        const envFrom = s.envFrom ?? {};
        const reserved = isReservedEnvName;
        for (const k of [...Object.keys(env_), ...secrets]) {
            if (reserved(k)) {
                problems.push(problem(Object.keys(env_).includes(k) ? at(`env.${k}`) : at("secrets"), k, "a name the topology does not wire itself (it sets connection variables from `uses`)"));
            }
        }
        for (const k of operatorSecrets) {
            if (reserved(k)) {
                problems.push(problem(at("operatorSecrets"), k, "a name the topology does not wire itself (it sets connection variables from `uses`)"));
            } else if (k in env_ || secrets.includes(k)) {
                problems.push(problem(at("operatorSecrets"), k, `a name not also in services.${name}.${k in env_ ? "env" : "secrets"}`));
            }
        }
        for (const k of s.notSecrets ?? []) {
            if (!(k in env_)) {
                problems.push(problem(at("notSecrets"), k, `a name set in services.${name}.env (it says that plain value is public)`));
            }
        }
        for (const k of secrets) {
            if (k in env_) {
                problems.push(problem(at(`env.${k}`), env_[k], `a variable not also listed in services.${name}.secrets`));
            }
        }
        const uses = resolveUses(name, s.uses ?? [], parts, callees(raw), failed, problems);
        pushUrlClashes(at, "service", s.uses ?? [], uses, [...Object.keys(env_), ...secrets, ...operatorSecrets], wiringTarget(raw), problems);
        pushDatabaseTlsClashes(at, "service", [...Object.keys(env_), ...secrets, ...operatorSecrets], env_, uses, wiringTarget(raw), problems);
        const given = new Set([...Object.keys(env_), ...secrets, ...operatorSecrets, ...wiredNames(uses, wiringTarget(raw))]);
        for (const [k, source] of Object.entries(envFrom)) {
            if (given.has(k) || reserved(k)) {
                problems.push(problem(at(`envFrom.${k}`), source, `a name of your own, not one the service already has or the topology sets (${k})`));
            } else if (!given.has(source)) {
                problems.push(problem(at(`envFrom.${k}`), source, `a variable this service is given: ${[...given].sort().join(", ") || "(none: it uses nothing and sets no env)"}`));
            }
        }
        const service: ServiceSettings = {
            name,
            image,
            public: isPublic,
            replicas,
            cpu: s.cpu ?? preset.cpu,
            memoryMb: s.memoryMb ?? preset.memoryMb,
            env: env_,
            secrets,
            uses,
        };
        if (operatorSecrets.length > 0) {
            service.operatorSecrets = operatorSecrets;
        }
        if (s.notSecrets !== undefined && s.notSecrets.length > 0) {
            service.notSecrets = s.notSecrets;
        }
        if (Object.keys(envFrom).length > 0) {
            service.envFrom = envFrom;
        }
        if (singleton) {
            service.singleton = true;
        }
        if (s.searchIndices !== undefined) {
            if (uses.search) service.searchIndices = s.searchIndices;
            else pushSearchIndicesWithoutSearch(at("searchIndices"), s.searchIndices, parts.search, problems);
        }
        if (s.port !== undefined) {
            service.port = s.port;
        }
        const healthPath = s.healthPath ?? (isPublic ? "/health" : undefined);
        if (healthPath !== undefined) {
            service.healthPath = healthPath;
        }
        if (s.command !== undefined) {
            service.command = s.command;
        }
        return service;
    });
}

/** `searchIndices` on a workload that does not use search: the patterns of a role it does not get. */
export function pushSearchIndicesWithoutSearch(key: string, value: string[], searchConfigured: boolean, problems: ConfigProblem[]) {
    problems.push(problem(key, value, searchConfigured ? "left out, or 'search' in uses (only a workload that uses search has a search role)" : "left out (the stack has no search cluster)"));
}

/**
 * The index patterns of every workload that uses search, checked together
 * (components/search-users.ts `patternProblems`): syntax, plugin indices, overlaps.
 */
function checkSearchIndices(services: ServiceSettings[], jobs: JobSettings[], problems: ConfigProblem[]) {
    for (const p of patternProblems(workloadPatterns(services, jobs))) problems.push(problem(p.key, p.value, p.accepted));
}

/** Where the wiring runs: the cloud, and how services on the database verify it. */
export interface WiringTarget {
    cloud: string;
    /** `database.tls` (unset: verify). */
    databaseTls: DatabaseTls;
    /**
     * Whether workloads on the database get the server's CA as a file: with `tls: verify`, on a
     * cloud (the local server has no TLS), and on AWS only in a region whose RDS roots the
     * program carries (providers/aws/database-ca.ts gives the others `require`).
     */
    databaseCa: boolean;
}

/**
 * Whether this program carries RDS's root CAs for the region. providers/aws/rds-ca-roots.ts (150 KB
 * of certificates) is loaded only when an AWS stack asks: every other plan compiled it for nothing.
 */
function rdsRootsKnown(region: string): boolean {
    const { RDS_REGION_ROOTS } = requireCloud<typeof import("../providers/aws/rds-ca-roots")>("aws", "rds-ca-roots");
    return RDS_REGION_ROOTS[region] !== undefined;
}

export function wiringTarget(raw: RawConfig): WiringTarget {
    const cloud = raw.cloud ?? "local";
    const databaseTls = raw.database?.tls ?? "verify";
    const rootsKnown = cloud !== "aws" || rdsRootsKnown(raw.aws?.region ?? DEFAULT_REGIONS.aws);
    return { cloud, databaseTls, databaseCa: databaseTls === "verify" && cloud !== "local" && rootsKnown };
}

/** The variables `components/wiring.ts` sets for what a service uses, on the given target. */
export function wiredNames(uses: ServiceUses, target: WiringTarget): string[] {
    const { cloud } = target;
    const out: string[] = [];
    if (uses.database !== undefined) {
        out.push("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SSLMODE", "DB_PASSWORD", "DATABASE_URL");
        // components/database-tls.ts: libpq's mode with `tls: verify`; the CA file where one is delivered.
        if (target.databaseTls === "verify") out.push("PGSSLMODE");
        if (target.databaseCa) out.push("DB_SSLROOTCERT", "PGSSLROOTCERT", "NODE_EXTRA_CA_CERTS");
    }
    if (uses.cache) out.push("REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_PASSWORD", "REDIS_URL");
    if (uses.search) out.push("ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD");
    if (uses.buckets.length > 0) {
        out.push("STORAGE_PROVIDER", ...(STORE_VARIABLES[cloud] ?? []), ...uses.buckets.map((b) => `S3_BUCKET_${b.toUpperCase().replace(/-/g, "_")}`));
        if (uses.buckets.length === 1) out.push("S3_BUCKET");
    }
    out.push(...uses.services.map(serviceUrlVariable));
    return out;
}

/**
 * A workload's own variable (env, secrets, operatorSecrets) under a name the database TLS wiring
 * sets for it (DATABASE_TLS_NAMES: only where it uses the database and `database.tls` is
 * verify): the wired value would replace the app's, so it is refused, saying how to keep it.
 */
export function pushDatabaseTlsClashes(at: (k: string) => string, kind: "service" | "job", own: string[], env: Record<string, string>, uses: ServiceUses, target: WiringTarget, problems: ConfigProblem[]) {
    const wired = wiredNames({ ...uses, services: [] }, target);
    for (const k of new Set(own)) {
        if (!(DATABASE_TLS_NAMES as readonly string[]).includes(k) || !wired.includes(k)) continue;
        const what =
            k === "NODE_EXTRA_CA_CERTS"
                ? "NODE_EXTRA_CA_CERTS names the database server's CA file (Node reads one file: yours would drop it)"
                : `${k} is set to how it verifies the database server`;
        problems.push(
            problem(
                k in env ? at(`env.${k}`) : at("secrets"),
                k,
                `a name the topology does not set for this ${kind}: it uses the database, so ${what}; to set it yourself, set database.tls: require (the ${kind}s then get sslmode=require and none of ${DATABASE_TLS_NAMES.join(", ")}; README "Database TLS")`,
            ),
        );
    }
}

/** The variable a caller gets with the internal URL of a service it uses: `nlp-api` -> `NLP_API_URL`. */
export function serviceUrlVariable(service: string): string {
    return `${service.toUpperCase().replace(/-/g, "_")}_URL`;
}

/** Services of the stack by name, with their port (a callee needs one). */
type Callees = Record<string, { port?: number }>;

/** The services a service or job may call: every service of the stack, with its port. */
export function callees(raw: RawConfig): Callees {
    return Object.fromEntries(Object.entries(raw.services ?? {}).map(([n, o]) => [n, { port: o.port }]));
}

/**
 * A call's `<NAME>_URL` must not clash with a variable the caller already has (its own env and
 * secrets, or what its parts wire): the problem is reported on the `uses` entry.
 */
export function pushUrlClashes(at: (k: string) => string, kind: "service" | "job", rawUses: string[], uses: ServiceUses, own: string[], target: WiringTarget, problems: ConfigProblem[]) {
    const partNames = wiredNames({ ...uses, services: [] }, target);
    for (const callee of uses.services) {
        const variable = serviceUrlVariable(callee);
        if ([...own, ...partNames].includes(variable) || (WIRED_ENV_NAMES as readonly string[]).includes(variable)) {
            const i = rawUses.indexOf(`service:${callee}`);
            problems.push(problem(at(`uses[${i}]`), `service:${callee}`, `a service whose ${variable} is not a variable this ${kind} already has or the topology sets (rename the service, or the clashing variable)`));
        }
    }
}

/**
 * A service's or a job's `uses`. `callees` are the stack's services (a job calls them like a
 * service does: the same <NAME>_URL, network pair and invoker grant).
 */
export function resolveUses(service: string, uses: string[], parts: Parts, callees: Callees, failed: Set<TopLevelKey>, problems: ConfigProblem[], owner = `services.${service}`): ServiceUses {
    const out: ServiceUses = { cache: false, search: false, buckets: [], services: [] };
    const others = Object.keys(callees).filter((n) => n !== service);
    const available = [
        ...(parts.database ? ["database", ...parts.database.databases.map((d) => `database:${d}`)] : []),
        ...(parts.cache ? ["cache"] : []),
        ...(parts.search ? ["search"] : []),
        ...parts.buckets.map((b) => `bucket:${b.name}`),
    ];
    const accepted = `one of the parts this stack has: ${available.join(", ") || "(none configured)"}`;
    pushDuplicates(`${owner}.uses`, uses, problems);
    uses.forEach((u, i) => {
        const at = `${owner}.uses[${i}]`;
        const [kind, name] = u.split(":", 2);
        // A part whose own config failed to parse is reported there; don't report it twice.
        const partFailed = (k: TopLevelKey) => failed.has(k);
        if (kind === "database" && partFailed("database")) return;
        if (kind === "cache" && partFailed("cache")) return;
        if (kind === "search" && partFailed("search")) return;
        if (kind === "bucket" && partFailed("buckets")) return;
        if (kind === "service") {
            // Calls may go both ways (a -> b and b -> a is ordinary HTTP); a service calling itself
            // or a service the stack does not have is a mistake.
            const accepted = `service:<name> of another service of this stack: ${others.map((n) => `service:${n}`).join(", ") || "(no other service configured)"}`;
            if (name === service) {
                problems.push(problem(at, u, `${accepted} (a service does not use itself)`));
            } else if (name === undefined || !others.includes(name)) {
                problems.push(problem(at, u, accepted));
            } else if (callees[name].port === undefined) {
                problems.push(problem(`services.${name}.port`, undefined, `an integer from 1 to 65535 (required: ${owner} uses service:${name})`));
            } else if (!out.services.includes(name)) {
                out.services.push(name);
            }
            return;
        }
        if (!available.includes(u)) {
            problems.push(problem(at, u, accepted));
            return;
        }
        if (kind === "database") {
            if (out.database !== undefined) {
                problems.push(problem(at, u, "a single database entry per service (it gets one DB_NAME)"));
            }
            out.database = name ?? parts.database!.databases[0];
        } else if (kind === "cache") {
            out.cache = true;
        } else if (kind === "search") {
            out.search = true;
        } else if (kind === "bucket" && !out.buckets.includes(name!)) {
            out.buckets.push(name!);
        }
    });
    return out;
}

function resolveLoadBalancer(raw: RawConfig, routes: RouteSettings[], problems: ConfigProblem[]): LoadBalancerSettings | undefined {
    const lb = raw.loadBalancer;
    if (lb === undefined || routes.length === 0) {
        if (lb !== undefined && (lb.routes ?? []).length === 0) {
            problems.push(problem("loadBalancer.routes", lb.routes, "at least one route {path, service} (or leave loadBalancer out for a workers-only stack)"));
        }
        return undefined;
    }
    if (lb.dnsZone !== undefined && lb.domain === undefined) {
        problems.push(problem("loadBalancer.domain", undefined, "a domain name (required with loadBalancer.dnsZone)"));
    }
    const out: LoadBalancerSettings = {
        maxBodyMb: lb.maxBodyMb ?? 10,
        routes,
        idleTimeoutSeconds: lb.idleTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
        hstsIncludeSubdomains: lb.hstsIncludeSubdomains ?? false,
        ...resolveHeaders(lb.headers ?? {}, lb.hstsIncludeSubdomains ?? false, problems),
    };
    resolveRouteHeaders(lb.routes ?? [], routes, out.headers, problems);
    if (lb.domain !== undefined) {
        out.domain = lb.domain;
    }
    if (lb.dnsZone !== undefined) {
        out.dnsZone = lb.dnsZone;
    }
    return out;
}

/**
 * The response headers: the secure defaults (components/edge.ts), overridden or dropped (false)
 * by `loadBalancer.headers`, names matched case-insensitively. Headers the proxy itself owns
 * are refused: a target would send two, or break the response.
 */
function resolveHeaders(config: Record<string, string | false>, includeSubdomains: boolean, problems: ConfigProblem[]): Pick<LoadBalancerSettings, "headers" | "headersConfigured"> {
    const headers: Record<string, string> = { ...DEFAULT_HEADERS, "Strict-Transport-Security": hstsValue(includeSubdomains) };
    const configured: string[] = [];
    for (const [name, value] of Object.entries(config)) {
        if (PROXY_HEADERS.includes(name.toLowerCase())) {
            problems.push(problem(`loadBalancer.headers.${name}`, value, `a header the load balancer does not own itself (not ${PROXY_HEADERS.join(", ")})`));
            continue;
        }
        const existing = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
        if (existing) {
            delete headers[existing];
        }
        if (value !== false) {
            headers[existing ?? name] = value;
            configured.push(existing ?? name);
        }
    }
    return { headers, headersConfigured: configured };
}

/**
 * `loadBalancer.routes[i].headers`: the load balancer's headers with the route's overrides (a
 * value replaces or adds, false drops), names matched case-insensitively; proxy-owned names
 * refused as for the load balancer.
 */
function resolveRouteHeaders(raw: { headers?: Record<string, string | false> }[], routes: RouteSettings[], lbHeaders: Record<string, string>, problems: ConfigProblem[]) {
    raw.forEach((r, i) => {
        const route = routes[i];
        if (r.headers === undefined || route === undefined) return;
        const headers = { ...lbHeaders };
        const overrides: Record<string, string | false> = {};
        for (const [name, value] of Object.entries(r.headers)) {
            if (PROXY_HEADERS.includes(name.toLowerCase())) {
                problems.push(problem(`loadBalancer.routes[${i}].headers.${name}`, value, `a header the load balancer does not own itself (not ${PROXY_HEADERS.join(", ")})`));
                continue;
            }
            const existing = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
            if (existing) delete headers[existing];
            if (value !== false) headers[existing ?? name] = value;
            overrides[existing ?? name] = value;
        }
        route.headers = headers;
        route.headerOverrides = overrides;
    });
}

export function pushDuplicates(path: string, values: string[], problems: ConfigProblem[]) {
    const seen = new Set<string>();
    for (const v of values) {
        if (seen.has(v)) {
            problems.push(problem(path, v, `a list without duplicates ('${v}' appears more than once)`));
        }
        seen.add(v);
    }
}
