// Durability for a file-backed store: a snapshot of the whole SQLite database plus a log of the
// commits made since.
//
// * Every commit appends one JSON line to the log with fs.writeSync before `commit()` returns, so
//   a process killed right after (kill -9) loses no acknowledged commit. (`syncCommits` adds an
//   fsync per commit, for power loss.)
// * A checkpoint exports the database, writes it to a temporary file, fsyncs it, renames it over
//   the snapshot, and then empties the log. The snapshot stores the last commit timestamp, and
//   replay skips log entries at or below it, so a crash between the rename and the truncation is
//   harmless, and replaying twice is too (entries carry whole documents, not deltas).
// * A torn last line (a write cut short) is ignored and cut off. Anything else unreadable is
//   reported with the file's name and what to do; nothing the user has is deleted.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Database, SqlJsStatic } from "sql.js";

/** One commit (or schema change) in the log. */
export interface LogEntry {
  /** Commit timestamp, nanoseconds, in decimal. */
  ts: string;
  /** Tables created: [name, number]. */
  tables?: Array<[string, number]>;
  /** After a schema change: every declared index, [table number, name, key fields]. */
  indexes?: Array<[number, string, string[]]>;
  /** Documents written, whole: [id, table number, creation time, JSON]. */
  puts?: Array<[string, number, number, string]>;
  /** Documents deleted. */
  dels?: string[];
}

export class StoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreFileError";
  }
}

export function logPathFor(file: string): string {
  return `${file}.log.jsonl`;
}

/** Opens the snapshot, or a new empty database when there is none. */
export function openSnapshot(SQL: SqlJsStatic, file: string): Database {
  if (!fs.existsSync(file)) return new SQL.Database();
  const bytes = fs.readFileSync(file);
  let db: Database | null = null;
  try {
    db = new SQL.Database(bytes);
    // sql.js only looks at the file when it is first used.
    db.exec("SELECT count(*) FROM sqlite_master");
    return db;
  } catch (e) {
    db?.close();
    throw new StoreFileError(
      `The local database file ${file} could not be opened: ${(e as Error).message}. ` +
        `It was left untouched. Move it aside (or restore it from a backup) to start again ` +
        `with an empty database; the commit log next to it (${path.basename(logPathFor(file))}) is kept as well.`,
    );
  }
}

/** Writes a snapshot atomically: temporary file, fsync, rename, then fsync of the directory. */
export function writeSnapshot(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w");
  try {
    writeAll(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dir = fs.openSync(path.dirname(file), "r");
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Directories cannot be fsynced on every platform (Windows); the rename is still atomic.
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

export class CommitLog {
  private fd: number | null = null;

  constructor(
    readonly file: string,
    private readonly syncCommits: boolean,
  ) {}

  /**
   * Reads the complete entries and opens the log for appending. A torn last line is dropped from
   * the file, so the next append starts on a fresh line.
   */
  open(): LogEntry[] {
    const entries: LogEntry[] = [];
    let goodLength = 0;
    if (fs.existsSync(this.file)) {
      const text = fs.readFileSync(this.file);
      let start = 0;
      let lineNumber = 0;
      for (;;) {
        const newline = text.indexOf(0x0a, start);
        if (newline < 0) break; // no newline: a torn write, never acknowledged
        lineNumber++;
        const line = text.subarray(start, newline).toString("utf8");
        try {
          entries.push(JSON.parse(line) as LogEntry);
        } catch {
          throw new StoreFileError(
            `Line ${lineNumber} of the commit log ${this.file} is damaged. The log and the database ` +
              `file were left untouched. To start from the last snapshot instead, move the log aside ` +
              `(commits made since that snapshot are then lost).`,
          );
        }
        start = newline + 1;
      }
      goodLength = start;
    }
    this.fd = fs.openSync(this.file, "a");
    if (fs.fstatSync(this.fd).size !== goodLength) fs.ftruncateSync(this.fd, goodLength);
    return entries;
  }

  /** Appends one entry; returns once the bytes are written (and fsynced with `syncCommits`). */
  append(entry: LogEntry): void {
    if (this.fd === null) throw new Error("The commit log is not open");
    writeAll(this.fd, Buffer.from(`${JSON.stringify(entry)}\n`, "utf8"));
    if (this.syncCommits) fs.fsyncSync(this.fd);
  }

  /** Empties the log (after a checkpoint made its entries part of the snapshot). */
  truncate(): void {
    if (this.fd === null) return;
    fs.ftruncateSync(this.fd, 0);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
