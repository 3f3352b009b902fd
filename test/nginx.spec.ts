import * as assert from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { NginxConfigInput, renderNginxConfig } from "../providers/local/nginx-config";
import { RouteSettings } from "../stacks/settings";
import { DEFAULT_HEADERS } from "../components/edge";
import { hstsValue } from "../components/hsts";

/** The generated nginx.conf, loaded by a real nginx on loopback in front of small HTTP servers. */

function findBinary(name: string): string | undefined {
    for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"]) {
        const candidate = path.join(dir, name);
        if (dir && fs.existsSync(candidate)) return candidate;
    }
    return undefined;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

/** An upstream that answers with its name and the request it saw, and accepts WebSocket upgrades. */
async function upstream(name: string): Promise<{ server: http.Server; port: number }> {
    const server = http.createServer((req, res) => {
        req.resume();
        // A slow answer, to see the route's timeout: after the 1 s route's, well before the 5 s one's.
        const delay = req.url?.startsWith("/slow") ? 1500 : 0;
        req.on("end", () => setTimeout(() => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ upstream: name, path: req.url, forwardedProto: req.headers["x-forwarded-proto"] }));
        }, delay));
    });
    server.on("upgrade", (req, socket) => {
        const accept = crypto.createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Upstream: ${name}\r\n\r\n`);
        socket.end();
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    return { server, port };
}

interface Reply {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

function request(port: number, reqPath: string, options: { host?: string; method?: string; body?: Buffer; tls?: boolean } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const lib = options.tls ? https : http;
        const req = lib.request(
            { host: "127.0.0.1", port, path: reqPath, method: options.method ?? "GET", headers: { host: options.host ?? "library.example.test" }, rejectUnauthorized: false, servername: options.host },
            (res) => {
                let body = "";
                res.on("data", (c) => (body += c));
                res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
            },
        );
        req.on("error", reject);
        req.end(options.body);
    });
}

async function waitFor(port: number, deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    for (;;) {
        try {
            await request(port, "/");
            return;
        } catch (e) {
            if (Date.now() > until) throw e;
            await new Promise((r) => setTimeout(r, 50));
        }
    }
}

class Nginx {
    private proc?: ChildProcess;
    private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-nginx-"));
    constructor(private readonly binary: string) {}

    async start(config: string, healthPort: number): Promise<void> {
        fs.mkdirSync(path.join(this.dir, "logs"), { recursive: true });
        fs.writeFileSync(path.join(this.dir, "nginx.conf"), config);
        this.proc = spawn(this.binary, ["-p", this.dir, "-c", path.join(this.dir, "nginx.conf"), "-g", `daemon off; pid ${this.dir}/nginx.pid; error_log ${this.dir}/error.log;`], { stdio: "ignore" });
        await waitFor(healthPort, 10000);
    }
    errorLog(): string {
        const file = path.join(this.dir, "error.log");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    }
    async stop(): Promise<void> {
        if (this.proc && this.proc.exitCode === null) {
            const exited = new Promise((r) => this.proc!.once("exit", r));
            this.proc.kill("SIGQUIT");
            await exited;
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** The load balancer's headers in the first test stack. */
const HEADERS = { "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'self'; img-src 'self' data:", "Strict-Transport-Security": "max-age=63072000" };
/** A route's own set (RouteSettings.headers, as stacks/load-settings.ts resolves routes[].headers): the load balancer's without `drop`, with `add`. */
function ownHeaders(base: Record<string, string>, drop: string[], add: Record<string, string> = {}): Record<string, string> {
    return { ...Object.fromEntries(Object.entries(base).filter(([name]) => !drop.includes(name))), ...add };
}

const ROUTES: RouteSettings[] = [
    { path: "/api/auth/login", service: "app", rateLimit: { requests: 1, per: "minute", burst: 0 } },
    // An API path without the CSP; an embeddable path without X-Frame-Options and with a header of its own.
    { path: "/data/*", service: "api", maxBodyMb: 1, headers: ownHeaders(HEADERS, ["Content-Security-Policy"]) },
    { path: "/embed/*", service: "app", headers: ownHeaders(HEADERS, ["X-Frame-Options"], { "X-Widget": "1" }) },
    { path: "/api/*", service: "app", rateLimit: { requests: 5, per: "second", burst: 5 } },
    { path: "/v1/*", service: "api" },
    { path: "/v1/status", service: "app" },
    { path: "/ws/*", service: "app", websocket: true },
    { path: "/uploads/*", service: "app", maxBodyMb: 3 },
    { path: "/slow", service: "app", timeoutSeconds: 1 },
    { path: "/slow-ok", service: "app", timeoutSeconds: 5 },
    { path: "/health", service: "app", accessLogs: false },
    { path: "/", service: "app" },
    { host: "api.library.example.test", path: "/", service: "api" },
];

describe("local load balancer: the generated nginx.conf in a real nginx", function () {
    const binary = findBinary("nginx");
    let app: { server: http.Server; port: number };
    let api: { server: http.Server; port: number };
    let nginx: Nginx;
    let port: number;
    const accessLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-nginx-log-")), "access.log");

    before(async function () {
        if (!binary) {
            console.log("      (skipped: no nginx binary on this machine; .ci/run installs it)");
            this.skip();
        }
        app = await upstream("app");
        api = await upstream("api");
        port = await freePort();
        const healthListen = await freePort();
        const input: NginxConfigInput = {
            routes: ROUTES,
            upstreams: { app: `http://127.0.0.1:${app.port}`, api: `http://127.0.0.1:${api.port}` },
            maxBodyMb: 1,
            idleTimeoutSeconds: 60,
            domain: "library.example.test",
            accessLog,
            headers: HEADERS,
            httpListen: port,
            healthListen,
        };
        nginx = new Nginx(binary!);
        await nginx.start(renderNginxConfig(input), port);
    });
    after(async () => {
        await nginx?.stop();
        app?.server.close();
        api?.server.close();
    });

    it("routes paths to their service and host routes to theirs", async () => {
        const root = JSON.parse((await request(port, "/books/42")).body);
        assert.deepStrictEqual([root.upstream, root.path], ["app", "/books/42"]);
        const apiHost = JSON.parse((await request(port, "/v1/books", { host: "api.library.example.test" })).body);
        assert.deepStrictEqual([apiHost.upstream, apiHost.path], ["api", "/v1/books"]);
    });

    it("matches paths as every target does: /x/* covers /x and below, exact paths win, / takes the rest", async () => {
        const upstreamOf = async (p: string) => JSON.parse((await request(port, p)).body).upstream;
        assert.strictEqual(await upstreamOf("/v1"), "api");
        assert.strictEqual(await upstreamOf("/v1/books?page=2"), "api");
        assert.strictEqual(await upstreamOf("/v1s"), "app");
        assert.strictEqual(await upstreamOf("/v1/status"), "app");
    });

    it("answers 429 once a rate-limited route exceeds its rate and burst", async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await request(port, `/api/books?i=${i}`)).status);
        assert.strictEqual(statuses[0], 200);
        assert.ok(statuses.includes(429), `expected a 429 among ${statuses.join(",")}`);
        assert.ok(statuses.filter((s) => s === 200).length >= 5, "the burst should let the first requests through");
    });

    it("limits the login path per minute, separately from the rest of /api", async () => {
        assert.strictEqual((await request(port, "/api/auth/login", { method: "POST" })).status, 200);
        assert.strictEqual((await request(port, "/api/auth/login", { method: "POST" })).status, 429);
        assert.strictEqual((await request(port, "/catalogue")).status, 200);
    });

    it("sends the configured headers (loadBalancer.headers), and no HSTS over plain HTTP", async () => {
        const reply = await request(port, "/");
        assert.strictEqual(reply.headers["x-frame-options"], "DENY");
        assert.strictEqual(reply.headers["content-security-policy"], "default-src 'self'; img-src 'self' data:");
        assert.strictEqual(reply.headers["referrer-policy"], undefined, "a header the stack dropped is not sent");
        assert.strictEqual(reply.headers["x-content-type-options"], "nosniff");
        assert.strictEqual(reply.headers["strict-transport-security"], undefined);
        assert.strictEqual(reply.headers.server, "nginx", "server_tokens off hides the version");
    });

    it("sends a route's own headers there (routes[].headers): the API path without the CSP, the rest of the set kept", async () => {
        const reply = await request(port, "/data/books");
        assert.strictEqual(JSON.parse(reply.body).upstream, "api");
        assert.strictEqual(reply.headers["content-security-policy"], undefined);
        assert.strictEqual(reply.headers["x-frame-options"], "DENY", "a location with add_header inherits none of the server's: the route lists the whole set");
        assert.strictEqual(reply.headers["x-content-type-options"], "nosniff");
    });

    it("drops a header on one route and adds another there, and sends both on that route's errors", async () => {
        const reply = await request(port, "/embed/widget");
        assert.strictEqual(reply.headers["x-frame-options"], undefined);
        assert.strictEqual(reply.headers["x-widget"], "1");
        assert.strictEqual(reply.headers["content-security-policy"], HEADERS["Content-Security-Policy"]);
        const tooLarge = await request(port, "/data/upload", { method: "POST", body: Buffer.alloc(2 * 1024 * 1024) });
        assert.strictEqual(tooLarge.status, 413);
        assert.deepStrictEqual([tooLarge.headers["content-security-policy"], tooLarge.headers["x-frame-options"]], [undefined, "DENY"]);
    });

    it("keeps the load balancer's headers on the routes without their own", async () => {
        const reply = await request(port, "/books/7");
        assert.deepStrictEqual([reply.headers["content-security-policy"], reply.headers["x-widget"]], [HEADERS["Content-Security-Policy"], undefined]);
    });

    it("rejects a body over the configured maximum with 413", async () => {
        assert.strictEqual((await request(port, "/upload", { method: "POST", body: Buffer.alloc(2 * 1024 * 1024) })).status, 413);
        assert.strictEqual((await request(port, "/upload", { method: "POST", body: Buffer.alloc(512 * 1024) })).status, 200);
    });

    it("sends the headers on errors too (always), e.g. a 413", async () => {
        const reply = await request(port, "/upload", { method: "POST", body: Buffer.alloc(2 * 1024 * 1024) });
        assert.strictEqual(reply.status, 413);
        assert.strictEqual(reply.headers["x-frame-options"], "DENY");
    });

    it("takes a larger body on the route that allows it (routes[].maxBodyMb), and still caps it", async () => {
        assert.strictEqual((await request(port, "/uploads/doc", { method: "POST", body: Buffer.alloc(2 * 1024 * 1024) })).status, 200);
        assert.strictEqual((await request(port, "/uploads/doc", { method: "POST", body: Buffer.alloc(4 * 1024 * 1024) })).status, 413);
    });

    it("ends a request after the route's own timeout (routes[].timeoutSeconds) with 504, and not another route's", async () => {
        // Both at once: each waits for its own route's bound, not one after the other.
        const [slow, slowOk] = await Promise.all([request(port, "/slow"), request(port, "/slow-ok")]);
        assert.strictEqual(slow.status, 504);
        assert.strictEqual(slowOk.status, 200);
    });

    it("writes no access log line for a route with accessLogs: false, and one for the others", async () => {
        await request(port, "/health?probe=edge-test");
        await request(port, "/books?probe=edge-test");
        // nginx writes a request's line when it finishes the request, maybe after the answer
        // reached us: wait (bounded) for the /books line. /health was finished before /books was
        // sent, so its line, if nginx wrote one, is there by then.
        const read = () => (fs.existsSync(accessLog) ? fs.readFileSync(accessLog, "utf8") : "");
        for (const until = Date.now() + 2000; !/GET \/books\?probe=edge-test/.test(read()) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
        const log = read();
        assert.match(log, /GET \/books\?probe=edge-test/);
        assert.doesNotMatch(log, /\/health\?probe=edge-test/);
    });

    it("passes a WebSocket upgrade through to the service", async () => {
        const head = await new Promise<string>((resolve, reject) => {
            const socket = net.connect(port, "127.0.0.1", () => {
                socket.write(
                    "GET /ws/chat HTTP/1.1\r\nHost: library.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
                );
            });
            let data = "";
            socket.on("data", (c) => {
                data += c;
                if (data.includes("\r\n\r\n")) {
                    socket.destroy();
                    resolve(data);
                }
            });
            socket.on("error", reject);
        });
        assert.match(head, /^HTTP\/1\.1 101 /);
        assert.match(head, /X-Upstream: app/i);
    });

    it("started without errors in its log", () => {
        assert.doesNotMatch(nginx.errorLog(), /\[(emerg|alert|crit)\]/);
    });
});

