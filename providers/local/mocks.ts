import { CloudMocks } from "../../stacks/cloud-mocks";

/**
 * The Docker provider computes little the program reads: the engine's names come back as given.
 * No Docker invoke is used, so none is answered (an unexpected invoke fails the run).
 */
export const mocks: CloudMocks = {
    call: () => undefined,
    state: (type, _name, inputs, ctx) => {
        switch (type) {
            case "docker:index/network:Network":
                return { state: { name: inputs.name, driver: inputs.driver ?? "bridge", scope: "local" } };
            case "docker:index/volume:Volume":
                return { state: { name: inputs.name, driver: "local", mountpoint: `/var/lib/docker/volumes/${inputs.name}/_data` } };
            case "docker:index/container:Container":
                return { state: { name: inputs.name, exitCode: inputs.attach ? (isJob(inputs) ? ctx.facts?.jobExitCode ?? 0 : 0) : undefined } };
            default:
                return undefined;
        }
    },
};

/** A job's container (labelled `anycloud.component=job:<name>` by providers/local/job.ts). */
function isJob(inputs: Record<string, any>): boolean {
    return (inputs.labels ?? []).some((l: { label: string; value: string }) => l.label === "anycloud.component" && String(l.value).startsWith("job:"));
}
