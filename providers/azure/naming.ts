import * as crypto from "crypto";

/**
 * Azure's naming rules in one place. Names inside the stack's resource group come from project +
 * stack. Names that must be globally unique (DNS names, storage accounts, vaults, registries) end
 * in a hash that also covers what makes them this deployment's: the subscription and location
 * (two teams deploying `anycloud/dev` never collide), and for soft-deleted kinds a random salt kept
 * in state (a Key Vault's name stays taken 7/90 days after its delete, so a destroy → up must not
 * ask for it again). No clock, no Math.random.
 */
export interface NameRule {
    /** Maximum length Azure accepts. */
    max: number;
    /** `hyphen`: letters, digits and single hyphens; `alnum`: letters and digits only. */
    charset: "hyphen" | "alnum";
    lowercase: boolean;
    /** Must start with a letter (Key Vault, Container Apps, WAF policies, ...). */
    startLetter: boolean;
}

export const RULES = {
    resourceGroup: { max: 90, charset: "hyphen", lowercase: false, startLetter: false },
    generic: { max: 64, charset: "hyphen", lowercase: true, startLetter: true },
    /** Storage accounts: 3-24 lowercase letters and digits, globally unique. */
    storageAccount: { max: 24, charset: "alnum", lowercase: true, startLetter: true },
    /** Key Vault: 3-24 letters, digits, hyphens; starts with a letter; globally unique. */
    keyVault: { max: 24, charset: "hyphen", lowercase: true, startLetter: true },
    /** ACR: 5-50 letters and digits, globally unique. */
    registry: { max: 50, charset: "alnum", lowercase: true, startLetter: true },
    /** PostgreSQL flexible server: 3-63 lowercase letters, digits, hyphens; a global DNS name. */
    postgres: { max: 63, charset: "hyphen", lowercase: true, startLetter: true },
    /** Azure Managed Redis: 1-60, letters digits hyphens; a global DNS name. */
    redis: { max: 60, charset: "hyphen", lowercase: true, startLetter: true },
    /** Container Apps: 2-32 lowercase letters, digits, hyphens; starts with a letter. */
    containerApp: { max: 32, charset: "hyphen", lowercase: true, startLetter: true },
    /** Front Door endpoint: 1-46, becomes part of a global host name. */
    frontDoorEndpoint: { max: 46, charset: "hyphen", lowercase: true, startLetter: true },
    /** WAF policy: letters and digits only, starts with a letter, at most 128. */
    wafPolicy: { max: 128, charset: "alnum", lowercase: false, startLetter: true },
    /** Key Vault secret: 1-127 letters, digits, hyphens. */
    secret: { max: 127, charset: "hyphen", lowercase: true, startLetter: true },
    /** Linux computer name: 1-64, kept short so node names stay readable. */
    computer: { max: 15, charset: "hyphen", lowercase: true, startLetter: true },
    /** Action group short name: at most 12 characters. */
    shortName: { max: 12, charset: "alnum", lowercase: true, startLetter: true },
} satisfies Record<string, NameRule>;

/**
 * The input that carries each global name: ignored after creation (`ignoreChanges`), so the name a
 * resource was created with stays, and a stack created before names covered subscription and
 * location is not replaced (a new name is a new storage account, server or vault: data lost).
 */
export const CREATE_ONLY_NAME = {
    storageAccount: ["accountName"],
    keyVault: ["vaultName"],
    registry: ["registryName"],
    postgres: ["serverName"],
    redis: ["clusterName"],
    frontDoorEndpoint: ["endpointName"],
};

export function stableHash(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A deterministic GUID (role assignments need GUID names); v4-shaped so Azure accepts it. */
export function stableGuid(text: string): string {
    const h = stableHash(text, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function clean(text: string, rule: NameRule): string {
    let out = rule.lowercase ? text.toLowerCase() : text;
    out = rule.charset === "alnum" ? out.replace(/[^A-Za-z0-9]/g, "") : out.replace(/[^A-Za-z0-9-]/g, "-").replace(/-+/g, "-");
    return out.replace(/^-+|-+$/g, "");
}

/** Fits `parts` into the rule; with `unique`, a hash of the full text ends the name. */
export function fitName(parts: string[], rule: NameRule, unique: string | undefined): string {
    const sep = rule.charset === "alnum" ? "" : "-";
    const suffix = unique === undefined ? "" : stableHash(unique, rule.max >= 20 ? 6 : 4);
    const room = rule.max - (suffix ? suffix.length + sep.length : 0);
    let body = clean(parts.map((p) => clean(p, rule)).filter((p) => p.length > 0).join(sep), rule).slice(0, room);
    body = body.replace(/-+$/g, "");
    if (rule.startLetter && !/^[A-Za-z]/.test(body)) {
        body = `a${body}`.slice(0, room).replace(/-+$/g, "");
    }
    const name = suffix ? (body ? `${body}${sep}${suffix}` : `a${suffix}`) : body || "a";
    return name;
}

/** The naming helper of one stack. */
export class AzureNaming {
    private readonly identity: string;

    constructor(
        public readonly project: string,
        public readonly stack: string,
    ) {
        this.identity = `${project}/${stack}`;
    }

    /** A name inside the stack's resource group (unique there by construction). */
    local(kind: string, rule: NameRule = RULES.generic): string {
        return fitName([this.project, this.stack, kind], rule, this.needsHash([this.project, this.stack, kind], rule) ? `${this.identity}/${kind}` : undefined);
    }

    /**
     * A globally unique name (DNS names, storage accounts, vaults, registries). `scope` is what
     * makes the deployment unique: `<subscription>/<location>` (+ `/<salt>` for soft-deleted kinds).
     */
    global(kind: string, rule: NameRule, scope: string): string {
        return fitName([this.project, this.stack, kind], rule, `${scope}/${this.identity}/${kind}`);
    }

    resourceGroup(): string {
        return this.local("rg", RULES.resourceGroup);
    }

    storageAccount(scope: string): string {
        return this.global("st", RULES.storageAccount, scope);
    }

    keyVault(scope: string): string {
        return this.global("kv", RULES.keyVault, scope);
    }

    registry(scope: string): string {
        return this.global("acr", RULES.registry, scope);
    }

    containerApp(service: string): string {
        return this.local(service, RULES.containerApp);
    }

    /**
     * Deterministic GUID for a role assignment: the same grant gets the same name on every run.
     * Names are unique in the whole Entra tenant, so the key must hold the subscription, the scope,
     * the principal and the role (as Azure's own guidance builds them: guid(scope, principal, role)).
     */
    roleAssignment(subscription: string, scope: string, principal: string, role: string): string {
        return stableGuid([subscription, scope, principal, role].join("|"));
    }

    private needsHash(parts: string[], rule: NameRule): boolean {
        // Truncation could make two long names equal; a hash keeps them apart.
        return parts.map((p) => clean(p, rule)).join("-").length > rule.max;
    }
}

/** Checks a name against a rule (used by the tests and by validate for user-given names). */
export function satisfies(name: string, rule: NameRule): boolean {
    if (name.length < 1 || name.length > rule.max) {
        return false;
    }
    if (rule.lowercase && name !== name.toLowerCase()) {
        return false;
    }
    if (rule.startLetter && !/^[A-Za-z]/.test(name)) {
        return false;
    }
    const chars = rule.charset === "alnum" ? /^[A-Za-z0-9]+$/ : /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;
    return chars.test(name);
}
