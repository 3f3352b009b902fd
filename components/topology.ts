import * as pulumi from "@pulumi/pulumi";
import { workloadOrder } from "../stacks/jobs";
import { Settings } from "../stacks/settings";
import { AccessPlan, CloudBackend } from "./backend";
import { Cache } from "./cache";
import { ContainerService } from "./container-service";
import { Database } from "./database";
import { Foundation } from "./foundation";
import { Job } from "./job";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { overridesTransformation } from "./overrides";
import { ObjectStore } from "./object-store";
import { SearchCluster } from "./search-cluster";
import { resolvedIndexPatterns, workloadPatterns } from "./search-users";
import { operatorSecretEnv, Parts, serviceEnvironment } from "./wiring";

/** The stack outputs: one shape on every cloud. Credentials are secret. */
export interface StackOutputs {
    cloud: string;
    environment: string;
    /** AWS and GCP: the region the stack runs in, read back by the next run (stacks/region-guard.ts). */
    region?: string;
    url?: pulumi.Output<string>;
    https?: boolean;
    dnsRecords?: pulumi.Output<unknown[]>;
    services: Record<string, { public: boolean; image: pulumi.Output<string>; internalUrl?: pulumi.Output<string> }>;
    database?: {
        host: pulumi.Output<string>;
        port: pulumi.Output<number>;
        username: pulumi.Output<string>;
        databases: string[];
        readReplicaHosts: pulumi.Output<string[]>;
        /** Static parameters waiting for a server restart (Azure), and the command that applies them. */
        pendingRestart: pulumi.Output<string[]>;
        restartCommand: pulumi.Output<string>;
    };
    databaseUrl?: pulumi.Output<string>;
    cache?: { host: pulumi.Output<string>; port: pulumi.Output<number>; tls: boolean };
    search?: { url: pulumi.Output<string>; username: pulumi.Output<string> };
    buckets: Record<string, pulumi.Output<string>>;
    /** Each job: when it runs, and where one run's logs are read. */
    jobs: Record<string, { trigger: pulumi.Output<string>; logs: pulumi.Output<string> }>;
}

/**
 * Who may reach what. Jobs are workloads like workers (no ingress): each gets exactly the network
 * access, grants and identity of its own `uses`, under its own name.
 */
export function accessPlan(settings: Settings): AccessPlan {
    const workloads: { name: string; uses: Settings["services"][number]["uses"] }[] = [...settings.services, ...settings.jobs];
    const users = (pred: (s: (typeof workloads)[number]) => boolean) => workloads.filter(pred).map((s) => s.name);
    return {
        publicServices: settings.services.filter((s) => s.public).map((s) => ({ name: s.name, port: s.port! })),
        services: workloads.map((s) => s.name),
        databaseClients: users((s) => s.uses.database !== undefined),
        cacheClients: users((s) => s.uses.cache),
        searchClients: users((s) => s.uses.search),
        bucketClients: Object.fromEntries(settings.buckets.map((b) => [b.name, users((s) => s.uses.buckets.includes(b.name))])),
        serviceCalls: workloads.flatMap((s) => s.uses.services.map((callee) => ({ caller: s.name, callee, port: settings.services.find((c) => c.name === callee)!.port! }))),
    };
}

/**
 * Builds the whole topology in one direction: the foundation (prerequisites and stack-wide
 * resources), the network, then the data parts, then the load balancer (so clouds that attach
 * services to it can), then the services with their wiring.
 */
