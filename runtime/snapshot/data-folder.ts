// The part of a data folder a snapshot replaces: the database (`data.sqlite` and the files the
// store keeps beside it, all named `data.sqlite.*`, as Runtime.open names it) and the stored files
// (`files/`, storage/file-store.ts). The log store, the dev issuer's keys and the lock stay.
// A replacement is built in a staging folder inside the data folder (same file system, so renames
// are atomic) and swapped in only when complete; the old parts are moved aside first and moved back
// if the swap fails, so a failed import leaves the data as it was.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Store } from "../store/sqlite-store";
import type { ReadTransaction } from "../store/types";
import { FileStore } from "../storage/file-store";
import { STORAGE_TABLE } from "./archive-layout";
import { baseTableName } from "../store/namespaces";

export const DATABASE_FILE = "data.sqlite";
export const FILES_FOLDER = "files";

function isReplacedPart(name: string): boolean {
  return name === FILES_FOLDER || name === DATABASE_FILE || name.startsWith(`${DATABASE_FILE}.`);
}

/** A new empty folder inside the data folder, for work that must not show until it is done. */
export function stagingFolder(dataDir: string, purpose: "import" | "export" | "replaced"): string {
  mkdirSync(dataDir, { recursive: true });
  return mkdtempSync(join(dataDir, `.${purpose}-`));
}

export function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Replaces the database and files of `dataDir` by those built in `staging`. The caller holds the lock. */
export function swapIn(dataDir: string, staging: string): void {
  const aside = stagingFolder(dataDir, "replaced");
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  try {
    for (const name of readdirSync(dataDir).filter(isReplacedPart)) {
      renameSync(join(dataDir, name), join(aside, name));
      movedAside.push(name);
    }
    for (const name of readdirSync(staging).filter(isReplacedPart)) {
      renameSync(join(staging, name), join(dataDir, name));
      movedIn.push(name);
    }
  } catch (error) {
    // Back as it was: what came in goes back to staging, what went aside comes back.
    for (const name of movedIn) renameSync(join(dataDir, name), join(staging, name));
    for (const name of movedAside) renameSync(join(aside, name), join(dataDir, name));
    removeFolder(aside);
    throw error;
  }
  removeFolder(aside);
}

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
