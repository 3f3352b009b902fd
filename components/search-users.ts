/**
 * The search cluster's per-workload users: what each service or job that `uses: search` gets
 * instead of the admin user, on every target. Each workload has its own user `svc-<name>` and its
 * own role `anycloud_app_<name>`, mapped to that user alone:
 *
 * - index permissions `indices_all` on the workload's index patterns only: by default `<name>*`
 *   (its own name as a prefix: `web`, `web-products`, `web_2026`), or the patterns its
 *   `searchIndices` key lists. Each pattern also grants its data streams' backing indices: a data
 *   stream's backing indices are `.ds-<stream>-<generation>` with the generation in six digits
 *   (OpenSearch `DataStream.getDefaultBackingIndexName`: `BACKING_INDEX_PREFIX + "%s-%06d"`), and
 *   the security plugin checks most actions on a stream against those concrete indices, not the
 *   stream's name (create is checked on the name), so a role needs both. A name `logs` grants
 *   `.ds-logs-??????` (exactly the stream `logs`' generations; `.ds-logs` alone would match none of
 *   them), a prefix `logs-*` grants `.ds-logs-*`. Patterns are globs: `*` any run of characters,
 *   `?` one character, matched against the whole name (opensearch-project/security
 *   `WildcardMatcher.from`: a pattern without `/.../` and with `*` or `?` is a `SimpleMatcher`,
 *   whose `test` takes `?` as any one character; between slashes it would be a Java regex, which
 *   the program never produces). Accepted patterns start with a letter or digit, so none matches a
 *   dot index (`.opendistro_security`, `.kibana*`, `.plugins-*`, `.opensearch-*`); `patternProblems`
 *   also refuses the non-dot plugin indices and any two workloads whose granted patterns overlap
 *   (backing-index patterns included) without being the same pattern (one workload's default
 *   `api*` covers `api-worker*`; a stream `logs` of one workload is inside another's `logs-*`
 *   through `.ds-logs-*`).
 * - cluster permissions: `cluster:monitor/health` (`GET _cluster/health`, readiness checks),
 *   `cluster:monitor/main` (`GET /`, which clients send to learn the version) and
 *   `cluster:monitor/nodes/info` (`GET _nodes`, what sniffing clients ask for the nodes' addresses)
 *   — OpenSearch `ClusterHealthAction.NAME`, `MainAction.NAME`, `NodesInfoAction.NAME`; single
 *   actions in `cluster_permissions` are what the plugin and Amazon OpenSearch Service's
 *   fine-grained access control take alongside action groups (AWS Developer Guide, "Configure
 *   permissions" of the flow framework: `cluster:admin/opensearch/flow_framework/workflow/get`).
 *   Not the `cluster_monitor` group (`cluster:monitor/*`): a cluster permission is granted without
 *   looking at any index, and it includes `cluster:monitor/state`, so `GET _cluster/state/metadata`
 *   would show every workload's index names and mappings. Index-level monitoring (`_stats`,
 *   `_segments`, `_recovery` of its own indices: `indices:monitor/*`) is in `indices_all`.
 *   Also the static action groups (security `static_action_groups.yml`) `cluster_composite_ops`
 *   (`_bulk`, `_mget`, `_msearch`, scroll, reindex, alias changes — each item is checked against
 *   the index patterns) and `cluster_manage_index_templates` (legacy, composable and component
 *   templates, which a data stream needs). Template actions are cluster permissions, checked
 *   against no index pattern (security `privileges/Utils.isClusterPerm`: `indices:admin/template/`,
 *   `indices:admin/index_template/`): a workload can still write a template for names outside its
 *   patterns (README, "Search users" says what that allows).
 * Not granted: the security REST API (reserved to `all_access`/`security_manager` through
 * `plugins.security.restapi.roles_enabled`, and on AWS to the master user's roles), snapshots and
 * repositories (`manage_snapshots`: `cluster:admin/snapshot/*`, `cluster:admin/repository/*`),
 * ingest pipelines and every other `cluster:admin/*` action.
 */

