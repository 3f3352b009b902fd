import { stringify } from "yaml";

/** The template token the boot script swaps for the bcrypt hash of the admin password (the password is never on disk). */
export const ADMIN_HASH_TOKEN = "@ADMIN_HASH@";

/**
 * internal_users.yml loaded by securityadmin: only the generated admin user (the demo users of
 * the image are not loaded). The other security files are the image's defaults.
 */
export function internalUsersYml(username: string): string {
    return stringify(
        {
            _meta: { type: "internalusers", config_version: 2 },
            [username]: { hash: ADMIN_HASH_TOKEN, reserved: true, backend_roles: ["admin"], description: "anycloud admin (generated)" },
        },
        { lineWidth: 0 },
    );
}
