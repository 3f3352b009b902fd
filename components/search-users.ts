/**
 * The search cluster's per-workload users: what each service or job that `uses: search` gets
 * instead of the admin user, on every target. One role, `anycloud_app`, shared by these users:
 *
 * - index permissions `indices_all` on every index whose name does not start with a dot. Apps
 *   choose their own index names (an off-the-shelf image cannot be told to prefix them), so a
 *   per-service prefix would break them; every system and plugin index (the security index
 *   `.opendistro_security`, `.kibana`, `.opendistro-*`, `.plugins-*`, `.opensearch-*`) starts with
 *   a dot, so the role cannot touch them. A pattern between slashes is a Java regular expression
 *   matched against the whole name (opensearch-project/security `WildcardMatcher.from`:
 *   `pattern.startsWith("/") && pattern.endsWith("/")` → `RegexMatcher`, `matcher(..).matches()`).
 * - cluster permissions (static action groups, security `static_action_groups.yml`):
 *   `cluster_monitor` (`cluster:monitor/*`: health, stats, `GET /`), `cluster_composite_ops`
 *   (`_bulk`, `_mget`, `_msearch`, scroll, reindex, alias changes — which are also checked against
 *   the index patterns) and `cluster_manage_index_templates` (legacy, composable and component
 *   templates).
 * Not granted: the security REST API (reserved to `all_access`/`security_manager` through
 * `plugins.security.restapi.roles_enabled`, and on AWS to the master user's roles), snapshots and
 * repositories (`manage_snapshots`: `cluster:admin/snapshot/*`, `cluster:admin/repository/*`),
 * ingest pipelines and every other `cluster:admin/*` action.
 */

export const APP_ROLE = "anycloud_app";
export const APP_INDEX_PATTERNS = ["/[^.].*/"];
export const APP_CLUSTER_PERMISSIONS = ["cluster_monitor", "cluster_composite_ops", "cluster_manage_index_templates"];
export const APP_INDEX_ACTIONS = ["indices_all"];

/**
 * The attribute every user the program creates carries: the REST appliers (AWS, local) delete
 * users with it that no workload uses any more, and never touch a user without it.
 */
export const MANAGED_ATTRIBUTE = { key: "anycloud_managed", value: "true" } as const;

/** Special characters of a user's password: safe in JSON and shell without quoting, and a class the security plugin requires. */
export const USER_PASSWORD_SPECIAL = "-_.";

/** One workload's user (no password: that is a generated secret, kept in the cloud's secret store). */
export interface SearchUser {
    /** The service or job (names are unique across both). */
    workload: string;
    username: string;
}

/** `web` → `svc-web`: never the admin's name (`admin`, `anycloud-admin`), for services and jobs alike. */
export function searchUsername(workload: string): string {
    return `svc-${workload}`;
}

/** Prefix of every managed user name (what a REST applier may delete). */
export const USERNAME_PREFIX = "svc-";

/** The users of the workloads that use search, sorted (deterministic files and requests). */
export function searchUsers(clients: readonly string[]): SearchUser[] {
    return [...new Set(clients)].sort().map((workload) => ({ workload, username: searchUsername(workload) }));
}

/** The body of `PUT _plugins/_security/api/roles/anycloud_app` and the `anycloud_app` entry of roles.yml. */
export function appRole(): { description: string; cluster_permissions: string[]; index_permissions: { index_patterns: string[]; allowed_actions: string[] }[]; tenant_permissions: [] } {
    return {
        description: "anycloud: a workload's own user - read, write and manage ordinary (non-dot) indices, read cluster health; no security, no snapshots",
        cluster_permissions: [...APP_CLUSTER_PERMISSIONS],
        index_permissions: [{ index_patterns: [...APP_INDEX_PATTERNS], allowed_actions: [...APP_INDEX_ACTIONS] }],
        tenant_permissions: [],
    };
}

/** The body of `PUT _plugins/_security/api/rolesmapping/anycloud_app`: exactly these users. */
export function appRoleMapping(users: readonly SearchUser[]): { users: string[]; backend_roles: string[]; hosts: string[] } {
    return { users: users.map((u) => u.username), backend_roles: [], hosts: [] };
}

/** The user's entry apart from its credential (a `password` over the REST API, a bcrypt `hash` in internal_users.yml). */
export function userEntry(user: SearchUser): { backend_roles: string[]; attributes: Record<string, string>; description: string } {
    return { backend_roles: [], attributes: { [MANAGED_ATTRIBUTE.key]: MANAGED_ATTRIBUTE.value, workload: user.workload }, description: `anycloud: search user of ${user.workload}` };
}

