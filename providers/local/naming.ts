/**
 * Docker object names: `<project>-<stack>-<name>`, limited to Docker's characters
 * ([a-zA-Z0-9][a-zA-Z0-9_.-]) so two stacks on one engine never collide.
 */
export function dockerName(project: string, stack: string, name: string): string {
    const raw = `${project}-${stack}-${name}`.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-");
    return raw.replace(/^[^a-z0-9]+/, "").slice(0, 128);
}
