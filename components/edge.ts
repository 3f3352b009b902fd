import { ConfigProblem, problem } from "../stacks/errors";
import type { LoadBalancerSettings, RouteSettings, Settings } from "../stacks/settings";

/**
 * The edge's fidelity table: for every load-balancer setting a stack can choose, what each
 * target does with it — honoured exactly, approximated (and how, with the values it enforces),
 * or refused (a config error naming the nearest thing the target can do). Each target's
 * judgement lives in providers/<cloud>/edge.ts, next to the code that renders it; this file holds
 * what is common: the settings, the defaults, the asks a stack makes, and the report.
 */

/** The secure response headers every target sends unless `loadBalancer.headers` changes them. */
export const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
};
export const HSTS_HEADER = "Strict-Transport-Security";

/** Headers the proxy owns (framing, connection, cookies): never set from config. */
export const PROXY_HEADERS = ["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "host", "date", "server", "set-cookie"];

/**
 * The default idle/request timeout: the largest value every target honours (Front Door and
 * Container Apps stop at 240 s, providers/azure/edge.ts).
 */
export const DEFAULT_TIMEOUT_SECONDS = 240;

export const MIB = 1024 * 1024;

export const EDGE_TARGETS = ["local", "aws", "gcp", "azure"] as const;
export type EdgeTarget = (typeof EDGE_TARGETS)[number];
export type Fidelity = "exact" | "approximated" | "refused";

/**
 * Every edge setting of the config, by key path (`routes[]` = each `loadBalancer.routes[i]`).
 * test/edge.spec.ts fails when the loadBalancer schema has a key that is neither here nor in
 * NOT_EDGE_SETTINGS: a setting cannot reach a target without a row.
 */
export const EDGE_SETTINGS = {
    "loadBalancer.maxBodyMb": "largest request body",
    "loadBalancer.idleTimeoutSeconds": "idle / request timeout",
    "loadBalancer.headers": "response headers",
    "loadBalancer.hstsIncludeSubdomains": "HSTS includeSubDomains",
    "routes[].maxBodyMb": "per-route largest body",
    "routes[].timeoutSeconds": "per-route timeout",
    "routes[].rateLimit": "per-route rate limit per client IP",
    "routes[].accessLogs": "per-route access logs off",
    "routes[].websocket": "WebSocket lifetime",
    "routes[].headers": "per-route response headers",
} as const;
export type EdgeSettingKey = keyof typeof EDGE_SETTINGS;

/** Keys that choose what is served, not how the edge treats it: no fidelity row. */
export const NOT_EDGE_SETTINGS = ["loadBalancer.domain", "loadBalancer.dnsZone", "loadBalancer.routes", "routes[].path", "routes[].host", "routes[].service"];

/** One thing a stack asks of its edge, before any target judges it. */
export interface EdgeAsk {
    key: EdgeSettingKey;
    /** The config path of the value, e.g. `loadBalancer.routes[2].maxBodyMb`. */
    at: string;
    /** The route it applies to (absent: the whole load balancer). */
    route?: RouteSettings;
    /** What is asked, in words: `/api/*: 10 r/s burst 20`. */
    asked: string;
    /** The configured value (for the config error of a refusal). */
    value: unknown;
    /** For a header ask: the header's name. */
    header?: string;
}

/** What one target does with one ask. */
export interface EdgeJudgement {
    fidelity: Fidelity;
    /** What the target enforces, with its values; for a refusal, why and the nearest thing it can do. */
    enforced: string;
}

export interface EdgeRow extends EdgeAsk, EdgeJudgement {
    target: EdgeTarget;
}

/** A target's side of the table (providers/<cloud>/edge.ts). */
export interface EdgeModel {
    target: EdgeTarget;
    /** In general, per setting: the README's edge table. */
    capabilities: Record<EdgeSettingKey, string>;
    judge(ask: EdgeAsk, settings: Settings): EdgeJudgement;
    /** What the plan should know about this target's edge as a whole for the stack (e.g. the WAF capacity it uses). */
    notes?(settings: Settings): string[];
}

/** The notes of the stack's own target (EdgeModel.notes). */
export function edgeNotes(settings: Settings, models: readonly EdgeModel[]): string[] {
    return models.find((m) => m.target === settings.cloud)?.notes?.(settings) ?? [];
}

export function routeLabel(route: RouteSettings): string {
    return `${route.host ?? ""}${route.path}`;
}

export function bodyMb(lb: LoadBalancerSettings, route: RouteSettings): number {
    return route.maxBodyMb ?? lb.maxBodyMb;
}

export function timeoutSeconds(lb: LoadBalancerSettings, route: RouteSettings): number {
    return route.timeoutSeconds ?? lb.idleTimeoutSeconds;
}

/** The longest timeout any route of the load balancer has (targets with one value use it). */
/** The response headers a route sends: its own set (`routes[].headers`), else the load balancer's. */
export function routeHeaders(lb: LoadBalancerSettings, route: RouteSettings): Record<string, string> {
    return route.headers ?? lb.headers;
}

/** The routes whose headers differ from the load balancer's (they need a per-route rendering). */
export function routesWithOwnHeaders(lb: LoadBalancerSettings): RouteSettings[] {
    return lb.routes.filter((r) => r.headers !== undefined && !sameHeaders(r.headers, lb.headers));
}

export function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
    // A route without headers of its own sends the load balancer's (the same object): no sorting
    // (Azure's judgement compares every route's set with every other for each of up to 500 headers).
    if (a === b) return true;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export function longestTimeout(lb: LoadBalancerSettings, routes: RouteSettings[] = lb.routes): number {
    return Math.max(...routes.map((r) => timeoutSeconds(lb, r)));
}

function rateText(route: RouteSettings): string {
    const r = route.rateLimit!;
    return `${r.requests} r/${r.per === "second" ? "s" : "min"} burst ${r.burst}`;
}

/** Every ask the stack's loadBalancer makes, in config order. */
export function edgeAsks(lb: LoadBalancerSettings): EdgeAsk[] {
    const asks: EdgeAsk[] = [
        { key: "loadBalancer.maxBodyMb", at: "loadBalancer.maxBodyMb", asked: `bodies up to ${lb.maxBodyMb} MiB`, value: lb.maxBodyMb },
        { key: "loadBalancer.idleTimeoutSeconds", at: "loadBalancer.idleTimeoutSeconds", asked: `${lb.idleTimeoutSeconds} s idle timeout`, value: lb.idleTimeoutSeconds },
    ];
    for (const [name, value] of Object.entries(lb.headers)) {
        asks.push({ key: name === HSTS_HEADER && lb.hstsIncludeSubdomains ? "loadBalancer.hstsIncludeSubdomains" : "loadBalancer.headers", at: `loadBalancer.headers.${name}`, asked: `${name}: ${value}`, value, header: name });
    }
    lb.routes.forEach((route, i) => {
        const at = (k: string) => `loadBalancer.routes[${i}].${k}`;
        const label = routeLabel(route);
        if (route.maxBodyMb !== undefined) asks.push({ key: "routes[].maxBodyMb", at: at("maxBodyMb"), route, asked: `${label}: bodies up to ${route.maxBodyMb} MiB`, value: route.maxBodyMb });
        if (route.timeoutSeconds !== undefined) asks.push({ key: "routes[].timeoutSeconds", at: at("timeoutSeconds"), route, asked: `${label}: ${route.timeoutSeconds} s timeout`, value: route.timeoutSeconds });
        if (route.rateLimit) asks.push({ key: "routes[].rateLimit", at: at("rateLimit"), route, asked: `${label}: ${rateText(route)}`, value: route.rateLimit });
        if (route.accessLogs === false) asks.push({ key: "routes[].accessLogs", at: at("accessLogs"), route, asked: `${label}: no access logs`, value: false });
        if (route.websocket) asks.push({ key: "routes[].websocket", at: at("websocket"), route, asked: `${label}: WebSockets open up to ${timeoutSeconds(lb, route)} s idle`, value: true });
        for (const [name, value] of Object.entries(route.headerOverrides ?? {})) {
            asks.push({ key: "routes[].headers", at: at(`headers.${name}`), route, asked: value === false ? `${label}: no ${name}` : `${label}: ${name}: ${value}`, value, header: name });
        }
    });
    return asks;
}

/** The stack's report: every ask judged by every target (no ask without a row per target). */
export function edgeReport(settings: Settings, models: readonly EdgeModel[]): EdgeRow[] {
    const lb = settings.loadBalancer;
    if (!lb) return [];
    return edgeAsks(lb).flatMap((ask) => models.map((m) => ({ ...ask, target: m.target, ...m.judge(ask, settings) })));
}

/**
 * The target's refusals as config errors (run by each cloud's validate(), before any resource):
 * the key, the value, and what the target accepts.
 */
export function edgeProblems(settings: Settings, model: EdgeModel): ConfigProblem[] {
    return edgeReport(settings, [model])
        .filter((r) => r.fidelity === "refused")
        .map((r) => problem(r.at, r.value, `what ${model.target} can do: ${r.enforced}`));
}

/** The plan's text: per ask, each target's fidelity; then this stack's target's warnings. */
export function edgeReportText(rows: EdgeRow[], cloud: EdgeTarget, notes: string[] = []): string {
    if (rows.length === 0) return "";
    const lines = ["", "Edge: what each target does with the loadBalancer settings (components/edge.ts; * = this stack's target)"];
    const asks = [...new Map(rows.map((r) => [r.at, r])).values()];
    for (const ask of asks) {
        lines.push(`  ${ask.at}  (${ask.asked})`);
        for (const r of rows.filter((x) => x.at === ask.at)) {
            lines.push(`    ${`${r.target}${r.target === cloud ? "*" : ""}`.padEnd(7)}${r.fidelity.padEnd(13)}${r.enforced}`);
        }
    }
    const warnings = rows.filter((r) => r.target === cloud && r.fidelity !== "exact");
    lines.push("", `Edge warnings (${cloud}): ${warnings.length === 0 ? "none, every setting is honoured exactly" : `${warnings.length} setting(s) approximated`}`);
    for (const r of warnings) lines.push(`  ${r.asked} → ${r.enforced}`);
    if (notes.length > 0) lines.push("", `Edge notes (${cloud}):`, ...notes.map((n) => `  ${n}`));
    return lines.join("\n");
}

/** The README's edge table, from each target's capabilities (test/edge.spec.ts keeps them equal). */
export function edgeTableMarkdown(models: readonly EdgeModel[]): string {
    const lines = [`| setting | ${models.map((m) => m.target).join(" | ")} |`, `|---|${models.map(() => "---").join("|")}|`];
    for (const key of Object.keys(EDGE_SETTINGS) as EdgeSettingKey[]) {
        lines.push(`| \`${key}\` (${EDGE_SETTINGS[key]}) | ${models.map((m) => m.capabilities[key].replace(/\|/g, "\\|")).join(" | ")} |`);
    }
    return lines.join("\n");
}

/**
 * A regular expression (RE2 and PCRE alike, anchored) matching a decimal number greater than
 * `n`, leading zeros allowed: WAF rules compare the Content-Length header with it, since none of
 * the three clouds' WAFs compares a header numerically.
 */
export function greaterThanRegex(n: number): string {
    const digits = String(Math.floor(n));
    const alternatives = [`[1-9][0-9]{${digits.length},}`];
    for (let i = 0; i < digits.length; i++) {
        const d = Number(digits[i]);
        if (d === 9) continue;
        const rest = digits.length - i - 1;
        alternatives.push(`${digits.slice(0, i)}${d + 1 === 9 ? "9" : `[${d + 1}-9]`}${rest > 0 ? `[0-9]{${rest}}` : ""}`);
    }
    return `^0*(${alternatives.join("|")})$`;
}

/**
 * Routes a target evaluates before `route` (most specific first, components/routes.ts) that
 * could take some of its requests and enforce a different body limit: a body rule for `route`
 * must leave their requests alone.
 */
export function bodyExclusions(lb: LoadBalancerSettings, ordered: RouteSettings[], route: RouteSettings): RouteSettings[] {
    const before = ordered.slice(0, ordered.indexOf(route));
    return before.filter((s) => sameHostScope(s, route) && bodyMb(lb, s) !== bodyMb(lb, route) && overlaps(s.path, route.path));
}

/** One body-limit rule: requests of `route` (absent: of every route without a rule of its own) over `mb`. */
export interface BodyRule {
    route?: RouteSettings;
    mb: number;
    /** Routes whose requests the rule must leave alone (they have a rule of their own). */
    except: RouteSettings[];
}

/**
 * The body-limit rules a WAF needs: one for the load balancer's limit, and one per route whose
 * limit differs — plus one per more specific route inside such a route (its requests go to it,
 * so they keep their own limit). A stack without per-route limits has a single rule.
 */
export function bodyRules(lb: LoadBalancerSettings, ordered: RouteSettings[]): BodyRule[] {
    const own = new Set(ordered.filter((r) => bodyMb(lb, r) !== lb.maxBodyMb));
    for (let grew = true; grew; ) {
        grew = false;
        for (const s of [...own]) {
            for (const t of bodyExclusions(lb, ordered, s)) {
                if (!own.has(t)) {
                    own.add(t);
                    grew = true;
                }
            }
        }
    }
    const explicit = ordered.filter((r) => own.has(r));
    const rules: BodyRule[] = explicit.map((route) => ({ route, mb: bodyMb(lb, route), except: bodyExclusions(lb, ordered, route) }));
    // The load balancer's rule leaves out every route with its own; a route inside another such
    // route is left out with it.
    const outermost = explicit.filter((r) => !explicit.some((o) => o !== r && sameHostScope(r, o) && covers(o.path, r.path) && !covers(r.path, o.path)));
    rules.push({ mb: lb.maxBodyMb, except: outermost });
    return rules;
}

/** Whether requests of `a` can also be requests of `b` as far as hosts go. */
function sameHostScope(a: RouteSettings, b: RouteSettings): boolean {
    return a.host === b.host || b.host === undefined;
}

/** Whether every request path `inner` matches is also matched by `outer` (`/` everything, `/x/*` prefix, else exact). */
function covers(outer: string, inner: string): boolean {
    if (outer === "/") return true;
    if (outer.endsWith("/*")) {
        const prefix = outer.slice(0, -2);
        const innerBase = inner.endsWith("/*") ? inner.slice(0, -2) : inner;
        return inner !== "/" && (innerBase === prefix || innerBase.startsWith(`${prefix}/`));
    }
    return outer === inner;
}

/** Whether some request path matches both route paths. */
function overlaps(a: string, b: string): boolean {
    return covers(a, b) || covers(b, a);
}
