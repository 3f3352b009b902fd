import * as assert from "assert";
import { Plan, baseline } from "./harness";

/**
 * max_connections is a static PostgreSQL parameter: a new value is in force only after the server
 * restarts. The connections alarm must never measure against a value the server does not run with.
 * AWS restarts (controlled, by the init function) and moves the alarm after it; GCP's Cloud SQL
 * restarts by itself on the flag change; Azure cannot be restarted by this program, so its alarm
 * uses the lower of the configured value and the SKU default.
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

    describe("azure: no restart from here; the alarm assumes the lower of the configured value and the SKU default", () => {
        const alert = (p: Plan) => p.ofType("azure-native:monitor:MetricAlert").find((a) => a.name.endsWith("connections"))!;
        const threshold = (p: Plan) => alert(p).inputs.criteria.allOf[0].threshold;

        it("a value above the SKU default (not in force before a restart) does not raise the threshold", async () => {
            // prod's database is medium: Standard_D2ds_v5, default max_connections 859.
            const p = await baseline({ stack: "prod", set: set("azure", 2000) });
            assert.strictEqual(threshold(p), Math.floor(859 * 0.8));
            assert.match(alert(p).inputs.description, /applies only after a server restart/);
        });

        it("a value below the SKU default is the threshold (it is either in force or the safe side)", async () => {
            const p = await baseline({ stack: "prod", set: set("azure", 200) });
            assert.strictEqual(threshold(p), 160);
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
