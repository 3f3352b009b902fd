import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitCodeFor } from "../scripts/plan";
import { ConfigError } from "../stacks/errors";
import { readStackConfig } from "../stacks/stack-files";
import { planError, planProcess, ROOT } from "./harness";

/**
 * The mistakes a new user makes, each as the config change that makes it (on the worked example,
 * Pulumi.dev.yaml, unless another stack is named). For each: the program stops before any
 * resource is registered (harness `planError`), `npm run plan` exits 2, and one problem names the
 * exact key, the value as written, and what is accepted.
 */
interface Mistake {
    what: string;
    set: Record<string, unknown>;
    stack?: string;
    key: string;
    value: unknown;
    accepted: RegExp;
}

const AWS = { cloud: "aws" };
const GCP = { cloud: "gcp" };
const AZURE = { cloud: "azure" };
const LONG_DOMAIN = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`;

const MISTAKES: Mistake[] = [
    // The stack as a whole
    { what: "an unknown cloud", set: { cloud: "digitalocean" }, key: "anycloud:cloud", value: "digitalocean", accepted: /aws, gcp, azure, local/ },
    { what: "a cloud in capitals", set: { cloud: "AWS" }, key: "anycloud:cloud", value: "AWS", accepted: /aws, gcp, azure, local/ },
    { what: "an environment named production", set: { environment: "production" }, key: "anycloud:environment", value: "production", accepted: /dev, prod/ },
    { what: "a staging environment (a stack that picks a preset)", set: { environment: "staging" }, key: "anycloud:environment", value: "staging", accepted: /dev, prod/ },
    { what: "protect as a word", set: { protect: "yes" }, key: "anycloud:protect", value: "yes", accepted: /true or false/ },
    { what: "a misspelt top-level key", set: { databse: { version: 16 } }, key: "anycloud:databse", value: { version: 16 }, accepted: /did you mean 'database'/ },
    { what: "service instead of services", set: { service: { web: {} } }, key: "anycloud:service", value: { web: {} }, accepted: /did you mean 'services'/ },
    // Services
    { what: "a port as a string", set: { "services.app.port": "3000" }, key: "anycloud:services.app.port", value: "3000", accepted: /integer from 1 to 65535/ },
    { what: "port 0", set: { "services.app.port": 0 }, key: "anycloud:services.app.port", value: 0, accepted: /integer from 1 to 65535/ },
    { what: "a port above 65535", set: { "services.app.port": 70000 }, key: "anycloud:services.app.port", value: 70000, accepted: /integer from 1 to 65535/ },
    { what: "a fractional port", set: { "services.app.port": 80.5 }, key: "anycloud:services.app.port", value: 80.5, accepted: /integer from 1 to 65535/ },
    { what: "replica instead of replicas", set: { "services.app.replica": 2 }, key: "anycloud:services.app.replica", value: 2, accepted: /did you mean 'replicas'/ },
    { what: "healthpath in lower case", set: { "services.app.healthpath": "/up" }, key: "anycloud:services.app.healthpath", value: "/up", accepted: /did you mean 'healthPath'/ },
    { what: "an image reference with a space and capitals", set: { "services.app.image": "Nginx Latest" }, key: "anycloud:services.app.image", value: "Nginx Latest", accepted: /lowercase repository path/ },
    { what: "an image with an empty tag", set: { "services.app.image": "nginx:" }, key: "anycloud:services.app.image", value: "nginx:", accepted: /:tag of up to 128/ },
    { what: "an image with a capital in its repository", set: { "services.app.image": "ghcr.io/Org/app:1.0" }, key: "anycloud:services.app.image", value: "ghcr.io/Org/app:1.0", accepted: /lowercase repository path/ },
    { what: "an empty image", set: { "services.app.image": "" }, key: "anycloud:services.app.image", value: "", accepted: /image reference/ },
    { what: "an image with a URL scheme", set: { "services.app.image": "https://ghcr.io/org/app:1" }, key: "anycloud:services.app.image", value: "https://ghcr.io/org/app:1", accepted: /image reference/ },
    { what: "a cpu no target offers", set: { "services.app.cpu": 3 }, key: "anycloud:services.app.cpu", value: 3, accepted: /0\.25, 0\.5, 1, 2, 4, 8/ },
    { what: "cpu as a string", set: { "services.app.cpu": "1" }, key: "anycloud:services.app.cpu", value: "1", accepted: /0\.25, 0\.5, 1, 2, 4, 8/ },
    { what: "memory below 256 MiB", set: { "services.app.memoryMb": 100 }, key: "anycloud:services.app.memoryMb", value: 100, accepted: /MiB from 256 to 32768/ },
    { what: "memory in GB with a fraction", set: { "services.app.memoryMb": 1.5 }, key: "anycloud:services.app.memoryMb", value: 1.5, accepted: /MiB from 256 to 32768/ },
    { what: "replicas min above max", set: { "services.app.replicas": { min: 5, max: 2 } }, key: "anycloud:services.app.replicas", value: { min: 5, max: 2 }, accepted: /min \(5\) no greater than max \(2\)/ },
    { what: "negative replicas", set: { "services.app.replicas.min": -1 }, key: "anycloud:services.app.replicas.min", value: -1, accepted: /integer from 0 to 100/ },
    { what: "a worker that scales to zero", set: { "services.worker.replicas": { min: 0, max: 2 } }, key: "anycloud:services.worker.replicas.min", value: 0, accepted: /at least 1 for an internal worker/ },
    { what: "a health path without a slash", set: { "services.app.healthPath": "health" }, key: "anycloud:services.app.healthPath", value: "health", accepted: /HTTP path starting with \// },
    { what: "a command as one string", set: { "services.worker.command": "node dist/worker.js" }, key: "anycloud:services.worker.command", value: "node dist/worker.js", accepted: /list of strings/ },
    { what: "an empty command", set: { "services.worker.command": [] }, key: "anycloud:services.worker.command", value: [], accepted: /non-empty list of strings/ },
    { what: "env as a docker-compose list", set: { "services.app.env": ["NODE_ENV=production"] }, key: "anycloud:services.app.env", value: ["NODE_ENV=production"], accepted: /map of variable name/ },
    { what: "a lowercase env name", set: { "services.app.env.node_env": "production" }, key: "anycloud:services.app.env.node_env", value: "node_env", accepted: /environment variable name like JWT_SECRET/ },
    { what: "an env value that is a map", set: { "services.app.env.NODE_OPTIONS": { max: 1 } }, key: "anycloud:services.app.env.NODE_OPTIONS", value: { max: 1 }, accepted: /string, number or boolean/ },
    { what: "setting a variable the topology wires", set: { "services.app.env.DATABASE_URL": "postgres://localhost/app" }, key: "anycloud:services.app.env.DATABASE_URL", value: "DATABASE_URL", accepted: /does not wire itself/ },
    { what: "a secret also set in plain env", set: { "services.app.env.JWT_SECRET": "changeme" }, key: "anycloud:services.app.env.JWT_SECRET", value: "changeme", accepted: /not also listed in services\.app\.secrets/ },
    { what: "secrets as one string", set: { "services.app.secrets": "JWT_SECRET" }, key: "anycloud:services.app.secrets", value: "JWT_SECRET", accepted: /list of environment variable names/ },
    { what: "a secret name with a hyphen", set: { "services.app.secrets": ["jwt-secret"] }, key: "anycloud:services.app.secrets[0]", value: "jwt-secret", accepted: /environment variable name/ },
    { what: "uses postgres instead of database", set: { "services.app.uses": ["postgres"] }, key: "anycloud:services.app.uses[0]", value: "postgres", accepted: /database, database:biblioteca_digital, cache, search, bucket:documents/ },
    { what: "uses a bucket that does not exist", set: { "services.app.uses": ["bucket:uploads"] }, key: "anycloud:services.app.uses[0]", value: "bucket:uploads", accepted: /bucket:documents/ },
    { what: "uses as one string", set: { "services.app.uses": "database" }, key: "anycloud:services.app.uses", value: "database", accepted: /list of parts/ },
    { what: "uses a logical database that does not exist", set: { "services.app.uses": ["database:analytics"] }, key: "anycloud:services.app.uses[0]", value: "database:analytics", accepted: /database:biblioteca_digital/ },
    { what: "uses the cache twice", set: { "services.processor.uses": ["cache", "cache"] }, key: "anycloud:services.processor.uses", value: "cache", accepted: /without duplicates/ },
    { what: "both an image and a build", set: { "services.processor.build": { context: "./processor" } }, key: "anycloud:services.processor", value: { image: "ghcr.io/anycloud-examples/biblioteca-processor:1.4.2", build: { context: "./processor" } }, accepted: /exactly one of image .* or build/ },
    { what: "neither an image nor a build", set: { "services.processor": { cpu: 1, memoryMb: 2048 } }, key: "anycloud:services.processor", value: { image: undefined, build: undefined }, accepted: /exactly one of image .* or build/ },
    { what: "a build without a context", set: { "services.processor.image": undefined, "services.processor.build": { dockerfile: "Dockerfile" } }, key: "anycloud:services.processor.build.context", value: undefined, accepted: /directory path relative to the project/ },
    { what: "a service name in capitals", set: { "services.Web": { image: "nginx:1.27" } }, key: "anycloud:services.Web", value: "Web", accepted: /lowercase name of 1-20 letters/ },
    { what: "a service name with an underscore", set: { "services.my_service": { image: "nginx:1.27" } }, key: "anycloud:services.my_service", value: "my_service", accepted: /letters, digits and '-'/ },
    { what: "a service name over 20 characters", set: { "services.notification-dispatcher": { image: "nginx:1.27" } }, key: "anycloud:services.notification-dispatcher", value: "notification-dispatcher", accepted: /1-20 letters/ },
    { what: "a service named database", set: { "services.database": { image: "postgres:16" } }, key: "anycloud:services.database", value: "database", accepted: /foundation, network, database, cache, search, storage, lb/ },
    { what: "a service named lb", set: { "services.lb": { image: "nginx:1.27" } }, key: "anycloud:services.lb", value: "lb", accepted: /the program gives its own parts/ },
    { what: "a service named storage", set: { "services.storage": { image: "minio/minio" } }, key: "anycloud:services.storage", value: "storage", accepted: /the program gives its own parts/ },
    { what: "services as a list", set: { services: ["app", "worker"] }, key: "anycloud:services", value: ["app", "worker"], accepted: /map of service name to service/ },
    { what: "no services", set: { services: {}, "loadBalancer.routes": [] }, key: "anycloud:services", value: {}, accepted: /at least one service/ },
    { what: "envFrom from a variable the service is not given", set: { "services.app.envFrom": { DB_POSTGRESDB_HOST: "POSTGRES_HOST" } }, key: "anycloud:services.app.envFrom.DB_POSTGRESDB_HOST", value: "POSTGRES_HOST", accepted: /a variable this service is given: .*DB_HOST/ },
    { what: "an operator secret that is also plain env", set: { "services.app.operatorSecrets": ["NODE_ENV"], "operatorSecrets.NODE_ENV": "production" }, key: "anycloud:services.app.operatorSecrets", value: "NODE_ENV", accepted: /a name not also in services\.app\.env/ },
    { what: "an operator secret no service lists", set: { "operatorSecrets.SMTP_PASSWORD": "hunter2" }, key: "anycloud:operatorSecrets.SMTP_PASSWORD", value: "[secret]", accepted: /a name some services\.<name>\.operatorSecrets lists/ },
    { what: "notSecrets naming no env variable", set: { "services.app.notSecrets": ["STRIPE_PUBLISHABLE_KEY"] }, key: "anycloud:services.app.notSecrets", value: "STRIPE_PUBLISHABLE_KEY", accepted: /set in services\.app\.env/ },
    // Database
    { what: "PostgreSQL 13", set: { "database.version": 13 }, key: "anycloud:database.version", value: 13, accepted: /14, 15, 16, 17/ },
    { what: "the version as a string", set: { "database.version": "16" }, key: "anycloud:database.version", value: "16", accepted: /14, 15, 16, 17/ },
    { what: "a size class no cloud maps", set: { "database.size": "xlarge" }, key: "anycloud:database.size", value: "xlarge", accepted: /small, medium, large/ },
    { what: "5 GB of storage", set: { "database.storageGb": 5 }, key: "anycloud:database.storageGb", value: 5, accepted: /GB from 20 to 16384/ },
    { what: "an autogrow ceiling below the storage", set: { "database.storageGb": 100, "database.maxStorageGb": 50 }, key: "anycloud:database.maxStorageGb", value: 50, accepted: /at least storageGb \(100\)/ },
    { what: "the logical database postgres", set: { "database.databases": ["postgres"] }, key: "anycloud:database.databases[0]", value: "postgres", accepted: /postgres, template0, template1, rdsadmin, cloudsqladmin, azure_maintenance, azure_sys/ },
    { what: "the logical database template1", set: { "database.databases": ["template1"] }, key: "anycloud:database.databases[0]", value: "template1", accepted: /reserves/ },
    { what: "a database name with a hyphen", set: { "database.databases": ["biblioteca-digital"] }, key: "anycloud:database.databases[0]", value: "biblioteca-digital", accepted: /lowercase letters, digits and '_'/ },
    { what: "an empty list of databases", set: { "database.databases": [] }, key: "anycloud:database.databases", value: [], accepted: /at least one database name/ },
    { what: "an extension not every target has", set: { "database.extensions": ["postgis"] }, key: "anycloud:database.extensions[0]", value: "postgis", accepted: /uuid-ossp/ },
    { what: "a parameter no target can set", set: { "database.parameters": { data_directory: "/tmp/pg" } }, key: "anycloud:database.parameters.data_directory", value: "/tmp/pg", accepted: /max_connections/ },
    { what: "max_connections of 10", set: { "database.parameters": { max_connections: 10 } }, key: "anycloud:database.parameters.max_connections", value: 10, accepted: /integer from 25 to 5000/ },
    { what: "log_statement everything", set: { "database.parameters": { log_statement: "everything" } }, key: "anycloud:database.parameters.log_statement", value: "everything", accepted: /none, ddl, mod, all/ },
    { what: "the user postgres", set: { "database.username": "postgres" }, key: "anycloud:database.username", value: "postgres", accepted: /a target reserves/ },
    { what: "a user starting with pg_", set: { "database.username": "pg_app" }, key: "anycloud:database.username", value: "pg_app", accepted: /starting with pg_/ },
    { what: "a two-letter user", set: { "database.username": "ab" }, key: "anycloud:database.username", value: "ab", accepted: /3-32 letters/ },
    { what: "3 days of backups", set: { "database.backupRetentionDays": 3 }, key: "anycloud:database.backupRetentionDays", value: 3, accepted: /days from 7 to 35/ },
    { what: "9 read replicas", set: { "database.readReplicas": 9 }, key: "anycloud:database.readReplicas", value: 9, accepted: /integer from 0 to 5/ },
    { what: "a MySQL engine", set: { "database.engine": "mysql" }, key: "anycloud:database.engine", value: "mysql", accepted: /postgres/ },
    { what: "storageGB for storageGb", set: { "database.storageGB": 40 }, key: "anycloud:database.storageGB", value: 40, accepted: /did you mean 'storageGb'/ },
    // Cache and search
    { what: "Redis 5", set: { "cache.version": 5 }, key: "anycloud:cache.version", value: 5, accepted: /6, 7, 8/ },
    { what: "an eviction policy by its short name", set: { "cache.maxmemoryPolicy": "lru" }, key: "anycloud:cache.maxmemoryPolicy", value: "lru", accepted: /allkeys-lru/ },
    { what: "a memcached cache", set: { "cache.engine": "memcached" }, key: "anycloud:cache.engine", value: "memcached", accepted: /redis/ },
    { what: "two search nodes (no quorum)", set: { "search.nodes": 2 }, key: "anycloud:search.nodes", value: 2, accepted: /1, 3, 5, 7, 9/ },
    { what: "an OpenSearch version without an image", set: { "search.version": "1.3" }, key: "anycloud:search.version", value: "1.3", accepted: /2\.19, 2\.17, 3\.1/ },
    { what: "an Elasticsearch engine", set: { "search.engine": "elasticsearch" }, key: "anycloud:search.engine", value: "elasticsearch", accepted: /opensearch/ },
    { what: "5 GB of search storage", set: { "search.storageGb": 5 }, key: "anycloud:search.storageGb", value: 5, accepted: /GB from 10 to 16384/ },
    // Buckets
    { what: "a bucket name in capitals", set: { buckets: ["Documents"] }, key: "anycloud:buckets[0]", value: "Documents", accepted: /lowercase name of 3-24/ },
    { what: "a two-letter bucket", set: { buckets: ["ab"], "services.app.uses": ["database"], "services.worker.uses": ["database"], "services.worker.searchIndices": undefined, "services.processor.uses": ["cache"] }, key: "anycloud:buckets[0]", value: "ab", accepted: /3-24 letters/ },
    { what: "a bucket named storage", set: { buckets: ["documents", "storage"] }, key: "anycloud:buckets[1]", value: "storage", accepted: /the program gives its own parts/ },
    { what: "a bucket listed twice", set: { buckets: ["documents", "documents"] }, key: "anycloud:buckets", value: "documents", accepted: /without duplicates/ },
    { what: "a zero-day expiry", set: { buckets: { documents: { expirationDays: 0 } } }, key: "anycloud:buckets.documents.expirationDays", value: 0, accepted: /integer from 1 to 36500/ },
    { what: "buckets as one string", set: { buckets: "documents" }, key: "anycloud:buckets", value: "documents", accepted: /list of bucket names, or a map/ },
    { what: "a bucket option misspelt", set: { buckets: { documents: { versioned: true } } }, key: "anycloud:buckets.documents.versioned", value: true, accepted: /did you mean 'versioning'/ },
    // Load balancer
    { what: "a route path without a slash", set: { "loadBalancer.routes": [{ path: "api", service: "app" }] }, key: "anycloud:loadBalancer.routes[0].path", value: "api", accepted: /a path like \// },
    { what: "a route to a service that does not exist", set: { "loadBalancer.routes": [{ path: "/", service: "frontend" }] }, key: "anycloud:loadBalancer.routes[0].service", value: "frontend", accepted: /the name of a service: app, worker, processor/ },
    { what: "a wildcard in the middle of a path", set: { "loadBalancer.routes": [{ path: "/api/*/users", service: "app" }] }, key: "anycloud:loadBalancer.routes[0].path", value: "/api/*/users", accepted: /\/api\/\* \(prefix\)/ },
    { what: "the same route twice (/ and /*)", set: { "loadBalancer.routes": [{ path: "/", service: "app" }, { path: "/*", service: "app" }] }, key: "anycloud:loadBalancer.routes[1]", value: { path: "/*", service: "app" }, accepted: /not already routed by loadBalancer\.routes\[0\]/ },
    { what: "a rate limit per hour", set: { "loadBalancer.routes": [{ path: "/", service: "app", rateLimit: { requests: 100, per: "hour" } }] }, key: "anycloud:loadBalancer.routes[0].rateLimit.per", value: "hour", accepted: /second or minute/ },
    { what: "a rate limit of 0 requests", set: { "loadBalancer.routes": [{ path: "/", service: "app", rateLimit: { requests: 0, per: "second" } }] }, key: "anycloud:loadBalancer.routes[0].rateLimit.requests", value: 0, accepted: /whole number of requests from 1 to 100000/ },
    { what: "a 2 GB body limit", set: { "loadBalancer.maxBodyMb": 2048 }, key: "anycloud:loadBalancer.maxBodyMb", value: 2048, accepted: /MB from 1 to 500/ },
    { what: "an idle timeout of 0", set: { "loadBalancer.idleTimeoutSeconds": 0 }, key: "anycloud:loadBalancer.idleTimeoutSeconds", value: 0, accepted: /seconds from 1 to 4000/ },
    { what: "a domain in capitals", set: { "loadBalancer.domain": "Example.COM" }, key: "anycloud:loadBalancer.domain", value: "Example.COM", accepted: /lowercase domain name/ },
    { what: "a domain as a URL", set: { "loadBalancer.domain": "https://app.example.com" }, key: "anycloud:loadBalancer.domain", value: "https://app.example.com", accepted: /lowercase domain name/ },
    { what: "a domain over 253 characters", set: { "loadBalancer.domain": LONG_DOMAIN }, key: "anycloud:loadBalancer.domain", value: LONG_DOMAIN, accepted: /at most 253 characters/ },
    { what: "no routes", set: { "loadBalancer.routes": [] }, key: "anycloud:loadBalancer.routes", value: [], accepted: /at least one route/ },
    { what: "a DNS zone without a domain", set: { "loadBalancer.dnsZone": "example-com" }, key: "anycloud:loadBalancer.domain", value: undefined, accepted: /required with loadBalancer\.dnsZone/ },
    { what: "a host label without a domain", set: { "loadBalancer.routes": [{ host: "api", path: "/", service: "app" }] }, key: "anycloud:loadBalancer.routes[0].host", value: "api", accepted: /together with loadBalancer\.domain/ },
    // Network, logs, alerts, tags
    { what: "a /8 network", set: { "network.cidr": "10.0.0.0/8" }, key: "anycloud:network.cidr", value: "10.0.0.0/8", accepted: /\/16 to \/20/ },
    { what: "an octet above 255", set: { "network.cidr": "10.300.0.0/16" }, key: "anycloud:network.cidr", value: "10.300.0.0/16", accepted: /IPv4 CIDR block/ },
    { what: "four zones", set: { "network.zones": 4 }, key: "anycloud:network.zones", value: 4, accepted: /integer from 1 to 3/ },
    { what: "zero days of logs", set: { "logs.retentionDays": 0 }, key: "anycloud:logs.retentionDays", value: 0, accepted: /integer from 1 to 3650/ },
    { what: "an alert address without a domain", set: { "alerts.email": "ops" }, key: "anycloud:alerts.email", value: "ops", accepted: /an email address/ },
    { what: "a CPU threshold of 150 %", set: { "alerts.cpuPercent": 150 }, key: "anycloud:alerts.cpuPercent", value: 150, accepted: /integer from 1 to 100/ },
    { what: "a tag key with a space", set: { tags: { "Cost Centre": "42" } }, key: "anycloud:tags.Cost Centre", value: "Cost Centre", accepted: /tag key of 1-63 lowercase letters/ },
    { what: "a tag value over 63 characters", set: { "tags.team": "x".repeat(70) }, key: "anycloud:tags.team", value: "x".repeat(70), accepted: /at most 63 characters/ },
    { what: "tags as a list", set: { tags: ["team=web"] }, key: "anycloud:tags", value: ["team=web"], accepted: /map of tag names to strings/ },
    // Overrides
    { what: "an override type that is not a token", set: { overrides: { rds: { instanceClass: "db.r7g.large" } } }, key: "anycloud:overrides.rds", value: "rds", accepted: /<package>:<module>:<Type>/ },
    { what: "an AWS override on the local target", set: { overrides: { "aws:rds/instance:Instance": { instanceClass: "db.r7g.large" } } }, key: "anycloud:overrides.aws:rds/instance:Instance", value: "aws:rds/instance:Instance", accepted: /docker, random/ },
    { what: "a misspelt override property", set: { ...AWS, overrides: { "aws:rds/instance:Instance": { instanceClas: "db.r7g.large" } } }, key: "anycloud:overrides.aws:rds/instance:Instance.instanceClas", value: "db.r7g.large", accepted: /did you mean 'instanceClass'/ },
    { what: "an override for a type the target never creates", set: { ...AWS, overrides: { "aws:ec2/instance:Instance": { instanceType: "t3.micro" } } }, key: "anycloud:overrides.aws:ec2/instance:Instance", value: "aws:ec2/instance:Instance", accepted: /a resource type the aws target creates/ },
    { what: "override properties as a list", set: { ...AWS, overrides: { "aws:rds/instance:Instance": ["multiAz"] } }, key: "anycloud:overrides.aws:rds/instance:Instance", value: ["multiAz"], accepted: /map of input property names to values/ },
    // Local target
    { what: "HTTP port 0 locally", set: { "local.httpPort": 0 }, key: "anycloud:local.httpPort", value: 0, accepted: /integer from 1 to 65535/ },
    { what: "TLS files that do not exist", set: { "local.tls": { certFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem" } }, key: "anycloud:local.tls.certFile", value: "/nonexistent/cert.pem", accepted: /existing PEM file/ },
    { what: "database failover on one Docker engine", set: { "database.highAvailability": true }, key: "anycloud:database.highAvailability", value: true, accepted: /one Docker engine has no failover/ },
    { what: "three search nodes locally", set: { "search.nodes": 3 }, key: "anycloud:search.nodes", value: 3, accepted: /single-node OpenSearch container/ },
    // Provider config the Pulumi way
    { what: "an AWS region that does not exist", set: { ...AWS, "aws:region": "eu-west-9" }, key: "aws:region", value: "eu-west-9", accepted: /an AWS region: us-east-1/ },
    { what: "aws:region and anycloud:aws.region disagreeing", set: { ...AWS, "aws:region": "eu-west-1", "aws.region": "us-east-2" }, key: "aws:region", value: "eu-west-1", accepted: /the same value as anycloud:aws\.region/ },
    { what: "aws:profile (not read by the program's provider)", set: { ...AWS, "aws:profile": "production" }, key: "aws:profile", value: "production", accepted: /AWS_PROFILE/ },
    { what: "an access key in stack config", set: { ...AWS, "aws:accessKey": "AKIAEXAMPLE" }, key: "aws:accessKey", value: "[secret]", accepted: /AWS_ACCESS_KEY_ID/ },
    { what: "a misspelt aws:region", set: { ...AWS, "aws:regoin": "eu-west-1" }, key: "aws:regoin", value: "eu-west-1", accepted: /did you mean 'aws:region'/ },
    { what: "a GCP region that does not exist", set: { ...GCP, "gcp:region": "mars-north1" }, key: "gcp:region", value: "mars-north1", accepted: /a GCP region: africa-south1/ },
    { what: "a GCP project id with spaces", set: { ...GCP, "gcp:project": "My Project" }, key: "gcp:project", value: "My Project", accepted: /GCP project id/ },
    { what: "a GCP stack without a project", set: { ...GCP, "gcp:project": undefined }, key: "gcp:project", value: undefined, accepted: /pulumi config set gcp:project/ },
    { what: "gcp:zone (the program picks zones)", set: { ...GCP, "gcp:zone": "europe-west1-b" }, key: "gcp:zone", value: "europe-west1-b", accepted: /anycloud:network\.zones/ },
    { what: "an Azure location that does not exist", set: { ...AZURE, "azure-native:location": "marsnorth" }, key: "azure-native:location", value: "marsnorth", accepted: /an Azure location: eastus/ },
    { what: "an Azure location with a space", set: { ...AZURE, "azure-native:location": "West Europe" }, key: "azure-native:location", value: "West Europe", accepted: /like eastus or westeurope/ },
    { what: "a subscription id that is not a GUID", set: { ...AZURE, "azure-native:subscriptionId": "my-subscription" }, key: "azure-native:subscriptionId", value: "my-subscription", accepted: /GUID/ },
    { what: "a client secret in stack config", set: { ...AZURE, "azure-native:clientSecret": "s3cr3t" }, key: "azure-native:clientSecret", value: "[secret]", accepted: /ARM_CLIENT_SECRET/ },
    // What one cloud cannot provide, with the generic checks
    { what: "a Fargate CPU/memory pair AWS does not offer", set: { ...AWS, "services.worker.memoryMb": 1536 }, key: "anycloud:services.worker.memoryMb", value: 1536, accepted: /for 1 vCPU on Fargate: 2048-8192 MiB/ },
    { what: "a CloudWatch retention AWS does not offer", set: { ...AWS, "logs.retentionDays": 8 }, key: "anycloud:logs.retentionDays", value: 8, accepted: /CloudWatch Logs' retention periods/ },
    { what: "Redis 8 on AWS", set: { ...AWS, "cache.version": 8 }, key: "anycloud:cache.version", value: 8, accepted: /no Redis 8/ },
    { what: "one zone on AWS", set: { ...AWS, "network.zones": 1 }, key: "anycloud:network.zones", value: 1, accepted: /2 or 3 on AWS/ },
    { what: "a search index pattern inside another workload's indices", set: { "services.worker.searchIndices": ["app-products"] }, key: "anycloud:services.worker.searchIndices[0]", value: "app-products", accepted: /overlaps app\* \(app's default\)/ },
    { what: "a search index pattern on a dot index", set: { "services.worker.searchIndices": [".opendistro_security"] }, key: "anycloud:services.worker.searchIndices[0]", value: ".opendistro_security", accepted: /starting with a letter or digit/ },
    { what: "the RDS admin user", set: { ...AWS, "database.username": "rdsadmin" }, key: "anycloud:database.username", value: "rdsadmin", accepted: /reserves/ },
    { what: "a fractional-vCPU worker on Cloud Run", set: { ...GCP, "services.worker.cpu": 0.5, "services.worker.memoryMb": 1024 }, key: "anycloud:services.worker.cpu", value: 0.5, accepted: /at least 1 vCPU for an internal worker on GCP/ },
    { what: "Redis 8 on Memorystore", set: { ...GCP, "cache.version": 8 }, key: "anycloud:cache.version", value: 8, accepted: /stops at Redis 7\.2/ },
    { what: "Redis 6 on Azure", set: { ...AZURE, "cache.version": 6 }, key: "anycloud:cache.version", value: 6, accepted: /Azure Managed Redis runs Redis 7\.4 only/ },
    { what: "a Container Apps size Azure does not offer", set: { ...AZURE, "services.app.cpu": 0.25, "services.app.memoryMb": 1024 }, key: "anycloud:services.app.cpu", value: { cpu: 0.25, memoryMb: 1024 }, accepted: /memoryMb = 2048 × cpu/ },
    { what: "14 days of logs on Azure", set: { ...AZURE, "logs.retentionDays": 14 }, key: "anycloud:logs.retentionDays", value: 14, accepted: /Log Analytics minimum/ },
    { what: "database failover on a Burstable Azure server", set: { ...AZURE, "database.highAvailability": true }, key: "anycloud:database.size", value: "small", accepted: /Burstable servers have no HA/ },
    { what: "a DNS zone name where Azure needs its resource id", set: { ...AZURE, "loadBalancer.domain": "app.example.com", "loadBalancer.dnsZone": "example.com" }, key: "anycloud:loadBalancer.dnsZone", value: "example.com", accepted: /resource id of a public Azure DNS zone/ },
    // Prod rules
    { what: "an unprotected prod stack", stack: "prod", set: { protect: false }, key: "anycloud:protect", value: false, accepted: /true in a prod stack/ },
    { what: "one public replica in prod", stack: "prod", set: { "services.app.replicas": { min: 1, max: 4 } }, key: "anycloud:services.app.replicas.min", value: 1, accepted: /at least 2 for a public service in a prod stack/ },
    { what: "no deletion protection in prod", stack: "prod", set: { "database.deletionProtection": false }, key: "anycloud:database.deletionProtection", value: false, accepted: /true in a prod stack/ },
    { what: "a prod stack without alert e-mail", stack: "prod", set: { alerts: {} }, key: "anycloud:alerts.email", value: undefined, accepted: /required in a prod stack/ },
    { what: "unversioned buckets in prod", stack: "prod", set: { buckets: { documents: { versioning: false } } }, key: "anycloud:buckets.documents.versioning", value: false, accepted: /true in a prod stack/ },
];

describe("the mistakes a new user makes: one clear error each, nothing registered", () => {
    it(`the table holds at least 100 distinct mistakes across all four targets (${MISTAKES.length})`, () => {
        assert.ok(MISTAKES.length >= 100, `${MISTAKES.length}`);
        assert.strictEqual(new Set(MISTAKES.map((m) => m.what)).size, MISTAKES.length, "each mistake once");
        assert.strictEqual(new Set(MISTAKES.map((m) => JSON.stringify([m.stack, m.set]))).size, MISTAKES.length, "each config once");
        const clouds = new Set(MISTAKES.map((m) => (m.set.cloud as string | undefined) ?? (m.stack === "prod" ? "aws" : "local")).filter((c) => ["aws", "gcp", "azure", "local"].includes(c)));
        assert.deepStrictEqual([...clouds].sort(), ["aws", "azure", "gcp", "local"]);
    });
    for (const m of MISTAKES) {
        it(`${m.what}: ${m.key}`, async () => {
            const e = await planError({ stack: m.stack ?? "dev", set: m.set });
            assert.strictEqual(exitCodeFor(e), 2);
            const found = e.problems.find((p) => p.key === m.key);
            assert.ok(found, `no problem at ${m.key}:\n${e.message}`);
            assert.deepStrictEqual(found.value, m.value, e.message);
            assert.match(found.accepted, m.accepted, e.message);
            assert.doesNotMatch(e.message, /Invalid input|Invalid key in record|expected \w+, received|Too (small|big)/);
        });
    }
});

describe("the command a user runs", () => {
    it("npm run plan exits 2 and prints the key, the value and the rule", function () {
        this.timeout(120000);
        const run = planProcess("--stack", "dev", "--config", 'services.app.image="Nginx Latest"');
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /anycloud:services\.app\.image: got "Nginx Latest"; accepted: an image reference/);
    });
    it("a YAML syntax error in a stack file exits 2 naming the file, line and column", async function () {
        this.timeout(120000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-yaml-"));
        try {
            fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const file = path.join(dir, "Pulumi.broken.yaml");
            fs.writeFileSync(file, "config:\n  anycloud:cloud: aws\n  anycloud:services:\n    app: {image: nginx:1.27, port: 80\n");
            let error: unknown;
            try {
                readStackConfig(dir, file);
            } catch (e) {
                error = e;
            }
            assert.ok(ConfigError.isInstance(error), String(error));
            assert.strictEqual(exitCodeFor(error), 2);
            const [p] = error.problems;
            assert.match(p.key, /Pulumi\.broken\.yaml:\d+:\d+$/);
            assert.match(p.accepted, /^valid YAML \(/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
