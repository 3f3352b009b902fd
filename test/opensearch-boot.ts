import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile, execFileSync, spawnSync } from "child_process";
import * as http from "http";
import { parse } from "yaml";
import { bootScript, BootScriptInput, CloudBootHooks, secretsCheckJq, secretValuesJq, securityApplyScript } from "../components/opensearch/boot-script";
import { runAsBash } from "../providers/azure/search-cluster";
import { heapOptions } from "../components/opensearch/jvm";
import { azureBootHooks } from "../providers/azure/search-cluster";
import { gcpBootHooks } from "../providers/gcp/search-cluster";
import { BootSandbox, SHIMS } from "./boot-sandbox";
import { readinessScript } from "../components/opensearch/readiness";
import { SnapshotStore } from "../components/opensearch/snapshots";
import { hashToken, securityBundle, securityConfig, SECURITY_FILES } from "../components/opensearch/security-config";
import { searchUsers } from "../components/search-users";

export const CLOUDS: { cloud: "gcp" | "azure"; hooks: CloudBootHooks }[] = [
    { cloud: "gcp", hooks: gcpBootHooks("my-project") },
    { cloud: "azure", hooks: azureBootHooks("https://kv-test.vault.azure.net/", "00000000-0000-0000-0000-000000000001") },
];
const STORES: Record<CloudBootHooks["snapshotPlugin"], SnapshotStore> = {
    "repository-gcs": { type: "gcs", bucket: "app-prod-search-snapshots-1234abcd", project: "my-project" },
    "repository-azure": { type: "azure", account: "stsearch1234abcd", container: "opensearch-snapshots" },
};
const WHERE: Record<CloudBootHooks["snapshotPlugin"], string> = {
    "repository-gcs": "bucket app-prod-search-snapshots-1234abcd",
    "repository-azure": "container opensearch-snapshots",
};
const SECRETS = { adminPassword: "s-admin", security: "s-security", caKey: "s-ca-key", caCert: "s-ca-cert", nodeTls: ["s-node-0", "s-node-1", "s-node-2"] };

