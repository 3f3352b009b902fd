import { PolicyPack } from "@pulumi/policy";
import { guardrailPolicies } from "./pack";

/**
 * The CLI entry point: `pulumi preview --policy-pack ./policy`. Constructing a PolicyPack starts
 * the analyzer server, so nothing else imports this file; tests and `npm run plan` run the same
 * policies through `evaluate.ts`.
 */
new PolicyPack("anycloud-guardrails", { policies: guardrailPolicies() });
