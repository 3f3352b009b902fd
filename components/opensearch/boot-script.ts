import { CERT_FUNCTIONS } from "./certificates";
import { adminSubject, caSubject, nodeSubject, opensslSubject } from "./dn";
import { heapOptions } from "./jvm";
import { ClusterNode, opensearchYml } from "./opensearch-yml";
import { SECURITY_FILES, SecurityFile } from "./security-config";
import { ORPHAN_INDICES_JQ, ORPHAN_REMEDY } from "../search-users";
import { repositoryBody, repositoryClientSettings, repositoryKeystore, SNAPSHOT_POLICY, SNAPSHOT_REPOSITORY, snapshotPolicyBody, SnapshotStore } from "./snapshots";

/** What differs between clouds; everything else in the boot script is shared. */
export interface CloudBootHooks {
    /**
     * Shell defining `cloud_token` (prints the VM identity's access token for the secret store
     * as `SECONDS_VALID TOKEN`, SECONDS_VALID being the metadata server's `expires_in`),
     * `secret_get NAME` (prints the value; returns 3 when the secret has no value yet, another
     * non-zero status on any other error), unless `secretCheckJq` is given `secret_check NAME`
     * (the same statuses as secret_get, printing nothing: whether the secret has a value, the
     * value never decoded, written or printed; GCP looks for the answer's payload.data),
     * `secret_fetch NAME` (prints the store's whole answer for the
     * value, the document `secretValueJq` reads it from; 3 when the secret has no value yet, as
     * secret_get, another non-zero status on any other error; secret_get and secret_check are
     * built on it) and `secret_put NAME FILE` (stores FILE as the new value; non-zero on any error). All send
     * `$ACCESS_TOKEN` (the prelude's cache of cloud_token's token) with the prelude's `curl_bearer`
     * (the token in no process's arguments) and return non-zero when it is
     * empty: their callers in the prelude (secret_read, secret_exists, secret_answer,
     * secret_values, secret_store) run `token_fresh` first and drop the token on a failure.
     */
    secretFunctions: string;
    /**
     * For a cloud where only a secret's value tells whether it has one (Azure: a secret Pulumi
     * created holds UNSET until node 0 writes it), instead of `secret_check`: a jq filter from one
     * `secret_fetch` answer to 0 (the secret has a value) or 3 (not yet), an error when the answer
     * holds no value. Node 0 then asks about every other node's secret with one jq run
     * (`secrets_exist`), not one per node.
     */
    secretCheckJq?: string;
    /**
     * A jq filter from one `secret_fetch` answer to the secret's value, a string (an error when
     * the answer holds no value): `secret_values` reads several secrets' values with one jq run,
     * and the security step reads the configuration's with the jq run that parses it.
     */
    secretValueJq: string;
    /** Extra one-time host setup (idempotent; fails the boot with a message). */
    setup?: string;
    /** Stable device path of the data disk. */
    dataDevice: string;
    /** Snapshot repository plugin baked into the node image. */
    snapshotPlugin: "repository-gcs" | "repository-azure";
}

/** Names of the secrets the boot reads or writes (cloud-specific identifiers). */
export interface BootSecrets {
    adminPassword: string;
    /**
     * The security configuration node 0 loads (`securityBundle`): the files with a token per hash
     * and, per token, the secret holding that user's password. Written by Pulumi; read at every
     * boot, so a reboot loads the current users even where the VM keeps its first boot script.
     */
    security: string;
    caKey: string;
    caCert: string;
    /** Per node index: the key + certificate bundle the bootstrap node writes for it (index 0 unused). */
    nodeTls: string[];
}

export interface BootScriptInput {
    cluster: string;
    nodes: ClusterNode[];
    /** This node's index; node 0 is the bootstrap node. */
    index: number;
    /** The clients' stable address (internal load balancer): in every node certificate. */
    clientIp: string;
    image: string;
    memoryMb: number;
    secrets: BootSecrets;
    hooks: CloudBootHooks;
    /** Scheduled OpenSearch snapshots (registered by the bootstrap node); none when absent. */
    snapshots?: { store: SnapshotStore; retentionDays: number };
}

export const HTTP_PORT = 9200;
/** The container user of the OpenSearch image. */
const OS_UID = "1000:1000";

