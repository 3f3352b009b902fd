import { LoadBalancerSettings, RouteSettings } from "../../stacks/settings";
import { wildcardPatterns } from "../../components/routes";
import { HSTS_HEADER, routeHeaders, routesWithOwnHeaders } from "../../components/edge";

/** The response headers a set sends: HSTS over HTTPS only. */
export function sentHeaders(set: Record<string, string>, https: boolean): [string, string][] {
    return Object.entries(set).filter(([name]) => https || name !== HSTS_HEADER);
}

/**
 * The services whose routes carry their headers in the URL map (one of their routes has its own,
 * routes[].headers): their backends send none. A backend's custom headers apply to every route to
 * it, and their order against a URL map header action is not documented, so a service's headers
 * come from one place.
 */
export function servicesWithRouteHeaders(lb: LoadBalancerSettings): Set<string> {
    return new Set(routesWithOwnHeaders(lb).map((r) => r.service));
}

/** responseHeadersToAdd of a URL map header action (compute API HttpHeaderAction), each replacing what the service sent. */
export interface HeaderAction {
    responseHeadersToAdds: { headerName: string; headerValue: string; replace: boolean }[];
}
/** A route's backend: the service, or (with a header action) a weighted backend service of weight 100. */
export type Target<S> = { service: S } | { routeAction: { weightedBackendServices: { backendService: S; weight: number; headerAction: HeaderAction }[] } };

/**
 * The routing part of the URL map: one host rule and path matcher per host ("*" = any host), a
 * path rule per route, the route at "/" (or the host's first) as the matcher's default. Pure and
 * generic in how a service is named, so the load balancer builds it with backend-service ids and
 * the config check measures it with the URLs the API stores, before anything exists. With
 * `headers`, the routes of a service with per-route headers carry their set as a header action
 * (pathRules[].routeAction.weightedBackendServices[].headerAction; header actions are "not
 * supported for load balancers that have their loadBalancingScheme set to EXTERNAL", this one is
 * EXTERNAL_MANAGED: compute API UrlMap, HttpHeaderAction).
 */
export interface UrlMapLayout<S> {
    defaultService?: S;
    defaultRouteAction?: Extract<Target<S>, { routeAction: unknown }>["routeAction"];
    hostRules: { hosts: string[]; pathMatcher: string }[];
    pathMatchers: { name: string; defaultService?: S; defaultRouteAction?: UrlMapLayout<S>["defaultRouteAction"]; pathRules: ({ paths: string[] } & Target<S>)[] }[];
}

export function urlMapLayout<S>(routes: RouteSettings[], service: (name: string) => S, headers?: { lb: LoadBalancerSettings; https: boolean }): UrlMapLayout<S> {
    const perRoute = headers ? servicesWithRouteHeaders(headers.lb) : new Set<string>();
    const target = (name: string, set: Record<string, string>): Target<S> =>
        perRoute.has(name)
            ? { routeAction: { weightedBackendServices: [{ backendService: service(name), weight: 100, headerAction: { responseHeadersToAdds: sentHeaders(set, headers!.https).map(([headerName, headerValue]) => ({ headerName, headerValue, replace: true })) } }] } }
            : { service: service(name) };
    const groups = new Map<string, RouteSettings[]>();
    for (const r of routes) {
        const key = r.host ?? "*";
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    // The default: the catch-all route's service with its headers, else the first route's service
    // with the load balancer's headers.
    const catchAll = (group: RouteSettings[]) => {
        const all = group.find((r) => r.path === "/");
        const t = target((all ?? group[0]).service, headers ? (all ? routeHeaders(headers.lb, all) : headers.lb.headers) : {});
        return "service" in t ? { defaultService: t.service } : { defaultRouteAction: t.routeAction };
    };
    const hostRules: UrlMapLayout<S>["hostRules"] = [];
    const pathMatchers: UrlMapLayout<S>["pathMatchers"] = [];
    [...groups.entries()].forEach(([host, group], i) => {
        const matcher = host === "*" ? "any-host" : `host-${i}`;
        hostRules.push({ hosts: [host], pathMatcher: matcher });
        pathMatchers.push({
            name: matcher,
            ...catchAll(group),
            pathRules: group.flatMap((r) => {
                const paths = wildcardPatterns(r.path);
                return paths ? [{ paths, ...target(r.service, headers ? routeHeaders(headers.lb, r) : {}) }] : [];
            }),
        });
    });
    return { ...catchAll(groups.get("*") ?? routes), hostRules, pathMatchers };
}

/**
 * A global external Application Load Balancer's URL map holds at most 1 MB: "Individual URL maps are
 * limited to 1 MB of data each" (Cloud Load Balancing, "Routing configuration size and quota units",
 * docs.cloud.google.com/load-balancing/docs/routing-config-size-quota). A fixed limit, unlike the
 * per-project counts of URL maps and backend services, which are quotas a project can raise. Past
 * it the API refuses the map after the backend services already exist. Taken as 10^6 bytes.
 */
export const URL_MAP_MAX_BYTES = 1_000_000;

/** The stored size of the URL map named `name`, each service by the full backend-service URL the API keeps. */
export function urlMapBytes(name: string, routes: RouteSettings[], backendServiceUrl: (service: string) => string, headers?: { lb: LoadBalancerSettings; https: boolean }): number {
    if (routes.length === 0) return 0;
    return Buffer.byteLength(JSON.stringify({ name, ...urlMapLayout(routes, backendServiceUrl, headers) }));
}
