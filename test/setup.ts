import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// A rejection inside an apply or a mock would otherwise pass silently under mocha.
process.on("unhandledRejection", (reason) => {
    throw reason;
});

/** Where mocha's parallel workers share the plans they ran (test/harness.ts `baseline`). */
export const PLAN_CACHE_ENV = "ANYCLOUD_TEST_PLAN_CACHE";

// Global fixtures run once, in mocha's main process, before the workers start (they inherit it).
let cacheDir: string | undefined;
export function mochaGlobalSetup() {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-plans-"));
    process.env[PLAN_CACHE_ENV] = cacheDir;
}
export function mochaGlobalTeardown() {
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
}
