// The response panel in a test DOM: what each host state renders, and what the panel posts back.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExecutionView } from "../../webview/protocol/core";
import type { PanelState } from "../../webview/protocol/response";
import { VsCodeApiFake, flush, openPanel, ready, request, withPanel } from "./webview-fixture";

const at = Date.UTC(2026, 0, 2, 3, 4, 5);

const executions: ExecutionView[] = [
  {
    id: "e1",
    parentId: null,
    udfType: "httpAction",
    identifier: "POST /postMessage",
    outcome: "success",
    durationMs: 30,
    status: 200,
    error: null,
    lines: [{ level: "LOG", message: "'received'", timestamp: at }],
  },
  {
    id: "e2",
    parentId: "e1",
    udfType: "mutation",
    identifier: "messages:send",
    outcome: "success",
    durationMs: 5,
    status: null,
    error: null,
    lines: [{ level: "INFO", message: "'stored message'", timestamp: at + 1 }],
  },
  {
    id: "e3",
    parentId: "e2",
    udfType: "query",
    identifier: "messages:count",
    outcome: "failure",
    durationMs: 1,
    status: null,
    error: "Uncaught Error: boom\n    at handler (../convex/messages.ts:12:3)\n    at run (/opt/runtime/worker.js:99:1)",
    lines: [{ level: "WARN", message: "'slow'", timestamp: at + 2 }],
  },
  {
    id: "e4",
    parentId: "e1",
    udfType: "action",
    identifier: "notify:send",
    outcome: "running",
    durationMs: null,
    status: null,
    error: null,
    lines: [{ level: "ERROR", message: "'failed' at ../convex/notify.ts:7:9", timestamp: at + 3 }],
  },
];

const text = (element: Element | null) => element?.textContent ?? null;

test("the panel says ready once it listens, and shows the state the host answers with", () =>
  withPanel(
    (panel) => {
      assert.deepEqual(panel.api.posted, [{ type: "ready" }]);
      assert.equal(text(panel.get("#status")), "200 OK");
      assert.equal(panel.find("#waiting"), null);
    },
    { answerReadyWith: ready() },
  ));

test("until the host answers, the panel waits", () =>
  withPanel((panel) => {
    assert.deepEqual(panel.api.posted, [{ type: "ready" }]);
    assert.ok(panel.find("#waiting"));
    assert.equal(panel.find("#status"), null);
  }));

test("a response: request line, status, time, size, JSON re-indented, headers in a grid", () =>
  withPanel((panel) => {
    panel.show(ready());
    assert.equal(text(panel.get("#request-line")), "POST http://127.0.0.1:3311/postMessage");
    assert.equal(text(panel.get("#status")), "200 OK");
    assert.ok(panel.get("#status").classList.contains("status-2xx"));
    assert.equal(text(panel.get("#duration")), "42 ms");
    assert.equal(text(panel.get("#size")), "1.5 KB");
    for (const tab of ["body", "headers", "logs", "request"]) assert.ok(panel.find(`#tab-${tab}`), `#tab-${tab}`);
    // Pretty-printed with two spaces; the 20-digit id keeps every digit.
    assert.equal(text(panel.get("#body pre")), '{\n  "ok": true,\n  "id": 12345678901234567890\n}');
    const rows = panel.all("#headers vscode-data-grid-row").map((row) => [...row.children].map((cell) => cell.textContent));
    assert.deepEqual(rows, [
      ["Name", "Value"],
      ["content-type", "application/json"],
      ["x-trace", "abc"],
    ]);
    assert.equal(text(panel.get("#tab-headers .tab-badge")), "2");
  }));

test("status text falls back to the reason phrase and the colour follows the class", () =>
  withPanel((panel) => {
    panel.show(ready({ status: 404, statusText: "" }));
    assert.equal(text(panel.get("#status")), "404 Not Found");
    assert.ok(panel.get("#status").classList.contains("status-4xx"));
    panel.show(ready({ requestId: "r2", status: 503, statusText: "Busy" }));
    assert.equal(text(panel.get("#status")), "503 Busy");
    assert.ok(panel.get("#status").classList.contains("status-5xx"));
  }));

