import { Finding, StackView } from "./model";

/**
 * `least-privilege-data`: no container service or job receives the admin credentials of a data
 * part (database or search cluster). A workload is every resource under a `ContainerService` or `Job` component (its URN's
 * type chain); its plain environment is read by each target's extractor, and each target says
 * who its admins are (`AdminsOf`). Passwords are copied into each workload's own secret store
 * entry, which a policy cannot read, so the user name is the mark: a workload variable whose name
 * says it holds a user (`USER`, `LOGIN`) and whose value is an admin's name —
 * `DB_USER`, `ELASTICSEARCH_USERNAME`, or a copy under the app's own name (`envFrom`).
 */

/** A workload resource's plain environment, by the target's resource types. */
export type EnvExtractor = (props: Record<string, any>) => { name: string; value: unknown }[];
/**
 * The admin user names of the stack's data parts, as the target's resources show them; `own` says
 * what a workload gets instead (its own user).
 */
export type AdminsOf = (stack: StackView) => { username: string; what: string; own?: string }[];

const USER_NAME = /USER|LOGIN/i;

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>`: the chain holds every ancestor's type. */
export function under(urn: string, componentType: string): boolean {
    return (urn.split("::")[2] ?? "").includes(`${componentType}$`);
}
function workloadKind(urn: string): "service" | "job" | undefined {
    return under(urn, "anycloud:index:ContainerService") ? "service" : under(urn, "anycloud:index:Job") ? "job" : undefined;
}

/**
 * The self-managed clusters' admin (GCP, Azure: internal_users.yml of components/opensearch;
 * local: the image's demo `admin`), present whenever the stack has a search cluster.
 */
export const SELF_MANAGED_SEARCH_ADMIN = "admin";
export const SEARCH_ADMIN = "the search cluster's admin user";
export const selfManagedSearchAdmin: AdminsOf = (stack) =>
    stack.resources.some((r) => under(r.urn, "anycloud:index:SearchCluster")) ? [{ username: SELF_MANAGED_SEARCH_ADMIN, what: SEARCH_ADMIN }] : [];

/**
 * The database's admin login (`database.username`), as each target's resources show it. The
 * program's own init step connects as it, under the Database component (not a workload); services
 * and jobs get their database's role (`DB_USER` `<database>_owner`, components/database-init.ts).
 */
export const DATABASE_ADMIN = "the database's admin user";
const DATABASE_OWN = "DB_USER <database>_owner";
const adminField =
    (type: string, field: string): AdminsOf =>
    (stack) =>
        stack.ofType(type).flatMap((r) => (typeof r.props?.[field] === "string" && r.props[field].length > 0 ? [{ username: r.props[field] as string, what: DATABASE_ADMIN, own: DATABASE_OWN }] : []));
/** AWS: the RDS master user (read replicas carry their source's). */
export const rdsMasterUser: AdminsOf = adminField("aws:rds/instance:Instance", "username");
/** GCP: the built-in user the program creates (roles are made in SQL by the init job, never as `sql.User`). */
export const cloudSqlAdmin: AdminsOf = adminField("gcp:sql/user:User", "name");
/** Azure: the Flexible Server's administrator login. */
export const flexibleServerAdmin: AdminsOf = adminField("azure-native:dbforpostgresql:Server", "administratorLogin");
/** Local: `POSTGRES_USER` of the PostgreSQL container (the Database component's). */
export const postgresContainerAdmin: AdminsOf = (stack) =>
    stack
        .ofType("docker:index/container:Container")
        .filter((r) => under(r.urn, "anycloud:index:Database"))
        .flatMap((r) => dockerEnv(r.props ?? {}))
        .filter((e) => e.name === "POSTGRES_USER" && typeof e.value === "string" && e.value.length > 0)
        .map((e) => ({ username: e.value as string, what: DATABASE_ADMIN, own: DATABASE_OWN }));

export function leastPrivilegeData(extractors: Record<string, EnvExtractor>, ...adminSources: AdminsOf[]): (stack: StackView) => Finding[] {
    return (stack) => {
        const admins = adminSources.flatMap((a) => a(stack)).filter((a) => a.username.length > 0);
        if (admins.length === 0) return [];
        const findings: Finding[] = [];
        for (const r of stack.resources) {
            const extract = extractors[r.type];
            const kind = workloadKind(r.urn);
            if (!extract || !kind) continue;
            for (const e of extract(r.props ?? {})) {
                const admin = admins.find((a) => a.username === e.value);
                if (admin && USER_NAME.test(e.name)) {
                    findings.push({
                        urn: r.urn,
                        message: `${kind} ${r.name}: ${e.name} is ${admin.what} (${admin.username}); a workload gets its own user (${admin.own ?? "ELASTICSEARCH_USERNAME svc-<name>"}), admin credentials stay with the program`,
                    });
                }
            }
        }
        return findings;
    };
}

export const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const parsed = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
};
const nameValue = (e: any) => ({ name: String(e?.name ?? ""), value: e?.value });

/** ECS task definition: `containerDefinitions` (a JSON document) → each container's `environment`. */
export const ecsEnv: EnvExtractor = (p) => list(parsed(p.containerDefinitions)).flatMap((c) => list(c?.environment).map(nameValue));
/** Cloud Run service / worker pool: `template.containers[].envs`. */
export const cloudRunEnv: EnvExtractor = (p) => list(p.template?.containers).flatMap((c) => list(c?.envs).map(nameValue));
/** Cloud Run job: `template.template.containers[].envs`. */
export const cloudRunJobEnv: EnvExtractor = (p) => list(p.template?.template?.containers).flatMap((c) => list(c?.envs).map(nameValue));
/** Container app / Container Apps job: `template.containers[].env` (and init containers). */
export const containerAppEnv: EnvExtractor = (p) => [...list(p.template?.containers), ...list(p.template?.initContainers)].flatMap((c) => list(c?.env).map(nameValue));
/** Docker container: `envs` as `NAME=value`. */
export const dockerEnv: EnvExtractor = (p) =>
    list(p.envs)
        .filter((e): e is string => typeof e === "string")
        .map((e) => ({ name: e.slice(0, Math.max(0, e.indexOf("="))), value: e.slice(e.indexOf("=") + 1) }));
