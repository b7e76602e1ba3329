// Paged, filtered reads of the log store for the logs panel (sql.js stays on the host; the panel
// asks for pages).
//
// The panel shows one stream with two kinds of rows, merged by time:
//   - a line row for every stored log line; its position is the line's id;
//   - an execution row for every finished execution (outcome, HTTP status, duration, error); its
//     position is (end time, rowid), end time being started_at + duration_ms.
// Executions still running have no row yet (their lines show as they arrive). Each kind is read
// through its own index in its own order, and a cursor holds one position per kind, so paging
// back returns every row exactly once even where line ids and end times disagree by a millisecond.
//
// Filters are applied in SQL. Every value from a filter is a bound parameter: the SQL text is
// assembled only from the constant fragments below, chosen by which filters are set.
import type { UdfType } from "./cli-format.js";
import { LOG_LEVELS, type LogLevel } from "./log-line.js";
import { toCause, toExecution, toStoredLine } from "./log-store-rows.js";
import type { ExecutionCause, ExecutionRecord, LineQuery, StoredLogLine } from "./log-store-types.js";
import type { Row } from "./sql-js.js";

export const UDF_TYPES: readonly UdfType[] = ["query", "mutation", "action", "httpAction"];

/** What the queries need from the store (LogStore.select). */
export interface LogReader {
  select(sql: string, params?: SqlParam[]): Row[];
}

export type SqlParam = string | number | null;

export interface LogFilter {
  /**
   * Levels to show; undefined shows every level. Execution rows count as ERROR when the execution
   * failed and as INFO when it succeeded.
   */
  levels?: readonly LogLevel[];
  /** Function kinds to show; undefined shows every kind. */
  kinds?: readonly UdfType[];
  /** Exactly this function (`messages:send`) or HTTP route (`POST /postMessage`). */
  identifier?: string;
  /**
   * A substring of the message (of the error message for execution rows), matched literally
   * (`%` and `_` match themselves) and case-insensitively for ASCII letters.
   */
  text?: string;
  /** A request id or its beginning (the panel shows the first 8 characters). */
  requestId?: string;
}

/** Where an execution row sits: its end time, then its rowid (the order executions started). */
export interface ExecPosition {
  end: number;
  seq: number;
}

/** One position per kind of row. As `before`: rows strictly older; as `floor`: rows strictly newer. */
export interface LogCursor {
  line: number;
  exec: ExecPosition;
}

/** A cursor past every row there is and will be: `before` this is "from the newest". */
export const NEWEST: LogCursor = { line: Number.MAX_SAFE_INTEGER, exec: { end: Number.MAX_VALUE, seq: Number.MAX_SAFE_INTEGER } };
/** A cursor before every row: `floor` this is "no floor". */
export const OLDEST: LogCursor = { line: 0, exec: { end: -Number.MAX_VALUE, seq: 0 } };

/** A line, with why its execution ran when it says (a subscribed query's run). */
export type LineRow = StoredLogLine & { kind: "line"; cause: ExecutionCause | null };
export type ExecutionRow = ExecutionRecord & {
  kind: "execution";
  seq: number;
  endedAt: number;
  durationMs: number;
  outcome: "success" | "failure";
};
export type LogRow = LineRow | ExecutionRow;

export interface LogPage {
  /** Oldest first, the way the panel shows them (newest at the bottom). */
  rows: LogRow[];
  /** `before` for the next older page. */
  older: LogCursor;
  /** False when no older row matches (down to the floor). */
  hasOlder: boolean;
}

export interface PageOptions {
  filter: LogFilter;
  /** Rows strictly older than this; default: from the newest. */
  before?: LogCursor;
  /** Rows strictly newer than this (the panel's "clear"); default: none. */
  floor?: LogCursor;
  limit: number;
}

export const MAX_PAGE_ROWS = 1000;
/**
 * Up to this many executions matching the kind and function filters, lines are read through those
 * executions (log_lines_by_execution, then sorted); beyond it, newest-first through the primary
 * key, which finds a page of common lines after a short scan.
 */
const SELECTIVE_EXECUTIONS = 250;
/** Sorts after every string a request id can start with (the largest code point). */
const PREFIX_END = "\u{10FFFF}";

