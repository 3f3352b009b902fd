import type * as inputs from "@pulumi/aws/types/input";
import { bodyMb, bodyRules, EdgeAsk, EdgeJudgement, EdgeModel, greaterThanRegex, HSTS_HEADER, longestTimeout, MIB, timeoutSeconds } from "../../components/edge";
import { orderRoutes, pathRegex } from "../../components/routes";
import { LoadBalancerSettings, RateLimit, RouteSettings, Settings } from "../../stacks/settings";
import { WAF_MIN_LIMIT, WAF_WINDOWS } from "./sizes";

/**
 * What the ALB + WAFv2 edge makes of each setting. Sources:
 * - ALB idle timeout 1-4000 s, one per load balancer (ELB docs, "Edit attributes for your
 *   Application Load Balancer": connection idle timeout);
 * - response headers only through listener attributes, for this fixed set (ELB API
 *   ListenerAttribute `routing.http.response.*`; X-Content-Type-Options only `nosniff`,
 *   X-Frame-Options `DENY`, `SAMEORIGIN` or `ALLOW-FROM <uri>`): nothing adds any other header;
 * - the ALB has no request body limit; WAF sees a request's headers, and no WAF statement
 *   compares a header numerically, so the body limit is a regex on Content-Length (edge.ts);
 * - rate-based rules count per 60/120/300/600 s window, at least 10 per window (WAF developer
 *   guide, "Rate-based rule high-level settings");
 * - access logs are on or off for the whole load balancer (ALB access-log attributes);
 * - response headers are listener attributes, so one set for every route: listener rules forward,
 *   redirect, answer fixed responses or rewrite the request, but add no response header (ELB docs,
 *   "HTTP header modification" and "Listener rules"); per-path response headers need CloudFront
 *   response headers policies per cache behavior, which this program does not deploy.
 */
export const ALB_IDLE_TIMEOUT_MAX = 4000;

/** Header → the listener attribute that sets it; the ALB can add no other response header. */
export const ALB_RESPONSE_HEADERS = {
    "Strict-Transport-Security": "routingHttpResponseStrictTransportSecurityHeaderValue",
    "Content-Security-Policy": "routingHttpResponseContentSecurityPolicyHeaderValue",
    "X-Content-Type-Options": "routingHttpResponseXContentTypeOptionsHeaderValue",
    "X-Frame-Options": "routingHttpResponseXFrameOptionsHeaderValue",
    "Access-Control-Allow-Origin": "routingHttpResponseAccessControlAllowOriginHeaderValue",
    "Access-Control-Allow-Methods": "routingHttpResponseAccessControlAllowMethodsHeaderValue",
    "Access-Control-Allow-Headers": "routingHttpResponseAccessControlAllowHeadersHeaderValue",
    "Access-Control-Allow-Credentials": "routingHttpResponseAccessControlAllowCredentialsHeaderValue",
    "Access-Control-Expose-Headers": "routingHttpResponseAccessControlExposeHeadersHeaderValue",
    "Access-Control-Max-Age": "routingHttpResponseAccessControlMaxAgeHeaderValue",
} as const;
type AlbHeader = keyof typeof ALB_RESPONSE_HEADERS;

/** Values the ALB accepts for the headers it restricts. */
function albValueProblem(name: AlbHeader, value: string): string | undefined {
    if (name === "X-Content-Type-Options" && value !== "nosniff") return "nosniff (the only value the ALB accepts)";
    if (name === "X-Frame-Options" && !/^(DENY|SAMEORIGIN|ALLOW-FROM https?:\/\/\S+)$/.test(value)) return "DENY, SAMEORIGIN or ALLOW-FROM <uri> (the values the ALB accepts)";
    return undefined;
}

export function albHeader(name: string): AlbHeader | undefined {
    return (Object.keys(ALB_RESPONSE_HEADERS) as AlbHeader[]).find((h) => h.toLowerCase() === name.toLowerCase());
}

