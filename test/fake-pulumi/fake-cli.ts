import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { main } from "../../stacks/driver/main";
import { answer } from "./engine";

/** The fake CLI script; each FakeCli links it as `<dir>/bin/pulumi`, where the SDK looks (a `bin/` in the repository is git-ignored). */
export const FAKE_PULUMI_SCRIPT = path.join(__dirname, "pulumi");

export const TEST_PASSPHRASE = "test-passphrase";

/** One resource step the fake engine reports (see ./pulumi). */
export interface FakeStep {
    op: "create" | "update" | "replace" | "delete";
    type: string;
    name: string;
    diffs?: string[];
    detailedDiff?: Record<string, { diffKind: string; inputDiff: boolean }>;
    replaceKeys?: string[];
    old?: Record<string, unknown>;
    new?: Record<string, unknown>;
}

export interface FakeScenario {
    /** What preview and up report (and up applies). */
    changes?: FakeStep[];
    /** What a refresh preview finds. */
    drift?: FakeStep[];
    /** Stack outputs after up; wrap a value with secretOutput() to make it secret. */
    outputs?: Record<string, unknown>;
    /** Extra lines the engine prints (e.g. a provider's log). */
    print?: string[];
}

export const secretOutput = (value: unknown) => ({ "fake:secret": value });

export interface Call {
    argv: string[];
    env: Record<string, string>;
}

/** A fresh fake CLI: its own state directory, scenario and pre-existing stacks. */
export class FakeCli {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));

    /** `stacks` exist already, each with `unchanged` resources the scenario leaves alone. */
    constructor(options: { scenario?: FakeScenario; stacks?: string[]; unchanged?: number } = {}) {
        fs.writeFileSync(path.join(this.dir, "scenario.json"), JSON.stringify(options.scenario ?? {}));
        const resources = (stack: string) =>
            Array.from({ length: options.unchanged ?? 0 }, (_, i) => ({ urn: `urn:pulumi:${stack}::anycloud::fake:index:Unchanged::unchanged-${i}`, type: "fake:index:Unchanged", name: `unchanged-${i}`, inputs: {} }));
        const stacks = Object.fromEntries((options.stacks ?? []).map((s) => [s, { config: {}, resources: resources(s), outputs: {}, history: [] }]));
        fs.writeFileSync(path.join(this.dir, "state.json"), JSON.stringify({ stacks }));
        fs.mkdirSync(path.join(this.dir, "bin"));
        fs.symlinkSync(FAKE_PULUMI_SCRIPT, path.join(this.dir, "bin", "pulumi"));
    }

    /** The driver's environment: the fake as the CLI, a file backend in the temp dir, a passphrase; `extra` values of undefined remove a variable. */
    env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PULUMI_CLI_ROOT: this.dir,
            FAKE_PULUMI_DIR: this.dir,
            FAKE_PULUMI_SCENARIO: path.join(this.dir, "scenario.json"),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
        };
        for (const [k, v] of Object.entries(extra)) {
            if (v === undefined) delete env[k];
            else env[k] = v;
        }
        return env;
    }

    calls(): Call[] {
        const file = path.join(this.dir, "calls.jsonl");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Call) : [];
    }

    /** Each call as one line, without `--non-interactive` and with the event-log path as <log>. */
    commands(): string[] {
        return this.calls().map((c) =>
            c.argv
                .filter((a) => a !== "--non-interactive")
                .map((a, i, all) => (all[i - 1] === "--event-log" ? "<log>" : a))
                .join(" "),
        );
    }

    state(): { stacks: Record<string, { config: Record<string, { value: string; secret: boolean; path: boolean }>; resources: unknown[]; outputs: Record<string, unknown> }> } {
        return JSON.parse(fs.readFileSync(path.join(this.dir, "state.json"), "utf8"));
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export interface DriverRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** What ./pulumi sends: FAKE_PULUMI_TOKEN, argc, the args, `NAME=value` per environment variable, an empty field; each NUL-terminated. */
function parseRequest(fields: string[]): { token: string; argv: string[]; env: Record<string, string> } | undefined {
    const argc = Number(fields[1]);
    if (fields.length < 2 || !Number.isInteger(argc)) return undefined; // not all of it yet
    const envStart = 2 + argc;
    const end = fields.indexOf("", envStart);
    if (fields.length < envStart || end < 0) return undefined;
    const env: Record<string, string> = {};
    for (const kv of fields.slice(envStart, end)) env[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
    return { token: fields[0], argv: fields.slice(2, envStart), env };
}

/** The loopback server ./pulumi calls (one per process, started on first use; it does not keep the process alive). */
let server: Promise<{ port: number; token: string }> | undefined;
function fakeServer(): Promise<{ port: number; token: string }> {
    server ??= new Promise((resolve, reject) => {
        // Only a caller given the token is answered: the engine writes files where argv says.
        const token = randomBytes(16).toString("hex");
        const s = net.createServer((socket) => {
            let received = Buffer.alloc(0);
            socket.on("data", (chunk) => {
                received = Buffer.concat([received, chunk]);
                const text = received.toString("utf8");
                const request = parseRequest(text.slice(0, text.lastIndexOf("\0") + 1).split("\0").slice(0, -1));
                if (request === undefined) return;
                const reply = request.token === token ? answer(request.argv, request.env) : { stdout: "", stderr: "fake pulumi: wrong FAKE_PULUMI_TOKEN\n", code: 255 };
                socket.end(`${reply.stdout}\0${reply.stderr}\0${reply.code}\0`);
            });
            socket.on("error", () => socket.destroy());
        });
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => {
            s.unref();
            resolve({ port: (s.address() as net.AddressInfo).port, token });
        });
    });
    return server;
}

/** Runs the driver in-process with captured output (the fake CLI's calls reach this process's fake engine). */
export async function runDriver(argv: string[], env: NodeJS.ProcessEnv, root?: string): Promise<DriverRun> {
    let stdout = "";
    let stderr = "";
    const { port, token } = await fakeServer();
    const code = await main(argv, {
        env: { ...env, FAKE_PULUMI_PORT: String(port), FAKE_PULUMI_TOKEN: token },
        root,
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
    });
    return { code, stdout, stderr };
}
