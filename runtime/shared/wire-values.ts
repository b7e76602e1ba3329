// Values and queries as they cross the thread boundary and the store's contract: Convex's JSON
// wire form (`convexToJson`), the form the syscalls carry. The worker, the host's op table
// (host-ops.ts) and the store all speak it; it lives here, below all three.

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

/**
 * A batch as the host sends it to the worker: each document as its stored JSON text, which the
 * worker hands to the `convex` package as it is (the package parses the syscall's answer anyway).
 */
export interface QueryBatchJson {
  docs: string[];
  position: string | null;
  done: boolean;
}
