import { bodyMb, EdgeAsk, EdgeJudgement, EdgeModel, HSTS_HEADER, timeoutSeconds } from "../../components/edge";
import { Settings } from "../../stacks/settings";

/** nginx enforces every edge setting exactly, per location (providers/local/nginx-config.ts, test/nginx.spec.ts). */
export const localEdge: EdgeModel = {
    target: "local",
    capabilities: {
        "loadBalancer.maxBodyMb": "exact: `client_max_body_size`, 413",
        "loadBalancer.idleTimeoutSeconds": "exact: `proxy_read_timeout` / `proxy_send_timeout` (idle between reads/writes)",
        "loadBalancer.headers": "exact: `add_header ... always` (HSTS with local TLS only)",
        "loadBalancer.hstsIncludeSubdomains": "exact",
        "routes[].maxBodyMb": "exact, per location",
        "routes[].timeoutSeconds": "exact, per location",
        "routes[].rateLimit": "exact: `limit_req` rate and burst per client IP, 429",
        "routes[].accessLogs": "exact: `access_log off` per location",
        "routes[].websocket": "exact: upgraded, open while data flows within the route's timeout",
        "routes[].headers": "exact: the route's whole set as `add_header ... always` in its location (a location with add_header inherits none of the server's)",
    },
    judge(ask: EdgeAsk, settings: Settings): EdgeJudgement {
        const lb = settings.loadBalancer!;
        const route = ask.route;
        switch (ask.key) {
            case "loadBalancer.maxBodyMb":
                return { fidelity: "exact", enforced: `nginx answers 413 above ${lb.maxBodyMb} MiB (client_max_body_size ${lb.maxBodyMb}m)` };
            case "routes[].maxBodyMb":
                return { fidelity: "exact", enforced: `nginx answers 413 above ${bodyMb(lb, route!)} MiB on this route` };
            case "loadBalancer.idleTimeoutSeconds":
                return { fidelity: "exact", enforced: `nginx proxy_read_timeout / proxy_send_timeout ${lb.idleTimeoutSeconds}s` };
            case "routes[].timeoutSeconds":
                return { fidelity: "exact", enforced: `nginx proxy_read_timeout / proxy_send_timeout ${timeoutSeconds(lb, route!)}s on this route` };
            case "routes[].websocket":
                return { fidelity: "exact", enforced: `nginx upgrades the connection; it stays open while data flows at least every ${timeoutSeconds(lb, route!)} s` };
            case "routes[].rateLimit": {
                const r = route!.rateLimit!;
                return { fidelity: "exact", enforced: `nginx limit_req ${r.requests}r/${r.per === "second" ? "s" : "m"} burst=${r.burst} per client IP, then 429` };
            }
            case "routes[].accessLogs":
                return { fidelity: "exact", enforced: "nginx access_log off on this route" };
            case "loadBalancer.headers":
            case "loadBalancer.hstsIncludeSubdomains": {
                const name = ask.at.slice("loadBalancer.headers.".length);
                if (name === HSTS_HEADER && !settings.local.tls) {
                    return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                }
                return { fidelity: "exact", enforced: `nginx add_header ${name} ... always` };
            }
            case "routes[].headers": {
                if (ask.header === HSTS_HEADER && !settings.local.tls) return { fidelity: "exact", enforced: "not sent: this stack serves plain HTTP (HSTS is only valid over HTTPS)" };
                return ask.value === false
                    ? { fidelity: "exact", enforced: `nginx sends no ${ask.header} on this route (its location lists its own headers)` }
                    : { fidelity: "exact", enforced: `nginx add_header ${ask.header} ... always in this route's location, with the route's other headers` };
            }
        }
    },
};
