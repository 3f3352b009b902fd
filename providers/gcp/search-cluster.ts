import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/gcp/compute";
import * as projects from "@pulumi/gcp/projects";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import { ChildOptions, SearchClusterArgs, SearchClusterOutputs } from "../../components/backend";
import { generatedPassword } from "../../components/secrets";
import { searchAlerts } from "./alerts";
import { GcpContext } from "./context";
import { opensearchStartupScript } from "./opensearch-startup";
import { serviceAccount, storeSecret } from "./secrets";
import { OPENSEARCH_IMAGES, SEARCH_MACHINES } from "./sizes";

/** The n-th host address of a subnet (deterministic static IPs: stable discovery and URLs). */
export function hostInCidr(cidr: string, offset: number): string {
    const [ip] = cidr.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) + offset;
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/**
 * GCP has no managed OpenSearch: N Compute Engine VMs (one per zone, round-robin) running the
 * OpenSearch image with the security plugin and TLS on both layers. Each node has a static
 * internal IP, a persistent data disk with a daily snapshot schedule, no public IP, and a
 * dedicated service account. The admin password and the cluster CA live in Secret Manager.
 */
export function createSearchCluster(ctx: GcpContext, name: string, args: SearchClusterArgs, opts: ChildOptions): SearchClusterOutputs {
    const parent = opts.parent;
    const net = ctx.requireNetwork();
    const protect = ctx.settings.protect;
    const machine = SEARCH_MACHINES[args.size];
    const zones = ctx.zones(parent);
    const cluster = ctx.naming.resource("search", 40);

    const sa = serviceAccount(ctx, `${name}-node-sa`, "search", "OpenSearch nodes", parent);
    for (const role of ["roles/logging.logWriter", "roles/monitoring.metricWriter"]) {
        new projects.IAMMember(
            `${name}-node-${role.split("/")[1].replace(/\./g, "-").toLowerCase()}`,
            { project: ctx.project, role, member: sa.member },
            ctx.opts(parent, ["cloudresourcemanager"]),
        );
    }

    // Admin password: generated, stored in Secret Manager, fetched by the nodes at boot.
    const password = generatedPassword(`${name}-admin-password`, { length: 32, special: true, overrideSpecial: "-_.+=", requireEveryClass: true }, { parent });
    const admin = storeSecret(ctx, `${name}-admin`, ctx.naming.secretId("search", "admin-password"), password, sa.member, parent);

    // The cluster CA is generated on node 0 at first boot (no key material in Pulumi state), so
    // these secrets hold the only copy outside the nodes' boot disks: stateful, protected in prod.
    const caSecret = (id: string, logical: string) =>
        new secretmanager.Secret(
            logical,
            { secretId: ctx.naming.secretId("search", id), project: ctx.project, replication: { auto: {} }, deletionProtection: protect },
            ctx.opts(parent, ["secretmanager"], { protect }),
        );
    const caKey = caSecret("ca-key", `${name}-ca-key`);
    const caCert = caSecret("ca-cert", `${name}-ca-cert`);
    for (const [secret, id] of [
        [caKey, "ca-key"],
        [caCert, "ca-cert"],
    ] as const) {
        for (const role of ["roles/secretmanager.secretAccessor", "roles/secretmanager.secretVersionAdder"]) {
            new secretmanager.SecretIamMember(
                `${name}-${id}-${role.endsWith("Adder") ? "adder" : "access"}`,
                { project: ctx.project, secretId: secret.secretId, role, member: sa.member },
                ctx.opts(parent, ["secretmanager"]),
            );
        }
    }
    ctx.searchCaCertSecret = caCert;

    const snapshots = new compute.ResourcePolicy(
        `${name}-snapshots`,
        {
            name: ctx.naming.resource("search-snapshots"),
            region: ctx.region,
            snapshotSchedulePolicy: {
                schedule: { dailySchedule: { daysInCycle: 1, startTime: "03:00" } },
                retentionPolicy: { maxRetentionDays: args.snapshotRetentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                snapshotProperties: { storageLocations: ctx.region, guestFlush: false },
            },
        },
        ctx.opts(parent, ["compute"]),
    );

    const image = compute.getImageOutput({ family: "debian-12", project: "debian-cloud" }, ctx.invokeOpts(parent));
    const nodes = Array.from({ length: args.nodes }, (_, i) => ({ name: `${cluster}-${i}`, ip: hostInCidr(net.nodesCidr, 10 + i) }));
    const heapMb = Math.min(31744, Math.floor(machine.memoryMb / 2));

    const instances = nodes.map((node, i) => {
        // Distinct zones: node i in zone i (round-robin when the region has fewer zones).
        const zone = zones.apply((z) => z[i % z.length]);
        const address = new compute.Address(
            `${name}-ip-${i}`,
            { name: `${node.name}-ip`, region: ctx.region, addressType: "INTERNAL", purpose: "GCE_ENDPOINT", subnetwork: net.nodesSubnet.id, address: node.ip },
            ctx.opts(parent, ["compute"]),
        );
        const disk = new compute.Disk(
            `${name}-data-${i}`,
            { name: `${node.name}-data`, zone, type: machine.diskType, size: args.storageGb, resourcePolicies: [snapshots.id] },
            ctx.opts(parent, ["compute"], { protect }),
        );
        return new compute.Instance(
            `${name}-node-${i}`,
            {
                name: node.name,
                zone,
                machineType: machine.machineType,
                tags: ["search"],
                bootDisk: { autoDelete: true, initializeParams: { image: image.selfLink, size: 20, type: "pd-balanced" } },
                attachedDisks: [{ source: disk.id, deviceName: "data", mode: "READ_WRITE" }],
                // No accessConfigs: no public IP. Egress goes through Cloud NAT.
                networkInterfaces: [{ subnetwork: net.nodesSubnet.id, networkIp: address.address }],
                serviceAccount: { email: sa.email, scopes: ["cloud-platform"] },
                shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
                metadata: {
                    "enable-oslogin": "TRUE",
                    "block-project-ssh-keys": "TRUE",
                    "startup-script": opensearchStartupScript({
                        project: ctx.project,
                        cluster,
                        nodeName: node.name,
                        nodeIp: node.ip,
                        nodeIndex: i,
                        nodes,
                        image: OPENSEARCH_IMAGES[args.version],
                        heapMb,
                        adminSecret: ctx.naming.secretId("search", "admin-password"),
                        caKeySecret: ctx.naming.secretId("search", "ca-key"),
                        caCertSecret: ctx.naming.secretId("search", "ca-cert"),
                    }),
                },
                allowStoppingForUpdate: true,
                deletionProtection: protect,
                scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
            },
            ctx.opts(parent, ["compute"], { protect, dependsOn: [admin.version, admin.access] }),
        );
    });

    searchAlerts(ctx, parent, instances);

    return {
        url: pulumi.output(`https://${nodes[0].ip}:9200`),
        username: pulumi.output("admin"),
        password,
    };
}
