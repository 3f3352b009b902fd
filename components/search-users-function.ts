import { WHEN_ALLOWED_SOURCE } from "./iam-retry";

/**
 * The search users' REST applier: a Node.js function with no npm dependency (Node's `https`), run
 * by the AWS target as a Lambda in the VPC (passwords from Secrets Manager with the AWS SDK v3 the
 * runtime ships) and by the local target in a one-shot `node` container (passwords from its
 * environment). It sends the requests `securityRequests` planned (components/search-users.ts)
 * as the admin user, filling each user's `password` from its reference, then deletes the users,
 * role mappings and roles the program made that no workload uses any more — unless an existing
 * index a role being removed reaches would be left to no workload's role: then it fails naming
 * them, before deleting anything. Every request is bounded; a cluster that does not answer yet
 * (DNS, connection, 5xx, 429, and 401 while a new admin password propagates) is retried for a
 * bounded time; any other answer fails at once with the method, path, status and the cluster's
 * words — never a password.
 */
/** The image that runs the applier outside AWS (local container, GCP Cloud Run job): Node.js, no npm package needed. */
export const APPLIER_UPSTREAM = { repository: "library/node", tag: "22-alpine" } as const;
export const APPLIER_IMAGE = `node:${APPLIER_UPSTREAM.tag}`;

