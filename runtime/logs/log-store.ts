// The host's record of function executions and their log lines: a sql.js database of its own,
// kept in memory and written to `file` about a second after changes (and on close), so the CLI,
// the output channel and the logs panel can page, filter and tail what functions printed.
//
// All SQL is parameterized; filter text is matched literally (LIKE wildcards are escaped).
import { randomUUID } from "node:crypto";
import type { Database } from "sql.js";
import { writeFileAtomic } from "./atomic-write.js";
import type { LogLine } from "./log-line.js";
import { queryExecutionStats, type ExecutionStats, type ExecutionStatsQuery } from "./execution-stats.js";
import { checkExistingFile, readIfExists } from "./log-store-file.js";
import { toExecution, toStoredLine } from "./log-store-rows.js";
import { LOG_STORE_ADDED_INDEXES, LOG_STORE_SCHEMA } from "./log-store-schema.js";
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

export type * from "./log-store-types.js";
export type { ExecutionStats, ExecutionStatsQuery } from "./execution-stats.js";
export { LogStoreFileError } from "./log-store-file.js";

const DEFAULT_RETENTION = 100_000;
const MAX_PAGE = 10_000;

// The database lives in sql.js's in-memory file system and is persisted by export, so SQLite's own
// journal only has to support ROLLBACK. Without these, every statement checks for a hot journal
// file and every commit writes and deletes one in that file system: about half of the cost of
// recording an execution (bench/RESULTS.md, figure 7). Both settings survive export() (sql.js
// exports through the backup API on the same connection).
const CONNECTION_PRAGMAS = "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY;";

export class LogStore {
  #db: Database;
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

  private constructor(db: Database, options: LogStoreOptions) {
    this.#db = db;
    db.exec(CONNECTION_PRAGMAS);
    db.exec(LOG_STORE_ADDED_INDEXES);
    this.#file = options.file;
    this.#retention = Math.max(0, options.retention ?? DEFAULT_RETENTION);
    this.#executionRetention = Math.max(0, options.executionRetention ?? this.#retention);
    this.#flushDelayMs = options.flushDelayMs ?? 1000;
    this.#lineCount = Number(firstRow(db, "SELECT count(*) AS n FROM log_lines")?.n ?? 0);
    this.#executionCount = Number(firstRow(db, "SELECT count(*) AS n FROM executions")?.n ?? 0);
  }

  static async open(options: LogStoreOptions = {}): Promise<LogStore> {
    const SQL = await loadSqlJs();
    const bytes = options.file === undefined ? undefined : await readIfExists(options.file);
    let db: Database;
    if (bytes === undefined) {
      db = new SQL.Database();
      db.exec(LOG_STORE_SCHEMA);
    } else {
      db = new SQL.Database(bytes);
      try {
        checkExistingFile(db, options.file!);
      } catch (error) {
        db.close();
        throw error;
      }
    }
    return new LogStore(db, options);
  }

