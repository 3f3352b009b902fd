import { stringify } from "yaml";
import { adminDn, nodesDn } from "./dn";

export interface ClusterNode {
    name: string;
    /** Static private address (discovery and certificates). */
    ip: string;
}

export interface NodeConfigInput {
    cluster: string;
    node: ClusterNode;
    nodes: ClusterNode[];
    /** Plain settings of the snapshot repository client (snapshots.ts repositoryClientSettings). */
    extra?: Record<string, string>;
}

/** Paths inside the container's config directory (the boot script mounts exactly these). */
export const CERT_FILES = { cert: "certs/node.pem", key: "certs/node-key.pem", ca: "certs/ca.pem" } as const;

/**
 * opensearch.yml of one node. TLS on transport and HTTP with the node's own certificate; the
 * security plugin trusts the cluster CA, treats exactly the cluster's node names as nodes and
 * the admin certificate as super admin. The security index is never initialised from demo
 * files: the bootstrap node loads the configuration with securityadmin.
 */
export function opensearchYml(c: NodeConfigInput): string {
    const multi = c.nodes.length > 1;
    const settings: Record<string, unknown> = {
        "cluster.name": c.cluster,
        "node.name": c.node.name,
        // Bound to every address: GCP's internal passthrough load balancer delivers packets to the
        // node addressed to the load balancer's IP; other nodes are told the node's own address.
        "network.host": "0.0.0.0",
        "network.publish_host": c.node.ip,
        ...(multi
            ? {
                  "discovery.seed_hosts": c.nodes.map((n) => n.ip),
                  "cluster.initial_cluster_manager_nodes": c.nodes.map((n) => n.name),
              }
            : { "discovery.type": "single-node" }),
        "bootstrap.memory_lock": false,
        "plugins.security.ssl.transport.pemcert_filepath": CERT_FILES.cert,
        "plugins.security.ssl.transport.pemkey_filepath": CERT_FILES.key,
        "plugins.security.ssl.transport.pemtrustedcas_filepath": CERT_FILES.ca,
        "plugins.security.ssl.transport.enforce_hostname_verification": false,
        "plugins.security.ssl.http.enabled": true,
        "plugins.security.ssl.http.pemcert_filepath": CERT_FILES.cert,
        "plugins.security.ssl.http.pemkey_filepath": CERT_FILES.key,
        "plugins.security.ssl.http.pemtrustedcas_filepath": CERT_FILES.ca,
        "plugins.security.nodes_dn": nodesDn(c.nodes.map((n) => n.name)),
        "plugins.security.authcz.admin_dn": adminDn(),
        "plugins.security.allow_default_init_securityindex": false,
        "plugins.security.restapi.roles_enabled": ["all_access"],
        ...c.extra,
    };
    return stringify(settings, { lineWidth: 0 });
}
