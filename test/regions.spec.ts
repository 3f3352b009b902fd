import * as assert from "assert";
import { AWS_REGIONS, ELB_LOG_ACCOUNTS, LEGACY_ELB_LOG_REGIONS } from "../providers/aws/sizes";
import { AZURE_LOCATIONS } from "../providers/azure/sizes";
import { GCP_REGIONS } from "../providers/gcp/sizes";
import { loadBackend, loadMocks } from "../providers/load";
import { loadSettings } from "../stacks/load-settings";
import { OfflineRun, OfflineRunError, runOffline } from "../stacks/offline";
import { baseline, plan, planError, stackConfig } from "./harness";

/**
 * Every region a cloud's config accepts must plan: a new user picks the region nearest them, and
 * the offline engine must answer there the way the cloud would (the ALB log-delivery account
 * once covered 5 of 24 AWS regions, and any other region crashed with no cause).
 *
 * A full plan of the worked example costs 3-12 s (Azure slowest; 15-23 s on a loaded machine),
 * 117 regions about 10-20 minutes: too slow for `npm test`. What a region changes is narrow, and
 * this file proves each part of it instead:
 * - validation: every accepted region passes the cloud's checks with the worked example;
 * - the cloud's answers: every invoke a full plan makes is replayed in every accepted region, its
 *   inputs re-targeted to that region (GCP passes the region in them), and must be answered (an
 *   answer, or the cloud's own error such as 404 for a look-up on a fresh account), never with
 *   the recorded region's data;
 * - the program's code paths: the region is passed through as a string (resource locations, URLs,
 *   S3 bucket names) except where AWS branches on it: the ALB log principal (a regional ELB
 *   account before August 2022, the log-delivery service principal after), the partition
 *   (aws-us-gov) and the zone count. Full plans run in one region of each of those kinds and of
 *   each continent and partition, including each cloud's longest region name (names embed it).
 * Not proven offline: that the real cloud offers every service in every region (its catalogue).
 */
const REGIONS: [cloud: string, key: string, regions: readonly string[]][] = [
    ["aws", "aws:region", Object.keys(AWS_REGIONS)],
    ["gcp", "gcp:region", GCP_REGIONS],
    ["azure", "azure-native:location", AZURE_LOCATIONS],
];

/**
 * Full plans: one region per continent and partition, covering each kind where the program or the
 * cloud's answers differ. AWS: us-west-1 (2 zones, regional ELB account), sa-east-1, eu-west-2,
 * af-south-1 (regional ELB accounts), me-central-1 and ap-southeast-5 (log-delivery service
 * principal; the longest name), us-gov-west-1 (GovCloud). GCP and Azure: the first is the longest
 * name, whose invokes are replayed everywhere. Measured on the shared 2-core machine: AWS 3.7 s,
 * GCP 2.5 s, Azure 9.7 s per full plan; all 117 regions in full would take about 10 minutes.
 */
const REPRESENTATIVE: Record<string, string[]> = {
    aws: ["eu-west-2", "ap-southeast-5", "us-gov-west-1", "us-west-1", "sa-east-1", "af-south-1", "me-central-1"],
    gcp: ["northamerica-northeast2", "southamerica-east1", "europe-west10", "me-central2", "africa-south1", "asia-northeast1", "australia-southeast1"],
    // Azure plans cost about 10 s each and no Azure code branches on the location (it is passed
    // through and hashed into global names): four continents, the longest name first.
    azure: ["germanywestcentral", "brazilsouth", "southafricanorth", "australiacentral"],
};

/** The invoke's inputs with one region's name replaced by another's (GCP passes it in them). */
function retargeted(inputs: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
    return JSON.parse(JSON.stringify(inputs).split(JSON.stringify(from)).join(JSON.stringify(to)));
}

