/**
 * The boot script of a self-managed OpenSearch node (Debian 12 + Docker). It runs on every boot
 * and is idempotent. No secret is in it or in the instance metadata: the admin password and the
 * cluster CA are read from Secret Manager with the VM's service account token.
 */
export interface NodeBoot {
    project: string;
    cluster: string;
    nodeName: string;
    nodeIp: string;
    nodeIndex: number;
    /** Every node: name and static IP (stable discovery). */
    nodes: { name: string; ip: string }[];
    image: string;
    heapMb: number;
    adminSecret: string;
    caKeySecret: string;
    caCertSecret: string;
}

export function opensearchStartupScript(b: NodeBoot): string {
    const seeds = b.nodes.map((n) => n.ip).join(",");
    const managers = b.nodes.map((n) => n.name).join(",");
    const discovery = b.nodes.length === 1 ? "discovery.type: single-node" : `discovery.seed_hosts: [${seeds}]\ncluster.initial_cluster_manager_nodes: [${managers}]`;
    return `#!/bin/bash
# anycloud: OpenSearch node ${b.nodeName}. Idempotent; runs on every boot.
set -euo pipefail
PROJECT='${b.project}'
NODE_NAME='${b.nodeName}'
NODE_IP='${b.nodeIp}'
NODE_INDEX=${b.nodeIndex}
IMAGE='${b.image}'
C=/etc/opensearch/certs

# Kernel setting OpenSearch requires.
echo 'vm.max_map_count=262144' > /etc/sysctl.d/99-opensearch.conf
sysctl -w vm.max_map_count=262144

if ! command -v docker >/dev/null || ! command -v jq >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io jq openssl curl
fi
# Ops Agent: memory and disk metrics for the alert policies.
if ! systemctl list-unit-files google-cloud-ops-agent.service >/dev/null 2>&1; then
  curl -sSfo /tmp/add-ops-agent.sh https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh
  bash /tmp/add-ops-agent.sh --also-install
fi

# Persistent data disk (snapshotted daily by the disk's resource policy).
DEV=/dev/disk/by-id/google-data
blkid "$DEV" >/dev/null || mkfs.ext4 -m 0 -F -E lazy_itable_init=0,discard "$DEV"
mkdir -p /mnt/data
mountpoint -q /mnt/data || mount -o discard,defaults "$DEV" /mnt/data
grep -q google-data /etc/fstab || echo "$DEV /mnt/data ext4 discard,defaults,nofail 0 2" >> /etc/fstab
mkdir -p /mnt/data/opensearch "$C" /etc/opensearch/security
chown 1000:1000 /mnt/data/opensearch

TOKEN=$(curl -sSf -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token | jq -r .access_token)
SM="https://secretmanager.googleapis.com/v1/projects/$PROJECT/secrets"
secret_get() { curl -sSf -H "Authorization: Bearer $TOKEN" "$SM/$1/versions/latest:access" | jq -r .payload.data | base64 -d; }
secret_add() { printf '{"payload":{"data":"%s"}}' "$(base64 -w0 < "$2")" | curl -sSf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$SM/$1:addVersion" -d @- >/dev/null; }

# Cluster CA: created once by node 0 and shared through Secret Manager.
if [ ! -s "$C/root-ca.pem" ]; then
  if secret_get '${b.caCertSecret}' > "$C/root-ca.pem" 2>/dev/null && [ -s "$C/root-ca.pem" ]; then
    secret_get '${b.caKeySecret}' > "$C/root-ca-key.pem"
  elif [ "$NODE_INDEX" = 0 ]; then
    openssl genrsa -out "$C/root-ca-key.pem" 3072
    openssl req -x509 -new -key "$C/root-ca-key.pem" -subj "/CN=${b.cluster}-ca/O=anycloud" -days 3650 -sha256 -out "$C/root-ca.pem"
    secret_add '${b.caKeySecret}' "$C/root-ca-key.pem"
    secret_add '${b.caCertSecret}' "$C/root-ca.pem"
  else
    until secret_get '${b.caCertSecret}' > "$C/root-ca.pem" 2>/dev/null && [ -s "$C/root-ca.pem" ]; do sleep 10; done
    secret_get '${b.caKeySecret}' > "$C/root-ca-key.pem"
  fi
fi
chmod 600 "$C/root-ca-key.pem"

issue() { # name subject san
  [ -s "$C/$1.pem" ] && return 0
  openssl genrsa -out "$C/$1-rsa.pem" 2048
  openssl pkcs8 -topk8 -nocrypt -in "$C/$1-rsa.pem" -out "$C/$1-key.pem"
  openssl req -new -key "$C/$1-key.pem" -subj "$2" -out "$C/$1.csr"
  printf 'subjectAltName=%s\\nextendedKeyUsage=serverAuth,clientAuth\\n' "$3" > "$C/$1.ext"
  openssl x509 -req -in "$C/$1.csr" -CA "$C/root-ca.pem" -CAkey "$C/root-ca-key.pem" -CAcreateserial -days 825 -sha256 -extfile "$C/$1.ext" -out "$C/$1.pem"
}
issue node "/CN=$NODE_NAME/OU=nodes/O=anycloud" "IP:$NODE_IP,DNS:$NODE_NAME,IP:127.0.0.1"
issue admin "/CN=admin/OU=admins/O=anycloud" "DNS:admin"
chown -R 1000:1000 "$C"

cat > /etc/opensearch/opensearch.yml <<YAML
cluster.name: ${b.cluster}
node.name: $NODE_NAME
network.host: 0.0.0.0
network.publish_host: $NODE_IP
${discovery}
plugins.security.ssl.transport.pemcert_filepath: certs/node.pem
plugins.security.ssl.transport.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.transport.pemtrustedcas_filepath: certs/root-ca.pem
plugins.security.ssl.transport.enforce_hostname_verification: false
plugins.security.ssl.http.enabled: true
plugins.security.ssl.http.pemcert_filepath: certs/node.pem
plugins.security.ssl.http.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.http.pemtrustedcas_filepath: certs/root-ca.pem
plugins.security.nodes_dn: ["CN=*,OU=nodes,O=anycloud"]
plugins.security.authcz.admin_dn: ["CN=admin,OU=admins,O=anycloud"]
plugins.security.allow_default_init_securityindex: false
plugins.security.restapi.roles_enabled: ["all_access"]
YAML

# Admin user: the bcrypt hash of the generated password (the password never touches disk).
PASSWORD=$(secret_get '${b.adminSecret}')
HASH=$(docker run --rm -e PW="$PASSWORD" --entrypoint bash "$IMAGE" -c 'plugins/opensearch-security/tools/hash.sh -p "$PW"' 2>/dev/null | tail -n 1)
unset PASSWORD
cat > /etc/opensearch/security/internal_users.yml <<YAML
_meta:
  type: internalusers
  config_version: 2
admin:
  hash: "$HASH"
  reserved: true
  backend_roles: [admin]
  description: anycloud admin
YAML

docker rm -f opensearch >/dev/null 2>&1 || true
docker run -d --name opensearch --restart unless-stopped --network host \\
  --ulimit nofile=65536:65536 \\
  -e DISABLE_INSTALL_DEMO_CONFIG=true \\
  -e OPENSEARCH_JAVA_OPTS="-Xms${b.heapMb}m -Xmx${b.heapMb}m" \\
  -v /mnt/data/opensearch:/usr/share/opensearch/data \\
  -v /etc/opensearch/opensearch.yml:/usr/share/opensearch/config/opensearch.yml:ro \\
  -v "$C":/usr/share/opensearch/config/certs:ro \\
  -v /etc/opensearch/security/internal_users.yml:/usr/share/opensearch/config/opensearch-security/internal_users.yml:ro \\
  "$IMAGE"

# Node 0 (re)applies the security configuration once the cluster answers.
if [ "$NODE_INDEX" = 0 ]; then
  for _ in $(seq 1 90); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:9200" || true)
    case "$code" in 200|401|503) break ;; esac
    sleep 10
  done
  docker exec opensearch plugins/opensearch-security/tools/securityadmin.sh \\
    -cd config/opensearch-security -icl -nhnv \\
    -cacert config/certs/root-ca.pem -cert config/certs/admin.pem -key config/certs/admin-key.pem -h "$NODE_IP"
fi
`;
}
