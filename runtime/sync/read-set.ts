// What one run of a query read, kept so that a commit can tell whether it could change the result:
// the documents it saw by id (db.get, and every document a scan returned), the index ranges it
// scanned, and the tables it read as a whole (counts, full-text search, a table not created yet).
// Ranges are kept whole, without the query's limit: a write in the range past the last document
// read re-runs the query needlessly, never the other way round. A document that leaves the range
// was seen (its id is kept), and one that enters it is in the range.
import { getFieldValue } from "../store/json-values";
import { compareBytes, encodeTuple } from "../store/sort-key";
import type { DocumentJSON } from "../store/types";

export interface IndexRangeRead {
  /** Stored table name ("messages", "twilio/messages"). */
  table: string;
  /** The index key: declared fields, then _creationTime and _id, split on dots. */
  keyPaths: string[][];
  /** The scanned key interval [lo, hi). */
  lo: Uint8Array;
  hi: Uint8Array;
}

/** One document a commit wrote: its new value, or null when deleted. */
export interface DocumentWrite {
  id: string;
  table: string;
  doc: DocumentJSON | null;
}

export class ReadSet {
  readonly ids = new Set<string>();
  readonly tables = new Set<string>();
  readonly ranges: IndexRangeRead[] = [];

  /** Every table whose writes may touch this read set. */
  tablesLookedAt(): Set<string> {
    const tables = new Set(this.tables);
    for (const range of this.ranges) tables.add(range.table);
    return tables;
  }

  touchedBy(write: DocumentWrite): boolean {
    if (this.ids.has(write.id) || this.tables.has(write.table)) return true;
    const doc = write.doc;
    if (doc === null) return false;
    for (const range of this.ranges) {
      if (range.table !== write.table) continue;
      const key = encodeTuple(range.keyPaths.map((path) => getFieldValue(doc, path)));
      if (compareBytes(key, range.lo) >= 0 && compareBytes(key, range.hi) < 0) return true;
    }
    return false;
  }
}
