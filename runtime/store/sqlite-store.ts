// The document store: a sql.js (SQLite in wasm) database holding a Convex deployment's tables,
// with optional persistence to a file (snapshot + commit log, see persistence.ts).
//
//   const store = await Store.open({ file: ".convex-lens/db.sqlite" });
//   await store.setSchema(schemaInfo);
//   const tx = await store.beginWrite();  // serialized with every other transaction
//   tx.insert("messages", { body: "hi" }); tx.commit();
//   await store.close();
import * as fs from "node:fs";
import * as path from "node:path";
import { validateDocument } from "../values/validate";
import { BY_CREATION_TIME, BY_ID, Catalog, keyFieldsFor } from "./catalog";
import { checkStoredTableName } from "./document-rules";
import { DocumentWriter } from "./document-writer";
import { tableNumberOfId } from "./ids";
import { DiskWriteError, diskProblem } from "../shared/disk-error";
import type { Database, SqlJsStatic } from "sql.js";
import { releaseBuffer } from "../shared/release-buffer";
import { databaseSize, FileBuffer, readInto } from "../shared/file-buffer";
import {
  CommitLog,
  type LogEntry,
  logPathFor,
  openSnapshot,
  removeSnapshotLeftovers,
  snapshotTempFor,
  StoreFileError,
  writeSnapshot,
} from "./persistence";
import { QueryEngine } from "./query-engine";
import { ReadersWriterLock } from "./rw-lock";
import { declaredSearchIndexes, SearchIndexes } from "./search-indexes";
import { SEARCH_SCHEMA_SQL } from "./search-sql";
import { CONNECTION_PRAGMAS, loadSqlJs, SCHEMA_SQL, Sql, STORE_FORMAT } from "./sql";
import { type DocumentValidator, ReadTx, type TransactionHost, WriteTx } from "./transactions";
import type { DocumentJSON, ReadTransaction, SchemaInfo, WriteTransaction } from "./types";
import type { VectorMatch } from "./vector-index";
import { type VectorDocumentSource, VectorIndexes } from "./vector-indexes";

export type { DocumentValidator } from "./transactions";

export interface StoreOptions {
  /** Database file; undefined keeps everything in memory. Its directory is created if needed. */
  file?: string;
  /**
   * Checks documents against the schema when it has `schemaValidation`. Default: the backend's
   * rules (`validateDocument` from runtime/values/validate.ts); null turns validation off.
   */
  validateDocument?: DocumentValidator | null;
  /** Delay between the last commit and the checkpoint that rewrites the file. Default 1000 ms. */
  checkpointDelayMs?: number;
  /** fsync the commit log at every commit (survives power loss, not only a killed process). */
  syncCommits?: boolean;
  /**
   * Told when a write to disk fails (`error`: a commit-log append, which also fails its commit, or
   * a checkpoint, which is retried), and when that part writes again (`null`, once). Default:
   * failed checkpoints go to console.error.
   */
  onDiskStatus?: (part: DiskPart, error: Error | null) => void;
}

/** The files a store writes: each can fail and recover on its own. */
export type DiskPart = "commit log" | "database file";

/** A failed checkpoint is tried again after this, doubling up to MAX_RETRY_MS while it fails. */
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

/**
 * What a commit wrote: its log entry (documents put and deleted), or null for a schema change; and
 * the request whose function made it, when one did (null for the panels' edits and system writes).
 */
export type CommitListener = (ts: bigint, entry: LogEntry | null, requestId: string | null) => void;

class StoreClosedError extends Error {
  constructor() {
    super("The store is closed");
  }
}

function sameFields(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && a.every((field, i) => field === b[i]);
}

