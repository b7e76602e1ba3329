// The SQLite tables behind the store, and a thin wrapper over sql.js that caches prepared
// statements (the hot paths run the same few statements many times).
//
// Tables:
//   meta           key/value: format marker, last commit timestamp
//   tables         table registry: name <-> number, plus a document count for `count()`
//   indexes        index registry: (table, name) -> key fields
//   documents      one row per document: id, table, creation time, wire-form JSON
//   index_entries  (index id, sort key BLOB) -> document id. The primary key makes every index
//                  query a range scan over BLOB keys (memcmp order), independent of table size.
import type { SqlValue } from "sql.js";
import { StatementCache } from "../shared/statement-cache";

export const STORE_FORMAT = "convex-lens-store/1";

/**
 * Connection settings. sql.js keeps the database in an in-memory file system, so SQLite's own
 * journal only needs to support ROLLBACK / savepoints (durability is ours: persistence.ts), and a
 * journal in memory halves the cost of a write. The page cache is 8 MiB: a page it misses is one
 * copy out of that in-memory file, and sql.js's wasm memory, which holds the cache, never shrinks.
 * With EXCLUSIVE locking the cache lives across transactions; at 32 MiB it cost 24 MiB of
 * resident memory and no measurable speed (bench/where-the-memory-goes.md).
 */
export const CONNECTION_PRAGMAS =
  "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;";

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
  number INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  doc_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS indexes (
  id INTEGER PRIMARY KEY,
  table_number INTEGER NOT NULL,
  name TEXT NOT NULL,
  key_fields TEXT NOT NULL,
  UNIQUE (table_number, name)
);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY,
  table_number INTEGER NOT NULL,
  creation_time REAL NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_table ON documents (table_number);
CREATE TABLE IF NOT EXISTS index_entries (
  index_id INTEGER NOT NULL,
  key BLOB NOT NULL,
  doc_id TEXT NOT NULL,
  PRIMARY KEY (index_id, key)
) WITHOUT ROWID;
`;

export { loadSqlJs } from "../shared/sql-js-loader";

export type Row = SqlValue[];

/** The store's connection: cached statements (shared/statement-cache.ts), plus DDL and closing. */
export class Sql extends StatementCache {
  /** Several statements, no parameters (DDL, transaction control). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.free();
    this.db.close();
  }
}
