import * as pulumi from "@pulumi/pulumi";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import { GcpContext } from "./context";

/** A dedicated, role-less service account (roles are granted per resource, never project-wide). */
export function serviceAccount(ctx: GcpContext, logical: string, id: string, description: string, parent: pulumi.Resource): serviceaccount.Account {
    return new serviceaccount.Account(
        logical,
        { accountId: ctx.naming.accountId(id), displayName: description.slice(0, 100), description, project: ctx.project },
        ctx.opts(parent, ["iam"]),
    );
}

export interface StoredSecret {
    secret: secretmanager.Secret;
    version: secretmanager.SecretVersion;
    /** The accessor grant for the reading identity (only that one). */
    access: secretmanager.SecretIamMember;
}

/**
 * One Secret Manager secret per value, readable only by `reader`. The value stays a Pulumi
 * secret (encrypted in state); containers get it through `secretKeyRef`, never as plain env.
 */
export function storeSecret(
    ctx: GcpContext,
    logical: string,
    secretId: string,
    value: pulumi.Input<string>,
    reader: pulumi.Input<string>,
    parent: pulumi.Resource,
): StoredSecret {
    const secret = new secretmanager.Secret(
        logical,
        { secretId, project: ctx.project, replication: { auto: {} }, labels: { "anycloud-owner": logical.slice(0, 63).toLowerCase().replace(/[^a-z0-9_-]/g, "-") } },
        ctx.opts(parent, ["secretmanager"]),
    );
    const version = new secretmanager.SecretVersion(`${logical}-v`, { secret: secret.id, secretData: pulumi.secret(value) }, ctx.opts(parent, ["secretmanager"]));
    const access = new secretmanager.SecretIamMember(
        `${logical}-access`,
        { project: ctx.project, secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member: reader },
        ctx.opts(parent, ["secretmanager"]),
    );
    return { secret, version, access };
}
