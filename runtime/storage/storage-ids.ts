// Storage IDs. A file's ID is the `_id` of its `_storage` document (a real Convex ID of that
// system table), so `v.id("_storage")`, `db.system.get(id)` and `getUrl(id)` all agree. Every
// file name on disk is derived from an ID that went through here, never from raw user text.
import { decodeId, encodeId, FIRST_USER_TABLE_NUMBER } from "../store/ids";
import { invalidArguments, invalidStorageId, storageIdOfOtherTable } from "./messages";

export const STORAGE_TABLE = "_storage";

/**
 * Every component install has a `_storage` of its own, each a system table with its own number
 * (the app's is fixed, see runtime/store/ids.ts): what an ID's number names is the store's to say,
 * so here an ID of any system table passes, and the storage service checks its table.
 */
function isSystemTableNumber(tableNumber: number): boolean {
  return tableNumber < FIRST_USER_TABLE_NUMBER;
}

/**
 * The forms the `uuid` crate parses (hyphenated, simple, braced, URN): the backend still accepts
 * these pre-1.6 storage IDs. This runtime never issued any, so they name no file here.
 */
const UUID = /^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

export type StorageIdArg = { kind: "id"; id: string } | { kind: "legacy"; text: string };

/**
 * The ID in its canonical spelling when `text` is an ID of a system table (a `_storage`), else null. Canonical:
 * base32 ignores the unused low bits of the last character, so two spellings can decode alike;
 * documents and files are keyed by the one `encodeId` produces.
 */
export function canonicalStorageId(text: string): string | null {
  const decoded = decodeId(text);
  if (!decoded || !isSystemTableNumber(decoded.tableNumber)) return null;
  return encodeId(decoded.tableNumber, decoded.internalId);
}

/**
 * Parses the `storageId` argument of a storage syscall the way `FileStorageId::from_str` and
 * `query_for_storage_id` do (crates/model/src/file_storage/mod.rs): an ID of `_storage`, or a
 * legacy UUID; an ID of another table and anything else are errors.
 */
export function parseStorageIdArg(syscall: string, args: unknown): StorageIdArg {
  const value = (args as { storageId?: unknown } | null)?.storageId;
  if (value === undefined) throw invalidArguments(syscall, "missing field `storageId`");
  if (typeof value !== "string") throw invalidArguments(syscall, `invalid type: ${JSON.stringify(value)}, expected a string`);
  const decoded = decodeId(value);
  if (decoded) {
    if (!isSystemTableNumber(decoded.tableNumber)) throw storageIdOfOtherTable();
    return { kind: "id", id: encodeId(decoded.tableNumber, decoded.internalId) };
  }
  if (UUID.test(value)) return { kind: "legacy", text: value };
  throw invalidStorageId(syscall, value);
}
