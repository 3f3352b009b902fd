import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

/**
 * The offline engine's answer to a registration, without the protobuf round trip (issue #18).
 *
 * The SDK's mock monitor (@pulumi/pulumi runtime/mocks.js, `MockMonitor.registerResource`)
 * answers with the state the mocks computed, built into a `google.protobuf.Struct`
 * (`Struct.fromJavaScript(serializedState)`), which the SDK reads back with `toJavaScript()`
 * (`deserializeProperties`, runtime/rpc.js) and the offline engine once more to record it; and the
 * SDK formats the whole response into a debug text (`resp: ${innerResponse}`, runtime/resource.js)
 * that goes nowhere under the mocks (log.debug writes only to an engine, or to the console when
 * `excessiveDebugOutput`, a constant `false` in runtime/settings.js). Building, reading and
 * formatting that Struct was ~4 % of a plan's CPU. Here the answer's `getObject()` is a stand-in
 * Struct whose `toJavaScript()` gives what the Struct's would: the same values, in the same key
 * order (google-protobuf's `jspb.Map` hands out its keys sorted: `Map.prototype.forEach` in
 * google-protobuf.js sorts `stringKeys_`), a new copy each time as `toJavaScript()` does.
 */

/** Why a value is left to google-protobuf: anything but JSON-like data, where its own rules (and errors) apply. */
const UNUSUAL = Symbol("unusual");

/** What `Value.fromJavaScript(value).toJavaScript()` gives, for JSON-like data; throws UNUSUAL for anything else. */
function valueAsJavaScript(value: unknown): unknown {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            // (Value.toJavaScript: `getNumberValue()`, `+value` of the stored number: the same number, -0 and NaN included.)
            return value;
        case "object":
            if (value === null) return null;
            if (Array.isArray(value)) {
                // ListValue.fromJavaScript / toJavaScript: index by index, up to length (a hole is
                // undefined: unusual).
                const out = new Array(value.length);
                for (let i = 0; i < value.length; i++) out[i] = valueAsJavaScript(value[i]);
                return out;
            }
            if (Object.getPrototypeOf(value) === Object.prototype) return structAsJavaScript(value as Record<string, unknown>);
            throw UNUSUAL;
        default:
            throw UNUSUAL;
    }
}

/** What `Struct.fromJavaScript(object).toJavaScript()` gives, for a plain object of JSON-like data. */
function structAsJavaScript(object: Record<string, unknown>): Record<string, unknown> {
    // Struct.fromJavaScript takes the keys `for (property in obj)`; a plain object has no inherited
    // enumerable ones, so they are its own. jspb.Map keeps them in a plain object (`__proto__`
    // would not be a key there) and hands them out sorted, and toJavaScript sets them in that order.
    const keys = Object.keys(object).sort();
    const out: Record<string, unknown> = {};
    for (const key of keys) {
        if (key === "__proto__") throw UNUSUAL;
        out[key] = valueAsJavaScript(object[key]);
    }
    return out;
}

/** A deep copy of JSON-like data (what structAsJavaScript returned), in the same key order. */
function copied(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(copied);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copied((value as Record<string, unknown>)[key]);
    return out;
}

/**
 * The Struct the engine answers with, as the SDK reads it: `toJavaScript()` gives what
 * `Struct.fromJavaScript(state).toJavaScript()` would (a new copy each call). State that is not
 * JSON-like data (nothing the SDK's serializer makes) goes through google-protobuf itself, with
 * its errors, as in the mock monitor.
 */
export function answerStruct(state: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } {
    return plainStruct(state) ?? structproto.Struct.fromJavaScript(state as Record<string, structproto.JavaScriptValue>);
}

/**
 * A stand-in for `Struct.fromJavaScript(state)` as far as `toJavaScript()` goes (a new copy each
 * read), or undefined for state that is not JSON-like data (left to google-protobuf, its rules and
 * errors). Also what a registration's request carries under the offline engine instead of the
 * Struct the SDK builds for an engine in another process (scripts/sdk-patches.js, 10.).
 */
export function plainStruct(state: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } | undefined {
    let plain: Record<string, unknown>;
    try {
        plain = structAsJavaScript(state);
    } catch (e) {
        if (e !== UNUSUAL) throw e;
        return undefined;
    }
    return { toJavaScript: () => copied(plain) as Record<string, unknown> };
}

/**
 * The text of the SDK's `MockMonitor.registerResource` that `registerResource` below does over
 * (SHA-256 of its source, @pulumi/pulumi 3.270.0): any other SDK keeps its own.
 */
export const KNOWN_MOCK_REGISTER = new Set(["a8718c4d068ee7490fbc43af04c379529a6b7ac2a94ca36b1d158755d59005ba"]);

/** Whether a registerResource function is the known text (hashed once per function). */
const checked = new WeakMap<object, boolean>();

/** The SDK's MockMonitor, as far as registerResource uses it. */
interface MockMonitor {
    mocks: pulumi.runtime.Mocks;
    resources: Map<string, { urn: string; id: string | null; state: unknown }>;
    transformCallbacks: Map<string, unknown>;
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: resproto.RegisterResourceRequest, callback: (err: unknown, resp?: resproto.RegisterResourceResponse) => void): Promise<void>;
}

/**
 * The monitor's registerResource, answering with `answerStruct` instead of a protobuf Struct, or
 * undefined when the SDK's is not the known text. Every step is the SDK's, in its order and with
 * its awaits (so registrations are answered in the same order): runtime/mocks.js
 * `MockMonitor.registerResource`.
 */
export function leanRegisterResource(monitor: MockMonitor): MockMonitor["registerResource"] | undefined {
    const sdkOwn = Object.getPrototypeOf(monitor).registerResource as (...args: unknown[]) => unknown;
    let known = checked.get(sdkOwn);
    if (known === undefined) {
        known = KNOWN_MOCK_REGISTER.has(crypto.createHash("sha256").update(sdkOwn.toString()).digest("hex"));
        checked.set(sdkOwn, known);
    }
    if (!known) return undefined;
    return async (req, callback) => {
        try {
            const transforms = req
                .getTransformsList()
                .map((cb) => monitor.transformCallbacks.get(cb.getToken()))
                .filter((transform) => transform !== undefined);
            const result = await monitor.mocks.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: pulumi.runtime.deserializeProperties(req.getObject() as structproto.Struct),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
                transforms: transforms as pulumi.ResourceTransform[],
            });
            const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
            const serializedState = await pulumi.runtime.serializeProperties("", result.state);
            monitor.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            const object = answerStruct(serializedState);
            response.getObject = () => object as structproto.Struct;
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    };
}
