import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { FoundationArgs } from "../../components/backend";
import { movedFromNetwork } from "../../components/foundation";
import { createActionGroup, diagnostics } from "./alerts";
import { AzureContext, DATABASE_INIT_WORKLOAD, StackShared } from "./context";
import { CREATE_ONLY_NAME, RULES } from "./naming";
import { LOG_RETENTION } from "./sizes";
import { dockerHubCacheRule } from "./registry-mirror";

/**
 * What every app of the stack shares and that needs no network: the log workspace, the vault,
 * one identity per service, the registry and the action group. Created by the foundation; these
 * were children of the network component before, and keep their URNs through aliases.
 */
export function createShared(ctx: AzureContext, args: FoundationArgs, parent: pulumi.Resource): StackShared {
    const { settings } = ctx;
    const rg = ctx.rgName;
    const prod = settings.environment === "prod";
    // Logical names of the network component they moved from (`network-logs`, ...).
    const name = "network";
    const moved = movedFromNetwork();

    const workspace = new operationalinsights.Workspace(
        `${name}-logs`,
        {
            workspaceName: ctx.naming.local("logs"),
            resourceGroupName: rg,
            location: ctx.location,
            sku: { name: "PerGB2018" },
            // Log Analytics accepts 30-730 days; shorter settings get the 30 included at no cost.
            retentionInDays: Math.min(LOG_RETENTION.max, Math.max(LOG_RETENTION.min, settings.logs.retentionDays)),
            workspaceCapping: prod ? undefined : { dailyQuotaGb: 1 },
            tags: ctx.tags,
        },
        ctx.opts(parent, moved),
    );
    const vault = new keyvault.Vault(
        `${name}-vault`,
        {
            vaultName: ctx.globalName("kv", RULES.keyVault, true),
            resourceGroupName: rg,
            location: ctx.location,
            properties: {
                tenantId: ctx.tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: prod ? 90 : 7,
                // Purge protection is irreversible; prod only, so dev vaults can be purged and renamed.
                enablePurgeProtection: prod ? true : undefined,
                // Data plane only through the private endpoint; ARM (Pulumi) writes secrets on the control plane.
                networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
            },
            tags: ctx.tags,
        },
        ctx.stateful(parent, { ...moved, ignoreChanges: CREATE_ONLY_NAME.keyVault }),
    );

    const identities: Record<string, managedidentity.UserAssignedIdentity> = {};
    // The database init job's own identity (database.ts), under the part's name: no service or job
    // may be called `database` (stacks/reserved-names.ts), so it shares nothing with theirs.
    const workloads = [...args.access.services, ...(args.hasDatabase ? [DATABASE_INIT_WORKLOAD] : [])];
    for (const service of workloads) {
        identities[service] = new managedidentity.UserAssignedIdentity(
            `${service}-identity`,
            { resourceName: ctx.naming.local(`${service}-id`), resourceGroupName: rg, location: ctx.location, tags: ctx.tags },
            ctx.opts(parent, moved),
        );
    }

    let registry: containerregistry.Registry | undefined;
    /** Per service: what must exist before it pulls from the registry (its AcrPull grant, the cache rule). */
    const registryReady: Record<string, pulumi.Resource[]> = {};
    const pullGrants: Record<string, authorization.RoleAssignment> = {};
    const builders = [...settings.services, ...settings.jobs].filter((s) => s.image.kind === "build");
    // The database init job pulls the PostgreSQL client through the registry's mirror (services
    // no longer run an init container: the admin password goes to the init job only).
    const initPullers = args.hasDatabase ? [DATABASE_INIT_WORKLOAD] : [];
    if (builders.length > 0 || initPullers.length > 0) {
        registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                registryName: ctx.globalName("acr", RULES.registry),
                resourceGroupName: rg,
                location: ctx.location,
                sku: { name: prod ? "Premium" : "Basic" },
                // Pulls use each app's identity (AcrPull); no admin user, no anonymous pulls.
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                zoneRedundancy: prod ? "Enabled" : "Disabled",
                tags: ctx.tags,
            },
            ctx.opts(parent, { ...moved, ignoreChanges: CREATE_ONLY_NAME.registry }),
        );
        for (const service of [...builders.map((b) => b.name), ...initPullers]) {
            pullGrants[service] = ctx.grant(`${service}-acr-pull`, "acrPull", identities[service].principalId, registry.id, parent, [service, "acr"], [], moved);
            registryReady[service] = [pullGrants[service]];
        }
        if (args.hasDatabase) {
            const rule = dockerHubCacheRule(ctx, registry, parent);
            registryReady[DATABASE_INIT_WORKLOAD] = [...(registryReady[DATABASE_INIT_WORKLOAD] ?? []), rule];
        }
    }

    const actionGroupId = createActionGroup(ctx, name, parent, moved);
    diagnostics(ctx, `${name}-vault`, vault.id, workspace.id, parent, true, moved);
    if (registry) {
        diagnostics(ctx, `${name}-registry`, registry.id, workspace.id, parent, true, moved);
    }
    return { workspace, vault, identities, registry, registryReady, pullGrants, actionGroupId };
}

/**
 * The Container Apps environment, injected into the apps subnet: created by network(), since it
 * needs the VNet, with the workspace of the foundation.
 */
export function createAppsEnvironment(ctx: AzureContext, name: string, parent: pulumi.Resource): app.ManagedEnvironment {
    const { settings } = ctx;
    const rg = ctx.rgName;
    const net = ctx.requireNetwork();
    const prod = settings.environment === "prod";
    const { workspace } = ctx.requireShared();
    const keys = operationalinsights.getSharedKeysOutput({ resourceGroupName: rg, workspaceName: workspace.name }, ctx.invokeOpts(parent));

    const environment = new app.ManagedEnvironment(
        `${name}-apps`,
        {
            environmentName: ctx.naming.local("apps"),
            resourceGroupName: rg,
            location: ctx.location,
            // Workload profiles: /27+ subnets, NAT gateway egress; Consumption keeps scale-to-zero.
            workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
            vnetConfiguration: { infrastructureSubnetId: net.apps.id, internal: false },
            zoneRedundant: settings.network.zones > 1 && prod,
            appLogsConfiguration: {
                destination: "log-analytics",
                logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? "")) },
            },
            peerTrafficConfiguration: { encryption: { enabled: true } },
            tags: ctx.tags,
        },
        ctx.opts(parent, { customTimeouts: { create: "60m", update: "60m" } }),
    );

    return environment;
}
