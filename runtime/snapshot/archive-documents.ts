// The documents of one table of a snapshot, read line by line and checked: each line a JSON object
// in the table's value format, with an `_id` that is a document ID. The same reader serves the
// first pass (checking, numbering) and the second (writing).
import { jsonToConvex } from "convex/values";
import { decodeId, encodeId } from "../store/ids";
import type { JSONValue } from "../store/types";
import { ExportJsonError, parseExportJson } from "./export-json";
import type { SnapshotArchive, TableEntries } from "./snapshot-archive";
import { badArchive } from "./snapshot-error";

export type Fields = { [key: string]: JSONValue };

export interface ArchiveDocument {
  line: number;
  /** The canonical spelling of the document's `_id`. */
  id: string;
  tableNumber: number;
  /** The whole document in the store's wire form, `_creationTime` a number when it was given. */
  doc: Fields;
}

/**
 * How the table's values are written: "uniform" is the export format; no generated_schema.jsonl
 * means plain JSON. The older per-table shapes (a type string and per-document overrides) were
 * replaced by "uniform" in the backend and are refused with a way forward.
 */
async function isLossless(archive: SnapshotArchive, table: TableEntries): Promise<boolean> {
  if (!table.schema) return false;
  for await (const { text, line } of archive.lines(table.schema)) {
    if (line !== 1) break;
    let first: unknown;
    try {
      first = JSON.parse(text);
    } catch {
      throw badArchive(archive.name, 'is not JSON: its first line should be "uniform"', table.schema.fileName, 1);
    }
    if (first === "uniform") return true;
    throw badArchive(
      archive.name,
      'describes the table\'s values in an older export format, which Convex Lens does not read (it reads "uniform"). ' +
        "Make a new export with `npx convex export`, or delete this file to read the documents as plain JSON.",
      table.schema.fileName,
      1,
    );
  }
  return false;
}

export async function* archiveDocuments(archive: SnapshotArchive, table: TableEntries): AsyncGenerator<ArchiveDocument> {
  const lossless = await isLossless(archive, table);
  const file = table.documents.fileName;
  for await (const { text, line } of archive.lines(table.documents)) {
    let value: JSONValue;
    try {
      value = parseExportJson(text, lossless);
    } catch (error) {
      const reason = error instanceof ExportJsonError ? error.message : String(error);
      throw badArchive(archive.name, `is not JSON (${reason})`, file, line);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw badArchive(archive.name, "is not a JSON object: each line holds one document", file, line);
    }
    const doc = value as Fields;
    if (typeof doc._id !== "string") {
      throw badArchive(archive.name, "has no _id: every document of a snapshot keeps its ID, so that references stay valid", file, line);
    }
    const decoded = decodeId(doc._id);
    if (!decoded) throw badArchive(archive.name, `_id ${JSON.stringify(doc._id)} is not a Convex document ID`, file, line);
    doc._id = encodeId(decoded.tableNumber, decoded.internalId);
    // A hand-written "uniform" file may give whole milliseconds, which read as an int64.
    const time = doc._creationTime;
    if (time !== undefined && typeof time === "object" && time !== null && !Array.isArray(time) && "$integer" in time) {
      doc._creationTime = Number(jsonToConvex(time));
    }
    if (doc._creationTime !== undefined && typeof doc._creationTime !== "number") {
      throw badArchive(archive.name, "_creationTime is not a number of milliseconds", file, line);
    }
    try {
      jsonToConvex(doc);
    } catch (error) {
      throw badArchive(archive.name, `is not a Convex document (${(error as Error).message})`, file, line);
    }
    yield { line, id: doc._id, tableNumber: decoded.tableNumber, doc };
  }
}
