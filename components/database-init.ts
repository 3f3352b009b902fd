import { createHash, createHmac, pbkdf2Sync } from "crypto";

/**
 * What has to happen inside PostgreSQL after the server exists: every logical database the
 * config names is created (servers create at most one), each gets the configured extensions, and
 * each gets its own login role that owns it (`roleName`): the role the services that use that
 * database connect as. The admin login (`owner`) is used only by the program's init step.
 * Everything is idempotent, so the step can run on every deploy.
 */
export interface DatabaseInitPlan {
    /** The admin login the init step connects as (a CREATEROLE CREATEDB non-superuser on the clouds). */
    owner: string;
    databases: string[];
    extensions: string[];
    /** The server's PostgreSQL major: how the admin is let into a role changed in 16 (see `membershipGrant`). */
    version: number;
}

/** The login role that owns a logical database and that its services connect as. */
export function roleName(database: string): string {
    return `${database}_owner`;
}

/**
 * The environment variable an init step reads a role's password from (set from the cloud's
 * secret store, never written in the script): `ROLE_PASSWORD_<DATABASE>`.
 */
export function rolePasswordVariable(database: string): string {
    return `ROLE_PASSWORD_${database.toUpperCase()}`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 7677; PostgreSQL
 * src/common/scram-common.c `scram_build_secret`: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`,
 * base64). `ALTER ROLE ... PASSWORD '<verifier>'` stores it as given ("If the presented password
 * string is already in MD5-encrypted or SCRAM-encrypted format, then it is stored as-is",
 * CREATE ROLE docs), so the statement that any `log_statement` setting or a failed statement
 * writes to the server's log carries no password. The salt is derived from the password and the
 * role (unique per role and password, and stable: the same password gives the same statement, so
 * a plan does not change on every run). SASLprep is skipped: the program's passwords are ASCII.
 */
export function scramVerifier(password: string, role: string, iterations = 4096): string {
    const salt = createHmac("sha256", password).update(`anycloud scram salt ${role}`).digest().subarray(0, 16);
    const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL literal. */
export function quoteLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The admin's membership in a role, so that it can `ALTER DATABASE ... OWNER TO` the role and hand
 * its objects over. PostgreSQL 15 and older: a CREATEROLE admin may grant membership in any
 * non-superuser role, and `ALTER ... OWNER TO r` requires being "a direct or indirect member of the
 * new owning role" (PostgreSQL 15 docs, ALTER DATABASE / ALTER TABLE). PostgreSQL 16 restricted
 * CREATEROLE (release notes, commit cf5eb37c5 "Restrict the privileges of CREATEROLE users"): the
 * creator gets only ADMIN OPTION on the role it creates, without SET or INHERIT unless
 * `createrole_self_grant` says so, and `ALTER ... OWNER TO r` now requires being "able to SET ROLE
 * to the new owning role" (commit 3cdf7502f8; PostgreSQL 16 docs, ALTER DATABASE). The CREATE ROLE
 * code notes the creator "can however grant the created role back to themselves with different
 * options, since they enjoy ADMIN OPTION on it" (src/backend/commands/user.c, 16): so from 16 on
 * the admin grants itself SET and INHERIT. INHERIT too, not SET alone: without it the admin loses
 * USAGE on a schema the moment it hands the schema over, and the next `ALTER TABLE s.t OWNER TO`
 * fails (permission denied for schema; reproduced on 15 with a NOINHERIT admin); and on a stack
 * upgraded from admin-owned tables, the running services, still the admin's until they roll out,
 * would lose every table at once. The admin is given to no workload, so holding the app's
 * privileges gives nothing away. Up to 15 the admin also takes ADMIN OPTION: from 16, `ALTER ROLE
 * ... PASSWORD` and granting a role need ADMIN OPTION on it (16 release notes), a role created
 * on 15 has no such grant, and pg_upgrade carries `pg_auth_members` over as it is, so without it
 * a major upgrade to 16 would leave every later init unable to set a password.
 * RDS (rds_superuser), Cloud SQL (cloudsqlsuperuser) and Azure (azure_pg_admin) admins are such
 * CREATEROLE CREATEDB non-superusers.
 */
export function membershipGrant(role: string, admin: string, version: number): string {
    return version >= 16 ? `GRANT ${quoteIdent(role)} TO ${quoteIdent(admin)} WITH INHERIT TRUE, SET TRUE` : `GRANT ${quoteIdent(role)} TO ${quoteIdent(admin)} WITH ADMIN OPTION`;
}

/** The statements that make one database's role, in the maintenance database, in order. */
export interface RoleStep {
    role: string;
    /** Returns a row when the role exists. */
    existsQuery: string;
    create: string;
    /**
     * Sets the password every run (a replaced random password rotates it): the init step appends
     * the password as a literal (psql: a variable read from the environment). Never logged.
     */
    passwordPrefix: string;
    /** Ownership and CONNECT: only the role (and the admin, for the next runs) may connect. */
    grants: string[];
}

/** The first words of the comment every role the program makes carries (`COMMENT ON ROLE`). */
export const ROLE_COMMENT_MARK = "anycloud:";

/**
 * What happens to the role of a logical database that left `database.databases` (day 2): the
 * init step revokes its LOGIN, in the maintenance database, after the current roles are set. It
 * never drops it: the role owns the database and every object the app's migrations made (DROP
 * ROLE fails while it owns anything, and REASSIGN OWNED would hand them to the admin), and the
 * database itself is not dropped either. Putting the name back in the config gives LOGIN back
 * (`ALTER ROLE ... WITH LOGIN PASSWORD` on the next run). A role is the program's when it carries
 * its comment (`ROLE_COMMENT_MARK`), or, for roles made before the comment existed, when it is
 * `<db>_owner` and owns the database `<db>`; never the admin, a superuser, or a role in the
 * config. Sessions already open stay until they end (revoking LOGIN does not end them); the
 * services of a removed database no longer connect (config refuses `database:<name>` for a name
 * not in the list). A role the admin may not alter (made by someone else) is skipped with a
 * WARNING in the init step's log, not a failure.
 */
export function retireStatement(plan: Pick<DatabaseInitPlan, "owner" | "databases">): string {
    const keep = [plan.owner, ...plan.databases.map(roleName)].map(quoteLiteral).join(", ");
    return [
        "DO $anycloud$",
        "DECLARE",
        "    target text;",
        "BEGIN",
        "    FOR target IN SELECT r.rolname FROM pg_roles r",
        `        WHERE r.rolcanlogin AND NOT r.rolsuper AND r.rolname NOT IN (${keep})`,
        `          AND (EXISTS (SELECT 1 FROM pg_shdescription d WHERE d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass AND d.description LIKE ${quoteLiteral(`${ROLE_COMMENT_MARK}%`)})`,
        "               OR EXISTS (SELECT 1 FROM pg_database db WHERE db.datdba = r.oid AND r.rolname = db.datname || '_owner'))",
        "        ORDER BY r.rolname",
        "    LOOP",
        "        BEGIN",
        "            EXECUTE format('ALTER ROLE %I NOLOGIN', target);",
        "            RAISE NOTICE 'anycloud db-init: % is no longer in database.databases: LOGIN revoked (the role and its data are kept)', target;",
        "        EXCEPTION WHEN insufficient_privilege THEN",
        "            RAISE WARNING 'anycloud db-init: % is no longer in database.databases, but the admin may not revoke its LOGIN: %', target, SQLERRM;",
        "        END;",
        "    END LOOP;",
        "END",
        "$anycloud$",
    ].join("\n");
}

export function roleStep(database: string, admin: string, version: number): RoleStep {
    const role = roleName(database);
    const r = quoteIdent(role);
    const db = quoteIdent(database);
    return {
        role,
        existsQuery: `SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(role)}`,
        // Not a superuser, no CREATEDB, no CREATEROLE (the defaults): it owns its database only.
        create: `CREATE ROLE ${r} LOGIN`,
        passwordPrefix: `ALTER ROLE ${r} WITH LOGIN PASSWORD `,
        grants: [
            membershipGrant(role, admin, version),
            // The program's mark (`retireStatement` finds what it made by it); CREATEROLE with ADMIN
            // OPTION on the role may comment on it (PostgreSQL COMMENT docs, 16).
            `COMMENT ON ROLE ${r} IS ${quoteLiteral(`${ROLE_COMMENT_MARK} owner of database ${database}`)}`,
            // A no-op when the role owns it already (dbcommands.c AlterDatabaseOwner).
            `ALTER DATABASE ${db} OWNER TO ${r}`,
            // As the owner: on 16 only the owner (or a role holding a grant option) may grant on it.
            `SET ROLE ${r}`,
            `REVOKE CONNECT ON DATABASE ${db} FROM PUBLIC`,
            `GRANT CONNECT ON DATABASE ${db} TO ${r}`,
            // The admin keeps connecting (extensions, the hand-over) on the next runs; rds_superuser,
            // cloudsqlsuperuser and azure_pg_admin do not bypass CONNECT.
            `GRANT CONNECT, CREATE ON DATABASE ${db} TO ${quoteIdent(admin)}`,
            "RESET ROLE",
        ],
    };
}

/**
 * Hands the objects the admin owns in one database's own schemas over to its role (day 2: the
 * app's tables were created by the admin before roles existed, and the role's migrations must be
 * able to alter them). Scoped to this database and this admin: schemas other than PostgreSQL's
 * own (`pg_*`, `information_schema`) and, in them, tables, views, materialized views, foreign
 * tables, sequences no column owns (owned ones follow their table), functions, procedures,
 * aggregates, domains, enums, ranges (and multiranges) and standalone composite types; members of extensions stay
 * as they are. Not `REASSIGN OWNED BY admin`, which would move every database and shared object
 * the admin owns across the whole server. Runs in the database, as the admin.
 */
export function handoverStatement(admin: string, role: string): string {
    const a = quoteLiteral(admin);
    const r = quoteLiteral(role);
    const own = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = %CLASS%::regclass AND d.objid = %OID% AND d.deptype = 'e')";
    const notExtension = (klass: string, oid: string) => own.replace("%CLASS%", quoteLiteral(klass)).replace("%OID%", oid);
    const userSchemas = "SELECT n.oid FROM pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";
    const queries = [
        // Schemas first: the new owner needs CREATE on an object's schema (ALTER TABLE docs).
        `SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, ${r}) FROM pg_namespace n WHERE n.nspowner = admin_oid AND n.oid IN (${userSchemas}) AND ${notExtension("pg_namespace", "n.oid")}`,
        `SELECT format('ALTER %s %I.%I OWNER TO %I', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname, ${r}) ` +
            `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relowner = admin_oid AND c.relnamespace IN (${userSchemas}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ` +
            `AND ${notExtension("pg_class", "c.oid")} ` +
            // Identity and serial sequences belong to their table: ALTER TABLE moves them with it.
            `AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))`,
        `SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, ${r}) FROM pg_proc p WHERE p.proowner = admin_oid AND p.pronamespace IN (${userSchemas}) AND ${notExtension("pg_proc", "p.oid")}`,
        // Arrays follow their element type, table row types their table; a range's multirange does not
        // follow its range (PostgreSQL 15, tested): both are moved.
        `SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype, ${r}) FROM pg_type t WHERE t.typowner = admin_oid AND t.typnamespace IN (${userSchemas}) ` +
            `AND (t.typtype IN ('d', 'e', 'r', 'm') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')) AND ${notExtension("pg_type", "t.oid")}`,
    ];
    return [
        "DO $anycloud$",
        "DECLARE",
        `    admin_oid oid := (SELECT oid FROM pg_roles WHERE rolname = ${a});`,
        "    statement text;",
        "BEGIN",
        ...queries.map((q) => `    FOR statement IN ${q} LOOP EXECUTE statement; END LOOP;`),
        "END",
        "$anycloud$",
    ].join("\n");
}

