// FileBuffer: sql.js's database file lives in a buffer the store owns, is read from it without a
// copy, and is no longer trusted once sql.js's file system has moved it elsewhere.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Database, SqlJsStatic } from "sql.js";
import { loadSqlJs } from "../../runtime/shared/sql-js-loader";
import { capacityFor, databaseSize, FileBuffer } from "../../runtime/shared/file-buffer";
import { CONNECTION_PRAGMAS } from "../../runtime/store/sql";

const MIB = 2 ** 20;

/** A database with table `t`, moved into `buffer` as the store moves a new one. */
function openIn(SQL: SqlJsStatic, buffer: FileBuffer): Database {
  const fresh = new SQL.Database();
  fresh.exec("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const bytes = fresh.export();
  fresh.close();
  buffer.head(bytes.length).set(bytes);
  const db = buffer.open(SQL, bytes.length);
  db.exec(CONNECTION_PRAGMAS);
  return db;
}

function insert(db: Database, from: number, count: number, body: string): void {
  db.exec("BEGIN");
  for (let n = from; n < from + count; n++) db.run("INSERT INTO t (n, body) VALUES (?, ?)", [n, body]);
  db.exec("COMMIT");
}

/** What a copy of `file` holds: row count and sum of n, read by a database of its own. */
function contents(SQL: SqlJsStatic, file: Uint8Array): number[] {
  const copy = new SQL.Database(Uint8Array.from(file));
  try {
    return copy.exec("SELECT count(*), sum(n) FROM t")[0]!.values[0] as number[];
  } finally {
    copy.close();
  }
}

test("the file is written in place in the buffer it was opened on, and read from it without a copy", async () => {
  const SQL = await loadSqlJs();
  const buffer = FileBuffer.reserve(0)!;
  const db = openIn(SQL, buffer);
  insert(db, 0, 20_000, "x".repeat(200)); // about 5 MiB: far past the first page, within the room
  const file = buffer.fileOf(db);
  assert.ok(file !== null);
  assert.equal(file.buffer, buffer.head(0).buffer); // a view of the buffer itself
  assert.equal(file.length, databaseSize(db));
  assert.ok(file.length > 4 * MIB);
  assert.deepEqual(contents(SQL, file), [20_000, (19_999 * 20_000) / 2]);
  insert(db, 20_000, 10, "y"); // later commits land there too
  assert.deepEqual(contents(SQL, buffer.fileOf(db)!), [20_010, (20_009 * 20_010) / 2]);
  db.close();
  buffer.release();
});

test("the probe can write application_id instead, leaving user_version (the log store's schema version) alone", async () => {
  const SQL = await loadSqlJs();
  const buffer = FileBuffer.reserve(0)!;
  const db = openIn(SQL, buffer);
  db.exec("PRAGMA user_version = 7");
  insert(db, 0, 100, "x");
  for (let round = 0; round < 3; round++) {
    const file = buffer.fileOf(db, "application_id");
    assert.ok(file !== null);
    assert.deepEqual(contents(SQL, file), [100, (99 * 100) / 2]);
  }
  assert.equal(db.exec("PRAGMA user_version")[0]!.values[0]![0], 7);
  assert.notEqual(db.exec("PRAGMA application_id")[0]!.values[0]![0], 0);
  db.close();
  buffer.release();
});

test("once the file outgrows its buffer, the buffer is no longer trusted", async () => {
  const SQL = await loadSqlJs();
  const buffer = FileBuffer.reserve(0, 2 * MIB)!;
  const db = openIn(SQL, buffer);
  insert(db, 0, 1000, "x".repeat(200));
  assert.ok(buffer.fileOf(db) !== null);
  insert(db, 1000, 10_000, "x".repeat(200)); // past 2 MiB: sql.js's file system copies the file elsewhere
  assert.equal(buffer.fileOf(db), null);
  assert.deepEqual(contents(SQL, db.export()), [11_000, (10_999 * 11_000) / 2]); // the database itself is whole
  db.close();
  buffer.release();
});

test("once a rolled-back transaction has truncated the file, the buffer is no longer trusted", async () => {
  const SQL = await loadSqlJs();
  const buffer = FileBuffer.reserve(0)!;
  const db = openIn(SQL, buffer);
  insert(db, 0, 1000, "x".repeat(200));
  assert.ok(buffer.fileOf(db) !== null);
  // More than the 8 MiB page cache: SQLite spills pages into the file, and the rollback cuts it
  // back, which makes sql.js's file system copy it into a new array.
  db.exec("BEGIN");
  for (let n = 1000; n < 60_000; n++) db.run("INSERT INTO t (n, body) VALUES (?, ?)", [n, "z".repeat(200)]);
  db.exec("ROLLBACK");
  insert(db, 1000, 1, "after");
  assert.equal(buffer.fileOf(db), null);
  assert.deepEqual(contents(SQL, db.export()), [1001, (1000 * 1001) / 2]);
  db.close();
  buffer.release();
});

test("room to grow: half the file's size again, at least 128 MiB; none when the memory cannot be had", () => {
  assert.equal(capacityFor(0), 128 * MIB);
  assert.equal(capacityFor(100 * MIB), 228 * MIB);
  assert.equal(capacityFor(400 * MIB), 600 * MIB);
  assert.equal(FileBuffer.reserve(10 * MIB, 128 * MIB, 5 * MIB), null);
  assert.equal(FileBuffer.reserve(0, 2 ** 40), null);
  const buffer = FileBuffer.reserve(100 * MIB)!;
  assert.equal(buffer.tooSmallFor(100 * MIB), false);
  assert.equal(buffer.tooSmallFor(190 * MIB), true);
  buffer.release();
  assert.throws(() => buffer.head(1), /released/);
  // A smaller least room (the log store's): less room, and a move once a quarter of it is left.
  assert.equal(capacityFor(0, 16 * MIB), 16 * MIB);
  const small = FileBuffer.reserve(8 * MIB, 16 * MIB)!;
  assert.equal(small.capacity, 24 * MIB);
  assert.equal(small.tooSmallFor(8 * MIB), false);
  assert.equal(small.tooSmallFor(20 * MIB + 1), true);
  small.release();
});
