import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as dns from "@pulumi/gcp/dns";
import { ChildOptions, DnsRecord, LoadBalancerArgs, LoadBalancerOutputs } from "../../components/backend";
import { loadBalancerAlerts } from "./alerts";
import { GcpContext } from "./context";
import { armorBodyRules, armorThreshold, routeExpression } from "./edge";
import { hash } from "./naming";
import { orderRoutes } from "../../components/routes";
import { sentHeaders, servicesWithRouteHeaders, urlMapLayout } from "./url-map";

/**
 * Global external Application Load Balancer (EXTERNAL_MANAGED) in front of Cloud Run through
 * serverless NEGs. Created before the services: a NEG only needs the Cloud Run service *name*,
 * which the naming helper derives. HTTPS with a Google-managed certificate and a MODERN TLS 1.2+
 * policy when a domain is set (port 80 redirects); plain HTTP on the LB IP otherwise (dev).
 */
export function createLoadBalancer(ctx: GcpContext, name: string, args: LoadBalancerArgs, opts: ChildOptions): LoadBalancerOutputs {
    const parent = opts.parent;
    const https = args.domain !== undefined;
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, ["compute"], extra);

    const ip = new compute.GlobalAddress(`${name}-ip`, { name: ctx.naming.resource("lb-ip"), addressType: "EXTERNAL", ipVersion: "IPV4" }, o());

    const limited = orderRoutes(args.routes.filter((r) => r.rateLimit));
    const policy = new compute.SecurityPolicy(
        `${name}-armor`,
        {
            name: ctx.naming.resource("armor"),
            type: "CLOUD_ARMOR",
            description: "anycloud per-route body limits and rate limits",
            advancedOptionsConfig: { jsonParsing: "STANDARD", logLevel: "NORMAL" },
            rules: [
                // Bodies: a declared Content-Length over the route's limit is denied (Cloud Armor
                // has no 413; providers/gcp/edge.ts reports it). Evaluated before the throttles.
                ...armorBodyRules(args).map((b, i) => ({
                    priority: 500 + i * 10,
                    action: "deny(403)",
                    description: (b.route ? `body limit ${b.route.host ?? "*"}${b.route.path}` : "body limit").slice(0, 64),
                    match: { expr: { expression: b.expression } },
                })),
                ...limited.map((r, i) => ({
                    priority: 1000 + i * 10,
                    action: "throttle",
                    description: `rate limit ${r.host ?? "*"}${r.path}`.slice(0, 64),
                    match: { expr: { expression: routeExpression(r) } },
                    rateLimitOptions: {
                        conformAction: "allow",
                        exceedAction: "deny(429)",
                        enforceOnKey: "IP",
                        rateLimitThreshold: armorThreshold(r.rateLimit!),
                    },
                })),
                {
                    priority: 2147483647,
                    action: "allow",
                    description: "default allow",
                    match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
                },
            ],
        },
        o(),
    );

    // The stack's response headers on every backend; HSTS over HTTPS only. A service with a route
    // of its own headers (routes[].headers) gets none on its backend: each of its routes carries
    // its whole set as a URL map header action instead (url-map.ts).
    const headers = sentHeaders(args.headers, https).map(([name, value]) => `${name}: ${value}`);
    const perRoute = servicesWithRouteHeaders(args);

    const backends: Record<string, compute.BackendService> = {};
    for (const svc of args.services) {
        const neg = new compute.RegionNetworkEndpointGroup(
            `${name}-neg-${svc.name}`,
            { name: ctx.naming.resource(`neg-${svc.name}`), region: ctx.region, networkEndpointType: "SERVERLESS", cloudRun: { service: ctx.naming.runService(svc.name) } },
            o(),
        );
        // No health check: serverless NEGs do not take one (Cloud Run probes the health path).
        backends[svc.name] = new compute.BackendService(
            `${name}-be-${svc.name}`,
            {
                name: ctx.naming.resource(`be-${svc.name}`),
                loadBalancingScheme: "EXTERNAL_MANAGED",
                protocol: "HTTPS",
                backends: [{ group: neg.id }],
                securityPolicy: policy.selfLink,
                ...(perRoute.has(svc.name) ? {} : { customResponseHeaders: headers }),
                logConfig: { enable: true, sampleRate: 1 },
            },
            o(),
        );
    }

    const urlMap = new compute.URLMap(
        `${name}-urlmap`,
        { name: ctx.naming.resource("urlmap"), ...urlMapLayout(args.routes, (service) => backends[service].id, { lb: args, https }) },
        o(),
    );

    const hostNames = [...new Set([...(args.domain ? [args.domain] : []), ...args.routes.flatMap((r) => (r.host ? [r.host] : []))])];
    if (https) {
        // The name follows the domains, and the new certificate is created first: the HTTPS proxy
        // moves to it before the old one is deleted (an in-use certificate cannot be deleted:
        // resourceInUseByAnotherResource, terraform-provider-google#6147).
        const cert = new compute.ManagedSslCertificate(
            `${name}-cert`,
            { name: ctx.naming.resource(`cert-${hash(hostNames.join(","))}`), managed: { domains: hostNames } },
            o({ deleteBeforeReplace: false }),
        );
        const sslPolicy = new compute.SSLPolicy(`${name}-ssl`, { name: ctx.naming.resource("ssl"), profile: "MODERN", minTlsVersion: "TLS_1_2" }, o());
        const httpsProxy = new compute.TargetHttpsProxy(
            `${name}-https`,
            { name: ctx.naming.resource("https"), urlMap: urlMap.id, sslCertificates: [cert.id], sslPolicy: sslPolicy.id },
            o(),
        );
        new compute.GlobalForwardingRule(
            `${name}-fr-443`,
            { name: ctx.naming.resource("fr-443"), target: httpsProxy.id, ipAddress: ip.address, portRange: "443", ipProtocol: "TCP", loadBalancingScheme: "EXTERNAL_MANAGED" },
            o(),
        );
        const redirect = new compute.URLMap(
            `${name}-redirect`,
            { name: ctx.naming.resource("redirect"), defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT", stripQuery: false } },
            o(),
        );
        const httpProxy = new compute.TargetHttpProxy(`${name}-http`, { name: ctx.naming.resource("http"), urlMap: redirect.id }, o());
        new compute.GlobalForwardingRule(
            `${name}-fr-80`,
            { name: ctx.naming.resource("fr-80"), target: httpProxy.id, ipAddress: ip.address, portRange: "80", ipProtocol: "TCP", loadBalancingScheme: "EXTERNAL_MANAGED" },
            o(),
        );
    } else {
        const httpProxy = new compute.TargetHttpProxy(`${name}-http`, { name: ctx.naming.resource("http"), urlMap: urlMap.id }, o());
        new compute.GlobalForwardingRule(
            `${name}-fr-80`,
            { name: ctx.naming.resource("fr-80"), target: httpProxy.id, ipAddress: ip.address, portRange: "80", ipProtocol: "TCP", loadBalancingScheme: "EXTERNAL_MANAGED" },
            o(),
        );
    }

    if (args.dnsZone) {
        for (const host of hostNames) {
            new dns.RecordSet(
                `${name}-dns-${host}`,
                { managedZone: args.dnsZone, name: `${host}.`, type: "A", ttl: 300, rrdatas: [ip.address] },
                ctx.opts(parent, ["dns"]),
            );
        }
    }

    loadBalancerAlerts(ctx, parent, urlMap);

    const dnsRecords: pulumi.Output<DnsRecord[]> = ip.address.apply((addr) =>
        hostNames.map((host) => ({ name: host, type: "A", value: addr, purpose: "load balancer address; the managed certificate is issued once this resolves" })),
    );
    return {
        url: https ? pulumi.output(`https://${args.domain}`) : pulumi.interpolate`http://${ip.address}`,
        address: ip.address,
        https,
        dnsRecords,
    };
}