/** The one role every user shared before roles were per workload: removed from clusters that still hold it. */
export const LEGACY_ROLE = "anycloud_app";
/** Prefix of every per-workload role (and its role mapping) the program manages. */
export const ROLE_PREFIX = "anycloud_app_";
/** The first words of every role description the program writes: the appliers delete only roles that carry them. */
export const ROLE_DESCRIPTION_MARK = "anycloud:";
export const APP_CLUSTER_PERMISSIONS = ["cluster:monitor/health", "cluster:monitor/main", "cluster:monitor/nodes/info", "cluster_composite_ops", "cluster_manage_index_templates"];
export const APP_INDEX_ACTIONS = ["indices_all"];
/** A data stream's backing indices: `.ds-<stream>-<generation>` (OpenSearch `DataStream.getDefaultBackingIndexName`). */
export const BACKING_INDEX_PREFIX = ".ds-";
/**
 * The generation part of a backing index name (`-%06d`): six digits up to generation 999999, one
 * rollover a day for 2,700 years. `?` is one character in the plugin's `SimpleMatcher`.
 */
export const BACKING_INDEX_GENERATION = "-??????";

/** An index name, or a prefix ending in one `*`: what `searchIndices` accepts. */
export const INDEX_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}\*?$/;
export const INDEX_PATTERN_RULE =
    "an index name, or a prefix ending in '*', of 1-100 lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (what OpenSearch accepts at the start of a name, and never a dot index), e.g. products, web-*, n8n_*";

/**
 * Non-dot indices OpenSearch plugins write themselves: no workload's pattern may reach them.
 * The security plugin's audit log (`'security-auditlog-'YYYY.MM.dd`, security `AuditConfig`
 * default of `plugins.security.audit.config.index`) and query insights' local exporter
 * (`'top_queries-'yyyy.MM.dd`, query-insights `LocalIndexExporter`).
 */
export const PLUGIN_INDEX_PATTERNS: readonly { pattern: string; what: string }[] = [
    { pattern: "security-auditlog-*", what: "the security plugin's audit log indices" },
    { pattern: "top_queries-*", what: "query insights' top queries indices" },
];

/** A workload's patterns when its `searchIndices` key is absent. */
export function defaultIndexPatterns(workload: string): string[] {
    return [`${workload}*`];
}

/**
 * Does the glob `pattern` match the whole of `name`? `*` any run of characters, `?` one character,
 * anything else itself: the security plugin's `WildcardMatcher.SimpleMatcher.test`, written the
 * same way (and the REST applier's copy, components/search-users-function.ts).
 */
export function patternMatches(pattern: string, name: string): boolean {
    let i = 0;
    let j = 0;
    let textBackup = -1;
    let wildBackup = -1;
    while (i < name.length) {
        if (j < pattern.length && pattern[j] === "*") {
            textBackup = i;
            wildBackup = ++j;
        } else if (j < pattern.length && (pattern[j] === "?" || pattern[j] === name[i])) {
            i++;
            j++;
        } else {
            if (wildBackup === -1) return false;
            i = ++textBackup;
            j = wildBackup;
        }
    }
    while (j < pattern.length && pattern[j] === "*") j++;
    return j >= pattern.length;
}

/**
 * Is there a name both globs match? Exact for `*` and `?` (the two patterns are walked together:
 * a `*` on either side takes nothing or one more character of the other side, `?` takes any one).
 */
export function globsOverlap(a: string, b: string): boolean {
    const seen = new Map<number, boolean>();
    const walk = (i: number, j: number): boolean => {
        const key = i * (b.length + 1) + j;
        const known = seen.get(key);
        if (known !== undefined) return known;
        seen.set(key, false);
        let result = false;
        if (i === a.length && j === b.length) result = true;
        else if (i < a.length && a[i] === "*") result = walk(i + 1, j) || (j < b.length && walk(i, j + 1));
        else if (j < b.length && b[j] === "*") result = walk(i, j + 1) || (i < a.length && walk(i + 1, j));
        else if (i < a.length && j < b.length && (a[i] === "?" || b[j] === "?" || a[i] === b[j])) result = walk(i + 1, j + 1);
        seen.set(key, result);
        return result;
    };
    return walk(0, 0);
}

/**
 * Does some index name match both patterns? For names and `prefix*` patterns, overlap means one
 * covers the other: two prefixes overlap when one starts with the other; a name and a prefix when
 * the name starts with it; two names when they are equal.
 */
