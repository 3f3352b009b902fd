/**
 * Resource types whose replacement or deletion loses data: databases, caches, search nodes,
 * object storage, disks and volumes, and containers that delete everything inside them
 * (resource groups). Listed by type token per target, in one place; the summaries call their
 * replaces and deletes out first.
 */
export const STATEFUL_TYPES: Readonly<Record<"aws" | "gcp" | "azure" | "local", readonly string[]>> = {
    aws: [
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/cluster:Cluster",
        "aws:opensearch/domain:Domain",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:ebs/volume:Volume",
        "aws:efs/fileSystem:FileSystem",
    ],
    gcp: [
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:sql/database:Database",
        "gcp:redis/instance:Instance",
        "gcp:storage/bucket:Bucket",
        "gcp:compute/disk:Disk",
        "gcp:compute/regionDisk:RegionDisk",
    ],
    azure: [
        "azure-native:resources:ResourceGroup",
        "azure-native:dbforpostgresql:Server",
        "azure-native:dbforpostgresql:Database",
        "azure-native:redisenterprise:RedisEnterprise",
        "azure-native:redisenterprise:Database",
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:compute:Disk",
        // The OpenSearch nodes' data disks are created with their VM.
        "azure-native:compute:VirtualMachine",
    ],
    local: ["docker:index/volume:Volume"],
};

const ALL = new Set(Object.values(STATEFUL_TYPES).flat());

export function isStateful(type: string): boolean {
    return ALL.has(type);
}
