import * as pulumi from "@pulumi/pulumi";
import * as acm from "@pulumi/aws/acm";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as elb from "@pulumi/aws/elb";
import * as lb from "@pulumi/aws/lb";
import * as route53 from "@pulumi/aws/route53";
import * as s3 from "@pulumi/aws/s3";
import * as wafv2 from "@pulumi/aws/wafv2";
import { ChildOptions, DnsRecord, LoadBalancerArgs, LoadBalancerOutputs } from "../../components/backend";
import { alarm } from "./alerts";
import { AwsContext } from "./context";
import { LEGACY_ELB_LOG_REGIONS } from "./sizes";
import { orderRoutes, wildcardPatterns } from "../../components/routes";
import { albHeaderAttributes, albIdleTimeout, wafRules } from "./edge";

/** Request headers WAF logging replaces with REDACTED: credentials and session cookies. */
export const WAF_REDACTED_HEADERS = ["authorization", "cookie", "proxy-authorization", "x-api-key"];

export function createLoadBalancer(ctx: AwsContext, name: string, args: LoadBalancerArgs, opts: ChildOptions): LoadBalancerOutputs {
    const parent = opts.parent;
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    const net = ctx.requireNetwork();
    const https = args.domain !== undefined;

    const logsBucket = accessLogBucket(ctx, name, parent);
    const alb = new lb.LoadBalancer(
        `${name}-alb`,
        {
            name: ctx.naming.loadBalancer("alb"),
            loadBalancerType: "application",
            internal: false,
            securityGroups: [net.albSecurityGroup.id],
            subnets: net.publicSubnetIds,
            dropInvalidHeaderFields: true,
            enableDeletionProtection: ctx.settings.protect,
            enableHttp2: true,
            // WebSockets ride on the ALB natively; the idle timeout bounds quiet connections. One
            // value for the ALB: the longest any route asks for (providers/aws/edge.ts reports it).
            idleTimeout: albIdleTimeout(ctx.settings),
            accessLogs: { bucket: logsBucket.bucket, prefix: "alb", enabled: true },
        },
        o({ dependsOn: [logsBucket.policy] }),
    );

    const targetGroups: Record<string, lb.TargetGroup> = {};
    for (const service of args.services) {
        targetGroups[service.name] = new lb.TargetGroup(
            `${name}-${service.name}`,
            {
                // The port is part of the name: changing it replaces the group without a name clash.
                name: ctx.naming.loadBalancer(`${service.name}-${service.port}`),
                port: service.port,
                protocol: "HTTP",
                targetType: "ip",
                vpcId: net.vpc.id,
                deregistrationDelay: 30,
                healthCheck: { enabled: true, path: service.healthPath, matcher: "200-399", interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
            },
            // An explicit name makes the bridge delete before replacing, which fails while the
            // listener rules still forward to the group; the new name lets the new group come first.
            o({ deleteBeforeReplace: false }),
        );
    }

    const hosts = https ? [...new Set([args.domain!, ...args.routes.flatMap((r) => (r.host ? [r.host] : []))])] : [];
    let certificateArn: pulumi.Output<string> | undefined;
    const dnsRecords: pulumi.Output<DnsRecord[]>[] = [];
    const zone = https && args.dnsZone ? route53.getZoneOutput({ name: args.dnsZone, privateZone: false }, ctx.invokeOpts(parent)) : undefined;
    if (https) {
        const cert = new acm.Certificate(
            `${name}-cert`,
            { domainName: args.domain!, subjectAlternativeNames: hosts.slice(1), validationMethod: "DNS", keyAlgorithm: "EC_prime256v1" },
            o({ deleteBeforeReplace: false }),
        );
        const validation = (host: string) => cert.domainValidationOptions.apply((options) => {
            const found = options.find((v) => v.domainName === host);
            if (!found) {
                throw new Error(`ACM returned no validation record for ${host}`);
            }
            return found;
        });
        if (zone) {
            const fqdns = hosts.map((host, i) => {
                const v = validation(host);
                return new route53.Record(
                    `${name}-cert-validation-${i}`,
                    { zoneId: zone.zoneId, name: v.resourceRecordName, type: v.resourceRecordType, records: [v.resourceRecordValue], ttl: 60, allowOverwrite: true },
                    o(),
                ).fqdn;
            });
            certificateArn = new acm.CertificateValidation(`${name}-cert`, { certificateArn: cert.arn, validationRecordFqdns: fqdns }, o()).certificateArn;
            hosts.forEach((host, i) => {
                new route53.Record(`${name}-alias-${i}`, { zoneId: zone.zoneId, name: host, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] }, o());
            });
        } else {
            const records = pulumi.all(hosts.map(validation)).apply((vs) =>
                vs.map((v): DnsRecord => ({ name: v.resourceRecordName, type: v.resourceRecordType, value: v.resourceRecordValue, purpose: `ACM validation for ${v.domainName}` })),
            );
            // The first `up` waits here until the records exist; print them as soon as ACM issues them.
            records.apply((rs) => pulumi.log.info(`Create these DNS records to validate the certificate:\n${rs.map((r) => `  ${r.name} ${r.type} ${r.value}`).join("\n")}`, parent));
            dnsRecords.push(records);
            dnsRecords.push(alb.dnsName.apply((dns) => hosts.map((host): DnsRecord => ({ name: host, type: "CNAME", value: dns, purpose: `route ${host} to the load balancer (ALIAS/ANAME at a zone apex)` }))));
            certificateArn = new acm.CertificateValidation(`${name}-cert`, { certificateArn: cert.arn }, o({ customTimeouts: { create: "2h" } })).certificateArn;
        }
    }

    // The response headers the ALB can set, as listener attributes (the rest are refused or
    // reported by providers/aws/edge.ts); HSTS on the HTTPS listener only.
    const headers = albHeaderAttributes(args.headers, false);
    const defaultRoute = args.routes.find((r) => r.path === "/" && !r.host);
    const defaultActions: lb.ListenerArgs["defaultActions"] = defaultRoute
        ? [{ type: "forward", targetGroupArn: targetGroups[defaultRoute.service].arn }]
        : [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" } }];
    const listenerResources: pulumi.Resource[] = [];
    let main: lb.Listener;
    if (https) {
        listenerResources.push(
            new lb.Listener(
                `${name}-http`,
                { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }] },
                o(),
            ),
        );
        main = new lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                certificateArn,
                // TLS 1.3 + 1.2 only; the typings default (2016-08) still allows TLS 1.0.
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                defaultActions,
                ...albHeaderAttributes(args.headers, true),
            },
            o(),
        );
    } else {
        main = new lb.Listener(`${name}-http`, { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions, ...headers }, o());
    }
    listenerResources.push(main);

    orderRoutes(args.routes).forEach((route, i) => {
        if (route === defaultRoute) {
            return;
        }
        const conditions: lb.ListenerRuleArgs["conditions"] = [];
        if (route.host) {
            conditions.push({ hostHeader: { values: [route.host] } });
        }
        const paths = wildcardPatterns(route.path);
        if (paths) {
            conditions.push({ pathPattern: { values: paths } });
        }
        listenerResources.push(
            new lb.ListenerRule(
                `${name}-route-${i}`,
                { listenerArn: main.arn, priority: (i + 1) * 10, actions: [{ type: "forward", targetGroupArn: targetGroups[route.service].arn }], conditions },
                o(),
            ),
        );
    });

    webAcl(ctx, name, args, alb, parent);

    const alerts = ctx.settings.alerts;
    const lbMetric = (metricName: string) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: alb.arnSuffix }, period: 60, stat: "Sum" });
    // RequestCount counts only requests for which the ALB could choose a target (CloudWatch
    // metrics for ALB, docs): with no healthy target its own 503s are not in it. So the ALB's
    // own 5xx join the denominator, and FILL turns "no datapoint" (ALB publishes only non-zero
    // sums) into 0 so a minute of ALB-only 503s still has a rate (100 %).
    alarm(
        ctx,
        `${name}-5xx-rate`,
        {
            alarmDescription: `5xx responses > ${alerts.errorRatePercent}% of requests (including the load balancer's own 5xx when no target can answer)`,
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 3,
            threshold: alerts.errorRatePercent,
            metricQueries: [
                { id: "total", expression: "FILL(requests, 0) + FILL(elb5xx, 0)", label: "requests incl. rejected", returnData: false },
                { id: "rate", expression: "IF(total > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / total, 0)", label: "5xx %", returnData: true },
                { id: "requests", metric: lbMetric("RequestCount") },
                { id: "target5xx", metric: lbMetric("HTTPCode_Target_5XX_Count") },
                { id: "elb5xx", metric: lbMetric("HTTPCode_ELB_5XX_Count") },
            ],
        },
        parent,
    );
    // An outage with no traffic is still an outage: every public service keeps >= 1 task
    // (container-service.ts), so a target group with no healthy target is one. Missing data
    // breaches: a group whose targets all deregistered may stop reporting.
    for (const service of args.services) {
        alarm(
            ctx,
            `${name}-${service.name}-no-healthy-targets`,
            {
                namespace: "AWS/ApplicationELB",
                metricName: "HealthyHostCount",
                dimensions: { LoadBalancer: alb.arnSuffix, TargetGroup: targetGroups[service.name].arnSuffix },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 2,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "breaching",
                alarmDescription: `${service.name}: no healthy target behind the load balancer (crash loop, failing health check or bad image)`,
            },
            parent,
        );
    }
    for (const service of args.services) {
        alarm(
            ctx,
            `${name}-${service.name}-latency`,
            { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: alb.arnSuffix, TargetGroup: targetGroups[service.name].arnSuffix }, extendedStatistic: "p95", period: 60, evaluationPeriods: 5, threshold: alerts.latencyMs / 1000, comparisonOperator: "GreaterThanThreshold", alarmDescription: `${service.name} p95 response time > ${alerts.latencyMs} ms` },
            parent,
        );
    }

    ctx.loadBalancer = { alb, targetGroups, listenerResources };
    return {
        url: https ? pulumi.output(`https://${args.domain}`) : pulumi.interpolate`http://${alb.dnsName}`,
        address: alb.dnsName,
        https,
        dnsRecords: pulumi.all(dnsRecords).apply((lists) => lists.flat()),
    };
}

