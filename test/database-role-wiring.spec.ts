import * as assert from "assert";
import { roleName, rolePasswordVariable, scramVerifier } from "../components/database-init";
import { CapturedResource } from "../stacks/offline";
import { Plan, plan } from "./harness";

/**
 * Each service and job that uses `database:<name>` connects as that database's own role, on every
 * target: its wiring, where the role's password is stored, the order against the init step that
 * makes the role, and what re-runs that step when the password rotates. The role SQL itself runs
 * against a real PostgreSQL in database-roles.spec.ts.
 */

/** The worked example with a second database that the worker alone uses. */
const SET = {
    "database.databases": ["biblioteca_digital", "analytics"],
    "services.worker.uses": ["database:analytics", "cache", "search", "bucket:documents"],
};
const USES: Record<string, string> = { app: "biblioteca_digital", worker: "analytics" };
const JOB_USES: Record<string, string> = { migrate: "biblioteca_digital" };

/** The init step that creates the roles, by target. */
const INIT: Record<string, { type: string; name: string }> = {
    local: { type: "docker:index/container:Container", name: "database-init" },
    aws: { type: "aws:lambda/invocation:Invocation", name: "database-init" },
    gcp: { type: "gcp:cloudrunv2/job:Job", name: "database-init" },
    azure: { type: "azure-native:resources:AzureCliScript", name: "database-run" },
};
/** What runs a service's or job's containers, by target: the resources that must wait for the init step. */
const WORKLOAD_TYPES = [
    "docker:index/container:Container",
    "aws:ecs/service:Service",
    "aws:lambda/invocation:Invocation",
    "gcp:cloudrunv2/service:Service",
    "gcp:cloudrunv2/workerPool:WorkerPool",
    "gcp:cloudrunv2/job:Job",
    "azure-native:app:ContainerApp",
    "azure-native:app:Job",
];
const ADMIN_PASSWORD: Record<string, string> = { local: "database-password", aws: "database-password", gcp: "database-password", azure: "database-admin-password" };

/** DB_USER as the workload's container sees it, whatever the target's shape. */
function plainEnv(r: CapturedResource): Record<string, string> {
    const i = r.inputs;
    const pairs: { name: string; value: unknown }[] = [];
    if (Array.isArray(i.envs) && typeof i.envs[0] === "string") for (const e of i.envs as string[]) pairs.push({ name: e.slice(0, e.indexOf("=")), value: e.slice(e.indexOf("=") + 1) });
    if (typeof i.containerDefinitions === "string") for (const c of JSON.parse(i.containerDefinitions)) pairs.push(...(c.environment ?? []));
    for (const c of [...(i.template?.containers ?? []), ...(i.template?.template?.containers ?? [])]) pairs.push(...(c.envs ?? c.env ?? []));
    return Object.fromEntries(pairs.filter((p) => typeof p.value === "string").map((p) => [p.name, p.value as string]));
}

