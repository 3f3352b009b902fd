import * as assert from "assert";
import { parse } from "yaml";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { baseline, plan, Plan, secondUp } from "./harness";
import { diffRuns, replaceTable } from "../stacks/changes";
import type { CapturedResource } from "../stacks/offline";
import { runGate } from "./boot-sandbox";
import { readinessBoundSeconds } from "../components/opensearch/readiness";

/** What a never-ready run says about the gate's bound: tries made, pause between them. */
function bound(r: { stdout: string; slept: number }): { tries: number; pauseSeconds: number } {
    const tries = r.stdout.match(/waiting for green/g)?.length ?? 0;
    return { tries, pauseSeconds: tries ? r.slept / tries : 0 };
}

function shellcheck(script: string): void {
    const file = path.join(os.tmpdir(), `anycloud-gate-${process.pid}.sh`);
    fs.writeFileSync(file, script);
    const r = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
    fs.rmSync(file);
    assert.strictEqual(r.status, 0, r.stdout);
}

/** The opensearch.yml a boot script writes (its quoted here-document). */
function ymlIn(script: string): Record<string, any> {
    const m = script.match(/put_file "\$ETC\/opensearch\.yml" <<'ANYCLOUD_EOF'\n([\s\S]*?)\nANYCLOUD_EOF/);
    assert.ok(m, "the script writes opensearch.yml");
    return parse(m[1]);
}

/**
 * What an earlier version of the program left deployed: these resources, each search node's boot
 * script text different (as a program upgrade that changes the script leaves them), and what
 * hashes the scripts (the readiness gate) holding the earlier hash.
 */
function earlierBootScripts(resources: readonly CapturedResource[], edit: (r: CapturedResource) => void): CapturedResource[] {
    return resources.map((r) => {
        const copy = structuredClone(r) as CapturedResource;
        edit(copy);
        return copy;
    });
}
const EARLIER = "\n# a line of an earlier program's boot script\n";

