/**
 * Certificate subjects of the search cluster, in the two spellings that must agree.
 *
 * `openssl req -subj "/A=x/B=y/C=z"` encodes the RDNs in the order written (first = most
 * significant). Java's `X500Principal.getName()`, which OpenSearch's security plugin compares
 * with `plugins.security.nodes_dn` (WildcardMatcher, ignoring case) and
 * `plugins.security.authcz.admin_dn` (LdapName equality), prints them as RFC 2253 does: least
 * significant first. So `-subj "/O=anycloud/OU=nodes/CN=n1"` is `CN=n1,OU=nodes,O=anycloud`.
 * (Writing `/CN=n1/OU=nodes/O=anycloud` gives `O=anycloud,OU=nodes,CN=n1`, which matches
 * neither list: the cluster never forms and securityadmin is refused.)
 * Sources: OpenSearch security `DefaultInterClusterRequestEvaluator` (nodes_dn), `AdminDNs`
 * (LdapName); RFC 2253 §2.1; verified with the real openssl in test/opensearch-certs.spec.ts.
 */
export interface Rdn {
    type: "O" | "OU" | "CN";
    value: string;
}

export const ORGANIZATION = "anycloud";

/** Characters that need escaping in either spelling are refused, not escaped. */
const SAFE = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

function checked(rdns: Rdn[]): Rdn[] {
    for (const r of rdns) {
        if (!SAFE.test(r.value)) {
            throw new Error(`certificate subject value ${JSON.stringify(r.value)}: only letters, digits, '.' and '-' are allowed`);
        }
    }
    return rdns;
}

/** Most significant first (the order of the encoded certificate). */
export function nodeSubject(nodeName: string): Rdn[] {
    return checked([
        { type: "O", value: ORGANIZATION },
        { type: "OU", value: "nodes" },
        { type: "CN", value: nodeName },
    ]);
}

export function adminSubject(): Rdn[] {
    return checked([
        { type: "O", value: ORGANIZATION },
        { type: "OU", value: "admins" },
        { type: "CN", value: "admin" },
    ]);
}

export function caSubject(cluster: string): Rdn[] {
    return checked([
        { type: "O", value: ORGANIZATION },
        { type: "OU", value: "ca" },
        { type: "CN", value: `${cluster}-ca` },
    ]);
}

/** The `-subj` argument of `openssl req`. */
export function opensslSubject(rdns: Rdn[]): string {
    return rdns.map((r) => `/${r.type}=${r.value}`).join("");
}

/** The RFC 2253 string (as Java prints the certificate's subject). */
export function rfc2253(rdns: Rdn[]): string {
    return [...rdns]
        .reverse()
        .map((r) => `${r.type}=${r.value}`)
        .join(",");
}

/** `plugins.security.nodes_dn`: every node by name (no wildcard: only these names are nodes). */
export function nodesDn(nodeNames: string[]): string[] {
    return nodeNames.map((n) => rfc2253(nodeSubject(n)));
}

export function adminDn(): string[] {
    return [rfc2253(adminSubject())];
}
