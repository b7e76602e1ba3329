// The response panel's target name, "Save request", "Export as test", and the Logs tab of a
// target that keeps its own logs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requestDisplayPath } from "../../webview/response/request-actions";
import { flush, openPanel, ready, request } from "./webview-fixture";

const text = (element: Element | null) => element?.textContent ?? null;

test("the panel names the target beside the request line, in every state", async () => {
  const panel = openPanel();
  try {
    panel.show({ ...ready(), target: "Deployment happy-animal-123 — https://happy-animal-123.convex.site" });
    assert.equal(text(panel.get("#target")), "Deployment happy-animal-123 — https://happy-animal-123.convex.site");
    assert.equal(text(panel.get("#request-line")), "POST http://127.0.0.1:3311/postMessage");
    panel.show({
      kind: "error",
      request: request({ method: "GET", routePath: "/messages/*", pathRest: "/abc", query: "?x=1" }),
      target: "Local runtime (stopped)",
      message: "stopped",
    });
    assert.equal(text(panel.get("#request-line")), "GET /messages/abc?x=1");
    assert.equal(text(panel.get("#target")), "Local runtime (stopped)");
  } finally {
    await panel.close();
  }
});

test("Save request posts the request as edited; Export as test asks the host for the shown response", async () => {
  const panel = openPanel();
  try {
    panel.show(ready());
    assert.equal(text(panel.get("#save-request")), "Save request");
    assert.equal(text(panel.get("#export-test")), "Export as test");
    panel.type("#body-editor", '{"author":"bob"}');
    panel.click("#save-request");
    panel.click("#export-test");
    const [save] = panel.sent<{ id: number; request: { body: string; headers: unknown[] } }>("saveRequest");
    assert.equal(typeof save!.id, "number");
    assert.equal(save!.request.body, '{"author":"bob"}');
    assert.deepEqual(save!.request.headers, [{ name: "Content-Type", value: "application/json" }]);
    const [exported] = panel.sent<{ id: number }>("exportTest");
    assert.deepEqual(Object.keys(exported!).sort(), ["id", "type"]);

    // A failed save shows in the panel instead of vanishing.
    panel.host({ type: "reply", id: save!.id, ok: false, error: "The requests folder is outside the project" });
    await flush();
    assert.equal(text(panel.get("#action-error")), "Save failed: The requests folder is outside the project");
  } finally {
    await panel.close();
  }
});

test("an error state still offers Save request, but there is no response to export", async () => {
  const panel = openPanel();
  try {
    panel.show({ kind: "error", request: request(), target: "Local runtime (stopped)", message: "stopped" });
    assert.ok(panel.find("#save-request"));
    assert.equal(panel.find("#export-test"), null);
  } finally {
    await panel.close();
  }
});

test("the Logs tab says why there are no logs for a target that keeps its own", async () => {
  const panel = openPanel();
  try {
    panel.show(ready({ logsNote: "Logs are only available for the local runtime." }));
    assert.equal(text(panel.get("#logs-note")), "Logs are only available for the local runtime.");
    assert.equal(panel.find("#executions"), null);
    panel.show(ready({ requestId: "r2" }));
    assert.equal(panel.find("#logs-note"), null);
    assert.ok(panel.find("#executions"));
  } finally {
    await panel.close();
  }
});

test("requestDisplayPath fills a prefix route's rest and adds the query", () => {
  assert.equal(requestDisplayPath(request()), "/postMessage");
  assert.equal(requestDisplayPath(request({ routePath: "/files/*", pathRest: "a/b.txt", query: "" })), "/files/a/b.txt");
  assert.equal(requestDisplayPath(request({ query: "?a=1" })), "/postMessage?a=1");
});
