// The full-text search indexes: their registry (SQLite, with an in-memory copy reloaded after a
// rollback, like the catalog's), their maintenance on every document write (DocumentWriter calls
// `written`, for transactions and log replay alike), and building/dropping them when the schema
// changes. The tables are described in search-sql.ts, the postings in search-postings.ts.
//
// Documents are numbered per index in creation order (a new document gets the next number, an index
// built later numbers the table's documents by creation time), so "newest first" among equal scores
// is "highest number first".
import type { Catalog } from "./catalog";
import type { WriteObserver } from "./document-writer";
import { encodePosting, type Posting, SEAL_BYTES, TAIL, withoutPosting, withPosting } from "./search-postings";
import { type DocumentTerms, documentTerms, type SearchIndexDef, termBytes } from "./search-terms";
import { fieldnormId } from "./search-bm25";
import type { Sql } from "./sql";
import type { DocumentJSON, SchemaInfo } from "./types";

/** A declared search index, as applied and logged: [table number, name, search field, filter fields]. */
export type DeclaredSearchIndex = [number, string, string, string[]];

/** The search indexes a schema declares (staged ones are not built), for tables the catalog has. */
export function declaredSearchIndexes(schema: SchemaInfo | null, catalog: Catalog): DeclaredSearchIndex[] {
  const declared: DeclaredSearchIndex[] = [];
  for (const table of schema?.tables ?? []) {
    const info = catalog.table(table.tableName);
    if (!info) continue;
    for (const index of table.searchIndexes ?? []) {
      declared.push([info.number, index.indexDescriptor, index.searchField, [...index.filterFields]]);
    }
  }
  return declared;
}

/** Rows per multi-row append statement, largest first (a few statement shapes to cache). */
const APPEND_BATCHES = [64, 16, 4, 1];

function appendStatement(rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => `(?1, ?${3 + 2 * i}, ?2, ?${4 + 2 * i})`).join(", ");
  return (
    `INSERT INTO search_postings (index_id, term, block, postings) VALUES ${values} ` +
    "ON CONFLICT (index_id, term, block) DO UPDATE SET postings = CAST(postings || excluded.postings AS BLOB) " +
    "RETURNING term, length(postings)"
  );
}

function sameDefinition(def: SearchIndexDef, [, , searchField, filterFields]: DeclaredSearchIndex): boolean {
  return def.searchField === searchField && JSON.stringify(def.filterFields) === JSON.stringify(filterFields);
}

export class SearchIndexes implements WriteObserver {
  private byTable = new Map<number, SearchIndexDef[]>();

  constructor(private readonly sql: Sql) {
    this.reload();
  }

  reload(): void {
    this.byTable.clear();
    const rows = this.sql.all("SELECT id, table_number, name, search_field, filter_fields FROM search_indexes ORDER BY id");
    for (const [id, tableNumber, name, searchField, filterFields] of rows) {
      const def: SearchIndexDef = {
        id: id as number,
        tableNumber: tableNumber as number,
        name: name as string,
        searchField: searchField as string,
        filterFields: JSON.parse(filterFields as string) as string[],
      };
      const list = this.byTable.get(def.tableNumber) ?? [];
      list.push(def);
      this.byTable.set(def.tableNumber, list);
    }
  }

  indexes(tableNumber: number): ReadonlyArray<SearchIndexDef> {
    return this.byTable.get(tableNumber) ?? [];
  }

  index(tableNumber: number, name: string): SearchIndexDef | undefined {
    return this.indexes(tableNumber).find((def) => def.name === name);
  }

  /** The index's total number of terms (BM25's average length is this over the table's documents). */
  totalTerms(def: SearchIndexDef): number {
    return (this.sql.one("SELECT total_terms FROM search_indexes WHERE id = ?", [def.id])?.[0] as number | undefined) ?? 0;
  }