/** The listener attributes for the stack's headers (the ones the ALB can set). */
export function albHeaderAttributes(headers: Record<string, string>, https: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
        const h = albHeader(name);
        if (h && (h !== HSTS_HEADER || https)) out[ALB_RESPONSE_HEADERS[h]] = value;
    }
    return out;
}

/** The ALB's one idle timeout: the longest any route asks for. */
export function albIdleTimeout(settings: Settings): number {
    return longestTimeout(settings.loadBalancer!);
}

/**
 * WAF counts requests per IP over 60/120/300/600 s windows with a floor of 10. A per-second rate
 * becomes rate × 60 per 60 s; a per-minute rate too small for the floor takes the shortest window
 * where it reaches 10 (5/min → 10 per 120 s). The burst is added to the window's allowance.
 */
export function wafRateLimit(rate: RateLimit): { limit: number; window: number } {
    const perSecond = rate.per === "second" ? rate.requests : rate.requests / 60;
    for (const window of WAF_WINDOWS) {
        const limit = Math.round(perSecond * window + rate.burst);
        if (limit >= WAF_MIN_LIMIT) {
            return { limit, window };
        }
    }
    return { limit: WAF_MIN_LIMIT, window: WAF_WINDOWS[WAF_WINDOWS.length - 1] };
}

type WafRule = inputs.wafv2.WebAclRule;
type Statement = inputs.wafv2.WebAclRuleStatement;
type Visibility = inputs.wafv2.WebAclRuleVisibilityConfig;

/** The label namespace of the route a request belongs to (`anycloud:route:<i>`). */
export const ROUTE_LABEL = "anycloud:route:";

/** The WAF statements that together match the same requests as the ALB route (none: every request). */
function routeMatch(route: RouteSettings): Statement[] {
    const parts: Statement[] = [];
    if (route.host) {
        parts.push({ byteMatchStatement: { searchString: route.host.toLowerCase(), positionalConstraint: "EXACTLY", fieldToMatch: { singleHeader: { name: "host" } }, textTransformations: [{ priority: 0, type: "LOWERCASE" }] } });
    }
    if (route.path !== "/") {
        parts.push(
            route.path.endsWith("/*")
                ? { regexMatchStatement: { regexString: pathRegex(route.path), fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "NONE" }] } }
                : { byteMatchStatement: { searchString: route.path, positionalConstraint: "EXACTLY", fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "NONE" }] } },
        );
    }
    return parts;
}

/**
 * The AWS managed rule groups the web ACL runs, each with the capacity it takes (WAF developer
 * guide, "Baseline rule groups": AWSManagedRulesCommonRuleSet WCU 700,
 * AWSManagedRulesKnownBadInputsRuleSet WCU 200).
 */
export const MANAGED_RULE_GROUPS = { AWSManagedRulesCommonRuleSet: 700, AWSManagedRulesKnownBadInputsRuleSet: 200 } as const;

/**
 * The web ACL's rules: per-route labels, body limits (413), rate limits (429), AWS managed rule
 * groups. One builder for the ACL the load balancer registers and the capacity the config check
 * counts (wafCapacity), so the check measures the ACL that is deployed.
 */
