// The host's record of function executions and their log lines: a sql.js database of its own,
// kept in memory and written to `file` about a second after changes (and on close), so the CLI,
// the output channel and the logs panel can page, filter and tail what functions printed.
//
// The database file lives in a buffer of the store's own (shared/file-buffer.ts), as the document
// store's does, and each write of `file` is made straight from it: no copy of the whole database
// once a second (8 to 17 MiB after a benchmark's load, bench/where-the-memory-goes.md). The bytes
// reach the temp file within the writing turn (atomic-write.ts), so later records cannot tear it.
//
// All SQL is parameterized; filter text is matched literally (LIKE wildcards are escaped).
//
// Recording is on the host's hot path (every function execution is recorded), so writes are
// queued in memory and written together in one transaction a few milliseconds later (or as soon
// as MAX_QUEUED records wait), with statements prepared once per store. An execution
// that starts and finishes before the queue is written becomes one INSERT with its final values.
// Every read, `flush()` and `close()` write the queue first, so reads always see everything
// recorded so far. Subscribers still hear of each change synchronously: line ids are handed out
// here (from the largest id the file ever used) instead of by SQLite, so `lines` events and
// `appendLines` carry the ids the lines will be stored under.
//
// Durability is unchanged: a crash loses queued records along with everything else not yet
// exported to `file` (up to `flushDelayMs` of records, as before); the queue holds only the last
// QUEUE_DELAY_MS of them. These are logs, not user data.
import { randomUUID } from "node:crypto";
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { removeTempLeftovers, writeFileAtomic } from "./atomic-write.js";
import { DiskWriteError } from "../shared/disk-error.js";
import { FileBuffer } from "../shared/file-buffer.js";
import { LOG_LEVELS, type LogLine } from "./log-line.js";
import { selectLines } from "./log-queries.js";
import { queryExecutionStats, type ExecutionStats, type ExecutionStatsQuery } from "./execution-stats.js";
import { checkExistingFile, LOG_FILE_MIN_ROOM, readIfExists } from "./log-store-file.js";
import { toExecution } from "./log-store-rows.js";
import { LOG_STORE_ADDED_COLUMNS, LOG_STORE_ADDED_INDEXES, LOG_STORE_SCHEMA } from "./log-store-schema.js";
import type {
  ExecutionEndRecord,
  ExecutionRecord,
  ExecutionStartRecord,
  LineQuery,
  LogStoreEvent,
  LogStoreOptions,
  StoredLogLine,
} from "./log-store-types.js";
import { allRows, firstRow, loadSqlJs, selectRows, type Row } from "./sql-js.js";
import { releaseBuffer } from "../shared/release-buffer.js";
import { StatementCache } from "../shared/statement-cache.js";

export type * from "./log-store-types.js";
export type { ExecutionStats, ExecutionStatsQuery } from "./execution-stats.js";
export { LogStoreFileError } from "./log-store-file.js";

const DEFAULT_RETENTION = 100_000;
const MAX_PAGE = 10_000;
/**
 * How long records wait to be written together. Most requests record one to three executions,
 * each in its own turn; a transaction per turn cost about 20 µs per execution more than batching
 * the executions of a few milliseconds (bench: 35 µs vs 14 µs for a start and a finish).
 */
const QUEUE_DELAY_MS = 5;
/** Queued executions plus lines at which the queue is written at once instead of after the delay. */
const MAX_QUEUED = 500;
/** Running executions whose records are kept in memory for their lines and their end. */
const MAX_RUNNING = 10_000;
/** A failed write of the file is tried again after this, doubling up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

// What the schema's CHECK constraints allow, tested when a record is queued so that a bad value
// still throws to its caller instead of failing the later write.
const UDF_TYPES = new Set<string>(["query", "mutation", "action", "httpAction"]);
const LEVELS = new Set<string>(LOG_LEVELS);
const OUTCOMES = new Set<string>(["success", "failure"]);

const INSERT_EXECUTION = `INSERT INTO executions
  (id, request_id, parent_id, udf_type, identifier, caller, started_at, duration_ms, outcome, http_status, error_message, error_stack,
   cause, cause_request_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const FINISH_EXECUTION =
  "UPDATE executions SET duration_ms = ?, outcome = ?, http_status = ?, error_message = ?, error_stack = ? WHERE id = ?";
const INSERT_LINE = `INSERT INTO log_lines (id, execution_id, request_id, timestamp, level, message, is_truncated, system_code)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const SELECT_EXECUTION = "SELECT * FROM executions WHERE id = ?";
// AUTOINCREMENT's counter, not just max(id): after pruning every line, ids still continue from
// where they were. Explicit ids above it advance it, so the file stays consistent.
const LAST_LINE_ID = `SELECT max(coalesce((SELECT max(id) FROM log_lines), 0),
  coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'log_lines'), 0)) AS id`;

/** An execution's queued write: its INSERT with the values it has by then, or the UPDATE of its end. */
interface QueuedExecution {
  record: ExecutionRecord;
  insert: boolean;
}