export function patternsOverlap(a: string, b: string): boolean {
    return globsOverlap(a, b);
}

/** Does `a` match every name `b` matches? */
export function patternCovers(a: string, b: string): boolean {
    if (!a.endsWith("*")) return a === b;
    return (b.endsWith("*") ? b.slice(0, -1) : b).startsWith(a.slice(0, -1));
}

/** One workload's patterns as the config has them: `explicit` when its `searchIndices` key is set. */
export interface WorkloadPatterns {
    workload: string;
    /** The config key of the workload's patterns (`services.web.searchIndices`). */
    key: string;
    explicit?: string[];
    /**
     * Its patterns when `explicit` is absent, and where they come from (a job with `service: app`
     * runs app's image, so it has app's patterns): default `<workload>*`, "<workload>'s default".
     */
    inherited?: { patterns: string[]; from: string };
}

/** What `workloadPatterns` reads of a service or job (stacks/settings.ts). */
export interface PatternSource {
    name: string;
    uses: { search: boolean };
    searchIndices?: string[];
    /** A job's `service:` (it runs that service's image). */
    imageOf?: string;
}

/**
 * The patterns of every workload that uses search, with their config keys. A job with
 * `service: X` and no `searchIndices` of its own runs X's image, so it names X's indices: it gets
 * X's `searchIndices`, or X's default `X*` (the worked example's `migrate`, `service: app`, would
 * otherwise get `migrate*`, and an index app's code creates at startup would be refused to it).
 */
export function workloadPatterns(services: readonly PatternSource[], jobs: readonly PatternSource[]): WorkloadPatterns[] {
    const service = (name: string) => services.find((s) => s.name === name);
    return [
        ...services.filter((s) => s.uses.search).map((s) => ({ workload: s.name, key: `services.${s.name}.searchIndices`, explicit: s.searchIndices })),
        ...jobs
            .filter((j) => j.uses.search)
            .map((j): WorkloadPatterns => {
                const from = j.imageOf !== undefined ? service(j.imageOf) : undefined;
                const w: WorkloadPatterns = { workload: j.name, key: `jobs.${j.name}.searchIndices`, explicit: j.searchIndices };
                if (from === undefined) return w;
                const inherited = from.searchIndices
                    ? { patterns: [...from.searchIndices], from: `services.${from.name}.searchIndices (jobs.${j.name} has service: ${from.name})` }
                    : { patterns: defaultIndexPatterns(from.name), from: `${from.name}'s default (jobs.${j.name} has service: ${from.name})` };
                return { ...w, inherited };
            }),
    ];
}

/** Workload -> the patterns its role gets (`searchIndices`, inherited, or `<workload>*`). */
export function resolvedIndexPatterns(workloads: readonly WorkloadPatterns[]): Record<string, string[]> {
    return Object.fromEntries(workloads.map((w) => [w.workload, w.explicit ?? fallbackPatterns(w)]));
}

/** A workload's patterns when its `searchIndices` key is absent: inherited, or `<workload>*`. */
function fallbackPatterns(w: WorkloadPatterns): string[] {
    return w.inherited ? [...w.inherited.patterns] : defaultIndexPatterns(w.workload);
}

/** How a message names a pattern the config does not spell out. */
function fallbackLabel(w: WorkloadPatterns): string {
    return w.inherited ? `${w.workload}'s, from ${w.inherited.from}` : `${w.workload}'s default`;
}

/** A problem with a workload's patterns: key, value, accepted (a ConfigProblem without the import). */
export interface PatternProblem {
    key: string;
    value: unknown;
    accepted: string;
}

/**
 * Every problem with the workloads' index patterns at once: each explicit pattern's syntax and
 * duplicates, patterns that reach a plugin's own indices, and two workloads whose patterns
 * overlap without being the same pattern. The same pattern in two workloads is a shared space
 * both chose (a worker listing `web*` works on the web service's indices); an overlap that is not
 * (`api*` also matching `api-worker-jobs`) would hand one workload another's indices unasked.
 */
