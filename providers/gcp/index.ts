import { BackendModule, CloudBackend } from "../../components/backend";
import { Settings } from "../../stacks/settings";
import { createCache } from "./cache";
import { createContainerService, serviceUrl } from "./container-service";
import { GcpContext } from "./context";
import { createDatabase } from "./database";
import { createFoundation } from "./foundation";
import { createJob } from "./job";
import { createLoadBalancer } from "./load-balancer";
import { createNetwork } from "./network";
import { createObjectStore } from "./object-store";
import { createSearchCluster } from "./search-cluster";
import { validate } from "./validate";

/** The GCP backend: one context (provider, naming, network) per stack, one function per component. */
export const backend: BackendModule = {
    cloud: "gcp",
    validate: (settings: Settings) => validate(settings),
    create(settings: Settings): CloudBackend {
        const ctx = new GcpContext(settings);
        return {
            foundation: (name, args, opts) => createFoundation(ctx, name, args, opts),
            network: (name, args, opts) => createNetwork(ctx, name, args, opts),
            database: (name, args, opts) => createDatabase(ctx, name, args, opts),
            cache: (name, args, opts) => createCache(ctx, name, args, opts),
            searchCluster: (name, args, opts) => createSearchCluster(ctx, name, args, opts),
            objectStore: (name, args, opts) => createObjectStore(ctx, name, args, opts),
            loadBalancer: (name, args, opts) => createLoadBalancer(ctx, name, args, opts),
            containerService: (name, args, opts) => createContainerService(ctx, name, args, opts),
            serviceUrl: (service) => serviceUrl(ctx, service),
            job: (name, args, opts) => createJob(ctx, name, args, opts),
        };
    },
};