export function wafRules(lb: LoadBalancerSettings, visibility: (metric: string) => Visibility): WafRule[] {
    const rules: WafRule[] = [];
    // Each request is labelled with the one route that serves it (most specific first, as the
    // listener rules order them): body and rate rules then match that route only, as nginx does.
    const ordered = orderRoutes(lb.routes);
    const label = (i: number) => `${ROUTE_LABEL}${i}`;
    ordered.forEach((route, i) => {
        const unlabelled: Statement = { notStatement: { statement: { labelMatchStatement: { scope: "NAMESPACE", key: ROUTE_LABEL } } } };
        const scope = routeMatch(route);
        rules.push({
            name: `route-${i}`,
            priority: i + 1,
            action: { count: {} },
            ruleLabels: [{ name: label(i) }],
            statement: scope.length > 0 ? { andStatement: { statements: [unlabelled, ...scope] } } : unlabelled,
            visibilityConfig: visibility(`route-${i}`),
        });
    });
    // Bodies: WAF compares no header numerically, so a regex on Content-Length blocks a declared
    // size over the limit with 413 (a chunked body without Content-Length passes). One rule for
    // the load balancer's limit, one per route with its own (components/edge.ts bodyRules).
    bodyRules(lb, ordered).forEach(({ route, mb }, i, all) => {
        const tooLarge: Statement = { regexMatchStatement: { regexString: greaterThanRegex(mb * MIB), fieldToMatch: { singleHeader: { name: "content-length" } }, textTransformations: [{ priority: 0, type: "NONE" }] } };
        const labelOf = (r: RouteSettings): Statement => ({ labelMatchStatement: { scope: "LABEL", key: label(ordered.indexOf(r)) } });
        const own = all.flatMap((b) => (b.route ? [b.route] : []));
        // not(a or b) as not(a) and not(b): WAF nests logical statements three levels deep at most.
        const scope: Statement[] = route ? [labelOf(route)] : own.map((r) => ({ notStatement: { statement: labelOf(r) } }));
        rules.push({
            name: `body-${i}`,
            priority: 100 + i,
            action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: "too-large" } } },
            statement: scope.length > 0 ? { andStatement: { statements: [...scope, tooLarge] } } : tooLarge,
            visibilityConfig: visibility(`body-${i}`),
        });
    });
    ordered.forEach((route, i) => {
        if (!route.rateLimit) return;
        const { limit, window } = wafRateLimit(route.rateLimit);
        rules.push({
            name: `rate-${i}`,
            priority: 200 + i,
            action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
            statement: { rateBasedStatement: { limit, evaluationWindowSec: window, aggregateKeyType: "IP", scopeDownStatement: { labelMatchStatement: { scope: "LABEL", key: label(i) } } } },
            visibilityConfig: visibility(`rate-${i}`),
        });
    });
    const managed = (ruleName: keyof typeof MANAGED_RULE_GROUPS, priority: number, overrides: string[] = []): WafRule => ({
        name: ruleName,
        priority,
        overrideAction: { none: {} },
        statement: {
            managedRuleGroupStatement: {
                vendorName: "AWS",
                name: ruleName,
                // Body-size rule counts only: uploads up to maxBodyMb are legitimate here.
                ruleActionOverrides: overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            },
        },
        visibilityConfig: visibility(ruleName),
    });
    rules.push(managed("AWSManagedRulesCommonRuleSet", 300, ["SizeRestrictions_BODY"]), managed("AWSManagedRulesKnownBadInputsRuleSet", 310));
    return rules;
}

/**
 * Web ACL capacity units, the per-statement costs of the WAF developer guide:
 * - string match (byteMatchStatement): EXACTLY, STARTS_WITH, ENDS_WITH 2; CONTAINS, CONTAINS_WORD
 *   10 ("String match rule statement");
 * - regex match 3 ("Regex match rule statement");
 * - label match 1 ("Label match rule statement");
 * - AND, OR, NOT: the sum of their nested statements ("Using logical rule statements");
 * - rate-based 2 plus its scope-down statement ("Rate-based rule statement"; IP aggregation, no
 *   custom keys);
 * - text transformations 10 each ("for each text transformation that you apply, add 10 WCUs"),
 *   counted once per request component and transformation in the web ACL, NONE not at all, as
 *   the console's counts do (curben, "Calculate Web ACL Capacity Unit (WCU) in AWS WAF", 2021);
 * - labels the rules add: 1 per 5 labels in the web ACL ("AWS WAF rules that add labels");
 * - managed rule groups: their fixed capacity (MANAGED_RULE_GROUPS).
 */
export const WCU = { exactString: 2, containsString: 10, regex: 3, label: 1, rateBased: 2, transformation: 10, labelsPerUnit: 5 } as const;
/**
 * A web ACL takes at most 5,000 WCU; 1,500 are in its base price, and AWS bills each further 500
 * per million requests (AWS What's New, 2023-04-11, "AWS WAF increases web ACL capacity units
 * limit": "customers can now use up to 5,000 WCUs per web ACL ... Web ACLs that use more than
 * 1,500 WCUs incur additional charges").
 */
