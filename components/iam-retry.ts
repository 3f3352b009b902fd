/**
 * AWS IAM is eventually consistent (IAM User Guide, "Troubleshoot IAM": "Changes that I make are
 * not always immediately visible"): a function of this program whose role or policy the same
 * deploy created or changed moments before it runs (the job runner's new role; the database init's
 * policy on a new database's role secret or a new replica; the search users applier's on a new
 * user's secret) may be refused a call the policy allows for a while. Here, not under
 * providers/aws/, because the search users applier (components/search-users-function.ts) is one
 * source for every target, reading Secrets Manager only on AWS. A refused call did nothing, so it is asked again every ACCESS_RETRY_MS, up to
 * ACCESS_TRIES times (45 s: inside the minute below Lambda's 15 the 14-minute job bound leaves);
 * any other error is the caller's at once. The bounds live in the functions' code, not their
 * invocations' input: `lambda.Invocation` runs a function again when its input changes, and a new
 * version of this program must not re-run every job.
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
 * JavaScript for a Lambda handler's source: `whenAllowed(call)` runs `call()` again while IAM
 * refuses it (above); the error it finally throws carries `attempts`.
 */
export const WHEN_ALLOWED_SOURCE = String.raw`const IAM_REFUSALS = new Set(${JSON.stringify(IAM_REFUSALS)});
async function whenAllowed(call) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!IAM_REFUSALS.has(e.name) || attempt >= ${ACCESS_TRIES}) {
        e.attempts = attempt;
        throw e;
      }
      await new Promise((done) => setTimeout(done, ${ACCESS_RETRY_MS}));
    }
  }
}`;
