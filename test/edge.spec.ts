import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { orderRoutes } from "../components/routes";
import { bodyRules, DEFAULT_HEADERS, EDGE_SETTINGS, edgeAsks, edgeReport, edgeTableMarkdown, greaterThanRegex, NOT_EDGE_SETTINGS } from "../components/edge";
import { EDGE_MODELS } from "../providers/edge";
import { stackWafCapacity, WAF_INCLUDED_WCU, WAF_MAX_WCU, wafCapacity, wafCapacityProblem } from "../providers/aws/edge";
import { ARMOR_INTERVALS_SEC, armorThreshold } from "../providers/gcp/edge";
import { RouteSettings } from "../stacks/settings";
import { topLevelSchemas } from "../stacks/schema";
import { loadSettings } from "../stacks/load-settings";
import { baseline, planCommandRun, planError, stackConfig } from "./harness";

/** The edge says what it does: every load-balancer setting honoured, approximated out loud, or refused. */

const ROOT = path.resolve(__dirname, "..");

/** The stack: a 100 MB upload route, a WebSocket route, a 5 req/min login, a quiet health path. */
const EDGE_STACK = {
    "loadBalancer.routes": [
        { path: "/api/auth/login", service: "app", rateLimit: { requests: 5, per: "minute" } },
        { path: "/api/documents/upload", service: "app", maxBodyMb: 100, timeoutSeconds: 600 },
        { path: "/ws/*", service: "app", websocket: true, timeoutSeconds: 900 },
        { path: "/health", service: "app", accessLogs: false },
        { path: "/api/*", service: "app", rateLimit: { requests: 10, per: "second", burst: 20 } },
        { path: "/", service: "app" },
    ],
    "loadBalancer.maxBodyMb": 10,
    "loadBalancer.headers": { "Content-Security-Policy": "default-src 'self'" },
};

/** The guides' per-route headers: the API without the CSP and framed nowhere, an embeddable widget path with a header of its own. */
const ROUTE_HEADERS_STACK = {
    "loadBalancer.headers": { "Content-Security-Policy": "default-src 'self'" },
    "loadBalancer.routes": [
        { path: "/api/*", service: "app", headers: { "Content-Security-Policy": false, "x-frame-options": "DENY" } },
        { path: "/embed/*", service: "app", headers: { "X-Frame-Options": false, "X-Widget": "1" } },
        { path: "/", service: "app" },
    ],
};

function settingsOf(set: Record<string, unknown>, stack = "prod") {
    return loadSettings(stackConfig({ stack, set }).config, { project: "anycloud", stack });
}