describe("search on VMs (GCP, Azure): plan", function () {
    this.timeout(120000);

    describe("gcp prod", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
        });
        const vms = () => p.ofType("gcp:compute/instance:Instance").sort((a, b) => a.name.localeCompare(b.name));
        const secret = (suffix: string) => p.ofType("gcp:secretmanager/secret:Secret").find((s) => s.inputs.secretId.endsWith(`-search-${suffix}`))!;

        it("clients reach one internal load balancer over every node, never a node", () => {
            const rule = p.one("gcp:compute/forwardingRule:ForwardingRule");
            assert.strictEqual(rule.inputs.loadBalancingScheme, "INTERNAL");
            assert.deepStrictEqual(rule.inputs.ports, ["9200"]);
            const backend = p.one("gcp:compute/regionBackendService:RegionBackendService");
            assert.strictEqual(backend.inputs.backends.length, 3);
            const nodeIps = vms().map((v) => v.inputs.networkInterfaces[0].networkIp);
            assert.ok(!nodeIps.includes(rule.inputs.ipAddress));
            for (const run of p.ofType("gcp:cloudrunv2/service:Service")) {
                const env = (run.inputs.template.containers[0].envs ?? []) as any[];
                const url = env.find((e) => e.name === "ELASTICSEARCH_URL");
                if (url) assert.strictEqual(url.value, `https://${rule.inputs.ipAddress}:9200`);
            }
        });

        it("every node's certificate names the load balancer's address (hostname verification)", () => {
            const ip = p.one("gcp:compute/forwardingRule:ForwardingRule").inputs.ipAddress;
            const boot = vms()[0].inputs.metadata["startup-script"] as string;
            for (const v of vms()) {
                assert.ok(boot.includes(`IP:${v.inputs.networkInterfaces[0].networkIp},IP:${ip},`), v.name);
            }
        });

        it("clients get the CA certificate itself as ELASTICSEARCH_CA_CERT (a secret env var)", () => {
            const ca = secret("ca-cert");
            let users = 0;
            for (const run of p.ofType("gcp:cloudrunv2/service:Service")) {
                const env = (run.inputs.template.containers[0].envs ?? []) as any[];
                assert.ok(!env.some((e) => e.name === "ELASTICSEARCH_CA_CERT_SECRET"));
                const e = env.find((x) => x.name === "ELASTICSEARCH_CA_CERT");
                if (e) {
                    users++;
                    assert.strictEqual(e.valueSource.secretKeyRef.secret, ca.inputs.secretId);
                }
            }
            assert.ok(users > 0, "a service that uses search gets the CA");
        });

        it("only the bootstrap node's account can read the CA key or write what others trust", () => {
            const [boot, ...members] = vms();
            const bootMember = `serviceAccount:${boot.inputs.serviceAccount.email}`;
            const iam = p.ofType("gcp:secretmanager/secretIamMember:SecretIamMember");
            const onKey = iam.filter((m) => m.inputs.secretId === secret("ca-key").inputs.secretId);
            assert.deepStrictEqual([...new Set(onKey.map((m) => m.inputs.member))], [bootMember]);
            const adders = iam.filter((m) => m.inputs.role === "roles/secretmanager.secretVersionAdder" && /-search-/.test(m.inputs.secretId));
            assert.ok(adders.length > 0 && adders.every((m) => m.inputs.member === bootMember));
            for (const m of members) {
                assert.notStrictEqual(m.inputs.serviceAccount.email, boot.inputs.serviceAccount.email);
                assert.ok(!(m.inputs.metadata["startup-script"] as string).includes(secret("ca-key").inputs.secretId), `${m.name} never names the CA key`);
            }
        });

        it("nodes boot after Cloud NAT and their secret grants, and list each other in nodes_dn", () => {
            const nat = p.one("gcp:compute/routerNat:RouterNat");
            const grants = p.descendantsOf(p.component("SearchCluster", "search")).filter((r) => r.type === "gcp:secretmanager/secretIamMember:SecretIamMember" && !r.name.startsWith("search-gate-"));
            assert.ok(grants.length >= 5);
            for (const v of vms()) {
                assert.ok(v.dependencies.includes(nat.urn), `${v.name} after NAT`);
                for (const g of grants) assert.ok(v.dependencies.includes(g.urn), `${v.name} after ${g.name}`);
                const yml = ymlIn(v.inputs.metadata["startup-script"]);
                assert.deepStrictEqual(
                    yml["plugins.security.nodes_dn"],
                    vms().map((x) => `CN=${x.inputs.name},OU=nodes,O=anycloud`),
                );
            }
        });

        it("data disks are their own protected resources, and the boot image is a family (no replacement on a new image)", () => {
            for (const d of p.ofType("gcp:compute/disk:Disk").filter((d) => d.name.includes("search"))) {
                assert.strictEqual(d.protect, true, d.name);
            }
            for (const v of vms()) {
                assert.strictEqual(v.inputs.bootDisk.initializeParams.image, "debian-cloud/debian-12");
                assert.strictEqual(v.inputs.attachedDisks[0].deviceName, "data");
            }
        });

        it("OpenSearch snapshots go to the stack's own protected bucket every node can write, kept snapshotRetentionDays", () => {
            const bucket = p.ofType("gcp:storage/bucket:Bucket").find((b) => b.name === "search-snapshots-bucket")!;
            assert.strictEqual(bucket.protect, true);
            assert.strictEqual(bucket.inputs.publicAccessPrevention, "enforced");
            assert.ok(!bucket.inputs.lifecycleRules?.length, "no age-based deletion under OpenSearch's shared snapshot files");
            const iam = p.ofType("gcp:storage/bucketIAMMember:BucketIAMMember").filter((m) => m.inputs.bucket === bucket.inputs.name);
            for (const v of vms()) {
                const member = `serviceAccount:${v.inputs.serviceAccount.email}`;
                assert.ok(iam.some((m) => m.inputs.member === member && m.inputs.role === "roles/storage.objectUser"), v.name);
            }
            const [boot, ...members] = vms().map((v) => v.inputs.metadata["startup-script"] as string);
            assert.ok(boot.includes(`"bucket":"${bucket.inputs.name}"`));
            assert.ok(boot.includes('"max_age":"30d"'), "prod preset: search.snapshotRetentionDays 30");
            assert.ok(members.every((m) => !m.includes("_snapshot/")), "only the bootstrap registers it");
        });

        it("a readiness gate job runs on create and config change; services that use search wait for it", () => {
            const job = p.ofType("gcp:cloudrunv2/job:Job").find((j) => j.name === "search-ready")!;
            assert.match(job.inputs.runExecutionToken, /^[0-9a-f]{12}$/);
            assert.strictEqual(job.inputs.template.template.maxRetries, 0);
            const script = job.inputs.template.template.containers[0].commands[2];
            shellcheck(script);
            assert.match(script, /_cluster\/health\?wait_for_status=green/);
            for (const v of vms()) assert.ok(job.dependencies.includes(v.urn));
            let users = 0;
            for (const run of p.ofType("gcp:cloudrunv2/service:Service")) {
                if ((run.inputs.template.containers[0].envs ?? []).some((e: any) => e.name === "ELASTICSEARCH_CA_CERT")) {
                    users++;
                    assert.ok(run.dependencies.includes(job.urn), `${run.name} waits for the gate`);
                }
            }
            assert.ok(users > 0);
        });

        it("Pulumi never writes a version of the secrets the bootstrap node writes (no initial value to overwrite theirs); they are protected", () => {
            const nodeWritten = ["ca-key", "ca-cert", "node-1-tls", "node-2-tls"].map(secret);
            const versions = p.ofType("gcp:secretmanager/secretVersion:SecretVersion");
            for (const s of nodeWritten) {
                assert.ok(s, "the secret exists");
                assert.ok(!versions.some((v) => v.propertyDependencies.secret?.includes(s.urn)), `${s.inputs.secretId} has no Pulumi-managed version`);
                assert.strictEqual(s.protect, true);
                assert.strictEqual(s.inputs.deletionProtection, true);
            }
        });

        // README "Search on VMs", day 2. Only metadataStartupScript replaces a VM (pulumi-gcp
        // Instance docs; providers/gcp/replace-forcing.ts): the startup-script key is metadata,
        // set in place (no reboot): the next boot runs the new text.
        it("a changed boot script (a program upgrade) updates each node's startup-script metadata in place, never replaces it, and runs the readiness job again; nothing else changes", async () => {
            const earlier = earlierBootScripts(p.resources, (r) => {
                if (r.type === "gcp:compute/instance:Instance") r.inputs.metadata["startup-script"] += EARLIER;
                if (r.type === "gcp:cloudrunv2/job:Job" && r.name === "search-ready") r.inputs.runExecutionToken = "000000000000";
            });
            const after = await secondUp({ stack: "prod", set: { cloud: "gcp" } });
            const changes = diffRuns(earlier, after.resources, replaceTable("gcp"));
            assert.deepStrictEqual(
                changes.map((c) => [c.type, c.name, c.op, c.properties]),
                [
                    ["gcp:cloudrunv2/job:Job", "search-ready", "update", ["runExecutionToken"]],
                    ...vms().map((v) => ["gcp:compute/instance:Instance", v.name, "update", ["metadata.startup-script"]]),
                ],
            );
        });

        describe("the readiness job's own script, executed against shims", () => {
            const PEM = "-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n";
            const job = () => p.ofType("gcp:cloudrunv2/job:Job").find((j) => j.name === "search-ready")!;
            const gate = (o: Parameters<typeof runGate>[1] = {}) =>
                runGate(job().inputs.template.template.containers[0].commands[2], {
                    secrets: { [secret("ca-cert").inputs.secretId]: PEM },
                    env: { ELASTICSEARCH_PASSWORD: "Admin-Password-1", SANDBOX_ADMIN_PASSWORD: "Admin-Password-1" },
                    ...o,
                });

            it("a green cluster passes: the CA comes from Secret Manager with the job's token, the admin password from its env", () => {
                const r = gate();
                assert.strictEqual(r.status, 0, r.stderr + r.stdout);
                assert.match(r.stdout, /anycloud-search: cluster https:\/\/[\d.]+:9200 is green/);
            });

            it("a never-green cluster fails within the job's timeout, naming the last status and the boot logs", () => {
                const r = gate({ health: "red" });
                assert.strictEqual(r.status, 1);
                assert.match(r.stderr, /anycloud-search: FAILED: the search cluster https:\/\/[\d.]+:9200 is not green after about \d+ min \(last: red\)\. Boot logs: gcloud compute instances get-serial-port-output \S+-search-0 --zone \S+ --project \S+/);
                const b = bound(r);
                assert.ok(b.tries > 1);
                assert.ok(readinessBoundSeconds(b) < parseInt(job().inputs.template.template.timeout, 10), `${b.tries} tries, ${b.pauseSeconds} s apart, fit in the job's timeout`);
            });

            it("a cluster that never answers, or a CA never written, fails the same bounded way", () => {
                assert.match(gate({ fail: ["opensearch"] }).stderr, /is not green .*\(last: no answer\)/);
                assert.match(gate({ secrets: {} }).stderr, /is not green .*\(last: the CA certificate is not written yet/);
            });

            it("a wrong admin password is not taken for green", () => {
                const r = gate({ env: { ELASTICSEARCH_PASSWORD: "wrong", SANDBOX_ADMIN_PASSWORD: "Admin-Password-1" } });
                assert.strictEqual(r.status, 1);
            });
        });
    });

    describe("azure prod", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "azure" } });
        });
        const T = (t: string) => `azure-native:${t}`;
        const vms = () => p.ofType(T("compute:VirtualMachine")).filter((v) => v.name.includes("search")).sort((a, b) => a.name.localeCompare(b.name));
        const script = (vm: any) => Buffer.from(vm.inputs.osProfile.customData, "base64").toString("utf8");

        it("nodes_dn lists the 15-character computer names the certificates carry", () => {
            const names = vms().map((v) => v.inputs.osProfile.computerName);
            assert.ok(names.every((n) => n.length <= 15));
            for (const v of vms()) {
                assert.deepStrictEqual(ymlIn(script(v))["plugins.security.nodes_dn"], names.map((n) => `CN=${n},OU=nodes,O=anycloud`));
                // The bootstrap issues every node's certificate with exactly that subject.
                assert.ok(script(vms()[0]).includes(`'/O=anycloud/OU=nodes/CN=${v.inputs.osProfile.computerName}'`), v.name);
            }
        });

        it("a replaced VM attaches the same data disk (its own protected resource)", () => {
            const disks = p.ofType(T("compute:Disk"));
            assert.strictEqual(disks.length, 3);
            for (const d of disks) assert.strictEqual(d.protect, true);
            for (const v of vms()) {
                const [data] = v.inputs.storageProfile.dataDisks;
                assert.strictEqual(data.createOption, "Attach");
                assert.ok(disks.some((d) => data.managedDisk.id.endsWith(`/disks/${d.inputs.diskName}`)), data.managedDisk.id);
            }
        });

        it("only the bootstrap identity can touch the CA key; members and apps read the CA certificate", () => {
            const secrets = p.ofType(T("keyvault:Secret"));
            const caKey = secrets.find((s) => s.name.endsWith("search-ca-key"))!;
            const keyPath = (s: any) => `/secrets/${s.inputs.secretName}`;
            const onKey = p.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.scope.endsWith(keyPath(caKey)));
            assert.strictEqual(onKey.length, 1, "one role assignment on the CA key");
            const identityOf = (vm: any) => vm.inputs.identity.userAssignedIdentities[0].split("/").pop();
            const [boot, ...members] = vms();
            const bootIdentity = p.ofType(T("managedidentity:UserAssignedIdentity")).find((i) => i.inputs.resourceName === identityOf(boot))!;
            assert.ok(bootIdentity.name.includes("boot"));
            for (const m of members) {
                assert.notStrictEqual(identityOf(m), identityOf(boot), `${m.name} has another identity`);
                assert.ok(!script(m).includes(caKey.inputs.secretName), `${m.name} never names the CA key`);
            }
            // Writers (Secrets Officer) are the bootstrap identity's assignments only, on its secrets.
            const officer = p.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.roleDefinitionId.endsWith("b86a8fe4-44ce-4948-aee5-eccb2c155cd7"));
            assert.ok(officer.length > 0 && officer.every((r) => r.name.startsWith("search-") && r.name.endsWith("-boot")));
            assert.strictEqual(new Set(officer.map((r) => r.inputs.principalId)).size, 1);
            let users = 0;
            for (const app of p.ofType(T("app:ContainerApp"))) {
                const env = app.inputs.template.containers[0].env as any[];
                if (env.some((e) => e.name === "ELASTICSEARCH_URL")) {
                    users++;
                    assert.ok(env.some((e) => e.name === "ELASTICSEARCH_CA_CERT" && e.secretRef), app.name);
                }
            }
            assert.ok(users > 0);
        });

        it("a readiness gate on the bootstrap VM fails the deployment when not green; apps wait for it", () => {
            const gate = p.one(T("compute:VirtualMachineRunCommandByVirtualMachine"), "search-ready");
            assert.strictEqual(gate.inputs.treatFailureAsDeploymentFailure, true);
            assert.strictEqual(gate.inputs.asyncExecution, false);
            assert.strictEqual(gate.inputs.vmName, vms()[0].inputs.vmName);
            shellcheck(gate.inputs.source.script);
            assert.match(gate.inputs.source.script, /# boot scripts: [0-9a-f]{16}/);
            for (const app of p.ofType(T("app:ContainerApp"))) {
                if ((app.inputs.template.containers[0].env as any[]).some((e) => e.name === "ELASTICSEARCH_CA_CERT")) {
                    assert.ok(app.dependencies.includes(gate.urn), `${app.name} waits for the gate`);
                }
            }
        });
        it("OpenSearch snapshots go to the cluster's own private, key-less storage account, written with each VM's only identity", () => {
            const account = p.ofType(T("storage:StorageAccount")).find((a) => a.name === "search-snapshots-account")!;
            assert.strictEqual(account.protect, true);
            assert.strictEqual(account.inputs.allowSharedKeyAccess, false, "no key to leak: identities only");
            assert.strictEqual(account.inputs.publicNetworkAccess, "Disabled");
            const container = p.ofType(T("storage:BlobContainer")).find((c) => c.name === "search-snapshots")!;
            assert.strictEqual(container.protect, true);
            // A deleted snapshot blob or container stays recoverable, as in the GCP cluster's bucket (GCS's default soft delete).
            const blobService = p.one(T("storage:BlobServiceProperties"), "search-snapshots-blob-service");
            assert.ok(blobService.propertyDependencies.accountName?.includes(account.urn));
            assert.deepStrictEqual(blobService.inputs.deleteRetentionPolicy, { enabled: true, days: 7 });
            assert.deepStrictEqual(blobService.inputs.containerDeleteRetentionPolicy, { enabled: true, days: 7 });
            assert.ok(container.dependencies.includes(blobService.urn), "the container after soft delete is on");
            const endpoint = p.ofType(T("network:PrivateEndpoint")).find((e) => e.name === "search-snapshots-blob-pe")!;
            assert.deepStrictEqual(endpoint.inputs.privateLinkServiceConnections[0].groupIds, ["blob"]);
            const writers = p.ofType(T("authorization:RoleAssignment")).filter((r) => r.inputs.roleDefinitionId.endsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe") && r.name.startsWith("search-snapshots-"));
            const identities = p.ofType(T("managedidentity:UserAssignedIdentity"));
            const [boot, ...members] = vms();
            for (const v of vms()) {
                // repository-azure asks IMDS without a client id: only a VM with one identity gets a token.
                assert.strictEqual(v.inputs.identity.type, "UserAssigned");
                assert.strictEqual(v.inputs.identity.userAssignedIdentities.length, 1, v.name);
                const id = identities.find((i) => v.inputs.identity.userAssignedIdentities[0].endsWith(`/${i.inputs.resourceName}`))!;
                assert.ok(writers.some((w) => w.propertyDependencies.principalId?.includes(id.urn) && w.propertyDependencies.scope?.includes(container.urn)), `${v.name} can write the container`);
                for (const w of writers) assert.ok(v.dependencies.includes(w.urn), `${v.name} boots after ${w.name}`);
                const yml = ymlIn(script(v));
                assert.strictEqual(yml["azure.client.default.token_credential_type"], "managed_identity");
                assert.ok(script(v).includes(`RUN printf %s ${account.inputs.accountName} | /usr/share/opensearch/bin/opensearch-keystore add --stdin --force azure.client.default.account`), v.name);
            }
            assert.ok(script(boot).includes(`"container":"${container.inputs.containerName}"`));
            assert.ok(script(boot).includes('"max_age":"30d"'), "prod preset: search.snapshotRetentionDays 30");
            assert.ok(members.every((m) => !script(m).includes("_snapshot/")), "only the bootstrap registers it");
        });

        describe("secrets the bootstrap node writes are never written by Pulumi after creation", () => {
            const nodeWritten = (q: Plan) => q.ofType(T("keyvault:Secret")).filter((s) => s.inputs.properties.value === "unset");
            const IDENTITY = ["secretName", "vaultName", "resourceGroupName"];

            it("the CA key, CA certificate and node bundles: every input but their names is ignored, and they are retained", () => {
                const secrets = nodeWritten(p);
                assert.deepStrictEqual(secrets.map((s) => s.name.replace(/^search-/, "")).sort(), ["ca-cert", "ca-key", "node-1-tls", "node-2-tls"]);
                for (const s of secrets) {
                    const mutable = Object.keys(s.inputs).filter((k) => !IDENTITY.includes(k));
                    assert.deepStrictEqual(mutable.filter((k) => !s.ignoreChanges.includes(k)), [], `${s.name}: an update would write "unset" over the node's value`);
                    assert.strictEqual(s.retainOnDelete, true, s.name);
                }
            });

            it("a tag change updates the other secrets but not these (what `pulumi up` would do)", async () => {
                const after = await plan({ stack: "prod", set: { cloud: "azure", "tags.team": "search" } });
                const changes = diffRuns(p.resources, after.resources, replaceTable("azure")).filter((c) => c.type === T("keyvault:Secret"));
                assert.ok(changes.some((c) => c.name === "search-admin-password" && c.op === "update"), "the tag reaches secrets Pulumi owns");
                for (const s of nodeWritten(p)) assert.ok(!changes.some((c) => c.name === s.name), `${s.name} is not written`);
            });
        });

        // README "Search on VMs", day 2: ARM refuses a changed customData (replace-forcing.ts), so
        // the program ignores it; the VM keeps its per-boot copy of the first script.
        it("a changed boot script (a program upgrade) changes no VM: only the readiness run command runs again (its script carries the scripts' hash)", async () => {
            const earlier = earlierBootScripts(p.resources, (r) => {
                if (r.type === T("compute:VirtualMachine") && r.name.includes("search")) {
                    r.inputs.osProfile.customData = Buffer.from(script(r) + EARLIER).toString("base64");
                }
                if (r.type === T("compute:VirtualMachineRunCommandByVirtualMachine") && r.name === "search-ready") {
                    r.inputs.source.script = r.inputs.source.script.replace(/^# boot scripts: [0-9a-f]+$/m, "# boot scripts: 0000000000000000");
                }
            });
            const after = await secondUp({ stack: "prod", set: { cloud: "azure" } });
            const changes = diffRuns(earlier, after.resources, replaceTable("azure"));
            assert.deepStrictEqual(
                changes.map((c) => [c.type, c.name, c.op, c.properties]),
                [[T("compute:VirtualMachineRunCommandByVirtualMachine"), "search-ready", "update", ["source.script"]]],
            );
        });

        describe("the readiness run command's own script, executed against shims", () => {
            const PEM = "-----BEGIN CERTIFICATE-----\nsandbox\n-----END CERTIFICATE-----\n";
            const NODE = { "etc/opensearch/certs/ca.pem": PEM, "etc/opensearch/bootstrap/admin.pem": PEM, "etc/opensearch/bootstrap/admin-key.pem": "key\n" };
            const command = () => p.one(T("compute:VirtualMachineRunCommandByVirtualMachine"), "search-ready");
            const gate = (o: Parameters<typeof runGate>[1] = {}) => runGate(command().inputs.source.script, { files: NODE, ...o });

            it("a green cluster passes: the CA and the admin certificate are the bootstrap node's own files", () => {
                const r = gate();
                assert.strictEqual(r.status, 0, r.stderr + r.stdout);
                assert.match(r.stdout, /anycloud-search: cluster https:\/\/127\.0\.0\.1:9200 is green/);
            });

            it("a never-green cluster fails within the run command's timeout, naming the last status and the boot log", () => {
                const r = gate({ health: "yellow" });
                assert.strictEqual(r.status, 1);
                assert.match(r.stderr, /anycloud-search: FAILED: the search cluster https:\/\/127\.0\.0\.1:9200 is not green after about \d+ min \(last: yellow\)\. Boot logs: \/var\/log\/cloud-init-output\.log on \S+/);
                const b = bound(r);
                assert.ok(b.tries > 1);
                assert.ok(readinessBoundSeconds(b) < command().inputs.timeoutInSeconds, `${b.tries} tries, ${b.pauseSeconds} s apart, fit in the run command's timeout`);
            });

            it("without the admin certificate or the CA on the node it fails, bounded", () => {
                const noAdmin = gate({ files: { "etc/opensearch/certs/ca.pem": PEM } });
                assert.strictEqual(noAdmin.status, 1);
                assert.match(gate({ files: {} }).stderr, /\(last: the CA certificate is not written yet/);
            });
        });
    });
});
