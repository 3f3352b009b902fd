import * as fs from "fs";
import * as path from "path";

/**
 * The input properties of a resource type, read from the installed provider SDK's typings (the
 * `<Type>Args` interface of the type's `.d.ts`), so an override property is checked against the
 * exact SDK version `pulumi up` runs with. The file is read as text: no SDK is loaded.
 *
 * Token to file, as each SDK lays out its modules: `aws:rds/instance:Instance` →
 * `@pulumi/aws/rds/instance.d.ts`; `docker:index/container:Container` → `@pulumi/docker/container.d.ts`;
 * `azure-native:dbforpostgresql:Server` → `@pulumi/azure-native/dbforpostgresql/server.d.ts`.
 * Undefined when the installed SDK has no such type.
 */
export function inputPropertiesOf(token: string): string[] | undefined {
    const [pkg, mod, type] = token.split(":");
    if (!pkg || !mod || !type) return undefined;
    let root: string;
    try {
        root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`));
    } catch {
        return undefined;
    }
    const [dir, file] = mod.includes("/") ? [mod.split("/")[0], mod.split("/").slice(1).join("/")] : [mod, type[0].toLowerCase() + type.slice(1)];
    const candidates = [path.join(root, dir === "index" ? "" : dir, `${file}.d.ts`)];
    for (const candidate of candidates) {
        if (!fs.existsSync(candidate)) continue;
        const text = fs.readFileSync(candidate, "utf8");
        const start = text.indexOf(`\nexport interface ${type}Args {`);
        if (start < 0) continue;
        const end = text.indexOf("\n}", start);
        const body = text.slice(start, end);
        return [...body.matchAll(/^ {4}(?:readonly )?([A-Za-z_$][\w$]*)\??:/gm)].map((m) => m[1]);
    }
    return undefined;
}
