// The log store's public shapes, apart from the class so that listeners and printers can depend
// on them without pulling in sql.js.
import type { UdfType } from "./cli-format.js";
import type { LogLevel } from "./log-line.js";

export interface LogStoreOptions {
  /** Where to persist; omitted for a purely in-memory store. Loaded on open if it exists. */
  file?: string;
  /** Keep at most this many log lines (oldest pruned first). Default 100000. */
  retention?: number;
  /** Keep at most this many executions, with their lines. Default: `retention`. */
  executionRetention?: number;
  /** Delay between a change and the write to `file`. Default 1000 ms. */
  flushDelayMs?: number;
}

/**
 * Why a subscribed query of a sync connection ran (caller "sync"): its first run for a new
 * subscription, or a re-run after a commit touched what it read (`requestId`: the request whose
 * function committed; null for a commit nobody's function made, a panel's edit), after a reload of
 * the code, or after the client's identity changed.
 */
export type ExecutionCause =
  | { kind: "subscribed" }
  | { kind: "commit"; requestId: string | null }
  | { kind: "reload" }
  | { kind: "identity" };

/** What the executor knows when a function starts (the worker's `exec-start` event fits). */
export interface ExecutionStartRecord {
  execId: string;
  parentId: string | null;
  requestId: string;
  udfType: UdfType;
  /** `messages:send`, or `POST /postMessage` for HTTP actions. */
  identifier: string;
  /** Who called: 'http' | 'api' | 'sync' | 'scheduler' | 'nested' | 'cli' | 'test'. */
  caller: string;
  startedAt: number;
  /** Why it ran, when its caller says (a subscribed query). */
  cause?: ExecutionCause | null;
}

/** What the executor knows when a function ends (the worker's `exec-end` event fits). */
export interface ExecutionEndRecord {
  execId: string;
  outcome: "success" | "failure";
  durationMs: number;
  /** HTTP status for HTTP actions. */
  status: number | null;
  error: { message: string; stack?: string } | null;
}

export interface ExecutionRecord {
  id: string;
  requestId: string;
  parentId: string | null;
  udfType: UdfType;
  identifier: string;
  caller: string;
  startedAt: number;
  cause: ExecutionCause | null;
  /** Null while running. */
  durationMs: number | null;
  outcome: "success" | "failure" | null;
  /** HTTP status of an HTTP action's response. */
  status: number | null;
  errorMessage: string | null;
  errorStack: string | null;
}

export interface StoredLogLine {
  id: number;
  executionId: string;
  requestId: string;
  timestamp: number;
  level: LogLevel;
  /** The line's messages joined by spaces. */
  message: string;
  isTruncated: boolean;
  systemCode: string | null;
  udfType: UdfType;
  identifier: string;
}

export interface LineQuery {
  /** Page backwards: lines with a smaller id, newest first. */
  before?: number;
  /** Tail forwards: lines with a larger id, oldest first. Ignored when `before` is set. */
  after?: number;
  limit: number;
  level?: LogLevel[];
  udfType?: UdfType;
  identifier?: string;
  /** Case-insensitive (ASCII) substring of the message; `%` and `_` match themselves. */
  text?: string;
  requestId?: string;
  executionId?: string;
}

export type LogStoreEvent =
  | { kind: "executionStarted"; execution: ExecutionRecord }
  | { kind: "lines"; execution: ExecutionRecord; lines: StoredLogLine[] }
  | { kind: "executionFinished"; execution: ExecutionRecord }
  /**
   * Writing `file` failed (a `DiskWriteError`: the data is still in memory, and the write is tried
   * again after a pause), or a queued record was refused when the queue was written (a
   * `LogWriteError`; the rest was stored).
   */
  | { kind: "persistError"; error: unknown }
  /** After a `persistError`: the file was written again, with everything recorded so far. */
  | { kind: "persistRecovered" };