export function deployTopology(settings: Settings, backend: CloudBackend): StackOutputs {
    const access = accessPlan(settings);
    const override = overridesTransformation(settings.overrides);
    // Every component passes the config overrides down to the resources it creates.
    const base: pulumi.ComponentResourceOptions = override ? { transformations: [override] } : {};
    const foundation = new Foundation(
        "foundation",
        { access, hasDatabase: !!settings.database, hasCache: !!settings.cache, hasSearch: !!settings.search },
        backend,
        base,
    );
    const network = new Network(
        "network",
        {
            cidr: settings.network.cidr,
            zones: settings.network.zones,
            access,
            hasDatabase: !!settings.database,
            hasCache: !!settings.cache,
            hasSearch: !!settings.search,
        },
        backend,
        { ...base, dependsOn: [foundation] },
    );
    const after = { ...base, dependsOn: [foundation, network] };

    const parts: Parts = {};
    if (settings.database) {
        parts.database = new Database("database", { ...settings.database, clients: access.databaseClients }, backend, after);
    }
    if (settings.cache) {
        parts.cache = new Cache("cache", { ...settings.cache, clients: access.cacheClients }, backend, after);
    }
    if (settings.search) {
        // Each workload's index patterns: `searchIndices`, a `service:` job's service's, or `<name>*`.
        const indices = resolvedIndexPatterns(workloadPatterns(settings.services, settings.jobs));
        parts.search = new SearchCluster("search", { ...settings.search, clients: access.searchClients, indices }, backend, after);
    }
    if (settings.buckets.length > 0) {
        parts.objectStore = new ObjectStore("storage", { buckets: settings.buckets, bucketClients: access.bucketClients }, backend, after);
    }

    let loadBalancer: LoadBalancer | undefined;
    if (settings.loadBalancer) {
        const routed = settings.services.filter((s) => s.public);
        loadBalancer = new LoadBalancer(
            "lb",
            { ...settings.loadBalancer, services: routed.map((s) => ({ name: s.name, port: s.port!, healthPath: s.healthPath ?? "/health" })) },
            backend,
            after,
        );
    }

    // Every callee's URL first: a caller may be created before the service it calls.
    const calleeNames = new Set(access.serviceCalls.map((c) => c.callee));
    parts.serviceUrls = Object.fromEntries(settings.services.filter((s) => calleeNames.has(s.name)).map((s) => [s.name, backend.serviceUrl(s)]));

    // Jobs and services after the data parts (their wiring waits for them), each after what it
    // waits for (stacks/jobs.ts workloadOrder): a before-deploy job's run gates the services it
    // names, so a failed run stops the deploy before they change; it runs once the services it
    // calls are up.
    const jobs: StackOutputs["jobs"] = {};
    const gatedBy: Record<string, pulumi.Resource[]> = {};
    const services: StackOutputs["services"] = {};
    const created: Record<string, ContainerService> = {};
    for (const w of workloadOrder(settings.services, settings.jobs)) {
        if (w.kind === "job") {
            const job = settings.jobs.find((j) => j.name === w.name)!;
            const wired = serviceEnvironment(job, parts);
            const calls = job.uses.services.map((s) => created[s]);
            const made = new Job(job.name, { ...job, env: wired.env, secretEnv: wired.secretEnv, after: calls }, backend, { ...base, dependsOn: [foundation, network, ...calls] });
            const trigger = job.trigger.kind === "beforeDeploy" ? "beforeDeploy" : `schedule ${job.trigger.cron} (${job.trigger.timeZone})`;
            // One shape on every target: what a target does not do itself is said in the trigger.
            jobs[job.name] = { trigger: made.note ? pulumi.interpolate`${trigger}; ${made.note}` : pulumi.output(trigger), logs: made.logs };
            if (job.trigger.kind === "beforeDeploy" && made.run) {
                for (const gated of job.trigger.gates) {
                    (gatedBy[gated] ??= []).push(made.run);
                }
            }
            continue;
        }
        const service = settings.services.find((s) => s.name === w.name)!;
        const wired = serviceEnvironment(service, parts);
        Object.assign(wired.secretEnv, operatorSecretEnv(service, settings.operatorSecrets ?? {}));
        const dependsOn: pulumi.Resource[] = [foundation, network];
        if (service.public && loadBalancer) {
            dependsOn.push(loadBalancer);
        }
        const after = gatedBy[service.name] ?? [];
        const made = new ContainerService(service.name, { ...service, env: wired.env, secretEnv: wired.secretEnv, after }, backend, { ...base, dependsOn: [...dependsOn, ...after] });
        created[service.name] = made;
        services[service.name] = { public: service.public, image: made.image, internalUrl: made.internalUrl };
    }

    const outputs: StackOutputs = {
        cloud: settings.cloud,
        environment: settings.environment,
        services,
        buckets: parts.objectStore?.buckets ?? {},
        jobs,
    };
    if (loadBalancer) {
        outputs.url = loadBalancer.url;
        outputs.https = loadBalancer.https;
        outputs.dnsRecords = loadBalancer.dnsRecords;
    }
    if (parts.database) {
        const db = parts.database;
        outputs.database = { host: db.host, port: db.port, username: db.username, databases: db.databases, readReplicaHosts: db.readReplicaHosts, pendingRestart: db.pendingRestart, restartCommand: db.restartCommand };
        outputs.databaseUrl = db.urlFor(db.databases[0]);
    }
    if (parts.cache) {
        outputs.cache = { host: parts.cache.host, port: parts.cache.port, tls: parts.cache.tls };
    }
    if (parts.search) {
        outputs.search = { url: parts.search.url, username: parts.search.username };
    }
    return outputs;
}
