// Who added an HTTP route, read from the call stack of the `Map.set` that stored its handler.
import { test } from "node:test";
import assert from "node:assert/strict";
import { originOf } from "../../runtime/worker/route-origins";

const NM = "/app/node_modules";

function stack(...frames: string[]): string {
  return ["Error", "    at Map.set (/lens/dist/worker.js:10:5)", ...frames.map((f) => `    at ${f}`)].join("\n");
}

test("a route the project adds itself points at its line", () => {
  const origin = originOf(stack(`HttpRouter.route (${NM}/convex/dist/esm/server/router.js:120:7)`, "/app/convex/http.ts:12:6"));
  assert.deepEqual(origin, { kind: "source", file: "/app/convex/http.ts", line: 12 });
});

test("a route a package's helper adds is that package's", () => {
  const origin = originOf(
    stack(
      `HttpRouter.route (${NM}/convex/dist/esm/server/router.js:120:7)`,
      `registerRoutes (${NM}/@convex-dev/twilio/dist/client/index.js:80:12)`,
      "/app/convex/http.ts:5:8",
    ),
  );
  assert.deepEqual(origin, { kind: "package", name: "@convex-dev/twilio" });
});

test("a helper that routes through another package's router is credited, not the router", () => {
  const origin = originOf(
    stack(
      `HttpRouter.route (${NM}/convex/dist/esm/server/router.js:120:7)`,
      `Object.route (${NM}/convex-helpers/server/cors.js:60:14)`,
      `registerRoutes (${NM}/@convex-dev/better-auth/dist/client/create-client.js:300:18)`,
      "/app/convex/http.ts:7:15",
      "/lens/dist/worker.js:400:3",
    ),
  );
  assert.deepEqual(origin, { kind: "package", name: "@convex-dev/better-auth" });
});

test("a package's own router module with no project frame below it is that package's", () => {
  const origin = originOf(
    stack(`HttpRouter.route (${NM}/convex/dist/esm/server/router.js:120:7)`, `${NM}/@acme/component/dist/http.js:9:1`),
  );
  assert.deepEqual(origin, { kind: "package", name: "@acme/component" });
});