function q(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A file written verbatim (quoted here-document: nothing in it is expanded by the shell). */
function heredoc(path: string, content: string): string {
    if (content.split("\n").includes("ANYCLOUD_EOF")) {
        throw new Error(`${path}: content contains the here-document delimiter`);
    }
    return `put_file "${path}" <<'ANYCLOUD_EOF'\n${content.endsWith("\n") ? content : `${content}\n`}ANYCLOUD_EOF`;
}

/** The subject alternative names of a node certificate (clients connect to the load balancer). */
export function nodeSan(node: ClusterNode, clientIp: string): string {
    return `DNS:${node.name},IP:${node.ip},IP:${clientIp},IP:127.0.0.1`;
}

/** The image the node runs: the pinned OpenSearch image plus the snapshot repository plugin. */
export function localImage(image: string, plugin: string): string {
    const tag = image.split(":")[1] ?? "latest";
    return `anycloud/opensearch:${tag}-${plugin}`;
}

/**
 * The boot script of one node: on every boot, idempotent, `set -u`, every step bounded and
 * failing with "anycloud-search: FAILED: <what>" on stderr (the serial console / boot log).
 * Node 0 is the bootstrap: the only node that ever reads the CA private key; it creates the CA
 * (first boot), issues every node's certificate, writes the other nodes' key+certificate to
 * their secrets and loads the security configuration. The other nodes read only the CA
 * certificate and their own bundle. Keys of the CA and admin never enter the container.
 */
export function bootScript(b: BootScriptInput): string {
    const node = b.nodes[b.index];
    if (!node) {
        throw new Error(`bootScript: node index ${b.index} outside 0..${b.nodes.length - 1}`);
    }
    const bootstrap = b.index === 0;
    const plugin = b.hooks.snapshotPlugin;

    const certificates = bootstrap
        ? `# The CA key is read from its secret only while something must be signed, then removed.
ca_key() {
  [ -s "$BOOT/ca-key.pem" ] || secret_need ${q(b.secrets.caKey)} "$BOOT/ca-key.pem"
}
if [ ! -s "$CERTS/ca.pem" ]; then
  secret_read ${q(b.secrets.caCert)} "$CERTS/ca.pem"
  if [ "$LAST" = 3 ]; then
    # A data disk with shards means the cluster had a CA: its secret was emptied since (e.g. the
    # initial value 'unset' written over it). A second CA would split the cluster: stop and say so.
    if find "$DATA/data" -mindepth 1 -print -quit 2>/dev/null | grep -q .; then
      fail ${q(`secret ${b.secrets.caCert} holds no CA certificate, but the data disk already holds this cluster's data: refusing to create a second CA (make the secret's previous version current again; README: Search on VMs)`)}
    fi
    say "creating the cluster CA (first boot of the cluster)"
    make_ca "$BOOT/ca" ${q(opensslSubject(caSubject(b.cluster)))} || fail "openssl: create the cluster CA"
    # The key first: a CA certificate in its secret always has its key stored.
    secret_store ${q(b.secrets.caKey)} "$BOOT/ca-key.pem" || fail "store the CA key in secret ${b.secrets.caKey} (gave up after $TRIES tries, $PAUSE s apart)"
    secret_store ${q(b.secrets.caCert)} "$BOOT/ca.pem" || fail "store the CA certificate in secret ${b.secrets.caCert} (gave up after $TRIES tries, $PAUSE s apart)"
    mv "$BOOT/ca.pem" "$CERTS/ca.pem" || fail "install the CA certificate"
  fi
fi
if [ ! -s "$CERTS/node.pem" ] || [ ! -s "$CERTS/node-key.pem" ]; then
  ca_key
  issue_cert "$CERTS/node" ${q(opensslSubject(nodeSubject(node.name)))} ${q(nodeSan(node, b.clientIp))} "$CERTS/ca.pem" "$BOOT/ca-key.pem" ||
    fail "openssl: issue the certificate of ${node.name}"
fi
if [ ! -s "$BOOT/admin.pem" ] || [ ! -s "$BOOT/admin-key.pem" ]; then
  ca_key
  issue_cert "$BOOT/admin" ${q(opensslSubject(adminSubject()))} 'DNS:admin' "$CERTS/ca.pem" "$BOOT/ca-key.pem" ||
    fail "openssl: issue the admin certificate"
fi
${
    b.nodes.length > 1
        ? `# Each other node's key and certificate, issued once: at a boot this node asks only whether its
# secret has a value (the key in it is not read back).
secrets_exist ${b.nodes
              .slice(1)
              .map((_, i) => q(b.secrets.nodeTls[i + 1]))
              .join(" ")}\n`
        : ""
}${b.nodes
    .slice(1)
    .map(
        (m, i) => `if [ "\${SECRET_HAS[${q(b.secrets.nodeTls[i + 1])}]}" = 3 ]; then
  ca_key
  issue_cert "$BOOT/peer" ${q(opensslSubject(nodeSubject(m.name)))} ${q(nodeSan(m, b.clientIp))} "$CERTS/ca.pem" "$BOOT/ca-key.pem" ||
    fail "openssl: issue the certificate of ${m.name}"
  cat "$BOOT/peer-key.pem" "$BOOT/peer.pem" >"$BOOT/peer-bundle.pem" || fail "bundle the certificate of ${m.name}"
  secret_store ${q(b.secrets.nodeTls[i + 1])} "$BOOT/peer-bundle.pem" || fail "store the certificate of ${m.name} in secret ${b.secrets.nodeTls[i + 1]} (gave up after $TRIES tries, $PAUSE s apart)"
fi`,
    )
    .join("\n")}
rm -f "$BOOT/ca-key.pem" "$BOOT"/peer*.pem`
        : `[ -s "$CERTS/ca.pem" ] || secret_need ${q(b.secrets.caCert)} "$CERTS/ca.pem"
if [ ! -s "$CERTS/node.pem" ] || [ ! -s "$CERTS/node-key.pem" ]; then
  secret_need ${q(b.secrets.nodeTls[b.index])} "$BOOT/node-bundle.pem"
  openssl pkey -in "$BOOT/node-bundle.pem" -out "$CERTS/node-key.pem" || fail "read the key in secret ${b.secrets.nodeTls[b.index]}"
  openssl x509 -in "$BOOT/node-bundle.pem" -out "$CERTS/node.pem" || fail "read the certificate in secret ${b.secrets.nodeTls[b.index]}"
  rm -f "$BOOT/node-bundle.pem"
fi`;

    const securityAdmin = bootstrap
        ? `
${securityLoadSteps(b.secrets.security, b.hooks.secretValueJq)}${b.snapshots ? snapshotSteps(b.snapshots.store, b.snapshots.retentionDays) : ""}`
        : "";

    return `#!/bin/bash
# anycloud: OpenSearch node ${node.name} (${bootstrap ? "bootstrap" : "member"}) of ${b.cluster}.
# Generated by components/opensearch/boot-script.ts; runs on every boot and is idempotent.
${prelude(b, bootstrap ? node.ip : undefined, bootstrap && b.nodes.length > 1)}
${CERT_FUNCTIONS.trim()}

build_image() {
  {
    printf 'FROM %s\\nRUN /usr/share/opensearch/bin/opensearch-plugin install --batch %s\\n' "$IMAGE" ${q(plugin)}${keystoreLines(b)}
  } | docker build -q -t "$LOCAL_IMAGE" - >/dev/null
}

say "kernel settings"
printf 'vm.max_map_count=262144\\n' | put_file "$ROOT/etc/sysctl.d/99-opensearch.conf"
sysctl -q -w vm.max_map_count=262144 || fail "sysctl vm.max_map_count=262144"

say "packages"
if ! command -v docker >/dev/null || ! command -v jq >/dev/null || ! command -v openssl >/dev/null || ! command -v curl >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  retry "apt-get update" apt-get update -q
  retry "apt-get install docker.io jq openssl curl" apt-get install -y -q docker.io jq openssl curl
fi
systemctl enable --now docker || fail "start docker"
${b.hooks.setup?.trim() ?? ""}

say "data disk"
retry "the data disk ${b.hooks.dataDevice} did not appear" test -e "$DISK"
blkid "$DISK" >/dev/null 2>&1
case $? in
  0) ;;
  2) mkfs.ext4 -q -m 0 -F "$DISK" || fail "format the data disk ${b.hooks.dataDevice}" ;;
  *) fail "blkid could not read the data disk ${b.hooks.dataDevice}" ;;
esac
[ -d "$DATA" ] || mkdir -p "$DATA" || fail "create $DATA"
if ! mountpoint -q "$DATA"; then
  mount -o defaults "$DISK" "$DATA" || fail "mount the data disk ${b.hooks.dataDevice} on /mnt/opensearch"
fi
# A raised search.storageGb grows the disk in place; the file system follows (online, ext4).
resize2fs "$DISK" >/dev/null 2>&1 || fail "grow the file system of the data disk ${b.hooks.dataDevice} (resize2fs)"
if ! grep -qs ' /mnt/opensearch ' "$ROOT/etc/fstab"; then
  echo ${q(`${b.hooks.dataDevice} /mnt/opensearch ext4 defaults,nofail 0 2`)} >>"$ROOT/etc/fstab" || fail "add the data disk to /etc/fstab"
fi
[ -d "$DATA/data" ] || mkdir -p "$DATA/data" || fail "create $DATA/data"
chown ${OS_UID} "$DATA/data" || fail "hand $DATA/data to the OpenSearch user"

say "certificates"
{ [ -d "$CERTS" ] && [ -d "$BOOT" ]; } || mkdir -p "$CERTS" "$BOOT" || fail "create $CERTS"
${certificates}
chown -R ${OS_UID} "$CERTS" || fail "hand $CERTS to the OpenSearch user"

say "configuration"
${heredoc("$ETC/opensearch.yml", opensearchYml({ cluster: b.cluster, node, nodes: b.nodes, extra: b.snapshots ? repositoryClientSettings(b.snapshots.store) : undefined }))}
${heredoc("$ETC/heap.options", heapOptions(b.memoryMb))}
chown ${OS_UID} "$ETC/opensearch.yml" "$ETC/heap.options" || fail "hand the configuration to the OpenSearch user"

say "image"
if ! docker image inspect "$LOCAL_IMAGE" >/dev/null 2>&1; then
  retry "build $LOCAL_IMAGE ($IMAGE with ${plugin})" build_image
fi

say "starting OpenSearch"
docker rm -f opensearch >/dev/null 2>&1
docker run -d --name opensearch --restart unless-stopped --network host \\
  --ulimit nofile=65536:65536 -e DISABLE_INSTALL_DEMO_CONFIG=true \\
  -v "$DATA/data:/usr/share/opensearch/data" \\
  -v "$ETC/opensearch.yml:/usr/share/opensearch/config/opensearch.yml:ro" \\
  -v "$ETC/heap.options:/usr/share/opensearch/config/jvm.options.d/heap.options:ro" \\
  -v "$CERTS:/usr/share/opensearch/config/certs:ro" \\
  "$LOCAL_IMAGE" >/dev/null || fail "docker run $LOCAL_IMAGE"
${securityAdmin}
say "done"
`;
}

