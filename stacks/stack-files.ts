import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_NAMESPACE, ConfigError } from "./errors";

/**
 * Reads stack config the way the Pulumi CLI hands it to a program: `Pulumi.yaml` defaults, then
 * `Pulumi.<stack>.yaml` values, as a flat map of `namespace:key` to string (JSON for
 * structured values). Used by the offline plan and the tests; `pulumi up` does this itself.
 */
export function projectName(dir: string): string {
    const project = readYaml(path.join(dir, "Pulumi.yaml")) as { name: string };
    return project.name;
}

/**
 * A YAML file's content; a syntax error is a ConfigError (exit 2, nothing run) naming the file,
 * the line and the column, and the line itself.
 */
export function readYaml(file: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    try {
        return YAML.parse(text);
    } catch (e) {
        if (!(e instanceof YAML.YAMLError)) throw e;
        const [at] = e.linePos ?? [];
        const where = at ? `${path.relative(process.cwd(), file) || file}:${at.line}:${at.col}` : path.relative(process.cwd(), file) || file;
        const line = at ? text.split("\n")[at.line - 1] : undefined;
        const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        throw new ConfigError([{ key: where, value: line, accepted: `valid YAML (${message})` }]);
    }
}

export function readStackConfig(dir: string, stackFile: string): Record<string, string> {
    return readStack(dir, stackFile).config;
}

/**
 * The project's name and the stack's config (readStackConfig) from one read of Pulumi.yaml:
 * `npm run plan` needs both, and parsing the project file a second time for its name was ~4 ms.
 */
export function readStack(dir: string, stackFile: string): { project: string; config: Record<string, string> } {
    const projectFile = readYaml(path.join(dir, "Pulumi.yaml")) as {
        name: string;
        config?: Record<string, { default?: unknown; value?: unknown } | unknown>;
    };
    const config: Record<string, string> = {};
    for (const [key, spec] of Object.entries(projectFile.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${projectFile.name}:${key}`;
        if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
            const s = spec as { default?: unknown; value?: unknown };
            const v = s.value ?? s.default;
            if (v !== undefined) {
                config[fullKey] = encode(v);
            }
        } else if (spec !== undefined) {
            config[fullKey] = encode(spec);
        }
    }
    const stack = readYaml(stackFile) as { config?: Record<string, unknown> } | null;
    for (const [key, raw] of Object.entries(stack?.config ?? {})) {
        // Operator secrets (`pulumi config set --secret --path anycloud:operatorSecrets.<NAME>`):
        // the offline plan cannot decrypt them and plans with a stand-in value for each instead.
        const value = key === `${CONFIG_NAMESPACE}:operatorSecrets` ? withoutEncrypted(raw) : raw;
        if (value === undefined) {
            continue;
        }
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            throw new Error(`${stackFile}: ${key} is an encrypted secret; the offline plan cannot decrypt it`);
        }
        const fullKey = key.includes(":") ? key : `${projectFile.name}:${key}`;
        config[fullKey] = encode(value);
    }
    return { project: projectFile.name, config };
}

/** An operator-secrets map without its encrypted leaves (undefined when nothing is left). */
function withoutEncrypted(value: unknown): unknown {
    if (value === null || typeof value !== "object" || "secure" in (value as object)) {
        return undefined;
    }
    const kept = Object.entries(value as Record<string, unknown>).filter(([, v]) => !(v !== null && typeof v === "object" && "secure" in (v as object)));
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A `--config` value: JSON when it parses (numbers, booleans, lists, objects), else a string. */
export function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * Sets `key=value` like `pulumi config set --path`: `cloud=aws`, `database.size=large`,
 * `services.app.replicas.min=3`, `aws:region=eu-west-1` (another namespace).
 */
export function setConfigPath(config: Record<string, string>, assignment: string, namespace = CONFIG_NAMESPACE): void {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
        throw new Error(`--config expects key=value, got '${assignment}'`);
    }
    const keyPath = assignment.slice(0, eq);
    const value = parseValue(assignment.slice(eq + 1));
    setConfigValue(config, keyPath, value, namespace);
}

export function setConfigValue(config: Record<string, string>, keyPath: string, value: unknown, namespace = CONFIG_NAMESPACE): void {
    // A namespace is what precedes a colon in the top-level key; later colons belong to path
    // parts such as type tokens (`overrides.aws:rds/instance:Instance.multiAz`).
    const colon = keyPath.indexOf(":");
    const dot = keyPath.indexOf(".");
    const namespaced = colon > 0 && (dot < 0 || colon < dot);
    const [ns, rest] = namespaced ? [keyPath.slice(0, colon), keyPath.slice(colon + 1)] : [namespace, keyPath];
    const parts = rest.split(".");
    const top = `${ns}:${parts[0]}`;
    if (parts.length === 1) {
        if (value === undefined) {
            delete config[top];
        } else {
            config[top] = encode(value);
        }
        return;
    }
    const existing = config[top] !== undefined ? parseValue(config[top]) : {};
    const root: Record<string, unknown> = existing !== null && typeof existing === "object" ? (existing as Record<string, unknown>) : {};
    let node = root;
    for (const part of parts.slice(1, -1)) {
        if (node[part] === null || typeof node[part] !== "object") {
            node[part] = {};
        }
        node = node[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (value === undefined) {
        delete node[leaf];
    } else {
        node[leaf] = value;
    }
    config[top] = JSON.stringify(root);
}
