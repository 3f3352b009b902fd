/**
 * The shape of a guardrail: one invariant, checked on every target by that target's own
 * resource types. The catalogue is `guardrails.ts`; each target's checks are `<target>.ts`;
 * `pack.ts` turns both into CrossGuard policies, the single form both runners use.
 */

export const TARGETS = ["aws", "gcp", "azure", "local"] as const;
export type Target = (typeof TARGETS)[number];

export type Environment = "dev" | "prod";

/** A resource as a check sees it: CrossGuard's view, reduced to what the checks read. */
export interface ResourceView {
    type: string;
    name: string;
    urn: string;
    /** Inputs for resource checks; the engine's state (outputs) for stack checks. */
    props: Record<string, any>;
    /** The `protect` resource option. */
    protect: boolean;
    /** The resource's provider (type and inputs as the engine sends them: nested values are JSON strings). */
    provider?: { type: string; props: Record<string, any> };
    /** URN of the parent resource. */
    parent?: string;
}

/** A violation a check found: a message, and the resource it is about (the stack when absent). */
export interface Finding {
    message: string;
    urn?: string;
}

/** Checks one resource of a given type; returns what is wrong with it (nothing when compliant). */
export type ResourceCheck = (props: Record<string, any>, resource: ResourceView) => string | string[] | undefined;

/** The stack as a stack check sees it. */
export interface StackView {
    resources: ResourceView[];
    environment: Environment;
    ofType(type: string): ResourceView[];
}

/** Checks the stack as a whole (counts, relations between resources, environment rules). */
export type StackCheck = (stack: StackView) => Finding[];

/**
 * One target's part of a guardrail. `resources` maps a Pulumi type token to its check;
 * `notApplicable` says, for a target without a check, why the invariant cannot apply there.
 */
export type TargetPart =
    | { resources: Record<string, ResourceCheck> }
    | { stack: StackCheck }
    | { notApplicable: string };

export type EnforcementLevel = "mandatory" | "advisory";

export interface Guardrail {
    /** The policy name CrossGuard reports. */
    name: string;
    description: string;
    level: EnforcementLevel;
    /** Why this level (documented in the README next to the policy). */
    levelReason: string;
    /** How to fix a violation. */
    remediation: string;
    /** Stack guardrails see the whole stack and the environment; resource guardrails one resource's inputs. */
    kind: "resource" | "stack";
    /** Prod-only guardrails pass on dev stacks. */
    prodOnly: boolean;
}

/** Each target module exports one `TargetPart` per guardrail name. */
export type TargetChecks = Record<string, TargetPart>;
