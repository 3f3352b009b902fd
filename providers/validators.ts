import type { ConfigProblem } from "../stacks/errors";
import type { Cloud, Settings } from "../stacks/settings";
import { requireCloud } from "./load";

/**
 * Each target's own checks (what its cloud can provide), pure and free of any cloud SDK, so
 * `stacks/load-settings.ts` runs them in the same pass as the generic checks: every problem of
 * a config is reported at once, whichever layer finds it. Loaded when first asked for: a config
 * is checked by its own target's only, and the other targets' checks and size tables were
 * compiled for nothing.
 */
export function cloudValidator(cloud: Cloud): (settings: Settings) => ConfigProblem[] {
    return requireCloud<typeof import("./local/validate")>(cloud, "validate").validate;
}
