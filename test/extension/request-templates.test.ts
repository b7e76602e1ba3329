// The first request of each route of examples/chat, built from its handler's source, sent to the
// real runtime serving it: the handlers' own checks pass (no "Add ?author=" 400 on the first send).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startServing, type Serving } from "../../runtime/serve";
import { findRouteSources } from "../../runtime/routes/route-source";
import { joinRoutes, routeKey, type RouteEntry } from "../../extension/routes/route-model";
import { defaultRequest } from "../../extension/requests/request-builder";
import { sendRequest } from "../../extension/requests/send-request";

const CHAT = resolve(__dirname, "..", "..", "examples", "chat");
let serving: Serving;
let dataDir: string;
let routes: RouteEntry[];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "convex-lens-templates-"));
  serving = await startServing({ projectDir: CHAT, dataDir, port: 0, apiPort: 0, env: {} });
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  };
  routes = joinRoutes(null, findRouteSources(join(CHAT, "convex", "http.ts"), read).routes);
});
after(async () => {
  await serving?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const route = (key: string) => {
  const found = routes.find((r) => routeKey(r) === key);
  assert.ok(found, `examples/chat has no route ${key}`);
  return found;
};

test("GET /getMessagesByAuthor: the template carries ?author=, and the first send answers 200", async () => {
  const request = defaultRequest(route("GET /getMessagesByAuthor"));
  assert.equal(request.query, "author=author");
  const { response } = await sendRequest(serving.site.url, request, serving.runtime.logs);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body, { kind: "json", text: "[]" });
});

test("OPTIONS /sendImage: the preflight headers its handler checks are filled, so it answers with CORS headers", async () => {
  const request = defaultRequest(route("OPTIONS /sendImage"));
  assert.deepEqual(
    request.headers.map((header) => header.name),
    ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"],
  );
  const { response } = await sendRequest(serving.site.url, request, serving.runtime.logs);
  assert.equal(response.status, 200);
  assert.ok(
    response.headers.some(([name]) => name === "access-control-allow-methods"),
    JSON.stringify(response.headers),
  );
});

test("POST /sendImage reads its body as bytes and ?author=; POST /postMessage gets its JSON fields", () => {
  const upload = defaultRequest(route("POST /sendImage"));
  assert.equal(upload.query, "author=author");
  assert.deepEqual(upload.headers, [{ name: "Content-Type", value: "application/octet-stream" }]);
  const post = defaultRequest(route("POST /postMessage"));
  assert.deepEqual(JSON.parse(post.body), { author: "", body: "" });
  assert.equal(post.query, "");
});
