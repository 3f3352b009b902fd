import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/gcp/storage";
import { ChildOptions, ObjectStoreArgs, ObjectStoreOutputs } from "../../components/backend";
import { GcpContext } from "./context";

/** The S3-compatible XML API endpoint of Cloud Storage (used with HMAC keys). */
export const GCS_S3_ENDPOINT = "https://storage.googleapis.com";

/**
 * Private Cloud Storage buckets: uniform bucket-level access, public access prevention enforced,
 * versioning and lifecycle rules; forceDestroy only in dev. Access is granted per service (and
 * its HMAC key made) in containerService, with that service's own service account.
 */
export function createObjectStore(ctx: GcpContext, name: string, args: ObjectStoreArgs, opts: ChildOptions): ObjectStoreOutputs {
    const parent = opts.parent;
    const protect = ctx.settings.protect;
    const buckets: Record<string, pulumi.Output<string>> = {};
    for (const b of args.buckets) {
        const lifecycleRules: storage.BucketArgs["lifecycleRules"] = [
            { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: b.abortIncompleteUploadDays } },
        ];
        if (b.versioning) {
            lifecycleRules.push({ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: b.noncurrentVersionExpirationDays, withState: "ARCHIVED" } });
        }
        if (b.expirationDays !== undefined) {
            lifecycleRules.push({ action: { type: "Delete" }, condition: { age: b.expirationDays, withState: "LIVE" } });
        }
        const bucket = new storage.Bucket(
            `${name}-${b.name}`,
            {
                name: ctx.naming.bucket(b.name),
                location: ctx.region.toUpperCase(),
                storageClass: "STANDARD",
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                versioning: { enabled: b.versioning },
                lifecycleRules,
                forceDestroy: ctx.settings.environment === "dev",
            },
            ctx.opts(parent, ["storage"], { protect }),
        );
        ctx.buckets[b.name] = bucket;
        buckets[b.name] = bucket.name;
    }
    return {
        provider: "gcs",
        buckets,
        env: {
            S3_ENDPOINT: GCS_S3_ENDPOINT,
            // GCS's S3-compatible API signs with region "auto".
            S3_REGION: "auto",
            S3_FORCE_PATH_STYLE: "true",
            GOOGLE_CLOUD_PROJECT: ctx.project,
        },
        // Credentials are per service (HMAC key of its own service account), added in containerService.
        secretEnv: {},
    };
}
