// Sending to a target other than the embedded runtime (a local backend, a deployment): the request
// goes as written, without our request-id header, and there are no executions to gather.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { sendRequest } from "../../extension/requests/send-request";

test("without a log store the request carries no convex-request-id and the response has no executions", async () => {
  let seen: IncomingHttpHeaders = {};
  const server = createServer((request, response) => {
    seen = request.headers;
    response.setHeader("content-type", "application/json");
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    const { response } = await sendRequest(
      `http://127.0.0.1:${port}`,
      { method: "GET", routePath: "/anything", pathRest: "", query: "", headers: [{ name: "X-Test", value: "1" }], body: "" },
      null,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(response.executions, []);
    assert.equal(seen["x-test"], "1");
    assert.equal(seen["convex-request-id"], undefined);
  } finally {
    server.close();
  }
});
