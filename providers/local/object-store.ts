import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, ObjectStoreArgs, ObjectStoreOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { BucketSettings } from "../../stacks/settings";
import { LocalContext } from "./context";
import { MINIO_CLIENT_IMAGE, MINIO_IMAGE } from "./images";
import { LocalNetworks } from "./network";

export const STORAGE_HOST = "storage";

/** S3 credentials of one service: a MinIO user whose policy covers only its buckets. */
export interface StorageCredentials {
    accessKeyId: string;
    secretAccessKey: pulumi.Output<string>;
}

export function lifecycleRules(bucket: BucketSettings): object {
    const rules: object[] = [
        { ID: "noncurrent-versions", Status: "Enabled", Filter: { Prefix: "" }, NoncurrentVersionExpiration: { NoncurrentDays: bucket.noncurrentVersionExpirationDays } },
        { ID: "abort-incomplete-uploads", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: bucket.abortIncompleteUploadDays } },
    ];
    if (bucket.expirationDays !== undefined) {
        rules.push({ ID: "expire-objects", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: bucket.expirationDays } });
    }
    return { Rules: rules };
}

export function bucketPolicy(buckets: string[]): object {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: buckets.map((b) => `arn:aws:s3:::${b}`) },
            { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: buckets.map((b) => `arn:aws:s3:::${b}/*`) },
        ],
    };
}

/** The shell script of the one-shot `mc` container; credentials come from its environment. */
export function minioSetupScript(buckets: BucketSettings[], clients: Record<string, string[]>): string {
    const lines = ["set -eu"];
    for (const b of buckets) {
        lines.push(`mc mb --ignore-existing local/${b.name}`, `mc anonymous set none local/${b.name}`);
        lines.push(b.versioning ? `mc version enable local/${b.name}` : `mc version suspend local/${b.name} || true`);
        lines.push(`mc ilm import local/${b.name} < /anycloud/lifecycle-${b.name}.json`);
    }
    for (const service of Object.keys(clients).sort()) {
        const v = envKey(service);
        lines.push(
            `mc admin user add local "$ACCESS_${v}" "$SECRET_${v}"`,
            `mc admin policy create local anycloud-${service} /anycloud/policy-${service}.json`,
            `out=$(mc admin policy attach local anycloud-${service} --user "$ACCESS_${v}" 2>&1) || echo "$out" | grep -qi "already" || { echo "$out"; exit 1; }`,
        );
    }
    return `${lines.join("\n")}\n`;
}

function envKey(service: string): string {
    return service.toUpperCase().replace(/-/g, "_");
}

/** Service -> the buckets it uses. */
export function clientsOf(bucketClients: Record<string, string[]>): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [bucket, services] of Object.entries(bucketClients)) {
        for (const s of services) {
            (out[s] ??= []).push(bucket);
        }
    }
    return out;
}

export function createObjectStore(
    ctx: LocalContext,
    networks: LocalNetworks,
    name: string,
    args: ObjectStoreArgs,
    opts: ChildOptions,
): { outputs: ObjectStoreOutputs; credentials: Record<string, StorageCredentials> } {
    const network = networks.parts.storage!;
    const rootPassword = generatedPassword(`${name}-root-password`, { length: 40 }, ctx.opts(opts.parent));
    const rootUser = "anycloud-root";
    const data = new docker.Volume(`${name}-data`, { name: ctx.name("minio-data") }, ctx.stateful(opts.parent));
    const image = ctx.image(opts.parent, name, MINIO_IMAGE);
    const server = new docker.Container(
        `${name}-server`,
        {
            name: ctx.name("minio"),
            image: image.imageId,
            command: ["server", "/data", "--console-address", ":9001"],
            envs: [`MINIO_ROOT_USER=${rootUser}`, pulumi.interpolate`MINIO_ROOT_PASSWORD=${rootPassword}`],
            networksAdvanced: [{ name: network.name, aliases: [STORAGE_HOST] }],
            volumes: [{ volumeName: data.name, containerPath: "/data" }],
            healthcheck: { tests: ["CMD-SHELL", "mc ready local || curl -sf http://localhost:9000/minio/health/live"], interval: "5s", timeout: "5s", retries: 12, startPeriod: "5s" },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 120,
            labels: ctx.labels("storage"),
        },
        ctx.opts(opts.parent),
    );

    const clients = clientsOf(args.bucketClients);
    const credentials: Record<string, StorageCredentials> = {};
    const clientEnvs: pulumi.Input<string>[] = [];
    for (const service of Object.keys(clients).sort()) {
        const secret = generatedPassword(`${name}-${service}-secret-key`, { length: 40 }, ctx.opts(opts.parent));
        credentials[service] = { accessKeyId: `svc-${service}`, secretAccessKey: secret };
        clientEnvs.push(`ACCESS_${envKey(service)}=svc-${service}`, pulumi.interpolate`SECRET_${envKey(service)}=${secret}`);
    }
    const clientImage = ctx.image(opts.parent, `${name}-client`, MINIO_CLIENT_IMAGE);
    new docker.Container(
        `${name}-setup`,
        {
            name: ctx.name("minio-setup"),
            image: clientImage.imageId,
            entrypoints: ["/bin/sh", "/anycloud/setup.sh"],
            envs: [pulumi.interpolate`MC_HOST_local=http://${rootUser}:${rootPassword}@${STORAGE_HOST}:9000`, ...clientEnvs],
            uploads: [
                { file: "/anycloud/setup.sh", content: minioSetupScript(args.buckets, clients) },
                ...args.buckets.map((b) => ({ file: `/anycloud/lifecycle-${b.name}.json`, content: JSON.stringify(lifecycleRules(b)) })),
                ...Object.entries(clients).map(([service, buckets]) => ({ file: `/anycloud/policy-${service}.json`, content: JSON.stringify(bucketPolicy(buckets)) })),
            ],
            networksAdvanced: [{ name: network.name }],
            attach: true,
            logs: true,
            mustRun: false,
            restart: "no",
            labels: ctx.labels("storage"),
        },
        // Its logs (mc's output) stay encrypted in state.
        ctx.opts(opts.parent, { dependsOn: [server], additionalSecretOutputs: ["containerLogs"] }),
    );
    return {
        outputs: {
            provider: "s3",
            buckets: Object.fromEntries(args.buckets.map((b) => [b.name, pulumi.output(b.name)])),
            env: { S3_ENDPOINT: `http://${STORAGE_HOST}:9000`, S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: "true" },
            secretEnv: {},
        },
        credentials,
    };
}
