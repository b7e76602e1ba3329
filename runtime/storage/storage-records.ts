// `_storage` documents: `{sha256 (base64), size, contentType?}`, the fields the backend shows for
// this system table (convex/src/server/schema.ts, `_storage`), read and written inside whatever
// transaction the caller holds. Only the host writes them (the store's `isSystem` option).
// `table` is the stored name of the `_storage` of the install concerned ("twilio/_storage").
import type { StorePort } from "../host/store-port";
import { baseTableName, storedTableName } from "../store/namespaces";
import type { ReadTransaction, WriteTransaction } from "../store/types";
import type { TempFile } from "./file-store";
import { STORAGE_TABLE } from "./storage-ids";

export interface StorageEntry {
  id: string;
  /** base64, as in the document. */
  sha256: string;
  size: number;
  contentType: string | null;
}

export function readEntry(tx: ReadTransaction, id: string, table: string): StorageEntry | null {
  const doc = tx.get(id, { table, isSystem: true });
  if (!doc) return null;
  return {
    id,
    sha256: String(doc.sha256),
    size: Number(doc.size),
    contentType: typeof doc.contentType === "string" ? doc.contentType : null,
  };
}

/** Inserts the document of a file whose bytes are in `temp`; returns its ID (the storage ID). */
export function insertEntry(tx: WriteTransaction, table: string, temp: TempFile, contentType: string | null): string {
  const value: { sha256: string; size: number; contentType?: string } = { sha256: temp.sha256.toString("base64"), size: temp.size };
  if (contentType) value.contentType = contentType;
  return tx.insert(table, value, { isSystem: true });
}

export function removeEntry(tx: WriteTransaction, id: string, table: string): void {
  tx.remove(id, { table, isSystem: true });
}

/** The stored `_storage` table an ID belongs to, or null when it is no file's ID. */
export function storageTableOfId(store: Pick<StorePort, "tableNameOfId">, id: string): string | null {
  const table = store.tableNameOfId(id);
  return table !== null && baseTableName(table) === STORAGE_TABLE ? table : null;
}

/**
 * In the backend `_storage` always exists, so `v.id("_storage")` accepts a well-formed ID before
 * any file was stored (and after the only store rolled back). Our store creates tables on first
 * insert and offers no other way to create one: an insert and a delete in one transaction leave
 * the empty table behind. The ID minted for this is never handed out.
 */
export async function ensureStorageTable(store: StorePort & { listTables(): Array<{ name: string }> }, component = ""): Promise<void> {
  const table = storedTableName(component, STORAGE_TABLE);
  if (store.listTables().some(({ name }) => name === table)) return;
  const tx = await store.beginWrite();
  try {
    const id = tx.insert(table, { sha256: "", size: 0 }, { isSystem: true });
    tx.remove(id, { table, isSystem: true });
    tx.commit();
  } catch (error) {
    tx.abort();
    throw error;
  }
}
