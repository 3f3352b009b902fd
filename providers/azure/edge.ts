import type * as inputs from "@pulumi/azure-native/types/input";
import { bodyMb, bodyRules, EdgeAsk, EdgeJudgement, EdgeModel, greaterThanRegex, longestTimeout, MIB, routeHeaders, sameHeaders, timeoutSeconds } from "../../components/edge";
import { orderRoutes, pathMatch, pathRegexBody } from "../../components/routes";
import { LoadBalancerSettings, RateLimit, RouteSettings, Settings } from "../../stacks/settings";

/**
 * What the Front Door (Standard/Premium) + WAF edge makes of each setting. Sources:
 * - origin response timeout 16-240 s, one per profile (Front Door troubleshooting, "configure
 *   the Origin response timeout ... between 16 and 240 seconds");
 * - WAF custom rules: operators LessThan/GreaterThan compare a variable's *size*, not its value;
 *   RegEx works on a request header (WAF on Front Door, "Custom rules"), so the body limit is a
 *   regex on Content-Length; a policy has one block status (customBlockResponseStatusCode);
 * - rate-limit rules count per 1- or 5-minute window (rateLimitDurationInMinutes) per client
 *   address, with no burst;
 * - response headers: rule set ModifyResponseHeader actions, any header; rule sets attach per
 *   route, so a route with its own headers gets its own rule set; "up to 10 conditions and 5
 *   actions for one rule" (Front Door docs, "Configure rule sets in Azure Front Door",
 *   learn.microsoft.com/azure/frontdoor/standard-premium/how-to-configure-rule-set); at most 100
 *   (Standard) / 200 (Premium) rule sets per profile and 100 rules per rule set, and rules engine
 *   action header values of at most 640 characters (Azure subscription limits, Front Door
 *   Standard/Premium, MicrosoftDocs/azure-docs includes/front-door-limits.md at 03af76e6);
 * - access logs are a diagnostic setting of the whole profile.
 */
export const FRONT_DOOR_TIMEOUT = { min: 16, max: 240 } as const;
/** Front Door WAF custom rule: match conditions per rule. */
export const FRONT_DOOR_MAX_CONDITIONS = 10;
/** Front Door rules engine: actions per rule, rules per rule set, rule sets per profile, header value length. */
export const RULE_ACTIONS = 5;
export const RULES_PER_RULE_SET = 100;
export const RULE_SETS = { standard: 100, premium: 200 } as const;
export const HEADER_VALUE_MAX = 640;
/** The one status a Front Door WAF policy blocks with (the rate limits' 429). */
export const FRONT_DOOR_BLOCK_STATUS = 429;

/** The profile's origin response timeout: the longest any route asks for, within 16-240 s. */
export function frontDoorTimeout(lb: LoadBalancerSettings): number {
    return Math.min(FRONT_DOOR_TIMEOUT.max, Math.max(FRONT_DOOR_TIMEOUT.min, longestTimeout(lb)));
}

/**
 * Front Door counts per 1- or 5-minute window, not per second: a per-second rate becomes the
 * same volume per minute (10 req/s → 600/min), so short bursts inside the minute are allowed.
 */
export function frontDoorRateLimit(limit: RateLimit): { threshold: number; minutes: number } {
    return limit.per === "second" ? { threshold: limit.requests * 60, minutes: 1 } : { threshold: limit.requests, minutes: 1 };
}

/** The WAF conditions matching a route's requests (host and path as Front Door routes them). */
export function wafRouteConditions(route: RouteSettings, negate = false): inputs.frontdoor.MatchConditionArgs[] {
    const conditions: inputs.frontdoor.MatchConditionArgs[] = [];
    // RequestUri is the full URL: match the path part, with or without a query string.
    if (pathMatch(route.path).kind === "all") {
        if (!negate) conditions.push({ matchVariable: "RequestUri", operator: "Any", matchValue: [] });
    } else {
        conditions.push({ matchVariable: "RequestUri", operator: "RegEx", matchValue: [`^https?://[^/]+${pathRegexBody(route.path.toLowerCase())}(\\?.*)?$`], transforms: ["Lowercase"], ...(negate ? { negateCondition: true } : {}) });
    }
    if (route.host && !negate) {
        conditions.push({ matchVariable: "RequestHeader", selector: "Host", operator: "Equal", matchValue: [route.host], transforms: ["Lowercase"] });
    }
    return conditions;
}

