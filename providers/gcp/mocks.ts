import { providerSetting } from "../../stacks/provider-keys";
import * as crypto from "crypto";
import { CloudMocks, MockContext, zonesAnswered, sha256Hex } from "../../stacks/cloud-mocks";

/**
 * What GCP answers for the invokes this backend calls and the outputs it computes on create,
 * for the offline engine. Values are derived from the stack and logical name (deterministic).
 * An invoke not listed here returns undefined, so the engine fails loudly.
 */
function h(text: string, length = 8): string {
    return sha256Hex(text).slice(0, length);
}

function gcpConfig(ctx: MockContext): { project: string; region: string } {
    return { project: providerSetting(ctx.config, "gcp", "project") ?? "mock-project", region: providerSetting(ctx.config, "gcp", "region") ?? "us-central1" };
}

/** A project number as GCP gives it (12 digits), stable per project id. */
function projectNumber(project: string): string {
    return String(parseInt(h(project, 10), 16)).padStart(12, "1").slice(0, 12);
}

/** A deterministic address inside a /16 base, from a seed. */
function ipIn(base: string, seed: string): string {
    const n = parseInt(h(seed, 4), 16);
    return `${base}.${(n >> 8) % 250 + 1}.${(n % 250) + 2}`;
}

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBmockCAcertificate\n-----END CERTIFICATE-----";

/**
 * A Cloud SQL instance's server CA as listServerCas and the instance describe it: one per
 * instance (GOOGLE_MANAGED_INTERNAL_CA), the `upcoming` one made by `server-ca-certs create`.
 */
function sqlServerCa(instance: string, which: "active" | "upcoming") {
    const id = h(`${instance}/${which}`, 40);
    return {
        cert: `-----BEGIN CERTIFICATE-----\nMIIBmock${which}CA${id}\n-----END CERTIFICATE-----`,
        commonName: "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA",
        createTime: which === "active" ? "2026-01-05T10:00:00.000Z" : "2026-11-02T10:00:00.000Z",
        expirationTime: which === "active" ? "2036-01-03T10:01:00.000Z" : "2036-10-31T10:01:00.000Z",
        sha1Fingerprint: id,
    };
}

