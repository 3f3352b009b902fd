import * as path from "path";
import { DEFAULT_TIMEOUT_SECONDS } from "../../components/edge";
import { runRequestTimeout } from "./edge";
import * as pulumi from "@pulumi/pulumi";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as organizations from "@pulumi/gcp/organizations";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as storage from "@pulumi/gcp/storage";
import { Image } from "@pulumi/docker/image";
import { PropagationWait, waitAfterGrants } from "../../components/propagation-wait";
import { ChildOptions, ContainerServiceArgs, ContainerServiceOutputs } from "../../components/backend";
import { SINGLETON_TAG } from "../../policy/singleton";
import { ServiceSettings } from "../../stacks/settings";
import { serviceAlerts } from "./alerts";
import { GcpContext, RUN_TAG, serviceTag } from "./context";
import { dbCaVolume } from "./database-ca";
import { storeSecret, serviceAccount } from "./secrets";

export type Env = { name: string; value?: pulumi.Input<string>; valueSource?: { secretKeyRef: { secret: pulumi.Input<string>; version: pulumi.Input<string> } } };

/**
 * One application service on Cloud Run. Public services: a Cloud Run service reachable only
 * through the load balancer. Workers: a Cloud Run worker pool (always on, no ingress, no URL),
 * except a worker another service or a job calls, which is a Cloud Run service with internal
 * ingress and CPU always allocated. Every worker needs at least 1 vCPU (validate.ts): a worker
 * pool's instance has at least 1 ("Configure CPU limits for instances"), and a called worker's
 * always-allocated CPU is instance-based billing, which fractional vCPU does not allow (it needs
 * request-based billing: "Configure CPU limits for services").
 * Each gets its own service account holding exactly: accessor on its own secrets, objectUser on
 * the buckets it uses (plus, only when gcp.s3HmacServices names it, an HMAC key for an
 * S3-only client), and nothing project-wide.
 */
