import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, ContainerServiceArgs, ContainerServiceOutputs } from "../../components/backend";
import { LocalContext } from "./context";
import { LocalNetworks } from "./network";
import { StorageCredentials } from "./object-store";

/**
 * A hash of the build context, so the image is rebuilt (and its containers replaced) exactly
 * when a file in it changes. Deterministic: sorted paths, contents only.
 */
export function contextHash(dir: string): string {
    const hash = crypto.createHash("sha256");
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name === "node_modules" || entry.name === ".git") continue;
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.isFile()) {
                hash.update(path.relative(dir, full)).update(fs.readFileSync(full));
            }
        }
    };
    if (fs.existsSync(dir)) {
        walk(dir);
    }
    return hash.digest("hex");
}

/** HTTP health check without assuming which client the image ships. */
export function httpHealthCheck(port: number, healthPath: string): string[] {
    const url = `http://127.0.0.1:${port}${healthPath}`;
    return ["CMD-SHELL", `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url} || exit 1`];
}

export function createContainerService(
    ctx: LocalContext,
    networks: LocalNetworks,
    storageCredentials: Record<string, StorageCredentials>,
    name: string,
    args: ContainerServiceArgs,
    opts: ChildOptions,
): ContainerServiceOutputs {
    let image: docker.RemoteImage;
    if (args.image.kind === "ref") {
        image = ctx.image(opts.parent, name, args.image.ref);
    } else {
        const context = path.resolve(args.image.context);
        image = new docker.RemoteImage(
            `${name}-image`,
            {
                name: `anycloud-local/${ctx.name(name)}:latest`,
                build: { context, dockerfile: args.image.dockerfile, buildArgs: args.image.args },
                triggers: { context: contextHash(context) },
                keepLocally: true,
            },
            ctx.opts(opts.parent),
        );
    }

    // Docker has no secret store outside Swarm: secrets reach the container as environment,
    // and stay secret in Pulumi state and outputs.
    const secretEnv: Record<string, pulumi.Input<string>> = { ...args.secretEnv };
    const creds = storageCredentials[name];
    if (creds) {
        secretEnv.S3_ACCESS_KEY_ID = creds.accessKeyId;
        secretEnv.S3_SECRET_ACCESS_KEY = creds.secretAccessKey;
    }
    const envs: pulumi.Input<string>[] = [
        ...Object.keys(args.env)
            .sort()
            .map((k) => pulumi.interpolate`${k}=${args.env[k]}`),
        ...Object.keys(secretEnv)
            .sort()
            .map((k) => pulumi.secret(pulumi.interpolate`${k}=${secretEnv[k]}`)),
    ];

    const networksAdvanced: docker.types.input.ContainerNetworksAdvanced[] = [
        { name: (args.public ? networks.edge : networks.egress).name, aliases: [name] },
    ];
    const join = (net: docker.Network | undefined) => net && networksAdvanced.push({ name: net.name, aliases: [name] });
    if (args.uses.database !== undefined) join(networks.parts.database);
    if (args.uses.cache) join(networks.parts.cache);
    if (args.uses.search) join(networks.parts.search);
    if (args.uses.buckets.length > 0) join(networks.parts.storage);
    join(networks.calls[name]);
    args.uses.services.forEach((callee) => join(networks.calls[callee]));

    // One container per replica; they share the alias, so nginx spreads requests across them.
    const replicas = Math.max(1, args.replicas.min);
    for (let i = 0; i < replicas; i++) {
        new docker.Container(
            replicas === 1 ? `${name}-container` : `${name}-container-${i + 1}`,
            {
                name: ctx.name(replicas === 1 ? name : `${name}-${i + 1}`),
                image: image.imageId,
                command: args.command,
                envs,
                networksAdvanced,
                memory: args.memoryMb,
                cpus: String(args.cpu),
                healthcheck:
                    args.port !== undefined && args.healthPath !== undefined
                        ? { tests: httpHealthCheck(args.port, args.healthPath), interval: "10s", timeout: "5s", retries: 5, startPeriod: "20s" }
                        : undefined,
                restart: "unless-stopped",
                labels: ctx.labels(`service:${name}`),
            },
            // attach: true makes the init container's create wait for it to exit (0), so this is "after init".
            // A singleton's replacement stops the old container before the new one starts.
            ctx.opts(opts.parent, { dependsOn: args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : [], deleteBeforeReplace: args.singleton === true }),
        );
    }
    return {
        image: image.repoDigest.apply((d) => d || (args.image.kind === "ref" ? args.image.ref : `anycloud-local/${ctx.name(name)}:latest`)),
        internalUrl: args.port !== undefined ? serviceUrl(args) : undefined,
    };
}

/** `http://<service>:<port>`: the alias every container of the service has on its networks. */
export function serviceUrl(service: { name: string; port?: number }): pulumi.Output<string> {
    return pulumi.output(`http://${service.name}:${service.port}`);
}