/** The store's state and internals; transactions see it through `TransactionHost`. */
class Core implements TransactionHost {
  readonly catalog: Catalog;
  readonly searchIndexes: SearchIndexes;
  readonly writer: DocumentWriter;
  readonly engine: QueryEngine;
  readonly vectors = new VectorIndexes();
  schema: SchemaInfo | null = null;
  readonly validateDocument: DocumentValidator | null;
  readonly lock = new ReadersWriterLock();
  lastCommitTs: bigint;
  lastCreationTime = 0;
  closed = false;
  /** Commits not yet in the snapshot file. */
  dirty = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Parts whose last write failed; the next one that works is reported. */
  private readonly failing = new Set<DiskPart>();
  private retryMs = FIRST_RETRY_MS;
  /** Told of every commit, in order, while the write lock is still held (see Store.onCommit). */
  readonly commitListeners = new Set<CommitListener>();

  constructor(
    private readonly SQL: SqlJsStatic,
    readonly sql: Sql,
    /** The memory the database file lives in (file-backed stores); null while it has none. */
    private buffer: FileBuffer | null,
    readonly file: string | undefined,
    readonly log: CommitLog | null,
    private readonly options: StoreOptions,
  ) {
    this.catalog = new Catalog(sql);
    this.searchIndexes = new SearchIndexes(sql);
    this.catalog.onReload(() => this.searchIndexes.reload());
    this.writer = new DocumentWriter(sql, this.catalog, [this.searchIndexes]);
    this.engine = new QueryEngine(this);
    this.validateDocument = options.validateDocument === undefined ? validateDocument : options.validateDocument;
    this.lastCommitTs = BigInt((sql.one("SELECT value FROM meta WHERE key = 'last_commit_ts'")?.[0] as string | undefined) ?? "0");
  }

  /** The documents vector indexes are built from. */
  readonly vectorSource: VectorDocumentSource = {
    tableNumber: (table) => this.catalog.table(table)?.number,
    tableName: (tableNumber) => this.catalog.tableByNumber(tableNumber)?.name,
    documentCount: (tableNumber) => (this.sql.one("SELECT doc_count FROM tables WHERE number = ?", [tableNumber])?.[0] as number) ?? 0,
    eachDocument: (tableNumber, visit) =>
      this.sql.each("SELECT json FROM documents WHERE table_number = ?", [tableNumber], (row) => {
        visit(row[0] as string);
        return true;
      }),
  };

  tableNameOfId(id: string): string | null {
    const tableNumber = tableNumberOfId(id);
    return tableNumber === null ? null : (this.catalog.tableByNumber(tableNumber)?.name ?? null);
  }

  nextCreationTime(): number {
    // Strictly increasing milliseconds, as convex-test does: now, or just after the last one.
    const now = Date.now();
    this.lastCreationTime = now <= this.lastCreationTime ? this.lastCreationTime + 0.001 : now;
    return this.lastCreationTime;
  }