/** The workloads' users of the sandbox cluster and their passwords (each in a secret of its own). */
const USERS = searchUsers(["web", "worker"]);
const PASSWORDS: Record<string, string> = { "svc-web": "Web-Password-1", "svc-worker": "Worker-Password-2" };
/** The stand-in bcrypt the sandbox's hash.sh prints for a password: its 64-bit FNV-1a (test/fixtures/boot-shims/docker). */
const fakeHash = (pw: string) => {
    let h = 0xcbf29ce484222325n;
    for (const byte of Buffer.from(pw)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return `$2y$12$${h.toString(16).padStart(16, "0")}`;
};

/** The secrets Pulumi writes before node 0 boots: the admin's and users' passwords and the security configuration. */
function seed(s: BootSandbox, users = USERS): void {
    s.setSecret("s-admin", "Admin-Password-1");
    for (const u of users) s.setSecret(`s-user-${u.workload}`, PASSWORDS[u.username] ?? `${u.username}-Password-9`);
    s.setSecret("s-security", securityBundle("admin", "s-admin", users, Object.fromEntries(users.map((u) => [u.username, `s-user-${u.workload}`]))));
}

function input(hooks: CloudBootHooks, index: number, count = 3): BootScriptInput {
    return {
        snapshots: { store: STORES[hooks.snapshotPlugin], retentionDays: 14 },
        cluster: "app-prod-search",
        nodes: Array.from({ length: count }, (_, i) => ({ name: `app-prod-search-${i}`, ip: `10.20.0.${10 + i}` })),
        index,
        clientIp: "10.20.0.9",
        image: "opensearchproject/opensearch:2.19.2",
        memoryMb: 16384,
        secrets: SECRETS,
        hooks,
    };
}

/** shellcheck on a script, written under a directory of its own (two suites at once never share a file). */
function shellcheck(script: string, name: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-shellcheck-"));
    try {
        fs.writeFileSync(path.join(dir, name), script);
        return spawnSync("shellcheck", ["--severity=style", path.join(dir, name)], { encoding: "utf8" });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * The boot scripts of one cloud: shellcheck, and each script run in a sandbox. One spec file per
 * cloud (test/opensearch-boot-<cloud>.spec.ts): each is a few dozen boots, and mocha's parallel
 * workers share out whole files.
 */
export function describeBootScripts(cloud: "gcp" | "azure"): void {
    const { hooks } = CLOUDS.find((c) => c.cloud === cloud)!;
    describe(`search boot scripts: ${cloud}`, function () {
        this.timeout(300_000);

        describe("shellcheck", () => {
            it(`${cloud} security re-apply script (and its run command wrapper): shellcheck finds nothing`, () => {
                for (const [ext, script] of [
                    ["bash", securityApplyScript(input(hooks, 0))],
                    ["sh", runAsBash(securityApplyScript(input(hooks, 0)), "v1")],
                ]) {
                    const r = shellcheck(script, `apply-${cloud}.${ext}`);
                    assert.strictEqual(r.status, 0, r.stdout);
                }
            });
            for (const [label, index, count] of [
                ["bootstrap of 1", 0, 1],
                ["bootstrap of 3", 0, 3],
                ["member", 2, 3],
            ] as const) {
                it(`${cloud} ${label}: shellcheck finds nothing`, () => {
                    const r = shellcheck(bootScript(input(hooks, index, count)), `${cloud}-${index}-${count}.sh`);
                    assert.strictEqual(r.error, undefined, "shellcheck must be installed (.ci/run installs it)");
                    assert.strictEqual(r.status, 0, r.stdout);
                });
            }
        });

        describe(`${cloud} curl_bearer: the secret store's token, sent by the real curl`, () => {
            /** Runs `calls` (bash) after the boot script's own curl_bearer, with curl's arguments logged; what the server got. */
            async function withRealCurl(calls: string) {
                const curl = (process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "curl")).find((f) => fs.existsSync(f));
                assert.ok(curl, "curl must be installed (.ci/run installs it)");
                const fn = /^curl_bearer\(\) \{\n[\s\S]*?^\}$/m.exec(bootScript(input(hooks, 0)));
                assert.ok(fn, "the boot script defines curl_bearer");
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-curl-bearer-"));
                const got: { method?: string; authorization?: string; body: string }[] = [];
                const server = http.createServer((req, res) => {
                    let body = "";
                    req.on("data", (d) => (body += d));
                    req.on("end", () => {
                        got.push({ method: req.method, authorization: req.headers.authorization, body });
                        res.end("{}");
                    });
                });
                try {
                    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
                    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/secrets/x`;
                    // curl's own arguments, as every user of the VM could read them in /proc/PID/cmdline.
                    fs.writeFileSync(path.join(dir, "curl"), `#!/bin/sh\nprintf '%s\\n' "$*" >>"${dir}/argv"\nexec '${curl}' "$@"\n`, { mode: 0o755 });
                    const stdout = await new Promise<string>((resolve, reject) =>
                        execFile("bash", ["-c", `${fn[0]}\nURL='${url}'\n${calls}`], { env: { PATH: `${dir}${path.delimiter}${process.env.PATH}` } }, (e, out, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(out))),
                    );
                    return { got, stdout, argv: fs.readFileSync(path.join(dir, "argv"), "utf8") };
                } finally {
                    server.close();
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            }

            it("a read sends the token as the Authorization header, in none of curl's arguments", async () => {
                const r = await withRealCurl(`ACCESS_TOKEN='ya29.token-Read_1'\ncurl_bearer -sS -w '%{http_code}' -o /dev/null "$URL"`);
                assert.deepStrictEqual(r.got, [{ method: "GET", authorization: "Bearer ya29.token-Read_1", body: "" }]);
                assert.strictEqual(r.stdout, "200");
                assert.doesNotMatch(r.argv, /ya29|Authorization/);
            });

            it("a write sends the token beside a body read from stdin (secret_put's pipe)", async () => {
                const r = await withRealCurl(`ACCESS_TOKEN='ya29.token-Write_2'\nprintf '{"value":"v"}' | curl_bearer -sSf -o /dev/null -X PUT -H 'Content-Type: application/json' -d @- "$URL"`);
                assert.deepStrictEqual(r.got, [{ method: "PUT", authorization: "Bearer ya29.token-Write_2", body: '{"value":"v"}' }]);
                assert.doesNotMatch(r.argv, /ya29|Authorization/);
            });
        });

        describe(`${cloud} secret_values: the values of several secrets from one jq run (the real jq)`, () => {
            /** The store's answer for a value, as the shims (and the cloud) give it. */
            const answer = (value: string) =>
                hooks.snapshotPlugin === "repository-gcs"
                    ? JSON.stringify({ name: "projects/p/secrets/x/versions/3", payload: { data: Buffer.from(value).toString("base64"), dataCrc32c: "1" } })
                    : JSON.stringify({ value, id: "https://kv-test.vault.azure.net/secrets/x/0123", attributes: { enabled: true } });
            /** Runs the jq as secret_values does and evaluates its output in bash: each name's value, or the failure. */
            const read = (names: string[], answers: string[]) => {
                const script = `declare -A SECRET_VALUE=()
values=$(printf '%s\\n' "\${@:2}" | jq -nr --args "$1" ${names.map((n) => `'${n}'`).join(" ")}) || exit 3
eval "$values"
for n in ${names.join(" ")}; do printf '%s\\0' "\${SECRET_VALUE[$n]-<none>}"; done`;
                const r = spawnSync("bash", ["-c", script, "bash", secretValuesJq(hooks.secretValueJq), ...answers], { encoding: "utf8" });
                return { status: r.status, values: r.stdout.split("\0").slice(0, -1), stderr: r.stderr };
            };

            it("each secret's value exactly, whatever characters it holds", () => {
                const values = ["Web-Password-1", `q'uo"te $HOME \`id\` \\ *`, "two\nlines\n", "ünï €"];
                const names = values.map((_, i) => `s-user-${i}`);
                const r = read(names, values.map(answer));
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(r.values, values);
            });

            it("fails when an answer holds no value, naming the secret", () => {
                const broken = hooks.snapshotPlugin === "repository-gcs" ? JSON.stringify({ name: "x" }) : JSON.stringify({ value: "unset" });
                const r = read(["s-a", "s-b"], [answer("fine"), broken]);
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, hooks.snapshotPlugin === "repository-azure" ? /secret s-b: a secret still holds unset/ : /secret s-b: its answer holds no value/);
                assert.deepStrictEqual(r.values, [], "no value assigned");
            });

            it("fails when there are not as many answers as secrets", () => {
                const r = read(["s-a", "s-b"], [answer("only one")]);
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /1 answers for 2 secrets/);
            });
        });

        // Only Key Vault has a checkJq (a value tells UNSET from one node 0 wrote): node 0's
        // secrets_exist reads every other node's answer with this one jq run at every boot.
        const checkJq = hooks.secretCheckJq;
        if (checkJq !== undefined) {
            describe(`${cloud} secrets_exist: which secrets hold a value, from one jq run (the real jq)`, () => {
                const answer = (value: string) => JSON.stringify({ value, id: "https://kv-test.vault.azure.net/secrets/x/0123", attributes: { enabled: true } });
                /** Runs the jq as secrets_exist does and evaluates its output in bash: each name's SECRET_HAS, or the failure. */
                const check = (names: string[], answers: string[]) => {
                    const script = `declare -A SECRET_HAS=()
has=$(printf '%s\\n' "\${@:2}" | jq -nr --args "$1" ${names.map((n) => `'${n}'`).join(" ")}) || exit 3
eval "$has"
for n in ${names.join(" ")}; do printf '%s\\0' "\${SECRET_HAS[$n]-<none>}"; done`;
                    const r = spawnSync("bash", ["-c", script, "bash", secretsCheckJq(checkJq), ...answers], { encoding: "utf8" });
                    return { status: r.status, has: r.stdout.split("\0").slice(0, -1), stderr: r.stderr };
                };

                it("a secret holding a value is 0, one still holding Pulumi's initial value (unset) is 3, each on its own name", () => {
                    const r = check(["s-node-1", "s-node-2", "s-node-3"], [answer("-----BEGIN PRIVATE KEY-----\n"), answer("unset"), answer("x")]);
                    assert.strictEqual(r.status, 0, r.stderr);
                    assert.deepStrictEqual(r.has, ["0", "3", "0"]);
                });

                it("fails when an answer holds no value, naming the secret", () => {
                    const r = check(["s-node-1", "s-node-2"], [answer("x"), JSON.stringify({ id: "https://kv-test.vault.azure.net/secrets/x/0123" })]);
                    assert.strictEqual(r.status, 3);
                    assert.match(r.stderr, /secret s-node-2: its answer holds no value/);
                    assert.deepStrictEqual(r.has, [], "nothing assigned");
                });

                // An answer lost or added would shift every later answer onto another node's name.
                for (const [what, answers, message] of [
                    ["fewer answers than secrets", [answer("unset")], /1 answers for 2 secrets/],
                    ["more answers than secrets", [answer("x"), answer("unset"), answer("x")], /3 answers for 2 secrets/],
                    ["no answers at all", [], /0 answers for 2 secrets/],
                ] as const) {
                    it(`fails when there are ${what}, saying how many of each`, () => {
                        const r = check(["s-node-1", "s-node-2"], [...answers]);
                        assert.strictEqual(r.status, 3);
                        assert.match(r.stderr, message);
                        assert.deepStrictEqual(r.has, [], "nothing assigned");
                    });
                }
            });
        }

        describe(`${cloud} sandbox`, () => {
            const sandboxes: BootSandbox[] = [];
            const sandbox = (cloudState?: string) => {
                const s = new BootSandbox(hooks.dataDevice, cloudState);
                sandboxes.push(s);
                return s;
            };
            after(() => sandboxes.forEach((s) => s.cleanup()));

            let boot: BootSandbox;
            let member: BootSandbox;
            let first: Record<string, string>;
            /** Node 0 as its first boot left it, before anything else ran (a member reads its cloud). */
            let booted: BootSandbox;
            /** A node 0 of its own, seeded and booted once (a copy of `booted`, as that boot left it). */
            const bootedNode = () => {
                const s = booted.copy();
                sandboxes.push(s);
                return s;
            };
            before(() => {
                boot = sandbox();
                seed(boot);
                const r = boot.run(bootScript(input(hooks, 0)));
                assert.strictEqual(r.status, 0, r.stderr);
                first = boot.snapshot();
                booted = boot.copy();
                sandboxes.push(booted);
                member = sandbox(boot.state);
                const m = member.run(bootScript(input(hooks, 1)));
                assert.strictEqual(m.status, 0, m.stderr);
            });

            it("the bootstrap writes the generated opensearch.yml, heap options and mounts the disk", () => {
                const yml = parse(boot.file("etc/opensearch/opensearch.yml"));
                assert.strictEqual(yml["node.name"], "app-prod-search-0");
                assert.deepStrictEqual(yml["plugins.security.nodes_dn"], [0, 1, 2].map((i) => `CN=app-prod-search-${i},OU=nodes,O=anycloud`));
                assert.strictEqual(boot.file("etc/opensearch/heap.options"), heapOptions(16384));
                assert.match(boot.file("etc/fstab"), new RegExp(`^${hooks.dataDevice} /mnt/opensearch ext4 defaults,nofail 0 2$`, "m"));
                assert.match(boot.stateFile("calls.log", "node"), /^mkfs\.ext4 /m);
                assert.match(boot.stateFile("calls.log", "node"), new RegExp(`^resize2fs .*${hooks.dataDevice}$`, "m"), "the file system follows a grown disk");
                assert.strictEqual(boot.file("etc/sysctl.d/99-opensearch.conf"), "vm.max_map_count=262144\n");
            });

            it("the bootstrap creates the CA, stores key and certificate, and issues every node's certificate", () => {
                const ca = boot.secret("s-ca-cert")!;
                assert.strictEqual(ca, boot.file("etc/opensearch/certs/ca.pem").replace(/\n$/, "") + (ca.endsWith("\n") ? "\n" : ""));
                assert.match(boot.secret("s-ca-key")!, /BEGIN PRIVATE KEY/);
                for (const i of [1, 2]) {
                    assert.match(boot.secret(`s-node-${i}`)!, /BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
                }
                assert.ok(!boot.exists("etc/opensearch/bootstrap/ca-key.pem"), "the CA key is not left on the node");
                assert.ok(boot.exists("etc/opensearch/bootstrap/admin.pem"));
            });

            it("the admin user's hash is in internal_users.yml and securityadmin ran", () => {
                const users = parse(boot.file("etc/opensearch/bootstrap/security/internal_users.yml"));
                assert.strictEqual(users.admin.hash, fakeHash("Admin-Password-1"));
                assert.ok(fs.existsSync(path.join(boot.node, "security-loaded")));
                assert.ok(!JSON.stringify(boot.snapshot()).includes("Admin-Password-1"), "the password is not written to disk");
            });

            it("each workload's user is in internal_users.yml with the hash of the password in its own secret", () => {
                const users = parse(boot.file("etc/opensearch/bootstrap/security/internal_users.yml"));
                assert.deepStrictEqual(Object.keys(users).sort(), ["_meta", "admin", "svc-web", "svc-worker"]);
                for (const u of USERS) {
                    assert.strictEqual(users[u.username].hash, fakeHash(PASSWORDS[u.username]), u.username);
                }
                const onDisk = JSON.stringify(boot.snapshot());
                for (const pw of Object.values(PASSWORDS)) assert.ok(!onDisk.includes(pw), "no user password on disk");
            });

            it("roles.yml and roles_mapping.yml on the node are the generated ones: each workload's role for its user alone, all_access for the admin only", () => {
                const expected = securityConfig("admin", USERS);
                for (const f of ["roles.yml", "roles_mapping.yml"] as const) {
                    assert.deepStrictEqual(parse(boot.file(`etc/opensearch/bootstrap/security/${f}`)), parse(expected[f]), f);
                }
                const mapping = parse(boot.file("etc/opensearch/bootstrap/security/roles_mapping.yml"));
                assert.deepStrictEqual(mapping.anycloud_app_web.users, ["svc-web"]);
                assert.deepStrictEqual(mapping.anycloud_app_worker.users, ["svc-worker"]);
                assert.deepStrictEqual(mapping.all_access.users, ["admin"]);
                const roles = parse(boot.file("etc/opensearch/bootstrap/security/roles.yml"));
                assert.deepStrictEqual(roles.anycloud_app_web.index_permissions[0].index_patterns, ["web*", ".ds-web*"]);
            });

            it("the files securityadmin loads are the secret's texts byte for byte (internal_users.yml with each token replaced by its bcrypt hash), the index check its JSON", () => {
                const files = securityConfig("admin", USERS);
                let users = files["internal_users.yml"].replace(hashToken("admin"), () => fakeHash("Admin-Password-1"));
                for (const u of USERS) users = users.replace(hashToken(u.username), () => fakeHash(PASSWORDS[u.username]));
                const onNode = (f: string) => boot.file(`etc/opensearch/bootstrap/security/${f}`);
                assert.deepStrictEqual(
                    { "internal_users.yml": onNode("internal_users.yml"), "roles.yml": onNode("roles.yml"), "roles_mapping.yml": onNode("roles_mapping.yml"), "check.json": onNode("check.json") },
                    { "internal_users.yml": users, "roles.yml": files["roles.yml"], "roles_mapping.yml": files["roles_mapping.yml"], "check.json": `${JSON.stringify(JSON.parse(boot.secret("s-security")!).check)}\n` },
                );
            });

            it("securityadmin loads the three generated files over the image's defaults", () => {
                const call = boot.stateFile("calls.log", "node").split("\n").find((l) => l.includes("securityadmin.sh"))!;
                for (const f of SECURITY_FILES) {
                    assert.ok(call.includes(`/etc/opensearch/bootstrap/security/${f}:/usr/share/opensearch/config/opensearch-security/${f}:ro`), f);
                }
            });

            /** The node's requests for an access token (metadata server / IMDS) and to the secret store, in order. */
            const tokenRequests = (s: BootSandbox) => s.stateFile("calls.log", "node").match(/^curl GET \S*(computeMetadata\S*\/token|metadata\/identity\/)/gm) ?? [];
            /** How many times securityadmin ran on the node. */
            const loads = (s: BootSandbox) => (s.stateFile("calls.log", "node").match(/securityadmin\.sh/g) ?? []).length;
            /** How many times this boot read the security configuration secret (the copy's counter starts at none). */
            const securityReads = (s: BootSandbox) => Number(s.stateFile("reads-s-security", "node") || 0);
            const secretRequests = (s: BootSandbox) => s.stateFile("calls.log", "node").match(/^curl \w+ https:\/\/(secretmanager\.googleapis\.com|kv-test\.vault\.azure\.net)\//gm) ?? [];

            it("a boot asks the metadata server for a token once and uses it for every secret it reads and writes", () => {
                assert.ok(secretRequests(boot).length >= 10, `${secretRequests(boot).length} secret requests`);
                assert.strictEqual(tokenRequests(boot).length, 1);
            });

            it("a token the secret store refuses is dropped: the next try takes a new one and the boot goes on", () => {
                const s = bootedNode();
                const before = tokenRequests(s).length;
                const r = s.run(bootScript(input(hooks, 0)), { fail: [`token-refused:sandbox-token-${before + 1}`] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(tokenRequests(s).length - before, 2, "the refused token and a new one");
            });

            it("a token the secret store refuses when the security configuration is read is dropped: the next try takes a new one and securityadmin runs", () => {
                // A reboot reads the peer bundles first (token 1), then the security secret (secret_answer), which refuses it.
                const s = bootedNode();
                const before = tokenRequests(s).length;
                const r = s.run(bootScript(input(hooks, 0)), { fail: ["token-refused-on:s-security"] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(tokenRequests(s).length - before, 2, "the refused token and a new one");
                assert.strictEqual(loads(s), 2, "securityadmin ran again");
            });

            it("a token the secret store refuses when a secret is written is dropped, and the write is tried again with a new one", () => {
                // node 2's bundle is gone: the reboot reads it (404) and the CA key with token 1, issues it again and writes it.
                const s = bootedNode();
                fs.rmSync(path.join(s.state, "secrets", "s-node-2"));
                const before = tokenRequests(s).length;
                const r = s.run(bootScript(input(hooks, 0)), { fail: ["token-refused-on-write:s-node-2"] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(tokenRequests(s).length - before, 2, "the refused token and a new one");
                assert.match(s.secret("s-node-2")!, /BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
            });

            it("a token within a minute of its expiry is not reused", () => {
                const s = bootedNode();
                const [tokens, secrets] = [tokenRequests(s).length, secretRequests(s).length];
                const r = s.run(bootScript(input(hooks, 0)), { env: { SANDBOX_TOKEN_TTL: "60" } });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(tokenRequests(s).length - tokens, secretRequests(s).length - secrets, "a new token for each secret request");
            });

            it("a reboot after a workload was added loads the current users (read from the secret, not the boot script)", () => {
                const s = bootedNode();
                assert.deepStrictEqual(Object.keys(parse(s.file("etc/opensearch/bootstrap/security/internal_users.yml"))).sort(), ["_meta", "admin", "svc-web", "svc-worker"]);
                seed(s, searchUsers(["web", "indexer"]));
                const r = s.run(bootScript(input(hooks, 0)));
                assert.strictEqual(r.status, 0, r.stderr);
                const users = parse(s.file("etc/opensearch/bootstrap/security/internal_users.yml"));
                assert.deepStrictEqual(Object.keys(users).sort(), ["_meta", "admin", "svc-indexer", "svc-web"]);
                assert.strictEqual(users["svc-indexer"].hash, fakeHash("svc-indexer-Password-9"));
                assert.strictEqual(s.stateFile("calls.log", "node").match(/securityadmin\.sh/g)!.length, 2, "securityadmin ran at both boots");
            });

            it("the re-apply script (Azure's run command, day 2) loads the current users into the running node without restarting it", () => {
                const s = bootedNode();
                const started = () => s.stateFile("calls.log", "node").match(/^docker run -d /gm)!.length;
                const loaded = () => s.stateFile("calls.log", "node").match(/securityadmin\.sh/g)!.length;
                assert.deepStrictEqual([started(), loaded()], [1, 1]);
                seed(s, searchUsers(["web", "indexer"]));
                const r = s.run(runAsBash(securityApplyScript(input(hooks, 0)), "v2"));
                assert.strictEqual(r.status, 0, r.stderr);
                assert.match(r.stdout, /security configuration applied/);
                const users = parse(s.file("etc/opensearch/bootstrap/security/internal_users.yml"));
                assert.deepStrictEqual(Object.keys(users).sort(), ["_meta", "admin", "svc-indexer", "svc-web"]);
                assert.deepStrictEqual(Object.keys(parse(s.file("etc/opensearch/bootstrap/security/roles.yml"))).sort(), ["_meta", "anycloud_app_indexer", "anycloud_app_web"]);
                assert.deepStrictEqual([started(), loaded()], [1, 2], "securityadmin ran again; OpenSearch was not restarted");
            });

            it("the re-apply after a workload stopped using search loads files without its user, role and mapping (securityadmin replaces each file's whole content)", () => {
                const s = bootedNode(); // web and worker
                seed(s, searchUsers(["web"]));
                const r = s.run(runAsBash(securityApplyScript(input(hooks, 0)), "v2"));
                assert.strictEqual(r.status, 0, r.stderr);
                const file = (f: string) => Object.keys(parse(s.file(`etc/opensearch/bootstrap/security/${f}`))).sort();
                assert.deepStrictEqual(file("internal_users.yml"), ["_meta", "admin", "svc-web"]);
                assert.deepStrictEqual(file("roles.yml"), ["_meta", "anycloud_app_web"]);
                assert.deepStrictEqual(file("roles_mapping.yml"), ["_meta", "all_access", "anycloud_app_web"]);
            });

            /** A node in use since before roles were per workload: the security index holds the shared role, and these indices exist. */
            const inUse = (s: BootSandbox, indices: string[]) => {
                fs.writeFileSync(path.join(s.node, "indices.json"), JSON.stringify([".opendistro_security", ".kibana_1", ...indices].map((index) => ({ index }))));
                fs.writeFileSync(
                    path.join(s.node, "roles.json"),
                    JSON.stringify({
                        anycloud_app: { reserved: false, description: "anycloud: a workload's own user", index_permissions: [{ index_patterns: ["/[^.].*/"], allowed_actions: ["indices_all"] }] },
                        all_access: { reserved: true, static: true, index_permissions: [{ index_patterns: ["*"] }] },
                    }),
                );
            };

            it("the re-apply refuses to load files that would leave an existing index to no workload (the shared role of earlier versions reached it), and loads nothing", () => {
                const s = bootedNode();
                inUse(s, ["web-products", "biblio-books", ".ds-web-logs-000001", "security-auditlog-2026.11.30"]);
                const r = s.run(runAsBash(securityApplyScript(input(hooks, 0)), "v2"));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: loading the security configuration would remove roles that reach these existing indices, leaving them to no workload's search role: biblio-books \(anycloud_app\)\. Add each to the searchIndices/);
                assert.ok(!/web-products|kibana|security-auditlog|\.ds-/.test(r.stderr), r.stderr);
                assert.strictEqual(loads(s), 1, "securityadmin did not run again: the cluster keeps the shared role");
            });

            it("the re-apply loads the per-workload roles once every existing index is some workload's", () => {
                const s = bootedNode();
                inUse(s, ["web-products", "worker-jobs", "security-auditlog-2026.11.30"]);
                const r = s.run(runAsBash(securityApplyScript(input(hooks, 0)), "v2"));
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(loads(s), 2);
            });

            it("a reboot of node 0 does not load files that would leave an existing index to no workload", () => {
                const s = bootedNode();
                inUse(s, ["biblio-books"]);
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /biblio-books \(anycloud_app\)/);
                assert.strictEqual(loads(s), 1);
            });

            it("the re-apply script fails the run command, with the boot script's message, when securityadmin fails", () => {
                const s = bootedNode();
                const r = s.run(runAsBash(securityApplyScript(input(hooks, 0)), "v2"), { fail: ["securityadmin"] });
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: securityadmin could not load the security configuration/);
            });

            // The security step runs at every boot of node 0: these start from a copy of the booted node.
            it("fails, naming the secret, when a user's password secret cannot be read", () => {
                const s = bootedNode();
                const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-read:s-user-worker"] });
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: read secret s-user-worker \(gave up after 3 tries/);
                assert.strictEqual(loads(s), 1, "securityadmin did not run with a partial configuration");
            });

            /** What a user's password secret holds instead of a password, and what the boot then says. */
            const notAPassword: [string, string, RegExp[]][] = [
                ["an empty value", "", [/FAILED: read secret s-user-worker: it holds an empty value/]],
                // Key Vault: a secret Pulumi created holds UNSET until written (GCP has no such value).
                ...(cloud === "azure"
                    ? [["the value Pulumi created it with", "unset", [/secret s-user-worker: a secret still holds unset/, /FAILED: read the values of secrets .*s-user-worker/]] as [string, string, RegExp[]]]
                    : []),
            ];
            for (const [what, value, messages] of notAPassword) {
                it(`fails, naming the secret, when a user's password secret holds ${what}`, () => {
                    const s = bootedNode();
                    s.setSecret("s-user-worker", value);
                    const r = s.run(bootScript(input(hooks, 0)));
                    assert.notStrictEqual(r.status, 0);
                    for (const message of messages) assert.match(r.stderr, message);
                    assert.strictEqual(loads(s), 1, "securityadmin did not run with a partial configuration");
                });
            }

            /** What the security secret holds instead of the configuration, made from what it holds now. */
            const notTheConfiguration: [string, (current: string) => string][] = [
                ["something else", () => "[]"],
                ["empty files and passwords", () => JSON.stringify({ files: {}, passwords: {} })],
                ["a file that is not a text", (current) => {
                    const bundle = JSON.parse(current);
                    bundle.files["roles.yml"] = 5;
                    return JSON.stringify(bundle);
                }],
            ];
            for (const [what, value] of notTheConfiguration) {
                it(`fails, loading nothing, when the security configuration secret holds ${what}`, () => {
                    const s = bootedNode();
                    s.setSecret("s-security", value(s.secret("s-security")!));
                    const r = s.run(bootScript(input(hooks, 0)));
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, /FAILED: secret s-security does not hold the security configuration \(files, passwords\)$/m);
                    assert.strictEqual(loads(s), 1, "securityadmin did not run again");
                });
            }

            // A 200 with an empty body is not a value: retried as a read that failed (once jq read
            // "no input" as success and the boot died on an unbound variable, naming nothing).
            it("an empty answer to the security configuration read is retried: the next read's configuration is loaded", () => {
                const s = bootedNode();
                const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-blank:s-security:1"] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(securityReads(s), 2, "the empty answer and the one read again");
                assert.strictEqual(loads(s), 2, "securityadmin ran again");
            });

            it("fails, naming the secret, when every answer to the security configuration read is empty (bounded)", () => {
                const s = bootedNode();
                const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-blank:s-security:all"] });
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: read secret s-security \(gave up after 3 tries/);
                assert.match(r.stderr, /secret s-security: the store's answer was empty/);
                assert.ok(!/unbound variable/.test(r.stderr), r.stderr);
                assert.strictEqual(securityReads(s), 3);
                assert.strictEqual(loads(s), 1, "securityadmin did not run again");
            });

            if (cloud === "gcp") {
                // GCP's VMs depend on the security secret's name only: its first version may not be
                // there (or not visible yet) when node 0 first reads it; the read waits for it.
                it("waits while the security configuration secret has no version yet (404), then loads it", () => {
                    const s = bootedNode();
                    const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-missing:s-security:2"] });
                    assert.strictEqual(r.status, 0, r.stderr);
                    assert.strictEqual(securityReads(s), 3, "two reads found no version, the third its value");
                    assert.strictEqual(loads(s), 2, "securityadmin ran again");
                });

                it("fails, bounded and naming the secret, when the security configuration secret never gets a version", () => {
                    const s = bootedNode();
                    const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-missing:s-security:all"] });
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, /FAILED: read secret s-security \(gave up after 3 tries, 0 s apart\)/);
                    assert.strictEqual(securityReads(s), 3);
                    assert.strictEqual(loads(s), 1, "securityadmin did not run again");
                });
            }

            it("fails with jq's own message when the security configuration secret is not JSON", () => {
                const s = bootedNode();
                s.setSecret("s-security", "not json");
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                // fromjson's error (status 5 in jq 1.6 and 1.7.1; 1.6 exited 4 on such input, once taken for
                // "written by an older program"), without the value it could not parse
                assert.match(r.stderr, /FAILED: read the security configuration in secret s-security: jq failed \(status [1-9]\d*\): jq: error .*: Invalid literal at line 1, column \d+$/m);
                assert.ok(!r.stderr.includes("not json"), "the value is not echoed into the boot log");
                assert.strictEqual(loads(s), 1, "securityadmin did not run again");
            });

            it("fails, loading nothing, when the security configuration has no index check (written by an older program)", () => {
                const s = bootedNode();
                const bundle = JSON.parse(s.secret("s-security")!);
                delete bundle.check;
                s.setSecret("s-security", JSON.stringify(bundle));
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: secret s-security holds no index check \(check\.keep, check\.covered\): written by an older program/);
                assert.strictEqual(loads(s), 1, "securityadmin did not run again");
            });

            it("fails when a user in the configuration has no password secret", () => {
                const s = bootedNode();
                const bundle = JSON.parse(s.secret("s-security")!);
                delete bundle.passwords[hashToken("svc-worker")];
                s.setSecret("s-security", JSON.stringify(bundle));
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: a user in the security configuration has no password secret/);
            });

            it("the container mounts neither the CA key nor the admin key", () => {
                const run = boot.stateFile("calls.log", "node").split("\n").find((l) => l.startsWith("docker run -d"))!;
                assert.ok(run.includes("/etc/opensearch/certs:/usr/share/opensearch/config/certs:ro"));
                assert.ok(!run.includes("bootstrap"), run);
                assert.deepStrictEqual(fs.readdirSync(path.join(boot.root, "etc/opensearch/certs")).sort(), ["ca.pem", "node-key.pem", "node.pem"]);
            });

            if (cloud === "azure") {
                it("the script installs itself in cloud-init's per-boot directory (customData alone runs once per VM)", () => {
                    const copy = path.join(boot.root, "var/lib/cloud/scripts/per-boot/anycloud-search.sh");
                    assert.strictEqual(fs.readFileSync(copy, "utf8"), bootScript(input(hooks, 0)));
                    assert.strictEqual(fs.statSync(copy).mode & 0o777, 0o700);
                });

                // Key Vault has no empty secret: Pulumi creates each node's bundle holding UNSET, and
                // only the value tells it from one node 0 wrote (one jq run for all the other nodes).
                it("a reboot of node 0 issues the certificate of a node whose secret holds Pulumi's initial value (unset), and only that one", () => {
                    const s = bootedNode();
                    const bundle1 = s.secret("s-node-1");
                    s.setSecret("s-node-2", "unset");
                    const writes = s.stateFile("secret-writes");
                    const r = s.run(bootScript(input(hooks, 0)));
                    assert.strictEqual(r.status, 0, r.stderr);
                    assert.match(s.secret("s-node-2")!, /BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
                    assert.strictEqual(s.secret("s-node-1"), bundle1);
                    assert.strictEqual(s.stateFile("secret-writes").slice(writes.length), "s-node-2\n");
                });
            }

            it("the image adds the snapshot repository plugin", () => {
                assert.match(fs.readFileSync(path.join(boot.node, "Dockerfile"), "utf8"), new RegExp(`opensearch-plugin install --batch ${hooks.snapshotPlugin}`));
            });

            it("the bootstrap registers the snapshot repository and a daily policy kept snapshotRetentionDays", () => {
                const api = boot.stateFile("api.log", "node");
                const settings = hooks.snapshotPlugin === "repository-gcs" ? '"bucket":"app-prod-search-snapshots-1234abcd"' : '"container":"opensearch-snapshots"';
                assert.ok(api.startsWith(`PUT /_snapshot/anycloud {"type":"${STORES[hooks.snapshotPlugin].type}","settings":{${settings},"base_path":"opensearch"`), api);
                const policy = JSON.parse(fs.readFileSync(path.join(boot.node, "sm-policy"), "utf8"));
                assert.strictEqual(policy.deletion.condition.max_age, "14d");
                assert.strictEqual(policy.snapshot_config.repository, "anycloud");
                assert.strictEqual(policy.creation.schedule.cron.expression, "0 3 * * *");
                assert.ok(!member.stateFile("api.log", "node").includes("_snapshot"), "only the bootstrap registers it");
            });

            it("every node's repository client authenticates with the VM's identity, no key", () => {
                for (const s of [boot, member]) {
                    const yml = parse(s.file("etc/opensearch/opensearch.yml"));
                    const dockerfile = fs.readFileSync(path.join(s.node, "Dockerfile"), "utf8");
                    if (hooks.snapshotPlugin === "repository-gcs") {
                        // Application Default Credentials: no credentials_file in the keystore.
                        assert.strictEqual(yml["gcs.client.default.project_id"], "my-project");
                        assert.ok(!dockerfile.includes("opensearch-keystore"), dockerfile);
                    } else {
                        assert.strictEqual(yml["azure.client.default.token_credential_type"], "managed_identity");
                        assert.match(dockerfile, /^RUN printf %s stsearch1234abcd \| \/usr\/share\/opensearch\/bin\/opensearch-keystore add --stdin --force azure\.client\.default\.account$/m);
                        assert.ok(!/\.(key|sas_token) /.test(dockerfile), "no account key or SAS");
                    }
                }
            });

            it("a member gets its own certificate from its secret, signed by the CA, and never the CA key", () => {
                const dir = path.join(member.root, "etc/opensearch/certs");
                assert.strictEqual(execFileSync("openssl", ["verify", "-CAfile", "ca.pem", "node.pem"], { cwd: dir, encoding: "utf8" }).trim(), "node.pem: OK");
                const subject = execFileSync("openssl", ["x509", "-in", "node.pem", "-noout", "-subject", "-nameopt", "RFC2253"], { cwd: dir, encoding: "utf8" });
                assert.strictEqual(subject.trim(), "subject=CN=app-prod-search-1,OU=nodes,O=anycloud");
                assert.ok(!member.stateFile("calls.log", "node").includes("s-ca-key"), "the member never asks for the CA key");
                assert.ok(!fs.existsSync(path.join(member.root, "etc/opensearch/bootstrap/admin.pem")));
            });

            it("a second boot is idempotent: same files, no new CA, no new secrets, no reformat", () => {
                const writes = boot.stateFile("secret-writes");
                const r = boot.run(bootScript(input(hooks, 0)));
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(boot.snapshot(), first);
                assert.strictEqual(boot.stateFile("secret-writes"), writes);
                assert.strictEqual(boot.stateFile("calls.log", "node").match(/^mkfs\.ext4 /gm)!.length, 1);
                assert.strictEqual(boot.stateFile("calls.log", "node").match(/^docker build /gm)!.length, 1);
            });

            // Each failure: non-zero exit and a message naming the failed step. A step that runs at
            // every boot of node 0 ("booted") fails in a copy of the booted node (no new CA and
            // certificates on the way); the image build in one whose image is gone ("no image").
            const failures: [string, string[], RegExp, ("booted" | "no image")?][] = [
                ["sysctl", ["sysctl"], /FAILED: sysctl vm\.max_map_count/],
                ["docker service", ["systemctl"], /FAILED: start docker/],
                ["format", ["mkfs.ext4"], /FAILED: format the data disk/],
                ["unreadable disk", ["blkid"], /FAILED: blkid could not read the data disk/],
                ["mount", ["mount"], /FAILED: mount the data disk/],
                ["file system growth", ["resize2fs"], /FAILED: grow the file system of the data disk/],
                ["secret read", ["secret-read:s-ca-cert"], /FAILED: read secret s-ca-cert \(gave up after 3 tries/],
                ["CA key write", ["secret-write:s-ca-key"], /FAILED: store the CA key in secret s-ca-key/],
                ["image build", ["docker-build"], /FAILED: build anycloud\/opensearch:2\.19\.2-repository-\w+ .*gave up after 3 tries/, "no image"],
                ["container start", ["docker-run"], /FAILED: docker run anycloud\/opensearch/, "booted"],
                ["OpenSearch not answering", ["opensearch"], /FAILED: OpenSearch did not answer on https:\/\/127\.0\.0\.1:9200/, "booted"],
                ["securityadmin", ["securityadmin"], /FAILED: securityadmin could not load the security configuration/, "booted"],
            ];
            failures.push(
                ["snapshot repository", ["snapshot-repository"], new RegExp(`FAILED: register the snapshot repository anycloud in ${WHERE[hooks.snapshotPlugin]}`), "booted"],
                ["snapshot policy", ["snapshot-policy"], /FAILED: create the snapshot policy anycloud-daily \(kept 14 days\)/, "booted"],
            );
            for (const [what, fail, message, from] of failures) {
                it(`fails with a message when ${what} fails`, () => {
                    let s: BootSandbox;
                    if (from) {
                        s = bootedNode();
                        if (from === "no image") fs.rmSync(path.join(s.node, "image-built"));
                    } else {
                        s = sandbox();
                        seed(s);
                    }
                    const r = s.run(bootScript(input(hooks, 0)), { fail });
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, message);
                });
            }

            it("fails with a message when the data disk never appears (bounded wait)", () => {
                const s = sandbox();
                fs.rmSync(path.join(s.root, hooks.dataDevice));
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, new RegExp(`FAILED: the data disk ${hooks.dataDevice} did not appear \\(gave up after 3 tries`));
            });

            it("a bootstrap whose CA secret lost its value while the data disk holds data refuses to mint a second CA", () => {
                const s = sandbox();
                seed(s);
                fs.mkdirSync(path.join(s.root, "mnt/opensearch/data/nodes/0"), { recursive: true });
                const r = s.run(bootScript(input(hooks, 0)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: secret s-ca-cert holds no CA certificate, but the data disk already holds this cluster's data: refusing to create a second CA/);
                assert.strictEqual(s.secret("s-ca-key"), undefined, "no new CA key stored");
            });

            if (cloud === "gcp") {
                // As when node 0 read each bundle (jq -e .payload.data): node 0 fails, not the member later.
                it("a reboot of node 0 fails, naming the secret, when a node bundle's latest version is empty (no payload.data), and issues nothing over it", () => {
                    const s = bootedNode();
                    const writes = s.stateFile("secret-writes");
                    const r = s.run(bootScript(input(hooks, 0)), { fail: ["secret-empty:s-node-1"] });
                    assert.notStrictEqual(r.status, 0);
                    assert.match(r.stderr, /secret s-node-1: the latest version holds no payload\.data/);
                    assert.match(r.stderr, /FAILED: read secret s-node-1 \(gave up after 3 tries/);
                    assert.strictEqual(s.stateFile("secret-writes"), writes, "no bundle written over it");
                });
            }

            it("a member whose certificate was never written fails, naming the secret and the bootstrap node", () => {
                const s = sandbox();
                const r = s.run(bootScript(input(hooks, 2)));
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /FAILED: secret s-ca-cert has no value \(it is written by app-prod-search-0, the bootstrap node/);
            });
        });
    });
}

/** The readiness gate's check, run with `sh` against the shims (test/opensearch-readiness-gate.spec.ts). */
export function describeReadinessGate(): void {
    describe("search readiness gate check", function () {
        this.timeout(60_000);
        const gate = readinessScript({
            url: "https://10.20.0.9:9200",
            fetchCa: 'printf "ca" >"$CA"',
            authConfig: `printf 'user = "admin:%s"\\n' "$ELASTICSEARCH_PASSWORD"`,
            tries: 3,
            pauseSeconds: 0,
            logHint: "the boot log of node-0",
        });
        const run = (health: string, fail = "") => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-gate-"));
            try {
                return spawnSync("sh", ["-c", gate], {
                    encoding: "utf8",
                    env: { PATH: `${SHIMS}:/usr/bin:/bin`, ANYCLOUD_GATE_DIR: dir, SANDBOX_STATE: dir, SANDBOX_NODE: dir, SANDBOX_HEALTH: health, SANDBOX_FAIL: fail, ELASTICSEARCH_PASSWORD: "pw" },
                });
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        };

        it("shellcheck (POSIX sh) finds nothing", () => {
            const r = shellcheck(gate, "gate.sh");
            assert.strictEqual(r.status, 0, r.stdout);
        });

        it("passes when the cluster is green", () => {
            const r = run("green");
            assert.strictEqual(r.status, 0, r.stderr);
            assert.match(r.stdout, /cluster https:\/\/10\.20\.0\.9:9200 is green/);
        });

        it("fails, bounded, with the last status and where the boot logs are, when it stays yellow", () => {
            const r = run("yellow");
            assert.strictEqual(r.status, 1);
            assert.match(r.stderr, /FAILED: the search cluster https:\/\/10\.20\.0\.9:9200 is not green .*\(last: yellow\)\. Boot logs: the boot log of node-0/);
            assert.strictEqual(r.stdout.match(/waiting for green/g)!.length, 3);
        });

        it("fails when the cluster never answers", () => {
            const r = run("green", "opensearch");
            assert.strictEqual(r.status, 1);
            assert.match(r.stderr, /\(last: no answer\)/);
        });
    });
}
