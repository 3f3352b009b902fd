import * as assert from "assert";
import { Plan, plan, baseline } from "./harness";

/**
 * Azure Key Vault secrets of database roles and search users (providers/azure/context.ts
 * `storeSecret` with `freshName`): Pulumi forgets a secret it drops (retainOnDelete: deleting it
 * needs the vault's closed data plane), so the name stays taken in the vault. A database or a
 * workload that leaves the config and comes back must ask for a new name, or azure-native's
 * existence check refuses the create ("cannot create already existing resource").
 */
describe("azure: role and search user secrets get a fresh name each time they are declared", function () {
    this.timeout(300_000);
    const SECRET = "azure-native:keyvault:Secret";
    const RANDOM_ID = "random:index/randomId:RandomId";
    let first: Plan;
    let again: Plan;
    before(async () => {
        first = await baseline({ stack: "dev", set: { cloud: "azure" } });
        // What a re-added database or workload looks like: its random suffix is a new resource.
        again = await plan({ stack: "dev", set: { cloud: "azure" }, randomSeed: "declared-again" });
    });
    const secretName = (p: Plan, name: string) => p.one(SECRET, name).inputs.secretName as string;
    const fresh = ["database-role-password-biblioteca-digital", "search-user-app", "search-user-worker"];

    it("each role's and search user's secret name ends in the random suffix kept in state with it", () => {
        const roleSecrets = first.ofType(SECRET).filter((r) => /^database-role-password-|^search-user-/.test(r.name)).map((r) => r.name).sort();
        assert.deepStrictEqual(roleSecrets, fresh);
        for (const name of fresh) {
            const suffix = first.one(RANDOM_ID, `${name}-name`).outputs.hex as string;
            assert.match(secretName(first, name), new RegExp(`^[a-z][a-z0-9-]*-${suffix}$`), name);
            assert.ok(secretName(first, name).length <= 127);
        }
    });

    it("declared again, they ask for names the vault has never held; the other secrets keep theirs", () => {
        for (const name of fresh) assert.notStrictEqual(secretName(again, name), secretName(first, name), name);
        assert.strictEqual(secretName(again, "search-admin-password"), secretName(first, "search-admin-password"));
        assert.strictEqual(secretName(again, "search-ca-key"), secretName(first, "search-ca-key"), "the node-written CA key keeps its name (renaming it would lose the cluster's CA)");
    });
});
