import { RouteSettings } from "../../stacks/settings";
import { wildcardPatterns } from "../../components/routes";

/**
 * The routing part of the URL map: one host rule and path matcher per host ("*" = any host), a
 * path rule per route, the route at "/" (or the host's first) as the matcher's default. Pure and
 * generic in how a service is named, so the load balancer builds it with backend-service ids and
 * the config check measures it with the URLs the API stores, before anything exists.
 */
export interface UrlMapLayout<S> {
    defaultService: S;
    hostRules: { hosts: string[]; pathMatcher: string }[];
    pathMatchers: { name: string; defaultService: S; pathRules: { paths: string[]; service: S }[] }[];
}

export function urlMapLayout<S>(routes: RouteSettings[], service: (name: string) => S): UrlMapLayout<S> {
    const groups = new Map<string, RouteSettings[]>();
    for (const r of routes) {
        const key = r.host ?? "*";
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const catchAll = (group: RouteSettings[]) => service((group.find((r) => r.path === "/") ?? group[0]).service);
    const hostRules: UrlMapLayout<S>["hostRules"] = [];
    const pathMatchers: UrlMapLayout<S>["pathMatchers"] = [];
    [...groups.entries()].forEach(([host, group], i) => {
        const matcher = host === "*" ? "any-host" : `host-${i}`;
        hostRules.push({ hosts: [host], pathMatcher: matcher });
        pathMatchers.push({
            name: matcher,
            defaultService: catchAll(group),
            pathRules: group.flatMap((r) => {
                const paths = wildcardPatterns(r.path);
                return paths ? [{ paths, service: service(r.service) }] : [];
            }),
        });
    });
    return { defaultService: catchAll(groups.get("*") ?? routes), hostRules, pathMatchers };
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
export function urlMapBytes(name: string, routes: RouteSettings[], backendServiceUrl: (service: string) => string): number {
    if (routes.length === 0) return 0;
    return Buffer.byteLength(JSON.stringify({ name, ...urlMapLayout(routes, backendServiceUrl) }));
}
