// The response panel while a request runs: the stream shown as it arrives (events with their JSON
// data pretty-printed, chunks with offsets, a running count), the Logs filling in, Stop, and the
// history of sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExecutionView } from "../../webview/protocol/core";
import type { HistoryEntryView, PanelState, StreamView } from "../../webview/protocol/response";
import { flush, ready, request, withPanel } from "./webview-fixture";

const text = (element: Element | null) => element?.textContent ?? null;

function streaming(overrides: Partial<StreamView> = {}): StreamView {
  return {
    eventStream: true,
    headMs: 8,
    firstByteMs: 12,
    chunks: [{ offsetMs: 12, bytes: 38, text: 'event: token\nid: 1\ndata: {"text":"Hel"}\n\n' }],
    events: [{ event: "token", id: "1", data: '{"text":"Hel"}', offsetMs: 12 }],
    droppedChunks: 0,
    droppedEvents: 0,
    receivedBytes: 38,
    state: "streaming",
    error: null,
    ...overrides,
  };
}

const running: ExecutionView = {
  id: "e1",
  parentId: null,
  udfType: "httpAction",
  identifier: "GET /chat",
  outcome: "running",
  durationMs: null,
  status: null,
  error: null,
  lines: [{ level: "LOG", message: "'streaming'", timestamp: Date.UTC(2026, 0, 2) }],
};

const streamState = (stream = streaming()): PanelState =>
  ready(
    {
      requestId: "s1",
      headers: [["content-type", "text/event-stream"]],
      body: { kind: "empty" },
      sizeBytes: 0,
      stream,
    },
    { method: "GET", routePath: "/chat", headers: [], body: "" },
  );

test("an event stream shows its events as they arrive, JSON data pretty-printed, with offsets and a running count", () =>
  withPanel((panel) => {
    panel.show(streamState());
    assert.equal(panel.get("#stream").dataset.state, "streaming");
    assert.equal(text(panel.get("#stream-summary")), "Streaming… · first byte 12 ms · 1 event · 1 chunk · 38 B");
    assert.equal(panel.find("#duration"), null, "no total time while the body streams");
    assert.deepEqual(
      panel
        .all("#stream-events .stream-event")
        .map((item) => [
          text(item.querySelector(".stream-offset")),
          text(item.querySelector(".stream-event-name")),
          text(item.querySelector(".stream-event-id")),
          text(item.querySelector(".stream-data")),
        ]),
      [["+12 ms", "token", "id 1", '{\n  "text": "Hel"\n}']],
    );
    const first = panel.get("#stream-events .stream-event");

    panel.host({
      type: "live",
      requestId: "s1",
      stream: {
        chunks: [
          { offsetMs: 250, bytes: 37, text: 'event: token\nid: 2\ndata: {"text":"lo"}\n\n' },
          { offsetMs: 480, bytes: 27, text: "event: done\ndata: [DONE]\n\n" },
        ],
        events: [
          { event: "token", id: "2", data: '{"text":"lo"}', offsetMs: 250 },
          { event: "done", id: "2", data: "[DONE]", offsetMs: 480 },
        ],
        droppedChunks: 0,
        droppedEvents: 0,
        receivedBytes: 102,
        firstByteMs: 12,
      },
    });
    // Added in place: the first item is the same element.
    assert.equal(panel.get("#stream-events .stream-event"), first);
    assert.deepEqual(
      panel.all("#stream-events .stream-event").map((item) => `${text(item.querySelector(".stream-offset"))} ${item.dataset.event}`),
      ["+12 ms token", "+250 ms token", "+480 ms done"],
    );
    assert.equal(text(panel.all("#stream-events .stream-data").at(-1)!), "[DONE]");
    assert.equal(text(panel.get("#stream-summary")), "Streaming… · first byte 12 ms · 3 events · 3 chunks · 102 B");
    // The raw chunks, folded away for an event stream.
    assert.equal(text(panel.get("#stream-raw > summary")), "Raw chunks (3)");
    assert.deepEqual(
      panel.all("#stream-chunks .stream-chunk .stream-offset").map((item) => text(item)),
      ["+12 ms", "+250 ms", "+480 ms"],
    );

    // A late message about another request changes nothing.
    panel.host({
      type: "live",
      requestId: "old",
      stream: { chunks: [], events: [], droppedChunks: 9, droppedEvents: 9, receivedBytes: 1, firstByteMs: 1 },
    });
    assert.equal(panel.all("#stream-events .stream-event").length, 3);
  }));

test("a plain streamed body lists its chunks; when it ends the panel shows the totals and Download", () =>
  withPanel((panel) => {
    const chunked = streaming({ eventStream: false, events: [], chunks: [{ offsetMs: 30, bytes: 6, text: "Hello " }], receivedBytes: 6 });
    panel.show(streamState(chunked));
    assert.equal(panel.find("#stream-events"), null);
    assert.deepEqual(
      panel
        .all("#stream-chunks .stream-chunk")
        .map((item) => [text(item.querySelector(".stream-offset")), text(item.querySelector(".stream-data"))]),
      [["+30 ms", "Hello "]],
    );
    assert.ok(panel.find("#stop"));
    assert.equal(panel.find("#download"), null);

    panel.show(
      ready(
        {
          requestId: "s1",
          durationMs: 900,
          sizeBytes: 11,
          body: { kind: "text", text: "Hello world" },
          stream: { ...chunked, chunks: [...chunked.chunks, { offsetMs: 880, bytes: 5, text: "world" }], receivedBytes: 11, state: "done" },
        },
        { method: "GET", routePath: "/chat", headers: [], body: "" },
      ),
    );
    assert.equal(text(panel.get("#stream-summary")), "Stream complete · first byte 12 ms · 2 chunks · 11 B");
    assert.equal(text(panel.get("#duration")), "900 ms");
    assert.equal(panel.find("#stop"), null);
    assert.ok(panel.find("#download"));
  }));

