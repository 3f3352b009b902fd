import * as assert from "assert";
import { evaluatePolicies, Violation } from "../policy/evaluate";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";

export { baseline } from "./harness";

/**
 * Helpers for the guardrail tests: run the pack in-process over a plan, and prove a policy bites
 * by breaking one input and checking that exactly that policy reports something new.
 */

/**
 * The app's own names for the database and search logins (an off-the-shelf image's, as n8n's
 * DB_POSTGRESDB_USER), which least-privilege-data follows too: one config for both of its spec
 * files (database, search), so they share one plan per target.
 */
export const LOGIN_ALIASES = { DB_POSTGRESDB_USER: "DB_USER", OPENSEARCH_USER: "ELASTICSEARCH_USERNAME" };

/**
 * The violations of a shared (frozen) plan, by its resources: found once, then frozen too. Each
 * guardrail test compares a broken copy with the plan it broke, so the same shared plan was
 * evaluated again in every one of them (half of the pack's runs).
 */
const ofShared = new WeakMap<readonly CapturedResource[], Promise<readonly Violation[]>>();

export async function violationsOf(p: Plan): Promise<readonly Violation[]> {
    if (!Object.isFrozen(p.resources)) return evaluatePolicies(p.resources);
    let found = ofShared.get(p.resources);
    if (found === undefined) {
        found = evaluatePolicies(p.resources).then((v) => Object.freeze(v.map((x) => Object.freeze(x))));
        ofShared.set(p.resources, found);
    }
    return found;
}

export function mandatory(violations: readonly Violation[]): string[] {
    return violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.message} (${v.urn ?? "stack"})`);
}

const key = (v: Violation) => `${v.policy}|${v.urn ?? ""}|${v.message}`;

/** Violations of `after` that `before` did not have. */
export function introduced(before: readonly Violation[], after: readonly Violation[]): Violation[] {
    const seen = new Set(before.map(key));
    return after.filter((v) => !seen.has(key(v)));
}

/**
 * A copy of a plan in which the resources `select` picks have `change` applied to their inputs
 * and to the engine's state, as if the program had set that value. Fails when nothing matched.
 */
export function broken(p: Plan, select: (r: CapturedResource) => boolean, change: (props: Record<string, any>, r: CapturedResource) => void): Plan {
    let matched = 0;
    const resources = p.resources.map((r) => {
        if (!select(r)) return r;
        matched++;
        const copy: CapturedResource = structuredClone(r);
        change(copy.inputs, copy);
        change(copy.outputs, copy);
        return copy;
    });
    assert.ok(matched > 0, "the break selected no resource");
    return new Plan({ ...p.run, resources });
}

/** A copy of a plan in which the selected resources lose the `protect` option. */
export function unprotected(p: Plan, select: (r: CapturedResource) => boolean): Plan {
    const resources = p.resources.map((r) => (select(r) ? { ...r, protect: false } : r));
    assert.ok(resources.some((r, i) => r !== p.resources[i]), "the break selected no resource");
    return new Plan({ ...p.run, resources });
}

/**
 * Asserts that `after` (a broken copy or re-run of `before`) makes exactly `policy` report
 * something new, and returns those new violations for further assertions.
 */
export async function assertBites(policy: string, before: Plan, after: Plan): Promise<Violation[]> {
    const added = introduced(await violationsOf(before), await violationsOf(after));
    assert.ok(added.length > 0, `policy ${policy} reported nothing for the broken input`);
    assert.deepStrictEqual([...new Set(added.map((v) => v.policy))], [policy], `expected only ${policy} to report, got:\n${added.map((v) => `  ${v.policy}: ${v.message}`).join("\n")}`);
    return added;
}
