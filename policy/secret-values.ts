/**
 * What a secret looks like in a plain environment variable, the same on every target:
 * `secrets-from-secret-store` flags a plain value under a secret's name, or any value that
 * carries a credential URL.
 */

/** Names that hold credentials by convention (`-` counts as `_`). */
const SECRET_NAME =
    /PASSWORD|PASSWD|PASSPHRASE|SECRET|CREDENTIAL|APIKEY|PRIVATE_KEY|CONNECTION_?STRING|(^|_)(API_?)?KEY($|_)|(^|_)TOKENS?($|_)|(^|_)DSN($|_)|(^|_)(DATABASE|REDIS|MONGO(DB)?|AMQP|RABBITMQ)_URL$/i;

/** Names that hold the path of a credentials file, not the credentials (GOOGLE_APPLICATION_CREDENTIALS). */
const PATH_NAME = /(_FILE|_PATH|_DIR)$|^GOOGLE_APPLICATION_CREDENTIALS$/i;

/** `scheme://user:password@` anywhere in a value (the user may be empty: `rediss://:token@host`). */
const CREDENTIAL_URL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@]*):[^\s/@]+@/i;

/**
 * The variable the program sets on a container whose `notSecrets` config names env values that
 * look like secrets but are public (a publishable key): a comma-separated list of those names.
 */
export const NOT_SECRETS_VARIABLE = "ANYCLOUD_NOT_SECRETS";

/** The names a container's own environment declares public (`ANYCLOUD_NOT_SECRETS`). */
export function declaredPublic(entries: { name: string; value: unknown }[]): Set<string> {
    const declared = entries.find((e) => e.name === NOT_SECRETS_VARIABLE)?.value;
    // The marker itself holds names, not a secret (its own name matches the SECRET pattern).
    return new Set(typeof declared === "string" ? [NOT_SECRETS_VARIABLE, ...declared.split(",").filter(Boolean)] : []);
}

export function isSecretName(name: string): boolean {
    const normal = name.replace(/-/g, "_");
    return SECRET_NAME.test(normal) && !PATH_NAME.test(normal);
}

export function hasCredentialUrl(value: string): boolean {
    return CREDENTIAL_URL.test(value);
}

/** The value with the password of every credential URL masked, fit for a violation message. */
export function maskCredentials(value: string): string {
    return value.replace(new RegExp(CREDENTIAL_URL.source, "gi"), (match, user: string) => `${match.slice(0, match.indexOf("://") + 3)}${user}:***@`);
}
