import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type * as inputs from "@pulumi/azure-native/types/input";
import { ChildOptions, ObjectStoreArgs, ObjectStoreOutputs } from "../../components/backend";
import { diagnostics } from "./alerts";
import { AzureContext } from "./context";
import { CREATE_ONLY_NAME, fitName, RULES } from "./naming";
import { ZONES } from "./network";

/**
 * What every storage account of the program sets: no public blobs, no shared keys (Entra ID
 * only, and the portal defaults to it), TLS 1.2+, HTTPS only, no cross-tenant replication.
 * The buckets' account and the search snapshots' account share it.
 */
export const HARDENED_STORAGE_ACCOUNT = {
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
    allowCrossTenantReplication: false,
} as const;

/** Blob container names: 3-63 lowercase letters, digits and single hyphens. */
export function containerName(bucket: string): string {
    const name = fitName([bucket], { max: 63, charset: "hyphen", lowercase: true, startLetter: false }, undefined);
    return name.length >= 3 ? name : fitName([bucket], { max: 63, charset: "hyphen", lowercase: true, startLetter: false }, `container/${bucket}`);
}

/**
 * One storage account (Entra-only: no shared keys, no public blobs, TLS 1.2, HTTPS only) with a
 * private container per bucket, versioning and soft delete, lifecycle rules, and per-container
 * Storage Blob Data Contributor grants to exactly the services that use the bucket. Apps
 * authenticate with their managed identity (AZURE_CLIENT_ID), so no key is handed out.
 */
export function createObjectStore(ctx: AzureContext, name: string, args: ObjectStoreArgs, opts: ChildOptions): ObjectStoreOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const platform = ctx.requirePlatform();
    const rg = ctx.rgName;
    const prod = ctx.settings.environment === "prod";
    const retentionDays = Math.max(7, ...args.buckets.map((b) => b.noncurrentVersionExpirationDays));

    const account = new storage.StorageAccount(
        `${name}-account`,
        {
            accountName: ctx.globalName("st", RULES.storageAccount),
            resourceGroupName: rg,
            location: ctx.location,
            kind: "StorageV2",
            sku: { name: prod && ctx.settings.network.zones > 1 ? "Standard_ZRS" : "Standard_LRS" },
            ...HARDENED_STORAGE_ACCOUNT,
            // prod: private endpoint only. dev: the apps subnet through its service endpoint, nothing else.
            publicNetworkAccess: prod ? "Disabled" : "Enabled",
            networkRuleSet: {
                defaultAction: "Deny",
                bypass: "AzureServices",
                virtualNetworkRules: prod ? [] : [{ virtualNetworkResourceId: net.apps.id, action: "Allow" }],
            },
            tags: ctx.tags,
        },
        ctx.stateful(parent, { ignoreChanges: CREATE_ONLY_NAME.storageAccount }),
    );
    const blobService = new storage.BlobServiceProperties(
        `${name}-blob-service`,
        {
            accountName: account.name,
            resourceGroupName: rg,
            blobServicesName: "default",
            // Versioning is account-wide on Azure: on when any bucket asks for it.
            isVersioningEnabled: args.buckets.some((b) => b.versioning),
            deleteRetentionPolicy: { enabled: true, days: retentionDays },
            containerDeleteRetentionPolicy: { enabled: true, days: retentionDays },
            changeFeed: prod ? { enabled: true, retentionInDays: retentionDays } : undefined,
            // Point-in-time restore must be shorter than the delete retention.
            restorePolicy: prod ? { enabled: true, days: retentionDays - 1 } : undefined,
        },
        ctx.opts(parent),
    );
    if (prod) {
        ctx.privateEndpoint(`${name}-blob`, account.id, "blob", ZONES.blob, parent);
    }

    const buckets: Record<string, pulumi.Output<string>> = {};
    const rules: inputs.storage.ManagementPolicyRuleArgs[] = [];
    for (const bucket of args.buckets) {
        const cname = containerName(bucket.name);
        const container = new storage.BlobContainer(
            `${name}-${bucket.name}`,
            { containerName: cname, accountName: account.name, resourceGroupName: rg, publicAccess: "None" },
            ctx.stateful(parent, { dependsOn: [blobService] }),
        );
        buckets[bucket.name] = container.name;
        for (const service of args.bucketClients[bucket.name] ?? []) {
            (ctx.dataGrants[service] ??= []).push(ctx.grant(`${service}-blob-${bucket.name}`, "storageBlobDataContributor", platform.identities[service].principalId, container.id, parent, [service, "blob", bucket.name]));
        }
        rules.push({
            name: `${cname}-lifecycle`,
            enabled: true,
            type: "Lifecycle",
            definition: {
                filters: { blobTypes: ["blockBlob"], prefixMatch: [`${cname}/`] },
                actions: {
                    version: { delete: { daysAfterCreationGreaterThan: bucket.noncurrentVersionExpirationDays } },
                    baseBlob: bucket.expirationDays !== undefined ? { delete: { daysAfterModificationGreaterThan: bucket.expirationDays } } : undefined,
                },
            },
        });
    }
    new storage.ManagementPolicy(
        `${name}-lifecycle`,
        { accountName: account.name, resourceGroupName: rg, managementPolicyName: "default", policy: { rules } },
        ctx.opts(parent, { dependsOn: [blobService] }),
    );
    diagnostics(ctx, `${name}-blob`, pulumi.interpolate`${account.id}/blobServices/default`, platform.workspace.id, parent);

    return {
        provider: "azure-blob",
        buckets,
        env: {
            AZURE_STORAGE_ACCOUNT: account.name,
            AZURE_STORAGE_BLOB_ENDPOINT: account.primaryEndpoints.blob,
        },
        secretEnv: {},
    };
}
