import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ChildOptions, LoadBalancerArgs, LoadBalancerOutputs } from "../../components/backend";
import { LocalContext } from "./context";
import { NGINX_IMAGE } from "./images";
import { LocalNetworks } from "./network";
import { renderNginxConfig } from "./nginx-config";

const HEALTH_PORT = 8081;

/** nginx in a container, configured from the route table; the only container with a published port. */
export function createLoadBalancer(ctx: LocalContext, networks: LocalNetworks, name: string, args: LoadBalancerArgs, opts: ChildOptions): LoadBalancerOutputs {
    const tls = ctx.settings.local.tls;
    const config = renderNginxConfig({
        routes: args.routes,
        upstreams: Object.fromEntries(args.services.map((s) => [s.name, `http://${s.name}:${s.port}`])),
        maxBodyMb: args.maxBodyMb,
        idleTimeoutSeconds: args.idleTimeoutSeconds,
        domain: args.domain,
        headers: args.headers,
        tls: tls ? { certificate: "/etc/nginx/tls/cert.pem", key: "/etc/nginx/tls/key.pem", publicHttpsPort: tls.httpsPort } : undefined,
        httpListen: 80,
        httpsListen: 443,
        healthListen: HEALTH_PORT,
        resolver: "127.0.0.11",
    });
    const image = ctx.image(opts.parent, name, NGINX_IMAGE);
    const ports = [{ internal: 80, external: ctx.settings.local.httpPort }];
    const uploads: docker.types.input.ContainerUpload[] = [{ file: "/etc/nginx/nginx.conf", content: config }];
    if (tls) {
        ports.push({ internal: 443, external: tls.httpsPort });
        uploads.push({ file: "/etc/nginx/tls/cert.pem", source: tls.certFile }, { file: "/etc/nginx/tls/key.pem", source: tls.keyFile, permissions: "0600" });
    }
    new docker.Container(
        `${name}-nginx`,
        {
            name: ctx.name("lb"),
            image: image.imageId,
            ports,
            uploads,
            networksAdvanced: [{ name: networks.edge.name }],
            healthcheck: { tests: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${HEALTH_PORT}/ || exit 1`], interval: "10s", timeout: "3s", retries: 3, startPeriod: "5s" },
            restart: "unless-stopped",
            wait: true,
            waitTimeout: 60,
            labels: ctx.labels("lb"),
        },
        ctx.opts(opts.parent),
    );
    const host = args.domain ?? "localhost";
    const url = tls ? `https://${host}${tls.httpsPort === 443 ? "" : `:${tls.httpsPort}`}` : `http://${host}${ctx.settings.local.httpPort === 80 ? "" : `:${ctx.settings.local.httpPort}`}`;
    return { url: pulumi.output(url), address: pulumi.output(host), https: !!tls, dnsRecords: pulumi.output([]) };
}
