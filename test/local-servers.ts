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
