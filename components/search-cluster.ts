import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, SearchClusterArgs } from "./backend";

/** An OpenSearch cluster (Elasticsearch-compatible API) with a generated admin user. */
export class SearchCluster extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly username: pulumi.Output<string>;
    /** Secret. */
    public readonly password: pulumi.Output<string>;
    public readonly nodes: number;

    constructor(name: string, args: SearchClusterArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:SearchCluster", name, args, opts);
        const out = backend.searchCluster(name, args, { parent: this });
        this.url = out.url;
        this.username = out.username;
        this.password = pulumi.secret(out.password);
        this.nodes = args.nodes;
        this.registerOutputs({ url: this.url, username: this.username, password: this.password, nodes: this.nodes });
    }
}
