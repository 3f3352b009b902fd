import { DATABASE_TLS_VALUES } from "../components/database-tls";
import { z } from "zod";
import { INDEX_PATTERN_RULE } from "../components/search-users";
import { IMAGE_REFERENCE_RULE, isImageReference } from "./image-reference";
import {
    CLOUDS,
    ENVIRONMENTS,
    MAXMEMORY_POLICIES,
    OPENSEARCH_VERSIONS,
    POSTGRES_EXTENSIONS,
    POSTGRES_VERSIONS,
    REDIS_VERSIONS,
    SIZE_CLASSES,
} from "./settings";

/**
 * The shape of each top-level `anycloud:<key>` as a user writes it in `Pulumi.<stack>.yaml`.
 * Every field is optional here (presets fill the gaps); each rule's message is the "accepted"
 * half of the error a user sees, so it says in words what the key takes.
 */

const e = (accepted: string) => ({ error: accepted });

const int = (min: number, max: number, what = "an integer") =>
    z
        .number(e(`${what} from ${min} to ${max}`))
        .int(e(`${what} from ${min} to ${max}`))
        .min(min, e(`${what} from ${min} to ${max}`))
        .max(max, e(`${what} from ${min} to ${max}`));

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, e(`one of ${values.join(", ")}`));

const numberIn = <T extends readonly number[]>(values: T) =>
    z
        .number(e(`one of ${values.join(", ")}`))
        .refine((v) => values.includes(v), e(`one of ${values.join(", ")}`));

const bool = z.boolean(e("true or false"));
// A response header: a name of letters, digits and '-'; a value of visible ASCII without `"`, `\` or `$`
// (nginx would read `$` as a variable); false drops a default header.
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const HEADER_VALUE_TEXT = "a header value of printable ASCII without \", \\ or $ (at most 1024 characters), or false to drop a default header";
const HEADER_VALUE = /^[\x20-\x21\x23\x25-\x5b\x5d-\x7e]{1,1024}$/;
/** `loadBalancer.headers` and `loadBalancer.routes[].headers`: one shape. */
const headersSchema = (what: string) =>
    z.record(text(HEADER_NAME, "a response header name like Content-Security-Policy"), z.union([text(HEADER_VALUE, HEADER_VALUE_TEXT), z.literal(false, e(HEADER_VALUE_TEXT))], e(HEADER_VALUE_TEXT)), e(what));

export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$|^[a-z]$/;
export const BUCKET_NAME = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
export const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PATH = /^\/(\*|[A-Za-z0-9._~\-/]*[A-Za-z0-9._~\-](\/\*)?)?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A string matching `pattern`, every failure (not a string, or not matching) stated as `accepted`. */
const text = (pattern: RegExp, accepted: string) => z.string(e(accepted)).regex(pattern, e(accepted));

const SERVICE_NAME_RULE = "a lowercase name of 1-20 letters, digits and '-', starting with a letter and not ending with '-'";
const serviceName = text(SERVICE_NAME, SERVICE_NAME_RULE);
const bucketName = text(BUCKET_NAME, "a lowercase name of 3-24 letters, digits and '-', starting with a letter and not ending with '-'");
const envName = text(ENV_NAME, "an environment variable name like JWT_SECRET (A-Z, 0-9, _; not starting with a digit)");
const scalar = (accepted: string) => z.union([z.string(e(accepted)), z.number(e(accepted)), z.boolean(e(accepted))], e(accepted));

export const cidrSchema = z
    .string(e("an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16"))
    .refine((v) => {
        const m = CIDR.exec(v);
        if (!m) {
            return false;
        }
        const octets = m.slice(1, 5).map(Number);
        const prefix = Number(m[5]);
        return octets.every((o) => o <= 255) && prefix >= 16 && prefix <= 20;
    }, e("an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16"));

const rateLimitSchema = z.strictObject(
    {
        requests: int(1, 100000, "a whole number of requests"),
        per: z.enum(["second", "minute"], e("second or minute")),
        burst: int(0, 100000).optional(),
    },
    e("an object {requests, per: second|minute, burst?}"),
);

