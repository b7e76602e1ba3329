// sql.js rows to the store's records. Column values come back as SqlValue; nulls stay null.
import type { UdfType } from "./cli-format.js";
import type { LogLevel } from "./log-line.js";
import type { ExecutionCause, ExecutionRecord, StoredLogLine } from "./log-store-types.js";
import type { Row } from "./sql-js.js";

export function toExecution(row: Row): ExecutionRecord {
  return {
    id: String(row.id),
    requestId: String(row.request_id),
    parentId: row.parent_id === null ? null : String(row.parent_id),
    udfType: row.udf_type as UdfType,
    identifier: String(row.identifier),
    caller: String(row.caller),
    startedAt: Number(row.started_at),
    cause: toCause(row),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    outcome: row.outcome === null ? null : (row.outcome as "success" | "failure"),
    status: row.http_status === null ? null : Number(row.http_status),
    errorMessage: row.error_message === null ? null : String(row.error_message),
    errorStack: row.error_stack === null ? null : String(row.error_stack),
  };
}

export function toStoredLine(row: Row): StoredLogLine {
  return {
    id: Number(row.id),
    executionId: String(row.execution_id),
    requestId: String(row.request_id),
    timestamp: Number(row.timestamp),
    level: row.level as LogLevel,
    message: String(row.message),
    isTruncated: row.is_truncated === 1,
    systemCode: row.system_code === null ? null : String(row.system_code),
    udfType: row.udf_type as UdfType,
    identifier: String(row.identifier),
  };
}

/** The `cause` and `cause_request_id` columns as an ExecutionCause; null when not set (or unknown). */
export function toCause(row: Row): ExecutionCause | null {
  switch (row.cause) {
    case "subscribed":
    case "reload":
    case "identity":
      return { kind: row.cause };
    case "commit":
      return {
        kind: "commit",
        requestId: row.cause_request_id === null || row.cause_request_id === undefined ? null : String(row.cause_request_id),
      };
    default:
      return null;
  }
}
