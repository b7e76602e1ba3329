// `convex-lens export`: the data folder as a snapshot ZIP in the layout `npx convex export
// --include-file-storage` writes (archive-layout.ts), which `convex-lens import` reads. (The
// backend's import wants `_storage` IDs with its own `_storage` number, which ours, 2, need not be;
// loading our ZIPs into a deployment is not verified.) One read transaction copies the documents
// to staging files and links the stored files' bytes beside them, so the ZIP is one consistent
// moment even while a runtime serves the folder; the ZIP is written after the transaction, to a
// temporary name first.
import { closeSync, copyFileSync, existsSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createWriteStream } from "node:fs";
import { ZipFile } from "yazl";
import { isSystemTableName } from "../store/catalog";
import { splitStoredTableName } from "../store/namespaces";
import { Store } from "../store/sqlite-store";
import type { DocumentJSON, ReadTransaction, SerializedQuery } from "../store/types";
import { entryName, STORAGE_TABLE, TABLES_TABLE } from "./archive-layout";
import { DATABASE_FILE, FILES_FOLDER, lockAndSettle, removeFolder, workFolder } from "../host/data-folder-swap";
import { writeExportJson } from "./export-json";

export interface ExportSummary {
  tables: number;
  documents: number;
  files: number;
}

/** What export reads: a store (the runtime's own while it serves) and the folder of its files. */
export interface ExportSource {
  store: Pick<Store, "beginRead" | "listTables">;
  dataDir: string;
}

const README = `# A Convex snapshot, written by Convex Lens

Each table's documents are in <table>/documents.jsonl, one JSON document per line, in the
format of \`npx convex export\`; stored files are in _storage/, a component's tables under
_components/<name>/. Load it with \`convex-lens import\`.
`;

interface StagedEntry {
  name: string;
  path: string;
}

/** Writes the snapshot of a data folder that no runtime serves (the CLI). */
export async function exportDataFolder(dataDir: string, zipPath: string, options: { overwrite?: boolean } = {}): Promise<ExportSummary> {
  if (!existsSync(dataDir)) throw noDatabase(dataDir);
  const { unlock } = lockAndSettle(dataDir);
  try {
    if (!existsSync(join(dataDir, DATABASE_FILE))) throw noDatabase(dataDir);
    const store = await Store.open({ file: join(dataDir, DATABASE_FILE) });
    try {
      return await exportSnapshot({ store, dataDir }, zipPath, options);
    } finally {
      await store.close();
    }
  } finally {
    unlock();
  }
}

function noDatabase(dataDir: string): Error {
  return new Error(
    `${dataDir} holds no database (${DATABASE_FILE}): nothing was stored there yet. Give the data folder of a project that ran (--data DIR).`,
  );
}

export async function exportSnapshot(source: ExportSource, zipPath: string, options: { overwrite?: boolean } = {}): Promise<ExportSummary> {
  if (!options.overwrite && existsSync(zipPath)) {
    throw new Error(`${zipPath} already exists. Choose another file name, or delete it first.`);
  }
  const staging = workFolder(source.dataDir, "export");
  try {
    const { entries, summary } = await stage(source, staging);
    await writeZip(entries, zipPath);
    return summary;
  } finally {
    removeFolder(staging);
  }
}

function scan(tx: ReadTransaction, table: string, isSystem: boolean, visit: (doc: DocumentJSON) => void): void {
  const query: SerializedQuery = { source: { type: "FullTableScan", tableName: table, order: "asc" }, operators: [] };
  let position: string | null = null;
  for (;;) {
    const batch = tx.queryBatch(query, position, 1024, { isSystem });
    for (const doc of batch.docs) visit(doc);
    if (batch.done) return;
    position = batch.position;
  }
}

/** A file of JSON lines in the staging folder, appended to as documents are read. */
function lineFile(path: string, write: (append: (line: string) => void) => void): void {
  const fd = openSync(path, "w");
  try {
    write((line) => writeSync(fd, `${line}\n`));
  } finally {
    closeSync(fd);
  }
}