export interface DatabaseStep {
    database: string;
    existsQuery: string;
    create: string;
    /** Run in the database, as the admin. */
    extensions: string[];
    /** Run in the maintenance database, after every database exists. */
    role: RoleStep;
    /** Run in the database, after the role owns it. */
    handover: string;
}

/** Statements per database, for clients that run SQL directly (no psql meta-commands). */
export function databaseInitSteps(plan: DatabaseInitPlan): DatabaseStep[] {
    return plan.databases.map((db) => ({
        database: db,
        existsQuery: `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(db)}`,
        create: `CREATE DATABASE ${quoteIdent(db)} OWNER ${quoteIdent(plan.owner)}`,
        extensions: plan.extensions.map((ext) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext)}`),
        role: roleStep(db, plan.owner, plan.version),
        handover: handoverStatement(plan.owner, roleName(db)),
    }));
}

/** The psql variable a role's password is read into (never echoed: psql prints no statements without -e/-a). */
const PASSWORD_VARIABLE = "anycloud_role_password";

/**
 * The same plan as one psql script (run with `psql -v ON_ERROR_STOP=1 -f`, in the maintenance
 * database `postgres`). Each role's password is read from its environment variable
 * (`rolePasswordVariable`) into a psql variable and sent as a literal (`:'name'` quotes it): psql
 * 15 and later have `\getenv`; psql 14 (the client image matches the server major) reads it
 * through a backquoted `printenv`. A missing variable leaves `:'name'` unreplaced: a syntax error
 * stops the script.
 */
export function psqlInitScript(plan: DatabaseInitPlan): string {
    const steps = databaseInitSteps(plan);
    const lines = ["-- Generated by anycloud: creates the logical databases, their owner roles and extensions. Safe to run repeatedly.", "\\set ON_ERROR_STOP on"];
    for (const step of steps) {
        lines.push(`SELECT ${quoteLiteral(step.create)} WHERE NOT EXISTS (${step.existsQuery})\\gexec`);
    }
    for (const step of steps) {
        const variable = rolePasswordVariable(step.database);
        lines.push(
            `SELECT ${quoteLiteral(step.role.create)} WHERE NOT EXISTS (${step.role.existsQuery})\\gexec`,
            plan.version >= 15 ? `\\getenv ${PASSWORD_VARIABLE} ${variable}` : `\\set ${PASSWORD_VARIABLE} \`printenv ${variable}\``,
            `${step.role.passwordPrefix}:'${PASSWORD_VARIABLE}';`,
            `\\unset ${PASSWORD_VARIABLE}`,
            ...step.role.grants.map((s) => `${s};`),
        );
    }
    lines.push(`${retireStatement(plan)};`);
    for (const step of steps) {
        lines.push(`\\connect ${quoteIdent(step.database)}`, ...step.extensions.map((s) => `${s};`), `${step.handover};`);
    }
    return `${lines.join("\n")}\n`;
}

