// The shared core of the protocol between the extension host and the panels' webviews: the types
// more than one panel uses (act-as identities, executions and their log lines, JSON values) and
// the messages every panel may send. Each panel's own messages are in its file beside this one
// (response.ts, functions.ts, logs.ts); messages.ts joins them into the envelope. No DOM, no
// `vscode`, no runtime imports: both bundles include these files.

// ---- Act as a user --------------------------------------------------------------------------------

/**
 * An identity to act as, as the user edits it. Kept while disabled, so switching back to
 * "Anonymous" and again loses nothing. `claims` is the JSON text as typed (parsed by the host).
 */
export interface ActAsIdentity {
  enabled: boolean;
  subject: string;
  name: string;
  email: string;
  claims: string;
}

/** Shown wherever a dev token is offered. */
export const ACT_AS_NOTICE = "Signed by Convex Lens's local dev issuer; never valid on a deployment.";

/** The reply of `signDevToken`. */
export interface DevTokenView {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
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

/** A value in Convex's JSON wire form (`convexToJson`), e.g. function arguments. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Webview → host messages of every panel. */
export type CommonRequest =
  /** `file` relative to the project folder (`convex/http.ts`); `line` and `column` 1-based. */
  | { type: "openSource"; id: number; file: string; line: number; column?: number }
  /** Signs a dev token for `actAs` (the local runtime only); `copy` also puts it on the clipboard. Reply: DevTokenView. */
  | { type: "signDevToken"; id: number; actAs: ActAsIdentity; copy?: boolean };

export const COMMON_REQUEST_TYPES: ReadonlyArray<CommonRequest["type"]> = ["openSource", "signDevToken"];

/** Host → webview: the answer to a request, by its id. */
export type ReplyMessage =
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: string };
