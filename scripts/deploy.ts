/**
 * `npm run deploy -- <preview|up|destroy|refresh|outputs> --stack <name> [flags]`: the
 * Automation API driver CI uses (stacks/driver/main.ts; `--help` lists flags and exit codes).
 */
import { main } from "../stacks/driver/main";

main(process.argv.slice(2)).then(
    // exitCode rather than exit(): a piped stdout is flushed before the process ends.
    (code) => (process.exitCode = code),
    (error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
    },
);