/**
 * How long a one-shot init step waits for a database it was just given a path to. A new server,
 * or a new network path to it (Cloud SQL behind a fresh peering, a Flexible Server behind a new
 * private DNS record), can refuse connections for a minute or more after the cloud reports it
 * ready; one attempt would fail the first `up` by chance. Bounded: 30 × 10 s, then a clear error.
 */
export interface ConnectRetry {
    attempts: number;
    delaySeconds: number;
}
export const DB_INIT_RETRY: ConnectRetry = { attempts: 30, delaySeconds: 10 };

/**
 * A POSIX sh command that waits, at most `retry.attempts` times, until PostgreSQL at
 * $PGHOST:$PGPORT accepts connections (`pg_isready`, in every postgres image), then runs `then`.
 * Stops with a message naming the host, the bound and what to check when it never does.
 */
export function waitForPostgres(retry: ConnectRetry, then: string): string {
    const total = retry.attempts * retry.delaySeconds;
    const message = `anycloud db-init: PostgreSQL at $PGHOST:$PGPORT did not accept connections after ${retry.attempts} attempts over ~${total}s; check the network path to it (firewall or NSG rules, private DNS) and that the server is running`;
    return [
        "i=1",
        "until pg_isready -q -t 5; do",
        `  if [ "$i" -ge ${retry.attempts} ]; then echo "${message}" >&2; exit 1; fi`,
        `  echo "anycloud db-init: PostgreSQL at $PGHOST:$PGPORT not ready (attempt $i of ${retry.attempts}); retrying in ${retry.delaySeconds}s" >&2`,
        "  i=$((i + 1))",
        `  sleep ${retry.delaySeconds}`,
        "done",
        then,
    ].join("\n");
}