  /** Makes the search indexes exactly `declared` (building new ones); true if anything changed. */
  apply(declared: ReadonlyArray<DeclaredSearchIndex>): boolean {
    const wanted = new Map(declared.map((d) => [`${d[0]}\u0000${d[1]}`, d]));
    let changed = false;
    for (const list of [...this.byTable.values()]) {
      for (const def of list) {
        const want = wanted.get(`${def.tableNumber}\u0000${def.name}`);
        if (!want || !sameDefinition(def, want)) {
          this.drop(def);
          changed = true;
        }
      }
    }
    for (const d of declared) {
      if (this.index(d[0], d[1])) continue;
      this.build(this.create(d));
      changed = true;
    }
    return changed;
  }

  /** Keeps the indexes of the document's table up to date; `next` null is a delete. */
  written(tableNumber: number, id: string, previous: DocumentJSON | null, next: DocumentJSON | null): void {
    for (const def of this.indexes(tableNumber)) {
      const before = previous ? documentTerms(def, previous) : null;
      const after = next ? documentTerms(def, next) : null;
      if (!before) {
        this.insert(def, id, after!);
        continue;
      }
      const num = this.sql.one("SELECT num FROM search_docs WHERE index_id = ? AND doc_id = ?", [def.id, id])?.[0] as number;
      this.update(def, num, before, after ?? { length: 0, frequencies: new Map(), filters: new Map() });
      if (!after) this.sql.run("DELETE FROM search_docs WHERE index_id = ? AND doc_id = ?", [def.id, id]);
    }
  }

  private create([tableNumber, name, searchField, filterFields]: DeclaredSearchIndex): SearchIndexDef {
    const max = this.sql.one("SELECT MAX(id) FROM search_indexes")?.[0];
    const id = typeof max === "number" ? max + 1 : 1;
    this.sql.run("INSERT INTO search_indexes (id, table_number, name, search_field, filter_fields) VALUES (?, ?, ?, ?, ?)", [
      id,
      tableNumber,
      name,
      searchField,
      JSON.stringify(filterFields),
    ]);
    const def: SearchIndexDef = { id, tableNumber, name, searchField, filterFields: [...filterFields] };
    this.byTable.set(tableNumber, [...this.indexes(tableNumber), def]);
    return def;
  }

  private drop(def: SearchIndexDef): void {
    for (const table of ["search_postings", "search_docs"]) {
      this.sql.run(`DELETE FROM ${table} WHERE index_id = ?`, [def.id]);
    }
    this.sql.run("DELETE FROM search_indexes WHERE id = ?", [def.id]);
    this.byTable.set(
      def.tableNumber,
      this.indexes(def.tableNumber).filter((other) => other.id !== def.id),
    );
  }

  /** Indexes the table's documents, oldest first (the numbers follow creation order). */
  private build(def: SearchIndexDef): void {
    const rows = this.sql.all("SELECT id, json FROM documents WHERE table_number = ? ORDER BY creation_time, id", [def.tableNumber]);
    for (const [id, json] of rows) this.insert(def, id as string, documentTerms(def, JSON.parse(json as string) as DocumentJSON));
  }

  /** A new document: the next number, and its postings appended to the end of their blocks. */
  private insert(def: SearchIndexDef, id: string, terms: DocumentTerms): void {
    const num = this.sql.one(
      "UPDATE search_indexes SET next_num = next_num + 1, total_terms = total_terms + ? WHERE id = ? RETURNING next_num - 1",
      [terms.length, def.id],
    )?.[0] as number;
    this.sql.run("INSERT INTO search_docs (index_id, doc_id, num) VALUES (?, ?, ?)", [def.id, id, num]);
    if (terms.length === 0) return;
    const fieldnorm = fieldnormId(terms.length);
    const postings: Array<[Uint8Array, Uint8Array]> = [];
    for (const [term, frequency] of terms.frequencies) postings.push([termBytes(term), encodePosting({ num, fieldnorm, frequency })]);
    const filterPosting = encodePosting({ num, fieldnorm: 0, frequency: 1 });
    for (const term of terms.filters.values()) postings.push([term, filterPosting]);
    this.append(def, num, postings);
  }

