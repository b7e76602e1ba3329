// The contract between the executor (which relays syscalls from the user-code worker) and the
// document store. Values cross it in Convex's JSON wire form (`convexToJson`), because that is
// the form the syscalls carry; the store decodes them only where it must compare.

/** A value in `convexToJson` form. */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** A document in wire form: user fields plus `_id` and `_creationTime`. */
export type DocumentJSON = { [key: string]: JSONValue } & { _id: string; _creationTime: number };

/** The serialized query the `convex` package sends with `1.0/queryStream` / `1.0/queryPage`. */
export interface SerializedQuery {
  source:
    | { type: "FullTableScan"; tableName: string; order: "asc" | "desc" | null }
    | { type: "IndexRange"; indexName: string; range: RangeExpression[]; order: "asc" | "desc" | null }
    | { type: "Search"; indexName: string; filters: SearchFilterExpression[] };
  operators: Array<{ filter: JSONValue } | { limit: number }>;
}
export interface RangeExpression {
  type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte";
  fieldPath: string;
  value: JSONValue;
}
export type SearchFilterExpression =
  | { type: "Search"; fieldPath: string; value: string }
  | { type: "Eq"; fieldPath: string; value: JSONValue };

/** Arguments of `1.0/queryPage`, as sent by the package. */
export interface QueryPageArgs {
  query: SerializedQuery;
  cursor: string | null;
  endCursor: string | null;
  pageSize: number;
  maximumRowsRead: number | null;
  maximumBytesRead?: number | null;
}
export interface QueryPageResult {
  page: DocumentJSON[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: "SplitRecommended" | "SplitRequired" | null;
}

/** One batch of a streamed query. `position` is opaque; pass it back to continue. */
export interface QueryBatch {
  docs: DocumentJSON[];
  position: string | null;
  done: boolean;
}

/** What the store needs to know of `schema.ts` (from `defineSchema(...).export()`). */
export interface SchemaInfo {
  schemaValidation: boolean;
  tables: Array<{
    tableName: string;
    indexes: Array<{ indexDescriptor: string; fields: string[] }>;
    /** Indexes declared with `.staged()`: defined but not queryable ("Index … is currently staged"). */
    stagedDbIndexes?: Array<{ indexDescriptor: string; fields: string[] }>;
    searchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }>;
    /** Search indexes declared with `staged: true`: not built, not queryable. */
    stagedSearchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }>;
    documentType: JSONValue | null;
  }>;
}

/** Reads at one snapshot. Every method is synchronous: sql.js is. */
export interface ReadTransaction {
  /** Commit timestamp of the snapshot, nanoseconds. */
  readonly snapshotTs: bigint;
  get(id: string, options?: { table?: string; isSystem?: boolean }): DocumentJSON | null;
  queryBatch(query: SerializedQuery, position: string | null, maxDocs: number, options?: { isSystem?: boolean }): QueryBatch;
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
  /** Makes the writes durable (written to the log on disk) before it returns. */
  commit(): { ts: bigint };
  /** Drops every write. Same as `end()` on a write transaction that was not committed. */
  abort(): void;
}
