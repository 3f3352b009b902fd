import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** The newest Debian PostgreSQL's bin directory (`.ci/run` installs it), or undefined. */
export function findPgBin(): string | undefined {
    const base = "/usr/lib/postgresql";
    if (!fs.existsSync(base)) return undefined;
    const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(base, versions[0], "bin") : undefined;
}

/** A loopback port free right now, for a server a test starts (spec files run in parallel). */
export async function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/**
 * Runs a PostgreSQL tool of `bin` and returns its output; as the `postgres` user when the tests run
 * as root (initdb and postgres refuse to run as root), with `env` added to its environment.
 */
export function runPgTool(bin: string, tool: string, args: string[], env: Record<string, string> = {}): string {
    const command = path.join(bin, tool);
    // runuser starts the tool with a clean environment: `env` passes the test's variables through.
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const [file, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", "env", ...vars, command, ...args]] : [command, args];
    return execFileSync(file, argv, { encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
}
