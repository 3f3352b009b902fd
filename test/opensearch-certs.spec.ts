import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse } from "yaml";
import { bootScript, nodeSan } from "../components/opensearch/boot-script";
import { CERT_FUNCTIONS } from "../components/opensearch/certificates";
import { keyPoolEnv } from "./key-pool";
import { adminSubject, caSubject, nodeSubject, opensslSubject } from "../components/opensearch/dn";
import { adminDnAccepts, ldapNameEquals, nodesDnAccepts } from "../components/opensearch/ldap-name";
import { opensearchYml } from "../components/opensearch/opensearch-yml";
import { searchNodeNames } from "../providers/azure/search-cluster";
import { AzureNaming, RULES } from "../providers/azure/naming";
import { gcpBootHooks, searchNodeNames as gcpSearchNodeNames } from "../providers/gcp/search-cluster";
import { Naming } from "../providers/gcp/naming";

/** Runs the boot script's own certificate functions with the real openssl. */
function sh(dir: string, command: string): string {
    // (new RSA keys from a pool: test/key-pool.ts)
    return execFileSync("bash", ["-c", `set -eu\n${CERT_FUNCTIONS}\n${command}`], { cwd: dir, encoding: "utf8", env: { ...process.env, ...keyPoolEnv(process.env.PATH ?? "") } });
}
/** Subjects read so far, by certificate (a node's certificate is checked for each node count). */
const subjects = new Map<string, string>();
function subjectOf(file: string): string {
    // What Java's X500Principal.getName() gives for these plain ASCII values: RFC 2253.
    const pem = fs.readFileSync(file, "utf8");
    let subject = subjects.get(pem);
    if (subject === undefined) {
        subject = execFileSync("openssl", ["x509", "-noout", "-subject", "-nameopt", "RFC2253"], { input: pem, encoding: "utf8" }).trim().replace(/^subject=/, "");
        subjects.set(pem, subject);
    }
    return subject;
}

// Project/stack names at the edges of what the config accepts (shortest, digits and hyphens,
// long enough to be cut and hashed): the names differ only there. One RSA key per name.
const NAMES: [string, string][] = [
    ["a", "s"],
    ["x1-2", "staging-eu-west-1"],
    ["very-long-project-name-that-goes-on-and-on", "production-europe-west"],
];
const NODE_COUNTS = [1, 3, 5];

function gcpClusters(): { cluster: string; names: string[] }[] {
    const out = [];
    for (const [p, s] of NAMES) {
        const cluster = new Naming(p, s, "my-gcp-project").resource("search", 40);
        out.push({ cluster, names: gcpSearchNodeNames(cluster, Math.max(...NODE_COUNTS)) });
    }
    return out;
}
function azureClusters(): { cluster: string; names: string[] }[] {
    const out = [];
    for (const [p, s] of NAMES) {
        const cluster = new AzureNaming(p, s).local("search", { ...RULES.generic, max: 40 });
        out.push({ cluster, names: searchNodeNames(cluster, Math.max(...NODE_COUNTS)) });
    }
    return out;
}

