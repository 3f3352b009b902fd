// mocha: spec files spread over one worker process per CPU (mocha's own default leaves one idle);
// scripts/register.js loads the build `tsc` just wrote to bin/ instead of transpiling every
// file again in every worker. `npx mocha test/x.spec.ts` runs only that file (a `spec` in the
// config would otherwise be added to it), `npx mocha` every spec file.
"use strict";
const os = require("os");

// mocha's options that take a value: what follows them is not a spec file.
const VALUE_FLAGS = new Set(["--config", "--package", "--require", "-r", "--file", "--ignore", "--exclude", "--extension", "--spec", "--reporter", "-R", "--reporter-option", "-O", "--grep", "-g", "--fgrep", "-f", "--timeout", "-t", "--slow", "-s", "--ui", "-u", "--jobs", "-j", "--retries", "--node-option", "-n"]);
const argv = process.argv.slice(2);
const specsNamed = argv.some((a, i) => !a.startsWith("-") && !VALUE_FLAGS.has(argv[i - 1]));

module.exports = {
    require: ["scripts/register.js", "test/setup.ts"],
    ...(specsNamed ? {} : { spec: ["test/**/*.spec.ts"] }),
    extension: ["ts"],
    timeout: 60000,
    reporter: "spec",
    parallel: true,
    jobs: Math.max(2, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length),
};
