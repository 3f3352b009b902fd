/**
 * `npm run bench [-- --runs N] [--sizes 1,10,30,100,200] [--only <regex>]`
 *
 * Measures whole processes, repeated and interleaved (round after round, every case once per
 * round, so a slower minute of a shared machine hits every case alike), and prints a Markdown
 * table with the minimum and median CPU time, wall time and peak resident memory of:
 *
 * - the floors: `require('@pulumi/pulumi')`; @pulumi/pulumi plus exactly the SDK files a plan of
 *   that target loads (its cloud SDK's submodules, random, docker); and the engine floor: those
 *   same files plus the same offline engine (stacks/offline.ts) registering N bare resources
 *   with no program logic, N being the plan's resource count; and the replay floor: the same
 *   engine registering the plan's own resources (recorded by the warm-up) with the same inputs
 *   and options, as plain `CustomResource`s, `ComponentResource`s and `ProviderResource`s in the
 *   plan's order, with none of the program's logic (no config checks, invokes, applies or policies);
 * - `npm run plan -- --json` of the worked example on every target × {dev, prod};
 * - `npm run plan -- --json` of generated topologies of 1, 10, 30, 100 and 200 public services
 *   (each using the database, the cache and a bucket) on every target;
 *
 * each plan with its ratio to `require('@pulumi/pulumi')` (issue #18's "floor" of a plan) and to
 * the engine and replay floors, then per target the cost of one more resource (the
 * slope over the topologies) next to the floors'. The engine floor is what the SDK and engine cost
 * with nothing to send; the replay floor adds what the SDK costs to serialize exactly what the plan
 * sends, so the plan's cost above it is the program's own. A plan a target refuses (a limit the
 * topology exceeds) is listed with its config error. Not part of `npm test`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as Pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../stacks/offline";

const ROOT = path.resolve(__dirname, "..");
const TARGETS = ["local", "aws", "gcp", "azure"] as const;
type Target = (typeof TARGETS)[number];

interface Usage {
    cpu: number;
    wall: number;
    rss: number;
}

interface Case {
    id: string;
    target: Target | "";
    argv: string[];
    /** For plans: the resource count and SDK files found by the warm-up run. */
    resources?: number;
    modules?: string[];
    refused?: string;
    floor?: Case;
    replay?: Case;
    services?: number;
    runs: Usage[];
}

const NODE = process.execPath;
const USAGE_HOOK = path.join(ROOT, "scripts/bench-usage.js");
const REGISTER = path.join(ROOT, "scripts/register.js");