  nextCommitTs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    return now > this.lastCommitTs ? now : this.lastCommitTs + 1n;
  }

  appendLog(entry: LogEntry): void {
    if (!this.log) return;
    try {
      this.log.append(entry);
    } catch (error) {
      this.diskFailed("commit log", error as Error);
      throw error;
    }
    this.diskWorked("commit log");
  }

  private diskFailed(part: DiskPart, error: Error): void {
    this.failing.add(part);
    if (this.options.onDiskStatus) this.options.onDiskStatus(part, error);
    // A failed append fails its commit, whose caller hears of it; a checkpoint has no caller.
    else if (part === "database file") console.error(error);
  }

  private diskWorked(part: DiskPart): void {
    if (this.failing.delete(part)) this.options.onDiskStatus?.(part, null);
  }

  committed(ts: bigint, entry?: LogEntry, requestId: string | null = null): void {
    this.lastCommitTs = ts;
    if (entry) this.vectors.applyCommit(entry, this.vectorSource);
    for (const listener of this.commitListeners) listener(ts, entry ?? null, requestId);
    if (!this.file) return;
    this.dirty = true;
    // While checkpoints fail, commits do not bring the next attempt forward.
    this.scheduleCheckpoint(this.failing.has("database file") ? this.retryMs : undefined);
  }

  /** Makes the declared (non-system) indexes exactly `declared`; true if anything changed. */
  applyIndexes(declared: NonNullable<LogEntry["indexes"]>): boolean {
    const wanted = new Map(declared.map(([table, name, fields]) => [`${table}\u0000${name}`, fields]));
    let changed = false;
    for (const table of this.catalog.tables()) {
      for (const def of [...this.catalog.indexes(table.number)]) {
        if (def.name === BY_ID || def.name === BY_CREATION_TIME) continue;
        const fields = wanted.get(`${table.number}\u0000${def.name}`);
        if (!fields || !sameFields(fields, def.keyFields)) {
          this.catalog.dropIndex(def);
          changed = true;
        }
      }
    }
    for (const [tableNumber, name, fields] of declared) {
      if (this.catalog.index(tableNumber, name)) continue;
      this.writer.buildIndex(this.catalog.createIndex(tableNumber, name, fields));
      changed = true;
    }
    return changed;
  }

  /** Re-applies commit-log entries newer than the snapshot. */
  replay(entries: LogEntry[]): void {
    for (const [i, entry] of entries.entries()) {
      const ts = BigInt(entry.ts);
      if (ts <= this.lastCommitTs) continue;
      this.sql.exec("BEGIN");
      try {
        for (const [name, number] of entry.tables ?? []) {
          const existing = this.catalog.table(name);
          if (!existing) this.catalog.createTable(name, number);
          else if (existing.number !== number) throw new Error(`table ${name} has number ${existing.number}, not ${number}`);
        }
        if (entry.indexes) this.applyIndexes(entry.indexes);
        if (entry.searchIndexes) this.searchIndexes.apply(entry.searchIndexes);
        for (const [id, tableNumber, creationTime, json] of entry.puts ?? []) {
          if (!this.catalog.tableByNumber(tableNumber)) throw new Error(`unknown table number ${tableNumber}`);
          this.writer.put({ id, tableNumber, creationTime, json });
        }
        for (const id of entry.dels ?? []) this.writer.remove(id);
        this.sql.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_commit_ts', ?)", [entry.ts]);
        this.sql.exec("COMMIT");
      } catch (e) {
        this.sql.exec("ROLLBACK");
        this.catalog.reload();
        throw new StoreFileError(
          `Entry ${i + 1} of the commit log ${this.log!.file} could not be applied (${(e as Error).message}). ` +
            `The files were left untouched.`,
        );
      }
      this.lastCommitTs = ts;
      this.dirty = true;
    }
  }

  async checkpoint(): Promise<void> {
    if (!this.file || this.closed) return;
    await this.lock.acquireRead();
    try {
      if (!this.closed) this.checkpointLocked();
    } finally {
      this.lock.releaseRead();
    }
  }

  private scheduleCheckpoint(delayMs = this.options.checkpointDelayMs ?? 1000): void {
    this.clearCheckpointTimer();
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      // A failure was reported by checkpointLocked, which also scheduled the retry.
      this.checkpoint().catch(() => undefined);
    }, delayMs);
    this.checkpointTimer.unref();
  }

  clearCheckpointTimer(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
  }

  /**
   * Caller holds a lock that excludes writers (sql.js cannot export during a write transaction, and
   * the buffer's probe is a write). The snapshot is written straight from the file's buffer when it
   * still holds the file, else from an export (a copy, freed as soon as it is written); then the
   * file moves to a roomier buffer if it needs one, unless the store is closing.
   */
  checkpointLocked(closing = false): void {
    if (!this.file || !this.dirty) return;
    let inPlace: Uint8Array | null = null;
    try {
      inPlace = this.buffer?.fileOf(this.sql.db) ?? null;
      const bytes = inPlace ?? this.sql.db.export();
      try {
        writeSnapshot(this.file, bytes);
      } finally {
        if (bytes !== inPlace) releaseBuffer(bytes);
      }
    } catch (error) {
      const failure = new DiskWriteError(
        `Convex Lens could not save the database file: ${diskProblem(error, snapshotTempFor(this.file))}. ` +
          `Every commit is kept in the commit log ${this.log?.file}, so nothing is lost; saving is tried again.`,
        this.file,
        error,
      );
      this.diskFailed("database file", failure);
      if (!this.closed) this.scheduleCheckpoint(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      throw failure;
    }
    this.retryMs = FIRST_RETRY_MS;
    this.diskWorked("database file");
    this.dirty = false;
    try {
      this.log?.truncate();
    } catch {
      // The entries are in the snapshot now, and replay skips them; the next checkpoint empties it.
    }
    if (closing) return;
    const file = this.file;
    if (inPlace === null) this.moveFile(databaseSize(this.sql.db), (head) => readFileInto(file, head));
    else if (this.buffer!.tooSmallFor(inPlace.length)) this.moveFile(inPlace.length, (head) => copyInto(head, inPlace));
  }

  /**
   * Moves the database file into a new buffer with room to grow (shared/file-buffer.ts): `fill` writes its
   * `size` bytes into the new buffer. The caller holds a lock that excludes writers, and no
   * statement is mid-step between calls, so the connection can be swapped. When the memory cannot
   * be had, or the copy fails, the file stays where it is (and checkpoints export it).
   */
  moveFile(size: number, fill: (head: Uint8Array) => boolean): void {
    const next = FileBuffer.reserve(size);
    if (next === null) return;
    let db: Database | null = null;
    try {
      const head = next.head(size);
      if (!fill(head)) throw new Error("the copy is incomplete");
      db = next.open(this.SQL, size);
      db.exec(`${CONNECTION_PRAGMAS} SELECT count(*) FROM sqlite_master;`);
    } catch {
      db?.close();
      next.release();
      return;
    }
    this.sql.switchTo(db);
    this.buffer?.release();
    this.buffer = next;
  }

  /** Frees everything; the caller holds the write lock (or is simulating a crash). */
  shutDown(): void {
    this.clearCheckpointTimer();
    this.closed = true;
    this.log?.close();
    this.sql.close();
    this.buffer?.release(); // after the close: sql.js reads the file until then
    this.buffer = null;
  }
}

