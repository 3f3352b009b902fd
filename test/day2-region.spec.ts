import * as assert from "assert";
import { baseline, plan, refusal } from "./harness";

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

    it("a second `up` in the same location sends the same location", async () => {
        const deployed = (await plan({ stack: "dev", set: { cloud: "azure" } })).resources;
        const p = await plan({ stack: "dev", set: { cloud: "azure" }, deployed });
        assert.strictEqual(p.one(GROUP).inputs.location, "eastus");
    });

    it("another azure.location stops with one config error naming the key, where the stack is and how to move it; the group is not sent", async () => {
        const deployed = (await plan({ stack: "dev", set: { cloud: "azure" } })).resources;
        const { error, registered } = await refusal({ stack: "dev", set: { cloud: "azure", "azure-native:location": "westeurope" }, deployed });
        assert.deepStrictEqual(error.problems.map((p) => [p.key, p.value]), [["azure-native:location", "westeurope"]]);
        assert.match(error.message, /accepted: "eastus", where the stack's resource group \S+ is: every resource of a stack is tied to its location, so another one would re-create them all, empty/);
        assert.match(error.message, /To move, deploy a new stack in the new location and copy the data over/);
        assert.ok(!registered.includes(GROUP), "the resource group was registered");
    });
});