test("text bodies, image previews, binary and empty bodies", () =>
  withPanel((panel) => {
    panel.show(ready({ body: { kind: "text", text: "line 1\n  line 2" } }));
    assert.equal(text(panel.get("#body pre")), "line 1\n  line 2");

    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    panel.show(ready({ requestId: "r2", body: { kind: "image", contentType: "image/png", base64: png } }));
    assert.equal(panel.get("#body img").getAttribute("src"), `data:image/png;base64,${png}`);

    panel.show(ready({ requestId: "r3", body: { kind: "image", contentType: 'image/png" onload="alert(1)', base64: png } }));
    assert.equal(panel.find("#body img"), null, "a content type that is not a plain image type is not previewed");

    panel.show(ready({ requestId: "r4", body: { kind: "binary", contentType: "application/zip", base64: "UEsDBA==" } }));
    assert.match(text(panel.get("#body"))!, /application\/zip/);
    assert.ok(panel.find("#download"));

    panel.show(ready({ requestId: "r5", body: { kind: "empty" } }));
    assert.match(text(panel.get("#body"))!, /no body/);
    assert.equal(panel.find("#download"), null);
  }));

test("hostile bodies, headers and log text are shown as text, never parsed as markup", () =>
  withPanel((panel) => {
    const hostile = "<img src=x onerror=alert(1)>";
    panel.show(
      ready({
        body: { kind: "text", text: hostile },
        headers: [["x-evil", hostile]],
        executions: [
          { ...executions[0]!, identifier: hostile, error: hostile, lines: [{ level: "LOG", message: hostile, timestamp: at }] },
        ],
      }),
    );
    assert.equal(text(panel.get("#body pre")), hostile);
    assert.equal(panel.document.querySelectorAll("img").length, 0, "no <img> element was created");
    assert.equal(panel.get("#body pre").children.length, 0);
    assert.ok(text(panel.get("#headers"))!.includes(hostile));
    assert.equal(text(panel.get(".execution-identifier")), hostile);
    assert.equal(text(panel.get(".execution-error")), hostile);
    assert.equal(text(panel.get(".log-message")), hostile);
  }));

test("executions render as a call tree in order, with kind badges, outcomes and log lines", () =>
  withPanel((panel) => {
    panel.show(ready({ executions }));
    const ids = (selector: string) => panel.all(selector).map((item) => item.dataset.executionId);
    assert.deepEqual(ids("#executions > li"), ["e1"]);
    assert.deepEqual(ids("#executions > li > .execution-children > li"), ["e2", "e4"]);
    assert.deepEqual(ids('[data-execution-id="e2"] > .execution-children > li'), ["e3"]);
    assert.deepEqual(
      panel.all("#executions .kind").map((badge) => badge.textContent),
      ["H", "M", "Q", "A"],
    );

    const head = (id: string) => panel.get(`[data-execution-id="${id}"] > .execution-head`);
    assert.equal(text(head("e1").querySelector(".execution-status")), "200");
    assert.equal(text(head("e1").querySelector(".execution-duration")), "30 ms");
    assert.equal(text(head("e3").querySelector(".execution-outcome")), "failure");
    assert.ok(panel.get('[data-execution-id="e3"]').classList.contains("outcome-failure"));
    assert.equal(head("e4").querySelector(".execution-duration"), null, "a running execution has no duration yet");
    assert.match(text(panel.get('[data-execution-id="e3"] > .execution-error'))!, /Uncaught Error: boom/);

    const lines = panel.all("#logs .log-line").map((line) => [line.dataset.level, text(line.querySelector(".log-message"))]);
    assert.deepEqual(lines, [
      ["LOG", "'received'"],
      ["INFO", "'stored message'"],
      ["WARN", "'slow'"],
      ["ERROR", "'failed' at ../convex/notify.ts:7:9"],
    ]);
    assert.ok(text(panel.get("#logs"))!.includes("'stored message'"));
    assert.ok(panel.get('[data-level="WARN"]').classList.contains("level-warn"));
    assert.equal(text(panel.get("#tab-logs .tab-badge")), "4");
  }));

test("an execution whose parent is missing still shows, as a root", () =>
  withPanel((panel) => {
    panel.show(
      ready({
        executions: [
          { ...executions[1]!, parentId: "pruned" },
          { ...executions[0]!, id: "x", parentId: "x" },
        ],
      }),
    );
    assert.deepEqual(
      panel.all("#executions > li").map((item) => item.dataset.executionId),
      ["e2", "x"],
    );
  }));

test("clicking a user stack frame asks the host to open the file at the line", async () =>
  withPanel(async (panel) => {
    panel.show(ready({ executions }));
    const frames = panel.all(".stack-frame");
    assert.deepEqual(
      frames.map((frame) => frame.textContent),
      ["../convex/messages.ts:12:3", "../convex/notify.ts:7:9"],
    );
    panel.click(frames[0]!);
    const [open] = panel.sent<{ id: number; file: string; line: number; column: number }>("openSource");
    assert.deepEqual(
      { ...open, id: typeof open!.id },
      { type: "openSource", id: "number", file: "convex/messages.ts", line: 12, column: 3 },
    );

    panel.host({ type: "reply", id: open!.id, ok: false, error: "convex/messages.ts does not exist" });
    await flush();
    assert.match(text(panel.get("#action-error"))!, /convex\/messages\.ts does not exist/);
  }));

