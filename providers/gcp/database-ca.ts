import * as pulumi from "@pulumi/pulumi";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import type * as sql from "@pulumi/gcp/sql";
import { DB_CA_DIR, DB_CA_FILE_NAME, SslMode } from "../../components/database-tls";
import { GcpContext } from "./context";

/**
 * How Cloud SQL's CA reaches the containers on Cloud Run. The instance uses its own server CA
 * (serverCaMode unset = GOOGLE_MANAGED_INTERNAL_CA, a self-signed CA per instance: `serverCaCerts`
 * lists it, and the next one while a rotation is prepared). The server certificate it issues
 * names the instance (CN `<project>:<instance>`), not the private IP services connect to, so the
 * host name cannot be verified: verify-ca. That CA signs this instance's certificate only, so the
 * chain check already pins the server. (A CAS-based serverCaMode with a DNS name would allow
 * verify-full; not done: README "Database TLS".)
 *
 * The CAs go into one Secret Manager secret; each workload that uses the database mounts its
 * pinned version as DB_CA_FILE (Cloud Run secret volume, file mode 0444 by default). A CA added
 * on the instance is a new version at the next `pulumi up --refresh`, so a new revision of every
 * workload on the database.
 */
export function databaseServerCa(ctx: GcpContext, name: string, instance: sql.DatabaseInstance, parent: pulumi.Resource): { sslMode: SslMode; serverCa: pulumi.Output<string> } {
    const serverCa = instance.serverCaCerts.apply((cs) => cs.map((c) => c.cert.trim() + "\n").join(""));
    const secret = new secretmanager.Secret(
        `${name}-server-ca`,
        { secretId: ctx.naming.secretId("database", "server-ca"), project: ctx.project, replication: { auto: {} } },
        ctx.opts(parent, ["secretmanager"]),
    );
    const version = new secretmanager.SecretVersion(`${name}-server-ca-v`, { secret: secret.id, secretData: serverCa }, ctx.opts(parent, ["secretmanager"]));
    ctx.databaseCa = { secret, version };
    return { sslMode: "verify-ca", serverCa };
}

/** The secret volume's name in a revision's or execution's template. */
export const DB_CA_VOLUME = "anycloud-db-ca";

/**
 * The volume, mount and accessor grant a workload that uses the database needs to see the
 * server CA at DB_CA_FILE, or nothing without a database CA.
 */
export function dbCaVolume(
    ctx: GcpContext,
    name: string,
    member: pulumi.Input<string>,
    parent: pulumi.Resource,
): { volumes: { name: string; secret: { secret: pulumi.Input<string>; items: { path: string; version: pulumi.Input<string> }[] } }[]; volumeMounts: { name: string; mountPath: string }[]; deps: pulumi.Resource[] } {
    const ca = ctx.databaseCa;
    if (!ca) return { volumes: [], volumeMounts: [], deps: [] };
    const access = new secretmanager.SecretIamMember(
        `${name}-db-ca-access`,
        { project: ctx.project, secretId: ca.secret.secretId, role: "roles/secretmanager.secretAccessor", member },
        ctx.opts(parent, ["secretmanager"]),
    );
    return {
        // Pinned to the version written: a new CA set is a new version, so a new revision.
        volumes: [{ name: DB_CA_VOLUME, secret: { secret: ca.secret.secretId, items: [{ path: DB_CA_FILE_NAME, version: ca.version.version }] } }],
        volumeMounts: [{ name: DB_CA_VOLUME, mountPath: DB_CA_DIR }],
        deps: [access, ca.version],
    };
}
