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

    describe("HSTS: no includeSubDomains unless loadBalancer.hstsIncludeSubdomains", () => {
        const hsts: Record<string, (p: Plan) => string> = {
            aws: (p) => p.one("aws:lb/listener:Listener", "lb-https").inputs.routingHttpResponseStrictTransportSecurityHeaderValue,
            gcp: (p) => p.ofType("gcp:compute/backendService:BackendService").flatMap((b) => b.inputs.customResponseHeaders ?? []).find((h: string) => h.startsWith("Strict-Transport-Security:")),
            azure: (p) =>
                p.ofType("azure-native:cdn:Rule").flatMap((r) => r.inputs.actions).find((a: any) => a.parameters?.headerName === "Strict-Transport-Security")?.parameters.value,
        };
        for (const cloud of Object.keys(hsts)) {
            it(`${cloud}: max-age only by default, includeSubDomains when set`, async () => {
                const plain = hsts[cloud](await baseline({ stack: "prod", set: { cloud } }));
                assert.match(String(plain), /max-age=31536000/);
                assert.doesNotMatch(String(plain), /includeSubDomains/);
                const opted = hsts[cloud](await baseline({ stack: "prod", set: { cloud, "loadBalancer.hstsIncludeSubdomains": true } }));
                assert.match(String(opted), /max-age=31536000; includeSubDomains/);
            });
        }
    });
});