/**
 * The WAF match rules for bodies (components/edge.ts bodyRules): each blocks a declared
 * Content-Length over its limit on its route (or everywhere), minus the routes with a rule of
 * their own, excluded by negating their path (a condition list is a conjunction, so another
 * host's route is left out by its path alone).
 */
export function frontDoorBodyRules(lb: LoadBalancerSettings): { route?: RouteSettings; mb: number; conditions: inputs.frontdoor.MatchConditionArgs[] }[] {
    return bodyRules(lb, orderRoutes(lb.routes)).map(({ route, mb, except }) => ({
        route,
        mb,
        conditions: [
            ...(route ? wafRouteConditions(route).filter((c) => c.operator !== "Any") : []),
            ...except.flatMap((s) => wafRouteConditions(s, true)),
            { matchVariable: "RequestHeader", selector: "Content-Length", operator: "RegEx", matchValue: [greaterThanRegex(mb * MIB)] },
        ],
    }));
}

/**
 * The header sets the routes send, each with the routes sending it: the load balancer's set first
 * (always: its rule set keeps its name), then each distinct per-route set in config order.
 */
export function headerSets(lb: LoadBalancerSettings): { headers: Record<string, string>; routes: RouteSettings[] }[] {
    const sets = [{ headers: lb.headers, routes: [] as RouteSettings[] }];
    for (const route of lb.routes) {
        const own = routeHeaders(lb, route);
        const set = sets.find((s) => sameHeaders(s.headers, own));
        if (set) set.routes.push(route);
        else sets.push({ headers: own, routes: [route] });
    }
    return sets;
}

function headerJudgement(settings: Settings, ask: EdgeAsk): EdgeJudgement {
    const lb = settings.loadBalancer!;
    if (typeof ask.value === "string" && ask.value.length > HEADER_VALUE_MAX) {
        return { fidelity: "refused", enforced: `Front Door rules engine header values are at most ${HEADER_VALUE_MAX} characters (this one has ${ask.value.length}); nearest: a shorter value, or the header sent by the service` };
    }
    const tier = settings.environment === "prod" ? "premium" : "standard";
    const sets = headerSets(lb).length;
    if (ask.key === "routes[].headers" && sets > RULE_SETS[tier]) {
        return { fidelity: "refused", enforced: `the routes need ${sets} distinct header sets, one Front Door rule set each, and a ${tier} profile holds at most ${RULE_SETS[tier]}; nearest: routes sharing the same headers` };
    }
    const rules = Math.ceil(Object.keys(ask.route ? routeHeaders(lb, ask.route) : lb.headers).length / RULE_ACTIONS);
    if (rules > RULES_PER_RULE_SET) {
        return { fidelity: "refused", enforced: `${rules} rules of ${RULE_ACTIONS} header actions each, and a rule set holds at most ${RULES_PER_RULE_SET}; nearest: at most ${RULES_PER_RULE_SET * RULE_ACTIONS} headers` };
    }
    if (ask.key !== "routes[].headers") return { fidelity: "exact", enforced: "Front Door rule set: ModifyResponseHeader (Overwrite) on every route" };
    return ask.value === false
        ? { fidelity: "exact", enforced: `not sent on this route: its own Front Door rule set leaves ${ask.header} out` }
        : { fidelity: "exact", enforced: `this route's own Front Door rule set: ModifyResponseHeader ${ask.header} (Overwrite)` };
}

