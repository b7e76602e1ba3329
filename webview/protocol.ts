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
  /** "Act as a user": when enabled, the host signs a dev token for this identity and sends it. */
  actAs?: ActAsIdentity;
}

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
  /** `requestId` and `executions` once the request is on its way: the Logs fill in while it runs. */
  | { kind: "loading"; request: EditableRequest; target: string; requestId?: string; executions?: ExecutionView[] }
  | { kind: "ready"; request: EditableRequest; target: string; response: ResponseView }
  | { kind: "error"; request: EditableRequest; target: string; message: string }
  /** A request shown without a response (a send of the history whose response is no longer kept). */
  | { kind: "idle"; request: EditableRequest; target: string; note: string };

// ---- Functions panel ----------------------------------------------------------------------------
// The host pushes `functionsState` (runtime status, every function and route with its stats);
// everything else is a request of the webview whose reply `value` is `FunctionsReplies[type]`.

/** A value in Convex's JSON wire form (`convexToJson`), e.g. function arguments. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Calls of a function or route over the executions the log store keeps. */
export interface FunctionStatsView {
  /** Executions recorded, running ones included. */
  calls: number;
  /** Finished executions whose outcome is failure. */
  errors: number;
  /** Percentiles of finished executions' durations in ms (linear interpolation); null before any finished. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface FunctionEntryView {
  /** "" for the app, else the component install's path: "counter", "rateLimiter/batchWorker". */
  component: string;
  /** What running it takes, with `component`: "messages:send", "dir/mod:fn", "mod" for a default export. */
  name: string;
  /** "messages", "dir/mod". */
  module: string;
  /** "send", or "default". */
  functionName: string;
  udfType: "query" | "mutation" | "action";
  visibility: "public" | "internal";
  /** The args validator as Convex prints it (`v.object({name: v.string()})`); null when it accepts anything. */
  args: string | null;
  stats: FunctionStatsView;
}

export interface RouteEntryView {
  method: string;
  /** As declared; prefix routes end in `*`. */
  path: string;
  kind: "exact" | "prefix";
  /** The component install serving it (mounted with `httpPrefix`); null for the app's router. */
  component: string | null;
  /** The npm package whose helper added it to the app's router, e.g. "@convex-dev/twilio". */
  addedBy: string | null;
  stats: FunctionStatsView;
}

/** How a cron job's latest run went. */
export interface CronLastRunView {
  /** When it was scheduled for (when it ran, for a "Run now"), Unix ms. */
  at: number;
  outcome: "success" | "failure";
  error: string | null;
  /** Started with "Run now". */
  manual: boolean;
  /** Missed times skipped after it. */
  skipped: number;
}

/** A job of convex/crons.ts (or of a component install's crons). */
export interface CronEntryView {
  /** "" for the app, else the component install's path. */
  component: string;
  identifier: string;
  /** The function it runs, in the job's install, as the runner names it: "jobs:record". */
  functionName: string;
  /** Null when the loaded code has no such function. */
  udfType: "mutation" | "action" | null;
  /** In words: "Every 30 seconds", "Daily at 08:30 UTC". */
  schedule: string;
  /** Its arguments object as pretty JSON. */
  args: string;
  /** Unix ms. */
  nextRun: number;
  running: boolean;
  lastRun: CronLastRunView | null;
}

/** The reply of `runCron`: the run, like a scheduled run, and what it executed. */
export interface CronRunView {
  requestId: string;
  identifier: string;
  outcome: "success" | "failure";
  error: string | null;
  executions: ExecutionView[];
}

export type FunctionsRuntimeView =
  | { kind: "untrusted" }
  | { kind: "stopped" }
  | { kind: "starting" }
  | { kind: "failed"; message: string }
  /** `notice`: the latest build failed and the previous one keeps serving, say. */
  | { kind: "ready"; notice: string | null };

export interface FunctionsPanelState {
  runtime: FunctionsRuntimeView;
  /** The app's functions first, then each component install's by its path. */
  functions: FunctionEntryView[];
  routes: RouteEntryView[];
  crons: CronEntryView[];
}