const TLS_HEADERS = { ...DEFAULT_HEADERS, "Strict-Transport-Security": hstsValue(false) };

describe("local load balancer with TLS: redirect and HSTS in a real nginx", function () {
    const binary = findBinary("nginx");
    const openssl = findBinary("openssl");
    let app: { server: http.Server; port: number };
    let nginx: Nginx;
    let httpPort: number;
    let httpsPort: number;
    let certDir: string;

    before(async function () {
        if (!binary || !openssl) {
            console.log(`      (skipped: no ${binary ? "openssl" : "nginx"} binary on this machine; .ci/run installs it)`);
            this.skip();
        }
        certDir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-tls-"));
        // A P-256 key: made in ~1 ms (RSA 2048: 0.1-0.5 s of CPU); nginx serves either.
        execFileSync(openssl!, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=library.example.test", "-keyout", `${certDir}/key.pem`, "-out", `${certDir}/cert.pem`], { stdio: "ignore" });
        app = await upstream("app");
        httpPort = await freePort();
        httpsPort = await freePort();
        const healthListen = await freePort();
        nginx = new Nginx(binary!);
        await nginx.start(
            renderNginxConfig({
                routes: [
                    { path: "/embed/*", service: "app", headers: ownHeaders(TLS_HEADERS, ["X-Frame-Options"]) },
                    { path: "/", service: "app" },
                ],
                upstreams: { app: `http://127.0.0.1:${app.port}` },
                headers: TLS_HEADERS,
                maxBodyMb: 10,
                idleTimeoutSeconds: 60,
                domain: "library.example.test",
                tls: { certificate: `${certDir}/cert.pem`, key: `${certDir}/key.pem`, publicHttpsPort: httpsPort },
                httpListen: httpPort,
                httpsListen: httpsPort,
                healthListen,
            }),
            httpPort,
        );
    });
    after(async () => {
        await nginx?.stop();
        app?.server.close();
        if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
    });

    it("redirects HTTP to HTTPS on the public port", async () => {
        const reply = await request(httpPort, "/books?page=2");
        assert.strictEqual(reply.status, 301);
        assert.strictEqual(reply.headers.location, `https://library.example.test:${httpsPort}/books?page=2`);
    });

    it("serves HTTPS with HSTS and tells the service the scheme", async () => {
        const reply = await request(httpsPort, "/books", { tls: true });
        assert.strictEqual(reply.status, 200);
        assert.match(String(reply.headers["strict-transport-security"]), /max-age=31536000/);
        assert.doesNotMatch(String(reply.headers["strict-transport-security"]), /includeSubDomains/i, "includeSubDomains only when the stack asks for it");
        assert.strictEqual(JSON.parse(reply.body).forwardedProto, "https");
    });

    it("sends HSTS on a route with its own headers too (its location repeats it: nginx would not inherit it)", async () => {
        const reply = await request(httpsPort, "/embed/x", { tls: true });
        assert.strictEqual(reply.status, 200);
        assert.strictEqual(reply.headers["strict-transport-security"], hstsValue(false));
        assert.strictEqual(reply.headers["x-frame-options"], undefined);
        assert.strictEqual(reply.headers["x-content-type-options"], "nosniff");
    });
});