async function stage(source: ExportSource, staging: string): Promise<{ entries: StagedEntry[]; summary: ExportSummary }> {
  const entries: StagedEntry[] = [];
  const summary: ExportSummary = { tables: 0, documents: 0, files: 0 };
  const staged = (name: string): string => {
    const path = join(staging, String(entries.length));
    entries.push({ name, path });
    return path;
  };
  const tx = await source.store.beginRead();
  try {
    const tables = source.store.listTables().sort((a, b) => a.number - b.number);
    const userTables = tables.filter((t) => !isSystemTableName(t.name));
    // Every install with tables, and the app always, gets its _tables list (as the backend writes).
    const components = new Set([""]);
    for (const t of tables) {
      const { component, table } = splitStoredTableName(t.name);
      if (!isSystemTableName(t.name) || table === STORAGE_TABLE) components.add(component);
    }
    for (const component of [...components].sort()) {
      lineFile(staged(entryName(component, `${TABLES_TABLE}/documents.jsonl`)), (append) => {
        for (const t of userTables) {
          const { component: owner, table } = splitStoredTableName(t.name);
          if (owner === component) append(JSON.stringify({ name: table, id: t.number }));
        }
      });
    }
    for (const t of userTables) {
      const { component, table } = splitStoredTableName(t.name);
      lineFile(staged(entryName(component, `${table}/documents.jsonl`)), (append) =>
        scan(tx, t.name, false, (doc) => {
          append(writeExportJson(doc));
          summary.documents++;
        }),
      );
      lineFile(staged(entryName(component, `${table}/generated_schema.jsonl`)), (append) => append(JSON.stringify("uniform")));
      summary.tables++;
    }
    for (const t of tables.filter((t) => splitStoredTableName(t.name).table === STORAGE_TABLE)) {
      const { component } = splitStoredTableName(t.name);
      const files: string[] = [];
      lineFile(staged(entryName(component, `${STORAGE_TABLE}/documents.jsonl`)), (append) =>
        scan(tx, t.name, true, (doc) => {
          files.push(doc._id);
          append(storageLine(doc));
        }),
      );
      for (const id of files)
        stageBytes(join(source.dataDir, FILES_FOLDER, id), staged(entryName(component, `${STORAGE_TABLE}/${id}`)), id);
      summary.files += files.length;
    }
  } finally {
    tx.end();
  }
  return { entries, summary };
}

/** The metadata line the backend writes for a file (FileStorageZipMetadata). */
function storageLine(doc: DocumentJSON): string {
  const size = typeof doc.size === "number" ? String(doc.size) : "null";
  return `{"_id":${JSON.stringify(doc._id)},"_creationTime":${writeExportJson(doc._creationTime)},"sha256":${JSON.stringify(doc.sha256 ?? null)},"size":${size},"contentType":${JSON.stringify(doc.contentType ?? null)}}`;
}

/** A hard link keeps the bytes even if the file is deleted before the ZIP is written; a copy where links fail. */
function stageBytes(from: string, to: string, id: string): void {
  if (!existsSync(from)) throw new Error(`The bytes of the stored file ${id} are missing (${from}); the snapshot would be incomplete.`);
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

async function writeZip(entries: ReadonlyArray<StagedEntry>, zipPath: string): Promise<void> {
  const temp = join(dirname(zipPath), `.${basename(zipPath)}.tmp-${process.pid}`);
  const zip = new ZipFile();
  const output = createWriteStream(temp);
  const done = new Promise<void>((resolve, reject) => {
    output.on("close", resolve);
    output.on("error", reject);
    zip.outputStream.on("error", reject);
  });
  zip.outputStream.pipe(output);
  zip.addBuffer(Buffer.from(README), "README.md");
  for (const entry of entries) zip.addFile(entry.path, entry.name);
  zip.end();
  try {
    await done;
    renameSync(temp, zipPath);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
