import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, NetworkArgs } from "./backend";

/** The private network every other part lives in, with firewall rules derived from `uses`. */
export class Network extends pulumi.ComponentResource {
    public readonly networkId: pulumi.Output<string>;
    public readonly cidr: string;

    constructor(name: string, args: NetworkArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:Network", name, { cidr: args.cidr, zones: args.zones }, opts);
        const out = backend.network(name, args, { parent: this });
        this.networkId = out.networkId;
        this.cidr = out.cidr;
        this.registerOutputs({ networkId: this.networkId, cidr: this.cidr });
    }
}
