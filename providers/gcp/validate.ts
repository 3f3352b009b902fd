import { ConfigProblem, problem } from "../../stacks/errors";
import { edgeProblems } from "../../components/edge";
import { gcpEdge } from "./edge";
import { Naming } from "./naming";
import { URL_MAP_MAX_BYTES, urlMapBytes } from "./url-map";
import { Settings } from "../../stacks/settings";
import { memoryShareBound, sharedBuffersBound } from "../../stacks/postgres-parameters";
import { OPENSEARCH_NODE_IMAGES } from "../../components/opensearch/images";
import { GCP_REGIONS, REDIS_VERSIONS, RUN_MEMORY_MAX_MB, RUN_WHOLE_CPUS, runMemoryMinMb, runMinCpuForMemory, SQL_MEMORY_SHARES, SQL_TIERS, SQL_VERSIONS } from "./sizes";

/** GCP-specific checks, run before any resource exists. Pure. */
export function validate(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = validateJobs(settings);
    const { gcp } = settings;
    if (!gcp.project) {
        problems.push(problem("gcp.project", gcp.project, "a GCP project id (required when anycloud:cloud is gcp)"));
    } else if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(gcp.project)) {
        problems.push(problem("gcp.project", gcp.project, "a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter"));
    }
    if (!(GCP_REGIONS as readonly string[]).includes(gcp.region)) {
        problems.push(problem("gcp.region", gcp.region, `a GCP region: ${GCP_REGIONS.join(", ")}`));
    }
    const prefix = Number(settings.network.cidr.split("/")[1]);
    if (!(prefix <= 22)) {
        problems.push(problem("network.cidr", settings.network.cidr, "a private range of /22 or larger (a /24 for the search VMs and a /23 for Cloud Run Direct VPC egress)"));
    }

    for (const s of settings.services) {
        const at = (k: string) => `services.${s.name}.${k}`;
        const cpuOk = (s.cpu >= 0.08 && s.cpu < 1 && Math.round(s.cpu * 1000) === s.cpu * 1000) || RUN_WHOLE_CPUS.includes(s.cpu);
        if (!cpuOk) {
            problems.push(problem(at("cpu"), s.cpu, `a Cloud Run vCPU value: 0.08 to <1 (steps of 0.001) or one of ${RUN_WHOLE_CPUS.join(", ")}`));
        } else if (!s.public && s.cpu < 1) {
            // A worker pool's instance has at least 1 vCPU; a called worker is a service with CPU
            // always allocated (instance-based billing), and fractional vCPU needs request-based.
            problems.push(problem(at("cpu"), s.cpu, `at least 1 vCPU for an internal worker on GCP (a Cloud Run worker pool, or a service with CPU always allocated when others call it): ${RUN_WHOLE_CPUS.join(", ")}`));
        } else if (s.memoryMb < runMemoryMinMb(s.cpu) || s.memoryMb > RUN_MEMORY_MAX_MB) {
            problems.push(problem(at("memoryMb"), s.memoryMb, `${runMemoryMinMb(s.cpu)} to ${RUN_MEMORY_MAX_MB} MiB on Cloud Run (with ${s.cpu} vCPU)`));
        } else if (s.memoryMb < (s.cpu >= 6 ? 4096 : s.cpu >= 4 ? 2048 : 0)) {
            problems.push(problem(at("memoryMb"), s.memoryMb, `at least ${s.cpu >= 6 ? 4096 : 2048} MiB with ${s.cpu} vCPU on Cloud Run`));
        } else if (s.cpu < runMinCpuForMemory(s.memoryMb)) {
            problems.push(problem(at("cpu"), s.cpu, `at least ${runMinCpuForMemory(s.memoryMb)} vCPU for ${s.memoryMb} MiB on Cloud Run`));
        }
        if (s.replicas.max > 1000) {
            problems.push(problem(at("replicas.max"), s.replicas.max, "at most 1000 Cloud Run instances"));
        }
    }
    if (settings.database && !(settings.database.version in SQL_VERSIONS)) {
        problems.push(problem("database.version", settings.database.version, `a Cloud SQL PostgreSQL version: ${Object.keys(SQL_VERSIONS).join(", ")}`));
    }
    if (settings.database) {
        const tier = SQL_TIERS[settings.database.size];
        const buffers = sharedBuffersBound(settings.database.parameters.shared_buffers, tier.memoryMb, `${tier.tier} (database.size ${settings.database.size})`);
        if (buffers) {
            problems.push(problem("database.parameters.shared_buffers", settings.database.parameters.shared_buffers, buffers));
        }
        for (const [key, share] of Object.entries(SQL_MEMORY_SHARES)) {
            const bound = memoryShareBound(settings.database.parameters[key], tier.memoryMb, share, `${tier.tier} (database.size ${settings.database.size})`);
            if (bound) {
                problems.push(problem(`database.parameters.${key}`, settings.database.parameters[key], bound));
            }
        }
    }
    if (settings.database && settings.database.storageGb < 10) {
        problems.push(problem("database.storageGb", settings.database.storageGb, "at least 10 GB on Cloud SQL"));
    }
    if (settings.cache && !(settings.cache.version in REDIS_VERSIONS)) {
        problems.push(problem("cache.version", settings.cache.version, `a Memorystore for Redis version: ${Object.keys(REDIS_VERSIONS).join(", ")} (it stops at Redis 7.2)`));
    }
    if (settings.search && !(settings.search.version in OPENSEARCH_NODE_IMAGES)) {
        problems.push(problem("search.version", settings.search.version, `an OpenSearch version with a pinned image: ${Object.keys(OPENSEARCH_NODE_IMAGES).join(", ")}`));
    }
    if (settings.search && settings.search.nodes > 1 && settings.search.nodes % 2 === 0) {
        problems.push(problem("search.nodes", settings.search.nodes, "1 or an odd number of nodes (cluster-manager quorum)"));
    }
    // What this target's edge cannot honour (providers/gcp/edge.ts).
    problems.push(...edgeProblems(settings, gcpEdge));
    const naming = new Naming(settings.project, settings.stack, gcp.project ?? "");
    const backendServiceUrl = (service: string) => `https://www.googleapis.com/compute/v1/projects/${gcp.project}/global/backendServices/${naming.resource(`be-${service}`)}`;
    const lb = settings.loadBalancer;
    const urlMap = urlMapBytes(naming.resource("urlmap"), lb?.routes ?? [], backendServiceUrl, lb && { lb, https: lb.domain !== undefined });
    if (urlMap > URL_MAP_MAX_BYTES) {
        problems.push(problem("loadBalancer.routes", `a URL map of ${urlMap} bytes`, `routes whose URL map stays within 1 MB (${URL_MAP_MAX_BYTES} bytes) on a global external Application Load Balancer: fewer routes, hosts or shorter paths`));
    }
    return problems;
}

