import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { Settings } from "../../stacks/settings";
import { dockerName } from "./naming";

/** The per-stack things every local resource shares: the explicit Docker provider and naming. */
export class LocalContext {
    public readonly provider: docker.Provider;
    /** The one-shot container that creates the databases and extensions: services that use the database start after it. */
    public databaseInit?: pulumi.Resource;
    /** Service -> the before-deploy jobs that gate it, each with its exit code checked (throws unless 0). */
    /**
     * The one-shot container that applies the search users, with its exit code checked (throws
     * unless 0): workloads that use search start after it and carry the checked value.
     */
    public searchUsers?: { run: pulumi.Resource; succeeded: pulumi.Output<string> };
    public readonly jobGates: Record<string, { job: string; succeeded: pulumi.Output<string> }[]> = {};

    constructor(public readonly settings: Settings) {
        this.provider = new docker.Provider("local-docker", settings.local.dockerHost ? { host: settings.local.dockerHost } : {});
    }

    name(name: string): string {
        return dockerName(this.settings.project, this.settings.stack, name);
    }

    /** Options for a child resource of a component. */
    opts(parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return { parent, provider: this.provider, ...extra };
    }

    /** Labels that let `docker ps --filter label=...` find a stack's containers. */
    labels(component: string): docker.types.input.ContainerLabel[] {
        return [
            { label: "anycloud.project", value: this.settings.project },
            { label: "anycloud.stack", value: this.settings.stack },
            { label: "anycloud.environment", value: this.settings.environment },
            { label: "anycloud.component", value: component },
            ...Object.entries(this.settings.tags).map(([label, value]) => ({ label: `anycloud.tag.${label}`, value })),
        ];
    }

    /** Stateful data survives `pulumi destroy` mistakes only when the stack asks for protection. */
    stateful(parent: pulumi.Resource): pulumi.CustomResourceOptions {
        return this.opts(parent, { protect: this.settings.protect, retainOnDelete: this.settings.protect });
    }

    image(parent: pulumi.Resource, name: string, ref: string): docker.RemoteImage {
        return new docker.RemoteImage(`${name}-image`, { name: ref, keepLocally: true }, this.opts(parent));
    }
}