interface Refused {
  records: string[];
  firstError: unknown;
}

/**
 * Queued records the database refused when the queue was written (reported as a `persistError`
 * event: nobody is waiting on the write). The rest of the queue was stored.
 */
export class LogWriteError extends Error {
  override name = "LogWriteError";
  constructor(what: string, cause: unknown) {
    super(`Some log records could not be stored: ${what}`, { cause });
  }
}

// The database lives in sql.js's in-memory file system and is persisted by writing that file whole,
// so SQLite's own journal only has to support ROLLBACK. Without these, every statement checks for a hot journal
// file and every commit writes and deletes one in that file system: about half of the cost of
// recording an execution (bench/RESULTS.md, figure 7). Both settings survive export() (sql.js
// exports through the backup API on the same connection).
const CONNECTION_PRAGMAS = "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;";

export class LogStore {
  readonly #SQL: SqlJsStatic;
  #db: Database;
  /** Where the database file lives; null for a store without a file (or when no buffer could be had). */
  #buffer: FileBuffer | null;
  readonly #sql: StatementCache;
  readonly #file: string | undefined;
  readonly #retention: number;
  readonly #executionRetention: number;
  readonly #flushDelayMs: number;
  readonly #listeners = new Set<(event: LogStoreEvent) => void>();
  #lineCount: number;
  #executionCount: number;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;
  /** The last write of the file (or of the queue) failed; the next file write that works says so. */
  #failing = false;
  #retryMs = FIRST_RETRY_MS;
  // Not yet in the database; #lineCount and #executionCount already count them.
  #queuedExecutions = new Map<string, QueuedExecution>();
  #queuedLines: SqlValue[][] = [];
  #queueTimer: NodeJS.Timeout | undefined;
  /** The last line id handed out. */
  #lastLineId: number;
  /**
   * Records of executions started here and not finished, as stored (a cache: a miss reads the
   * row). Pruned executions are removed, so lines for them are still refused.
   */
  readonly #running = new Map<string, ExecutionRecord>();

  private constructor(SQL: SqlJsStatic, db: Database, buffer: FileBuffer | null, options: LogStoreOptions) {
    this.#SQL = SQL;
    this.#db = db;
    this.#buffer = buffer;
    this.#sql = new StatementCache(db);
    db.exec(CONNECTION_PRAGMAS);
    addMissingColumns(db);
    db.exec(LOG_STORE_ADDED_INDEXES);
    this.#file = options.file;
    this.#retention = Math.max(0, options.retention ?? DEFAULT_RETENTION);
    this.#executionRetention = Math.max(0, options.executionRetention ?? this.#retention);
    this.#flushDelayMs = options.flushDelayMs ?? 1000;
    this.#lineCount = Number(firstRow(db, "SELECT count(*) AS n FROM log_lines")?.n ?? 0);
    this.#executionCount = Number(firstRow(db, "SELECT count(*) AS n FROM executions")?.n ?? 0);
    this.#lastLineId = Number(firstRow(db, LAST_LINE_ID)?.id ?? 0);
  }

