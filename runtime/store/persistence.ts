// Durability for a file-backed store: a snapshot of the whole SQLite database plus a log of the
// commits made since.
//
// * Every commit appends one JSON line to the log with fs.writeSync before `commit()` returns, so
//   a process killed right after (kill -9) loses no acknowledged commit. (`syncCommits` adds an
//   fsync per commit, for power loss.)
// * A checkpoint writes the database file (straight from its buffer, shared/file-buffer.ts, or else an
//   export) to a temporary file, fsyncs it, renames it over the snapshot, and then empties the log. The snapshot stores the last commit timestamp, and
//   replay skips log entries at or below it, so a crash between the rename and the truncation is
//   harmless, and replaying twice is too (entries carry whole documents, not deltas).
// * A torn last line (a write cut short) is ignored and cut off. Anything else unreadable is
//   reported with the file's name and what to do; nothing the user has is deleted.
// * An append that fails (a full disk writes part of the line, then ENOSPC) is cut back off at
//   once, so the log is exactly as it was and the next commit starts on a fresh line. If even that
//   fails, every later append tries the cut first and is refused until it works.
// * A snapshot that cannot be written leaves no temporary file; one left by a killed process is
//   removed when the store next opens.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Database, SqlJsStatic } from "sql.js";
import { DiskWriteError, diskProblem } from "../shared/disk-error";
import { type FileBuffer, readIntoBuffer } from "../shared/file-buffer";

