import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { POSTGRES_CLIENT_UPSTREAM, postgresClientTag } from "../../components/database-init";
import { AzureContext } from "./context";

/** The repository the cache rule serves the PostgreSQL client image under, in the stack's registry. */
export const MIRROR_REPOSITORY = `docker-hub/${POSTGRES_CLIENT_UPSTREAM.repository}`;

/**
 * An artifact cache rule (Learn: "Artifact cache in Azure Container Registry", available on Basic,
 * Standard and Premium): pulls of `<registry>/docker-hub/library/postgres:<tag>` are served by the
 * stack's registry, which fetches a tag from Docker Hub once. Apps pull it with their own identity
 * (AcrPull), so restarts and scale-out no longer pull anonymously from Docker Hub through the one
 * NAT address (10 pulls per hour per IP). Without a credential set the registry pulls Docker Hub
 * anonymously on a cache miss only; add one (Key Vault secrets) for Docker Hub's authenticated limits.
 */
export function dockerHubCacheRule(ctx: AzureContext, registry: containerregistry.Registry, parent: pulumi.Resource): containerregistry.CacheRule {
    return new containerregistry.CacheRule(
        "docker-hub-postgres",
        {
            cacheRuleName: "docker-hub-postgres",
            registryName: registry.name,
            resourceGroupName: ctx.rgName,
            sourceRepository: `${POSTGRES_CLIENT_UPSTREAM.registry}/${POSTGRES_CLIENT_UPSTREAM.repository}`,
            targetRepository: MIRROR_REPOSITORY,
        },
        ctx.opts(parent),
    );
}

/** The PostgreSQL client image through the stack's registry. */
export function postgresClientImage(registry: containerregistry.Registry, version: number): pulumi.Output<string> {
    return pulumi.interpolate`${registry.loginServer}/${MIRROR_REPOSITORY}:${postgresClientTag(version)}`;
}
