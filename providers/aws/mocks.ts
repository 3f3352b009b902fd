import { providerSetting } from "../../stacks/provider-keys";
import { CloudMocks, MockContext, zonesAnswered, sha256Hex } from "../../stacks/cloud-mocks";
import { AWS_REGIONS, ELB_LOG_ACCOUNTS, partitionOf } from "./sizes";

/** What AWS answers for the invokes this backend calls and the values it computes on create. */
const ACCOUNT = "123456789012";

function hash(text: string, length = 8): string {
    return sha256Hex(text).slice(0, length);
}

function regionOf(ctx: MockContext): string {
    return providerSetting(ctx.config, "aws", "region") ?? "us-east-1";
}

export const mocks: CloudMocks = {
    call(token, inputs, ctx) {
        const region = regionOf(ctx);
        switch (token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                // As many zones as the region offers a new account (AWS_REGIONS), lettered from a.
                const names = zonesAnswered("abcdef".slice(0, AWS_REGIONS[region]?.zones ?? 3).split("").map((s) => `${region}${s}`), ctx, inputs.state === "available");
                return { id: region, names, zoneIds: names.map((_, i) => `${region.slice(0, 3)}-az${i + 1}`), groupNames: [region], state: inputs.state };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                const account = ctx.facts?.otherAccount ? "210987654321" : ACCOUNT;
                return { id: account, accountId: account, arn: `arn:aws:iam::${account}:user/deployer`, userId: "AIDAEXAMPLE" };
            case "aws:index/getPartition:getPartition":
                return { id: partitionOf(region), partition: partitionOf(region), dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:index/getRegion:getRegion":
                return { id: region, region, name: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:elb/getServiceAccount:getServiceAccount": {
                // Newer regions have no ELB account: the provider fails there, as this answer does.
                const account = ELB_LOG_ACCOUNTS[region];
                return account ? { id: account, arn: `arn:${partitionOf(region)}:iam::${account}:root`, region } : undefined;
            }
            case "aws:route53/getZone:getZone":
                return { id: `Z${hash(String(inputs.name), 12).toUpperCase()}`, zoneId: `Z${hash(String(inputs.name), 12).toUpperCase()}`, name: String(inputs.name).replace(/\.$/, ""), privateZone: false, nameServers: ["ns-1.awsdns-01.org"] };
            case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
                return { id: region, userName: "AWS", password: "mock-ecr-token", authorizationToken: "QVdTOm1vY2s=", proxyEndpoint: `https://${inputs.registryId ?? ACCOUNT}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2030-01-01T00:00:00Z" };
            case "aws:rds/getInstances:getInstances": {
                // DescribeDBInstances with a db-instance-id filter: the instances of that name the
                // account holds (none on a fresh account), never an error.
                const wanted: string[] = (inputs.filters ?? []).filter((f: { name: string }) => f.name === "db-instance-id").flatMap((f: { values: string[] }) => f.values);
                const found = (ctx.deployed ?? []).filter((r) => r.type === "aws:rds/instance:Instance" && wanted.includes(r.outputs.identifier));
                return { id: region, region, filters: inputs.filters, instanceIdentifiers: found.map((r) => r.outputs.identifier), instanceArns: found.map((r) => r.outputs.arn), tags: {} };
            }
            case "aws:rds/getInstance:getInstance": {
                const found = (ctx.deployed ?? []).find((r) => r.type === "aws:rds/instance:Instance" && r.outputs.identifier === inputs.dbInstanceIdentifier);
                if (!found) {
                    // The data source fails for an identifier RDS does not know.
                    throw new Error(`reading RDS DB Instance (${inputs.dbInstanceIdentifier}): couldn't find resource`);
                }
                const o = found.outputs;
                return { id: o.identifier, dbInstanceIdentifier: o.identifier, dbInstanceArn: o.arn, engine: o.engine, engineVersion: o.engineVersionActual, masterUsername: o.username, address: o.address, port: o.port, multiAz: o.multiAz, allocatedStorage: o.allocatedStorage, dbInstanceClass: o.instanceClass };
            }
            case "aws:elasticache/getReplicationGroup:getReplicationGroup": {
                const found = (ctx.deployed ?? []).find((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup" && r.outputs.replicationGroupId === inputs.replicationGroupId);
                if (!found) {
                    // ReplicationGroupNotFoundFault, as the data source reports it (tfresource.SingularDataSourceFindError).
                    throw Object.assign(new Error("no matching ElastiCache Replication Group found"), { details: "no matching ElastiCache Replication Group found" });
                }
                const o = found.outputs;
                return { id: o.replicationGroupId, replicationGroupId: o.replicationGroupId, arn: o.arn, description: o.description, memberClusters: o.memberClusters, numCacheClusters: o.memberClusters.length, nodeType: o.nodeType, port: o.port, primaryEndpointAddress: o.primaryEndpointAddress, readerEndpointAddress: o.readerEndpointAddress, multiAzEnabled: o.multiAzEnabled, automaticFailoverEnabled: o.automaticFailoverEnabled, authTokenEnabled: true };
            }
            case "aws:elasticache/getCluster:getCluster": {
                // A member of a replication group: its engine and the exact version it runs.
                const found = (ctx.deployed ?? []).find((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup" && (r.outputs.memberClusters ?? []).includes(inputs.clusterId));
                if (!found) {
                    throw Object.assign(new Error("no matching ElastiCache Cluster found"), { details: "no matching ElastiCache Cluster found" });
                }
                const o = found.outputs;
                return { id: inputs.clusterId, clusterId: inputs.clusterId, replicationGroupId: o.replicationGroupId, engine: o.engine, engineVersion: o.engineVersionActual, nodeType: o.nodeType, port: o.port };
            }
            case "aws:opensearch/getDomain:getDomain": {
                const found = (ctx.deployed ?? []).find((r) => r.type === "aws:opensearch/domain:Domain" && r.outputs.domainName === inputs.domainName);
                if (!found) {
                    // The data source's only answer when DescribeDomain fails (domain_data_source.go).
                    throw Object.assign(new Error("your query returned no results"), { details: "your query returned no results" });
                }
                const o = found.outputs;
                return { id: o.arn, domainName: o.domainName, arn: o.arn, domainId: o.domainId, engineVersion: o.engineVersion, endpoint: o.endpoint, created: true, deleted: false, processing: false };
            }
            case "aws:iam/getRoles:getRoles":
                // A fresh account: no OpenSearch service-linked role yet.
                return { id: region, arns: [], names: [] };
            default:
                return undefined;
        }
    },

    state(type, name, inputs, ctx) {
        const region = regionOf(ctx);
        const id = `${name}-${hash(`${ctx.stack}/${type}/${name}`)}`;
        const [, module, resource] = type.split(/[:/]/);
        const generic = (service: string, path: string) => ({ arn: `arn:aws:${service}:${region}:${ACCOUNT}:${path}` });
        switch (type) {
            case "aws:rds/instance:Instance": {
                const identifier = inputs.identifier ?? id;
                const address = `${identifier}.c${hash(ACCOUNT, 10)}.${region}.rds.amazonaws.com`;
                // RDS picks the newest minor of the requested major (a replica follows its source).
                const engineVersionActual = inputs.engineVersion ? `${inputs.engineVersion}${String(inputs.engineVersion).includes(".") ? "" : ".4"}` : undefined;
                return { id: identifier, state: { identifier, address, endpoint: `${address}:5432`, port: 5432, resourceId: `db-${hash(identifier, 20).toUpperCase()}`, engineVersionActual, ...generic("rds", `db:${identifier}`) } };
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const rg = inputs.replicationGroupId;
                const members = Array.from({ length: Number(inputs.numCacheClusters ?? 1) }, (_, i) => `${rg}-${String(i + 1).padStart(3, "0")}`);
                // ElastiCache runs the newest patch of the requested major.minor.
                const engineVersionActual = inputs.engineVersion ? `${inputs.engineVersion}.${inputs.engine === "valkey" ? 1 : 6}` : undefined;
                return { id: rg, state: { engineVersionActual, primaryEndpointAddress: `master.${rg}.${hash(rg, 6)}.use1.cache.amazonaws.com`, readerEndpointAddress: `replica.${rg}.${hash(rg, 6)}.use1.cache.amazonaws.com`, memberClusters: members, ...generic("elasticache", `replicationgroup:${rg}`) } };
            }
            case "aws:opensearch/domain:Domain": {
                const domain = inputs.domainName;
                return { id: `${ACCOUNT}/${domain}`, state: { endpoint: `vpc-${domain}-${hash(domain, 26)}.${region}.es.amazonaws.com`, dashboardEndpoint: `vpc-${domain}-${hash(domain, 26)}.${region}.es.amazonaws.com/_dashboards`, domainId: `${ACCOUNT}/${domain}`, ...generic("es", `domain/${domain}`) } };
            }
            case "aws:lb/loadBalancer:LoadBalancer": {
                const lbName = inputs.name ?? id;
                const suffix = `app/${lbName}/${hash(lbName, 16)}`;
                return { id: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/${suffix}`, state: { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/${suffix}`, arnSuffix: suffix, dnsName: `${lbName}-${hash(lbName, 9)}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" } };
            }
            case "aws:lb/targetGroup:TargetGroup": {
                const suffix = `targetgroup/${inputs.name ?? id}/${hash(String(inputs.name ?? id), 16)}`;
                return { id: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:${suffix}`, state: { arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:${suffix}`, arnSuffix: suffix } };
            }
            case "aws:acm/certificate:Certificate": {
                const names: string[] = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])];
                const arn = `arn:aws:acm:${region}:${ACCOUNT}:certificate/${hash(names.join(","), 32)}`;
                return {
                    id: arn,
                    state: {
                        arn,
                        status: "PENDING_VALIDATION",
                        domainValidationOptions: names.map((domainName) => ({ domainName, resourceRecordName: `_${hash(domainName, 32)}.${domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hash(`v${domainName}`, 32)}.acm-validations.aws.` })),
                    },
                };
            }
            case "aws:acm/certificateValidation:CertificateValidation":
                return { id: String(inputs.certificateArn), state: { certificateArn: inputs.certificateArn } };
            case "aws:route53/record:Record":
                return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, state: { fqdn: String(inputs.name).replace(/\.$/, "") } };
            case "aws:ecr/repository:Repository":
                return { id: inputs.name, state: { repositoryUrl: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${inputs.name}`, registryId: ACCOUNT, ...generic("ecr", `repository/${inputs.name}`) } };
            case "aws:s3/bucket:Bucket": {
                const bucket = inputs.bucket ?? id;
                return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region } };
            }
            case "aws:ecs/cluster:Cluster":
                return { id: generic("ecs", `cluster/${inputs.name}`).arn, state: { name: inputs.name, ...generic("ecs", `cluster/${inputs.name}`) } };
            case "aws:ecs/service:Service":
                return { id: generic("ecs", `service/${inputs.name}`).arn, state: { name: inputs.name } };
            case "aws:ecs/taskDefinition:TaskDefinition":
                return { id: inputs.family, state: { revision: 1, arn: generic("ecs", `task-definition/${inputs.family}:1`).arn, arnWithoutRevision: generic("ecs", `task-definition/${inputs.family}`).arn } };
            case "aws:secretsmanager/secret:Secret": {
                const secretName = `${inputs.namePrefix ?? ""}${hash(name, 12)}`;
                const arn = generic("secretsmanager", `secret:${secretName}-${hash(secretName, 6)}`).arn;
                return { id: arn, state: { arn, name: secretName } };
            }
            case "aws:secretsmanager/secretVersion:SecretVersion": {
                // PutSecretValue answers with a fresh UUID version id (one per value the provider puts);
                // the resource id is `<arn>|<version id>`.
                // (The value arrives as the engine's secret wrapper: its JSON carries the value.)
                const h = hash(`${ctx.stack}/${name}/version/${JSON.stringify(inputs.secretString ?? inputs.secretBinary ?? null)}`, 32);
                const versionId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
                return { id: `${inputs.secretId}|${versionId}`, state: { versionId, arn: inputs.secretId, versionStages: ["AWSCURRENT"] } };
            }
            case "aws:cloudwatch/logGroup:LogGroup":
                return { id: inputs.name, state: generic("logs", `log-group:${inputs.name}`) };
            case "aws:iam/role:Role": {
                const roleName = inputs.name ?? `${name}-${hash(name, 7)}`;
                return { id: roleName, state: { name: roleName, arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, uniqueId: `AROA${hash(roleName, 16).toUpperCase()}` } };
            }
            case "aws:lambda/function:Function":
                return { id: inputs.name, state: { ...generic("lambda", `function:${inputs.name}`), invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${generic("lambda", `function:${inputs.name}`).arn}/invocations`, version: "$LATEST" } };
            case "aws:lambda/invocation:Invocation":
                return { id, state: { result: JSON.stringify({ created: [], databases: [] }) } };
            case "aws:wafv2/webAcl:WebAcl":
                return { id: hash(String(inputs.name), 36), state: generic("wafv2", `regional/webacl/${inputs.name}/${hash(String(inputs.name), 36)}`) };
            case "aws:sns/topic:Topic":
                return { id: generic("sns", String(inputs.name)).arn, state: generic("sns", String(inputs.name)) };
            case "aws:appautoscaling/target:Target":
                return { id: String(inputs.resourceId), state: {} };
            default:
                // Everything else: an id and an ARN in the resource's service, as AWS would return.
                return { id, state: { arn: `arn:aws:${module}:${region}:${ACCOUNT}:${resource.toLowerCase()}/${inputs.name ?? id}`, name: inputs.name ?? id } };
        }
    },
};
