// The Routes view's shape: single-method paths flattened, several methods under their path, and
// many routes from several places grouped by source file, helper, package and component.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GROUP_BY_ORIGIN_FROM, routeTree, type OriginGroup, type RouteNode } from "../../extension/routes/route-groups";
import { joinRoutes, type RuntimeRoute } from "../../extension/routes/route-model";
import type { SourceRoute } from "../../runtime/routes/route-source";

const relative = (file: string) => file.replace(/^\/p\//, "");

function source(method: string, path: string, file = "/p/convex/http.ts"): SourceRoute {
  return { method, path, kind: path.endsWith("*") ? "prefix" : "exact", file, line: 1, column: 0, jsonFields: null };
}

/** Each node as text: `GET /me`, `/x [GET, POST]`, or a group `file convex/http.ts: …`. */
function describeNode(node: RouteNode | OriginGroup): string {
  if (node.kind === "route") return `${node.route.method} ${node.route.path}`;
  if (node.kind === "path") return `${node.path} [${node.routes.map((r) => r.method).join(", ")}]`;
  return `${node.origin} ${node.label}: ${node.nodes.map(describeNode).join(" | ")}`;
}

test("a path with one method is one row; a path with several methods keeps its group", () => {
  const runtime: RuntimeRoute[] = [
    { method: "POST", path: "/sendImage", kind: "exact" },
    { method: "GET", path: "/me", kind: "exact" },
    { method: "OPTIONS", path: "/sendImage", kind: "exact" },
    { method: "GET", path: "/messages/*", kind: "prefix" },
  ];
  const routes = joinRoutes(runtime, [source("POST", "/sendImage"), source("GET", "/me"), source("OPTIONS", "/sendImage")]);
  assert.deepEqual(routeTree(routes, relative).map(describeNode), ["GET /me", "GET /messages/*", "/sendImage [POST, OPTIONS]"]);
});

test("few routes stay flat even when they come from several places", () => {
  const runtime: RuntimeRoute[] = [
    { method: "GET", path: "/a", kind: "exact" },
    { method: "GET", path: "/counter/hello", kind: "exact", component: "counter", localPath: "/hello" },
  ];
  const routes = joinRoutes(runtime, [source("GET", "/a")]);
  assert.ok(routes.length < GROUP_BY_ORIGIN_FROM);
  assert.deepEqual(routeTree(routes, relative).map(describeNode), ["GET /a", "GET /counter/hello"]);
});

test("many routes from one file stay flat: a single group would only add a level", () => {
  const runtime: RuntimeRoute[] = Array.from({ length: GROUP_BY_ORIGIN_FROM + 2 }, (_, i) => ({
    method: "GET",
    path: `/r${String(i).padStart(2, "0")}`,
    kind: "exact" as const,
  }));
  const routes = joinRoutes(
    runtime,
    runtime.map((r) => source(r.method, r.path)),
  );
  const tree = routeTree(routes, relative);
  assert.equal(tree.length, runtime.length);
  assert.ok(tree.every((node) => node.kind === "route"));
});

test("many routes from several places: one group per source file, then helpers, packages and components", () => {
  const app = Array.from({ length: 6 }, (_, i) => `/app${i}`);
  const users = ["/users", "/users/*"];
  const runtime: RuntimeRoute[] = [
    { method: "GET", path: "/counter/hello", kind: "exact", component: "counter", localPath: "/hello" },
    { method: "POST", path: "/counter/hello", kind: "exact", component: "counter", localPath: "/hello" },
    { method: "POST", path: "/twilio/message-status", kind: "exact", addedBy: "@convex-dev/twilio" },
    ...app.map((path) => ({ method: "GET", path, kind: "exact" as const })),
    { method: "POST", path: "/app0", kind: "exact" },
    ...users.map((path) => ({ method: "GET", path, kind: path.endsWith("*") ? ("prefix" as const) : ("exact" as const) })),
    // Made in a loop of http.ts: no route() call of its own.
    { method: "GET", path: "/made/1", kind: "exact" },
    { method: "GET", path: "/made/2", kind: "exact" },
  ];
  assert.ok(runtime.length >= GROUP_BY_ORIGIN_FROM);
  const sources = [
    ...app.map((path) => source("GET", path)),
    source("POST", "/app0"),
    ...users.map((path) => source("GET", path, "/p/convex/routes/users.ts")),
  ];
  const tree = routeTree(joinRoutes(runtime, sources), relative);
  assert.deepEqual(tree.map(describeNode), [
    "file convex/http.ts: /app0 [GET, POST] | GET /app1 | GET /app2 | GET /app3 | GET /app4 | GET /app5",
    "file convex/routes/users.ts: GET /users | GET /users/*",
    "helpers Made by helpers: GET /made/1 | GET /made/2",
    "package @convex-dev/twilio: POST /twilio/message-status",
    "component counter: /counter/hello [GET, POST]",
  ]);
  const ids = tree.map((node) => (node.kind === "origin" ? node.id : ""));
  assert.equal(new Set(ids).size, ids.length, "group ids are unique (tree item ids are built from them)");
});
