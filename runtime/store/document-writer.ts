// Writes documents together with their index entries, so indexes never drift from the documents.
// Used by write transactions and by log replay alike (replay must produce the same state).
import type { Catalog, IndexDef } from "./catalog";
import { getFieldValue } from "./json-values";
import { compareBytes, encodeTuple } from "./sort-key";
import type { Sql } from "./sql";
import type { DocumentJSON } from "./types";

/** Indexes kept outside `index_entries` (full-text search): told of every write, replay included. */
export interface WriteObserver {
  /** `previous` null: an insert; `next` null: a delete. */
  written(tableNumber: number, id: string, previous: DocumentJSON | null, next: DocumentJSON | null): void;
}

export interface StoredDocument {
  id: string;
  tableNumber: number;
  creationTime: number;
  json: string;
}

/** The index key of a document: the values at the index's key fields, as one sort key. */
export function indexKey(def: IndexDef, doc: DocumentJSON): Uint8Array {
  return encodeTuple(def.keyPaths.map((path) => getFieldValue(doc, path)));
}

export class DocumentWriter {
  constructor(
    private readonly sql: Sql,
    private readonly catalog: Catalog,
    private readonly observers: ReadonlyArray<WriteObserver> = [],
  ) {}

  read(id: string): StoredDocument | undefined {
    const row = this.sql.one("SELECT table_number, creation_time, json FROM documents WHERE id = ?", [id]);
    if (!row) return undefined;
    return { id, tableNumber: row[0] as number, creationTime: row[1] as number, json: row[2] as string };
  }

  /**
   * Inserts or replaces a document (its table must be registered). Callers that already have the
   * parsed document, or know the previous version (null: a new document), pass them to save work.
   */
  put(
    doc: StoredDocument,
    next: DocumentJSON = JSON.parse(doc.json) as DocumentJSON,
    previous?: { stored: StoredDocument; doc: DocumentJSON } | null,
  ): void {
    if (previous === undefined) {
      const stored = this.read(doc.id);
      previous = stored ? { stored, doc: JSON.parse(stored.json) as DocumentJSON } : null;
    }
    if (previous && previous.stored.tableNumber !== doc.tableNumber) throw new Error(`Document ${doc.id} changed tables`);
    for (const def of this.catalog.indexes(doc.tableNumber)) {
      const key = indexKey(def, next);
      if (previous) {
        const oldKey = indexKey(def, previous.doc);
        if (compareBytes(oldKey, key) === 0) continue;
        this.sql.run("DELETE FROM index_entries WHERE index_id = ? AND key = ?", [def.id, oldKey]);
      }
      this.sql.run("INSERT INTO index_entries (index_id, key, doc_id) VALUES (?, ?, ?)", [def.id, key, doc.id]);
    }
    if (previous) {
      this.sql.run("UPDATE documents SET json = ? WHERE id = ?", [doc.json, doc.id]);
    } else {
      this.sql.run("INSERT INTO documents (id, table_number, creation_time, json) VALUES (?, ?, ?, ?)", [
        doc.id,
        doc.tableNumber,
        doc.creationTime,
        doc.json,
      ]);
      this.sql.run("UPDATE tables SET doc_count = doc_count + 1 WHERE number = ?", [doc.tableNumber]);
    }
    for (const observer of this.observers) observer.written(doc.tableNumber, doc.id, previous?.doc ?? null, next);
  }

  /** Deletes a document and its index entries; returns what was deleted, if anything. */
  remove(id: string): StoredDocument | undefined {
    const old = this.read(id);
    if (!old) return undefined;
    const oldDoc = JSON.parse(old.json) as DocumentJSON;
    for (const def of this.catalog.indexes(old.tableNumber)) {
      this.sql.run("DELETE FROM index_entries WHERE index_id = ? AND key = ?", [def.id, indexKey(def, oldDoc)]);
    }
    this.sql.run("DELETE FROM documents WHERE id = ?", [id]);
    this.sql.run("UPDATE tables SET doc_count = doc_count - 1 WHERE number = ?", [old.tableNumber]);
    for (const observer of this.observers) observer.written(old.tableNumber, id, oldDoc, null);
    return old;
  }

  /** Fills a newly created index from its table's documents (schema changes only). */
  buildIndex(def: IndexDef): void {
    for (const [id, json] of this.sql.all("SELECT id, json FROM documents WHERE table_number = ?", [def.tableNumber])) {
      const key = indexKey(def, JSON.parse(json as string) as DocumentJSON);
      this.sql.run("INSERT INTO index_entries (index_id, key, doc_id) VALUES (?, ?, ?)", [def.id, key, id as string]);
    }
  }
}
