import { wildcardGrants } from "./access-documents";
import { Finding, StackView, TargetChecks } from "./model";
import { dockerEnv, leastPrivilegeData, postgresContainerAdmin, selfManagedSearchAdmin } from "./least-privilege";

/**
 * The local Docker target. A container is reachable from outside the host only through a
 * published port, so "public" means `ports`; data parts sit on internal networks.
 */

const CONTAINER = "docker:index/container:Container";
const DATA_COMPONENTS = ["database", "cache", "search", "storage"];
const LB_COMPONENT = "lb";

function component(props: Record<string, any>): string | undefined {
    const labels: any[] = Array.isArray(props.labels) ? props.labels : [];
    return labels.find((l) => l?.label === "anycloud.component")?.value;
}

const published = (props: Record<string, any>): any[] => (Array.isArray(props.ports) ? props.ports : []);
const portList = (props: Record<string, any>) => published(props).map((p) => `${p.ip ?? "0.0.0.0"}:${p.external ?? "?"}->${p.internal}`).join(", ");

const NO_PROD = "the local target cannot run prod: the prod floor demands HA, which local validate() rejects as a config error";

function edgeTls(stack: StackView): Finding[] {
    const findings: Finding[] = [];
    for (const lb of stack.ofType(CONTAINER).filter((r) => component(r.props) === LB_COMPONENT)) {
        // nginx serves TLS only when the stack gives it a certificate (`local.tls`); then it must be 1.2+ with a redirect.
        if (!published(lb.props).some((p) => p.internal === 443)) continue;
        const uploads: any[] = Array.isArray(lb.props.uploads) ? lb.props.uploads : [];
        const conf: string = uploads.find((u) => u?.file === "/etc/nginx/nginx.conf")?.content ?? "";
        const protocols = [...conf.matchAll(/ssl_protocols\s+([^;]+);/g)].flatMap((m) => m[1].trim().split(/\s+/));
        const weak = protocols.filter((p) => !["TLSv1.2", "TLSv1.3"].includes(p));
        if (protocols.length === 0 || weak.length > 0) {
            findings.push({ urn: lb.urn, message: `nginx allows ${protocols.length === 0 ? "its default TLS protocols" : weak.join(", ")}; only TLSv1.2 and TLSv1.3 are accepted` });
        }
        if (!/return 301 https:\/\//.test(conf)) {
            findings.push({ urn: lb.urn, message: "nginx serves HTTPS but does not redirect HTTP to it (no `return 301 https://...`)" });
        }
    }
    return findings;
}

export const checks: TargetChecks = {
    "data-not-public": {
        resources: {
            [CONTAINER]: (props) => {
                const c = component(props);
                if (c !== undefined && DATA_COMPONENTS.includes(c) && published(props).length > 0) {
                    return `the ${c} container publishes ports on the host (${portList(props)}); data containers are reachable only on their internal network`;
                }
                return undefined;
            },
            "docker:index/network:Network": (props, r) => {
                // A data part's network is internal: no route out, and only its clients attached.
                const part = r.name.replace(/^network-/, "");
                return DATA_COMPONENTS.includes(part) && props.internal !== true ? `the ${part} network is not internal` : undefined;
            },
        },
    },
    "data-encrypted-at-rest": { notApplicable: "Docker volumes live on the developer's disk; encryption at rest is the host's (full-disk encryption), not the program's" },
    "data-encrypted-in-transit": { notApplicable: "data traffic stays on internal bridge networks of one host; the local images run without TLS by design" },
    "edge-tls": { stack: edgeTls },
    "no-wildcard-permissions": {
        resources: {
            [CONTAINER]: (props) => {
                const uploads: any[] = Array.isArray(props.uploads) ? props.uploads : [];
                return uploads
                    .filter((u) => typeof u?.file === "string" && /^\/anycloud\/policy-.+\.json$/.test(u.file))
                    .flatMap((u) => wildcardGrants(u.content).map((p) => `MinIO policy ${u.file}: ${p}`));
            },
        },
    },
    "no-privileged-roles": {
        resources: {
            [CONTAINER]: (props) => {
                const problems: string[] = [];
                if (props.privileged === true) problems.push("the container runs privileged (full access to the host)");
                const adds: string[] = props.capabilities?.adds ?? [];
                if (adds.length > 0) problems.push(`the container adds capabilities ${adds.join(", ")}`);
                const mounts: any[] = [...(props.mounts ?? []), ...(props.volumes ?? [])];
                if (mounts.some((m) => [m?.source, m?.hostPath].includes("/var/run/docker.sock"))) problems.push("the container mounts the Docker socket (root on the host)");
                const uploads: any[] = Array.isArray(props.uploads) ? props.uploads : [];
                for (const u of uploads.filter((x) => typeof x?.content === "string")) {
                    const admin = /mc admin policy attach \S+ (consoleAdmin|readwrite|diagnostics)\b/.exec(u.content);
                    if (admin) problems.push(`${u.file} attaches MinIO's built-in '${admin[1]}' policy to a user`);
                }
                return problems;
            },
        },
    },
    "no-open-ingress": {
        resources: {
            [CONTAINER]: (props) => {
                const c = component(props);
                // The load balancer is the one entry point; data containers are data-not-public's concern.
                if (c === LB_COMPONENT || (c !== undefined && DATA_COMPONENTS.includes(c))) return undefined;
                return published(props).length > 0 ? `the ${c ?? "unlabelled"} container publishes ports on the host (${portList(props)}); only the load balancer may` : undefined;
            },
        },
    },
    "secrets-from-secret-store": { notApplicable: "Docker has no secret store; local services get generated secrets as container env (documented in the README)" },
    "least-privilege-data": { stack: leastPrivilegeData({ [CONTAINER]: dockerEnv }, selfManagedSearchAdmin, postgresContainerAdmin) },
    "backups-retained": { notApplicable: "local data lives in Docker volumes with no automated backup service" },
    "logs-retained": { notApplicable: "Docker keeps a container's logs for the container's lifetime; there is no retention setting" },
    "prod-high-availability": { notApplicable: NO_PROD },
    "prod-public-replicas": { notApplicable: NO_PROD },
    "prod-deletion-protection": { notApplicable: NO_PROD },
    "prod-search-nodes": { notApplicable: NO_PROD },
};
