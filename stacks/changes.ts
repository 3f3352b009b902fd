import { CapturedResource } from "./offline";

/** A resource's options as the engine received them (what `npm run plan -- --json` shows). */
export interface ResourceOptions {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    /** The cloud id the `import` option adopts, or null. */
    import: string | null;
    /** What it depends on beyond the resources its inputs come from, by type and name. */
    dependsOn: { type: string; name: string }[];
}

/**
 * The options of one resource. `dependsOn` is what the engine was told beyond input
 * dependencies: the explicit `dependsOn` (a component there stands for everything inside it).
 */
export function optionsOf(r: CapturedResource, byUrn: Map<string, CapturedResource>): ResourceOptions {
    const fromInputs = new Set(Object.values(r.propertyDependencies).flat());
    const dependsOn = r.dependencies
        .filter((urn) => !fromInputs.has(urn))
        .map((urn) => byUrn.get(urn))
        .filter((d): d is CapturedResource => d !== undefined)
        .map((d) => ({ type: d.type, name: d.name }));
    return {
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        deleteBeforeReplace: r.deleteBeforeReplace,
        ignoreChanges: r.ignoreChanges,
        replaceOnChanges: r.replaceOnChanges,
        import: r.importId ?? null,
        dependsOn,
    };
}