function copyInto(into: Uint8Array, bytes: Uint8Array): boolean {
  into.set(bytes);
  return true;
}

/** Reads the snapshot just written back into `into`; false when it is not exactly that long. */
function readFileInto(file: string, into: Uint8Array): boolean {
  const fd = fs.openSync(file, "r");
  try {
    return fs.fstatSync(fd).size === into.length && readInto(fd, into) === into.length;
  } finally {
    fs.closeSync(fd);
  }
}

export class Store {
  private constructor(private readonly core: Core) {}

  static async open(options: StoreOptions = {}): Promise<Store> {
    const SQL = await loadSqlJs();
    const file = options.file === undefined ? undefined : path.resolve(options.file);
    if (file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      removeSnapshotLeftovers(file);
    }
    const { db, buffer } = file ? openSnapshot(SQL, file) : { db: new SQL.Database(), buffer: null };
    const sql = new Sql(db);
    let core: Core | null = null;
    try {
      sql.exec(CONNECTION_PRAGMAS);
      prepareSchema(sql, file);
      const log = file ? new CommitLog(logPathFor(file), options.syncCommits ?? false) : null;
      core = new Core(SQL, sql, buffer, file, log, options);
      if (file && !fs.existsSync(file)) {
        // A new database (a few pages so far) starts in a buffer of its own, as a snapshot would.
        const bytes = db.export();
        core.moveFile(bytes.length, (head) => copyInto(head, bytes));
      }
      if (log) core.replay(log.open());
      if (file && !fs.existsSync(file)) core.dirty = true;
      const maxTime = sql.one("SELECT MAX(creation_time) FROM documents")?.[0];
      core.lastCreationTime = typeof maxTime === "number" ? maxTime : 0;
      return new Store(core);
    } catch (e) {
      if (core) core.shutDown();
      else {
        sql.close();
        buffer?.release();
      }
      throw e;
    }
  }

