import * as pulumi from "@pulumi/pulumi";
import { ConfigError, problem } from "./errors";
import { Settings } from "./settings";

/**
 * Day 2: the region an AWS or GCP stack already runs in. Every resource of a stack lives in its
 * region and the explicit provider carries it, so another `aws:region` / `gcp:region` replaces the
 * provider and with it every resource, empty (prod: `up` stops half-way at the first protected
 * one; dev: the data is gone). Nothing in the cloud answers "where does this stack run" from
 * another region (every look-up is regional; a project or account holds no record of the stack),
 * so the signal is the stack's own state: its previous outputs, read through a StackReference to
 * the stack itself.
 *
 * Why that is sound (sources): the engine reads a StackReference through the backend's
 * `GetStackOutputs`, which returns the root stack resource's outputs of the stack's last
 * checkpoint and an empty map when the stack has no deployment yet (pulumi/pulumi
 * pkg/backend/backend.go backendClient.GetStackOutputs: "if res == nil { return
 * resource.PropertyMap{}, nil }"), so a first `up` and a first preview read nothing; reading the
 * stack being updated is allowed (pulumi/pulumi#3722, a maintainer's example of a stack reading
 * its own earlier output back); the read runs in previews and updates alike, whichever way the
 * CLI is started (the Automation API driver runs the same CLI). The name must be one the backend
 * parses: Pulumi Cloud takes `org/project/stack`; DIY backends report the organization
 * "organization", and their legacy layout accepts only a plain stack name (pulumi/pulumi
 * pkg/backend/diy legacyReferenceStore.ParseReference: tokens.ParseStackName), which the
 * project-scoped layout resolves within the current project; Automation API's
 * fullyQualifiedStackName docs say the same.
 */

/** The output that records where an AWS or GCP stack runs. */
export const REGION_OUTPUT = "region";
/**
 * The outputs read back: the cloud that wrote them (every target exports `cloud`), the region, and
 * those holding regional endpoints (stacks from before the region output).
 */
const REGION_BEARING_OUTPUTS = ["cloud", REGION_OUTPUT, "database", "url", "dnsRecords", "services", "cache", "search"];

/** The region an AWS or GCP stack deploys to (undefined for the other targets). */
export function deployedRegion(settings: Settings): string | undefined {
    return settings.cloud === "aws" ? settings.aws.region : settings.cloud === "gcp" ? settings.gcp.region : undefined;
}

/** Where the stack runs, as its `region` output says on every target (Azure: its location; local: "local"). */
export function stackRegion(settings: Settings): string {
    return deployedRegion(settings) ?? (settings.cloud === "azure" ? settings.azure.location : "local");
}

/** The name under which this stack's own backend finds it (see above). */
export function ownStackName(): string {
    let org: string | undefined;
    try {
        org = pulumi.getOrganization();
    } catch {
        // A CLI too old to tell the program its organization: the plain name resolves in the default one.
    }
    return org !== undefined && org !== "organization" ? `${org}/${pulumi.getProject()}/${pulumi.getStack()}` : pulumi.getStack();
}

/**
 * Where the previous outputs say the stack runs: the `region` output, else (a stack deployed
 * before that output existed) a regional endpoint among its outputs: an RDS or ELB host name
 * (`<id>.<region>.rds.amazonaws.com`, `<name>-<n>.<region>.elb.amazonaws.com`) or a Cloud Run URL
 * (`https://<service>-<project number>.<region>.run.app`; the older `...-<hash>-<code>.a.run.app`
 * form names no region and is not read). Undefined: nothing deployed yet, or nothing says.
 */
export function regionFromOutputs(cloud: Settings["cloud"], outputs: Record<string, unknown>): string | undefined {
    // Another cloud's last deployment (a switch with `anycloud:cloud`) says nothing about where this
    // cloud's resources are: there are none yet, so any region is a first deployment.
    if (typeof outputs.cloud === "string" && outputs.cloud !== cloud) return undefined;
    if (typeof outputs[REGION_OUTPUT] === "string") return outputs[REGION_OUTPUT] as string;
    const pattern = cloud === "aws" ? /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(?:rds|elb)\.amazonaws\.com\b/ : cloud === "gcp" ? /^https:\/\/[a-z0-9-]+\.([a-z]+-[a-z]+\d+)\.run\.app\b/ : undefined;
    if (!pattern) return undefined;
    const strings: string[] = [];
    const walk = (v: unknown) => {
        if (typeof v === "string") strings.push(v);
        else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(outputs);
    for (const s of strings) {
        const m = pattern.exec(s);
        if (m) return m[1];
    }
    return undefined;
}

/**
 * Refuses another region for an AWS or GCP stack that runs somewhere already, before anything is
 * registered (runProgram awaits it first). No opt-in: the provider cannot move a resource between
 * regions, so the only honest way is a new deployment.
 */
export async function checkRegion(settings: Settings): Promise<void> {
    const region = deployedRegion(settings);
    if (region === undefined) return;
    const own = new pulumi.StackReference(`${settings.project}-${settings.stack}-previous-outputs`, { name: ownStackName() });
    const outputs: Record<string, unknown> = {};
    for (const name of REGION_BEARING_OUTPUTS) {
        // None of these is secret; a secret value is skipped, never read.
        const details = await own.getOutputDetails(name);
        if (details.value !== undefined) outputs[name] = details.value;
    }
    const running = regionFromOutputs(settings.cloud, outputs);
    if (running === undefined || running === region) return;
    const key = settings.cloud === "aws" ? "aws" : "gcp";
    throw new ConfigError([
        problem(
            // Named the way the user set it (load-settings names validation problems so too).
            new pulumi.Config(key).get("region") !== undefined ? `${key}:region` : `${key}.region`,
            region,
            `${JSON.stringify(running)}, where this stack runs (its last deployment's outputs): every resource of a stack lives in its region, and another one replaces the provider and with it every resource, empty. ` +
                "To move, deploy a new stack in the new region and copy the data over (database dump and restore, bucket copy), then destroy this one",
        ),
    ]);
}
