import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DB_INIT_RETRY, waitForPostgres } from "../components/database-init";
import type { ResourceProvider } from "@pulumi/pulumi/dynamic";
import { RBAC_PROPAGATION_SECONDS } from "../providers/azure/container-service";
import { IAM_PROPAGATION_SECONDS } from "../providers/gcp/container-service";
import { OfflineRunError, runOffline } from "../stacks/offline";
import { baseline, plan, Plan, ROOT, stackConfig } from "./harness";

/**
 * Day 1 on a fresh account and destroy → up (issue #12): what a mock cannot show by itself, made
 * visible through the order the program gives the engine — prerequisites first, invokes waiting
 * for the APIs they call — and through the names it chooses.
 */

const CLOUDS = ["aws", "gcp", "azure"] as const;
const FOUNDATION = "anycloud:index:Foundation";
const NETWORK = "anycloud:index:Network";

function under(p: Plan, type: string, name: string): Set<string> {
    return new Set(p.descendantsOf(p.component(type.replace("anycloud:index:", ""), name)).map((r) => r.urn));
}

describe("day 1: the stack-level step of the backend contract", () => {
    for (const cloud of [...CLOUDS, "local"] as const) {
        describe(cloud, () => {
            let p: Plan;
            before(async () => {
                p = await baseline({ stack: "dev", set: { cloud } });
            });

            it("creates a foundation component before the network", () => {
                const foundation = p.one(FOUNDATION, "foundation");
                const network = p.one(NETWORK, "network");
                assert.ok(p.resources.indexOf(foundation) < p.resources.indexOf(network), "the foundation is registered first");
            });

            // A component's dependsOn stands for the resources under it: the engine creates none of
            // the network (or of any later component) before every resource of the foundation.
            it("the network and every later component wait for every resource of the foundation", () => {
                // (The OpenSearch service-linked role is declared after a look-up; the domain, the one
                // resource that needs it, depends on it explicitly: tested below.)
                const created = p
                    .descendantsOf(p.one(FOUNDATION, "foundation"))
                    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "aws:iam/serviceLinkedRole:ServiceLinkedRole");
                const components = p.resources.filter((r) => r.type.startsWith("anycloud:index:") && r.type !== FOUNDATION);
                assert.ok(components.length > 5);
                const missing = components.flatMap((c) => created.filter((f) => !c.dependencies.includes(f.urn)).map((f) => `${c.type} ${c.name} → ${f.name}`));
                assert.deepStrictEqual(missing, []);
            });
        });
    }

    const shared: Record<(typeof CLOUDS)[number], string[]> = {
        aws: ["aws:ecs/cluster:Cluster", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws:sns/topic:Topic"],
        gcp: ["gcp:projects/service:Service", "gcp:logging/projectBucketConfig:ProjectBucketConfig", "gcp:logging/projectSink:ProjectSink"],
        azure: [
            "pulumi:providers:azure-native",
            "azure-native:resources:ResourceGroup",
            "azure-native:operationalinsights:Workspace",
            "azure-native:keyvault:Vault",
            "azure-native:managedidentity:UserAssignedIdentity",
            "azure-native:monitor:ActionGroup",
        ],
    };
    for (const cloud of CLOUDS) {
        it(`${cloud}: the per-stack shared resources belong to the foundation, not the network`, async () => {
            const p = await baseline({ stack: "dev", set: { cloud } });
            const inFoundation = under(p, FOUNDATION, "foundation");
            const inNetwork = under(p, NETWORK, "network");
            for (const type of shared[cloud]) {
                const all = p.resources.filter((r) => r.type === type);
                assert.ok(all.some((r) => inFoundation.has(r.urn)), `a ${type} is under the foundation`);
                assert.deepStrictEqual(all.filter((r) => inNetwork.has(r.urn)).map((r) => r.name), [], `no ${type} is under the network`);
            }
        });
    }
});

