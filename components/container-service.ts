import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, ContainerServiceArgs } from "./backend";
import { generatedPassword } from "./secrets";
import { withOwnNames } from "./wiring";

export type ContainerServiceInputs = Omit<ContainerServiceArgs, "secretEnv"> & {
    /** Wired secret variables (credentials of the parts it uses). */
    secretEnv: Record<string, pulumi.Output<string>>;
};

/**
 * One application service: a public web/API service behind the load balancer, or an internal
 * worker with no ingress. Its generated secrets (JWT_SECRET, ...) are created here and handed
 * to the backend, which stores them in the cloud's secret store and injects them.
 */
export class ContainerService extends pulumi.ComponentResource {
    public readonly image: pulumi.Output<string>;
    public readonly internalUrl?: pulumi.Output<string>;
    public readonly public: boolean;

    constructor(name: string, args: ContainerServiceInputs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        const { secretEnv, after: _after, ...visible } = args;
        const secretNames = [...args.secrets, ...Object.keys(secretEnv)];
        const copiedSecrets = Object.entries(args.envFrom ?? {}).filter(([, source]) => secretNames.includes(source)).map(([n]) => n);
        super("anycloud:index:ContainerService", name, { ...visible, secretNames: [...secretNames, ...copiedSecrets].sort() }, opts);
        const generated: Record<string, pulumi.Output<string>> = {};
        for (const secretName of args.secrets) {
            generated[secretName] = generatedPassword(`${name}-${secretName.toLowerCase().replace(/_/g, "-")}`, { length: 48 }, { parent: this });
        }
        const own = withOwnNames(args.envFrom ?? {}, args.env, { ...secretEnv, ...generated });
        const out = backend.containerService(name, { ...args, env: own.env, secretEnv: own.secretEnv }, { parent: this });
        this.image = out.image;
        this.internalUrl = out.internalUrl;
        this.public = args.public;
        this.registerOutputs({ image: this.image, internalUrl: this.internalUrl, public: this.public });
    }
}
