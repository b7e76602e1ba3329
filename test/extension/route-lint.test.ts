// Route lint: each rule on a small http.ts, with the exact range it reports (0-based lines and
// columns, end exclusive) and the router's own wording where it has one.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lintHttpFile, type LintFinding } from "../../runtime/routes/route-lint";
import type { RuntimeRoute } from "../../extension/routes/route-model";

const HTTP = "/p/convex/http.ts";

function lint(files: Record<string, string>, runtimeRoutes: RuntimeRoute[] | null = null): LintFinding[] {
  return lintHttpFile(HTTP, (path) => files[path] ?? null, runtimeRoutes);
}

/** Each finding as `code severity line:column-endLine:endColumn file`. */
function where(findings: LintFinding[]): string[] {
  return findings.map(
    (f) => `${f.code} ${f.severity} ${f.range.line}:${f.range.column}-${f.range.endLine}:${f.range.endColumn} ${f.file.split("/").pop()}`,
  );
}

const header = `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
const http = httpRouter();
const h = httpAction(async () => new Response("ok"));
`;

describe("route lint", () => {
  test("a clean router has no findings (an exact path under a prefix is fine: exact wins)", () => {
    const source = `${header}http.route({ path: "/messages/latest", method: "GET", handler: h });
http.route({ pathPrefix: "/messages/", method: "GET", handler: h });
http.route({ path: "/messages/", method: "POST", handler: h });
export default http;
`;
    assert.deepEqual(lint({ [HTTP]: source }), []);
  });

  test("duplicate method + path, and duplicate pathPrefix: on the second, pointing at the first", () => {
    const source = `${header}http.route({ path: "/a", method: "GET", handler: h });
http.route({ path: "/a", method: "POST", handler: h });
http.route({ path: "/a", method: "GET", handler: h });
http.route({ pathPrefix: "/p/", method: "GET", handler: h });
http.route({ pathPrefix: "/p/", method: "GET", handler: h });
`;
    const findings = lint({ [HTTP]: source });
    assert.deepEqual(where(findings), ["duplicate-route error 6:19-6:23 http.ts", "duplicate-route error 8:25-8:30 http.ts"]);
    assert.equal(findings[0]!.message, "Path '/a' for method GET already in use");
    assert.deepEqual(
      findings[0]!.related.map((r) => [r.range.line, r.range.column, r.message]),
      [[4, 19, "first declared here"]],
    );
    assert.equal(findings[1]!.message, "GET pathPrefix /p/ is already defined");
    assert.equal(findings[1]!.related[0]!.range.line, 7);
  });

  test("a prefix covering another prefix of the same method: information on both; other methods do not count", () => {
    const source = `${header}http.route({ pathPrefix: "/api/", method: "GET", handler: h });
http.route({ pathPrefix: "/api/users/", method: "GET", handler: h });
http.route({ pathPrefix: "/api/admin/", method: "POST", handler: h });
`;
    const findings = lint({ [HTTP]: source });
    assert.deepEqual(where(findings), [
      "prefix-covers-prefix information 4:25-4:32 http.ts",
      "prefix-covers-prefix information 5:25-5:38 http.ts",
    ]);
    assert.equal(
      findings[0]!.message,
      "pathPrefix /api/ also covers /api/users/, but requests under /api/users/ go to GET pathPrefix /api/users/: the longest prefix wins.",
    );
    assert.equal(
      findings[1]!.message,
      "pathPrefix /api/users/ is inside GET pathPrefix /api/; this route takes the requests under /api/users/ (the longest prefix wins).",
    );
    assert.equal(findings[1]!.related[0]!.range.line, 4);
  });

  test("the runtime's routes take part: a helper-made prefix is named as such", () => {
    const source = `${header}http.route({ pathPrefix: "/api/users/", method: "GET", handler: h });\n`;
    const findings = lint({ [HTTP]: source }, [
      { method: "GET", path: "/api/users/*", kind: "prefix" },
      { method: "GET", path: "/api/*", kind: "prefix" },
    ]);
    assert.deepEqual(where(findings), ["prefix-covers-prefix information 4:25-4:38 http.ts"]);
    assert.match(findings[0]!.message, /inside GET pathPrefix \/api\/ \(made by a helper\)/);
    assert.deepEqual(findings[0]!.related, []);
  });

  test("reserved /.files paths, in the router's words", () => {
    const source = `${header}http.route({ path: "/.files", method: "GET", handler: h });
http.route({ path: "/.files/x", method: "GET", handler: h });
http.route({ pathPrefix: "/.files/", method: "GET", handler: h });
http.route({ path: "/.filesystem", method: "GET", handler: h });
`;
    const findings = lint({ [HTTP]: source });
    assert.deepEqual(where(findings), [
      "reserved-path error 4:19-4:28 http.ts",
      "reserved-path error 5:19-5:30 http.ts",
      "reserved-path error 6:25-6:35 http.ts",
    ]);
    assert.deepEqual(
      findings.map((f) => f.message),
      ["path '/.files' is reserved", "path '/.files/x' is reserved", "pathPrefix '/.files/' is reserved"],
    );
  });

  test("a pathPrefix without its trailing slash; paths not starting with a slash", () => {
    const source = `${header}http.route({ pathPrefix: "/api", method: "GET", handler: h });
http.route({ path: "hello", method: "GET", handler: h });
http.route({
  pathPrefix: \`files/\`,
  method: "GET",
  handler: h,
});
`;
    const findings = lint({ [HTTP]: source });
    assert.deepEqual(where(findings), [
      "prefix-trailing-slash error 4:25-4:31 http.ts",
      "path-leading-slash error 5:19-5:26 http.ts",
      "path-leading-slash error 7:14-7:22 http.ts",
    ]);
    assert.match(findings[0]!.message, /^pathPrefix \/api must end with a \/\. /);
    assert.equal(findings[1]!.message, "path 'hello' does not start with a /");
    assert.equal(findings[2]!.message, "pathPrefix 'files/' does not start with a /");
  });

  test("methods the router refuses; both or neither of path and pathPrefix; a literal * in a path", () => {
    const source = `${header}http.route({ path: "/a", method: "get", handler: h });
http.route({ path: "/b", method: "HEAD", handler: h });
http.route({ path: "/c", pathPrefix: "/c/", method: "GET", handler: h });
http.route({ method: "GET", handler: h });
http.route({ ...spec, handler: h });
http.route({ path: "/files/*", method: "GET", handler: h });
`;
    const findings = lint({ [HTTP]: source });
    assert.deepEqual(where(findings), [
      "method-not-allowed error 4:33-4:38 http.ts",
      "method-not-allowed error 5:33-5:39 http.ts",
      "path-and-prefix error 6:37-6:42 http.ts",
      "no-path error 7:11-7:40 http.ts",
      "literal-wildcard warning 9:19-9:29 http.ts",
    ]);
    assert.equal(
      findings[0]!.message,
      `'get' is not an allowed HTTP method (like GET, POST, PUT etc.) Write "GET": the router compares methods as written.`,
    );
    assert.match(findings[1]!.message, /HEAD requests run the GET route/);
    assert.equal(findings[2]!.message, "Invalid httpRouter route: cannot contain both 'path' and 'pathPrefix'");
    assert.equal(findings[3]!.message, "Invalid httpRouter route entry: must contain either field 'path' or 'pathPrefix'");
    assert.match(findings[4]!.message, /use pathPrefix: "\/files\/"/);
  });

  describe("a route that sets Access-Control-Allow-Origin without an OPTIONS route", () => {
    const cors = `${header}const corsHeaders = { "Access-Control-Allow-Origin": "*" };
http.route({
  path: "/upload",
  method: "POST",
  handler: httpAction(async () => new Response("ok", { headers: corsHeaders })),
});
http.route({
  path: "/inline",
  method: "PUT",
  handler: httpAction(async () => {
    const headers = new Headers();
    headers.set("access-control-allow-origin", "http://localhost:5173");
    return new Response(null, { headers });
  }),
});
http.route({ path: "/read", method: "GET", handler: httpAction(async () => new Response("", { headers: { "Access-Control-Allow-Origin": "*" } })) });
http.route({ path: "/plain", method: "POST", handler: h });
`;

    test("warns on the path (information for GET), pointing at where the header is set", () => {
      const findings = lint({ [HTTP]: cors });
      assert.deepEqual(where(findings), [
        "missing-options-route warning 6:8-6:17 http.ts",
        "missing-options-route warning 11:8-11:17 http.ts",
        "missing-options-route information 19:19-19:26 http.ts",
      ]);
      assert.match(
        findings[0]!.message,
        /^POST \/upload sets Access-Control-Allow-Origin but no OPTIONS route matches \/upload: a browser's preflight gets 404/,
      );
      assert.deepEqual(
        findings[0]!.related.map((r) => [r.range.line, r.range.column, r.range.endColumn]),
        [[4, 22, 51]],
      );
      assert.deepEqual(
        findings[1]!.related.map((r) => [r.range.line, r.range.column]),
        [[15, 16]],
      );
      assert.match(findings[2]!.message, /Fine for simple GET requests/);
    });

    test("an OPTIONS route for the path (exact, a prefix, or made by a helper) satisfies it", () => {
      const withOptions = `${cors}http.route({ path: "/upload", method: "OPTIONS", handler: h });
http.route({ pathPrefix: "/", method: "OPTIONS", handler: h });
`;
      assert.deepEqual(lint({ [HTTP]: withOptions }), []);
      const helper = lint({ [HTTP]: cors }, [
        { method: "OPTIONS", path: "/upload", kind: "exact" },
        { method: "OPTIONS", path: "/read", kind: "exact" },
      ]);
      assert.deepEqual(where(helper), ["missing-options-route warning 11:8-11:17 http.ts"]);
    });

    test("follows a handler and its headers into imported modules", () => {
      const http = `${header}import { upload } from "./handlers";
http.route({ path: "/upload", method: "POST", handler: upload });
`;
      const handlers = `import { httpAction } from "./_generated/server";
import { withCors } from "./cors";
export const upload = httpAction(async () => withCors(new Response("ok")));
`;
      const corsModule = `export function withCors(response: Response) {
  response.headers.set("Access-Control-Allow-Origin", process.env.CLIENT_ORIGIN!);
  return response;
}
`;
      const findings = lint({ [HTTP]: http, "/p/convex/handlers.ts": handlers, "/p/convex/cors.ts": corsModule });
      assert.deepEqual(where(findings), ["missing-options-route warning 5:19-5:28 http.ts"]);
      assert.equal(findings[0]!.related[0]!.file, "/p/convex/cors.ts");
      assert.equal(findings[0]!.related[0]!.range.line, 1);
    });
  });

  test("routes in an imported module are linted in that file", () => {
    const http = `${header}import { addRoutes } from "./more";
addRoutes(http);
`;
    const more = `export function addRoutes(http) {
  http.route({ path: "nope", method: "GET", handler: h });
}
`;
    assert.deepEqual(where(lint({ [HTTP]: http, "/p/convex/more.ts": more })), ["path-leading-slash error 1:21-1:27 more.ts"]);
  });
});
