import * as pulumi from "@pulumi/pulumi";

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v) && !pulumi.Resource.isInstance(v);
}

/** Objects merge key by key; anything else (scalars, lists, Outputs) is replaced by the override. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) {
        out[k] = isPlainObject(v) && isPlainObject(base[k]) ? deepMerge(base[k] as Record<string, unknown>, v) : v;
    }
    return out;
}

/**
 * The config escape hatch (`anycloud:overrides`) as a transformation every component passes to
 * its children: a resource whose type has an entry gets those input properties merged in.
 * It runs in the program itself, so `pulumi preview` shows the overridden values.
 */
export function overridesTransformation(overrides: Record<string, Record<string, unknown>>): pulumi.ResourceTransformation | undefined {
    if (Object.keys(overrides).length === 0) {
        return undefined;
    }
    return (args) => {
        const override = overrides[args.type];
        return override ? { props: deepMerge(args.props as Record<string, unknown>, override), opts: args.opts } : undefined;
    };
}
