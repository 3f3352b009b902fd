import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { keyPoolEnv } from "./key-pool";

export const SHIMS = path.resolve(__dirname, "fixtures", "boot-shims");

/**
 * A sandbox for one boot script: a temporary root (the script writes under ANYCLOUD_ROOT), a
 * fake cloud state (secrets, mounts, calls) and PATH shims for packages, systemd, disks, Docker
 * and the metadata server / Secret Manager / Key Vault (test/fixtures/boot-shims). openssl, jq
 * and base64 are the real ones (openssl signing with pooled RSA keys: test/key-pool.ts).
 */
export class BootSandbox {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-boot-"));
    readonly root = path.join(this.dir, "root");
    readonly state: string;
    readonly node: string;

    /** `cloudState`: share one fake cloud (secrets) between the sandboxes of several nodes. */
    constructor(
        private readonly dataDevice: string,
        cloudState?: string,
    ) {
        this.state = cloudState ?? path.join(this.dir, "state");
        fs.mkdirSync(path.join(this.root, path.dirname(dataDevice)), { recursive: true });
        fs.writeFileSync(path.join(this.root, dataDevice), "");
        fs.mkdirSync(path.join(this.root, "etc"), { recursive: true });
        fs.mkdirSync(path.join(this.state, "secrets"), { recursive: true });
        // Per-node facts (formatted disk, mounts, image, container) live with the node.
        this.node = path.join(this.dir, "node");
        fs.mkdirSync(this.node, { recursive: true });
    }

    /**
     * A new sandbox holding what this one holds now (root, node and its own fake cloud), as if it
     * had booted there itself: the node's records that name this sandbox's paths (mounts, calls)
     * name the copy's. Copying a booted node is a few file writes; booting one is ~300 processes.
     */
    copy(): BootSandbox {
        if (this.state !== path.join(this.dir, "state")) throw new Error("copy(): this sandbox shares another's cloud state");
        const copy = new BootSandbox(this.dataDevice);
        fs.cpSync(this.dir, copy.dir, { recursive: true });
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (e.isFile()) {
                    const text = fs.readFileSync(p, "utf8");
                    if (text.includes(this.dir)) fs.writeFileSync(p, text.split(this.dir).join(copy.dir));
                }
            }
        };
        walk(copy.dir);
        return copy;
    }

    /** `env`: more of the shims' settings (e.g. SANDBOX_TOKEN_TTL, the lifetime of the tokens the metadata server hands out). */
    run(script: string, opts: { fail?: string[]; tries?: number; env?: Record<string, string> } = {}): { status: number; stdout: string; stderr: string } {
        const file = path.join(this.dir, "boot.sh");
        fs.writeFileSync(file, script, { mode: 0o755 });
        const r = spawnSync("bash", [file], {
            encoding: "utf8",
            timeout: 60_000,
            env: {
                // openssl: the real one, with new RSA keys from a pool (test/key-pool.ts)
                ...keyPoolEnv(`${SHIMS}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`),
                HOME: this.dir,
                ANYCLOUD_ROOT: this.root,
                ANYCLOUD_TRIES: String(opts.tries ?? 3),
                ANYCLOUD_PAUSE: "0",
                SANDBOX_STATE: this.state,
                SANDBOX_NODE: this.node,
                SANDBOX_FAIL: (opts.fail ?? []).join(" "),
                ...opts.env,
            },
        });
        return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    }

    file(p: string): string {
        return fs.readFileSync(path.join(this.root, p), "utf8");
    }
    exists(p: string): boolean {
        return fs.existsSync(path.join(this.root, p));
    }
    secret(name: string): string | undefined {
        const f = path.join(this.state, "secrets", name);
        return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined;
    }
    setSecret(name: string, value: string): void {
        fs.writeFileSync(path.join(this.state, "secrets", name), value);
    }
    stateFile(name: string, where: "cloud" | "node" = "cloud"): string {
        const f = path.join(where === "cloud" ? this.state : this.node, name);
        return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "";
    }
    /** Every file under the root with its content (for idempotence checks). */
    snapshot(): Record<string, string> {
        const out: Record<string, string> = {};
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else out[path.relative(this.root, p)] = fs.readFileSync(p, "utf8");
            }
        };
        walk(this.root);
        return out;
    }
    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/**
 * Runs a readiness gate's script (as generated for the cloud) with `sh` against the shims: a
 * fake metadata server / Secret Manager holding `secrets`, node files under a temporary root
 * (`files`, for the Azure run command that reads the node's certificates) and an OpenSearch
 * whose `_cluster/health` answers `health` (or nothing with fail "opensearch"). `sleep` returns
 * at once and records the seconds asked for (`slept`), so the script's bound is measured, not waited.
 */
export function runGate(
    script: string,
    o: { secrets?: Record<string, string>; files?: Record<string, string>; health?: string; fail?: string[]; env?: Record<string, string> } = {},
): { status: number; stdout: string; stderr: string; slept: number } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-gate-"));
    try {
        const root = path.join(dir, "root");
        fs.mkdirSync(path.join(dir, "secrets"), { recursive: true });
        for (const [name, value] of Object.entries(o.secrets ?? {})) fs.writeFileSync(path.join(dir, "secrets", name), value);
        for (const [p, content] of Object.entries(o.files ?? {})) {
            fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
            fs.writeFileSync(path.join(root, p), content);
        }
        const r = spawnSync("sh", ["-c", script], {
            encoding: "utf8",
            timeout: 60_000,
            env: {
                PATH: `${SHIMS}:/usr/bin:/bin`,
                ANYCLOUD_ROOT: root,
                ANYCLOUD_GATE_DIR: dir,
                SANDBOX_STATE: dir,
                SANDBOX_NODE: dir,
                SANDBOX_HEALTH: o.health ?? "green",
                SANDBOX_FAIL: (o.fail ?? []).join(" "),
                ...o.env,
            },
        });
        const sleptFile = path.join(dir, "slept");
        const slept = fs.existsSync(sleptFile) ? fs.readFileSync(sleptFile, "utf8").trim().split("\n").reduce((a, n) => a + Number(n), 0) : 0;
        return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, slept };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
