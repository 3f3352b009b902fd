import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { AzureContext } from "./context";
import { RULES } from "./naming";

/** One static-threshold alert on a metric of one resource. */
export interface MetricRule {
    /** Short suffix of the alert name. */
    key: string;
    metricName: string;
    operator: "GreaterThan" | "LessThan";
    threshold: pulumi.Input<number>;
    aggregation: "Average" | "Maximum" | "Total";
    description: pulumi.Input<string>;
    dimensions?: { name: string; operator: "Include"; values: string[] }[];
}

/** The stack's action group: email when settings.alerts.email is set. */
export function createActionGroup(ctx: AzureContext, name: string, parent: pulumi.Resource, extra: pulumi.CustomResourceOptions = {}): pulumi.Output<string> {
    const email = ctx.settings.alerts.email;
    const group = new monitor.ActionGroup(
        `${name}-alerts`,
        {
            actionGroupName: ctx.naming.local("alerts"),
            resourceGroupName: ctx.rgName,
            location: "global",
            groupShortName: ctx.naming.local("ag", RULES.shortName),
            enabled: true,
            emailReceivers: email ? [{ name: "ops", emailAddress: email, useCommonAlertSchema: true }] : [],
            tags: ctx.tags,
        },
        ctx.opts(parent, extra),
    );
    return group.id;
}

/** Metric alerts at the configured thresholds, evaluated every minute over 5 minutes. */
export function metricAlerts(ctx: AzureContext, name: string, scope: pulumi.Input<string>, rules: MetricRule[], parent: pulumi.Resource): monitor.MetricAlert[] {
    const platform = ctx.requirePlatform();
    return rules.map(
        (rule) =>
            new monitor.MetricAlert(
                `${name}-${rule.key}`,
                {
                    ruleName: ctx.naming.local(`${name}-${rule.key}`, { ...RULES.generic, max: 128 }),
                    resourceGroupName: ctx.rgName,
                    location: "global",
                    description: rule.description,
                    severity: 2,
                    enabled: true,
                    scopes: [scope],
                    evaluationFrequency: "PT1M",
                    windowSize: "PT5M",
                    autoMitigate: true,
                    criteria: {
                        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                        allOf: [
                            {
                                criterionType: "StaticThresholdCriterion",
                                name: rule.key,
                                metricName: rule.metricName,
                                operator: rule.operator,
                                threshold: rule.threshold,
                                timeAggregation: rule.aggregation,
                                dimensions: rule.dimensions,
                            },
                        ],
                    },
                    actions: [{ actionGroupId: platform.actionGroupId }],
                    tags: ctx.tags,
                },
                ctx.opts(parent),
            ),
    );
}

/** Sends a resource's logs and metrics to the stack's Log Analytics workspace. */
export function diagnostics(ctx: AzureContext, name: string, resourceUri: pulumi.Input<string>, workspaceId: pulumi.Input<string>, parent: pulumi.Resource, withLogs = true, extra: pulumi.CustomResourceOptions = {}): monitor.DiagnosticSetting {
    return new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
            name: "to-log-analytics",
            resourceUri,
            workspaceId,
            logAnalyticsDestinationType: "Dedicated",
            logs: withLogs ? [{ categoryGroup: "allLogs", enabled: true }] : [],
            metrics: [{ category: "AllMetrics", enabled: true }],
        },
        ctx.opts(parent, extra),
    );
}
