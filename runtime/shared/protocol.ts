// Messages between the runtime host (HTTP server + database) and the user-code worker thread.
// Both sides import only types from here, so the worker bundle and the host bundle stay apart.
import type { JSONValue } from "./wire-values";
import type { AsyncCall, SyncCall } from "./host-ops";
import type { CronSpec } from "./cron-types";

export type UdfType = "query" | "mutation" | "action" | "httpAction";
/** Who called: "sync" is a client of the sync WebSocket (a subscribed query, a mutation or action it sent). */
export type Caller = "http" | "api" | "sync" | "scheduler" | "cron" | "nested" | "cli" | "test";

/** An error as it crosses the thread boundary: ConvexError data stays in wire form. */
export interface WireError {
  message: string;
  data?: JSONValue;
  stack?: string;
}

/** What the worker tells the host about the code it loaded. */
export interface LoadedProject {
  /** The app's (root component's) functions and schema. */
  functions: FunctionInfo[];
  /** Every route the site serves, with its full path: the app's and mounted components' (see RouteInfo.component). */
  routes: RouteInfo[];
  hasHttp: boolean;
  schemaJson: string | null;
  authConfig: JSONValue | null;
  /** Modules that failed to import; `module` is relative to its component's folder. */
  loadErrors: Array<{ component: string; module: string; message: string }>;
  /** The jobs the app's `crons.ts` declares (checked as on push); null without a crons module. */
  crons: CronSpec[] | null;
  /** Every component install, the app first (path ""), parents before children. */
  components: LoadedComponent[];
}

/** One component install as loaded: its path in the tree ("twilio", "rateLimiter/batchWorker"). */
export interface LoadedComponent {
  path: string;
  functions: FunctionInfo[];
  routes: RouteInfo[];
  hasHttp: boolean;
  schemaJson: string | null;
  /** Where its http.ts is mounted on the site ("/tw/"); for the app, defineApp({httpPrefix}). */
  httpPrefix: string | null;
  /** The jobs of its `crons` module, or null without one. */
  crons: CronSpec[] | null;
}
export interface FunctionInfo {
  /** "messages:send", "dir/mod:fn", or "mod" for a default export. */
  name: string;
  udfType: Exclude<UdfType, "httpAction">;
  visibility: "public" | "internal";
  args: string | null;
  returns: string | null;
}
export interface RouteInfo {
  path: string;
  method: string;
  /** "exact" for `path`, "prefix" for `pathPrefix` (path then ends in `*`). */
  kind: "exact" | "prefix";
  /** For a route of a mounted component's own http.ts: the install serving it ("twilio"). */
  component?: string;
  /** For such a route: its path in the component's own router, without the mount prefix. */
  localPath?: string;
  /** The npm package whose code added the route (a component's `registerRoutes(http)`), if any. */
  addedBy?: string;
  /** The project's own line that added it, when known (absolute file, 1-based line). */
  source?: { file: string; line: number };
}

/** One component install for the worker to load (the app is the one with path ""). */
export interface ComponentInit {
  path: string;
  /** `environment`: where Convex would run the module ("node" for "use node" files). */
  modules: Array<{ path: string; outFile: string; environment: "isolate" | "node" }>;
  httpModule: string | null;
  schemaFile: string | null;
  /** Direct children: use-name → instance path. */
  children: Record<string, string>;
  /** Children's http.ts mounts: prefix (ending in "/") → instance path. */
  httpMounts: Record<string, string>;
  /** This install's own mount prefix (for the app, defineApp({httpPrefix})), or null. */
  httpPrefix: string | null;
  /** `process.env` inside this install; null for the app, which sees the deployment's variables. */
  env: Record<string, string> | null;
}

export interface WorkerInit {
  /** The app first, then every component install, parents before children. */
  components: ComponentInit[];
  authConfigFile: string | null;
  functionsDir: string;
  projectDir: string;
  env: Record<string, string>;
  /** Int32Array view: [0] sync-call state, [1] payload length, [2] heartbeat, [3] running execution slot. */
  control: SharedArrayBuffer;
  /** Bytes for sync-call replies. */
  syncBuffer: SharedArrayBuffer;
  queryTimeoutMs: number;
  /** Wall-clock bound of a query or mutation, waits included (the backend's system timeout). */
  systemTimeoutMs?: number;
}

export interface RunFunctionRequest {
  type: "run-function";
  id: number;
  /** The component install the function belongs to ("" for the app). */
  componentPath: string;
  name: string;
  udfType: Exclude<UdfType, "httpAction">;
  args: JSONValue;
  requestId: string;
  caller: Caller;
  /** Refuse internal functions (callers from outside the deployment). */
  publicOnly: boolean;
  authToken: string | null;
  scheduledFunctionId: string | null;
}

export interface RunHttpRequest {
  type: "run-http";
  id: number;
  requestId: string;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: ArrayBuffer | null;
  authToken: string | null;
  ip: string | null;
}

export type HostToWorker =
  | RunFunctionRequest
  | RunHttpRequest
  | { type: "reply"; id: number; ok: true; value: unknown }
  | { type: "reply"; id: number; ok: false; error: WireError }
  | { type: "cancel-http"; id: number }
  /** Several of the above, posted together (shared/outbox.ts). */
  | { type: "batch"; messages: HostToWorker[] };

export interface ExecutionStart {
  type: "exec-start";
  execId: string;
  parentId: string | null;
  requestId: string;
  udfType: UdfType;
  /** "messages:send", "POST /route"; a component's functions carry its path: "twilio/messages:create". */
  identifier: string;
  caller: Caller;
  startedAt: number;
  /** Small number the worker writes to shared memory while this execution runs (watchdog). */
  slot: number;
}
export interface ExecutionEnd {
  type: "exec-end";
  execId: string;
  outcome: "success" | "failure";
  durationMs: number;
  status: number | null;
  error: WireError | null;
}
export interface ExecutionLog {
  type: "exec-log";
  execId: string;
  requestId: string;
  line: { messages: string[]; level: "LOG" | "DEBUG" | "INFO" | "WARN" | "ERROR"; timestamp: number; isTruncated: boolean };
}

export type WorkerToHost =
  /** Several messages sent together, handled in order (see HostChannel). */
  | { type: "batch"; messages: WorkerToHost[] }
  | { type: "loaded"; project: LoadedProject }
  | { type: "load-failed"; error: WireError }
  /** User code is ending this worker (a signal to its own process, process.abort()): `call` names how. */
  | { type: "ending"; call: string }
  /** An op of the table in host-ops.ts. `id` 0: nobody waits for the answer (a failure is reported by the host). */
  | ({ type: "call"; id: number; execId: string } & AsyncCall)
  | ({ type: "sync-call"; execId: string } & SyncCall)
  | ExecutionStart
  | ExecutionEnd
  | ExecutionLog
  /** `valueJson`: the result in wire form, as the JSON text the `convex` package returned it in. */
  | { type: "function-result"; id: number; ok: true; valueJson: string; logLines: string[] }
  | { type: "function-result"; id: number; ok: false; error: WireError; logLines: string[] }
  /** `body`, when present, is the whole body: no http-chunk or http-end follows. */
  | { type: "http-head"; id: number; status: number; headers: Array<[string, string]>; body?: Uint8Array }
  | { type: "http-chunk"; id: number; chunk: Uint8Array }
  | { type: "http-end"; id: number; error: string | null };
