// Read and write transactions over the store.
//
// A read transaction holds a read lock: no commit can happen while it is open, so everything it
// reads belongs to one snapshot. A write transaction holds the write lock for its whole life and
// writes straight into SQLite inside BEGIN … COMMIT; nested mutations are SAVEPOINTs, an abort is
// a ROLLBACK, and a commit appends the transaction's final writes to the commit log before the
// SQL COMMIT.
import { type Catalog, isSystemTableName, type TableInfo } from "./catalog";
import type { DocumentWriter, StoredDocument } from "./document-writer";
import {
  checkStoredTableName,
  hasCommitTsPlaceholder,
  insertedDocument,
  patchedDocument,
  replacedDocument,
  requireFields,
  resolveCommitTs,
} from "./document-rules";
import { idInWrongTable, invalidArgument, nonexistentDocument, StoreError, systemTableGuard } from "./errors";
import { decodeId, decodeIdOrError, decodeLegacyInternalId, encodeId } from "./ids";
import type { LogEntry } from "./persistence";
import { checkTableAccess } from "./query-plan";
import type { QueryEngine } from "./query-engine";
import type { Sql } from "./sql";
import type {
  DocumentJSON,
  JSONValue,
  QueryBatch,
  QueryBatchJson,
  QueryPageArgs,
  QueryPageResult,
  ReadTransaction,
  SchemaInfo,
  SerializedQuery,
  WriteTransaction,
} from "./types";

/**
 * Checks a document (with `_id` and `_creationTime`) against its table's validator; returns the
 * backend's message, or null. `ctx.tableNameOfId` resolves `v.id("table")` checks.
 * The default is `validateDocument` from runtime/values/validate.ts.
 */
export type DocumentValidator = (
  tableName: string,
  documentType: JSONValue,
  doc: JSONValue,
  ctx: { tableNameOfId(id: string): string | null },
) => string | null;

/** What transactions need from the store. */
export interface TransactionHost {
  readonly sql: Sql;
  readonly catalog: Catalog;
  readonly writer: DocumentWriter;
  readonly engine: QueryEngine;
  readonly schema: SchemaInfo | null;
  readonly validateDocument: DocumentValidator | null;
  /** The table of a document ID, or null when it is not an ID of an existing table. */
  tableNameOfId(id: string): string | null;
  nextCreationTime(): number;
  nextCommitTs(): bigint;
  /** Appends to the commit log (file-backed stores); throws if the entry could not be written. */
  appendLog(entry: LogEntry): void;
  /** Called after a successful COMMIT, with what it wrote (the commit-log entry) and for which request. */
  committed(ts: bigint, entry: LogEntry, requestId: string | null): void;
}

function parseDocument(json: string): DocumentJSON {
  return JSON.parse(json) as DocumentJSON;
}

export class ReadTx implements ReadTransaction {
  protected ended = false;

  constructor(
    protected readonly host: TransactionHost,
    readonly snapshotTs: bigint,
    private readonly releaseLock: () => void,
  ) {}

  protected checkOpen(): void {
    if (this.ended) throw new Error("This transaction has already ended");
  }

  protected finish(): void {
    this.ended = true;
    this.releaseLock();
  }

  get(id: string, options: { table?: string; isSystem?: boolean } = {}): DocumentJSON | null {
    this.checkOpen();
    const decoded = decodeIdOrError(id);
    if ("error" in decoded) throw invalidArgument("db.get", "id", decoded.error);
    const table = this.host.catalog.tableByNumber(decoded.tableNumber);
    // An ID of a table that does not exist names no document (the backend returns null too).
    if (!table) return null;
    checkTableAccess(table.name, options.isSystem ?? false);
    if (options.table !== undefined && options.table !== table.name) {
      throw idInWrongTable("db.get", id, options.table, table.name);
    }
    const stored = this.host.writer.read(id);
    return stored ? parseDocument(stored.json) : null;
  }

  queryBatch(query: SerializedQuery, position: string | null, maxDocs: number, options: { isSystem?: boolean } = {}): QueryBatch {
    this.checkOpen();
    return this.host.engine.queryBatch(query, position, maxDocs, options.isSystem ?? false);
  }

  queryBatchJson(query: SerializedQuery, position: string | null, maxDocs: number, options: { isSystem?: boolean } = {}): QueryBatchJson {
    this.checkOpen();
    return this.host.engine.queryBatchJson(query, position, maxDocs, options.isSystem ?? false);
  }

  queryPage(args: QueryPageArgs, options: { isSystem?: boolean } = {}): QueryPageResult {
    this.checkOpen();
    return this.host.engine.queryPage(args, options.isSystem ?? false);
  }

  count(table: string): number {
    this.checkOpen();
    return this.host.engine.count(table);
  }