const routeSchema = z.strictObject(
    {
        path: z.string(e("a path like /, /api/* (prefix) or /api/auth/login (exact)")).regex(PATH, e("a path like /, /api/* (prefix) or /api/auth/login (exact)")).optional(),
        host: z
            .string(e("a subdomain label like 'api', or a full host name"))
            .refine((h) => HOST_LABEL.test(h) || DOMAIN.test(h), e("a subdomain label like 'api', or a full host name"))
            .optional(),
        service: serviceName,
        rateLimit: rateLimitSchema.optional(),
        maxBodyMb: int(1, 500, "a whole number of MB").optional(),
        timeoutSeconds: int(1, 4000, "a whole number of seconds").optional(),
        accessLogs: bool.optional(),
        websocket: bool.optional(),
        headers: headersSchema("a map of response header name to value (or false), overriding loadBalancer.headers on this route").optional(),
    },
    e("an object {path?, host?, service, rateLimit?, maxBodyMb?, timeoutSeconds?, accessLogs?, websocket?, headers?}"),
);

const serviceSchema = z.strictObject(
    {
        image: z.string(e(IMAGE_REFERENCE_RULE)).refine(isImageReference, e(IMAGE_REFERENCE_RULE)).optional(),
        build: z
            .strictObject(
                {
                    context: z.string(e("a directory path relative to the project")).min(1, e("a directory path relative to the project")),
                    dockerfile: z.string(e("a Dockerfile path relative to the context")).optional(),
                    args: z.record(text(/^[A-Za-z_][A-Za-z0-9_]*$/, "a build argument name (letters, digits, _)"), z.string(e("a string build argument")), e("a map of build argument names to strings")).optional(),
                },
                e("an object {context, dockerfile?, args?}"),
            )
            .optional(),
        port: int(1, 65535).optional(),
        healthPath: z.string(e("an HTTP path starting with /")).regex(/^\/\S*$/, e("an HTTP path starting with /")).optional(),
        command: z.array(z.string(e("a string")), e("a list of strings, e.g. [node, worker.js]")).min(1, e("a non-empty list of strings")).optional(),
        replicas: z
            .strictObject({ min: int(0, 100).optional(), max: int(1, 100).optional() }, e("an object {min, max}"))
            .optional(),
        cpu: numberIn([0.25, 0.5, 1, 2, 4, 8] as const).optional(),
        memoryMb: int(256, 32768, "a whole number of MiB").optional(),
        env: z
            .record(envName, scalar("a string, number or boolean"), e("a map of variable name to a string, number or boolean"))
            .optional(),
        secrets: z.array(envName, e("a list of environment variable names")).optional(),
        operatorSecrets: z.array(envName, e("a list of environment variable names whose values are set in anycloud:operatorSecrets")).optional(),
        notSecrets: z.array(envName, e("a list of names in env that look like secrets but hold public values")).optional(),
        envFrom: z
            .record(envName, envName, e("a map of your variable name to a variable the service is given, e.g. {DB_POSTGRESDB_HOST: DB_HOST}"))
            .optional(),
        uses: z
            .array(
                z.string(e("database, database:<name>, cache, search, bucket:<name> or service:<name>")),
                e("a list of parts: database, database:<name>, cache, search, bucket:<name>, service:<name>"),
            )
            .optional(),
        // Exactly one instance, always (e.g. n8n in regular mode): no autoscaling, no prod floor.
        singleton: bool.optional(),
        // The index patterns of its search role (components/search-users.ts checks each pattern).
        searchIndices: z.array(z.string(e(INDEX_PATTERN_RULE)), e(`a list of index patterns: ${INDEX_PATTERN_RULE}`)).optional(),
    },
    e("an object describing a container service"),
);

/** `jobs.<name>`: a service's image, command, size, env and `uses`, plus exactly one of `run` or `schedule`. */
const jobSchema = serviceSchema
    .pick({ image: true, build: true, command: true, cpu: true, memoryMb: true, env: true, secrets: true, notSecrets: true, envFrom: true, uses: true, searchIndices: true })
    .extend({
        service: serviceName.optional(),
        run: z.literal("beforeDeploy", e("beforeDeploy (runs before the services in gates roll out)")).optional(),
        gates: z.array(serviceName, e("a list of service names")).optional(),
        schedule: z.string(e("a five-field cron expression like '0 3 * * *'")).optional(),
        timeZone: z.string(e("an IANA time zone like UTC or Europe/Berlin")).optional(),
        retries: int(0, 5).optional(),
        timeoutMinutes: int(1, 1440, "a whole number of minutes").optional(),
    });

