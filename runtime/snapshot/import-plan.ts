// The first pass over a snapshot: every document and file entry is read and checked, and each
// table gets its number in our store, before anything is written. A bad line is found here, with
// its file and line, and costs nothing.
import { isTableIdentifier } from "../store/document-rules";
import { storedTableName } from "../store/namespaces";
import { archiveDocuments } from "./archive-documents";
import { STORAGE_TABLE, TABLES_TABLE } from "./archive-layout";
import { storedFiles, type StoredFile } from "./archive-storage";
import type { SnapshotArchive, TableEntries } from "./snapshot-archive";
import { badArchive } from "./snapshot-error";
import { assignTableNumbers, movedId, type NumberRequest } from "./table-numbers";

export interface PlannedTable {
  /** The stored name ("rateLimiter/rateLimits"). */
  stored: string;
  entries: TableEntries | null;
  number: number;
  documents: number;
}

export interface PlannedStorage {
  stored: string;
  number: number;
  files: StoredFile[];
}

export interface ImportPlan {
  tables: PlannedTable[];
  storage: PlannedStorage[];
  /** Old ID → new ID, for the documents of tables whose number had to change. */
  moved: Map<string, string>;
  /** Stored names of the tables whose number changed. */
  renumbered: string[];
}

interface Scanned {
  stored: string;
  component: string;
  entries: TableEntries | null;
  wanted: number | undefined;
  ids: string[];
  files?: StoredFile[];
}

/** `_tables/documents.jsonl`: {"name", "id"} per table (crates/exports/src/lib.rs, write_tables_table). */
async function listedNumbers(archive: SnapshotArchive, entries: TableEntries): Promise<Map<string, number>> {
  const numbers = new Map<string, number>();
  for await (const { text, line } of archive.lines(entries.documents)) {
    const fail = (message: string) => badArchive(archive.name, message, entries.documents.fileName, line);
    let value: { name?: unknown; id?: unknown };
    try {
      value = JSON.parse(text) as { name?: unknown; id?: unknown };
    } catch (error) {
      throw fail(`is not JSON (${(error as Error).message})`);
    }
    if (typeof value?.name !== "string") throw fail('has no table name: each line is {"name": table, "id": number}');
    if (!isTableIdentifier(value.name) || value.name.startsWith("_")) throw fail(`table name ${JSON.stringify(value.name)} is not valid`);
    if (typeof value.id !== "number" || !Number.isInteger(value.id) || value.id < 1 || value.id > 0xffffffff) {
      throw fail(`the number of table ${value.name} is not a table number`);
    }
    numbers.set(value.name, value.id);
  }
  return numbers;
}

async function scanTable(archive: SnapshotArchive, entries: TableEntries, listed: number | undefined): Promise<Scanned> {
  const file = entries.documents.fileName;
  const ids: string[] = [];
  const seen = new Set<string>();
  let wanted = listed;
  for await (const { id, tableNumber, doc, line } of archiveDocuments(archive, entries)) {
    wanted ??= tableNumber;
    if (tableNumber !== wanted) {
      const source = listed === undefined ? "the table's first document" : "_tables";
      throw badArchive(
        archive.name,
        `_id ${id} is an ID of table number ${tableNumber}, but ${source} gives this table number ${wanted}`,
        file,
        line,
      );
    }
    if (seen.has(id)) throw badArchive(archive.name, `_id ${id} is the ID of an earlier document too`, file, line);
    const reserved = Object.keys(doc).find((key) => key.startsWith("_") && key !== "_id" && key !== "_creationTime");
    if (reserved) throw badArchive(archive.name, `field ${reserved} starts with "_", which only _id and _creationTime may`, file, line);
    seen.add(id);
    ids.push(id);
  }
  return { stored: storedTableName(entries.component, entries.table), component: entries.component, entries, wanted, ids };
}

async function scanStorage(archive: SnapshotArchive, component: string, metadata: TableEntries | undefined): Promise<Scanned> {
  const files = await storedFiles(
    archive,
    metadata?.documents ?? null,
    archive.files.filter((file) => file.component === component),
  );
  const wanted = files[0]?.tableNumber;
  const other = files.find((file) => file.tableNumber !== wanted);
  if (other) {
    throw badArchive(
      archive.name,
      `${other.id} is an ID of table number ${other.tableNumber}, the other files' of ${wanted}`,
      other.entry.fileName,
    );
  }
  return { stored: storedTableName(component, STORAGE_TABLE), component, entries: null, wanted, ids: files.map((f) => f.id), files };
}

export async function planImport(archive: SnapshotArchive): Promise<ImportPlan> {
  const components = [...new Set([...archive.tables.map((t) => t.component), ...archive.files.map((f) => f.component)])].sort();
  const scanned: Scanned[] = [];
  // The app's tables first: they keep their numbers, and so their IDs, whatever happens below.
  for (const component of components) {
    const own = archive.tables.filter((t) => t.component === component);
    const tablesEntry = own.find((t) => t.table === TABLES_TABLE);
    const listed = tablesEntry ? await listedNumbers(archive, tablesEntry) : new Map<string, number>();
    const userTables = own
      .filter((t) => t.table !== TABLES_TABLE && t.table !== STORAGE_TABLE)
      .sort((a, b) => (a.table < b.table ? -1 : 1));
    for (const entries of userTables) scanned.push(await scanTable(archive, entries, listed.get(entries.table)));
    // Listed tables without documents.jsonl exist, empty, as in the backend's import of _tables.
    for (const [table, number] of listed) {
      if (own.some((t) => t.table === table)) continue;
      scanned.push({ stored: storedTableName(component, table), component, entries: null, wanted: number, ids: [] });
    }
    const storage = own.find((t) => t.table === STORAGE_TABLE);
    if (storage || archive.files.some((f) => f.component === component)) scanned.push(await scanStorage(archive, component, storage));
  }
  const requests: NumberRequest[] = scanned.map((s) => ({ table: s.stored, system: s.files !== undefined, wanted: s.wanted }));
  const numbers = assignTableNumbers(requests);
  const moved = new Map<string, string>();
  const renumbered: string[] = [];
  for (const s of scanned) {
    const number = numbers.get(s.stored)!;
    if (s.wanted === undefined || s.wanted === number) continue;
    renumbered.push(s.stored);
    for (const id of s.ids) moved.set(id, movedId(id, number));
  }
  return {
    tables: scanned
      .filter((s) => s.files === undefined)
      .map((s) => ({ stored: s.stored, entries: s.entries, number: numbers.get(s.stored)!, documents: s.ids.length })),
    storage: scanned
      .filter((s) => s.files !== undefined)
      .map((s) => ({ stored: s.stored, number: numbers.get(s.stored)!, files: s.files! })),
    moved,
    renumbered,
  };
}
