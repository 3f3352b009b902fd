/**
 * The sample PR comment in the README (CI/CD): the driver's `preview --summary-file` for dev and prod
 * against the fake CLI, appended to one file as the preview workflow concatenates them.
 * Regenerate: npx ts-node --transpile-only test/fake-pulumi/sample-comment.ts
 */
import * as fs from "fs";
import * as path from "path";
import { FakeCli, FakeScenario, runDriver } from "./fake-cli";

/** dev (local Docker): a new app image rolls out. */
export const DEV_PREVIEW: FakeScenario = {
    changes: [
        {
            op: "replace",
            type: "docker:index/remoteImage:RemoteImage",
            name: "app-image",
            detailedDiff: { name: { diffKind: "update-replace", inputDiff: true } },
            old: { name: "ghcr.io/anycloud-examples/biblioteca-app:1.4.2", keepLocally: true },
            new: { name: "ghcr.io/anycloud-examples/biblioteca-app:1.5.0", keepLocally: true },
        },
        {
            op: "replace",
            type: "docker:index/container:Container",
            name: "app-container",
            detailedDiff: { image: { diffKind: "update-replace", inputDiff: true }, envs: { diffKind: "update", inputDiff: true } },
            old: { image: "sha256:9766cecd82cb", envs: "[secret]" },
            new: { image: "sha256:52e0a1c4f3d8", envs: "[secret]" },
        },
    ],
};

/** prod (AWS): more replicas, a new alarm, a secret rotated, and a database move that replaces it. */
export const PROD_PREVIEW: FakeScenario = {
    changes: [
        {
            op: "update",
            type: "aws:appautoscaling/target:Target",
            name: "app-scaling",
            detailedDiff: { minCapacity: { diffKind: "update", inputDiff: true }, maxCapacity: { diffKind: "update", inputDiff: true } },
            old: { minCapacity: 2, maxCapacity: 10 },
            new: { minCapacity: 3, maxCapacity: 12 },
        },
        {
            op: "create",
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            name: "lb-app-latency",
            new: { alarmDescription: "app p95 response time > 2000 ms", threshold: 2 },
        },
        {
            op: "update",
            type: "aws:secretsmanager/secretVersion:SecretVersion",
            name: "app-secrets",
            detailedDiff: { secretString: { diffKind: "update", inputDiff: true } },
            old: { secretString: "[secret]" },
            new: { secretString: "[secret]" },
        },
        {
            op: "replace",
            type: "aws:rds/instance:Instance",
            name: "database-primary",
            detailedDiff: { dbSubnetGroupName: { diffKind: "update-replace", inputDiff: true }, allocatedStorage: { diffKind: "update", inputDiff: true } },
            old: { dbSubnetGroupName: "anycloud-prod-db", allocatedStorage: 100 },
            new: { dbSubnetGroupName: "anycloud-prod-db-v2", allocatedStorage: 200 },
        },
    ],
};

export async function samplePrComment(): Promise<string> {
    // As many unchanged resources as `npm run plan` counts for the worked example's stacks.
    const clis = [new FakeCli({ scenario: DEV_PREVIEW, stacks: ["dev"], unchanged: 37 }), new FakeCli({ scenario: PROD_PREVIEW, stacks: ["prod"], unchanged: 172 })];
    const file = path.join(clis[0].dir, "summary.md");
    try {
        for (const [i, stack] of ["dev", "prod"].entries()) {
            const run = await runDriver(["preview", "--stack", stack, "--summary-file", file], clis[i].env());
            if (run.code !== 0) {
                throw new Error(`preview of ${stack} exited ${run.code}: ${run.stderr}`);
            }
        }
        return fs.readFileSync(file, "utf8");
    } finally {
        clis.forEach((c) => c.remove());
    }
}

if (require.main === module) {
    samplePrComment().then(
        (text) => process.stdout.write(text),
        (e) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}
