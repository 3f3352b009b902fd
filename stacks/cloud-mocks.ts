import * as crypto from "crypto";

/**
 * What each `providers/<cloud>/mocks.ts` gives the offline engine: the answers the cloud would
 * give, so the real program runs with no CLI, plugin or credentials (tests and `npm run plan`).
 */
export interface MockContext {
    project: string;
    stack: string;
    /** The stack config map the program runs with (keys like `anycloud:aws`). */
    config: Record<string, string>;
    /** Answers that change under a stack between two runs (tests vary them; default: none). */
    facts?: CloudFacts;
    /**
     * What an earlier `pulumi up` of this stack left in the account (`plan --change` and the day-2
     * tests: the stack as deployed before the change); look-ups of existing resources find these,
     * and nothing else (undefined: a fresh account).
     */
    deployed?: DeployedResource[];
    /** The stack outputs that `up` left (what a StackReference to the stack itself reads; undefined: none). */
    deployedOutputs?: Record<string, unknown>;
}

/** A resource in the account: its type, logical name and what the cloud holds for it. */
export interface DeployedResource {
    type: string;
    name: string;
    outputs: Record<string, any>;
}

/** What the cloud may answer differently weeks later, with nothing changed in the stack. */
export interface CloudFacts {
    /** The zone list comes back in another order. */
    zonesReordered?: boolean;
    /** One zone is DOWN, so a list of zones that are UP leaves it out. */
    zoneDown?: boolean;
    /** Each OS image family has a newer image. */
    newerImages?: boolean;
    /** Another account / subscription id (a re-created account, another deployer). */
    otherAccount?: boolean;
    /** Cloud SQL: `gcloud sql ssl server-ca-certs create` prepared a rotation, so each instance lists an upcoming CA beside the active one. */
    sqlServerCaUpcoming?: boolean;
    /** A before-deploy job's container exits with this code (where the program reads it: local). */
    jobExitCode?: number;
}

/** A zone list as the cloud answers it under the given facts; a zone down is left out only of a list filtered to the zones that are up. */
export function zonesAnswered(names: string[], ctx: MockContext, upOnly: boolean): string[] {
    let out = ctx.facts?.zoneDown && upOnly ? names.slice(1) : [...names];
    if (ctx.facts?.zonesReordered) out = out.reverse();
    return out;
}

export interface CloudMocks {
    /** The result of an invoke, as the cloud would return it; undefined for a token it does not know. */
    call(token: string, inputs: Record<string, any>, ctx: MockContext): Record<string, any> | undefined;
    /** Outputs the cloud computes on create (ids, ARNs, endpoints, addresses), merged over the inputs. */
    state(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): { id?: string; state: Record<string, any> } | undefined;
}

/**
 * The SHA-256 of a text in hex, from which the mocks derive ids, ARNs and GUIDs: kept, since a
 * process that plans again and again (the tests, `npm run bench`) hashes the same names in every
 * run (a hash object for each was ~1 % of a plan's CPU). Bounded.
 */
export function sha256Hex(text: string): string {
    let hex = hexes.get(text);
    if (hex === undefined) {
        if (hexes.size >= HEXES_KEPT) hexes.clear();
        hex = crypto.createHash("sha256").update(text).digest("hex");
        hexes.set(text, hex);
    }
    return hex;
}
const hexes = new Map<string, string>();
const HEXES_KEPT = 20000;
