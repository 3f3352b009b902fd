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
export function alarmTopic(ctx: AwsContext, parent: pulumi.Resource): sns.Topic {
    const topic = new sns.Topic("alarms", { name: ctx.naming.name("alarms", 256) }, ctx.opts(parent, movedFromNetwork()));
    if (ctx.settings.alerts.email) {
        new sns.TopicSubscription("alarms-email", { topic: topic.arn, protocol: "email", endpoint: ctx.settings.alerts.email }, ctx.opts(parent, movedFromNetwork()));
    }
    return topic;
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