/** What Cloud Run jobs cannot run as configured: the CPU and memory combinations of Cloud Run (sizes.ts). */
export function validateJobs(settings: Settings): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const job of settings.jobs) {
        const at = (k: string) => `jobs.${job.name}.${k}`;
        const cpuOk = (job.cpu >= 0.08 && job.cpu < 1 && Math.round(job.cpu * 1000) === job.cpu * 1000) || RUN_WHOLE_CPUS.includes(job.cpu);
        if (!cpuOk) {
            problems.push(problem(at("cpu"), job.cpu, `a Cloud Run vCPU value: 0.08 to <1 (steps of 0.001) or one of ${RUN_WHOLE_CPUS.join(", ")}`));
        } else if (job.memoryMb < runMemoryMinMb(job.cpu) || job.memoryMb > RUN_MEMORY_MAX_MB) {
            problems.push(problem(at("memoryMb"), job.memoryMb, `${runMemoryMinMb(job.cpu)} to ${RUN_MEMORY_MAX_MB} MiB on Cloud Run (with ${job.cpu} vCPU)`));
        } else if (job.cpu < runMinCpuForMemory(job.memoryMb)) {
            problems.push(problem(at("cpu"), job.cpu, `at least ${runMinCpuForMemory(job.memoryMb)} vCPU for ${job.memoryMb} MiB on Cloud Run`));
        }
    }
    return problems;
}
