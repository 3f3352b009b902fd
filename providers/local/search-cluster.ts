import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, SearchClusterInputs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { LocalContext } from "./context";
import { APPLIER_IMAGE, SEARCH_USERS_HANDLER } from "../../components/search-users-function";
import { applierEvent } from "../../components/search-users";
import { OPENSEARCH_IMAGE } from "./images";
import { LocalNetworks } from "./network";
import { OPENSEARCH_HEAP_MB } from "./sizes";

export const SEARCH_HOST = "search";

/** The variable of the users container that holds a user's password (by its position). */
export function userPasswordVariable(index: number): string {
    return `ANYCLOUD_SEARCH_PASSWORD_${index}`;
}
export const ADMIN_PASSWORD_VARIABLE = "ANYCLOUD_SEARCH_ADMIN_PASSWORD";

/** Runs the applier once and exits 1 with its message on failure (the container's exit code is checked). */
const RUNNER = `require("/anycloud/index.js").handler(require("/anycloud/event.json")).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.message); process.exit(1); });`;

/**
 * Single-node OpenSearch with the security plugin on (demo TLS certificate, generated admin
 * password), and a one-shot `node` container that applies the workloads' users through the
 * security REST API (components/search-users-function.ts, as on AWS). The image's demo
 * configuration initialises the security index once, from its files, and nothing loads them
 * again (no securityadmin runs here), so users made through the API stay; the container runs
 * again whenever the users, a password or the cluster container change.
 */
export function createSearchCluster(ctx: LocalContext, networks: LocalNetworks, name: string, args: SearchClusterInputs, opts: ChildOptions): SearchClusterOutputs {
    // OpenSearch ≥ 2.12 refuses weak initial admin passwords: every character class is required.
    const password = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "-_.+", requireEveryClass: true }, ctx.opts(opts.parent));
    const image = ctx.image(opts.parent, name, OPENSEARCH_IMAGE[args.version]);
    const data = new docker.Volume(`${name}-data`, { name: ctx.name("opensearch-data") }, ctx.stateful(opts.parent));
    const snapshots = new docker.Volume(`${name}-snapshots`, { name: ctx.name("opensearch-snapshots") }, ctx.stateful(opts.parent));
    const heap = OPENSEARCH_HEAP_MB[args.size];
    const node = new docker.Container(
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
    const url = `https://${SEARCH_HOST}:9200`;
    const event = applierEvent({
        url,
        adminUsername: "admin",
        adminPasswordRef: ADMIN_PASSWORD_VARIABLE,
        users: args.users,
        passwordRefs: Object.fromEntries(args.users.map((u, i) => [u.username, userPasswordVariable(i)])),
        passwordSource: "env",
        // The image's demo certificate is self-signed; this runs on the stack's search network only.
        tls: "unverified",
    });
    const runner = ctx.image(opts.parent, `${name}-users`, APPLIER_IMAGE);
    const run = new docker.Container(
        `${name}-users`,
        {
            name: ctx.name("opensearch-users"),
            image: runner.imageId,
            command: ["node", "-e", RUNNER],
            envs: [pulumi.interpolate`${ADMIN_PASSWORD_VARIABLE}=${password}`, ...args.users.map((u, i) => pulumi.interpolate`${userPasswordVariable(i)}=${u.password}`)],
            uploads: [
                { file: "/anycloud/index.js", content: SEARCH_USERS_HANDLER },
                { file: "/anycloud/event.json", content: JSON.stringify(event) },
            ],
            networksAdvanced: [{ name: networks.parts.search!.name }],
            attach: true,
            logs: true,
            mustRun: false,
            restart: "no",
            labels: [...ctx.labels("search"), { label: "anycloud.search-node", value: node.id }],
        },
        ctx.opts(opts.parent, { dependsOn: [node], additionalSecretOutputs: ["containerLogs"] }),
    );
    const succeeded = run.exitCode.apply((code) => {
        if (code !== 0) {
            throw new pulumi.RunError(`search users: applying the workloads' users failed with exit code ${code}; the services that use search were not updated. Its logs: docker logs ${ctx.name("opensearch-users")}`);
        }
        return "exit-0";
    });
    ctx.searchUsers = { run, succeeded };
    return { url: pulumi.output(url), username: pulumi.output("admin"), password };
}
