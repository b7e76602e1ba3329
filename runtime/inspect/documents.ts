// The Data tab's side of the store: every install's tables with their document counts, pages of
// documents newest first (the store's own cursor paging), and edits. A table is named as its
// install names it (`counters` of component `counter`, stored as "counter/counters"). Edits go
// through the store's transactions in that install's view, so a replaced document is checked
// against that install's `schema.ts` exactly like its mutation's `db.replace`, and the error is the
// backend's, in the install's own table names. System tables (`_storage`, `_scheduled_functions`)
// are read-only here: their documents belong to the file storage and the scheduler.
import { CRON_JOBS_TABLE, CRON_LOGS_TABLE } from "../scheduler/cron-docs";
import { JOB_TARGETS_TABLE } from "../scheduler/job-targets";
import { HANDLES_TABLE } from "../host/function-handles";
import { isSystemTableName } from "../store/catalog";
import { ComponentDocuments } from "../store/component-documents";
import { ROOT_COMPONENT, splitStoredTableName, storedTableName } from "../store/namespaces";
import type { DocumentJSON, JSONValue, ReadTransaction, SchemaInfo, WriteTransaction } from "../store/types";
import { InspectError } from "./inspect-error";
import { compareInstalls } from "./installs";
import { type IndexSummary, indexesOf } from "./table-indexes";

/** What the inspector needs of the store (`runtime.store`). */
export interface InspectableStore {
  listTables(): Array<{ name: string; number: number }>;
  beginRead(): Promise<ReadTransaction>;
  beginWrite(): Promise<WriteTransaction>;
  /** The stored table name of a document ID, or null. */
  tableNameOfId(id: string): string | null;
  /** The schema the store applied (every install's, tables as stored), or null. */
  appliedSchema(): SchemaInfo | null;
}

export interface TableSummary {
  /** "" for the app, else the component install's path. */
  component: string;
  /** As the install names it: "counters", "_storage". */
  name: string;
  documents: number;
  system: boolean;
  /** Its declared indexes (database, search and vector). */
  indexes: IndexSummary[];
}

export interface DocumentEntry {
  id: string;
  creationTime: number;
  /** The document's own fields, pretty JSON in wire form. */
  fields: string;
}

export interface DocumentPage {
  component: string;
  table: string;
  documents: DocumentEntry[];
  /** Null when there are no older documents. */
  continueCursor: string | null;
}

export const MAX_PAGE_SIZE = 200;

/**
 * Convex Lens's own bookkeeping in the app's namespace (function handles, cron jobs and their runs,
 * the installs of scheduled jobs). The backend keeps these out of the dashboard's tables, and so
 * does the Data tab; the Functions tab shows the cron jobs.
 */
const LENS_TABLES: ReadonlySet<string> = new Set([HANDLES_TABLE, CRON_JOBS_TABLE, CRON_LOGS_TABLE, JOB_TARGETS_TABLE]);

/**
 * Every install's tables from one snapshot, each with its count: the app's first, then each
 * component's by its path; within an install, user tables by name, then system tables.
 */
export async function listTables(store: InspectableStore): Promise<TableSummary[]> {
  const tables = store
    .listTables()
    .map(({ name }) => name)
    .filter((name) => !LENS_TABLES.has(name));
  const schema = store.appliedSchema();
  const tx = await store.beginRead();
  try {
    const summaries = tables.map((stored): TableSummary => {
      const { component, table } = splitStoredTableName(stored);
      return { component, name: table, documents: tx.count(stored), system: isSystemTableName(stored), indexes: indexesOf(schema, stored) };
    });
    return summaries.sort(
      (a, b) =>
        compareInstalls(a.component, b.component) ||
        Number(a.system) - Number(b.system) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  } finally {
    tx.end();
  }
}

/** A page of `table` of install `component`, newest first; `cursor` is the previous page's `continueCursor`. */
export async function pageDocuments(
  store: InspectableStore,
  component: string,
  table: string,
  cursor: string | null,
  pageSize: number,
): Promise<DocumentPage> {
  const page = await newestFirst(store, requireTable(store, component, table), cursor, pageSize);
  return { component, table, documents: page.documents.map(documentEntry), continueCursor: page.continueCursor };
}

/** One page of a stored table's documents (system tables too), newest first, through the store's cursors. */
export async function newestFirst(
  store: InspectableStore,
  stored: string,
  cursor: string | null,
  pageSize: number,
): Promise<{ documents: DocumentJSON[]; continueCursor: string | null }> {
  const size = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(pageSize)));
  const tx = await store.beginRead();
  try {
    const page = tx.queryPage(
      {
        query: { source: { type: "FullTableScan", tableName: stored, order: "desc" }, operators: [] },
        cursor,
        endCursor: null,
        pageSize: size,
        maximumRowsRead: null,
      },
      { isSystem: isSystemTableName(stored) },
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
export async function replaceDocument(
  store: InspectableStore,
  component: string,
  table: string,
  id: string,
  fields: JSONValue,
): Promise<DocumentEntry> {
  requireUserTable(store, component, table, "edited");
  if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
    throw new InspectError('A document is a JSON object of its fields, like {"name": "ada"}.');
  }
  return write(store, component, (documents) => documentEntry(documents.replace(id, fields, { table })));
}

export async function deleteDocument(store: InspectableStore, component: string, table: string, id: string): Promise<void> {
  requireUserTable(store, component, table, "deleted from");
  await write(store, component, (documents) => void documents.remove(id, { table }));
}

export function documentEntry(doc: DocumentJSON): DocumentEntry {
  const { _id, _creationTime, ...fields } = doc;
  return { id: _id, creationTime: _creationTime, fields: JSON.stringify(fields, null, 2) };
}

/** "the app" or "component counter", for messages. */
export function installName(component: string): string {
  return component === ROOT_COMPONENT ? "the app" : `component ${component}`;
}

/** The stored name of an existing table of the install, or an error saying it is gone. */
function requireTable(store: InspectableStore, component: string, table: string): string {
  // A plain name: "a/b" would name a table of another install.
  const stored = table.includes("/") ? null : storedTableName(component, table);
  if (stored === null || LENS_TABLES.has(stored) || !store.listTables().some(({ name }) => name === stored)) {
    throw new InspectError(
      `There is no table named ${JSON.stringify(table)} in ${installName(component)} (any more): refresh the table list.`,
    );
  }
  return stored;
}

function requireUserTable(store: InspectableStore, component: string, table: string, what: string): void {
  requireTable(store, component, table);
  if (isSystemTableName(table)) {
    throw new InspectError(
      `${table} is a system table and cannot be ${what} here; its documents are managed by Convex (use the Files tab for _storage).`,
    );
  }
}

/** Runs `fn` on the install's view of a write transaction, and commits it. */
async function write<T>(store: InspectableStore, component: string, fn: (documents: ComponentDocuments) => T): Promise<T> {
  const tx = await store.beginWrite();
  try {
    const result = fn(new ComponentDocuments(tx, component, (id) => store.tableNameOfId(id)));
    tx.commit();
    return result;
  } catch (error) {
    tx.abort();
    throw error;
  }
}
