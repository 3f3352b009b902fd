import * as pulumi from "@pulumi/pulumi";
import { DatabaseTls, DB_CA_DIR, DB_CA_FILE_NAME, SslMode } from "../../components/database-tls";
import { RDS_REGION_ROOTS } from "./rds-ca-roots";

/**
 * How RDS's CA reaches the containers on ECS. The instance's certificate is issued by the
 * region's RDS root (caCertIdentifier) and names the instance endpoint clients connect to (RDS
 * User Guide, "Using SSL/TLS ... verify-full"), so services use verify-full against the region's
 * roots. ECS mounts no file from a secret or config (task definitions have no such volume type),
 * so each task that uses the database gets a short init container that writes the PEM, carried
 * in its own environment, into a task volume the app mounts read-only and starts after
 * (`dependsOn: SUCCESS`, ECS "Container dependency"). The PEM is in the task definition: a new
 * bundle is a new revision, so the services roll onto it.
 */
export function rdsServerCa(region: string, tls: DatabaseTls = "verify"): { sslMode: SslMode; serverCa?: pulumi.Output<string> } {
    // database.tls require: sslmode=require and no CA, as the program wired before (database-tls.ts).
    if (tls === "require") return { sslMode: "require" };
    const roots = RDS_REGION_ROOTS[region];
    if (roots === undefined) {
        pulumi.log.warn(
            `aws.region ${region}: this program carries no RDS root CA for it (providers/aws/rds-ca-roots.ts), so services connect with sslmode=require: encrypted, the server not verified. ` +
                `Add the region's roots (RDS's global bundle; GovCloud: its own GovCloud bundle) to verify it (README "Database TLS").`,
        );
        return { sslMode: "require" };
    }
    return { sslMode: "verify-full", serverCa: pulumi.output(roots) };
}

/**
 * The task volume (Fargate: ephemeral task storage, shared by the task's containers) and the init
 * container's name: with an underscore, which no service or job name has (stacks/schema.ts), so
 * it never clashes with the app's container (named after the workload).
 */
export const DB_CA_VOLUME = "anycloud_db_ca";
export const DB_CA_INIT_CONTAINER = "anycloud_db_ca";
/**
 * The init container's image: a shell, printf, chmod and mv, nothing else. Docker's official
 * busybox from ECR Public (Docker Inc. mirrors every Official Image to public.ecr.aws/docker/library;
 * Fargate pulls it through the stack's NAT without Docker Hub's anonymous pull limits), pinned by
 * the digest of its image index, so every task start runs the same bytes whatever the tag `1.37`
 * points to later (a moved tag, a compromised push), and a changed pin is a reviewed change of
 * this file that rolls the workloads (a new task definition revision).
 *
 * The digest is `busybox:1.37`'s index (OCI image index, 17 platforms: linux/amd64 is
 * sha256:7a3ebe5b..., the platform these tasks run) as docker-library/repo-info records it
 * (repos/busybox/remote/1.37.md at commit 01a7054230d50b3dccaf8d579f161c522be8c9f0; BusyBox 1.37.0,
 * glibc, layers of 22 May 2026). The mirror serves Docker Hub's manifests unchanged (same digests:
 * public projects pull public.ecr.aws/docker/library/busybox by the digests repo-info lists for
 * Docker Hub), so a digest pull there resolves the same index. To move the pin: take the index
 * digest of a newer record of that file (`docker buildx imagetools inspect
 * public.ecr.aws/docker/library/busybox:<tag>` prints the same), change it here and in
 * test/database-ca.spec.ts, which holds the reference to exactly this string. Should the mirror
 * ever stop serving this digest (an untagged index it no longer keeps), new tasks of workloads on
 * the database fail to start with CannotPullContainerError naming it: move the pin.
 */
export const DB_CA_INIT_IMAGE = "public.ecr.aws/docker/library/busybox@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0";
/** Where the init container sees the volume. */
const WRITE_DIR = "/db-ca";

/** The pieces a task definition adds for a workload that uses the database. */
export interface DbCaTaskParts {
    volume: { name: string };
    /** The init container's definition (container definitions JSON). */
    initContainer: Record<string, unknown>;
    /** Added to the app container: the read-only mount and the start order. */
    mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    dependsOn: { containerName: string; condition: "SUCCESS" }[];
}

export function dbCaTaskParts(pem: pulumi.Input<string>, logConfiguration: Record<string, unknown>): DbCaTaskParts {
    return {
        volume: { name: DB_CA_VOLUME },
        initContainer: {
            name: DB_CA_INIT_CONTAINER,
            image: DB_CA_INIT_IMAGE,
            // A container that must exit with 0 before another starts cannot be essential (ECS).
            essential: false,
            // Written whole, then readable by any user the app's image runs as.
            command: ["sh", "-c", `printf '%s' "$DB_CA_PEM" > ${WRITE_DIR}/${DB_CA_FILE_NAME}.tmp && chmod 0444 ${WRITE_DIR}/${DB_CA_FILE_NAME}.tmp && mv ${WRITE_DIR}/${DB_CA_FILE_NAME}.tmp ${WRITE_DIR}/${DB_CA_FILE_NAME}`],
            // Public certificates: plain environment, not a secret.
            environment: [{ name: "DB_CA_PEM", value: pem }],
            mountPoints: [{ sourceVolume: DB_CA_VOLUME, containerPath: WRITE_DIR, readOnly: false }],
            logConfiguration,
        },
        mountPoints: [{ sourceVolume: DB_CA_VOLUME, containerPath: DB_CA_DIR, readOnly: true }],
        dependsOn: [{ containerName: DB_CA_INIT_CONTAINER, condition: "SUCCESS" }],
    };
}