describe("day 2 after the foundation arrived: nothing moved is replaced", () => {
    // URNs of a stack deployed before the foundation existed, for the resources that moved into it
    // (recorded from the previous release's plans: test/fixtures/moved-urns.json).
    const moved = JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/moved-urns.json"), "utf8")) as Record<string, string[]>;
    for (const [key, urns] of Object.entries(moved)) {
        const [cloud, stack] = key.split("/");
        it(`${key}: every moved resource takes over its old state through an alias`, async () => {
            const p = await baseline({ stack, set: { cloud } });
            const present = new Set(p.resources.flatMap((r) => [r.urn, ...r.aliasUrns]));
            assert.ok(urns.length > 0);
            assert.deepStrictEqual(urns.filter((u) => !present.has(u)), []);
        });
    }
});

describe("day 1 on a new GCP project: no look-up before its API is on", () => {
    let p: Plan;
    before(async () => {
        p = await baseline({ stack: "dev", set: { cloud: "gcp" } });
    });

    /** Which API each GCP invoke the program makes calls (none: answered by the provider itself). */
    const INVOKE_API: Record<string, string | null> = {
        "gcp:compute/getZones:getZones": "compute",
        "gcp:compute/getImage:getImage": "compute",
        "gcp:organizations/getClientConfig:getClientConfig": null,
        "gcp:redis/getInstance:getInstance": "redis",
        "gcp:sql/getDatabaseInstances:getDatabaseInstances": "sqladmin",
        "gcp:sql/getCaCerts:getCaCerts": "sqladmin",
    };
    /**
     * Look-ups whose 404 means "nothing deployed yet": an Output-form invoke's failure cannot be
     * caught, so these run as promise invokes inside an apply over the API's enabling (its id),
     * which a preview on a new project leaves unknown; the engine sees no `dependsOn` for them, so
     * the test below checks the order itself, with the API's enabling answered late.
     */
    const INSIDE_API_APPLY = new Set(["gcp:redis/getInstance:getInstance"]);

    it("every invoke is one whose API is known", () => {
        const unknown = [...new Set(p.run.invokes.map((i) => i.token))].filter((t) => !(t in INVOKE_API));
        assert.deepStrictEqual(unknown, [], "add the invoke's API to INVOKE_API (and to the permission table)");
    });

    it("each zone and image look-up waits for the API it calls", () => {
        const calls = p.run.invokes.filter((i) => INVOKE_API[i.token] && !INSIDE_API_APPLY.has(i.token));
        assert.ok(calls.some((i) => i.token === "gcp:compute/getZones:getZones"), "the plan looks up zones");
        for (const call of calls) {
            const api = p.one("gcp:projects/service:Service", `api-${INVOKE_API[call.token]}`);
            assert.ok(call.dependsOn.includes(api.urn), `${call.token} waits for ${api.name}`);
        }
    });

    it("the Memorystore look-up, inside an apply over the Redis API's enabling, is issued only after the engine answered that enabling (even when the API takes its time)", async () => {
        // The API's enabling is answered late, as a new project's would be: a look-up that did
        // not wait for it would be issued before the answer.
        const slow = new Plan(await runOffline({ ...stackConfig({ stack: "dev", set: { cloud: "gcp" } }), stack: "dev", answerLate: (type) => type === "gcp:projects/service:Service" }));
        const lookups = slow.run.invokes.filter((i) => INSIDE_API_APPLY.has(i.token));
        assert.ok(lookups.length > 0, "the plan looks up Memorystore");
        for (const call of lookups) {
            const api = slow.one("gcp:projects/service:Service", `api-${INVOKE_API[call.token]}`);
            assert.ok(slow.resources.slice(0, call.answered).some((r) => r.urn === api.urn), `${call.token} was issued before ${api.name} was enabled`);
        }
    });

    it("every resource that calls an API waits for that API to be enabled", () => {
        const services = p.ofType("gcp:projects/service:Service");
        const byApi = new Map(services.map((s) => [String(s.inputs.service).replace(".googleapis.com", ""), s.urn]));
        // The API behind a resource type: its module, where the two differ.
        const apiOf: Record<string, string> = { cloudrunv2: "run", sql: "sqladmin", serviceaccount: "iam", projects: "cloudresourcemanager", certificatemanager: "certificatemanager" };
        const missing: string[] = [];
        for (const r of p.resources.filter((x) => x.custom && x.type.startsWith("gcp:") && x.type !== "gcp:projects/service:Service")) {
            const module = r.type.split(":")[1].split("/")[0];
            const api = byApi.get(apiOf[module] ?? module);
            if (api && !r.dependencies.includes(api)) {
                missing.push(`${r.type} ${r.name}`);
            }
        }
        assert.deepStrictEqual(missing, []);
    });
});

