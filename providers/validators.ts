import type { ConfigProblem } from "../stacks/errors";
import type { Cloud, Settings } from "../stacks/settings";

/**
 * Each target's own checks (what its cloud can provide), pure and free of any cloud SDK, so
 * `stacks/load-settings.ts` runs them in the same pass as the generic checks: every problem of
 * a config is reported at once, whichever layer finds it. Loaded when first asked for: a config
 * is checked by its own target's only, and the other targets' checks and size tables were
 * compiled for nothing.
 */
export function cloudValidator(cloud: Cloud): (settings: Settings) => ConfigProblem[] {
    /* eslint-disable @typescript-eslint/no-require-imports */
    switch (cloud) {
        case "aws":
            return (require("./aws/validate") as typeof import("./aws/validate")).validateAws;
        case "gcp":
            return (require("./gcp/validate") as typeof import("./gcp/validate")).validateGcp;
        case "azure":
            return (require("./azure/validate") as typeof import("./azure/validate")).validateAzure;
        case "local":
            return (require("./local/validate") as typeof import("./local/validate")).validate;
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
}
