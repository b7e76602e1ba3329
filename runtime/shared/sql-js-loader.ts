// sql.js compiles its wasm once per process; the document store and the log store share it.
import initSqlJs, { type SqlJsStatic } from "sql.js";

let loading: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  // A failed load (say, the wasm file missing from a package) is not cached, so a later open retries.
  loading ??= initSqlJs().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
