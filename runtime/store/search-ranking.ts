// Runs a compiled search against an index and ranks the matches, as the backend's text search does
// (crates/search/src/lib.rs `search2`, convex_query.rs, aggregation.rs):
//
//  1. Terms (search-lookup.ts): the query terms found in the index, and the terms the last one is
//     a prefix of. They are OR-ed: a document needs one of them.
//  2. Filters: every `.eq` value must be the document's; a value no document has matches nothing.
//  3. Score: BM25 (search-bm25.ts) summed over the matched terms in byte order of the terms, a
//     prefix match weighing half.
//  4. Order and limit: best score first, newest first among equal scores, at most 1024 results.
//
// Typo tolerance (fuzzy matching) is gone from the backend (January 2025), and from here.
import type { CompiledSearch } from "./search";
import { Best, NO_RESULTS, type Ranked } from "./search-best";
import { Bm25 } from "./search-bm25";
import { MAX_CANDIDATE_REVISIONS } from "./search-limits";
import { matchTerms, type Postings, postingList, unpack } from "./search-lookup";
import { bytesKey, type SearchIndexDef } from "./search-terms";
import type { Sql } from "./sql";

export type { Ranked } from "./search-best";

/** Documents are scored a window of consecutive numbers at a time, newest window first. */
const WINDOW = 1 << 16;

/** Marks, in `bits`, the documents of `postings` in the window that are also marked in `previous`. */
function markWindow(postings: Postings, from: number, bits: Uint32Array, previous: Uint32Array | null): void {
  bits.fill(0);
  let i = upperBound(postings.nums, from + WINDOW) - 1;
  for (; i >= 0 && postings.nums[i]! >= from; i--) {
    const offset = postings.nums[i]! - from;
    const bit = 1 << (offset & 31);
    if (previous === null || (previous[offset >> 5]! & bit) !== 0) bits[offset >> 5] = bits[offset >> 5]! | bit;
  }
}

/** The first index whose number is ≥ `num` (numbers ascend). */
function upperBound(nums: Float64Array, num: number): number {
  let lo = 0;
  let hi = nums.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nums[mid]! < num) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ranks the documents of `index` for `query`. `totalDocs` is the number of documents in the table. */
export function rankSearch(sql: Sql, index: SearchIndexDef, query: CompiledSearch, totalDocs: number, totalTerms: number): Ranked {
  if (query.terms.length === 0) return NO_RESULTS;
  const filterKeys = [...new Map(query.filters.map((f) => [bytesKey(f), f])).values()];
  const filters = filterKeys.map((f) => unpack(postingList(sql, index, f)));
  if (filters.some((list) => list.length === 0)) return NO_RESULTS;
  const terms = matchTerms(sql, index, query, filters.length).sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  if (terms.length === 0) return NO_RESULTS;

  const bm25 = new Bm25(totalDocs, totalTerms);
  const lists = terms.map((t) => unpack(t.list));
  const weights = terms.map((t, i) => bm25.weight(lists[i]!.length, t.boost));
  // Each list is read backwards, newest document first: among equal scores the first seen are kept.
  const cursors = lists.map((list) => list.length - 1);
  const sums = new Float32Array(WINDOW);
  const touched: number[] = [];
  const masks = filters.length > 0 ? [new Uint32Array(WINDOW / 32), new Uint32Array(WINDOW / 32)] : null;
  const best = new Best(MAX_CANDIDATE_REVISIONS);

  for (;;) {
    let newest = -1;
    for (let t = 0; t < lists.length; t++) if (cursors[t]! >= 0) newest = Math.max(newest, lists[t]!.nums[cursors[t]!]!);
    if (newest < 0) break;
    const from = newest - (newest % WINDOW);
    let mask: Uint32Array | null = null;
    if (masks !== null) {
      for (const filter of filters) {
        const bits: Uint32Array = mask === masks[0] ? masks[1]! : masks[0]!;
        markWindow(filter, from, bits, mask);
        mask = bits;
      }
    }
    // Terms in byte order, so each document's score is summed in the backend's order.
    for (let t = 0; t < lists.length; t++) {
      const list = lists[t]!;
      const weight = weights[t]!;
      let i = cursors[t]!;
      for (; i >= 0; i--) {
        const num = list.nums[i]!;
        if (num < from) break;
        const offset = num - from;
        if (mask !== null && (mask[offset >> 5]! & (1 << (offset & 31))) === 0) continue;
        if (sums[offset] === 0) touched.push(offset);
        sums[offset] = sums[offset]! + bm25.score(weight, list.fieldnorms[i]!, list.frequencies[i]!);
      }
      cursors[t] = i;
    }
    for (const offset of touched) {
      best.offer(sums[offset]!, from + offset);
      sums[offset] = 0;
    }
    touched.length = 0;
  }
  return best.ranked();
}
