import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { CacheArgs, CacheOutputs, ChildOptions } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { LocalContext } from "./context";
import { REDIS_IMAGE } from "./images";
import { LocalNetworks } from "./network";
import { REDIS_MAXMEMORY_MB } from "./sizes";

export const CACHE_HOST = "cache";
const CONFIG_PATH = "/usr/local/etc/redis/redis.conf";

/** The redis.conf the container runs with (password inside, so the whole file is secret). */
export function redisConfig(args: CacheArgs, password: string): string {
    return [
        `requirepass ${password}`,
        `maxmemory ${REDIS_MAXMEMORY_MB[args.size]}mb`,
        `maxmemory-policy ${args.maxmemoryPolicy}`,
        `appendonly ${args.persistence ? "yes" : "no"}`,
        "appendfsync everysec",
        "protected-mode yes",
        "",
    ].join("\n");
}

export function createCache(ctx: LocalContext, networks: LocalNetworks, name: string, args: CacheArgs, opts: ChildOptions): CacheOutputs {
    const password = generatedPassword(`${name}-password`, { length: 32 }, ctx.opts(opts.parent));
    const image = ctx.image(opts.parent, name, REDIS_IMAGE[args.version]);
    const volume = new docker.Volume(`${name}-data`, { name: ctx.name("redis-data") }, ctx.stateful(opts.parent));
    new docker.Container(
        `${name}-server`,
        {
            name: ctx.name("redis"),
            image: image.imageId,
            command: ["redis-server", CONFIG_PATH],
            uploads: [{ file: CONFIG_PATH, content: pulumi.secret(password.apply((p) => redisConfig(args, p))) }],
            // redis-cli reads the password from REDISCLI_AUTH, so the health check has none on its command line.
            envs: [pulumi.interpolate`REDISCLI_AUTH=${password}`],
            networksAdvanced: [{ name: networks.parts.cache!.name, aliases: [CACHE_HOST] }],
            volumes: [{ volumeName: volume.name, containerPath: "/data" }],
            memory: REDIS_MAXMEMORY_MB[args.size] + 128,
            healthcheck: { tests: ["CMD-SHELL", "redis-cli ping | grep -q PONG"], interval: "5s", timeout: "3s", retries: 10, startPeriod: "5s" },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 120,
            labels: ctx.labels("cache"),
        },
        ctx.opts(opts.parent),
    );
    return { host: pulumi.output(CACHE_HOST), port: pulumi.output(6379), password, tls: false };
}
