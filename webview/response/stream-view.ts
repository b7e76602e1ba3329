// The Body tab of a streamed response: a summary (state, time of the first byte, chunks, bytes),
// the events of a `text/event-stream` body with their JSON data pretty-printed, and every chunk
// with its offset from the send. While the body streams, `append` adds what arrives in place
// (no re-render: the list keeps its scroll position) and Stop is offered.
import type { Ui } from "../components";
import type { StreamChunkView, StreamDeltaView, StreamEventView, StreamView } from "../protocol/response";
import { formatBytes, formatJson } from "./format";

export interface StreamHandle {
  element: HTMLElement;
  /** Shows what a `live` message added; `stream` is the stream with the delta applied. */
  append(delta: StreamDeltaView, stream: StreamView): void;
}

/** Applies a `live` message's delta to the shown stream. */
export function applyStreamDelta(stream: StreamView, delta: StreamDeltaView): void {
  stream.chunks.push(...delta.chunks);
  stream.events.push(...delta.events);
  stream.droppedChunks = delta.droppedChunks;
  stream.droppedEvents = delta.droppedEvents;
  stream.receivedBytes = delta.receivedBytes;
  stream.firstByteMs = delta.firstByteMs;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
const offset = (ms: number) => `+${Math.round(ms)} ms`;

const STATE_LABELS: Record<StreamView["state"], string> = {
  streaming: "Streaming…",
  done: "Stream complete",
  stopped: "Stopped",
  failed: "Stream failed",
};

/** "Streaming… · first byte 40 ms · 3 events · 5 chunks · 1.2 KB". */
export function streamSummary(stream: StreamView): string {
  const parts = [STATE_LABELS[stream.state]];
  parts.push(
    stream.firstByteMs === null ? `head ${Math.round(stream.headMs)} ms, no body yet` : `first byte ${Math.round(stream.firstByteMs)} ms`,
  );
  if (stream.eventStream) parts.push(plural(stream.events.length + stream.droppedEvents, "event"));
  parts.push(plural(stream.chunks.length + stream.droppedChunks, "chunk"), formatBytes(stream.receivedBytes));
  return parts.join(" · ");
}

export function streamView(ui: Ui, stream: StreamView, actions: { stop: () => void; download: () => void }): StreamHandle {
  const live = stream.state === "streaming";
  const summary = ui.element("span", { id: "stream-summary", className: "muted", text: streamSummary(stream) });
  const button = live
    ? ui.button("Stop", actions.stop, { id: "stop", appearance: "secondary", title: "Abort the request" })
    : ui.button("Download", actions.download, { id: "download", appearance: "secondary" });
  const view = ui.element(
    "div",
    { id: "stream", className: "stream-view", attrs: { "data-state": stream.state, "data-event-stream": String(stream.eventStream) } },
    [ui.element("div", { className: "toolbar" }, [summary, button])],
  );

  const events = ui.element("ol", { id: "stream-events", className: "stream-list", attrs: { "aria-label": "Events" } });
  const chunks = ui.element("ol", { id: "stream-chunks", className: "stream-list", attrs: { "aria-label": "Chunks" } });
  const chunksTitle = ui.element("summary", { text: "" });
  const dropped = ui.element("p", { id: "stream-dropped", className: "muted" });
  if (stream.eventStream) {
    view.appendChild(events);
    // The raw chunks are there for a look at the wire, folded away.
    view.appendChild(ui.element("details", { id: "stream-raw", className: "stream-raw" }, [chunksTitle, chunks]));
  } else {
    view.appendChild(chunks);
  }
  view.appendChild(dropped);
  if (stream.state === "failed" || stream.state === "stopped") {
    const ending =
      stream.state === "failed"
        ? `The stream broke off: ${stream.error ?? "the connection closed"}. What arrived is shown.`
        : "Stopped: what arrived before is shown.";
    view.appendChild(ui.element("p", { id: "stream-end", className: stream.state === "failed" ? "notice-error" : "muted", text: ending }));
  }

  const update = (current: StreamView, newChunks: StreamChunkView[], newEvents: StreamEventView[]) => {
    for (const event of newEvents) events.appendChild(eventItem(ui, event));
    for (const chunk of newChunks) chunks.appendChild(chunkItem(ui, chunk));
    summary.textContent = streamSummary(current);
    chunksTitle.textContent = `Raw chunks (${current.chunks.length + current.droppedChunks})`;
    const notListed = [
      current.droppedEvents > 0 ? plural(current.droppedEvents, "later event") : null,
      current.droppedChunks > 0 ? plural(current.droppedChunks, "later chunk") : null,
    ].filter((part) => part !== null);
    dropped.textContent = notListed.length > 0 ? `${notListed.join(" and ")} not listed here; Download has the whole body.` : "";
    dropped.hidden = notListed.length === 0;
  };
  update(stream, stream.chunks, stream.events);
  return { element: view, append: (delta, current) => update(current, delta.chunks, delta.events) };
}

function eventItem(ui: Ui, event: StreamEventView): HTMLElement {
  return ui.element("li", { className: "stream-event", attrs: { "data-event": event.event } }, [
    ui.element("div", { className: "stream-head" }, [
      ui.element("span", { className: "stream-offset muted", text: offset(event.offsetMs) }),
      ui.element("span", { className: "stream-event-name", text: event.event }),
      event.id !== null && ui.element("span", { className: "stream-event-id muted", text: `id ${event.id}` }),
    ]),
    ui.element("pre", { className: "stream-data", text: formatJson(event.data) ?? event.data }),
  ]);
}

function chunkItem(ui: Ui, chunk: StreamChunkView): HTMLElement {
  return ui.element("li", { className: "stream-chunk" }, [
    ui.element("div", { className: "stream-head" }, [
      ui.element("span", { className: "stream-offset muted", text: offset(chunk.offsetMs) }),
      ui.element("span", { className: "stream-chunk-size muted", text: formatBytes(chunk.bytes) }),
    ]),
    ui.element("pre", { className: "stream-data", text: chunk.text }),
  ]);
}