const LINE_COLUMNS =
  "l.id, l.execution_id, l.request_id, l.timestamp, l.level, l.message, l.is_truncated, l.system_code, e.udf_type, e.identifier, " +
  "e.cause, e.cause_request_id";
const EXEC_COLUMNS =
  "e.rowid AS seq, e.id, e.request_id, e.parent_id, e.udf_type, e.identifier, e.caller, e.started_at, e.duration_ms, e.outcome, " +
  "e.http_status, e.error_message, e.error_stack, e.cause, e.cause_request_id, e.started_at + e.duration_ms AS ended_at";
// Written exactly as in the executions_by_end index so that SQLite uses it.
const END = "(e.started_at + e.duration_ms)";

interface Sql {
  sql: string;
  params: SqlParam[];
}

class Where {
  readonly #clauses: string[] = [];
  readonly params: SqlParam[] = [];

  /** `clause` is one of this file's constants; values go in as parameters only. */
  add(clause: string, ...params: SqlParam[]): void {
    this.#clauses.push(clause);
    this.params.push(...params);
  }

  toString(): string {
    return this.#clauses.length === 0 ? "" : `WHERE ${this.#clauses.join(" AND ")}`;
  }
}

const placeholders = (count: number): string => new Array(count).fill("?").join(", ");

/** `%text%` with LIKE's wildcards and the escape character escaped. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The filter with empty parts removed and lists de-duplicated; unknown levels or kinds dropped. */
export function normalizeFilter(filter: LogFilter): LogFilter {
  const out: LogFilter = {};
  if (filter.levels !== undefined) {
    const levels = LOG_LEVELS.filter((level) => filter.levels!.includes(level));
    if (levels.length < LOG_LEVELS.length) out.levels = levels;
  }
  if (filter.kinds !== undefined) {
    const kinds = UDF_TYPES.filter((kind) => filter.kinds!.includes(kind));
    if (kinds.length < UDF_TYPES.length) out.kinds = kinds;
  }
  const identifier = filter.identifier?.trim();
  if (identifier) out.identifier = identifier;
  if (filter.text !== undefined && filter.text !== "") out.text = filter.text;
  const requestId = filter.requestId?.trim();
  if (requestId) out.requestId = requestId;
  return out;
}

/** Adds the kind and function conditions on `e`. `indexed: false` keeps SQLite off their indexes. */
function addExecutionFilter(where: Where, filter: LogFilter, indexed: boolean): void {
  const plus = indexed ? "" : "+";
  if (filter.kinds !== undefined) where.add(`${plus}e.udf_type IN (${placeholders(filter.kinds.length)})`, ...filter.kinds);
  if (filter.identifier !== undefined) where.add(`${plus}e.identifier = ?`, filter.identifier);
}

const hasExecutionFilter = (filter: LogFilter): boolean => filter.kinds !== undefined || filter.identifier !== undefined;

/** Whether few enough executions match the kind and function filters to read lines through them. */
function executionFilterIsSelective(reader: LogReader, filter: LogFilter): boolean {
  if (!hasExecutionFilter(filter)) return false;
  const where = new Where();
  addExecutionFilter(where, filter, true);
  const row = reader.select(`SELECT count(*) AS n FROM (SELECT 1 FROM executions e ${where} LIMIT ?)`, [
    ...where.params,
    SELECTIVE_EXECUTIONS + 1,
  ])[0];
  return Number(row?.n ?? 0) <= SELECTIVE_EXECUTIONS;
}

type LineDrive =
  /** Newest first through the primary key (or the request index when a request id is set). */
  | { kind: "id" }
  /** Through log_lines_by_level, one level per query. */
  | { kind: "level"; level: LogLevel }
  /** Through the matching executions' lines. */
  | { kind: "executions" };

export interface LineQueryOptions {
  /** Exclusive id bounds. */
  below?: number;
  above?: number;
  order: "asc" | "desc";
  /** At most MAX_LINES_PER_QUERY. */
  limit: number;
  drive: LineDrive;
  /** Exactly this request's or execution's lines (the filter's request id is a prefix). */
  requestId?: string;
  executionId?: string;
}

/** The most lines one query returns (a request's whole log for the response panel fits). */
export const MAX_LINES_PER_QUERY = 10_000;