  /**
   * Calls `listener` after every commit with what it wrote (null for a schema change), before the
   * write lock is released: nothing can read the next state before the listener knew of it. The
   * listener must not throw or start a transaction there. Returns the unsubscribe.
   */
  onCommit(listener: CommitListener): () => void {
    this.core.commitListeners.add(listener);
    return () => this.core.commitListeners.delete(listener);
  }

  /** The database file (absolute), or undefined for an in-memory store. */
  get file(): string | undefined {
    return this.core.file;
  }

  /**
   * Applies the index definitions of a schema (from `defineSchema(...).export()`): registers its
   * tables, builds new or changed indexes and drops removed ones. Also sets what inserts and
   * updates are validated against. `null` (no schema) drops every declared index.
   */
  async setSchema(schema: SchemaInfo | null): Promise<void> {
    const core = this.core;
    await core.lock.acquireWrite();
    try {
      if (core.closed) throw new StoreClosedError();
      for (const table of schema?.tables ?? []) checkStoredTableName("defineSchema", table.tableName);
      core.sql.exec("BEGIN");
      try {
        const created: Array<[string, number]> = [];
        for (const table of schema?.tables ?? []) {
          if (!core.catalog.table(table.tableName)) {
            const info = core.catalog.createTable(table.tableName);
            created.push([info.name, info.number]);
          }
        }
        const declared: NonNullable<LogEntry["indexes"]> = [];
        for (const table of schema?.tables ?? []) {
          const info = core.catalog.table(table.tableName)!;
          for (const index of table.indexes) {
            // The backend refuses to push these names; a schema cannot redefine them.
            if (index.indexDescriptor === BY_ID || index.indexDescriptor === BY_CREATION_TIME) continue;
            declared.push([info.number, index.indexDescriptor, keyFieldsFor(index.indexDescriptor, index.fields)]);
          }
        }
        const changed = core.applyIndexes(declared);
        const searchIndexes = declaredSearchIndexes(schema, core.catalog);
        const searchChanged = core.searchIndexes.apply(searchIndexes);
        if (created.length > 0 || changed || searchChanged) {
          const ts = core.nextCommitTs();
          core.sql.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_commit_ts', ?)", [ts.toString()]);
          const entry: LogEntry = { ts: ts.toString(), indexes: declared, searchIndexes };
          if (created.length > 0) entry.tables = created;
          core.appendLog(entry);
          core.sql.exec("COMMIT");
          core.committed(ts);
        } else {
          core.sql.exec("COMMIT");
        }
        core.schema = schema;
        core.vectors.define(schema);
      } catch (e) {
        core.sql.exec("ROLLBACK");
        core.catalog.reload();
        throw e;
      }
    } finally {
      core.lock.releaseWrite();
    }
  }

  /** Starts a read transaction; it sees one consistent snapshot until `end()`. */
  async beginRead(): Promise<ReadTransaction> {
    const core = this.core;
    await core.lock.acquireRead();
    if (core.closed) {
      core.lock.releaseRead();
      throw new StoreClosedError();
    }
    return new ReadTx(core, core.lastCommitTs, () => core.lock.releaseRead());
  }

  /** Starts a write transaction; it waits until every other transaction has ended. */
  async beginWrite(): Promise<WriteTransaction> {
    const core = this.core;
    await core.lock.acquireWrite();
    if (core.closed) {
      core.lock.releaseWrite();
      throw new StoreClosedError();
    }
    try {
      return new WriteTx(core, core.lastCommitTs, () => core.lock.releaseWrite());
    } catch (e) {
      core.lock.releaseWrite();
      throw e;
    }
  }