export function patternProblems(workloads: readonly WorkloadPatterns[]): PatternProblem[] {
    const problems: PatternProblem[] = [];
    const resolved: { w: WorkloadPatterns; patterns: string[] }[] = [];
    for (const w of workloads) {
        if (w.explicit === undefined) {
            resolved.push({ w, patterns: fallbackPatterns(w) });
            continue;
        }
        if (w.explicit.length === 0) problems.push({ key: w.key, value: w.explicit, accepted: `at least one index pattern (${INDEX_PATTERN_RULE}); leave the key out for the default ${fallbackPatterns(w).join(", ")}` });
        const seen = new Set<string>();
        w.explicit.forEach((p, i) => {
            if (!INDEX_PATTERN.test(p)) problems.push({ key: `${w.key}[${i}]`, value: p, accepted: INDEX_PATTERN_RULE });
            else if (seen.has(p)) problems.push({ key: `${w.key}[${i}]`, value: p, accepted: `a list without duplicates ('${p}' appears more than once)` });
            seen.add(p);
        });
        resolved.push({ w, patterns: w.explicit.filter((p) => INDEX_PATTERN.test(p)) });
    }
    const where = (w: WorkloadPatterns, p: string) => (w.explicit === undefined ? { key: w.key, value: undefined } : { key: `${w.key}[${w.explicit.indexOf(p)}]`, value: p });
    for (const { w, patterns } of resolved) {
        for (const p of patterns) {
            for (const plugin of PLUGIN_INDEX_PATTERNS) {
                if (patternsOverlap(p, plugin.pattern)) {
                    const how = w.explicit === undefined ? `its default pattern ${p} reaches ${plugin.what} (${plugin.pattern}): set ${w.key} to patterns of its own` : `a pattern that does not reach ${plugin.what} (${plugin.pattern})`;
                    problems.push({ ...where(w, p), accepted: how });
                }
            }
        }
    }
    // Checked on what the roles grant, the backing-index patterns included: `logs` and `logs-*` name
    // no common index, but `.ds-logs-*` (granted for `logs-*`) matches `.ds-logs-000001`, the
    // stream `logs`' first backing index.
    for (let i = 0; i < resolved.length; i++) {
        for (let j = i + 1; j < resolved.length; j++) {
            for (const p of resolved[i].patterns) {
                for (const q of resolved[j].patterns) {
                    if (p === q) continue;
                    const via = overlapVia(p, q);
                    if (via === undefined) continue;
                    // Name the side that wrote the pattern; when both or neither did, the broader one.
                    const [a, pa, b, pb] = blame(resolved[i].w, p, resolved[j].w, q);
                    const [ga, gb] = a === resolved[i].w ? via : [via[1], via[0]];
                    const through = ga === pa && gb === pb ? "" : ` through their data streams' backing indices (${ga} and ${gb} both match e.g. ${exampleName(ga, gb)})`;
                    const accepted =
                        `index patterns that no other workload's pattern overlaps, unless it is the same pattern (a shared space): ${pa}${a.explicit === undefined ? ` (${fallbackLabel(a)})` : ""} overlaps ${pb}` +
                        `${b.explicit === undefined ? ` (${fallbackLabel(b)})` : ` (${b.key})`} of ${b.workload}${through}; set ${a.key} to names outside ${b.workload}'s, or to ${pb} to share its indices`;
                    problems.push({ ...where(a, pa), accepted });
                }
            }
        }
    }
    return problems;
}

/** The first pair of granted patterns (of `p`, of `q`) that overlap, or undefined. */
function overlapVia(p: string, q: string): [string, string] | undefined {
    for (const gp of grantedIndexPatterns([p])) {
        for (const gq of grantedIndexPatterns([q])) {
            if (globsOverlap(gp, gq)) return [gp, gq];
        }
    }
    return undefined;
}

/** A name both globs match, for a message: a backing index's generation as 000001, other wildcards dropped or zero. */
function exampleName(a: string, b: string): string {
    const fill = (g: string) => g.split(BACKING_INDEX_GENERATION).join("-000001").replace(/\?/g, "0").replace(/\*/g, "");
    return [fill(a), fill(b)].find((n) => patternMatches(a, n) && patternMatches(b, n)) ?? fill(a);
}

