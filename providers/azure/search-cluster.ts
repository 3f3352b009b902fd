import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as storage from "@pulumi/azure-native/storage";
import { ChildOptions, SearchClusterInputs, SearchClusterOutputs } from "../../components/backend";
import { bootScript, BootScriptInput, CloudBootHooks, securityApplyScript } from "../../components/opensearch/boot-script";
import { OPENSEARCH_NODE_IMAGES } from "../../components/opensearch/images";
import { readinessScript } from "../../components/opensearch/readiness";
import { securityBundle } from "../../components/opensearch/security-config";
import { generatedPassword } from "../../components/secrets";
import { metricAlerts } from "./alerts";
import { AzureContext } from "./context";
import { CREATE_ONLY_NAME, RULES, stableHash } from "./naming";
import { hostIn, zoneList, ZONES } from "./network";
import { HARDENED_STORAGE_ACCOUNT } from "./object-store";
import { SEARCH_VM_SIZES } from "./sizes";

export const SEARCH_PORT = 9200;
/** The snapshot repository's container in the cluster's own storage account. */
export const SNAPSHOT_CONTAINER = "opensearch-snapshots";
/**
 * Days a deleted snapshot blob or container stays recoverable (blob and container soft delete):
 * what GCS keeps a deleted object of the GCP cluster's snapshot bucket by default (its soft
 * delete policy, 604800 s when unset: pulumi-gcp storage.Bucket). An account ARM creates has
 * neither on (the portal's defaults are its own), so a container deleted by mistake, or
 * snapshots removed by a node's identity, would be gone at once.
 */
export const SNAPSHOT_SOFT_DELETE_DAYS = 7;

/**
 * Node names = Linux computer names, at most 15 characters (RULES.computer): the tail of
 * `<cluster>-<n>`, starting with a letter. The same names go into nodes_dn and the certificates.
 */
