// The response panel's part of the protocol: the request as the user edits it, the response with
// its streamed body and executions, the history of sends, and the panel's messages both ways.
import type { ActAsIdentity, ExecutionView } from "./core";

/** An HTTP request as the user edits it in the response panel. */
export interface EditableRequest {
  method: string;
  /** The route as declared, e.g. "/postMessage" or "/messages/*" for a prefix route. */
  routePath: string;
  /** For prefix routes: what replaces the `*`. Empty for exact routes. */
  pathRest: string;
  /** Query string without the leading `?`. */
  query: string;
  headers: Array<{ name: string; value: string }>;
  body: string;
  /** "Act as a user": when enabled, the host signs a dev token for this identity and sends it. */
  actAs?: ActAsIdentity;
}

export interface ResponseView {
  requestId: string;
  url: string;
  status: number;
  statusText: string;
  durationMs: number;
  sizeBytes: number;
  headers: Array<[string, string]>;
  /** How the body is shown. Binary bodies (images, downloads) arrive base64-encoded. */
  body:
    | { kind: "json"; text: string }
    | { kind: "text"; text: string }
    | { kind: "image"; contentType: string; base64: string }
    | { kind: "binary"; contentType: string; base64: string }
    | { kind: "empty" };
  executions: ExecutionView[];
  /** Set when the target keeps its own logs (a local backend, a deployment): said in the Logs tab. */
  logsNote?: string;
  /** How a body that streamed (no Content-Length, or `text/event-stream`) arrived; absent for others. */
  stream?: StreamView;
}

// ---- Streamed responses ---------------------------------------------------------------------------
// While a body streams, the host posts `live` messages that add to the shown response's `stream`
// (and replace its executions); the state that follows the end carries the whole stream again.

/** One piece of a streamed body, as it arrived. */
export interface StreamChunkView {
  /** Milliseconds from sending the request to its arrival. */
  offsetMs: number;
  bytes: number;
  /** Decoded as UTF-8 (a character split between chunks shows in the chunk that completes it). */
  text: string;
}

/** An event of a `text/event-stream` body. */
export interface StreamEventView {
  /** `event:`, "message" when the event names none. */
  event: string;
  /** The last `id:` so far; null before any. */
  id: string | null;
  data: string;
  /** When the chunk that completed it arrived, ms from the send. */
  offsetMs: number;
}

export interface StreamView {
  /** `text/event-stream`: the body is also shown as its events. */
  eventStream: boolean;
  /** Ms from the send to the response head, and to the first byte of the body (null before it). */
  headMs: number;
  firstByteMs: number | null;
  /** Listed chunks and events; those past the panel's limits are only counted. */
  chunks: StreamChunkView[];
  events: StreamEventView[];
  droppedChunks: number;
  droppedEvents: number;
  /** Every byte received so far, listed or not. */
  receivedBytes: number;
  state: "streaming" | "done" | "stopped" | "failed";
  /** Why it ended early, for "failed". */
  error: string | null;
}

/** What a `live` message adds to the stream. */
export interface StreamDeltaView {
  chunks: StreamChunkView[];
  events: StreamEventView[];
  droppedChunks: number;
  droppedEvents: number;
  receivedBytes: number;
  firstByteMs: number | null;
}

/** One send of the response panel's history (the last 50, newest first). */
export interface HistoryEntryView {
  id: string;
  /** Unix ms. */
  at: number;
  method: string;
  /** The route as declared ("/messages/*"). */
  routePath: string;
  /** Path and query as sent ("/messages/7?x=1"). */
  path: string;
  target: string;
  /** Null when no response came (the error says why). */
  status: number | null;
  error: string | null;
  durationMs: number | null;
  /** Whether its response is kept, so that Open shows it (else Open shows the request only). */
  hasResponse: boolean;
}

export type PanelState =
  /**
   * `requestId` and `executions` once the request is on its way: the Logs fill in while it runs.
   * `paused`: it waits on a function stopped at a breakpoint (a debugger is attached).
   */
  | { kind: "loading"; request: EditableRequest; target: string; requestId?: string; executions?: ExecutionView[]; paused?: boolean }
  | { kind: "ready"; request: EditableRequest; target: string; response: ResponseView }
  | { kind: "error"; request: EditableRequest; target: string; message: string }
  /** A request shown without a response (a send of the history whose response is no longer kept). */
  | { kind: "idle"; request: EditableRequest; target: string; note: string };

/** Host → response panel. */
export type ResponseHostMessage =
  | { type: "state"; state: PanelState }
  /** Adds to the request `requestId` that the panel shows: its stream's new chunks, its executions so far. */
  | { type: "live"; requestId: string; stream?: StreamDeltaView; executions?: ExecutionView[] }
  /** The response panel's history, whenever it changes (and after `ready`). */
  | { type: "history"; entries: HistoryEntryView[] };

export const RESPONSE_HOST_TYPES: ReadonlyArray<ResponseHostMessage["type"]> = ["state", "live", "history"];

/** Response panel → host. */
export type ResponseRequest =
  | { type: "send"; id: number; request: EditableRequest }
  /** Sends the request with VS Code's JavaScript debugger attached to the functions (the local runtime). */
  | { type: "debug"; id: number; request: EditableRequest }
  | { type: "download"; id: number }
  /** Appends the request (as edited) to the route's `.http` file under the requests folder. */
  | { type: "saveRequest"; id: number; request: EditableRequest }
  /** Writes a convex-test test of the shown request and response. */
  | { type: "exportTest"; id: number }
  /** Aborts the request under way (its stream too). */
  | { type: "stop"; id: number }
  /** Shows a send of the history again (its response when kept), or sends its request again. */
  | { type: "openHistory"; id: number; entryId: string }
  | { type: "resendHistory"; id: number; entryId: string };

export const RESPONSE_REQUEST_TYPES: ReadonlyArray<ResponseRequest["type"]> = [
  "send",
  "debug",
  "download",
  "saveRequest",
  "exportTest",
  "stop",
  "openHistory",
  "resendHistory",
];
