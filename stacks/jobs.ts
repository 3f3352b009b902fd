import { ConfigProblem, problem } from "./errors";
import { CRON_ACCEPTED, isCron, isTimeZone, parseCron } from "./cron";
import { isReservedEnvName, Parts, pushDuplicates, resolveUses, wiredNames } from "./load-settings";
import { PRESETS } from "./presets";
import { RawConfig, TopLevelKey } from "./schema";
import { Environment, JobSettings, JobTrigger, ServiceSettings } from "./settings";

/** Bounds of one run when config gives none: a migration should be quick; scheduled work may take longer. */
export const DEFAULT_JOB_TIMEOUT_MINUTES = { beforeDeploy: 10, schedule: 60 } as const;
/** Further attempts after a failed scheduled run when config gives none. */
export const DEFAULT_JOB_RETRIES = 1;

/**
 * `jobs.<name>` → JobSettings. Same rules as a service for image, env, secrets and `uses`; plus
 * exactly one of `run: beforeDeploy` (with `gates`, default: the services that use the same
 * database, or every service when the job uses none) or `schedule` (a cron that parses, a time
 * zone this runtime knows). Every problem is collected; nothing is registered.
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
    return Object.entries(raw.jobs ?? {}).map(([name, j]) => {
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
        const uses = resolveUses(name, j.uses ?? [], parts, undefined, failed, problems, `jobs.${name}`);
        const trigger = resolveTrigger(name, j, uses.database, services, serviceNames, problems);
        const have = new Set([...Object.keys(env_), ...secrets, ...wiredNames(uses, raw.cloud ?? "local")]);
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
        return job;
    });
}

type RawJob = NonNullable<RawConfig["jobs"]>[string];

function resolveTrigger(name: string, j: RawJob, database: string | undefined, services: ServiceSettings[], serviceNames: string[], problems: ConfigProblem[]): JobTrigger {
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
        // database), or every service when the job uses no database.
        gates = services.filter((s) => database === undefined || s.uses.database === database).map((s) => s.name);
    }
    return { kind: "beforeDeploy", gates };
}