export const WAF_MAX_WCU = 5000;
export const WAF_INCLUDED_WCU = 1500;

export interface WafCapacity {
    total: number;
    /** Per kind of rule: route labels (with the labels' own units), body limits, rate limits, managed groups, transformations. */
    parts: { routes: number; bodies: number; rates: number; managed: number; transformations: number };
    /** WCU of one rate-limit rule (what each further rate limit costs). */
    rateRule: number;
    rateRules: number;
}

/** A statement as wafRules builds it: plain values, no Outputs. */
interface PlainStatement {
    andStatement?: { statements: PlainStatement[] };
    orStatement?: { statements: PlainStatement[] };
    notStatement?: { statement: PlainStatement };
    labelMatchStatement?: unknown;
    byteMatchStatement?: { positionalConstraint: string; fieldToMatch: unknown; textTransformations: { type: string }[] };
    regexMatchStatement?: { fieldToMatch: unknown; textTransformations: { type: string }[] };
    rateBasedStatement?: { scopeDownStatement?: PlainStatement };
    managedRuleGroupStatement?: { name: string };
}

function statementWcu(s: PlainStatement, transformations: Set<string>): number {
    const transformed = (field: unknown, list: { type: string }[]) => list.filter((t) => t.type !== "NONE").forEach((t) => transformations.add(`${JSON.stringify(field)} ${t.type}`));
    if (s.andStatement) return s.andStatement.statements.reduce((n, x) => n + statementWcu(x, transformations), 0);
    if (s.orStatement) return s.orStatement.statements.reduce((n, x) => n + statementWcu(x, transformations), 0);
    if (s.notStatement) return statementWcu(s.notStatement.statement, transformations);
    if (s.labelMatchStatement) return WCU.label;
    if (s.byteMatchStatement) {
        transformed(s.byteMatchStatement.fieldToMatch, s.byteMatchStatement.textTransformations);
        return ["EXACTLY", "STARTS_WITH", "ENDS_WITH"].includes(s.byteMatchStatement.positionalConstraint) ? WCU.exactString : WCU.containsString;
    }
    if (s.regexMatchStatement) {
        transformed(s.regexMatchStatement.fieldToMatch, s.regexMatchStatement.textTransformations);
        return WCU.regex;
    }
    if (s.rateBasedStatement) return WCU.rateBased + (s.rateBasedStatement.scopeDownStatement ? statementWcu(s.rateBasedStatement.scopeDownStatement, transformations) : 0);
    const group = s.managedRuleGroupStatement?.name;
    if (group && group in MANAGED_RULE_GROUPS) return MANAGED_RULE_GROUPS[group as keyof typeof MANAGED_RULE_GROUPS];
    // A statement without a cost here is a statement this table must learn before it is used.
    throw new Error(`no WCU cost known for the WAF statement ${JSON.stringify(s)}`);
}

/** The capacity of the web ACL wafRules builds. */
export function wafCapacity(rules: WafRule[]): WafCapacity {
    const transformations = new Set<string>();
    const parts = { routes: 0, bodies: 0, rates: 0, managed: 0, transformations: 0 };
    let labels = 0;
    let rateRule = 0;
    for (const rule of rules) {
        const wcu = statementWcu(rule.statement as PlainStatement, transformations);
        const kind = String(rule.name).split("-")[0];
        if (kind === "route") parts.routes += wcu;
        else if (kind === "body") parts.bodies += wcu;
        else if (kind === "rate") {
            parts.rates += wcu;
            rateRule = wcu;
        } else parts.managed += wcu;
        labels += ((rule.ruleLabels as unknown[] | undefined) ?? []).length;
    }
    parts.routes += Math.ceil(labels / WCU.labelsPerUnit);
    parts.transformations = transformations.size * WCU.transformation;
    const total = parts.routes + parts.bodies + parts.rates + parts.managed + parts.transformations;
    return { total, parts, rateRule: rateRule || WCU.rateBased + WCU.label, rateRules: rules.filter((r) => String(r.name).startsWith("rate-")).length };
}