export interface RunResultView {
  requestId: string;
  /** The install of the function that ran ("" for the app). */
  component: string;
  name: string;
  outcome: "success" | "failure";
  /** The returned value as pretty JSON (wire form); null on failure. */
  result: string | null;
  /** The error as a Convex client shows it (`[Request ID: …] Server Error\nArgumentValidationError: …`). */
  error: string | null;
  /** A ConvexError's data as pretty JSON. */
  errorData: string | null;
  durationMs: number;
  /** The run and everything it called, parents first, with their log lines. */
  executions: ExecutionView[];
}

export interface TableView {
  /** "" for the app, else the component install's path. */
  component: string;
  /** As the install names it: "counters", "_storage". */
  name: string;
  documents: number;
  /** `_storage`, `_scheduled_functions`: shown read-only. */
  system: boolean;
  indexes: IndexView[];
}

/** A declared index of a table, as the Data tab lists it. */
export interface IndexView {
  name: string;
  kind: "database" | "search" | "vector";
  /** Database: its fields in order. Search: the search field, then the filter fields. Vector: the vector field, then the filter fields. */
  fields: string[];
  /** "1536 dimensions, filters: cuisine", or null. */
  detail: string | null;
  staged: boolean;
}

export interface DocumentView {
  id: string;
  creationTime: number;
  /** The document's own fields (no `_id`, `_creationTime`) as pretty JSON in wire form. */
  fields: string;
}

export interface DocumentPageView {
  component: string;
  table: string;
  documents: DocumentView[];
  /** Pass back for the next (older) page; null when this page was the last. */
  continueCursor: string | null;
}

export interface FileView {
  id: string;
  size: number;
  contentType: string | null;
  /** base64, as in the `_storage` document. */
  sha256: string;
  creationTime: number;
}

/** Files of one install's `_storage`. */
export interface FilePageView {
  /** "" for the app, else the component install's path. */
  component: string;
  files: FileView[];
  continueCursor: string | null;
}

export type FilePreviewView =
  | { kind: "image"; contentType: string; base64: string }
  | { kind: "text"; text: string }
  | { kind: "none"; reason: string };

/**
 * Webview → host requests of the functions panel. `component` names the install ("" for the app)
 * whose function, table or file is meant; `table` is the name as that install knows it.
 */
export type FunctionsRequest =
  /** `authorization`: a token, with or without `Bearer `; null runs without an identity. */
  | { type: "runFunction"; id: number; component: string; name: string; args: JsonValue; authorization: string | null }
  /** A route key, `"METHOD /path"`: opens the response panel. */
  | { type: "openRoute"; id: number; route: string }
  /** Runs a cron job's function now, with its arguments, as the schedule would. */
  | { type: "runCron"; id: number; component: string; identifier: string }
  | { type: "refreshFunctions"; id: number }
  | { type: "listTables"; id: number }
  | { type: "pageDocuments"; id: number; component: string; table: string; cursor: string | null }
  | { type: "replaceDocument"; id: number; component: string; table: string; documentId: string; fields: JsonValue }
  | { type: "deleteDocument"; id: number; component: string; table: string; documentId: string }
  | { type: "copyText"; id: number; text: string }
  /** The first page of the app's files and of each component install that has files. */
  | { type: "listFiles"; id: number }
  /** The next page of one install's files. */
  | { type: "pageFiles"; id: number; component: string; cursor: string | null }
  | { type: "previewFile"; id: number; component: string; storageId: string }
  | { type: "downloadFile"; id: number; component: string; storageId: string }
  | { type: "deleteFile"; id: number; component: string; storageId: string };

/** The reply value of each functions-panel request. Deletes answer false when the user cancelled. */
export interface FunctionsReplies {
  runFunction: RunResultView;
  openRoute: null;
  runCron: CronRunView;
  refreshFunctions: null;
  listTables: TableView[];
  pageDocuments: DocumentPageView;
  replaceDocument: DocumentView;
  deleteDocument: boolean;
  copyText: null;
  listFiles: FilePageView[];
  pageFiles: FilePageView;
  previewFile: FilePreviewView;
  downloadFile: boolean;
  deleteFile: boolean;
}

