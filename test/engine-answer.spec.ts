import * as assert from "assert";
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { answerStruct, KNOWN_MOCK_REGISTER, leanRegisterResource, plainStruct } from "../stacks/engine-answer";
import { runOffline } from "../stacks/offline";

/** Every value with its type, key order included (-0, NaN, undefined and holes told apart). */
function shape(v: unknown): string {
    if (v === undefined) return "undefined";
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : `number:${v}`;
    if (v === null || typeof v !== "object") return `${typeof v}:${JSON.stringify(v)}`;
    const proto = Object.getPrototypeOf(v);
    const kind = Array.isArray(v) ? "array" : proto === Object.prototype ? "object" : `other(${proto?.constructor?.name})`;
    return `${kind}{${Reflect.ownKeys(v)
        .map((k) => `${String(k)}=${shape((v as Record<string | symbol, unknown>)[k])}`)
        .join(",")}}`;
}

/** What google-protobuf gives for the value, or the error it throws. */
function viaProtobuf(value: Record<string, unknown>): string {
    try {
        return shape(structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>).toJavaScript());
    } catch (e) {
        return `throws ${(e as Error).message}`;
    }
}
function viaAnswer(value: Record<string, unknown>): string {
    try {
        return shape(answerStruct(value).toJavaScript());
    } catch (e) {
        return `throws ${(e as Error).message}`;
    }
}

/**
 * stacks/engine-answer.ts: the offline engine answers a registration with a stand-in for the
 * protobuf Struct the SDK's mock monitor builds; the SDK and the recorded run must read exactly
 * what they read from the Struct (values, key order), with the registrations answered in the same
 * order.
 */