test("send posts the edited request with an id and keeps Send disabled until the reply", async () =>
  withPanel(async (panel) => {
    panel.show(
      ready(
        {},
        {
          routePath: "/messages/*",
          headers: [
            { name: "Content-Type", value: "application/json" },
            { name: "X-Old", value: "1" },
          ],
        },
      ),
    );
    panel.type("#path-rest", "room/7");
    panel.type("#query", "?limit=5");
    panel.type(panel.all(".header-row")[0]!.querySelector<HTMLElement>(".header-value")!, "application/json; charset=utf-8");
    panel.click(panel.all(".header-row")[1]!.querySelector<HTMLElement>(".header-remove")!);
    panel.click("#add-header");
    const added = panel.all(".header-row").at(-1)!;
    panel.type(added.querySelector<HTMLElement>(".header-name")!, "X-Trace");
    panel.type(added.querySelector<HTMLElement>(".header-value")!, "t1");
    panel.click("#add-authorization");
    panel.type(panel.all(".header-row").at(-1)!.querySelector<HTMLElement>(".header-value")!, "Bearer abc");
    panel.click("#add-header"); // an unnamed row is not sent
    panel.type("#body-editor", '{"body":"edited"}');

    assert.equal(panel.get("#send").hasAttribute("disabled"), false);
    panel.click("#send");
    const sends = panel.sent<{ id: number; request: unknown }>("send");
    assert.equal(sends.length, 1);
    assert.equal(typeof sends[0]!.id, "number");
    assert.deepEqual(sends[0]!.request, {
      method: "POST",
      routePath: "/messages/*",
      pathRest: "room/7",
      query: "limit=5",
      headers: [
        { name: "Content-Type", value: "application/json; charset=utf-8" },
        { name: "X-Trace", value: "t1" },
        { name: "Authorization", value: "Bearer abc" },
      ],
      body: '{"body":"edited"}',
    });
    assert.equal(panel.get("#send").hasAttribute("disabled"), true);
    assert.equal(panel.get("#send-progress").hidden, false);

    panel.click("#send");
    assert.equal(panel.sent("send").length, 1, "a second click while sending does nothing");

    // The host's new state arrives before its reply: still sending.
    panel.show(ready({ requestId: "r2" }, { routePath: "/messages/*", pathRest: "room/7" }));
    assert.equal(panel.get("#send").hasAttribute("disabled"), true);

    panel.host({ type: "reply", id: sends[0]!.id, ok: true });
    await flush();
    assert.equal(panel.get("#send").hasAttribute("disabled"), false);
    assert.equal(panel.get("#send-progress").hidden, true);
    assert.equal(panel.get("#action-error").hidden, true);
  }));

test("a failed send shows the host's error and enables Send again", async () =>
  withPanel(async (panel) => {
    panel.show(ready());
    panel.click("#send");
    const [send] = panel.sent<{ id: number }>("send");
    panel.host({ type: "reply", id: send!.id + 1, ok: false, error: "not ours" });
    await flush();
    assert.equal(panel.get("#send").hasAttribute("disabled"), true, "a reply to another request changes nothing");
    panel.host({ type: "reply", id: send!.id, ok: false, error: '"bad name" is not a valid header name' });
    await flush();
    assert.equal(panel.get("#action-error").hidden, false);
    assert.equal(text(panel.get("#action-error")), 'Send failed: "bad name" is not a valid header name');
    assert.equal(panel.get("#send").hasAttribute("disabled"), false);
    // The host repeating its state keeps the notice; a new state replaces it.
    panel.show(ready());
    assert.equal(panel.get("#action-error").hidden, false);
    panel.show(ready({ requestId: "r2" }));
    assert.equal(panel.get("#action-error").hidden, true);
  }));

test("a send the host never answers fails after the time limit", async () =>
  withPanel(
    async (panel) => {
      panel.show(ready());
      panel.click("#send");
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.match(text(panel.get("#action-error"))!, /did not answer "send"/);
      assert.equal(panel.get("#send").hasAttribute("disabled"), false);
    },
    { timeoutMs: 20 },
  ));