for (const cloud of ["local", "aws", "gcp", "azure"]) {
    describe(`database roles wired on ${cloud}`, function () {
        this.timeout(120000);
        let p: Plan;
        const password = (name: string) => p.one("random:index/randomPassword:RandomPassword", name).outputs.result as string;
        const under = (component: string, name: string) => p.descendantsOf(p.component(component, name));
        const text = (rs: CapturedResource[]) => JSON.stringify(rs.map((r) => r.inputs));
        before(async () => {
            p = await plan({ stack: "dev", set: { cloud, ...SET } });
        });

        it("each service and job gets its database's own role in DB_USER", () => {
            for (const [component, uses] of [...Object.entries(USES).map(([n, db]) => ["ContainerService", n, db]), ...Object.entries(JOB_USES).map(([n, db]) => ["Job", n, db])]) {
                const envs = under(component, uses).filter((r) => WORKLOAD_TYPES.includes(r.type) || r.type === "aws:ecs/taskDefinition:TaskDefinition").map(plainEnv);
                const users = envs.map((e) => e.DB_USER).filter((u) => u !== undefined);
                assert.ok(users.length > 0, `${uses}: DB_USER found`);
                assert.deepStrictEqual([...new Set(users)], [`${JOB_USES[uses] ?? USES[uses]}_owner`], `${component} ${uses}`);
            }
        });

        it("each workload's stored password is its role's, and the admin password is under no service or job", () => {
            const admin = password(ADMIN_PASSWORD[cloud]);
            for (const [component, name, db] of [["ContainerService", "app", "biblioteca_digital"], ["ContainerService", "worker", "analytics"], ["Job", "migrate", "biblioteca_digital"]]) {
                const stored = text(under(component, name));
                assert.ok(stored.includes(password(`database-role-${db}`)), `${name} holds the ${db} role's password`);
                assert.ok(!stored.includes(admin), `${name} holds no admin password`);
            }
            assert.ok(!text(under("ContainerService", "worker")).includes(password("database-role-biblioteca_digital")), "the worker holds no other database's password");
        });

        it("services and jobs on the database start only after the init step that makes their role", () => {
            const init = p.one(INIT[cloud].type, INIT[cloud].name);
            for (const [component, name] of [["ContainerService", "app"], ["ContainerService", "worker"], ["Job", "migrate"]]) {
                const workloads = under(component, name).filter((r) => WORKLOAD_TYPES.includes(r.type));
                assert.ok(workloads.length > 0, name);
                for (const w of workloads) assert.ok(w.dependencies.includes(init.urn), `${name}: ${w.type} ${w.name} waits for ${init.name}`);
            }
            // A service that does not use the database does not wait for it.
            for (const w of under("ContainerService", "processor").filter((r) => WORKLOAD_TYPES.includes(r.type))) assert.ok(!w.dependencies.includes(init.urn), w.name);
        });

        it("the init step gets no password in plain inputs, and is re-run by what changes with a role's secret", () => {
            const init = p.one(INIT[cloud].type, INIT[cloud].name);
            const roles = ["biblioteca_digital", "analytics"];
            if (cloud === "local") {
                // Locally secrets are container env (secret in state): a new password replaces the container, which runs again.
                const envs = init.inputs.envs as string[];
                // Its SCRAM verifier, not the password: what any log of the statement shows.
                for (const db of roles) assert.ok(envs.includes(`${rolePasswordVariable(db)}=${scramVerifier(password(`database-role-${db}`), roleName(db))}`), db);
                return;
            }
            const plainText = cloud === "azure" ? text([p.one("azure-native:app:Job", "database-init")]) : text([init]);
            for (const pw of [password(ADMIN_PASSWORD[cloud]), ...roles.map((db) => password(`database-role-${db}`))]) assert.ok(!plainText.includes(pw), "no password in the init step's inputs");
            if (cloud === "aws") {
                for (const db of roles) {
                    const version = p.one("aws:secretsmanager/secretVersion:SecretVersion", `database-role-${db}`);
                    assert.strictEqual(init.inputs.triggers[`role-${db}`], version.outputs.versionId, `${db}: the secret's version id re-runs the function`);
                    assert.ok(JSON.parse(version.inputs.secretString).password === password(`database-role-${db}`));
                }
                assert.deepStrictEqual(Object.keys(JSON.parse(init.inputs.input).roleSecrets).sort(), [...roles].sort());
            }
            if (cloud === "gcp") {
                const envs = init.inputs.template.template.containers[0].envs as any[];
                for (const db of roles) {
                    const version = p.one("gcp:secretmanager/secretVersion:SecretVersion", `database-role-${db}-v`);
                    assert.strictEqual(version.inputs.secretData, scramVerifier(password(`database-role-${db}`), roleName(db)), "the init job reads the role's SCRAM verifier");
                    const env = envs.find((e) => e.name === rolePasswordVariable(db));
                    assert.strictEqual(env?.valueSource?.secretKeyRef?.version, version.outputs.version, `${db}: a pinned version`);
                    assert.ok(init.dependencies.includes(version.urn));
                }
            }
            if (cloud === "azure") {
                // The server stores and accepts SCRAM (md5 too, for an admin stored as md5), so a verifier logs in.
                const param = (key: string) => p.ofType("azure-native:dbforpostgresql:Configuration").find((c) => c.inputs.configurationName === key)?.inputs.value;
                assert.strictEqual(param("password_encryption"), "scram-sha-256");
                assert.strictEqual(param("azure.accepted_password_auth_method"), "md5,scram-sha-256");
                const job = p.one("azure-native:app:Job", "database-init");
                for (const db of roles) {
                    const secret = p.one("azure-native:keyvault:Secret", `database-${rolePasswordVariable(db).toLowerCase().replace(/_/g, "-")}`);
                    assert.strictEqual(secret.inputs.properties.value, scramVerifier(password(`database-role-${db}`), roleName(db)), "the init job reads the role's SCRAM verifier");
                    assert.ok((job.inputs.configuration.secrets as any[]).some((s) => s.keyVaultUrl === secret.outputs.properties.secretUriWithVersion), `${db}: by versioned URI`);
                }
            }
        });
    });
}

describe("database roles: config", () => {
    it("refuses an admin user name that is one of the databases' roles, and a database whose role name PostgreSQL or a target would refuse", async () => {
        const { checkConfig } = await import("../stacks/load-settings");
        const { stackConfig } = await import("./harness");
        const { config, project } = stackConfig({ stack: "dev", set: { "database.username": "app_owner", "database.databases": ["app", "pg_stats", "a".repeat(58)] } });
        const problems = checkConfig(config, { project, stack: "dev" }).problems.map((x) => x.key);
        assert.deepStrictEqual(problems.sort(), ["anycloud:database.databases[1]", "anycloud:database.databases[2]", "anycloud:database.username"]);
    });
});