  /**
   * `db.normalizeId`: the ID when it is a valid ID of that table, else null. Like the backend,
   * it also accepts a legacy 22-character internal ID for an existing table. `table` may also be
   * a table number in decimal.
   */
  normalizeId(table: string, idString: string): string | null {
    this.checkOpen();
    const info = /^[0-9]+$/.test(table) ? this.host.catalog.tableByNumber(Number(table)) : this.host.catalog.table(table);
    if (!info) return null;
    const decoded = decodeId(idString);
    if (decoded) return decoded.tableNumber === info.number ? encodeId(info.number, decoded.internalId) : null;
    const legacy = decodeLegacyInternalId(idString);
    return legacy ? encodeId(info.number, legacy) : null;
  }

  end(): void {
    if (!this.ended) this.finish();
  }
}

type WriteOptions = { table?: string; isSystem?: boolean };

export class WriteTx extends ReadTx implements WriteTransaction {
  /** Documents written in this transaction (a superset after rollbacks): the commit logs their final state. */
  private readonly touched = new Set<string>();
  private readonly createdTables = new Set<string>();
  private readonly savepoints: number[] = [];
  private nextSavepoint = 1;

  constructor(host: TransactionHost, snapshotTs: bigint, releaseLock: () => void) {
    super(host, snapshotTs, releaseLock);
    host.sql.exec("BEGIN");
  }

  insert(table: string, value: { [key: string]: JSONValue }, options: { isSystem?: boolean } = {}): string {
    this.checkOpen();
    checkStoredTableName("db.insert", table);
    // Only the host inserts into system tables (`_storage`, `_scheduled_functions`).
    if (isSystemTableName(table) && !options.isSystem) throw systemTableGuard(false);
    requireFields("db.insert", value);
    let info = this.host.catalog.table(table);
    if (!info) {
      info = this.host.catalog.createTable(table);
      this.createdTables.add(table);
    }
    // 128 random bits: a collision would fail the documents primary key rather than overwrite.
    const id = encodeId(info.number);
    const doc = insertedDocument(value, id, this.host.nextCreationTime());
    this.validate(info, doc);
    this.write(info, doc, null);
    return id;
  }

  /**
   * Snapshot import (runtime/snapshot): `table` with number `tableNumber` (created when missing), and
   * `doc` in it with its own `_id` and `_creationTime`, as the backend's import keeps them so that
   * references stay valid. Host-only: no system-table guard, and no schema (a fresh database).
   */
  importDocument(table: string, tableNumber: number, doc: DocumentJSON | null): void {
    this.checkOpen();
    checkStoredTableName("import", table);
    let info = this.host.catalog.table(table);
    if (!info) {
      const taken = this.host.catalog.tableByNumber(tableNumber);
      if (taken) throw new Error(`Table number ${tableNumber} of ${table} is already the number of ${taken.name}`);
      info = this.host.catalog.createTable(table, tableNumber);
      this.createdTables.add(table);
    } else if (info.number !== tableNumber) {
      throw new Error(`Table ${table} has number ${info.number}, not ${tableNumber}`);
    }
    if (doc === null) return;
    const { _id: id, _creationTime: creationTime, ...fields } = doc;
    const decoded = typeof id === "string" ? decodeId(id) : null;
    if (!decoded || encodeId(decoded.tableNumber, decoded.internalId) !== id || decoded.tableNumber !== info.number) {
      throw new Error(`${JSON.stringify(id)} is not an ID of table ${table} (number ${info.number})`);
    }
    if (typeof creationTime !== "number" || !Number.isFinite(creationTime) || creationTime <= 0) {
      throw new Error(`_creationTime ${JSON.stringify(creationTime)} of ${id} is not a positive number of milliseconds`);
    }
    if (this.host.writer.read(id)) throw new Error(`Two documents have the _id ${id}`);
    requireFields("import", fields);
    this.write(info, insertedDocument(fields, id, creationTime), null);
  }

  patch(id: string, value: { [key: string]: JSONValue }, options: WriteOptions = {}): DocumentJSON {
    this.checkOpen();
    const table = this.resolveForWrite("db.patch", id, options);
    requireFields("db.patch", value, true);
    const [info, old, stored] = this.existing(table, "Update", id, options);
    const doc = patchedDocument(old, value);
    this.validate(info, doc);
    this.write(info, doc, { stored, doc: old });
    return doc;
  }

  replace(id: string, value: { [key: string]: JSONValue }, options: WriteOptions = {}): DocumentJSON {
    this.checkOpen();
    const table = this.resolveForWrite("db.replace", id, options);
    requireFields("db.replace", value);
    const [info, old, stored] = this.existing(table, "Replace", id, options);
    const doc = replacedDocument(old, value);
    this.validate(info, doc);
    this.write(info, doc, { stored, doc: old });
    return doc;
  }

  remove(id: string, options: WriteOptions = {}): DocumentJSON {
    this.checkOpen();
    const table = this.resolveForWrite("db.delete", id, options);
    this.existing(table, "Delete", id, options);
    const removed = this.host.writer.remove(id)!;
    this.touched.add(id);
    return parseDocument(removed.json);
  }

  savepoint(): number {
    this.checkOpen();
    const n = this.nextSavepoint++;
    this.host.sql.exec(`SAVEPOINT sp${n}`);
    this.savepoints.push(n);
    return n;
  }

