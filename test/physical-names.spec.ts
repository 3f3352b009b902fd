import * as assert from "assert";
import { CapturedResource } from "../stacks/offline";
import { isReservedPartName, RESERVED_PART_NAMES } from "../stacks/reserved-names";
import { SERVICE_NAME, BUCKET_NAME } from "../stacks/schema";
import { CLOUDS } from "../stacks/settings";
import { baseline, Plan, plan, planError } from "./harness";

/**
 * No two resources of one stack get the same physical name, on any target, whatever names the
 * user gives services and buckets. The generated configs name their services and buckets after
 * the logical names the program gives its own resources (`database-init`, `lb-http`,
 * `cache-slow-log`, ...): the names most likely to collide. A name the program reserves
 * (stacks/reserved-names.ts) is refused instead; the generator only makes valid configs.
 */

/** What identifies a resource in its cloud: its type and the inputs that name it. */
const NAME_INPUTS = ["name", "identifier", "replicationGroupId", "domainName", "bucket", "accountId", "policyName", "secretId", "clusterName"];
// Names that point at another resource, not the resource's own (an Azure container app's workload profile, an origin's host).
const AZURE_REFERENCES = new Set(["workloadProfileName", "hostName"]);
// Types whose `name` is not one they own (a pulled image), or that attach one thing to another many times.
const NOT_NAMED = /remoteImage|IAMMember|IamMember|RoleAssignment|Invocation|SecretVersion|Attachment|^anycloud:index|^random:|^pulumi:providers/;

function physicalName(r: CapturedResource): string | undefined {
    if (NOT_NAMED.test(r.type)) return undefined;
    const keys = r.type.startsWith("azure-native:")
        ? Object.keys(r.inputs).filter((k) => /Name$/.test(k) && !AZURE_REFERENCES.has(k))
        : [...NAME_INPUTS.filter((k) => k in r.inputs), ...(r.type === "aws:ecs/taskDefinition:TaskDefinition" ? ["family"] : [])];
    return keys.length === 0 ? undefined : `${r.type} ${JSON.stringify(keys.sort().map((k) => [k, r.inputs[k]]))}`;
}

/** Every pair of resources sharing a URN, a physical name, or a Docker network alias. */
export function nameCollisions(p: Plan): string[] {
    const out: string[] = [];
    const seen = new Map<string, string>();
    const claim = (id: string, who: string) => {
        if (seen.has(id)) out.push(`${id}: ${seen.get(id)} and ${who}`);
        else seen.set(id, who);
    };
    for (const r of p.resources) {
        claim(`urn ${r.urn}`, r.name);
        const id = physicalName(r);
        if (id) claim(id, r.name);
        for (const net of (r.inputs.networksAdvanced ?? []) as { name: string; aliases?: string[] }[]) {
            for (const alias of net.aliases ?? []) claim(`docker alias ${alias} on ${net.name}`, r.name);
        }
    }
    return out;
}

/** A seeded generator (mulberry32): the same configs on every run. */
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function sample<T>(items: T[], n: number, next: () => number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
    return out;
}


/** A valid config whose service and bucket names are the program's own resource names. */
function generated(candidates: string[], next: () => number, jobs: string[]): Record<string, unknown> {
    // A job's name is not a service's (the stack's jobs stay, and keep their names).
    const names = sample(candidates.filter((n) => SERVICE_NAME.test(n) && !jobs.includes(n)), 10, next);
    const buckets = ["documents", ...sample(candidates.filter((n) => BUCKET_NAME.test(n) && !names.includes(n)), 2, next)];
    const parts = ["database", "cache", "search", ...buckets.map((b) => `bucket:${b}`)];
    const services: Record<string, unknown> = { web: { image: "nginx:1.27", port: 8080, uses: ["database"] } };
    const routes: unknown[] = [{ path: "/", service: "web" }];
    for (const name of names.filter((n) => n !== "web")) {
        const service: Record<string, unknown> = { image: "nginx:1.27", cpu: 1, memoryMb: 2048, uses: sample(parts, 1 + Math.floor(next() * 3), next) };
        if (next() < 0.4) {
            service.port = 8080;
            routes.push({ path: `/${name}/*`, service: name });
        }
        services[name] = service;
    }
    // The worked example's migration runs the image of its `app` service, which is replaced here.
    return { services, buckets, "loadBalancer.routes": routes, ...(jobs.includes("migrate") ? { "jobs.migrate.service": "web" } : {}) };
}

describe("physical names: no two resources of a stack share one", () => {
    for (const cloud of CLOUDS) {
        // The prod preset asks for failover one Docker engine cannot give: local plans dev only.
        for (const stack of cloud === "local" ? ["dev"] : ["dev", "prod"]) {
            it(`${cloud} ${stack}: services and buckets named like the program's own resources collide with none`, async function () {
                this.timeout(300000);
                const base = await baseline({ stack, set: { cloud } });
                assert.deepStrictEqual(nameCollisions(base), [], "the stack's own config");
                const candidates = [...new Set(base.resources.map((r) => r.name))].filter((n) => SERVICE_NAME.test(n) && !isReservedPartName(n)).sort();
                assert.ok(candidates.length > 30, `${candidates.length} candidate names`);
                const set = generated(candidates, random(cloud.length * 7 + stack.length), Object.keys(base.outputs.jobs ?? {}));
                const p = await plan({ stack, set: { cloud, ...set } });
                assert.ok(Object.keys(set.services as object).every((s) => p.resources.some((r) => r.type === "anycloud:index:ContainerService" && r.name === s)));
                assert.deepStrictEqual(nameCollisions(p), [], `with services ${Object.keys(set.services as object).join(", ")} and buckets ${(set.buckets as string[]).join(", ")}`);
            });
        }
        it(`${cloud}: every reserved name is refused for a service and a bucket, naming the list`, async () => {
            const services = Object.fromEntries(RESERVED_PART_NAMES.map((n) => [n, { image: "nginx:1.27", cpu: 1, memoryMb: 2048 }]));
            const e = await planError({ stack: "dev", set: { cloud, services: { ...services, app: { image: "nginx:1.27", port: 8080 } }, buckets: ["storage", "documents"], "services.worker": undefined } });
            const found = e.problems.filter((p) => /the program gives its own parts/.test(p.accepted)).map((p) => p.key);
            assert.deepStrictEqual(found.sort(), [...RESERVED_PART_NAMES.map((n) => `anycloud:services.${n}`), "anycloud:buckets[0]"].sort());
            const node = await planError({ stack: "dev", set: { cloud, "services.search-node-1": { image: "nginx:1.27", cpu: 1, memoryMb: 2048 } } });
            assert.ok(node.problems.some((p) => p.key === "anycloud:services.search-node-1" && /search-node-<n>/.test(p.accepted)), node.message);
        });
    }
});
