import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CapturedResource } from "../stacks/offline";
import { Plan } from "./harness";
import { assertBites, baseline, broken, mandatory, violationsOf } from "./policy-harness";

/** Each guardrail the local target implements reports a broken input, and only that guardrail. */

const CONTAINER = "docker:index/container:Container";
const componentOf = (r: CapturedResource) => (r.inputs.labels ?? []).find((l: any) => l.label === "anycloud.component")?.value;
const container = (component: string) => (r: CapturedResource) => r.type === CONTAINER && componentOf(r) === component;

describe("local guardrails bite", function () {
    let dev: Plan;
    let tls: Plan;
    let dir: string;

    before(async () => {
        dev = await baseline({ stack: "local", set: { cloud: "local" } });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-tls-"));
        for (const f of ["cert.pem", "key.pem"]) fs.writeFileSync(path.join(dir, f), "not a certificate: planning reads only the path\n");
        tls = await baseline({ stack: "local", set: { cloud: "local", "local.tls": { certFile: path.join(dir, "cert.pem"), keyFile: path.join(dir, "key.pem"), httpsPort: 8443 } } });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the local plans, with and without TLS, pass every mandatory guardrail", async () => {
        assert.deepStrictEqual(mandatory(await violationsOf(dev)), []);
        assert.deepStrictEqual(mandatory(await violationsOf(tls)), []);
    });

    it("a database container that publishes its port is reported by data-not-public", async () => {
        const added = await assertBites("data-not-public", dev, broken(dev, container("database"), (p) => (p.ports = [{ internal: 5432, external: 5432 }])));
        assert.match(added[0].message, /database container publishes ports on the host \(0\.0\.0\.0:5432->5432\)/);
    });

    it("a data network that is not internal is reported by data-not-public", async () => {
        await assertBites("data-not-public", dev, broken(dev, (r) => r.type === "docker:index/network:Network" && r.name === "network-cache", (p) => (p.internal = false)));
    });

    it("a service container that publishes a port is reported by no-open-ingress", async () => {
        const added = await assertBites("no-open-ingress", dev, broken(dev, container("service:worker"), (p) => (p.ports = [{ internal: 9229, external: 9229 }])));
        assert.match(added[0].message, /service:worker container publishes ports/);
    });

    it("the load balancer publishing its port is not open ingress", async () => {
        assert.ok(dev.resources.some((r) => container("lb")(r) && r.inputs.ports.length > 0));
        assert.deepStrictEqual((await violationsOf(dev)).filter((v) => v.policy === "no-open-ingress"), []);
    });

    it("a MinIO policy granting s3:* is reported by no-wildcard-permissions", async () => {
        const widen = (p: Record<string, any>) => {
            for (const u of (p.uploads ?? []).filter((x: any) => /policy-app\.json$/.test(x.file))) {
                const doc = JSON.parse(u.content);
                doc.Statement[1].Action = ["s3:*"];
                u.content = JSON.stringify(doc);
            }
        };
        const added = await assertBites("no-wildcard-permissions", dev, broken(dev, container("storage"), widen));
        assert.match(added[0].message, /policy-app\.json: statement 1 allows the wildcard action 's3:\*'/);
    });

    it("a MinIO policy on every bucket is reported by no-wildcard-permissions", async () => {
        const widen = (p: Record<string, any>) => {
            for (const u of (p.uploads ?? []).filter((x: any) => /policy-worker\.json$/.test(x.file))) {
                const doc = JSON.parse(u.content);
                doc.Statement[0].Resource = ["arn:aws:s3:::*"];
                u.content = JSON.stringify(doc);
            }
        };
        await assertBites("no-wildcard-permissions", dev, broken(dev, container("storage"), widen));
    });

    it("a privileged service container is reported by no-privileged-roles", async () => {
        await assertBites("no-privileged-roles", dev, broken(dev, container("service:app"), (p) => (p.privileged = true)));
    });

    it("a container mounting the Docker socket is reported by no-privileged-roles", async () => {
        await assertBites("no-privileged-roles", dev, broken(dev, container("service:processor"), (p) => (p.volumes = [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }])));
    });

    it("a service user given MinIO's readwrite policy is reported by no-privileged-roles", async () => {
        const escalate = (p: Record<string, any>) => {
            for (const u of (p.uploads ?? []).filter((x: any) => typeof x.content === "string" && x.content.includes("mc admin policy attach"))) {
                u.content = u.content.replace(/mc admin policy attach local anycloud-app /, "mc admin policy attach local readwrite ");
            }
        };
        await assertBites("no-privileged-roles", dev, broken(dev, container("storage"), escalate));
    });

    it("nginx allowing TLS 1.0 is reported by edge-tls", async () => {
        const weaken = (p: Record<string, any>) => {
            const conf = p.uploads.find((u: any) => u.file === "/etc/nginx/nginx.conf");
            conf.content = conf.content.replace(/ssl_protocols [^;]+;/, "ssl_protocols TLSv1 TLSv1.2;");
        };
        const added = await assertBites("edge-tls", tls, broken(tls, container("lb"), weaken));
        assert.match(added[0].message, /nginx allows TLSv1; only TLSv1\.2 and TLSv1\.3/);
    });

    it("nginx serving HTTPS without redirecting HTTP is reported by edge-tls", async () => {
        const noRedirect = (p: Record<string, any>) => {
            const conf = p.uploads.find((u: any) => u.file === "/etc/nginx/nginx.conf");
            conf.content = conf.content.replace(/return 301 https:\/\/[^;]+;/g, "return 404;");
        };
        await assertBites("edge-tls", tls, broken(tls, container("lb"), noRedirect));
    });
});
