import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The directory whose `openssl` takes new RSA keys from a pool (test/fixtures/key-pool/openssl). */
export const KEY_POOL_BIN = path.resolve(__dirname, "fixtures", "key-pool");

/** Where mocha's parallel workers share one key pool (made by test/setup.ts's global setup). */
export const KEY_POOL_ENV = "ANYCLOUD_TEST_KEY_POOL";

let pool: string | undefined;

/** A new, empty pool directory (removed by whoever made it). */
export function newKeyPool(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-keys-"));
}

/**
 * The environment under which `openssl req -newkey rsa:N -keyout F` (the boot script's
 * `make_ca` and `issue_cert`) signs with a key of that size from the pool instead of
 * generating one, with KEY_POOL_BIN first on PATH; every other openssl call is the real one's.
 * The pool is the test run's (every worker's keys come from one directory, so a key is
 * generated once per run, not once per spec file), or this process's when run outside mocha's
 * global setup.
 */
export function keyPoolEnv(pathRest: string): Record<string, string> {
    const real = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "openssl")).find((f) => fs.existsSync(f));
    if (!real) return { PATH: pathRest }; // openssl missing: the tests report it
    if (pool === undefined) {
        const shared = process.env[KEY_POOL_ENV];
        if (shared && fs.existsSync(shared)) {
            pool = shared;
        } else {
            const dir = newKeyPool();
            process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
            pool = dir;
        }
    }
    return { PATH: `${KEY_POOL_BIN}:${pathRest}`, OPENSSL_REAL: real, OPENSSL_KEY_POOL: pool, OPENSSL_KEY_COUNTER: path.join(pool, `next-${process.pid}`) };
}
