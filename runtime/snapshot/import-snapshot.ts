// `convex-lens import`: a snapshot ZIP (`npx convex export`, a dashboard backup, `convex-lens
// export`) becomes the data folder's database and files. All or nothing: the new database is
// built in a staging folder and swapped in only once complete (data-folder.ts). Documents keep
// their `_id` and `_creationTime`, as the backend's import keeps them, so references stay valid.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { FileStore } from "../storage/file-store";
import { Store } from "../store/sqlite-store";
import type { DocumentJSON } from "../store/types";
import { archiveDocuments } from "./archive-documents";
import { type DataCount, dataInFolder, dataInStore } from "./data-folder";
import { DATABASE_FILE, lockAndSettle, removeFolder, swapIn, workFolder } from "../host/data-folder-swap";
import { type ImportPlan, planImport } from "./import-plan";
import { SnapshotArchive } from "./snapshot-archive";
import { badArchive, SnapshotError } from "./snapshot-error";
import { remapIds } from "./table-numbers";

export interface ImportSummary {
  tables: number;
  documents: number;
  files: number;
  /** Tables that got another number than in the snapshot (their IDs, and references to them, were rewritten). */
  renumbered: string[];
}

/** Documents per commit while the new database is built (each commit is one line of its log). */
const BATCH = 1000;

export class DataFolderNotEmptyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly count: DataCount,
  ) {
    super(
      `The data folder ${dataDir} already holds data (${count.documents} documents, ${count.files} files). ` +
        "Importing a snapshot replaces all of it: run again with --replace to do so, or import into another folder (--data DIR).",
    );
    this.name = "DataFolderNotEmptyError";
  }
}

/** A database built from a snapshot, waiting in its staging folder to replace the data folder's. */
export class PreparedImport {
  constructor(
    readonly dataDir: string,
    private readonly staging: string,
    readonly summary: ImportSummary,
  ) {}

  /** Swaps it in; takes the data folder's lock, so no runtime may be serving the folder. */
  install(): void {
    const { unlock } = lockAndSettle(this.dataDir);
    try {
      this.installLocked();
    } finally {
      unlock();
    }
  }

  /** Swaps it in; the caller holds the data folder's lock. */
  installLocked(): void {
    try {
      swapIn(this.dataDir, this.staging);
    } finally {
      this.discard();
    }
  }

  discard(): void {
    removeFolder(this.staging);
  }
}

/** Reads and checks the snapshot, and builds its database beside the data folder's (untouched). */
export async function prepareImport(zipPath: string, dataDir: string): Promise<PreparedImport> {
  const archive = await SnapshotArchive.open(zipPath);
  try {
    const plan = await planImport(archive);
    const staging = workFolder(dataDir, "import");
    try {
      return new PreparedImport(dataDir, staging, await build(archive, plan, staging));
    } catch (error) {
      removeFolder(staging);
      throw error;
    }
  } finally {
    archive.close();
  }
}

/**
 * What an import into `dataDir` would replace: read through the running runtime's store when the
 * host serves the folder itself, else under the folder's lock (so never beside another runtime).
 */
export async function dataToReplace(dataDir: string, running: Pick<Store, "beginRead" | "listTables"> | null): Promise<DataCount> {
  if (running) return dataInStore(running);
  if (!existsSync(dataDir)) return { documents: 0, files: 0 };
  const { unlock } = lockAndSettle(dataDir);
  try {
    return await dataInFolder(dataDir);
  } finally {
    unlock();
  }
}

/**
 * The whole import for the CLI: holds the data folder's lock throughout, refuses a folder with
 * data unless `replace`, and leaves the folder as it was when anything fails.
 */
export async function importSnapshot(options: { zipPath: string; dataDir: string; replace: boolean }): Promise<ImportSummary> {
  mkdirSync(options.dataDir, { recursive: true });
  const { unlock } = lockAndSettle(options.dataDir);
  try {
    if (!options.replace) {
      const count = await dataInFolder(options.dataDir);
      if (count.documents > 0 || count.files > 0) throw new DataFolderNotEmptyError(options.dataDir, count);
    }
    const prepared = await prepareImport(options.zipPath, options.dataDir);
    prepared.installLocked();
    return prepared.summary;
  } finally {
    unlock();
  }
}

async function build(archive: SnapshotArchive, plan: ImportPlan, staging: string): Promise<ImportSummary> {
  const store = await Store.open({ file: join(staging, DATABASE_FILE), checkpointDelayMs: 60_000 });
  // Documents without a _creationTime (hand-written files) are created now, in file order.
  let now = Date.now();
  const creationTime = () => (now += 0.001);
  let documents = 0;
  try {
    for (const table of plan.tables) {
      let batch: DocumentJSON[] = [];
      const flush = async () => {
        try {
          await store.importDocuments(table.stored, table.number, batch);
        } catch (error) {
          const where = table.entries?.documents.fileName ?? `the table ${table.stored}`;
          throw badArchive(archive.name, `cannot be imported (${(error as Error).message})`, where);
        }
        documents += batch.length;
        batch = [];
      };
      if (table.entries) {
        for await (const { doc } of archiveDocuments(archive, table.entries)) {
          const remapped = remapIds(doc, plan.moved) as DocumentJSON;
          remapped._creationTime ??= creationTime();
          batch.push(remapped);
          if (batch.length >= BATCH) await flush();
        }
      }
      await flush();
    }
    const files = await buildFiles(archive, plan, staging, store, creationTime);
    return { tables: plan.tables.length, documents, files, renumbered: plan.renumbered };
  } finally {
    await store.close();
  }
}

async function buildFiles(
  archive: SnapshotArchive,
  plan: ImportPlan,
  staging: string,
  store: Store,
  creationTime: () => number,
): Promise<number> {
  const fileStore = new FileStore(staging);
  let count = 0;
  for (const storage of plan.storage) {
    const docs: DocumentJSON[] = [];
    for (const file of storage.files) {
      const stream = Readable.toWeb(await archive.stream(file.entry)) as ReadableStream<Uint8Array>;
      let temp: Awaited<ReturnType<FileStore["writeTemp"]>>;
      try {
        temp = await fileStore.writeTemp(stream as globalThis.ReadableStream<Uint8Array>);
      } catch (error) {
        throw error instanceof SnapshotError
          ? error
          : badArchive(archive.name, `cannot be read (${(error as Error).message})`, file.entry.fileName);
      }
      const sha256 = temp.sha256.toString("base64");
      if (file.sha256 !== undefined && file.sha256 !== sha256) {
        await fileStore.discard(temp);
        throw badArchive(
          archive.name,
          `does not match the sha256 of its _storage line (${file.sha256}; the bytes have ${sha256})`,
          file.entry.fileName,
        );
      }
      const id = plan.moved.get(file.id) ?? file.id;
      await fileStore.place(temp, id);
      const doc: DocumentJSON = { _id: id, _creationTime: file.creationTime ?? creationTime(), sha256, size: temp.size };
      if (file.contentType !== undefined) doc.contentType = file.contentType;
      docs.push(doc);
    }
    try {
      await store.importDocuments(storage.stored, storage.number, docs);
    } catch (error) {
      throw badArchive(archive.name, `the files of ${storage.stored} cannot be imported (${(error as Error).message})`);
    }
    count += docs.length;
  }
  return count;
}
