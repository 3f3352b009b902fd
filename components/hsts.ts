/**
 * The Strict-Transport-Security value every target's load balancer sends over HTTPS.
 * `includeSubDomains` is off unless the stack asks for it (loadBalancer.hstsIncludeSubdomains):
 * on an apex domain it would force HTTPS on every subdomain of the organisation for a year,
 * including hosts this stack does not serve (RFC 6797 §6.1.2).
 */
export function hstsValue(includeSubdomains: boolean): string {
    return includeSubdomains ? "max-age=31536000; includeSubDomains" : "max-age=31536000";
}
