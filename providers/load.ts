import { BackendModule } from "../components/backend";
import { CloudMocks } from "../stacks/cloud-mocks";
import { ConfigError, problem } from "../stacks/errors";
import { Cloud } from "../stacks/settings";

/**
 * Loads only the chosen cloud's implementation, so a GCP stack never loads the AWS or Azure
 * SDK. Each `providers/<cloud>/index.ts` exports `backend: BackendModule` (the compiler checks
 * it implements every component) and `mocks.ts` exports `mocks: CloudMocks`.
 */
export async function loadBackend(cloud: Cloud): Promise<BackendModule> {
    const mod = (await importCloud(cloud, "")) as { backend: BackendModule };
    return mod.backend;
}

/** The offline engine's answers for the chosen cloud's invokes and computed outputs. */
export async function loadMocks(cloud: Cloud): Promise<CloudMocks> {
    const mod = (await importCloud(cloud, "/mocks")) as { mocks: CloudMocks };
    return mod.mocks;
}

/**
 * A file of the chosen cloud's folder, loaded at once (the config checks are synchronous): only
 * for files that are pure data and checks, free of any cloud SDK (validate.ts and
 * replace-forcing.ts, which every folder has under the same name with the same exports; AWS's
 * rds-ca-roots.ts).
 */
export function requireCloud<T>(cloud: Cloud, file: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`./${cloud}/${file}`) as T;
}

async function importCloud(cloud: Cloud, file: string): Promise<unknown> {
    const path = `./${cloud}${file}`;
    try {
        return await import(path);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(path)) {
            throw new ConfigError([problem("cloud", cloud, "a cloud whose backend is part of this build (providers/<cloud>/ is missing)")]);
        }
        throw e;
    }
}