/**
 * The shared head of the node scripts: bounds, paths, the helpers and the cloud's secret store
 * functions. `nodeIp` only on node 0 (securityadmin connects to it); `peers` on node 0 of a
 * cluster of several nodes (it asks whether the others' secrets have a value: `secretsExist`).
 */
function prelude(b: BootScriptInput, nodeIp: string | undefined, peers: boolean): string {
    const bootstrapName = b.nodes[0].name;
    const plugin = b.hooks.snapshotPlugin;
    return `set -uo pipefail
umask 077
# ANYCLOUD_ROOT, ANYCLOUD_TRIES and ANYCLOUD_PAUSE exist for the test sandbox; unset on a VM.
ROOT="\${ANYCLOUD_ROOT:-}"
TRIES="\${ANYCLOUD_TRIES:-60}"
PAUSE="\${ANYCLOUD_PAUSE:-10}"
ETC="$ROOT/etc/opensearch"
CERTS="$ETC/certs"
BOOT="$ETC/bootstrap"
DATA="$ROOT/mnt/opensearch"
DISK="$ROOT"${q(b.hooks.dataDevice)}
IMAGE=${q(b.image)}
LOCAL_IMAGE=${q(localImage(b.image, plugin))}
${nodeIp !== undefined ? `NODE_IP=${q(nodeIp)}\n` : ""}LAST=0

say() { echo "anycloud-search: $*"; }
fail() {
  echo "anycloud-search: FAILED: $*" >&2
  exit 1
}
# retry WHAT CMD...: runs CMD until it succeeds, at most TRIES times, PAUSE seconds apart.
retry() {
  local what=$1 n
  shift
  for ((n = 1; n <= TRIES; n++)); do
    "$@" && return 0
    sleep "$PAUSE"
  done
  fail "$what (gave up after $TRIES tries, $PAUSE s apart)"
}
# put_file PATH: writes stdin to PATH (absolute), creating its directory when missing.
# Read by bash itself, not cat (a boot writes a dozen files): text, which holds no NUL byte.
put_file() {
  local content
  [ -d "\${1%/*}/" ] || mkdir -p "\${1%/*}/" || fail "create the directory of $1"
  IFS= read -r -d '' content || :
  printf '%s' "$content" >"$1" || fail "write $1"
}

# token_fresh: ACCESS_TOKEN is the VM identity's access token (cloud_token), fetched once and
# reused until a minute before it expires: one metadata request per boot, not one per secret, as
# the clouds' SDKs cache tokens (azure-sdk-for-js identity TOKEN_CACHING.md; the GCE metadata
# server serves one token until at least 4 minutes before its expiry, google-cloud-go #9139). It
# lives in this shell: secret_get runs in a subshell, so its callers run token_fresh first. A
# failed try drops the token, so the next try takes a new one (a token refused early, e.g. after
# the clock was stepped back at boot).
ACCESS_TOKEN="" ACCESS_TOKEN_UNTIL=0
token_fresh() {
  local reply ttl
  [ -n "$ACCESS_TOKEN" ] && [ "$SECONDS" -lt "$ACCESS_TOKEN_UNTIL" ] && return 0
  reply=$(cloud_token) || return 1
  ttl=\${reply%% *} ACCESS_TOKEN=\${reply#* }
  if [ -z "$ACCESS_TOKEN" ] || [ "$ACCESS_TOKEN" = "$reply" ]; then
    ACCESS_TOKEN=""
    return 1
  fi
  # No usable lifetime: this call only (every call fetches its own, as without the cache).
  case "$ttl" in '' | *[!0-9]*) ttl=0 ;; esac
  ACCESS_TOKEN_UNTIL=$((SECONDS + ttl - 60))
}

# curl_bearer ARGS...: curl sending ACCESS_TOKEN as its Authorization header, which curl reads from
# fd 3 (-H @file, curl 7.55+), never from its arguments: those are readable by every user of the
# VM (/proc/PID/cmdline, ps) and to audit logs, as the password hash step below keeps passwords
# out of them. (A process on the VM can still ask the metadata server for a token of its own.)
curl_bearer() {
  curl -H @/dev/fd/3 "$@" 3<<<"Authorization: Bearer $ACCESS_TOKEN"
}

${b.hooks.secretFunctions.trim()}

# secret_read NAME FILE: sets LAST=0 and fills FILE, or LAST=3 when the secret has no value yet;
# other errors (network, permissions not yet granted, a refused token) are retried, then fail.
secret_read() {
  local n value
  for ((n = 1; n <= TRIES; n++)); do
    token_fresh
    value=$(secret_get "$1")
    LAST=$?
    if [ "$LAST" = 0 ]; then
      printf '%s\\n' "$value" | put_file "$2"
      return 0
    fi
    [ "$LAST" = 3 ] && return 0
    ACCESS_TOKEN=""
    sleep "$PAUSE"
  done
  fail "read secret $1 (gave up after $TRIES tries, $PAUSE s apart)"
}
${peers ? `${secretsExist(b.hooks.secretCheckJq)}\n` : ""}# secret_store NAME FILE: stores FILE as the secret's new value; a failed try drops the token and
# is retried as reads are (a refused token, a network error; a try that was stored after all
# leaves one more version of the same value). Non-zero after TRIES tries: the caller says what failed.
secret_store() {
  local n
  for ((n = 1; n <= TRIES; n++)); do
    token_fresh && secret_put "$1" "$2" && return 0
    ACCESS_TOKEN=""
    sleep "$PAUSE"
  done
  return 1
}
# secret_need NAME FILE: waits (bounded) until the secret has a value.
secret_need() {
  local n
  for ((n = 1; n <= TRIES; n++)); do
    secret_read "$1" "$2"
    [ "$LAST" = 0 ] && return 0
    sleep "$PAUSE"
  done
  fail "secret $1 has no value (it is written by ${bootstrapName}, the bootstrap node: see its boot log)"
}
# secret_answer NAME VAR [none]: sets the variable VAR to the store's answer for the secret's value
# (secret_fetch; never written to disk), retried as a read is (a refused token replaced); the
# caller's one jq run reads the value out of it (jq's start-up is most of what a jq run costs).
# With "none", a secret that has no value yet returns 3 at once (VAR empty), as secret_fetch does.
# An empty answer is not read (jq finds no input in it and succeeds, printing nothing): retried.
secret_answer() {
  local n reply status
  for ((n = 1; ; n++)); do
    token_fresh
    reply=$(secret_fetch "$1")
    status=$?
    [ "$status" = 0 ] && [ -n "$reply" ] && break
    [ "$status" = 0 ] && echo "secret $1: the store's answer was empty" >&2
    if [ "$status" = 3 ] && [ "\${3:-}" = none ]; then
      printf -v "$2" '%s' ""
      return 3
    fi
    ACCESS_TOKEN=""
    [ "$n" -lt "$TRIES" ] || fail "read secret $1 (gave up after $TRIES tries, $PAUSE s apart)"
    sleep "$PAUSE"
  done
  printf -v "$2" '%s' "$reply"
}
# secret_values NAME...: sets SECRET_VALUE[NAME] to each secret's value (never written to disk):
# each answer fetched by secret_answer, one jq run reads the values out of all of them.
secret_values() {
  local name answer answers=() values
  for name in "$@"; do
    secret_answer "$name" answer
    answers+=("$answer")
  done
  declare -gA SECRET_VALUE=()
  [ "$#" -gt 0 ] || return 0
  values=$(printf '%s\\n' "\${answers[@]}" | jq -nr --args ${q(secretValuesJq(b.hooks.secretValueJq))} "$@") ||
    fail "read the values of secrets $*: jq failed (its message is above)"
  eval "$values"
  for name in "$@"; do
    [ -n "\${SECRET_VALUE[$name]:-}" ] || fail "read secret $name: it holds an empty value"
  done
}

`;
}

