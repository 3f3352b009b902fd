import * as fs from "fs";
import * as path from "path";

/**
 * A preload (`node -r <file>`) that runs a function's source as it ships on a fast clock: each
 * `setTimeout` of one of `delays` ms (every one when none are given) fires at once, every other
 * keeps its length (a connection or restart bound under test). Written into `dir` (the function's
 * own package directory in the tests that run one); returns its path.
 */
export function fastTimers(dir: string, delays?: number[]): string {
    const file = path.join(dir, "fast-timers.js");
    const when = delays === undefined ? "true" : `${JSON.stringify(delays)}.includes(ms)`;
    fs.writeFileSync(file, `const t = global.setTimeout; global.setTimeout = (f, ms, ...a) => t(f, ${when} ? 0 : ms, ...a);\n`);
    return file;
}
