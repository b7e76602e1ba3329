// Error texts of full-text search, in the backend's words (get-convex/convex-backend,
// crates/search/src/lib.rs `compile`, crates/database/src/query/search_query.rs). A field path is
// printed as the backend prints a FieldPath, in double quotes ("body").
import { StoreError } from "./errors";
import { MAX_CANDIDATE_REVISIONS, MAX_FILTER_CONDITIONS } from "./search-limits";

const quoted = (fieldPath: string) => `"${fieldPath}"`;

export function incorrectSearchField(indexName: string, fieldPath: string, searchField: string): StoreError {
  return new StoreError(
    "IncorrectSearchField",
    `Search query against ${indexName} contains a search filter against ${quoted(fieldPath)}, which doesn't match the indexed \`searchField\` ${quoted(searchField)}.`,
  );
}

export function duplicateSearchFilters(indexName: string, fieldPath: string): StoreError {
  return new StoreError(
    "DuplicateSearchFiltersError",
    `Search query against ${indexName} contains multiple search filters against ${quoted(fieldPath)}. Only one is allowed.`,
  );
}

export function incorrectFilterField(indexName: string, fieldPath: string): StoreError {
  return new StoreError(
    "IncorrectFilterFieldError",
    `Search query against ${indexName} contains an equality filter on ${quoted(fieldPath)} but that field isn't indexed for filtering in \`filterFields\`.`,
  );
}

/** The backend quotes the field twice here (`q.search(""body"", …)`); so do we. */
export function missingSearchFilter(indexName: string, searchField: string): StoreError {
  return new StoreError(
    "MissingSearchFilterError",
    `Search query against ${indexName} does not contain any search filters. You must include a search filter like \`q.search("${quoted(searchField)}", searchText)\`.`,
  );
}

export function tooManyFilterConditions(indexName: string, count: number): StoreError {
  return new StoreError(
    "TooManyFilterConditionsInSearchQueryError",
    `Search query against ${indexName} has too many filter conditions. Max: ${MAX_FILTER_CONDITIONS} Actual: ${count}`,
  );
}

export function scannedTooManyDocuments(): StoreError {
  return new StoreError(
    "SearchQueryScannedTooManyDocumentsError",
    `Search query scanned too many documents (fetched ${MAX_CANDIDATE_REVISIONS}). Consider using a smaller limit, paginating the query, or using a filter field to limit the number of documents pulled from the search index.`,
  );
}

/** `withSearchIndex` naming a database index (crates/search/src/lib.rs, new_for_index). */
export function notASearchIndex(indexName: string): StoreError {
  return new StoreError("IndexNotASearchIndexError", `Index ${indexName} is not a search index`);
}
