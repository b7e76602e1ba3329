// The Files tab's side of file storage, per install (each has its own `_storage`): documents
// newest first, the bytes of one file (for a preview or a download), and deletes. Reads and
// deletes go through the storage service's own ops in the file's install, as that install's
// action's `ctx.storage.get`/`delete` would (no transaction of a caller): a delete removes the
// document and then the bytes, and a file is never read from a path built here.
import { newRequestId, type Runtime } from "../host/runtime";
import type { OpContext } from "../host/op-handlers";
import { storageTableOfId } from "../storage/storage-records";
import { canonicalStorageId, STORAGE_TABLE } from "../storage/storage-ids";
import { ROOT_COMPONENT, splitStoredTableName, storedTableName } from "../store/namespaces";
import { InspectError } from "./inspect-error";
import type { DocumentJSON } from "../store/types";
import { installName, newestFirst, type InspectableStore } from "./documents";
import { compareInstalls } from "./installs";

export interface FileEntry {
  id: string;
  size: number;
  contentType: string | null;
  /** base64, as the `_storage` document has it. */
  sha256: string;
  creationTime: number;
}

export interface FilePage {
  /** "" for the app, else the component install's path. */
  component: string;
  files: FileEntry[];
  continueCursor: string | null;
}

export type FilePreview =
  | { kind: "image"; contentType: string; base64: string }
  | { kind: "text"; text: string }
  | { kind: "none"; reason: string };

/** Previews larger than this are not sent to the panel (base64 makes them a third larger). */
export const PREVIEW_LIMIT = 5 * 1024 * 1024;
/** Text previews stop here (characters). */
export const TEXT_PREVIEW_LIMIT = 256 * 1024;

type StorageRuntime = Pick<Runtime, "services" | "store" | "options">;

/** A page of the install's files, newest first. */
export async function pageFiles(store: InspectableStore, component: string, cursor: string | null, pageSize: number): Promise<FilePage> {
  const table = storedTableName(component, STORAGE_TABLE);
  // The storage feature creates the app's `_storage` when the runtime starts, a component's with
  // its first file; without it there are no files.
  if (!store.listTables().some(({ name }) => name === table)) return { component, files: [], continueCursor: null };
  const page = await newestFirst(store, table, cursor, pageSize);
  return { component, files: page.documents.map(fileEntry), continueCursor: page.continueCursor };
}

/**
 * The first page of the app's files, and of every component install that has files (one removed
 * from convex.config.ts too: its files are still stored): the app first, then by path.
 */
export async function fileGroups(store: InspectableStore, pageSize: number): Promise<FilePage[]> {
  const components = store
    .listTables()
    .map(({ name }) => splitStoredTableName(name))
    .filter(({ component, table }) => component !== ROOT_COMPONENT && table === STORAGE_TABLE)
    .map(({ component }) => component)
    .sort(compareInstalls);
  const groups = [await pageFiles(store, ROOT_COMPONENT, null, pageSize)];
  for (const component of components) {
    const page = await pageFiles(store, component, null, pageSize);
    if (page.files.length > 0) groups.push(page);
  }
  return groups;
}

/** The storage ID in its canonical spelling, or an error naming what was given. */
export function requireStorageId(id: string): string {
  const canonical = typeof id === "string" ? canonicalStorageId(id) : null;
  if (canonical === null) throw new InspectError(`${JSON.stringify(id)} is not a storage ID.`);
  return canonical;
}

/** How an action of install `component` calls a storage op: outside any transaction of a caller. */
function asAction(component: string): OpContext {
  // Worker -1 is no worker: with `txId: null` the op opens (and ends) a transaction of its own.
  return { worker: -1, udfType: "action", txId: null, requestId: newRequestId(), component };
}

/** The bytes and content type of a file of the install, or null when it has no such file. */
export async function readFile(
  runtime: StorageRuntime,
  component: string,
  id: string,
): Promise<{ bytes: Uint8Array; contentType: string | null } | null> {
  const storageId = requireStorageId(id);
  const found = await runtime.services.callFeature("storage/getBlob", { storageId }, asAction(component));
  return found && { bytes: new Uint8Array(found.bytes), contentType: found.contentType };
}

/** Deletes the file's document and its bytes; fails when the install has no such file. */
export async function deleteFile(runtime: StorageRuntime, component: string, id: string): Promise<void> {
  await runtime.services.callFeature("1.0/storageDelete", { storageId: requireStorageId(id) }, asAction(component));
}

/** Where the API origin serves the file (`ctx.storage.getUrl`), to stream a download from. */
export function fileUrl(runtime: StorageRuntime, id: string): string {
  return `${runtime.options.cloudUrl}/api/storage/${requireStorageId(id)}`;
}

/** An image as base64 (for a `data:` URL in the panel), short text as text, anything else: why not. */
export async function previewFile(runtime: StorageRuntime, component: string, id: string): Promise<FilePreview> {
  const storageId = requireStorageId(id);
  const entry = await findFile(runtime.store, component, storageId);
  if (entry === null) throw noSuchFile(component, storageId);
  if (entry.size > PREVIEW_LIMIT)
    return { kind: "none", reason: `The file is larger than ${PREVIEW_LIMIT / 1024 / 1024} MiB: download it to open it.` };
  const file = await readFile(runtime, component, storageId);
  if (!file) throw noSuchFile(component, storageId);
  const type = (file.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (/^image\/[a-z0-9.+-]+$/.test(type)) return { kind: "image", contentType: type, base64: Buffer.from(file.bytes).toString("base64") };
  if (isTextType(type)) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(file.bytes);
    if (text.length <= TEXT_PREVIEW_LIMIT) return { kind: "text", text };
    return { kind: "text", text: `${text.slice(0, TEXT_PREVIEW_LIMIT)}\n… (the preview stops here: download the file for the rest)` };
  }
  return { kind: "none", reason: `No preview for ${type || "files without a content type"}: download it to open it.` };
}

function isTextType(type: string): boolean {
  return (
    type.startsWith("text/") || type === "application/json" || type.endsWith("+json") || type === "application/xml" || type.endsWith("+xml")
  );
}

/** One file's entry, or null when the install has no such file (a file of another install included). */
export async function findFile(store: InspectableStore, component: string, id: string): Promise<FileEntry | null> {
  const storageId = requireStorageId(id);
  const table = storedTableName(component, STORAGE_TABLE);
  if (storageTableOfId(store, storageId) !== table) return null;
  const tx = await store.beginRead();
  try {
    const doc = tx.get(storageId, { table, isSystem: true });
    return doc && fileEntry(doc);
  } finally {
    tx.end();
  }
}

/** The error for a file that is gone, or was never the install's. */
export function noSuchFile(component: string, storageId: string): InspectError {
  return new InspectError(`There is no file ${storageId} in ${installName(component)} (any more): refresh the file list.`);
}

function fileEntry(doc: DocumentJSON): FileEntry {
  return {
    id: doc._id,
    size: Number(doc.size),
    contentType: typeof doc.contentType === "string" ? doc.contentType : null,
    sha256: String(doc.sha256),
    creationTime: doc._creationTime,
  };
}