function bodyJudgement(lb: LoadBalancerSettings, mb: number, route?: RouteSettings): EdgeJudgement {
    const rule = frontDoorBodyRules(lb).find((r) => r.route === route);
    if (rule && rule.conditions.length > FRONT_DOOR_MAX_CONDITIONS) {
        return { fidelity: "refused", enforced: `the WAF rule for this route needs ${rule.conditions.length} match conditions (at most ${FRONT_DOOR_MAX_CONDITIONS}); nearest: the same limit on the overlapping routes` };
    }
    return {
        fidelity: "approximated",
        enforced: `Front Door WAF blocks (${FRONT_DOOR_BLOCK_STATUS}, the policy's one block status) a request whose Content-Length declares more than ${mb * MIB} bytes (${mb} MiB)${route ? " on this route" : ""}; a chunked body without Content-Length is not limited`,
    };
}

export const azureEdge: EdgeModel = {
    target: "azure",
    capabilities: {
        "loadBalancer.maxBodyMb": `approximated: WAF blocks a declared Content-Length above it (${FRONT_DOOR_BLOCK_STATUS}); chunked bodies are not limited`,
        "loadBalancer.idleTimeoutSeconds": `approximated: Front Door origin response timeout (${FRONT_DOOR_TIMEOUT.min}-${FRONT_DOOR_TIMEOUT.max} s, one per profile); more is refused`,
        "loadBalancer.headers": `exact: rule set ModifyResponseHeader (overwrite), values up to ${HEADER_VALUE_MAX} characters`,
        "loadBalancer.hstsIncludeSubdomains": "exact",
        "routes[].maxBodyMb": "approximated, per route (WAF rule on the route's path)",
        "routes[].timeoutSeconds": "approximated: one origin response timeout for the profile, the longest route's",
        "routes[].rateLimit": "approximated: WAF rate-limit rule, N per 1-minute window per client address (per-second rates × 60), burst dropped, 429",
        "routes[].accessLogs": "approximated: still logged (Front Door logs per profile)",
        "routes[].websocket": "approximated: carried by Front Door within its origin response timeout; no session affinity",
        "routes[].headers": `exact: the route's own rule set (at most ${RULE_SETS.standard} rule sets per Standard profile, ${RULE_SETS.premium} Premium; values up to ${HEADER_VALUE_MAX} characters)`,
    },
    judge(ask: EdgeAsk, settings: Settings): EdgeJudgement {
        const lb = settings.loadBalancer!;
        const route = ask.route;
        const timeout = frontDoorTimeout(lb);
        switch (ask.key) {
            case "loadBalancer.maxBodyMb":
                return bodyJudgement(lb, lb.maxBodyMb);
            case "routes[].maxBodyMb":
                return bodyJudgement(lb, bodyMb(lb, route!), route);
            case "loadBalancer.idleTimeoutSeconds":
            case "routes[].timeoutSeconds": {
                const asked = route ? timeoutSeconds(lb, route) : lb.idleTimeoutSeconds;
                if (asked > FRONT_DOOR_TIMEOUT.max) {
                    return { fidelity: "refused", enforced: `Front Door waits at most ${FRONT_DOOR_TIMEOUT.max} s for an origin (originResponseTimeoutSeconds ${FRONT_DOOR_TIMEOUT.min}-${FRONT_DOOR_TIMEOUT.max}); nearest: ${FRONT_DOOR_TIMEOUT.max}` };
                }
                return { fidelity: "approximated", enforced: `Front Door origin response timeout ${timeout} s for every route (one per profile; a time to answer, not an idle timeout)` };
            }
            case "routes[].websocket":
                return { fidelity: "approximated", enforced: `Front Door carries the WebSocket upgrade; its origin response timeout is ${timeout} s and there is no session affinity` };
            case "routes[].rateLimit": {
                const { threshold, minutes } = frontDoorRateLimit(route!.rateLimit!);
                return { fidelity: "approximated", enforced: `Front Door WAF ${threshold} requests per ${minutes} min per client address, then ${FRONT_DOOR_BLOCK_STATUS}; the burst is not expressible` };
            }
            case "routes[].accessLogs":
                return { fidelity: "approximated", enforced: "still logged: Front Door access logs are a setting of the whole profile" };
            case "loadBalancer.headers":
            case "loadBalancer.hstsIncludeSubdomains":
            case "routes[].headers":
                return headerJudgement(settings, ask);
        }
    },
};
