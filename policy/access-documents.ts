/**
 * Wildcards in IAM-style policy documents (AWS IAM, S3 bucket policies, MinIO policies):
 * `*` or `service:*` actions, and `*` resources. An object-key wildcard under a named bucket
 * (`arn:aws:s3:::docs/*`) is scoped and allowed.
 */

/** Documents arrive as JSON strings or objects, depending on how the resource takes them. */
export function parseDocument(value: unknown): any {
    if (typeof value === "string") {
        try {
            return JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    return value;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function wildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

function wildcardResource(resource: string): boolean {
    // "*", or an ARN whose resource part is only a wildcard (arn:aws:s3:::*, arn:aws:kms:*:*:*).
    return resource === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource) || /^arn:[^:]*:s3:::\*/.test(resource);
}

/** What is wrong with an Allow statement set; Deny statements may use wildcards (they narrow access). */
export function wildcardGrants(document: unknown): string[] {
    const doc = parseDocument(document);
    const statements: any[] = doc === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    const problems: string[] = [];
    for (const [i, s] of statements.entries()) {
        if (s?.Effect !== "Allow") continue;
        const id = s.Sid ? `statement '${s.Sid}'` : `statement ${i}`;
        for (const a of list(s.Action).filter(wildcardAction)) problems.push(`${id} allows the wildcard action '${a}'`);
        if (s.NotAction !== undefined) problems.push(`${id} allows everything but NotAction`);
        for (const r of list(s.Resource).filter(wildcardResource)) problems.push(`${id} applies to the wildcard resource '${r}'`);
        if (s.NotResource !== undefined) problems.push(`${id} applies to everything but NotResource`);
    }
    return problems;
}
