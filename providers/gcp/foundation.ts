import { ChildOptions, FoundationArgs, FoundationOutputs } from "../../components/backend";
import { createAlertChannels } from "./alerts";
import { GcpContext } from "./context";
import { createLogBucket } from "./logs";

/**
 * The stack-level step on GCP: the project's APIs (everything else, invokes included, waits for
 * the ones it needs), the alert channels and the stack's own log bucket (logs.ts; the project's
 * `_Default` bucket is left alone).
 */
export function createFoundation(ctx: GcpContext, name: string, _args: FoundationArgs, opts: ChildOptions): FoundationOutputs {
    const parent = opts.parent;
    ctx.enableApis(parent);
    createAlertChannels(ctx, parent);
    // Central logs: a bucket of the stack's own keeps them for the configured days. Stacks that
    // managed `_Default` before drop that resource: the provider only forgets it (its delete of
    // `_Default` is a no-op), so the project keeps the retention it had.
    createLogBucket(ctx, name, parent);
    return { prerequisites: [...ctx.apis.keys()].map((api) => `${api}.googleapis.com`) };
}