describe("search cluster certificates (real openssl, OpenSearch DN semantics)", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-certs-"));
        sh(dir, `make_ca ca '${opensslSubject(caSubject("anycloud-prod-search"))}'`);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the CA from make_ca is a CA that verifies the node certificates it signs", () => {
        sh(dir, `issue_cert n '${opensslSubject(nodeSubject("n-0"))}' 'DNS:n-0,IP:10.0.0.10' ca.pem ca-key.pem`);
        assert.match(execFileSync("openssl", ["x509", "-in", "ca.pem", "-noout", "-text"], { cwd: dir, encoding: "utf8" }), /CA:TRUE/);
        assert.strictEqual(execFileSync("openssl", ["verify", "-CAfile", "ca.pem", "n.pem"], { cwd: dir, encoding: "utf8" }).trim(), "n.pem: OK");
        assert.match(fs.readFileSync(path.join(dir, "n-key.pem"), "utf8"), /^-----BEGIN PRIVATE KEY-----/, "PKCS#8, as OpenSearch's PEM settings need");
        const text = execFileSync("openssl", ["x509", "-in", "n.pem", "-noout", "-text"], { cwd: dir, encoding: "utf8" });
        assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    });

    for (const [cloud, clusters] of [
        ["gcp", gcpClusters()],
        ["azure", azureClusters()],
    ] as const) {
        it(`${cloud}: every node name the program produces gets a certificate that nodes_dn accepts`, () => {
            const names = [...new Set(clusters.flatMap((c) => c.names))];
            const script = names.map((n, i) => `issue_cert node${i} '${opensslSubject(nodeSubject(n))}' 'DNS:${n}' ca.pem ca-key.pem`).join("\n");
            sh(dir, script);
            for (const c of clusters) {
                for (const count of NODE_COUNTS) {
                    const nodes = c.names.slice(0, count).map((name, i) => ({ name, ip: `10.0.0.${10 + i}` }));
                    const yml = parse(opensearchYml({ cluster: c.cluster, node: nodes[0], nodes }));
                    for (const n of nodes) {
                        const subject = subjectOf(path.join(dir, `node${names.indexOf(n.name)}.pem`));
                        assert.ok(nodesDnAccepts(yml["plugins.security.nodes_dn"], subject), `${subject} not in nodes_dn ${yml["plugins.security.nodes_dn"]}`);
                        assert.ok(!adminDnAccepts(yml["plugins.security.authcz.admin_dn"], subject), `${subject} must not be admin`);
                    }
                }
            }
        });
    }

    it("the admin certificate is admin_dn (LdapName equality) and not a node", () => {
        sh(dir, `issue_cert admin '${opensslSubject(adminSubject())}' 'DNS:admin' ca.pem ca-key.pem`);
        const subject = subjectOf(path.join(dir, "admin.pem"));
        const nodes = [{ name: "c-0", ip: "10.0.0.10" }];
        const yml = parse(opensearchYml({ cluster: "c", node: nodes[0], nodes }));
        assert.ok(adminDnAccepts(yml["plugins.security.authcz.admin_dn"], subject), `${subject} vs ${yml["plugins.security.authcz.admin_dn"]}`);
        assert.ok(!nodesDnAccepts(yml["plugins.security.nodes_dn"], subject));
    });

    it("the comparison catches the old reversed subjects (the check can fail)", () => {
        sh(dir, `issue_cert reversed '/CN=admin/OU=admins/O=anycloud' 'DNS:admin' ca.pem ca-key.pem`);
        const subject = subjectOf(path.join(dir, "reversed.pem"));
        assert.strictEqual(subject, "O=anycloud,OU=admins,CN=admin");
        assert.ok(!adminDnAccepts(["CN=admin,OU=admins,O=anycloud"], subject));
        assert.ok(!nodesDnAccepts(["CN=n-0,OU=nodes,O=anycloud"], "O=anycloud,OU=nodes,CN=n-0"));
    });

    it("LdapName equality ignores case and spaces around separators, not order", () => {
        assert.ok(ldapNameEquals("cn=Admin, ou=admins ,O=anycloud", "CN=admin,OU=admins,O=anycloud"));
        assert.ok(!ldapNameEquals("OU=admins,CN=admin,O=anycloud", "CN=admin,OU=admins,O=anycloud"));
        assert.ok(nodesDnAccepts(["CN=n-*,OU=nodes,O=anycloud"], "CN=N-1, OU=nodes, O=anycloud"), "WildcardMatcher.ignoreCase, spaces removed");
    });

    it("subjects with characters that need escaping are refused", () => {
        assert.throws(() => nodeSubject("a,b"), /only letters, digits/);
        assert.throws(() => nodeSubject("a/b"), /only letters, digits/);
    });

    it("the boot script issues exactly these subjects and SANs (with the clients' address)", () => {
        const nodes = [0, 1, 2].map((i) => ({ name: `c-${i}`, ip: `10.0.0.${10 + i}` }));
        const script = bootScript({
            cluster: "c",
            nodes,
            index: 0,
            clientIp: "10.0.0.9",
            image: "opensearchproject/opensearch:2.19.2",
            memoryMb: 8192,
                secrets: { adminPassword: "a", security: "s", caKey: "k", caCert: "c", nodeTls: ["t0", "t1", "t2"] },
            hooks: gcpBootHooks("p"),
        });
        assert.ok(script.includes(CERT_FUNCTIONS.trim()), "the script embeds the tested functions verbatim");
        for (const n of nodes) {
            assert.ok(script.includes(`'${opensslSubject(nodeSubject(n.name))}' '${nodeSan(n, "10.0.0.9")}'`), n.name);
        }
        assert.ok(nodeSan(nodes[1], "10.0.0.9").includes("IP:10.0.0.9"));
        assert.ok(script.includes(`issue_cert "$BOOT/admin" '${opensslSubject(adminSubject())}'`));
    });
});