describe("providers/<cloud>/: no import circle", () => {
    const importsOf = (file: string): string[] => {
        const text = fs.readFileSync(file, "utf8");
        const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*)"(\.\/[^"]+)"/g)].map((m) => m[1]);
        return found.map((rel) => path.join(path.dirname(file), `${rel}.ts`));
    };
    for (const cloud of ["aws", "gcp", "azure", "local"]) {
        it(`${cloud}: the modules form no cycle (type imports included)`, () => {
            const dir = path.join(ROOT, "providers", cloud);
            const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f));
            const cycles: string[] = [];
            const done = new Set<string>();
            const visit = (file: string, trail: string[]) => {
                if (trail.includes(file)) {
                    cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.basename(f, ".ts")).join(" → "));
                    return;
                }
                if (done.has(file)) {
                    return;
                }
                for (const next of importsOf(file).filter((f) => fs.existsSync(f))) {
                    visit(next, [...trail, file]);
                }
                done.add(file);
            };
            for (const file of files) {
                visit(file, []);
            }
            assert.deepStrictEqual([...new Set(cycles)].slice(0, 3), []);
        });
    }
});

/**
 * The inputs that carry a name the cloud keeps unique beyond this deployment: across all
 * customers (DNS names, buckets, storage accounts, vaults, registries) or across an Entra tenant
 * (role assignment ids).
 */
const GLOBAL_NAMES: Record<(typeof CLOUDS)[number], { type: string; input: string }[]> = {
    aws: [{ type: "aws:s3/bucket:Bucket", input: "bucket" }],
    gcp: [{ type: "gcp:storage/bucket:Bucket", input: "name" }],
    azure: [
        { type: "azure-native:storage:StorageAccount", input: "accountName" },
        { type: "azure-native:keyvault:Vault", input: "vaultName" },
        { type: "azure-native:containerregistry:Registry", input: "registryName" },
        { type: "azure-native:dbforpostgresql:Server", input: "serverName" },
        { type: "azure-native:redisenterprise:RedisEnterprise", input: "clusterName" },
        { type: "azure-native:cdn:AFDEndpoint", input: "endpointName" },
        { type: "azure-native:authorization:RoleAssignment", input: "roleAssignmentName" },
    ],
};

function globalNames(p: Plan, cloud: (typeof CLOUDS)[number]): string[] {
    return GLOBAL_NAMES[cloud].flatMap(({ type, input }) => p.ofType(type).map((r) => `${type} ${r.inputs[input]}`));
}

describe("names no one else owns", () => {
    // Two deployments of the same project and stack that differ only in the account they go to.
    const other: Record<(typeof CLOUDS)[number], Parameters<typeof plan>[0]> = {
        aws: {
            stack: "dev",
            set: { cloud: "aws" },
            existing: (token) => (token === "aws:index/getCallerIdentity:getCallerIdentity" ? { id: "210987654321", accountId: "210987654321", arn: "arn:aws:iam::210987654321:user/deployer", userId: "AIDAOTHER" } : undefined),
        },
        gcp: { stack: "dev", set: { cloud: "gcp", "gcp:project": "another-team-project" } },
        azure: { stack: "dev", set: { cloud: "azure", "azure-native:subscriptionId": "22222222-2222-4222-a222-222222222222" } },
    };
    for (const cloud of CLOUDS) {
        it(`${cloud}: two accounts deploying the same project and stack share no global name`, async () => {
            const first = globalNames(await baseline({ stack: "dev", set: { cloud } }), cloud);
            const second = new Set(globalNames(await plan(other[cloud]), cloud));
            assert.ok(first.length > 0 && second.size > 0, "the plans hold global names");
            assert.deepStrictEqual(first.filter((n) => second.has(n)), []);
        });
    }

    it("azure: a destroy → up asks for no Key Vault name the soft delete still holds", async () => {
        const before = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const after = await plan({ stack: "dev", set: { cloud: "azure" }, randomSeed: "after-destroy" });
        const vault = (p: Plan) => p.one("azure-native:keyvault:Vault").inputs.vaultName as string;
        assert.notStrictEqual(vault(after), vault(before));
    });

    it("azure: the global names survive a later change of what they are derived from", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        for (const { type, input } of GLOBAL_NAMES.azure.filter((g) => g.type !== "azure-native:authorization:RoleAssignment")) {
            for (const r of p.ofType(type)) {
                assert.ok(r.ignoreChanges.includes(input), `${type} ${r.name} ignores changes of ${input} (a new name replaces it)`);
            }
        }
    });

    it("azure: a role assignment id is replaced by deleting the old one first (same principal and role)", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const assignments = p.ofType("azure-native:authorization:RoleAssignment");
        assert.ok(assignments.length > 0);
        assert.deepStrictEqual(assignments.filter((a) => !a.deleteBeforeReplace).map((a) => a.name), []);
    });
});

