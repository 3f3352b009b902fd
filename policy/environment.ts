import { Environment, ResourceView, Target } from "./model";

/** Provider inputs reach policies as the engine sends them: nested values JSON-encoded. */
function decoded(value: unknown): any {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** The `environment` tag the program puts on a resource, wherever this target keeps it. */
function taggedEnvironment(r: ResourceView): string | undefined {
    const p = r.props ?? {};
    const provider = r.provider?.props ?? {};
    const dockerLabels: any[] = Array.isArray(p.labels) ? p.labels : [];
    return (
        p.tags?.environment ??
        (Array.isArray(p.labels) ? undefined : p.labels?.environment) ??
        dockerLabels.find((l) => l?.label === "anycloud.environment")?.value ??
        decoded(provider.defaultTags)?.tags?.environment ??
        decoded(provider.defaultLabels)?.environment
    );
}

/**
 * The stack's environment, read from the tags the program puts on every stack (AWS default
 * tags, GCP default labels, Azure resource tags, Docker labels). A stack that carries no such
 * tag is treated as prod, so that the prod guardrails fail closed rather than open.
 */
export function stackEnvironment(resources: ResourceView[]): Environment {
    for (const r of resources) {
        const env = taggedEnvironment(r);
        if (env === "dev" || env === "prod") {
            return env;
        }
    }
    return "prod";
}

const PREFIXES: Record<string, Target> = { aws: "aws", gcp: "gcp", "azure-native": "azure", docker: "local" };

/** The target a resource type belongs to (`aws:rds/instance:Instance` → aws), if any. */
export function targetOfType(type: string): Target | undefined {
    // Asked for every resource by every stack policy: each type's answer is kept (a few hundred types).
    if (targets.has(type)) return targets.get(type);
    const pkg = type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
    const target = PREFIXES[pkg];
    targets.set(type, target);
    return target;
}
const targets = new Map<string, Target | undefined>();

/** The targets a stack's resources belong to. */
export function stackTargets(resources: ResourceView[]): Target[] {
    return [...new Set(resources.map((r) => targetOfType(r.type)).filter((t): t is Target => t !== undefined))];
}