const bucketSchema = z.strictObject(
    {
        versioning: bool.optional(),
        noncurrentVersionExpirationDays: int(1, 3650).optional(),
        abortIncompleteUploadDays: int(1, 365).optional(),
        expirationDays: int(1, 36500).optional(),
    },
    e("an object {versioning?, noncurrentVersionExpirationDays?, abortIncompleteUploadDays?, expirationDays?}"),
);

const parameterValue = z.union([z.number(e("a number or a string")), z.string(e("a number or a string"))], e("a number or a string"));

/** One schema per top-level config key. */
export const topLevelSchemas = {
    cloud: oneOf(CLOUDS),
    environment: oneOf(ENVIRONMENTS),
    protect: bool,
    tags: z.record(
        text(/^[a-z][a-z0-9_-]{0,62}$/, "a tag key of 1-63 lowercase letters, digits, '_' and '-', starting with a letter (the rule GCP labels impose on every target)"),
        z.string(e("a string")).max(63, e("a string of at most 63 characters")),
        e("a map of tag names to strings"),
    ),
    network: z.strictObject(
        { cidr: cidrSchema.optional(), zones: int(1, 3).optional() },
        e("an object {cidr?, zones?}"),
    ),
    logs: z.strictObject({ retentionDays: int(1, 3650).optional() }, e("an object {retentionDays?}")),
    alerts: z.strictObject(
        {
            email: z.string(e("an email address")).regex(EMAIL, e("an email address")).optional(),
            cpuPercent: int(1, 100).optional(),
            memoryPercent: int(1, 100).optional(),
            diskPercent: int(1, 100).optional(),
            errorRatePercent: int(1, 100).optional(),
            latencyMs: int(1, 600000).optional(),
            dbConnectionsPercent: int(1, 100).optional(),
        },
        e("an object {email?, cpuPercent?, memoryPercent?, diskPercent?, errorRatePercent?, latencyMs?, dbConnectionsPercent?}"),
    ),
    database: z.strictObject(
        {
            engine: z.literal("postgres", e("postgres")).optional(),
            version: numberIn(POSTGRES_VERSIONS).optional(),
            size: oneOf(SIZE_CLASSES).optional(),
            storageGb: int(20, 16384, "a whole number of GB").optional(),
            maxStorageGb: int(20, 65536, "a whole number of GB").optional(),
            databases: z
                .array(
                    text(DATABASE_NAME, "a database name of 1-63 lowercase letters, digits and '_', not starting with a digit"),
                    e("a list of database names"),
                )
                .min(1, e("at least one database name"))
                .optional(),
            extensions: z.array(oneOf(POSTGRES_EXTENSIONS), e(`a list drawn from ${POSTGRES_EXTENSIONS.join(", ")}`)).optional(),
            parameters: z.record(text(/^[a-z_][a-z0-9_.]*$/, "a PostgreSQL parameter name like max_connections"), parameterValue, e("a map of PostgreSQL parameter names to values")).optional(),
            username: z
                .string(e("a lowercase user name of 3-32 letters, digits and '_'"))
                .regex(/^[a-z][a-z0-9_]{2,31}$/, e("a lowercase user name of 3-32 letters, digits and '_'"))
                .optional(),
            backupRetentionDays: int(7, 35, "a whole number of days").optional(),
            pointInTimeRecovery: bool.optional(),
            highAvailability: bool.optional(),
            readReplicas: int(0, 5).optional(),
            deletionProtection: bool.optional(),
            allowMajorVersionUpgrade: bool.optional(),
            allowUsernameChange: bool.optional(),
            tls: oneOf(DATABASE_TLS_VALUES).optional(),
        },
        e("an object describing the PostgreSQL database"),
    ),
    cache: z.strictObject(
        {
            engine: z.literal("redis", e("redis")).optional(),
            version: numberIn(REDIS_VERSIONS).optional(),
            size: oneOf(SIZE_CLASSES).optional(),
            highAvailability: bool.optional(),
            persistence: bool.optional(),
            maxmemoryPolicy: oneOf(MAXMEMORY_POLICIES).optional(),
            snapshotRetentionDays: int(0, 35, "a whole number of days").optional(),
            allowRecreate: bool.optional(),
        },
        e("an object describing the Redis cache"),
    ),
    search: z.strictObject(
        {
            engine: z.literal("opensearch", e("opensearch")).optional(),
            version: oneOf(OPENSEARCH_VERSIONS).optional(),
            nodes: numberIn([1, 3, 5, 7, 9] as const).optional(),
            size: oneOf(SIZE_CLASSES).optional(),
            storageGb: int(10, 16384, "a whole number of GB").optional(),
            snapshotRetentionDays: int(1, 365, "a whole number of days").optional(),
            allowRecreate: bool.optional(),
        },
        e("an object describing the search cluster"),
    ),
    buckets: z.union(
        [z.array(bucketName, e("a list of bucket names")), z.record(bucketName, bucketSchema, e("a map of bucket name to {versioning?, noncurrentVersionExpirationDays?, ...}"))],
        e("a list of bucket names, or a map of bucket name to {versioning?, noncurrentVersionExpirationDays?, ...}"),
    ),
    services: z.record(serviceName, serviceSchema, e("a map of service name to service")),
    jobs: z.record(serviceName, jobSchema, e("a map of job name to job")),
    // Values the operator sets once with `pulumi config set --secret --path anycloud:operatorSecrets.<NAME>`.
    operatorSecrets: z.record(
        envName,
        scalar("a string (set with pulumi config set --secret)"),
        e("a map of variable name to a secret value"),
    ),
    loadBalancer: z.strictObject(
        {
            domain: text(DOMAIN, "a lowercase domain name like app.example.com: at most 253 characters, labels of 1-63 letters, digits and '-'").optional(),
            dnsZone: z.string(e("the name of the cloud DNS zone holding the domain")).min(1, e("the name of the cloud DNS zone holding the domain")).optional(),
            maxBodyMb: int(1, 500, "a whole number of MB").optional(),
            idleTimeoutSeconds: int(1, 4000, "a whole number of seconds").optional(),
            hstsIncludeSubdomains: bool.optional(),
            headers: headersSchema("a map of response header name to value (or false)").optional(),
            routes: z.array(routeSchema, e("a list of routes")).optional(),
        },
        e("an object {domain?, dnsZone?, maxBodyMb?, idleTimeoutSeconds?, hstsIncludeSubdomains?, headers?, routes}"),
    ),
    overrides: z.record(
        text(/^[a-z0-9-]+:[A-Za-z0-9/._-]+:[A-Za-z0-9]+$/, "a resource type token <package>:<module>:<Type>, like aws:rds/instance:Instance"),
        z.record(text(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "an input property name like instanceClass"), z.unknown(), e("a map of input property names to values")),
        e("a map of resource type to input properties merged into every resource of that type"),
    ),
    aws: z.strictObject(
        { region: text(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region like us-east-1").optional() },
        e("an object {region?}"),
    ),
    gcp: z.strictObject(
        {
            project: text(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id (6-30 lowercase letters, digits, '-', starting with a letter)").optional(),
            region: text(/^[a-z]+-[a-z]+\d+$/, "a GCP region like us-central1").optional(),
            s3HmacServices: z.array(z.string(e("a service name")), e("a list of service names")).optional(),
        },
        e("an object {project, region?, s3HmacServices?}"),
    ),
    azure: z.strictObject(
        {
            location: text(/^[a-z]+[a-z0-9]*$/, "an Azure location like eastus or westeurope").optional(),
            subscriptionId: text(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a subscription id: a lowercase GUID like 00000000-0000-0000-0000-000000000000").optional(),
            postgresRestartRoleId: text(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "the name (a lowercase GUID) of the custom role that may restart the PostgreSQL servers: az role definition list --name 'anycloud postgres restart' --query [0].name").optional(),
        },
        e("an object {location?, subscriptionId?, postgresRestartRoleId?}"),
    ),
    local: z.strictObject(
        {
            httpPort: int(1, 65535).optional(),
            dockerHost: z.string(e("a Docker host like unix:///var/run/docker.sock")).optional(),
            tls: z
                .strictObject(
                    {
                        certFile: z.string(e("a PEM certificate path")),
                        keyFile: z.string(e("a PEM key path")),
                        httpsPort: int(1, 65535).optional(),
                    },
                    e("an object {certFile, keyFile, httpsPort?}"),
                )
                .optional(),
        },
        e("an object {httpPort?, dockerHost?, tls?}"),
    ),
};

export type TopLevelKey = keyof typeof topLevelSchemas;
export const TOP_LEVEL_KEYS = Object.keys(topLevelSchemas) as TopLevelKey[];
export type RawConfig = { [K in TopLevelKey]?: z.infer<(typeof topLevelSchemas)[K]> };
