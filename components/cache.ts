import * as pulumi from "@pulumi/pulumi";
import { CacheArgs, CloudBackend } from "./backend";

/** One Redis with password auth, an eviction policy, and failover where configured. */
export class Cache extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
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
        this.password = pulumi.secret(out.password);
        this.tls = out.tls;
        const scheme = out.tls ? "rediss" : "redis";
        this.url = pulumi.secret(pulumi.interpolate`${scheme}://:${this.password.apply(encodeURIComponent)}@${this.host}:${this.port}`);
        this.registerOutputs({ host: this.host, port: this.port, password: this.password, tls: this.tls, url: this.url });
    }
}