describe("every region the config accepts plans the worked example", () => {
    for (const [cloud, key, regions] of REGIONS) {
        it(`${cloud}: the worked example plans in each kind of region (${REPRESENTATIVE[cloud].join(", ")})`, async function () {
            this.timeout(600000);
            for (const region of REPRESENTATIVE[cloud]) {
                assert.ok(regions.includes(region), `${region} is not a ${cloud} region the config accepts`);
                const p = await baseline({ stack: "dev", set: { cloud, [key]: region } });
                assert.ok(p.resources.length > 50, `${region}: only ${p.resources.length} resources`);
            }
        });

        it(`${cloud}: all ${regions.length} regions pass validation, and the cloud answers there every invoke the program makes`, async function () {
            this.timeout(600000);
            // The invokes a full plan makes, per kind of region; replayed in every other region.
            const made = new Map<string, OfflineRun["invokes"]>();
            for (const region of REPRESENTATIVE[cloud]) {
                made.set(region, (await baseline({ stack: "dev", set: { cloud, [key]: region } })).run.invokes);
            }
            const mocks = await loadMocks(cloud as "aws" | "gcp" | "azure");
            const failed: string[] = [];
            for (const region of regions) {
                const { project, config } = stackConfig({ stack: "dev", set: { cloud, [key]: region } });
                try {
                    const settings = loadSettings(config, { project, stack: "dev" });
                    const problems = (await loadBackend(settings.cloud)).validate(settings);
                    if (problems.length > 0) failed.push(`${region}: ${problems.map((p) => `${p.key}: ${p.accepted}`).join("; ")}`);
                } catch (e) {
                    failed.push(`${region}: ${e instanceof Error ? e.message : e}`);
                }
                const kind = cloud === "aws" ? (region.startsWith("us-gov-") ? "us-gov-west-1" : LEGACY_ELB_LOG_REGIONS.has(region) ? "eu-west-2" : "ap-southeast-5") : REPRESENTATIVE[cloud][0];
                for (const invoke of made.get(kind)!) {
                    let answer: unknown;
                    try {
                        answer = mocks.call(invoke.token, retargeted(invoke.inputs, kind, region), { project, stack: "dev", config });
                    } catch (e) {
                        // The cloud's own error is an answer too (a look-up of what is deployed: 404 on a fresh account).
                        answer = e;
                    }
                    if (answer === undefined) {
                        failed.push(`${region}: no answer for ${invoke.token}`);
                    } else if (region !== kind && JSON.stringify(answer instanceof Error ? answer.message : answer).includes(`"${kind}`)) {
                        failed.push(`${region}: ${invoke.token} answered with ${kind}'s data`);
                    }
                }
            }
            assert.deepStrictEqual(failed, []);
        });
    }

    it("aws prod in a region whose ALB logs come from a regional ELB account (eu-west-2) allows that account", async () => {
        const p = await plan({ stack: "prod", set: { "aws:region": "eu-west-2" } });
        const policy = p.ofType("aws:s3/bucketPolicy:BucketPolicy").find((r) => r.name.endsWith("-access-logs"))!;
        const statement = JSON.parse(policy.inputs.policy).Statement.find((s: { Sid: string }) => s.Sid === "AlbLogDelivery");
        assert.deepStrictEqual(statement.Principal, { AWS: `arn:aws:iam::${ELB_LOG_ACCOUNTS["eu-west-2"]}:root` });
    });

    it("a region no cloud table lists is refused, naming the accepted ones", async () => {
        for (const [cloud, key, regions] of REGIONS) {
            const e = await planError({ stack: "dev", set: { cloud, [key]: cloud === "gcp" ? "mars-north1" : cloud === "aws" ? "us-north-9" : "marsnorth" } });
            const p = e.problems!.find((x) => x.key === key);
            assert.ok(p && p.accepted.includes(regions[0]), `${cloud}: ${e.message}`);
        }
    });

    it("a region with fewer zones than network.zones is refused before any resource (us-west-1 offers 2)", async () => {
        const e = await planError({ stack: "dev", set: { cloud: "aws", "aws:region": "us-west-1", "network.zones": 3 } });
        assert.ok(e.problems!.some((p) => p.key === "anycloud:network.zones" && /at most 2 in us-west-1/.test(p.accepted)), e.message);
    });

    it("an invoke the offline engine cannot answer names the invoke, its arguments and the config it ran with", async () => {
        const { project, config } = stackConfig({ stack: "dev", set: { cloud: "aws" } });
        // A token no mock answers, invoked the way the SDK's functions invoke.
        const program = async () => {
            const pulumi = await import("@pulumi/pulumi");
            return pulumi.runtime.invoke("aws:index/getNothing:getNothing", { lookup: "x" }, {});
        };
        let message = "";
        try {
            await runOffline({ project, stack: "dev", config, program });
        } catch (e) {
            message = e instanceof OfflineRunError ? e.message : String(e);
        }
        assert.match(message, /no answer for invoke aws:index\/getNothing:getNothing with arguments \{"lookup":"x"\}/);
    });
});
