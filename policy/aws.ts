import { parseDocument, wildcardGrants } from "./access-documents";
import { Finding, ResourceCheck, ResourceView, StackView, TargetChecks } from "./model";
import { declaredPublic, hasCredentialUrl, isSecretName } from "./secret-values";
import { isSingleton } from "./singleton";
import { AdminsOf, ecsEnv, leastPrivilegeData, SEARCH_ADMIN, rdsMasterUser } from "./least-privilege";

/**
 * The AWS target. Checks read the inputs the program (or an `anycloud:overrides` entry) sets;
 * where an input is absent the check applies the provider's or AWS's default and says in a
 * comment whether that default is compliant. Stack guardrails read the engine's state.
 */

/** The type tokens checked here (the tests select resources by them, so a wrong token fails there). */
export const AWS_TYPES = {
    rds: "aws:rds/instance:Instance",
    rdsParameters: "aws:rds/parameterGroup:ParameterGroup",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    search: "aws:opensearch/domain:Domain",
    bucket: "aws:s3/bucket:Bucket",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    certificate: "aws:acm/certificate:Certificate",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    logResourcePolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    lambda: "aws:lambda/function:Function",
    service: "aws:ecs/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
} as const;
const T = AWS_TYPES;

/**
 * Stateful types (prod-deletion-protection): each needs `protect`, and AWS's own deletion guard
 * where the type has one. ElastiCache replication groups and OpenSearch domains have no such
 * flag. Secrets Manager secrets are not here: they hold only values the stack derives (generated
 * passwords kept in state, endpoints), and their recovery window already delays deletion.
 */
const STATEFUL: Record<string, { what: string; guard?: (props: Record<string, any>) => string | undefined }> = {
    [T.rds]: { what: "RDS instance", guard: (p) => (p.deletionProtection === true ? undefined : `deletionProtection is ${show(p.deletionProtection)} (default false); true is required`) },
    [T.cache]: { what: "ElastiCache replication group" },
    [T.search]: { what: "OpenSearch domain" },
    // Without forceDestroy AWS refuses to delete a bucket that still holds objects; with it, the provider empties it first.
    [T.bucket]: { what: "S3 bucket", guard: (p) => (p.forceDestroy === true ? "forceDestroy is true (deleting the bucket deletes every object); false is required" : undefined) },
};

/** The tier tag providers/aws/network.ts gives the load balancer's security group and its rules. */
const LB_TIER = "alb";

const MIN_DAYS = 7;

