// Sends an edited request to the runtime and gathers what it produced: the response (status,
// headers, body classified for display) and every execution and log line recorded under its
// request id. No vscode: the panel host and the tests both use it.
import { randomBytes } from "node:crypto";
import type { LogStore } from "../../runtime";
import { isEventStream } from "../../runtime";
import { joinChunks } from "../../runtime";
import type { ExecutionView } from "../../webview/protocol/core";
import type { EditableRequest, ResponseView, StreamView } from "../../webview/protocol/response";
import { hasBody, requestHeaders, requestUrl } from "./request-builder";
import { StreamRecorder } from "./stream-recorder";

/** Bodies larger than this are offered for download but not inlined into the panel. */
const INLINE_LIMIT = 2 * 1024 * 1024;

export interface SendResult {
  response: ResponseView;
  bytes: Uint8Array;
}

function classifyBody(contentType: string, bytes: Uint8Array): ResponseView["body"] {
  if (bytes.byteLength === 0) return { kind: "empty" };
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (bytes.byteLength > INLINE_LIMIT) return { kind: "binary", contentType: type || "application/octet-stream", base64: "" };
  if (type.startsWith("image/")) return { kind: "image", contentType: type, base64: Buffer.from(bytes).toString("base64") };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return { kind: "json", text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      return { kind: "text", text };
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (but tab, newlines, form feed) are what marks a body as binary.
  const looksBinary = !type.startsWith("text/") && type !== "" && /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 1024));
  if (looksBinary) return { kind: "binary", contentType: type, base64: Buffer.from(bytes).toString("base64") };
  return { kind: "text", text };
}

/** Executions of a request, parents before children, each with its lines. */
export function executionsOf(logs: LogStore, requestId: string): ExecutionView[] {
  const records = logs.listExecutions({ requestId, limit: 500 });
  const lines = logs.queryLines({ requestId, limit: 5000, after: 0 });
  const views = new Map<string, ExecutionView>();
  for (const record of records) {
    views.set(record.id, {
      id: record.id,
      parentId: record.parentId,
      udfType: record.udfType,
      identifier: record.identifier,
      outcome: record.outcome ?? "running",
      durationMs: record.durationMs,
      status: record.status,
      error: record.errorStack ?? record.errorMessage,
      lines: [],
    });
  }
  for (const line of lines)
    views.get(line.executionId)?.lines.push({ level: line.level, message: line.message, timestamp: line.timestamp });
  const ordered: ExecutionView[] = [];
  const visit = (parentId: string | null) => {
    for (const view of [...views.values()].filter((v) => v.parentId === parentId)) {
      ordered.push(view);
      visit(view.id);
    }
  };
  visit(null);
  // Orphans (a parent pruned by retention) still show.
  for (const view of views.values()) if (!ordered.includes(view)) ordered.push(view);
  return ordered;
}

/** The runtime records an HTTP action's end right after its body finished; wait for it briefly. */
async function settled(logs: LogStore, requestId: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = logs.listExecutions({ requestId, limit: 500 }).some((e) => e.outcome === null);
    if (!running || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What is known once the response head is in. */
export interface ResponseHead {
  requestId: string;
  url: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  headMs: number;
  /** No Content-Length (chunked), or `text/event-stream`: the body is recorded as a stream. */
  streamed: boolean;
  eventStream: boolean;
}

export interface SendOptions {
  /** The `convex-request-id` to send (for the local runtime); a fresh one when not given. */
  requestId?: string;
  /** Aborts the request: before the head it fails; a stream ends as "stopped" with what arrived. */
  signal?: AbortSignal;
  onHead?(head: ResponseHead): void;
  /** Each chunk of a streamed body, once the recorder has it (read `recorder.delta()`). */
  onChunk?(recorder: StreamRecorder): void;
}

export class RequestStopped extends Error {
  constructor(message = "Stopped before the response arrived.") {
    super(message);
    this.name = "RequestStopped";
  }
}

/** Reads the body to its end; a stream cut short keeps what arrived and says why. */
async function readBody(
  body: ReadableStream<Uint8Array> | null,
  started: number,
  recorder: StreamRecorder | null,
  options: SendOptions,
): Promise<{ bytes: Uint8Array; stream: StreamView | undefined }> {
  const parts: Uint8Array[] = [];
  let failure: { state: "stopped" | "failed"; error: string | null } | null = null;
  if (body) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(value);
        if (recorder) {
          recorder.add(value, Math.round(performance.now() - started));
          options.onChunk?.(recorder);
        }
      }
    } catch (error) {
      // Only a streamed body is shown cut short; any other body failing is the request failing.
      if (!recorder) throw options.signal?.aborted ? new RequestStopped("Stopped before the whole body arrived.") : error;
      failure = options.signal?.aborted ? { state: "stopped", error: null } : { state: "failed", error: describeFailure(error) };
    }
  }
  const bytes = joinChunks(
    parts,
    parts.reduce((sum, part) => sum + part.byteLength, 0),
  );
  const stream = recorder ? recorder.finish(failure?.state ?? "done", failure?.error ?? null) : undefined;
  return { bytes, stream };
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

export async function sendRequest(
  siteUrl: string,
  request: EditableRequest,
  logs: LogStore | null,
  options: SendOptions = {},
): Promise<SendResult> {
  const url = requestUrl(siteUrl, request);
  const requestId = options.requestId ?? newRequestId();
  const headers = new Headers(requestHeaders(request));
  // The id finds this request's executions in our log store; other targets keep their own logs,
  // so they get the request exactly as the user wrote it.
  if (logs) headers.set("convex-request-id", requestId);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: hasBody(request.method) && request.body !== "" ? request.body : null,
      redirect: "manual",
      signal: options.signal,
    });
  } catch (error) {
    throw options.signal?.aborted ? new RequestStopped() : error;
  }
  const responseHeaders: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    responseHeaders.push([name, value]);
  });
  const contentType = response.headers.get("content-type") ?? "";
  const eventStream = isEventStream(contentType);
  const head: ResponseHead = {
    requestId,
    url,
    status: response.status,
    statusText: response.statusText,
    headers: responseHeaders,
    headMs: Math.round(performance.now() - started),
    streamed: eventStream || (response.body !== null && !response.headers.has("content-length")),
    eventStream,
  };
  options.onHead?.(head);
  const recorder = head.streamed ? new StreamRecorder(eventStream, head.headMs) : null;
  const { bytes, stream } = await readBody(response.body, started, recorder, options);
  const durationMs = Math.round(performance.now() - started);
  if (logs) await settled(logs, requestId);
  const view: ResponseView = {
    requestId,
    url,
    status: response.status,
    statusText: response.statusText,
    durationMs,
    sizeBytes: bytes.byteLength,
    headers: responseHeaders,
    body: classifyBody(contentType, bytes),
    executions: logs ? executionsOf(logs, requestId) : [],
  };
  if (stream) view.stream = stream;
  return { bytes, response: view };
}

export function newRequestId(): string {
  return randomBytes(8).toString("hex");
}
