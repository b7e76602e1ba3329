// Between the log panel's protocol and the log queries, without vscode. What the webview sends is
// input like any other: it is checked and bounded here before it reaches a query (where it is a
// bound parameter anyway). Rows and traces become the protocol's plain views.
import { isAbsolute, relative, resolve } from "node:path";
import { LOG_LEVELS } from "../../runtime";
import { UDF_TYPES, type LogCursor, type LogFilter, type LogPage, type LogRow, type RequestTrace } from "../../runtime";
import type { DrilldownExecutionView, LogCursorView, LogPageView, LogRowView, RequestDrilldownView } from "../../webview/protocol/logs";

/** Rows per page the panel may ask for. */
export const MAX_PAGE_LIMIT = 500;
const MAX_TEXT = 1000;
const MAX_ID = 256;

/** A request the panel sent that cannot be answered as it is. */
export class LogRequestError extends Error {
  override name = "LogRequestError";
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

function boundedString(value: unknown, max: number): string | undefined {
  return typeof value === "string" && value !== "" ? value.slice(0, max) : undefined;
}

/** The webview's filter as a query filter: unknown levels and kinds dropped, strings bounded. */
export function filterFromView(value: unknown): LogFilter {
  if (!isObject(value)) return {};
  const filter: LogFilter = {};
  if (Array.isArray(value.levels)) filter.levels = LOG_LEVELS.filter((level) => (value.levels as unknown[]).includes(level));
  if (Array.isArray(value.kinds)) filter.kinds = UDF_TYPES.filter((kind) => (value.kinds as unknown[]).includes(kind));
  const identifier = boundedString(value.identifier, MAX_ID);
  if (identifier !== undefined) filter.identifier = identifier;
  const text = boundedString(value.text, MAX_TEXT);
  if (text !== undefined) filter.text = text;
  const requestId = boundedString(value.requestId, MAX_ID);
  if (requestId !== undefined) filter.requestId = requestId;
  return filter;
}

/** A cursor the webview passes back; null when it is absent, an error when it is malformed. */
export function cursorFromView(value: unknown): LogCursor | null {
  if (value === null || value === undefined) return null;
  const exec = isObject(value) ? value.exec : undefined;
  if (!isObject(value) || !isObject(exec) || ![value.line, exec.end, exec.seq].every((n) => typeof n === "number" && !Number.isNaN(n))) {
    throw new LogRequestError("The log panel sent a malformed page cursor; reload the panel.");
  }
  return { line: value.line as number, exec: { end: exec.end as number, seq: exec.seq as number } };
}

export function limitFromView(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.max(1, Math.min(MAX_PAGE_LIMIT, Math.floor(value))) : 200;
}

export function requestIdFromView(value: unknown): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_ID) throw new LogRequestError("The log panel sent no request id.");
  return value;
}

export function rowView(row: LogRow): LogRowView {
  if (row.kind === "line") {
    return {
      kind: "line",
      id: row.id,
      time: row.timestamp,
      requestId: row.requestId,
      executionId: row.executionId,
      udfType: row.udfType,
      identifier: row.identifier,
      level: row.level,
      message: row.message,
      truncated: row.isTruncated,
      cause: row.cause,
    };
  }
  return {
    kind: "execution",
    id: row.id,
    seq: row.seq,
    time: row.endedAt,
    requestId: row.requestId,
    udfType: row.udfType,
    identifier: row.identifier,
    outcome: row.outcome,
    status: row.status,
    durationMs: row.durationMs,
    error: row.errorMessage,
    cause: row.cause,
  };
}

export const cursorView = (cursor: LogCursor): LogCursorView => ({
  line: cursor.line,
  exec: { end: cursor.exec.end, seq: cursor.exec.seq },
});

export function pageView(page: LogPage): LogPageView {
  return { rows: page.rows.map(rowView), older: cursorView(page.older), hasOlder: page.hasOlder };
}

/** The error as the drilldown shows it: the stack (which starts with the message) or both. */
function errorText(message: string | null, stack: string | null): string | null {
  if (stack === null) return message;
  if (message === null || stack.startsWith(message)) return stack;
  return `${message}\n${stack}`;
}

/** The request's executions as a call tree, parents before children, with their lines. */
export function drilldownView(trace: RequestTrace): RequestDrilldownView {
  const views = new Map<string, DrilldownExecutionView>();
  for (const execution of trace.executions) {
    views.set(execution.id, {
      id: execution.id,
      parentId: execution.parentId,
      udfType: execution.udfType,
      identifier: execution.identifier,
      outcome: execution.outcome ?? "running",
      durationMs: execution.durationMs,
      status: execution.status,
      error: errorText(execution.errorMessage, execution.errorStack),
      lines: [],
      startedAt: execution.startedAt,
      caller: execution.caller,
      cause: execution.cause,
    });
  }
  for (const line of trace.lines)
    views.get(line.executionId)?.lines.push({ level: line.level, message: line.message, timestamp: line.timestamp });

  const children = new Map<string, DrilldownExecutionView[]>();
  const roots: DrilldownExecutionView[] = [];
  for (const view of views.values()) {
    // A parent pruned by retention (or cut by the limits) makes its children roots.
    const parent = view.parentId !== null && view.parentId !== view.id ? views.get(view.parentId) : undefined;
    if (parent) children.set(parent.id, [...(children.get(parent.id) ?? []), view]);
    else roots.push(view);
  }
  const ordered: DrilldownExecutionView[] = [];
  const seen = new Set<string>();
  const visit = (view: DrilldownExecutionView) => {
    if (seen.has(view.id)) return;
    seen.add(view.id);
    ordered.push(view);
    for (const child of children.get(view.id) ?? []) visit(child);
  };
  roots.forEach(visit);
  // A cycle has no root; show its members anyway.
  for (const view of views.values()) visit(view);
  return { requestId: trace.requestId, executions: ordered, truncated: trace.truncated };
}

/**
 * The file a stack frame names, inside the project. Frames are printed relative to the functions
 * folder's parent (`../convex/http.ts`); the webview sends them without the `../`.
 */
export function sourceFileIn(projectDir: string, file: string): string {
  const absolute = resolve(projectDir, file.replace(/^(\.\.\/)+/, ""));
  const inside = relative(projectDir, absolute);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) throw new LogRequestError(`${file} is outside the project`);
  return absolute;
}
