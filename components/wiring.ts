import * as pulumi from "@pulumi/pulumi";
import { NOT_SECRETS_VARIABLE } from "../policy/secret-values";
import { serviceUrlVariable } from "../stacks/load-settings";
import { ServiceSettings } from "../stacks/settings";
import { Cache } from "./cache";
import { Database } from "./database";
import { ObjectStore } from "./object-store";
import { SearchCluster } from "./search-cluster";

export interface Parts {
    database?: Database;
    cache?: Cache;
    search?: SearchCluster;
    objectStore?: ObjectStore;
    /** Private URLs of the services others call, by service name. */
    serviceUrls?: Record<string, pulumi.Output<string>>;
}

export interface ServiceEnvironment {
    env: Record<string, pulumi.Input<string>>;
    secretEnv: Record<string, pulumi.Output<string>>;
}

/**
 * The operator-supplied secrets a service lists, as Pulumi secrets: config values the engine
 * decrypted, so they must be marked again before they reach any resource.
 */
export function operatorSecretEnv(service: ServiceSettings, values: Record<string, string>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries((service.operatorSecrets ?? []).map((n) => [n, pulumi.secret(values[n])]));
}

/**
 * Copies variables under the app's own names (`envFrom`): a copy of a secret is a secret, a copy
 * of a plain value is plain. Config validation guarantees every source exists.
 */
export function withOwnNames(
    envFrom: Record<string, string>,
    env: Record<string, pulumi.Input<string>>,
    secretEnv: Record<string, pulumi.Output<string>>,
): ServiceEnvironment {
    const out: ServiceEnvironment = { env: { ...env }, secretEnv: { ...secretEnv } };
    for (const [name, source] of Object.entries(envFrom)) {
        if (source in secretEnv) {
            out.secretEnv[name] = secretEnv[source];
        } else if (source in env) {
            out.env[name] = env[source];
        }
    }
    return out;
}

/** `documents` -> `S3_BUCKET_DOCUMENTS`. */
export function bucketVariable(bucket: string): string {
    return `S3_BUCKET_${bucket.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * The environment a service gets from the parts it uses: the variables the guides' apps
 * already read. Credentials and URLs that embed them are secret; hosts and ports are plain.
 * Config validation guarantees every part a service uses exists.
 */
export function serviceEnvironment(service: Pick<ServiceSettings, "name" | "env" | "notSecrets" | "uses">, parts: Parts): ServiceEnvironment {
    const env: Record<string, pulumi.Input<string>> = { ...service.env };
    if (service.notSecrets !== undefined && service.notSecrets.length > 0) {
        // Tells the guardrail (policy/secret-values.ts) these plain values are public on purpose.
        env[NOT_SECRETS_VARIABLE] = [...service.notSecrets].sort().join(",");
    }
    const secretEnv: Record<string, pulumi.Output<string>> = {};
    const { uses } = service;

    if (uses.database !== undefined && parts.database) {
        const db = parts.database;
        env.DB_HOST = db.host;
        env.DB_PORT = db.portText;
        env.DB_NAME = uses.database;
        // The database's own role, never the admin (least-privilege-data guardrail).
        const role = db.role(uses.database);
        env.DB_USER = role.username;
        // `database.tls: verify`: the same mode and CA file under libpq's own names (read by psql,
        // libpq-based drivers and pgx) and in DATABASE_URL, so every client verifies the server the
        // same way; NODE_EXTRA_CA_CERTS adds the CA to Node's roots (read at start: node-postgres
        // with ssl: true, as PGSSLMODE gives it, verifies against them and never reads
        // PGSSLROOTCERT). `require`: DB_SSLMODE and the URL only (components/database-tls.ts).
        env.DB_SSLMODE = db.sslMode;
        if (db.tls === "verify") env.PGSSLMODE = db.sslMode;
        if (db.sslRootCert !== undefined) {
            env.DB_SSLROOTCERT = db.sslRootCert;
            env.PGSSLROOTCERT = db.sslRootCert;
            env.NODE_EXTRA_CA_CERTS = db.sslRootCert;
        }
        secretEnv.DB_PASSWORD = role.password;
        secretEnv.DATABASE_URL = db.roleUrl(uses.database);
    }
    if (uses.cache && parts.cache) {
        const cache = parts.cache;
        env.REDIS_HOST = cache.host;
        env.REDIS_PORT = cache.portText;
        env.REDIS_TLS = String(cache.tls);
        secretEnv.REDIS_PASSWORD = cache.password;
        secretEnv.REDIS_URL = cache.url;
    }
    if (uses.search && parts.search) {
        // The workload's own user (components/search-users.ts), never the cluster's admin.
        const user = parts.search.userFor(service.name);
        env.ELASTICSEARCH_URL = parts.search.url;
        env.ELASTICSEARCH_USERNAME = user.username;
        secretEnv.ELASTICSEARCH_PASSWORD = user.password;
    }
    if (uses.buckets.length > 0 && parts.objectStore) {
        const store = parts.objectStore;
        env.STORAGE_PROVIDER = store.provider;
        Object.assign(env, store.env);
        Object.assign(secretEnv, store.secretEnv);
        for (const bucket of uses.buckets) {
            env[bucketVariable(bucket)] = store.buckets[bucket];
        }
        if (uses.buckets.length === 1) {
            env.S3_BUCKET = store.buckets[uses.buckets[0]];
        }
    }
    for (const callee of uses.services) {
        const url = parts.serviceUrls?.[callee];
        if (url) {
            env[serviceUrlVariable(callee)] = url;
        }
    }
    return { env, secretEnv };
}
