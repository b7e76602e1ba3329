// `_storage` documents: `{sha256 (base64), size, contentType?}`, the fields the backend shows for
// this system table (convex/src/server/schema.ts, `_storage`), read and written inside whatever
// transaction the caller holds. Only the host writes them (the store's `isSystem` option).
import type { StorePort } from "../host/store-port";
import { encodeId, SYSTEM_TABLE_NUMBERS } from "../store/ids";
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

export function readEntry(tx: ReadTransaction, id: string): StorageEntry | null {
  const doc = tx.get(id, { table: STORAGE_TABLE, isSystem: true });
  if (!doc) return null;
  return {
    id,
    sha256: String(doc.sha256),
    size: Number(doc.size),
    contentType: typeof doc.contentType === "string" ? doc.contentType : null,
  };
}

/** Inserts the document of a file whose bytes are in `temp`; returns its ID (the storage ID). */
export function insertEntry(tx: WriteTransaction, temp: TempFile, contentType: string | null): string {
  const value: { sha256: string; size: number; contentType?: string } = { sha256: temp.sha256.toString("base64"), size: temp.size };
  if (contentType) value.contentType = contentType;
  return tx.insert(STORAGE_TABLE, value, { isSystem: true });
}

export function removeEntry(tx: WriteTransaction, id: string): void {
  tx.remove(id, { table: STORAGE_TABLE, isSystem: true });
}

/**
 * In the backend `_storage` always exists, so `v.id("_storage")` accepts a well-formed ID before
 * any file was stored (and after the only store rolled back). Our store creates tables on first
 * insert and offers no other way to create one: an insert and a delete in one transaction leave
 * the empty table behind. The ID minted for this is never handed out.
 */
export async function ensureStorageTable(store: StorePort): Promise<void> {
  if (store.tableNameOfId(encodeId(SYSTEM_TABLE_NUMBERS[STORAGE_TABLE]!)) === STORAGE_TABLE) return;
  const tx = await store.beginWrite();
  try {
    const id = tx.insert(STORAGE_TABLE, { sha256: "", size: 0 }, { isSystem: true });
    tx.remove(id, { table: STORAGE_TABLE, isSystem: true });
    tx.commit();
  } catch (error) {
    tx.abort();
    throw error;
  }
}
