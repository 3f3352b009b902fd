import { OpenSearchVersion, PostgresVersion, RedisVersion } from "../../stacks/settings";

/** Pinned images of the local target's infrastructure containers (one place to bump them). */
export const POSTGRES_IMAGE: Record<PostgresVersion, string> = {
    14: "postgres:14-alpine",
    15: "postgres:15-alpine",
    16: "postgres:16-alpine",
    17: "postgres:17-alpine",
};
export const REDIS_IMAGE: Record<RedisVersion, string> = {
    6: "redis:6.2-alpine",
    7: "redis:7.4-alpine",
    8: "redis:8.2-alpine",
};
export const OPENSEARCH_IMAGE: Record<OpenSearchVersion, string> = {
    "2.17": "opensearchproject/opensearch:2.17.1",
    "2.19": "opensearchproject/opensearch:2.19.3",
    "3.1": "opensearchproject/opensearch:3.1.0",
};
export const MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
export const MINIO_CLIENT_IMAGE = "minio/mc:RELEASE.2025-04-16T18-13-26Z";
export const NGINX_IMAGE = "nginx:1.27-alpine";
