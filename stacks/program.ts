import * as pulumi from "@pulumi/pulumi";
import { deployTopology, StackOutputs } from "../components/topology";
import { loadBackend } from "../providers/load";
import { loadSettings } from "./load-settings";
import { checkRegion, stackRegion } from "./region-guard";
import type { Settings } from "./settings";

/**
 * The whole program: config → Settings (validated, cloud checks included) → topology → outputs.
 * Every check runs before the first resource is registered, so a typo deploys nothing.
 * It reads all state from the Pulumi runtime at call time, so it can run many times in one
 * process (tests, the offline plan) for different stacks and clouds.
 */
export async function runProgram(): Promise<StackOutputs> {
    return (await runProgramWithSettings()).outputs;
}

/**
 * runProgram, also handing back the Settings it ran with: the offline plan reports on them (the
 * edge table) without checking the whole config a second time (~0.4 ms a service).
 */
export async function runProgramWithSettings(): Promise<{ outputs: StackOutputs; settings: Settings }> {
    // Generic and cloud checks in one pass (stacks/load-settings.ts `checkConfig`).
    const settings = loadSettings(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
    // Where the stack runs already (its previous outputs), before anything is registered.
    await checkRegion(settings);
    const backendModule = await loadBackend(settings.cloud);
    // Every target exports `region` (one output shape); on AWS and GCP the next run's check reads it.
    return { outputs: { ...deployTopology(settings, backendModule.create(settings)), region: stackRegion(settings) }, settings };
}