/** Runs one process; its CPU and peak memory come from the process itself (bench-usage.js). */
function measure(argv: string[], wantModules = false): { usage: Usage; code: number | null; stdout: string; stderr: string; modules?: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-bench-"));
    const usageFile = path.join(dir, "usage.json");
    const modulesFile = path.join(dir, "modules.json");
    try {
        const start = process.hrtime.bigint();
        const result = spawnSync(NODE, ["-r", USAGE_HOOK, ...argv], {
            cwd: ROOT,
            encoding: "utf8",
            maxBuffer: 1 << 30,
            env: { ...process.env, BENCH_USAGE_FILE: usageFile, ...(wantModules ? { BENCH_MODULES_FILE: modulesFile } : {}) },
        });
        const wall = Number(process.hrtime.bigint() - start) / 1e9;
        if (!fs.existsSync(usageFile)) {
            throw new Error(`no usage from: node ${argv.join(" ")}\n${result.stderr}`);
        }
        const u = JSON.parse(fs.readFileSync(usageFile, "utf8"));
        const modules = fs.existsSync(modulesFile) ? (JSON.parse(fs.readFileSync(modulesFile, "utf8")) as string[]) : undefined;
        return { usage: { cpu: u.user + u.sys, wall, rss: u.maxRssMiB }, code: result.status, stdout: result.stdout, stderr: result.stderr, modules };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * A generated topology: `count` public services on their own paths, each using the database,
 * cache and a bucket, and no jobs (the dev stack's jobs run the worked example's services).
 */
function topology(count: number): string[] {
    const services: Record<string, unknown> = {};
    const routes: unknown[] = [];
    for (let i = 1; i <= count; i++) {
        services[`s${i}`] = { image: "ghcr.io/anycloud-examples/biblioteca-app:1.4.2", port: 8080, uses: ["database", "cache", "bucket:files"] };
        routes.push({ path: `/s${i}/*`, service: `s${i}` });
    }
    return ["--config", `services=${JSON.stringify(services)}`, "--config", `loadBalancer.routes=${JSON.stringify(routes)}`, "--config", `buckets=["files"]`, "--config", "jobs={}"];
}

function planCase(id: string, target: Target, stack: string, extra: string[], services?: number): Case {
    return { id, target, services, argv: ["-r", REGISTER, "scripts/plan.ts", "--stack", stack, "--cloud", target, "--json", ...extra], runs: [] };
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const min = (xs: number[]) => Math.min(...xs);
const stat = (c: Case, key: keyof Usage) => ({ min: min(c.runs.map((u) => u[key])), median: median(c.runs.map((u) => u[key])) });

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number | undefined {
    if (points.length < 2) return undefined;
    const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
    const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
    const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    return sxx === 0 ? undefined : points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
}

function parseArgs(argv: string[]) {
    const args = { runs: 5, sizes: [1, 10, 30, 100, 200], only: undefined as RegExp | undefined };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--runs") args.runs = Math.max(1, Number(argv[++i]));
        else if (a === "--sizes") args.sizes = argv[++i].split(",").map(Number);
        else if (a === "--only") args.only = new RegExp(argv[++i]);
        else throw new Error(`unknown argument '${a}'; usage: npm run bench -- [--runs N] [--sizes 1,10,30,100,200] [--only <regex>]`);
    }
    return args;
}

/** Child mode: the engine floor, registering N bare resources after loading the given SDK files. */
async function floorChild(spec: { target: Target; modules: string[]; resources: number }) {
    const pulumi = await import("@pulumi/pulumi");
    for (const m of spec.modules) require(m);
    const { runOffline } = await import("../stacks/offline");
    class Bare extends pulumi.CustomResource {
        constructor(name: string) {
            super("anycloud:bench:Bare", name, {});
        }
    }
    await runOffline({
        project: "anycloud",
        stack: "dev",
        config: { "anycloud:cloud": spec.target },
        program: async () => {
            for (let i = 0; i < spec.resources; i++) {
                new Bare(`r${i}`);
            }
            return {};
        },
    });
}

/** The stack, cloud and `--config` assignments of a plan case's argv. */
function planSpec(argv: string[]): { stack: string; cloud: string; config: string[] } {
    const at = (flag: string) => argv[argv.indexOf(flag) + 1];
    return { stack: at("--stack"), cloud: at("--cloud"), config: argv.flatMap((a, i) => (a === "--config" ? [argv[i + 1]] : [])) };
}

/**
 * Child mode: runs the plan's stack as `npm run plan` does and writes what the engine received
 * (each resource's type, name, options and inputs) to `out`, for the replay floor.
 */
async function recordChild(spec: { stack: string; cloud: string; config: string[]; out: string }) {
    const { runOffline } = await import("../stacks/offline");
    const { projectName, readStackConfig, setConfigPath, setConfigValue } = await import("../stacks/stack-files");
    const config = readStackConfig(ROOT, path.join(ROOT, `Pulumi.${spec.stack}.yaml`));
    setConfigValue(config, "cloud", spec.cloud);
    for (const c of spec.config) setConfigPath(config, c);
    console.log = () => undefined; // the program's log lines (the plan prints them to stderr)
    const run = await runOffline({ project: projectName(ROOT), stack: spec.stack, config });
    const resources = run.resources.map(({ outputs, ...r }) => r);
    fs.writeFileSync(spec.out, JSON.stringify({ project: projectName(ROOT), stack: spec.stack, config, resources }));
}

/**
 * Child mode: the replay floor. Registers the recorded resources in their order, each with its
 * recorded inputs (a property holding a secret passed as a secret), parent, provider, explicit and
 * input dependencies (as `dependsOn`), aliases (as URNs), protect, import and change options, under
 * the same engine, config and cloud mocks; none of the program runs.
 */
async function replayChild(spec: { modules: string[]; record: string }) {
    const pulumi = await import("@pulumi/pulumi");
    for (const m of spec.modules) require(m);
    const { runOffline } = await import("../stacks/offline");
    // (The SDK's classes, made concrete: a resource of the recorded type, registered as is.)
    class Custom extends pulumi.CustomResource {}
    class Provider extends pulumi.ProviderResource {}
    class Component extends pulumi.ComponentResource {}
    const record = JSON.parse(fs.readFileSync(spec.record, "utf8")) as { project: string; stack: string; config: Record<string, string>; resources: CapturedResource[] };
    const program = async () => {
        const byUrn = new Map<string, Pulumi.Resource>();
        for (const r of record.resources) {
            const inputs: Record<string, unknown> = { ...r.inputs };
            for (const key of new Set(r.secretPaths.map((p) => p.split(/[.[]/)[0]))) {
                if (key in inputs) inputs[key] = pulumi.secret(inputs[key]);
            }
            const resource = (urn: string | undefined) => (urn === undefined ? undefined : byUrn.get(urn));
            const opts: Pulumi.CustomResourceOptions = {
                parent: resource(r.parent),
                provider: r.provider ? (resource(r.provider.slice(0, r.provider.lastIndexOf("::"))) as Pulumi.ProviderResource) : undefined,
                dependsOn: r.dependencies.map(resource).filter((d): d is Pulumi.Resource => d !== undefined),
                aliases: r.aliasUrns,
                protect: r.protect || undefined,
                retainOnDelete: r.retainOnDelete || undefined,
                deleteBeforeReplace: r.deleteBeforeReplaceSet ? r.deleteBeforeReplace : undefined,
                ignoreChanges: r.ignoreChanges.length > 0 ? r.ignoreChanges : undefined,
                replaceOnChanges: r.replaceOnChanges.length > 0 ? r.replaceOnChanges : undefined,
                additionalSecretOutputs: r.additionalSecretOutputs.length > 0 ? r.additionalSecretOutputs : undefined,
                import: r.importId,
            };
            const made = r.type.startsWith("pulumi:providers:")
                ? new Provider(r.type.slice("pulumi:providers:".length), r.name, inputs, opts)
                : r.custom
                  ? new Custom(r.type, r.name, inputs, opts)
                  : new Component(r.type, r.name, inputs, opts);
            byUrn.set(r.urn, made);
        }
        return {};
    };
    await runOffline({ project: record.project, stack: record.stack, config: record.config, program });
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    // Where the warm-up keeps each plan's recorded resources for its replay floor.
    const records = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-bench-records-"));
    process.on("exit", () => fs.rmSync(records, { recursive: true, force: true }));
    const log = (text: string) => process.stderr.write(`${text}\n`);

    const plans: Case[] = [];
    for (const target of TARGETS) {
        for (const stack of ["dev", "prod"]) plans.push(planCase(`example ${target} ${stack}`, target, stack, []));
    }
    for (const target of TARGETS) {
        for (const n of args.sizes) plans.push(planCase(`${target} ${n} services`, target, "dev", topology(n), n));
    }
    const selected = plans.filter((c) => !args.only || args.only.test(c.id));

    // Warm-up round (not counted): each plan's resource count and the SDK files it loads; and
    // for the worked example, the proof that the loader changes no byte of what a plan prints:
    // the same command under ts-node (how plans ran before) prints exactly the same.
    const identity: string[] = [];
    for (const c of selected) {
        log(`warm-up: ${c.id}`);
        const r = measure(c.argv, true);
        if (c.services === undefined) {
            const tsNode = spawnSync(NODE, ["-r", "ts-node/register/transpile-only", ...c.argv.slice(2)], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 30 });
            const same = tsNode.status === r.code && tsNode.stdout === r.stdout && tsNode.stderr === r.stderr;
            identity.push(`${c.id}: ${same ? "identical" : "DIFFERENT"} (${r.stdout.length} bytes, exit ${r.code})`);
            if (!same) process.exitCode = 1;
        }
        if (r.code === 2) {
            c.refused = r.stderr.trim().split("\n").slice(1).join(" ").trim() || r.stderr.trim();
            continue;
        }
        if (r.code !== 0 && r.code !== 3) throw new Error(`${c.id} failed (exit ${r.code}):\n${r.stderr}`);
        c.resources = (JSON.parse(r.stdout).resources as unknown[]).length;
        c.modules = r.modules;
        const out = path.join(records, `${plans.indexOf(c)}.json`);
        const recorded = measure(["-r", REGISTER, "scripts/bench.ts", "--record", JSON.stringify({ ...planSpec(c.argv), out })]);
        if (recorded.code !== 0) throw new Error(`${c.id}: recording its resources failed (exit ${recorded.code}):\n${recorded.stderr}`);
        const replayed = JSON.parse(fs.readFileSync(out, "utf8")).resources.length;
        if (replayed !== c.resources) throw new Error(`${c.id}: recorded ${replayed} resources, the plan printed ${c.resources}`);
        c.replay = { id: `replay floor: ${c.id}`, target: c.target, resources: c.resources, argv: ["-r", REGISTER, "scripts/bench.ts", "--replay", JSON.stringify({ modules: c.modules ?? [], record: out })], runs: [] };
    }
    const measured = selected.filter((c) => c.refused === undefined);

    const requirePulumi: Case = { id: "require('@pulumi/pulumi')", target: "", argv: ["-e", "require('@pulumi/pulumi')"], runs: [] };
    const sdkFloors = new Map<Target, Case>();
    const engineFloors = new Map<string, Case>();
    for (const c of measured) {
        const t = c.target as Target;
        const modules = c.modules ?? [];
        if (!sdkFloors.has(t)) {
            sdkFloors.set(t, { id: `@pulumi/pulumi + the ${modules.length} SDK files a ${t} plan loads`, target: t, argv: ["-e", `require('@pulumi/pulumi'); for (const m of ${JSON.stringify(modules)}) require(m);`], runs: [] });
        }
        const key = `${t} ${c.resources}`;
        if (!engineFloors.has(key)) {
            const spec = JSON.stringify({ target: t, modules, resources: c.resources });
            engineFloors.set(key, { id: `engine floor: ${t}, ${c.resources} bare resources`, target: t, resources: c.resources, argv: ["-r", REGISTER, "scripts/bench.ts", "--floor", spec], runs: [] });
        }
        c.floor = engineFloors.get(key);
    }
    const replays = measured.map((c) => c.replay!);
    const all = [requirePulumi, ...sdkFloors.values(), ...engineFloors.values(), ...replays, ...measured];
    for (let round = 1; round <= args.runs; round++) {
        for (const c of all) {
            log(`round ${round}/${args.runs}: ${c.id}`);
            const r = measure(c.argv);
            if (r.code !== 0 && r.code !== 3) throw new Error(`${c.id} failed (exit ${r.code}):\n${r.stderr}`);
            c.runs.push(r.usage);
        }
    }

    const f2 = (x: number) => x.toFixed(2);
    const f0 = (x: number) => x.toFixed(0);
    const lines: string[] = [];
    if (identity.length > 0) {
        lines.push(`\`plan --json\` output (stdout, stderr, exit code) under ts-node and under scripts/register.js: ${identity.join("; ")}.`);
        lines.push("");
    }
    lines.push(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${args.runs} runs each, interleaved; median (min).`);
    lines.push("");
    lines.push("| case | resources | CPU s | wall s | peak RSS MiB | × require('@pulumi/pulumi') CPU | engine floor CPU s | × engine floor CPU | × engine floor RSS | replay floor CPU s | × replay floor CPU | × replay floor RSS |");
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    const ratios = (floor: Case | undefined, cpu: number, rss: number) => {
        const fc = floor ? stat(floor, "cpu").median : undefined;
        const fr = floor ? stat(floor, "rss").median : undefined;
        return `${fc !== undefined ? f2(fc) : ""} | ${fc ? f2(cpu / fc) : ""} | ${fr ? f2(rss / fr) : ""}`;
    };
    const row = (c: Case) => {
        const cpu = stat(c, "cpu");
        const wall = stat(c, "wall");
        const rss = stat(c, "rss");
        // A plan against issue #18's own floor: `node -e "require('@pulumi/pulumi')"`, the SDK as published.
        const toSdkLoad = c.floor ? f2(cpu.median / stat(requirePulumi, "cpu").median) : "";
        lines.push(`| ${c.id} | ${c.resources ?? ""} | ${f2(cpu.median)} (${f2(cpu.min)}) | ${f2(wall.median)} (${f2(wall.min)}) | ${f0(rss.median)} (${f0(rss.min)}) | ${toSdkLoad} | ${ratios(c.floor, cpu.median, rss.median)} | ${ratios(c.replay, cpu.median, rss.median)} |`);
    };
    row(requirePulumi);
    for (const c of sdkFloors.values()) row(c);
    for (const c of engineFloors.values()) row(c);
    for (const c of replays) row(c);
    for (const c of selected) {
        if (c.refused !== undefined) lines.push(`| ${c.id} | refused | ${c.refused.replace(/\|/g, "\\|")} | | | | | | | | | |`);
        else row(c);
    }
    lines.push("");
    lines.push("Per added resource (least-squares slope over the generated topologies; each floor: over its runs of the same sizes):");
    lines.push("");
    lines.push("| target | plan CPU ms | engine floor CPU ms | × engine floor | replay floor CPU ms | × replay floor | plan MiB | engine floor MiB | replay floor MiB |");
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    const opt = (x: number | undefined, f: (x: number) => string) => (x !== undefined ? f(x) : "");
    for (const t of TARGETS) {
        const topo = measured.filter((c) => c.target === t && c.services !== undefined);
        const floors = [...new Set(topo.map((c) => c.floor!))];
        const replayed = topo.map((c) => c.replay!);
        const perResource = (cases: Case[], key: keyof Usage) => slope(cases.map((c) => [c.resources!, stat(c, key).median]));
        const cpu = perResource(topo, "cpu");
        if (cpu === undefined) continue;
        const fcpu = perResource(floors, "cpu");
        const rcpu = perResource(replayed, "cpu");
        const ms = (x: number) => f2(x * 1000);
        lines.push(
            `| ${t} | ${ms(cpu)} | ${opt(fcpu, ms)} | ${fcpu ? f2(cpu / fcpu) : ""} | ${opt(rcpu, ms)} | ${rcpu ? f2(cpu / rcpu) : ""} | ${opt(perResource(topo, "rss"), f2)} | ${opt(perResource(floors, "rss"), f2)} | ${opt(perResource(replayed, "rss"), f2)} |`,
        );
    }
    console.log(lines.join("\n"));
}

const CHILDREN: Record<string, (spec: any) => Promise<void>> = { "--floor": floorChild, "--record": recordChild, "--replay": replayChild };
const child = CHILDREN[process.argv[2]];
if (child) {
    child(JSON.parse(process.argv[3])).catch((e) => {
        console.error(e);
        process.exit(1);
    });
} else {
    main().catch((e) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
