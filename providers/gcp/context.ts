import * as pulumi from "@pulumi/pulumi";
import * as cloudrunv2 from "@pulumi/gcp/cloudrunv2";
import * as compute from "@pulumi/gcp/compute";
import * as organizations from "@pulumi/gcp/organizations";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import * as storage from "@pulumi/gcp/storage";
import * as artifactregistry from "@pulumi/gcp/artifactregistry";
import type * as logging from "@pulumi/gcp/logging";
import { Provider } from "@pulumi/gcp/provider";
import { Settings } from "../../stacks/settings";
import { Api, requiredApis } from "./apis";
import { labelKey, labelValue, Naming } from "./naming";
import { stackTags } from "../../stacks/tags";
import { movedFromNetwork } from "../../components/foundation";

/** What network() created, used by every later component of the same stack. */
export interface GcpNetwork {
    vpc: compute.Network;
    /** Subnet of the search VMs. */
    nodesSubnet: compute.Subnetwork;
    /** Subnet Cloud Run's Direct VPC egress takes addresses from. */
    egressSubnet: compute.Subnetwork;
    egressCidr: string;
    nodesCidr: string;
    /** Private services access: the range Cloud SQL and Memorystore get addresses from. */
    psaRange: compute.GlobalAddress;
    psaConnection: servicenetworking.Connection;
    /** Cloud NAT of the search subnet (the search VMs' only way out): boots are ordered after it. */
    nat?: compute.RouterNat;
}

