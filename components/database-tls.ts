/**
 * How a service verifies the PostgreSQL server it sends its password to (README "Database TLS").
 * Each backend says which libpq `sslmode` its server allows and hands the CA certificates (PEM)
 * that sign the server's certificate; the backend delivers them to every workload that uses the
 * database as the file DB_CA_FILE (ECS: an init container writing a task volume; Cloud Run and
 * Container Apps: a secret volume), and the wiring points libpq and the URL at that file.
 */

/**
 * libpq's modes, strongest first (PostgreSQL docs, "SSL Support" table 34.1): verify-full checks
 * the chain and that the certificate names the host; verify-ca the chain only; require encrypts
 * without checking who answers; disable is clear text.
 */
export type SslMode = "verify-full" | "verify-ca" | "require" | "disable";

/**
 * `database.tls`: what services on the database are told to check. `verify` (the default): the
 * strongest mode above, the CA file under DB_SSLROOTCERT/PGSSLROOTCERT and NODE_EXTRA_CA_CERTS,
 * PGSSLMODE, and both in DATABASE_URL. `require`: what the program wired before it delivered
 * CAs, exactly: DB_SSLMODE=require and `?sslmode=require`, nothing else (the app's own
 * PGSSLMODE, PGSSLROOTCERT or NODE_EXTRA_CA_CERTS are its to set): encrypted, not verified.
 * The program's own init steps verify the server either way.
 */
export type DatabaseTls = "verify" | "require";
export const DATABASE_TLS_VALUES = ["verify", "require"] as const;

/**
 * Names the wiring sets only where the server is verified (`database.tls: verify`; the CA names
 * only where a CA is delivered), so an app may set them itself elsewhere.
 */
export const DATABASE_TLS_NAMES = ["PGSSLMODE", "DB_SSLROOTCERT", "PGSSLROOTCERT", "NODE_EXTRA_CA_CERTS"] as const;

/** The directory the CA file is mounted in (its own: a secret volume hides what the image had there). */
export const DB_CA_DIR = "/etc/anycloud/db-ca";
/** The file name inside DB_CA_DIR. */
export const DB_CA_FILE_NAME = "root.crt";
/** What PGSSLROOTCERT, DB_SSLROOTCERT and the URL's `sslrootcert` name. */
export const DB_CA_FILE = `${DB_CA_DIR}/${DB_CA_FILE_NAME}`;

/** The PEM certificates in a bundle, each normalised to end with a newline. */
export function pemCertificates(bundle: string): string[] {
    return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => `${c}\n`);
}

/**
 * The query string of a `postgresql://` URL for a mode and (when it verifies) the CA file. The
 * path stays as written ('/' is allowed in a query, RFC 3986 §3.4): libpq and node-postgres
 * (pg-connection-string, which reads the file into `ssl.ca`) both take it so.
 */
export function sslQuery(mode: SslMode, caFile: string | undefined): string {
    return caFile !== undefined ? `sslmode=${mode}&sslrootcert=${caFile}` : `sslmode=${mode}`;
}
