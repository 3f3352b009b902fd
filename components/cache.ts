import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, problem } from "../stacks/errors";
import { CacheArgs, CloudBackend } from "./backend";

/**
 * A config change the running cache can take only by being re-created (a create-only field of
 * the cloud's cache): refused, naming the value it keeps and why, unless `cache.allowRecreate`
 * opts in to a new, empty cache at a new address.
 */
export function recreateProblem(key: string, requested: unknown, keeps: string, why: string, allowRecreate: boolean): ConfigProblem | undefined {
    if (allowRecreate) return undefined;
    return problem(
        key,
        requested,
        `${keeps} (${why}), or ${JSON.stringify(requested)} together with cache.allowRecreate: true, which deletes the cache and creates a new one: ` +
            `its contents are lost and its address changes (\`pulumi config set --path anycloud:cache.allowRecreate true\`)`,
    );
}

/** One Redis with password auth, an eviction policy, and failover where configured. */
export class Cache extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** The port as text (REDIS_PORT): one Output, shared by every workload on the cache. */
    public readonly portText: pulumi.Output<string>;
    /** Secret. */
    public readonly password: pulumi.Output<string>;
    public readonly tls: boolean;
    /** Secret: `rediss://` when TLS is on. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:Cache", name, args, opts);
        const out = backend.cache(name, args, { parent: this });
        this.host = out.host;
        this.port = out.port;
        this.portText = this.port.apply(String);
        this.password = pulumi.secret(out.password);
        this.tls = out.tls;
        const scheme = out.tls ? "rediss" : "redis";
        this.url = pulumi.secret(pulumi.interpolate`${scheme}://:${this.password.apply(encodeURIComponent)}@${this.host}:${this.port}`);
        this.registerOutputs({ host: this.host, port: this.port, password: this.password, tls: this.tls, url: this.url });
    }
}
