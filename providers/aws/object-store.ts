import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import { ChildOptions, ObjectStoreArgs, ObjectStoreOutputs } from "../../components/backend";
import { AwsContext } from "./context";

/** Deny every request that is not HTTPS. */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/** Private, encrypted, owner-enforced S3 buckets with versioning and lifecycle. */
export function createObjectStore(ctx: AwsContext, name: string, args: ObjectStoreArgs, opts: ChildOptions): ObjectStoreOutputs {
    const parent = opts.parent;
    const buckets: Record<string, pulumi.Output<string>> = {};
    for (const settings of args.buckets) {
        const id = `${name}-${settings.name}`;
        const bucket = new s3.Bucket(
            id,
            { bucket: ctx.accountId.apply((account) => ctx.naming.bucket(settings.name, account, ctx.region)), forceDestroy: !ctx.settings.protect },
            // The name is fixed at creation: a different caller-identity answer must not replace the data.
            ctx.dataOpts(parent, { ignoreChanges: ["bucket"] }),
        );
        const block = new s3.BucketPublicAccessBlock(id, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, ctx.opts(parent));
        new s3.BucketOwnershipControls(id, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, ctx.opts(parent));
        // KMS (AWS-managed aws/s3 key, with a bucket key to cut KMS calls) in prod for key-usage audit trails; SSE-S3 in dev.
        new s3.BucketServerSideEncryptionConfiguration(
            id,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: ctx.prod ? "aws:kms" : "AES256" }, bucketKeyEnabled: ctx.prod }] },
            ctx.opts(parent),
        );
        const versioning = settings.versioning
            ? new s3.BucketVersioning(id, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, ctx.opts(parent))
            : undefined;
        const rules: s3.BucketLifecycleConfigurationArgs["rules"] = [
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: settings.abortIncompleteUploadDays } },
        ];
        if (settings.versioning) {
            rules.push({ id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionExpirationDays } });
        }
        if (settings.expirationDays !== undefined) {
            rules.push({ id: "expire-objects", status: "Enabled", filter: {}, expiration: { days: settings.expirationDays } });
        }
        new s3.BucketLifecycleConfiguration(id, { bucket: bucket.id, rules }, ctx.opts(parent, { dependsOn: versioning ? [versioning] : [] }));
        // After the public access block, so S3 never sees a policy on a bucket that could still be public.
        new s3.BucketPolicy(id, { bucket: bucket.id, policy: tlsOnlyPolicy(bucket.arn) }, ctx.opts(parent, { dependsOn: [block] }));
        buckets[settings.name] = bucket.bucket;
        ctx.bucketArns[settings.name] = bucket.arn;
    }
    return { provider: "s3", buckets, env: { S3_REGION: ctx.region }, secretEnv: {} };
}
