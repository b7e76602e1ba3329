// The Files tab's side of file storage: `_storage` documents newest first, the bytes of one file
// (for a preview or a download), and deletes. Reads and deletes go through the storage service's
// own ops, as an action's `ctx.storage.get`/`delete` would (no transaction of a caller): a delete
// removes the document and then the bytes, and a file is never read from a path built here.
import { newRequestId, type Runtime } from "../host/runtime";
import { canonicalStorageId, STORAGE_TABLE } from "../storage/storage-ids";
import { InspectError } from "./inspect-error";
import type { DocumentJSON } from "../store/types";
import { newestFirst, type InspectableStore } from "./documents";

export interface FileEntry {
  id: string;
  size: number;
  contentType: string | null;
  /** base64, as the `_storage` document has it. */
  sha256: string;
  creationTime: number;
}

export interface FilePage {
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

export async function pageFiles(store: InspectableStore, cursor: string | null, pageSize: number): Promise<FilePage> {
  // The storage feature creates `_storage` when the runtime starts; without it there are no files.
  if (!store.listTables().some(({ name }) => name === STORAGE_TABLE)) return { files: [], continueCursor: null };
  const page = await newestFirst(store, STORAGE_TABLE, cursor, pageSize);
  return { files: page.documents.map(fileEntry), continueCursor: page.continueCursor };
}

/** The storage ID in its canonical spelling, or an error naming what was given. */
export function requireStorageId(id: string): string {
  const canonical = typeof id === "string" ? canonicalStorageId(id) : null;
  if (canonical === null) throw new InspectError(`${JSON.stringify(id)} is not a storage ID.`);
  return canonical;
}

/** Calls a storage op as an action would: outside any transaction of a caller. */
function storageOp(runtime: StorageRuntime, op: string, args: Record<string, unknown>): Promise<unknown> {
  // Worker -1 is no worker: with `txId: null` the op opens (and ends) a transaction of its own.
  return runtime.services.call(-1, "", "op", { op, args, udfType: "action", txId: null, requestId: newRequestId() });
}

/** The bytes and content type of a file, or null when there is no such file. */
export async function readFile(runtime: StorageRuntime, id: string): Promise<{ bytes: Uint8Array; contentType: string | null } | null> {
  const storageId = requireStorageId(id);
  const found = (await storageOp(runtime, "storage/getBlob", { storageId })) as { bytes: ArrayBuffer; contentType: string | null } | null;
  return found && { bytes: new Uint8Array(found.bytes), contentType: found.contentType };
}

/** Deletes the file's document and its bytes; fails when there is no such file. */
export async function deleteFile(runtime: StorageRuntime, id: string): Promise<void> {
  await storageOp(runtime, "1.0/storageDelete", { storageId: requireStorageId(id) });
}

/** Where the API origin serves the file (`ctx.storage.getUrl`), to stream a download from. */
export function fileUrl(runtime: StorageRuntime, id: string): string {
  return `${runtime.options.cloudUrl}/api/storage/${requireStorageId(id)}`;
}

/** An image as base64 (for a `data:` URL in the panel), short text as text, anything else: why not. */
export async function previewFile(runtime: StorageRuntime, id: string): Promise<FilePreview> {
  const storageId = requireStorageId(id);
  const entry = await findFile(runtime.store, storageId);
  if (entry === null) throw new InspectError(`There is no file ${storageId} (any more): refresh the file list.`);
  if (entry.size > PREVIEW_LIMIT) return { kind: "none", reason: `The file is larger than ${PREVIEW_LIMIT / 1024 / 1024} MiB: download it to open it.` };
  const file = await readFile(runtime, storageId);
  if (!file) throw new InspectError(`There is no file ${storageId} (any more): refresh the file list.`);
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
  return type.startsWith("text/") || type === "application/json" || type.endsWith("+json") || type === "application/xml" || type.endsWith("+xml");
}

/** One file's entry, or null when there is no such file. */
export async function findFile(store: InspectableStore, id: string): Promise<FileEntry | null> {
  const storageId = requireStorageId(id);
  const tx = await store.beginRead();
  try {
    const doc = tx.get(storageId, { table: STORAGE_TABLE, isSystem: true });
    return doc && fileEntry(doc);
  } finally {
    tx.end();
  }
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
