// Error texts of file storage, in the backend's words where the backend has words for the
// situation (each builder names its source in get-convex/convex-backend), so a function that
// fails locally fails with the message it would get in production. Texts we had to invent say so.

/** `with_argument_error` (crates/isolate/src/environment/helpers/mod.rs), with an argument name. */
export function invalidArgument(syscall: string, arg: string, reason: string): Error {
  return new Error(`Invalid argument \`${arg}\` for \`${syscall}\`: ${reason}`);
}

/** `with_argument_error` when the arguments themselves do not parse (serde's "missing field"). */
export function invalidArguments(syscall: string, reason: string): Error {
  return new Error(`Invalid arguments for \`${syscall}\`: ${reason}`);
}

/**
 * `FileStorageId::from_str` (crates/model/src/file_storage/mod.rs), wrapped by
 * `with_argument_error`. The backend's literal has a stray line break and indentation in the
 * middle of the sentence (a string continuation without `\`); we print it as one line.
 */
export function invalidStorageId(syscall: string, storageId: string): Error {
  return invalidArgument(
    syscall,
    "storageId",
    `Invalid storage ID: "${storageId}". Storage ID should be an Id of '_storage' table, or a UUID string.`,
  );
}

/** `query_for_storage_id` (crates/model/src/file_storage/mod.rs): an ID of another table. */
export function storageIdOfOtherTable(): Error {
  return new Error("Invalid storage ID. Storage ID cannot be an ID on any table other than '_storage'.");
}

/** `TransactionalFileStorage::delete` (crates/file_storage/src/core.rs). */
export function storageIdNotFound(storageId: string): Error {
  return new Error(`storage id ${storageId} not found`);
}

/** `upload_file` (crates/file_storage/src/core.rs): both digests in base64. */
export function sha256Mismatch(expected: string, actual: string): string {
  return `Sha256 mismatch. Expected: ${expected} Actual: ${actual}`;
}

/**
 * Ours: the backend has no such check in queries because the query `ctx.storage` (StorageReader)
 * has no writing methods at all; only a hand-made syscall reaches here.
 */
export function notInQueries(method: string): Error {
  return new Error(`ctx.storage.${method}() cannot be called from a query: queries are read-only. Call it from a mutation or an action.`);
}

/** Ours: the `_storage` document exists but its bytes are gone from the data folder. */
export function bytesMissing(storageId: string, filesDir: string): Error {
  return new Error(`The bytes of file ${storageId} are missing from ${filesDir} (was the file deleted by hand?)`);
}

/** Ours: an `options.sha256` that is not a base64 SHA-256 digest. */
export function badSha256Option(value: string): Error {
  return invalidArgument("storage.store", "sha256", `"${value}" is not a base64-encoded SHA-256 digest`);
}
