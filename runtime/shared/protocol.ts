// Messages between the runtime host (HTTP server + database) and the user-code worker thread.
// Both sides import only types from here, so the worker bundle and the host bundle stay apart.
import type { JSONValue } from "../store/types";

export type UdfType = "query" | "mutation" | "action" | "httpAction";
export type Caller = "http" | "api" | "scheduler" | "nested" | "cli" | "test";

/** An error as it crosses the thread boundary: ConvexError data stays in wire form. */
export interface WireError {
  message: string;
  data?: JSONValue;
  stack?: string;
}

/** What the worker tells the host about the code it loaded. */
export interface LoadedProject {
  functions: FunctionInfo[];
  routes: RouteInfo[];
  hasHttp: boolean;
  schemaJson: string | null;
  authConfig: JSONValue | null;
  loadErrors: Array<{ module: string; message: string }>;
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
}

export interface WorkerInit {
  modules: Array<{ path: string; outFile: string }>;
  httpModule: string | null;
  schemaFile: string | null;
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
  | { type: "cancel-http"; id: number };

export interface ExecutionStart {
  type: "exec-start";
  execId: string;
  parentId: string | null;
  requestId: string;
  udfType: UdfType;
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

/**
 * The arguments of a syscall: the JSON that the project's `convex` package passes to
 * `globalThis.Convex`, which each handler checks field by field as the backend does (and answers
 * the backend's error when a field is wrong). It is typed loosely on purpose, in this one place.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above; every op handler validates its own arguments.
export type SyscallArgs = any;

export type WorkerToHost =
  /** Several messages sent together, handled in order (see HostChannel). */
  | { type: "batch"; messages: WorkerToHost[] }
  | { type: "loaded"; project: LoadedProject }
  | { type: "load-failed"; error: WireError }
  /** `id` 0: nobody waits for the answer (a failure is reported by the host). */
  | { type: "call"; id: number; execId: string; op: string; args: SyscallArgs }
  | { type: "sync-call"; execId: string; op: string; args: SyscallArgs }
  | ExecutionStart
  | ExecutionEnd
  | ExecutionLog
  | { type: "function-result"; id: number; ok: true; value: JSONValue; logLines: string[] }
  | { type: "function-result"; id: number; ok: false; error: WireError; logLines: string[] }
  /** `body`, when present, is the whole body: no http-chunk or http-end follows. */
  | { type: "http-head"; id: number; status: number; headers: Array<[string, string]>; body?: Uint8Array }
  | { type: "http-chunk"; id: number; chunk: Uint8Array }
  | { type: "http-end"; id: number; error: string | null };
