import { ReplaceTable } from "../../stacks/changes";

/**
 * What forces a replacement, for every type this program creates on the local Docker engine (`npm run plan --
 * --change` and the day-2 tests read it; a test fails when the program creates a type with no
 * row). Extracted from kreuzwerker/terraform-provider-docker at 83c00e0 (the provider
 * pulumi-docker bridges): every field marked `ForceNew: true`. A container is replaced on
 * almost any change; its data lives in volumes, which are kept.
 * `stateful` marks what holds data a replacement or deletion loses; `nameProperty` is the
 * bridged provider's auto-named property: set explicitly, the bridge deletes before replacing.
 */
export const replaceForcing: ReplaceTable = {
    "docker:index/container:Container": {
        source: "kreuzwerker/terraform-provider-docker@83c00e0 internal/provider/resource_docker_container.go (ForceNew)",
        forceNew: ["capabilities", "capabilities.adds", "capabilities.drops", "cgroupParent", "cgroupnsMode", "command", "cpus", "deviceRequests", "deviceRequests.capabilities", "deviceRequests.count", "deviceRequests.deviceIds", "deviceRequests.driver", "deviceRequests.options", "devices", "devices.containerPath", "devices.hostPath", "devices.permissions", "dns", "dnsOpts", "dnsSearches", "domainname", "entrypoints", "envs", "gpus", "groupAdds", "hostname", "hosts", "hosts.host", "hosts.ip", "image", "ipcMode", "labels", "logDriver", "logOpts", "mounts", "mounts.tmpfsOptions", "mounts.volumeOptions.subpath", "name", "networkMode", "networksAdvanced", "networksAdvanced.aliases", "networksAdvanced.driverOpts", "networksAdvanced.gwPriority", "networksAdvanced.ipv4Address", "networksAdvanced.ipv6Address", "networksAdvanced.linkLocalIps", "networksAdvanced.macAddress", "networksAdvanced.name", "pidMode", "platform", "ports", "ports.external", "ports.internal", "ports.ip", "ports.protocol", "privileged", "publishAllPorts", "readOnly", "runtime", "securityOpts", "shmSize", "stdinOpen", "stopSignal", "stopTimeout", "storageOpts", "sysctls", "tty", "ulimits", "ulimits.hard", "ulimits.name", "ulimits.soft", "uploads", "uploads.content", "uploads.contentBase64", "uploads.executable", "uploads.file", "uploads.permissions", "uploads.source", "uploads.sourceHash", "user", "usernsMode", "volumes", "volumes.containerPath", "volumes.fromContainer", "volumes.hostPath", "volumes.readOnly", "volumes.selinuxRelabel", "volumes.volumeName", "workingDir"],
    },
    "docker:index/network:Network": {
        source: "kreuzwerker/terraform-provider-docker@83c00e0 internal/provider/resource_docker_network.go (ForceNew)",
        forceNew: ["attachable", "driver", "ingress", "internal", "ipamConfigs", "ipamConfigs.auxAddress", "ipamConfigs.gateway", "ipamConfigs.ipRange", "ipamConfigs.subnet", "ipamDriver", "ipamOptions", "ipv6", "labels", "name", "options"],
    },
    "docker:index/remoteImage:RemoteImage": {
        source: "kreuzwerker/terraform-provider-docker@83c00e0 internal/provider/resource_docker_image.go (ForceNew)",
        forceNew: ["buildArgs", "context", "forceRemove", "name", "platform", "pullTriggers", "triggers"],
    },
    "docker:index/volume:Volume": {
        source: "kreuzwerker/terraform-provider-docker@83c00e0 internal/provider/resource_docker_volume.go (ForceNew)",
        stateful: true,
        forceNew: ["cluster.group", "cluster.limitBytes", "cluster.requiredBytes", "cluster.scope", "cluster.sharing", "cluster.topologyPreferred", "cluster.topologyRequired", "cluster.type", "driver", "driverOpts", "labels", "name"],
    },
    "pulumi:providers:docker": {
        source: "pulumi-docker provider: a changed host is another Docker engine",
        forceNew: ["host"],
    },
};
