import * as fs from "fs";
import * as path from "path";

/**
 * Where a test fixture that is slow to make and only changes with its inputs (RSA keys,
 * bootstrapped PostgreSQL clusters, the published SDK's reference run) is kept between test runs:
 * the directory the environment variable `envVar` names (e.g. an empty one, to time a cold run),
 * else node_modules/.cache/<name>, made when missing (a fresh clone or CI machine makes each
 * fixture at its first run). Undefined when that directory cannot be made or written: the caller
 * then makes the fixture for this run only.
 */
export function keptBetweenRuns(name: string, envVar: string): string | undefined {
    const store = process.env[envVar] || path.resolve(__dirname, "..", "node_modules", ".cache", name);
    try {
        fs.mkdirSync(store, { recursive: true, mode: 0o700 });
        fs.accessSync(store, fs.constants.W_OK);
        return store;
    } catch {
        return undefined;
    }
}
