import * as crypto from "crypto";

/**
 * One naming helper for every GCP name. Deterministic (a hash of the inputs, never the clock or
 * Math.random), so every preview sees the same names. GCP rules used:
 * - most resources (Compute, Cloud Run, Redis, SQL): RFC 1035 `[a-z]([-a-z0-9]*[a-z0-9])?`, ≤ 63
 * - service account ids: same alphabet, 6-30 characters
 * - bucket names: 3-63, lowercase, digits, hyphens; globally unique across all of GCS
 * - label keys/values: lowercase letters, digits, `_` and `-`, ≤ 63
 */
export function hash(text: string, length = 6): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Lowercase RFC 1035 label of at most `max` characters (a hash keeps truncated names distinct). */
export function rfc1035(raw: string, max = 63): string {
    let s = raw.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-+|-+$/g, "");
    if (!/^[a-z]/.test(s)) {
        s = `a-${s}`;
    }
    if (s.length > max) {
        const h = hash(raw);
        s = `${s.slice(0, max - h.length - 1).replace(/-+$/, "")}-${h}`;
    }
    return s.replace(/-+$/, "");
}

export function labelValue(raw: string): string {
    return raw.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}

export function labelKey(raw: string): string {
    const s = labelValue(raw);
    return /^[a-z]/.test(s) ? s : `k${s}`.slice(0, 63);
}

export class Naming {
    /** `<project>-<stack>`, the prefix of every physical name. */
    readonly prefix: string;

    constructor(
        private readonly project: string,
        private readonly stack: string,
        /** The GCP project id: part of the bucket hash so two projects never collide globally. */
        private readonly gcpProject: string,
    ) {
        this.prefix = rfc1035(`${project}-${stack}`, 30);
    }

    /** A Compute/Cloud Run/Redis style name: `<prefix>-<name>`, ≤ max. */
    resource(name: string, max = 63): string {
        return rfc1035(`${this.prefix}-${name}`, max);
    }

    /**
     * The Cloud Run service name of an application service. The load balancer's serverless NEG
     * only needs this name, so it is derived here and used by both sides.
     * Kept ≤ 46 so a traffic tag still fits (tag + name ≤ 46).
     */
    runService(service: string): string {
        return this.resource(service, 46);
    }

    /** Service account id: 6-30 characters. */
    accountId(name: string): string {
        let id = rfc1035(`${this.prefix}-${name}`, 30);
        if (id.length > 30 || id.length < 6) {
            id = rfc1035(`${name}-${hash(`${this.project}/${this.stack}/${name}`)}`, 30);
        }
        while (id.length < 6) {
            id = `${id}-sa`;
        }
        return id;
    }

    /** Globally unique bucket name: readable part + a hash of project, stack and GCP project. */
    bucket(name: string): string {
        const h = hash(`${this.gcpProject}/${this.project}/${this.stack}/${name}`, 8);
        const readable = rfc1035(`${this.prefix}-${name}`, 63 - h.length - 1);
        return `${readable}-${h}`;
    }

    /** Secret Manager secret id (letters, digits, `-`, `_`; ≤ 255): scoped by stack and owner. */
    secretId(owner: string, variable: string): string {
        return `${this.prefix}-${rfc1035(owner, 40)}-${variable.toLowerCase().replace(/[^a-z0-9_-]/g, "-")}`.slice(0, 255);
    }
}
