import * as fs from "fs";
import * as path from "path";
import type { ConfigMap, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { ConfigError } from "../errors";
import { Settings } from "../settings";
import { edgeReport } from "../../components/edge";
import { EDGE_MODELS } from "../../providers/edge";
import { DriverArgs, parseArgs, PROGRAM_COMMANDS, USAGE, UsageError } from "./args";
import { BackendSetupError, backendSetup } from "./backend-env";
import { ChangeCollector, hasChanges } from "./changes";
import { ExitCode } from "./exit-codes";
import { healthTargets, waitUntilHealthy } from "./health-check";
import { RunOutcome } from "./outcome";
import { RedactingLineWriter, Redactor, SECRET_MARK, TextSink } from "./redact";
import { planStackConfig, StackConfigError, StackConfigPlan, validateStackConfig } from "./stack-config";
import { renderMarkdown } from "./summary-markdown";
import { renderText } from "./summary-text";
import { cliOutput, CliMissingError, findPulumiCli, isStackLocked, isStackNotFound, openStack } from "./workspace";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Outcomes after which the engine's report is worth reading. */
const SUMMARIZED: ReadonlySet<ExitCode> = new Set([ExitCode.Success, ExitCode.ChangesFound, ExitCode.Failure, ExitCode.HealthCheckFailed]);

export interface DriverIO {
    env?: NodeJS.ProcessEnv;
    stdout?: TextSink;
    stderr?: TextSink;
    /** The Pulumi project (Pulumi.yaml and the stack files); default: this repository. */
    root?: string;
}

/** Everything one run shares: where to print, what to hide, what happened so far. */
interface RunContext {
    args: DriverArgs;
    env: NodeJS.ProcessEnv;
    root: string;
    out: TextSink;
    err: TextSink;
    redactor: Redactor;
    outcome: RunOutcome;
    collector: ChangeCollector;
    /** The CLI's streamed output goes through these, a line at a time, secrets replaced. */
    cliStdout: RedactingLineWriter;
    cliStderr: RedactingLineWriter;
}

/**
 * `npm run deploy -- <command> --stack <name> ...`: drives the Pulumi CLI through the Automation
 * API and returns the exit code (see exit-codes.ts). It never exits the process itself, so tests
 * run it in-process.
 */
export async function main(argv: string[], io: DriverIO = {}): Promise<ExitCode> {
    const env = io.env ?? process.env;
    const out = io.stdout ?? process.stdout;
    const err = io.stderr ?? process.stderr;
    let args: DriverArgs | undefined;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            err.write(`${e.message}\n(npm run deploy -- --help lists the commands and flags)\n`);
            return ExitCode.ConfigError;
        }
        throw e;
    }
    if (args === undefined) {
        out.write(`${USAGE}\n`);
        return ExitCode.Success;
    }

    const redactor = new Redactor();
    const ctx: RunContext = {
        args,
        env,
        root: io.root ?? REPO_ROOT,
        out,
        err,
        redactor,
        outcome: { command: args.command, stack: args.stack, exitCode: ExitCode.Failure },
        collector: new ChangeCollector(),
        cliStdout: new RedactingLineWriter(redactor, out),
        cliStderr: new RedactingLineWriter(redactor, err),
    };
    // Known before anything runs, so even a failure message cannot print them.
    args.secrets.forEach((a) => redactor.add(a.slice(a.indexOf("=") + 1)));

    let engineRan = false;
    try {
        ctx.outcome.exitCode = await run(ctx, () => (engineRan = true));
    } catch (e) {
        ctx.cliStdout.flush();
        ctx.cliStderr.flush();
        const failure = classify(e, args, engineRan);
        ctx.outcome.exitCode = failure.code;
        ctx.outcome.problem = redactor.scrub(failure.detail ?? failure.message);
        err.write(`${redactor.scrub(failure.message)}\n`);
    } finally {
        ctx.cliStdout.flush();
        ctx.cliStderr.flush();
    }
    // A lock or a config error stops the engine before it starts: its message says it all.
    if (engineRan && SUMMARIZED.has(ctx.outcome.exitCode)) {
        ctx.outcome.report = ctx.outcome.report ?? ctx.collector.report();
        out.write(redactor.scrub(renderText(ctx.outcome)));
    }
    if (args.summaryFile && args.command !== "outputs") {
        // Appended, so one file (or $GITHUB_STEP_SUMMARY) can collect the sections of several runs.
        fs.mkdirSync(path.dirname(path.resolve(args.summaryFile)), { recursive: true });
        fs.appendFileSync(args.summaryFile, redactor.scrub(renderMarkdown(ctx.outcome)));
    }
    return ctx.outcome.exitCode;
}