  /** Records a started execution and returns its id. */
  recordExecution(start: ExecutionStartRecord): string {
    this.#assertOpen();
    const id = start.execId || randomUUID();
    this.#db.run(
      `INSERT INTO executions (id, request_id, parent_id, udf_type, identifier, caller, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [id, start.requestId, start.parentId, start.udfType, start.identifier, start.caller, start.startedAt],
    );
    this.#executionCount++;
    this.#pruneExecutions();
    this.#changed();
    // The row as just inserted, without reading it back (this runs for every execution).
    if (this.#listeners.size > 0) {
      const execution: ExecutionRecord = {
        id,
        requestId: start.requestId,
        parentId: start.parentId,
        udfType: start.udfType,
        identifier: start.identifier,
        caller: start.caller,
        startedAt: start.startedAt,
        durationMs: null,
        outcome: null,
        status: null,
        errorMessage: null,
        errorStack: null,
      };
      this.#emit({ kind: "executionStarted", execution });
    }
    return id;
  }

  finishExecution(end: ExecutionEndRecord): void {
    this.#assertOpen();
    this.#db.run(
      `UPDATE executions SET duration_ms = ?, outcome = ?, http_status = ?, error_message = ?, error_stack = ?
       WHERE id = ?`,
      [end.durationMs, end.outcome, end.status, end.error?.message ?? null, end.error?.stack ?? null, end.execId],
    );
    this.#changed();
    if (this.#listeners.size === 0) return;
    const execution = this.getExecution(end.execId);
    if (execution) this.#emit({ kind: "executionFinished", execution });
  }

  /** Stores lines of a recorded execution and returns them as stored (with their ids). */
  appendLines(executionId: string, requestId: string, lines: readonly LogLine[]): StoredLogLine[] {
    this.#assertOpen();
    const execution = this.getExecution(executionId);
    if (!execution) throw new Error(`Log lines for unknown execution ${executionId}; record the execution first`);
    if (lines.length === 0) return [];
    const stored: StoredLogLine[] = [];
    const insert = this.#db.prepare(
      `INSERT INTO log_lines (execution_id, request_id, timestamp, level, message, is_truncated, system_code)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.#db.run("BEGIN");
    try {
      for (const line of lines) {
        const message = line.messages.join(" ");
        const systemCode = line.systemMetadata?.code ?? null;
        insert.bind([executionId, requestId, line.timestamp, line.level, message, line.isTruncated ? 1 : 0, systemCode]);
        insert.step();
        const id = Number(insert.get()[0]);
        insert.reset();
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
      this.#db.run("COMMIT");
    } catch (error) {
      this.#db.run("ROLLBACK");
      throw error;
    } finally {
      insert.free();
    }
    this.#lineCount += stored.length;
    this.#pruneLines();
    this.#changed();
    this.#emit({ kind: "lines", execution, lines: stored });
    return stored;
  }

  getExecution(id: string): ExecutionRecord | undefined {
    const row = firstRow(this.#db, "SELECT * FROM executions WHERE id = ?", [id]);
    return row && toExecution(row);
  }

  /** Newest first. With `requestId`, every execution of that request (its nested calls too). */
  listExecutions(query: { requestId?: string; limit?: number } = {}): ExecutionRecord[] {
    this.#assertOpen();
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
    return queryExecutionStats(this.#db, query);
  }

  /** A read-only, parameterized SELECT; log-queries.ts builds the logs panel's paged queries with it. */
  select(sql: string, params: Array<string | number | null> = []): Row[] {
    this.#assertOpen();
    if (!/^\s*(EXPLAIN\s+QUERY\s+PLAN\s+)?SELECT\b/i.test(sql)) throw new Error("LogStore.select runs SELECT statements only");
    return selectRows(this.#db, sql, params);
  }

  queryLines(query: LineQuery): StoredLogLine[] {
    this.#assertOpen();
    const where: string[] = [];
    const params: Array<string | number> = [];
    const forward = query.before === undefined && query.after !== undefined;
    if (query.before !== undefined) {
      where.push("l.id < ?");
      params.push(query.before);
    } else if (query.after !== undefined) {
      where.push("l.id > ?");
      params.push(query.after);
    }
    if (query.level !== undefined) {
      if (query.level.length === 0) return [];
      where.push(`l.level IN (${query.level.map(() => "?").join(", ")})`);
      params.push(...query.level);
    }
    if (query.udfType !== undefined) {
      where.push("e.udf_type = ?");
      params.push(query.udfType);
    }
    if (query.identifier !== undefined) {
      where.push("e.identifier = ?");
      params.push(query.identifier);
    }
    if (query.requestId !== undefined) {
      where.push("l.request_id = ?");
      params.push(query.requestId);
    }
    if (query.executionId !== undefined) {
      where.push("l.execution_id = ?");
      params.push(query.executionId);
    }
    if (query.text !== undefined && query.text !== "") {
      where.push("l.message LIKE ? ESCAPE '\\'");
      params.push(`%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    params.push(clampLimit(query.limit));
    const rows = allRows(
      this.#db,
      `SELECT l.id, l.execution_id, l.request_id, l.timestamp, l.level, l.message, l.is_truncated, l.system_code,
              e.udf_type, e.identifier
       FROM log_lines l JOIN executions e ON e.id = l.execution_id
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY l.id ${forward ? "ASC" : "DESC"} LIMIT ?`,
      params,
    );
    return rows.map(toStoredLine);
  }

  /** Called synchronously on every change; returns the unsubscribe function. */
  subscribe(listener: (event: LogStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Writes pending changes to `file` now. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
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
      this.#db.close();
    }
  }

  async #write(): Promise<void> {
    if (this.#file === undefined || !this.#dirty || this.#closed) return;
    this.#dirty = false;
    const bytes = this.#db.export();
    try {
      await writeFileAtomic(this.#file, bytes);
    } catch (error) {
      this.#dirty = true;
      throw error;
    }
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#file === undefined || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.flush().catch((error: unknown) => this.#emit({ kind: "persistError", error }));
    }, this.#flushDelayMs);
    // A pending write must not keep a CLI process alive; close() writes what is left.
    this.#timer.unref();
  }

  #pruneLines(): void {
    const excess = this.#lineCount - this.#retention;
    if (excess <= 0) return;
    this.#db.run("DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines ORDER BY id LIMIT ?)", [excess]);
    this.#lineCount -= this.#db.getRowsModified();
  }

  #pruneExecutions(): void {
    const excess = this.#executionCount - this.#executionRetention;
    if (excess <= 0) return;
    const oldest = "SELECT id FROM executions ORDER BY rowid LIMIT ?";
    this.#db.run(`DELETE FROM log_lines WHERE execution_id IN (${oldest})`, [excess]);
    this.#lineCount -= this.#db.getRowsModified();
    this.#db.run(`DELETE FROM executions WHERE id IN (${oldest})`, [excess]);
    this.#executionCount -= this.#db.getRowsModified();
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

function clampLimit(limit: number): number {
  return Math.max(0, Math.min(MAX_PAGE, Math.floor(limit)));
}
