import { orderRoutes, pathMatch } from "../../components/routes";
import { RouteSettings, Settings } from "../settings";

export interface HealthTarget {
    service: string;
    url: string;
}

export interface HealthPlan {
    targets: HealthTarget[];
    /** Public services that cannot be probed through the load balancer, with why. */
    skipped: string[];
}

export interface HealthCheck extends HealthTarget {
    ok: boolean;
    /** Last HTTP status, or the network error. */
    status?: number;
    error?: string;
    seconds: number;
}

export interface HealthResult {
    ok: boolean;
    checks: HealthCheck[];
    skipped: string[];
}

/**
 * One URL per public service: its health path, on the host and path whose winning route (the
 * load balancer's own order, `components/routes.ts`) sends the request to that service.
 */
export function healthTargets(settings: Settings, baseUrl: string): HealthPlan {
    const base = baseUrl.replace(/\/+$/, "");
    const scheme = new URL(base).protocol;
    const routes = orderRoutes(settings.loadBalancer?.routes ?? []);
    const targets: HealthTarget[] = [];
    const skipped: string[] = [];
    for (const service of settings.services.filter((s) => s.public)) {
        const healthPath = service.healthPath ?? "/health";
        // The default host first, then the hosts of the service's own host routes.
        const hosts = [undefined, ...new Set(routes.filter((r) => r.service === service.name && r.host).map((r) => r.host))];
        const reachable = hosts.filter((h) => winningRoute(routes, h, healthPath)?.service === service.name);
        if (reachable.length === 0) {
            skipped.push(`${service.name}: no route sends ${healthPath} to it, so the load balancer cannot reach its health path`);
            continue;
        }
        const host = reachable[0];
        targets.push({ service: service.name, url: host === undefined ? `${base}${healthPath}` : `${scheme}//${host}${healthPath}` });
    }
    return { targets, skipped };
}

/** The route a request for `host` + `path` takes: that host's routes first, then the host-less ones. */
function winningRoute(ordered: RouteSettings[], host: string | undefined, path: string): RouteSettings | undefined {
    return ordered.find((r) => (r.host === undefined || r.host === host) && matches(r.path, path));
}

function matches(routePath: string, requestPath: string): boolean {
    const m = pathMatch(routePath);
    return m.kind === "all" || (m.kind === "exact" ? requestPath === m.path : requestPath === m.prefix || requestPath.startsWith(`${m.prefix}/`));
}

export interface WaitOptions {
    timeoutMs: number;
    /** Progress lines (one per change of answer), e.g. to stdout. */
    log?: (line: string) => void;
}

/**
 * Polls every target until each has answered 2xx or 3xx once, or the time is up. A new load
 * balancer, certificate or service often needs minutes, hence polling rather than one request.
 */
export async function waitUntilHealthy(targets: HealthTarget[], options: WaitOptions): Promise<HealthCheck[]> {
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    const interval = Math.min(5000, Math.max(200, options.timeoutMs / 10));
    const checks: HealthCheck[] = targets.map((t) => ({ ...t, ok: false, seconds: 0 }));
    const lastAnswer = new Map<string, string>();
    for (;;) {
        await Promise.all(
            checks
                .filter((c) => !c.ok)
                .map(async (c) => {
                    const answer = await probe(c.url, Math.max(1000, Math.min(10_000, deadline - Date.now())));
                    c.status = answer.status;
                    c.error = answer.error;
                    c.ok = answer.status !== undefined && answer.status >= 200 && answer.status < 400;
                    c.seconds = Math.round((Date.now() - started) / 100) / 10;
                    const text = answer.status !== undefined ? `HTTP ${answer.status}` : `${answer.error}`;
                    if (lastAnswer.get(c.url) !== text) {
                        lastAnswer.set(c.url, text);
                        options.log?.(`  ${c.service}: ${c.url} → ${text}${c.ok ? "" : " (waiting)"}`);
                    }
                }),
        );
        if (checks.every((c) => c.ok) || Date.now() + interval > deadline) {
            return checks;
        }
        await new Promise((resolve) => setTimeout(resolve, interval));
    }
}

async function probe(url: string, timeoutMs: number): Promise<{ status?: number; error?: string }> {
    try {
        // A redirect (HTTP → HTTPS, a login page) already proves the service answers.
        const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel();
        return { status: response.status };
    } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        return { error: cause?.code ?? cause?.message ?? (e as Error).name ?? String(e) };
    }
}
