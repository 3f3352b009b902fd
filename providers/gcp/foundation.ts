import * as logging from "@pulumi/gcp/logging";
import { ChildOptions, FoundationArgs, FoundationOutputs } from "../../components/backend";
import { movedFromNetwork } from "../../components/foundation";
import { createAlertChannels } from "./alerts";
import { GcpContext } from "./context";

/**
 * The stack-level step on GCP: the project's APIs (everything else, invokes included, waits for
 * the ones it needs), the alert channels and the log retention of the project's _Default bucket.
 */
export function createFoundation(ctx: GcpContext, name: string, _args: FoundationArgs, opts: ChildOptions): FoundationOutputs {
    const parent = opts.parent;
    ctx.enableApis(parent);
    createAlertChannels(ctx, parent);
    // Central logs: the project's _Default bucket keeps logs for the configured days.
    new logging.ProjectBucketConfig(
        `${name}-logs`,
        { project: ctx.project, location: "global", bucketId: "_Default", retentionDays: ctx.settings.logs.retentionDays },
        ctx.opts(parent, ["logging"], movedFromNetwork("network-logs")),
    );
    return { prerequisites: [...ctx.apis.keys()].map((api) => `${api}.googleapis.com`) };
}
