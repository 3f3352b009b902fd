import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KEY_POOL_ENV, newKeyPool } from "./key-pool";

// A rejection inside an apply or a mock would otherwise pass silently under mocha.
process.on("unhandledRejection", (reason) => {
    throw reason;
});

/** Where mocha's parallel workers share the plans they ran (test/harness.ts `baseline`). */
export const PLAN_CACHE_ENV = "ANYCLOUD_TEST_PLAN_CACHE";

// Global fixtures run once, in mocha's main process, before the workers start (they inherit it).
let cacheDir: string | undefined;
let keyPool: string | undefined;
export function mochaGlobalSetup() {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-plans-"));
    process.env[PLAN_CACHE_ENV] = cacheDir;
    // One RSA key pool for every worker (test/key-pool.ts).
    keyPool = newKeyPool();
    process.env[KEY_POOL_ENV] = keyPool;
}
export function mochaGlobalTeardown() {
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
    if (keyPool) fs.rmSync(keyPool, { recursive: true, force: true });
}
