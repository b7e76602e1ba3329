// The memory a database file lives in, owned by its store (the document store, the log store) so
// that a checkpoint can write the file without copying it.
//
// sql.js keeps a database as a file in Emscripten's in-memory file system (MEMFS), and its only way
// out is `export()`, a copy of the whole file: at 100,000 documents a checkpoint held 70 MiB twice
// (bench/where-the-memory-goes.md). So the store gives sql.js the file's memory itself: a buffer
// with room to grow, whose unwritten part costs address space only (zero pages are not resident
// until written). MEMFS adopts the bytes a new file is created from by calling their `slice()`
// (sql.js 1.16 creates the file with `FS.createDataFile`); here that returns a view of the whole
// buffer, so the file is then written in place while it fits, without MEMFS's growth copies
// (12.5% at a time).
//
// MEMFS replaces the buffer with a copy of its own when the file outgrows it or is truncated (a
// rolled-back transaction that had spilled pages into the file). So the buffer is trusted only
// after a probe write has landed in it: a field of the header that the database does not use
// otherwise (`user_version` at offset 60 for the document store, `application_id` at offset 68 for
// the log store, whose schema version is its `user_version`) is set to a value the buffer does not
// hold, which SQLite writes through to the file at once. If it is not in the buffer, the buffer is
// no longer the file, and the caller exports instead (and moves the file to a new buffer).
import * as fs from "node:fs";
import type { Database, SqlJsStatic } from "sql.js";
import { releaseBuffer } from "./release-buffer";

const MIB = 1024 * 1024;
/** Room for growth at least this large, so a young database does not move at every checkpoint. */
const MIN_ROOM = 128 * MIB;
/** Header fields a probe may write (big-endian 32-bit integers), and where SQLite keeps them. */
const PROBE_OFFSETS = { user_version: 60, application_id: 68 } as const;
export type ProbeField = keyof typeof PROBE_OFFSETS;
/** V8 on 64-bit allows larger ArrayBuffers, but MEMFS file positions past this are untested. */
const MAX_CAPACITY = 2 ** 32 - MIB;

/** Room for a file of `size` bytes: half its size again, at least `minRoom`, in whole MiB. */
export function capacityFor(size: number, minRoom = MIN_ROOM): number {
  return Math.ceil((size + Math.max(size / 2, minRoom)) / MIB) * MIB;
}

/** The size of a database's file: its pages (outside a write transaction, the whole file). */
export function databaseSize(db: Database): number {
  const [pages, pageSize] = db.exec("PRAGMA page_count; PRAGMA page_size").map((result) => result.values[0]![0] as number);
  return pages! * pageSize!;
}

export class FileBuffer {
  #buffer: ArrayBuffer | null;
  readonly #minRoom: number;

  private constructor(buffer: ArrayBuffer, minRoom: number) {
    this.#buffer = buffer;
    this.#minRoom = minRoom;
  }

  /**
   * A buffer for a file of `size` bytes, with room to grow (at least `minRoom`); null when the
   * memory cannot be had. V8 counts the whole buffer as external memory, written or not, and sizes
   * its heap with that in view, so a small database (the log store's) asks for less room.
   */
  static reserve(size: number, minRoom = MIN_ROOM, capacity = capacityFor(size, minRoom)): FileBuffer | null {
    if (capacity < size || capacity > MAX_CAPACITY) return null;
    try {
      return new FileBuffer(new ArrayBuffer(capacity), minRoom);
    } catch {
      return null; // RangeError: the allocation failed (address space, a memory limit)
    }
  }

  get capacity(): number {
    return this.#buffer?.byteLength ?? 0;
  }

  /** The first `size` bytes, for the file's contents before `open`. */
  head(size: number): Uint8Array {
    return new Uint8Array(this.#live(), 0, size);
  }

  /** Opens a database whose file is the first `size` bytes of this buffer (filled through `head`). */
  open(SQL: SqlJsStatic, size: number): Database {
    const buffer = this.#live();
    const contents = new Uint8Array(buffer, 0, size);
    // MEMFS keeps `contents.slice(0, size)` as the file (see the top of this file): the whole buffer.
    Object.defineProperty(contents, "slice", { value: () => new Uint8Array(buffer) });
    return new SQL.Database(contents);
  }

  /**
   * The file of `db` (opened by `open`) as a view of this buffer, not a copy; null when MEMFS no
   * longer keeps the file here. The caller must hold a lock that excludes writers: the probe is a
   * write of its own, to `field`, which the database must not use for anything else.
   */
  fileOf(db: Database, field: ProbeField = "user_version"): Uint8Array | null {
    const buffer = this.#buffer;
    if (buffer === null) return null;
    const offset = PROBE_OFFSETS[field];
    const size = databaseSize(db);
    if (size > buffer.byteLength || size < offset + 4) return null;
    // A value the buffer does not hold yet, so only the probe's own write can put it there.
    const header = new DataView(buffer);
    const probe = (Math.abs(header.getInt32(offset)) % 0x7fff_fffe) + 1;
    db.exec(`PRAGMA ${field} = ${probe}`);
    if (header.getInt32(offset) !== probe) return null;
    return new Uint8Array(buffer, 0, size);
  }

  /** True when a file of `size` bytes has less room left here than a quarter of its size (or of the least room). */
  tooSmallFor(size: number): boolean {
    return this.capacity - size < Math.max(size / 4, this.#minRoom / 4);
  }

  /** Frees the buffer at once. Only after the database opened on it is closed: MEMFS may still read it until then. */
  release(): void {
    if (this.#buffer !== null) releaseBuffer(new Uint8Array(this.#buffer));
    this.#buffer = null;
  }

  #live(): ArrayBuffer {
    if (this.#buffer === null) throw new Error("The database file's buffer was released");
    return this.#buffer;
  }
}

/**
 * A database file's bytes, read into a FileBuffer with room to grow when one can be had (`buffer`
 * null: read into memory of its own). Throws what reading throws (ENOENT for a missing file).
 */
export function readIntoBuffer(file: string, minRoom = MIN_ROOM): { bytes: Uint8Array; buffer: FileBuffer | null } {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = FileBuffer.reserve(size, minRoom);
    if (buffer === null) return { bytes: fs.readFileSync(fd), buffer: null };
    try {
      const head = buffer.head(size);
      return { bytes: head.subarray(0, readInto(fd, head)), buffer };
    } catch (error) {
      buffer.release();
      throw error;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a file from its start into `into` (as much as fits); returns the number of bytes read. */
export function readInto(fd: number, into: Uint8Array): number {
  let length = 0;
  while (length < into.length) {
    const read = fs.readSync(fd, into, length, into.length - length, length);
    if (read === 0) break; // the file is shorter
    length += read;
  }
  return length;
}