/**
 * The PostgreSQL client image the init steps run (psql + pg_isready, matching the server major).
 * Clouds never pull it from Docker Hub directly (anonymous pulls: 10 per hour per IP, shared by
 * everything behind one NAT address, and no control over what a tag points to): each pulls it
 * through a pull-through mirror in the stack's own registry (GCP Artifact Registry remote
 * repository, Azure Container Registry cache rule), which fetches a tag once and serves it after.
 */
/**
 * How the init steps (psql in the PostgreSQL client image) verify the server they send the admin
 * password to, per cloud: the file libpq trusts (PGSSLROOTCERT) and the mode (PGSSLMODE).
 * - Azure: the server certificate chains to DigiCert Global Root G2 / Microsoft RSA Root CA 2017
 *   (Learn: "TLS in Azure Database for PostgreSQL"), both in the Alpine image's system bundle, and
 *   names `*.postgres.database.azure.com`: verify-full against the bundle.
 * - GCP: the instance's own server CA (`serverCaCerts`, written to a file first); the certificate
 *   names the instance, not its private IP, so the hostname cannot match: verify-ca.
 */
export const ALPINE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
export const SERVER_CA_FILE = "/tmp/server-ca.pem";

export const POSTGRES_CLIENT_UPSTREAM = { registry: "docker.io", repository: "library/postgres" } as const;
export function postgresClientTag(version: number): string {
    return `${version}-alpine`;
}