/**
 * jq over the answers of \`secret_values\` (its arguments, the names, in \`$ARGS.positional\`):
 * one assignment \`SECRET_VALUE[<name>]=<value>\` per name, both quoted by \`@sh\` (the manual's way
 * to hand values to a shell), each value read by the cloud's \`valueJq\`; an error naming the
 * secret whose answer holds no value, and one when there are not as many answers as names.
 * --args, $ARGS, inputs, try/catch and @sh are in jq 1.6 (GCP's Debian 12) and 1.7.1 (Azure's
 * Ubuntu 24.04).
 */
export function secretValuesJq(valueJq: string): string {
    return answersJq("SECRET_VALUE", valueJq);
}

/**
 * jq over one answer per name (the names in `$ARGS.positional`, the answers its inputs): one
 * `@sh`-quoted assignment `<array>[<name>]=<what readJq reads from its answer>` per name; an
 * error naming the secret whose answer holds nothing readJq reads, and one when there are not as
 * many answers as names.
 */
function answersJq(array: "SECRET_VALUE" | "SECRET_HAS", readJq: string): string {
    return String.raw`[inputs] as $answers | $ARGS.positional as $names
| if ($answers | length) != ($names | length) then error("\($answers | length) answers for \($names | length) secrets")
  else range($names | length) as $i
  | ($answers[$i] | try (first(${readJq}) // error("its answer holds no value")) catch error("secret \($names[$i]): \(.)")) as $read
  | @sh "${array}[\($names[$i])]=\($read)"
  end`;
}

