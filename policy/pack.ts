import type { Policies, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { stackEnvironment, stackTargets, targetOfType } from "./environment";
import { GUARDRAILS } from "./guardrails";
import { Guardrail, ResourceCheck, ResourceView, StackView, Target, TargetChecks, TargetPart } from "./model";
import { checks as aws } from "./aws";
import { checks as azure } from "./azure";
import { checks as gcp } from "./gcp";
import { checks as local } from "./local";

/** Every target's implementation of the catalogue. The modules only read type tokens: no SDK is loaded. */
export const TARGET_CHECKS: Record<Target, TargetChecks> = { aws, gcp, azure, local };

function messages(result: string | string[] | undefined): string[] {
    return result === undefined ? [] : Array.isArray(result) ? result : [result];
}

function partOf(guardrail: Guardrail, target: Target): TargetPart {
    const part = TARGET_CHECKS[target][guardrail.name];
    if (part === undefined) {
        throw new Error(`policy pack: target ${target} does not implement guardrail ${guardrail.name}`);
    }
    if (guardrail.kind === "resource" && "stack" in part) {
        throw new Error(`policy pack: ${target} implements resource guardrail ${guardrail.name} as a stack check`);
    }
    return part;
}

/** Resource checks of one guardrail, across targets, by type token. */
function resourceChecks(guardrail: Guardrail): Map<string, ResourceCheck> {
    const byType = new Map<string, ResourceCheck>();
    for (const target of Object.keys(TARGET_CHECKS) as Target[]) {
        const part = partOf(guardrail, target);
        if ("resources" in part) {
            for (const [type, check] of Object.entries(part.resources)) {
                byType.set(type, check);
            }
        }
    }
    return byType;
}

function viewOfArgs(args: ResourceValidationArgs): ResourceView {
    return {
        type: args.type,
        name: args.name,
        urn: args.urn,
        props: args.props,
        protect: args.opts.protect,
        provider: args.provider ? { type: args.provider.type, props: args.provider.props } : undefined,
        parent: args.opts.parent,
    };
}

/**
 * A stack policy's resource as a check sees it. Its props, `protect` and provider are read from
 * the policy's resource when a check first reads them, and kept: a stack check reads a few types
 * of the stack's resources, and the in-process runner (evaluate.ts) makes a resource's
 * unknown-checking proxy and options only when read (issue #18).
 */
class StackResourceView implements ResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    #props?: { value: Record<string, any> };
    #protect?: { value: boolean };
    #provider?: { value: ResourceView["provider"] };
    #parent?: { value: string | undefined };

    constructor(private readonly resource: PolicyResource) {
        this.type = resource.type;
        this.name = resource.name;
        this.urn = resource.urn;
    }

    get parent(): string | undefined {
        return (this.#parent ??= { value: this.resource.parent?.urn }).value;
    }
    set parent(value: string | undefined) {
        this.#parent = { value };
    }

    get props(): Record<string, any> {
        return (this.#props ??= { value: this.resource.props }).value;
    }
    set props(value: Record<string, any>) {
        this.#props = { value };
    }
    get protect(): boolean {
        return (this.#protect ??= { value: this.resource.opts.protect }).value;
    }
    set protect(value: boolean) {
        this.#protect = { value };
    }
    get provider(): ResourceView["provider"] {
        const p = this.resource.provider;
        return (this.#provider ??= { value: p ? { type: p.type, props: p.props } : undefined }).value;
    }
    set provider(value: ResourceView["provider"]) {
        this.#provider = { value };
    }
}

function viewOfResource(r: PolicyResource): ResourceView {
    return new StackResourceView(r);
}

function described(guardrail: Guardrail) {
    return {
        name: guardrail.name,
        description: guardrail.description,
        enforcementLevel: guardrail.level,
        remediationSteps: guardrail.remediation,
    };
}

function resourcePolicy(guardrail: Guardrail): ResourceValidationPolicy {
    const byType = resourceChecks(guardrail);
    return {
        ...described(guardrail),
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            const check = byType.get(args.type);
            if (check !== undefined) {
                for (const message of messages(check(args.props, viewOfArgs(args)))) {
                    report(message);
                }
            }
        },
    };
}

function stackPolicy(guardrail: Guardrail): StackValidationPolicy {
    return {
        ...described(guardrail),
        validateStack: (args, report: ReportViolation) => {
            const resources = args.resources.map(viewOfResource);
            const environment = stackEnvironment(resources);
            if (guardrail.prodOnly && environment !== "prod") {
                return;
            }
            const stack: StackView = { resources, environment, ofType: (type) => resources.filter((r) => r.type === type) };
            for (const target of stackTargets(resources)) {
                const part = partOf(guardrail, target);
                if ("stack" in part) {
                    for (const finding of part.stack(stack)) {
                        report(finding.message, finding.urn);
                    }
                } else if ("resources" in part) {
                    // A per-resource rule gated by the environment: checked against the engine's state.
                    for (const r of resources.filter((x) => targetOfType(x.type) === target)) {
                        const check = part.resources[r.type];
                        for (const message of check ? messages(check(r.props, r)) : []) {
                            report(message, r.urn);
                        }
                    }
                }
            }
        },
    };
}

/** The pack's policies: one per guardrail, covering every target. */
export function guardrailPolicies(): Policies {
    return GUARDRAILS.map((g) => (g.kind === "resource" ? resourcePolicy(g) : stackPolicy(g)));
}
