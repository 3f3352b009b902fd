import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { keyPoolEnv } from "./key-pool";
import { ADMIN_HASH_TOKEN, hashToken, securityBundle, securityConfig } from "../components/opensearch/security-config";
import { SEARCH_USERS_HANDLER } from "../components/search-users-function";
import { ACCESS_RETRY_MS } from "../components/iam-retry";
import { fastTimers } from "./fast-timers";
import {
    appRole,
    appRoleMapping,
    applierEvent,
    ApplierEvent,
    globsOverlap,
    grantedIndexPatterns,
    INDEX_PATTERN,
    LEGACY_ROLE,
    MANAGED_ATTRIBUTE,
    patternMatches,
    patternProblems,
    pruneRules,
    searchUsers,
    securityRequests,
    staleEntries,
} from "../components/search-users";

const USERS = searchUsers(["worker", "web"]);
const byName = (w: string) => USERS.find((u) => u.workload === w)!;

describe("search users: the roles and the generated security configuration", () => {
    it("one user and one role per workload, sorted, never the admin's name", () => {
        assert.deepStrictEqual(
            USERS.map((u) => [u.username, u.role]),
            [
                ["svc-web", "anycloud_app_web"],
                ["svc-worker", "anycloud_app_worker"],
            ],
        );
        assert.strictEqual(searchUsers(["admin"])[0].username, "svc-admin");
    });

    it("a workload's role grants its own patterns (default <workload>*) and their data streams' backing indices, nothing else", () => {
        assert.deepStrictEqual(appRole(byName("web")).index_permissions, [{ index_patterns: ["web*", ".ds-web*"], allowed_actions: ["indices_all"] }]);
        assert.deepStrictEqual(appRole(byName("worker")).index_permissions[0].index_patterns, ["worker*", ".ds-worker*"]);
        const explicit = searchUsers(["worker"], { worker: ["jobs-*", "web-search"] })[0];
        assert.deepStrictEqual(appRole(explicit).index_permissions[0].index_patterns, ["jobs-*", "web-search", ".ds-jobs-*", ".ds-web-search-??????"]);
    });

    it("a data stream named exactly reaches its backing indices (.ds-<stream>-<6-digit generation>) and no other stream's", () => {
        const granted = grantedIndexPatterns(["products"]);
        const allowed = (name: string) => granted.some((p) => patternMatches(p, name));
        // OpenSearch DataStream.getDefaultBackingIndexName: ".ds-" + "%s-%06d".
        for (const name of ["products", ".ds-products-000001", ".ds-products-000042", ".ds-products-999999"]) assert.ok(allowed(name), name);
        for (const name of [".ds-products", ".ds-products-eu-000001", ".ds-productsx-000001", "products-eu", ".ds-products-00001"]) assert.ok(!allowed(name), name);
    });

    it("globs as the security plugin reads them: * any run, ? exactly one character", () => {
        assert.ok(patternMatches("a?c", "abc"));
        assert.ok(!patternMatches("a?c", "ac"));
        assert.ok(patternMatches("a*c", "abbbc"));
        assert.ok(!patternMatches("a*c", "abcd"));
        assert.ok(globsOverlap(".ds-logs-??????", ".ds-logs-*"));
        assert.ok(!globsOverlap(".ds-logs-??????", ".ds-logs-eu-??????"));
        assert.ok(!globsOverlap(".ds-logs-??????", ".ds-logs-000001-??????"));
        assert.ok(globsOverlap("web*", "web-products"));
        assert.ok(!globsOverlap("web-*", "worker*"));
        assert.ok(globsOverlap("a*b", "*c*"));
        assert.ok(!globsOverlap("a?", "a??"));
    });

    it("the role reads cluster health and manages templates, and holds no security, snapshot or admin-wide permission", () => {
        const role = appRole(byName("web"));
        assert.deepStrictEqual(role.cluster_permissions, ["cluster:monitor/health", "cluster:monitor/main", "cluster:monitor/nodes/info", "cluster_composite_ops", "cluster_manage_index_templates"]);
        const all = JSON.stringify(role);
        for (const forbidden of ["all_access", "security_manager", "manage_snapshots", "cluster_all", "cluster:admin", "restapi", "unlimited", '"*"']) {
            assert.ok(!all.includes(forbidden), forbidden);
        }
        assert.ok(role.index_permissions.every((p) => p.index_patterns.every((i) => !i.startsWith("/"))), "no regex index pattern");
    });

    it("the cluster state (every workload's index names and mappings) is not among the cluster permissions", () => {
        const cluster = appRole(byName("web")).cluster_permissions;
        assert.ok(!cluster.includes("cluster_monitor"), "not the cluster_monitor group (cluster:monitor/*)");
        for (const action of ["cluster:monitor/state", "cluster:monitor/stats", "cluster:monitor/task/get"]) {
            assert.ok(!cluster.some((p) => patternMatches(p, action)), action);
        }
    });

    it("the default pattern takes the workload's own indices and streams (glob: * any run of characters) and no other workload's, no dot index", () => {
        const granted = grantedIndexPatterns(byName("web").indices);
        const allowed = (name: string) => granted.some((p) => patternMatches(p, name));
        for (const name of ["web", "web-products", "web_2026.11", ".ds-web-logs-000001"]) assert.ok(allowed(name), name);
        for (const name of ["worker-jobs", "products", ".opendistro_security", ".kibana_1", ".plugins-ml-config", ".ds-worker-logs-000001", "security-auditlog-2026.11.30"]) {
            assert.ok(!allowed(name), name);
        }
    });

    it("index patterns OpenSearch accepts: lowercase, not starting with _, -, + or a dot, one trailing *", () => {
        for (const p of ["products", "web-*", "n8n_*", "a", "logs-2026.11*"]) assert.ok(INDEX_PATTERN.test(p), p);
        for (const p of ["Products", "_all", "-web", "+web", ".kibana*", ".opendistro_security", "*", "web*x", "w*b*", "web/x", "/.*/", "web index", "a".repeat(101)]) {
            assert.ok(!INDEX_PATTERN.test(p), p);
        }
    });

    it("the three files parse as YAML: the admin and each user with a hash token, each workload's role, and each role mapped to its user alone", () => {
        const files = securityConfig("admin", USERS);
        const users = parse(files["internal_users.yml"]);
        assert.deepStrictEqual(users._meta, { type: "internalusers", config_version: 2 });
        assert.strictEqual(users.admin.hash, ADMIN_HASH_TOKEN);
        assert.strictEqual(users.admin.reserved, true);
        for (const u of USERS) {
            assert.strictEqual(users[u.username].hash, hashToken(u.username));
            assert.deepStrictEqual(users[u.username].backend_roles, [], "no backend role (the admin's 'admin' maps to nothing else)");
            assert.strictEqual(users[u.username].attributes[MANAGED_ATTRIBUTE.key], MANAGED_ATTRIBUTE.value);
        }
        const roles = parse(files["roles.yml"]);
        assert.deepStrictEqual(Object.keys(roles).sort(), ["_meta", "anycloud_app_web", "anycloud_app_worker"]);
        assert.deepStrictEqual(roles.anycloud_app_web, { reserved: false, ...appRole(byName("web")) });
        const mapping = parse(files["roles_mapping.yml"]);
        assert.deepStrictEqual(Object.keys(mapping).sort(), ["_meta", "all_access", "anycloud_app_web", "anycloud_app_worker"]);
        assert.deepStrictEqual(mapping.all_access, { reserved: false, users: ["admin"], backend_roles: [], hosts: [], description: "the anycloud admin only" });
        assert.deepStrictEqual(mapping.anycloud_app_web.users, ["svc-web"]);
        assert.deepStrictEqual(mapping.anycloud_app_worker.users, ["svc-worker"]);
        assert.deepStrictEqual(mapping.anycloud_app_web.backend_roles, []);
    });

    it("the bundle node 0 reads names a password secret for every token and holds no password", () => {
        const bundle = JSON.parse(securityBundle("admin", "kv-admin", USERS, { "svc-web": "kv-web", "svc-worker": "kv-worker" }));
        assert.deepStrictEqual(bundle.passwords, { [ADMIN_HASH_TOKEN]: "kv-admin", [hashToken("svc-web")]: "kv-web", [hashToken("svc-worker")]: "kv-worker" });
        const tokens = bundle.files["internal_users.yml"].match(/@HASH:[^@]+@/g).sort();
        assert.deepStrictEqual(tokens, Object.keys(bundle.passwords).sort());
        assert.throws(() => securityBundle("admin", "kv-admin", USERS, { "svc-web": "kv-web" }), /no password secret for svc-worker/);
    });

    it("the REST plan: each role, each user, then each role's mapping to its own user", () => {
        const plan = securityRequests(USERS, (u) => `pw-of-${u.username}`);
        assert.deepStrictEqual(
            plan.map((r) => `${r.method} ${r.path}`),
            [
                "PUT /_plugins/_security/api/roles/anycloud_app_web",
                "PUT /_plugins/_security/api/roles/anycloud_app_worker",
                "PUT /_plugins/_security/api/internalusers/svc-web",
                "PUT /_plugins/_security/api/internalusers/svc-worker",
                "PUT /_plugins/_security/api/rolesmapping/anycloud_app_web",
                "PUT /_plugins/_security/api/rolesmapping/anycloud_app_worker",
            ],
        );
        assert.deepStrictEqual((plan[2].body as { password: string }).password, "pw-of-svc-web");
        assert.deepStrictEqual(plan[4].body, appRoleMapping(byName("web")));
        assert.deepStrictEqual((plan[4].body as { users: string[] }).users, ["svc-web"]);
    });

    it("stale entries: managed svc- users, anycloud_app_ roles and mappings no workload uses, and the legacy shared role; never a reserved or hand-made one", () => {
        const [users, mappings, roles] = pruneRules(USERS);
        const managed = { attributes: { [MANAGED_ATTRIBUTE.key]: MANAGED_ATTRIBUTE.value } };
        assert.deepStrictEqual(staleEntries({ "svc-web": managed, "svc-old": managed, "svc-hand-made": {}, admin: {}, "other-managed": managed }, users), ["svc-old"]);
        assert.deepStrictEqual(
            staleEntries({ anycloud_app_web: { description: "x" }, anycloud_app_old: {}, [LEGACY_ROLE]: {}, all_access: { reserved: true }, readall: {} }, mappings),
            ["anycloud_app", "anycloud_app_old"],
        );
        const ours = { description: "anycloud: the search role of old" };
        assert.deepStrictEqual(
            staleEntries({ anycloud_app_web: ours, anycloud_app_old: ours, [LEGACY_ROLE]: { description: "anycloud: a workload's own user" }, anycloud_app_by_hand: { description: "mine" }, anycloud_app_static: { ...ours, static: true } }, roles),
            ["anycloud_app", "anycloud_app_old"],
        );
    });
});