describe("the edge says what it does", function () {
    this.timeout(300000);

    describe("greaterThanRegex: the Content-Length rule every WAF uses", () => {
        const matches = (n: number, text: string) => new RegExp(greaterThanRegex(n)).test(text);
        it("matches exactly the numbers above the limit (every n < 300 against 0..1200)", () => {
            for (let n = 0; n < 300; n += 1) {
                // One expression per limit, as a WAF rule holds it (not one per value tried).
                const rule = new RegExp(greaterThanRegex(n));
                for (let v = 0; v <= 1200; v += 1) {
                    if (rule.test(String(v)) !== v > n) assert.fail(`n=${n} v=${v}: ${greaterThanRegex(n)}`);
                }
            }
        });
        it("works at MiB scale, with leading zeros, and rejects non-numbers", () => {
            const limit = 32 * 1024 * 1024;
            for (const v of [0, 1, limit - 1, limit, limit + 1, limit * 10, 99999999, 100000000, 999999999999]) {
                assert.strictEqual(matches(limit, String(v)), v > limit, `${v}`);
                assert.strictEqual(matches(limit, `000${v}`), v > limit, `000${v}`);
            }
            assert.strictEqual(matches(limit, "abc"), false);
            assert.strictEqual(matches(limit, "-99999999999"), false);
        });
    });

    describe("the fidelity table", () => {
        it("has a row for every loadBalancer and route key of the schema (a new setting fails here until it has one)", () => {
            const lb = (topLevelSchemas.loadBalancer as any).shape;
            const route = lb.routes.unwrap().element.shape;
            const keys = [...Object.keys(lb).map((k) => `loadBalancer.${k}`), ...Object.keys(route).map((k) => `routes[].${k}`)];
            const known = new Set([...Object.keys(EDGE_SETTINGS), ...NOT_EDGE_SETTINGS]);
            assert.deepStrictEqual(keys.filter((k) => !known.has(k)), []);
        });

        it("every target judges every ask of a stack: no setting reaches a target without a row", () => {
            const s = settingsOf(EDGE_STACK);
            const rows = edgeReport(s, EDGE_MODELS);
            const asks = edgeAsks(s.loadBalancer!);
            assert.strictEqual(rows.length, asks.length * EDGE_MODELS.length);
            for (const row of rows) assert.ok(row.enforced.length > 0 && ["exact", "approximated", "refused"].includes(row.fidelity), JSON.stringify(row));
        });

        it("the README's edge table is the generated one", () => {
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            assert.ok(readme.includes(edgeTableMarkdown(EDGE_MODELS)), "the README's edge table is stale: paste `npm run -s edge-docs` into it");
        });

        it("body rules: one for the load balancer's limit, one per route with its own, and a route inside such a route keeps its limit", () => {
            const lb = settingsOf({
                "loadBalancer.maxBodyMb": 10,
                "loadBalancer.routes": [
                    { path: "/api/auth/login", service: "app" },
                    { path: "/api/*", service: "app", maxBodyMb: 20 },
                    { path: "/", service: "app" },
                ],
            }).loadBalancer!;
            const rules = bodyRules(lb, orderRoutes(lb.routes)).map((r) => [r.route?.path ?? "(load balancer)", r.mb, r.except.map((e) => e.path)]);
            assert.deepStrictEqual(rules, [
                ["/api/auth/login", 10, []],
                ["/api/*", 20, ["/api/auth/login"]],
                ["(load balancer)", 10, ["/api/*"]],
            ]);
            assert.deepStrictEqual(bodyRules(settingsOf({}).loadBalancer!, []).length, 1, "without per-route limits, a single rule");
        });

        it("prints the rate-limit translations with each target's numbers", () => {
            const rows = edgeReport(settingsOf(EDGE_STACK), EDGE_MODELS).filter((r) => r.key === "routes[].rateLimit");
            const at = (target: string, route: string) => rows.find((r) => r.target === target && r.asked.startsWith(route))!.enforced;
            assert.match(at("aws", "/api/*"), /^AWS WAF 620 requests per 60 s per IP/);
            assert.match(at("aws", "/api/auth/login"), /^AWS WAF 10 requests per 60 s per IP/);
            assert.match(at("gcp", "/api/*"), /^Cloud Armor throttle 120 requests per 10 s per IP/);
            assert.match(at("azure", "/api/*"), /^Front Door WAF 600 requests per 1 min .*burst is not expressible/);
            assert.match(at("local", "/api/*"), /limit_req 10r\/s burst=20/);
        });
    });

    describe("refusals are config errors before any resource, with the nearest thing the target can do", () => {
        it("gcp: a 100 MB upload route (Cloud Run's HTTP/1 limit is 32 MiB)", async () => {
            const e = await planError({ stack: "prod", set: { ...EDGE_STACK, cloud: "gcp" } });
            const p = e.problems.find((x) => x.key === "anycloud:loadBalancer.routes[1].maxBodyMb");
            assert.ok(p, e.message);
            assert.match(p!.accepted, /32 MiB.*signed URLs/);
        });
        it("azure: a timeout over Front Door's 240 s", async () => {
            const e = await planError({ stack: "prod", set: { ...EDGE_STACK, cloud: "azure" } });
            assert.deepStrictEqual(e.problems.map((x) => x.key).filter((k) => k.endsWith("timeoutSeconds")), ["anycloud:loadBalancer.routes[1].timeoutSeconds", "anycloud:loadBalancer.routes[2].timeoutSeconds"]);
        });
        it("aws: a header the ALB cannot add (Permissions-Policy), naming the headers it can", async () => {
            const e = await planError({ stack: "prod", set: { cloud: "aws", "loadBalancer.headers": { "Permissions-Policy": "camera=()" } } });
            assert.strictEqual(e.problems.length, 1, e.message);
            assert.strictEqual(e.problems[0].key, "anycloud:loadBalancer.headers.Permissions-Policy");
            assert.match(e.problems[0].accepted, /Content-Security-Policy/);
        });
        it("a header the proxy owns, and a value nginx would misread", async () => {
            const e = await planError({ stack: "prod", set: { cloud: "local", "loadBalancer.headers": { "Set-Cookie": "a=b", "X-Note": "costs $5" } } });
            // The same pass also reports what the local target cannot give the prod preset (failover): only the headers are this test's.
            assert.deepStrictEqual(e.problems.map((x) => x.key).filter((k) => k.includes(".headers.")).sort(), ["anycloud:loadBalancer.headers.Set-Cookie", "anycloud:loadBalancer.headers.X-Note"]);
        });
    });

    describe("npm run plan prints what each target does about each setting", () => {
        it("on aws: the upload, the WebSocket and the login, per target, then this target's warnings", async () => {
            // The whole edge stack, one --config per key: the plan is the shared one of the WCU test below.
            const r = await planCommandRun("--stack", "prod", ...Object.entries(EDGE_STACK).flatMap(([key, value]) => ["--config", `${key}=${JSON.stringify(value)}`]));
            assert.strictEqual(r.code, 0, r.stderr);
            assert.match(r.stdout, /loadBalancer\.routes\[1\]\.maxBodyMb {2}\(\/api\/documents\/upload: bodies up to 100 MiB\)\n {4}local {2}exact.*\n {4}aws\* {3}approximated WAF blocks \(413\).*104857600 bytes.*\n {4}gcp {4}refused {6}Cloud Run refuses HTTP\/1 request bodies over 32 MiB/);
            assert.match(r.stdout, /routes\[2\]\.websocket.*\n.*\n {4}aws\* {3}exact {8}the ALB carries the WebSocket while data flows at least every 900 s.*\n {4}gcp {4}approximated a WebSocket is closed after 900 s in total/);
            assert.match(r.stdout, /Edge warnings \(aws\):[\s\S]*\/api\/auth\/login: 5 r\/min burst 5 → AWS WAF 10 requests per 60 s per IP/);
        });
        it("--json carries the same rows", async () => {
            const r = await planCommandRun("--stack", "prod", "--json");
            const edge = JSON.parse(r.stdout).edge as any[];
            assert.ok(edge.some((row) => row.target === "aws" && row.at === "loadBalancer.maxBodyMb" && row.fidelity === "approximated"));
            assert.match(JSON.parse(r.stdout).edgeNotes[0], /^AWS WAF web ACL: \d+ WCU of 5000/);
        });
    });

    describe("each cloud renders what its row says", () => {
        const set = { ...EDGE_STACK, "loadBalancer.routes": EDGE_STACK["loadBalancer.routes"].map((r) => ({ ...r, ...(r.maxBodyMb ? { maxBodyMb: 30 } : {}), ...(r.timeoutSeconds ? { timeoutSeconds: 200 } : {}) })) };

        it("the same default headers on every target", async () => {
            const local = settingsOf({}).loadBalancer!.headers;
            assert.deepStrictEqual(Object.keys(local).sort(), [...Object.keys(DEFAULT_HEADERS), "Strict-Transport-Security"].sort());
            const gcp = await baseline({ stack: "prod", set: { cloud: "gcp" } });
            const gcpHeaders = gcp.ofType("gcp:compute/backendService:BackendService")[0].inputs.customResponseHeaders as string[];
            const azure = await baseline({ stack: "prod", set: { cloud: "azure" } });
            const azureHeaders = azure.ofType("azure-native:cdn:Rule").flatMap((r) => r.inputs.actions).map((a: any) => `${a.parameters.headerName}: ${a.parameters.value}`);
            assert.deepStrictEqual([...gcpHeaders].sort(), [...azureHeaders].sort());
            assert.deepStrictEqual([...gcpHeaders].sort(), Object.entries(local).map(([k, v]) => `${k}: ${v}`).sort());
            const aws = await baseline({ stack: "prod", set: { cloud: "aws" } });
            const listener = aws.one("aws:lb/listener:Listener", "lb-https").inputs;
            assert.deepStrictEqual(
                [listener.routingHttpResponseXFrameOptionsHeaderValue, listener.routingHttpResponseXContentTypeOptionsHeaderValue, listener.routingHttpResponseStrictTransportSecurityHeaderValue],
                [local["X-Frame-Options"], local["X-Content-Type-Options"], local["Strict-Transport-Security"]],
            );
        });

        it("aws: each request labelled with its one route; the upload route's body limit, the login's rate on its label; the ALB's idle timeout is the longest route's", async () => {
            const p = await baseline({ stack: "prod", set: { ...set, cloud: "aws" } });
            const rules = p.one("aws:wafv2/webAcl:WebAcl").inputs.rules as any[];
            const labelOf = (path: string) => rules.find((r) => r.name.startsWith("route-") && JSON.stringify(r.statement).includes(`"${path}"`))?.ruleLabels[0].name;
            const upload = labelOf("/api/documents/upload");
            const body = rules.find((r) => r.name.startsWith("body-") && r.statement.andStatement.statements[0].labelMatchStatement.key === upload);
            assert.strictEqual(body.action.block.customResponse.responseCode, 413);
            assert.strictEqual(body.statement.andStatement.statements[1].regexMatchStatement.regexString, greaterThanRegex(30 * 1024 * 1024));
            const rest = rules.find((r) => r.name.startsWith("body-") && r.statement.andStatement?.statements[0].notStatement);
            assert.strictEqual(rest.statement.andStatement.statements[0].notStatement.statement.labelMatchStatement.key, upload, "the load balancer's limit leaves the upload route alone");
            assert.strictEqual(rest.statement.andStatement.statements[1].regexMatchStatement.regexString, greaterThanRegex(10 * 1024 * 1024));
            const login = rules.find((r) => r.name.startsWith("rate-") && r.statement.rateBasedStatement.scopeDownStatement.labelMatchStatement.key === labelOf("/api/auth/login"));
            assert.deepStrictEqual([login.statement.rateBasedStatement.limit, login.statement.rateBasedStatement.evaluationWindowSec], [10, 60]);
            assert.strictEqual(p.one("aws:lb/loadBalancer:LoadBalancer").inputs.idleTimeout, 240);
            assert.strictEqual(p.one("aws:lb/listener:Listener", "lb-https").inputs.routingHttpResponseContentSecurityPolicyHeaderValue, "default-src 'self'");
        });

        it("gcp: a Cloud Armor deny per body limit, the upload route left to its own; Cloud Run's timeout is its routes' longest", async () => {
            const p = await baseline({ stack: "prod", set: { ...set, cloud: "gcp" } });
            const rules = p.one("gcp:compute/securityPolicy:SecurityPolicy").inputs.rules as any[];
            const deny = rules.filter((r) => r.action === "deny(403)");
            assert.deepStrictEqual(deny.map((r) => r.description), ["body limit */api/documents/upload", "body limit"]);
            assert.strictEqual(deny[0].match.expr.expression, `request.path == '/api/documents/upload' && request.headers['content-length'].matches('${greaterThanRegex(30 * 1024 * 1024)}')`);
            assert.strictEqual(deny[1].match.expr.expression, `!(request.path == '/api/documents/upload') && request.headers['content-length'].matches('${greaterThanRegex(10 * 1024 * 1024)}')`);
            assert.ok(Math.max(...deny.map((r) => r.priority)) < Math.min(...rules.filter((r) => r.action === "throttle").map((r) => r.priority)));
            const app = p.ofType("gcp:cloudrunv2/service:Service").find((s) => s.name.includes("app"))!;
            assert.strictEqual(app.inputs.template.timeout, "240s");
        });

        it("azure: a WAF body rule per route, the origin timeout the longest route's, the CSP in the rule set", async () => {
            const p = await baseline({ stack: "prod", set: { ...set, cloud: "azure" } });
            const rules = p.one("azure-native:frontdoor:Policy").inputs.customRules.rules as any[];
            const body = rules.filter((r) => r.ruleType === "MatchRule" && r.name.startsWith("BodyLimit"));
            assert.deepStrictEqual(
                body.map((r) => r.matchConditions.map((c: any) => [c.operator, c.negateCondition ?? false, c.matchValue[0]])),
                [
                    [["RegEx", false, "^https?://[^/]+/api/documents/upload(\\?.*)?$"], ["RegEx", false, greaterThanRegex(30 * 1024 * 1024)]],
                    [["RegEx", true, "^https?://[^/]+/api/documents/upload(\\?.*)?$"], ["RegEx", false, greaterThanRegex(10 * 1024 * 1024)]],
                ],
            );
            assert.strictEqual(p.one("azure-native:cdn:Profile").inputs.originResponseTimeoutSeconds, 240);
            const actions = p.ofType("azure-native:cdn:Rule").flatMap((r) => r.inputs.actions);
            assert.ok(actions.some((a: any) => a.parameters.headerName === "Content-Security-Policy" && a.parameters.value === "default-src 'self'"));
        });
    });
    describe("per-route headers (routes[].headers) override, add or drop the load balancer's on every target", () => {
        it("resolve to the route's whole set: names matched case-insensitively, false drops, other routes keep the load balancer's", () => {
            const lb = settingsOf({ ...ROUTE_HEADERS_STACK, cloud: "local" }, "dev").loadBalancer!;
            assert.deepStrictEqual(lb.routes[0].headers, { "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "Strict-Transport-Security": lb.headers["Strict-Transport-Security"] });
            assert.deepStrictEqual(lb.routes[0].headerOverrides, { "Content-Security-Policy": false, "X-Frame-Options": "DENY" });
            assert.strictEqual(lb.routes[1].headers!["X-Widget"], "1");
            assert.strictEqual("X-Frame-Options" in lb.routes[1].headers!, false);
            assert.strictEqual(lb.routes[2].headers, undefined);
        });

        it("a header the proxy owns is refused on a route as on the load balancer", async () => {
            const e = await planError({ stack: "dev", set: { cloud: "local", "loadBalancer.routes": [{ path: "/", service: "app", headers: { Connection: "close" } }] } });
            assert.deepStrictEqual(e.problems.map((x) => x.key), ["anycloud:loadBalancer.routes[0].headers.Connection"]);
        });

        it("every target has a row for each route header: exact on local, gcp and azure, refused on aws", () => {
            const rows = edgeReport(settingsOf({ ...ROUTE_HEADERS_STACK, cloud: "gcp" }), EDGE_MODELS).filter((r) => r.key === "routes[].headers");
            assert.strictEqual(rows.length, 4 * EDGE_MODELS.length);
            assert.deepStrictEqual([...new Set(rows.filter((r) => r.target !== "aws").map((r) => r.fidelity))], ["exact"]);
            assert.deepStrictEqual([...new Set(rows.filter((r) => r.target === "aws").map((r) => r.fidelity))], ["refused"]);
        });

        it("aws: refused before any resource (listener attributes are per listener), naming the nearest thing", async () => {
            const e = await planError({ stack: "prod", set: { ...ROUTE_HEADERS_STACK, cloud: "aws" } });
            assert.deepStrictEqual(e.problems.map((x) => x.key).filter((k) => k.includes("routes[")), [
                "anycloud:loadBalancer.routes[0].headers.Content-Security-Policy",
                "anycloud:loadBalancer.routes[0].headers.X-Frame-Options",
                "anycloud:loadBalancer.routes[1].headers.X-Frame-Options",
                "anycloud:loadBalancer.routes[1].headers.X-Widget",
            ]);
            assert.match(e.problems.find((x) => x.key.endsWith("routes[0].headers.Content-Security-Policy"))!.accepted, /per listener \(Content-Security-Policy: default-src 'self' on every route\).*send it from service app/);
        });

        it("aws: a route header the ALB sends on every route anyway is exact (nothing to refuse)", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "aws", "loadBalancer.routes": [{ path: "/api/*", service: "app", headers: { "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": false } }, { path: "/", service: "app" }] } });
            assert.strictEqual(p.one("aws:lb/listener:Listener", "lb-https").inputs.routingHttpResponseXFrameOptionsHeaderValue, "SAMEORIGIN");
        });

        it("gcp: each route of the service carries its whole set as a URL map header action, and its backend none", async () => {
            const s = settingsOf({ ...ROUTE_HEADERS_STACK, cloud: "gcp" });
            const p = await baseline({ stack: "prod", set: { ...ROUTE_HEADERS_STACK, cloud: "gcp" } });
            const backend = p.one("gcp:compute/backendService:BackendService").inputs;
            assert.strictEqual(backend.customResponseHeaders, undefined, "no backend headers: their order against URL map header actions is undocumented");
            const matcher = (p.one("gcp:compute/uRLMap:URLMap", "lb-urlmap").inputs.pathMatchers as any[])[0];
            const sent = (action: any) => Object.fromEntries(action.weightedBackendServices[0].headerAction.responseHeadersToAdds.map((h: any) => [h.headerName, h.headerValue]));
            const api = matcher.pathRules.find((r: any) => r.paths.includes("/api/*"));
            assert.deepStrictEqual(sent(api.routeAction), s.loadBalancer!.routes[0].headers);
            assert.ok(api.routeAction.weightedBackendServices[0].headerAction.responseHeadersToAdds.every((h: any) => h.replace === true));
            const embed = matcher.pathRules.find((r: any) => r.paths.includes("/embed/*"));
            assert.deepStrictEqual(sent(embed.routeAction), s.loadBalancer!.routes[1].headers);
            assert.strictEqual(matcher.defaultService, undefined);
            assert.deepStrictEqual(sent(matcher.defaultRouteAction), s.loadBalancer!.headers, "the catch-all route sends the load balancer's set");
        });

        it("gcp: without per-route headers, the backend's custom headers and plain path rules as before", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
            assert.ok((p.one("gcp:compute/backendService:BackendService").inputs.customResponseHeaders as string[]).length > 0);
            const matcher = (p.one("gcp:compute/uRLMap:URLMap", "lb-urlmap").inputs.pathMatchers as any[])[0];
            assert.ok(matcher.defaultService && matcher.pathRules.every((r: any) => r.service && !r.routeAction));
        });

        it("azure: a rule set per distinct header set, each route attached to its own", async () => {
            const p = await baseline({ stack: "prod", set: { ...ROUTE_HEADERS_STACK, cloud: "azure" } });
            const sets = p.ofType("azure-native:cdn:RuleSet").map((r) => r.inputs.ruleSetName);
            assert.deepStrictEqual(sets, ["securityheaders", "routeheaders1", "routeheaders2"]);
            const headersOf = (ruleSet: string) =>
                Object.fromEntries(p.ofType("azure-native:cdn:Rule").filter((r) => r.inputs.ruleSetName === ruleSet).flatMap((r) => r.inputs.actions).map((a: any) => [a.parameters.headerName, a.parameters.value]));
            assert.strictEqual(headersOf("routeheaders1")["Content-Security-Policy"], undefined);
            assert.strictEqual(headersOf("routeheaders1")["X-Frame-Options"], "DENY");
            assert.strictEqual(headersOf("routeheaders2")["X-Widget"], "1");
            assert.strictEqual(headersOf("securityheaders")["Content-Security-Policy"], "default-src 'self'");
            const routes = Object.fromEntries(p.ofType("azure-native:cdn:Route").map((r) => [r.inputs.patternsToMatch[0], (r.inputs.ruleSets as any[]).map((x) => String(x.id).split("/ruleSets/")[1])]));
            assert.deepStrictEqual(routes, { "/api": ["routeheaders1"], "/embed": ["routeheaders2"], "/*": ["securityheaders"] });
        });

        it("azure: a header value longer than the rules engine takes (640 characters) is refused", async () => {
            const csp = `default-src 'self'; ${"img-src https://cdn.example.com; ".repeat(20)}`;
            const e = await planError({ stack: "prod", set: { cloud: "azure", "loadBalancer.routes": [{ path: "/", service: "app", headers: { "Content-Security-Policy": csp } }] } });
            const p = e.problems.find((x) => x.key === "anycloud:loadBalancer.routes[0].headers.Content-Security-Policy");
            assert.ok(p, e.message);
            assert.match(p!.accepted, /at most 640 characters/);
        });
    });
    describe("aws: the web ACL's capacity (WCU), counted from the WAF developer guide's costs", () => {
        const lbOf = (set: Record<string, unknown>) => settingsOf({ cloud: "aws", ...set }).loadBalancer!;
        const LOGIN_API_ROOT = [
            { path: "/api/auth/login", service: "app", rateLimit: { requests: 5, per: "minute" } },
            { path: "/api/*", service: "app", rateLimit: { requests: 10, per: "second", burst: 20 } },
            { path: "/", service: "app" },
        ];

        it("adds up each rule's statements: labels, string and regex matches, rate-based rules, managed groups", () => {
            // route rules: login NOT(label) 1 + exact path 2; /api/* 1 + regex 3; / 1 = 8, and 3 labels = 1
            // body: one Content-Length regex 3; rates: 2 × (2 + label 1) = 6; managed 700 + 200.
            const c = stackWafCapacity(lbOf({ "loadBalancer.routes": LOGIN_API_ROOT }));
            assert.deepStrictEqual(c.parts, { routes: 9, bodies: 3, rates: 6, managed: 900, transformations: 0 });
            assert.strictEqual(c.total, 918);
        });

        it("counts a text transformation once per field and transformation (two host routes lowercase the same Host header)", () => {
            const c = stackWafCapacity(lbOf({ "loadBalancer.domain": "example.org", "loadBalancer.routes": [...LOGIN_API_ROOT, { host: "a", path: "/", service: "app" }, { host: "b", path: "/", service: "app" }] }));
            assert.strictEqual(c.parts.transformations, 10);
        });

        it("the capacity counted is the one of the web ACL the plan registers", async () => {
            const set = { cloud: "aws", ...EDGE_STACK };
            const p = await baseline({ stack: "prod", set });
            const registered = wafCapacity(p.one("aws:wafv2/webAcl:WebAcl").inputs.rules);
            assert.strictEqual(registered.total, stackWafCapacity(settingsOf(set).loadBalancer!).total);
        });

        it("over the limit: the config error says what the ACL needs and how many rate-limited routes fit", () => {
            const lb = lbOf({ "loadBalancer.routes": LOGIN_API_ROOT });
            assert.strictEqual(wafCapacityProblem(lb), undefined);
            assert.match(wafCapacityProblem(lb, 915)!, /needs 918 \(route labels 9, body limits 3, rate limits 6, AWS managed rule groups 900, text transformations 0\); at most 1 of the 2 rate-limited routes fit/);
            assert.match(wafCapacityProblem(lb, 910)!, /the routes and body limits alone need 912/);
        });

        it("the largest load balancer the ALB takes (100 routes, each with a host, a rate limit and a body limit) stays within 5,000 WCU, over the 1,500 in the price", () => {
            const routes: RouteSettings[] = Array.from({ length: 100 }, (_, i) => ({ host: `h${i}.example.org`, path: `/p${i}`, service: "app", maxBodyMb: 20 + i, rateLimit: { requests: 1, per: "second" as const, burst: 1 } }));
            const lb = { ...lbOf({}), routes };
            const c = stackWafCapacity(lb);
            assert.ok(c.total <= WAF_MAX_WCU && c.total > WAF_INCLUDED_WCU, String(c.total));
        });

        it("npm run plan names the capacity and whether it passes what the web ACL's price includes", async () => {
            const r = await planCommandRun("--stack", "prod");
            assert.strictEqual(r.code, 0, r.stderr);
            assert.match(r.stdout, /AWS WAF web ACL: \d+ WCU of 5000 \(route labels \d+, body limits \d+, rate limits \d+, AWS managed rule groups 900/);
        });
    });

    describe("limits checked against their sources", () => {
        it("gcp: Cloud Armor counts over its documented intervals only", () => {
            for (const rate of [{ requests: 1, per: "second", burst: 0 }, { requests: 5, per: "minute", burst: 5 }, { requests: 100000, per: "second", burst: 100000 }] as const) {
                assert.ok((ARMOR_INTERVALS_SEC as readonly number[]).includes(armorThreshold(rate).intervalSec));
            }
        });
        it("gcp: a per-second rate over what Cloud Armor counts in one interval (1,000,000) is refused with the nearest rate", async () => {
            const e = await planError({ stack: "prod", set: { cloud: "gcp", "loadBalancer.routes": [{ path: "/api/*", service: "app", rateLimit: { requests: 100000, per: "second", burst: 1 } }, { path: "/", service: "app" }] } });
            const p = e.problems.find((x) => x.key === "anycloud:loadBalancer.routes[0].rateLimit");
            assert.ok(p, e.message);
            assert.match(p!.accepted, /at most 1000000 requests per interval, and 100000 r\/s burst 1 needs 1000001 per 10 s; nearest: 99999 r\/s with burst 1/);
        });
        it("azure: more headers than one rule set holds (100 rules of 5 actions) are refused", async () => {
            const headers = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`X-H${i}`, "1"]));
            const e = await planError({ stack: "prod", set: { cloud: "azure", "loadBalancer.headers": headers } });
            assert.match(e.problems.find((x) => x.key === "anycloud:loadBalancer.headers.X-H0")!.accepted, /101 rules of 5 header actions each, and a rule set holds at most 100; nearest: at most 500 headers/);
        });
    });
});
