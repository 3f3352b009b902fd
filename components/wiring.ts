import * as pulumi from "@pulumi/pulumi";
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
}

export interface ServiceEnvironment {
    env: Record<string, pulumi.Input<string>>;
    secretEnv: Record<string, pulumi.Output<string>>;
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
export function serviceEnvironment(service: ServiceSettings, parts: Parts): ServiceEnvironment {
    const env: Record<string, pulumi.Input<string>> = { ...service.env };
    const secretEnv: Record<string, pulumi.Output<string>> = {};
    const { uses } = service;

    if (uses.database !== undefined && parts.database) {
        const db = parts.database;
        env.DB_HOST = db.host;
        env.DB_PORT = db.port.apply(String);
        env.DB_NAME = uses.database;
        env.DB_USER = db.username;
        env.DB_SSLMODE = db.sslMode;
        secretEnv.DB_PASSWORD = db.password;
        secretEnv.DATABASE_URL = db.urlFor(uses.database);
    }
    if (uses.cache && parts.cache) {
        const cache = parts.cache;
        env.REDIS_HOST = cache.host;
        env.REDIS_PORT = cache.port.apply(String);
        env.REDIS_TLS = String(cache.tls);
        secretEnv.REDIS_PASSWORD = cache.password;
        secretEnv.REDIS_URL = cache.url;
    }
    if (uses.search && parts.search) {
        env.ELASTICSEARCH_URL = parts.search.url;
        env.ELASTICSEARCH_USERNAME = parts.search.username;
        secretEnv.ELASTICSEARCH_PASSWORD = parts.search.password;
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
    return { env, secretEnv };
}
