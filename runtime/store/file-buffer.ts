// The memory the database file lives in, owned by the store so that a checkpoint can write the
// file without copying it.
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
// after a probe write has landed in it: the header's `user_version` (page 1, offset 60) is set to a
// value the buffer does not hold, which SQLite writes through to the file at once. If it is not in the buffer, the
// buffer is no longer the file, and the caller exports instead (and moves the file to a new buffer).
import type { Database, SqlJsStatic } from "sql.js";
import { releaseBuffer } from "../shared/release-buffer";

const MIB = 1024 * 1024;
/** Room for growth at least this large, so a young database does not move at every checkpoint. */
const MIN_ROOM = 128 * MIB;
/** Where SQLite keeps `PRAGMA user_version`: a big-endian 32-bit integer in the header. */
const USER_VERSION_OFFSET = 60;
/** V8 on 64-bit allows larger ArrayBuffers, but MEMFS file positions past this are untested. */
const MAX_CAPACITY = 2 ** 32 - MIB;

/** Room for a file of `size` bytes: half its size again, at least MIN_ROOM, in whole MiB. */
export function capacityFor(size: number): number {
  return Math.ceil((size + Math.max(size / 2, MIN_ROOM)) / MIB) * MIB;
}

/** The size of a database's file: its pages (outside a write transaction, the whole file). */
export function databaseSize(db: Database): number {
  const [pages, pageSize] = db.exec("PRAGMA page_count; PRAGMA page_size").map((result) => result.values[0]![0] as number);
  return pages! * pageSize!;
}

export class FileBuffer {
  #buffer: ArrayBuffer | null;

  private constructor(buffer: ArrayBuffer) {
    this.#buffer = buffer;
  }

  /** A buffer for a file of `size` bytes, with room to grow; null when the memory cannot be had. */
  static reserve(size: number, capacity = capacityFor(size)): FileBuffer | null {
    if (capacity < size || capacity > MAX_CAPACITY) return null;
    try {
      return new FileBuffer(new ArrayBuffer(capacity));
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
   * write of its own.
   */
  fileOf(db: Database): Uint8Array | null {
    const buffer = this.#buffer;
    if (buffer === null) return null;
    const size = databaseSize(db);
    if (size > buffer.byteLength || size < USER_VERSION_OFFSET + 4) return null;
    // A value the buffer does not hold yet, so only the probe's own write can put it there.
    const header = new DataView(buffer);
    const probe = (Math.abs(header.getInt32(USER_VERSION_OFFSET)) % 0x7fff_fffe) + 1;
    db.exec(`PRAGMA user_version = ${probe}`);
    if (header.getInt32(USER_VERSION_OFFSET) !== probe) return null;
    return new Uint8Array(buffer, 0, size);
  }

  /** True when a file of `size` bytes has less room left here than a quarter of its size (or 32 MiB). */
  tooSmallFor(size: number): boolean {
    return this.capacity - size < Math.max(size / 4, MIN_ROOM / 4);
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