/** A request of the REST appliers (AWS, local): method, path under the cluster URL, JSON body. */
export interface SecurityRequest {
    method: "PUT" | "DELETE" | "GET";
    path: string;
    body?: object;
}

export const SECURITY_API = "/_plugins/_security/api";

/**
 * What a REST applier sends, in order, to make the cluster hold exactly `users` (security plugin
 * REST API, opensearch-project/security `RolesApiAction`, `InternalUsersApiAction`,
 * `RolesMappingApiAction`: routes `PUT /_plugins/_security/api/{roles,internalusers,rolesmapping}/{name}`;
 * user keys `password`, `backend_roles`, `attributes`, `description`): the role, each user with
 * the password the applier reads from the secret store (`passwordOf`), then the role mapping;
 * every PUT replaces the whole entry, so a re-run is a no-op and a new password is set. Managed
 * users no workload uses any more are deleted by the applier after a `GET internalusers`
 * (`staleUsers`). The password is never in this plan: only the name of its variable or secret.
 */
export function securityRequests(users: readonly SearchUser[], passwordOf: (u: SearchUser) => string): SecurityRequest[] {
    return [
        { method: "PUT", path: `${SECURITY_API}/roles/${APP_ROLE}`, body: appRole() },
        ...users.map((u) => ({ method: "PUT" as const, path: `${SECURITY_API}/internalusers/${u.username}`, body: { password: passwordOf(u), ...userEntry(u) } })),
        { method: "PUT", path: `${SECURITY_API}/rolesmapping/${APP_ROLE}`, body: appRoleMapping(users) },
    ];
}

/** Users in a `GET _plugins/_security/api/internalusers` answer that the program made and no workload uses now. */
export function staleUsers(answer: Record<string, { attributes?: Record<string, string> }>, users: readonly SearchUser[]): string[] {
    const wanted = new Set(users.map((u) => u.username));
    return Object.entries(answer)
        .filter(([name, u]) => u.attributes?.[MANAGED_ATTRIBUTE.key] === MANAGED_ATTRIBUTE.value && name.startsWith(USERNAME_PREFIX) && !wanted.has(name))
        .map(([name]) => name)
        .sort();
}

/** Runs the applier once as a script (`node -e`): the event in ANYCLOUD_EVENT, exit 1 with its message on failure. */
export function applierScript(handler: string): string {
    return `${handler}\nexports.handler(JSON.parse(process.env.ANYCLOUD_EVENT)).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.message); process.exit(1); });\n`;
}

/** Bounds of the REST applier: each request, and the total wait for a cluster that does not answer yet. */
export const APPLIER_BOUNDS = { requestTimeoutMs: 20_000, waitMs: 600_000, pauseMs: 10_000 };

/**
 * The input of the REST applier (components/search-users-function.ts). Each user's `password` in
 * the requests is its user name, a key of `passwords`, whose value is a reference (a Secrets
 * Manager secret ARN, or the name of a variable): no password is in the input.
 */
export interface ApplierEvent {
    url: string;
    admin: { username: string; password: string };
    passwordSource: "secretsmanager" | "env";
    tls: "verify" | "unverified";
    /** The variable holding the cluster's CA certificate (PEM), when it is not one the runtime trusts. */
    caVariable?: string;
    requests: SecurityRequest[];
    passwords: Record<string, string>;
    users: string[];
    usersPath: string;
    prefix: string;
    managed: typeof MANAGED_ATTRIBUTE;
    requestTimeoutMs: number;
    waitMs: number;
    pauseMs: number;
}

export function applierEvent(o: {
    url: string;
    adminUsername: string;
    adminPasswordRef: string;
    users: readonly SearchUser[];
    passwordRefs: Record<string, string>;
    passwordSource: ApplierEvent["passwordSource"];
    tls: ApplierEvent["tls"];
    caVariable?: string;
    bounds?: Partial<typeof APPLIER_BOUNDS>;
}): ApplierEvent {
    return {
        ...(o.caVariable ? { caVariable: o.caVariable } : {}),
        url: o.url,
        admin: { username: o.adminUsername, password: o.adminPasswordRef },
        passwordSource: o.passwordSource,
        tls: o.tls,
        requests: securityRequests(o.users, (u) => u.username),
        passwords: Object.fromEntries(o.users.map((u) => [u.username, o.passwordRefs[u.username]])),
        users: o.users.map((u) => u.username),
        usersPath: `${SECURITY_API}/internalusers`,
        prefix: USERNAME_PREFIX,
        managed: MANAGED_ATTRIBUTE,
        ...APPLIER_BOUNDS,
        ...o.bounds,
    };
}
