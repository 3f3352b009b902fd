/**
 * The grammar of an image reference every registry and container runtime parses
 * (distribution/reference `reference.go` and `regexp.go`, the grammar the OCI distribution spec
 * and Docker share):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] path-component ["/" path-component]*
 *   domain     := host [":" port]        host: DNS labels separated by ".", or localhost
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator: "." | "_" | "__" | "-"+
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex      algorithm: [A-Za-z][A-Za-z0-9]*([+._-][A-Za-z][A-Za-z0-9]*)*
 *
 * and a name of at most 255 characters. A reference that breaks it (`Nginx Latest`) would
 * otherwise reach a task definition and fail only when the cloud pulls it.
 */
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);

export const IMAGE_REFERENCE_RULE =
    "an image reference like ghcr.io/org/app:1.2.3 or nginx@sha256:<digest>: an optional registry host[:port]/, a lowercase repository path (letters, digits, '.', '_', '-'), an optional :tag of up to 128 characters, an optional @digest";

export function isImageReference(ref: string): boolean {
    const m = REFERENCE.exec(ref);
    return m !== null && m[1].length <= 255;
}
