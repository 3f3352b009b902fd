import { bodyMb, EdgeAsk, EdgeJudgement, EdgeModel, HSTS_HEADER, longestTimeout, MIB, timeoutSeconds } from "../../components/edge";
import { RateLimit, Settings } from "../../stacks/settings";
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
