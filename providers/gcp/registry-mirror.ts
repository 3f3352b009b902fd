import * as pulumi from "@pulumi/pulumi";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import { POSTGRES_CLIENT_UPSTREAM, postgresClientTag } from "../../components/database-init";
import { GcpContext } from "./context";

/**
 * A Docker Hub pull-through mirror in the stack's Artifact Registry (a remote repository): jobs
 * pull `<region>-docker.pkg.dev/<project>/<mirror>/<repository>:<tag>` (the database init's
 * postgres, the search readiness gate's curl, the search users' node), Artifact Registry
 * fetches it from Docker Hub once and serves the cached copy after, so restarts and re-runs no
 * longer pull anonymously from Docker Hub. Cloud Run pulls from Artifact Registry of its own
 * project with its service agent, which needs no grant (Cloud Run docs, "Deploying container
 * images": same-project Artifact Registry).
 */
export function dockerHubMirror(ctx: GcpContext, parent: pulumi.Resource): artifactregistry.Repository {
    if (!ctx.dockerHubMirror) {
        ctx.dockerHubMirror = new artifactregistry.Repository(
            "docker-hub-mirror",
            {
                repositoryId: ctx.naming.resource("docker-hub"),
                location: ctx.region,
                format: "DOCKER",
                mode: "REMOTE_REPOSITORY",
                description: "anycloud: pull-through mirror of Docker Hub (init and check job images)",
                remoteRepositoryConfig: { description: "Docker Hub", dockerRepository: { publicRepository: "DOCKER_HUB" } },
            },
            ctx.opts(parent, ["artifactregistry"]),
        );
    }
    return ctx.dockerHubMirror;
}

/** A Docker Hub image (`library/postgres`, `curlimages/curl`) through the mirror. */
export function dockerHubImage(ctx: GcpContext, repository: string, tag: string, parent: pulumi.Resource): pulumi.Output<string> {
    const mirror = dockerHubMirror(ctx, parent);
    return pulumi.interpolate`${ctx.region}-docker.pkg.dev/${ctx.project}/${mirror.repositoryId}/${repository}:${tag}`;
}

/** The PostgreSQL client image through the mirror. */
export function postgresClientImage(ctx: GcpContext, version: number, parent: pulumi.Resource): pulumi.Output<string> {
    return dockerHubImage(ctx, POSTGRES_CLIENT_UPSTREAM.repository, postgresClientTag(version), parent);
}