/** The SELECT for line rows; null when the filter rules out every line (no level or kind). Exported for tests. */
export function lineQuery(filter: LogFilter, options: LineQueryOptions): Sql | null {
  if (filter.levels?.length === 0 || filter.kinds?.length === 0) return null;
  const where = new Where();
  const { drive } = options;
  if (options.below !== undefined) where.add("l.id < ?", options.below);
  if (options.above !== undefined) where.add("l.id > ?", options.above);
  if (drive.kind === "level") where.add("l.level = ?", drive.level);
  else if (filter.levels !== undefined) where.add(`+l.level IN (${placeholders(filter.levels.length)})`, ...filter.levels);
  if (filter.requestId !== undefined) where.add("l.request_id >= ? AND l.request_id < ?", filter.requestId, filter.requestId + PREFIX_END);
  if (options.requestId !== undefined) where.add("l.request_id = ?", options.requestId);
  if (options.executionId !== undefined) where.add("l.execution_id = ?", options.executionId);
  if (filter.text !== undefined) where.add("l.message LIKE ? ESCAPE '\\'", likePattern(filter.text));
  if (drive.kind === "executions") {
    const inner = new Where();
    addExecutionFilter(inner, filter, true);
    where.add(`l.execution_id IN (SELECT e.id FROM executions e ${inner})`, ...inner.params);
  } else {
    addExecutionFilter(where, filter, false);
  }
  // CROSS JOIN keeps log_lines the outer table: pages are read in line order, each line looking up
  // its execution by primary key.
  return {
    sql: `SELECT ${LINE_COLUMNS} FROM log_lines l CROSS JOIN executions e ON e.id = l.execution_id ${where} ORDER BY l.id ${options.order === "asc" ? "ASC" : "DESC"} LIMIT ?`,
    params: [...where.params, clampLimit(options.limit, MAX_LINES_PER_QUERY)],
  };
}

export interface ExecutionQueryOptions {
  /** Exclusive position bounds. */
  below?: ExecPosition;
  above?: ExecPosition;
  /** Only these executions (the tail: the ones that just finished). */
  ids?: readonly string[];
  order: "asc" | "desc";
  limit: number;
  /** Use the kind/function indexes (few matches) rather than the end-time index. */
  indexedFilter: boolean;
}

/** The SELECT for execution rows; null when the filter rules them all out. Exported for tests. */
export function executionQuery(filter: LogFilter, options: ExecutionQueryOptions): Sql | null {
  if (filter.kinds?.length === 0) return null;
  const where = new Where();
  where.add("e.duration_ms IS NOT NULL");
  if (options.below !== undefined) {
    // A range on the end time (so the index seeks), then the tie-break on rowid.
    where.add(`${END} <= ? AND (${END} < ? OR e.rowid < ?)`, options.below.end, options.below.end, options.below.seq);
  }
  if (options.above !== undefined) {
    where.add(`${END} >= ? AND (${END} > ? OR e.rowid > ?)`, options.above.end, options.above.end, options.above.seq);
  }
  if (options.ids !== undefined) where.add(`e.id IN (${placeholders(options.ids.length)})`, ...options.ids);
  if (filter.levels !== undefined) {
    const failures = filter.levels.includes("ERROR");
    const successes = filter.levels.includes("INFO");
    if (!failures && !successes) return null;
    if (!successes) where.add("e.outcome = ?", "failure");
    else if (!failures) where.add("e.outcome = ?", "success");
  }
  addExecutionFilter(where, filter, options.indexedFilter);
  if (filter.requestId !== undefined) where.add("e.request_id >= ? AND e.request_id < ?", filter.requestId, filter.requestId + PREFIX_END);
  if (filter.text !== undefined) where.add("e.error_message LIKE ? ESCAPE '\\'", likePattern(filter.text));
  const direction = options.order === "asc" ? "ASC" : "DESC";
  return {
    sql: `SELECT ${EXEC_COLUMNS} FROM executions e ${where} ORDER BY ${END} ${direction}, e.rowid ${direction} LIMIT ?`,
    params: [...where.params, clampLimit(options.limit)],
  };
}

function clampLimit(limit: number, max = MAX_PAGE_ROWS + 1): number {
  return Math.max(0, Math.min(max, Math.floor(Number.isFinite(limit) ? limit : 0)));
}

