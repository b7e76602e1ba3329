// Streamed responses as the panel receives them, against the real runtime: chunks and events
// while the body is still open, the request's executions while it runs, and Stop. The fixture's
// /events route waits on a "gate" (a URL it fetches) before its last event; the test opens the
// gate only once it has seen what must arrive first, so the order is certain without timing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gatedEvents } from "../helpers/gate";
import { newRequestId, sendRequest } from "../../extension/requests/send-request";
import { watchExecutions } from "../../extension/requests/live-executions";
import type { ExecutionView } from "../../webview/protocol/core";
import type { StreamEventView } from "../../webview/protocol/response";

const { server, gate, events } = gatedEvents();

test("an event stream's events arrive while the body is open, each with its offset; the last once the handler sends it", {
  timeout: 30_000,
}, async () => {
  const seen: StreamEventView[] = [];
  let headSeen = false;
  let gateOpened = false;
  const sending = sendRequest(server().site.url, events(2), server().runtime.logs, {
    onHead: (head) => {
      headSeen = true;
      assert.equal(head.streamed, true);
      assert.equal(head.eventStream, true);
      assert.equal(head.status, 200);
    },
    onChunk: (recorder) => {
      seen.push(...recorder.delta().events);
      // Both token events are in while the handler still waits at the gate: open it now.
      if (!gateOpened && seen.length === 2) {
        gateOpened = true;
        void gate()
          .reached()
          .then(() => gate().open());
      }
    },
  });
  const { response } = await sending;
  assert.ok(headSeen);
  assert.ok(gateOpened, "the token events arrived before the body ended");
  assert.deepEqual(
    seen.map((event) => [event.event, event.id, event.data]),
    [
      ["token", "1", '{"n":1}'],
      ["token", "2", '{"n":2}'],
      ["done", "2", "[DONE]"],
    ],
  );
  const stream = response.stream!;
  assert.equal(stream.state, "done");
  assert.equal(stream.eventStream, true);
  assert.deepEqual(stream.events, seen);
  assert.equal(stream.receivedBytes, response.sizeBytes);
  assert.equal(
    stream.chunks.map((chunk) => chunk.text).join(""),
    'event: token\nid: 1\ndata: {"n":1}\n\nevent: token\nid: 2\ndata: {"n":2}\n\nevent: done\ndata: [DONE]\n\n',
  );
  assert.equal(
    stream.chunks.reduce((sum, chunk) => sum + chunk.bytes, 0),
    response.sizeBytes,
  );
  // Offsets count from the send and never go backwards; the first byte came after the head.
  const offsets = stream.chunks.map((chunk) => chunk.offsetMs);
  assert.deepEqual(
    offsets,
    [...offsets].sort((a, b) => a - b),
  );
  assert.equal(stream.firstByteMs, offsets[0]);
  assert.ok(stream.firstByteMs! >= stream.headMs);
  assert.ok(seen.every((event) => offsets.includes(event.offsetMs)));
  // The whole body is also there as text, as for any response.
  assert.equal(response.body.kind, "text");
});

test("the request's executions and log lines show while it runs, and the call ends after the stream", { timeout: 30_000 }, async () => {
  const requestId = newRequestId();
  const updates: ExecutionView[][] = [];
  let sawWaiting: () => void = () => {};
  const waitingLogged = new Promise<void>((resolve) => {
    sawWaiting = resolve;
  });
  const stop = watchExecutions(
    server().runtime.logs,
    requestId,
    (executions) => {
      updates.push(executions);
      const lines = executions.flatMap((execution) => execution.lines.map((line) => line.message));
      if (lines.includes("'waiting at the gate'")) sawWaiting();
    },
    10,
  );
  try {
    const sending = sendRequest(server().site.url, events(1), server().runtime.logs, { requestId });
    await Promise.all([waitingLogged, gate().reached()]);
    // Seen while the handler waits: its execution is still running.
    const live = updates.at(-1)!;
    assert.deepEqual(
      live.map((execution) => [execution.identifier, execution.outcome]),
      [["GET /events", "running"]],
    );
    assert.deepEqual(
      live[0]!.lines.map((line) => line.message),
      ["'streaming' 1 'events'", "'waiting at the gate'"],
    );
    gate().open();
    const { response } = await sending;
    assert.equal(response.executions[0]!.outcome, "success");
  } finally {
    stop();
  }
});

test("Stop ends a stream where it is: what arrived is kept, and the state says stopped", { timeout: 30_000 }, async () => {
  const controller = new AbortController();
  let tokens = 0;
  const { response } = await sendRequest(server().site.url, events(3), server().runtime.logs, {
    signal: controller.signal,
    onChunk: (recorder) => {
      tokens += recorder.delta().events.length;
      if (tokens === 3)
        void gate()
          .reached()
          .then(() => controller.abort());
    },
  });
  gate().open();
  const stream = response.stream!;
  assert.equal(stream.state, "stopped");
  assert.deepEqual(
    stream.events.map((event) => event.data),
    ['{"n":1}', '{"n":2}', '{"n":3}'],
  );
  assert.equal(response.sizeBytes, stream.receivedBytes);
});

test("Stop before the head arrives fails the request as stopped", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(sendRequest(server().site.url, events(1), server().runtime.logs, { signal: controller.signal }), {
    name: "RequestStopped",
    message: "Stopped before the response arrived.",
  });
});

test("a body with a Content-Length is not a stream; a chunked text body is, without events", async () => {
  const json = await sendRequest(
    server().site.url,
    { method: "POST", routePath: "/increment", pathRest: "", query: "name=stream", headers: [], body: "" },
    server().runtime.logs,
  );
  assert.equal(json.response.stream, undefined);
  const text = await sendRequest(
    server().site.url,
    { method: "GET", routePath: "/stream", pathRest: "", query: "", headers: [], body: "" },
    server().runtime.logs,
  );
  const stream = text.response.stream!;
  assert.equal(stream.eventStream, false);
  assert.deepEqual(stream.events, []);
  assert.equal(stream.chunks.map((chunk) => chunk.text).join(""), "chunk1\nchunk2\nchunk3\n");
  assert.equal(stream.state, "done");
});