  /** A changed (or, with empty `after`, deleted) document: postings that differ are rewritten. */
  private update(def: SearchIndexDef, num: number, before: DocumentTerms, after: DocumentTerms): void {
    if (after.length !== before.length) {
      this.sql.run("UPDATE search_indexes SET total_terms = total_terms + ? WHERE id = ?", [after.length - before.length, def.id]);
    }
    const normBefore = fieldnormId(before.length);
    const normAfter = fieldnormId(after.length);
    for (const term of before.frequencies.keys()) {
      if (!after.frequencies.has(term)) this.removePosting(def, termBytes(term), num);
    }
    for (const [term, frequency] of after.frequencies) {
      if (before.frequencies.get(term) === frequency && normBefore === normAfter) continue;
      this.putPosting(def, termBytes(term), { num, fieldnorm: normAfter, frequency });
    }
    // Filter terms are kept only for documents with search terms: no other document can match.
    const filtersBefore = before.length > 0 ? before.filters : new Map<string, Uint8Array>();
    const filtersAfter = after.length > 0 ? after.filters : new Map<string, Uint8Array>();
    for (const [key, term] of filtersBefore) if (!filtersAfter.has(key)) this.removePosting(def, term, num);
    for (const [key, term] of filtersAfter) if (!filtersBefore.has(key)) this.putPosting(def, term, { num, fieldnorm: 0, frequency: 1 });
  }

  /**
   * Appends a new document's postings to their terms' tail rows, several terms per statement (an
   * insert costs a few statements, not one per term), and closes the tail rows that are full.
   */
  private append(def: SearchIndexDef, num: number, postings: ReadonlyArray<[Uint8Array, Uint8Array]>): void {
    let at = 0;
    while (at < postings.length) {
      const rows = APPEND_BATCHES.find((size) => size <= postings.length - at)!;
      const params: Array<number | Uint8Array> = [def.id, TAIL];
      for (let i = 0; i < rows; i++) params.push(...postings[at + i]!);
      for (const [term, length] of this.sql.all(appendStatement(rows), params)) {
        if ((length as number) < SEAL_BYTES) continue;
        this.sql.run("UPDATE search_postings SET block = ? WHERE index_id = ? AND term = ? AND block = ?", [
          num,
          def.id,
          term as Uint8Array,
          TAIL,
        ]);
      }
      at += rows;
    }
  }

  /** The row that holds, or would hold, document `num`'s posting for `term`: the first with key ≥ num. */
  private rowFor(def: SearchIndexDef, term: Uint8Array, num: number): { rowid: number; postings: Uint8Array } | undefined {
    const row = this.sql.one(
      "SELECT rowid, postings FROM search_postings WHERE index_id = ? AND term = ? AND block >= ? ORDER BY block LIMIT 1",
      [def.id, term, num],
    );
    return row ? { rowid: row[0] as number, postings: row[1] as Uint8Array } : undefined;
  }

  private putPosting(def: SearchIndexDef, term: Uint8Array, posting: Posting): void {
    const row = this.rowFor(def, term, posting.num);
    if (row) {
      this.sql.run("UPDATE search_postings SET postings = ? WHERE rowid = ?", [withPosting(row.postings, posting), row.rowid]);
    } else {
      this.sql.run("INSERT INTO search_postings (index_id, term, block, postings) VALUES (?, ?, ?, ?)", [
        def.id,
        term,
        TAIL,
        encodePosting(posting),
      ]);
    }
  }

  private removePosting(def: SearchIndexDef, term: Uint8Array, num: number): void {
    const row = this.rowFor(def, term, num);
    if (!row) return;
    const postings = withoutPosting(row.postings, num);
    if (postings.length === 0) this.sql.run("DELETE FROM search_postings WHERE rowid = ?", [row.rowid]);
    else this.sql.run("UPDATE search_postings SET postings = ? WHERE rowid = ?", [postings, row.rowid]);
  }
}
