import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import { movedFromNetwork } from "../../components/foundation";
import { AwsContext } from "./context";

/**
 * The stack's alarm topic (+ e-mail subscription when alerts.email is set). Encrypted with SNS's
 * own default (no CMK): a CMK would need a key-policy grant for CloudWatch or alarms are silently
 * dropped, and `alias/aws/sns` cannot carry that grant.
 */
export function alarmTopic(ctx: AwsContext, parent: pulumi.Resource): { topic: sns.Topic; policy?: sns.TopicPolicy } {
    const topic = new sns.Topic("alarms", { name: ctx.naming.name("alarms", 256) }, ctx.opts(parent, movedFromNetwork()));
    if (ctx.settings.alerts.email) {
        new sns.TopicSubscription("alarms-email", { topic: topic.arn, protocol: "email", endpoint: ctx.settings.alerts.email }, ctx.opts(parent, movedFromNetwork()));
    }
    if (!ctx.settings.jobs.some((j) => j.trigger.kind === "schedule")) {
        return { topic };
    }
    // Failed scheduled jobs arrive through EventBridge rules (job.ts), which may publish only when
    // the topic policy allows events.amazonaws.com (SNS docs, "Amazon EventBridge permissions").
    // The first statement is the default policy's, which CloudWatch alarms of this account use.
    const policy = new sns.TopicPolicy(
        "alarms-policy",
        {
            arn: topic.arn,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "account", Effect: "Allow", Principal: { AWS: "*" }, Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"], Resource: topic.arn, Condition: { StringEquals: { "AWS:SourceOwner": ctx.accountId } } },
                    { Sid: "job-failures", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topic.arn, Condition: { ArnLike: { "aws:SourceArn": ctx.arn("events", `rule/${ctx.naming.base}-*`) } } },
                ],
            }),
        },
        ctx.opts(parent),
    );
    return { topic, policy };
}

export type AlarmSpec = Omit<cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "name" | "alarmName">;

/** A CloudWatch alarm that notifies the stack topic on alarm and on recovery. */
export function alarm(ctx: AwsContext, name: string, spec: AlarmSpec, parent: pulumi.Resource, dependsOn: pulumi.Resource[] = []): cloudwatch.MetricAlarm {
    const topic = ctx.requireFoundation().alarmTopic;
    return new cloudwatch.MetricAlarm(
        name,
        {
            name: ctx.naming.name(name, 255),
            treatMissingData: "notBreaching",
            ...spec,
            alarmActions: [topic.arn],
            okActions: [topic.arn],
        },
        ctx.opts(parent, { dependsOn }),
    );
}
