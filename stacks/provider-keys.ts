import { Cloud } from "./settings";

/**
 * The provider config keys a Pulumi user sets the standard way (`pulumi config set aws:region
 * eu-west-1`). This program gives every resource an explicit provider built from its Settings,
 * and an explicit provider reads none of the `aws:*` / `gcp:*` / `azure-native:*` / `docker:*`
 * stack config (by design: pulumi/pulumi-aws#1307, #3259 "resolution/by-design";
 * pulumi/pulumi#4779): left alone, such a key would be silently ignored and the stack deployed
 * to the default region, or with the credentials of the environment.
 *
 * So each standard key that names *where* to deploy is honoured: it is the documented way, read
 * into the same setting as `anycloud:<cloud>.<field>` (still accepted; both may be given only
 * when they agree). Every other key in the chosen cloud's namespace is refused, naming the
 * environment variable the provider does read for it.
 */
export interface ProviderKey {
    /** The standard key, e.g. `aws:region`. */
    key: string;
    /** The cloud whose provider it configures. */
    cloud: Cloud;
    /** The anycloud top-level key and field it sets: `anycloud:aws.region`. */
    top: "aws" | "gcp" | "azure" | "local";
    field: string;
}

export const PROVIDER_KEYS: readonly ProviderKey[] = [
    { key: "aws:region", cloud: "aws", top: "aws", field: "region" },
    { key: "gcp:project", cloud: "gcp", top: "gcp", field: "project" },
    { key: "gcp:region", cloud: "gcp", top: "gcp", field: "region" },
    { key: "azure-native:location", cloud: "azure", top: "azure", field: "location" },
    { key: "azure-native:subscriptionId", cloud: "azure", top: "azure", field: "subscriptionId" },
    { key: "docker:host", cloud: "local", top: "local", field: "dockerHost" },
];

/** The config namespace of each target's provider package. */
export const PROVIDER_NAMESPACES: Record<Cloud, string> = { aws: "aws", gcp: "gcp", azure: "azure-native", local: "docker" };

/**
 * What the explicit provider reads instead of a refused key (the provider's documented
 * environment variables: pulumi-aws, pulumi-gcp, pulumi-azure-native and pulumi-docker
 * "Installation & Configuration" pages).
 */
const ENVIRONMENT_INSTEAD: Record<string, string> = {
    "aws:profile": "AWS_PROFILE",
    "aws:accessKey": "AWS_ACCESS_KEY_ID",
    "aws:secretKey": "AWS_SECRET_ACCESS_KEY",
    "aws:token": "AWS_SESSION_TOKEN",
    "aws:sharedCredentialsFiles": "AWS_SHARED_CREDENTIALS_FILE",
    "aws:sharedConfigFiles": "AWS_CONFIG_FILE",
    "aws:assumeRole": "a profile with role_arn, selected by AWS_PROFILE",
    "gcp:credentials": "GOOGLE_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS",
    "gcp:accessToken": "GOOGLE_OAUTH_ACCESS_TOKEN",
    "gcp:impersonateServiceAccount": "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
    "gcp:zone": "nothing: the program picks the zones of anycloud:network.zones",
    "azure-native:clientId": "ARM_CLIENT_ID",
    "azure-native:clientSecret": "ARM_CLIENT_SECRET",
    "azure-native:tenantId": "ARM_TENANT_ID",
    "azure-native:useOidc": "ARM_USE_OIDC",
    "azure-native:useMsi": "ARM_USE_MSI",
    "azure-native:environment": "ARM_ENVIRONMENT",
    "azure-native:clientCertificatePath": "ARM_CLIENT_CERTIFICATE_PATH",
    "azure-native:clientCertificatePassword": "ARM_CLIENT_CERTIFICATE_PASSWORD",
    "docker:caMaterial": "DOCKER_CERT_PATH",
    "docker:certMaterial": "DOCKER_CERT_PATH",
    "docker:keyMaterial": "DOCKER_CERT_PATH",
    "docker:certPath": "DOCKER_CERT_PATH",
};

/** The standard keys honoured for a cloud, in words (`aws:region`). */
export function honouredKeys(cloud: Cloud): string[] {
    return PROVIDER_KEYS.filter((k) => k.cloud === cloud).map((k) => k.key);
}

/** What a refused provider key is told: the keys that are read, and what to use instead. */
export function refusedProviderKey(key: string, cloud: Cloud): string {
    const instead = ENVIRONMENT_INSTEAD[key];
    const honoured = honouredKeys(cloud);
    return (
        `no other ${PROVIDER_NAMESPACES[cloud]}:* key than ${honoured.join(", ")}: the program deploys through its own ${PROVIDER_NAMESPACES[cloud]} provider, ` +
        `which does not read ${key} (explicit providers ignore provider stack config, pulumi/pulumi-aws#1307)` +
        (instead ? `; set ${instead} in the environment instead` : "; remove it with pulumi config rm")
    );
}

/** A provider key whose value could be a credential: a problem names it but never echoes it. */
export function looksSecret(key: string): boolean {
    return /secret|key|token|password|credential|certificate|material/i.test(key.split(":")[1] ?? key);
}

/**
 * A provider setting as the program reads it from a raw config map: the standard key
 * (`aws:region`), else `anycloud:<top>.<field>`. For the offline engine's mocks, which answer
 * for the region, project or subscription the program deploys to; validation is load-settings'.
 */
export function providerSetting(config: Record<string, string>, top: ProviderKey["top"], field: string): string | undefined {
    const standard = PROVIDER_KEYS.find((k) => k.top === top && k.field === field);
    if (standard && config[standard.key] !== undefined) return config[standard.key];
    try {
        const value = JSON.parse(config[`anycloud:${top}`] ?? "{}")?.[field];
        return typeof value === "string" ? value : undefined;
    } catch {
        return undefined;
    }
}
