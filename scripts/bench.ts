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
 *   with no program logic, N being the plan's resource count;
 * - `npm run plan -- --json` of the worked example on every target × {dev, prod};
 * - `npm run plan -- --json` of generated topologies of 1, 10, 30, 100 and 200 public services
 *   (each using the database, the cache and a bucket) on every target;
 *
 * each plan with its ratio to its engine floor, then per target the cost of one more resource
 * (the slope over the topologies) next to the engine floor's. A plan a target refuses (a limit
 * the topology exceeds) is listed with its config error. Not part of `npm test`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

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

async function main() {
    const args = parseArgs(process.argv.slice(2));
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
    const all = [requirePulumi, ...sdkFloors.values(), ...engineFloors.values(), ...measured];
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
    lines.push("| case | resources | CPU s | wall s | peak RSS MiB | engine floor CPU s | × floor CPU | × floor RSS |");
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|");
    const row = (c: Case) => {
        const cpu = stat(c, "cpu");
        const wall = stat(c, "wall");
        const rss = stat(c, "rss");
        const floor = c.floor;
        const fc = floor ? stat(floor, "cpu").median : undefined;
        const fr = floor ? stat(floor, "rss").median : undefined;
        lines.push(`| ${c.id} | ${c.resources ?? ""} | ${f2(cpu.median)} (${f2(cpu.min)}) | ${f2(wall.median)} (${f2(wall.min)}) | ${f0(rss.median)} (${f0(rss.min)}) | ${fc !== undefined ? f2(fc) : ""} | ${fc ? f2(cpu.median / fc) : ""} | ${fr ? f2(rss.median / fr) : ""} |`);
    };
    row(requirePulumi);
    for (const c of sdkFloors.values()) row(c);
    for (const c of engineFloors.values()) row(c);
    for (const c of selected) {
        if (c.refused !== undefined) lines.push(`| ${c.id} | refused | ${c.refused.replace(/\|/g, "\\|")} | | | | | |`);
        else row(c);
    }
    lines.push("");
    lines.push("Per added resource (least-squares slope over the generated topologies; engine floor: over its bare-resource runs):");
    lines.push("");
    lines.push("| target | plan CPU ms | engine floor CPU ms | × floor | plan MiB | engine floor MiB |");
    lines.push("|---|---:|---:|---:|---:|---:|");
    for (const t of TARGETS) {
        const topo = measured.filter((c) => c.target === t && c.services !== undefined);
        const floors = [...new Set(topo.map((c) => c.floor!))];
        const cpu = slope(topo.map((c) => [c.resources!, stat(c, "cpu").median]));
        const mem = slope(topo.map((c) => [c.resources!, stat(c, "rss").median]));
        const fcpu = slope(floors.map((f) => [f.resources!, stat(f, "cpu").median]));
        const fmem = slope(floors.map((f) => [f.resources!, stat(f, "rss").median]));
        if (cpu === undefined) continue;
        lines.push(`| ${t} | ${f2(cpu * 1000)} | ${fcpu !== undefined ? f2(fcpu * 1000) : ""} | ${fcpu ? f2(cpu / fcpu) : ""} | ${mem !== undefined ? f2(mem) : ""} | ${fmem !== undefined ? f2(fmem) : ""} |`);
    }
    console.log(lines.join("\n"));
}

if (process.argv[2] === "--floor") {
    floorChild(JSON.parse(process.argv[3])).catch((e) => {
        console.error(e);
        process.exit(1);
    });
} else {
    main().catch((e) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
