// Executes planned queries inside a transaction: streamed batches (`1.0/queryStream` +
// `queryStreamNext`) and pages (`1.0/queryPage`). Rows come from SQL range scans over the index's
// BLOB keys, a bounded number at a time, so the cost follows the rows read, not the table size.
// Reads run on the transaction's connection, so a write transaction sees its own writes.
import { type CursorPosition, decodeCursor, encodeCursor, encodeStreamPosition } from "./cursor";
import { invalidPaginationLimit, noDocumentsForPagination, StoreError } from "./errors";
import { jsonSize } from "./json-values";
import {
  hasFilter,
  limitCount,
  limitReached,
  passOperators,
  resumeStream,
  SOFT_MAX_PAGE_LEN,
  softLimit,
  TRANSACTION_MAX_READ_SIZE_BYTES,
  TRANSACTION_MAX_READ_SIZE_ROWS,
} from "./query-pipeline";
import { planQuery, type PlanContext, type QueryPlan } from "./query-plan";
import { SearchRunner } from "./search-stream";
import { compareBytes } from "./sort-key";
import type { Sql } from "./sql";
import type { DocumentJSON, QueryBatch, QueryBatchJson, QueryPageArgs, QueryPageResult, SerializedQuery } from "./types";

interface Row {
  key: Uint8Array;
  json: string;
}

export interface EngineContext extends PlanContext {
  sql: Sql;
}

// Backend fetch sizes (crates/database/src/query).
const DEFAULT_QUERY_PREFETCH = 100;
const MAX_QUERY_FETCH = 1024;
const FILTER_QUERY_PREFETCH = 100;

const SELECT = "SELECT e.key, d.json FROM index_entries e JOIN documents d ON d.id = e.doc_id WHERE e.index_id = ?";
const SCAN_ASC_FROM = `${SELECT} AND e.key >= ? AND e.key < ? ORDER BY e.key ASC LIMIT ?`;
const SCAN_ASC_AFTER = `${SELECT} AND e.key > ? AND e.key < ? ORDER BY e.key ASC LIMIT ?`;
const SCAN_DESC = `${SELECT} AND e.key >= ? AND e.key < ? ORDER BY e.key DESC LIMIT ?`;

