// The contract between the executor (which relays syscalls from the user-code worker) and the
// document store. Values cross it in Convex's JSON wire form (`convexToJson`, shared/wire-values.ts),
// because that is the form the syscalls carry; the store decodes them only where it must compare.

import type {
  DocumentJSON,
  JSONValue,
  QueryBatch,
  QueryBatchJson,
  QueryPageArgs,
  QueryPageResult,
  SerializedQuery,
} from "../shared/wire-values";

export type {
  DocumentJSON,
  JSONValue,
  QueryBatch,
  QueryBatchJson,
  QueryPageArgs,
  QueryPageResult,
  RangeExpression,
  SearchFilterExpression,
  SerializedQuery,
} from "../shared/wire-values";

/** What the store needs to know of `schema.ts` (from `defineSchema(...).export()`). */
export interface SchemaInfo {
  schemaValidation: boolean;
  tables: Array<{
    tableName: string;
    indexes: Array<{ indexDescriptor: string; fields: string[] }>;
    /** Indexes declared with `.staged()`: defined but not queryable ("Index … is currently staged"). */
    stagedDbIndexes?: Array<{ indexDescriptor: string; fields: string[] }>;
    searchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }>;
    vectorIndexes?: VectorIndexSchema[];
    /** Vector indexes declared with `.staged()`: defined but not searchable. */
    stagedVectorIndexes?: VectorIndexSchema[];
    /** Search indexes declared with `staged: true`: not built, not queryable. */
    stagedSearchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }>;
    documentType: JSONValue | null;
  }>;
}

/** A `vectorIndex(...)` of `schema.ts`, as `defineSchema(...).export()` writes it. */
export interface VectorIndexSchema {
  indexDescriptor: string;
  vectorField: string;
  dimensions: number;
  filterFields: string[];
}

/** Reads at one snapshot. Every method is synchronous: sql.js is. */
export interface ReadTransaction {
  /** Commit timestamp of the snapshot, nanoseconds. */
  readonly snapshotTs: bigint;
  get(id: string, options?: { table?: string; isSystem?: boolean }): DocumentJSON | null;
  queryBatch(query: SerializedQuery, position: string | null, maxDocs: number, options?: { isSystem?: boolean }): QueryBatch;
  /** The same batch with each document as its stored JSON text (unparsed), for the worker. */
  queryBatchJson(query: SerializedQuery, position: string | null, maxDocs: number, options?: { isSystem?: boolean }): QueryBatchJson;
  queryPage(args: QueryPageArgs, options?: { isSystem?: boolean }): QueryPageResult;
  count(table: string): number;
  normalizeId(table: string, idString: string): string | null;
  /** Ends the transaction and releases its lock. */
  end(): void;
}

export interface WriteTransaction extends ReadTransaction {
  /** `isSystem` (host-internal only) allows inserting into `_`-prefixed system tables. */
  insert(table: string, value: { [key: string]: JSONValue }, options?: { isSystem?: boolean }): string;
  /** `db.patch`: a field whose value is `{"$undefined": null}` is removed. Returns the new document. */
  patch(id: string, value: { [key: string]: JSONValue }, options?: { table?: string; isSystem?: boolean }): DocumentJSON;
  replace(id: string, value: { [key: string]: JSONValue }, options?: { table?: string; isSystem?: boolean }): DocumentJSON;
  remove(id: string, options?: { table?: string; isSystem?: boolean }): DocumentJSON;
  /** Nested mutation boundaries (`ctx.runMutation` inside a mutation). */
  savepoint(): number;
  rollbackTo(savepoint: number): void;
  release(savepoint: number): void;
  /**
   * Makes the writes durable (written to the log on disk) before it returns. `requestId`: the
   * request whose function made the writes, told to commit listeners (live queries link a re-run
   * to it).
   */
  commit(options?: { requestId?: string | null }): { ts: bigint };
  /** Drops every write. Same as `end()` on a write transaction that was not committed. */
  abort(): void;
}
