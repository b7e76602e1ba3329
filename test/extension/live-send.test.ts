// The messages a response panel gets for one send, against the real runtime: the loading state
// with the request's id, the response as soon as a streamed body starts, `live` messages with
// the stream's new chunks and events and the executions so far, and the final state. The
// fixture's /events route waits on a gate (a URL the test answers) before its last event.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatedEvents } from "../helpers/gate";
import { LiveSend, type LiveSendMessage } from "../../extension/requests/live-send";
import type { EditableRequest, PanelState, StreamEventView } from "../../webview/protocol/response";

const { server, gate, events } = gatedEvents();

function liveSend(request: EditableRequest, onMessage: (message: LiveSendMessage, send: LiveSend) => void): LiveSend {
  const send: LiveSend = new LiveSend(
    { siteUrl: server().site.url, request, shown: request, target: "Local runtime", logs: server().runtime.logs, flushMs: 5 },
    (message) => onMessage(message, send),
  );
  return send;
}

const kinds = (messages: LiveSendMessage[]) =>
  messages.map((message) =>
    message.type === "state"
      ? `state:${message.state.kind}${message.state.kind === "ready" ? `:${message.state.response.stream?.state}` : ""}`
      : `live:${message.stream ? "stream" : ""}${message.executions ? "executions" : ""}`,
  );

test("a streamed send: loading, the response with its stream as it starts, live events and logs, then the final state", {
  timeout: 30_000,
}, async () => {
  const messages: LiveSendMessage[] = [];
  const received: StreamEventView[] = [];
  let sawWaitingLine = false;
  let shownBeforeTheEnd: string[] = [];
  const send = liveSend(events(2), (message) => {
    messages.push(message);
    if (message.type !== "live") return;
    received.push(...(message.stream?.events ?? []));
    const lines = (message.executions ?? []).flatMap((execution) => execution.lines.map((line) => line.message));
    if (lines.includes("'waiting at the gate'")) sawWaitingLine = true;
    // Both token events and the handler's log line shown while it waits: let it finish.
    if (received.length === 2 && sawWaitingLine && shownBeforeTheEnd.length === 0) {
      shownBeforeTheEnd = received.map((event) => event.data);
      gate().open();
    }
  });
  const result = await send.run();

  const seen = kinds(messages);
  assert.equal(seen[0], "state:loading");
  // The executions may show before the response's head arrives (the Logs fill in from the start);
  // the stream's deltas only after the response, which is the next state.
  const states = seen.filter((kind) => kind.startsWith("state:"));
  assert.equal(states[1], "state:ready:streaming", seen.join(" "));
  const firstDelta = seen.findIndex((kind) => kind.startsWith("live:stream"));
  assert.ok(firstDelta > seen.indexOf("state:ready:streaming"), seen.join(" "));
  assert.equal(seen.at(-1), "state:ready:done");
  assert.ok(seen.includes("live:stream"), seen.join(" "));
  assert.ok(seen.includes("live:executions"), seen.join(" "));
  const loading = messages[0] as { state: Extract<PanelState, { kind: "loading" }> };
  assert.equal(loading.state.requestId, send.requestId);

  // The token events were shown while the handler waited, before it sent the last one.
  assert.deepEqual(shownBeforeTheEnd, ['{"n":1}', '{"n":2}']);
  // The live deltas are the final stream's beginning (or all of it).
  const final = (messages.at(-1) as { state: Extract<PanelState, { kind: "ready" }> }).state.response;
  assert.deepEqual(final.stream!.events.slice(0, received.length), received);
  assert.deepEqual(
    final.stream!.events.map((event) => event.data),
    ['{"n":1}', '{"n":2}', "[DONE]"],
  );
  assert.equal(final.requestId, send.requestId);
  assert.equal(final.executions[0]!.outcome, "success");
  assert.deepEqual(result.response, final);
  assert.deepEqual(send.state, messages.at(-1)!.type === "state" ? (messages.at(-1) as { state: PanelState }).state : null);
});

test("Stop while the body streams: the final state keeps what arrived and says stopped", { timeout: 30_000 }, async () => {
  const messages: LiveSendMessage[] = [];
  let tokens = 0;
  const send = liveSend(events(3), (message, self) => {
    messages.push(message);
    if (message.type === "live") {
      tokens += message.stream?.events.length ?? 0;
      if (tokens === 3) self.stop();
    }
  });
  const result = await send.run();
  gate().open();
  assert.equal(result.response.stream!.state, "stopped");
  assert.equal(result.response.stream!.events.length, 3);
  assert.equal(kinds(messages).at(-1), "state:ready:stopped");
});

test("Stop before the response: the error state says it was stopped", async () => {
  const messages: LiveSendMessage[] = [];
  const send = liveSend(events(1), (message) => messages.push(message));
  const running = send.run();
  send.stop();
  await assert.rejects(running, { message: "Stopped before the response arrived." });
  const last = messages.at(-1) as { state: Extract<PanelState, { kind: "error" }> };
  assert.equal(last.state.kind, "error");
  assert.equal(last.state.message, "Stopped before the response arrived.");
  gate().open();
});

test("a send another one took over posts nothing more", { timeout: 30_000 }, async () => {
  const messages: LiveSendMessage[] = [];
  let abandoned = false;
  const send = liveSend(events(1), (message, self) => {
    if (abandoned) assert.fail(`posted ${message.type} after it was abandoned`);
    messages.push(message);
    if (message.type === "state" && message.state.kind === "ready") {
      abandoned = true;
      self.abandon();
    }
  });
  const result = await send.run();
  gate().open();
  assert.equal(result.response.stream!.state, "stopped");
  assert.equal(kinds(messages).at(-1), "state:ready:streaming");
});

test("a body that does not stream is shown once, complete", async () => {
  const messages: LiveSendMessage[] = [];
  const request: EditableRequest = { method: "POST", routePath: "/increment", pathRest: "", query: "name=live", headers: [], body: "" };
  const send = liveSend(request, (message) => messages.push(message));
  await send.run();
  const seen = kinds(messages).filter((kind) => kind.startsWith("state"));
  assert.deepEqual(seen, ["state:loading", "state:ready:undefined"]);
});
