/**
 * AWS IAM is eventually consistent (IAM User Guide, "Troubleshoot IAM": "Changes that I make are
 * not always immediately visible"): a function of this program whose role or policy the same
 * deploy created or changed moments before it runs (the job runner's new role; the database init's
 * policy on a new database's role secret or a new replica; the search users applier's on a new
 * user's secret) may be refused a call the policy allows for a while. A refused call did
 * nothing, so it is asked again every ACCESS_RETRY_MS, up to ACCESS_TRIES times (45 s: inside the
 * minute below Lambda's 15 the 14-minute job bound leaves); any other error is the caller's at
 * once. The bounds live in the functions' code, not their invocations' input: `lambda.Invocation`
 * runs a function again when its input changes, and a new version of this program must not re-run
 * every job. Here, not under providers/aws/, because the search users applier
 * (components/search-users-function.ts) is one source for every target, reading Secrets Manager
 * only on AWS.
 */
export const ACCESS_RETRY_MS = 5000;
export const ACCESS_TRIES = 10;

/**
 * The error names of an IAM refusal as the AWS SDK for JavaScript v3 raises them: JSON-protocol
 * services (ECS, Secrets Manager) answer `AccessDeniedException`, query-protocol ones (RDS)
 * `AccessDenied` ("AccessDenied: User: ... is not authorized to perform: rds:DescribeDBInstances").
 */
export const IAM_REFUSALS = ["AccessDeniedException", "AccessDenied"];
/**
 * ECS's refusal while its service-linked role, made by the account's first cluster moments before,
 * is not usable yet: `InvalidParameterException` "Unable to assume the service linked role. Please
 * verify that the ECS service linked role exists." (seen on RunTask right after a stack's first
 * deploy: aws-solutions/distributed-load-testing-on-aws#2; gravitational/teleport retries the same
 * text in lib/integrations/awsoidc/deployservice.go). Nothing was started either.
 */
export const SERVICE_LINKED_ROLE_NOT_READY = "service linked role";

/**
 * JavaScript for a Lambda handler's source: `whenAllowed(call)` runs `call()` again while IAM
 * refuses it (above); the error it finally throws carries `attempts`.
 */
export const WHEN_ALLOWED_SOURCE = String.raw`const IAM_REFUSALS = new Set(${JSON.stringify(IAM_REFUSALS)});
async function whenAllowed(call) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const refused = IAM_REFUSALS.has(e.name) || (e.name === "InvalidParameterException" && String(e.message).includes(${JSON.stringify(SERVICE_LINKED_ROLE_NOT_READY)}));
      if (!refused || attempt >= ${ACCESS_TRIES}) {
        e.attempts = attempt;
        throw e;
      }
      await new Promise((done) => setTimeout(done, ${ACCESS_RETRY_MS}));
    }
  }
}`;