  static async open(options: LogStoreOptions = {}): Promise<LogStore> {
    const SQL = await loadSqlJs();
    // Left by a process killed while it wrote the file (only one runtime uses a data folder).
    if (options.file !== undefined) removeTempLeftovers(options.file);
    const read = options.file === undefined ? undefined : readIfExists(options.file);
    let db: Database;
    let buffer: FileBuffer | null = null;
    if (read === undefined) {
      db = new SQL.Database();
      db.exec(LOG_STORE_SCHEMA);
    } else {
      // An empty file is opened as an empty database: MEMFS would not adopt a buffer for it.
      buffer = read.bytes.length > 0 ? read.buffer : null;
      if (buffer === null) read.buffer?.release();
      try {
        db = buffer ? buffer.open(SQL, read.bytes.length) : new SQL.Database(read.bytes);
      } catch (error) {
        buffer?.release();
        throw error;
      }
      try {
        checkExistingFile(db, options.file!);
      } catch (error) {
        db.close();
        buffer?.release();
        throw error;
      }
    }
    const store = new LogStore(SQL, db, buffer, options);
    // A new database (a few pages so far) starts in a buffer of its own, as one read from its file does.
    if (options.file !== undefined && buffer === null) store.#moveFile(null);
    return store;
  }

  /** Records a started execution and returns its id. */
  recordExecution(start: ExecutionStartRecord): string {
    this.#assertOpen();
    const id = start.execId || randomUUID();
    if (!UDF_TYPES.has(start.udfType)) throw new Error(`Cannot record execution ${id}: unknown function type ${start.udfType}`);
    // Any queued write for the id means its row exists or will. (One stored earlier and finished
    // is found only when the queue is written: a LogWriteError, see #writeQueue.)
    if (this.#queuedExecutions.has(id) || this.#running.has(id)) throw new Error(`Execution ${id} is already recorded`);
    const record: ExecutionRecord = {
      id,
      requestId: start.requestId,
      parentId: start.parentId ?? null,
      udfType: start.udfType,
      identifier: start.identifier,
      caller: start.caller,
      startedAt: start.startedAt,
      cause: start.cause ?? null,
      durationMs: null,
      outcome: null,
      status: null,
      errorMessage: null,
      errorStack: null,
    };
    this.#queuedExecutions.set(id, { record, insert: true });
    this.#remember(record);
    this.#executionCount++;
    if (this.#listeners.size > 0) this.#emit({ kind: "executionStarted", execution: { ...record } });
    this.#queued();
    return id;
  }

  finishExecution(end: ExecutionEndRecord): void {
    this.#assertOpen();
    const queued = this.#queuedExecutions.get(end.execId);
    const current = queued?.record ?? this.#recorded(end.execId);
    if (current === undefined) return;
    if (!OUTCOMES.has(end.outcome)) throw new Error(`Cannot finish execution ${end.execId}: unknown outcome ${end.outcome}`);
    const record: ExecutionRecord = {
      ...current,
      durationMs: end.durationMs,
      outcome: end.outcome,
      status: end.status ?? null,
      errorMessage: end.error?.message ?? null,
      errorStack: end.error?.stack ?? null,
    };
    if (queued) queued.record = record;
    else this.#queuedExecutions.set(end.execId, { record, insert: false });
    this.#running.delete(end.execId);
    if (this.#listeners.size > 0) this.#emit({ kind: "executionFinished", execution: { ...record } });
    this.#queued();
  }

  /** Stores lines of a recorded execution and returns them as stored (with their ids). */
  appendLines(executionId: string, requestId: string, lines: readonly LogLine[]): StoredLogLine[] {
    this.#assertOpen();
    const execution = this.#queuedExecutions.get(executionId)?.record ?? this.#recorded(executionId);
    if (!execution) throw new Error(`Log lines for unknown execution ${executionId}; record the execution first`);
    if (lines.length === 0) return [];
    for (const line of lines) {
      if (!LEVELS.has(line.level)) throw new Error(`Log line for execution ${executionId} has unknown level ${line.level}`);
    }
    const stored: StoredLogLine[] = [];
    for (const line of lines) {
      const id = ++this.#lastLineId;
      const message = line.messages.join(" ");
      const systemCode = line.systemMetadata?.code ?? null;
      this.#queuedLines.push([id, executionId, requestId, line.timestamp, line.level, message, line.isTruncated ? 1 : 0, systemCode]);
      stored.push({
        id,
        executionId,
        requestId,
        timestamp: line.timestamp,
        level: line.level,
        message,
        isTruncated: line.isTruncated,
        systemCode,
        udfType: execution.udfType,
        identifier: execution.identifier,
      });
    }
    this.#lineCount += stored.length;
    if (this.#listeners.size > 0) this.#emit({ kind: "lines", execution: { ...execution }, lines: stored });
    this.#queued();
    return stored;
  }

  getExecution(id: string): ExecutionRecord | undefined {
    this.#assertOpen();
    this.#writeQueue();
    return this.#stored(id);
  }

  /** Newest first. With `requestId`, every execution of that request (its nested calls too). */
  listExecutions(query: { requestId?: string; limit?: number } = {}): ExecutionRecord[] {
    this.#assertOpen();
    this.#writeQueue();
    const limit = clampLimit(query.limit ?? 100);
    const rows =
      query.requestId === undefined
        ? allRows(this.#db, "SELECT * FROM executions ORDER BY started_at DESC, rowid DESC LIMIT ?", [limit])
        : allRows(this.#db, "SELECT * FROM executions WHERE request_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?", [
            query.requestId,
            limit,
          ]);
    return rows.map(toExecution);
  }

  /** Calls, failures and p50/p95 durations per function (see execution-stats.ts). */
  executionStats(query: ExecutionStatsQuery = {}): ExecutionStats[] {
    this.#assertOpen();
    this.#writeQueue();
    return queryExecutionStats(this.#db, query);
  }

  /** A read-only, parameterized SELECT; log-queries.ts builds the logs panel's paged queries with it. */
  select(sql: string, params: Array<string | number | null> = []): Row[] {
    this.#assertOpen();
    if (!/^\s*(EXPLAIN\s+QUERY\s+PLAN\s+)?SELECT\b/i.test(sql)) throw new Error("LogStore.select runs SELECT statements only");
    this.#writeQueue();
    return selectRows(this.#db, sql, params);
  }

  /** Lines by request, execution, level, function or text (log-queries.ts builds the SQL). */
  queryLines(query: LineQuery): StoredLogLine[] {
    return selectLines(this, query);
  }

  /** Called synchronously on every change; returns the unsubscribe function. */
  subscribe(listener: (event: LogStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Writes queued records to the database at once, and pending changes to `file` soon after. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#closed) this.#writeQueue();
    // Writes are chained so two flushes never race on the same file; a failed earlier write has
    // already been reported to its caller and must not block this one.
    this.#writing = this.#writing.catch(() => {}).then(() => this.#write());
    return this.#writing;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#listeners.clear();
      if (this.#queueTimer) clearTimeout(this.#queueTimer);
      this.#queueTimer = undefined;
      this.#sql.free();
      this.#db.close();
      this.#buffer?.release(); // after the close: sql.js reads the file until then
      this.#buffer = null;
    }
  }

  async #write(): Promise<void> {
    if (this.#closed) return;
    // What was recorded since flush() was called (this write may have waited for an earlier one).
    this.#writeQueue();
    if (this.#file === undefined || !this.#dirty) return;
    this.#dirty = false;
    // The file as it is in its buffer, when the buffer still holds it (the probe writes the header's
    // application_id: the schema version is the user_version). Else, or when it is running out of
    // room, it moves to a new buffer first; only when none can be had is it exported (a copy).
    let inPlace = this.#buffer?.fileOf(this.#db, "application_id") ?? null;
    if (inPlace === null || this.#buffer!.tooSmallFor(inPlace.length)) {
      this.#moveFile(inPlace);
      inPlace = this.#buffer?.fileOf(this.#db, "application_id") ?? null;
    }
    const bytes = inPlace ?? this.#db.export();
    try {
      // Takes the bytes before it returns (atomic-write.ts): records written meanwhile wait for the next write.
      await writeFileAtomic(this.#file, bytes);
    } catch (error) {
      this.#dirty = true;
      throw new DiskWriteError(
        `Convex Lens could not save the log file: ${(error as Error).message}. Function logs are kept in memory meanwhile; saving is tried again.`,
        this.#file,
        error,
      );
    } finally {
      if (bytes !== inPlace) releaseBuffer(bytes); // a copy of the whole log database, written (or not) by now
    }
    this.#retryMs = FIRST_RETRY_MS;
    if (this.#failing) {
      this.#failing = false;
      this.#emit({ kind: "persistRecovered" });
    }
  }

  /**
   * Moves the database file into a new buffer with room to grow; `current` is the file in the old
   * buffer, or null to export it. Only between statements (every write here is synchronous). When
   * no buffer can be had or the copy fails, the file stays where it is.
   */
  #moveFile(current: Uint8Array | null): void {
    const bytes = current ?? this.#db.export();
    try {
      const next = FileBuffer.reserve(bytes.length, LOG_FILE_MIN_ROOM);
      if (next === null) return;
      let db: Database | null = null;
      try {
        next.head(bytes.length).set(bytes);
        db = next.open(this.#SQL, bytes.length);
        db.exec(`${CONNECTION_PRAGMAS} SELECT count(*) FROM sqlite_master;`);
      } catch {
        db?.close();
        next.release();
        return;
      }
      this.#sql.switchTo(db);
      this.#db = db;
      this.#buffer?.release(); // after switchTo closed the old connection
      this.#buffer = next;
    } finally {
      if (bytes !== current) releaseBuffer(bytes);
    }
  }

  #changed(delayMs = this.#flushDelayMs): void {
    this.#dirty = true;
    if (this.#file === undefined || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.flush().catch((error: unknown) => {
        this.#persistFailed(error);
        // Tried again even if nothing else is recorded, so that a disk with space again is noticed.
        if (!this.#closed) this.#changed(this.#retryMs);
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      });
    }, delayMs);
    // A pending write must not keep a CLI process alive; close() writes what is left.
    this.#timer.unref();
  }

  #persistFailed(error: unknown): void {
    this.#failing = true;
    this.#emit({ kind: "persistError", error });
  }

  /** Called after each queued record: writes the queue after QUEUE_DELAY_MS, or now if it is long. */
  #queued(): void {
    this.#changed();
    if (this.#queuedExecutions.size + this.#queuedLines.length >= MAX_QUEUED) this.#writeQueue();
    else if (this.#queueTimer === undefined) {
      this.#queueTimer = setTimeout(() => {
        this.#queueTimer = undefined;
        if (!this.#closed) this.#writeQueue();
      }, QUEUE_DELAY_MS);
      // Like the file write's timer: reads and close() write the queue anyway.
      this.#queueTimer.unref();
    }
  }

  /**
   * Writes the queue in one transaction and prunes to the retention bounds. Never throws (it also
   * runs from a timer): a record the database refuses is skipped and the rest stored; if the
   * transaction itself fails it is rolled back. Either way a `persistError` event carries a
   * LogWriteError and the store stays usable.
   */
  #writeQueue(): void {
    if (this.#queueTimer) clearTimeout(this.#queueTimer);
    this.#queueTimer = undefined;
    if (this.#queuedExecutions.size === 0 && this.#queuedLines.length === 0) return;
    const executions = this.#queuedExecutions;
    const lines = this.#queuedLines;
    this.#queuedExecutions = new Map();
    this.#queuedLines = [];
    let refused: Refused;
    try {
      this.#sql.run("BEGIN");
      refused = this.#writeRecords(executions.values(), lines);
      this.#pruneExecutions();
      this.#pruneLines();
      this.#sql.run("COMMIT");
    } catch (error) {
      this.#rollBack();
      this.#persistFailed(new LogWriteError(`${executions.size} executions and ${lines.length} lines were rolled back`, error));
      return;
    }
    if (refused.records.length > 0) {
      const more = refused.records.length > 3 ? `; and ${refused.records.length - 3} more` : "";
      this.#persistFailed(new LogWriteError(refused.records.slice(0, 3).join("; ") + more, refused.firstError));
    }
  }

  /** The queued INSERTs and UPDATEs, inside #writeQueue's transaction; returns what was refused. */
  #writeRecords(executions: Iterable<QueuedExecution>, lines: SqlValue[][]): Refused {
    const refused: Refused = { records: [], firstError: undefined };
    const refuse = (what: string, error: unknown) => {
      refused.records.push(`${what} (${error instanceof Error ? error.message : String(error)})`);
      refused.firstError ??= error;
    };
    const lost = new Set<string>();
    for (const { record, insert } of executions) {
      try {
        if (insert) this.#sql.run(INSERT_EXECUTION, executionValues(record));
        else
          this.#sql.run(FINISH_EXECUTION, [
            record.durationMs,
            record.outcome,
            record.status,
            record.errorMessage,
            record.errorStack,
            record.id,
          ]);
      } catch (error) {
        refuse(`execution ${record.id}`, error);
        if (!insert) continue;
        lost.add(record.id);
        this.#executionCount--;
        this.#running.delete(record.id);
      }
    }
    let orphans = 0;
    for (const line of lines) {
      if (lost.has(line[1] as string)) {
        orphans++;
        continue;
      }
      try {
        this.#sql.run(INSERT_LINE, line);
      } catch (error) {
        refuse(`log line ${String(line[0])}`, error);
        this.#lineCount--;
      }
    }
    if (orphans > 0) refused.records.push(`the ${orphans} log lines of refused executions`);
    this.#lineCount -= orphans;
    return refused;
  }

  #rollBack(): void {
    try {
      this.#sql.run("ROLLBACK");
    } catch {
      // SQLite has rolled back on its own already.
    }
    // The counts and the cache included what was rolled back: take them from the database.
    this.#running.clear();
    try {
      this.#lineCount = Number(this.#sql.one("SELECT count(*) FROM log_lines")?.[0] ?? 0);
      this.#executionCount = Number(this.#sql.one("SELECT count(*) FROM executions")?.[0] ?? 0);
    } catch {
      // A database that cannot count will fail the next read, which reports it.
    }
  }

  /** An execution's record as recorded, with no write queued for it. */
  #recorded(id: string): ExecutionRecord | undefined {
    return this.#running.get(id) ?? this.#stored(id);
  }

