import { stringify } from "yaml";
import { appRole, appRoleMapping, indexCheck, SearchUser, userEntry } from "../search-users";

/**
 * The token the boot script swaps for the bcrypt hash of a user's password (hashed at boot with
 * the plugin's hash tool: bcrypt salts are random, and the password is never on disk or in a plan).
 */
export function hashToken(username: string): string {
    return `@HASH:${username}@`;
}

/** The admin's token (kept under its old name: what the boot script swaps first). */
export const ADMIN_HASH_TOKEN = hashToken("admin");

/** The three files securityadmin loads from the generated configuration; the others are the image's defaults. */
export const SECURITY_FILES = ["internal_users.yml", "roles.yml", "roles_mapping.yml"] as const;
export type SecurityFile = (typeof SECURITY_FILES)[number];

const yaml = (doc: object) => stringify(doc, { lineWidth: 0 });

/**
 * The self-managed clusters' security configuration (GCP, Azure), loaded by securityadmin on
 * node 0 at every boot and by the re-apply step: the users live in these files because
 * securityadmin replaces the whole security index with them (a user added only through the REST
 * API would be gone after node 0's next boot).
 * - internal_users.yml: the admin and one user per workload; hashes are tokens (`hashToken`).
 * - roles.yml: one `anycloud_app_<workload>` per workload, scoped to its index patterns
 *   (components/search-users.ts); the built-in roles (`all_access`, ...) are the plugin's static
 *   roles and need no entry. A workload that no longer uses search loses its user, role and
 *   mapping at the next load: securityadmin replaces each of these files' whole content.
 * - roles_mapping.yml: `all_access` for the admin only, each workload's role for its user alone.
 *   Nothing else is mapped (the image's default file maps `own_index` to every user).
 */
export function securityConfig(admin: string, users: readonly SearchUser[]): Record<SecurityFile, string> {
    return {
        "internal_users.yml": yaml({
            _meta: { type: "internalusers", config_version: 2 },
            [admin]: { hash: ADMIN_HASH_TOKEN, reserved: true, backend_roles: ["admin"], description: "anycloud admin (generated): the program's own, given to no workload" },
            ...Object.fromEntries(users.map((u) => [u.username, { hash: hashToken(u.username), reserved: false, ...userEntry(u) }])),
        }),
        "roles.yml": yaml({ _meta: { type: "roles", config_version: 2 }, ...Object.fromEntries(users.map((u) => [u.role, { reserved: false, ...appRole(u) }])) }),
        "roles_mapping.yml": yaml({
            _meta: { type: "rolesmapping", config_version: 2 },
            all_access: { reserved: false, users: [admin], backend_roles: [], hosts: [], description: "the anycloud admin only" },
            ...Object.fromEntries(users.map((u) => [u.role, { reserved: false, ...appRoleMapping(u) }])),
        }),
    };
}

/** internal_users.yml with the admin alone (kept for callers that have no workload users). */
export function internalUsersYml(username: string): string {
    return securityConfig(username, [])["internal_users.yml"];
}

/**
 * The value of the secret node 0 reads at every boot (BootSecrets.security): the files, for each
 * hash token the secret that holds the password to hash, and what the load must not orphan
 * (`check`). No password and no hash in it.
 */
export function securityBundle(admin: string, adminSecret: string, users: readonly SearchUser[], passwordSecrets: Record<string, string>): string {
    const passwords: Record<string, string> = { [ADMIN_HASH_TOKEN]: adminSecret };
    for (const u of users) {
        const secret = passwordSecrets[u.username];
        if (!secret) {
            throw new Error(`securityBundle: no password secret for ${u.username}`);
        }
        passwords[hashToken(u.username)] = secret;
    }
    // check: what node 0 verifies before securityadmin removes the roles these files lack
    // (components/search-users.ts ORPHAN_INDICES_JQ): the files' roles and the patterns they cover.
    return JSON.stringify({ files: securityConfig(admin, users), passwords, check: { keep: users.map((u) => u.role), covered: indexCheck(users).covered } });
}
