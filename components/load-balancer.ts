import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, DnsRecord, LoadBalancerArgs } from "./backend";

/**
 * The public entry point: TLS (with a domain), HTTP→HTTPS redirect, path and host routes,
 * per-route rate limits, security headers, body-size limit and WebSockets.
 */
export class LoadBalancer extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly address: pulumi.Output<string>;
    public readonly https: boolean;
    public readonly dnsRecords: pulumi.Output<DnsRecord[]>;

    constructor(name: string, args: LoadBalancerArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:LoadBalancer", name, args, opts);
        const out = backend.loadBalancer(name, args, { parent: this });
        this.url = out.url;
        this.address = out.address;
        this.https = out.https;
        this.dnsRecords = out.dnsRecords;
        this.registerOutputs({ url: this.url, address: this.address, https: this.https, dnsRecords: this.dnsRecords });
    }
}
