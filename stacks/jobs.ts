import { ConfigProblem, problem } from "./errors";
import { CRON_ACCEPTED, isCron, isTimeZone, parseCron } from "./cron";
import { callees, isReservedEnvName, Parts, pushDatabaseTlsClashes, pushDuplicates, pushSearchIndicesWithoutSearch, pushUrlClashes, resolveUses, wiredNames, wiringTarget } from "./load-settings";
import { PRESETS } from "./presets";
import { RawConfig, TopLevelKey } from "./schema";
import { Environment, JobSettings, JobTrigger, ServiceSettings, ServiceUses } from "./settings";

/** Bounds of one run when config gives none: a migration should be quick; scheduled work may take longer. */
export const DEFAULT_JOB_TIMEOUT_MINUTES = { beforeDeploy: 10, schedule: 60 } as const;
/** Further attempts after a failed scheduled run when config gives none. */
export const DEFAULT_JOB_RETRIES = 1;

/**
 * `jobs.<name>` → JobSettings. Same rules as a service for image, env, secrets and `uses`; plus
 * exactly one of `run: beforeDeploy` (with `gates`, default: the services that use the same
 * database, or every service when the job uses none, except the services it calls) or `schedule`
 * (a cron that parses, a time zone this runtime knows). `service:<name>` calls a service as a
 * service does. Every problem is collected; nothing is registered.
 */
export function resolveJobs(
    raw: RawConfig,
    env: Environment,
    services: ServiceSettings[],
    parts: Parts,
    failed: Set<TopLevelKey>,
    problems: ConfigProblem[],
): JobSettings[] {
    const preset = PRESETS[env];
    const serviceNames = Object.keys(raw.services ?? {});
    const accepted = `the name of a service: ${serviceNames.join(", ") || "(none configured)"}`;
    const jobs = Object.entries(raw.jobs ?? {}).map(([name, j]) => {
        const at = (k: string) => `jobs.${name}.${k}`;
        if (serviceNames.includes(name)) {
            problems.push(problem(`jobs.${name}`, name, "a name no service has (a job gets its own identity, network access and log stream under its name)"));
        }

        let image: JobSettings["image"] = { kind: "ref", ref: "" };
        const given = [j.image !== undefined, j.build !== undefined, j.service !== undefined].filter(Boolean).length;
        if (given !== 1) {
            problems.push(
                problem(`jobs.${name}`, { image: j.image, build: j.build, service: j.service }, "exactly one of image (a reference), build (a Dockerfile context) or service (the name of a service whose image it runs)"),
            );
        } else if (j.image !== undefined) {
            image = { kind: "ref", ref: j.image };
        } else if (j.build !== undefined) {
            image = { kind: "build", context: j.build.context, dockerfile: j.build.dockerfile ?? "Dockerfile", args: j.build.args ?? {} };
        } else if (!serviceNames.includes(j.service!)) {
            problems.push(problem(at("service"), j.service, accepted));
        } else {
            const source = services.find((s) => s.name === j.service);
            if (source) image = source.image;
            if (j.command === undefined) {
                problems.push(problem(at("command"), undefined, `a command (required with service: the image's own command starts ${j.service}, which never completes)`));
            }
        }


        const env_ = Object.fromEntries(Object.entries(j.env ?? {}).map(([k, v]) => [k, String(v)]));
        const secrets = j.secrets ?? [];
        pushDuplicates(at("secrets"), secrets, problems);
        for (const k of Object.keys(env_)) {
            if (isReservedEnvName(k)) problems.push(problem(at(`env.${k}`), k, "a name the topology does not wire itself (it sets connection variables from `uses`)"));
        }
        for (const k of secrets) {
            if (isReservedEnvName(k)) problems.push(problem(at("secrets"), k, "a name the topology does not wire itself (it sets connection variables from `uses`)"));
            if (k in env_) problems.push(problem(at(`env.${k}`), env_[k], `a variable not also listed in jobs.${name}.secrets`));
        }
        for (const k of j.notSecrets ?? []) {
            if (!(k in env_)) problems.push(problem(at("notSecrets"), k, `a name set in jobs.${name}.env (it says that plain value is public)`));
        }
        const uses = resolveUses(name, j.uses ?? [], parts, callees(raw), failed, problems, `jobs.${name}`);
        pushUrlClashes(at, "job", j.uses ?? [], uses, [...Object.keys(env_), ...secrets], wiringTarget(raw), problems);
        pushDatabaseTlsClashes(at, "job", [...Object.keys(env_), ...secrets], env_, uses, wiringTarget(raw), problems);
        const trigger = resolveTrigger(name, j, uses, services, serviceNames, problems);
        const have = new Set([...Object.keys(env_), ...secrets, ...wiredNames(uses, wiringTarget(raw))]);
        for (const [k, source] of Object.entries(j.envFrom ?? {})) {
            if (have.has(k) || isReservedEnvName(k)) {
                problems.push(problem(at(`envFrom.${k}`), source, `a name of your own, not one the job already has or the topology sets (${k})`));
            } else if (!have.has(source)) {
                problems.push(problem(at(`envFrom.${k}`), source, `a variable this job is given: ${[...have].sort().join(", ") || "(none: it uses nothing and sets no env)"}`));
            }
        }

        const job: JobSettings = {
            name,
            image,
            cpu: j.cpu ?? preset.cpu,
            memoryMb: j.memoryMb ?? preset.memoryMb,
            env: env_,
            secrets,
            uses,
            timeoutMinutes: j.timeoutMinutes ?? DEFAULT_JOB_TIMEOUT_MINUTES[trigger.kind],
            trigger,
        };
        if (j.service !== undefined) job.imageOf = j.service;
        if (j.command !== undefined) job.command = j.command;
        if (j.notSecrets !== undefined && j.notSecrets.length > 0) job.notSecrets = j.notSecrets;
        if (j.envFrom !== undefined && Object.keys(j.envFrom).length > 0) job.envFrom = j.envFrom;
        if (j.searchIndices !== undefined) {
            if (uses.search) job.searchIndices = j.searchIndices;
            else pushSearchIndicesWithoutSearch(at("searchIndices"), j.searchIndices, parts.search, problems);
        }
        return job;
    });
    pushCallCycles(jobs, raw, problems);
    return jobs;
}