/** The web ACL's capacity for a stack's load balancer (the visibility settings cost nothing). */
export function stackWafCapacity(lb: LoadBalancerSettings): WafCapacity {
    return wafCapacity(wafRules(lb, (metricName) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName })));
}

/**
 * The config error of a web ACL over AWS WAF's capacity, before anything registers: what it needs,
 * per kind of rule, and how many rate-limited routes fit beside the rest.
 */
export function wafCapacityProblem(lb: LoadBalancerSettings, max: number = WAF_MAX_WCU): string | undefined {
    const c = stackWafCapacity(lb);
    if (c.total <= max) return undefined;
    const others = c.total - c.parts.rates;
    const fit = Math.max(0, Math.floor((max - others) / c.rateRule));
    return (
        `a web ACL within AWS WAF's ${max} WCU: this one needs ${c.total} (route labels ${c.parts.routes}, body limits ${c.parts.bodies}, ` +
        `rate limits ${c.parts.rates}, AWS managed rule groups ${c.parts.managed}, text transformations ${c.parts.transformations}); ` +
        (fit > 0 ? `at most ${fit} of the ${c.rateRules} rate-limited routes fit beside these routes and body limits` : `the routes and body limits alone need ${others}: fewer routes or fewer distinct body limits`)
    );
}

const bodyText = (mb: number) =>
    `WAF blocks (413) a request whose Content-Length declares more than ${mb * MIB} bytes (${mb} MiB); a chunked body without Content-Length is not limited (the ALB itself has no body limit)`;

