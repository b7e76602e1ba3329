// Server-Sent Events: the `text/event-stream` format as the HTML standard parses it
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
// Incremental: text goes in as it arrives, each event comes out once its blank line has. Pure:
// `convex-lens run`'s assertions and the response panel's live view share it.

export interface ServerSentEvent {
  /** `event:`; "message" when the event names none, as EventSource dispatches it. */
  event: string;
  /** The last `id:` seen so far (it carries over to later events, as the standard says); null before any. */
  id: string | null;
  /** `data:` lines joined with "\n". */
  data: string;
  /** `retry:` when this event set one. */
  retry: number | null;
}

/** Whether a Content-Type header names an event stream. */
export function isEventStream(contentType: string | null | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "text/event-stream";
}

export class EventStreamParser {
  /** Text of a line not yet ended. */
  #partial = "";
  /** A "\r" ended the last chunk: a "\n" starting the next one belongs to it. */
  #pendingCr = false;
  #started = false;
  #data: string[] = [];
  #hasData = false;
  #event = "";
  #lastId: string | null = null;
  #retry: number | null = null;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): ServerSentEvent[] {
    let input = text;
    if (!this.#started && input.length > 0) {
      this.#started = true;
      if (input.startsWith("\uFEFF")) input = input.slice(1);
    }
    if (this.#pendingCr && input.startsWith("\n")) input = input.slice(1);
    this.#pendingCr = false;
    const events: ServerSentEvent[] = [];
    const lines = (this.#partial + input).split(/\r\n|\r|\n/);
    this.#partial = lines.pop()!;
    // A chunk ending in "\r" ended a line, but a "\n" may follow in the next chunk.
    if (this.#partial === "" && input.endsWith("\r")) this.#pendingCr = true;
    for (const line of lines) {
      const event = this.#line(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** The stream ended: an event without its blank line is discarded, as the standard says. */
  end(): ServerSentEvent[] {
    this.#partial = "";
    this.#data = [];
    this.#hasData = false;
    this.#event = "";
    this.#retry = null;
    return [];
  }

  #line(line: string): ServerSentEvent | null {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        this.#hasData = true;
        break;
      case "id":
        if (!value.includes("\u0000")) this.#lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
      // Unknown fields are ignored.
    }
    return null;
  }

  #dispatch(): ServerSentEvent | null {
    const event: ServerSentEvent | null = this.#hasData
      ? { event: this.#event || "message", id: this.#lastId, data: this.#data.join("\n"), retry: this.#retry }
      : null;
    this.#data = [];
    this.#hasData = false;
    this.#event = "";
    this.#retry = null;
    return event;
  }
}

/** Every event of a whole body. */
export function parseEventStream(text: string): ServerSentEvent[] {
  const parser = new EventStreamParser();
  return parser.push(text);
}