/** The smallest key after `key` (for an inclusive end bound). */
function justAfter(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

/** A batch's documents as `T`; a batch of `DocumentJSON` is a QueryBatch, one of `string` a QueryBatchJson. */
type Batch<T> = { docs: T[]; position: string | null; done: boolean };

/** How a batch keeps its documents: parsed, or as their stored JSON text. */
interface BatchForm<T> {
  /** Whether `fromRow` needs the row parsed. */
  parsed: boolean;
  /** A row's document, given its stored text and, when parsed (or filtered), the parsed text. */
  fromRow(json: string, doc: DocumentJSON | null): T;
  /** A document the search index produced (already parsed). */
  fromDocument(doc: DocumentJSON): T;
}

const PARSED: BatchForm<DocumentJSON> = {
  parsed: true,
  fromRow: (_json, doc) => doc!,
  fromDocument: (doc) => doc,
};

const STORED_TEXT: BatchForm<string> = {
  parsed: false,
  fromRow: (json) => json,
  fromDocument: (doc) => JSON.stringify(doc),
};

const maxBytes = (a: Uint8Array, b: Uint8Array) => (compareBytes(a, b) >= 0 ? a : b);
const minBytes = (a: Uint8Array, b: Uint8Array) => (compareBytes(a, b) <= 0 ? a : b);

export class QueryEngine {
  private readonly search: SearchRunner;

  constructor(private readonly ctx: EngineContext) {
    this.search = new SearchRunner(ctx);
  }

  /**
   * Up to `limit` rows of the plan's interval strictly after `after` in scan order, and not
   * beyond `endKey` (inclusive) when given.
   */
  private scan(plan: QueryPlan, after: Uint8Array | null, endKey: Uint8Array | null, limit: number): Row[] {
    if (!plan.index || limit <= 0) return [];
    let { lo, hi } = plan.interval;
    if (endKey) {
      if (plan.order === "asc") hi = minBytes(hi, justAfter(endKey));
      else lo = maxBytes(lo, endKey);
    }
    if (compareBytes(lo, hi) >= 0) return [];
    let rows;
    if (plan.order === "asc") {
      rows =
        after && compareBytes(after, lo) >= 0
          ? this.ctx.sql.all(SCAN_ASC_AFTER, [plan.index.id, after, hi, limit])
          : this.ctx.sql.all(SCAN_ASC_FROM, [plan.index.id, lo, hi, limit]);
    } else {
      const upper = after ? minBytes(after, hi) : hi;
      rows = this.ctx.sql.all(SCAN_DESC, [plan.index.id, lo, upper, limit]);
    }
    return rows.map(([key, json]) => ({ key: key as Uint8Array, json: json as string }));
  }

  /** The next batch of a streamed query, continuing after `position` (null: from the start). */
  queryBatch(query: SerializedQuery, position: string | null, maxDocs: number, isSystem: boolean): QueryBatch {
    return this.#batch(query, position, maxDocs, isSystem, PARSED);
  }

  /**
   * The same batch with each document as its stored JSON text, which is what the worker's syscall
   * answers with: the host then neither parses the documents nor clones them as objects. The text
   * is `JSON.stringify`'s own output (document-writer.ts), so it is what stringifying the parsed
   * document gives, byte for byte.
   */
  queryBatchJson(query: SerializedQuery, position: string | null, maxDocs: number, isSystem: boolean): QueryBatchJson {
    return this.#batch(query, position, maxDocs, isSystem, STORED_TEXT);
  }

  #batch<T>(query: SerializedQuery, position: string | null, maxDocs: number, isSystem: boolean, form: BatchForm<T>): Batch<T> {
    const plan = planQuery(this.ctx, query, isSystem);
    if (plan.search) {
      const batch = this.search.batch(plan, plan.search, position, maxDocs);
      return { ...batch, docs: batch.docs.map(form.fromDocument) };
    }
    const state = resumeStream(plan, position);
    const docs: T[] = [];
    const result = (done: boolean): Batch<T> => ({ docs, position: encodeStreamPosition(state), done });
    if (limitReached(plan, state.limitCounts)) return result(true);
    if (maxDocs <= 0) return result(false);
    // Only a filter looks into the documents.
    const parse = hasFilter(plan) || form.parsed;
    for (;;) {
      const chunk = Math.min(MAX_QUERY_FETCH, Math.max(maxDocs - docs.length, DEFAULT_QUERY_PREFETCH));
      const rows = this.scan(plan, state.after, null, chunk);
      for (const row of rows) {
        state.after = row.key;
        const doc = parse ? (JSON.parse(row.json) as DocumentJSON) : null;
        if (passOperators(plan, doc, state.limitCounts)) docs.push(form.fromRow(row.json, doc));
        if (limitReached(plan, state.limitCounts)) return result(true);
        if (docs.length >= maxDocs) return result(false);
      }
      if (rows.length < chunk) return result(true);
    }
  }

  /**
   * One page of a paginated query, with the backend's semantics (crates/isolate/src/environment/
   * udf/async_syscall.rs `query_page`, crates/database/src/query/index_range.rs):
   *  - the page ends when it has `pageSize` documents (then `isDone` is false even if nothing
   *    follows: the next page is empty and done), or when the range is exhausted (`isDone`);
   *  - `maximumRowsRead` / `maximumBytesRead` stop the scan once that many rows / bytes were read
   *    (always after at least one row), with `pageStatus: "SplitRequired"`;
   *  - with `endCursor`, the page is everything up to and including that position, and the
   *    limits and `pageSize` do not apply;
   *  - `splitCursor` is the middle of the rows read, when more than two were;
   *  - `pageStatus: "SplitRecommended"` when the page read over 3/4 of a limit, or is very long.
   */
  queryPage(args: QueryPageArgs, isSystem: boolean): QueryPageResult {
    const pageSize = args.pageSize;
    if (typeof pageSize !== "number" || !(pageSize > 0)) throw noDocumentsForPagination();
    const maxRows = args.maximumRowsRead ?? null;
    const maxBytes = args.maximumBytesRead ?? null;
    if (maxRows === 0 || maxBytes === 0) throw invalidPaginationLimit();
    const plan = planQuery(this.ctx, args.query, isSystem);
    const start = args.cursor === null ? null : decodeCursor(args.cursor, plan.fingerprint);
    const end = args.endCursor === null ? null : decodeCursor(args.endCursor, plan.fingerprint);
    if (plan.search) return this.search.page(plan, plan.search, start, end, pageSize);
    const endKey = end?.kind === "after" ? end.key : null;
    const enforceLimits = end === null;

    // The index-range reader (the backend's IndexRange node).
    let current: CursorPosition | null = start;
    let unfetchedEmpty = start?.kind === "end";
    const buffer: Row[] = [];
    let rowsRead = 0;
    let bytesRead = 0;
    const readKeys: Uint8Array[] = [];
    const LIMIT = Symbol("limit");
    const nextRow = (prefetchHint: number): DocumentJSON | null | typeof LIMIT => {
      for (;;) {
        if (enforceLimits && maxBytes !== null && bytesRead >= maxBytes) return LIMIT;
        const row = buffer.shift();
        if (row) {
          readKeys.push(row.key);
          current = { kind: "after", key: row.key };
          const doc = JSON.parse(row.json) as DocumentJSON;
          bytesRead += jsonSize(doc);
          return doc;
        }
        if (current?.kind === "end") return null;
        if (unfetchedEmpty) {
          current = end ?? { kind: "end" };
          return null;
        }
        let fetch = Math.min(Math.max(prefetchHint, 1), MAX_QUERY_FETCH);
        if (enforceLimits && maxRows !== null) {
          if (rowsRead >= maxRows) return LIMIT;
          fetch = Math.min(fetch, maxRows - rowsRead);
        }
        const after = current?.kind === "after" ? current.key : null;
        const rows = this.scan(plan, after, endKey, fetch);
        if (rows.length < fetch) unfetchedEmpty = true;
        rowsRead += rows.length;
        buffer.push(...rows);
      }
    };

    // The filter / limit pipeline on top of it.
    const limitCounts = new Array<number>(limitCount(plan)).fill(0);
    const filtered = hasFilter(plan);
    const nextDoc = (hint: number): DocumentJSON | null | typeof LIMIT => {
      for (;;) {
        if (limitReached(plan, limitCounts)) return null;
        const doc = nextRow(filtered ? FILTER_QUERY_PREFETCH : hint);
        if (doc === null || doc === LIMIT) return doc;
        if (passOperators(plan, doc, limitCounts)) return doc;
      }
    };

    const page: DocumentJSON[] = [];
    let pageStatus: QueryPageResult["pageStatus"] = null;
    while (end !== null || page.length < pageSize) {
      const doc = nextDoc(end !== null ? pageSize : pageSize - page.length);
      if (doc === LIMIT) {
        pageStatus = "SplitRequired";
        break;
      }
      if (doc === null) break;
      page.push(doc);
    }
    if (
      pageStatus === null &&
      (rowsRead > softLimit(Math.min(maxRows ?? TRANSACTION_MAX_READ_SIZE_ROWS, TRANSACTION_MAX_READ_SIZE_ROWS)) ||
        bytesRead > softLimit(Math.min(maxBytes ?? TRANSACTION_MAX_READ_SIZE_BYTES, TRANSACTION_MAX_READ_SIZE_BYTES)) ||
        page.length > SOFT_MAX_PAGE_LEN)
    ) {
      pageStatus = "SplitRecommended";
    }
    const position: CursorPosition | null = end ?? current;
    if (position === null) throw new StoreError("Internal", "Pagination ended without a position");
    const splitKey = readKeys.length > 2 ? readKeys[Math.floor(readKeys.length / 2)]! : null;
    return {
      page,
      isDone: position.kind === "end",
      continueCursor: encodeCursor(plan.fingerprint, position),
      splitCursor: splitKey === null ? null : encodeCursor(plan.fingerprint, { kind: "after", key: splitKey }),
      pageStatus,
    };
  }

  /** Number of documents in a table (0 for a table that does not exist). */
  count(tableName: string): number {
    const table = this.ctx.catalog.table(tableName);
    if (!table) return 0;
    const row = this.ctx.sql.one("SELECT doc_count FROM tables WHERE number = ?", [table.number]);
    return (row?.[0] as number | undefined) ?? 0;
  }
}
