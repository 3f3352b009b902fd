import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, DatabaseArgs, DatabaseOutputs } from "../../components/backend";
import { psqlInitScript, rolePasswordVariable, scramVerifier } from "../../components/database-init";
import { generatedPassword } from "../../components/secrets";
import { LocalContext } from "./context";
import { POSTGRES_IMAGE } from "./images";
import { LocalNetworks } from "./network";
import { POSTGRES_MEMORY_MB } from "./sizes";

export const DATABASE_HOST = "database";

/**
 * Parameters as server flags (`postgres -c name=value`): the same names and values the clouds set
 * in parameter groups, flags and server configurations, in the same base units. Sorted, so the
 * container's command is the same on every run.
 */
export function serverFlags(parameters: Record<string, number | string>): string[] {
    return Object.keys(parameters)
        .sort()
        .flatMap((k) => ["-c", `${k}=${parameters[k]}`]);
}

/** PostgreSQL in a container with a volume; a one-shot psql container creates the databases and their roles. */
export function createDatabase(ctx: LocalContext, networks: LocalNetworks, name: string, args: DatabaseArgs, opts: ChildOptions): DatabaseOutputs {
    const network = networks.parts.database!;
    const password = generatedPassword(`${name}-password`, { length: 32 }, ctx.opts(opts.parent));
    const image = ctx.image(opts.parent, name, POSTGRES_IMAGE[args.version]);
    const volume = new docker.Volume(`${name}-data`, { name: ctx.name("pgdata") }, ctx.stateful(opts.parent));
    const flags = serverFlags(args.parameters);
    const server = new docker.Container(
        `${name}-server`,
        {
            name: ctx.name("postgres"),
            image: image.imageId,
            envs: [pulumi.interpolate`POSTGRES_USER=${args.username}`, pulumi.interpolate`POSTGRES_PASSWORD=${password}`, `POSTGRES_DB=${args.databases[0]}`],
            command: ["postgres", ...flags],
            networksAdvanced: [{ name: network.name, aliases: [DATABASE_HOST] }],
            volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
            memory: POSTGRES_MEMORY_MB[args.size],
            healthcheck: {
                tests: ["CMD-SHELL", "pg_isready -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\""],
                interval: "5s",
                timeout: "5s",
                retries: 12,
                startPeriod: "10s",
            },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 180,
            labels: ctx.labels("database"),
        },
        ctx.opts(opts.parent),
    );
    // Idempotent: re-runs when the script or a password changes (every input of a container
    // replaces it), creating what is missing, setting each role's password and handing over.
    const script = psqlInitScript({ owner: args.username, databases: args.databases, extensions: args.extensions, version: args.version });
    // Each role's password reaches psql as container env, like every secret on this target (no
    // secret store outside Swarm), as its SCRAM verifier (no password in any server log); secret
    // in state, never in the script.
    const rolePasswords = args.roles.map((r) => pulumi.secret(r.password.apply((p) => `${rolePasswordVariable(r.database)}=${scramVerifier(p, r.username)}`)));
    ctx.databaseInit = new docker.Container(
        `${name}-init`,
        {
            name: ctx.name("postgres-init"),
            image: image.imageId,
            envs: [`PGHOST=${DATABASE_HOST}`, pulumi.interpolate`PGUSER=${args.username}`, pulumi.interpolate`PGPASSWORD=${password}`, "PGDATABASE=postgres", ...rolePasswords],
            command: ["psql", "-v", "ON_ERROR_STOP=1", "-f", "/anycloud/init.sql"],
            uploads: [{ file: "/anycloud/init.sql", content: script }],
            networksAdvanced: [{ name: network.name }],
            attach: true,
            logs: true,
            mustRun: false,
            restart: "no",
            labels: ctx.labels("database"),
        },
        // Its logs (psql's errors quote statements) stay encrypted in state.
        ctx.opts(opts.parent, { dependsOn: [server], additionalSecretOutputs: ["containerLogs"] }),
    );
    return {
        host: pulumi.output(DATABASE_HOST),
        port: pulumi.output(5432),
        username: pulumi.output(args.username),
        password,
        sslMode: "disable",
        readReplicaHosts: pulumi.output([]),
    };
}
