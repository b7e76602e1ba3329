// The stored files of one install in a snapshot: `_storage/documents.jsonl` holds a line of
// metadata per file, `FileStorageZipMetadata` (get-convex/convex-backend
// crates/exports/src/export_storage.rs: `_id`, `_creationTime`, `sha256` base64, `size`,
// `contentType`, `internalId`, each optional but the ID), plain JSON; `_storage/<id>[.ext]` holds
// the bytes. The backend's import (snapshot_import/import_file_storage.rs) also takes bytes without
// a metadata line; a metadata line without bytes we refuse, since our `_storage` documents always
// have their bytes.
import { decodeId, encodeId } from "../store/ids";
import type { FileEntry, SnapshotArchive } from "./snapshot-archive";
import { badArchive } from "./snapshot-error";

export interface StoredFile {
  /** Canonical storage ID as in the snapshot. */
  id: string;
  tableNumber: number;
  creationTime: number | undefined;
  /** base64, when the metadata gives it: the bytes are checked against it. */
  sha256: string | undefined;
  contentType: string | undefined;
  entry: FileEntry["entry"];
}

interface Metadata {
  creationTime: number | undefined;
  sha256: string | undefined;
  contentType: string | undefined;
  line: number;
}

function optional<T>(value: unknown, check: (value: unknown) => value is T): T | undefined | false {
  if (value === undefined || value === null) return undefined;
  return check(value) ? value : false;
}

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isSha256 = (value: unknown): value is string => typeof value === "string" && Buffer.from(value, "base64").length === 32;

async function readMetadata(archive: SnapshotArchive, entry: FileEntry["entry"]): Promise<Map<string, Metadata>> {
  const found = new Map<string, Metadata>();
  for await (const { text, line } of archive.lines(entry)) {
    const fail = (message: string) => badArchive(archive.name, message, entry.fileName, line);
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw fail(`is not JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw fail("is not a JSON object: each line describes one file");
    const decoded = typeof value._id === "string" ? decodeId(value._id) : null;
    if (!decoded)
      throw fail(value._id === undefined ? "has no _id (the file's storage ID)" : `_id ${JSON.stringify(value._id)} is not a storage ID`);
    const id = encodeId(decoded.tableNumber, decoded.internalId);
    if (found.has(id)) throw fail(`describes the file ${id} a second time`);
    const creationTime = optional(value._creationTime, isNumber);
    const sha256 = optional(value.sha256, isSha256);
    const contentType = optional(value.contentType, isString);
    if (creationTime === false) throw fail("_creationTime is not a number of milliseconds");
    if (sha256 === false) throw fail("sha256 is not the base64 of a SHA-256 digest");
    if (contentType === false) throw fail("contentType is not a string");
    found.set(id, { creationTime, sha256, contentType, line });
  }
  return found;
}

/** The files of one install, each with its bytes' entry; throws for metadata without bytes. */
export async function storedFiles(
  archive: SnapshotArchive,
  metadataEntry: FileEntry["entry"] | null,
  blobs: ReadonlyArray<FileEntry>,
): Promise<StoredFile[]> {
  const metadata = metadataEntry ? await readMetadata(archive, metadataEntry) : new Map<string, Metadata>();
  const files: StoredFile[] = [];
  const seen = new Set<string>();
  for (const blob of blobs) {
    const decoded = decodeId(blob.id);
    if (!decoded)
      throw badArchive(
        archive.name,
        `${JSON.stringify(blob.id)} is not a storage ID, so this file belongs to no _storage document`,
        blob.entry.fileName,
      );
    const id = encodeId(decoded.tableNumber, decoded.internalId);
    if (seen.has(id)) throw badArchive(archive.name, `holds the bytes of file ${id} a second time`, blob.entry.fileName);
    seen.add(id);
    const meta = metadata.get(id);
    files.push({
      id,
      tableNumber: decoded.tableNumber,
      creationTime: meta?.creationTime,
      sha256: meta?.sha256,
      contentType: meta?.contentType,
      entry: blob.entry,
    });
  }
  for (const [id, meta] of metadata) {
    if (!seen.has(id)) {
      throw badArchive(
        archive.name,
        `describes the file ${id}, whose bytes (_storage/${id}) are not in the archive. ` +
          "Export with `npx convex export --include-file-storage`, or remove the line.",
        metadataEntry!.fileName,
        meta.line,
      );
    }
  }
  return files;
}