test("Stop asks the host to abort, while loading and while streaming; Send waits until the request is over", async () =>
  withPanel(async (panel) => {
    panel.show({ kind: "loading", request: request(), target: "Local runtime", requestId: "s1" });
    panel.click("#stop");
    assert.equal(panel.sent("stop").length, 1);

    panel.show(streamState());
    assert.equal(panel.get("#send").hasAttribute("disabled"), true, "no second send while the body streams");
    panel.click("#stop");
    const stops = panel.sent<{ id: number }>("stop");
    assert.equal(stops.length, 2);
    panel.host({ type: "reply", id: stops[1]!.id, ok: true });
    await flush();
    panel.show(streamState(streaming({ state: "stopped" })));
    assert.equal(panel.get("#send").hasAttribute("disabled"), false);
    assert.equal(text(panel.get("#stream-summary"))!.startsWith("Stopped"), true);
    assert.match(text(panel.get("#stream-end"))!, /Stopped: what arrived before is shown/);
  }));

test("a stream that broke off says why", () =>
  withPanel((panel) => {
    panel.show(streamState(streaming({ state: "failed", error: "terminated: other side closed" })));
    assert.equal(text(panel.get("#stream-end")), "The stream broke off: terminated: other side closed. What arrived is shown.");
  }));

test("the Logs fill in while the request runs: before the response, and while its body streams", () =>
  withPanel((panel) => {
    panel.show({ kind: "loading", request: request(), target: "Local runtime", requestId: "s1", executions: [] });
    assert.equal(panel.get("#logs-slot").hidden, true);
    panel.host({ type: "live", requestId: "s1", executions: [running] });
    assert.equal(panel.get("#logs-slot").hidden, false);
    assert.equal(text(panel.get("#logs .execution-identifier")), "GET /chat");
    assert.equal(text(panel.get("#logs .log-message")), "'streaming'");

    panel.show(streamState());
    assert.equal(panel.find("#tab-logs .tab-badge"), null);
    panel.host({
      type: "live",
      requestId: "s1",
      executions: [{ ...running, lines: [...running.lines, { level: "INFO", message: "'sent 1'", timestamp: 0 }] }],
    });
    assert.deepEqual(
      panel.all("#logs .log-message").map((line) => text(line)),
      ["'streaming'", "'sent 1'"],
    );
    assert.equal(text(panel.get("#tab-logs .tab-badge")), "1");
    assert.equal(text(panel.get("#logs .execution-outcome")), "running");
  }));

const entries: HistoryEntryView[] = [
  {
    id: "h2",
    at: Date.UTC(2026, 0, 2, 3, 4, 5),
    method: "GET",
    routePath: "/chat",
    path: "/chat?topic=x",
    target: "Local runtime",
    status: 200,
    error: null,
    durationMs: 900,
    hasResponse: true,
  },
  {
    id: "h1",
    at: Date.UTC(2026, 0, 2, 3, 4, 0),
    method: "POST",
    routePath: "/postMessage",
    path: "/postMessage",
    target: "Local runtime",
    status: null,
    error: "The request failed: fetch failed",
    durationMs: null,
    hasResponse: false,
  },
];

test("History lists the last sends; Open and Send again ask the host for that send", () =>
  withPanel((panel) => {
    panel.show(ready());
    assert.equal(text(panel.get("#history-toggle")), "History (0)");
    panel.host({ type: "history", entries });
    assert.equal(text(panel.get("#history-toggle")), "History (2)");
    assert.equal(panel.find("#history"), null, "closed until asked");
    panel.click("#history-toggle");
    assert.equal(panel.get("#history-toggle").getAttribute("aria-expanded"), "true");
    assert.deepEqual(
      panel
        .all("#history .history-entry")
        .map((row) => [
          row.dataset.entryId,
          text(row.querySelector(".history-request")),
          text(row.querySelector(".history-status")),
          text(row.querySelector(".history-duration")),
        ]),
      [
        ["h2", "GET /chat?topic=x", "200", "900 ms"],
        ["h1", "POST /postMessage", "failed", ""],
      ],
    );
    panel.click(panel.get('[data-entry-id="h1"] .history-open'));
    panel.click(panel.get('[data-entry-id="h2"] .history-resend'));
    assert.deepEqual(
      panel.sent<{ entryId: string }>("openHistory").map((m) => m.entryId),
      ["h1"],
    );
    assert.deepEqual(
      panel.sent<{ entryId: string }>("resendHistory").map((m) => m.entryId),
      ["h2"],
    );
    // Open stays open across states; a send shown is marked.
    panel.show(ready({ requestId: "h2" }));
    assert.ok(panel.get('[data-entry-id="h2"]').classList.contains("shown"));
    panel.click("#history-toggle");
    assert.equal(panel.find("#history"), null);
  }));

test("a send of the history without its response shows its request to edit and send", () =>
  withPanel((panel) => {
    panel.show({ kind: "idle", request: request(), target: "Local runtime", note: "This send's response is no longer kept." });
    assert.equal(text(panel.get("#idle-note")), "This send's response is no longer kept.");
    assert.ok(panel.find("#history-toggle"));
    panel.click("#send");
    assert.equal(panel.sent("send").length, 1);
  }));