/**
 * The bucket ALB writes access logs to: SSE-S3 is the only encryption ELB log delivery supports.
 * Protected like every bucket when the stack protects its data: the logs are the audit trail.
 */
function accessLogBucket(ctx: AwsContext, name: string, parent: pulumi.Resource): { bucket: pulumi.Output<string>; policy: s3.BucketPolicy } {
    const o = (extra: pulumi.CustomResourceOptions = {}) => ctx.opts(parent, extra);
    const id = `${name}-access-logs`;
    // The name is fixed at creation: a different caller-identity answer must not replace the logs.
    const bucket = new s3.Bucket(
        id,
        { bucket: ctx.accountId.apply((account) => ctx.naming.bucket("alb-logs", account, ctx.region)), forceDestroy: !ctx.settings.protect },
        ctx.dataOpts(parent, { ignoreChanges: ["bucket"] }),
    );
    const block = new s3.BucketPublicAccessBlock(id, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o());
    new s3.BucketOwnershipControls(id, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, o());
    new s3.BucketServerSideEncryptionConfiguration(id, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, o());
    new s3.BucketLifecycleConfiguration(
        id,
        { bucket: bucket.id, rules: [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: ctx.settings.logs.retentionDays } }, { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] },
        o(),
    );
    const principal = LEGACY_ELB_LOG_REGIONS.has(ctx.region)
        ? { AWS: elb.getServiceAccountOutput({}, ctx.invokeOpts(parent)).arn }
        : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
    const policy = new s3.BucketPolicy(
        id,
        {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AlbLogDelivery", Effect: "Allow", Principal: principal, Action: "s3:PutObject", Resource: pulumi.interpolate`${bucket.arn}/alb/AWSLogs/${ctx.accountId}/*` },
                    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ],
            }),
        },
        o({ dependsOn: [block] }),
    );
    return { bucket: bucket.bucket, policy };
}