export function searchNodeNames(cluster: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${cluster}-${i + 1}`.slice(-RULES.computer.max).replace(/^[^a-z]+/, "n"));
}

/**
 * Value of a secret that the bootstrap node has not written yet: Key Vault has no empty secret,
 * and a role can only be scoped to a secret that exists, so Pulumi creates it with this value.
 */
export const UNSET = "unset";

/**
 * Options of a secret Pulumi creates with UNSET and the bootstrap node then writes. Every ARM
 * write of a Key Vault secret (Secrets_CreateOrUpdate, a PUT with `properties.value`) adds a new
 * current version: an update of the resource would put UNSET over the CA (clients and new nodes
 * lose it; a rebuilt bootstrap node would mint a second CA). So after creation Pulumi never
 * updates it: every mutable input is ignored (value, content type, tags); only the names, which
 * identify the secret, are compared. The node writes versions through the data plane, which
 * Pulumi does not read back. `retainOnDelete` (storeSecret): never deleted by Pulumi either.
 */
export const NODE_WRITTEN: pulumi.CustomResourceOptions = { ignoreChanges: ["properties", "tags"] };

/**
 * The Azure half of the boot script: Key Vault over REST with a token of the node's user-assigned
 * identity from IMDS (404 or the initial value UNSET = not written yet), the data disk at LUN 0 (udev's
 * /dev/disk/azure links), repository-azure.
 */
export function azureBootHooks(vaultUrl: string, clientId: string): CloudBootHooks {
    return {
        dataDevice: "/dev/disk/azure/scsi1/lun0",
        snapshotPlugin: "repository-azure",
        // As secret_get: a secret still holding UNSET has no value.
        secretValueJq: `.value | strings | if . == "${UNSET}" then error("a secret still holds ${UNSET}") else . end`,
        // Only the value tells a secret still holding UNSET: node 0 reads the other nodes' answers
        // with one jq run (secrets_exist) instead of one per node.
        secretCheckJq: `.value | strings | if . == "${UNSET}" then 3 else 0 end`,
        // cloud-init runs customData once per instance; a script in the per-boot directory runs
        // on every boot (cloud-init module scripts_per_boot), as GCP's startup-script does.
        setup: String.raw`PER_BOOT="$ROOT/var/lib/cloud/scripts/per-boot/anycloud-search.sh"
if ! cmp -s "$0" "$PER_BOOT"; then
  mkdir -p "$(dirname "$PER_BOOT")" || fail "create /var/lib/cloud/scripts/per-boot"
  install -m 700 "$0" "$PER_BOOT" || fail "install the boot script in /var/lib/cloud/scripts/per-boot"
fi`,
        secretFunctions: String.raw`VAULT='${vaultUrl.replace(/\/$/, "")}'
CLIENT_ID='${clientId}'
# The identity's token and its lifetime (IMDS gives expires_in as a string of seconds).
cloud_token() {
  curl -sSf -H Metadata:true \
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=$CLIENT_ID" |
    jq -er '"\(.expires_in) \(.access_token | strings)"'
}
# The answer of GET secrets/NAME (SecretBundle: the value in .value): printed on 200; 3 on 404 (not
# created yet); an error naming the status otherwise.
secret_fetch() {
  local out code
  # the caller ran token_fresh (this runs in a subshell)
  [ -n "$ACCESS_TOKEN" ] || return 1
  out=$(curl_bearer -sS -w '\n%{http_code}' "$VAULT/secrets/$1?api-version=7.4") || return 1
  code=${"$"}{out##*$'\n'}
  case "$code" in
    200) printf '%s' "${"$"}{out%$'\n'*}" ;;
    404) return 3 ;;
    *) echo "secret $1: HTTP $code" >&2 && return 1 ;;
  esac
}
secret_get() {
  local answer value
  answer=$(secret_fetch "$1") || return
  value=$(printf '%s' "$answer" | jq -er .value) || return 1
  [ "$value" = '${UNSET}' ] && return 3
  printf '%s' "$value"
}
secret_put() {
  # the caller (secret_store) ran token_fresh, and drops the token when this fails
  [ -n "$ACCESS_TOKEN" ] || return 1
  jq -n --rawfile v "$2" '{value: $v}' |
    curl_bearer -sSf -o /dev/null -X PUT -H 'Content-Type: application/json' -d @- "$VAULT/secrets/$1?api-version=7.4"
}`,
    };
}

/**
 * A run command's script that runs a bash script (the agent runs the script it is given with
 * the default shell): written to a private temporary file, run, removed. `versions` (a hash of the
 * configuration and the secret versions it reads) is a comment whose change runs the command again.
 */
export function runAsBash(script: string, versions: string): string {
    if (script.split("\n").includes("ANYCLOUD_SCRIPT")) {
        throw new Error("runAsBash: the script contains the here-document delimiter");
    }
    return `#!/bin/sh