async function run(ctx: RunContext, engineStarts: () => void): Promise<ExitCode> {
    const { args, root, env, out } = ctx;
    let plan: StackConfigPlan | undefined;
    let settings: Settings | undefined;
    if (PROGRAM_COMMANDS.has(args.command)) {
        plan = planStackConfig(root, args);
        if (plan.effective) {
            settings = await validateStackConfig(root, args.stack, plan.effective);
            ctx.outcome.cloud = settings.cloud;
            // What the target's edge approximates (its refusals stopped validateStackConfig).
            ctx.outcome.edge = edgeReport(settings, EDGE_MODELS)
                .filter((r) => r.target === settings!.cloud && r.fidelity !== "exact")
                .map(({ at, asked, enforced }) => ({ at, asked, enforced }));
        } else {
            out.write(`note: the stack file holds encrypted values, so the config is checked by the program during the run\n`);
        }
    }
    const cli = await findPulumiCli(env);
    const backend = backendSetup(root, args.stack, env, args.secretsProvider);
    // `outputs` keeps stdout for the outputs alone (`--json` is read by scripts).
    (args.command === "outputs" ? ctx.err : out).write(`Stack ${args.stack} · state: ${backend.backendUrl ?? "the backend of `pulumi login`"} · Pulumi CLI ${cli.version ?? "(version unknown)"}\n`);

    let stack: Stack;
    try {
        stack = await openStack({ root, stack: args.stack, cli, envVars: backend.envVars, secretsProvider: args.secretsProvider, create: PROGRAM_COMMANDS.has(args.command) });
    } catch (e) {
        if (args.command === "destroy" && isStackNotFound(e)) {
            out.write(`Stack ${args.stack} does not exist; nothing to destroy.\n`);
            return ExitCode.Success;
        }
        throw e;
    }
    if (plan) {
        await setConfig(stack, plan);
    }

    const streams = {
        onOutput: (text: string) => ctx.cliStdout.write(text),
        onError: (text: string) => ctx.cliStderr.write(text),
        onEvent: ctx.collector.onEvent,
    };
    // The guardrails run in the engine itself, so a mandatory violation stops the preview or update.
    const policyPacks = args.policyPack ? [path.join(root, "policy")] : undefined;
    switch (args.command) {
        case "preview": {
            engineStarts();
            const result = await stack.preview({ ...streams, diff: args.diff, policyPacks });
            ctx.outcome.report = ctx.collector.report(result.changeSummary);
            return args.expectNoChanges && hasChanges(ctx.outcome.report.counts) ? ExitCode.ChangesFound : ExitCode.Success;
        }
        case "up": {
            engineStarts();
            const result = await stack.up({ ...streams, diff: args.diff, policyPacks });
            ctx.outcome.report = ctx.collector.report(result.summary?.resourceChanges);
            ctx.cliStdout.flush();
            printOutputs(ctx, result.outputs);
            return args.healthCheck ? checkHealth(ctx, settings, result.outputs) : ExitCode.Success;
        }
        case "destroy": {
            engineStarts();
            const result = await stack.destroy({ ...streams, remove: args.removeStack });
            ctx.outcome.report = ctx.collector.report(result.summary?.resourceChanges);
            if (args.removeStack) {
                out.write(`Removed stack ${args.stack} and its config.\n`);
            }
            return ExitCode.Success;
        }
        case "refresh": {
            // A refresh preview: it reads every resource from the cloud and changes nothing, not even the state.
            engineStarts();
            const result = await stack.previewRefresh(streams);
            ctx.outcome.report = ctx.collector.report(result.changeSummary);
            return hasChanges(ctx.outcome.report.counts) ? ExitCode.ChangesFound : ExitCode.Success;
        }
        case "outputs":
            printOutputs(ctx, await stack.outputs());
            return ExitCode.Success;
    }
}

/** Plain keys first (whole top-level values), then the secrets by path, so a secret inside an object survives. */
async function setConfig(stack: Stack, plan: StackConfigPlan): Promise<void> {
    const plain: ConfigMap = Object.fromEntries(Object.entries(plan.plain).map(([k, value]) => [k, { value, secret: false }]));
    const secret: ConfigMap = Object.fromEntries(Object.entries(plan.secret).map(([k, value]) => [k, { value, secret: true }]));
    if (Object.keys(plain).length > 0) {
        await stack.setAllConfig(plain);
    }
    if (Object.keys(secret).length > 0) {
        await stack.setAllConfig(secret, true);
    }
}