describe("day 1 and destroy → up on AWS: the OpenSearch service-linked role", () => {
    const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
    const ROLE_ARN = "arn:aws:iam::123456789012:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService";
    /** An account that already has the role, tagged with `owner` (or untagged). */
    const accountWithRole = (owner?: string) => (token: string) => {
        if (token === "aws:iam/getRoles:getRoles") {
            return { id: "us-east-1", arns: [ROLE_ARN], names: ["AWSServiceRoleForAmazonOpenSearchService"] };
        }
        if (token === "aws:iam/getRole:getRole") {
            return { id: "AWSServiceRoleForAmazonOpenSearchService", name: "AWSServiceRoleForAmazonOpenSearchService", arn: ROLE_ARN, path: "/aws-service-role/opensearchservice.amazonaws.com/", tags: owner ? { "anycloud-owner": owner } : {} };
        }
        return undefined;
    };

    it("a fresh account: the foundation creates it, never to delete it, and the domain waits for it", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "aws" } });
        const role = p.one(SLR);
        assert.strictEqual(role.inputs.awsServiceName, "opensearchservice.amazonaws.com");
        assert.ok(role.retainOnDelete, "kept on destroy: other domains of the account rely on it");
        assert.strictEqual(role.importId, undefined);
        assert.ok(p.one("aws:opensearch/domain:Domain").dependencies.includes(role.urn));
    });

    it("after this stack's destroy (the role left behind, tagged by it): adopted, not created again", async () => {
        const p = await plan({ stack: "dev", set: { cloud: "aws" }, existing: accountWithRole("anycloud/dev") });
        const role = p.one(SLR);
        assert.strictEqual(role.importId, ROLE_ARN, "import adopts the role (creating it again fails: the name is taken)");
        assert.ok(role.retainOnDelete);
    });

    it("a role another stack or the console created: not declared, so never changed or deleted here", async () => {
        for (const owner of ["anycloud/other-stack", undefined]) {
            const p = await plan({ stack: "dev", set: { cloud: "aws" }, existing: accountWithRole(owner) });
            assert.deepStrictEqual(p.ofType(SLR), []);
            assert.strictEqual(p.ofType("aws:opensearch/domain:Domain").length, 1);
        }
    });
});

describe("day 1 on a new Azure subscription: features are checked before anything needs them", () => {
    it("a stack with search VMs checks EncryptionAtHost, and the VMs take it from the check", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const vms = p.ofType("azure-native:compute:VirtualMachine");
        assert.ok(vms.length > 0);
        for (const vm of vms) {
            assert.strictEqual(vm.inputs.securityProfile.encryptionAtHost, true);
        }
        const checks = p.run.invokes.filter((i) => i.token === "azure-native:features:getSubscriptionFeatureRegistration");
        assert.deepStrictEqual(checks.map((c) => `${c.inputs.providerNamespace}/${c.inputs.featureName}`), ["Microsoft.Compute/EncryptionAtHost"]);
    });

    it("an unregistered feature stops the run with the commands that register it, and no VM is declared", async () => {
        const notRegistered = (token: string, inputs: Record<string, any>) =>
            token === "azure-native:features:getSubscriptionFeatureRegistration" ? { id: "x", name: inputs.featureName, type: "t", properties: { state: "NotRegistered" } } : undefined;
        const { project, config } = stackConfig({ stack: "dev", set: { cloud: "azure" } });
        // The check fails inside an apply (on the look-up's answer): the run ends with it, as the
        // engine's run would.
        let error: unknown;
        try {
            await runOffline({ project, stack: "dev", config, existing: notRegistered });
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof OfflineRunError, `the run did not stop with its error: ${error}`);
        const registered = error.registered;
        assert.match(error.message, /has not registered the feature Microsoft\.Compute\/EncryptionAtHost/);
        assert.match(error.message, /az feature register --namespace Microsoft\.Compute --name EncryptionAtHost/);
        assert.match(error.message, /az provider register --namespace Microsoft\.Compute/);
        assert.deepStrictEqual(registered.filter((r) => r.type === "azure-native:compute:VirtualMachine").map((r) => r.name), []);
    });

    it("a stack without search VMs does not ask for the feature", async () => {
        const p = await plan({ stack: "dev", set: { cloud: "azure", search: undefined, "services.app.uses": ["database", "cache", "bucket:documents"], "services.worker.uses": ["database", "cache", "bucket:documents"], "services.worker.searchIndices": undefined } });
        assert.deepStrictEqual(p.run.invokes.filter((i) => i.token === "azure-native:features:getSubscriptionFeatureRegistration"), []);
    });
});

