import { bodyMb, bodyRules, EdgeAsk, EdgeJudgement, EdgeModel, greaterThanRegex, HSTS_HEADER, MIB, timeoutSeconds } from "../../components/edge";
import { orderRoutes } from "../../components/routes";
import { LoadBalancerSettings, RateLimit, RouteSettings, Settings } from "../../stacks/settings";

/**
 * What the global external ALB + Cloud Armor + Cloud Run edge makes of each setting. Sources:
 * - Cloud Run quotas: "Maximum HTTP/1 request size: 32 MiB if using HTTP/1 server; no limit if
 *   using HTTP/2 server" (cloud.google.com/run/quotas); HTTP/2 end to end needs the container to
 *   speak h2c (run/docs/configuring/http2), which this program does not configure;
 * - Cloud Run request timeout: "set by default to 5 minutes (300 seconds) and can be extended up
 *   to 60 minutes (3600 seconds)" (cloud.google.com/run/docs/configuring/request-timeout), one per
 *   service, and it bounds a WebSocket's whole life (run/docs/triggering/websockets); serverless
 *   NEG backend services take no timeoutSec;
 * - Cloud Armor throttle: "The minimum value is 1 and the maximum value is 1,000,000" requests
 *   per interval (armor/docs/rate-limiting-overview); the interval is one of 10, 30, 60, 120, 180,
 *   240, 300, 600, 900, 1200, 1800, 2700 or 3600 s (GoogleCloudPlatform/terraform-google-cloud-armor,
 *   README and issue #147: the API takes 10 and 30 besides 60-3600); a deny rule answers 403, 404
 *   or 502 (deny(STATUS), compute API SecurityPolicyRule.action; no 413); "an advanced match
 *   condition contains an expression with up to five subexpressions"
 *   (armor/docs/rules-language-reference);
 * - custom response headers per backend service (load-balancing/docs/https/custom-headers); per
 *   route, a URL map path rule's routeAction.weightedBackendServices[].headerAction
 *   (responseHeadersToAdd with replace, compute API UrlMap; header actions are "not supported for
 *   load balancers that have their loadBalancingScheme set to EXTERNAL", this one is
 *   EXTERNAL_MANAGED). The order between a backend's custom headers and a URL map header action
 *   is not documented, so a service with per-route headers has no backend headers at all: every
 *   route to it carries its whole set in the URL map;
 * - request logging per backend service (logConfig).
 */
export const CLOUD_RUN_HTTP1_MAX_MIB = 32;
export const CLOUD_RUN_TIMEOUT_MAX = 3600;
export const ARMOR_MAX_SUBEXPRESSIONS = 5;
/** Cloud Armor rate limits: the intervals a threshold counts over, and the most it counts in one. */
export const ARMOR_INTERVALS_SEC = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600] as const;
export const ARMOR_MAX_COUNT = 1_000_000;

/** The CEL condition Cloud Armor matches a route with (host and path semantics as the URL map). */
export function routeExpression(route: RouteSettings): string {
    const parts: string[] = [];
    if (route.host) parts.push(`request.headers['host'].lower() == '${route.host.toLowerCase()}'`);
    if (route.path.endsWith("/*")) {
        const prefix = route.path.slice(0, -2);
        parts.push(`(request.path == '${prefix}' || request.path.startsWith('${prefix}/'))`);
    } else if (route.path !== "/") {
        parts.push(`request.path == '${route.path}'`);
    }
    return parts.length > 0 ? parts.join(" && ") : "true";
}

/**
 * Cloud Armor counts over fixed windows (intervalSec), with no token bucket: `N per second`
 * becomes 10·N (+ burst) per 10 s, the shortest window; `N per minute` becomes N (+ burst) per 60 s.
 */
export function armorThreshold(limit: RateLimit): { count: number; intervalSec: (typeof ARMOR_INTERVALS_SEC)[number] } {
    return limit.per === "second" ? { count: limit.requests * 10 + limit.burst, intervalSec: 10 } : { count: limit.requests + limit.burst, intervalSec: 60 };
}

/**
 * The Cloud Armor deny rules for bodies (components/edge.ts bodyRules): each matches its route
 * (or every request), minus the routes with a rule of their own, with a declared Content-Length
 * over the limit.
 */
export function armorBodyRules(lb: LoadBalancerSettings): { route?: RouteSettings; mb: number; expression: string; subexpressions: number }[] {
    return bodyRules(lb, orderRoutes(lb.routes)).map(({ route, mb, except }) => {
        const parts = [route ? routeExpression(route) : "true", ...except.map((s) => `!(${routeExpression(s)})`), `request.headers['content-length'].matches('${greaterThanRegex(mb * MIB)}')`].filter((p) => p !== "true");
        const expression = parts.join(" && ");
        return { route, mb, expression, subexpressions: (expression.match(/request\./g) ?? []).length };
    });
}

/** The Cloud Run request timeout of a service: the longest of the routes to it. */
export function runRequestTimeout(lb: LoadBalancerSettings | undefined, service: string): number | undefined {
    const routes = lb?.routes.filter((r) => r.service === service) ?? [];
    return routes.length === 0 ? undefined : Math.min(CLOUD_RUN_TIMEOUT_MAX, Math.max(...routes.map((r) => timeoutSeconds(lb!, r))));
}