function run(reader: LogReader, query: Sql | null): Row[] {
  return query === null ? [] : reader.select(query.sql, query.params);
}

const toLineRow = (row: Row): LineRow => ({ ...toStoredLine(row), kind: "line", cause: toCause(row) });

function toExecutionRow(row: Row): ExecutionRow {
  const record = toExecution(row);
  return {
    ...record,
    kind: "execution",
    seq: Number(row.seq),
    endedAt: Number(row.ended_at),
    durationMs: record.durationMs ?? 0,
    outcome: record.outcome ?? "failure",
  };
}

export const execPosition = (row: ExecutionRow): ExecPosition => ({ end: row.endedAt, seq: row.seq });

/** The time a row is shown at. */
export const rowTime = (row: LogRow): number => (row.kind === "line" ? row.timestamp : row.endedAt);

/**
 * Display order: by time; at the same millisecond an execution's end comes after lines (it ends
 * after it logs); within a kind, the kind's own order.
 */
export function compareRows(a: LogRow, b: LogRow): number {
  const time = rowTime(a) - rowTime(b);
  if (time !== 0) return time;
  if (a.kind !== b.kind) return a.kind === "line" ? -1 : 1;
  return a.kind === "line" ? a.id - (b as LineRow).id : compareExec(execPosition(a), execPosition(b as ExecutionRow));
}

export function compareExec(a: ExecPosition, b: ExecPosition): number {
  return a.end !== b.end ? (a.end < b.end ? -1 : 1) : a.seq - b.seq;
}

/** Lines older than `below` (newest first), each level through its own index when levels are filtered. */
function olderLines(
  reader: LogReader,
  filter: LogFilter,
  selective: boolean,
  below: number,
  above: number | undefined,
  limit: number,
): LineRow[] {
  const base = { below, above, order: "desc" as const, limit };
  let rows: Row[];
  if (filter.requestId !== undefined) {
    rows = run(reader, lineQuery(filter, { ...base, drive: { kind: "id" } }));
  } else if (selective) {
    rows = run(reader, lineQuery(filter, { ...base, drive: { kind: "executions" } }));
  } else if (filter.levels !== undefined) {
    // `level IN (…) ORDER BY id` would sort every matching line; one ordered scan per level, merged
    // here, reads at most `limit` lines of each.
    rows = filter.levels
      .flatMap((level) => run(reader, lineQuery(filter, { ...base, drive: { kind: "level", level } })))
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, limit);
  } else {
    rows = run(reader, lineQuery(filter, { ...base, drive: { kind: "id" } }));
  }
  return rows.map(toLineRow);
}

/** A page of rows older than `before` (and newer than `floor`), oldest first. */
export function pageRows(reader: LogReader, options: PageOptions): LogPage {
  const filter = normalizeFilter(options.filter);
  const limit = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor(options.limit) || 1));
  const before = options.before ?? NEWEST;
  const floor = options.floor;
  const selective = executionFilterIsSelective(reader, filter);
  // One more than a page from each kind tells whether anything older is left after this page.
  const lines = olderLines(reader, filter, selective, before.line, floor?.line, limit + 1);
  const executions = run(
    reader,
    executionQuery(filter, {
      below: before.exec,
      above: floor?.exec,
      order: "desc",
      limit: limit + 1,
      indexedFilter: selective,
    }),
  ).map(toExecutionRow);

  // Merge newest first and keep a page.
  const taken: LogRow[] = [];
  let li = 0;
  let ei = 0;
  while (taken.length < limit && (li < lines.length || ei < executions.length)) {
    const line = lines[li];
    const execution = executions[ei];
    if (execution === undefined || (line !== undefined && compareRows(line, execution) > 0)) {
      taken.push(line!);
      li++;
    } else {
      taken.push(execution);
      ei++;
    }
  }
  const lastLine = li > 0 ? lines[li - 1]!.id : before.line;
  const lastExec = ei > 0 ? execPosition(executions[ei - 1]!) : before.exec;
  return {
    rows: taken.reverse(),
    older: { line: lastLine, exec: lastExec },
    hasOlder: li < lines.length || ei < executions.length,
  };
}

/**
 * LogStore.queryLines: a store-level read (a request's lines for the response panel, the CLI,
 * tests) built by the same query builder as the panel's pages. Newest first, or oldest first when
 * tailing with `after`.
 */
