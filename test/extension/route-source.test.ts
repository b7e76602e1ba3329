// Source positions and body hints of routes, and their join with the router's real list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findRouteSources } from "../../runtime/routes/route-source";
import { groupByPath, joinRoutes } from "../../extension/routes/route-model";

function files(map: Record<string, string>) {
  return (path: string) => map[path] ?? null;
}

const HTTP = `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
import { named } from "./handlers";
import { addCors } from "./cors";

const http = httpRouter();
http.route({
  path: "/postMessage",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const { author, body } = await request.json();
    return new Response(author + body);
  }),
});
http.route({ pathPrefix: "/files/", method: "GET", handler: named });
http.route({ path: \`/tpl\`, method: "get", handler: named });
for (const p of ["/a", "/b"]) http.route({ path: p, method: "GET", handler: named });
addCors(http);
export default http;
`;

const HANDLERS = `import { httpAction } from "./_generated/server";
export const named = httpAction(async (_ctx, req) => {
  const { id } = (await req.json()) as { id: string };
  return new Response(id);
});
`;

const CORS = `export function addCors(http) {
  http.route({ path: "/cors", method: "OPTIONS", handler: x });
}
`;

test("finds literal routes, their position, and fields the handler reads from the JSON body", () => {
  const { routes, problems } = findRouteSources(
    "/p/convex/http.ts",
    files({
      "/p/convex/http.ts": HTTP,
      "/p/convex/handlers.ts": HANDLERS,
      "/p/convex/cors.ts": CORS,
    }),
  );
  assert.deepEqual(problems, []);
  const summary = routes.map((r) => [r.method, r.path, r.kind, r.file.split("/").pop(), r.line, r.column, r.jsonFields]);
  assert.deepEqual(summary, [
    ["POST", "/postMessage", "exact", "http.ts", 6, 5, ["author", "body"]],
    ["GET", "/files/*", "prefix", "http.ts", 14, 5, ["id"]],
    ["GET", "/tpl", "exact", "http.ts", 15, 5, ["id"]],
    ["OPTIONS", "/cors", "exact", "cors.ts", 1, 7, null],
  ]);
});

test("a syntax error is reported with its position; the file keeps its last good routes", () => {
  const good = findRouteSources("/p/convex/http.ts", files({ "/p/convex/http.ts": HTTP }));
  const broken = HTTP.replace("addCors(http);", "const x = ;\naddCors(http);");
  const { routes, problems } = findRouteSources("/p/convex/http.ts", files({ "/p/convex/http.ts": broken }), good);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.line, 17);
  assert.deepEqual(routes, good.routes);
  const fresh = findRouteSources("/p/convex/http.ts", files({ "/p/convex/http.ts": broken }));
  assert.deepEqual(fresh.routes, []);
});

test("the runtime's list wins: helper-made routes appear without a position", () => {
  const { routes } = findRouteSources("/p/convex/http.ts", files({ "/p/convex/http.ts": HTTP, "/p/convex/handlers.ts": HANDLERS }));
  const joined = joinRoutes(
    [
      { method: "GET", path: "/a", kind: "exact" },
      { method: "POST", path: "/postMessage", kind: "exact" },
      { method: "GET", path: "/files/*", kind: "prefix" },
    ],
    routes,
  );
  assert.deepEqual(
    joined.map((r) => [r.method, r.path, r.source?.line ?? null, r.live]),
    [
      ["GET", "/a", null, true],
      ["POST", "/postMessage", 6, true],
      ["GET", "/files/*", 14, true],
    ],
  );
});

test("without a runtime the parsed routes are shown, not live", () => {
  const { routes } = findRouteSources("/p/convex/http.ts", files({ "/p/convex/http.ts": HTTP }));
  const joined = joinRoutes(null, routes);
  assert.ok(joined.length >= 3);
  assert.ok(joined.every((r) => !r.live && r.source !== null));
});

test("routes group by path with methods in a stable order", () => {
  const groups = groupByPath(
    joinRoutes(
      [
        { method: "POST", path: "/x", kind: "exact" },
        { method: "OPTIONS", path: "/x", kind: "exact" },
        { method: "GET", path: "/x", kind: "exact" },
        { method: "GET", path: "/a", kind: "exact" },
      ],
      [],
    ),
  );
  assert.deepEqual(
    groups.map((g) => [g.path, g.routes.map((r) => r.method)]),
    [
      ["/a", ["GET"]],
      ["/x", ["GET", "POST", "OPTIONS"]],
    ],
  );
});