  /**
   * Snapshot import (runtime/snapshot): creates `table` with `tableNumber` if it is missing and
   * inserts `docs` with their own `_id` (IDs of that number) and `_creationTime`, in one commit.
   * Throws, writing nothing, on a number another table has, a foreign or repeated ID, a bad value.
   */
  async importDocuments(table: string, tableNumber: number, docs: ReadonlyArray<DocumentJSON>): Promise<void> {
    const tx = (await this.beginWrite()) as WriteTx;
    try {
      tx.importDocument(table, tableNumber, null);
      for (const doc of docs) tx.importDocument(table, tableNumber, doc);
      tx.commit();
    } catch (error) {
      tx.abort();
      throw error;
    }
    // Documents inserted later are created after every imported one.
    for (const doc of docs) this.core.lastCreationTime = Math.max(this.core.lastCreationTime, doc._creationTime);
  }

  /**
   * `ctx.vectorSearch`: the syscall's query (index named "table.index", as stored) against the
   * committed documents. Throws the backend's errors for a bad query.
   */
  async vectorSearch(query: unknown): Promise<VectorMatch[]> {
    const core = this.core;
    await core.lock.acquireRead();
    try {
      if (core.closed) throw new StoreClosedError();
      return core.vectors.search(query, core.vectorSource);
    } finally {
      core.lock.releaseRead();
    }
  }

  /** The schema last applied by `setSchema` (tables as stored), or null. */
  appliedSchema(): SchemaInfo | null {
    return this.core.schema;
  }

  /** The table a document ID belongs to, or null if it is not an ID of any existing table. */
  tableNameOfId(id: string): string | null {
    return this.core.tableNameOfId(id);
  }

  /** Every table that exists (system tables included), in creation order, with its name and number. */
  listTables(): Array<{ name: string; number: number }> {
    return this.core.catalog.tables().map(({ name, number }) => ({ name, number }));
  }

  /** Writes the database file now, if it has commits not yet in it (file-backed stores only). */
  checkpoint(): Promise<void> {
    return this.core.checkpoint();
  }

  /** Waits for open transactions to end, writes the file, and frees the database. */
  async close(): Promise<void> {
    const core = this.core;
    if (core.closed) return;
    core.clearCheckpointTimer();
    await core.lock.acquireWrite();
    try {
      if (!core.closed && core.file) core.checkpointLocked(true);
    } finally {
      if (!core.closed) core.shutDown();
      core.lock.releaseWrite();
    }
  }

  /**
   * For crash tests: drops the store the way a killed process would, without writing the
   * database file (the commit log already holds every acknowledged commit).
   */
  abandonForTesting(): void {
    if (!this.core.closed) this.core.shutDown();
  }
}

/** Creates our tables in a new database, or checks that an existing one is ours. */
function prepareSchema(sql: Sql, file: string | undefined): void {
  const hasMeta = sql.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'") !== undefined;
  if (!hasMeta) {
    const others = sql.one("SELECT count(*) FROM sqlite_master")?.[0] as number;
    if (others > 0) {
      throw new StoreFileError(
        `${file} is an SQLite database, but not one written by Convex Lens. It was left untouched; ` +
          `point Convex Lens at another file, or move this one aside.`,
      );
    }
    sql.exec(SCHEMA_SQL + SEARCH_SCHEMA_SQL);
    sql.run("INSERT INTO meta (key, value) VALUES ('format', ?)", [STORE_FORMAT]);
    return;
  }
  const format = sql.one("SELECT value FROM meta WHERE key = 'format'")?.[0];
  if (format !== STORE_FORMAT) {
    throw new StoreFileError(
      `${file} was written in format ${JSON.stringify(format)}, which this version of Convex Lens ` +
        `does not read (it reads ${STORE_FORMAT}). It was left untouched.`,
    );
  }
  // A database written before search indexes gets their (empty) tables here.
  sql.exec(SCHEMA_SQL + SEARCH_SCHEMA_SQL);
}
