import * as assert from "assert";
import { Plan, baseline } from "./harness";

/** Doors left ajar: credentials in logs, edges that can be bypassed, clients that trust any server. */
describe("doors closed", function () {
    this.timeout(180000);

    describe("aws", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "aws" } });
        });

        it("WAF logging redacts the Authorization and Cookie headers", () => {
            const logging = p.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
            const redacted = (logging.inputs.redactedFields ?? []).map((f: any) => f.singleHeader?.name?.toLowerCase());
            for (const header of ["authorization", "cookie"]) assert.ok(redacted.includes(header), `${header} is logged in clear: ${JSON.stringify(redacted)}`);
        });
    });
});
