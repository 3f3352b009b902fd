import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pendingAfterUp, RESTART_WAIT_ATTEMPTS, restartScript, restartTimeoutMinutes, restartTrigger } from "../providers/azure/database";
import { RBAC_PROPAGATION_SECONDS } from "../providers/azure/container-service";
import { PROPAGATION_WAIT_TYPE } from "../components/propagation-wait";
import { Plan, baseline, plan, planWithWarnings, secondUp } from "./harness";
import { violationsOf } from "./policy-harness";

/**
 * max_connections is a static PostgreSQL parameter: a new value is in force only after the server
 * restarts. The connections alarm must never measure against a value the server does not run with.
 * AWS restarts (controlled, by the init function) and moves the alarm after it; GCP's Cloud SQL
 * restarts by itself on the flag change; Azure cannot be restarted by this program: it reads what
 * the running server holds, reports what stays pending (plan warning, stack output with the
 * restart command) and measures the alarm against the value in force.
 */
describe("max_connections (static): the connections alarm follows the value in force", function () {
    this.timeout(240000);
    const set = (cloud: string, max: number) => ({ cloud, "database.parameters.max_connections": max });

    describe("aws: a controlled restart applies it, and the alarm moves only after it", () => {
        let p200: Plan;
        let p300: Plan;
        before(async () => {
            p200 = await baseline({ stack: "prod", set: set("aws", 200) });
            p300 = await baseline({ stack: "prod", set: set("aws", 300) });
        });
        const invocation = (p: Plan) => p.one("aws:lambda/invocation:Invocation", "database-init");

        it("the parameter group marks max_connections pending-reboot (RDS refuses immediate for static parameters)", () => {
            const group = p300.ofType("aws:rds/parameterGroup:ParameterGroup")[0];
            assert.deepStrictEqual(
                group.inputs.parameters.find((x: any) => x.name === "max_connections"),
                { name: "max_connections", value: "300", applyMethod: "pending-reboot" },
            );
        });

        it("a changed max_connections re-runs the init function (its trigger changes), which restarts what is pending", () => {
            assert.notDeepStrictEqual(invocation(p200).inputs.triggers.staticParameters, invocation(p300).inputs.triggers.staticParameters);
            assert.deepStrictEqual(invocation(p200).inputs.triggers.plan, invocation(p300).inputs.triggers.plan);
        });

        it("a change of a dynamic parameter restarts nothing (the trigger only holds static ones)", async () => {
            const slow = await baseline({ stack: "prod", set: { ...set("aws", 200), "database.parameters.log_min_duration_statement": 250 } });
            assert.deepStrictEqual(invocation(slow).inputs.triggers.staticParameters, invocation(p200).inputs.triggers.staticParameters);
        });

        it("the restart covers every instance, replicas before the primary, the Multi-AZ primary with failover", () => {
            const input = JSON.parse(invocation(p300).inputs.input);
            const replicas = p300.ofType("aws:rds/instance:Instance").filter((i) => i.name.includes("replica"));
            const primary = p300.one("aws:rds/instance:Instance", "database-primary");
            assert.ok(replicas.length > 0);
            assert.deepStrictEqual(input.restart.instances, [...replicas.map((r) => ({ id: r.outputs.identifier, failover: false })), { id: primary.outputs.identifier, failover: true }]);
            assert.ok(input.restart.waitMs < p300.one("aws:lambda/function:Function", "database-init").inputs.timeout * 1000, "the wait bound fits inside the function's own limit");
        });

        it("the init function may describe and reboot exactly those instances", () => {
            const policy = JSON.parse(p300.one("aws:iam/rolePolicy:RolePolicy", "database-init-restart").inputs.policy);
            const arns = p300.ofType("aws:rds/instance:Instance").map((i) => i.outputs.arn).sort();
            assert.deepStrictEqual(policy.Statement[0].Action, ["rds:DescribeDBInstances", "rds:RebootDBInstance"]);
            assert.deepStrictEqual([...policy.Statement[0].Resource].sort(), arns);
        });

        it("the connections alarm is updated only after the init function (and its restart) succeeded", () => {
            const alarm = p300.one("aws:cloudwatch/metricAlarm:MetricAlarm", "database-connections");
            assert.strictEqual(alarm.inputs.threshold, 240);
            assert.ok(alarm.dependencies.includes(invocation(p300).urn), "the alarm waits for the restart");
        });
    });

    describe("azure: pending parameters are read from the running server, reported with the restart command, and the alarm follows the value in force", () => {
        const alert = (p: Plan) => p.ofType("azure-native:monitor:MetricAlert").find((a) => a.name.endsWith("connections"))!;
        const threshold = (p: Plan) => alert(p).inputs.criteria.allOf[0].threshold;
        const server = (p: Plan) => p.one("azure-native:dbforpostgresql:Server", "database-server");
        const replica = (p: Plan) => p.one("azure-native:dbforpostgresql:Server", "database-replica-1");
        /** What the account holds after that plan's `up`, and after the operator then restarted the server. */
        const restarted = (p: Plan) =>
            p.resources.map((r) => (r.type === "azure-native:dbforpostgresql:Configuration" ? { ...r, outputs: { ...r.outputs, isConfigPendingRestart: false } } : r));

        describe("a new server (it starts with Azure's defaults)", () => {
            let p2000: Plan;
            let warnings: readonly string[];
            before(async () => {
                ({ p: p2000, warnings } = await planWithWarnings({ stack: "prod", set: set("azure", 2000) }));
            });

            it("max_connections above the SKU default (not in force before a restart) does not raise the threshold", () => {
                // prod's database is medium: Standard_D2ds_v5, default max_connections 859.
                assert.strictEqual(threshold(p2000), Math.floor(859 * 0.8));
                assert.match(alert(p2000).inputs.description, /max_connections 2000 applies only after a server restart/);
            });

            it("a value below the SKU default is the threshold (it is either in force or the safe side)", async () => {
                const p = await baseline({ stack: "prod", set: set("azure", 200) });
                assert.strictEqual(threshold(p), 160);
            });

            it("the stack output names every static parameter set and the exact restart commands, the replica before the primary", () => {
                assert.deepStrictEqual(p2000.outputs.database.pendingRestart, ["max_connections=2000"]);
                const rg = server(p2000).inputs.resourceGroupName;
                assert.strictEqual(
                    p2000.outputs.database.restartCommand,
                    `az postgres flexible-server restart --resource-group ${rg} --name ${replica(p2000).inputs.serverName} && ` +
                        `az postgres flexible-server restart --resource-group ${rg} --name ${server(p2000).inputs.serverName}`,
                );
            });

            it("the replica gets the static parameters too (a standby below the primary's max_connections stops replaying)", () => {
                const onReplica = p2000
                    .ofType("azure-native:dbforpostgresql:Configuration")
                    .filter((c) => c.inputs.serverName === replica(p2000).inputs.serverName)
                    .map((c) => [c.inputs.configurationName, c.inputs.value]);
                assert.deepStrictEqual(onReplica, [["max_connections", "2000"]]);
            });

            it("the plan warns with the same parameters and command", () => {
                const warning = warnings.find((w) => w.includes("will apply only when the PostgreSQL servers restart"));
                assert.ok(warning, warnings.join("\n"));
                assert.match(warning!, /max_connections=2000 \(a new server starts with Azure's defaults for its size, which differ\)/);
                assert.ok(warning!.includes(p2000.outputs.database.restartCommand), warning);
            });

            it("each static parameter is looked up on the running primary and replica (configurations GET), dynamic ones are not", () => {
                const looked = p2000.run.invokes.filter((i) => i.token === "azure-native:dbforpostgresql:getConfiguration").map((i) => `${i.inputs.serverName}/${i.inputs.configurationName}`);
                assert.deepStrictEqual(looked.sort(), [`${server(p2000).inputs.serverName}/max_connections`, `${replica(p2000).inputs.serverName}/max_connections`].sort());
            });
        });

        // A new server starts with the values Azure computes for its SKU and version
        // (providers/azure/sizes.ts postgresDefaults): only a value other than those waits.
        describe("a new server: only what differs from the SKU's defaults waits for a restart", () => {
            it("max_connections equal to the SKU's default (prod medium, Standard_D2ds_v5: 859): nothing pending, no command, no warning", async () => {
                const { p, warnings } = await planWithWarnings({ stack: "prod", set: set("azure", 859) });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, []);
                assert.strictEqual(p.outputs.database.restartCommand, "");
                assert.deepStrictEqual(warnings.filter((w) => w.includes("server restarts")), []);
            });
            it("the guides' tuning on the small SKU: shared_buffers differs (default 131072), wal_buffers 2048 and Azure's own preload list do not", async () => {
                const p = await baseline({
                    stack: "apps",
                    file: "test/fixtures/Pulumi.apps.yaml",
                    set: { cloud: "azure", "operatorSecrets.STRIPE_SECRET_KEY": "sk", "operatorSecrets.SMTP_PASSWORD": "smtp", "operatorSecrets.N8N_ENCRYPTION_KEY": "n8n", "database.parameters.max_connections": 429 },
                });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, ["shared_buffers=65536"]);
            });
        });

        describe("day 2: what an earlier up left", () => {
            let p200: Plan;
            let p2000: Plan;
            before(async () => {
                p200 = await baseline({ stack: "prod", set: set("azure", 200) });
                p2000 = await baseline({ stack: "prod", set: set("azure", 2000) });
            });

            it("restarted since, unchanged: nothing pending, no warning, and the threshold is the value in force", async () => {
                const { p, warnings } = await planWithWarnings({ stack: "prod", set: set("azure", 200), deployed: restarted(p200) });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, []);
                assert.strictEqual(p.outputs.database.restartCommand, "");
                assert.deepStrictEqual(warnings.filter((w) => w.includes("server restarts")), []);
                assert.strictEqual(threshold(p), 160);
            });

            it("restarted with a value above the SKU default: the alarm measures against it (exactly), not the default", async () => {
                const p = await plan({ stack: "prod", set: set("azure", 2000), deployed: restarted(p2000) });
                assert.strictEqual(threshold(p), 1600);
                assert.match(alert(p).inputs.description, /above 80% of 2000 \(max_connections\)$/);
            });

            it("a raised value is pending, and until the restart the alarm keeps the value in force", async () => {
                const p = await plan({ stack: "prod", set: set("azure", 400), deployed: restarted(p200) });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, ["max_connections=400"]);
                assert.strictEqual(threshold(p), 160);
            });

            it("a lowered value is pending, and the alarm takes it at once (early, never late)", async () => {
                const p = await plan({ stack: "prod", set: set("azure", 100), deployed: restarted(p200) });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, ["max_connections=100"]);
                assert.strictEqual(threshold(p), 80);
                // Lowered: the primary first, so the replica never runs below the primary's value.
                assert.deepStrictEqual(
                    [...p.outputs.database.restartCommand.matchAll(/--name (\S+)/g)].map((m) => m[1]),
                    [server(p).inputs.serverName, replica(p).inputs.serverName],
                );
            });

            it("never restarted: still reported on the next up with nothing changed", async () => {
                const p = await secondUp({ stack: "prod", set: set("azure", 200) });
                assert.deepStrictEqual(p.outputs.database.pendingRestart, ["max_connections=200"]);
                assert.notStrictEqual(p.outputs.database.restartCommand, "");
            });
        });

        describe("which values count as changed", () => {
            const running = (value: string, pendingRestart = false) => ({ value, pendingRestart });
            it("a library list in another order or case is the same value", () => {
                assert.deepStrictEqual(pendingAfterUp({ shared_preload_libraries: "auto_explain,pg_stat_statements" }, { shared_preload_libraries: running("PG_STAT_STATEMENTS, auto_explain") }), []);
            });
            it("dynamic parameters are never pending", () => {
                assert.deepStrictEqual(pendingAfterUp({ log_min_duration_statement: "250", require_secure_transport: "on", "azure.extensions": "PG_TRGM" }, undefined), []);
            });
            it("on a new server, a value equal to the SKU's default is not; one the defaults do not name is", () => {
                const defaults = { max_connections: "429", shared_buffers: "131072", wal_buffers: "2048", shared_preload_libraries: "pg_cron,pg_stat_statements" };
                assert.deepStrictEqual(pendingAfterUp({ max_connections: "429", wal_buffers: "2048", shared_preload_libraries: "pg_stat_statements,pg_cron" }, undefined, defaults), []);
                assert.deepStrictEqual(pendingAfterUp({ max_connections: "100", shared_buffers: "65536" }, undefined, defaults), ["max_connections=100", "shared_buffers=65536"]);
                assert.deepStrictEqual(pendingAfterUp({ max_connections: "429" }, undefined, {}), ["max_connections=429"]);
            });
            it("every static parameter the tuning sets is (PostgreSQL reads it only at start)", () => {
                const params = { max_connections: "300", shared_buffers: "65536", wal_buffers: "2048", shared_preload_libraries: "pg_stat_statements", work_mem: "8192" };
                assert.deepStrictEqual(pendingAfterUp(params, undefined), ["max_connections=300", "shared_buffers=65536", "shared_preload_libraries=pg_stat_statements", "wal_buffers=2048"]);
            });
        });
    });

    // With the operator's custom role (azure.postgresRestartRoleId), `up` restarts what is pending
    // itself: a deployment script as an identity holding that role on the servers only.
    describe("azure with azure.postgresRestartRoleId: up restarts the servers where something is pending", () => {
        const ROLE = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        const withRole = (max: number, extra: Record<string, unknown> = {}) => ({ ...set("azure", max), "azure.postgresRestartRoleId": ROLE, ...extra });
        const run = (p: Plan) => p.one("azure-native:resources:AzureCliScript", "database-restart");
        const env = (p: Plan) => Object.fromEntries(run(p).inputs.environmentVariables.map((v: any) => [v.name, v.value]));
        const servers = (p: Plan) => p.ofType("azure-native:dbforpostgresql:Server");
        /** What the account holds once every server restarted. */
        const restarted = (p: Plan) =>
            p.resources.map((r) => (r.type === "azure-native:dbforpostgresql:Configuration" ? { ...r, outputs: { ...r.outputs, isConfigPendingRestart: false } } : r));
        let p2000: Plan;
        let warnings: readonly string[];
        before(async () => {
            ({ p: p2000, warnings } = await planWithWarnings({ stack: "prod", set: withRole(2000) }));
        });

        it("without the role nothing restarts (the stack reports, as above)", async () => {
            const p = await baseline({ stack: "prod", set: set("azure", 2000) });
            assert.deepStrictEqual(p.ofType("azure-native:resources:AzureCliScript").filter((r) => r.name === "database-restart"), []);
        });

        // Flexible Server takes one management operation at a time: a restart beside a
        // Configuration PUT fails one of them (ServerIsBusy).
        it("it runs after every Configuration of the primary (static and dynamic) and of the replica, and every database", () => {
            const configs = p2000.ofType("azure-native:dbforpostgresql:Configuration");
            assert.ok(configs.some((c) => c.inputs.configurationName === "azure.accepted_password_auth_method"), "the primary's chain ends with dynamic ones");
            assert.deepStrictEqual(configs.filter((c) => !run(p2000).dependencies.includes(c.urn)).map((c) => c.name), []);
            // The databases follow the configurations in the primary's chain: waiting for the last one waits for all.
            const databases = p2000.ofType("azure-native:dbforpostgresql:Database");
            assert.ok(databases.length > 0);
            assert.ok(run(p2000).dependencies.includes(databases.at(-1)!.urn), "after the last database of the chain");
        });

        it("it runs after its identity's grants and a bounded wait for Azure to apply them, which itself follows every grant", () => {
            const wait = p2000.one(PROPAGATION_WAIT_TYPE, "database-restart-rbac-propagation");
            const grants = p2000.ofType("azure-native:authorization:RoleAssignment").filter((r) => r.name.startsWith("database-restart-grant"));
            assert.strictEqual(grants.length, 2);
            assert.ok(run(p2000).dependencies.includes(wait.urn), "the script waits for the propagation wait");
            assert.deepStrictEqual(grants.filter((g) => !wait.dependencies.includes(g.urn)).map((g) => g.name), []);
            assert.strictEqual(wait.inputs.seconds, RBAC_PROPAGATION_SECONDS);
            assert.strictEqual(wait.inputs.after.length, grants.length);
        });

        it("each wait has a fixed bound (40 reads 15 s apart: 10 min), and the script's timeout grows with the servers (three waits each)", async () => {
            assert.strictEqual(RESTART_WAIT_ATTEMPTS, 40);
            assert.strictEqual(env(p2000).ATTEMPTS, "40");
            assert.strictEqual(run(p2000).inputs.timeout, "PT70M", "2 servers: 2 x 3 x 10 min + 10");
            const six = await baseline({ stack: "prod", set: withRole(2000, { "database.readReplicas": 5 }) });
            assert.strictEqual(env(six).ATTEMPTS, "40", "the bound does not shrink with replicas");
            assert.strictEqual(run(six).inputs.timeout, "PT190M");
            assert.strictEqual(restartTimeoutMinutes(6), 190);
            assert.ok(restartTimeoutMinutes(6) <= 24 * 60, "within deploymentScripts' PT1D");
        });

        it("its identity holds the operator's role on each server, and nowhere else", () => {
            const identity = p2000.one("azure-native:managedidentity:UserAssignedIdentity", "database-restart-identity");
            const grants = p2000.ofType("azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === identity.outputs.principalId);
            assert.deepStrictEqual(grants.map((g) => g.inputs.scope.split("/flexibleServers/")[1]).sort(), servers(p2000).map((s) => s.inputs.serverName).sort());
            for (const g of grants) assert.match(g.inputs.scope, /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[^/]+$/);
            for (const g of grants) assert.ok(g.inputs.roleDefinitionId.endsWith(`/providers/Microsoft.Authorization/roleDefinitions/${ROLE}`), g.inputs.roleDefinitionId);
            assert.deepStrictEqual(run(p2000).inputs.identity.userAssignedIdentities.map((id: string) => id.split("/").pop()), [identity.inputs.resourceName]);
        });

        it("a raise restarts the replica first, then the primary; the static keys are the ones it checks", () => {
            const replica = p2000.one("azure-native:dbforpostgresql:Server", "database-replica-1");
            const primary = p2000.one("azure-native:dbforpostgresql:Server", "database-server");
            assert.deepStrictEqual(env(p2000).RESTART_ORDER.split(" ").map((id: string) => id.split("/flexibleServers/")[1]), [replica.inputs.serverName, primary.inputs.serverName]);
            assert.strictEqual(env(p2000).STATIC_KEYS, "max_connections");
        });

        it("the database init job connects only after the restart (it would lose its connection)", () => {
            assert.ok(p2000.one("azure-native:app:Job", "database-init").dependencies.includes(run(p2000).urn));
        });

        it("it runs again only when a static value changes, not on a dynamic one or an unchanged up", async () => {
            const dynamic = await baseline({ stack: "prod", set: withRole(2000, { "database.parameters.log_min_duration_statement": 250 }) });
            const other = await baseline({ stack: "prod", set: withRole(1500) });
            assert.strictEqual(run(dynamic).inputs.forceUpdateTag, run(p2000).inputs.forceUpdateTag);
            assert.notStrictEqual(run(other).inputs.forceUpdateTag, run(p2000).inputs.forceUpdateTag);
        });

        it("the order alone (a lowering after a raise) does not change its trigger: the servers count as a set", () => {
            const read = [{ server: "b", pending: ["max_connections=200"], running: "max_connections=400:false" }];
            assert.strictEqual(restartTrigger(["/s/a", "/s/b"], { max_connections: "200" }, read), restartTrigger(["/s/b", "/s/a"], { max_connections: "200" }, read));
        });

        // ARM does not run an unchanged deployment script again: a run that failed, or a
        // parameter left pending, must change the trigger on the next up.
        it("a server still pending after an up (the run failed) changes the trigger, and the idempotent script runs again; once nothing is pending it is stable", async () => {
            const again = await plan({ stack: "prod", set: withRole(2000), deployed: p2000.resources });
            assert.deepStrictEqual(again.outputs.database.pendingRestart, [], "the step runs again in this up");
            assert.notStrictEqual(run(again).inputs.forceUpdateTag, run(p2000).inputs.forceUpdateTag);
            const applied = restarted(p2000);
            const after = await plan({ stack: "prod", set: withRole(2000), deployed: applied });
            const steady = await plan({ stack: "prod", set: withRole(2000), deployed: restarted(after) });
            assert.strictEqual(run(steady).inputs.forceUpdateTag, run(after).inputs.forceUpdateTag, "nothing pending on two ups: no new run");
        });

        it("nothing is left pending after up: no command in the outputs, the warning says up restarts, the alarm measures the configured value after the restart", () => {
            assert.deepStrictEqual(p2000.outputs.database.pendingRestart, []);
            assert.strictEqual(p2000.outputs.database.restartCommand, "");
            const warning = warnings.find((w) => w.includes("max_connections=2000"));
            assert.ok(warning && warning.includes("will apply when this up restarts the PostgreSQL servers"), warnings.join("\n"));
            const alert = p2000.ofType("azure-native:monitor:MetricAlert").find((a) => a.name.endsWith("connections"))!;
            assert.strictEqual(alert.inputs.criteria.allOf[0].threshold, 1600);
        });

        it("the plan with the restart step passes every guardrail (the custom role is no privileged one)", async () => {
            assert.deepStrictEqual(await violationsOf(p2000), []);
        });

        describe("the restart script, against a fake az", () => {
            it("passes shellcheck as POSIX sh", () => {
                const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-restart-")), "restart.sh");
                fs.writeFileSync(file, restartScript());
                execFileSync("shellcheck", ["-s", "sh", file]);
            });
            /** ARM as a file per answer: `pending-<server>` lines (true/false, one per read), `state-<server>` lines; failures as `fail` lines. */
            const runWith = (answers: Record<string, string[]>, order = "/s/a /s/b", attempts = 5) => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-restart-"));
                for (const [k, lines] of Object.entries(answers)) fs.writeFileSync(path.join(dir, k), lines.join("\n") + "\n");
                fs.writeFileSync(
                    path.join(dir, "az"),
                    // Shell builtins only (one process per call, as the az the script runs is one):
                    // the ARM path after the last --url host up to the query, its third / field the
                    // server; the answer file's first line taken, the others kept for the next call.
                    `#!/bin/sh
echo "$*" >> "${dir}/calls"
args="$*"
url=\${args##*--url https://management.azure.com}; url=\${url%%\\?*}
server=\${url#/*/}; server=\${server%%/*}
case "$*" in
  *"--method post"*) f="${dir}/post-$server"; [ -s "$f" ] || exit 0 ;;
  *"/configurations/"*) f="${dir}/pending-$server" ;;
  *) f="${dir}/state-$server" ;;
esac
[ -s "$f" ] || { echo "no answer left for $url" >&2; exit 3; }
rest=; more=
{ IFS= read -r line; while IFS= read -r l; do rest="$rest$l
"; more=1; done; } < "$f"
[ -z "$more" ] || printf '%s' "$rest" > "$f"
[ "$line" = fail ] && { echo "AuthorizationFailed or ServerIsBusy" >&2; exit 1; }
echo "$line"
`,
                    { mode: 0o755 },
                );
                fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
                const r = spawnSync("sh", ["-c", restartScript()], {
                    encoding: "utf8",
                    env: { PATH: `${dir}:/usr/bin:/bin`, RESTART_ORDER: order, STATIC_KEYS: "max_connections", POSTGRES_API_VERSION: "2025-08-01", ATTEMPTS: String(attempts), AZ_SCRIPTS_OUTPUT_PATH: path.join(dir, "out.json") },
                });
                const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
                return { ...r, calls, out: fs.existsSync(path.join(dir, "out.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) : undefined };
            };
            const posts = (calls: string[]) => calls.filter((c) => c.includes("--method post")).map((c) => c.replace(/.*management\.azure\.com(\S*)\?.*/, "$1"));

            it("nothing pending: nothing is restarted (a second run is harmless)", () => {
                const r = runWith({ "pending-a": ["false"], "pending-b": ["false"] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(posts(r.calls), []);
                assert.deepStrictEqual(r.out, { restarted: "" });
            });
            it("restarts only the server with a pending parameter, and waits until it is Ready with none pending", () => {
                const r = runWith({ "pending-a": ["false"], "pending-b": ["true", "true", "false"], "state-b": ["Ready", "Restarting", "Ready"] });
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(posts(r.calls), ["/s/b/restart"]);
                assert.deepStrictEqual(r.out, { restarted: "/s/b" });
                assert.ok(r.calls.at(-1)!.includes("/s/b/configurations/max_connections"), "the last read confirms nothing is pending");
            });
            it("restarts in the given order, each after the previous one is back", () => {
                const r = runWith({ "pending-a": ["true", "false"], "state-a": ["Ready"], "pending-b": ["true", "false"], "state-b": ["Ready"] }, "/s/b /s/a");
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(posts(r.calls), ["/s/b/restart", "/s/a/restart"]);
                const backB = r.calls.findIndex((c, i) => i > r.calls.indexOf(r.calls.find((x) => x.includes("/s/b/restart"))!) && c.includes("/s/b/configurations"));
                assert.ok(backB < r.calls.findIndex((c) => c.includes("/s/a/restart")), r.calls.join("\n"));
            });
            it("retries a read ARM refuses (the role assignment not yet in force), within its bound", () => {
                const r = runWith({ "pending-a": ["fail", "fail", "false"], "pending-b": ["false"] });
                assert.strictEqual(r.status, 0, r.stderr);
                const refused = runWith({ "pending-a": ["fail"] }, "/s/a", 3);
                assert.strictEqual(refused.status, 1);
                assert.match(refused.stderr, /cannot read the parameters of \/s\/a \(is the role azure\.postgresRestartRoleId names assigned/);
            });
            it("waits for a busy server to be Ready and retries a restart ARM refuses (ServerIsBusy), within its bound", () => {
                const r = runWith({ "pending-a": ["true", "false"], "state-a": ["Updating", "Ready"], "post-a": ["fail", "ok"] }, "/s/a");
                assert.strictEqual(r.status, 0, r.stderr);
                assert.strictEqual(posts(r.calls).length, 2);
                const busy = runWith({ "pending-a": ["true"], "state-a": ["Updating"] }, "/s/a", 3);
                assert.strictEqual(busy.status, 1);
                assert.deepStrictEqual(posts(busy.calls), []);
                assert.match(busy.stderr, /\/s\/a did not take the restart \(not Ready, or ARM refused it\)/);
            });
            it("fails up, naming the server, when it does not come back within its bound", () => {
                const r = runWith({ "pending-a": ["true"], "state-a": ["Ready", "Restarting"] }, "/s/a", 4);
                assert.strictEqual(r.status, 1);
                assert.match(r.stderr, /\/s\/a did not come back Ready with its parameters applied after 60 s/);
            });
        });
    });

    describe("aws: nothing stays pending (the init function restarts)", () => {
        it("the stack output reports no pending parameter and no command", async () => {
            const p = await baseline({ stack: "prod", set: set("aws", 300) });
            assert.deepStrictEqual(p.outputs.database.pendingRestart, []);
            assert.strictEqual(p.outputs.database.restartCommand, "");
        });
    });

    describe("gcp: Cloud SQL restarts itself when the flag changes", () => {
        it("the flag is on the instance and the alarm follows it", async () => {
            const p = await baseline({ stack: "prod", set: set("gcp", 300) });
            const sql = p.ofType("gcp:sql/databaseInstance:DatabaseInstance").find((i) => !i.name.includes("replica"))!;
            assert.ok(sql.inputs.settings.databaseFlags.some((f: any) => f.name === "max_connections" && f.value === "300"));
            const policy = p.ofType("gcp:monitoring/alertPolicy:AlertPolicy").find((a) => JSON.stringify(a.inputs).includes("num_backends"))!;
            assert.ok(JSON.stringify(policy.inputs).includes('"thresholdValue":240'), JSON.stringify(policy.inputs.conditions));
        });
    });
});