function bodyJudgement(lb: LoadBalancerSettings, mb: number, route?: RouteSettings): EdgeJudgement {
    if (mb > CLOUD_RUN_HTTP1_MAX_MIB) {
        return {
            fidelity: "refused",
            enforced: `Cloud Run refuses HTTP/1 request bodies over ${CLOUD_RUN_HTTP1_MAX_MIB} MiB; nearest: ${CLOUD_RUN_HTTP1_MAX_MIB}, with larger files uploaded straight to a bucket through signed URLs (or an h2c server end to end, which this program does not configure)`,
        };
    }
    const rule = armorBodyRules(lb).find((r) => r.route === route);
    if (rule && rule.subexpressions > ARMOR_MAX_SUBEXPRESSIONS) {
        return { fidelity: "refused", enforced: `the Cloud Armor rule for this route needs ${rule.subexpressions} subexpressions (at most ${ARMOR_MAX_SUBEXPRESSIONS}): too many overlapping routes with other body limits; nearest: the same limit on the overlapping routes` };
    }
    return {
        fidelity: "approximated",
        enforced: `Cloud Armor denies (403: Cloud Armor cannot answer 413) a request whose Content-Length declares more than ${mb * MIB} bytes (${mb} MiB)${route ? " on this route" : ""}; Cloud Run refuses any HTTP/1 body over ${CLOUD_RUN_HTTP1_MAX_MIB} MiB`,
    };
}

export const gcpEdge: EdgeModel = {
    target: "gcp",
    capabilities: {
        "loadBalancer.maxBodyMb": `up to ${CLOUD_RUN_HTTP1_MAX_MIB} MiB (Cloud Run's HTTP/1 limit; more is refused): approximated, Cloud Armor denies a declared Content-Length above it (403)`,
        "loadBalancer.idleTimeoutSeconds": `approximated: Cloud Run request timeout (total, not idle), up to ${CLOUD_RUN_TIMEOUT_MAX} s; more is refused`,
        "loadBalancer.headers": "exact: backend service custom response headers",
        "loadBalancer.hstsIncludeSubdomains": "exact",
        "routes[].maxBodyMb": "approximated, per route (Cloud Armor rule on the route's match), same 32 MiB ceiling",
        "routes[].timeoutSeconds": "approximated: one Cloud Run timeout per service, the longest of its routes",
        "routes[].rateLimit": "approximated: Cloud Armor throttle, N per 10 s (per second) or per 60 s (per minute) incl. burst, per IP, 429; over 1,000,000 per interval refused",
        "routes[].accessLogs": "approximated: still logged (logging is per backend service)",
        "routes[].websocket": "approximated: closed after the service's Cloud Run timeout (total), no session affinity; clients reconnect",
        "routes[].headers": "exact: URL map header action on the route (the service's routes then carry their headers there, not on its backend)",
    },
    judge(ask: EdgeAsk, settings: Settings): EdgeJudgement {
        const lb = settings.loadBalancer!;
        const route = ask.route;
        switch (ask.key) {
            case "loadBalancer.maxBodyMb":
                return bodyJudgement(lb, lb.maxBodyMb);
            case "routes[].maxBodyMb":
                return bodyJudgement(lb, bodyMb(lb, route!), route);
            case "loadBalancer.idleTimeoutSeconds":
            case "routes[].timeoutSeconds": {
                const asked = route ? timeoutSeconds(lb, route) : lb.idleTimeoutSeconds;
                if (asked > CLOUD_RUN_TIMEOUT_MAX) {
                    return { fidelity: "refused", enforced: `the Cloud Run request timeout is at most ${CLOUD_RUN_TIMEOUT_MAX} s; nearest: ${CLOUD_RUN_TIMEOUT_MAX}` };
                }
                const services = [...new Set((route ? [route] : lb.routes).map((r) => r.service))];
                const per = services.map((s) => `${s} ${runRequestTimeout(lb, s)} s`).join(", ");
                return { fidelity: "approximated", enforced: `Cloud Run request timeout (${per}): a request ends after that long in total, idle or not; one timeout per service, the longest of its routes` };
            }
            case "routes[].websocket":
                return { fidelity: "approximated", enforced: `a WebSocket is closed after ${runRequestTimeout(lb, route!.service)} s in total (the Cloud Run request timeout of ${route!.service}), then the client must reconnect; no session affinity` };
            case "routes[].rateLimit": {
                const { count, intervalSec } = armorThreshold(route!.rateLimit!);
                if (count > ARMOR_MAX_COUNT) {
                    const { requests, burst } = route!.rateLimit!;
                    const nearest = Math.floor((ARMOR_MAX_COUNT - Math.min(burst, ARMOR_MAX_COUNT)) / 10);
                    return { fidelity: "refused", enforced: `Cloud Armor counts at most ${ARMOR_MAX_COUNT} requests per interval, and ${requests} r/s burst ${burst} needs ${count} per ${intervalSec} s; nearest: ${nearest} r/s with burst ${burst}` };
                }
                return { fidelity: "approximated", enforced: `Cloud Armor throttle ${count} requests per ${intervalSec} s per IP, then 429 (fixed windows, no token bucket)` };
            }
            case "routes[].accessLogs":
                return { fidelity: "approximated", enforced: `still logged: request logging is per backend service (every route of ${route!.service})` };
            case "loadBalancer.headers":
            case "loadBalancer.hstsIncludeSubdomains": {
                const name = ask.at.slice("loadBalancer.headers.".length);
                if (name === HSTS_HEADER && !lb.domain) return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                return { fidelity: "exact", enforced: "custom response header on every backend service (URL map header action on each route of a service with per-route headers)" };
            }
            case "routes[].headers": {
                if (ask.header === HSTS_HEADER && !lb.domain) return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                return ask.value === false
                    ? { fidelity: "exact", enforced: `not sent on this route: its URL map header action leaves ${ask.header} out, and backend ${route!.service} adds no custom headers` }
                    : { fidelity: "exact", enforced: `URL map header action on this route: responseHeadersToAdd ${ask.header} (replace)` };
            }
        }
    },
};