const FUNCTIONS_REQUEST_TYPES: ReadonlyArray<FunctionsRequest["type"]> = [
  "runFunction",
  "openRoute",
  "runCron",
  "refreshFunctions",
  "listTables",
  "pageDocuments",
  "replaceDocument",
  "deleteDocument",
  "copyText",
  "listFiles",
  "pageFiles",
  "previewFile",
  "downloadFile",
  "deleteFile",
];

export function isFunctionsRequest(message: WebviewMessage): message is FunctionsRequest {
  return (FUNCTIONS_REQUEST_TYPES as readonly string[]).includes(message.type);
}

// ---- Log panel ----------------------------------------------------------------------------------
// The host pushes `logsStatus` (where the logs come from), `logsRows` (the live tail of the latest
// `logsLatest` query, tagged with its generation), `logsOverflow` (more arrived at once than a
// push carries: ask for the newest page again) and `logsCommand` (a view title button); everything
// else is a request of the webview whose reply `value` is `LogsReplies[type]`. Rows and cursors are
// explained in runtime/logs/log-queries.ts.

export type LogLevelName = LogLineView["level"];
export type UdfTypeName = ExecutionView["udfType"];

export interface LogFilterView {
  /** Levels shown (all five: no level filter). Execution rows count as ERROR when they failed, INFO when they succeeded. */
  levels: LogLevelName[];
  /** Kinds shown (all four: no kind filter). */
  kinds: UdfTypeName[];
  /** Exactly this function (`messages:send`, a component's `counter/public:add`) or route (`POST /postMessage`); "" for all. */
  identifier: string;
  /** A literal substring of the message (of the error for execution rows), ASCII case-insensitive; "" for all. */
  text: string;
  /** A request id or its beginning; "" for all. */
  requestId: string;
}

/** One position per kind of row; the webview only passes it back. */
export interface LogCursorView {
  line: number;
  exec: { end: number; seq: number };
}

/** A row of the log table: one per log line, and one per finished execution (its outcome). */
export type LogRowView =
  | {
      kind: "line";
      id: number;
      /** Unix ms. */
      time: number;
      requestId: string;
      executionId: string;
      udfType: UdfTypeName;
      identifier: string;
      level: LogLevelName;
      message: string;
      truncated: boolean;
    }
  | {
      kind: "execution";
      /** The execution's id; `seq` orders executions that end at the same millisecond. */
      id: string;
      seq: number;
      /** When it ended, Unix ms. */
      time: number;
      requestId: string;
      udfType: UdfTypeName;
      identifier: string;
      outcome: "success" | "failure";
      /** HTTP status for HTTP actions. */
      status: number | null;
      durationMs: number;
      error: string | null;
    };

export interface LogPageView {
  /** Oldest first. */
  rows: LogRowView[];
  /** Pass back as `before` for the next older page. */
  older: LogCursorView;
  hasOlder: boolean;
}

export interface LogsLatestView extends LogPageView {
  /** `logsRows` pushes that continue this page carry this generation. */
  generation: number;
}

export type LogsSourceView =
  /** The runtime is running: stored logs and the live tail. */
  | { kind: "live" }
  /** The runtime is stopped: what the log file in the data folder holds, no tail. */
  | { kind: "stored"; message: string }
  /** Nothing to show (untrusted workspace, no log file yet, a file that cannot be read). */
  | { kind: "none"; message: string };

export interface LogsStatusView {
  source: LogsSourceView;
  /** Changes whenever the rows come from somewhere else (the runtime restarted, say): reload. */
  sourceId: number;
  /** The convexLens.logRetention setting: lines kept. */
  retention: number;
}

