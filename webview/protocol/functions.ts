// The functions panel's part of the protocol. The host pushes `functionsState` (runtime status,
// every function and route with its stats); everything else is a request of the webview whose
// reply `value` is `FunctionsReplies[type]`.
import type { ExecutionView, JsonValue } from "./core";

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

/** One query a client of the sync WebSocket subscribed to (the Live queries tab). */
export interface LiveQueryView {
  /** Its connection's number in this runtime, and who opened it (the page's origin, else the user agent). */
  session: number;
  client: string;
  /** "" for the app, else the component install's path. */
  component: string;
  /** "messages:list", as the client named it. */
  name: string;
  /** Its arguments, in wire form. */
  args: JsonValue;
  /** How many times it ran, its first run included. */
  runs: number;
  /** When its client was last sent a new result, Unix ms; null before the first. */
  updatedAt: number | null;
}

export interface LiveQueriesView {
  /** The runtime's API origin, which an app's VITE_CONVEX_URL / CONVEX_URL points at; null while it is not serving. */
  apiUrl: string | null;
  /** Every subscribed query of every open connection, oldest connection first. */
  queries: LiveQueryView[];
}

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

export const FUNCTIONS_REQUEST_TYPES: ReadonlyArray<FunctionsRequest["type"]> = [
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

export function isFunctionsRequest(message: { type: string }): message is FunctionsRequest {
  return (FUNCTIONS_REQUEST_TYPES as readonly string[]).includes(message.type);
}

/** Host → functions panel. `liveQueries` comes on "ready" and whenever the list changes (at most 4 a second). */
export type FunctionsHostMessage = { type: "functionsState"; state: FunctionsPanelState } | { type: "liveQueries"; live: LiveQueriesView };

export const FUNCTIONS_HOST_TYPES: ReadonlyArray<FunctionsHostMessage["type"]> = ["functionsState", "liveQueries"];
