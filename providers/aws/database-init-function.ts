/**
 * The source of the Lambda that creates the logical databases and extensions inside the VPC.
 * It speaks the PostgreSQL wire protocol itself (TLS, SCRAM-SHA-256/MD5 auth, simple queries)
 * with Node's built-in `tls`, `net` and `crypto`, so the function has no npm dependency to bundle;
 * the password is read from Secrets Manager with the AWS SDK v3 that ships in the Node.js runtime,
 * so it never appears in the invocation input or the function's configuration.
 */
export const DATABASE_INIT_HANDLER = String.raw`"use strict";
const net = require("net");
const tls = require("tls");
const crypto = require("crypto");
const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");

function message(type, body) {
  const head = Buffer.alloc(type ? 5 : 4);
  let offset = 0;
  if (type) { head.write(type, 0, "ascii"); offset = 1; }
  head.writeInt32BE(body.length + 4, offset);
  return Buffer.concat([head, body]);
}
const cstr = (s) => Buffer.from(s + "\0", "utf8");

class Connection {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.failure = null;
    socket.on("data", (d) => { this.buffer = Buffer.concat([this.buffer, d]); this.pump(); });
    socket.on("error", (e) => { this.failure = e; this.pump(); });
    socket.on("close", () => { this.failure = this.failure || new Error("connection closed by the server"); this.pump(); });
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
  send(buf) { this.socket.write(buf); }
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
  return new Error("PostgreSQL " + (fields.C || "") + ": " + (fields.M || "unknown error"));
}

function startTls(host, port) {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host, port });
    raw.once("error", reject);
    raw.once("connect", () => {
      const req = Buffer.alloc(8);
      req.writeInt32BE(8, 0);
      req.writeInt32BE(80877103, 4);
      raw.write(req);
      raw.once("data", (d) => {
        if (d[0] !== 0x53) { reject(new Error("server refused TLS")); return; }
        // Verified against the RDS CA bundle the runtime loads via NODE_EXTRA_CA_CERTS.
        const secure = tls.connect({ socket: raw, servername: host, rejectUnauthorized: true });
        secure.once("secureConnect", () => resolve(secure));
        secure.once("error", reject);
      });
    });
  });
}

async function connect(o) {
  const conn = new Connection(await startTls(o.host, o.port));
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
    const m = await conn.next();
    if (m.type === "D") rows++;
    if (m.type === "E") failure = serverError(m.body);
    if (m.type === "Z") { if (failure) throw failure; return rows; }
  }
}

function close(conn) {
  conn.send(message("X", Buffer.alloc(0)));
  conn.socket.end();
}

exports.handler = async (event) => {
  const sm = new SecretsManagerClient({});
  const secret = await sm.send(new GetSecretValueCommand({ SecretId: event.secretArn }));
  const password = JSON.parse(secret.SecretString).password;
  const base = { host: event.host, port: event.port, user: event.user, password };
  const admin = await connect({ ...base, database: event.adminDatabase });
  const created = [];
  try {
    for (const step of event.steps) {
      if ((await query(admin, step.existsQuery)) === 0) {
        await query(admin, step.create);
        created.push(step.database);
      }
    }
  } finally {
    close(admin);
  }
  for (const step of event.steps) {
    const conn = await connect({ ...base, database: step.database });
    try {
      for (const statement of step.extensions) await query(conn, statement);
    } finally {
      close(conn);
    }
  }
  return { created, databases: event.steps.map((s) => s.database) };
};
`;
