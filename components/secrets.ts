import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface PasswordRules {
    length?: number;
    /** Allow special characters; some engines reject some of them (see overrideSpecial). */
    special?: boolean;
    /** The special characters allowed, when the target rejects others (RDS: no / @ " or space). */
    overrideSpecial?: string;
    /** Require at least one of each class (OpenSearch's security plugin demands it). */
    requireEveryClass?: boolean;
}

/**
 * A generated password. Values come only from @pulumi/random (stable in state, so every preview
 * is identical) and the result is a secret from the moment it exists.
 */
export function generatedPassword(name: string, rules: PasswordRules, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const every = rules.requireEveryClass ? 1 : 0;
    const password = new random.RandomPassword(
        name,
        {
            length: rules.length ?? 32,
            special: rules.special ?? false,
            overrideSpecial: rules.overrideSpecial,
            minLower: every,
            minUpper: every,
            minNumeric: every,
            minSpecial: rules.special ? every : 0,
        },
        opts,
    );
    return pulumi.secret(password.result);
}
