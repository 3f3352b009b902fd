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

export type SnapshotStore = { type: "gcs"; bucket: string } | { type: "azure"; container: string };

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