/**
 * The prelude's `secrets_exist NAME...`: SECRET_HAS[NAME] is 0 when the secret has a value, 3 when
 * it has none yet, for each NAME (the value never written or printed); other errors are retried as
 * reads are, then fail naming the secret. With the cloud's `secret_check` (no `checkJq`):
 * `secret_exists` for each. With `checkJq`: each answer fetched by secret_answer (none = 3),
 * then one jq run over all of them (`secretsCheckJq`) instead of one per secret.
 */
function secretsExist(checkJq: string | undefined): string {
    if (checkJq === undefined) {
        return `# secret_exists NAME: as secret_read, without the value: LAST=0 when the secret has one, 3 when not yet.
secret_exists() {
  local n
  for ((n = 1; n <= TRIES; n++)); do
    token_fresh
    secret_check "$1"
    LAST=$?
    [ "$LAST" = 0 ] || [ "$LAST" = 3 ] && return 0
    ACCESS_TOKEN=""
    sleep "$PAUSE"
  done
  fail "read secret $1 (gave up after $TRIES tries, $PAUSE s apart)"
}
# secrets_exist NAME...: SECRET_HAS[NAME] is secret_exists' LAST for each NAME.
secrets_exist() {
  local name
  declare -gA SECRET_HAS=()
  for name in "$@"; do
    secret_exists "$name"
    SECRET_HAS[$name]=$LAST
  done
}`;
    }
    return `# secrets_exist NAME...: SECRET_HAS[NAME]=0 when the secret has a value, 3 when not yet, for each
# NAME: the answers fetched as secret_answer reads them, then one jq run tells which hold a value.
secrets_exist() {
  local name answer names=() answers=() has
  declare -gA SECRET_HAS=()
  for name in "$@"; do
    if secret_answer "$name" answer none; then
      names+=("$name")
      answers+=("$answer")
    else
      SECRET_HAS[$name]=3
    fi
  done
  [ "\${#names[@]}" -gt 0 ] || return 0
  has=$(printf '%s\\n' "\${answers[@]}" | jq -nr --args ${q(secretsCheckJq(checkJq))} "\${names[@]}") ||
    fail "read secrets \${names[*]}: jq failed (its message is above)"
  eval "$has"
}`;
}

