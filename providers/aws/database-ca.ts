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
 * The init container's image: a shell and printf, nothing else. Docker's official busybox from
 * ECR Public (the Docker Official Images mirror on public.ecr.aws): Fargate pulls it through the
 * stack's NAT without Docker Hub's anonymous pull limits.
 */
export const DB_CA_INIT_IMAGE = "public.ecr.aws/docker/library/busybox:1.37";
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
