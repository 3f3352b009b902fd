import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as docker from "@pulumi/docker";
import type * as inputs from "@pulumi/azure-native/types/input";
import { ChildOptions, ContainerServiceArgs, ContainerServiceOutputs } from "../../components/backend";
import { SINGLETON_TAG } from "../../policy/singleton";
import { ServiceSettings } from "../../stacks/settings";
import { PropagationWait, waitAfterGrants } from "../../components/propagation-wait";
import { metricAlerts } from "./alerts";
import { AzureContext } from "./context";
import { DB_CA_SECRET, dbCaVolume } from "./database-ca";
import { containerAppMemory } from "./sizes";

/** Env var name → Container Apps secret name (lowercase letters, digits, '-'). */
export function secretRefName(variable: string): string {
    return variable.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** Services another service or a job of the stack calls (`uses: service:<name>`). */
function isCallee(ctx: AzureContext, name: string): boolean {
    return [...ctx.settings.services, ...ctx.settings.jobs].some((s) => s.uses.services.includes(name));
}

/**
 * The address other apps of the environment call a service at: its ingress FQDN, which for
 * internal ingress carries `.internal.` (Container Apps docs, "Ingress": internal FQDN
 * `<app>.internal.<environment default domain>`; "Connect applications": calls by FQDN never
 * leave the environment). HTTPS: ingress terminates TLS with the environment's certificate.
 */
export function serviceUrl(ctx: AzureContext, service: Pick<ServiceSettings, "name" | "public">): pulumi.Output<string> {
    const domain = ctx.requirePlatform().environment.defaultDomain;
    return pulumi.interpolate`https://${ctx.naming.containerApp(service.name)}.${service.public ? "" : "internal."}${domain}`;
}

/**
 * How long a container app waits after its identity's new role assignments before it is created
 * or updated. Container Apps reads each Key Vault reference (and pulls a built image) with the
 * app's user-assigned identity while it provisions the revision; an assignment Azure has not yet
 * applied fails it with "Unable to get value using Managed identity ... for secret"
 * (microsoft/azure-container-apps#1174, #930; Azure/terraform-azurerm-avm-res-app-containerapp#76;
 * AcrPull the same way, microsoft/GitHub-Copilot-for-Azure#1701: "1-5 minutes"). Azure documents
 * up to 10 minutes for role assignment changes to take effect (Learn: "Troubleshoot Azure RBAC");
 * Terraform modules wait 60-120 s (`time_sleep` after `azurerm_role_assignment`). 180 s covers the
 * reported cases; past it the revision fails and the next `up` retries it (README Known limits).
 */
export const RBAC_PROPAGATION_SECONDS = 180;

/**
 * A workload's role assignments and the bounded wait for Azure to apply them: a container app or
 * job reads its Key Vault references and pulls its image with its identity while it provisions
 * (and its code reads blobs from its first request), so it is created after both.
 */
export function settledGrants(
    ctx: AzureContext,
    name: string,
    grants: pulumi.CustomResource[],
    parent: pulumi.Resource | undefined,
): { rbacGrants: pulumi.CustomResource[]; rbacSettled: pulumi.Resource[] } {
    const pullGrant = ctx.requirePlatform().pullGrants[name];
    const rbacGrants = [...grants, ...(pullGrant ? [pullGrant] : []), ...(ctx.dataGrants[name] ?? [])];
    const rbacSettled =
        rbacGrants.length > 0
            ? [
                  grantsSettled(
                      `${name}-rbac-propagation`,
                      rbacGrants,
                      `Azure RBAC applies ${name}'s new role assignments (Key Vault Secrets User, AcrPull, Storage Blob Data Contributor) before its container app or job reads secrets, pulls images and reads blobs (microsoft/azure-container-apps#1174)`,
                      parent,
                  ),
              ]
            : [];
    return { rbacGrants, rbacSettled };
}

/**
 * The bounded wait (RBAC_PROPAGATION_SECONDS) after new role assignments, before the identity
 * that holds them acts: ARM accepts an assignment minutes before it takes effect. It waits again
 * only for a new grant.
 */
export function grantsSettled(name: string, grants: pulumi.CustomResource[], reason: string, parent: pulumi.Resource | undefined): PropagationWait {
    return waitAfterGrants(name, grants, RBAC_PROPAGATION_SECONDS, reason, parent);
}

/** What a service's or job's container is built from. */
export type WorkloadInputs = Pick<ContainerServiceArgs, "image" | "env" | "secretEnv" | "uses"> & { public?: boolean };

/**
 * The container configuration of a service or job: each secret variable in Key Vault, readable
 * only by the workload's identity and referenced by versioned URI; plain env plus the identity's
 * client id and a digest of the secret versions (a changed value starts a new revision or run);
 * the image, used by reference or built, pushed to ACR and pinned by digest.
 */
export function workloadContainer(
    ctx: AzureContext,
    name: string,
    args: WorkloadInputs,
    identity: managedidentity.UserAssignedIdentity,
    parent: pulumi.Resource,
): {
    secretRefs: inputs.app.SecretArgs[];
    plainEnv: inputs.app.EnvironmentVarArgs[];
    secretEnv: inputs.app.EnvironmentVarArgs[];
    grants: pulumi.CustomResource[];
    image: pulumi.Output<string>;
    registries: inputs.app.RegistryCredentialsArgs[];
    /** The template's volumes and the container's mounts (undefined when there are none). */
    volumes?: inputs.app.VolumeArgs[];
    volumeMounts?: inputs.app.VolumeMountArgs[];
} {
    const platform = ctx.requirePlatform();
    const { settings } = ctx;
    // Secrets: one Key Vault secret per variable, readable only by this service's identity.
    const secretRefs: inputs.app.SecretArgs[] = [];
    const secretEnv: inputs.app.EnvironmentVarArgs[] = [];
    const grants: pulumi.CustomResource[] = [];
    const versionedUris: pulumi.Output<string>[] = [];
    for (const variable of Object.keys(args.secretEnv).sort()) {
        const ref = secretRefName(variable);
        const secret = ctx.storeSecret(`${name}-${ref}`, args.secretEnv[variable], parent, `${name} ${variable}`);
        grants.push(ctx.grant(`${name}-kv-${ref}`, "keyVaultSecretsUser", identity.principalId, secret.id, parent, [name, "kv", ref]));
        // The versioned URI: a changed value is a new Key Vault version, so a new URI here (a
        // versionless one is re-read only every 30 minutes and never restarts running replicas).
        const versionedUri = secret.properties.secretUriWithVersion;
        secretRefs.push({ name: ref, keyVaultUrl: versionedUri, identity: identity.id });
        versionedUris.push(versionedUri);
        secretEnv.push({ name: variable, secretRef: ref });
    }
    if (args.uses.search && ctx.searchCaCert) {
        // The search cluster's CA (written by its bootstrap node; Key Vault references follow
        // the latest version): the same variable as on GCP.
        const ref = secretRefName("ELASTICSEARCH_CA_CERT");
        grants.push(ctx.grant(`${name}-kv-${ref}`, "keyVaultSecretsUser", identity.principalId, ctx.searchCaCert.id, parent, [name, "kv", ref]));
        secretRefs.push({ name: ref, keyVaultUrl: ctx.searchCaCert.properties.secretUri, identity: identity.id });
        secretEnv.push({ name: "ELASTICSEARCH_CA_CERT", secretRef: ref });
    }
    // The database server's CA as the file DB_SSLROOTCERT names (database-ca.ts).
    const dbCa = args.uses.database !== undefined && ctx.databaseCa ? dbCaVolume(ctx.databaseCa, identity.id) : undefined;
    if (dbCa && ctx.databaseCa) {
        grants.push(ctx.grant(`${name}-kv-${DB_CA_SECRET}`, "keyVaultSecretsUser", identity.principalId, ctx.databaseCa.id, parent, [name, "kv", DB_CA_SECRET]));
        secretRefs.push(dbCa.secret);
        versionedUris.push(dbCa.versionedUri);
    }

    const plainEnv: inputs.app.EnvironmentVarArgs[] = Object.keys(args.env)
        .sort()
        .map((key) => ({ name: key, value: args.env[key] }));
    // DefaultAzureCredential picks the user-assigned identity by client id (blob access).
    plainEnv.push({ name: "AZURE_CLIENT_ID", value: identity.clientId });
    // Secrets live in the app's configuration, and changing them creates no revision (Container
    // Apps docs, "Manage secrets"): this digest of the secret versions puts the change into the
    // template, so a new revision starts with the new values and replaces the old one.
    if (versionedUris.length > 0) {
        plainEnv.push({ name: "ANYCLOUD_VAULT_REVISION", value: pulumi.all(versionedUris).apply((uris) => createHash("sha256").update(uris.join("\n")).digest("hex").slice(0, 16)) });
    }
    if (args.public && ctx.frontDoor) {
        plainEnv.push({ name: "AZURE_FRONTDOOR_ID", value: ctx.frontDoor.frontDoorId });
    }

    let image: pulumi.Output<string>;
    const registries: inputs.app.RegistryCredentialsArgs[] = [];
    if (args.image.kind === "build") {
        const registry = platform.registry!;
        const built = new docker.Image(
            `${name}-image`,
            {
                imageName: pulumi.interpolate`${registry.loginServer}/${name}:${settings.stack}`,
                build: { context: args.image.context, dockerfile: args.image.dockerfile, args: args.image.args, platform: "linux/amd64" },
                // Pushes with the runner's `az acr login` credentials (the registry has no admin user).
                registry: { server: registry.loginServer },
            },
            { parent },
        );
        image = built.repoDigest;
        registries.push({ server: registry.loginServer, identity: identity.id });
    } else {
        image = pulumi.output(args.image.ref);
    }

    return { secretRefs, plainEnv, secretEnv, grants, image, registries, volumes: dbCa ? [dbCa.volume] : undefined, volumeMounts: dbCa ? [dbCa.mount] : undefined };
}

/**
 * One Container App per service in the stack's environment, running as its own user-assigned
 * identity. Secret variables are written to Key Vault and referenced (secrets[].keyVaultUrl +
 * identity), never put in plain env; the identity gets Key Vault Secrets User on exactly those
 * secrets. Public services get external ingress reachable only through Front Door; workers have
 * no ingress and keep at least one replica. Images are used by reference or built, pushed to ACR
 * and pinned by digest.
 */
export function createContainerService(ctx: AzureContext, name: string, args: ContainerServiceArgs, opts: ChildOptions): ContainerServiceOutputs {
    const parent = opts.parent;
    const platform = ctx.requirePlatform();
    const rg = ctx.rgName;
    const { settings } = ctx;
    const prod = settings.environment === "prod";
    const identity = platform.identities[name];
    const appName = ctx.naming.containerApp(name);

    const { secretRefs, plainEnv, secretEnv, grants, image, registries, volumes, volumeMounts } = workloadContainer(ctx, name, args, identity, parent);

    const { rbacGrants, rbacSettled } = settledGrants(ctx, name, grants, parent);

    const memory = containerAppMemory(args.cpu, args.memoryMb)!;
    const probes: inputs.app.ContainerAppProbeArgs[] =
        args.port !== undefined && args.healthPath
            ? [
                  { type: "Liveness", httpGet: { path: args.healthPath, port: args.port, scheme: "HTTP" }, periodSeconds: 30, failureThreshold: 3 },
                  { type: "Readiness", httpGet: { path: args.healthPath, port: args.port, scheme: "HTTP" }, periodSeconds: 10, failureThreshold: 3 },
                  { type: "Startup", httpGet: { path: args.healthPath, port: args.port, scheme: "HTTP" }, periodSeconds: 10, failureThreshold: 30 },
              ]
            : [];

    // Public services scale on CPU 70% and HTTP load; workers keep one replica (no HTTP trigger wakes them).
    // A singleton has exactly one replica and no rule (single revision mode is kept for every app).
    const minReplicas = args.public ? args.replicas.min : Math.max(1, args.replicas.min);
    const rules: inputs.app.ScaleRuleArgs[] = args.singleton ? [] : [{ name: "cpu-70", custom: { type: "cpu", metadata: { type: "Utilization", value: "70" } } }];
    if (args.public && !args.singleton) {
        rules.push({ name: "http", http: { metadata: { concurrentRequests: "50" } } });
    }
    // A worker others call gets internal ingress: reachable inside the environment only.
    const callee = isCallee(ctx, name) && args.port !== undefined;

    const containerApp = new app.ContainerApp(
        `${name}-app`,
        {
            containerAppName: appName,
            resourceGroupName: rg,
            location: ctx.location,
            managedEnvironmentId: platform.environment.id,
            workloadProfileName: "Consumption",
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            configuration: {
                activeRevisionsMode: "Single",
                secrets: secretRefs,
                registries,
                ingress:
                    args.public && args.port !== undefined
                        ? {
                              external: true,
                              targetPort: args.port,
                              transport: "Auto",
                              allowInsecure: false,
                              traffic: [{ latestRevision: true, weight: 100 }],
                          }
                        : callee
                          ? { external: false, targetPort: args.port, transport: "Auto", allowInsecure: false, traffic: [{ latestRevision: true, weight: 100 }] }
                          : undefined,
            },
            template: {
                containers: [
                    {
                        name,
                        image,
                        command: args.command,
                        env: [...plainEnv, ...secretEnv],
                        resources: { cpu: args.cpu, memory },
                        probes,
                        volumeMounts,
                    },
                ],
                volumes,
                scale: { minReplicas, maxReplicas: Math.max(minReplicas, args.replicas.max), rules },
            },
            tags: args.singleton ? { ...ctx.tags, [SINGLETON_TAG]: "true" } : ctx.tags,
        },
        // The identity must hold its Key Vault and AcrPull grants, applied (the wait above), and
        // the vault's private DNS record must exist, before the first revision reads secrets and
        // pulls images; a service on the database starts after the init job made its role.
        ctx.opts(parent, { dependsOn: [...rbacGrants, ...rbacSettled, ...platform.vaultReady, ...(platform.registryReady[name] ?? []), ...(args.uses.search ? ctx.searchReady : []), ...(args.uses.database !== undefined && ctx.databaseInit ? [ctx.databaseInit] : []), ...(args.after ?? [])] }),
    );

    const { alerts } = settings;
    if (prod || args.public) {
        metricAlerts(
            ctx,
            name,
            containerApp.id,
            [
                { key: "cpu", metricName: "CpuPercentage", operator: "GreaterThan", threshold: alerts.cpuPercent, aggregation: "Average", description: `${name} CPU above ${alerts.cpuPercent}%` },
                { key: "memory", metricName: "MemoryPercentage", operator: "GreaterThan", threshold: alerts.memoryPercent, aggregation: "Average", description: `${name} memory above ${alerts.memoryPercent}%` },
            ],
            parent,
        );
    }

    return {
        image,
        internalUrl: (args.public || callee) && args.port !== undefined ? serviceUrl(ctx, args) : undefined,
    };
}
