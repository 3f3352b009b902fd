import { Cloud } from "./settings";

/**
 * The PostgreSQL parameters a stack may set (`database.parameters`), with what every target
 * accepts and what each cloud cannot set. Values are in the parameter's base unit, the one
 * `pg_settings.unit` shows and the one RDS parameter groups, Cloud SQL flags and Azure server
 * configurations take as bare numbers (PostgreSQL docs, "Resource Consumption": a value without
 * units is taken as blocks for shared_buffers/effective_cache_size/wal_buffers, kB for the
 * `*_mem` settings, MB for the WAL sizes, ms for the timeouts). The local target passes the same
 * values as `postgres -c name=value`.
 *
 * Sources of the per-cloud facts: RDS "Working with parameters on your RDS for PostgreSQL DB
 * instance" (every name below is modifiable in a custom group; `shared_preload_libraries` takes
 * a list); Cloud SQL "Configure database flags" (supported flags: no `shared_preload_libraries`,
 * Cloud SQL preloads pg_stat_statements itself); Azure "Server parameters in Azure Database for
 * PostgreSQL flexible server" (all names below are user-configurable; `shared_preload_libraries`
 * takes names from its allowed list). `shared_buffers` is checked against the memory of the
 * chosen size in providers/<cloud>/validate.ts (a server whose shared buffers exceed its memory
 * does not start); a cloud's own ceilings as shares of the size's memory are in
 * providers/<cloud>/sizes.ts (Cloud SQL: effective_cache_size) and checked with memoryShareBound.
 */
export interface ParameterRule {
    accepted: string;
    check: (v: number | string) => boolean;
    /** PostgreSQL reads it only at server start: a change applies after a restart. */
    restart?: true;
    /** Clouds that cannot set it, and why (a config error there). */
    notOn?: Partial<Record<Cloud, string>>;
}

const int = (min: number, max: number, unit: string) => ({
    accepted: `${unit} from ${min} to ${max}`,
    check: (v: number | string) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max,
});
const real = (min: number, max: number) => ({ accepted: `a number from ${min} to ${max}`, check: (v: number | string) => typeof v === "number" && v >= min && v <= max });
const onOff = { accepted: "on or off", check: (v: number | string) => ["on", "off"].includes(String(v)) };

/** Libraries a stack may preload: pg_stat_statements (needed by the extension) and auto_explain. */
export const PRELOAD_LIBRARIES = ["pg_stat_statements", "auto_explain"] as const;

export const DATABASE_PARAMETERS: Record<string, ParameterRule> = {
    max_connections: { ...int(25, 5000, "an integer"), restart: true },
    log_min_duration_statement: int(-1, 3600000, "milliseconds (-1 off)"),
    statement_timeout: int(0, 86400000, "milliseconds (0 off)"),
    idle_in_transaction_session_timeout: int(0, 86400000, "milliseconds (0 off)"),
    work_mem: int(64, 2097151, "kB"),
    maintenance_work_mem: int(1024, 2097151, "kB"),
    log_statement: { accepted: "one of none, ddl, mod, all", check: (v) => ["none", "ddl", "mod", "all"].includes(String(v)) },
    log_connections: onOff,
    log_disconnections: onOff,
    log_lock_waits: onOff,
    // The tuning the deployment guides set.
    shared_buffers: { ...int(16, 1073741823, "8 kB blocks"), restart: true },
    effective_cache_size: int(1, 2147483647, "8 kB blocks"),
    wal_buffers: { ...int(8, 262143, "8 kB blocks"), restart: true },
    min_wal_size: int(32, 2147483647, "MB"),
    max_wal_size: int(32, 2147483647, "MB"),
    checkpoint_completion_target: real(0, 1),
    default_statistics_target: int(1, 10000, "an integer"),
    random_page_cost: real(0, 1000),
    effective_io_concurrency: int(0, 1000, "an integer"),
    shared_preload_libraries: {
        accepted: `a comma-separated list drawn from ${PRELOAD_LIBRARIES.join(", ")}`,
        check: (v) => typeof v === "string" && v.split(",").every((l) => (PRELOAD_LIBRARIES as readonly string[]).includes(l.trim())),
        restart: true,
        notOn: { gcp: "Cloud SQL has no shared_preload_libraries flag: it preloads pg_stat_statements itself (list it in database.extensions)" },
    },
};

/**
 * The parameters a server gets: the preset's and the user's, with `pg_stat_statements` added to
 * `shared_preload_libraries` when the extension is listed (CREATE EXTENSION works without the
 * preload, but every query of the view fails: "pg_stat_statements must be loaded via
 * shared_preload_libraries"). Not on GCP, where Cloud SQL preloads it and has no such flag.
 */
export function withPreloads(parameters: Record<string, number | string>, extensions: readonly string[], cloud: Cloud): Record<string, number | string> {
    if (!extensions.includes("pg_stat_statements") || cloud === "gcp") {
        return parameters;
    }
    const listed = typeof parameters.shared_preload_libraries === "string" ? parameters.shared_preload_libraries.split(",").map((l) => l.trim()).filter(Boolean) : [];
    const libraries = [...new Set([...listed, "pg_stat_statements"])].sort();
    return { ...parameters, shared_preload_libraries: libraries.join(",") };
}

/**
 * `shared_buffers` against the memory (MiB) of the server the size gives: what the accepted
 * range is when the value does not fit, undefined when it does.
 */
export function sharedBuffersBound(value: number | string | undefined, memoryMb: number, server: string): string | undefined {
    if (typeof value !== "number") return undefined;
    const max = Math.floor((memoryMb * 1024) / 8);
    return value > max ? `8 kB blocks from 16 to ${max}: no more than the ${memoryMb} MiB of memory of ${server} (25 % of it, ${Math.floor(max / 4)}, is PostgreSQL's usual starting point); nearest accepted: ${max}` : undefined;
}

/** An integer range a cloud narrows a parameter to: the accepted range (with the nearest value) when outside it. */
export function rangeBound(value: number | string | undefined, range: { min: number; max: number; unit: string }, where: string): string | undefined {
    if (typeof value !== "number") return undefined;
    return value < range.min || value > range.max ? `${range.unit} from ${range.min} to ${range.max} on ${where}; nearest accepted: ${value < range.min ? range.min : range.max}` : undefined;
}

/**
 * A parameter in 8 kB blocks against the share of the server's memory a cloud accepts for it:
 * the accepted range when the value is outside it, undefined when inside. The bounds are rounded
 * inwards (a value on the edge the cloud may compute differently is refused here, not there).
 */
export function memoryShareBound(value: number | string | undefined, memoryMb: number, share: { minPercent: number; maxPercent: number; source: string }, server: string): string | undefined {
    if (typeof value !== "number") return undefined;
    const blocks = (memoryMb * 1024) / 8;
    const min = Math.ceil((blocks * share.minPercent) / 100);
    const max = Math.floor((blocks * share.maxPercent) / 100);
    return value < min || value > max
        ? `8 kB blocks from ${min} to ${max} on ${server}: ${share.minPercent} % to ${share.maxPercent} % of its ${memoryMb} MiB of memory (${share.source}); nearest accepted: ${value < min ? min : max}`
        : undefined;
}
