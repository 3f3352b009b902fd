import { ConfigProblem } from "../stacks/errors";
import { Cloud, Settings } from "../stacks/settings";
import { validateAws } from "./aws/validate";
import { validateAzure } from "./azure/validate";
import { validateGcp } from "./gcp/validate";
import { validate as validateLocal } from "./local/validate";

/**
 * Each target's own checks (what its cloud can provide), pure and free of any cloud SDK, so
 * `stacks/load-settings.ts` runs them in the same pass as the generic checks: every problem of
 * a config is reported at once, whichever layer finds it.
 */
export const CLOUD_VALIDATORS: Record<Cloud, (settings: Settings) => ConfigProblem[]> = {
    aws: validateAws,
    gcp: validateGcp,
    azure: validateAzure,
    local: validateLocal,
};