describe("search users: index patterns checked together (config)", () => {
    const key = (w: string) => `services.${w}.searchIndices`;
    it("defaults that do not overlap pass", () => {
        assert.deepStrictEqual(patternProblems([{ workload: "web", key: key("web") }, { workload: "worker", key: key("worker") }]), []);
    });

    it("a default that covers another workload's default is refused, naming the broader workload's key and both patterns", () => {
        const problems = patternProblems([{ workload: "api", key: key("api") }, { workload: "api-worker", key: key("api-worker") }]);
        assert.strictEqual(problems.length, 1);
        assert.strictEqual(problems[0].key, "services.api.searchIndices");
        assert.match(problems[0].accepted, /api\* \(api's default\) overlaps api-worker\* \(api-worker's default\) of api-worker; set services\.api\.searchIndices to names outside api-worker's, or to api-worker\* to share its indices/);
    });

    it("an explicit pattern inside another workload's default is refused on the explicit side; the same pattern is a shared space and passes", () => {
        const problems = patternProblems([{ workload: "web", key: key("web") }, { workload: "indexer", key: "jobs.indexer.searchIndices", explicit: ["web-products"] }]);
        assert.deepStrictEqual(problems.map((p) => [p.key, p.value]), [["jobs.indexer.searchIndices[0]", "web-products"]]);
        assert.deepStrictEqual(patternProblems([{ workload: "web", key: key("web") }, { workload: "indexer", key: "jobs.indexer.searchIndices", explicit: ["web*"] }]), []);
    });

    it("explicit patterns that resolve an overlap pass", () => {
        assert.deepStrictEqual(patternProblems([{ workload: "api", key: key("api"), explicit: ["api-main-*"] }, { workload: "api-worker", key: key("api-worker") }]), []);
    });

    it("a stream named exactly in one workload and a prefix over it in another are refused: the overlap is checked on the backing-index patterns", () => {
        const problems = patternProblems([{ workload: "web", key: key("web"), explicit: ["logs"] }, { workload: "worker", key: key("worker"), explicit: ["logs-*"] }]);
        assert.deepStrictEqual(problems.map((p) => [p.key, p.value]), [["services.worker.searchIndices[0]", "logs-*"]]);
        assert.match(problems[0].accepted, /through their data streams' backing indices \(\.ds-logs-\* and \.ds-logs-\?{6} both match e\.g\. \.ds-logs-000001\)/);
        assert.deepStrictEqual(patternProblems([{ workload: "web", key: key("web"), explicit: ["logs"] }, { workload: "worker", key: key("worker"), explicit: ["logs"] }]), [], "the same name is a shared space");
        assert.deepStrictEqual(patternProblems([{ workload: "web", key: key("web"), explicit: ["logs"] }, { workload: "worker", key: key("worker"), explicit: ["logs-eu"] }]), [], "two streams' names");
    });

    it("a workload given another's patterns (a job with service:) shares them without a problem, and its messages say where they came from", () => {
        const inherited = { patterns: ["app*"], from: "app's default (jobs.migrate has service: app)" };
        assert.deepStrictEqual(patternProblems([{ workload: "app", key: key("app") }, { workload: "migrate", key: "jobs.migrate.searchIndices", inherited }]), []);
        const problems = patternProblems([{ workload: "app-worker", key: key("app-worker") }, { workload: "migrate", key: "jobs.migrate.searchIndices", inherited }]);
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0].accepted, /app\* \(migrate's, from app's default \(jobs\.migrate has service: app\)\) overlaps/);
    });

    it("every bad pattern at once: syntax, duplicates, an empty list, plugin indices", () => {
        const problems = patternProblems([
            { workload: "web", key: key("web"), explicit: [".kibana*", "Web", "web-*", "web-*", "security-*"] },
            { workload: "worker", key: key("worker"), explicit: [] },
            { workload: "security", key: key("security") },
        ]);
        assert.deepStrictEqual(
            problems.map((p) => [p.key, p.value]),
            [
                ["services.web.searchIndices[0]", ".kibana*"],
                ["services.web.searchIndices[1]", "Web"],
                ["services.web.searchIndices[3]", "web-*"],
                ["services.worker.searchIndices", []],
                ["services.web.searchIndices[4]", "security-*"],
                ["services.security.searchIndices", undefined],
                ["services.web.searchIndices[4]", "security-*"],
            ],
        );
        assert.match(problems[4].accepted, /does not reach the security plugin's audit log indices \(security-auditlog-\*\)/);
        assert.match(problems[5].accepted, /its default pattern security\* reaches the security plugin's audit log indices/);
    });
});

/** What the fake cluster saw: each request with its decoded basic-auth user and body. */
interface Seen {
    method: string;
    path: string;
    user: string;
    password: string;
    body?: unknown;
}

describe("search users: the REST applier (AWS Lambda, local container) against a fake OpenSearch over TLS", function () {
    this.timeout(60_000);
    let dir: string;
    let server: https.Server;
    let port: number;
    let seen: Seen[];
    /** Existing entries of the fake cluster by kind (GET internalusers, rolesmapping, roles answer them). */
    let existing: Record<"internalusers" | "rolesmapping" | "roles", Record<string, object>>;
    /** The cluster's indices (GET _cat/indices?format=json answers them). */
    let indices: string[];
    /** Status codes to answer before the real answer, per "METHOD path". */
    let scripted: Record<string, number[]>;
    const admin = { username: "anycloud-admin", password: "Admin-Pass-1" };
    const passwords: Record<string, string> = { "svc-web": "Web-Pass-1", "svc-worker": "Worker-Pass-2" };
    const ARN = (u: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:search-${u}-AbCdEf`;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-search-users-"));
        // (RSA keys from the test key pool: test/key-pool.ts)
        const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...keyPoolEnv(process.env.PATH ?? "") } });
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=anycloud test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
        server = https.createServer({ key: fs.readFileSync(path.join(dir, "server.key")), cert: fs.readFileSync(path.join(dir, "server.crt")) }, (req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c) => chunks.push(c));
            req.on("end", () => {
                const [user, password] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(/:(.*)/s);
                const text = Buffer.concat(chunks).toString();
                const key = `${req.method} ${req.url}`;
                seen.push({ method: req.method!, path: req.url!, user, password, body: text ? JSON.parse(text) : undefined });
                const answer = (status: number, body: object) => {
                    res.writeHead(status, { "Content-Type": "application/json" });
                    res.end(JSON.stringify(body));
                };
                const next = scripted[key]?.shift();
                if (next !== undefined) return answer(next, { status: "SCRIPTED", message: `scripted ${next}` });
                if (user !== admin.username || password !== admin.password) return answer(401, { message: "Unauthorized" });
                const listing = /^\/_plugins\/_security\/api\/(internalusers|rolesmapping|roles)$/.exec(req.url!);
                if (req.method === "GET" && listing) return answer(200, existing[listing[1] as keyof typeof existing]);
                if (req.method === "GET" && req.url === "/_cat/indices?format=json&h=index&expand_wildcards=all") return answer(200, indices.map((index) => ({ index })));
                if (req.method === "DELETE") return answer(200, { status: "OK" });
                return answer(req.url!.includes("internalusers") ? 201 : 200, { status: "CREATED" });
            });
        });
        await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
        port = (server.address() as AddressInfo).port;
        fs.mkdirSync(path.join(dir, "fn", "node_modules", "@aws-sdk", "client-secrets-manager"), { recursive: true });
        fs.writeFileSync(path.join(dir, "fn", "index.js"), SEARCH_USERS_HANDLER);
        // Secrets Manager stand-in: the ARNs of the test, nothing else.
        fs.writeFileSync(
            path.join(dir, "fn", "node_modules", "@aws-sdk", "client-secrets-manager", "index.js"),
            `"use strict";
const values = JSON.parse(process.env.TEST_SECRETS);
// TEST_DENIED: the secret IAM refuses at first (a new user's, its policy changed moments ago), TEST_DENIALS times.
let denials = Number(process.env.TEST_DENIALS || 0);
class GetSecretValueCommand { constructor(input) { this.input = input; } }
class SecretsManagerClient { async send(c) {
  if (c.input.SecretId === process.env.TEST_DENIED && denials > 0) { denials--; throw Object.assign(new Error("User: arn:aws:sts::1:assumed-role/users/fn is not authorized to perform: secretsmanager:GetSecretValue on resource: " + c.input.SecretId), { name: "AccessDeniedException" }); }
  if (!(c.input.SecretId in values)) throw new Error("ResourceNotFoundException: " + c.input.SecretId); return { SecretString: JSON.stringify({ username: "u", password: values[c.input.SecretId] }) }; } }
module.exports = { SecretsManagerClient, GetSecretValueCommand };`,
        );
        // The pause before asking IAM again passes at once; the applier's own bounds keep theirs.
        fastTimers(path.join(dir, "fn"), [ACCESS_RETRY_MS]);
        fs.writeFileSync(
            path.join(dir, "fn", "run.js"),
            `require("./index.js").handler(JSON.parse(process.argv[2])).then((r) => process.stdout.write(JSON.stringify({ result: r })), (e) => process.stdout.write(JSON.stringify({ error: e.message })));`,
        );
    });
    after(() => {
        server?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
        seen = [];
        existing = { internalusers: {}, rolesmapping: {}, roles: {} };
        indices = [];
        scripted = {};
    });

    const event = (over: Partial<ApplierEvent> = {}, source: ApplierEvent["passwordSource"] = "secretsmanager"): ApplierEvent => ({
        ...applierEvent({
            url: `https://localhost:${port}`,
            adminUsername: admin.username,
            adminPasswordRef: source === "env" ? "ADMIN_PW" : ARN("admin"),
            users: USERS,
            passwordRefs: Object.fromEntries(USERS.map((u, i) => [u.username, source === "env" ? `PW_${i}` : ARN(u.username)])),
            passwordSource: source,
            tls: source === "env" ? "unverified" : "verify",
            bounds: { requestTimeoutMs: 2000, waitMs: 1500, pauseMs: 100 },
        }),
        ...over,
    });
    const invoke = (e: ApplierEvent, env: Record<string, string> = {}): Promise<{ result?: { applied: string[]; deleted: string[] }; error?: string }> =>
        new Promise((resolve, reject) => {
            const secrets = { [ARN("admin")]: admin.password, ...Object.fromEntries(Object.entries(passwords).map(([u, p]) => [ARN(u), p])) };
            execFile(
                process.execPath,
                ["-r", "./fast-timers.js", "run.js", JSON.stringify(e)],
                { cwd: path.join(dir, "fn"), env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: path.join(dir, "ca.crt"), TEST_SECRETS: JSON.stringify(secrets), ...env }, timeout: 20_000 },
                (error, stdout) => (stdout ? resolve(JSON.parse(stdout)) : reject(error)),
            );
        });

    it("sends exactly the planned requests as the admin, each user with the password from its own secret, verifying TLS", async () => {
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        const expected = securityRequests(USERS, (u) => passwords[u.username]);
        assert.deepStrictEqual(
            seen.filter((s) => s.method === "PUT").map((s) => ({ method: s.method, path: s.path, body: s.body })),
            expected.map((r) => ({ method: r.method, path: r.path, body: r.body })),
        );
        assert.ok(seen.every((s) => s.user === admin.username && s.password === admin.password));
        assert.deepStrictEqual(out.result!.deleted, []);
        assert.ok(!JSON.stringify(event()).includes("Pass-"), "no password in the function's input");
    });

    it("deletes the managed users no workload uses any more, and nothing else", async () => {
        const managed = { attributes: { [MANAGED_ATTRIBUTE.key]: MANAGED_ATTRIBUTE.value } };
        existing.internalusers = { "svc-web": managed, "svc-gone": managed, "svc-by-hand": {}, "anycloud-admin": {}, reporting: managed };
        const out = await invoke(event());
        assert.deepStrictEqual(out.result!.deleted, ["internalusers/svc-gone"]);
        assert.deepStrictEqual(
            seen.filter((s) => s.method === "DELETE").map((s) => s.path),
            ["/_plugins/_security/api/internalusers/svc-gone"],
        );
    });

    it("day 2 on a cluster set up with the shared role: deletes anycloud_app's mapping, then the role, and the role of a workload that left; keeps the plugin's and hand-made ones", async () => {
        const ours = { description: "anycloud: the search role of gone" };
        existing.rolesmapping = { anycloud_app: { users: ["svc-web", "svc-worker"] }, anycloud_app_gone: { users: ["svc-gone"] }, anycloud_app_web: {}, all_access: { reserved: true, users: ["anycloud-admin"] }, readall: { users: ["someone"] } };
        existing.roles = {
            anycloud_app: { description: "anycloud: a workload's own user - read, write and manage ordinary (non-dot) indices" },
            anycloud_app_gone: ours,
            anycloud_app_web: ours,
            anycloud_app_by_hand: { description: "made by an operator" },
            all_access: { reserved: true, static: true },
        };
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        assert.deepStrictEqual(out.result!.deleted, ["rolesmapping/anycloud_app", "rolesmapping/anycloud_app_gone", "roles/anycloud_app", "roles/anycloud_app_gone"]);
        const order = seen.map((s) => `${s.method} ${s.path}`);
        assert.ok(order.indexOf("DELETE /_plugins/_security/api/rolesmapping/anycloud_app") < order.indexOf("DELETE /_plugins/_security/api/roles/anycloud_app"), "the mapping goes before its role");
        assert.ok(order.lastIndexOf("PUT /_plugins/_security/api/rolesmapping/anycloud_app_worker") < order.indexOf("DELETE /_plugins/_security/api/rolesmapping/anycloud_app"), "each user has its own role before the shared one goes");
    });

    /** A cluster set up before roles were per workload: the shared role on every non-dot index, mapped to both users. */
    const legacyCluster = () => {
        existing.rolesmapping = { anycloud_app: { users: ["svc-web", "svc-worker"] } };
        existing.roles = { anycloud_app: { description: "anycloud: a workload's own user", index_permissions: [{ index_patterns: ["/[^.].*/"], allowed_actions: ["indices_all"] }] } };
    };

    it("before removing the shared role, fails naming each existing index no workload's role would reach, and deletes nothing", async () => {
        legacyCluster();
        indices = ["web-products", "biblio-books", ".kibana_1", ".opendistro_security", ".ds-web-logs-000001", ".ds-audit-000003", "security-auditlog-2026.11.30", "worker-jobs"];
        const out = await invoke(event());
        assert.match(out.error!, /^search users: removing the role anycloud_app would leave these existing indices to no workload's search role: biblio-books \(anycloud_app\)\. /);
        // Covered by a workload, a dot index, a plugin's, or a backing index the shared role never reached (/[^.].*/).
        assert.ok(!/web-products|worker-jobs|kibana|opendistro|security-auditlog|\.ds-/.test(out.error!), out.error);
        assert.match(out.error!, /Add each to the searchIndices of the service or job that uses it/);
        assert.deepStrictEqual(seen.filter((s) => s.method === "DELETE"), [], "the shared role and its mapping stay");
        assert.ok(seen.some((s) => s.method === "PUT" && s.path.endsWith("/rolesmapping/anycloud_app_worker")), "the new roles were applied first");
    });

    it("removes the shared role once every existing index is some workload's (plugins' and dot indices aside)", async () => {
        legacyCluster();
        indices = ["web-products", "worker-jobs", ".kibana_1", ".ds-web-logs-000001", "security-auditlog-2026.11.30", "top_queries-2026.11.30-00001"];
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        assert.deepStrictEqual(out.result!.deleted, ["rolesmapping/anycloud_app", "roles/anycloud_app"]);
    });

    it("before removing a departed workload's role, fails on the indices only it reached (a renamed workload keeps its data)", async () => {
        existing.roles = { anycloud_app_search: { description: "anycloud: the search role of search", index_permissions: [{ index_patterns: ["search*", ".ds-search*"], allowed_actions: ["indices_all"] }] } };
        existing.rolesmapping = { anycloud_app_search: { users: ["svc-search"] } };
        indices = ["search-books", "someone-elses", "web-products"];
        const out = await invoke(event());
        assert.match(out.error!, /removing the role anycloud_app_search would leave these existing indices to no workload's search role: search-books \(anycloud_app_search\)\./);
        assert.ok(!out.error!.includes("someone-elses"), "an index the role never reached is not its concern");
    });

    it("does not list the indices when no role is removed", async () => {
        indices = ["orphan"];
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        assert.ok(!seen.some((s) => s.path.startsWith("/_cat/indices")));
    });

    it("a DELETE answered 404 (already gone) counts as done", async () => {
        const managed = { attributes: { [MANAGED_ATTRIBUTE.key]: MANAGED_ATTRIBUTE.value } };
        existing.internalusers = { "svc-gone": managed };
        scripted["DELETE /_plugins/_security/api/internalusers/svc-gone"] = [404];
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        assert.deepStrictEqual(out.result!.deleted, ["internalusers/svc-gone"]);
    });

    it("the local variant reads the passwords from its environment (self-signed demo certificate)", async () => {
        const out = await invoke(event({}, "env"), { ADMIN_PW: admin.password, PW_0: passwords["svc-web"], PW_1: passwords["svc-worker"], NODE_EXTRA_CA_CERTS: "" });
        assert.strictEqual(out.error, undefined);
        const web = seen.find((s) => s.path.endsWith("/internalusers/svc-web"))!;
        assert.strictEqual((web.body as { password: string }).password, passwords["svc-web"]);
    });

    it("the GCP variant verifies TLS with the cluster's CA from its environment", async () => {
        const e = event({ caVariable: "CA_PEM" }, "env");
        e.tls = "verify";
        const env = { ADMIN_PW: admin.password, PW_0: passwords["svc-web"], PW_1: passwords["svc-worker"], NODE_EXTRA_CA_CERTS: "" };
        const out = await invoke(e, { ...env, CA_PEM: fs.readFileSync(path.join(dir, "ca.crt"), "utf8") });
        assert.strictEqual(out.error, undefined);
        const other = await invoke({ ...e, waitMs: 0 }, { ...env, CA_PEM: fs.readFileSync(path.join(dir, "server.crt"), "utf8") });
        assert.match(other.error!, /certificate/i, "another CA is refused");
    });

    /**
     * For the failures the applier retries until its bound (no answer, a TLS error, 401): the
     * bound is waited out, so it is short here; the applier reaches it the same way.
     */
    const giveUpSoon = { waitMs: 300 };

    it("refuses a certificate it cannot verify when TLS is verified", async () => {
        const out = await invoke(event(giveUpSoon), { NODE_EXTRA_CA_CERTS: "" });
        assert.match(out.error!, /search users: PUT \/_plugins\/_security\/api\/roles\/anycloud_app_web on https:\/\/localhost:\d+ failed: .*(certificate|self.signed)/i);
        assert.strictEqual(seen.length, 0);
    });

    it("waits (bounded) for a cluster that answers 503, then applies", async () => {
        scripted["PUT /_plugins/_security/api/roles/anycloud_app_web"] = [503, 503];
        const out = await invoke(event());
        assert.strictEqual(out.error, undefined);
        assert.strictEqual(seen.filter((s) => s.path.endsWith("/roles/anycloud_app_web")).length, 3);
    });

    it("fails at once, naming the request, status and the cluster's words, on a refusal", async () => {
        scripted["PUT /_plugins/_security/api/internalusers/svc-worker"] = [400];
        const out = await invoke(event());
        assert.match(out.error!, /^search users: PUT \/_plugins\/_security\/api\/internalusers\/svc-worker on https:\/\/localhost:\d+ failed: HTTP 400: .*scripted 400/);
        assert.ok(!out.error!.includes("Pass-"), "no password in the message");
        assert.ok(!seen.some((s) => s.path.includes("rolesmapping")), "stops at the first refusal");
    });

    it("gives up after its bound on a cluster that never answers, saying so", async () => {
        const out = await invoke(event({ url: "https://localhost:1", ...giveUpSoon }));
        assert.match(out.error!, /failed: .*ECONNREFUSED.* still failing after 0\.3 s/);
    });

    it("names the admin user when the cluster refuses it", async () => {
        const out = await invoke(event({ admin: { username: "someone-else", password: ARN("admin") }, ...giveUpSoon }));
        assert.match(out.error!, /HTTP 401: .*the cluster refused the admin user someone-else/);
    });

    it("reads a new user's secret again while IAM refuses it (the policy changed moments before), and applies it", async () => {
        const out = await invoke(event(), { TEST_DENIED: ARN(USERS[0].username), TEST_DENIALS: "2" });
        assert.strictEqual(out.error, undefined);
        const put = seen.find((r) => r.method === "PUT" && r.path.endsWith(`/internalusers/${USERS[0].username}`));
        assert.strictEqual((put?.body as { password?: string })?.password, passwords[USERS[0].username]);
    });

    it("fails naming the secret when a password cannot be read", async () => {
        const e = event();
        e.passwords["svc-web"] = ARN("missing");
        const out = await invoke(e);
        assert.match(out.error!, /reading a search password from Secrets Manager \(arn:aws:secretsmanager:.*search-missing-AbCdEf\) failed: ResourceNotFoundException/);
    });
});

describe("search users: the REST applier's glob matcher is the configuration's", () => {
    // The applier ships as self-contained source (a Lambda, a node container), so it carries its
    // own copy of the security plugin's glob; the two must decide every case the same way.
    const applierGlob = new Function("exports", "require", `${SEARCH_USERS_HANDLER}\nreturn globMatches;`)({}, require) as (p: string, n: string) => boolean;
    const patterns = ["web*", "web", "web-?", ".ds-logs-??????", ".ds-logs-*", "a*b*c", "*", "?", "app*x", "logs-*-2025"];
    const names = ["web", "web-1", "webx", "we", "web-12", ".ds-logs-000001", ".ds-logs-1", "abc", "axxbyyc", "acb", "", "a", "appx", "app-x-y", "logs-a-2025", "logs--2025", "logs-2025"];
    for (const p of patterns) {
        it(`'${p}' matches the same names in both`, () => {
            assert.deepStrictEqual(
                names.filter((n) => applierGlob(p, n)),
                names.filter((n) => patternMatches(p, n)),
            );
        });
    }
});
