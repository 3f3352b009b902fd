// Preloaded by `npm run bench` (scripts/bench.ts) into every process it measures: at exit, the
// process's own CPU time and peak resident memory (getrusage) go to the file BENCH_USAGE_FILE,
// and with BENCH_MODULES_FILE the provider SDK files it loaded (for the floors).
"use strict";
const fs = require("fs");

const usageFile = process.env.BENCH_USAGE_FILE;
const modulesFile = process.env.BENCH_MODULES_FILE;
if (usageFile) {
    process.on("exit", () => {
        const u = process.resourceUsage();
        fs.writeFileSync(usageFile, JSON.stringify({ user: u.userCPUTime / 1e6, sys: u.systemCPUTime / 1e6, maxRssMiB: u.maxRSS / 1024 }));
        if (modulesFile) {
            const sdk = Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/]@pulumi[\\/](?!pulumi[\\/]|policy[\\/])/.test(f));
            fs.writeFileSync(modulesFile, JSON.stringify(sdk));
        }
    });
}
