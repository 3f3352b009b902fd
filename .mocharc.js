// mocha: spec files spread over one worker process per CPU (mocha's own default leaves one idle);
// scripts/register.js loads the build `tsc` just wrote to bin/ instead of transpiling every
// file again in every worker. `npx mocha test/x.spec.ts` runs only that file (a `spec` in the
// config would otherwise be added to it), `npx mocha` every spec file.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

// The spec files that take longest, longest first: mocha's workers take files in the order given,
// so a long file started last would keep one CPU busy alone at the end. Ordered by each file's
// wall time in a full `npm test` (a file that waits on a server or a bound holds its worker as
// long as one that computes; README "Tests and CI"); every other file follows in name order.
const LONGEST_FIRST = [
    "opensearch-boot-azure",
    "opensearch-boot-gcp",
    "day2",
    "database-init-function",
    "day2-catalogue-azure",
    "loading",
    "opensearch-certs",
    "search-users",
    "driver",
    "sdk-patches",
    "day2-catalogue-aws",
    "database-roles",
    "search-vms",
    "day2-catalogue-gcp",
    "static-parameters",
    "database-ca",
    "register",
    "nginx",
    "regions",
    "first-deploy",
    "plan-cli",
    "database-tls-setting",
    "day2-region",
    "pg-parameters",
];

/** Every spec file: the longest first, then the others by name. */
function specFiles() {
    const all = fs.readdirSync(path.join(__dirname, "test")).filter((f) => f.endsWith(".spec.ts")).sort();
    const first = LONGEST_FIRST.map((name) => `${name}.spec.ts`);
    const missing = first.filter((f) => !all.includes(f));
    if (missing.length > 0) throw new Error(`.mocharc.js LONGEST_FIRST names spec files that do not exist: ${missing.join(", ")}`);
    return [...first, ...all.filter((f) => !first.includes(f))].map((f) => `test/${f}`);
}

// mocha's options that take a value: what follows them is not a spec file.
const VALUE_FLAGS = new Set(["--config", "--package", "--require", "-r", "--file", "--ignore", "--exclude", "--extension", "--spec", "--reporter", "-R", "--reporter-option", "-O", "--grep", "-g", "--fgrep", "-f", "--timeout", "-t", "--slow", "-s", "--ui", "-u", "--jobs", "-j", "--retries", "--node-option", "-n"]);
const argv = process.argv.slice(2);
const specsNamed = argv.some((a, i) => !a.startsWith("-") && !VALUE_FLAGS.has(argv[i - 1]));

module.exports = {
    require: ["scripts/register.js", "test/setup.ts"],
    ...(specsNamed ? {} : { spec: specFiles() }),
    extension: ["ts"],
    timeout: 60000,
    reporter: "spec",
    parallel: true,
    // V8's young generation, per process (mocha starts again with it; its workers inherit it): a
    // worker runs hundreds of plans, each leaving tens of MiB of promises and Outputs that live
    // until its run ends; with V8's default (16 MiB semi-spaces) scavenges copied them again and
    // again, ~30 % of a worker's CPU (-14 % CPU with 128, ~+60 MiB a worker). Only here: a single
    // plan (`npm run plan`, `pulumi up`) gains nothing measurable and peaks higher (README
    // "Performance").
    "node-option": ["max-semi-space-size=128"],
    jobs: Math.max(2, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length),
};