describe("destroy from a CI runner outside the private network", () => {
    /** Types whose delete goes through a data plane that the stack's firewall closes to the runner. */
    const DATA_PLANE_DELETE = ["azure-native:keyvault:Secret", "azure-native:keyvault:Key"];

    for (const stack of ["dev", "prod"]) {
        it(`azure ${stack}: nothing is deleted through the vault's data plane (secrets go with the vault)`, async () => {
            const p = await baseline({ stack, set: { cloud: "azure" } });
            const secrets = p.resources.filter((r) => DATA_PLANE_DELETE.includes(r.type));
            assert.ok(secrets.length > 0);
            assert.deepStrictEqual(secrets.filter((s) => !s.retainOnDelete).map((s) => s.name), []);
            // The vault itself is deleted through ARM, and keeps its firewall closed.
            const vault = p.one("azure-native:keyvault:Vault");
            assert.strictEqual(vault.retainOnDelete, false);
            assert.strictEqual(vault.inputs.properties.networkAcls.defaultAction, "Deny");
        });
    }

    it("gcp: the private services connection is deleted with the stack, never abandoned with its peering", async () => {
        for (const stack of ["dev", "prod"]) {
            const p = await baseline({ stack, set: { cloud: "gcp" } });
            const psa = p.one("gcp:servicenetworking/connection:Connection");
            assert.notStrictEqual(psa.inputs.deletionPolicy, "ABANDON");
            assert.strictEqual(psa.retainOnDelete, false);
            assert.strictEqual(psa.inputs.updateOnCreationFail, true, "a connection Google still tracks is reused on the next up");
        }
    });
});

