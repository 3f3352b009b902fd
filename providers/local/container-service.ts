import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, ContainerServiceArgs, ContainerServiceOutputs } from "../../components/backend";
import { LocalContext } from "./context";
import { LocalNetworks } from "./network";
import { StorageCredentials } from "./object-store";
import { ServiceImage, ServiceUses } from "../../stacks/settings";

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

/** The image a service or job runs: pulled by reference, or built from its context (rebuilt when a file changes). */
export function workloadImage(ctx: LocalContext, name: string, image: ServiceImage, parent: pulumi.Resource): docker.RemoteImage {
    if (image.kind === "ref") {
        return ctx.image(parent, name, image.ref);
    }
    const context = path.resolve(image.context);
    return new docker.RemoteImage(
        `${name}-image`,
        {
            name: `anycloud-local/${ctx.name(name)}:latest`,
            build: { context, dockerfile: image.dockerfile, buildArgs: image.args },
            triggers: { context: contextHash(context) },
            keepLocally: true,
        },
        ctx.opts(parent),
    );
}

/**
 * One `NAME=value` entry: the text itself for a plain value, one `apply` for an Output. (What
 * `pulumi.interpolate` gives, without its Output of the interpolated values, each made through
 * the SDK's `output()` with a stack-capturing Error and a copy: ~20 entries a container, and most
 * of what a local service cost above the resources it sends. Same value, resources, secrecy and
 * unknown-ness; issue #18.)
 */
function envLine(name: string, value: pulumi.Input<string>): pulumi.Input<string> {
    if (typeof value === "string") return `${name}=${value}`;
    if (pulumi.Output.isInstance(value)) return value.apply((v) => `${name}=${v}`);
    return pulumi.interpolate`${name}=${value}`;
}

/**
 * `NAME=value` entries. Docker has no secret store outside Swarm: secrets reach the container as
 * environment, and stay secret in Pulumi state and outputs. Storage users get their own MinIO keys.
 */
export function workloadEnv(
    name: string,
    env: Record<string, pulumi.Input<string>>,
    secrets: Record<string, pulumi.Output<string>>,
    storageCredentials: Record<string, StorageCredentials>,
): pulumi.Input<string>[] {
    const secretEnv: Record<string, pulumi.Input<string>> = { ...secrets };
    const creds = storageCredentials[name];
    if (creds) {
        secretEnv.S3_ACCESS_KEY_ID = creds.accessKeyId;
        secretEnv.S3_SECRET_ACCESS_KEY = creds.secretAccessKey;
    }
    return [
        ...Object.keys(env)
            .sort()
            .map((k) => envLine(k, env[k])),
        ...Object.keys(secretEnv)
            .sort()
            .map((k) => pulumi.secret(envLine(k, secretEnv[k]))),
    ];
}

/**
 * The networks a workload joins: its first (edge or egress), one per part it uses, and the own
 * network of each service it calls (services and jobs alike).
 */
export function workloadNetworks(networks: LocalNetworks, first: docker.Network, name: string, uses: ServiceUses): docker.types.input.ContainerNetworksAdvanced[] {
    const out: docker.types.input.ContainerNetworksAdvanced[] = [{ name: first.name, aliases: [name] }];
    const join = (net: docker.Network | undefined) => net && out.push({ name: net.name, aliases: [name] });
    if (uses.database !== undefined) join(networks.parts.database);
    if (uses.cache) join(networks.parts.cache);
    if (uses.search) join(networks.parts.search);
    if (uses.buckets.length > 0) join(networks.parts.storage);
    uses.services.forEach((callee) => join(networks.calls[callee]));
    return out;
}

export function createContainerService(
    ctx: LocalContext,
    networks: LocalNetworks,
    storageCredentials: Record<string, StorageCredentials>,
    name: string,
    args: ContainerServiceArgs,
    opts: ChildOptions,
): ContainerServiceOutputs {
    const image = workloadImage(ctx, name, args.image, opts.parent);

    const envs = workloadEnv(name, args.env, args.secretEnv, storageCredentials);
    const networksAdvanced = workloadNetworks(networks, args.public ? networks.edge : networks.egress, name, args.uses);
    // A callee also joins its own network (its callers joined it in workloadNetworks).
    const own = networks.calls[name];
    if (own) networksAdvanced.push({ name: own.name, aliases: [name] });
    const healthcheck =
        args.port !== undefined && args.healthPath !== undefined
            ? { tests: httpHealthCheck(args.port, args.healthPath), interval: "10s", timeout: "5s", retries: 5, startPeriod: "20s" }
            : undefined;
    // A service a before-deploy job calls is healthy before the run starts: the provider waits
    // for Docker's health status (it refuses `wait` without a health check: kreuzwerker/
    // terraform-provider-docker resource_docker_container_funcs.go at 83c00e0). 120 s covers the
    // check's 20 s start period and 5 failures 10 s apart.
    const waitHealthy = healthcheck !== undefined && ctx.settings.jobs.some((j) => j.trigger.kind === "beforeDeploy" && j.uses.services.includes(name));

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
                healthcheck,
                wait: waitHealthy ? true : undefined,
                waitTimeout: waitHealthy ? 120 : undefined,
                restart: "unless-stopped",
                // A before-deploy job that gates this service: its checked exit code (throws when
                // non-zero), so this container is not replaced unless the job succeeded.
                labels: [
                    ...ctx.labels(`service:${name}`),
                    ...(ctx.jobGates[name] ?? []).map((g) => ({ label: `anycloud.after-job.${g.job}`, value: g.succeeded })),
                    // Its search user exists (the users container's exit code, checked).
                    ...(args.uses.search && ctx.searchUsers ? [{ label: "anycloud.after-search-users", value: ctx.searchUsers.succeeded }] : []),
                ],
            },
            // attach: true makes the init container's create wait for it to exit (0), so this is "after init".
            // A singleton's replacement stops the old container before the new one starts.
            ctx.opts(opts.parent, {
                dependsOn: [...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.uses.search && ctx.searchUsers ? [ctx.searchUsers.run] : []), ...(args.after ?? [])],
                deleteBeforeReplace: args.singleton === true,
            }),
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