/**
 * jq over the answers of `secrets_exist` (the names in `$ARGS.positional`): one assignment
 * `SECRET_HAS[<name>]=<0 or 3>` per name, quoted by `@sh`, each read by the cloud's `checkJq`;
 * an error naming the secret whose answer holds no value, and one when there are not as many
 * answers as names (as `secretValuesJq`).
 */
export function secretsCheckJq(checkJq: string): string {
    return answersJq("SECRET_HAS", checkJq);
}

/** Node 0's security steps: write the files (`securityFilesStep`), wait for the node, load them with securityadmin. */
function securityLoadSteps(secret: string, valueJq: string): string {
    return `${securityFilesStep(secret, valueJq)}
answers() {
  case "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:${HTTP_PORT}/")" in
    200 | 401 | 503) return 0 ;;
    *) return 1 ;;
  esac
}
retry "OpenSearch did not answer on https://127.0.0.1:${HTTP_PORT} (see: docker logs opensearch)" answers
${orphanCheckStep()}
# Runs as root in a throwaway container: the admin key never enters the server's container.
security_admin() {
  docker run --rm --network host -u 0:0 \\
    -v "$CERTS/ca.pem:/run/anycloud/ca.pem:ro" -v "$BOOT/admin.pem:/run/anycloud/admin.pem:ro" \\
    -v "$BOOT/admin-key.pem:/run/anycloud/admin-key.pem:ro" \\
${SECURITY_FILES.map((f) => `    -v "$BOOT/security/${f}:/usr/share/opensearch/config/opensearch-security/${f}:ro" \\\n`).join("")}    --entrypoint /bin/bash "$LOCAL_IMAGE" /usr/share/opensearch/plugins/opensearch-security/tools/securityadmin.sh \\
    -cd /usr/share/opensearch/config/opensearch-security -icl -nhnv -h "$NODE_IP" \\
    -cacert /run/anycloud/ca.pem -cert /run/anycloud/admin.pem -key /run/anycloud/admin-key.pem >/dev/null
}
retry "securityadmin could not load the security configuration (has the cluster formed? see: docker logs opensearch)" security_admin`;
}

/**
 * Before securityadmin replaces the security index (and so removes every role the new files
 * lack: the shared `anycloud_app` of earlier versions, a departed workload's role), the step the
 * REST applier takes too (components/search-users.ts `indexCheck`, `ORPHAN_INDICES_JQ`): with the
 * admin certificate, once the cluster is at least yellow (securityadmin waits for that too), it
 * lists every index; when the security index exists it reads the current roles and stops, naming
 * them, if an existing index a removed role reaches would be left to no workload's role. The
 * security index keeps the roles it has, so every workload keeps its access (a boot of node 0
 * fails here with the cluster serving; the day-2 run command fails the up). A new cluster (no
 * security index yet) has nothing to lose.
 */
function orphanCheckStep(): string {
    return `# os_get PATH FILE: a GET to this node with the admin certificate, the body into FILE; prints the HTTP status.
os_get() {
  curl -sS -o "$2" -w '%{http_code}' --cacert "$CERTS/ca.pem" --cert "$BOOT/admin.pem" --key "$BOOT/admin-key.pem" "https://127.0.0.1:${HTTP_PORT}$1"
}
formed() { [ "$(os_get '/_cluster/health?wait_for_status=yellow&timeout=20s' /dev/null)" = 200 ]; }
retry "the cluster did not become yellow (see: docker logs opensearch)" formed
listed() { [ "$(os_get '/_cat/indices?format=json&h=index&expand_wildcards=all' "$BOOT/indices.json")" = 200 ]; }
retry "could not list the indices" listed
if jq -e 'any(.[]; .index == ".opendistro_security")' "$BOOT/indices.json" >/dev/null; then
  current_roles() { [ "$(os_get /_plugins/_security/api/roles "$BOOT/roles.json")" = 200 ]; }
  retry "could not read the current security roles" current_roles
  ORPHANS=$(jq -nr --slurpfile indices "$BOOT/indices.json" --slurpfile roles "$BOOT/roles.json" --slurpfile check "$BOOT/security/check.json" \\
    ${q(`$check[0].keep as $keep | $check[0].covered as $covered | ${ORPHAN_INDICES_JQ}`)}) || fail "could not check the indices against the new roles"
  if [ -n "$ORPHANS" ]; then
    fail "loading the security configuration would remove roles that reach these existing indices, leaving them to no workload's search role: $(printf '%s' "$ORPHANS" | paste -sd ';' - | sed 's/;/; /g'). "${q(ORPHAN_REMEDY + " Nothing was loaded: the cluster keeps its current roles.")}
  fi
fi`;
}

