/**
 * What the GCP identities need, for each resource type and invoke the program uses. The README
 * (first deploy: GCP) lists the same roles; test/permissions.spec.ts fails on a type or invoke
 * without a row here, and on a role the README does not name. Roles are predefined IAM roles,
 * granted on the project.
 */

/** Roles of the deploy identity (`pulumi up`/`destroy`), with what each covers. */
export const DEPLOY_ROLES: Record<string, string> = {
    "roles/serviceusage.serviceUsageAdmin": "enables the APIs the stack needs (projects.Service)",
    "roles/compute.admin": "VPC, subnets, firewall rules, router/NAT, addresses, search VMs and disks, load balancer, Cloud Armor, certificates",
    "roles/servicenetworking.networksAdmin": "the private services access connection",
    "roles/cloudsql.admin": "Cloud SQL instances, databases, users",
    "roles/redis.admin": "Memorystore",
    "roles/run.admin": "Cloud Run services, worker pools, the database init job and the stack's jobs (and running them), the invoker grant on a scheduled job",
    "roles/cloudscheduler.admin": "the Cloud Scheduler jobs that start scheduled jobs (stacks with a schedule)",
    "roles/iam.serviceAccountAdmin": "the per-service service accounts",
    "roles/iam.serviceAccountUser": "acting as those service accounts (Cloud Run, VMs)",
    "roles/resourcemanager.projectIamAdmin": "project-level grants to the service accounts (logging, monitoring writers)",
    "roles/secretmanager.admin": "secrets, their versions and per-secret grants",
    "roles/storage.admin": "buckets and per-bucket grants",
    "roles/storage.hmacKeyAdmin": "the HMAC key of the S3-compatible bucket access",
    "roles/monitoring.editor": "alert policies and notification channels",
    "roles/logging.configWriter": "the stack's own log bucket and the sinks routing its logs there",
    "roles/artifactregistry.admin": "the image repository (stacks that build images)",
    "roles/dns.admin": "records in the configured Cloud DNS zone (stacks with a dnsZone)",
};

/** Roles of the preview/drift identity (`pulumi preview`, `pulumi refresh`): reads only. */
export const READ_ROLES: Record<string, string> = {
    "roles/viewer": "reads every resource and runs the look-ups (zones, images)",
    "roles/secretmanager.secretAccessor": "refresh reads secret versions (their payload)",
};

/** Resource type → the deploy role that lets the identity create, update and delete it. */
export const RESOURCE_ROLES: Record<string, keyof typeof DEPLOY_ROLES> = {
    "gcp:projects/service:Service": "roles/serviceusage.serviceUsageAdmin",
    "gcp:projects/iAMMember:IAMMember": "roles/resourcemanager.projectIamAdmin",
    "gcp:compute/address:Address": "roles/compute.admin",
    "gcp:compute/backendService:BackendService": "roles/compute.admin",
    "gcp:compute/disk:Disk": "roles/compute.admin",
    "gcp:compute/firewall:Firewall": "roles/compute.admin",
    "gcp:compute/globalAddress:GlobalAddress": "roles/compute.admin",
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": "roles/compute.admin",
    "gcp:compute/instance:Instance": "roles/compute.admin",
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": "roles/compute.admin",
    "gcp:compute/network:Network": "roles/compute.admin",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": "roles/compute.admin",
    "gcp:compute/resourcePolicy:ResourcePolicy": "roles/compute.admin",
    "gcp:compute/router:Router": "roles/compute.admin",
    "gcp:compute/routerNat:RouterNat": "roles/compute.admin",
    "gcp:compute/sSLPolicy:SSLPolicy": "roles/compute.admin",
    "gcp:compute/securityPolicy:SecurityPolicy": "roles/compute.admin",
    "gcp:compute/subnetwork:Subnetwork": "roles/compute.admin",
    "gcp:compute/targetHttpProxy:TargetHttpProxy": "roles/compute.admin",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": "roles/compute.admin",
    "gcp:compute/uRLMap:URLMap": "roles/compute.admin",
    "gcp:compute/forwardingRule:ForwardingRule": "roles/compute.admin",
    "gcp:compute/instanceGroup:InstanceGroup": "roles/compute.admin",
    "gcp:compute/regionBackendService:RegionBackendService": "roles/compute.admin",
    "gcp:compute/regionHealthCheck:RegionHealthCheck": "roles/compute.admin",
    "gcp:servicenetworking/connection:Connection": "roles/servicenetworking.networksAdmin",
    "gcp:sql/database:Database": "roles/cloudsql.admin",
    "gcp:sql/databaseInstance:DatabaseInstance": "roles/cloudsql.admin",
    "gcp:sql/user:User": "roles/cloudsql.admin",
    "gcp:redis/instance:Instance": "roles/redis.admin",
    "gcp:cloudrunv2/job:Job": "roles/run.admin",
    "gcp:cloudrunv2/jobIamMember:JobIamMember": "roles/run.admin",
    "gcp:cloudscheduler/job:Job": "roles/cloudscheduler.admin",
    "gcp:cloudrunv2/service:Service": "roles/run.admin",
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": "roles/run.admin",
    "gcp:cloudrunv2/workerPool:WorkerPool": "roles/run.admin",
    "gcp:serviceaccount/account:Account": "roles/iam.serviceAccountAdmin",
    "gcp:secretmanager/secret:Secret": "roles/secretmanager.admin",
    "gcp:secretmanager/secretIamMember:SecretIamMember": "roles/secretmanager.admin",
    "gcp:secretmanager/secretVersion:SecretVersion": "roles/secretmanager.admin",
    "gcp:storage/bucket:Bucket": "roles/storage.admin",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "roles/storage.admin",
    "gcp:storage/hmacKey:HmacKey": "roles/storage.hmacKeyAdmin",
    "gcp:monitoring/alertPolicy:AlertPolicy": "roles/monitoring.editor",
    "gcp:monitoring/notificationChannel:NotificationChannel": "roles/monitoring.editor",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": "roles/logging.configWriter",
    "gcp:logging/projectSink:ProjectSink": "roles/logging.configWriter",
    "gcp:artifactregistry/repository:Repository": "roles/artifactregistry.admin",
    "gcp:dns/recordSet:RecordSet": "roles/dns.admin",
    // Built images are pushed to Artifact Registry with the deploy identity's access token.
    "docker:index/image:Image": "roles/artifactregistry.admin",
};

/** Invoke → the IAM permission it calls (both identities run invokes: previews call them too). */
export const INVOKE_ACTIONS: Record<string, string> = {
    "gcp:compute/getZones:getZones": "compute.zones.list (roles/viewer, roles/compute.admin)",
    "gcp:compute/getImage:getImage": "compute.images.get on the public debian-cloud project (any authenticated identity)",
    "gcp:organizations/getClientConfig:getClientConfig": "none (the provider's own configuration)",
    "gcp:organizations/getProject:getProject": "resourcemanager.projects.get (roles/viewer; the project number in a called service's URL)",
    "gcp:sql/getDatabaseInstances:getDatabaseInstances": "cloudsql.instances.list (roles/cloudsql.admin; the admin login the stack's instance records before a create-only change)",
    "gcp:sql/getCaCerts:getCaCerts": "cloudsql.instances.listServerCas (roles/cloudsql.admin, roles/cloudsql.viewer; the CAs the services trust, read on every run)",
    "gcp:redis/getInstance:getInstance": "redis.instances.get (roles/redis.admin; the running tier and version before a create-only change)",
};