  /** Undoes the writes made since `savepoint(n)`, and ends that savepoint (and any inside it). */
  rollbackTo(savepoint: number): void {
    this.checkOpen();
    const at = this.savepoints.indexOf(savepoint);
    if (at < 0) throw new Error(`Savepoint ${savepoint} is not active`);
    this.host.sql.exec(`ROLLBACK TO sp${savepoint}; RELEASE sp${savepoint}`);
    this.savepoints.length = at;
    // Tables and indexes created after the savepoint are gone from SQLite.
    this.host.catalog.reload();
  }

  /** Keeps the writes made since `savepoint(n)` as part of the enclosing transaction. */
  release(savepoint: number): void {
    this.checkOpen();
    const at = this.savepoints.indexOf(savepoint);
    if (at < 0) return; // already released, or rolled back
    this.host.sql.exec(`RELEASE sp${savepoint}`);
    this.savepoints.length = at;
  }

  commit(options: { requestId?: string | null } = {}): { ts: bigint } {
    this.checkOpen();
    const host = this.host;
    if (this.touched.size === 0 && this.createdTables.size === 0) {
      // A mutation that wrote nothing commits nothing, and gets no new timestamp.
      host.sql.exec("COMMIT");
      this.finish();
      return { ts: this.snapshotTs };
    }
    let ts: bigint;
    let entry: LogEntry;
    try {
      ts = host.nextCommitTs();
      entry = { ts: ts.toString() };
      const tables = [...this.createdTables]
        .map((name) => host.catalog.table(name))
        .filter((info): info is TableInfo => info !== undefined)
        .map((info): [string, number] => [info.name, info.number]);
      if (tables.length > 0) entry.tables = tables;
      const puts: NonNullable<LogEntry["puts"]> = [];
      const dels: string[] = [];
      for (const id of this.touched) {
        let stored = host.writer.read(id);
        if (stored && hasCommitTsPlaceholder(stored.json)) {
          // `db.vars.commitTs` becomes the commit timestamp now that it is known.
          stored = { ...stored, json: JSON.stringify(resolveCommitTs(JSON.parse(stored.json) as JSONValue, ts)) };
          host.writer.put(stored);
        }
        if (stored) puts.push([stored.id, stored.tableNumber, stored.creationTime, stored.json]);
        else dels.push(id);
      }
      if (puts.length > 0) entry.puts = puts;
      if (dels.length > 0) entry.dels = dels;
      host.sql.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_commit_ts', ?)", [ts.toString()]);
      host.appendLog(entry);
      host.sql.exec("COMMIT");
    } catch (e) {
      this.rollbackAll();
      throw e;
    }
    host.committed(ts, entry, options.requestId ?? null);
    this.finish();
    return { ts };
  }

  abort(): void {
    if (this.ended) return;
    this.rollbackAll();
  }

  override end(): void {
    this.abort();
  }

  private rollbackAll(): void {
    try {
      this.host.sql.exec("ROLLBACK");
    } finally {
      this.host.catalog.reload();
      this.finish();
    }
  }

  /** Decodes the ID and finds its table (argument errors come first, as in the backend). */
  private resolveForWrite(syscall: string, id: string, options: WriteOptions): TableInfo | null {
    const decoded = decodeIdOrError(id);
    if ("error" in decoded) throw invalidArgument(syscall, "id", decoded.error);
    const info = this.host.catalog.tableByNumber(decoded.tableNumber) ?? null;
    if (info && options.table !== undefined && options.table !== info.name) {
      throw idInWrongTable(syscall, id, options.table, info.name);
    }
    return info;
  }

  /** system_table_guard, then the document itself ("… on nonexistent document ID …"). */
  private existing(
    info: TableInfo | null,
    op: "Update" | "Replace" | "Delete",
    id: string,
    options: WriteOptions,
  ): [TableInfo, DocumentJSON, StoredDocument] {
    // Only the host writes to system tables (the scheduler, file storage).
    if (info && isSystemTableName(info.name) && !options.isSystem) throw systemTableGuard(false);
    const stored = info ? this.host.writer.read(id) : undefined;
    if (!info || !stored) throw nonexistentDocument(op, id);
    return [info, parseDocument(stored.json), stored];
  }

  private validate(info: TableInfo, doc: DocumentJSON): void {
    const schema = this.host.schema;
    if (!schema?.schemaValidation || !this.host.validateDocument) return;
    const declared = schema.tables.find((t) => t.tableName === info.name);
    if (!declared || declared.documentType === null) return;
    const message = this.host.validateDocument(info.name, declared.documentType, doc, this.host);
    if (message !== null) throw new StoreError("SchemaValidationError", message);
  }

  private write(info: TableInfo, doc: DocumentJSON, previous: { stored: StoredDocument; doc: DocumentJSON } | null): void {
    const stored = { id: doc._id, tableNumber: info.number, creationTime: doc._creationTime, json: JSON.stringify(doc) };
    this.host.writer.put(stored, doc, previous);
    this.touched.add(doc._id);
  }
}
