import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EMPTY_LOCK_MS, exclusively, HELD_LOCK_MS } from "./local-servers";

/**
 * The lock under which one test process makes a PostgreSQL cluster the others then copy
 * (test/local-servers.ts initCluster): its wait is synchronous, so a lock nobody will remove must
 * never be waited for.
 */
describe("the test clusters' lock (test/local-servers.ts exclusively)", () => {
    let dir: string;
    let lock: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-lock-"));
        lock = path.join(dir, "thing.lock");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A lock file as another process left it: its text (a pid, or none yet) and its age. */
    const leftLock = (text: string, ageMs: number) => {
        fs.writeFileSync(lock, text);
        const at = new Date(Date.now() - ageMs);
        fs.utimesSync(lock, at, at);
    };
    /**
     * Runs exclusively with a thing that is made once, or by another process after `madeByOther`
     * checks (~50 ms apart: by default ~3 s, so a lock wrongly waited for fails the test instead of
     * hanging it); what it did.
     */
    const run = (madeByOther = 60) => {
        let made = false;
        let checks = 0;
        let lockWhileMaking: string | undefined;
        exclusively(
            lock,
            () => made || ++checks > madeByOther,
            () => {
                lockWhileMaking = fs.readFileSync(lock, "utf8");
                made = true;
            },
        );
        return { made, lockWhileMaking, lockLeft: fs.existsSync(lock) };
    };
    const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

    it("makes the thing under a lock holding this process's pid, and removes the lock", () => {
        assert.deepStrictEqual(run(), { made: true, lockWhileMaking: String(process.pid), lockLeft: false });
    });

    it("waits while a running process holds the lock, and makes nothing once that one made it", () => {
        leftLock("1", 0);
        assert.deepStrictEqual(run(3), { made: false, lockWhileMaking: undefined, lockLeft: true });
    });

    it("removes the lock of a process that no longer runs and makes the thing", () => {
        leftLock(String(deadPid()), 0);
        assert.deepStrictEqual(run(), { made: true, lockWhileMaking: String(process.pid), lockLeft: false });
    });

    it("waits on a lock without a pid while it is new, and removes it once older than EMPTY_LOCK_MS (its maker died before writing it)", () => {
        leftLock("", 0);
        assert.strictEqual(run(3).made, false);
        leftLock("", EMPTY_LOCK_MS + 1000);
        assert.strictEqual(run().made, true);
    });

    it("removes a lock older than HELD_LOCK_MS even when its pid names a running process (a pid reused since)", () => {
        leftLock("1", HELD_LOCK_MS + 1000);
        assert.deepStrictEqual(run(), { made: true, lockWhileMaking: String(process.pid), lockLeft: false });
    });

    it("removes a lock holding this process's own pid (an earlier process with the same pid left it)", () => {
        leftLock(String(process.pid), 0);
        assert.strictEqual(run().made, true);
    });
});
