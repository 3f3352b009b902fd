/**
 * OpenSearch snapshots into the stack's own object store: the repository the bootstrap node
 * registers (repository-gcs / repository-azure plugin, baked into the node image) and the
 * Snapshot Management policy that takes a snapshot every day and deletes those older than
 * `search.snapshotRetentionDays` (OpenSearch "Snapshot management" API, 2.1+). Snapshots are
 * cluster-consistent and incremental; files are shared between snapshots, so the bucket must
 * have no age-based lifecycle deletion: OpenSearch deletes what it no longer needs.
 */
export const SNAPSHOT_REPOSITORY = "anycloud";
export const SNAPSHOT_POLICY = "anycloud-daily";

export type SnapshotStore = { type: "gcs"; bucket: string; project: string } | { type: "azure"; account: string; container: string };

/**
 * How the repository plugin's `default` client authenticates: with the VM's own identity, no key.
 * - GCS: no `gcs.client.default.credentials_file` in the keystore = Application Default
 *   Credentials, i.e. the VM's service account from the metadata server (OpenSearch 2.12+,
 *   opensearch-project/OpenSearch#8394; `GoogleCloudStorageClientSettings.loadCredential`
 *   returns null "so that the default credential can be loaded later"). ADC tokens carry no
 *   project, so `project_id` is set (a plain node setting, `PROJECT_ID_SETTING`).
 * - Azure: `token_credential_type: managed_identity` in opensearch.yml (OpenSearch 2.15+,
 *   opensearch-project/OpenSearch#12559, docs "Azure token credential"); the account name stays
 *   a secure setting that must be in the keystore (`AzureStorageSettings.ACCOUNT_SETTING`: the
 *   clients are the keystore's `azure.client.*.account` entries). The plugin builds a
 *   `ManagedIdentityCredential` without a client id, so IMDS answers with the VM's identity: it
 *   must be the VM's only one (Azure IMDS: client_id is needed only with several identities).
 * Every search.version the config accepts (2.17, 2.19, 3.1) is past both.
 */
export function repositoryClientSettings(store: SnapshotStore): Record<string, string> {
    return store.type === "gcs" ? { "gcs.client.default.project_id": store.project } : { "azure.client.default.token_credential_type": "managed_identity" };
}

/** Secure settings of the client: the OpenSearch keystore of the node image. */
export function repositoryKeystore(store: SnapshotStore): Record<string, string> {
    return store.type === "gcs" ? {} : { "azure.client.default.account": store.account };
}

export function repositoryBody(store: SnapshotStore): string {
    const settings = store.type === "gcs" ? { bucket: store.bucket } : { container: store.container };
    return JSON.stringify({ type: store.type, settings: { ...settings, base_path: "opensearch", client: "default", compress: true } });
}

export function snapshotPolicyBody(retentionDays: number): string {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
        throw new Error(`snapshot retention ${retentionDays}: a whole number of days, at least 1`);
    }
    return JSON.stringify({
        description: `anycloud: a snapshot every day at 03:00 UTC, kept ${retentionDays} days`,
        creation: { schedule: { cron: { expression: "0 3 * * *", timezone: "UTC" } }, time_limit: "2h" },
        deletion: {
            schedule: { cron: { expression: "30 4 * * *", timezone: "UTC" } },
            condition: { max_age: `${retentionDays}d`, min_count: 1 },
            time_limit: "2h",
        },
        snapshot_config: {
            repository: SNAPSHOT_REPOSITORY,
            indices: "*",
            include_global_state: false,
            ignore_unavailable: true,
            partial: false,
            date_format: "yyyy-MM-dd-HH-mm",
            timezone: "UTC",
        },
    });
}
