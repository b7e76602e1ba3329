// Which index terms a search reads, with their posting lists, in few statements: one per distinct
// query term (its exact match), one range scan over the terms the last query term is a prefix of
// (stopped as soon as enough terms are found), one per filter value.
//
// Term choice follows the backend (crates/search/src/searcher/searcher.rs `query_tokens` and
// aggregation.rs): every query term found in the index is an exact match; the last query term
// also matches the terms it is a prefix of, in byte order, until the query has 64 distinct terms,
// filter values included (exact matches and filter values always fit, as they sort first). A term
// matched both ways is an exact match.
import type { CompiledSearch } from "./search";
import { MAX_UNIQUE_QUERY_TERMS, PREFIX_BOOST } from "./search-limits";
import { forEachPosting, postingCount } from "./search-postings";
import { bytesKey, type SearchIndexDef, termBytes } from "./search-terms";
import type { Sql } from "./sql";

/** A term's posting rows, in document order (see search-postings.ts). */
export interface PostingList {
  rows: Uint8Array[];
}

export interface MatchedTerm {
  bytes: Uint8Array;
  /** 1 for an exact match, 0.5 for a prefix match. */
  boost: number;
  list: PostingList;
}

const TERM = "SELECT postings FROM search_postings WHERE index_id = ? AND term = ? ORDER BY block";
const range = (from: ">=" | ">") =>
  `SELECT term, postings FROM search_postings WHERE index_id = ? AND term ${from} ? AND term < ? ORDER BY term, block`;

/** The smallest byte string after every string that starts with `prefix` (UTF-8 never has 0xFF). */
function afterAllWithPrefix(prefix: Uint8Array): Uint8Array {
  const out = prefix.slice();
  out[out.length - 1] = out[out.length - 1]! + 1;
  return out;
}

/** A term's posting list; empty when no document has the term. */
export function postingList(sql: Sql, index: SearchIndexDef, term: Uint8Array): PostingList {
  return { rows: sql.all(TERM, [index.id, term]).map(([postings]) => postings as Uint8Array) };
}

/** The terms the query reads, with their postings (not yet in byte order). */
export function matchTerms(sql: Sql, index: SearchIndexDef, query: CompiledSearch, filterTerms: number): MatchedTerm[] {
  const matched = new Map<string, MatchedTerm>();
  for (const term of query.terms) {
    const bytes = termBytes(term);
    const key = bytesKey(bytes);
    if (matched.has(key)) continue;
    const list = postingList(sql, index, bytes);
    if (list.rows.length > 0) matched.set(key, { bytes, boost: 1, list });
  }
  const last = query.terms[query.terms.length - 1];
  let room = MAX_UNIQUE_QUERY_TERMS - filterTerms - matched.size;
  if (last === undefined || room <= 0) return [...matched.values()];
  const prefix = termBytes(last);
  let current: { key: string; list: PostingList } | null = null;
  // The last term itself, when it is in the index, was read as an exact match: start after it.
  const from = matched.has(bytesKey(prefix)) ? ">" : ">=";
  sql.each(range(from), [index.id, prefix, afterAllWithPrefix(prefix)], ([term, postings]) => {
    const key = bytesKey(term as Uint8Array);
    if (current?.key !== key) {
      // A new term: exact matches were read already and take no room.
      if (matched.has(key)) {
        current = { key, list: { rows: [] } };
        return true;
      }
      if (room === 0) return false;
      room--;
      current = { key, list: { rows: [] } };
      matched.set(key, { bytes: term as Uint8Array, boost: PREFIX_BOOST, list: current.list });
    }
    current.list.rows.push(postings as Uint8Array);
    return true;
  });
  return [...matched.values()];
}

/** A posting list unpacked into arrays, in document order. */
export interface Postings {
  nums: Float64Array;
  fieldnorms: Uint8Array;
  frequencies: Float64Array;
  length: number;
}

export function unpack(list: PostingList): Postings {
  const length = list.rows.reduce((n, row) => n + postingCount(row), 0);
  const out: Postings = {
    nums: new Float64Array(length),
    fieldnorms: new Uint8Array(length),
    frequencies: new Float64Array(length),
    length,
  };
  let i = 0;
  for (const row of list.rows) {
    forEachPosting(row, (num, fieldnorm, frequency) => {
      out.nums[i] = num;
      out.fieldnorms[i] = fieldnorm;
      out.frequencies[i] = frequency;
      i++;
    });
  }
  return out;
}
