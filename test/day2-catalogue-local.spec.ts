import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CLOUDS } from "../stacks/settings";
import { describeCatalogue } from "./day2-catalogue";

// The day-2 catalogue (test/day2-catalogue.ts) on local.
describeCatalogue("local");

describe("day 2 catalogue files", () => {
    it("every target has its own catalogue spec file", () => {
        for (const cloud of CLOUDS) {
            assert.ok(fs.existsSync(path.join(__dirname, `day2-catalogue-${cloud}.spec.ts`)), `test/day2-catalogue-${cloud}.spec.ts is missing`);
        }
    });
});
