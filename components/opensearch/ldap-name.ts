/**
 * How OpenSearch's security plugin compares a certificate's subject with its settings, so tests
 * can prove the generated settings accept the certificates the boot script issues:
 * - `admin_dn`: `new LdapName(setting).equals(new LdapName(subject))` (AdminDNs.java): RDNs in
 *   order, attribute types and values compared ignoring case, spaces around separators ignored.
 * - `nodes_dn`: `WildcardMatcher.from(list).ignoreCase().matchAny(subject, subject without
 *   spaces)` (DefaultInterClusterRequestEvaluator.java): `/regex/`, glob with `*`/`?`, or exact.
 * The subject is `X500Principal.getName()`, i.e. RFC 2253 (what `openssl x509 -nameopt RFC2253`
 * prints for these plain ASCII values).
 */
export interface LdapRdn {
    type: string;
    value: string;
}

/** Parses an RFC 2253 DN (escapes with `\`, multi-valued RDNs with `+` kept as one RDN). */
export function parseLdapName(dn: string): LdapRdn[][] {
    const rdns: LdapRdn[][] = [];
    let current: LdapRdn[] = [];
    let buf = "";
    let type: string | undefined;
    const flush = () => {
        if (type === undefined) {
            throw new Error(`invalid DN ${JSON.stringify(dn)}: attribute without '='`);
        }
        current.push({ type: type.trim(), value: buf.trim() });
        type = undefined;
        buf = "";
    };
    for (let i = 0; i < dn.length; i++) {
        const c = dn[i];
        if (c === "\\" && i + 1 < dn.length) {
            buf += dn[++i];
        } else if (c === "=" && type === undefined) {
            type = buf;
            buf = "";
        } else if (c === "+") {
            flush();
        } else if (c === "," || c === ";") {
            flush();
            rdns.push(current);
            current = [];
        } else {
            buf += c;
        }
    }
    if (dn.trim() !== "") {
        flush();
        rdns.push(current);
    }
    return rdns;
}

function normRdn(rdn: LdapRdn[]): string {
    return rdn
        .map((a) => `${a.type.toUpperCase()}=${a.value.toUpperCase().replace(/\s+/g, " ")}`)
        .sort()
        .join("+");
}

/** `javax.naming.ldap.LdapName.equals` for the DNs this program writes. */
export function ldapNameEquals(a: string, b: string): boolean {
    const x = parseLdapName(a).map(normRdn);
    const y = parseLdapName(b).map(normRdn);
    return x.length === y.length && x.every((r, i) => r === y[i]);
}

function wildcardMatches(pattern: string, candidate: string): boolean {
    if (pattern.length > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
        return new RegExp(`^(?:${pattern.slice(1, -1)})$`, "i").test(candidate);
    }
    if (/[*?]/.test(pattern)) {
        const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
        return new RegExp(`^${re}$`, "i").test(candidate);
    }
    return pattern.toLowerCase() === candidate.toLowerCase();
}

/** Whether OpenSearch treats a transport peer with this subject as a cluster node. */
export function nodesDnAccepts(nodesDn: string[], subject: string): boolean {
    const candidates = [subject, subject.replace(/ /g, "")];
    return nodesDn.some((p) => candidates.some((c) => wildcardMatches(p, c)));
}

/** Whether OpenSearch treats a client certificate with this subject as the super admin. */
export function adminDnAccepts(adminDn: string[], subject: string): boolean {
    return adminDn.some((a) => ldapNameEquals(a, subject));
}
