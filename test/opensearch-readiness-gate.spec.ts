import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CLOUDS, describeReadinessGate } from "./opensearch-boot";

// The search readiness gate's check (test/opensearch-boot.ts), run with sh against the shims.
describeReadinessGate();

describe("search boot script files", () => {
    it("every cloud with boot scripts has its own spec file", () => {
        for (const { cloud } of CLOUDS) {
            assert.ok(fs.existsSync(path.join(__dirname, `opensearch-boot-${cloud}.spec.ts`)), `test/opensearch-boot-${cloud}.spec.ts is missing`);
        }
    });
});