export const awsEdge: EdgeModel = {
    target: "aws",
    capabilities: {
        "loadBalancer.maxBodyMb": "approximated: WAF blocks a declared Content-Length above it (413); chunked bodies are not limited",
        "loadBalancer.idleTimeoutSeconds": `exact: ALB idle timeout (1-${ALB_IDLE_TIMEOUT_MAX} s)`,
        "loadBalancer.headers": "exact for HSTS, CSP, X-Frame-Options, X-Content-Type-Options and CORS headers (listener attributes); the default Referrer-Policy is left to the browser's identical default; any other header refused",
        "loadBalancer.hstsIncludeSubdomains": "exact",
        "routes[].maxBodyMb": "approximated, per route (WAF rule on the route's label)",
        "routes[].timeoutSeconds": "approximated: one idle timeout for the ALB, the longest route's",
        "routes[].rateLimit": "approximated: WAF rate-based rule, N requests per 60/120/300/600 s window (at least 10), 429",
        "routes[].accessLogs": "approximated: still logged (access logs are per load balancer)",
        "routes[].websocket": "exact: open while data flows within the ALB idle timeout",
        "routes[].headers": "refused unless the ALB sends the same on every route (listener attributes are per listener; no per-route response headers without CloudFront): nearest, send the header from the service",
    },
    notes(settings: Settings): string[] {
        const lb = settings.loadBalancer;
        if (!lb) return [];
        const c = stackWafCapacity(lb);
        const price = c.total > WAF_INCLUDED_WCU ? `over the ${WAF_INCLUDED_WCU} in the web ACL's price: AWS bills each further 500 WCU per million requests` : `within the ${WAF_INCLUDED_WCU} in the web ACL's price`;
        return [`AWS WAF web ACL: ${c.total} WCU of ${WAF_MAX_WCU} (route labels ${c.parts.routes}, body limits ${c.parts.bodies}, rate limits ${c.parts.rates}, AWS managed rule groups ${c.parts.managed}, text transformations ${c.parts.transformations}), ${price}`];
    },
    judge(ask: EdgeAsk, settings: Settings): EdgeJudgement {
        const lb = settings.loadBalancer!;
        const route = ask.route;
        const idle = albIdleTimeout(settings);
        switch (ask.key) {
            case "loadBalancer.maxBodyMb":
                return { fidelity: "approximated", enforced: bodyText(lb.maxBodyMb) };
            case "routes[].maxBodyMb":
                return { fidelity: "approximated", enforced: `${bodyText(bodyMb(lb, route!))}, on this route` };
            case "loadBalancer.idleTimeoutSeconds":
            case "routes[].timeoutSeconds": {
                const asked = route ? timeoutSeconds(lb, route) : lb.idleTimeoutSeconds;
                if (asked > ALB_IDLE_TIMEOUT_MAX) {
                    return { fidelity: "refused", enforced: `the ALB idle timeout is at most ${ALB_IDLE_TIMEOUT_MAX} s; nearest: ${ALB_IDLE_TIMEOUT_MAX}` };
                }
                return asked === idle
                    ? { fidelity: "exact", enforced: `ALB idle timeout ${idle} s` }
                    : { fidelity: "approximated", enforced: `ALB idle timeout ${idle} s: one value for every route, the longest asked` };
            }
            case "routes[].websocket": {
                const asked = timeoutSeconds(lb, route!);
                return asked === idle
                    ? { fidelity: "exact", enforced: `the ALB carries the WebSocket while data flows at least every ${idle} s` }
                    : { fidelity: "approximated", enforced: `the ALB carries the WebSocket while data flows at least every ${idle} s (its one idle timeout)` };
            }
            case "routes[].rateLimit": {
                const { limit, window } = wafRateLimit(route!.rateLimit!);
                return { fidelity: "approximated", enforced: `AWS WAF ${limit} requests per ${window} s per IP, then 429 (WAF counts windows of 60/120/300/600 s, at least ${WAF_MIN_LIMIT}; no burst)` };
            }
            case "routes[].accessLogs":
                return { fidelity: "approximated", enforced: "still logged: ALB access logs are on or off for the whole load balancer" };
            case "loadBalancer.headers":
            case "loadBalancer.hstsIncludeSubdomains": {
                const name = ask.at.slice("loadBalancer.headers.".length);
                const value = lb.headers[name];
                const h = albHeader(name);
                if (h) {
                    const bad = albValueProblem(h, value);
                    if (bad) return { fidelity: "refused", enforced: `the ALB accepts ${bad}` };
                    if (h === HSTS_HEADER && !lb.domain) return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                    return { fidelity: "exact", enforced: `ALB listener attribute ${ALB_RESPONSE_HEADERS[h]}` };
                }
                if (!lb.headersConfigured.includes(name) && name === "Referrer-Policy" && value === "strict-origin-when-cross-origin") {
                    return { fidelity: "approximated", enforced: "not sent: the ALB cannot add Referrer-Policy; browsers apply strict-origin-when-cross-origin when it is absent, the same policy" };
                }
                return { fidelity: "refused", enforced: `the ALB can add only ${Object.keys(ALB_RESPONSE_HEADERS).join(", ")}; send ${name} from the app, or drop it (loadBalancer.headers.${name}: false)` };
            }
            case "routes[].headers": {
                const name = ask.header!;
                const wanted = ask.value === false ? undefined : String(ask.value);
                const https = lb.domain !== undefined;
                if (name === HSTS_HEADER && !https) return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                const h = albHeader(name);
                const sent = h && (h !== HSTS_HEADER || https) ? Object.entries(lb.headers).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] : undefined;
                if (sent === wanted) {
                    return { fidelity: "exact", enforced: wanted === undefined ? `the ALB sends no ${name} on any route` : `ALB listener attribute ${ALB_RESPONSE_HEADERS[h!]}: the same value on every route` };
                }
                const service = ask.route!.service;
                const [everywhere, nearest] =
                    sent === undefined
                        ? [`no ${name} on any route`, `send it from service ${service} on this route's paths${h ? `, or set it for every route in loadBalancer.headers` : ""}`]
                        : [`${name}: ${sent} on every route`, `drop it from loadBalancer.headers (${name}: false) and send it from service ${service} on the paths that need it, or one value for every route in loadBalancer.headers`];
                return {
                    fidelity: "refused",
                    enforced: `the ALB sets response headers per listener (${everywhere}); listener rules add no response header and per-path headers need CloudFront, which this program does not deploy; nearest: ${nearest}`,
                };
            }
        }
    },
};
