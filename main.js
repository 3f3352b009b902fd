// The entry point `pulumi up` runs (Pulumi.yaml: `main: main.js`, `typescript: false`): the
// program in index.ts, each file loaded from the build `npm run build` wrote to bin/ when that
// build was made from the file's current text, else transpiled in memory (scripts/register.js).
// So no run transpiles (or type-checks) the whole program again; `npm run build` and `npm test`
// type-check it.
"use strict";
const { transpiled } = require("./scripts/register");

module.exports = require("./index.ts");

if (transpiled.length > 0) {
    // Still the current sources, never a stale build: only slower, and not type-checked.
    require("@pulumi/pulumi").log.warn(
        `${transpiled.length} source files changed since the build in bin/ (e.g. ${require("path").relative(__dirname, transpiled[0])}) and ran without a type check; run \`npm run build\` to type-check them and start faster`,
    );
}