export function createContainerService(ctx: GcpContext, name: string, args: ContainerServiceArgs, opts: ChildOptions): ContainerServiceOutputs {
    const parent = opts.parent;
    const protect = ctx.settings.protect;
    const sa = serviceAccount(ctx, `${name}-sa`, `run-${name}`, `Cloud Run service ${name}`, parent);
    const { envs, deps, volumes, volumeMounts } = workloadEnv(ctx, name, args, sa, parent);

    const image = resolveImage(ctx, name, args, parent);
    const fractional = args.cpu < 1;
    const resources = { limits: { cpu: String(args.cpu), memory: `${args.memoryMb}Mi` } };
    const calls = args.uses.services.length > 0;
    const vpc = vpcAccess(ctx, name, calls);
    const probes =
        args.port !== undefined && args.healthPath !== undefined
            ? {
                  startupProbe: { httpGet: { path: args.healthPath, port: args.port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
                  livenessProbe: { httpGet: { path: args.healthPath, port: args.port }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
              }
            : {};
    const runName = ctx.naming.runService(name);
    const callee = isCallee(ctx, name);
    if (calls) {
        ctx.callers[name] = sa;
    }
    // A singleton: at most one instance across every revision that takes traffic (service-level
    // scaling, "combined maximum number of instances for all revisions receiving traffic").
    const singleton = args.singleton ? { labels: { [SINGLETON_TAG]: "true" }, scaling: { minInstanceCount: 1, maxInstanceCount: 1 } } : {};

    if (args.public || callee) {
        // A worker that others call is a Cloud Run service too (a worker pool has no address):
        // internal ingress, its CPU always allocated (no request keeps a worker's loop alive).
        const worker = !args.public;
        const service = new cloudrunv2.Service(
            `${name}-run`,
            {
                name: runName,
                location: ctx.region,
                // Only the load balancer (and the VPC) reach it; the run.app URL is not public.
                // A called worker admits only the VPC, and only callers holding run.invoker on it.
                ingress: worker ? "INGRESS_TRAFFIC_INTERNAL_ONLY" : "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
                // No IAM check on a public service: ingress already limits callers to the LB (and
                // the VPC), and the LB carries no identity. A called worker checks the caller's ID token.
                invokerIamDisabled: !worker,
                deletionProtection: protect,
                ...singleton,
                template: {
                    serviceAccount: sa.email,
                    // Below 1 vCPU Cloud Run requires the first-generation environment and concurrency 1.
                    executionEnvironment: fractional ? "EXECUTION_ENVIRONMENT_GEN1" : "EXECUTION_ENVIRONMENT_GEN2",
                    maxInstanceRequestConcurrency: fractional ? 1 : 80,
                    // Request timeout doubles as the WebSocket lifetime.
                    timeout: `${runRequestTimeout(ctx.settings.loadBalancer, args.name) ?? DEFAULT_TIMEOUT_SECONDS}s`,
                    scaling: { minInstanceCount: args.replicas.min, maxInstanceCount: args.replicas.max },
                    vpcAccess: vpc,
                    volumes,
                    containers: [
                        {
                            image,
                            args: args.command,
                            ports: { containerPort: args.port },
                            resources: { ...resources, cpuIdle: !worker, startupCpuBoost: true },
                            envs,
                            volumeMounts,
                            ...probes,
                        },
                    ],
                },
                traffics: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
            },
            ctx.opts(parent, ["run"], { dependsOn: [...deps, ...(args.after ?? [])] }),
        );
        serviceAlerts(ctx, parent, name, runName, "service");
        if (callee) {
            ctx.callees[name] = service;
        }
        grantInvokers(ctx, name, parent);
        return { image, internalUrl: callee ? serviceUrl(ctx, args) : service.uri };
    }
    grantInvokers(ctx, name, parent);

    // A worker pool's instance has at least 1 vCPU; validate() rejects less for every worker.
    const workerCpu = args.cpu;
    new cloudrunv2.WorkerPool(
        `${name}-pool`,
        {
            name: runName,
            location: ctx.region,
            deletionProtection: protect,
            // Manual scaling keeps exactly replicas.min instances running (workers have no traffic to scale on).
            scaling: { scalingMode: "MANUAL", manualInstanceCount: args.replicas.min },
            labels: args.singleton ? { [SINGLETON_TAG]: "true" } : undefined,
            template: {
                serviceAccount: sa.email,
                vpcAccess: vpc,
                volumes,
                containers: [{ image, args: args.command, resources: { limits: { cpu: String(workerCpu), memory: `${args.memoryMb}Mi` } }, envs, volumeMounts, ...probes }],
            },
        },
        ctx.opts(parent, ["run"], { dependsOn: [...deps, ...(args.after ?? [])] }),
    );
    serviceAlerts(ctx, parent, name, runName, "worker");
    return { image };
}

/** Services another service or a job of the stack calls (`uses: service:<name>`). */
function isCallee(ctx: GcpContext, name: string): boolean {
    return [...ctx.settings.services, ...ctx.settings.jobs].some((s) => s.uses.services.includes(name));
}

/**
 * `https://<service>-<project number>.<region>.run.app`: the deterministic URL every Cloud Run
 * service has besides its hashed one (Cloud Run docs, "View the service URL"), known before the
 * service exists. run.app requests need an ID token whose audience is this URL when the callee
 * checks IAM (a called worker); a public callee takes them without one.
 */
export function serviceUrl(ctx: GcpContext, service: Pick<ServiceSettings, "name">): pulumi.Output<string> {
    return pulumi.interpolate`https://${ctx.naming.runService(service.name)}-${ctx.projectNumber()}.${ctx.region}.run.app`;
}

/**
 * roles/run.invoker on exactly the called service, for exactly the callers (services and jobs)
 * that use it: granted once both the caller's service account and the callee exist (calls may go
 * both ways, so whichever comes second grants; a job comes after the services it calls). A
 * public callee does no IAM check (invokerIamDisabled), so it needs no grant. Returns the grants
 * made here (a before-deploy run waits for its own).
 */
export function grantInvokers(ctx: GcpContext, name: string, parent: pulumi.Resource): cloudrunv2.ServiceIamMember[] {
    const made: cloudrunv2.ServiceIamMember[] = [];
    for (const { caller, callee } of [...ctx.settings.services, ...ctx.settings.jobs].flatMap((s) => s.uses.services.map((c) => ({ caller: s.name, callee: c })))) {
        if (caller !== name && callee !== name) continue;
        const service = ctx.callees[callee];
        const account = ctx.callers[caller];
        const publicCallee = ctx.settings.services.find((s) => s.name === callee)?.public;
        if (!service || !account || publicCallee) continue;
        made.push(
            new cloudrunv2.ServiceIamMember(
                `${caller}-invokes-${callee}`,
                { project: ctx.project, location: ctx.region, name: service.name, role: "roles/run.invoker", member: account.member },
                ctx.opts(parent, ["run"]),
            ),
        );
    }
    return made;
}

/**
 * The Direct VPC egress of a service or job. Only private ranges go through the VPC; Google APIs
 * and the internet go direct. A caller of another service sends everything through the VPC: a
 * request to a run.app URL counts as internal (what an internal-ingress callee admits) only when
 * it comes from the VPC with Private Google Access on the subnet (Cloud Run docs, "Restrict
 * network ingress"); its internet traffic leaves through the subnet's Cloud NAT (network.ts).
 */
export function vpcAccess(ctx: GcpContext, name: string, calls: boolean) {
    const net = ctx.requireNetwork();
    return {
        networkInterfaces: [{ network: net.vpc.id, subnetwork: net.egressSubnet.id, tags: [RUN_TAG, serviceTag(name)] }],
        egress: calls ? "ALL_TRAFFIC" : "PRIVATE_RANGES_ONLY",
    };
}

/** What a service's or job's container environment is built from. */
export type WorkloadInputs = Pick<ContainerServiceArgs, "env" | "secretEnv" | "uses">;

/**
 * How long a workload's new IAM grants are given before the Cloud Run revision or job that reads
 * through them is created. Cloud Run checks, when it creates a revision or a job, that the service
 * account can read every secret it references (Cloud Run docs, "Configure secrets": "During
 * service deployment, Cloud Run checks all the secrets you use"), and a grant made seconds before
 * may not apply yet: the create fails ("Permission denied on secret ... for Revision service
 * account"), pulumi-gcp does not retry it, and the failed create is kept in state, so a second
 * `up` with nothing changed may leave it as it is. Google: an access change takes effect
 * "typically [in] 2 minutes, potentially 7 minutes or longer" (IAM docs, "Access change
 * propagation"); Google's terraform-google-cloud-run module waits 30 s after its secret grants
 * (modules/secure-cloud-run-core, time_sleep). Waited again only for a new grant.
 */
export const IAM_PROPAGATION_SECONDS = 120;

/** The bounded wait (IAM_PROPAGATION_SECONDS) after a workload's grants. */
export function grantsSettled(name: string, grants: pulumi.CustomResource[], reason: string, parent: pulumi.Resource): PropagationWait {
    return waitAfterGrants(name, grants, IAM_PROPAGATION_SECONDS, reason, parent);
}

/**
 * The container environment of a service or job: plain values, then each secret in Secret
 * Manager readable only by its service account (pinned to the version written), bucket grants
 * and an HMAC key for S3 clients, and the CA certificates of the parts it uses. `deps` are what
 * a revision or execution must wait for.
 */
export function workloadEnv(
    ctx: GcpContext,
    name: string,
    args: WorkloadInputs,
    sa: serviceaccount.Account,
    parent: pulumi.Resource,
): { envs: Env[]; deps: pulumi.Resource[]; volumes?: ReturnType<typeof dbCaVolume>["volumes"]; volumeMounts?: ReturnType<typeof dbCaVolume>["volumeMounts"] } {
    // A service that uses the database starts after the init job ran (runExecutionToken waits for it).
    const deps: pulumi.Resource[] = args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : [];
    // What its service account is granted here: the revision or execution waits until they apply.
    const grants: pulumi.CustomResource[] = [];
    const secretEnv: Record<string, pulumi.Output<string>> = { ...args.secretEnv };

    for (const bucket of args.uses.buckets) {
        grants.push(
            new storage.BucketIAMMember(
                `${name}-bucket-${bucket}`,
                { bucket: ctx.buckets[bucket].name, role: "roles/storage.objectUser", member: sa.member },
                ctx.opts(parent, ["storage"]),
            ),
        );
    }
    if (args.uses.buckets.length > 0 && ctx.settings.gcp.s3HmacServices.includes(name)) {
        // Opt-in (gcp.s3HmacServices): S3-compatible access (XML API) for an app whose storage
        // client speaks only S3 needs an HMAC key of this SA — a long-lived secret. Everyone else
        // uses the service account itself (Application Default Credentials on Cloud Run).
        const hmac = new storage.HmacKey(`${name}-hmac`, { project: ctx.project, serviceAccountEmail: sa.email }, ctx.opts(parent, ["storage"]));
        secretEnv.S3_ACCESS_KEY_ID = pulumi.secret(hmac.accessId);
        secretEnv.S3_SECRET_ACCESS_KEY = pulumi.secret(hmac.secret);
    }

    const envs: Env[] = Object.entries(args.env)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => ({ name: k, value: v }));
    for (const key of Object.keys(secretEnv).sort()) {
        const stored = storeSecret(ctx, `${name}-secret-${key.toLowerCase().replace(/_/g, "-")}`, ctx.naming.secretId(name, key), secretEnv[key], sa.member, parent);
        deps.push(stored.version);
        grants.push(stored.access);
        // Pinned to the version Pulumi wrote: a changed value rolls out a new revision.
        envs.push({ name: key, valueSource: { secretKeyRef: { secret: stored.secret.secretId, version: stored.version.version } } });
    }
    if (args.uses.cache && ctx.cacheCaSecret && ctx.cacheCaVersion) {
        grants.push(grantSecret(ctx, `${name}-redis-ca-access`, ctx.cacheCaSecret, sa.member, parent));
        deps.push(ctx.cacheCaVersion);
        envs.push({ name: "REDIS_TLS_CA_CERT", valueSource: { secretKeyRef: { secret: ctx.cacheCaSecret.secretId, version: ctx.cacheCaVersion.version } } });
    }
    if (args.uses.search && ctx.searchCaCertSecret) {
        // The search CA certificate itself (written by the bootstrap node at its first boot), as
        // on every target: a secret env var. The revision resolves "latest" when it deploys, so
        // it waits for the search readiness gate (the CA exists once the cluster is green).
        grants.push(grantSecret(ctx, `${name}-search-ca-access`, ctx.searchCaCertSecret, sa.member, parent));
        deps.push(...ctx.searchReady);
        envs.push({ name: "ELASTICSEARCH_CA_CERT", valueSource: { secretKeyRef: { secret: ctx.searchCaCertSecret.secretId, version: "latest" } } });
    }

    // The database server's CA as the file DB_SSLROOTCERT names (database-ca.ts).
    const dbCa = args.uses.database !== undefined ? dbCaVolume(ctx, name, sa.member, parent) : { volumes: [], volumeMounts: [], deps: [], access: undefined };
    deps.push(...dbCa.deps);
    if (dbCa.access) grants.push(dbCa.access);
    if (grants.length > 0) {
        deps.push(...grants, grantsSettled(`${name}-iam-propagation`, grants, `Google IAM applies ${name}'s secret and bucket grants before Cloud Run checks them`, parent));
    }

    // Nothing rather than empty lists where there is no volume: the template stays as it was.
    return { envs, deps, volumes: dbCa.volumes.length > 0 ? dbCa.volumes : undefined, volumeMounts: dbCa.volumeMounts.length > 0 ? dbCa.volumeMounts : undefined };
}

function grantSecret(ctx: GcpContext, logical: string, secret: secretmanager.Secret, member: pulumi.Input<string>, parent: pulumi.Resource) {
    return new secretmanager.SecretIamMember(
        logical,
        { project: ctx.project, secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member },
        ctx.opts(parent, ["secretmanager"]),
    );
}

/** An image reference as configured, or built here, pushed to Artifact Registry and pinned by digest. */
export function resolveImage(ctx: GcpContext, name: string, args: Pick<ContainerServiceArgs, "image">, parent: pulumi.Resource): pulumi.Output<string> {
    if (args.image.kind === "ref") {
        return pulumi.output(args.image.ref);
    }
    if (!ctx.registry) {
        ctx.registry = new artifactregistry.Repository(
            "images",
            {
                repositoryId: ctx.naming.resource("images"),
                location: ctx.region,
                format: "DOCKER",
                description: "anycloud application images",
                cleanupPolicies: [
                    { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
                    { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "604800s" } },
                ],
            },
            ctx.opts(parent, ["artifactregistry"]),
        );
    }
    const server = `${ctx.region}-docker.pkg.dev`;
    const client = organizations.getClientConfigOutput(ctx.invokeOpts(parent));
    const built = new Image(
        `${name}-image`,
        {
            imageName: pulumi.interpolate`${server}/${ctx.project}/${ctx.registry.repositoryId}/${name}:${ctx.settings.stack}`,
            // The dockerfile path is relative to the context in config, to the working directory for docker.
            build: { context: args.image.context, dockerfile: path.isAbsolute(args.image.dockerfile) ? args.image.dockerfile : path.join(args.image.context, args.image.dockerfile), args: args.image.args, platform: "linux/amd64" },
            registry: { server, username: "oauth2accesstoken", password: pulumi.secret(client.accessToken) },
            skipPush: false,
        },
        { parent, dependsOn: [ctx.registry] },
    );
    // The digest, not the tag: a new build changes it and so rolls out a new revision.
    return built.repoDigest;
}
