import * as pulumi from "@pulumi/pulumi";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as sql from "@pulumi/gcp/sql";
import { DB_CA_DIR, DB_CA_FILE_NAME, SslMode } from "../../components/database-tls";
import { GcpContext } from "./context";

/**
 * How Cloud SQL's CA reaches the containers on Cloud Run. The instance uses its own server CA
 * (serverCaMode unset = GOOGLE_MANAGED_INTERNAL_CA, a self-signed CA per instance). The server
 * certificate it issues names the instance (CN `<project>:<instance>`), not the private IP
 * services connect to, so the host name cannot be verified: verify-ca. That CA signs this
 * instance's certificate only, so the chain check already pins the server. (A CAS-based
 * serverCaMode with a DNS name would allow verify-full; not done: README "Database TLS".)
 *
 * The CAs are read with `sql.getCaCerts` (instances.listServerCas) on every run, for the primary
 * and each read replica (a replica has its own per-instance CA; services get readReplicaHosts).
 * listServerCas returns every CA the instance trusts, the upcoming one too once
 * `gcloud sql ssl server-ca-certs create` prepared a rotation. The instance's own
 * `serverCaCerts` is not used: terraform-provider-google fills it from the instance's
 * `serverCaCert` alone (flattenServerCaCerts([]*sqladmin.SslCert{instance.ServerCaCert})), the
 * active CA only, so services pinned to it fail at `server-ca-certs rotate`.
 *
 * The CAs go into one Secret Manager secret; each workload that uses the database mounts its
 * pinned version as DB_CA_FILE (Cloud Run secret volume, file mode 0444 by default). A changed
 * CA set is a new version, so a new revision of every workload on the database. A replaced
 * version is abandoned, not destroyed (deletionPolicy ABANDON): an older revision a rollback
 * sends traffic to still reads the version it pins; the versions go with the secret on destroy.
 */
export function databaseServerCa(ctx: GcpContext, name: string, serverCa: pulumi.Output<string>, parent: pulumi.Resource): { sslMode: SslMode; serverCa: pulumi.Output<string> } {
    const secret = new secretmanager.Secret(
        `${name}-server-ca`,
        { secretId: ctx.naming.secretId("database", "server-ca"), project: ctx.project, replication: { auto: {} } },
        ctx.opts(parent, ["secretmanager"]),
    );
    const version = new secretmanager.SecretVersion(`${name}-server-ca-v`, { secret: secret.id, secretData: serverCa, deletionPolicy: "ABANDON" }, ctx.opts(parent, ["secretmanager"]));
    ctx.databaseCa = { secret, version };
    return { sslMode: "verify-ca", serverCa };
}

/**
 * Every CA the instances list (listServerCas), each once, in the order listed: what the services
 * and the init job trust.
 */
export function instanceCaBundle(ctx: GcpContext, instances: sql.DatabaseInstance[], parent: pulumi.Resource): pulumi.Output<string> {
    const lists = instances.map((i) => sql.getCaCertsOutput({ instance: i.name, project: ctx.project }, ctx.invokeOpts(parent, ["sqladmin"])).certs);
    return pulumi.all(lists).apply((all) => caBundle(all.flat().map((c) => c.cert)));
}

/** PEM certificates joined one after another, each once, each ending with a newline. */
export function caBundle(certs: string[]): string {
    return [...new Set(certs.map((c) => c.trim() + "\n"))].join("");
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
): {
    volumes: { name: string; secret: { secret: pulumi.Input<string>; items: { path: string; version: pulumi.Input<string> }[] } }[];
    volumeMounts: { name: string; mountPath: string }[];
    deps: pulumi.Resource[];
    /** The workload's read grant on the CA secret (the caller waits for it to apply). */
    access: secretmanager.SecretIamMember | undefined;
} {
    const ca = ctx.databaseCa;
    if (!ca) return { volumes: [], volumeMounts: [], deps: [], access: undefined };
    const access = new secretmanager.SecretIamMember(
        `${name}-db-ca-access`,
        { project: ctx.project, secretId: ca.secret.secretId, role: "roles/secretmanager.secretAccessor", member },
        ctx.opts(parent, ["secretmanager"]),
    );
    return {
        // Pinned to the version written: a new CA set is a new version, so a new revision.
        volumes: [{ name: DB_CA_VOLUME, secret: { secret: ca.secret.secretId, items: [{ path: DB_CA_FILE_NAME, version: ca.version.version }] } }],
        volumeMounts: [{ name: DB_CA_VOLUME, mountPath: DB_CA_DIR }],
        deps: [ca.version],
        access,
    };
}
