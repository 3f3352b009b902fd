import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DatabaseInitPlan, membershipGrant, psqlInitScript, roleName, rolePasswordVariable, scramVerifier } from "../components/database-init";
import { findPgBin, freePort, runPgTool, initCluster, TEST_SERVER_OPTIONS } from "./local-servers";

/**
 * The login role per logical database (components/database-init.ts), run by psql against the real
 * PostgreSQL 15 on this machine as the clouds run it: the admin is NOT a superuser, only
 * CREATEROLE CREATEDB (RDS's master user, Cloud SQL's and Azure's admins), and connects over TCP
 * with a SCRAM password. Each role then connects with its own password.
 */
describe("database roles against a real PostgreSQL (non-superuser admin)", function () {
    this.timeout(60000);
    const bin = findPgBin();
    let dir: string;
    let port: number;
    const adminPassword = "admin-password-for-the-test";
    const passwords: Record<string, string> = { library: "LibraryRolePassword0123456789abcd", analytics: "AnalyticsRolePassword0123456789ab" };
    const plan: DatabaseInitPlan = { owner: "app", databases: ["library", "analytics"], extensions: ["pg_trgm", "uuid-ossp"], version: 15 };

    const tool = (name: string, args: string[], env: Record<string, string> = {}) => runPgTool(bin!, name, args, env);
    /** As the bootstrap superuser over the Unix socket: the test's own look at the catalogs. */
    const superSql = (database: string, sql: string) => tool("psql", ["-X", "-A", "-t", "-h", dir, "-p", String(port), "-U", "boot", "-d", database, "-c", sql]).trim();
    /** As `user` with `password` over TCP (SCRAM): what a service does. */
    const asUser = (user: string, password: string, database: string, sql: string) =>
        tool("psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-c", sql], { PGPASSWORD: password }).trim();
    /** The error psql printed, or "" when the command succeeded. */
    const failure = (fn: () => unknown): string => {
        try {
            fn();
            return "";
        } catch (e) {
            return String((e as { stderr?: string }).stderr ?? e);
        }
    };
    const applyScript = (p: DatabaseInitPlan = plan, pw: Record<string, string> = passwords) => {
        const file = path.join(dir, "init.sql");
        fs.writeFileSync(file, psqlInitScript(p), { mode: 0o644 });
        const env: Record<string, string> = { PGPASSWORD: adminPassword };
        // What the local and GCP steps hand psql: each role's SCRAM verifier, never the password.
        for (const db of p.databases) if (pw[db] !== undefined) env[rolePasswordVariable(db)] = scramVerifier(pw[db], roleName(db));
        return tool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "app", "-d", "postgres", "-f", file], env);
    };

    before(async function () {
        if (!bin) {
            console.log("      (skipped: no PostgreSQL server binaries on this machine; .ci/run installs them)");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-roles-"));
        fs.chmodSync(dir, 0o777);
        port = await freePort();
        const data = path.join(dir, "data");
        initCluster(bin!, data, ["-U", "boot", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]);
        tool("pg_ctl", ["-D", data, "-o", `${TEST_SERVER_OPTIONS} -k ${dir} -p ${port} -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256 -c log_statement=all`, "-w", "-l", path.join(dir, "server.log"), "start"]);
        // The cloud's admin: CREATEROLE CREATEDB, not a superuser (rds_superuser, cloudsqlsuperuser, azure_pg_admin).
        superSql("postgres", `CREATE ROLE app LOGIN CREATEROLE CREATEDB NOSUPERUSER PASSWORD '${adminPassword}'`);
        assert.strictEqual(superSql("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = 'app'"), "f");
    });
    after(function () {
        if (dir && bin) {
            try {
                tool("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    describe("day 2: the admin created the app's objects before roles existed", () => {
        before(() => {
            // The stack before this change: the init created the database and the app migrated as the admin.
            superSql("postgres", "CREATE DATABASE library OWNER app");
            asUser("app", adminPassword, "library", [
                "CREATE SCHEMA catalog",
                "CREATE TABLE public.books (id serial PRIMARY KEY, title text)",
                "CREATE TABLE catalog.authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)",
                "CREATE SEQUENCE public.invoice_numbers",
                "CREATE VIEW public.titles AS SELECT title FROM public.books",
                "CREATE MATERIALIZED VIEW catalog.counts AS SELECT count(*) FROM public.books",
                "CREATE TYPE public.state AS ENUM ('draft', 'published')",
                "CREATE DOMAIN public.isbn AS text CHECK (length(VALUE) = 13)",
                "CREATE TYPE public.span AS RANGE (subtype = int4)",
                "CREATE FUNCTION public.shout(t text) RETURNS text LANGUAGE sql AS 'SELECT upper(t)'",
                "CREATE PROCEDURE catalog.touch() LANGUAGE sql AS 'SELECT 1'",
            ].join("; "));
            // Something the admin owns elsewhere on the server: not the role's to take.
            superSql("postgres", "CREATE DATABASE other_app OWNER app");
            asUser("app", adminPassword, "other_app", "CREATE TABLE kept (id int)");
        });

        it("runs as a non-superuser admin, twice (idempotent)", () => {
            assert.doesNotThrow(() => applyScript());
            assert.doesNotThrow(() => applyScript());
        });

        // log_statement=all (the server here runs with it) writes every ALTER ROLE to the log.
        it("writes no role password to the server's log, only SCRAM verifiers", () => {
            const log = fs.readFileSync(path.join(dir, "server.log"), "utf8");
            assert.match(log, /ALTER ROLE "library_owner" WITH LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/);
            for (const password of Object.values(passwords)) assert.ok(!log.includes(password), "a role password is in the server log");
        });

        it("gives each logical database its own login role, which owns it", () => {
            const owners = superSql("postgres", "SELECT datname || ':' || pg_get_userbyid(datdba) FROM pg_database WHERE datname IN ('library', 'analytics') ORDER BY 1");
            assert.deepStrictEqual(owners.split("\n"), ["analytics:analytics_owner", "library:library_owner"]);
            const attrs = superSql("postgres", "SELECT rolname || ':' || concat_ws(',', rolcanlogin, rolsuper, rolcreaterole, rolcreatedb) FROM pg_roles WHERE rolname IN ('library_owner', 'analytics_owner') ORDER BY 1");
            assert.deepStrictEqual(attrs.split("\n"), ["analytics_owner:t,f,f,f", "library_owner:t,f,f,f"], "login, and no superuser, createrole or createdb");
        });

        // From 16, ALTER ROLE ... PASSWORD needs ADMIN OPTION on the role, and pg_upgrade keeps
        // pg_auth_members as it is: a role made on 15 must carry it into a major upgrade.
        it("leaves the admin ADMIN OPTION on each role (what 16's ALTER ROLE ... PASSWORD needs after an upgrade)", () => {
            const grants = superSql("postgres", "SELECT r.rolname || ':' || m.admin_option FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles a ON a.oid = m.member WHERE a.rolname = 'app' AND r.rolname LIKE '%_owner' ORDER BY 1");
            assert.deepStrictEqual(grants.split("\n"), ["analytics_owner:true", "library_owner:true"]);
        });

        it("hands the admin's tables, sequences, views, functions, types and schemas in the database over to its role", () => {
            const still = superSql(
                "library",
                "SELECT string_agg(x, ',' ORDER BY x) FROM (" +
                    "SELECT relname AS x FROM pg_class WHERE relowner = 'app'::regrole AND relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'catalog')) " +
                    "UNION ALL SELECT proname FROM pg_proc WHERE proowner = 'app'::regrole AND pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'catalog')) " +
                    "UNION ALL SELECT typname FROM pg_type WHERE typowner = 'app'::regrole AND typnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'catalog')) " +
                    "UNION ALL SELECT nspname FROM pg_namespace WHERE nspowner = 'app'::regrole) s",
            );
            assert.strictEqual(still, "", "nothing of the admin's is left in the database's schemas");
            assert.strictEqual(superSql("library", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'books_id_seq'"), "library_owner", "the serial's sequence followed its table");
            // The extensions the init created stay the admin's (members of an extension are not moved).
            assert.strictEqual(superSql("library", "SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'pg_trgm'"), "app");
        });

        it("lets the role migrate what the admin created (ALTER, DROP)", () => {
            const pw = passwords.library;
            asUser("library_owner", pw, "library", "ALTER TABLE public.books ADD COLUMN isbn public.isbn");
            asUser("library_owner", pw, "library", "ALTER TABLE catalog.authors ADD COLUMN born date");
            asUser("library_owner", pw, "library", "INSERT INTO public.books (title) VALUES ('Dom Casmurro'); SELECT nextval('public.invoice_numbers')");
            asUser("library_owner", pw, "library", "CREATE OR REPLACE VIEW public.titles AS SELECT title, isbn FROM public.books");
            asUser("library_owner", pw, "library", "REFRESH MATERIALIZED VIEW catalog.counts; ALTER TYPE public.state ADD VALUE 'archived'");
            asUser("library_owner", pw, "library", "DROP FUNCTION public.shout(text); DROP PROCEDURE catalog.touch(); DROP TYPE public.span; CREATE TABLE catalog.loans (id int)");
            assert.strictEqual(asUser("library_owner", pw, "library", "SELECT count(*) FROM public.books"), "1");
        });

        it("moves nothing of the admin's outside the database (not REASSIGN OWNED)", () => {
            assert.strictEqual(superSql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'other_app'"), "app");
            assert.strictEqual(superSql("other_app", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'kept'"), "app");
        });
    });

    describe("each role, connecting with its own password", () => {
        it("creates a table in its own database", () => {
            for (const db of plan.databases) {
                const role = roleName(db);
                asUser(role, passwords[db], db, "CREATE TABLE IF NOT EXISTS role_check (id int); INSERT INTO role_check VALUES (1)");
                assert.strictEqual(superSql(db, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'role_check'"), role);
            }
        });

        it("cannot connect to another logical database (CONNECT revoked from PUBLIC)", () => {
            assert.match(failure(() => asUser("library_owner", passwords.library, "analytics", "SELECT 1")), /permission denied for database "analytics"/);
            assert.match(failure(() => asUser("analytics_owner", passwords.analytics, "library", "SELECT 1")), /permission denied for database "library"/);
        });

        it("cannot create a role or a database", () => {
            assert.match(failure(() => asUser("library_owner", passwords.library, "library", "CREATE ROLE intruder")), /permission denied to create role/);
            assert.match(failure(() => asUser("library_owner", passwords.library, "library", "CREATE DATABASE intruder")), /permission denied to create database/);
        });

        it("is refused with another role's password", () => {
            assert.match(failure(() => asUser("library_owner", passwords.analytics, "library", "SELECT 1")), /password authentication failed for user "library_owner"/);
        });

        it("the admin still reaches every database for the next runs, without the roles' passwords", () => {
            assert.strictEqual(asUser("app", adminPassword, "analytics", "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"), "pg_trgm,uuid-ossp");
        });
    });

    describe("rotation", () => {
        it("a new password replaces the old one on the next run", () => {
            const rotated = { ...passwords, library: "RotatedLibraryPassword0123456789" };
            applyScript(plan, rotated);
            assert.strictEqual(asUser("library_owner", rotated.library, "library", "SELECT current_user"), "library_owner");
            assert.match(failure(() => asUser("library_owner", passwords.library, "library", "SELECT 1")), /password authentication failed/);
            applyScript();
            assert.strictEqual(asUser("library_owner", passwords.library, "library", "SELECT current_user"), "library_owner");
        });

        it("stops with an error when a role's password is missing from the environment, setting none", () => {
            const out = failure(() => applyScript(plan, { library: passwords.library }));
            assert.match(out, /syntax error at or near ":"/);
            assert.strictEqual(asUser("analytics_owner", passwords.analytics, "analytics", "SELECT current_user"), "analytics_owner", "the old password still works");
        });

        it("psql 14's way (printenv) sets the same password", () => {
            const changed = { ...passwords, analytics: "ChangedThroughPrintenv0123456789" };
            applyScript({ ...plan, version: 14 }, changed);
            assert.strictEqual(asUser("analytics_owner", changed.analytics, "analytics", "SELECT current_user"), "analytics_owner");
            applyScript();
        });
    });

    describe("day 2: a logical database leaves database.databases", () => {
        const canLogin = (role: string) => superSql("postgres", `SELECT rolcanlogin FROM pg_roles WHERE rolname = '${role}'`);
        before(() => {
            // Beside the program's roles: a role an operator made, and a role of the program's shape
            // from before roles carried the program's comment (owner of its database, no comment).
            superSql("postgres", "CREATE ROLE reporting LOGIN PASSWORD 'ReportingPassword0123456789'");
            superSql("postgres", "CREATE ROLE archive_owner LOGIN PASSWORD 'ArchivePassword0123456789'");
            superSql("postgres", "CREATE DATABASE archive OWNER archive_owner");
            applyScript({ ...plan, databases: ["library"] });
        });

        it("the removed database's role loses LOGIN: it can no longer connect", () => {
            assert.strictEqual(canLogin("analytics_owner"), "f");
            assert.match(failure(() => asUser("analytics_owner", passwords.analytics, "analytics", "SELECT 1")), /role "analytics_owner" is not permitted to log in/);
        });

        it("the role, its database and its tables are kept (never dropped, never reassigned)", () => {
            assert.strictEqual(superSql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'analytics'"), "analytics_owner");
            assert.strictEqual(superSql("analytics", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'role_check'"), "analytics_owner");
        });

        it("the kept database's role, the admin and an operator's role keep LOGIN; an unmarked role of the program's shape loses it", () => {
            assert.deepStrictEqual(["library_owner", "app", "reporting", "archive_owner"].map(canLogin), ["t", "t", "t", "f"]);
            assert.strictEqual(asUser("library_owner", passwords.library, "library", "SELECT current_user"), "library_owner");
        });

        it("each role the program makes carries its comment (how the next runs know it)", () => {
            assert.strictEqual(superSql("postgres", "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'library_owner'"), "anycloud: owner of database library");
        });

        it("putting the database back in the config gives its role LOGIN back", () => {
            applyScript();
            assert.strictEqual(asUser("analytics_owner", passwords.analytics, "analytics", "SELECT current_user"), "analytics_owner");
        });
    });
});

describe("database roles: the SQL per PostgreSQL major", () => {
    // Only 15 runs here; 16 changed CREATEROLE (the creator gets ADMIN OPTION, not SET), and
    // ALTER ... OWNER TO needs SET ROLE on the new owner (16); the hand-over of a schema and then its
    // objects needs the admin to keep the schema's privileges (INHERIT); an upgrade to 16 needs ADMIN OPTION from 15.
    it("from 16 on the admin grants itself SET and INHERIT; up to 15 membership with ADMIN OPTION", () => {
        for (const v of [16, 17]) assert.strictEqual(membershipGrant("library_owner", "app", v), 'GRANT "library_owner" TO "app" WITH INHERIT TRUE, SET TRUE');
        for (const v of [14, 15]) assert.strictEqual(membershipGrant("library_owner", "app", v), 'GRANT "library_owner" TO "app" WITH ADMIN OPTION');
    });

    it("psql 15 and later read a role's password with \\getenv, psql 14 through printenv; never written in the script", () => {
        const plan = (version: number): DatabaseInitPlan => ({ owner: "app", databases: ["library"], extensions: [], version });
        assert.ok(psqlInitScript(plan(16)).includes(`\\getenv anycloud_role_password ${rolePasswordVariable("library")}\n`));
        assert.ok(psqlInitScript(plan(14)).includes(`\\set anycloud_role_password \`printenv ${rolePasswordVariable("library")}\`\n`));
        assert.ok(!/PASSWORD '/.test(psqlInitScript(plan(16))), "no literal password");
    });
});