export const mocks: CloudMocks = {
    call(token, inputs, ctx) {
        const { project, region } = gcpConfig(ctx);
        switch (token) {
            case "gcp:compute/getZones:getZones": {
                const r = inputs.region ?? region;
                return { id: `projects/${project}/regions/${r}`, project, region: r, status: inputs.status, names: zonesAnswered([`${r}-b`, `${r}-c`, `${r}-d`], ctx, inputs.status === "UP") };
            }
            case "gcp:compute/getImage:getImage": {
                const name = `${inputs.family}-${ctx.facts?.newerImages ? "v20260114" : "v20250610"}`;
                return {
                    id: `projects/${inputs.project}/global/images/${name}`,
                    name,
                    family: inputs.family,
                    project: inputs.project,
                    selfLink: `https://www.googleapis.com/compute/v1/projects/${inputs.project}/global/images/${name}`,
                    status: "READY",
                    diskSizeGb: 10,
                };
            }
            case "gcp:organizations/getProject:getProject":
                return { id: `projects/${inputs.projectId ?? project}`, projectId: inputs.projectId ?? project, number: projectNumber(inputs.projectId ?? project), name: inputs.projectId ?? project };
            case "gcp:sql/getDatabaseInstances:getDatabaseInstances": {
                // The Cloud SQL instances an earlier `up` left in the project (none on a new one),
                // as the data source flattens them: settings is a one-element list.
                const p = inputs.project ?? project;
                const instances = (ctx.deployed ?? [])
                    .filter((d) => d.type === "gcp:sql/databaseInstance:DatabaseInstance" && (inputs.region === undefined || (d.outputs.region ?? region) === inputs.region))
                    .map((d) => ({ name: d.outputs.name, region: d.outputs.region ?? region, project: p, databaseVersion: d.outputs.databaseVersion, masterInstanceName: d.outputs.masterInstanceName ?? "", settings: [{ ...d.outputs.settings, userLabels: d.outputs.settings?.userLabels ?? {} }] }));
                return { id: `database_instances_ds/${p}//${inputs.region ?? ""}///`, project: p, region: inputs.region, instances };
            }
            case "gcp:sql/getCaCerts:getCaCerts": {
                // instances.listServerCas: every CA the instance trusts, the upcoming one too once a
                // rotation is prepared (facts.sqlServerCaUpcoming); activeVersion is the active one's fingerprint.
                const p = inputs.project ?? project;
                const active = sqlServerCa(inputs.instance, "active");
                const certs = ctx.facts?.sqlServerCaUpcoming ? [active, sqlServerCa(inputs.instance, "upcoming")] : [active];
                return { id: `projects/${p}/instance/${inputs.instance}`, project: p, instance: inputs.instance, activeVersion: active.sha1Fingerprint, certs };
            }
            case "gcp:redis/getInstance:getInstance": {
                // The instance an earlier `up` left, as Memorystore describes it; on a 404 the data
                // source fails with "<id> not found" (data_source_redis_instance.go).
                const r = inputs.region ?? region;
                const found = (ctx.deployed ?? []).find((d) => d.type === "gcp:redis/instance:Instance" && d.outputs.name === inputs.name && (d.outputs.region ?? region) === r);
                if (!found) {
                    const message = `projects/${inputs.project ?? project}/locations/${r}/instances/${inputs.name} not found`;
                    throw Object.assign(new Error(message), { details: message });
                }
                return { ...found.outputs, id: `projects/${inputs.project ?? project}/locations/${r}/instances/${inputs.name}`, project: inputs.project ?? project, region: r };
            }
            case "gcp:organizations/getClientConfig:getClientConfig":
                return { id: `projects/${project}/regions/${region}/zones/${region}-b`, project, region, zone: `${region}-b`, accessToken: `ya29.mock-${h(ctx.stack)}` };
            default:
                return undefined;
        }
    },

    state(type, name, inputs, ctx) {
        const { project, region } = gcpConfig(ctx);
        const seed = `${ctx.stack}/${type}/${name}`;
        // Pulumi auto-names GCP resources as `<logical>-<7 hex>` when no name is given.
        const resName: string = inputs.name ?? `${name}-${h(seed, 7)}`;
        const compute = (scope: string) => `https://www.googleapis.com/compute/v1/projects/${project}/${scope}`;
        const regionOf = inputs.region ?? region;
        switch (type) {
            case "gcp:projects/service:Service":
                return { id: `${project}/${inputs.service}`, state: {} };
            case "gcp:compute/network:Network":
                return { id: `projects/${project}/global/networks/${resName}`, state: { name: resName, selfLink: compute(`global/networks/${resName}`), numericId: h(seed, 12) } };
            case "gcp:compute/subnetwork:Subnetwork": {
                const gateway = String(inputs.ipCidrRange).replace(/\.\d+\/\d+$/, ".1");
                return { id: `projects/${project}/regions/${regionOf}/subnetworks/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/subnetworks/${resName}`), gatewayAddress: gateway } };
            }
            case "gcp:compute/globalAddress:GlobalAddress": {
                const address = inputs.purpose === "VPC_PEERING" ? "10.100.0.0" : `34.${(parseInt(h(seed, 2), 16) % 200) + 1}.${parseInt(h(seed + "b", 2), 16)}.${parseInt(h(seed + "c", 2), 16)}`;
                return { id: `projects/${project}/global/addresses/${resName}`, state: { name: resName, address, selfLink: compute(`global/addresses/${resName}`) } };
            }
            case "gcp:compute/address:Address":
                return { id: `projects/${project}/regions/${regionOf}/addresses/${resName}`, state: { name: resName, address: inputs.address, selfLink: compute(`regions/${regionOf}/addresses/${resName}`) } };
            case "gcp:servicenetworking/connection:Connection":
                return { id: `${inputs.network}:${inputs.service}`, state: { peering: "servicenetworking-googleapis-com" } };
            case "gcp:sql/databaseInstance:DatabaseInstance": {
                const ip = ipIn("10.100", seed);
                return {
                    id: resName,
                    state: {
                        name: resName,
                        privateIpAddress: ip,
                        publicIpAddress: "",
                        firstIpAddress: ip,
                        ipAddresses: [{ ipAddress: ip, type: "PRIVATE" }],
                        connectionName: `${project}:${regionOf}:${resName}`,
                        selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${resName}`,
                        serviceAccountEmailAddress: `p${projectNumber(project)}-${h(seed, 6)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
                        // The active CA only (flattenServerCaCerts of the instance's serverCaCert).
                        serverCaCerts: [sqlServerCa(resName, "active")],
                    },
                };
            }
            case "gcp:sql/user:User":
                return { id: `${inputs.name}//${inputs.instance}`, state: { name: inputs.name } };
            case "gcp:sql/database:Database":
                return { id: `projects/${project}/instances/${inputs.instance}/databases/${inputs.name}`, state: { selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${project}/instances/${inputs.instance}/databases/${inputs.name}` } };
            case "gcp:redis/instance:Instance":
                return {
                    id: `projects/${project}/locations/${regionOf}/instances/${resName}`,
                    state: {
                        name: resName,
                        host: ipIn("10.100", seed),
                        port: inputs.transitEncryptionMode === "SERVER_AUTHENTICATION" ? 6378 : 6379,
                        authString: inputs.authEnabled ? crypto.createHash("sha256").update(`auth/${seed}`).digest("base64url").slice(0, 36) : "",
                        currentLocationId: inputs.locationId,
                        serverCaCerts: inputs.transitEncryptionMode === "SERVER_AUTHENTICATION" ? [{ cert: PEM, serialNumber: h(seed, 10), sha1Fingerprint: h(seed, 40) }] : [],
                        readEndpoint: inputs.readReplicasMode === "READ_REPLICAS_ENABLED" ? ipIn("10.100", `${seed}/read`) : "",
                    },
                };
            case "gcp:serviceaccount/account:Account": {
                const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
                return { id: `projects/${project}/serviceAccounts/${email}`, state: { email, member: `serviceAccount:${email}`, name: `projects/${project}/serviceAccounts/${email}`, uniqueId: String(parseInt(h(seed, 12), 16)) } };
            }
            case "gcp:secretmanager/secret:Secret":
                return { id: `projects/${project}/secrets/${inputs.secretId}`, state: { name: `projects/${projectNumber(project)}/secrets/${inputs.secretId}` } };
            case "gcp:secretmanager/secretVersion:SecretVersion":
                return { id: `${inputs.secret}/versions/1`, state: { version: "1", name: `${inputs.secret}/versions/1` } };
            case "gcp:storage/bucket:Bucket":
                return { id: resName, state: { name: resName, url: `gs://${resName}`, selfLink: `https://www.googleapis.com/storage/v1/b/${resName}` } };
            case "gcp:storage/hmacKey:HmacKey":
                return {
                    id: `projects/${project}/hmacKeys/GOOG1E${h(seed, 20).toUpperCase()}`,
                    state: { accessId: `GOOG1E${h(seed, 20).toUpperCase()}`, secret: crypto.createHash("sha256").update(`hmac/${seed}`).digest("base64").slice(0, 40), state: "ACTIVE" },
                };
            case "gcp:cloudrunv2/service:Service":
                return {
                    id: `projects/${project}/locations/${inputs.location}/services/${resName}`,
                    state: { name: resName, uri: `https://${resName}-${h(project, 10)}.${inputs.location}.run.app`, uid: h(seed, 32) },
                };
            case "gcp:cloudrunv2/workerPool:WorkerPool":
                return { id: `projects/${project}/locations/${inputs.location}/workerPools/${resName}`, state: { name: resName, uid: h(seed, 32) } };
            case "gcp:cloudrunv2/job:Job":
                return { id: `projects/${project}/locations/${inputs.location}/jobs/${resName}`, state: { name: resName, uid: h(seed, 32) } };
            case "gcp:compute/instance:Instance":
                return {
                    id: `projects/${project}/zones/${inputs.zone}/instances/${resName}`,
                    state: { name: resName, instanceId: String(parseInt(h(seed, 12), 16)), selfLink: compute(`zones/${inputs.zone}/instances/${resName}`) },
                };
            case "gcp:compute/disk:Disk":
                return { id: `projects/${project}/zones/${inputs.zone}/disks/${resName}`, state: { name: resName, selfLink: compute(`zones/${inputs.zone}/disks/${resName}`) } };
            case "gcp:compute/resourcePolicy:ResourcePolicy":
                return { id: `projects/${project}/regions/${regionOf}/resourcePolicies/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/resourcePolicies/${resName}`) } };
            case "gcp:compute/securityPolicy:SecurityPolicy":
                return { id: `projects/${project}/global/securityPolicies/${resName}`, state: { name: resName, selfLink: compute(`global/securityPolicies/${resName}`) } };
            case "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup":
                return { id: `projects/${project}/regions/${regionOf}/networkEndpointGroups/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/networkEndpointGroups/${resName}`) } };
            case "gcp:compute/backendService:BackendService":
            case "gcp:compute/uRLMap:URLMap":
            case "gcp:compute/targetHttpProxy:TargetHttpProxy":
            case "gcp:compute/targetHttpsProxy:TargetHttpsProxy":
            case "gcp:compute/managedSslCertificate:ManagedSslCertificate":
            case "gcp:compute/sSLPolicy:SSLPolicy":
            case "gcp:compute/globalForwardingRule:GlobalForwardingRule":
            case "gcp:compute/firewall:Firewall": {
                const kind = type.split(":")[2];
                const collection = { BackendService: "backendServices", URLMap: "urlMaps", TargetHttpProxy: "targetHttpProxies", TargetHttpsProxy: "targetHttpsProxies", ManagedSslCertificate: "sslCertificates", SSLPolicy: "sslPolicies", GlobalForwardingRule: "forwardingRules", Firewall: "firewalls" }[kind]!;
                return { id: `projects/${project}/global/${collection}/${resName}`, state: { name: resName, selfLink: compute(`global/${collection}/${resName}`) } };
            }
            case "gcp:compute/regionHealthCheck:RegionHealthCheck":
                return { id: `projects/${project}/regions/${regionOf}/healthChecks/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/healthChecks/${resName}`) } };
            case "gcp:compute/regionBackendService:RegionBackendService":
                return { id: `projects/${project}/regions/${regionOf}/backendServices/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/backendServices/${resName}`) } };
            case "gcp:compute/forwardingRule:ForwardingRule":
                return { id: `projects/${project}/regions/${regionOf}/forwardingRules/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/forwardingRules/${resName}`) } };
            case "gcp:compute/instanceGroup:InstanceGroup":
                return { id: `projects/${project}/zones/${inputs.zone}/instanceGroups/${resName}`, state: { name: resName, selfLink: compute(`zones/${inputs.zone}/instanceGroups/${resName}`) } };
            case "gcp:compute/router:Router":
                return { id: `projects/${project}/regions/${regionOf}/routers/${resName}`, state: { name: resName, selfLink: compute(`regions/${regionOf}/routers/${resName}`) } };
            case "gcp:artifactregistry/repository:Repository":
                return {
                    id: `projects/${project}/locations/${inputs.location}/repositories/${inputs.repositoryId}`,
                    state: { name: inputs.repositoryId, registryUri: `${inputs.location}-docker.pkg.dev/${project}/${inputs.repositoryId}` },
                };
            case "gcp:monitoring/notificationChannel:NotificationChannel":
                return { id: `projects/${project}/notificationChannels/${parseInt(h(seed, 12), 16)}`, state: { name: `projects/${project}/notificationChannels/${parseInt(h(seed, 12), 16)}` } };
            case "gcp:monitoring/alertPolicy:AlertPolicy":
                return { id: `projects/${project}/alertPolicies/${parseInt(h(seed, 12), 16)}`, state: { name: `projects/${project}/alertPolicies/${parseInt(h(seed, 12), 16)}` } };
            default:
                return inputs.name === undefined ? { state: { name: resName } } : undefined;
        }
    },
};
