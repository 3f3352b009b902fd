import {
    BackendModule,
    CacheArgs,
    ChildOptions,
    CloudBackend,
    ContainerServiceArgs,
    DatabaseArgs,
    JobArgs,
    FoundationArgs,
    FoundationOutputs,
    LoadBalancerArgs,
    NetworkArgs,
    ObjectStoreArgs,
    SearchClusterInputs,
} from "../../components/backend";
import { Settings } from "../../stacks/settings";
import { createCache } from "./cache";
import { createContainerService, serviceUrl } from "./container-service";
import { LocalContext } from "./context";
import { createDatabase } from "./database";
import { createFoundation } from "./foundation";
import { createJob } from "./job";
import { createLoadBalancer } from "./load-balancer";
import { createNetworks, LocalNetworks } from "./network";
import { createObjectStore, StorageCredentials } from "./object-store";
import { createSearchCluster } from "./search-cluster";
import { validate } from "./validate";

/** The local Docker target: the whole topology on one engine, at no cost. */
class LocalBackend implements CloudBackend {
    private readonly ctx: LocalContext;
    private networks?: LocalNetworks;
    private storageCredentials: Record<string, StorageCredentials> = {};

    constructor(settings: Settings) {
        this.ctx = new LocalContext(settings);
    }

    private net(): LocalNetworks {
        if (!this.networks) {
            throw new Error("local backend: network() must run before the parts that live in it");
        }
        return this.networks;
    }

    foundation(_name: string, args: FoundationArgs, opts: ChildOptions): FoundationOutputs {
        return createFoundation(args, opts);
    }
    network(name: string, args: NetworkArgs, opts: ChildOptions) {
        const { networks, outputs } = createNetworks(this.ctx, name, args, opts);
        this.networks = networks;
        return outputs;
    }
    database(name: string, args: DatabaseArgs, opts: ChildOptions) {
        return createDatabase(this.ctx, this.net(), name, args, opts);
    }
    cache(name: string, args: CacheArgs, opts: ChildOptions) {
        return createCache(this.ctx, this.net(), name, args, opts);
    }
    searchCluster(name: string, args: SearchClusterInputs, opts: ChildOptions) {
        return createSearchCluster(this.ctx, this.net(), name, args, opts);
    }
    objectStore(name: string, args: ObjectStoreArgs, opts: ChildOptions) {
        const { outputs, credentials } = createObjectStore(this.ctx, this.net(), name, args, opts);
        this.storageCredentials = credentials;
        return outputs;
    }
    loadBalancer(name: string, args: LoadBalancerArgs, opts: ChildOptions) {
        return createLoadBalancer(this.ctx, this.net(), name, args, opts);
    }
    containerService(name: string, args: ContainerServiceArgs, opts: ChildOptions) {
        return createContainerService(this.ctx, this.net(), this.storageCredentials, name, args, opts);
    }
    serviceUrl(service: { name: string; port?: number }) {
        return serviceUrl(service);
    }
    job(name: string, args: JobArgs, opts: ChildOptions) {
        return createJob(this.ctx, this.net(), this.storageCredentials, name, args, opts);
    }
}

export const backend: BackendModule = {
    cloud: "local",
    validate,
    create: (settings) => new LocalBackend(settings),
};
