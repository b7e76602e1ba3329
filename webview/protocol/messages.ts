// The envelope of the protocol between the extension host and the panels' webviews: every message
// has a `type`; requests from the webview carry an `id` and get exactly one `reply` with that id,
// so a failed host call shows as an error in the panel instead of a promise that never settles.
// The messages themselves are each panel's (response.ts, functions.ts, logs.ts) and core.ts's.
import { COMMON_REQUEST_TYPES, type CommonRequest, type ReplyMessage } from "./core";
import { FUNCTIONS_HOST_TYPES, FUNCTIONS_REQUEST_TYPES, type FunctionsHostMessage, type FunctionsRequest } from "./functions";
import { LOGS_HOST_TYPES, LOGS_REQUEST_TYPES, type LogsHostMessage, type LogsRequest } from "./logs";
import { RESPONSE_HOST_TYPES, RESPONSE_REQUEST_TYPES, type ResponseHostMessage, type ResponseRequest } from "./response";

/** Host → webview. */
export type HostMessage = ResponseHostMessage | FunctionsHostMessage | LogsHostMessage | ReplyMessage;

/** Webview → host. */
export type WebviewMessage = { type: "ready" } | CommonRequest | ResponseRequest | FunctionsRequest | LogsRequest;

const HOST_TYPES: ReadonlySet<string> = new Set<HostMessage["type"]>([
  ...RESPONSE_HOST_TYPES,
  "reply",
  ...FUNCTIONS_HOST_TYPES,
  ...LOGS_HOST_TYPES,
]);
const WEBVIEW_TYPES: ReadonlySet<string> = new Set<WebviewMessage["type"]>([
  "ready",
  ...COMMON_REQUEST_TYPES,
  ...RESPONSE_REQUEST_TYPES,
  ...FUNCTIONS_REQUEST_TYPES,
  ...LOGS_REQUEST_TYPES,
]);

export function isHostMessage(value: unknown): value is HostMessage {
  return typeof value === "object" && value !== null && HOST_TYPES.has((value as { type?: unknown }).type as string);
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as { type?: unknown; id?: unknown };
  if (!WEBVIEW_TYPES.has(message.type as string)) return false;
  return message.type === "ready" || typeof message.id === "number";
}
