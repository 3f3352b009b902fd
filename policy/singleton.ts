/**
 * The marker a singleton service's cloud resource carries (`services.<name>.singleton: true`):
 * a tag on AWS and Azure, a label on GCP. The prod replica guardrail exempts exactly the services
 * that carry it, and says why, because for such an app a second instance is the failure (n8n in
 * regular mode runs its schedules twice), not the safety net.
 */
export const SINGLETON_TAG = "anycloud-singleton";

/** Why a marked service is exempt from `prod-public-replicas` (printed with the exemption). */
export const SINGLETON_REASON = "singleton: true — the app must run exactly one instance, so the prod floor of 2 replicas does not apply";

/** Whether a resource's tags or labels carry the marker. */
export function isSingleton(tagsOrLabels: unknown): boolean {
    return typeof tagsOrLabels === "object" && tagsOrLabels !== null && (tagsOrLabels as Record<string, unknown>)[SINGLETON_TAG] === "true";
}
