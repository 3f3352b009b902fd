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
 * once covered 5 of 24 AWS regions, and any other region crashed with no cause). A full plan
 * takes seconds, so each kind of region (where the program or the cloud's answers differ) is
 * planned in full, and every region is checked for what varies with it: validation, and an
 * answer to every invoke the program makes there.
 */
const REGIONS: [cloud: string, key: string, regions: readonly string[]][] = [
    ["aws", "aws:region", Object.keys(AWS_REGIONS)],
    ["gcp", "gcp:region", GCP_REGIONS],
    ["azure", "azure-native:location", AZURE_LOCATIONS],
];

/** The regions whose answers or code paths differ, planned in full: one of each kind per cloud. */
const REPRESENTATIVE: Record<string, string[]> = {
    // a regional ELB log account; the log-delivery service principal; GovCloud's partition; 2 zones.
    aws: ["eu-west-2", "ap-southeast-5", "us-gov-west-1", "us-west-1"],
    gcp: ["europe-west10", "me-central2"],
    azure: ["uksouth", "australiacentral"],
};

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
                        answer = mocks.call(invoke.token, invoke.inputs, { project, stack: "dev", config });
                    } catch (e) {
                        // The cloud's own error is an answer too (a look-up of what is deployed: 404 on a fresh account).
                        answer = e;
                    }
                    if (answer === undefined) {
                        failed.push(`${region}: no answer for ${invoke.token}`);
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
