// Routes of mounted components and of package helpers in the extension's route model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { joinRoutes, type RuntimeRoute } from "../../extension/routes/route-model";
import type { SourceRoute } from "../../runtime/routes/route-source";

const appSource: SourceRoute = {
  method: "POST",
  path: "/bump",
  kind: "exact",
  file: "/p/convex/http.ts",
  line: 4,
  column: 2,
  jsonFields: ["name"],
};
const componentSource: SourceRoute = {
  method: "GET",
  path: "/hello",
  kind: "exact",
  file: "/p/convex/counter/http.ts",
  line: 6,
  column: 2,
  jsonFields: null,
};

test("a mounted component's route gets the line of its own http.ts, and keeps the site path the lens sends to", () => {
  const runtime: RuntimeRoute[] = [
    { method: "POST", path: "/bump", kind: "exact" },
    { method: "GET", path: "/counter2/hello", kind: "exact", component: "counter2", localPath: "/hello" },
  ];
  const [app, mounted] = joinRoutes(runtime, [appSource], new Map([["counter2", [componentSource]]]));
  assert.equal(app!.source, appSource);
  assert.equal(app!.component, null);
  assert.equal(mounted!.component, "counter2");
  assert.deepEqual(mounted!.source, { ...componentSource, path: "/counter2/hello" });
});

test("a route the app's http.ts does not declare but a package helper added is marked with the package", () => {
  const runtime: RuntimeRoute[] = [{ method: "POST", path: "/twilio/message-status", kind: "exact", addedBy: "@convex-dev/twilio" }];
  const [route] = joinRoutes(runtime, [appSource]);
  assert.equal(route!.source, null);
  assert.equal(route!.addedBy, "@convex-dev/twilio");
});

test("a component route whose file was not parsed has no position, and is never matched to an app route of the same local path", () => {
  const runtime: RuntimeRoute[] = [{ method: "POST", path: "/c/bump", kind: "exact", component: "c", localPath: "/bump" }];
  const [route] = joinRoutes(runtime, [appSource]);
  assert.equal(route!.source, null);
});
