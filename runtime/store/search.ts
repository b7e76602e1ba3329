// Compiles the filters of a `withSearchIndex` source, checked in the backend's order with its errors
// (crates/search/src/lib.rs, `compile`): one `q.search` on the index's search field, then `.eq`
// conditions on its filter fields (at most 8). The search text becomes at most 16 terms; the last
// one matches as a prefix too (typeahead). How the compiled query runs is search-ranking.ts.
import { decodeMaybeUndefined, splitFieldPath } from "./json-values";
import {
  duplicateSearchFilters,
  incorrectFilterField,
  incorrectSearchField,
  missingSearchFilter,
  tooManyFilterConditions,
} from "./search-errors";
import { MAX_FILTER_CONDITIONS, MAX_QUERY_TERMS } from "./search-limits";
import { filterTerm, type SearchIndexDef } from "./search-terms";
import { tokenize } from "./search-tokenizer";
import type { SearchFilterExpression } from "./types";

export interface CompiledSearch {
  /** Lowercased terms, in query order; the last one also matches as a prefix. */
  terms: string[];
  /** One filter term per `.eq`, in query order. */
  filters: Uint8Array[];
}

/** The backend compares field paths after `FieldPath::from_str` (dots trimmed). */
const normalPath = (path: string) => splitFieldPath(path).join(".");

export function compileSearch(indexName: string, def: SearchIndexDef, filters: ReadonlyArray<SearchFilterExpression>): CompiledSearch {
  const searchField = normalPath(def.searchField);
  const filterFields = def.filterFields.map(normalPath);
  let text: string | null = null;
  const conditions: Uint8Array[] = [];
  for (const filter of filters) {
    const path = normalPath(filter.fieldPath);
    if (filter.type === "Search") {
      if (path !== searchField) throw incorrectSearchField(indexName, path, searchField);
      if (text !== null) throw duplicateSearchFilters(indexName, path);
      text = String(filter.value);
    } else {
      const position = filterFields.indexOf(path);
      if (position < 0) throw incorrectFilterField(indexName, path);
      conditions.push(filterTerm(position, decodeMaybeUndefined(filter.value)));
    }
  }
  if (text === null) throw missingSearchFilter(indexName, searchField);
  if (conditions.length > MAX_FILTER_CONDITIONS) throw tooManyFilterConditions(indexName, conditions.length);
  return { terms: tokenize(text).slice(0, MAX_QUERY_TERMS), filters: conditions };
}