/** A workload of the stack, as `workloadOrder` and the cycle check name it. */
export type Workload = { kind: "service"; name: string } | { kind: "job"; name: string };

/**
 * What must be deployed before a workload: a service waits for the before-deploy runs that gate
 * it; a job waits for the services it calls (a before-deploy run reaches them while it runs, so
 * they must be up first; a scheduled job follows the same order, harmless).
 */
function prerequisites(w: Workload, jobs: Pick<JobSettings, "name" | "uses" | "trigger">[]): Workload[] {
    if (w.kind === "service") {
        return jobs.filter((j) => j.trigger.kind === "beforeDeploy" && j.trigger.gates.includes(w.name)).map((j) => ({ kind: "job", name: j.name }));
    }
    return jobs.find((j) => j.name === w.name)!.uses.services.map((s) => ({ kind: "service", name: s }));
}

const label = (w: Workload) => `${w.kind === "service" ? "services" : "jobs"}.${w.name}`;

/**
 * A before-deploy job that calls a service which itself waits for that job's run (it gates the
 * callee, directly or through other jobs) could never run: the problem is reported on the call,
 * with the chain.
 */
function pushCallCycles(jobs: JobSettings[], raw: RawConfig, problems: ConfigProblem[]) {
    for (const job of jobs) {
        if (job.trigger.kind !== "beforeDeploy") continue;
        for (const callee of job.uses.services) {
            const chain = pathTo({ kind: "service", name: callee }, { kind: "job", name: job.name }, jobs, new Set());
            if (!chain) continue;
            const i = (raw.jobs?.[job.name]?.uses ?? []).indexOf(`service:${callee}`);
            const how = [{ kind: "job", name: job.name } as Workload, ...chain].map(label).join(" → ");
            problems.push(
                problem(
                    `jobs.${job.name}.uses[${i}]`,
                    `service:${callee}`,
                    `a service that does not wait for this job's run: it runs after the services it calls are up, and ${callee} rolls out after it (${how}, where → reads "waits for"); leave ${callee} out of jobs.${job.name}.gates`,
                ),
            );
        }
    }
}

