import * as pulumi from "@pulumi/pulumi";
import { CloudBackend, JobArgs } from "./backend";
import { generatedPassword } from "./secrets";
import { withOwnNames } from "./wiring";

export type JobInputs = Omit<JobArgs, "secretEnv"> & {
    /** Wired secret variables (credentials of the parts it uses). */
    secretEnv: Record<string, pulumi.Output<string>>;
};

/**
 * A run-to-completion job: a migration that runs before the services it gates roll out, or a
 * scheduled task. It has a service's wiring, network access and its own identity; its generated
 * secrets are created here and stored by the backend in the cloud's secret store.
 */
export class Job extends pulumi.ComponentResource {
    /** The before-deploy run (undefined for a scheduled job). */
    public readonly run?: pulumi.Resource;
    public readonly logs: pulumi.Output<string>;
    public readonly note?: pulumi.Output<string>;

    constructor(name: string, args: JobInputs, backend: CloudBackend, opts?: pulumi.ComponentResourceOptions) {
        const { secretEnv, after: _after, ...visible } = args;
        super("anycloud:index:Job", name, { ...visible, secretNames: [...args.secrets, ...Object.keys(secretEnv)].sort() }, opts);
        const generated: Record<string, pulumi.Output<string>> = {};
        for (const secretName of args.secrets) {
            generated[secretName] = generatedPassword(`${name}-${secretName.toLowerCase().replace(/_/g, "-")}`, { length: 48 }, { parent: this });
        }
        const own = withOwnNames(args.envFrom ?? {}, args.env, { ...secretEnv, ...generated });
        const out = backend.job(name, { ...args, env: own.env, secretEnv: own.secretEnv }, { parent: this });
        this.run = out.run;
        this.logs = out.logs;
        this.note = out.note;
        this.registerOutputs({ logs: this.logs, note: this.note });
    }
}