const show = (v: unknown): string => (v === undefined ? "absent" : JSON.stringify(v));
const list = (v: unknown): any[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const isReplica = (p: Record<string, any>): boolean => typeof p.replicateSourceDb === "string" && p.replicateSourceDb !== "";
const major = (version: unknown): number => Number(String(version ?? "").split(".")[0]);

// --- documents --------------------------------------------------------------------------------

/** Condition keys that pin a wildcard principal to known callers, so AWS does not count the statement as public. */
const NARROWING_KEYS = new Set(
    ["aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:userid", "s3:DataAccessPointAccount", "s3:DataAccessPointArn"].map((k) => k.toLowerCase()),
);

const statementsOf = (document: unknown): any[] => list(parseDocument(document)?.Statement);

/** Allow statements that grant anyone (`*` principal) access without a narrowing condition. */
function publicGrants(document: unknown): string[] {
    return statementsOf(document).flatMap((s, i) => {
        const anyone = s?.Principal === "*" || list(s?.Principal?.AWS).includes("*");
        const keys = Object.values(s?.Condition ?? {}).flatMap((c: any) => Object.keys(c ?? {}).map((k) => k.toLowerCase()));
        return s?.Effect === "Allow" && anyone && !keys.some((k) => NARROWING_KEYS.has(k))
            ? [`statement ${s.Sid ? `'${s.Sid}'` : i} allows principal '*' (${list(s.Action).join(", ")}) with no source or principal condition; named principals or such a condition (aws:SourceVpce, aws:PrincipalOrgID, ...) are required`]
            : [];
    });
}

/** S3 serves plain HTTP unless a Deny on `aws:SecureTransport = false` covers every action. */
function deniesPlainHttp(document: unknown): boolean {
    return statementsOf(document).some(
        (s) => s?.Effect === "Deny" && list(s.Action).some((a) => a === "s3:*" || a === "*") && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false",
    );
}

const documentProblems = (field: string, document: unknown): string[] => wildcardGrants(document).map((p) => `${field}: ${p}`);

// --- data-not-public --------------------------------------------------------------------------

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

const dataNotPublic: Record<string, ResourceCheck> = {
    // Absent is the provider default, false: private.
    [T.rds]: (p) => (p.publiclyAccessible === true ? "publiclyAccessible is true (RDS gives the instance a public address); false is required" : undefined),
    // Without vpcOptions OpenSearch gives the domain an internet endpoint, whatever its access policy says.
    [T.search]: (p) => (list(p.vpcOptions?.subnetIds).length === 0 ? "vpcOptions.subnetIds is absent: the domain gets a public endpoint; a VPC domain (vpcOptions with private subnets) is required" : undefined),
    [T.bucket]: (p) => [
        ...(PUBLIC_ACLS.includes(p.acl) ? [`acl is '${p.acl}'; 'private' (or no ACL) is required`] : []),
        ...publicGrants(p.policy).map((g) => `policy ${g}`),
    ],
    // Each flag defaults to false in this resource (a bucket with no block at all gets AWS's all-on default).
    [T.publicAccessBlock]: (p) => {
        const off = BLOCK_FLAGS.filter((f) => p[f] !== true);
        return off.length > 0 ? `${off.map((f) => `${f} is ${show(p[f])}`).join(", ")}; all four public access blocks must be true` : undefined;
    },
    [T.bucketPolicy]: (p) => publicGrants(p.policy).map((g) => `policy ${g}`),
    // ElastiCache has no public endpoint to turn on: its nodes only ever get private VPC addresses (in the
    // default VPC when no subnet group is given), so there is no input to check.
};

// --- encryption -------------------------------------------------------------------------------

const TLS12_SEARCH_POLICY = /^Policy-Min-TLS-1-2-/;

const encryptedAtRest: Record<string, ResourceCheck> = {
    // Absent is the provider default, false. A read replica inherits its source's encryption unless set.
    [T.rds]: (p) =>
        p.storageEncrypted === true || (isReplica(p) && p.storageEncrypted === undefined) ? undefined : `storageEncrypted is ${show(p.storageEncrypted)}; true is required`,
    // Absent: encrypted for valkey, not for redis (the provider's documented defaults; engine defaults to redis).
    [T.cache]: (p) =>
        (p.atRestEncryptionEnabled ?? p.engine === "valkey") === true ? undefined : `atRestEncryptionEnabled is ${show(p.atRestEncryptionEnabled)} with engine ${show(p.engine)}; true is required`,
    [T.search]: (p) => (p.encryptAtRest?.enabled === true ? undefined : `encryptAtRest.enabled is ${show(p.encryptAtRest?.enabled)} (default false); true is required`),
    // S3 encrypts every object (SSE-S3 by default since January 2023); no setting turns that off, so there is nothing to check.
};

/** rds.force_ssl is 1 by default from PostgreSQL 15 on, 0 before (RDS parameter defaults). */
const FORCE_SSL_DEFAULT_FROM = 15;

const encryptedInTransit: Record<string, ResourceCheck> = {
    [T.rdsParameters]: (p) => {
        const version = /^postgres(\d+)/.exec(String(p.family ?? ""))?.[1];
        if (version === undefined) return undefined; // the program runs PostgreSQL only
        const forceSsl = list(p.parameters).find((x) => x?.name === "rds.force_ssl")?.value;
        const effective = forceSsl ?? (Number(version) >= FORCE_SSL_DEFAULT_FROM ? "1" : "0");
        return String(effective) === "1" ? undefined : `rds.force_ssl is ${show(forceSsl)}${forceSsl === undefined ? ` (default 0 on ${p.family})` : ""}; 1 is required`;
    },
    // No parameter group: the engine's default group, which forces TLS only from PostgreSQL 15 on.
    [T.rds]: (p) =>
        p.engine === "postgres" && p.parameterGroupName === undefined && p.engineVersion !== undefined && major(p.engineVersion) < FORCE_SSL_DEFAULT_FROM
            ? `parameterGroupName is absent: the default group of PostgreSQL ${p.engineVersion} has rds.force_ssl 0; a group with rds.force_ssl 1 is required`
            : undefined,
    [T.cache]: (p) => [
        ...(p.transitEncryptionEnabled === true ? [] : [`transitEncryptionEnabled is ${show(p.transitEncryptionEnabled)} (default false); true is required`]),
        // 'preferred' also accepts plain connections (a migration mode); absent with TLS on means 'required'.
        ...(p.transitEncryptionMode === "preferred" ? ["transitEncryptionMode is 'preferred' (plain connections still accepted); 'required' is required"] : []),
    ],
    [T.search]: (p) => {
        const endpoint = p.domainEndpointOptions;
        return [
            // Inside the block enforceHttps defaults to true; without the block AWS's default does not enforce HTTPS.
            ...(endpoint === undefined || endpoint.enforceHttps === false ? [`domainEndpointOptions.enforceHttps is ${show(endpoint?.enforceHttps)}; true is required`] : []),
            // Absent: AWS's default policy is undocumented and has been TLS 1.0, so it fails closed.
            ...(TLS12_SEARCH_POLICY.test(String(endpoint?.tlsSecurityPolicy ?? "")) ? [] : [`domainEndpointOptions.tlsSecurityPolicy is ${show(endpoint?.tlsSecurityPolicy)}; Policy-Min-TLS-1-2-PFS-2023-10 (or another Policy-Min-TLS-1-2-*) is required`]),
            ...(p.nodeToNodeEncryption?.enabled === true ? [] : [`nodeToNodeEncryption.enabled is ${show(p.nodeToNodeEncryption?.enabled)} (default false); true is required`]),
        ];
    },
    // A bucket with no policy at all cannot be seen from a resource check; the program gives every bucket one.
    [T.bucketPolicy]: (p) => (deniesPlainHttp(p.policy) ? undefined : "policy has no Deny of s3:* when aws:SecureTransport is false; S3 accepts plain HTTP without it"),
};

// --- edge-tls ---------------------------------------------------------------------------------

/** The lowest TLS version an ELB security policy accepts: `...-TLS13-1-2-...`, `...-TLS-1-2-...`, `...-FS-1-2-...`. */
function minimumTls(policy: string): number {
    const minor = /^ELBSecurityPolicy-(?:TLS13-|TLS-|FS-)1-(\d)(?:-|$)/.exec(policy)?.[1];
    // Policies without a version in the name (2016-08, 2015-05, FS-2018-06) and unknown names accept TLS 1.0.
    return minor === undefined ? 0 : Number(minor);
}

const TLS_PROTOCOLS = ["HTTPS", "TLS"];
const isRedirectToHttps = (a: any) => a?.type === "redirect" && a.redirect?.protocol === "HTTPS" && a.redirect?.statusCode === "HTTP_301";

function edgeTls(stack: StackView): Finding[] {
    const findings: Finding[] = [];
    const listeners = stack.ofType(T.listener);
    for (const l of listeners.filter((x) => TLS_PROTOCOLS.includes(x.props.protocol))) {
        // Absent: the API default ELBSecurityPolicy-2016-08, which accepts TLS 1.0.
        const policy = l.props.sslPolicy ?? "ELBSecurityPolicy-2016-08";
        if (minimumTls(policy) < 2) {
            findings.push({ urn: l.urn, message: `sslPolicy is ${show(l.props.sslPolicy)} (${policy} accepts TLS 1.${minimumTls(policy)}); a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06 is required` });
        }
    }
    // A domain is set when the stack has a certificate: then every load balancer serves it over TLS and redirects HTTP.
    const domains = stack.ofType(T.certificate).map((c) => c.props.domainName);
    for (const lb of stack.ofType(T.loadBalancer)) {
        const mine = listeners.filter((l) => l.props.loadBalancerArn === lb.props.arn);
        const tls = mine.filter((l) => TLS_PROTOCOLS.includes(l.props.protocol));
        if (domains.length === 0 && tls.length === 0) continue;
        if (tls.length === 0) {
            findings.push({ urn: lb.urn, message: `the domain ${domains.join(", ")} is set but the load balancer has no HTTPS listener` });
        }
        // Absent protocol is HTTP on an ALB.
        for (const http of mine.filter((l) => (l.props.protocol ?? "HTTP") === "HTTP")) {
            if (!list(http.props.defaultActions).every(isRedirectToHttps)) {
                findings.push({ urn: http.urn, message: `the HTTP listener on port ${show(http.props.port)} answers with ${list(http.props.defaultActions).map((a) => a?.type).join(", ")}; a redirect to HTTPS with HTTP_301 is required when a domain is set` });
            }
            for (const rule of stack.ofType(T.listenerRule).filter((r) => r.props.listenerArn === http.props.arn && !list(r.props.actions).every(isRedirectToHttps))) {
                findings.push({ urn: rule.urn, message: `a rule on the HTTP listener answers with ${list(rule.props.actions).map((a) => a?.type).join(", ")}; plain HTTP may only redirect to HTTPS when a domain is set` });
            }
        }
    }
    return findings;
}

// --- identity ---------------------------------------------------------------------------------

/** AWS managed policies that amount to account administration (Owner/Contributor-level). */
const PRIVILEGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess(-[\w-]+)?|PowerUserAccess|IAMFullAccess)$/;

