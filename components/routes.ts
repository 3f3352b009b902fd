import { RouteSettings } from "../stacks/settings";

/**
 * What a configured route path matches, the same on every target:
 * `/` everything; `/x/*` the path `/x` and everything under `/x/`; anything else that exact path.
 */
export type PathMatch = { kind: "all" } | { kind: "prefix"; prefix: string } | { kind: "exact"; path: string };

export function pathMatch(path: string): PathMatch {
    if (path === "/") {
        return { kind: "all" };
    }
    if (path.endsWith("/*")) {
        return { kind: "prefix", prefix: path.slice(0, -2) };
    }
    return { kind: "exact", path };
}

/**
 * The same match as `*`-wildcard patterns (ALB path patterns, URL-map path rules, Front Door
 * patterns); undefined for a route that matches everything (the default action).
 */
export function wildcardPatterns(path: string): string[] | undefined {
    const m = pathMatch(path);
    return m.kind === "all" ? undefined : m.kind === "prefix" ? [m.prefix, `${m.prefix}/*`] : [m.path];
}

/** The request path (without query) as an unanchored regular expression, for WAF rules. */
export function pathRegexBody(path: string): string {
    const m = pathMatch(path);
    return m.kind === "all" ? "/.*" : m.kind === "prefix" ? `${escapeRegex(m.prefix)}(/.*)?` : escapeRegex(m.path);
}

/** The same, anchored to the whole path. */
export function pathRegex(path: string): string {
    return `^${pathRegexBody(path)}$`;
}

export function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Most specific first: host routes before host-less ones, then exact paths, then longer
 * prefixes, the catch-all last. Targets that evaluate rules in order use this order.
 */
export function orderRoutes<T extends RouteSettings>(routes: T[]): T[] {
    const rank = (r: RouteSettings) => ({ exact: 0, prefix: 1, all: 2 })[pathMatch(r.path).kind];
    return [...routes].sort((a, b) => Number(!a.host) - Number(!b.host) || rank(a) - rank(b) || b.path.length - a.path.length || a.path.localeCompare(b.path));
}