/**
 * What re-applies the security configuration on a running node 0 without a reboot (Azure's run
 * command: the VM keeps the boot script it was created with): the same head and security steps
 * as the boot script, nothing else (OpenSearch keeps running).
 */
export function securityApplyScript(b: BootScriptInput): string {
    if (b.index !== 0) {
        throw new Error("securityApplyScript: only the bootstrap node (index 0) loads the security configuration");
    }
    return `#!/bin/bash
# shellcheck disable=SC2034 # the head is the boot script's; this script uses part of it
# anycloud: re-apply the search security configuration on ${b.nodes[0].name} (node 0) of ${b.cluster}.
# Generated by components/opensearch/boot-script.ts; idempotent.
${prelude(b, b.nodes[0].ip, false)}
${securityLoadSteps(b.secrets.security, b.hooks.secretValueJq)}
say "security configuration applied"
`;
}

/** The shell variable that holds a security file's text in `securityFilesStep` (INTERNAL_USERS_YML, ...). */
function fileVar(f: SecurityFile): string {
    return `${f.replace(/\.yml$/, "").toUpperCase()}_YML`;
}

/** `securityBundleJq`'s exit statuses: statuses jq never exits with itself (see below). */
export const BUNDLE_NOT_CONFIGURATION = 10;
export const BUNDLE_NO_INDEX_CHECK = 11;

/**
 * One jq run over the secret store's answer for the security secret (jq's start-up, compiling
 * its builtins, is most of what a jq call costs: one run where there were seven): the value read
 * out of the answer by the cloud's `valueJq` (an error when it holds none) and parsed as JSON
 * (`fromjson`; its error without the "(while parsing '<the whole value>')" jq appends), then
 * shell assignments quoted by `@sh` (the manual's way to hand values to a shell) of the three
 * files (`fileVar`), the index check (SECURITY_CHECK, JSON) and the passwords to hash
 * (SECURITY_PASSWORDS, `<token> <secret>` lines). `halt_error` exits BUNDLE_NOT_CONFIGURATION
 * when it is not the configuration (an object with objects `files` and `passwords`, each file a
 * text), BUNDLE_NO_INDEX_CHECK when it has no index check (written by an older program).
 * The nodes run jq 1.6 (GCP, Debian 12; the tests' jq) and 1.7.1 (Azure, Ubuntu 24.04). In both,
 * jq itself exits 0, 1 or 4 (-e, and 1.6 on input that is not JSON), 2 (system), 3 (compile
 * error) or 5 (runtime error, as `error` and a value `fromjson` cannot parse), and
 * `halt_error(N)` exits N exactly, printing a string input raw (jqlang/jq src/main.c process()
 * and main()'s return, at tags jq-1.6 and jq-1.7.1); `@sh` quotes a string the same way in both
 * (src/builtin.c f_format "sh"); `fromjson`'s error is the parser's message followed by
 * " (while parsing '<text>')" in both (src/builtin.c f_json_parse). 1.7's NEWS: halt_error stops
 * at once instead of going to the next input (one input here).
 */
export const securityBundleJq = (valueJq: string): string => String.raw`(first(${valueJq}) // error("its answer holds no value"))
| try fromjson catch error(. as $m | ($m | index(" (while parsing '")) as $i | if $i then $m[:$i] else $m end)
| if type != "object" or (.files | type) != "object" or (.passwords | type) != "object" or any(${SECURITY_FILES.map((f) => `.files["${f}"]`).join(", ")}; type != "string") then "" | halt_error(${BUNDLE_NOT_CONFIGURATION})
elif (.check | type) != "object" or (.check.keep | type) != "array" or (.check.covered | type) != "array" then "" | halt_error(${BUNDLE_NO_INDEX_CHECK})
else
  ${SECURITY_FILES.map((f) => `@sh "${fileVar(f)}=\\(.files["${f}"])"`).join(",\n  ")},
  @sh "SECURITY_CHECK=\(.check | tojson)",
  @sh "SECURITY_PASSWORDS=\([.passwords | to_entries[] | "\(.key) \(.value)"] | join("\n"))"
end`;

/**
 * Node 0's step that writes the security files securityadmin loads: the configuration from its
 * secret, each token replaced by the bcrypt hash of the password in the secret it names, hashed
 * by the plugin's own tool in a throwaway container (the password reaches it through the
 * environment, `hash.sh -env PW`, never a command line or a file). Run on every boot: the users are the current ones.
 */