function blame(w1: WorkloadPatterns, p1: string, w2: WorkloadPatterns, p2: string): [WorkloadPatterns, string, WorkloadPatterns, string] {
    const e1 = w1.explicit !== undefined;
    const e2 = w2.explicit !== undefined;
    if (e1 !== e2) return e1 ? [w1, p1, w2, p2] : [w2, p2, w1, p1];
    return patternCovers(p1, p2) ? [w1, p1, w2, p2] : [w2, p2, w1, p1];
}

/** Special characters of a user's password: safe in JSON and shell without quoting, and a class the security plugin requires. */
export const USER_PASSWORD_SPECIAL = "-_.";

/** One workload's user (no password: that is a generated secret, kept in the cloud's secret store). */
export interface SearchUser {
    /** The service or job (names are unique across both). */
    workload: string;
    username: string;
    /** Its role, `anycloud_app_<workload>`. */
    role: string;
    /** The index patterns it may manage (`searchIndices`, or `<workload>*`). */
    indices: string[];
}

/** `web` → `svc-web`: never the admin's name (`admin`, `anycloud-admin`), for services and jobs alike. */
export function searchUsername(workload: string): string {
    return `svc-${workload}`;
}

/** `web` → `anycloud_app_web`. */
export function searchRoleName(workload: string): string {
    return `${ROLE_PREFIX}${workload}`;
}

/** Prefix of every managed user name (what a REST applier may delete). */
export const USERNAME_PREFIX = "svc-";

/**
 * The users of the workloads that use search, sorted (deterministic files and requests); a
 * workload's patterns are its `searchIndices` when `indices` has them, else `<workload>*`.
 */
export function searchUsers(clients: readonly string[], indices: Readonly<Record<string, readonly string[]>> = {}): SearchUser[] {
    return [...new Set(clients)].sort().map((workload) => ({
        workload,
        username: searchUsername(workload),
        role: searchRoleName(workload),
        indices: [...(indices[workload] ?? defaultIndexPatterns(workload))],
    }));
}

/**
 * The backing indices of the data streams `pattern` names: a prefix `logs-*` → `.ds-logs-*` (every
 * stream it names, every generation); a name `logs` → `.ds-logs-??????` (that stream's generations only).
 */
export function backingIndexPattern(pattern: string): string {
    return pattern.endsWith("*") ? `${BACKING_INDEX_PREFIX}${pattern}` : `${BACKING_INDEX_PREFIX}${pattern}${BACKING_INDEX_GENERATION}`;
}

/** The patterns a role grants for a workload's patterns: each one, and its data streams' backing indices. */
export function grantedIndexPatterns(indices: readonly string[]): string[] {
    return [...indices, ...indices.map(backingIndexPattern)];
}

export interface RoleDocument {
    description: string;
    cluster_permissions: string[];
    index_permissions: { index_patterns: string[]; allowed_actions: string[] }[];
    tenant_permissions: [];
}

/** The body of `PUT _plugins/_security/api/roles/anycloud_app_<workload>` and its entry of roles.yml. */
export function appRole(user: SearchUser): RoleDocument {
    return {
        description: `${ROLE_DESCRIPTION_MARK} the search role of ${user.workload} - read, write and manage ${user.indices.join(", ")} (and their data streams' backing indices), read cluster health; no security, no snapshots`,
        cluster_permissions: [...APP_CLUSTER_PERMISSIONS],
        index_permissions: [{ index_patterns: grantedIndexPatterns(user.indices), allowed_actions: [...APP_INDEX_ACTIONS] }],
        tenant_permissions: [],
    };
}

/** The body of `PUT _plugins/_security/api/rolesmapping/anycloud_app_<workload>`: that workload's user alone. */
export function appRoleMapping(user: SearchUser): { users: string[]; backend_roles: string[]; hosts: string[]; description: string } {
    return { users: [user.username], backend_roles: [], hosts: [], description: `${ROLE_DESCRIPTION_MARK} ${user.workload}'s own search user` };
}

/**
 * The attribute every user the program creates carries: the REST appliers (AWS, GCP day 2, local)
 * delete users with it that no workload uses any more, and never touch a user without it.
 */
export const MANAGED_ATTRIBUTE = { key: "anycloud_managed", value: "true" } as const;

