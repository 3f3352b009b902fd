import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as random from "@pulumi/random";
import { ChildOptions, SearchClusterArgs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { metricAlerts } from "./alerts";
import { AzureContext } from "./context";
import { RULES } from "./naming";
import { hostIn, zoneList } from "./network";
import { SEARCH_VM_SIZES } from "./sizes";

export const SEARCH_PORT = 9200;

/**
 * The boot script of one OpenSearch node. Secrets are not in it: the node reads the admin
 * password and the cluster CA key from Key Vault with its managed identity. Every node builds the
 * same CA certificate from that key, so node certificates verify across the cluster without
 * copying files between nodes.
 */
export function nodeScript(p: {
    version: string;
    cluster: string;
    nodeName: string;
    nodeIp: string;
    lbIp: string;
    nodes: { name: string; ip: string }[];
    heapGb: number;
    vaultUrl: string;
    identityClientId: string;
    adminSecret: string;
    caKeySecret: string;
    bootstrap: boolean;
}): string {
    const major = p.version.split(".")[0];
    const seeds = p.nodes.map((n) => n.ip).join(",");
    const managers = p.nodes.map((n) => n.name).join(",");
    return `#!/bin/bash
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# Data disk (LUN 0) holds the indices.
DISK=/dev/disk/azure/scsi1/lun0
until [ -e "$DISK" ]; do sleep 2; done
blkid "$DISK" || mkfs.ext4 -F "$DISK"
mkdir -p /var/lib/opensearch && grep -q /var/lib/opensearch /etc/fstab || echo "$DISK /var/lib/opensearch ext4 defaults,nofail 0 2" >> /etc/fstab
mount -a
apt-get update && apt-get install -y curl gnupg jq openssl
curl -fsSL https://artifacts.opensearch.org/publickeys/opensearch.pgp | gpg --dearmor --batch --yes -o /usr/share/keyrings/opensearch.gpg
echo "deb [signed-by=/usr/share/keyrings/opensearch.gpg] https://artifacts.opensearch.org/releases/bundle/opensearch/${major}.x/apt stable main" > /etc/apt/sources.list.d/opensearch.list
apt-get update
token() { curl -sf -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=${p.identityClientId}" | jq -r .access_token; }
secret() { curl -sf -H "Authorization: Bearer $(token)" "${p.vaultUrl}secrets/$1?api-version=7.4" | jq -r .value; }
until ADMIN_PASSWORD=$(secret ${p.adminSecret}) && [ -n "$ADMIN_PASSWORD" ]; do sleep 10; done
CA_KEY_HEX=$(secret ${p.caKeySecret})
OPENSEARCH_INITIAL_ADMIN_PASSWORD="$ADMIN_PASSWORD" apt-get install -y "opensearch=${p.version}.*"
chown -R opensearch:opensearch /var/lib/opensearch
C=/etc/opensearch/certs; mkdir -p $C; cd $C
# CA key from the 32 random bytes in Key Vault (SEC1 DER for P-256), the same on every node.
printf '30310201010420%sa00a06082a8648ce3d030107' "$CA_KEY_HEX" | xxd -r -p | openssl ec -inform DER -out ca-key.pem
openssl req -x509 -new -key ca-key.pem -subj "/CN=${p.cluster}-ca" -days 3650 -set_serial 1 -out ca.pem
sign() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1-key.tmp" -subj "$2" -out "$1.csr"
  openssl pkcs8 -topk8 -nocrypt -in "$1-key.tmp" -out "$1-key.pem"; rm "$1-key.tmp"
  printf 'subjectAltName=%s\\nextendedKeyUsage=serverAuth,clientAuth\\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$1.ext" -out "$1.pem"; }
sign node "/CN=${p.nodeName}" "DNS:${p.nodeName},IP:${p.nodeIp},IP:${p.lbIp}"
sign admin "/CN=admin" "DNS:admin"
rm ca-key.pem; chown -R opensearch:opensearch $C; chmod 600 $C/*-key.pem
cat > /etc/opensearch/opensearch.yml <<YML
cluster.name: ${p.cluster}
node.name: ${p.nodeName}
network.host: ${p.nodeIp}
path.data: /var/lib/opensearch
path.logs: /var/log/opensearch
discovery.seed_hosts: [${seeds}]
${p.nodes.length > 1 ? `cluster.initial_cluster_manager_nodes: [${managers}]` : "discovery.type: single-node"}
plugins.security.ssl.transport.pemcert_filepath: certs/node.pem
plugins.security.ssl.transport.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.transport.pemtrustedcas_filepath: certs/ca.pem
plugins.security.ssl.http.enabled: true
plugins.security.ssl.http.pemcert_filepath: certs/node.pem
plugins.security.ssl.http.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.http.pemtrustedcas_filepath: certs/ca.pem
plugins.security.nodes_dn: ["CN=${p.cluster}-*"]
plugins.security.authcz.admin_dn: ["CN=admin"]
plugins.security.allow_default_init_securityindex: true
YML
sed -i "s/^-Xms.*/-Xms${p.heapGb}g/; s/^-Xmx.*/-Xmx${p.heapGb}g/" /etc/opensearch/jvm.options
HASH=$(OPENSEARCH_JAVA_HOME=/usr/share/opensearch/jdk /usr/share/opensearch/plugins/opensearch-security/tools/hash.sh -p "$ADMIN_PASSWORD" | tail -n1)
cat > /etc/opensearch/opensearch-security/internal_users.yml <<YML
_meta: { type: "internalusers", config_version: 2 }
admin: { hash: "$HASH", reserved: true, backend_roles: ["admin"] }
YML
systemctl enable --now opensearch
${p.bootstrap ? `until curl -sk --cert $C/admin.pem --key $C/admin-key.pem "https://${p.nodeIp}:${SEARCH_PORT}/_cluster/health" >/dev/null; do sleep 10; done
OPENSEARCH_JAVA_HOME=/usr/share/opensearch/jdk bash /usr/share/opensearch/plugins/opensearch-security/tools/securityadmin.sh -cd /etc/opensearch/opensearch-security -icl -nhnv -cacert $C/ca.pem -cert $C/admin.pem -key $C/admin-key.pem -h ${p.nodeIp}` : "true"}
`;
}

/**
 * Self-managed OpenSearch (Azure has no managed OpenSearch): one VM per node with a static
 * private address in the search subnet (stable discovery and certificates), no public IP,
 * a managed data disk, spread over zones in prod, behind an internal load balancer that gives
 * clients one stable https address. TLS and the security plugin are on with a generated admin
 * password kept in Key Vault.
 */
export function createSearchCluster(ctx: AzureContext, name: string, args: SearchClusterArgs, opts: ChildOptions): SearchClusterOutputs {
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

    const adminPassword = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "_-.", requireEveryClass: true }, { parent });
    const caKey = new random.RandomId(`${name}-ca-key`, { byteLength: 32 }, { parent });
    const adminSecret = ctx.storeSecret(`${name}-admin-password`, adminPassword, parent, "OpenSearch admin password");
    // A P-256 scalar must be below the group order; 0x7f.. as the top byte keeps every value valid.
    const caSecret = ctx.storeSecret(`${name}-ca-key`, pulumi.secret(caKey.hex.apply((h) => `7f${h.slice(2)}`)), parent, "OpenSearch cluster CA key (hex)");
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-identity`,
        { resourceName: ctx.naming.local("search-id"), resourceGroupName: rg, location: ctx.location, tags: ctx.tags },
        ctx.opts(parent),
    );
    const grants = [adminSecret, caSecret].map((s, i) =>
        ctx.grant(`${name}-secret-${i === 0 ? "admin" : "ca"}`, "keyVaultSecretsUser", identity.principalId, s.id, parent, ["search", i === 0 ? "admin" : "ca"]),
    );

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

    const nodes = Array.from({ length: args.nodes }, (_, i) => ({ name: `${cluster}-${i + 1}`.slice(-RULES.computer.max).replace(/^[^a-z]+/, "n"), ip: hostIn(net.searchPrefix!, i + 1) }));
    const vmPassword = generatedPassword(`${name}-vm-password`, { length: 40, special: true, overrideSpecial: "_-.", requireEveryClass: true }, { parent });
    const vms: compute.VirtualMachine[] = [];
    nodes.forEach((node, i) => {
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
        const script = pulumi
            .all([platform.vault.name, identity.clientId, adminSecret.name, caSecret.name])
            .apply(([vault, clientId, admin, ca]) =>
                Buffer.from(
                    nodeScript({
                        version: args.version,
                        cluster,
                        nodeName: node.name,
                        nodeIp: node.ip,
                        lbIp,
                        nodes,
                        heapGb: Math.max(1, Math.floor(size.memoryGb / 2)),
                        vaultUrl: `https://${vault}.vault.azure.net/`,
                        identityClientId: clientId,
                        adminSecret: admin,
                        caKeySecret: ca,
                        bootstrap: i === 0,
                    }),
                ).toString("base64"),
            );
        vms.push(
            new compute.VirtualMachine(
                `${name}-node-${i + 1}`,
                {
                    vmName: ctx.naming.local(`search-${i + 1}`),
                    resourceGroupName: rg,
                    location: ctx.location,
                    zones: zones ? [zones[i % zones.length]] : undefined,
                    hardwareProfile: { vmSize: size.vmSize },
                    identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
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
                        dataDisks: [
                            {
                                lun: 0,
                                createOption: "Empty",
                                diskSizeGB: args.storageGb,
                                managedDisk: { storageAccountType: prod ? "Premium_LRS" : "StandardSSD_LRS" },
                                // Keep the index data when a VM is replaced.
                                deleteOption: "Detach",
                            },
                        ],
                    },
                    networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Detach" }] },
                    // Encryption at host also covers the temp disk and the host caches of the disks
                    // (SSE alone covers the disks only); needs the EncryptionAtHost subscription feature.
                    securityProfile: { securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true }, encryptionAtHost: true },
                    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                    tags: ctx.tags,
                },
                ctx.opts(parent, { protect: ctx.settings.protect, dependsOn: [...grants, ...platform.vaultReady], ignoreChanges: ["osProfile.customData"] }),
            ),
        );
    });

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

    return { url: pulumi.output(`https://${lbIp}:${SEARCH_PORT}`), username: pulumi.output("admin"), password: adminPassword };
}