export function securityFilesStep(secret: string, valueJq: string): string {
    return `say "security configuration"
secret_answer ${q(secret)} SECURITY
[ -d "$BOOT/security" ] || mkdir -p "$BOOT/security" || fail "create $BOOT/security"
# jq's own messages (e.g. a value that is not JSON) go to a file and into the failure.
BUNDLE=$(printf '%s\\n' "$SECURITY" | jq -r ${q(securityBundleJq(valueJq))} 2>"$BOOT/security/jq.err")
JQ_STATUS=$?
JQ_ERR=$(<"$BOOT/security/jq.err")
rm -f "$BOOT/security/jq.err"
case $JQ_STATUS in
  0) eval "$BUNDLE" ;;
  ${BUNDLE_NOT_CONFIGURATION}) fail ${q(`secret ${secret} does not hold the security configuration (files, passwords)`)} ;;
  ${BUNDLE_NO_INDEX_CHECK}) fail ${q(`secret ${secret} holds no index check (check.keep, check.covered): written by an older program`)} ;;
  *) fail "read the security configuration in secret "${q(secret)}": jq failed (status $JQ_STATUS): $JQ_ERR" ;;
esac
unset SECURITY BUNDLE JQ_STATUS JQ_ERR
${SECURITY_FILES.filter((f) => f !== "internal_users.yml")
    .map((f) => `printf '%s' "$${fileVar(f)}" | put_file "$BOOT/security/${f}"`)
    .join("\n")}
printf '%s\\n' "$SECURITY_CHECK" | put_file "$BOOT/security/check.json"
USERS_YML=$${fileVar("internal_users.yml")}
PASSWORD_SECRETS=()
while read -r TOKEN SECRET; do
  [ -n "$TOKEN" ] && PASSWORD_SECRETS+=("$SECRET")
done <<<"$SECURITY_PASSWORDS"
secret_values "\${PASSWORD_SECRETS[@]}"
while read -r TOKEN SECRET; do
  [ -n "$TOKEN" ] || continue
  # -env: the tool reads the password from PW itself (opensearch-security Hasher), so it is in no
  # process's arguments, inside the container or on the VM.
  HASH=$(PW="\${SECRET_VALUE[$SECRET]}" docker run --rm -e PW --entrypoint /usr/share/opensearch/plugins/opensearch-security/tools/hash.sh \\
    "$LOCAL_IMAGE" -env PW 2>/dev/null)
  HASH=\${HASH##*$'\\n'} # its last line
  case "$HASH" in
    "\\$2"*) ;;
    *) fail "hash.sh printed no bcrypt hash for the password in secret $SECRET" ;;
  esac
  USERS_YML=\${USERS_YML//"$TOKEN"/$HASH}
done <<<"$SECURITY_PASSWORDS"
case "$USERS_YML" in
  *@HASH:*) fail "a user in the security configuration has no password secret" ;;
esac
printf '%s' "$USERS_YML" | put_file "$BOOT/security/internal_users.yml"
unset USERS_YML SECRET_VALUE ${SECURITY_FILES.map(fileVar).join(" ")}`;
}

/**
 * Dockerfile lines that put the repository client's secure settings (not secrets: the storage
 * account's name) in the image's keystore; `--force` creates the keystore when there is none.
 */
function keystoreLines(b: BootScriptInput): string {
    const entries = Object.entries(b.snapshots ? repositoryKeystore(b.snapshots.store) : {});
    for (const [key, value] of entries) {
        if (!/^[a-z0-9._]+$/.test(key) || !/^[A-Za-z0-9-]+$/.test(value)) {
            throw new Error(`keystore entry ${key}=${value}: letters, digits and hyphens only (it is written into a Dockerfile)`);
        }
    }
    return entries.map(([key, value]) => `\n    echo 'RUN printf %s ${value} | /usr/share/opensearch/bin/opensearch-keystore add --stdin --force ${key}'`).join("");
}

/** Bootstrap step: register the snapshot repository and (re)create the daily policy. */
function snapshotSteps(store: SnapshotStore, retentionDays: number): string {
    const where = store.type === "gcs" ? `bucket ${store.bucket}` : `container ${store.container}`;
    return `

say "snapshots"
# os_api METHOD PATH [BODY]: the HTTP status of a request to this node with the admin certificate.
os_api() {
  curl -sS -o /dev/null -w '%{http_code}' --cacert "$CERTS/ca.pem" --cert "$BOOT/admin.pem" --key "$BOOT/admin-key.pem" \\
    -X "$1" -H 'Content-Type: application/json' --data "\${3:-}" "https://127.0.0.1:${HTTP_PORT}$2"
}
register_repository() {
  [ "$(os_api PUT /_snapshot/${SNAPSHOT_REPOSITORY} ${q(repositoryBody(store))})" = 200 ]
}
snapshot_policy() {
  case "$(os_api GET /_plugins/_sm/policies/${SNAPSHOT_POLICY})" in
    200) [ "$(os_api DELETE /_plugins/_sm/policies/${SNAPSHOT_POLICY})" = 200 ] || return 1 ;;
    404) ;;
    *) return 1 ;;
  esac
  case "$(os_api POST /_plugins/_sm/policies/${SNAPSHOT_POLICY} ${q(snapshotPolicyBody(retentionDays))})" in
    200 | 201) return 0 ;;
    *) return 1 ;;
  esac
}
retry "register the snapshot repository ${SNAPSHOT_REPOSITORY} in ${where} (can every node's identity write it? see: docker logs opensearch)" register_repository
retry "create the snapshot policy ${SNAPSHOT_POLICY} (kept ${retentionDays} days)" snapshot_policy`;
}
