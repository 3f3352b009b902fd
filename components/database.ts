import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, problem } from "../stacks/errors";
import { CloudBackend, DatabaseArgs, DatabaseRole } from "./backend";
import { roleName } from "./database-init";
import { DB_CA_FILE, DatabaseTls, SslMode, sslQuery } from "./database-tls";
import { generatedPassword } from "./secrets";

/**
 * What a change of `database.version` asks of a server that already runs `running` (its full
 * version as the cloud reports it; undefined when there is no server yet): nothing, or the one
 * problem that stops it before the cloud refuses it. A major upgrade needs the opt-in; no cloud
 * downgrades a major in place.
 */
export function majorVersionProblem(requested: number, allowMajorVersionUpgrade: boolean, running: string | undefined, server: string): ConfigProblem | undefined {
    if (running === undefined) return undefined;
    const major = Number(running.split(".")[0]);
    if (!Number.isInteger(major) || major === requested) return undefined;
    if (requested < major) {
        return problem("database.version", requested, `${major} or above: the server ${server} runs PostgreSQL ${running}, and a major version cannot go down in place (restore a snapshot into a new stack instead)`);
    }
    if (!allowMajorVersionUpgrade) {
        return problem(
            "database.version",
            requested,
            `${major} (what the server ${server} runs: PostgreSQL ${running}), or ${requested} together with database.allowMajorVersionUpgrade: true, which upgrades it in place ` +
                `(\`pulumi config set --path anycloud:database.allowMajorVersionUpgrade true\`; take a snapshot first)`,
        );
    }
    return undefined;
}

/**
 * A change of `database.username`, the admin login the cloud keeps from the server's creation:
 * refused, naming the login the server has, unless `database.allowUsernameChange` accepts what
 * the cloud then does (`consequence`: AWS and Azure replace the server, GCP adds a login).
 */
export function usernameProblem(requested: string, running: string | undefined, server: string, allowUsernameChange: boolean, consequence: string): ConfigProblem | undefined {
    if (running === undefined || running === requested || allowUsernameChange) return undefined;
    return problem(
        "database.username",
        requested,
        `${JSON.stringify(running)}, the admin login the server ${server} was created with (keep it, and create other roles in SQL), ` +
            `or ${JSON.stringify(requested)} together with database.allowUsernameChange: true, which ${consequence} (\`pulumi config set --path anycloud:database.allowUsernameChange true\`)`,
    );
}

/** What a new admin login does where it replaces the server (AWS, Azure). */
export const SERVER_REPLACED = "replaces the server: a new, empty one under the same name, its databases gone with the old one (a protected prod server stops `up` there; restore a snapshot to keep the data)";

/**
 * One PostgreSQL server with the configured logical databases, extensions and parameters, and a
 * login role per logical database that owns it. `username`/`password` are the admin's: the
 * program's init step uses them, no service or job does (they get `role(database)`).
 */
