import * as pulumi from "@pulumi/pulumi";
import { deployTopology, StackOutputs } from "../components/topology";
import { loadBackend } from "../providers/load";
import { ConfigError } from "./errors";
import { loadSettings } from "./load-settings";

/**
 * The whole program: config → Settings (validated, cloud checks included) → topology → outputs.
 * Every check runs before the first resource is registered, so a typo deploys nothing.
 * It reads all state from the Pulumi runtime at call time, so it can run many times in one
 * process (tests, the offline plan) for different stacks and clouds.
 */
export async function runProgram(): Promise<StackOutputs> {
    const settings = loadSettings(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
    const backendModule = await loadBackend(settings.cloud);
    const problems = backendModule.validate(settings);
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return deployTopology(settings, backendModule.create(settings));
}
