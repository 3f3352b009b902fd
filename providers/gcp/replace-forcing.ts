import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on GCP (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). Extracted from hashicorp/terraform-provider-google at e03b762 (the provider pulumi-gcp
 * bridges): every schema field marked `ForceNew: true` in the file each row names, plus the
 * `CustomizeDiff` ForceNewIf rules in `note`; Pulumi property names (camelCase, lists
 * pluralised as in the SDK).
 * `stateful` marks what holds data a replacement or deletion loses; `nameProperty` is the
 * bridged provider's auto-named property: set explicitly, the bridge deletes before replacing.
 */
export const replaceForcing: ReplaceTable = {
    "gcp:cloudrunv2/job:Job": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/cloudrunv2/resource_cloud_run_v2_job.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["location", "name", "project", "tags"],
    },
    "gcp:cloudrunv2/jobIamMember:JobIamMember": {
        source: "hashicorp/terraform-provider-google@e03b762 tpgiamresource/resource_iam_member.go (role, member, condition ForceNew) and services/cloudrunv2/iam_cloud_run_v2_job.go (project, location, name ForceNew)",
        forceNew: ["condition", "location", "member", "name", "project", "role"],
    },
    "gcp:cloudscheduler/job:Job": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/cloudscheduler/resource_cloud_scheduler_job.go (ForceNew: name, region, project)",
        nameProperty: "name",
        forceNew: ["name", "project", "region"],
    },
    "gcp:cloudrunv2/service:Service": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/cloudrunv2/resource_cloud_run_v2_service.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["location", "name", "project", "tags"],
    },
    "gcp:cloudrunv2/workerPool:WorkerPool": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/cloudrunv2/resource_cloud_run_v2_worker_pool.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["location", "name", "project", "template.containers.dependsOns"],
    },
    "gcp:compute/address:Address": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_address.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["address", "addressType", "description", "ipCollection", "ipVersion", "ipv6EndpointType", "name", "network", "networkTier", "prefixLength", "project", "purpose", "region", "subnetwork"],
    },
    "gcp:compute/backendService:BackendService": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_backend_service.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["name", "params", "params.resourceManagerTags", "project"],
    },
    "gcp:compute/disk:Disk": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_disk.go (ForceNew)",
        stateful: true,
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIfChange(\"size\", IsDiskShrinkage): a smaller size replaces",
        forceNew: ["architecture", "asyncPrimaryDisk", "asyncPrimaryDisk.disk", "description", "diskEncryptionKey", "diskEncryptionKey.kmsKeySelfLink", "diskEncryptionKey.kmsKeyServiceAccount", "diskEncryptionKey.rawKey", "diskEncryptionKey.rsaEncryptedKey", "enableConfidentialCompute", "guestOsFeatures", "image", "licenses", "name", "params", "params.resourceManagerTags", "physicalBlockSizeBytes", "project", "snapshot", "sourceDisk", "sourceImageEncryptionKey", "sourceImageEncryptionKey.kmsKeySelfLink", "sourceImageEncryptionKey.kmsKeyServiceAccount", "sourceImageEncryptionKey.rawKey", "sourceInstantSnapshot", "sourceSnapshotEncryptionKey", "sourceSnapshotEncryptionKey.kmsKeySelfLink", "sourceSnapshotEncryptionKey.kmsKeyServiceAccount", "sourceSnapshotEncryptionKey.rawKey", "sourceStorageObject", "storagePool", "type", "zone"],
    },
    "gcp:compute/firewall:Firewall": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_firewall.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["direction", "name", "params", "project"],
    },
    "gcp:compute/forwardingRule:ForwardingRule": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_forwarding_rule.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["allPorts", "backendService", "description", "ipAddress", "ipCollection", "ipProtocol", "ipVersion", "isMirroringCollector", "loadBalancingScheme", "name", "network", "networkTier", "noAutomateDnsZone", "portRange", "ports", "project", "region", "serviceDirectoryRegistrations", "serviceDirectoryRegistrations.namespace", "serviceDirectoryRegistrations.service", "serviceLabel", "sourceIpRanges", "subnetwork"],
    },
    "gcp:compute/globalAddress:GlobalAddress": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_global_address.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["address", "addressType", "description", "ipVersion", "name", "network", "prefixLength", "project", "purpose"],
    },
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_global_forwarding_rule.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "ipAddress", "ipProtocol", "ipVersion", "metadataFilters", "metadataFilters.filterLabels", "metadataFilters.filterLabels.name", "metadataFilters.filterLabels.value", "metadataFilters.filterMatchCriteria", "name", "network", "networkTier", "noAutomateDnsZone", "portRange", "project", "serviceDirectoryRegistrations", "serviceDirectoryRegistrations.namespace", "serviceDirectoryRegistrations.serviceDirectoryRegion", "sourceIpRanges", "subnetwork"],
    },
    "gcp:compute/instance:Instance": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_instance.go (ForceNew)",
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIf(\"metadata_startup_script\"): a changed startup script replaces the VM",
        forceNew: ["advancedMachineFeatures.enableUefiNetworking", "attachedDisks.forceAttach", "bootDisk", "bootDisk.deviceName", "bootDisk.diskEncryptionKeyRaw", "bootDisk.diskEncryptionKeyRsa", "bootDisk.diskEncryptionServiceAccount", "bootDisk.forceAttach", "bootDisk.guestOsFeatures", "bootDisk.initializeParams", "bootDisk.initializeParams.architecture", "bootDisk.initializeParams.enableConfidentialCompute", "bootDisk.initializeParams.image", "bootDisk.initializeParams.provisionedIops", "bootDisk.initializeParams.provisionedThroughput", "bootDisk.initializeParams.replicaZones", "bootDisk.initializeParams.resourceManagerTags", "bootDisk.initializeParams.resourcePolicies", "bootDisk.initializeParams.snapshot", "bootDisk.initializeParams.sourceImageEncryptionKey.kmsKeySelfLink", "bootDisk.initializeParams.sourceImageEncryptionKey.kmsKeyServiceAccount", "bootDisk.initializeParams.sourceImageEncryptionKey.rawKey", "bootDisk.initializeParams.sourceImageEncryptionKey.rsaEncryptedKey", "bootDisk.initializeParams.sourceSnapshotEncryptionKey.kmsKeySelfLink", "bootDisk.initializeParams.sourceSnapshotEncryptionKey.kmsKeyServiceAccount", "bootDisk.initializeParams.sourceSnapshotEncryptionKey.rawKey", "bootDisk.initializeParams.sourceSnapshotEncryptionKey.rsaEncryptedKey", "bootDisk.initializeParams.storagePool", "bootDisk.initializeParams.type", "bootDisk.kmsKeySelfLink", "bootDisk.mode", "bootDisk.source", "confidentialInstanceConfig", "guestAccelerators", "guestAccelerators.count", "guestAccelerators.type", "hostname", "instanceEncryptionKey", "instanceEncryptionKey.kmsKeySelfLink", "instanceEncryptionKey.kmsKeyServiceAccount", "keyRevocationActionType", "metadataStartupScript", "name", "networkInterfaces", "networkInterfaces.ipv6AccessConfigs.externalIpv6", "networkInterfaces.ipv6AccessConfigs.externalIpv6PrefixLength", "networkInterfaces.ipv6AccessConfigs.name", "networkInterfaces.networkAttachment", "networkInterfaces.nicType", "networkInterfaces.queueCount", "networkInterfaces.vlan", "networkPerformanceConfig", "networkPerformanceConfig.totalEgressBandwidthTier", "params", "project", "reservationAffinity", "reservationAffinity.specificReservation", "reservationAffinity.specificReservation.key", "reservationAffinity.specificReservation.values", "reservationAffinity.type", "scheduling.localSsdRecoveryTimeout", "scheduling.localSsdRecoveryTimeout.nanos", "scheduling.localSsdRecoveryTimeout.seconds", "scheduling.maxRunDuration", "scheduling.maxRunDuration.nanos", "scheduling.maxRunDuration.seconds", "scheduling.onInstanceStopAction", "scheduling.onInstanceStopAction.discardLocalSsd", "scheduling.preemptible", "scheduling.provisioningModel", "scheduling.terminationTime", "scratchDisks", "scratchDisks.size", "workloadIdentityConfig.identity", "workloadIdentityConfig.identityCertificateEnabled", "zone"],
    },
    "gcp:compute/instanceGroup:InstanceGroup": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_instance_group.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "name", "network", "project", "zone"],
    },
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_managed_ssl_certificate.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "managed", "managed.domains", "name", "project", "type"],
    },
    "gcp:compute/network:Network": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_network.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["autoCreateSubnetworks", "description", "internalIpv6Range", "name", "networkProfile", "params", "params.resourceManagerTags", "project"],
    },
    "gcp:compute/regionBackendService:RegionBackendService": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_region_backend_service.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["haPolicy.fastIpMove", "loadBalancingScheme", "name", "network", "params", "params.resourceManagerTags", "project"],
    },
    "gcp:compute/regionHealthCheck:RegionHealthCheck": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_region_health_check.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["name", "project", "region"],
    },
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_region_network_endpoint_group.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["appEngine", "appEngine.service", "appEngine.urlMask", "appEngine.version", "cloudFunction", "cloudFunction.function", "cloudFunction.urlMask", "cloudRun", "cloudRun.service", "cloudRun.tag", "cloudRun.urlMask", "description", "name", "network", "networkEndpointType", "project", "pscData", "pscData.producerPort", "pscTargetService", "region", "subnetwork"],
    },
    "gcp:compute/resourcePolicy:ResourcePolicy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_resource_policy.go (ForceNew)",
        forceNew: ["diskConsistencyGroupPolicy.enabled", "groupPlacementPolicy.gpuTopology", "project", "region", "workloadPolicy.acceleratorTopology", "workloadPolicy.maxTopologyDistance", "workloadPolicy.type"],
    },
    "gcp:compute/router:Router": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_router.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["encryptedInterconnectRouter", "name", "nccGateway", "network", "params", "project", "region"],
    },
    "gcp:compute/routerNat:RouterNat": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_router_nat.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["endpointTypes", "initialNatIps", "name", "project", "region", "router", "type"],
    },
    "gcp:compute/sSLPolicy:SSLPolicy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_ssl_policy.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "name", "project"],
    },
    "gcp:compute/securityPolicy:SecurityPolicy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_security_policy.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["name", "project", "type"],
    },
    "gcp:compute/subnetwork:Subnetwork": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_subnetwork.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "externalIpv6Prefix", "internalIpv6Prefix", "name", "network", "params", "params.resourceManagerTags", "project", "region", "reservedInternalRange", "resolveSubnetMask"],
    },
    "gcp:compute/targetHttpProxy:TargetHttpProxy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_target_http_proxy.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "httpKeepAliveTimeoutSec", "name", "project", "proxyBind"],
    },
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_target_https_proxy.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["description", "httpKeepAliveTimeoutSec", "name", "project", "proxyBind", "tlsEarlyData"],
    },
    "gcp:compute/uRLMap:URLMap": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/compute/resource_compute_url_map.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["name", "project"],
    },
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/logging/resource_logging_project_bucket_config.go (ForceNew)",
        forceNew: ["bucketId", "location", "project"],
    },
    "gcp:artifactregistry/repository:Repository": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/artifactregistry/resource_artifact_registry_repository.go (ForceNew)",
        nameProperty: "repositoryId",
        forceNew: ["format", "repositoryId", "kmsKeyName", "location", "mode", "remoteRepositoryConfig", "project"],
    },
    "gcp:logging/projectSink:ProjectSink": {
        source: "hashicorp/terraform-provider-google@01164dd google/services/logging/resource_logging_project_sink.go + resource_logging_sink.go (name, project ForceNew)",
        nameProperty: "name",
        forceNew: ["name", "project"],
    },
    "gcp:monitoring/alertPolicy:AlertPolicy": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/monitoring/resource_monitoring_alert_policy.go (ForceNew)",
        forceNew: ["project"],
    },
    "gcp:monitoring/notificationChannel:NotificationChannel": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/monitoring/resource_monitoring_notification_channel.go (ForceNew)",
        forceNew: ["project"],
    },
    "gcp:projects/iAMMember:IAMMember": {
        source: "hashicorp/terraform-provider-google@e03b762 google/tpgiamresource/resource_iam_member.go + google/services/resourcemanager/iam_project.go (IamProjectSchema)",
        forceNew: ["role", "member", "condition", "project"],
    },
    "gcp:projects/service:Service": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/resourcemanager/resource_google_project_service.go (ForceNew)",
        forceNew: ["project", "service"],
    },
    "gcp:redis/instance:Instance": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/redis/resource_redis_instance.go (ForceNew)",
        stateful: true,
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIfChange(\"redis_version\", isRedisVersionDecreasing): a downgrade replaces",
        forceNew: ["alternativeLocationId", "authorizedNetwork", "connectMode", "customerManagedKey", "locationId", "name", "project", "region", "reservedIpRange", "tier", "transitEncryptionMode"],
    },
    "gcp:secretmanager/secret:Secret": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/secretmanager/resource_secret_manager_secret.go (ForceNew)",
        stateful: true,
        forceNew: ["project", "replication", "replication.auto", "replication.userManaged", "replication.userManaged.replicas", "replication.userManaged.replicas.location", "secretId", "tags"],
    },
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": {
        source: "hashicorp/terraform-provider-google google/tpgiamresource/resource_iam_member.go + generated iam_cloud_run_v2_service.go (name, location, project ForceNew, as every IAM member's parent)",
        forceNew: ["role", "member", "condition", "name", "location", "project"],
    },
    "gcp:secretmanager/secretIamMember:SecretIamMember": {
        source: "hashicorp/terraform-provider-google@e03b762 google/tpgiamresource/resource_iam_member.go + generated iam_secret_manager_secret.go (secret_id, project ForceNew)",
        forceNew: ["role", "member", "condition", "secretId", "project"],
    },
    "gcp:secretmanager/secretVersion:SecretVersion": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/secretmanager/resource_secret_manager_secret_version.go (ForceNew)",
        forceNew: ["isSecretDataBase64", "project", "secret", "secretData", "secretDataWoVersion"],
    },
    "gcp:serviceaccount/account:Account": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/resourcemanager/resource_google_service_account.go (ForceNew)",
        nameProperty: "accountId",
        forceNew: ["accountId", "project"],
    },
    "gcp:servicenetworking/connection:Connection": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/servicenetworking/resource_service_networking_connection.go (ForceNew)",
        forceNew: ["network", "service"],
    },
    "gcp:sql/database:Database": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/sql/resource_sql_database.go (ForceNew)",
        stateful: true,
        nameProperty: "name",
        forceNew: ["instance", "name", "project"],
    },
    "gcp:sql/databaseInstance:DatabaseInstance": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/sql/resource_sql_database_instance.go (ForceNew)",
        stateful: true,
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIf(\"master_instance_name\"): promoting or re-pointing a replica replaces it",
        forceNew: ["encryptionKeyName", "masterInstanceName", "name", "project", "region", "replicaConfiguration.caCertificate", "replicaConfiguration.clientCertificate", "replicaConfiguration.clientKey", "replicaConfiguration.connectRetryInterval", "replicaConfiguration.dumpFilePath", "replicaConfiguration.failoverTarget", "replicaConfiguration.masterHeartbeatPeriod", "replicaConfiguration.password", "replicaConfiguration.sslCipher", "replicaConfiguration.username", "replicaConfiguration.verifyServerCertificate", "settings.collation"],
    },
    "gcp:sql/user:User": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/sql/resource_sql_user.go (ForceNew)",
        nameProperty: "name",
        forceNew: ["host", "iamEmail", "instance", "name", "project", "type"],
    },
    "gcp:storage/bucket:Bucket": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/storage/resource_storage_bucket.go (ForceNew)",
        stateful: true,
        nameProperty: "name",
        note: "CustomizeDiff ForceNewIfChange(\"retention_policy.0.is_locked\"): unlocking a locked policy replaces",
        forceNew: ["customPlacementConfig.dataLocations", "enableObjectRetention", "hierarchicalNamespace", "hierarchicalNamespace.enabled", "location", "name", "project"],
    },
    "gcp:storage/bucketIAMMember:BucketIAMMember": {
        source: "hashicorp/terraform-provider-google@e03b762 google/tpgiamresource/resource_iam_member.go + generated iam_storage_bucket.go (bucket ForceNew)",
        forceNew: ["role", "member", "condition", "bucket"],
    },
    "gcp:storage/hmacKey:HmacKey": {
        source: "hashicorp/terraform-provider-google@e03b762 google/services/storage/resource_storage_hmac_key.go (ForceNew)",
        stateful: true,
        forceNew: ["project", "serviceAccountEmail"],
    },
    "pulumi:providers:gcp": {
        source: "pulumi-gcp provider: a changed project or region changes every resource's identity",
        forceNew: ["project", "region"],
    },
};
