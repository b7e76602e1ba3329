// The log panel's part of the protocol. The host pushes `logsStatus` (where the logs come from),
// `logsRows` (the live tail of the latest `logsLatest` query, tagged with its generation),
// `logsOverflow` (more arrived at once than a push carries: ask for the newest page again) and
// `logsCommand` (a view title button); everything else is a request of the webview whose reply
// `value` is `LogsReplies[type]`. Rows and cursors are explained in runtime/logs/log-queries.ts.
import type { ExecutionView, LogLineView } from "./core";

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

/**
 * Why a subscribed query of a sync client ran (its caller is "sync"): the first run of a new
 * subscription, or a re-run after a commit (`requestId`: the request whose function committed,
 * null for an edit in a panel), a reload of the code, or a change of the client's identity.
 */
export type RunCauseView =
  | { kind: "subscribed" }
  | { kind: "commit"; requestId: string | null }
  | { kind: "reload" }
  | { kind: "identity" };

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
      /** Why its execution ran, for a subscribed query's run; null for others. */
      cause: RunCauseView | null;
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
      cause: RunCauseView | null;
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
  /** 'http' | 'api' | 'sync' | 'scheduler' | 'nested' | …: who called it. */
  caller: string;
  cause: RunCauseView | null;
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

export const LOGS_REQUEST_TYPES: ReadonlyArray<LogsRequest["type"]> = [
  "logsLatest",
  "logsOlder",
  "logsClear",
  "logsDrilldown",
  "logsFunctions",
];

export function isLogsRequest(message: { type: string }): message is LogsRequest {
  return (LOGS_REQUEST_TYPES as readonly string[]).includes(message.type);
}

/** Host → log panel. */
export type LogsHostMessage =
  | { type: "logsStatus"; status: LogsStatusView }
  | { type: "logsRows"; generation: number; rows: LogRowView[] }
  | { type: "logsOverflow"; generation: number }
  | { type: "logsCommand"; command: "clear" };

export const LOGS_HOST_TYPES: ReadonlyArray<LogsHostMessage["type"]> = ["logsStatus", "logsRows", "logsOverflow", "logsCommand"];