test("GET requests have no body editor and send an empty body", () =>
  withPanel((panel) => {
    panel.show(ready({}, { method: "GET", headers: [], body: "left over" }));
    assert.equal(panel.find("#body-editor"), null);
    assert.equal(panel.find("#path-rest"), null, "an exact route has no path rest");
    panel.click("#send");
    const [send] = panel.sent<{ request: { body: string; method: string } }>("send");
    assert.equal(send!.request.method, "GET");
    assert.equal(send!.request.body, "");
  }));

test("Download asks the host for the body", () =>
  withPanel((panel) => {
    panel.show(ready());
    panel.click("#download");
    const downloads = panel.sent<{ id: number }>("download");
    assert.equal(downloads.length, 1);
    assert.equal(typeof downloads[0]!.id, "number");
  }));

test("loading shows the request line and a progress ring; error shows the message and the editor", async () =>
  withPanel(async (panel) => {
    panel.show({ kind: "loading", request: request(), target: "Local runtime — http://127.0.0.1:3311" });
    // The path until the response gives the full URL; the target named beside it.
    assert.equal(text(panel.get("#request-line")), "POST /postMessage");
    assert.equal(text(panel.get("#target")), "Local runtime — http://127.0.0.1:3311");
    assert.ok(panel.find("#loading"));
    assert.equal(panel.find("#status"), null);

    panel.show({
      kind: "error",
      request: request(),
      target: "http://127.0.0.1:3311/postMessage",
      message: "The runtime is stopped. Start it and send again.",
    });
    assert.equal(text(panel.get("#error")), "The runtime is stopped. Start it and send again.");
    assert.equal(panel.find("#loading"), null);
    panel.type("#body-editor", "{}");
    panel.click("#send");
    const [send] = panel.sent<{ request: { body: string } }>("send");
    assert.equal(send!.request.body, "{}");
  }));

test("the panel saves its state and draft, and restores them after a reload", async () => {
  const state = ready();
  const first = openPanel();
  let saved: unknown;
  try {
    first.show(state);
    assert.deepEqual(first.api.state, { version: 1, state, draft: state.request, tab: "body" });
    first.type("#query", "page=2");
    const panels = first.get("vscode-panels") as HTMLElement & { activeid: string };
    panels.activeid = "tab-logs";
    panels.dispatchEvent(new first.window.Event("change", { bubbles: true }) as unknown as Event);
    // A form control's change bubbling through the tabs is not a tab change.
    first.get("#query").dispatchEvent(new first.window.Event("change", { bubbles: true }) as unknown as Event);
    saved = first.api.state;
    assert.equal((saved as { draft: { query: string } }).draft.query, "page=2");
    assert.equal((saved as { tab: string }).tab, "logs");
  } finally {
    await first.close();
  }

  const second = openPanel({ api: new VsCodeApiFake(saved) });
  try {
    // Restored before the host says anything.
    assert.equal(text(second.get("#status")), "200 OK");
    assert.equal((second.get("#query") as HTMLElement & { value: string }).value, "page=2");
    assert.equal(second.get("vscode-panels").getAttribute("activeid"), "tab-logs");
    assert.deepEqual(second.api.posted, [{ type: "ready" }]);
    // The host answers `ready` with the same state: the edit survives.
    second.show(state);
    assert.equal((second.get("#query") as HTMLElement & { value: string }).value, "page=2");
    // A new response replaces the draft with the request that produced it.
    second.show(ready({ requestId: "r2" }, { query: "page=3" }));
    assert.equal((second.get("#query") as HTMLElement & { value: string }).value, "page=3");
    assert.equal(second.get("vscode-panels").getAttribute("activeid"), "tab-logs");
  } finally {
    await second.close();
  }
});

test("saved state from another build is ignored, and a malformed host state is reported", async () => {
  const state = ready();
  const { response: _, ...noResponse } = state as Extract<PanelState, { kind: "ready" }>;
  for (const saved of [
    { version: 2, state, draft: state.request, tab: "body" },
    { version: 1, state: noResponse, draft: state.request, tab: "body" },
  ]) {
    await withPanel(
      (panel) => {
        assert.ok(panel.find("#waiting"), JSON.stringify(saved).slice(0, 40));
        assert.equal(panel.find("#status"), null);
      },
      { api: new VsCodeApiFake(saved) },
    );
  }
  await withPanel((panel) => {
    panel.host({ type: "state", state: noResponse as unknown as PanelState });
    assert.match(text(panel.get("#action-error"))!, /cannot show/);
    assert.ok(panel.find("#waiting"));
  });
});