const privileged = (field: string, arns: unknown[]): string[] =>
    arns.filter((a) => PRIVILEGED_POLICY.test(String(a))).map((a) => `${field} is ${a}, an account-administration policy; a service-scoped policy of the actions the workload uses is required`);

// --- network ----------------------------------------------------------------------------------

const OPEN_IPV4 = "0.0.0.0/0";
const OPEN_IPV6 = "::/0";

function openIngress(tags: Record<string, any> | undefined, sources: string[], what: string): string | undefined {
    const open = sources.filter((s) => s === OPEN_IPV4 || s === OPEN_IPV6);
    if (open.length === 0 || tags?.tier === LB_TIER) return undefined;
    return `${what} admits ${open.join(" and ")} to the ${tags?.tier ?? "untagged"} tier; only the load balancer's security group (tier '${LB_TIER}') may admit the internet`;
}

// --- secrets ----------------------------------------------------------------------------------

function plainSecrets(where: string, entries: { name: string; value: unknown }[]): string[] {
    const declared = declaredPublic(entries);
    return entries.flatMap(({ name, value }) => {
        if (hasCredentialUrl(String(value))) return [`${where} ${name} holds a URL with credentials in plain`];
        if (isSecretName(name) && !declared.has(name)) return [`${where} ${name} is a plain value but its name marks a secret`];
        return [];
    });
}