/** One commit (or schema change) in the log. */
export interface LogEntry {
  /** Commit timestamp, nanoseconds, in decimal. */
  ts: string;
  /** Tables created: [name, number]. */
  tables?: Array<[string, number]>;
  /** After a schema change: every declared index, [table number, name, key fields]. */
  indexes?: Array<[number, string, string[]]>;
  /** After a schema change: every declared search index, [table number, name, search field, filter fields]. */
  searchIndexes?: Array<[number, string, string, string[]]>;
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

function damaged(file: string, reason: string): StoreFileError {
  return new StoreFileError(
    `The local database file ${file} could not be opened: ${reason}. ` +
      `It was left untouched. Move it aside (or restore it from a backup) to start again ` +
      `with an empty database; the commit log next to it (${path.basename(logPathFor(file))}) is kept as well.`,
  );
}

/** A database opened from its snapshot, and the buffer its file lives in (shared/file-buffer.ts). */
export interface OpenedSnapshot {
  db: Database;
  /** Null for a new database (the store moves it into one), or when none could be reserved. */
  buffer: FileBuffer | null;
}

/** Opens the snapshot, or a new empty database when there is none. */
export function openSnapshot(SQL: SqlJsStatic, file: string): OpenedSnapshot {
  if (!fs.existsSync(file)) return { db: new SQL.Database(), buffer: null };
  let snapshot: { bytes: Uint8Array; buffer: FileBuffer | null };
  try {
    snapshot = readIntoBuffer(file);
  } catch (e) {
    throw damaged(file, (e as Error).message);
  }
  const { bytes, buffer } = snapshot;
  let db: Database | null = null;
  try {
    // Snapshots are written whole and renamed into place, so an empty file was damaged by something
    // else (a disk that filled up under another program, a copy cut short). sql.js would open it as
    // an empty database, and the next checkpoint would write that over it.
    if (bytes.length === 0) throw new Error("it is empty (0 bytes), and Convex Lens never writes it empty");
    // sql.js's file system keeps `bytes` as the file: without a buffer, a Buffer's slice() is a view, not a copy.
    db = buffer ? buffer.open(SQL, bytes.length) : new SQL.Database(bytes);
    // sql.js only looks at the file when it is first used.
    db.exec("SELECT count(*) FROM sqlite_master");
    return { db, buffer };
  } catch (e) {
    db?.close();
    buffer?.release();
    throw damaged(file, (e as Error).message);
  }
}

/** The temporary file a snapshot of `file` is written to by this process. */
export function snapshotTempFor(file: string): string {
  return `${file}.tmp-${process.pid}`;
}

/**
 * Removes temporary snapshot files (`<file>.tmp-<pid>`) left by a process killed while writing
 * one. Only while the store is not open anywhere: the data folder's lock makes sure of it.
 */
export function removeSnapshotLeftovers(file: string): void {
  const prefix = `${path.basename(file)}.tmp-`;
  for (const name of fs.readdirSync(path.dirname(file))) {
    if (name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length))) fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

/**
 * Writes a snapshot atomically: temporary file, fsync, rename, then fsync of the directory. On
 * failure the temporary file is removed (on a full disk it holds space the log needs) and the error
 * is thrown as is. `bytes` is the database file (a view of its buffer, or an export).
 */
export function writeSnapshot(file: string, bytes: Uint8Array): void {
  const tmp = snapshotTempFor(file);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      writeAll(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
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
  /** Bytes of whole entries in the file: where the next entry starts. */
  private size = 0;
  /** A failed append left bytes after `size` that could not be cut off yet. */
  private torn = false;

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
        const entry = parseLine(text.subarray(start, newline).toString("utf8"));
        if (entry === null) {
          throw new StoreFileError(
            `Line ${lineNumber} of the commit log ${this.file} is damaged. The log and the database ` +
              `file were left untouched. To start from the last snapshot instead, move the log aside ` +
              `(commits made since that snapshot are then lost).`,
          );
        }
        entries.push(entry);
        start = newline + 1;
      }
      goodLength = start;
    }
    this.fd = fs.openSync(this.file, "a");
    if (fs.fstatSync(this.fd).size !== goodLength) fs.ftruncateSync(this.fd, goodLength);
    this.size = goodLength;
    return entries;
  }

  /**
   * Appends one entry; returns once the bytes are written (and fsynced with `syncCommits`). If
   * they cannot be, the log is cut back to what it was and a DiskWriteError says why.
   */
  append(entry: LogEntry): void {
    if (this.fd === null) throw new Error("The commit log is not open");
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`, "utf8");
    try {
      if (this.torn) this.cutBack();
      writeAll(this.fd, bytes);
      if (this.syncCommits) fs.fsyncSync(this.fd);
    } catch (error) {
      try {
        this.cutBack();
      } catch {
        this.torn = true; // the next append tries again before it writes
      }
      throw new DiskWriteError(
        `Convex Lens could not save this commit: ${diskProblem(error, this.file)}. Nothing it wrote was kept; ` +
          `free some disk space and run it again.`,
        this.file,
        error,
      );
    }
    this.size += bytes.length;
  }

  private cutBack(): void {
    fs.ftruncateSync(this.fd!, this.size);
    this.torn = false;
  }

  /** Empties the log (after a checkpoint made its entries part of the snapshot). */
  truncate(): void {
    if (this.fd === null) return;
    fs.ftruncateSync(this.fd, 0);
    this.size = 0;
    this.torn = false;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * One line of the log, or null when it is damaged. Convex Lens 0.1.0 left the part of a failed
 * append that it had written, so the next commit continued the same line: such a line is a cut-off
 * entry (never acknowledged: its commit failed) followed by a whole one, which is kept. Entries
 * are objects that start with `{"ts":"`, and those characters cannot occur unescaped anywhere else
 * in a line, so the whole entry is the part from the last of them.
 */
function parseLine(line: string): LogEntry | null {
  const entry = parseEntry(line);
  if (entry !== null || !line.startsWith(ENTRY_START)) return entry;
  const last = line.lastIndexOf(ENTRY_START);
  return last > 0 ? parseEntry(line.slice(last)) : null;
}

const ENTRY_START = '{"ts":"';

function parseEntry(text: string): LogEntry | null {
  try {
    const entry = JSON.parse(text) as LogEntry;
    return typeof entry === "object" && entry !== null && typeof entry.ts === "string" ? entry : null;
  } catch {
    return null;
  }
}
