import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, SearchClusterArgs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { LocalContext } from "./context";
import { OPENSEARCH_IMAGE } from "./images";
import { LocalNetworks } from "./network";
import { OPENSEARCH_HEAP_MB } from "./sizes";

export const SEARCH_HOST = "search";

/** Single-node OpenSearch with the security plugin on (demo TLS certificate, generated admin password). */
export function createSearchCluster(ctx: LocalContext, networks: LocalNetworks, name: string, args: SearchClusterArgs, opts: ChildOptions): SearchClusterOutputs {
    // OpenSearch ≥ 2.12 refuses weak initial admin passwords: every character class is required.
    const password = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "-_.+", requireEveryClass: true }, ctx.opts(opts.parent));
    const image = ctx.image(opts.parent, name, OPENSEARCH_IMAGE[args.version]);
    const data = new docker.Volume(`${name}-data`, { name: ctx.name("opensearch-data") }, ctx.stateful(opts.parent));
    const snapshots = new docker.Volume(`${name}-snapshots`, { name: ctx.name("opensearch-snapshots") }, ctx.stateful(opts.parent));
    const heap = OPENSEARCH_HEAP_MB[args.size];
    new docker.Container(
        `${name}-node`,
        {
            name: ctx.name("opensearch"),
            image: image.imageId,
            envs: [
                "discovery.type=single-node",
                "path.repo=/usr/share/opensearch/snapshots",
                `OPENSEARCH_JAVA_OPTS=-Xms${heap}m -Xmx${heap}m`,
                pulumi.interpolate`OPENSEARCH_INITIAL_ADMIN_PASSWORD=${password}`,
            ],
            networksAdvanced: [{ name: networks.parts.search!.name, aliases: [SEARCH_HOST] }],
            volumes: [
                { volumeName: data.name, containerPath: "/usr/share/opensearch/data" },
                { volumeName: snapshots.name, containerPath: "/usr/share/opensearch/snapshots" },
            ],
            ulimits: [{ name: "nofile", soft: 65536, hard: 65536 }],
            memory: heap * 2,
            healthcheck: {
                tests: ["CMD-SHELL", "curl -skf -u \"admin:$OPENSEARCH_INITIAL_ADMIN_PASSWORD\" https://localhost:9200/_cluster/health >/dev/null"],
                interval: "10s",
                timeout: "5s",
                retries: 30,
                startPeriod: "30s",
            },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 300,
            labels: ctx.labels("search"),
        },
        ctx.opts(opts.parent),
    );
    return { url: pulumi.output(`https://${SEARCH_HOST}:9200`), username: pulumi.output("admin"), password };
}
