import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The directory whose `openssl` takes new RSA keys from a pool (test/fixtures/key-pool/openssl). */
export const KEY_POOL_BIN = path.resolve(__dirname, "fixtures", "key-pool");

let pool: string | undefined;

/**
 * The environment under which `openssl req -newkey rsa:N -keyout F` (the boot script's
 * `make_ca` and `issue_cert`) signs with a key of that size from this process's pool instead of
 * generating one, with KEY_POOL_BIN first on PATH; every other openssl call is the real one's.
 */
export function keyPoolEnv(pathRest: string): Record<string, string> {
    const real = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "openssl")).find((f) => fs.existsSync(f));
    if (!real) return { PATH: pathRest }; // openssl missing: the tests report it
    if (pool === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-keys-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        pool = dir;
    }
    return { PATH: `${KEY_POOL_BIN}:${pathRest}`, OPENSSL_REAL: real, OPENSSL_KEY_POOL: pool };
}