# anycloud: secret versions ${versions}
f=$(mktemp) || exit 1
cat >"$f" <<'ANYCLOUD_SCRIPT'
${script.trimEnd()}
ANYCLOUD_SCRIPT
bash "$f"
rc=$?
rm -f "$f"
exit $rc
`;
}

/**
 * Self-managed OpenSearch (Azure has no managed OpenSearch): one VM per node with a static
 * private address in the search subnet (stable discovery and certificates), no public IP,
 * a managed data disk, spread over zones in prod, behind an internal load balancer that gives
 * clients one stable https address. TLS and the security plugin are on with a generated admin
 * password kept in Key Vault.
 */
export function createSearchCluster(ctx: AzureContext, name: string, args: SearchClusterInputs, opts: ChildOptions): SearchClusterOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const platform = ctx.requirePlatform();
    if (!net.search || !net.searchPrefix) {
        throw new Error("azure backend: the network was created without a search subnet");
    }
    const rg = ctx.rgName;
    const size = SEARCH_VM_SIZES[args.size];
    const zones = zoneList(ctx.settings.network.zones);
    const prod = ctx.settings.environment === "prod";
    const cluster = ctx.naming.local("search", { ...RULES.generic, max: 40 });
    const username = "admin";
    const nodes = searchNodeNames(cluster, args.nodes).map((n, i) => ({ name: n, ip: hostIn(net.searchPrefix!, i + 1) }));

    // Two identities: the bootstrap node's (reads the CA key, writes what others trust) and the
    // other nodes' (read the CA certificate and their own bundle, write nothing).
    const identity = (id: string, kind: string) =>
        new managedidentity.UserAssignedIdentity(
            `${name}-${id}`,
            { resourceName: ctx.naming.local(kind), resourceGroupName: rg, location: ctx.location, tags: ctx.tags },
            ctx.opts(parent),
        );
    const bootId = identity("boot-identity", "search-boot-id");
    const nodeId = args.nodes > 1 ? identity("identity", "search-id") : undefined;

    const adminPassword = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "_-.", requireEveryClass: true }, { parent });
    const adminSecret = ctx.storeSecret(`${name}-admin-password`, adminPassword, parent, "OpenSearch admin password");
    const grants: pulumi.Resource[] = [ctx.grant(`${name}-secret-admin`, "keyVaultSecretsUser", bootId.principalId, adminSecret.id, parent, ["search", "admin"])];
    // Each workload's search user: its password in a secret of its own, read by the bootstrap
    // node only (hashed at boot), and the security configuration it loads at every boot (read
    // from Key Vault, not the VM's first boot script, so a reboot loads the current users).
    const userSecrets = args.users.map((u) => {
        // A fresh name per user: a workload that stops and later starts using search again gets a new secret.
        const secret = ctx.storeSecret(`${name}-user-${u.workload}`, u.password, parent, `OpenSearch password of ${u.username}`, {}, { freshName: true });
        grants.push(ctx.grant(`${name}-secret-user-${u.workload}`, "keyVaultSecretsUser", bootId.principalId, secret.id, parent, ["search", "user", u.workload]));
        return secret;
    });
    const bundle = pulumi
        .all([adminSecret.name, ...userSecrets.map((s) => s.name)])
        .apply(([admin, ...users]) => securityBundle(username, admin, args.users, Object.fromEntries(args.users.map((u, i) => [u.username, users[i]]))));
    const securitySecret = ctx.storeSecret(
        `${name}-security`,
        bundle,
        parent,
        "OpenSearch security configuration (no passwords: the secrets that hold them)",
    );
    grants.push(ctx.grant(`${name}-secret-security`, "keyVaultSecretsUser", bootId.principalId, securitySecret.id, parent, ["search", "security"]));
    // Written at boot by the bootstrap node (no key material in Pulumi state).
    const bootSecret = (id: string, description: string, nodeReads: boolean) => {
        const secret = ctx.storeSecret(`${name}-${id}`, UNSET, parent, description, NODE_WRITTEN);
        grants.push(ctx.grant(`${name}-secret-${id}-boot`, "keyVaultSecretsOfficer", bootId.principalId, secret.id, parent, ["search", id, "boot"]));
        if (nodeReads && nodeId) {
            grants.push(ctx.grant(`${name}-secret-${id}`, "keyVaultSecretsUser", nodeId.principalId, secret.id, parent, ["search", id]));
        }
        return secret;
    };
    const caKey = bootSecret("ca-key", "OpenSearch cluster CA key (written by the bootstrap node)", false);
    const caCert = bootSecret("ca-cert", "OpenSearch cluster CA certificate (written by the bootstrap node)", true);
    const nodeTls = nodes.map((_, i) => (i === 0 ? undefined : bootSecret(`node-${i}-tls`, `OpenSearch node ${i} key and certificate (written by the bootstrap node)`, true)));
    ctx.searchCaCert = caCert;

    // OpenSearch snapshots (registered by the bootstrap node, taken daily, kept
    // snapshotRetentionDays) go to a storage account of the cluster's own: Entra-only (no shared
    // key exists to leak), reached through a private endpoint only. Every node writes its shards
    // there, with its managed identity (repository-azure token_credential_type, snapshots.ts):
    // Storage Blob Data Contributor on the container, nothing else. No lifecycle deletion:
    // snapshot files are shared, OpenSearch deletes what it no longer needs.
    const snapshotAccount = new storage.StorageAccount(
        `${name}-snapshots-account`,
        {
            accountName: ctx.globalName("stsearch", RULES.storageAccount),
            resourceGroupName: rg,
            location: ctx.location,
            kind: "StorageV2",
            sku: { name: prod && zones ? "Standard_ZRS" : "Standard_LRS" },
            ...HARDENED_STORAGE_ACCOUNT,
            publicNetworkAccess: "Disabled",
            networkRuleSet: { defaultAction: "Deny", bypass: "None" },
            tags: ctx.tags,
        },
        ctx.stateful(parent, { ignoreChanges: CREATE_ONLY_NAME.storageAccount }),
    );
    const snapshotBlobService = new storage.BlobServiceProperties(
        `${name}-snapshots-blob-service`,
        {
            accountName: snapshotAccount.name,
            resourceGroupName: rg,
            blobServicesName: "default",
            deleteRetentionPolicy: { enabled: true, days: SNAPSHOT_SOFT_DELETE_DAYS },
            containerDeleteRetentionPolicy: { enabled: true, days: SNAPSHOT_SOFT_DELETE_DAYS },
        },
        ctx.opts(parent),
    );
    const snapshotContainer = new storage.BlobContainer(
        `${name}-snapshots`,
        { containerName: SNAPSHOT_CONTAINER, accountName: snapshotAccount.name, resourceGroupName: rg, publicAccess: "None" },
        // After the blob service's soft delete is on, as the object store's containers.
        ctx.stateful(parent, { dependsOn: [snapshotBlobService] }),
    );
    const snapshotEndpoint = ctx.privateEndpoint(`${name}-snapshots-blob`, snapshotAccount.id, "blob", ZONES.blob, parent);
    grants.push(snapshotEndpoint, ctx.endpointDns[`${name}-snapshots-blob`]);
    for (const [who, identityOf] of [["boot", bootId], ["node", nodeId]] as const) {
        if (identityOf) {
            grants.push(ctx.grant(`${name}-snapshots-${who}`, "storageBlobDataContributor", identityOf.principalId, snapshotContainer.id, parent, ["search", "snapshots", who]));
        }
    }

    const lbIp = hostIn(net.searchPrefix, 26);
    const lbName = ctx.naming.local("search-lb");
    const lbId = pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/loadBalancers/${lbName}`;
    const lb = new network.LoadBalancer(
        `${name}-lb`,
        {
            loadBalancerName: lbName,
            resourceGroupName: rg,
            location: ctx.location,
            sku: { name: "Standard", tier: "Regional" },
            frontendIPConfigurations: [{ name: "search", subnet: { id: net.search.id }, privateIPAllocationMethod: "Static", privateIPAddress: lbIp, zones }],
            backendAddressPools: [{ name: "nodes" }],
            probes: [{ name: "https", protocol: "Tcp", port: SEARCH_PORT, intervalInSeconds: 5, numberOfProbes: 2 }],
            loadBalancingRules: [
                {
                    name: "https",
                    protocol: "Tcp",
                    frontendPort: SEARCH_PORT,
                    backendPort: SEARCH_PORT,
                    frontendIPConfiguration: { id: pulumi.interpolate`${lbId}/frontendIPConfigurations/search` },
                    backendAddressPool: { id: pulumi.interpolate`${lbId}/backendAddressPools/nodes` },
                    probe: { id: pulumi.interpolate`${lbId}/probes/https` },
                    idleTimeoutInMinutes: 15,
                    enableTcpReset: true,
                },
            ],
            tags: ctx.tags,
        },
        ctx.opts(parent),
    );

    const vmPassword = generatedPassword(`${name}-vm-password`, { length: 40, special: true, overrideSpecial: "_-.", requireEveryClass: true }, { parent });
    const secretName = (s: keyvault.Secret) => s.name;
    const vms: compute.VirtualMachine[] = [];
    const bootScripts: pulumi.Output<string>[] = [];
    let bootstrapInput: pulumi.Output<BootScriptInput> | undefined;
    nodes.forEach((node, i) => {
        const zone = zones ? [zones[i % zones.length]] : undefined;
        const nic = new network.NetworkInterface(
            `${name}-node-${i + 1}-nic`,
            {
                networkInterfaceName: ctx.naming.local(`search-${i + 1}-nic`),
                resourceGroupName: rg,
                location: ctx.location,
                ipConfigurations: [
                    {
                        name: "primary",
                        primary: true,
                        subnet: { id: net.search!.id },
                        privateIPAllocationMethod: "Static",
                        privateIPAddress: node.ip,
                        loadBalancerBackendAddressPools: [{ id: pulumi.interpolate`${lb.id}/backendAddressPools/nodes` }],
                    },
                ],
                tags: ctx.tags,
            },
            ctx.opts(parent),
        );
        // Its own resource (protected in prod): a replaced VM attaches the same disk.
        const disk = new compute.Disk(
            `${name}-node-${i + 1}-data`,
            {
                diskName: ctx.naming.local(`search-${i + 1}-data`),
                resourceGroupName: rg,
                location: ctx.location,
                zones: zone,
                sku: { name: prod ? "Premium_LRS" : "StandardSSD_LRS" },
                diskSizeGB: args.storageGb,
                creationData: { createOption: "Empty" },
                tags: ctx.tags,
            },
            ctx.stateful(parent),
        );
        const own = i === 0 ? bootId : nodeId!;
        const input = pulumi
            .all([platform.vault.name, own.clientId, snapshotAccount.name, adminSecret.name, securitySecret.name, caKey.name, caCert.name, ...nodeTls.map((t) => (t ? secretName(t) : pulumi.output("")))])
            .apply(
                ([vault, clientId, account, admin, security, key, cert, ...tls]): BootScriptInput => ({
                    cluster,
                    nodes,
                    index: i,
                    clientIp: lbIp,
                    image: OPENSEARCH_NODE_IMAGES[args.version],
                    memoryMb: size.memoryGb * 1024,
                    secrets: { adminPassword: admin, security, caKey: key, caCert: cert, nodeTls: tls },
                    snapshots: { store: { type: "azure", account, container: SNAPSHOT_CONTAINER }, retentionDays: args.snapshotRetentionDays },
                    hooks: azureBootHooks(`https://${vault}.vault.azure.net/`, clientId),
                }),
            );
        if (i === 0) {
            bootstrapInput = input;
        }
        const script = input.apply((b) => Buffer.from(bootScript(b)).toString("base64"));
        bootScripts.push(script);
        vms.push(
            new compute.VirtualMachine(
                `${name}-node-${i + 1}`,
                {
                    vmName: ctx.naming.local(`search-${i + 1}`),
                    resourceGroupName: rg,
                    location: ctx.location,
                    zones: zone,
                    hardwareProfile: { vmSize: size.vmSize },
                    identity: { type: "UserAssigned", userAssignedIdentities: [own.id] },
                    osProfile: {
                        computerName: node.name,
                        adminUsername: "opsadmin",
                        // No SSH port is open anywhere (NSG); the password only serves the serial console.
                        adminPassword: vmPassword,
                        customData: script,
                        linuxConfiguration: { disablePasswordAuthentication: false, patchSettings: { patchMode: "AutomaticByPlatform", assessmentMode: "AutomaticByPlatform" } },
                    },
                    storageProfile: {
                        imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
                        osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "Premium_LRS" }, deleteOption: "Delete" },
                        dataDisks: [{ lun: 0, createOption: "Attach", managedDisk: { id: disk.id }, deleteOption: "Detach" }],
                    },
                    networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Detach" }] },
                    // Encryption at host also covers the temp disk and the host caches of the disks
                    // (SSE alone covers the disks only); needs the EncryptionAtHost subscription
                    // feature, which the foundation checks (true only once it is registered).
                    securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: ctx.requireFeature("EncryptionAtHost") },
                    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                    tags: ctx.tags,
                },
                // The boot reads secrets with the identity: after the role assignments.
                ctx.opts(parent, { protect: ctx.settings.protect, dependsOn: [...grants, ...platform.vaultReady], ignoreChanges: ["osProfile.customData"] }),
            ),
        );
    });

    // Readiness gate: a run command on the bootstrap VM that waits (bounded) for green and fails
    // the deployment otherwise (treatFailureAsDeploymentFailure: "any failure in the script will
    // fail the deployment", azure-native VirtualMachineRunCommandByVirtualMachine docs). Its
    // script carries a hash of every node's boot script, so a config change runs it again.
    // It asks node 0 (127.0.0.1) with the admin certificate: a backend cannot reach its own
    // internal load balancer's frontend.
    const scripts = pulumi.all(bootScripts);
    const gate = new compute.VirtualMachineRunCommandByVirtualMachine(
        `${name}-ready`,
        {
            resourceGroupName: rg,
            vmName: vms[0].name,
            runCommandName: "anycloud-search-ready",
            location: ctx.location,
            asyncExecution: false,
            treatFailureAsDeploymentFailure: true,
            timeoutInSeconds: 2400,
            source: {
                script: scripts.apply((all) =>
                    readinessScript({
                        url: `https://127.0.0.1:${SEARCH_PORT}`,
                        fetchCa: `cp "$ROOT/etc/opensearch/certs/ca.pem" "$CA" 2>/dev/null && [ -s "$CA" ]`,
                        auth: '--cert "$ROOT/etc/opensearch/bootstrap/admin.pem" --key "$ROOT/etc/opensearch/bootstrap/admin-key.pem"',
                        tries: 40,
                        pauseSeconds: 15,
                        logHint: `/var/log/cloud-init-output.log on ${nodes[0].name} (boot diagnostics, serial console), lines with anycloud-search`,
                    }).replace("\n", `\n# boot scripts: ${stableHash(all.join("\n"), 16)}\n`),
                ),
            },
            tags: ctx.tags,
        },
        ctx.opts(parent, { dependsOn: vms }),
    );

    // The workloads' users on the running cluster (day 2): node 0 loads the current security
    // configuration again with securityadmin, through a run command — its VM keeps the boot
    // script it was created with. The script carries the configuration and the version of every
    // secret it reads, so a changed user list or a rotated password runs it again; services that
    // use search wait for it.
    const users = new compute.VirtualMachineRunCommandByVirtualMachine(
        `${name}-users`,
        {
            resourceGroupName: rg,
            vmName: vms[0].name,
            runCommandName: "anycloud-search-users",
            location: ctx.location,
            asyncExecution: false,
            treatFailureAsDeploymentFailure: true,
            timeoutInSeconds: 1800,
            source: {
                script: pulumi
                    .all([bootstrapInput!, bundle, pulumi.all([securitySecret, adminSecret, ...userSecrets].map((x) => x.properties.secretUriWithVersion))])
                    .apply(([b, config, versions]) => runAsBash(securityApplyScript(b), stableHash([config, ...versions].join("\n"), 16))),
            },
            tags: ctx.tags,
        },
        ctx.opts(parent, { dependsOn: [gate] }),
    );
    ctx.searchReady = [gate, users];

    const { alerts } = ctx.settings;
    vms.forEach((vm, i) =>
        metricAlerts(
            ctx,
            `${name}-node-${i + 1}`,
            vm.id,
            [{ key: "cpu", metricName: "Percentage CPU", operator: "GreaterThan", threshold: alerts.cpuPercent, aggregation: "Average", description: `OpenSearch node ${i + 1} CPU above ${alerts.cpuPercent}%` }],
            parent,
        ),
    );

    return { url: pulumi.output(`https://${lbIp}:${SEARCH_PORT}`), username: pulumi.output(username), password: adminPassword };
}
