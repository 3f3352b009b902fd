import { Settings } from "./settings";

/**
 * The tags (labels on GCP) every cloud resource of a stack carries: the user's extra tags, then
 * the ones the program owns, which win so cost reports and `managed-by` filters stay reliable.
 */
export function stackTags(settings: Settings): Record<string, string> {
    return {
        ...settings.tags,
        project: settings.project,
        stack: settings.stack,
        environment: settings.environment,
        "managed-by": "anycloud",
    };
}
