import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, ObjectStoreArgs } from "./backend";

/** Private, versioned buckets with lifecycle rules; access is granted per service by `uses`. */
export class ObjectStore extends pulumi.ComponentResource {
    public readonly provider: "s3" | "gcs" | "azure-blob";
    /** Logical bucket name -> the cloud's bucket name. */
    public readonly buckets: Record<string, pulumi.Output<string>>;
    public readonly env: Record<string, pulumi.Input<string>>;
    public readonly secretEnv: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: ObjectStoreArgs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        super("anycloud:index:ObjectStore", name, args, opts);
        const out = backend.objectStore(name, args, { parent: this });
        this.provider = out.provider;
        this.buckets = out.buckets;
        this.env = out.env;
        this.secretEnv = Object.fromEntries(Object.entries(out.secretEnv).map(([k, v]) => [k, pulumi.secret(v)]));
        this.registerOutputs({ provider: this.provider, buckets: this.buckets });
    }
}
