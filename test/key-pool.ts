import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { keptBetweenRuns } from "./kept-between-runs";

/** The directory whose `openssl` takes new RSA keys from a pool (test/fixtures/key-pool/openssl). */
export const KEY_POOL_BIN = path.resolve(__dirname, "fixtures", "key-pool");

/**
 * Where the pool's keys are kept between test runs (test/kept-between-runs.ts): generated once per
 * checkout of node_modules (~2-3 s of CPU for 7 keys), then reused, so a warm `npm test` makes no
 * RSA key. Only keys for tests live there. ANYCLOUD_TEST_KEY_POOL names another directory.
 */
export const KEY_POOL_ENV = "ANYCLOUD_TEST_KEY_POOL";

let env: { pool: string; counters: string } | undefined;

/** The pool directory, or a temporary one for this process when it cannot be kept. */
function keyStore(): string {
    const kept = keptBetweenRuns("anycloud-test-keys", KEY_POOL_ENV);
    if (kept) return kept;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-keys-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/**
 * The environment under which `openssl req -newkey rsa:N -keyout F` (the boot script's
 * `make_ca` and `issue_cert`) signs with a key of that size from the pool instead of
 * generating one, with KEY_POOL_BIN first on PATH; every other openssl call is the real one's.
 * The keys are the pool's (kept between runs: every worker and every run takes the same few keys
 * of a size, so a key is generated once per checkout, not once per run or spec file); which key
 * comes next is this process's own count (in a temporary directory of its own), so a test
 * process's consecutive requests get different keys as before.
 */
export function keyPoolEnv(pathRest: string): Record<string, string> {
    const real = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "openssl")).find((f) => fs.existsSync(f));
    if (!real) return { PATH: pathRest }; // openssl missing: the tests report it
    if (env === undefined) {
        const counters = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-key-counters-"));
        process.on("exit", () => fs.rmSync(counters, { recursive: true, force: true }));
        env = { pool: keyStore(), counters };
    }
    return { PATH: `${KEY_POOL_BIN}:${pathRest}`, OPENSSL_REAL: real, OPENSSL_KEY_POOL: env.pool, OPENSSL_KEY_COUNTER: path.join(env.counters, "next") };
}
