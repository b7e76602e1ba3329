// Sending a request from the panel: the response, and the executions and log lines that this
// very request produced (found by its request id), against the real runtime.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { sendRequest } from "../../extension/requests/send-request";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("basic");
});
after(async () => {
  await server.stop();
});

const base = { routePath: "/increment", pathRest: "", query: "name=panel", headers: [], body: "" };

test("a request's own executions come back as a call tree with their lines", async () => {
  await sendRequest(server.site.url, { ...base, method: "POST" }, server.runtime.logs); // another request's noise
  const { response } = await sendRequest(server.site.url, { ...base, method: "POST" }, server.runtime.logs);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { kind: "json", text: JSON.stringify({ value: 2 }, null, 2) });
  assert.deepEqual(
    response.executions.map((e) => [e.udfType, e.identifier, e.outcome, e.parentId === null]),
    [
      ["httpAction", "POST /increment", "success", true],
      ["mutation", "counter:increment", "success", false],
    ],
  );
  assert.equal(response.executions[1]!.parentId, response.executions[0]!.id);
});

test("log lines and failures are attached to the execution that produced them", async () => {
  const { response } = await sendRequest(server.site.url, { ...base, method: "GET", routePath: "/boom", query: "" }, server.runtime.logs);
  assert.equal(response.status, 500);
  const [http] = response.executions;
  assert.equal(http!.outcome, "failure");
  assert.deepEqual(
    http!.lines.map((l) => `${l.level} ${l.message}`),
    ["LOG 'about to fail'"],
  );
  assert.match(http!.error ?? "", /Uncaught Error: boom/);
});

test("prefix routes, text bodies and sizes", async () => {
  const { response } = await sendRequest(
    server.site.url,
    { ...base, method: "GET", routePath: "/files/special/*", pathRest: "x/y.txt", query: "" },
    server.runtime.logs,
  );
  assert.deepEqual(response.body, { kind: "text", text: "long prefix /files/special/x/y.txt" });
  assert.equal(response.sizeBytes, "long prefix /files/special/x/y.txt".length);
});