/** The chain of prerequisites from `from` to `to` (inclusive of both), or undefined. */
function pathTo(from: Workload, to: Workload, jobs: JobSettings[], seen: Set<string>): Workload[] | undefined {
    if (from.kind === to.kind && from.name === to.name) return [from];
    if (seen.has(label(from))) return undefined;
    seen.add(label(from));
    for (const next of prerequisites(from, jobs)) {
        const rest = pathTo(next, to, jobs, seen);
        if (rest) return [from, ...rest];
    }
    return undefined;
}

/**
 * The order the topology creates services and jobs in: each after what it waits for (see
 * `prerequisites`), otherwise in config order (services first). Config validation has refused
 * every cycle, so the order exists.
 */
export function workloadOrder(services: Pick<ServiceSettings, "name">[], jobs: Pick<JobSettings, "name" | "uses" | "trigger">[]): Workload[] {
    const all: Workload[] = [...services.map((s) => ({ kind: "service" as const, name: s.name })), ...jobs.map((j) => ({ kind: "job" as const, name: j.name }))];
    const out: Workload[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (w: Workload) => {
        const key = label(w);
        if (state.get(key) === "done") return;
        if (state.get(key) === "visiting") throw new Error(`workloadOrder: ${key} waits for itself (config validation refuses this)`);
        state.set(key, "visiting");
        prerequisites(w, jobs).forEach(visit);
        state.set(key, "done");
        out.push(w);
    };
    all.forEach(visit);
    return out;
}

type RawJob = NonNullable<RawConfig["jobs"]>[string];

function resolveTrigger(name: string, j: RawJob, uses: ServiceUses, services: ServiceSettings[], serviceNames: string[], problems: ConfigProblem[]): JobTrigger {
    const at = (k: string) => `jobs.${name}.${k}`;
    if ((j.run === undefined) === (j.schedule === undefined)) {
        problems.push(problem(`jobs.${name}`, { run: j.run, schedule: j.schedule }, "exactly one of run: beforeDeploy (before the gated services roll out) or schedule: '<cron>'"));
    }
    if (j.schedule !== undefined) {
        for (const k of ["gates"] as const) {
            if (j[k] !== undefined) problems.push(problem(at(k), j[k], "only with run: beforeDeploy (a scheduled job gates nothing)"));
        }
        const parsed = parseCron(j.schedule);
        if (!isCron(parsed)) {
            problems.push(problem(at("schedule"), j.schedule, `${CRON_ACCEPTED} (this one ${parsed.error})`));
        }
        const timeZone = j.timeZone ?? "UTC";
        if (!isTimeZone(timeZone)) {
            problems.push(problem(at("timeZone"), timeZone, "an IANA time zone name like UTC, Europe/Berlin or America/New_York"));
        }
        return { kind: "schedule", cron: j.schedule, timeZone, retries: j.retries ?? DEFAULT_JOB_RETRIES };
    }
    for (const k of ["timeZone", "retries"] as const) {
        if (j[k] !== undefined) problems.push(problem(at(k), j[k], "only with schedule (a before-deploy run fails the deploy instead of retrying)"));
    }
    let gates: string[];
    if (j.gates !== undefined) {
        pushDuplicates(at("gates"), j.gates, problems);
        j.gates.forEach((g, i) => {
            if (!serviceNames.includes(g)) problems.push(problem(`${at("gates")}[${i}]`, g, `the name of a service: ${serviceNames.join(", ") || "(none configured)"}`));
        });
        gates = [...new Set(j.gates)];
    } else {
        // Default: whoever reads the data the job changes (the services on the same logical
        // database), or every service when the job uses no database; never a service the job
        // calls (it must be up before the run).
        gates = services.filter((s) => (uses.database === undefined || s.uses.database === uses.database) && !uses.services.includes(s.name)).map((s) => s.name);
    }
    return { kind: "beforeDeploy", gates };
}
