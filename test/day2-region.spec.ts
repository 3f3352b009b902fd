import * as assert from "assert";
import { baseline, plan, planCommandRun, refusal, secondUp, secondUpAfterFailedFirst } from "./harness";

/**
 * Day 2: another region re-creates every resource of a stack, empty. Azure: the program asks ARM
 * where the stack's resource group is (subscription-wide, so a second `up` sees it) and refuses
 * another `azure.location` before anything is sent.
 */

const GROUP = "azure-native:resources:ResourceGroup";
const LOOKUP = "azure-native:resources:getResourceGroup";

describe("day 2, Azure: the program asks ARM where the stack's resource group is before it deploys elsewhere", () => {
    it("a new subscription: no group of that name (ARM's 404), so the group is created in the configured location", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const group = p.one(GROUP);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === LOOKUP).map((i) => i.inputs), [{ resourceGroupName: group.inputs.resourceGroupName }]);
        assert.strictEqual(group.inputs.location, "eastus");
    });

    for (const [after, up] of [["", secondUp], [" after a first that failed part-way (its resources, no stack outputs)", secondUpAfterFailedFirst]] as const) {
        it(`a second \`up\`${after} in the same location sends the same location`, async () => {
            const p = await up({ stack: "dev", set: { cloud: "azure" } });
            assert.strictEqual(p.one(GROUP).inputs.location, "eastus");
        });
    }

    it("another azure.location stops with one config error naming the key, where the stack is and how to move it; the group is not sent", async () => {
        const deployed = (await baseline({ stack: "dev", set: { cloud: "azure" } })).resources;
        const { error, registered } = await refusal({ stack: "dev", set: { cloud: "azure", "azure-native:location": "westeurope" }, deployed });
        assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["azure-native:location", "westeurope"]]);
        assert.match(error.message, /accepted: "eastus", where the stack's resource group \S+ is: every resource of a stack is tied to its location, so another one would re-create them all, empty/);
        assert.match(error.message, /To move, deploy a new stack in the new location and copy the data over/);
        assert.ok(!registered.includes(GROUP), "the resource group was registered");
    });
});

/**
 * Day 2, AWS and GCP: no cloud look-up says where a stack runs (every look-up is regional), so the
 * program reads the stack's own last outputs through a StackReference to itself (the offline
 * engine answers it with what the earlier run output) and refuses another region before anything
 * is registered.
 */
describe("day 2, AWS and GCP: the stack's own last outputs say where it runs, and another region is refused", () => {
    const CASES = [
        { cloud: "aws", key: "aws:region", running: "us-east-1", other: "eu-west-1", provider: "pulumi:providers:aws" },
        { cloud: "gcp", key: "gcp:region", running: "us-central1", other: "europe-west1", provider: "pulumi:providers:gcp" },
    ] as const;
    for (const c of CASES) {
        describe(c.cloud, () => {
            it("a new stack reads no outputs (the engine's empty map for a stack never deployed) and deploys where configured, recording the region as an output", async () => {
                const p = await baseline({ stack: "dev", set: { cloud: c.cloud } });
                assert.strictEqual(p.outputs.region, c.running);
                assert.strictEqual(p.one(c.provider).inputs.region, c.running);
            });

            it("a second `up` in the same region deploys as before", async () => {
                const second = await secondUp({ stack: "dev", set: { cloud: c.cloud } });
                assert.strictEqual(second.one(c.provider).inputs.region, c.running);
            });

            it(`another ${c.key} stops with one config error naming the key, both regions and the way to move; nothing is registered`, async () => {
                const first = await baseline({ stack: "dev", set: { cloud: c.cloud } });
                const { error, registered } = await refusal({ stack: "dev", set: { cloud: c.cloud, [c.key]: c.other }, deployed: first.resources, deployedOutputs: first.outputs });
                assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [[c.key, c.other]]);
                assert.match(error.message, new RegExp(`accepted: "${c.running}", where this stack runs \\(its last deployment's outputs\\): every resource of a stack lives in its region`));
                assert.match(error.message, /To move, deploy a new stack in the new region and copy the data over/);
                assert.deepStrictEqual(registered, []);
            });

            it("a stack deployed before the region output: a regional endpoint among its outputs says where it runs", async () => {
                const first = await baseline({ stack: "dev", set: { cloud: c.cloud } });
                const { region: _recorded, ...older } = first.outputs;
                const { error } = await refusal({ stack: "dev", set: { cloud: c.cloud, [c.key]: c.other }, deployed: first.resources, deployedOutputs: older });
                assert.deepStrictEqual(error.problems.map((p) => p.key), [c.key]);
            });
        });
    }

    // Switching clouds is a config change (the product brief): the last deployment of another
    // target, whose outputs name its own region ("local", an Azure location, another cloud's
    // region), must not refuse the first deployment on this one.
    const SWITCHES = [
        { from: "local", to: "aws", key: "aws:region", region: "eu-west-1" },
        { from: "azure", to: "aws", key: "aws:region", region: "us-east-1" },
        { from: "aws", to: "gcp", key: "gcp:region", region: "us-central1" },
        { from: "gcp", to: "aws", key: "aws:region", region: "us-east-1" },
    ] as const;
    for (const s of SWITCHES) {
        it(`a switch from ${s.from} to ${s.to} is a first deployment in ${s.key}, whatever region the ${s.from} outputs name`, async () => {
            const first = await baseline({ stack: "dev", set: { cloud: s.from } });
            const p = await baseline({ stack: "dev", set: { cloud: s.to, [s.key]: s.region }, deployedOutputs: first.outputs });
            assert.strictEqual(p.outputs.cloud, s.to);
            assert.strictEqual(p.outputs.region, s.region);
        });
    }

    it("npm run plan -- --change aws:region=... exits 2 on it (the second plan reads the first one's outputs)", async () => {
        const { code, stderr } = await planCommandRun("--stack", "dev", "--cloud", "aws", "--change", "aws:region=eu-west-1");
        assert.strictEqual(code, 2, stderr);
        assert.match(stderr, /With --change aws:region=eu-west-1: Invalid stack config \(1 problem\)[^]*aws:region: got "eu-west-1"; accepted: "us-east-1", where this stack runs/);
    });
});

