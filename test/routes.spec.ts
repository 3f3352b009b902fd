import * as assert from "assert";
import { orderRoutes, pathRegex, wildcardPatterns } from "../components/routes";

/** One route semantics for every target; each target renders it with these helpers. */
describe("route path semantics", () => {
    const matches = (path: string, request: string) => new RegExp(pathRegex(path)).test(request);

    it("a /x/* route matches /x and everything under /x/, and nothing else", () => {
        assert.deepStrictEqual(["/api", "/api/", "/api/v1/books", "/apis", "/ap", "/v1/api"].map((r) => matches("/api/*", r)), [true, true, true, false, false, false]);
        assert.deepStrictEqual(wildcardPatterns("/api/*"), ["/api", "/api/*"]);
    });
    it("an exact route matches only its path; / matches everything", () => {
        assert.deepStrictEqual(["/api/auth/login", "/api/auth/login/x", "/api/auth"].map((r) => matches("/api/auth/login", r)), [true, false, false]);
        assert.ok(matches("/", "/anything/at/all"));
        assert.strictEqual(wildcardPatterns("/"), undefined);
    });
    it("escapes regex characters in paths", () => {
        assert.ok(!matches("/v1.0/*", "/v1x0/books"));
    });
    it("orders host routes, then exact paths, then longer prefixes, the catch-all last", () => {
        const ordered = orderRoutes([
            { path: "/", service: "web" },
            { path: "/api/*", service: "api" },
            { path: "/api/v2/*", service: "api" },
            { path: "/api/auth/login", service: "api" },
            { path: "/", host: "admin.example.com", service: "admin" },
        ]);
        assert.deepStrictEqual(ordered.map((r) => `${r.host ?? ""}${r.path}`), ["admin.example.com/", "/api/auth/login", "/api/v2/*", "/api/*", "/"]);
    });
});
