import { ConfigProblem, problem } from "./errors";

/**
 * Names the program gives its own parts (components/topology.ts: `foundation`, `network`,
 * `database`, `cache`, `search`, `storage`, `lb`). A service, job or bucket under one of them
 * shares their resource names: locally the Docker network alias of the PostgreSQL or MinIO
 * container (`database`, `storage`) and the load balancer's container name (`lb`), on AWS the
 * CloudWatch alarm names (`database-cpu`). Two more are the AWS log groups of data parts, in the
 * path a service's log group takes (`/<project>/<stack>/<service>`): `cache-slow-log` and
 * `search-audit-logs` (the search cluster's other groups are longer than a service name).
 * test/physical-names.spec.ts plans configs whose services carry every name the program gives
 * a resource, on every target, and fails when two resources get one physical name.
 */
export const RESERVED_PART_NAMES = ["foundation", "network", "database", "cache", "search", "storage", "lb", "cache-slow-log", "search-audit-logs"] as const;

/** The search VMs on GCP and Azure are `search-node-<n>` (their alerts `search-node-<n>-cpu`, like a service's). */
export const RESERVED_NAME_PATTERNS: readonly { pattern: RegExp; text: string }[] = [{ pattern: /^search-node-\d+$/, text: "search-node-<n>" }];

export function isReservedPartName(name: string): boolean {
    return (RESERVED_PART_NAMES as readonly string[]).includes(name) || RESERVED_NAME_PATTERNS.some((p) => p.pattern.test(name));
}

/**
 * Logical database names no target lets a stack create or own: PostgreSQL's own (`postgres`,
 * `template0`, `template1`: "Template Databases", PostgreSQL docs), RDS's `rdsadmin` (RDS
 * "Master user account privileges"), Cloud SQL's `cloudsqladmin` (Cloud SQL "About users"),
 * Azure Flexible Server's `azure_maintenance` and `azure_sys` (Azure "Databases in Flexible
 * Server"). Checked 2026-11. A stack moves between targets by config alone, so each is refused
 * on every target.
 */
export const RESERVED_DATABASE_NAMES = ["postgres", "template0", "template1", "rdsadmin", "cloudsqladmin", "azure_maintenance", "azure_sys"] as const;

/**
 * Role names the targets reserve for the admin user: Azure Flexible Server refuses
 * `azure_superuser`, `azure_pg_admin`, `admin`, `administrator`, `root`, `guest`, `public` and
 * any `pg_` name (Azure "Create a server": administrator login rules); RDS `rdsadmin`,
 * `rdsrepladmin` and the `rds_` roles; Cloud SQL its `cloudsql` roles; PostgreSQL reserves
 * `pg_` for itself ("Predefined roles"). Checked 2026-11.
 */
export const RESERVED_USER_NAMES = ["admin", "administrator", "root", "postgres", "guest", "public", "azure_superuser", "azure_pg_admin", "rdsadmin", "rdsrepladmin", "cloudsqladmin", "cloudsqlsuperuser", "cloudsqlagent"] as const;
export const RESERVED_USER_PREFIXES = ["pg_", "rds_", "cloudsql", "azure_"] as const;

const PARTS_RULE = `a name other than those the program gives its own parts (${[...RESERVED_PART_NAMES, ...RESERVED_NAME_PATTERNS.map((p) => p.text)].join(", ")}): they would share resource names (network aliases, alarm and container names)`;

/**
 * Every name a user gives something the program deploys under its own name: the keys of
 * `services`, `jobs` (any map of named things a key adds later is listed here) and the bucket
 * names (a list or a map).
 */
export function reservedPartProblems(raw: Record<string, unknown>): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const named = (names: string[], at: (n: string, i: number) => string) =>
        names.forEach((n, i) => {
            if (isReservedPartName(n)) out.push(problem(at(n, i), n, PARTS_RULE));
        });
    for (const key of ["services", "jobs"]) {
        const value = raw[key];
        if (value !== null && typeof value === "object" && !Array.isArray(value)) named(Object.keys(value), (n) => `${key}.${n}`);
    }
    const buckets = raw.buckets;
    if (Array.isArray(buckets)) named(buckets as string[], (_, i) => `buckets[${i}]`);
    else if (buckets !== null && typeof buckets === "object") named(Object.keys(buckets), (n) => `buckets.${n}`);
    return out;
}

export const DATABASE_NAME_RULE = `a database name other than those PostgreSQL or a target reserves (${RESERVED_DATABASE_NAMES.join(", ")})`;

export function isReservedUserName(name: string): boolean {
    return (RESERVED_USER_NAMES as readonly string[]).includes(name) || RESERVED_USER_PREFIXES.some((p) => name.startsWith(p));
}

/** Each logical database's login role is `<database>_owner` (components/database-init.ts roleName). */
export const ROLE_NAME_RULE = `a database name of at most 57 characters that does not start with ${RESERVED_USER_PREFIXES.join(", ")}: its login role <name>_owner must be a PostgreSQL role name (at most 63 bytes) no target reserves`;
export const USER_NAME_RULE = `a user name other than those a target reserves (${RESERVED_USER_NAMES.join(", ")}, or starting with ${RESERVED_USER_PREFIXES.join(", ")})`;