export const SEARCH_USERS_HANDLER = String.raw`"use strict";
const https = require("https");

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
${WHEN_ALLOWED_SOURCE}

function send(event, admin, method, path, body) {
  const url = new URL(path, event.url);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method,
      auth: event.admin.username + ":" + admin,
      headers: data ? { "Content-Type": "application/json", "Content-Length": data.length } : {},
      timeout: event.requestTimeoutMs,
      // The local target's cluster runs the image's self-signed demo certificate (its own Docker network only).
      rejectUnauthorized: event.tls !== "unverified",
      // A self-managed cluster's own CA (PEM in a variable of this process); otherwise the runtime's CAs.
      ...(event.caVariable ? { ca: process.env[event.caVariable] } : {}),
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("no answer within " + event.requestTimeoutMs / 1000 + " s")));
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

/** A password by reference: a Secrets Manager secret (JSON {username, password}) or a variable of this process. */
async function password(event, ref) {
  if (event.passwordSource === "env") {
    const value = process.env[ref];
    if (!value) throw new Error("the variable " + ref + " holding a search password is empty");
    return value;
  }
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  try {
    // The deploy that gives a workload search adds its secret to this function's policy just before.
    const secret = await whenAllowed(() => new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: ref })));
    return JSON.parse(secret.SecretString).password;
  } catch (e) {
    throw new Error("reading a search password from Secrets Manager (" + ref + ") failed: " + e.message);
  }
}

const BACKING = ".ds-";

/** The security plugin's glob (WildcardMatcher.SimpleMatcher): '*' any run, '?' one character. */
function globMatches(pattern, name) {
  let i = 0, j = 0, textBackup = -1, wildBackup = -1;
  while (i < name.length) {
    if (j < pattern.length && pattern[j] === "*") {
      textBackup = i;
      wildBackup = ++j;
    } else if (j < pattern.length && (pattern[j] === "?" || pattern[j] === name[i])) {
      i++;
      j++;
    } else {
      if (wildBackup === -1) return false;
      i = ++textBackup;
      j = wildBackup;
    }
  }
  while (j < pattern.length && pattern[j] === "*") j++;
  return j >= pattern.length;
}

/** A pattern of a role on the cluster: '/regex/' (the shared role's '/[^.].*' + '/') or a glob; a regex JavaScript cannot read counts as matching. */
function roleMatches(pattern, name) {
  if (pattern.length > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
    try {
      return new RegExp("^(?:" + pattern.slice(1, -1) + ")$").test(name);
    } catch (e) {
      return true;
    }
  }
  return globMatches(pattern, name);
}

const retriable = (status) => status === 401 || status === 429 || status >= 500;

exports.handler = async (event) => {
  const admin = await password(event, event.admin.password);
  const deadline = Date.now() + event.waitMs;
  const call = async (method, path, body, ok) => {
    for (;;) {
      let answer;
      try {
        answer = await send(event, admin, method, path, body);
      } catch (e) {
        answer = { error: e.message };
      }
      if (answer.status !== undefined && ok.includes(answer.status)) return answer;
      const why = answer.error !== undefined ? answer.error : "HTTP " + answer.status + ": " + answer.text.slice(0, 500);
      if ((answer.error !== undefined || retriable(answer.status)) && Date.now() < deadline) {
        await sleep(event.pauseMs);
        continue;
      }
      const hint = answer.status === 401 ? " (the cluster refused the admin user " + event.admin.username + ")" : answer.status === 403 ? " (the admin user may not use the security REST API)" : "";
      throw new Error("search users: " + method + " " + path + " on " + event.url + " failed: " + why + hint + (answer.error !== undefined || retriable(answer.status) ? " — still failing after " + event.waitMs / 1000 + " s" : ""));
    }
  };
  const applied = [];
  for (const r of event.requests) {
    let body = r.body;
    if (body && typeof body.password === "string") {
      const ref = event.passwords[body.password];
      if (!ref) throw new Error("search users: no password reference " + body.password);
      body = { ...body, password: await password(event, ref) };
    }
    await call(r.method, r.path, body, [200, 201]);
    applied.push(r.method + " " + r.path);
  }
  // What the program made and no workload uses any more (components/search-users.ts pruneRules,
  // staleEntries): listed first, deleted only after the index check below.
  const stale = [];
  const listings = {};
  for (const rule of event.prune) {
    const listed = JSON.parse((await call("GET", rule.path, undefined, [200])).text);
    listings[rule.path] = listed;
    const keep = new Set(rule.keep);
    for (const [name, e] of Object.entries(listed).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const entry = e || {};
      if (keep.has(name) || entry.reserved === true || entry.static === true || entry.hidden === true) continue;
      if (!(name.startsWith(rule.prefix) || rule.names.includes(name))) continue;
      if (rule.attribute && (entry.attributes || {})[rule.attribute.key] !== rule.attribute.value) continue;
      if (rule.descriptionMark !== undefined && !String(entry.description || "").startsWith(rule.descriptionMark)) continue;
      stale.push({ path: rule.path, name });
    }
  }
  // Before a role goes (the shared anycloud_app of earlier versions, or a workload's that left):
  // every existing index it reached must still be reached by a workload's role, or the up fails
  // here, with the old role still mapped (components/search-users.ts indexCheck says what is covered).
  const goingRoles = stale.filter((s) => s.path === event.indexCheck.rolesPath).map((s) => s.name);
  if (goingRoles.length > 0) {
    const roles = listings[event.indexCheck.rolesPath] || {};
    const indices = JSON.parse((await call("GET", event.indexCheck.indicesPath, undefined, [200])).text).map((r) => r.index);
    const orphans = [];
    for (const index of indices.sort()) {
      if (index.startsWith(".") && !index.startsWith(BACKING)) continue;
      if (event.indexCheck.covered.some((p) => globMatches(p, index))) continue;
      const by = goingRoles.filter((role) => ((roles[role] || {}).index_permissions || []).some((perm) => (perm.index_patterns || []).some((p) => roleMatches(p, index))));
      if (by.length > 0) orphans.push(index + " (" + by.join(", ") + ")");
    }
    if (orphans.length > 0) {
      throw new Error(
        "search users: removing the role" + (goingRoles.length > 1 ? "s " : " ") + goingRoles.join(", ") +
          " would leave these existing indices to no workload's search role: " + orphans.join("; ") +
          ". Add each to the searchIndices of the service or job that uses it (an index name, or a prefix ending in '*'), or delete it if no workload needs it; then run up again." +
          " Nothing was removed: every workload keeps the access it had until then."
      );
    }
  }
  const deleted = [];
  for (const s of stale) {
    // 404: already gone (a retried run, or removed by hand since the listing): the goal holds.
    await call("DELETE", s.path + "/" + encodeURIComponent(s.name), undefined, [200, 404]);
    deleted.push(s.path.split("/").pop() + "/" + s.name);
  }
  return { applied, deleted };
};
`;
