import { WHEN_ALLOWED_SOURCE } from "../../components/iam-retry";

/**
 * The source of the Lambda that creates the logical databases and extensions inside the VPC.
 * It speaks the PostgreSQL wire protocol itself (TLS, SCRAM-SHA-256/MD5 auth, simple queries)
 * with Node's built-in `tls`, `net` and `crypto`, so the function has no npm dependency to bundle;
 * the admin password and each database role's password are read from Secrets Manager with the AWS
 * SDK v3 that ships in the Node.js runtime, so they never appear in the invocation input, the
 * function's configuration or its errors (a failed password statement is quoted as '[secret]'). When static
 * parameters changed it restarts the instances that are pending a reboot (RDS API, same SDK).
 * Its secret reads and RDS calls are asked again while IAM refuses them (components/iam-retry.ts): the
 * deploy that adds a database or a replica changes the function's policy moments before it runs.
 */
/** What the restart step leaves of the function's time for its last answer and an IAM retry (45 s). */
export const FINISH_MARGIN_MS = 60_000;

export const DATABASE_INIT_HANDLER = String.raw`"use strict";
const net = require("net");
const tls = require("tls");
const crypto = require("crypto");
const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
${WHEN_ALLOWED_SOURCE}

function message(type, body) {
  const head = Buffer.alloc(type ? 5 : 4);
  let offset = 0;
  if (type) { head.write(type, 0, "ascii"); offset = 1; }
  head.writeInt32BE(body.length + 4, offset);
  return Buffer.concat([head, body]);
}
const cstr = (s) => Buffer.from(s + "\0", "utf8");

/** Seconds, for messages. */
const secs = (ms) => (ms / 1000).toString() + " s";

class Connection {
  constructor(socket, o) {
    this.socket = socket;
    this.where = o.host + ":" + o.port;
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.failure = null;
    socket.on("data", (d) => { this.buffer = Buffer.concat([this.buffer, d]); this.pump(); });
    socket.on("error", (e) => this.fail(new Error("connection to PostgreSQL at " + this.where + " failed: " + e.message)));
    socket.on("close", () => this.fail(new Error("PostgreSQL at " + this.where + " closed the connection")));
    // Idle bound: a server that stops answering (stalled, or a firewall dropping the flow)
    // fails this step with a message instead of running into the Lambda timeout.
    socket.setTimeout(o.timeouts.idleMs);
    socket.on("timeout", () => {
      this.fail(new Error("PostgreSQL at " + this.where + " sent nothing for " + secs(o.timeouts.idleMs) + ": the server is stalled (locks, overload, failover in progress) or the connection was dropped on the way"));
      socket.destroy();
    });
  }
  fail(error) {
    this.failure = this.failure || error;
    this.pump();
  }
  pump() {
    while (this.waiters.length > 0) {
      if (this.buffer.length >= 5) {
        const length = this.buffer.readInt32BE(1);
        if (this.buffer.length >= length + 1) {
          const type = String.fromCharCode(this.buffer[0]);
          const body = this.buffer.subarray(5, length + 1);
          this.buffer = this.buffer.subarray(length + 1);
          this.waiters.shift().resolve({ type, body });
          continue;
        }
      }
      if (this.failure) { this.waiters.shift().reject(this.failure); continue; }
      return;
    }
  }
  next() { return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject }); this.pump(); }); }
  send(buf) { if (!this.socket.destroyed) this.socket.write(buf); }
  /** Polite goodbye after success: Terminate, then the server closes; the idle bound still applies. */
  close() {
    if (this.socket.destroyed) return;
    this.socket.end(message("X", Buffer.alloc(0)));
  }
  /** After a failure nothing more is said: the socket goes at once. */
  destroy() { this.socket.destroy(); }
}

function serverError(body) {
  const fields = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]);
    const end = body.indexOf(0, i + 1);
    fields[code] = body.toString("utf8", i + 1, end);
    i = end + 1;
  }
  const error = new Error("PostgreSQL " + (fields.S ? fields.S + " " : "") + (fields.C || "") + ": " + (fields.M || "unknown error") + (fields.D ? " (" + fields.D + ")" : ""));
  error.sqlState = fields.C;
  return error;
}

/** What a connect error most likely means, for the operator reading the deploy log. */
function likelyCause(code) {
  switch (code) {
    case "ECONNREFUSED": return "nothing listens on that port: the instance is stopped, rebooting or the port is wrong";
    case "ENOTFOUND": case "EAI_AGAIN": return "the host name does not resolve from the function's subnets (VPC DNS settings, or the instance was deleted)";
    case "EHOSTUNREACH": case "ENETUNREACH": return "no route from the function's subnets to the instance";
    case "ECONNRESET": return "the connection was reset on the way (a network ACL or the server)";
    default: return "see the error code";
  }
}

/**
 * TCP connect, PostgreSQL SSLRequest, then a verified TLS handshake — each bounded. On every
 * failure both sockets are destroyed so nothing stays open behind the error.
 */
function startTls(o) {
  const where = o.host + ":" + o.port;
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host: o.host, port: o.port });
    let secure = null;
    let settled = false;
    let timer = null;
    const arm = (ms, text) => { clearTimeout(timer); timer = setTimeout(() => fail(new Error(text)), ms); };
    const fail = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (secure) secure.destroy();
      raw.destroy();
      reject(error);
    };
    arm(o.timeouts.connectMs, "could not connect to PostgreSQL at " + where + " within " + secs(o.timeouts.connectMs) + ": no answer to the TCP connection — a security group or network ACL drops the traffic (check the database group's ingress from the init function's group), or there is no route to the instance");
    raw.once("error", (e) => fail(new Error("could not connect to PostgreSQL at " + where + ": " + (e.code || e.message) + " — " + likelyCause(e.code))));
    raw.once("connect", () => {
      arm(o.timeouts.handshakeMs, "PostgreSQL at " + where + " accepted the TCP connection but did not answer the TLS request within " + secs(o.timeouts.handshakeMs) + ": the server is stalled (starting up, overloaded) or that port is not PostgreSQL");
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(80877103, 4);
      raw.write(req);
      raw.once("data", (d) => {
        if (d[0] !== 0x53) { fail(new Error("PostgreSQL at " + where + " refused TLS (answered " + JSON.stringify(String.fromCharCode(d[0])) + " to the TLS request): the server has ssl off")); return; }
        arm(o.timeouts.handshakeMs, "the TLS handshake with PostgreSQL at " + where + " did not complete within " + secs(o.timeouts.handshakeMs) + ": the server is stalled or something on the way drops large packets");
        // Verified against the RDS CA bundle the runtime loads via NODE_EXTRA_CA_CERTS.
        secure = tls.connect({ socket: raw, servername: o.host, rejectUnauthorized: true });
        secure.once("secureConnect", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(secure);
        });
        secure.once("error", (e) => fail(new Error("the TLS handshake with PostgreSQL at " + where + " failed: " + e.message + (e.code && /CERT|SIGNATURE|ISSUER|HOSTNAME|SELF_SIGNED/.test(e.code) ? " — the server certificate is not signed by a CA in NODE_EXTRA_CA_CERTS (the RDS bundle) or does not name " + o.host : ""))));
      });
    });
  });
}

async function connect(o) {
  const conn = new Connection(await startTls(o), o);
  try {
    return await authenticate(conn, o);
  } catch (e) {
    conn.destroy();
    throw e;
  }
}

async function authenticate(conn, o) {
  const params = Buffer.concat([cstr("user"), cstr(o.user), cstr("database"), cstr(o.database), cstr("application_name"), cstr("anycloud-db-init"), Buffer.from([0])]);
  const version = Buffer.alloc(4);
  version.writeInt32BE(196608, 0);
  conn.send(message(null, Buffer.concat([version, params])));
  let scram = null;
  for (;;) {
    const m = await conn.next();
    if (m.type === "E") throw serverError(m.body);
    if (m.type === "Z") return conn;
    if (m.type !== "R") continue;
    const code = m.body.readInt32BE(0);
    if (code === 0) continue;
    if (code === 3) { conn.send(message("p", cstr(o.password))); continue; }
    if (code === 5) {
      const inner = crypto.createHash("md5").update(o.password + o.user).digest("hex");
      const outer = crypto.createHash("md5").update(Buffer.concat([Buffer.from(inner), m.body.subarray(4, 8)])).digest("hex");
      conn.send(message("p", cstr("md5" + outer)));
      continue;
    }
    if (code === 10) {
      if (!m.body.toString("utf8", 4).split("\0").includes("SCRAM-SHA-256")) throw new Error("server offers no SCRAM-SHA-256");
      const nonce = crypto.randomBytes(18).toString("base64");
      const first = "n=*,r=" + nonce;
      scram = { nonce, first };
      const payload = Buffer.from("n,," + first, "utf8");
      const len = Buffer.alloc(4);
      len.writeInt32BE(payload.length, 0);
      conn.send(message("p", Buffer.concat([cstr("SCRAM-SHA-256"), len, payload])));
      continue;
    }
    if (code === 11) {
      const serverFirst = m.body.toString("utf8", 4);
      const attrs = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
      if (!attrs.r.startsWith(scram.nonce)) throw new Error("SCRAM nonce mismatch");
      const salted = crypto.pbkdf2Sync(o.password.normalize("NFKC"), Buffer.from(attrs.s, "base64"), Number(attrs.i), 32, "sha256");
      const clientKey = crypto.createHmac("sha256", salted).update("Client Key").digest();
      const storedKey = crypto.createHash("sha256").update(clientKey).digest();
      const withoutProof = "c=biws,r=" + attrs.r;
      const auth = scram.first + "," + serverFirst + "," + withoutProof;
      const signature = crypto.createHmac("sha256", storedKey).update(auth).digest();
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
      const serverKey = crypto.createHmac("sha256", salted).update("Server Key").digest();
      scram.expected = crypto.createHmac("sha256", serverKey).update(auth).digest("base64");
      conn.send(message("p", Buffer.from(withoutProof + ",p=" + proof.toString("base64"), "utf8")));
      continue;
    }
    if (code === 12) {
      const final = m.body.toString("utf8", 4);
      if (final !== "v=" + scram.expected) throw new Error("SCRAM server signature mismatch");
      continue;
    }
    throw new Error("unsupported authentication method " + code);
  }
}

async function query(conn, sql) {
  conn.send(message("Q", cstr(sql)));
  let rows = 0;
  let failure = null;
  for (;;) {
    let m;
    try {
      m = await conn.next();
    } catch (e) {
      // A FATAL error is followed by the server closing the connection: report the server's words.
      throw failure || e;
    }
    if (m.type === "D") rows++;
    if (m.type === "E") failure = serverError(m.body);
    if (m.type === "Z") { if (failure) throw failure; return rows; }
  }
}

/** Bounds for each network wait (milliseconds); the deploy passes them in the event. */
const DEFAULT_TIMEOUTS = { connectMs: 10000, handshakeMs: 10000, idleMs: 60000 };

/** Opens one connection, runs work(), and always releases the socket (politely only on success). */
async function withDatabase(base, database, work) {
  let conn;
  try {
    conn = await connect({ ...base, database });
  } catch (e) {
    throw new Error("database \"" + database + "\": connecting as \"" + base.user + "\" to " + base.host + ":" + base.port + " failed: " + e.message);
  }
  try {
    // shown: what an error quotes instead of the statement (one that carries a password).
    const result = await work(async (sql, shown) => {
      try {
        return await query(conn, sql);
      } catch (e) {
        throw new Error("database \"" + database + "\": statement " + JSON.stringify(shown || sql) + " failed: " + e.message);
      }
    });
    conn.close();
    return result;
  } catch (e) {
    conn.destroy();
    throw e;
  }
}

/**
 * Applies static parameters ("pending-reboot": max_connections, shared_buffers, ...) with a
 * controlled restart: each instance whose parameter group is pending a reboot is rebooted, one
 * after another — read replicas first (a hot standby must not run with a lower max_connections
 * than its primary), then the primary, with failover when it is Multi-AZ — and each must be
 * "available" and "in-sync" again before the next, within a bound. Instances already in sync are
 * left alone, so a run without a static change restarts nothing.
 */
async function applyStaticParameters(r, remainingMs) {
  const { RDSClient, DescribeDBInstancesCommand, RebootDBInstanceCommand } = require("@aws-sdk/client-rds");
  const rds = new RDSClient({});
  // Within the bound, and within what is left of the function's own time (the secret reads and
  // statements before, an IAM retry of up to 45 s inside): a failure with this message, not
  // Lambda's "Task timed out" half-way through the restarts.
  const bound = Math.max(0, Math.min(r.waitMs, remainingMs - ${FINISH_MARGIN_MS}));
  const deadline = Date.now() + bound;
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  const describe = async (id) => (await whenAllowed(() => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))).DBInstances[0];
  const groups = (d) => (d.DBParameterGroups || []).map((g) => g.ParameterApplyStatus);
  const settle = async (id, done, waitingFor) => {
    for (;;) {
      const d = await describe(id);
      if (done(d)) return d;
      if (Date.now() >= deadline) {
        throw new Error("restarting " + id + " to apply static parameters: still " + d.DBInstanceStatus + " (parameter group " + groups(d).join(",") + ") after " + secs(bound) + (bound < r.waitMs ? " (what was left of the function's time)" : "") + " waiting for " + waitingFor + "; the next deploy continues where this one stopped");
      }
      await sleep(r.pollMs);
    }
  };
  const restarted = [];
  for (const instance of r.instances) {
    // A modified group reaches the instance as "applying" before it says "pending-reboot".
    const d = await settle(instance.id, (x) => x.DBInstanceStatus === "available" && !groups(x).includes("applying"), "the parameter group to be applied");
    if (!groups(d).includes("pending-reboot")) continue;
    await whenAllowed(() => rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: instance.id, ForceFailover: instance.failover || undefined })));
    restarted.push(instance.id);
    await settle(instance.id, (x) => x.DBInstanceStatus === "available" && groups(x).every((g) => g === "in-sync"), "the restart to finish");
  }
  return restarted;
}

/** SCRAM-SHA-256 verifier of a password, as components/database-init.ts scramVerifier computes it (salt from the password and role). */
function scramVerifier(password, role) {
  const salt = crypto.createHmac("sha256", password).update("anycloud scram salt " + role).digest().subarray(0, 16);
  const salted = crypto.pbkdf2Sync(password, salt, 4096, 32, "sha256");
  const storedKey = crypto.createHash("sha256").update(crypto.createHmac("sha256", salted).update("Client Key").digest()).digest();
  const serverKey = crypto.createHmac("sha256", salted).update("Server Key").digest();
  return "SCRAM-SHA-256$4096:" + salt.toString("base64") + "$" + storedKey.toString("base64") + ":" + serverKey.toString("base64");
}

/** A single-quoted SQL literal (standard_conforming_strings is on in every supported version). */
const literal = (value) => "'" + value.replace(/'/g, "''") + "'";

exports.handler = async (event, context) => {
  const sm = new SecretsManagerClient({});
  const readPassword = async (arn, what) => {
    try {
      const secret = await whenAllowed(() => sm.send(new GetSecretValueCommand({ SecretId: arn })));
      return JSON.parse(secret.SecretString).password;
    } catch (e) {
      throw new Error("reading " + what + " from Secrets Manager (" + arn + ") failed: " + e.message);
    }
  };
  const password = await readPassword(event.secretArn, "the database password");
  const base = { host: event.host, port: event.port, user: event.user, password, timeouts: { ...DEFAULT_TIMEOUTS, ...(event.timeouts || {}) } };
  const created = [];
  const roles = [];
  await withDatabase(base, event.adminDatabase, async (run) => {
    for (const step of event.steps) {
      if ((await run(step.existsQuery)) === 0) {
        await run(step.create);
        created.push(step.database);
      }
    }
    // Each database's login role: created when missing, its password set on every run (a rotated
    // secret takes effect), then ownership and CONNECT (components/database-init.ts roleStep).
    for (const step of event.steps) {
      const role = step.role;
      if (!role) continue;
      const rolePassword = await readPassword(event.roleSecrets[step.database], "the password of role \"" + role.role + "\"");
      if ((await run(role.existsQuery)) === 0) await run(role.create);
      // Its SCRAM verifier, not the password: the statement can reach the server's log (log_statement, a failure).
      await run(role.passwordPrefix + literal(scramVerifier(rolePassword, role.role)), role.passwordPrefix + "'[secret]'");
      for (const statement of role.grants) await run(statement);
      roles.push(role.role);
    }
    // The roles of databases that left the config lose LOGIN, never their data (retireStatement).
    if (event.retire) await run(event.retire);
  });
  for (const step of event.steps) {
    await withDatabase(base, step.database, async (run) => {
      for (const statement of step.extensions) await run(statement);
      if (step.handover) await run(step.handover);
    });
  }
  const remainingMs = context && typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : Infinity;
  const restarted = event.restart ? await applyStaticParameters(event.restart, remainingMs) : [];
  return { created, databases: event.steps.map((s) => s.database), roles, restarted };
};
`;