export interface DrilldownExecutionView extends ExecutionView {
  startedAt: number;
  /** 'http' | 'api' | 'scheduler' | 'nested' | …: who called it. */
  caller: string;
}

export interface RequestDrilldownView {
  requestId: string;
  /** Parents before children, siblings in the order they started. */
  executions: DrilldownExecutionView[];
  /** The request has more executions or lines than the drilldown shows. */
  truncated: boolean;
}

export interface LogFunctionView {
  udfType: UdfTypeName;
  identifier: string;
  executions: number;
}

/** Webview → host requests of the log panel. */
export type LogsRequest =
  /** The newest page; the host then tails this query with `logsRows`. */
  | { type: "logsLatest"; id: number; filter: LogFilterView; floor: LogCursorView | null; limit: number }
  | { type: "logsOlder"; id: number; filter: LogFilterView; floor: LogCursorView | null; before: LogCursorView; limit: number }
  /** The floor that hides every row stored so far (nothing is deleted). */
  | { type: "logsClear"; id: number }
  | { type: "logsDrilldown"; id: number; requestId: string }
  | { type: "logsFunctions"; id: number };

export interface LogsReplies {
  logsLatest: LogsLatestView;
  logsOlder: LogPageView;
  logsClear: LogCursorView;
  logsDrilldown: RequestDrilldownView;
  logsFunctions: LogFunctionView[];
}

const LOGS_REQUEST_TYPES: ReadonlyArray<LogsRequest["type"]> = ["logsLatest", "logsOlder", "logsClear", "logsDrilldown", "logsFunctions"];

export function isLogsRequest(message: WebviewMessage): message is LogsRequest {
  return (LOGS_REQUEST_TYPES as readonly string[]).includes(message.type);
}

/** Host → webview. */
export type HostMessage =
  | { type: "state"; state: PanelState }
  /** Adds to the request `requestId` that the panel shows: its stream's new chunks, its executions so far. */
  | { type: "live"; requestId: string; stream?: StreamDeltaView; executions?: ExecutionView[] }
  /** The response panel's history, whenever it changes (and after `ready`). */
  | { type: "history"; entries: HistoryEntryView[] }
  | { type: "functionsState"; state: FunctionsPanelState }
  | { type: "logsStatus"; status: LogsStatusView }
  | { type: "logsRows"; generation: number; rows: LogRowView[] }
  | { type: "logsOverflow"; generation: number }
  | { type: "logsCommand"; command: "clear" }
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: string };

/** Webview → host. */
export type WebviewMessage =
  | { type: "ready" }
  | { type: "send"; id: number; request: EditableRequest }
  | { type: "download"; id: number }
  /** `file` relative to the project folder (`convex/http.ts`); `line` and `column` 1-based. */
  | { type: "openSource"; id: number; file: string; line: number; column?: number }
  /** Appends the request (as edited) to the route's `.http` file under the requests folder. */
  | { type: "saveRequest"; id: number; request: EditableRequest }
  /** Writes a convex-test test of the shown request and response. */
  | { type: "exportTest"; id: number }
  /** Signs a dev token for `actAs` (the local runtime only); `copy` also puts it on the clipboard. Reply: DevTokenView. */
  | { type: "signDevToken"; id: number; actAs: ActAsIdentity; copy?: boolean }
  /** Aborts the request under way (its stream too). */
  | { type: "stop"; id: number }
  /** Shows a send of the history again (its response when kept), or sends its request again. */
  | { type: "openHistory"; id: number; entryId: string }
  | { type: "resendHistory"; id: number; entryId: string }
  | FunctionsRequest
  | LogsRequest;

const HOST_TYPES = new Set([
  "state",
  "live",
  "history",
  "reply",
  "functionsState",
  "logsStatus",
  "logsRows",
  "logsOverflow",
  "logsCommand",
]);
const WEBVIEW_TYPES = new Set([
  "ready",
  "send",
  "download",
  "openSource",
  "saveRequest",
  "exportTest",
  "signDevToken",
  "stop",
  "openHistory",
  "resendHistory",
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
