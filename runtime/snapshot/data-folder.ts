// The part of a data folder a snapshot replaces: the database (`data.sqlite` and the files the
// store keeps beside it, all named `data.sqlite.*`, as Runtime.open names it) and the stored files
// (`files/`, storage/file-store.ts). The log store, the dev issuer's keys and the lock stay.
// A replacement is built in a staging folder inside the data folder and swapped in only when
// complete (host/data-folder-swap.ts: a failed or killed swap leaves the old data or the new).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Store } from "../store/sqlite-store";
import type { ReadTransaction } from "../store/types";
import { FileStore } from "../storage/file-store";
import { STORAGE_TABLE } from "./archive-layout";
import { baseTableName } from "../store/namespaces";
import { DATABASE_FILE, FILES_FOLDER } from "../host/data-folder-swap";

export interface DataCount {
  documents: number;
  files: number;
}

/** Documents of the app's and components' tables, and stored files (system bookkeeping aside). */
export function countData(tx: ReadTransaction, tables: ReadonlyArray<{ name: string }>): DataCount {
  let documents = 0;
  let files = 0;
  for (const { name } of tables) {
    const base = baseTableName(name);
    if (base === STORAGE_TABLE) files += tx.count(name);
    else if (!base.startsWith("_")) documents += tx.count(name);
  }
  return { documents, files };
}

/** What the data folder holds now; the caller holds its lock (the store is opened here). */
export async function dataInFolder(dataDir: string): Promise<DataCount> {
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) {
    const filesDir = join(dataDir, FILES_FOLDER);
    return { documents: 0, files: existsSync(filesDir) ? new FileStore(dataDir).storedIds().length : 0 };
  }
  const store = await Store.open({ file });
  try {
    return await dataInStore(store);
  } finally {
    await store.close();
  }
}

/** What a running runtime's store holds. */
export async function dataInStore(store: Pick<Store, "beginRead" | "listTables">): Promise<DataCount> {
  const tx = await store.beginRead();
  try {
    return countData(tx, store.listTables());
  } finally {
    tx.end();
  }
}
