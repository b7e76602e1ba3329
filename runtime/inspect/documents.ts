// The Data tab's side of the store: tables with their document counts, pages of documents newest
// first (the store's own cursor paging), and edits. Edits go through the store's transactions, so
// a replaced document is checked against `schema.ts` exactly like a mutation's `db.replace`, and
// its error is the backend's. System tables (`_storage`, `_scheduled_functions`) are read-only
// here: their documents belong to the file storage and the scheduler.
import { isSystemTableName } from "../store/catalog";
import type { DocumentJSON, JSONValue, ReadTransaction, WriteTransaction } from "../store/types";
import { InspectError } from "./inspect-error";

/** What the inspector needs of the store (`runtime.store`). */
export interface InspectableStore {
  listTables(): Array<{ name: string; number: number }>;
  beginRead(): Promise<ReadTransaction>;
  beginWrite(): Promise<WriteTransaction>;
}

export interface TableSummary {
  name: string;
  documents: number;
  system: boolean;
}

export interface DocumentEntry {
  id: string;
  creationTime: number;
  /** The document's own fields, pretty JSON in wire form. */
  fields: string;
}

export interface DocumentPage {
  table: string;
  documents: DocumentEntry[];
  /** Null when there are no older documents. */
  continueCursor: string | null;
}

export const MAX_PAGE_SIZE = 200;

/** User tables by name, then system tables, each with its count, all from one snapshot. */
export async function listTables(store: InspectableStore): Promise<TableSummary[]> {
  const tables = store.listTables().map(({ name }) => name);
  const tx = await store.beginRead();
  try {
    const summaries = tables.map((name) => ({ name, documents: tx.count(name), system: isSystemTableName(name) }));
    return summaries.sort((a, b) => Number(a.system) - Number(b.system) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } finally {
    tx.end();
  }
}

/** A page of `table`, newest first; `cursor` is the previous page's `continueCursor`. */
export async function pageDocuments(store: InspectableStore, table: string, cursor: string | null, pageSize: number): Promise<DocumentPage> {
  const page = await newestFirst(store, table, cursor, pageSize);
  return { table, documents: page.documents.map(documentEntry), continueCursor: page.continueCursor };
}

/** One page of a table's documents (system tables too), newest first, through the store's cursors. */
export async function newestFirst(
  store: InspectableStore,
  table: string,
  cursor: string | null,
  pageSize: number,
): Promise<{ documents: DocumentJSON[]; continueCursor: string | null }> {
  requireTable(store, table);
  const size = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize)));
  const tx = await store.beginRead();
  try {
    const page = tx.queryPage(
      {
        query: { source: { type: "FullTableScan", tableName: table, order: "desc" }, operators: [] },
        cursor,
        endCursor: null,
        pageSize: size,
        maximumRowsRead: null,
      },
      { isSystem: isSystemTableName(table) },
    );
    return { documents: page.page, continueCursor: page.isDone ? null : page.continueCursor };
  } finally {
    tx.end();
  }
}

/**
 * Replaces the document's fields (`_id` and `_creationTime` stay; the store refuses other values
 * for them) and returns the document as saved. Schema validation errors are the store's.
 */
export async function replaceDocument(store: InspectableStore, table: string, id: string, fields: JSONValue): Promise<DocumentEntry> {
  requireUserTable(store, table, "edited");
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    throw new InspectError("A document is a JSON object of its fields, like {\"name\": \"ada\"}.");
  }
  return write(store, (tx) => documentEntry(tx.replace(id, fields, { table })));
}

export async function deleteDocument(store: InspectableStore, table: string, id: string): Promise<void> {
  requireUserTable(store, table, "deleted from");
  await write(store, (tx) => void tx.remove(id, { table }));
}

export function documentEntry(doc: DocumentJSON): DocumentEntry {
  const { _id, _creationTime, ...fields } = doc;
  return { id: _id, creationTime: _creationTime, fields: JSON.stringify(fields, null, 2) };
}

function requireTable(store: InspectableStore, table: string): void {
  if (!store.listTables().some(({ name }) => name === table)) {
    throw new InspectError(`There is no table named ${JSON.stringify(table)} (any more): refresh the table list.`);
  }
}

function requireUserTable(store: InspectableStore, table: string, what: string): void {
  requireTable(store, table);
  if (isSystemTableName(table)) {
    throw new InspectError(`${table} is a system table and cannot be ${what} here; its documents are managed by Convex (use the Files tab for _storage).`);
  }
}

async function write<T>(store: InspectableStore, fn: (tx: WriteTransaction) => T): Promise<T> {
  const tx = await store.beginWrite();
  try {
    const result = fn(tx);
    tx.commit();
    return result;
  } catch (error) {
    tx.abort();
    throw error;
  }
}
