// A .http request sent through Convex Lens: {{site}} is the target, the route is found as the
// router finds it, prefix routes get the rest of the path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHttpFile } from "../../runtime/http-files/http-file";
import { VariableError } from "../../runtime/http-files/variables";
import { httpFileSend, matchRoute } from "../../extension/requests/http-file-request";
import type { RouteEntry } from "../../extension/routes/route-model";

const route = (method: string, path: string): RouteEntry => ({
  method,
  path,
  kind: path.endsWith("*") ? "prefix" : "exact",
  source: null,
  live: true,
});
const routes = [route("POST", "/postMessage"), route("GET", "/files/*"), route("GET", "/files/special/*"), route("GET", "/files/exact")];

test("exact paths first, then the longest prefix; unknown routes are made up", () => {
  assert.equal(matchRoute(routes, "GET", "/files/exact").path, "/files/exact");
  assert.equal(matchRoute(routes, "GET", "/files/special/a").path, "/files/special/*");
  assert.equal(matchRoute(routes, "GET", "/files/a").path, "/files/*");
  assert.deepEqual(matchRoute(routes, "PUT", "/files/a"), { method: "PUT", path: "/files/a", kind: "exact", source: null, live: false });
});

test("{{site}} is the target's URL whatever the file says; variables fill headers and body", () => {
  const file = parseHttpFile(
    [
      "@site = https://prod.example",
      "@author = ada",
      "###",
      "POST {{site}}/postMessage?x=1",
      "Content-Type: application/json",
      "X-Who: {{author}}",
      "",
      '{"author":"{{author}}"}',
    ].join("\n"),
  );
  const send = httpFileSend(file, file.requests[0]!, { siteUrl: "http://127.0.0.1:3311", routes });
  assert.equal(send.route, routes[0]);
  assert.deepEqual(send.request, {
    method: "POST",
    routePath: "/postMessage",
    pathRest: "",
    query: "x=1",
    headers: [
      { name: "Content-Type", value: "application/json" },
      { name: "X-Who", value: "ada" },
    ],
    body: '{"author":"ada"}',
  });
});

test("absolute URLs and bare paths keep their path and query; prefix routes get the rest", () => {
  const file = parseHttpFile("GET https://elsewhere.example/files/special/a/b.txt?q=1\n###\nGET /files/exact\n");
  const prefix = httpFileSend(file, file.requests[0]!, { siteUrl: "http://127.0.0.1:3311/", routes });
  assert.equal(prefix.route.path, "/files/special/*");
  assert.equal(prefix.request.pathRest, "a/b.txt");
  assert.equal(prefix.request.query, "q=1");
  const bare = httpFileSend(file, file.requests[1]!, { siteUrl: "http://127.0.0.1:3311", routes });
  assert.equal(bare.route.path, "/files/exact");
});

test("a variable without value is a VariableError naming it; overrides (typed values) fill it", () => {
  const file = parseHttpFile("GET {{site}}/files/exact\nAuthorization: Bearer {{token}}\n");
  assert.throws(
    () => httpFileSend(file, file.requests[0]!, { siteUrl: "http://127.0.0.1:3311", routes }),
    (error: unknown) => error instanceof VariableError && error.missing === "token",
  );
  const send = httpFileSend(file, file.requests[0]!, {
    siteUrl: "http://127.0.0.1:3311",
    routes,
    sources: { overrides: { token: "abc" } },
  });
  assert.deepEqual(send.request.headers, [{ name: "Authorization", value: "Bearer abc" }]);
});