/**
 * Day 2, Azure `network.zones`: the zones of the egress public IP, the search nodes' disks and VMs
 * are fixed at creation (ARM refuses the update, azure-native does not replace), so the program
 * reads the zones the stack's egress IP runs in and refuses another value before the resource
 * group (and so anything in it) is registered.
 */
describe("day 2, Azure: the program asks ARM which zones the stack's egress IP is in before it spreads over others", () => {
    const IP = "azure-native:network:PublicIPAddress";
    const IP_LOOKUP = "azure-native:network:getPublicIPAddress";
    const PROD = { stack: "prod", set: { cloud: "azure" } };

    it("a new subscription: no resource group (ARM's 404), so the egress IP is not asked for and the stack plans with the configured zones", async () => {
        const p = await baseline(PROD);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === IP_LOOKUP), []);
        assert.deepStrictEqual(p.one(IP).inputs.zones, ["1", "2", "3"]);
    });

    it("a second `up` with the same zones asks for the stack's egress IP and plans the same zones", async () => {
        const p = await secondUp(PROD);
        const ip = p.one(IP);
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === IP_LOOKUP).map((i) => i.inputs), [{ resourceGroupName: p.one(GROUP).inputs.resourceGroupName, publicIpAddressName: ip.inputs.publicIpAddressName }]);
        assert.deepStrictEqual(ip.inputs.zones, ["1", "2", "3"]);
    });

    it("a group without the egress IP (ARM's 404 for the IP) plans with the configured zones", async () => {
        const deployed = (await baseline(PROD)).resources.filter((r) => r.type !== IP);
        const p = await plan({ ...PROD, set: { ...PROD.set, "network.zones": 2 }, deployed });
        assert.deepStrictEqual(p.one(IP).inputs.zones, ["1", "2"]);
    });

    // prod runs in its preset's 3 zones (the shared prod plan, tested above); dev is deployed with 1.
    for (const c of [
        { stack: "prod", from: 3, to: 2, running: "in zones 1, 2, 3", set: { cloud: "azure" } },
        { stack: "dev", from: 1, to: 3, running: "in no zone", set: { cloud: "azure", "network.zones": 1 } },
    ]) {
        it(`${c.stack}: network.zones ${c.from} → ${c.to} stops with one config error naming the key, the new value, the zones the stack runs in and the way; nothing in the group is registered`, async () => {
            const deployed = (await baseline({ stack: c.stack, set: c.set })).resources;
            const { error, registered } = await refusal({ stack: c.stack, set: { ...c.set, "network.zones": c.to }, deployed });
            assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:network.zones", c.to]]);
            assert.match(error.message, new RegExp(`accepted: ${c.from}, the zones this stack runs in \\(its egress public IP \\S+ is ${c.running}\\): the zones of the search nodes' disks and VMs and of the public IP are fixed at creation`));
            assert.match(error.message, new RegExp(`To spread over other zones, deploy a new stack with network\\.zones=${c.to} and copy the data over; or keep network\\.zones=${c.from}`));
            assert.ok(!registered.includes(GROUP), "the resource group was registered");
            assert.ok(!registered.includes(IP), "the egress IP was registered");
        });
    }

    it("the egress IP records the network.zones value it was created with (a tag, updated in place)", async () => {
        const p = await baseline(PROD);
        assert.strictEqual(p.one(IP).inputs.tags["anycloud-network-zones"], "3");
    });

    it("dev: network.zones 3 → 1 is refused from the IP's recorded value, though a one-zone IP may read back in zones 1, 2, 3 too", async () => {
        const set = { cloud: "azure", "network.zones": 3 };
        const deployed = (await baseline({ stack: "dev", set })).resources;
        const { error } = await refusal({ stack: "dev", set: { ...set, "network.zones": 1 }, deployed });
        assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["anycloud:network.zones", 1]]);
        assert.match(error.message, /or keep network\.zones=3/);
    });

    it("an unpinned stack (one zone) from before the tag whose egress IP ARM reads back in zones 1, 2, 3 (Standard IPs without zones are zone-redundant by default since 2024-09) plans unchanged, never refused", async () => {
        const dev = { stack: "dev", set: { cloud: "azure", "network.zones": 1 } };
        const untagged = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => k !== "anycloud-network-zones"));
        const deployed = (await baseline(dev)).resources.map((r) => (r.type === IP ? { ...r, outputs: { ...r.outputs, zones: ["1", "2", "3"], tags: untagged(r.outputs.tags) } } : r));
        const p = await plan({ ...dev, deployed });
        assert.strictEqual(p.one(IP).inputs.zones, undefined);
    });

    it("another location and other zones at once: both problems in one error", async () => {
        const deployed = (await baseline(PROD)).resources;
        const { error } = await refusal({ ...PROD, set: { ...PROD.set, "azure-native:location": "northeurope", "network.zones": 2 }, deployed });
        assert.deepStrictEqual(error.problems.map((p) => p.key), ["azure-native:location", "anycloud:network.zones"]);
    });
});