/** The user's entry apart from its credential (a `password` over the REST API, a bcrypt `hash` in internal_users.yml). */
export function userEntry(user: SearchUser): { backend_roles: string[]; attributes: Record<string, string>; description: string } {
    return { backend_roles: [], attributes: { [MANAGED_ATTRIBUTE.key]: MANAGED_ATTRIBUTE.value, workload: user.workload }, description: `anycloud: search user of ${user.workload}` };
}

/** A request of the REST appliers (AWS, GCP day 2, local): method, path under the cluster URL, JSON body. */
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
 * user keys `password`, `backend_roles`, `attributes`, `description`; role mapping keys `users`,
 * `backend_roles`, `hosts`, `description`), the same API on Amazon OpenSearch Service with
 * fine-grained access control and the internal user database, as the master user (Developer
 * Guide, "Fine-grained access control", "REST API differences"): each workload's role, each user
 * with the password the applier reads from the secret store (`passwordOf`), then each role's
 * mapping to its user. Every PUT replaces the whole entry, so a re-run is a no-op and a new
 * password or pattern is set. What the program made and no workload uses any more is deleted by
 * the applier afterwards (`pruneRules`). The password is never in this plan: only the name of its
 * variable or secret.
 */
export function securityRequests(users: readonly SearchUser[], passwordOf: (u: SearchUser) => string): SecurityRequest[] {
    return [
        ...users.map((u) => ({ method: "PUT" as const, path: `${SECURITY_API}/roles/${u.role}`, body: appRole(u) })),
        ...users.map((u) => ({ method: "PUT" as const, path: `${SECURITY_API}/internalusers/${u.username}`, body: { password: passwordOf(u), ...userEntry(u) } })),
        ...users.map((u) => ({ method: "PUT" as const, path: `${SECURITY_API}/rolesmapping/${u.role}`, body: appRoleMapping(u) })),
    ];
}

/**
 * Which entries of a `GET` listing the applier deletes: those the program made (a name it gives,
 * plus its attribute or description mark), that are not `keep`, and that the plugin does not
 * protect (`reserved`, `static`, `hidden`). In order: users, then mappings, then roles (a role is
 * deleted after nothing maps to it). The legacy shared role `anycloud_app` and its mapping go too:
 * a cluster set up before roles were per workload would otherwise keep every user on every index.
 */
export interface PruneRule {
    path: string;
    keep: string[];
    prefix: string;
    /** Names outside the prefix that are also the program's (the legacy role). */
    names: string[];
    attribute?: { key: string; value: string };
    descriptionMark?: string;
}

export function pruneRules(users: readonly SearchUser[]): PruneRule[] {
    const roles = users.map((u) => u.role);
    return [
        { path: `${SECURITY_API}/internalusers`, keep: users.map((u) => u.username), prefix: USERNAME_PREFIX, names: [], attribute: { ...MANAGED_ATTRIBUTE } },
        { path: `${SECURITY_API}/rolesmapping`, keep: roles, prefix: ROLE_PREFIX, names: [LEGACY_ROLE] },
        { path: `${SECURITY_API}/roles`, keep: roles, prefix: ROLE_PREFIX, names: [LEGACY_ROLE], descriptionMark: ROLE_DESCRIPTION_MARK },
    ];
}

type Listed = Record<string, { attributes?: Record<string, string>; description?: string; reserved?: boolean; static?: boolean; hidden?: boolean } | null>;

/** The names in a `GET` answer that `rule` deletes (the applier's own test, in TypeScript). */
export function staleEntries(answer: Listed, rule: PruneRule): string[] {
    const keep = new Set(rule.keep);
    return Object.entries(answer)
        .filter(([name, e]) => {
            const entry = e ?? {};
            if (keep.has(name) || entry.reserved === true || entry.static === true || entry.hidden === true) return false;
            if (!(name.startsWith(rule.prefix) || rule.names.includes(name))) return false;
            if (rule.attribute && entry.attributes?.[rule.attribute.key] !== rule.attribute.value) return false;
            if (rule.descriptionMark !== undefined && !(entry.description ?? "").startsWith(rule.descriptionMark)) return false;
            return true;
        })
        .map(([name]) => name)
        .sort();
}

