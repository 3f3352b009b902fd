import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem } from "../stacks/errors";
import { SearchUser } from "./search-users";
import { SslMode } from "./database-tls";
import {
    BucketSettings,
    CacheSettings,
    Cloud,
    DatabaseSettings,
    JobSettings,
    LoadBalancerSettings,
    SearchSettings,
    ServiceSettings,
    Settings,
} from "../stacks/settings";

/**
 * The contract each cloud implements in `providers/<cloud>/index.ts`. Args say what the
 * application needs; outputs have one shape on every cloud. A backend is created once per stack
 * (so it owns the stack's explicit provider and naming) and its methods are called by the
 * components in topology order: network, data parts, load balancer, then services. A backend may
 * keep what it created earlier (for example the VPC) to use in later calls of the same stack.
 */
export interface BackendModule {
    readonly cloud: Cloud;
    /** Cloud-specific checks (sizes, versions, regions). Pure: registers nothing. */
    validate(settings: Settings): ConfigProblem[];
    /** Creates the per-stack backend. Called only after validation passed. */
    create(settings: Settings): CloudBackend;
}

/** Options every backend method receives: resources it creates are children of the component. */
export interface ChildOptions {
    parent: pulumi.ComponentResource;
}

export interface CloudBackend {
    /**
     * The stack-level step, first and once: the account/project/subscription prerequisites the
     * rest needs (APIs, resource providers, feature registrations, service-linked roles) and the
     * per-stack shared resources (cluster, alarm channel, log workspace, identities, vault).
     * Every later step, and every invoke that needs a prerequisite, waits for it.
     */
    foundation(name: string, args: FoundationArgs, opts: ChildOptions): FoundationOutputs;
    network(name: string, args: NetworkArgs, opts: ChildOptions): NetworkOutputs;
    database(name: string, args: DatabaseArgs, opts: ChildOptions): DatabaseOutputs;
    cache(name: string, args: CacheArgs, opts: ChildOptions): CacheOutputs;
    searchCluster(name: string, args: SearchClusterInputs, opts: ChildOptions): SearchClusterOutputs;
    objectStore(name: string, args: ObjectStoreArgs, opts: ChildOptions): ObjectStoreOutputs;
    loadBalancer(name: string, args: LoadBalancerArgs, opts: ChildOptions): LoadBalancerOutputs;
    containerService(name: string, args: ContainerServiceArgs, opts: ChildOptions): ContainerServiceOutputs;
    /**
     * The private URL other services of the stack call a service at (`uses: service:<name>`).
     * Known before the service exists (calls may go both ways), so it is derived from names the
     * backend chooses, not read from the created resource. Called after `network`.
     */
    serviceUrl(service: Pick<ServiceSettings, "name" | "port" | "public">): pulumi.Output<string>;
    /**
     * A run-to-completion job (`jobs.<name>`), called after the data parts and before the
     * services. A before-deploy job runs during the deploy, once per change of its image, command
     * or config, and its `run` fails the deploy with the exit code and where the logs are; a
     * scheduled job gets the cloud's scheduler, bounded retries and a failure alert.
     */
    job(name: string, args: JobArgs, opts: ChildOptions): JobOutputs;
}

/** Who may reach what: derived from each service's `uses`, the basis of every firewall rule. */
export interface AccessPlan {
    /** Services with ingress from the load balancer, and their ports. */
    publicServices: { name: string; port: number }[];
    /** Every service (public or worker). */
    services: string[];
    databaseClients: string[];
    cacheClients: string[];
    searchClients: string[];
    /** Bucket name -> services that use it. */
    bucketClients: Record<string, string[]>;
    /** Service-to-service calls (`uses: service:<callee>`): the only pairs let through, on the callee's port. */
    serviceCalls: { caller: string; callee: string; port: number }[];
}

/** What the stack contains, so the foundation enables exactly the prerequisites it needs. */
export interface FoundationArgs {
    access: AccessPlan;
    hasDatabase: boolean;
    hasCache: boolean;
    hasSearch: boolean;
}
export interface FoundationOutputs {
    /** The prerequisites it declared (API, provider, feature, role), by the cloud's name for them. */
    prerequisites: string[];
}

export interface NetworkArgs {
    cidr: string;
    zones: number;
    access: AccessPlan;
    hasDatabase: boolean;
    hasCache: boolean;
    hasSearch: boolean;
}
export interface NetworkOutputs {
    /** The cloud's id of the private network (VPC, VNet, Docker network). */
    networkId: pulumi.Output<string>;
    cidr: string;
}