describe("ordering that survives eventual consistency", () => {
    it("gcp: the database init job waits, bounded, for its first connection before running psql", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "gcp" } });
        const job = p.one("gcp:cloudrunv2/job:Job", "database-init");
        const command = job.inputs.template.template.containers[0].commands as string[];
        assert.strictEqual(command[0], "sh");
        // After writing the server CA it trusts (test/db-init-tls.spec.ts), it waits, then runs psql.
        assert.ok(command[2].endsWith(`\n${waitForPostgres(DB_INIT_RETRY, 'printf "%s" "$INIT_SQL" > /tmp/init.sql && psql -d postgres -f /tmp/init.sql')}`), command[2]);
    });

    it("azure: the database init job waits, bounded, for the server behind its private DNS name", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const command = p.one("azure-native:app:Job", "database-init").inputs.template.containers[0].command as string[];
        assert.match(command[2], new RegExp(`^i=1\\nuntil pg_isready -q -t 5; do\\n  if \\[ "\\$i" -ge ${DB_INIT_RETRY.attempts} \\]`));
        assert.match(command[2], /psql -v ON_ERROR_STOP=1 -d postgres -f -$/);
    });

    it("gcp: the search VMs boot only after their CA secret grants and the NAT exist", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "gcp" } });
        const grants = p.ofType("gcp:secretmanager/secretIamMember:SecretIamMember").filter((g) => /^search-ca-(key|cert)-/.test(g.name));
        const nat = p.one("gcp:compute/routerNat:RouterNat");
        // The nodes' own grants; the readiness gate's grant (search-gate-*) is for the job after them.
        assert.strictEqual(grants.length, 4);
        for (const vm of p.ofType("gcp:compute/instance:Instance")) {
            const missing = [...grants, nat].filter((g) => !vm.dependencies.includes(g.urn)).map((g) => g.name);
            assert.deepStrictEqual(missing, [], `${vm.name} waits for`);
        }
    });

    it("azure: a container app waits for its grants, the vault's private endpoint, DNS record and zone link", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const needs = [p.one("azure-native:network:PrivateEndpoint", "network-vault-pe"), p.one("azure-native:network:PrivateDnsZoneGroup", "network-vault-pe-dns"), p.one("azure-native:privatedns:VirtualNetworkLink", "network-dns-vaultcore-link")];
        for (const a of p.ofType("azure-native:app:ContainerApp")) {
            assert.deepStrictEqual(needs.filter((n) => !a.dependencies.includes(n.urn)).map((n) => n.name), [], `${a.name} waits for`);
        }
    });

    const WAIT = "pulumi-nodejs:dynamic/anycloud:PropagationWait";
    for (const [label, set] of [
        ["dev", { cloud: "azure" }],
        ["dev, a built image", { cloud: "azure", "services.processor.image": undefined, "services.processor.build": { context: "test/fixtures" } }],
    ] as const) {
        it(`azure ${label}: a container app is created only after a bounded wait for RBAC to apply each of its grants`, async () => {
            const p = await baseline({ stack: "dev", set });
            const apps = p.ofType("azure-native:app:ContainerApp");
            assert.ok(apps.length > 0);
            for (const a of apps) {
                const service = a.name.replace(/-app$/, "");
                // Every role assignment whose principal is this service's identity.
                const identity = p.one("azure-native:managedidentity:UserAssignedIdentity", `${service}-identity`);
                const grants = p.ofType("azure-native:authorization:RoleAssignment").filter((g) => g.inputs.principalId === identity.outputs.principalId);
                assert.ok(grants.length > 0, `${service} has grants`);
                const wait = p.one(WAIT, `${service}-rbac-propagation`);
                // `after` holds exactly the ids of these grants (each taken from one of them).
                assert.strictEqual(wait.inputs.after.length, grants.length);
                assert.deepStrictEqual([...(wait.propertyDependencies.after ?? [])].sort(), grants.map((g) => g.urn).sort(), `${service}'s wait stands after all its grants`);
                assert.deepStrictEqual(grants.filter((g) => !wait.dependencies.includes(g.urn)).map((g) => g.name), [], `${service}'s wait is ordered after`);
                assert.strictEqual(wait.inputs.seconds, RBAC_PROPAGATION_SECONDS);
                assert.ok(a.dependencies.includes(wait.urn), `${a.name} waits for ${wait.name}`);
            }
            if ("services.processor.build" in set) {
                assert.ok(p.one(WAIT, "processor-rbac-propagation").propertyDependencies.after.includes(p.one("azure-native:authorization:RoleAssignment", "processor-acr-pull").urn), "the AcrPull grant is waited for");
            }
        });
    }

    for (const stack of ["dev", "prod"]) {
        it(`gcp ${stack}: every Cloud Run service and job is created only after a bounded wait for IAM to apply its account's grants on the secrets it references and its buckets`, async () => {
            const p = await baseline({ stack, set: { cloud: "gcp" } });
            const runs = [...p.ofType("gcp:cloudrunv2/service:Service"), ...p.ofType("gcp:cloudrunv2/job:Job")];
            assert.ok(runs.length >= 4, `services, jobs, the init job, the search gate and users jobs: ${runs.map((r) => r.name).join(", ")}`);
            const secretGrants = p.ofType("gcp:secretmanager/secretIamMember:SecretIamMember");
            const bucketGrants = p.ofType("gcp:storage/bucketIAMMember:BucketIAMMember");
            let waited = 0;
            for (const r of runs) {
                const member = `serviceAccount:${r.inputs.template.serviceAccount ?? r.inputs.template.template.serviceAccount}`;
                const referenced = new Set<string>(JSON.stringify(r.inputs.template).match(/"secret":"[^"]+"/g)?.map((m) => m.slice(10, -1)) ?? []);
                const grants = [...secretGrants.filter((g) => g.inputs.member === member && referenced.has(g.inputs.secretId)), ...bucketGrants.filter((g) => g.inputs.member === member)];
                // Waited for directly or through what it waits for (the users job after the gate job).
                const before = new Set<string>();
                const visit = (urn: string) => {
                    if (before.has(urn)) return;
                    before.add(urn);
                    for (const d of p.resources.find((x) => x.urn === urn)?.dependencies ?? []) visit(d);
                };
                r.dependencies.forEach(visit);
                const waits = p.ofType(WAIT).filter((w) => before.has(w.urn));
                for (const w of waits) assert.strictEqual(w.inputs.seconds, IAM_PROPAGATION_SECONDS);
                const waitedFor = new Set(waits.flatMap((w) => w.propertyDependencies.after ?? []));
                assert.deepStrictEqual(grants.filter((g) => !waitedFor.has(g.urn)).map((g) => g.name), [], `${r.name} waits for IAM to apply`);
                waited += grants.length;
            }
            assert.ok(waited > runs.length, "the workloads read secrets through grants");
        });
    }

    it("azure: a job is created only after a bounded wait for RBAC to apply each of its grants (its first run reads secrets with them)", async () => {
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const jobs = p.ofType("azure-native:app:Job");
        assert.ok(jobs.length > 0, "the worked example has jobs");
        for (const j of jobs) {
            // The database init job (database-init) runs as the part's own identity, `database`.
            const name = j.name === "database-init" ? "database" : j.name.replace(/-job$/, "");
            const identity = p.one("azure-native:managedidentity:UserAssignedIdentity", `${name}-identity`);
            const grants = p.ofType("azure-native:authorization:RoleAssignment").filter((g) => g.inputs.principalId === identity.outputs.principalId);
            assert.ok(grants.length > 0, `${name} has grants`);
            const wait = p.one(WAIT, `${name}-rbac-propagation`);
            assert.deepStrictEqual([...(wait.propertyDependencies.after ?? [])].sort(), grants.map((g) => g.urn).sort(), `${name}'s wait stands after all its grants`);
            assert.ok(j.dependencies.includes(wait.urn), `${j.name} waits for ${wait.name}`);
        }
    });

    it("the propagation wait sleeps its bound on create, and again only for a grant it has not waited for", async () => {
        // What `pulumi up` runs: the provider as serialised into the resource's inputs.
        const p = await baseline({ stack: "dev", set: { cloud: "azure" } });
        const serialised: { exports: { handler?: () => ResourceProvider } } = { exports: {} };
        new Function("exports", "module", "require", p.one(WAIT, "app-rbac-propagation").inputs.__provider)(serialised.exports, serialised, require);
        const propagationWaitProvider = serialised.exports.handler!();
        const started = Date.now();
        const created = await propagationWaitProvider.create({ after: ["a", "b"], seconds: 0.3, reason: "test" });
        assert.ok(Date.now() - started >= 290, `waited ${Date.now() - started} ms`);
        assert.deepStrictEqual(created.outs.after, ["a", "b"]);
        const diff = propagationWaitProvider.diff!;
        assert.strictEqual((await diff(created.id, { after: ["a", "b"], seconds: 180, reason: "x" }, { after: ["b", "a"], seconds: 180, reason: "y" })).changes, false, "same grants in another order");
        const added = await diff(created.id, { after: ["a", "b"], seconds: 180, reason: "x" }, { after: ["a", "b", "c"], seconds: 180, reason: "x" });
        assert.strictEqual(added.changes, true, "a new grant");
        assert.deepStrictEqual(added.replaces, []);
        assert.strictEqual((await diff(created.id, { after: ["a", "b"], seconds: 180, reason: "x" }, { after: ["a"], seconds: 180, reason: "x" })).changes, false, "a removed grant needs no wait");
        assert.strictEqual((await diff(created.id, { after: ["a", "b"], seconds: 180, reason: "x" }, { after: ["a", "b2"], seconds: 180, reason: "x" })).changes, true, "a replaced grant (a new id) does");
        const again = Date.now();
        await propagationWaitProvider.update!(created.id, { after: ["a", "b"], seconds: 0.3, reason: "x" }, { after: ["a", "b", "c"], seconds: 0.3, reason: "x" });
        assert.ok(Date.now() - again >= 290, "the update waits too");
    });
});
