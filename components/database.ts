import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, DatabaseArgs } from "./backend";

/** One PostgreSQL server with the configured logical databases, extensions and parameters. */
export class Database extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly username: pulumi.Output<string>;
    /** Secret. */
    public readonly password: pulumi.Output<string>;
    public readonly databases: string[];
    public readonly sslMode: "require" | "disable";
    public readonly readReplicaHosts: pulumi.Output<string[]>;

    constructor(name: string, args: DatabaseArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        const { clients, ...settings } = args;
        super("anycloud:index:Database", name, { ...settings, clients }, opts);
        const out = backend.database(name, args, { parent: this });
        this.host = out.host;
        this.port = out.port;
        this.username = out.username;
        this.password = pulumi.secret(out.password);
        this.databases = args.databases;
        this.sslMode = out.sslMode;
        this.readReplicaHosts = out.readReplicaHosts;
        this.registerOutputs({
            host: this.host,
            port: this.port,
            username: this.username,
            password: this.password,
            databases: this.databases,
            readReplicaHosts: this.readReplicaHosts,
        });
    }

    /** A secret `postgresql://` URL for one of the logical databases. */
    public urlFor(database: string): pulumi.Output<string> {
        return pulumi.secret(
            pulumi.interpolate`postgresql://${this.username}:${this.password.apply(encodeURIComponent)}@${this.host}:${this.port}/${database}?sslmode=${this.sslMode}`,
        );
    }
}
