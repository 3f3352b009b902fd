import * as assert from "assert";
import { Plan, baseline } from "./harness";

/**
 * Alerts that must see the failure they exist for, on every target: an outage where no backend
 * answers, and a database running out of room under storage autogrow.
 */

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const GiB = 1024 ** 3;
/** Explicit numbers, so the thresholds below are checked against values the test chose. */
const limits = { "database.storageGb": 50, "database.maxStorageGb": 400, "alerts.diskPercent": 80 };

/**
 * Evaluates the AWS 5xx alarm's metric math for one minute the way CloudWatch does: a metric with
 * no datapoint is missing (ALB publishes only non-zero sums), FILL replaces it, IF picks.
 */
function fiveXxRate(p: Plan, minute: Record<string, number | undefined>): number | undefined {
    const queries: any[] = p.one(ALARM, "lb-5xx-rate").inputs.metricQueries;
    const values: Record<string, number | undefined> = {};
    for (const q of queries.filter((q) => q.metric)) values[q.id] = minute[q.metric.metricName];
    const evaluate = (expr: string): number | undefined => {
        const js = expr.replace(/FILL\(([a-z0-9]+), *([0-9]+)\)/gi, "($1 ?? $2)").replace(/IF\(/g, "iff(");
        const scope = { ...values, iff: (c: unknown, t: unknown, f: unknown) => (c ? t : f) };
        const result = new Function(...Object.keys(scope), `return (${js});`)(...Object.values(scope));
        return typeof result === "number" && Number.isFinite(result) ? result : undefined;
    };
    for (const q of queries.filter((q) => q.expression)) values[q.id] = evaluate(q.expression);
    return values[queries.find((q) => q.returnData).id];
}

describe("alerts that see the failure", function () {
    this.timeout(180000);

    describe("aws", () => {
        let prod: Plan;
        before(async () => {
            prod = await baseline({ stack: "prod", set: { cloud: "aws", ...limits } });
        });

        it("the 5xx-rate alarm fires when no target can answer (only the ALB's own 503s)", () => {
            const threshold = prod.one(ALARM, "lb-5xx-rate").inputs.threshold;
            const outage = fiveXxRate(prod, { RequestCount: undefined, HTTPCode_Target_5XX_Count: undefined, HTTPCode_ELB_5XX_Count: 120 });
            assert.ok(outage !== undefined && outage > threshold, `rate ${outage} during an outage`);
        });

        it("the 5xx-rate alarm stays quiet on healthy traffic", () => {
            const threshold = prod.one(ALARM, "lb-5xx-rate").inputs.threshold;
            const healthy = fiveXxRate(prod, { RequestCount: 1000, HTTPCode_Target_5XX_Count: 2, HTTPCode_ELB_5XX_Count: undefined });
            assert.ok(healthy !== undefined && healthy < threshold, `rate ${healthy} on healthy traffic`);
        });

        it("alarms per target group when it has no healthy target, also when the metric stops", () => {
            const groups = prod.ofType("aws:lb/targetGroup:TargetGroup");
            assert.ok(groups.length > 0);
            for (const tg of groups) {
                const a = prod.one(ALARM, `${tg.name}-no-healthy-targets`);
                assert.deepStrictEqual(
                    [a.inputs.metricName, a.inputs.statistic, a.inputs.comparisonOperator, a.inputs.threshold, a.inputs.treatMissingData, Object.keys(a.inputs.dimensions).sort()],
                    ["HealthyHostCount", "Minimum", "LessThanThreshold", 1, "breaching", ["LoadBalancer", "TargetGroup"]],
                );
            }
        });

        it("sends RDS's own low-storage events (autoscaling reaching maxStorageGb) to the alarm topic", () => {
            const sub = prod.one("aws:rds/eventSubscription:EventSubscription");
            const topic = prod.one("aws:sns/topic:Topic");
            assert.deepStrictEqual([sub.inputs.sourceType, sub.inputs.eventCategories], ["db-instance", ["low storage"]]);
            assert.strictEqual(sub.inputs.sourceIds.length, 1);
            assert.ok(String(sub.inputs.snsTopic).includes(topic.name), `${sub.inputs.snsTopic} is not the alarm topic`);
        });
    });

    describe("gcp", () => {
        let prod: Plan;
        before(async () => {
            prod = await baseline({ stack: "prod", set: { cloud: "gcp", ...limits } });
        });

        it("the database disk alert watches bytes used against maxStorageGb, not the autoresized disk", () => {
            const c = prod.resources.find((r) => r.name === "alert-db-disk")!.inputs.conditions[0].conditionThreshold;
            assert.match(c.filter, /metric\.type = "cloudsql\.googleapis\.com\/database\/disk\/bytes_used"/);
            assert.strictEqual(c.thresholdValue, 0.8 * 400 * GiB);
        });

        it("the 5xx ratio counts every request the load balancer answered, its own 502/503 included", () => {
            // request_count is recorded by the load balancer for every response, whether a backend
            // or the proxy itself (no healthy backend) produced it: the ratio sees an outage.
            const c = prod.resources.find((r) => r.name === "alert-lb-5xx")!.inputs.conditions[0].conditionThreshold;
            assert.match(c.filter, /loadbalancing\.googleapis\.com\/https\/request_count/);
            assert.doesNotMatch(c.denominatorFilter, /response_code|backend/);
        });
    });

    describe("azure", () => {
        let prod: Plan;
        before(async () => {
            prod = await baseline({ stack: "prod", set: { cloud: "azure", ...limits } });
        });
        const alert = (p: Plan, metric: string) => p.ofType("azure-native:monitor:MetricAlert").find((a) => a.inputs.criteria.allOf[0].metricName === metric);

        it("the database storage alert watches bytes used against maxStorageGb (autogrow keeps storage_percent low)", () => {
            assert.strictEqual(alert(prod, "storage_percent"), undefined, "storage_percent never crosses a high threshold under autogrow");
            const a = alert(prod, "storage_used")!;
            assert.ok(a, "no storage_used alert");
            assert.strictEqual(a.inputs.criteria.allOf[0].threshold, Math.round(0.8 * 400 * GiB));
        });

        it("the 5xx alert is Front Door's Percentage5XX, which includes its own 5xx when no origin answers", () => {
            assert.ok(alert(prod, "Percentage5XX"));
        });
    });
});