export class Database extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** The port as text (DB_PORT): one Output, shared by every workload on the server. */
    public readonly portText: pulumi.Output<string>;
    /** The admin login (the init step's only). */
    public readonly username: pulumi.Output<string>;
    /** Secret: the admin's. */
    public readonly password: pulumi.Output<string>;
    /** Each logical database's own login role, by database. */
    public readonly roles: Record<string, DatabaseRole>;
    public readonly databases: string[];
    /** How services verify the server (components/database-tls.ts). */
    public readonly sslMode: SslMode;
    /** The CA file services trust (DB_CA_FILE), when the mode verifies; the backend delivers it. */
    public readonly sslRootCert?: string;
    /** `database.tls` as in force (unset: verify). */
    public readonly tls: DatabaseTls;
    public readonly readReplicaHosts: pulumi.Output<string[]>;
    /** Static parameters set but waiting for a server restart the program cannot make (Azure); [] elsewhere. */
    public readonly pendingRestart: pulumi.Output<string[]>;
    /** The command that applies them; "" when none is pending. */
    public readonly restartCommand: pulumi.Output<string>;

    constructor(name: string, args: Omit<DatabaseArgs, "roles">, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        const { clients, ...settings } = args;
        super("anycloud:index:Database", name, { ...settings, clients }, opts);
        // Letters and digits: valid in every target's secret store and in a URL without escaping.
        const roles = args.databases.map((database) => ({ database, username: roleName(database), password: generatedPassword(`${name}-role-${database}`, { length: 32 }, { parent: this }) }));
        this.roles = Object.fromEntries(roles.map((r) => [r.database, r]));
        const out = backend.database(name, { ...args, roles }, { parent: this });
        this.host = out.host;
        this.port = out.port;
        this.portText = this.port.apply(String);
        this.username = out.username;
        this.password = pulumi.secret(out.password);
        this.databases = args.databases;
        this.sslMode = out.sslMode;
        this.sslRootCert = out.serverCa !== undefined ? DB_CA_FILE : undefined;
        this.tls = args.tls ?? "verify";
        if (args.tls === undefined && out.sslMode !== "disable") {
            // A stack deployed before the program delivered CAs told its services `require`: the
            // change to verifying is in this plan, and said, until the stack chooses.
            pulumi.log.warn(
                `database.tls is not set, so it is verify: services and jobs on the database get DB_SSLMODE=PGSSLMODE=${out.sslMode}` +
                    (this.sslRootCert ? `, the server's CA at ${this.sslRootCert} (DB_SSLROOTCERT, PGSSLROOTCERT, NODE_EXTRA_CA_CERTS)` : "") +
                    ` and the same in DATABASE_URL. A stack deployed by an earlier version of this program had sslmode=require (encrypted, not verified): clients that cannot verify (README "Database TLS") fail to connect. ` +
                    `Set database.tls to verify to keep this, or to require to keep the earlier wiring (pulumi config set --path anycloud:database.tls verify).`,
                this,
            );
        }
        this.readReplicaHosts = out.readReplicaHosts;
        this.pendingRestart = out.pendingRestart ?? pulumi.output([]);
        this.restartCommand = out.restartCommand ?? pulumi.output("");
        this.registerOutputs({
            host: this.host,
            port: this.port,
            username: this.username,
            password: this.password,
            databases: this.databases,
            readReplicaHosts: this.readReplicaHosts,
            pendingRestart: this.pendingRestart,
        });
    }

    /** The login role of one logical database. */
    public role(database: string): DatabaseRole {
        return this.roles[database];
    }

    /**
     * A secret `postgresql://` URL for one logical database, as its own role (what services get).
     * One Output per database, made on first use: every workload on it gets the same (several
     * Outputs each, for each of up to hundreds of services).
     */
    public roleUrl(database: string): pulumi.Output<string> {
        let url = this.roleUrls.get(database);
        if (url === undefined) {
            const role = this.role(database);
            url = pulumi.secret(pulumi.interpolate`postgresql://${role.username}:${role.password.apply(encodeURIComponent)}@${this.host}:${this.port}/${database}?${sslQuery(this.sslMode, this.sslRootCert)}`);
            this.roleUrls.set(database, url);
        }
        return url;
    }
    private readonly roleUrls = new Map<string, pulumi.Output<string>>();

    /**
     * A secret `postgresql://` URL for one of the logical databases, as the admin (stack output for
     * operators only). It names no CA file (an operator's machine has none at DB_CA_FILE): it asks
     * for TLS (`require`) where the server has it; README "Database TLS" says how to verify.
     */
    public urlFor(database: string): pulumi.Output<string> {
        const mode = this.sslMode === "disable" ? "disable" : "require";
        return pulumi.secret(
            pulumi.interpolate`postgresql://${this.username}:${this.password.apply(encodeURIComponent)}@${this.host}:${this.port}/${database}?sslmode=${mode}`,
        );
    }
}
