// Shape checks of what the host sends the log panel: replies arrive as `unknown`, and saved state
// may come from an older build. Shallow where the rendering only reads text through textContent,
// exact where a value goes back to the host (cursors) or drives layout.
import type {
  LogCursorView,
  LogFilterView,
  LogFunctionView,
  LogPageView,
  LogRowView,
  LogsLatestView,
  LogsStatusView,
  RequestDrilldownView,
  RunCauseView,
} from "../protocol/logs";

export const LEVELS = ["DEBUG", "LOG", "INFO", "WARN", "ERROR"] as const;
export const KINDS = ["query", "mutation", "action", "httpAction"] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isNumber = (value: unknown): value is number => typeof value === "number" && !Number.isNaN(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isKind = (value: unknown): boolean => (KINDS as readonly unknown[]).includes(value);
const isLevel = (value: unknown): boolean => (LEVELS as readonly unknown[]).includes(value);

export function isLogCursor(value: unknown): value is LogCursorView {
  return isObject(value) && isNumber(value.line) && isObject(value.exec) && isNumber(value.exec.end) && isNumber(value.exec.seq);
}

/** A row's cause: its request id goes back to the host (the drilldown), so it is checked exactly. */
export function isRunCause(value: unknown): value is RunCauseView {
  if (!isObject(value)) return false;
  if (value.kind === "commit") return value.requestId === null || isString(value.requestId);
  return value.kind === "subscribed" || value.kind === "reload" || value.kind === "identity";
}

export function isLogRow(value: unknown): value is LogRowView {
  if (!isObject(value) || !isNumber(value.time) || !isString(value.requestId) || !isString(value.identifier) || !isKind(value.udfType))
    return false;
  if (value.cause !== null && !isRunCause(value.cause)) return false;
  if (value.kind === "line") return isNumber(value.id) && isLevel(value.level) && isString(value.message);
  if (value.kind === "execution") {
    return (
      isString(value.id) &&
      isNumber(value.seq) &&
      (value.outcome === "success" || value.outcome === "failure") &&
      isNumber(value.durationMs)
    );
  }
  return false;
}

export function isLogPage(value: unknown): value is LogPageView {
  return (
    isObject(value) &&
    Array.isArray(value.rows) &&
    value.rows.every(isLogRow) &&
    isLogCursor(value.older) &&
    typeof value.hasOlder === "boolean"
  );
}

export function isLogsLatest(value: unknown): value is LogsLatestView {
  return isLogPage(value) && isNumber((value as unknown as Record<string, unknown>).generation);
}

export function isLogsStatus(value: unknown): value is LogsStatusView {
  if (!isObject(value) || !isNumber(value.sourceId) || !isNumber(value.retention) || !isObject(value.source)) return false;
  const source = value.source;
  return source.kind === "live" || ((source.kind === "stored" || source.kind === "none") && isString(source.message));
}

export function isDrilldown(value: unknown): value is RequestDrilldownView {
  return (
    isObject(value) &&
    isString(value.requestId) &&
    typeof value.truncated === "boolean" &&
    Array.isArray(value.executions) &&
    value.executions.every(
      (execution) =>
        isObject(execution) &&
        isString(execution.id) &&
        isKind(execution.udfType) &&
        isString(execution.identifier) &&
        Array.isArray(execution.lines),
    )
  );
}

export function isLogFunctions(value: unknown): value is LogFunctionView[] {
  return Array.isArray(value) && value.every((entry) => isObject(entry) && isKind(entry.udfType) && isString(entry.identifier));
}

export function isLogFilter(value: unknown): value is LogFilterView {
  return (
    isObject(value) &&
    Array.isArray(value.levels) &&
    value.levels.every(isLevel) &&
    Array.isArray(value.kinds) &&
    value.kinds.every(isKind) &&
    isString(value.identifier) &&
    isString(value.text) &&
    isString(value.requestId)
  );
}
