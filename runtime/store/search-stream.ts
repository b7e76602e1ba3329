// Streams and pages of a `withSearchIndex` query, with the backend's semantics
// (crates/database/src/query/search_query.rs):
//  * the search runs when the query starts; a streamed query yields the results of that run to
//    the end (as the backend keeps its candidate list), a page runs the search again;
//  * a result's position is (−score, −document number), which is (score, then newest first): a
//    cursor continues after the last result read, among the results of the search as it is now;
//  * reading past the 1024th result is an error ("Search query scanned too many documents"),
//    documents dropped by `.filter()` included;
//  * `.filter()` and `.take()` apply to the results as to any other source;
//  * pages have no split cursor, ignore `maximumRowsRead`/`maximumBytesRead` (a search reads at most
//    1024 documents anyway), and are "SplitRecommended" past 768 results or 12 MiB read.
import { type CursorPosition, encodeCursor, encodeStreamPosition } from "./cursor";
import { jsonSize } from "./json-values";
import {
  limitCount,
  limitReached,
  passOperators,
  resumeStream,
  SOFT_MAX_PAGE_LEN,
  softLimit,
  TRANSACTION_MAX_READ_SIZE_BYTES,
} from "./query-pipeline";
import type { QueryPlan, SearchPlan } from "./query-plan";
import { scannedTooManyDocuments } from "./search-errors";
import type { SearchIndexes } from "./search-indexes";
import { MAX_CANDIDATE_REVISIONS } from "./search-limits";
import { type Ranked, rankSearch } from "./search-ranking";
import { compareBytes, encodeTuple } from "./sort-key";
import type { Sql } from "./sql";
import type { DocumentJSON, QueryBatch, QueryPageResult } from "./types";

export interface SearchContext {
  sql: Sql;
  searchIndexes: SearchIndexes;
}

/** Streams in progress whose results are kept; more are started again from their position. */
const KEPT_STREAMS = 16;

const keyOf = (ranked: Ranked, i: number): Uint8Array => encodeTuple([-ranked.scores[i]!, -ranked.nums[i]!]);

/** The index of the first result after `key` (results are in key order). */
function firstAfter(ranked: Ranked, key: Uint8Array): number {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareBytes(keyOf(ranked, mid), key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SearchRunner {
  /** Results of streams that may ask for more, by query; dropped when another search starts the same query. */
  private readonly streams = new Map<string, Ranked>();

  constructor(private readonly ctx: SearchContext) {}

  private rank(search: SearchPlan): Ranked {
    const { sql, searchIndexes } = this.ctx;
    const totalDocs =
      (sql.one("SELECT doc_count FROM tables WHERE number = ?", [search.index.tableNumber])?.[0] as number | undefined) ?? 0;
    return rankSearch(sql, search.index, search.query, totalDocs, searchIndexes.totalTerms(search.index));
  }

  private load(search: SearchPlan, num: number): DocumentJSON | null {
    const row = this.ctx.sql.one("SELECT json FROM documents WHERE id = (SELECT doc_id FROM search_docs WHERE index_id = ? AND num = ?)", [
      search.index.id,
      num,
    ]);
    return row ? (JSON.parse(row[0] as string) as DocumentJSON) : null;
  }

  batch(plan: QueryPlan, search: SearchPlan, position: string | null, maxDocs: number): QueryBatch {
    const streamKey = `${search.index.id}:${Buffer.from(plan.fingerprint).toString("hex")}`;
    let ranked = position === null ? undefined : this.streams.get(streamKey);
    if (ranked === undefined) {
      ranked = this.rank(search);
      this.streams.delete(streamKey);
      this.streams.set(streamKey, ranked);
      if (this.streams.size > KEPT_STREAMS) this.streams.delete(this.streams.keys().next().value!);
    }
    const state = resumeStream(plan, position);
    const docs: DocumentJSON[] = [];
    const result = (done: boolean): QueryBatch => ({ docs, position: encodeStreamPosition(state), done });
    if (limitReached(plan, state.limitCounts)) return result(true);
    if (maxDocs <= 0) return result(false);
    let next = state.after === null ? 0 : firstAfter(ranked, state.after);
    for (;;) {
      if (next >= MAX_CANDIDATE_REVISIONS) {
        // The backend fails when the query asks for the 1025th result: hand over what we have first.
        if (docs.length > 0) return result(false);
        throw scannedTooManyDocuments();
      }
      if (next >= ranked.length) return result(true);
      const doc = this.load(search, ranked.nums[next]!);
      state.after = keyOf(ranked, next);
      next++;
      // A result deleted by this mutation after the search started is skipped.
      if (doc === null) continue;
      if (passOperators(plan, doc, state.limitCounts)) docs.push(doc);
      if (limitReached(plan, state.limitCounts)) return result(true);
      if (docs.length >= maxDocs) return result(false);
    }
  }

  page(plan: QueryPlan, search: SearchPlan, start: CursorPosition | null, end: CursorPosition | null, pageSize: number): QueryPageResult {
    const ranked = this.rank(search);
    const first = start === null ? 0 : start.kind === "end" ? ranked.length : firstAfter(ranked, start.key);
    const stop = end === null || end.kind === "end" ? ranked.length : Math.max(first, firstAfter(ranked, end.key));
    const limitCounts = new Array<number>(limitCount(plan)).fill(0);
    const page: DocumentJSON[] = [];
    let current: CursorPosition | null = start;
    let read = 0;
    let bytesRead = 0;
    while (end !== null || page.length < pageSize) {
      if (limitReached(plan, limitCounts)) break;
      if (read === MAX_CANDIDATE_REVISIONS) throw scannedTooManyDocuments();
      if (first + read >= stop) {
        current = end ?? { kind: "end" };
        break;
      }
      const at = first + read++;
      const doc = this.load(search, ranked.nums[at]!);
      current = { kind: "after", key: keyOf(ranked, at) };
      if (doc === null) continue;
      bytesRead += jsonSize(doc);
      if (passOperators(plan, doc, limitCounts)) page.push(doc);
    }
    const approachingLimit =
      read > softLimit(MAX_CANDIDATE_REVISIONS) ||
      bytesRead > softLimit(TRANSACTION_MAX_READ_SIZE_BYTES) ||
      page.length > SOFT_MAX_PAGE_LEN;
    const position: CursorPosition = end ?? current ?? { kind: "end" };
    return {
      page,
      isDone: position.kind === "end",
      continueCursor: encodeCursor(plan.fingerprint, position),
      splitCursor: null,
      pageStatus: approachingLimit ? "SplitRecommended" : null,
    };
  }
}