const STORE_HINT = "; pass it from Secrets Manager (ECS `secrets[].valueFrom`, or read it at runtime) instead";

// --- prod -------------------------------------------------------------------------------------

function publicReplicas(stack: StackView): Finding[] {
    const findings: Finding[] = [];
    const targets = stack.ofType(T.scalingTarget);
    for (const s of stack.ofType(T.service)) {
        const isPublic = list(s.props.loadBalancers).length > 0 || s.props.networkConfiguration?.assignPublicIp === true;
        if (!isPublic) continue;
        // A singleton runs exactly one task on purpose (policy/singleton.ts).
        if (isSingleton(s.props.tags)) continue;
        // Absent desiredCount is 0 (provider default).
        if ((s.props.desiredCount ?? 0) < 2) {
            findings.push({ urn: s.urn, message: `public service ${s.props.name}: desiredCount is ${show(s.props.desiredCount)}; 2 or more is required` });
        }
        // Autoscaling owns the count after the first deploy: its floor is what stays running.
        const cluster = String(s.props.cluster ?? "").split("/").pop();
        for (const t of targets.filter((x) => x.props.resourceId === `service/${cluster}/${s.props.name}` && (x.props.minCapacity ?? 0) < 2)) {
            findings.push({ urn: t.urn, message: `public service ${s.props.name}: the autoscaling minCapacity is ${show(t.props.minCapacity)}; 2 or more is required` });
        }
    }
    return findings;
}

