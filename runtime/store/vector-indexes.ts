// Every vector index of the deployment (app and component tables alike, by stored table name).
//
// A vector index is derived data: its definition comes from the schema (applied at every load),
// its contents from the documents, which the store keeps durable (snapshot + commit log). So it
// lives in memory only: built from the table's documents the first time it is searched, then kept
// up to date by every commit, with each written document's final version. Vector search runs in
// actions, outside any transaction, so the index only ever needs committed state: writes rolled
// back (an aborted mutation, a nested mutation that failed) never reach it.
import { BY_CREATION_TIME, BY_ID } from "./catalog";
import { indexNotFound, indexStaged, StoreError } from "./errors";
import { tableNumberOfId } from "./ids";
import type { LogEntry } from "./persistence";
import type { DocumentJSON, SchemaInfo, VectorIndexSchema } from "./types";
import { normalize, VectorIndex, type VectorMatch } from "./vector-index";
import { notAVectorIndex } from "./vector-errors";
import { checkVectorQuery, parseVectorQuery } from "./vector-query";

/** Where an index's documents come from when it is built. */
export interface VectorDocumentSource {
  tableNumber(table: string): number | undefined;
  tableName(tableNumber: number): string | undefined;
  documentCount(tableNumber: number): number;
  /** Calls `visit` with the JSON of each document of the table. */
  eachDocument(tableNumber: number, visit: (json: string) => void): void;
}

function sameSchema(a: VectorIndexSchema, b: VectorIndexSchema): boolean {
  return (
    a.vectorField === b.vectorField &&
    a.dimensions === b.dimensions &&
    a.filterFields.length === b.filterFields.length &&
    a.filterFields.every((field, i) => field === b.filterFields[i])
  );
}

/** "table.index" split as the backend parses an index name (`GenericIndexName::from_str`). */
function splitIndexName(indexName: string): [string, string] {
  const parts = indexName.split(".");
  if (parts.length < 2) throw new StoreError("IndexNotEnoughNameComponents", `Insufficient components in index name ${indexName}`);
  if (parts.length > 2) throw new StoreError("IndexTooManyNameComponents", `Too many components in index name ${indexName}`);
  return [parts[0]!, parts[1]!];
}

export class VectorIndexes {
  /** Declared (enabled) vector indexes: table → index name → definition. */
  #declared = new Map<string, Map<string, VectorIndexSchema>>();
  #staged = new Map<string, Map<string, VectorIndexSchema>>();
  /** Every other index name of each table (database and search indexes), for "not a vector index". */
  #otherIndexes = new Map<string, Set<string>>();
  /** Indexes built so far: table → index name → contents. */
  readonly #built = new Map<string, Map<string, VectorIndex>>();

  /** Takes the schema's definitions; an index whose definition changed (or went) is dropped. */
  define(schema: SchemaInfo | null): void {
    this.#declared = new Map();
    this.#staged = new Map();
    this.#otherIndexes = new Map();
    for (const table of schema?.tables ?? []) {
      this.#declared.set(table.tableName, new Map((table.vectorIndexes ?? []).map((index) => [index.indexDescriptor, index])));
      this.#staged.set(table.tableName, new Map((table.stagedVectorIndexes ?? []).map((index) => [index.indexDescriptor, index])));
      const others = [...table.indexes, ...(table.stagedDbIndexes ?? []), ...(table.searchIndexes ?? [])].map((i) => i.indexDescriptor);
      this.#otherIndexes.set(table.tableName, new Set([BY_ID, BY_CREATION_TIME, ...others]));
    }
    for (const [table, built] of this.#built) {
      for (const [name, index] of built) {
        const declared = this.#declared.get(table)?.get(name);
        if (!declared || !sameSchema(declared, index.schema)) built.delete(name);
      }
      if (built.size === 0) this.#built.delete(table);
    }
  }

  /** `1.0/actions/vectorSearch`'s query, answered from the committed documents. */
  search(rawQuery: unknown, source: VectorDocumentSource): VectorMatch[] {
    const query = parseVectorQuery(rawQuery);
    const [table, name] = splitIndexName(query.indexName);
    const schema = this.#declared.get(table)?.get(name);
    if (!schema) {
      if (this.#staged.get(table)?.has(name)) throw indexStaged(query.indexName);
      if (this.#otherIndexes.get(table)?.has(name)) throw notAVectorIndex(query.indexName);
      throw indexNotFound(query.indexName);
    }
    checkVectorQuery(query, schema, query.indexName);
    return this.#index(table, name, schema, source).search(normalize(query.vector), query.conditions, query.limit);
  }

  /** Brings the built indexes up to date with a commit (its documents' final versions). */
  applyCommit(entry: LogEntry, source: VectorDocumentSource): void {
    if (this.#built.size === 0) return;
    for (const [, tableNumber, , json] of entry.puts ?? []) {
      const built = this.#builtOf(tableNumber, source);
      if (!built) continue;
      const doc = JSON.parse(json) as DocumentJSON;
      for (const index of built.values()) index.put(doc);
    }
    for (const id of entry.dels ?? []) {
      const tableNumber = tableNumberOfId(id);
      const built = tableNumber === null ? undefined : this.#builtOf(tableNumber, source);
      for (const index of built?.values() ?? []) index.remove(id);
    }
  }

  /** Memory held by the built indexes, in bytes. */
  get bytes(): number {
    let sum = 0;
    for (const built of this.#built.values()) for (const index of built.values()) sum += index.bytes;
    return sum;
  }

  #builtOf(tableNumber: number, source: VectorDocumentSource): Map<string, VectorIndex> | undefined {
    const table = source.tableName(tableNumber);
    return table === undefined ? undefined : this.#built.get(table);
  }

  #index(table: string, name: string, schema: VectorIndexSchema, source: VectorDocumentSource): VectorIndex {
    const existing = this.#built.get(table)?.get(name);
    if (existing) return existing;
    const tableNumber = source.tableNumber(table);
    const index = new VectorIndex(schema, tableNumber === undefined ? 0 : source.documentCount(tableNumber));
    if (tableNumber !== undefined) source.eachDocument(tableNumber, (json) => index.put(JSON.parse(json) as DocumentJSON));
    const built = this.#built.get(table) ?? new Map<string, VectorIndex>();
    built.set(name, index);
    this.#built.set(table, built);
    return index;
  }
}