export interface DatabaseArgs extends DatabaseSettings {
    /** Services that connect to it (the only ones let through). */
    clients: string[];
    /**
     * One login role per logical database, owning it (components/database-init.ts): what the
     * services that use that database connect as. The backend keeps each password in the cloud's
     * secret store, hands it to its init step only from there, and re-runs the step when it changes.
     */
    roles: DatabaseRole[];
}
/** A logical database's own login role. */
export interface DatabaseRole {
    database: string;
    username: string;
    /** Secret, generated (`@pulumi/random`): replacing it rotates the role's password. */
    password: pulumi.Output<string>;
}
export interface DatabaseOutputs {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    username: pulumi.Output<string>;
    /** Secret. */
    password: pulumi.Output<string>;
    /**
     * The strongest libpq mode its clients can use (components/database-tls.ts): verify-full where
     * the certificate names the host clients connect to, verify-ca where it cannot (Cloud SQL's
     * private IP), require where no CA is known, disable on the local Docker network.
     */
    sslMode: SslMode;
    /**
     * The CA certificates (PEM) that sign the server's certificate, when the mode verifies: the
     * backend delivers them to each workload that uses the database as DB_CA_FILE.
     */
    serverCa?: pulumi.Output<string>;
    readReplicaHosts: pulumi.Output<string[]>;
    /**
     * Static parameters (`name=value`) set but not in force until the server restarts, where the
     * program cannot restart it (Azure); absent where nothing stays pending (AWS restarts in its
     * init step, Cloud SQL on the flag change, local recreates the container).
     */
    pendingRestart?: pulumi.Output<string[]>;
    /** The command that applies them ("" when none is pending). */
    restartCommand?: pulumi.Output<string>;
}

export interface CacheArgs extends CacheSettings {
    clients: string[];
}
export interface CacheOutputs {
    host: pulumi.Output<string>;
    port: pulumi.Output<number>;
    /** Secret. */
    password: pulumi.Output<string>;
    tls: boolean;
}

export interface SearchClusterArgs extends SearchSettings {
    clients: string[];
    /** Workload -> its explicit index patterns (`searchIndices`); a client not listed gets `<name>*`. */
    indices?: Record<string, string[]>;
}
/** A workload's own search user (components/search-users.ts) with its generated password (secret). */
export interface SearchUserCredentials extends SearchUser {
    password: pulumi.Output<string>;
}
/** What the backend gets besides the settings: the users it creates on the cluster and stores the passwords of. */
export interface SearchClusterInputs extends SearchClusterArgs {
    users: SearchUserCredentials[];
}
export interface SearchClusterOutputs {
    /** `https://host:port` (plain http only where the target has no TLS). */
    url: pulumi.Output<string>;
    username: pulumi.Output<string>;
    /** Secret. */
    password: pulumi.Output<string>;
}

export interface ObjectStoreArgs {
    buckets: BucketSettings[];
    bucketClients: Record<string, string[]>;
}
export interface ObjectStoreOutputs {
    /** How services talk to it: the S3 API, or the cloud's native API. */
    provider: "s3" | "gcs" | "azure-blob";
    /** Logical bucket name -> the cloud's bucket (or container) name. */
    buckets: Record<string, pulumi.Output<string>>;
    /** Store-wide variables every user of a bucket gets (endpoint, region, account). */
    env: Record<string, pulumi.Input<string>>;
    /** Store-wide secret variables (shared credentials where the target has no workload identity). */
    secretEnv: Record<string, pulumi.Output<string>>;
}

export interface LoadBalancedService {
    name: string;
    port: number;
    healthPath: string;
}
export interface LoadBalancerArgs extends LoadBalancerSettings {
    services: LoadBalancedService[];
}
export interface DnsRecord {
    name: string;
    type: string;
    value: string;
    purpose: string;
}
export interface LoadBalancerOutputs {
    /** The public base URL: https://<domain> with a domain, otherwise the cloud's address. */
    url: pulumi.Output<string>;
    /** The host name or IP address clients connect to. */
    address: pulumi.Output<string>;
    https: boolean;
    /** Records the user must create when the DNS zone is not managed by this stack. */
    dnsRecords: pulumi.Output<DnsRecord[]>;
}

export interface ContainerServiceArgs extends Omit<ServiceSettings, "env"> {
    /** Plain environment: the service's own env plus the wired connection variables. */
    env: Record<string, pulumi.Input<string>>;
    /** Secret environment: generated secrets and wired credentials; stored in the cloud's secret store. */
    secretEnv: Record<string, pulumi.Output<string>>;
    /**
     * Before-deploy job runs that gate this service: its workload resource (not only the
     * component, whose dependencies its children do not inherit) waits for them, so a failed run
     * leaves it on its old version.
     */
    after?: pulumi.Resource[];
}

export interface JobArgs extends Omit<JobSettings, "env"> {
    /** Plain environment: the job's own env plus the wired connection variables. */
    env: Record<string, pulumi.Input<string>>;
    /** Secret environment, stored in the cloud's secret store like a service's. */
    secretEnv: Record<string, pulumi.Output<string>>;
    /**
     * The services it calls (`uses: service:<name>`), created before it: a before-deploy run
     * waits for them (they must answer while it runs).
     */
    after?: pulumi.Resource[];
}
export interface JobOutputs {
    /** The before-deploy run: the gated services depend on it, so a failed run leaves them as they were. */
    run?: pulumi.Resource;
    /** Where one run's logs are read (log group, job, container name). */
    logs: pulumi.Output<string>;
    /** What the target does not do itself and how to do it (reported in the stack outputs). */
    note?: pulumi.Output<string>;
}

export interface ContainerServiceOutputs {
    /** The image that runs (a digest-pinned reference when built here). */
    image: pulumi.Output<string>;
    /** The address other services in the stack reach it at, when it listens on a port. */
    internalUrl?: pulumi.Output<string>;
}