describe("the offline engine's answer to a registration (stacks/engine-answer.ts)", () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };
    const data: [string, Record<string, unknown>][] = [
        ["keys in any order: sorted as jspb.Map sorts them (code units, integer-like keys in V8's order)", { b: 1, a: 2, B: 3, _: 4, "10": 5, "9": 6, "": 7, é: 8, "a.b": 9, "0": 10, "01": 11 }],
        ["nested objects and lists, each level sorted", { z: { y: [{ d: 1, c: [2, { f: true, e: null }] }], x: "" }, list: [[], [[1]], {}] }],
        ["falsy and special numbers", { zero: 0, minusZero: -0, nan: NaN, inf: Infinity, ninf: -Infinity, f: false, e: "", n: null, big: 2 ** 60, tiny: 5e-324 }],
        ["a secret and a resource reference as the serializer leaves them", { password: secret, ref: { "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::t::n", id: "i" } }],
        ["a key named like an Object.prototype member", { constructor: 1, toString: "x", hasOwnProperty: [1] }],
    ];
    for (const [what, value] of data) {
        it(`gives what Struct.fromJavaScript(state).toJavaScript() gives: ${what}`, () => {
            assert.strictEqual(viaAnswer(value), viaProtobuf(value));
        });
    }

    // Not what the SDK's serializer makes, but the answer must still be protobuf's, error included.
    const unusual: [string, () => Record<string, unknown>][] = [
        ["an undefined value", () => ({ a: undefined })],
        ["a list with a hole", () => ({ a: [1, , 3] })],
        ["a list holding undefined", () => ({ a: [undefined] })],
        ["a function", () => ({ a: () => 1 })],
        ["a class instance (a Date)", () => ({ a: new Date(0) })],
        ["an object without a prototype", () => ({ a: Object.assign(Object.create(null), { y: 1, x: 2 }) })],
        ["a __proto__ key", () => JSON.parse('{"b": 1, "__proto__": {"x": 1}, "a": 2}')],
        ["a bigint", () => ({ a: BigInt(1) })],
        ["a symbol", () => ({ a: Symbol("s") })],
    ];
    for (const [what, value] of unusual) {
        it(`gives what google-protobuf gives, or its error, for state that is not JSON-like data: ${what}`, () => {
            assert.strictEqual(viaAnswer(value()), viaProtobuf(value()));
        });
    }

    it("gives a new copy on each read, as toJavaScript does (changing one read changes nothing else)", () => {
        const answer = answerStruct({ a: { b: [1] } });
        const first = answer.toJavaScript() as { a: { b: number[] } };
        first.a.b.push(2);
        assert.deepStrictEqual(answer.toJavaScript(), { a: { b: [1] } });
    });

    const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

    it("the installed SDK's MockMonitor.registerResource is the text the engine's copy follows (after an SDK upgrade: compare it with stacks/engine-answer.ts and add its hash)", () => {
        const hash = crypto.createHash("sha256").update(MockMonitor.prototype.registerResource.toString()).digest("hex");
        assert.ok(KNOWN_MOCK_REGISTER.has(hash), `MockMonitor.registerResource changed (${hash})`);
    });

    it("an SDK whose MockMonitor.registerResource is another text keeps its own", () => {
        const Newer = class extends MockMonitor {
            async registerResource() {}
        };
        assert.strictEqual(leanRegisterResource(new (Newer as any)({})), undefined);
    });

    /** A request as the SDK makes it: the inputs serialized into a Struct. */
    async function request(name: string, inputs: Record<string, unknown>, parent = ""): Promise<resproto.RegisterResourceRequest> {
        const req = new resproto.RegisterResourceRequest();
        req.setType("test:index:Thing");
        req.setName(name);
        req.setParent(parent);
        req.setCustom(true);
        req.setObject(structproto.Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", inputs)));
        return req;
    }

    /**
     * Registers the requests at once through the SDK's monitor and through the engine's copy: what
     * each answer reads, what the monitor keeps, what the mocks were asked and the microtask turn
     * each answer came on (the same awaits answer registrations in the same order).
     */
    async function both(mocks: (args: pulumi.runtime.MockResourceArgs) => pulumi.runtime.MockResourceResult, reqs: () => Promise<resproto.RegisterResourceRequest[]>) {
        const seen: unknown[] = [];
        for (const lean of [false, true]) {
            const asked: unknown[] = [];
            const monitor = new MockMonitor({ newResource: (a: pulumi.runtime.MockResourceArgs) => (asked.push(a), mocks(a)), call: () => ({}) });
            const register = lean ? leanRegisterResource(monitor)! : monitor.registerResource.bind(monitor);
            const answers: unknown[] = [];
            const requests = await reqs();
            let turn = 0;
            let counting = true;
            const count = () => {
                turn++;
                if (counting) queueMicrotask(count);
            };
            queueMicrotask(count);
            await Promise.all(
                requests.map(
                    (req) =>
                        new Promise<void>((resolve) =>
                            register(req, (err: unknown, resp?: resproto.RegisterResourceResponse) => {
                                answers.push(err ? { turn, err: String(err) } : { turn, urn: resp!.getUrn(), id: resp!.getId(), object: shape(resp!.getObject()!.toJavaScript()), again: shape(resp!.getObject()!.toJavaScript()) });
                                resolve();
                            }),
                        ),
                ),
            );
            counting = false;
            seen.push({ answers, asked: shape(asked), kept: shape([...monitor.resources.entries()]) });
        }
        assert.deepStrictEqual(seen[1], seen[0]);
        return seen[0] as { answers: { turn: number }[] };
    }

    it("answers registrations as the SDK's mock monitor does: the same state read back, urn, id, the same resources kept, in the same order on the same microtask turns", async () => {
        const seen = await both(
            (a) => ({ id: a.name === "nested" ? "id-1" : undefined, state: { ...a.inputs, out: { z: 1, a: [a.name, { y: secret }] } } }),
            async () => [
                await request("nested", { b: { d: [1, { f: 2, e: [3] }] }, a: pulumi.secret("x") }),
                await request("flat", { x: 1 }, "urn:pulumi:s::p::test:index:Parent::parent"),
                await request("empty", {}),
            ],
        );
        assert.strictEqual(seen.answers.length, 3);
    });

    it("answers a mock that throws with its error, as the SDK's mock monitor does", async () => {
        await both(
            (a) => {
                if (a.name === "bad") throw new Error("mock refused");
                return { id: "x", state: a.inputs };
            },
            async () => [await request("bad", { a: 1 }), await request("good", { a: 1 })],
        );
    });

    // scripts/sdk-patches.js 10.: a registration's inputs reach an in-process engine without the Struct.
    describe("the request's inputs (scripts/sdk-patches.js, 10.)", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const patches = require("../scripts/sdk-patches") as {
            REQUEST_READ_IN_PROCESS: symbol;
            setRequestObject(req: resproto.RegisterResourceRequest, gstruct: typeof structproto, props: Record<string, unknown>, monitor: unknown): void;
        };
        const props = { b: { d: [1, { f: 2 }] }, a: "x" };

        it("an engine that reads them in this process gets a stand-in that reads as the Struct would; the request builds no Struct", () => {
            const req = new resproto.RegisterResourceRequest();
            patches.setRequestObject(req, structproto, props, { [patches.REQUEST_READ_IN_PROCESS]: plainStruct });
            assert.strictEqual(req.hasObject(), false, "a Struct was built");
            assert.strictEqual(shape(req.getObject()!.toJavaScript()), shape(structproto.Struct.fromJavaScript(props).toJavaScript()));
        });

        it("each read of the stand-in is a copy of its own, as each of the Struct's is: a reader that changes one changes no other", () => {
            const req = new resproto.RegisterResourceRequest();
            patches.setRequestObject(req, structproto, props, { [patches.REQUEST_READ_IN_PROCESS]: plainStruct });
            const first = req.getObject()!.toJavaScript() as { b: { d: unknown[] }; a: string };
            first.b.d.push("changed");
            first.a = "changed";
            assert.deepStrictEqual(req.getObject()!.toJavaScript(), structproto.Struct.fromJavaScript(props).toJavaScript());
            assert.deepStrictEqual(props, { b: { d: [1, { f: 2 }] }, a: "x" });
        });

        it("any other monitor (the CLI's engine, a plain setMocks) gets the SDK's Struct, as published", () => {
            for (const monitor of [undefined, {}, new MockMonitor({ newResource: () => ({}), call: () => ({}) })]) {
                const req = new resproto.RegisterResourceRequest();
                patches.setRequestObject(req, structproto, props, monitor);
                assert.ok(req.getObject() instanceof structproto.Struct);
                assert.deepStrictEqual(req.getObject()!.toJavaScript(), structproto.Struct.fromJavaScript(props).toJavaScript());
            }
        });

        it("data the stand-in leaves to google-protobuf goes into the SDK's Struct, with its error", () => {
            const req = new resproto.RegisterResourceRequest();
            const monitor = { [patches.REQUEST_READ_IN_PROCESS]: plainStruct };
            assert.throws(() => patches.setRequestObject(req, structproto, { a: undefined }, monitor), (e: Error) => {
                assert.throws(() => structproto.Struct.fromJavaScript({ a: undefined } as never), { message: e.message });
                return true;
            });
            patches.setRequestObject(req, structproto, { a: new Date(0) }, monitor);
            assert.ok(req.getObject() instanceof structproto.Struct);
        });

        class Thing extends pulumi.CustomResource {
            constructor(name: string, props: pulumi.Inputs) {
                super("test:index:Thing", name, props);
            }
        }

        it("an offline run's registrations build no Struct (the engine marks its monitor; the SDK's runtime/resource.js is patched)", async () => {
            const setObject = resproto.RegisterResourceRequest.prototype.setObject;
            let built = 0;
            resproto.RegisterResourceRequest.prototype.setObject = function (this: resproto.RegisterResourceRequest, value) {
                built++;
                return setObject.call(this, value);
            };
            try {
                const run = await runOffline({
                    project: "p",
                    stack: "s",
                    config: {},
                    program: async () => {
                        const thing = new Thing("thing", { b: { d: [1, { f: 2 }] }, a: pulumi.secret("x") });
                        return { id: thing.id };
                    },
                });
                assert.deepStrictEqual(run.resources.map((r) => [r.name, r.inputs, r.secretPaths]), [["thing", { a: "x", b: { d: [1, { f: 2 }] } }, ["a"]]]);
            } finally {
                resproto.RegisterResourceRequest.prototype.setObject = setObject;
            }
            assert.strictEqual(built, 0);
        });
    });
});