function deletionProtected(props: Record<string, any>, r: ResourceView): string[] {
    const { what, guard } = STATEFUL[r.type];
    const problems = r.protect ? [] : [`the ${what} lacks the \`protect\` resource option`];
    const flag = guard?.(props);
    return flag ? [...problems, `the ${what}: ${flag}`] : problems;
}

// --- the checks -------------------------------------------------------------------------------

/** The OpenSearch domain's master user (fine-grained access control): the search admin. */
const domainMasterUser: AdminsOf = (stack) =>
    stack
        .ofType("aws:opensearch/domain:Domain")
        .map((d) => d.props?.advancedSecurityOptions?.masterUserOptions?.masterUserName)
        .filter((u): u is string => typeof u === "string")
        .map((username) => ({ username, what: SEARCH_ADMIN }));

export const checks: TargetChecks = {
    "data-not-public": { resources: dataNotPublic },
    "data-encrypted-at-rest": { resources: encryptedAtRest },
    "data-encrypted-in-transit": { resources: encryptedInTransit },
    "edge-tls": { stack: edgeTls },
    "no-wildcard-permissions": {
        resources: {
            [T.rolePolicy]: (p) => documentProblems("policy", p.policy),
            [T.role]: (p) => list(p.inlinePolicies).flatMap((x) => documentProblems(`inline policy ${x?.name ?? ""}`.trim(), x?.policy)),
            [T.bucketPolicy]: (p) => documentProblems("policy", p.policy),
            [T.bucket]: (p) => documentProblems("policy", p.policy),
            [T.logResourcePolicy]: (p) => documentProblems("policyDocument", p.policyDocument),
            [T.search]: (p) => documentProblems("accessPolicies", p.accessPolicies),
        },
    },
    "no-privileged-roles": {
        resources: {
            [T.rolePolicyAttachment]: (p) => privileged("policyArn", [p.policyArn]),
            [T.role]: (p) => privileged("managedPolicyArns", list(p.managedPolicyArns)),
        },
    },
    "no-open-ingress": {
        resources: {
            [T.ingressRule]: (p) => openIngress(p.tags, [p.cidrIpv4, p.cidrIpv6], "the ingress rule"),
            [T.securityGroup]: (p) => openIngress(p.tags, list(p.ingress).flatMap((i) => [...list(i?.cidrBlocks), ...list(i?.ipv6CidrBlocks)]), "an inline ingress block"),
        },
    },
    "secrets-from-secret-store": {
        resources: {
            [T.taskDefinition]: (p) =>
                list(parseDocument(p.containerDefinitions)).flatMap((c) => plainSecrets(`container ${c?.name} environment`, list(c?.environment)).map((m) => m + STORE_HINT)),
            [T.lambda]: (p) =>
                plainSecrets("environment.variables", Object.entries(p.environment?.variables ?? {}).map(([name, value]) => ({ name, value }))).map((m) => m + STORE_HINT),
        },
    },
    "least-privilege-data": { stack: leastPrivilegeData({ [T.taskDefinition]: ecsEnv }, domainMasterUser, rdsMasterUser) },
    "backups-retained": {
        resources: {
            // Absent is 0 (no backups). A read replica restores from its source's backups.
            [T.rds]: (p) => (isReplica(p) || (p.backupRetentionPeriod ?? 0) >= MIN_DAYS ? undefined : `backupRetentionPeriod is ${show(p.backupRetentionPeriod)}; ${MIN_DAYS} days or more are required`),
            // 0 or absent turns snapshots off (a cache without backups); when on, they are backups and must last a week.
            [T.cache]: (p) => {
                const days = p.snapshotRetentionLimit ?? 0;
                return days > 0 && days < MIN_DAYS ? `snapshotRetentionLimit is ${days}; ${MIN_DAYS} days or more are required when snapshots are on` : undefined;
            },
            // OpenSearch Service keeps hourly automated snapshots for 14 days; nothing to set, nothing to check.
        },
    },
    "logs-retained": {
        resources: {
            // Absent or 0 means "never expire", which keeps logs long enough; the DELIVERY class is forced to 2 days.
            [T.logGroup]: (p) => {
                if (p.logGroupClass === "DELIVERY") return `logGroupClass is 'DELIVERY' (retention fixed at 2 days); STANDARD or INFREQUENT_ACCESS with ${MIN_DAYS}+ days is required`;
                const days = p.retentionInDays ?? 0;
                return days > 0 && days < MIN_DAYS ? `retentionInDays is ${days}; ${MIN_DAYS} or more (or 0, never expire) is required` : undefined;
            },
        },
    },
    "prod-high-availability": {
        resources: {
            // Absent is false. A replica is not the failover target: Multi-AZ keeps a synchronous standby.
            [T.rds]: (p) => (isReplica(p) || p.multiAz === true ? undefined : `multiAz is ${show(p.multiAz)}; true is required in prod`),
            [T.cache]: (p) => {
                const nodes = p.numCacheClusters ?? (p.replicasPerNodeGroup !== undefined ? p.replicasPerNodeGroup + 1 : 1);
                const problems = [
                    ...(p.automaticFailoverEnabled === true ? [] : [`automaticFailoverEnabled is ${show(p.automaticFailoverEnabled)}`]),
                    ...(p.multiAzEnabled === true ? [] : [`multiAzEnabled is ${show(p.multiAzEnabled)}`]),
                    ...(nodes >= 2 ? [] : [`the group has ${nodes} node (numCacheClusters ${show(p.numCacheClusters)})`]),
                ];
                return problems.length > 0 ? `${problems.join(", ")}; prod needs 2+ nodes with automatic failover and Multi-AZ` : undefined;
            },
        },
    },
    "prod-public-replicas": { stack: publicReplicas },
    "prod-deletion-protection": { resources: Object.fromEntries(Object.keys(STATEFUL).map((type) => [type, deletionProtected])) },
    "prod-search-nodes": {
        resources: {
            [T.search]: (p) => {
                const c = p.clusterConfig ?? {};
                // Absent instanceCount is 1; AWS itself rejects dedicated-master counts below 3, so they need no check.
                return [
                    ...((c.instanceCount ?? 1) >= 3 ? [] : [`clusterConfig.instanceCount is ${show(c.instanceCount)}; 3 or more data nodes are required in prod`]),
                    ...(c.zoneAwarenessEnabled === true ? [] : [`clusterConfig.zoneAwarenessEnabled is ${show(c.zoneAwarenessEnabled)}; true (nodes spread over zones) is required in prod`]),
                ];
            },
        },
    },
};