function printOutputs(ctx: RunContext, outputs: OutputMap): void {
    const shown: Record<string, unknown> = {};
    for (const [key, output] of Object.entries(outputs)) {
        if (output.secret) {
            ctx.redactor.add(output.value);
        }
        shown[key] = output.secret ? SECRET_MARK : output.value;
    }
    if (ctx.args.json) {
        ctx.out.write(`${ctx.redactor.scrub(JSON.stringify(shown, null, 2))}\n`);
        return;
    }
    const lines = Object.entries(shown).map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    ctx.out.write(ctx.redactor.scrub(`Outputs:\n${lines.length > 0 ? lines.join("\n") : "  (none)"}\n`));
}

async function checkHealth(ctx: RunContext, settings: Settings | undefined, outputs: OutputMap): Promise<ExitCode> {
    const url = outputs.url?.value;
    if (settings === undefined || typeof url !== "string" || url === "") {
        const why = settings === undefined ? "the stack config could not be read before the run" : "the stack has no public URL";
        ctx.outcome.health = { ok: true, checks: [], skipped: [`all: ${why}`] };
        return ExitCode.Success;
    }
    const plan = healthTargets(settings, url);
    const seconds = ctx.args.healthTimeoutSeconds;
    ctx.out.write(`Health check: waiting up to ${seconds} s for a 2xx/3xx answer from ${plan.targets.map((t) => t.url).join(", ") || "(nothing to probe)"}\n`);
    const checks = await waitUntilHealthy(plan.targets, { timeoutMs: seconds * 1000, log: (line) => ctx.out.write(`${line}\n`) });
    ctx.outcome.health = { ok: checks.every((c) => c.ok), checks, skipped: plan.skipped };
    return ctx.outcome.health.ok ? ExitCode.Success : ExitCode.HealthCheckFailed;
}

/**
 * Turns what stopped a run into its exit code and one message a user can act on (`detail`:
 * the longer text for the summaries, when the message points at output already streamed).
 */
function classify(e: unknown, args: DriverArgs, streamed: boolean): { code: ExitCode; message: string; detail?: string } {
    if (ConfigError.isInstance(e) || e instanceof StackConfigError || e instanceof BackendSetupError) {
        return { code: ExitCode.ConfigError, message: (e as Error).message };
    }
    if (e instanceof CliMissingError) {
        return { code: ExitCode.CliMissing, message: e.message };
    }
    if (isStackLocked(e)) {
        return {
            code: ExitCode.StackLocked,
            message:
                `Stack ${args.stack} is locked: another update is in progress, so nothing was run. Wait for it and run again. ` +
                `If no update is running (a killed job left the lock), clear it with \`pulumi cancel --stack ${args.stack}\` on Pulumi Cloud, ` +
                `or delete the stack's lock file under .pulumi/locks/ on a self-managed backend.`,
        };
    }
    const output = cliOutput(e);
    if (output) {
        // The program validates itself too (a stack file the driver could not read); same code as plan.
        const invalid = invalidConfigMessage(`${output.stdout}\n${output.stderr}`);
        if (invalid) {
            return { code: ExitCode.ConfigError, message: invalid };
        }
        if (isStackNotFound(e)) {
            return { code: ExitCode.Failure, message: `Stack ${args.stack} does not exist (\`npm run deploy -- up --stack ${args.stack}\` creates it).` };
        }
        const tail = lastLines(output.stderr) || lastLines(output.stdout);
        const failed = `error: ${args.command} on stack ${args.stack} failed`;
        return streamed ? { code: ExitCode.Failure, message: `${failed} (the Pulumi CLI's output is above)`, detail: tail } : { code: ExitCode.Failure, message: `${failed}:\n${tail}` };
    }
    return { code: ExitCode.Failure, message: `error: ${args.command} on stack ${args.stack} failed: ${e instanceof Error ? e.message : String(e)}` };
}

function lastLines(text: string, count = 20): string {
    return text.trim().split("\n").slice(-count).join("\n");
}

function invalidConfigMessage(text: string): string | undefined {
    const start = text.indexOf("Invalid stack config (");
    if (start < 0) {
        return undefined;
    }
    const [first, ...rest] = text.slice(start).split("\n");
    const end = rest.findIndex((line) => !/^\s+- /.test(line));
    // The CLI indents the program's message under its resource; print it as the program wrote it.
    return [first, ...rest.slice(0, end < 0 ? rest.length : end).map((line) => `  ${line.trim()}`)].join("\n");
}
