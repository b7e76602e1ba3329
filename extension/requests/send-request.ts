// Sends an edited request to the runtime and gathers what it produced: the response (status,
// headers, body classified for display) and every execution and log line recorded under its
// request id. No vscode: the panel host and the tests both use it.
import { randomBytes } from "node:crypto";
import type { LogStore } from "../../runtime/logs/log-store";
import type { EditableRequest, ExecutionView, ResponseView } from "../../webview/protocol";
import { hasBody, requestHeaders, requestUrl } from "./request-builder";

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

export async function sendRequest(
  siteUrl: string,
  request: EditableRequest,
  logs: LogStore | null,
  signal?: AbortSignal,
): Promise<SendResult> {
  const url = requestUrl(siteUrl, request);
  const requestId = randomBytes(8).toString("hex");
  const headers = new Headers(requestHeaders(request));
  // The id finds this request's executions in our log store; other targets keep their own logs,
  // so they get the request exactly as the user wrote it.
  if (logs) headers.set("convex-request-id", requestId);
  const started = performance.now();
  const response = await fetch(url, {
    method: request.method,
    headers,
    body: hasBody(request.method) && request.body !== "" ? request.body : null,
    redirect: "manual",
    signal,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const durationMs = Math.round(performance.now() - started);
  if (logs) await settled(logs, requestId);
  const responseHeaders: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    responseHeaders.push([name, value]);
  });
  return {
    bytes,
    response: {
      requestId,
      url,
      status: response.status,
      statusText: response.statusText,
      durationMs,
      sizeBytes: bytes.byteLength,
      headers: responseHeaders,
      body: classifyBody(response.headers.get("content-type") ?? "", bytes),
      executions: logs ? executionsOf(logs, requestId) : [],
    },
  };
}
