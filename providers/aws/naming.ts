import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { RandomId } from "@pulumi/random/randomId";

/**
 * The one place AWS names are made. Names are deterministic (a hash of the long form, never the
 * clock or Math.random) so every preview is identical, and they respect each service's limits.
 */
export function shortHash(text: string, length = 6): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Lowercase, `[a-z0-9-]` only, no leading/trailing or doubled hyphens. */
export function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/** Fits `text` into `max` characters; when it must cut, a hash of the full text keeps it unique. */
export function fit(text: string, max: number): string {
    if (text.length <= max) {
        return text;
    }
    const hash = shortHash(text);
    return `${text.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

export class Naming {
    /** `<project>-<stack>`, the prefix of every physical name. */
    readonly base: string;

    constructor(
        readonly project: string,
        readonly stack: string,
    ) {
        this.base = slug(`${project}-${stack}`) || "anycloud";
    }

    /** A generic physical name (ECS cluster/services, WAF, Lambda: all allow ≥ 64 characters). */
    name(part: string, max = 64): string {
        return fit(slug(`${this.base}-${part}`), max);
    }

    /** ALB and target group names: ≤ 32 characters, alphanumerics and hyphens. */
    loadBalancer(part: string): string {
        return fit(slug(`${this.base}-${part}`), 32);
    }

    /** RDS identifiers: ≤ 63, start with a letter, no double or trailing hyphen. */
    dbIdentifier(part: string): string {
        return startWithLetter(fit(slug(`${this.base}-${part}`), 63));
    }

    /** ElastiCache replication group id: ≤ 40, lowercase, starts with a letter. */
    cacheId(part: string): string {
        return startWithLetter(fit(slug(`${this.base}-${part}`), 40));
    }

    /** OpenSearch domain: 3-28 characters, lowercase letters, digits and hyphens, starts with a letter. */
    searchDomain(part: string): string {
        return startWithLetter(fit(slug(`${this.base}-${part}`), 28));
    }

    /**
     * S3 bucket names are global across all AWS accounts: account id and region make them unique
     * without randomness, and the result stays within 63 lowercase characters.
     */
    bucket(logical: string, accountId: string, region: string): string {
        const suffix = `-${accountId}-${region}`;
        return startWithLetter(`${fit(slug(`${this.base}-${logical}`), 63 - suffix.length)}${suffix}`);
    }

    /** CloudWatch log group path for a part of this stack. */
    logGroup(part: string): string {
        return `/anycloud/${slug(this.project)}/${slug(this.stack)}/${slug(part)}`;
    }

    /** Secrets Manager name prefix (paths with `/` group a stack's secrets in the console). */
    secretPrefix(part: string): string {
        return `anycloud/${slug(this.project)}/${slug(this.stack)}/${slug(part)}-`;
    }

    /**
     * The Cloud Map private DNS namespace services call each other in (`<service>.<namespace>`):
     * a private hosted zone of the VPC, so the name need not be unique beyond it; one DNS label
     * (≤ 63) under `.internal`, the TLD reserved for private use (ICANN, 2024).
     */
    discoveryNamespace(): string {
        return `${fit(this.base, 63)}.internal`;
    }

    /** CloudWatch metric names (WAF visibility): alphanumerics, hyphen and underscore. */
    metric(part: string): string {
        return fit(`${this.base}-${part}`.replace(/[^A-Za-z0-9_-]/g, "-"), 128);
    }
}

function startWithLetter(name: string): string {
    return /^[a-z]/.test(name) ? name : `a${name}`.slice(0, Math.max(name.length, 3));
}

/**
 * A final snapshot name unique to this creation of the resource: a fixed `<id>-final` exists after
 * the first destroy, so the second destroy of a re-created stack fails with
 * `DBSnapshotAlreadyExists` (terraform-aws-modules/terraform-aws-rds#445). The suffix is random
 * and kept in state, so it is stable across `up`s and new after a destroy.
 */
export function finalSnapshotName(id: string, parent: pulumi.Resource): pulumi.Output<string> {
    const suffix = new RandomId(`${id}-final-snapshot`, { byteLength: 4 }, { parent });
    return pulumi.interpolate`${id}-final-${suffix.hex}`;
}