/** Per-route rate limits (429), AWS managed rule groups, association and logging. */
function webAcl(ctx: AwsContext, name: string, args: LoadBalancerArgs, alb: lb.LoadBalancer, parent: pulumi.Resource) {
    const o = () => ctx.opts(parent);
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: ctx.naming.metric(metric) });
    // The rules, and the capacity the config check counted (providers/aws/edge.ts).
    const rules = wafRules(args, visibility);
    const acl = new wafv2.WebAcl(
        `${name}-waf`,
        {
            name: ctx.naming.name("waf", 128),
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            customResponseBodies: [
                { key: "rate-limited", content: "Too many requests", contentType: "TEXT_PLAIN" },
                { key: "too-large", content: "Request body too large", contentType: "TEXT_PLAIN" },
            ],
            rules,
            visibilityConfig: visibility("waf"),
        },
        o(),
    );
    new wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: alb.arn, webAclArn: acl.arn }, o());
    const logs = new cloudwatch.LogGroup(`${name}-waf-logs`, { name: `aws-waf-logs-${ctx.naming.name("waf", 400)}`, retentionInDays: ctx.settings.logs.retentionDays }, o());
    // WAF logs every request's headers: credentials and session cookies must not land in
    // CloudWatch. Header names are matched case-insensitively (WAF RedactedFields, SingleHeader).
    new wafv2.WebAclLoggingConfiguration(
        `${name}-waf`,
        { resourceArn: acl.arn, logDestinationConfigs: [logs.arn], redactedFields: WAF_REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })) },
        o(),
    );
}