  /**
   * The row as stored, without writing the queue first: callers use it only for executions with
   * no queued write, whose row is already up to date.
   */
  #stored(id: string): ExecutionRecord | undefined {
    const row = this.#sql.oneByName(SELECT_EXECUTION, [id]);
    return row && toExecution(row);
  }

  #remember(record: ExecutionRecord): void {
    if (this.#running.size >= MAX_RUNNING) this.#running.delete(this.#running.keys().next().value!);
    this.#running.set(record.id, record);
  }

  #pruneLines(): void {
    const excess = this.#lineCount - this.#retention;
    if (excess <= 0) return;
    this.#sql.run("DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines ORDER BY id LIMIT ?)", [excess]);
    this.#lineCount -= this.#db.getRowsModified();
  }

  #pruneExecutions(): void {
    const excess = this.#executionCount - this.#executionRetention;
    if (excess <= 0) return;
    const oldest = "SELECT id FROM executions ORDER BY rowid LIMIT ?";
    this.#sql.run(`DELETE FROM log_lines WHERE execution_id IN (${oldest})`, [excess]);
    this.#lineCount -= this.#db.getRowsModified();
    const pruned = this.#sql.all(`DELETE FROM executions WHERE id IN (${oldest}) RETURNING id`, [excess]).map((row) => row[0]);
    this.#executionCount -= pruned.length;
    for (const id of pruned) this.#running.delete(String(id));
  }

  #emit(event: LogStoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing panel or printer must not lose the line for everyone else.
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("The log store is closed");
  }
}

function executionValues(record: ExecutionRecord): SqlValue[] {
  return [
    record.id,
    record.requestId,
    record.parentId,
    record.udfType,
    record.identifier,
    record.caller,
    record.startedAt,
    record.durationMs,
    record.outcome,
    record.status,
    record.errorMessage,
    record.errorStack,
    record.cause?.kind ?? null,
    record.cause?.kind === "commit" ? record.cause.requestId : null,
  ];
}

/** Adds the columns a file written before them lacks (LOG_STORE_ADDED_COLUMNS). */
function addMissingColumns(db: Database): void {
  for (const [table, column, definition] of LOG_STORE_ADDED_COLUMNS) {
    const present = allRows(db, `SELECT name FROM pragma_table_info('${table}')`).some((row) => row.name === column);
    if (!present) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
}

function clampLimit(limit: number): number {
  return Math.max(0, Math.min(MAX_PAGE, Math.floor(limit)));
}
