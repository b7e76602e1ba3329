// The one message protocol between the extension host and the panels' webviews. No DOM, no
// `vscode`, no runtime imports: both bundles include this file. Every message has a `type`;
// requests from the webview carry an `id` and get exactly one `reply` with that id, so a failed
// host call shows as an error in the panel instead of a promise that never settles.

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
}

export interface LogLineView {
  level: "LOG" | "DEBUG" | "INFO" | "WARN" | "ERROR";
  message: string;
  timestamp: number;
}

/** One function execution produced by the request, in call order (parents before children). */
export interface ExecutionView {
  id: string;
  parentId: string | null;
  udfType: "query" | "mutation" | "action" | "httpAction";
  identifier: string;
  outcome: "success" | "failure" | "running";
  durationMs: number | null;
  status: number | null;
  error: string | null;
  lines: LogLineView[];
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
}

export type PanelState =
  | { kind: "loading"; request: EditableRequest; target: string }
  | { kind: "ready"; request: EditableRequest; target: string; response: ResponseView }
  | { kind: "error"; request: EditableRequest; target: string; message: string };

/** Host → webview. */
export type HostMessage =
  | { type: "state"; state: PanelState }
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: string };

/** Webview → host. */
export type WebviewMessage =
  | { type: "ready" }
  | { type: "send"; id: number; request: EditableRequest }
  | { type: "download"; id: number }
  /** `file` relative to the project folder (`convex/http.ts`); `line` and `column` 1-based. */
  | { type: "openSource"; id: number; file: string; line: number; column?: number };

const HOST_TYPES = new Set(["state", "reply"]);
const WEBVIEW_TYPES = new Set(["ready", "send", "download", "openSource"]);

export function isHostMessage(value: unknown): value is HostMessage {
  return typeof value === "object" && value !== null && HOST_TYPES.has((value as { type?: unknown }).type as string);
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as { type?: unknown; id?: unknown };
  if (!WEBVIEW_TYPES.has(message.type as string)) return false;
  return message.type === "ready" || typeof message.id === "number";
}
