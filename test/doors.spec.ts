import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Plan, baseline, plan, planError, planWithWarnings } from "./harness";

/** Doors left ajar: credentials in logs, edges that can be bypassed, clients that trust any server. */
describe("doors closed", function () {
    this.timeout(180000);

    describe("aws", () => {
        let p: Plan;
        before(async () => {
            p = await baseline({ stack: "prod", set: { cloud: "aws" } });
        });

        it("WAF logging redacts the Authorization and Cookie headers", () => {
            const logging = p.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
            const redacted = (logging.inputs.redactedFields ?? []).map((f: any) => f.singleHeader?.name?.toLowerCase());
            for (const header of ["authorization", "cookie"]) assert.ok(redacted.includes(header), `${header} is logged in clear: ${JSON.stringify(redacted)}`);
        });
    });

    describe("the database init image never comes from Docker Hub directly", () => {
        it("azure: the init job pulls postgres through the stack registry's Docker Hub cache rule, with its own identity", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "azure" } });
            const registry = p.one("azure-native:containerregistry:Registry");
            const rule = p.one("azure-native:containerregistry:CacheRule");
            assert.strictEqual(rule.inputs.sourceRepository, "docker.io/library/postgres");
            assert.strictEqual(rule.inputs.registryName, registry.outputs.name);
            const job = p.one("azure-native:app:Job", "database-init");
            const image = job.inputs.template.containers[0].image as string;
            assert.strictEqual(image, `${registry.outputs.loginServer}/${rule.inputs.targetRepository}:16-alpine`);
            const pull = (job.inputs.configuration.registries as any[]).find((r) => r.server === registry.outputs.loginServer);
            const identity = p.one("azure-native:managedidentity:UserAssignedIdentity", "database-identity");
            assert.match(pull?.identity ?? "", /\/userAssignedIdentities\/[a-z0-9-]+-database-id$/, "it pulls with its own identity");
            assert.ok(job.dependencies.includes(identity.urn));
            assert.ok(job.dependencies.includes(rule.urn), "it is created after the cache rule");
        });

        it("gcp: the init job pulls postgres through an Artifact Registry remote repository of Docker Hub", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
            const mirror = p.one("gcp:artifactregistry/repository:Repository");
            assert.strictEqual(mirror.inputs.mode, "REMOTE_REPOSITORY");
            assert.strictEqual(mirror.inputs.remoteRepositoryConfig.dockerRepository.publicRepository, "DOCKER_HUB");
            const job = p.one("gcp:cloudrunv2/job:Job", "database-init");
            const image = job.inputs.template.template.containers[0].image as string;
            assert.strictEqual(image, `${mirror.inputs.location}-docker.pkg.dev/anycloud-prod-example/${mirror.inputs.repositoryId}/library/postgres:16-alpine`);
        });

        it("gcp: every job the program runs (database init, search readiness, search users) pulls its Docker Hub image through that mirror", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
            const mirror = p.one("gcp:artifactregistry/repository:Repository");
            const prefix = `${mirror.inputs.location}-docker.pkg.dev/anycloud-prod-example/${mirror.inputs.repositoryId}/`;
            const images = Object.fromEntries(["database-init", "search-ready", "search-users"].map((name) => [name, p.one("gcp:cloudrunv2/job:Job", name).inputs.template.template.containers[0].image as string]));
            assert.deepStrictEqual(images, {
                "database-init": `${prefix}library/postgres:16-alpine`,
                "search-ready": `${prefix}curlimages/curl:8.11.1`,
                "search-users": `${prefix}library/node:22-alpine`,
            });
        });
    });

    describe("gcp: buckets through the service's own identity; an HMAC key only where asked for", () => {
        const HMAC = "gcp:storage/hmacKey:HmacKey";
        const envNames = (p: Plan, service: string) =>
            p.descendantsOf(p.component("ContainerService", service)).filter((r) => r.type.startsWith("gcp:cloudrunv2/")).flatMap((r) => (r.inputs.template.containers[0].envs as any[]).map((e) => e.name));

        it("by default no service gets a long-lived HMAC key or S3 credentials", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "gcp" } });
            assert.deepStrictEqual(p.ofType(HMAC).map((h) => h.name), []);
            for (const service of ["app", "worker", "processor"]) {
                assert.ok(!envNames(p, service).some((n) => n.startsWith("S3_ACCESS_KEY_ID") || n.startsWith("S3_SECRET_ACCESS_KEY")), service);
            }
        });

        it("gcp.s3HmacServices gives exactly the named service an HMAC key of its own account, as secrets", async () => {
            const p = await baseline({ stack: "prod", set: { cloud: "gcp", "gcp.s3HmacServices": ["worker"] } });
            const keys = p.ofType(HMAC);
            assert.deepStrictEqual(keys.map((h) => h.name), ["worker-hmac"]);
            const sa = p.descendantsOf(p.component("ContainerService", "worker")).find((r) => r.type === "gcp:serviceaccount/account:Account")!;
            assert.strictEqual(keys[0].inputs.serviceAccountEmail, sa.outputs.email);
            assert.ok(envNames(p, "worker").includes("S3_ACCESS_KEY_ID") && envNames(p, "worker").includes("S3_SECRET_ACCESS_KEY"));
            assert.ok(!envNames(p, "app").includes("S3_SECRET_ACCESS_KEY"));
        });

        it("a name that is not a bucket-using service is a config error naming the key", async () => {
            const err = await planError({ stack: "prod", set: { cloud: "gcp", "gcp.s3HmacServices": ["nope"] } });
            assert.match(err.message, /gcp\.s3HmacServices\[0\].*nope.*a service that uses a bucket: /);
        });
    });

    describe("azure: a zone-redundant stack says its egress is not", () => {
        it("prod (3 zones): one Standard NAT gateway serves the apps and search subnets, and every plan says what a failure of its zone does", async () => {
            const { p, warnings } = await planWithWarnings({ stack: "prod", set: { cloud: "azure" } });
            const nat = p.one("azure-native:network:NatGateway");
            assert.strictEqual(nat.inputs.sku.name, "Standard");
            const natted = p.ofType("azure-native:network:Subnet").filter((s) => s.inputs.natGateway).map((s) => s.name).sort();
            assert.deepStrictEqual(natted, ["network-apps", "network-search"]);
            const said = warnings.filter((w) => w.includes("one NAT gateway"));
            assert.strictEqual(said.length, 1, warnings.join("\n"));
            assert.match(said[0], /network\.zones=3: .*lives in one availability zone.*lose outbound Internet access.*cannot pull their images/);
        });
        it("dev (its apps environment is not zone-redundant) says nothing", async () => {
            const { warnings } = await planWithWarnings({ stack: "dev", set: { cloud: "azure" } });
            assert.deepStrictEqual(warnings.filter((w) => w.includes("NAT gateway")), []);
        });
    });

    describe("azure: the Front Door lock-down says what it leaves to the app", () => {
        it("the apps subnet admits only Front Door's service tag, each public app gets its profile's id, and every plan says the header check is the app's", async () => {
            const { p, warnings } = await planWithWarnings({ stack: "prod", set: { cloud: "azure" } });
            const nsg = p.ofType("azure-native:network:NetworkSecurityGroup").find((n) => n.name.includes("apps"))!;
            assert.deepStrictEqual(nsg.inputs.securityRules.filter((r: any) => r.access === "Allow").map((r: any) => [r.sourceAddressPrefix, r.destinationPortRanges ?? r.destinationPortRange]), [["AzureFrontDoor.Backend", ["443"]]]);
            const frontDoorId = p.one("azure-native:cdn:Profile").outputs.frontDoorId;
            const env = (service: string) => p.one("azure-native:app:ContainerApp", `${service}-app`).inputs.template.containers[0].env as any[];
            assert.strictEqual(env("app").find((e) => e.name === "AZURE_FRONTDOOR_ID")?.value, frontDoorId);
            assert.strictEqual(env("worker").find((e) => e.name === "AZURE_FRONTDOOR_ID"), undefined, "a worker has no public ingress");
            assert.strictEqual(warnings.filter((w) => w.includes("admit HTTPS from any Azure Front Door") && w.includes("AZURE_FRONTDOOR_ID")).length, 1, warnings.join("\n"));
        });
    });

    describe("HSTS: no includeSubDomains unless loadBalancer.hstsIncludeSubdomains", () => {
        const hsts: Record<string, (p: Plan) => string> = {
            aws: (p) => p.one("aws:lb/listener:Listener", "lb-https").inputs.routingHttpResponseStrictTransportSecurityHeaderValue,
            gcp: (p) => p.ofType("gcp:compute/backendService:BackendService").flatMap((b) => b.inputs.customResponseHeaders ?? []).find((h: string) => h.startsWith("Strict-Transport-Security:")),
            azure: (p) =>
                p.ofType("azure-native:cdn:Rule").flatMap((r) => r.inputs.actions).find((a: any) => a.parameters?.headerName === "Strict-Transport-Security")?.parameters.value,
        };
        for (const cloud of Object.keys(hsts)) {
            it(`${cloud}: max-age only by default, includeSubDomains when set`, async () => {
                const plain = hsts[cloud](await baseline({ stack: "prod", set: { cloud } }));
                assert.match(String(plain), /max-age=31536000/);
                assert.doesNotMatch(String(plain), /includeSubDomains/);
                const opted = hsts[cloud](await baseline({ stack: "prod", set: { cloud, "loadBalancer.hstsIncludeSubdomains": true } }));
                assert.match(String(opted), /max-age=31536000; includeSubDomains/);
            });
        }
        it("local (with TLS): max-age only by default in nginx's add_header, includeSubDomains when set", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "anycloud-hsts-"));
            try {
                for (const f of ["cert.pem", "key.pem"]) fs.writeFileSync(path.join(dir, f), "not a certificate: planning reads only the path\n");
                const tls = { "local.tls": { certFile: path.join(dir, "cert.pem"), keyFile: path.join(dir, "key.pem"), httpsPort: 8443 } };
                const nginxHsts = async (set: Record<string, unknown>) => {
                    const p = await plan({ stack: "local", set: { cloud: "local", ...tls, ...set } });
                    const conf: string = p.ofType("docker:index/container:Container").flatMap((c) => c.inputs.uploads ?? []).find((u: any) => u.file === "/etc/nginx/nginx.conf").content;
                    return [...new Set(conf.split("\n").filter((l) => l.includes("Strict-Transport-Security")).map((l) => l.trim()))];
                };
                assert.deepStrictEqual(await nginxHsts({}), ['add_header Strict-Transport-Security "max-age=31536000" always;']);
                assert.deepStrictEqual(await nginxHsts({ "loadBalancer.hstsIncludeSubdomains": true }), ['add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;']);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
