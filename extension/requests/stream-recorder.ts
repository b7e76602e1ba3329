// Records a streamed body as it arrives: each chunk with its offset and text, the events of a
// `text/event-stream` body, the bytes so far. It hands out what is new since it was last asked
// (for the panel's live view) and the whole stream at the end. Pure, no vscode.
import { EventStreamParser } from "../../runtime";
import type { StreamChunkView, StreamDeltaView, StreamEventView, StreamView } from "../../webview/protocol/response";

/** What the panel lists; later chunks and events are counted, and the body stays downloadable. */
export const STREAM_LIMITS = { chunks: 2000, events: 2000, textChars: 2 * 1024 * 1024 };

/** A stream whose head just arrived. */
export function startedStream(eventStream: boolean, headMs: number): StreamView {
  return {
    eventStream,
    headMs,
    firstByteMs: null,
    chunks: [],
    events: [],
    droppedChunks: 0,
    droppedEvents: 0,
    receivedBytes: 0,
    state: "streaming",
    error: null,
  };
}

export class StreamRecorder {
  readonly #decoder = new TextDecoder("utf-8", { fatal: false });
  readonly #parser: EventStreamParser | null;
  readonly #view: StreamView;
  #textChars = 0;
  /** Where the last delta ended. */
  #sentChunks = 0;
  #sentEvents = 0;

  constructor(eventStream: boolean, headMs: number) {
    this.#parser = eventStream ? new EventStreamParser() : null;
    this.#view = startedStream(eventStream, headMs);
  }

  add(bytes: Uint8Array, offsetMs: number): void {
    const view = this.#view;
    view.firstByteMs ??= offsetMs;
    view.receivedBytes += bytes.byteLength;
    const text = this.#decoder.decode(bytes, { stream: true });
    this.#addChunk({ offsetMs, bytes: bytes.byteLength, text });
    for (const event of this.#parser?.push(text) ?? []) this.#addEvent({ event: event.event, id: event.id, data: event.data, offsetMs });
  }

  /** The body ended (`done`), or was cut short. */
  finish(state: Exclude<StreamView["state"], "streaming">, error: string | null = null): StreamView {
    const rest = this.#decoder.decode();
    const last = this.#view.chunks.at(-1);
    if (rest && last) last.text += rest;
    this.#parser?.end();
    this.#view.state = state;
    this.#view.error = error;
    return this.view();
  }

  /** The stream so far (a copy the caller may keep). */
  view(): StreamView {
    return { ...this.#view, chunks: [...this.#view.chunks], events: [...this.#view.events] };
  }

  /** What arrived since the last delta. */
  delta(): StreamDeltaView {
    const view = this.#view;
    const delta: StreamDeltaView = {
      chunks: view.chunks.slice(this.#sentChunks),
      events: view.events.slice(this.#sentEvents),
      droppedChunks: view.droppedChunks,
      droppedEvents: view.droppedEvents,
      receivedBytes: view.receivedBytes,
      firstByteMs: view.firstByteMs,
    };
    this.#sentChunks = view.chunks.length;
    this.#sentEvents = view.events.length;
    return delta;
  }

  #addChunk(chunk: StreamChunkView): void {
    if (this.#fits(this.#view.chunks.length, STREAM_LIMITS.chunks, chunk.text)) this.#view.chunks.push(chunk);
    else this.#view.droppedChunks++;
  }

  #addEvent(event: StreamEventView): void {
    if (this.#fits(this.#view.events.length, STREAM_LIMITS.events, event.data)) this.#view.events.push(event);
    else this.#view.droppedEvents++;
  }

  /** Whether one more entry with `text` stays within the limits (counted when it does). */
  #fits(listed: number, limit: number, text: string): boolean {
    if (listed >= limit || this.#textChars + text.length > STREAM_LIMITS.textChars) return false;
    this.#textChars += text.length;
    return true;
  }
}