export function selectLines(reader: LogReader, query: LineQuery): StoredLogLine[] {
  const filter = normalizeFilter({
    levels: query.level,
    kinds: query.udfType === undefined ? undefined : [query.udfType],
    identifier: query.identifier,
    text: query.text,
  });
  const forward = query.before === undefined && query.after !== undefined;
  const sql = lineQuery(filter, {
    below: query.before,
    above: forward ? query.after : undefined,
    order: forward ? "asc" : "desc",
    limit: query.limit,
    drive: { kind: "id" },
    requestId: query.requestId,
    executionId: query.executionId,
  });
  return run(reader, sql).map(toStoredLine);
}

/** Lines with `above < id <= upTo`, oldest first: what arrived since the tail last looked. */
export function linesBetween(reader: LogReader, filter: LogFilter, above: number, upTo: number, limit: number): LineRow[] {
  // The id range is what is new, so the primary key drives even when a level or kind is filtered.
  return run(reader, lineQuery(normalizeFilter(filter), { above, below: upTo + 1, order: "asc", limit, drive: { kind: "id" } })).map(
    toLineRow,
  );
}

/** Those of `ids` that have finished and match, oldest end first. */
export function finishedExecutions(reader: LogReader, filter: LogFilter, ids: readonly string[], floor?: ExecPosition): ExecutionRow[] {
  const normalized = normalizeFilter(filter);
  const rows: ExecutionRow[] = [];
  // Bounded chunks keep the statement under SQLite's parameter limit.
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const query = executionQuery(normalized, { ids: chunk, above: floor, order: "asc", limit: chunk.length, indexedFilter: false });
    rows.push(...run(reader, query).map(toExecutionRow));
  }
  return rows.sort((a, b) => compareExec(execPosition(a), execPosition(b)));
}

/** The newest position of each kind: as a floor, it hides everything stored so far. */
export function newestCursor(reader: LogReader): LogCursor {
  const line = Number(reader.select("SELECT max(id) AS id FROM log_lines")[0]?.id ?? 0);
  const exec = reader.select(
    `SELECT ${END} AS ended_at, e.rowid AS seq FROM executions e WHERE e.duration_ms IS NOT NULL ORDER BY ${END} DESC, e.rowid DESC LIMIT 1`,
  )[0];
  return {
    line: Number.isFinite(line) ? line : 0,
    exec: exec ? { end: Number(exec.ended_at), seq: Number(exec.seq) } : OLDEST.exec,
  };
}

export interface RequestTrace {
  requestId: string;
  /** In the order they started. */
  executions: ExecutionRecord[];
  /** Oldest first. */
  lines: StoredLogLine[];
  /** More executions or lines than the limits: the oldest are shown. */
  truncated: boolean;
}

/** Every execution of a request and their lines: the panel's drilldown. */
export function requestTrace(reader: LogReader, requestId: string, limits = { executions: 500, lines: 5000 }): RequestTrace {
  const executions = reader
    .select("SELECT e.* FROM executions e WHERE e.request_id = ? ORDER BY e.started_at, e.rowid LIMIT ?", [
      requestId,
      limits.executions + 1,
    ])
    .map(toExecution);
  const lines = reader
    .select(
      `SELECT ${LINE_COLUMNS} FROM log_lines l CROSS JOIN executions e ON e.id = l.execution_id WHERE l.request_id = ? ORDER BY l.id LIMIT ?`,
      [requestId, limits.lines + 1],
    )
    .map(toStoredLine);
  return {
    requestId,
    executions: executions.slice(0, limits.executions),
    lines: lines.slice(0, limits.lines),
    truncated: executions.length > limits.executions || lines.length > limits.lines,
  };
}

export interface FunctionSummary {
  udfType: UdfType;
  identifier: string;
  executions: number;
}

/** Functions and routes that have stored executions, for the function filter. */
export function loggedFunctions(reader: LogReader): FunctionSummary[] {
  return reader
    .select(
      "SELECT e.udf_type, e.identifier, count(*) AS n FROM executions e GROUP BY e.udf_type, e.identifier ORDER BY e.identifier, e.udf_type",
    )
    .map((row) => ({ udfType: row.udf_type as UdfType, identifier: String(row.identifier), executions: Number(row.n) }));
}
