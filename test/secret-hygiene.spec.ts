import * as assert from "assert";
import { plan, plainSecretLeaks } from "./harness";

/**
 * No generated password, key or token appears outside a secret — in any input of any resource
 * or in a plain stack output — on any target, for both environments and both topologies.
 */
const RUNS: { name: string; stack: string; file?: string; cloud: string }[] = [
    { name: "local dev", stack: "dev", cloud: "local" },
    { name: "local hosts", stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", cloud: "local" },
    ...["aws", "gcp", "azure"].flatMap((cloud) => [
        { name: `${cloud} dev`, stack: "dev", cloud },
        { name: `${cloud} prod`, stack: "prod", cloud },
        { name: `${cloud} hosts`, stack: "hosts", file: "test/fixtures/Pulumi.hosts.yaml", cloud },
    ]),
];

describe("secret hygiene on every target", () => {
    for (const run of RUNS) {
        it(`${run.name}: generated values stay secret`, async () => {
            const p = await plan({ stack: run.stack, file: run.file, set: { cloud: run.cloud } });
            assert.deepStrictEqual(plainSecretLeaks(p), []);
        });
    }
});