/**
 * What the applier checks before it removes a role (the shared `anycloud_app` of earlier versions,
 * or the role of a workload that left): it lists every index as the admin (`_cat/indices`, JSON,
 * `expand_wildcards=all` so closed indices and data streams' hidden backing indices are listed
 * too: OpenSearch `RestIndicesAction` reads the request's indices options), and an existing index
 * that a role being removed reaches (its `index_patterns`: globs, or `/regex/` as the shared role
 * had) but no pattern in `covered` matches fails the up before anything is deleted, naming it. So
 * an upgrade from the shared role, or a workload renamed, never silently locks an app out of its
 * indices. Dot indices are the plugins' (never an app's) except data streams' `.ds-` backing
 * indices. `covered`: every workload's granted patterns, and the plugins' own non-dot indices
 * (the shared role reached `security-auditlog-*` too; no workload needs them).
 */
export interface IndexCheck {
    rolesPath: string;
    indicesPath: string;
    covered: string[];
}

export function indexCheck(users: readonly SearchUser[]): IndexCheck {
    return {
        rolesPath: `${SECURITY_API}/roles`,
        indicesPath: "/_cat/indices?format=json&h=index&expand_wildcards=all",
        covered: [...new Set([...users.flatMap((u) => grantedIndexPatterns(u.indices)), ...PLUGIN_INDEX_PATTERNS.map((p) => p.pattern)])],
    };
}

/**
 * The same check for node 0's securityadmin load (GCP and Azure: at every boot and in Azure's
 * day-2 run command), which replaces the whole security index and so removes every role the new
 * files lack: a jq 1.6 program (the VMs have jq, not Node.js) over `--slurpfile indices` (the
 * `_cat/indices` answer) and `--slurpfile roles` (`GET _plugins/_security/api/roles`, allowed to
 * the admin certificate: security `RestApiAuthorizationEvaluator.checkAccessPermissions`, "using
 * an admin certificate grants all permissions"), with `$keep` (the new files' roles) and `$covered`
 * (`indexCheck(...).covered`) bound by the caller (the boot script: from check.json). It prints one line per orphaned index,
 * `<index> (<roles>)`. The roles it counts as the program's are those `pruneRules` deletes.
 * Oniguruma (jq's regex) reads the shared role's `[^.].*` as Java does; a pattern it cannot read
 * counts as matching.
 */
export const ORPHAN_INDICES_JQ = String.raw`def glob: "^" + ([split("")[] | if . == "*" then ".*" elif . == "?" then "." elif test("^[A-Za-z0-9_-]$") then . else "\\" + . end] | join("")) + "$";
def pattern: if length > 1 and startswith("/") and endswith("/") then "^(?:" + .[1:-1] + ")$" else glob end;
def reaches($i): . as $p | try ($i | test($p | pattern)) catch true;
($roles[0] // {}) as $r
| [$r | to_entries[] | select((.key == "${LEGACY_ROLE}" or (.key | startswith("${ROLE_PREFIX}")))
    and ((.value.description // "") | startswith("${ROLE_DESCRIPTION_MARK}"))
    and .value.reserved != true and .value.static != true and .value.hidden != true
    and (.key as $n | any($keep[]; . == $n) | not))] as $going
| $indices[0][] | .index
| select((startswith(".") | not) or startswith("${BACKING_INDEX_PREFIX}"))
| . as $i
| select(any($covered[]; . as $p | $i | test($p | glob)) | not)
| [$going[] | select(any(.value.index_permissions[]?.index_patterns[]?; reaches($i))) | .key] as $by
| select($by | length > 0)
| "\($i) (\($by | join(", ")))"`;

/** The failure both checks give, after the orphaned indices (`<index> (<roles>)`). */
export const ORPHAN_REMEDY =
    "Add each to the searchIndices of the service or job that uses it (an index name, or a prefix ending in '*'), or delete it if no workload needs it; then run up again.";

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
    prune: PruneRule[];
    indexCheck: IndexCheck;
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
        prune: pruneRules(o.users),
        indexCheck: indexCheck(o.users),
        ...APPLIER_BOUNDS,
        ...o.bounds,
    };
}