/** Network tags Cloud Run revisions carry, so egress firewall rules can follow `uses`. */
export const RUN_TAG = "anycloud-run";
/** Network tag of the database init job (the database egress rule lets it through). */
export const DB_INIT_TAG = "db-init";
export function serviceTag(service: string): string {
    return `svc-${service}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63);
}

/**
 * Per-stack state of the GCP backend: the explicit provider, naming, labels, enabled APIs and the
 * resources later components build on. Created once per stack; never global.
 */
export class GcpContext {
    readonly provider: Provider;
    readonly naming: Naming;
    readonly project: string;
    readonly region: string;
    readonly labels: Record<string, string>;
    readonly apis = new Map<Api, projects.Service>();
    net?: GcpNetwork;
    /** Memorystore server CA in Secret Manager: services that use the cache trust it. */
    cacheCaSecret?: secretmanager.Secret;
    cacheCaVersion?: secretmanager.SecretVersion;
    /** OpenSearch CA certificate (written by the bootstrap node at boot); clients may read it. */
    searchCaCertSecret?: secretmanager.Secret;
    /** What must exist before a client revision reads the CA certificate (the readiness gate). */
    searchReady: pulumi.Resource[] = [];
    buckets: Record<string, storage.Bucket> = {};
    /** The database init job: services that use the database are created after it succeeded. */
    databaseInit?: pulumi.Resource;
    /** The database server's CA set in Secret Manager (database-ca.ts): workloads on the database mount it. */
    databaseCa?: { secret: secretmanager.Secret; version: secretmanager.SecretVersion };
    registry?: artifactregistry.Repository;
    /** Docker Hub pull-through mirror (registry-mirror.ts). */
    dockerHubMirror?: artifactregistry.Repository;
    /** The stack's own log bucket (logs.ts); components route their logs into it. */
    logBucket?: logging.ProjectBucketConfig;
    /** Notification channels every alert policy notifies. */
    alertChannels: pulumi.Output<string>[] = [];
    private zoneNames?: pulumi.Output<string[]>;
    private number?: pulumi.Output<string>;
    /** Cloud Run services others call, and the service accounts of callers, for invoker grants. */
    readonly callees: Record<string, cloudrunv2.Service> = {};
    readonly callers: Record<string, serviceaccount.Account> = {};

    constructor(readonly settings: Settings) {
        // validate() guarantees the project is set before create() runs.
        this.project = settings.gcp.project!;
        this.region = settings.gcp.region;
        this.naming = new Naming(settings.project, settings.stack, this.project);
        // GCP label keys and values allow only lowercase letters, digits, '_' and '-'.
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(stackTags(settings))) {
            labels[labelKey(k)] = labelValue(v);
        }
        this.labels = labels;
        this.provider = new Provider("gcp", { project: this.project, region: this.region, defaultLabels: labels });
    }

    get isProd(): boolean {
        return this.settings.environment === "prod";
    }

    /**
     * Enables every API the stack needs, in the foundation (kept enabled on destroy: other
     * workloads may use them). Moved there from the network component: the alias keeps the URN.
     */
    enableApis(parent: pulumi.Resource): void {
        for (const api of requiredApis(this.settings)) {
            this.apis.set(
                api,
                new projects.Service(
                    `api-${api}`,
                    { project: this.project, service: `${api}.googleapis.com`, disableOnDestroy: false, disableDependentServices: false },
                    { provider: this.provider, parent, ...movedFromNetwork() },
                ),
            );
        }
    }

    /** The enabling of each API (look-ups that must not run before it wait for these). */
    apiDependencies(apis: Api[]): projects.Service[] {
        if (this.apis.size === 0) {
            throw new Error("gcp backend: foundation() must run before the other components (topology order)");
        }
        return apis.map((a) => {
            const service = this.apis.get(a);
            if (!service) {
                throw new Error(`gcp backend: ${a}.googleapis.com is used but not in requiredApis() (providers/gcp/apis.ts)`);
            }
            return service;
        });
    }

    /** Options for a child resource: explicit provider, parent, and the APIs it needs enabled first. */
    opts(parent: pulumi.Resource, apis: Api[], extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        const apiDeps = this.apiDependencies(apis);
        const extraDeps = extra.dependsOn === undefined ? [] : Array.isArray(extra.dependsOn) ? extra.dependsOn : [extra.dependsOn];
        return { ...extra, provider: this.provider, parent, dependsOn: [...apiDeps, ...(extraDeps as pulumi.Input<pulumi.Resource>[])] };
    }

    /**
     * Options for an invoke: it waits for the APIs it calls. On a new project Compute is off, and
     * a look-up that runs first fails with `403 accessNotConfigured` on every run, because the
     * error stops the run before the API is enabled (vmware-archive/gcp-pcf-quickstart#12).
     * Invokes accept `dependsOn` (@pulumi/pulumi invoke.d.ts, InvokeOutputOptions).
     */
    invokeOpts(parent: pulumi.Resource, apis: Api[] = []): pulumi.InvokeOutputOptions {
        return { provider: this.provider, parent, dependsOn: this.apiDependencies(apis) };
    }

    /**
     * The project number (read once per stack): part of a Cloud Run service's deterministic URL,
     * `https://<service>-<project number>.<region>.run.app` (Cloud Run docs, "View the service
     * URL"), which callers get before the service they call exists.
     */
    projectNumber(): pulumi.Output<string> {
        if (!this.number) {
            this.number = organizations.getProjectOutput({ projectId: this.project }, { provider: this.provider, dependsOn: this.apiDependencies(["cloudresourcemanager"]) }).apply((p) => {
                if (!p.number) throw new Error(`gcp: project ${this.project} has no project number (organizations.getProject answered without one)`);
                return p.number;
            });
        }
        return this.number;
    }

    /** Zones that are UP in the region (read once per stack). */
    zones(parent: pulumi.Resource): pulumi.Output<string[]> {
        if (!this.zoneNames) {
            this.zoneNames = compute.getZonesOutput({ project: this.project, region: this.region, status: "UP" }, this.invokeOpts(parent, ["compute"])).names.apply((n) => [...n].sort());
        }
        return this.zoneNames;
    }

    requireNetwork(): GcpNetwork {
        if (!this.net) {
            throw new Error("the GCP backend creates the network first (topology order)");
        }
        return this.net;
    }
}
