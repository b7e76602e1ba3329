// Opening an existing log file: read it if present and make sure it is a log store we can use.
// A file holding anything else is reported by name and never modified (the user decides what to do
// with it); only an empty database is adopted.
import type { Database } from "sql.js";
import { type FileBuffer, readIntoBuffer } from "../shared/file-buffer.js";

/**
 * The least room to grow the log database's buffer keeps (shared/file-buffer.ts): retention keeps
 * the database to a few tens of MiB, and V8 counts the whole buffer as external memory.
 */
export const LOG_FILE_MIN_ROOM = 16 * 1024 * 1024;
import { LOG_STORE_SCHEMA, LOG_STORE_SCHEMA_VERSION } from "./log-store-schema.js";
import { allRows, firstRow, type Row } from "./sql-js.js";

/** The file exists but is not a log store we can read. It is left untouched. */
export class LogStoreFileError extends Error {
  override name = "LogStoreFileError";
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`Cannot open the Convex Lens log file ${file}: ${reason}. Move or delete it to start a new log.`);
  }
}

/** The file's bytes in a buffer with room to grow (shared/file-buffer.ts), or undefined when there is no file. */
export function readIfExists(file: string): { bytes: Uint8Array; buffer: FileBuffer | null } | undefined {
  try {
    return readIntoBuffer(file, LOG_FILE_MIN_ROOM);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

// sql.js accepts any bytes and only fails on the first query, so probe before trusting the file.
export function checkExistingFile(db: Database, file: string): void {
  let tables: Row[];
  let version: number;
  try {
    const integrity = String(firstRow(db, "PRAGMA quick_check")?.quick_check ?? "");
    if (integrity !== "ok") throw new Error(`integrity check failed (${integrity})`);
    tables = allRows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    version = Number(firstRow(db, "PRAGMA user_version")?.user_version ?? 0);
  } catch (error) {
    throw new LogStoreFileError(file, `it is not a readable SQLite database (${(error as Error).message})`);
  }
  if (tables.length === 0) {
    // An empty database (a zero-byte file, say) holds nothing to lose.
    db.exec(LOG_STORE_SCHEMA);
    return;
  }
  if (version !== LOG_STORE_SCHEMA_VERSION) {
    throw new LogStoreFileError(
      file,
      version > LOG_STORE_SCHEMA_VERSION
        ? `it was written by a newer version of Convex Lens (log schema ${version})`
        : "it is a SQLite database, but not a Convex Lens log",
    );
  }
}
