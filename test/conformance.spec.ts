import * as assert from "assert";
import { GUARDRAILS } from "../policy/guardrails";
import { TARGET_CHECKS } from "../policy/pack";
import { TARGETS } from "../policy/model";
import { Plan, planError, plainSecretLeaks, PlanOptions } from "./harness";
import { baseline, mandatory, violationsOf } from "./policy-harness";

/**
 * The conformance matrix: every target × {dev, prod} × {the worked example, the hosts topology}
 * runs the whole guardrail pack with zero mandatory violations, keeps every generated secret
 * secret, and produces the same cloud-neutral output shape. Local prod is refused by design.
 */

const HOSTS = "test/fixtures/Pulumi.hosts.yaml";
const HOSTS_PROD = { environment: "prod", "alerts.email": "ops@publisher.example.com" };

interface Cell {
    target: (typeof TARGETS)[number];
    environment: "dev" | "prod";
    topology: "example" | "hosts";
    options: PlanOptions;
}

const CELLS: Cell[] = TARGETS.flatMap((target) =>
    (["dev", "prod"] as const).flatMap((environment) => [
        { target, environment, topology: "example" as const, options: { stack: environment, set: { cloud: target } } },
        {
            target,
            environment,
            topology: "hosts" as const,
            options: { stack: environment === "prod" ? "hosts-prod" : "hosts", file: HOSTS, set: { cloud: target, ...(environment === "prod" ? HOSTS_PROD : {}) } },
        },
    ]),
);

/**
 * Keys and value kinds of an output tree: values differ per cloud, the shape must not. Lists
 * count as lists (DNS records exist only where a cloud needs them), and optional outputs a
 * target does not provide (AWS has no service-to-service URL) are left out.
 */
function shape(value: unknown): unknown {
    if (Array.isArray(value)) {
        return "array";
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value).filter(([k, v]) => v !== undefined && k !== "internalUrl");
        return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
    }
    return typeof value;
}

describe("guardrail catalogue", () => {
    it("every target implements every guardrail, or says why it cannot apply", () => {
        for (const target of TARGETS) {
            assert.deepStrictEqual(Object.keys(TARGET_CHECKS[target]).sort(), GUARDRAILS.map((g) => g.name).sort(), `${target} covers a different set of guardrails`);
            for (const g of GUARDRAILS) {
                const part = TARGET_CHECKS[target][g.name];
                if ("notApplicable" in part) {
                    assert.ok(part.notApplicable.length >= 30, `${target} ${g.name}: a reason a reader can check, not "${part.notApplicable}"`);
                } else if ("resources" in part) {
                    assert.ok(Object.keys(part.resources).length > 0, `${target} ${g.name}: no resource types checked`);
                    assert.ok(Object.keys(part.resources).every((t) => !t.startsWith("pulumi:")), `${target} ${g.name}: checks a provider`);
                } else {
                    assert.strictEqual(g.kind, "stack", `${target} ${g.name}: a resource guardrail implemented as a stack check`);
                }
            }
        }
    });

    it("the clouds implement every guardrail", () => {
        for (const target of ["aws", "gcp", "azure"] as const) {
            const missing = GUARDRAILS.filter((g) => "notApplicable" in TARGET_CHECKS[target][g.name]).map((g) => g.name);
            assert.deepStrictEqual(missing, [], `${target} leaves guardrails unchecked`);
        }
    });
});

describe("conformance matrix", function () {
    const shapes = new Map<string, unknown>();

    for (const cell of CELLS) {
        const label = `${cell.target} × ${cell.environment} × ${cell.topology}`;
        if (cell.target === "local" && cell.environment === "prod") {
            it(`${label}: refused before anything is registered (one Docker engine has no failover)`, async () => {
                const error = await planError(cell.options);
                assert.ok(error.problems.some((p) => p.key.endsWith("highAvailability")), error.message);
            });
            continue;
        }
        describe(label, () => {
            let p: Plan;
            before(async () => {
                p = await baseline(cell.options);
            });
            it("has zero mandatory guardrail violations", async () => {
                assert.deepStrictEqual(mandatory(await violationsOf(p)), []);
            });
            it("keeps every generated secret out of plain inputs and outputs", () => {
                assert.deepStrictEqual(plainSecretLeaks(p), []);
            });
            it("has the cloud-neutral output shape of every other target", () => {
                const id = `${cell.environment}/${cell.topology}`;
                const mine = shape({ ...p.outputs, cloud: "" });
                if (!shapes.has(id)) {
                    shapes.set(id, mine);
                }
                assert.deepStrictEqual(mine, shapes.get(id));
            });
        });
    }
});
