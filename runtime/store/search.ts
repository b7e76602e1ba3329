// Full-text search sources (`withSearchIndex`), approximated.
//
// DEVIATION from the backend: the backend ranks results by relevance (BM25, fuzzy matching of
// terms, prefix matching of the last term) and returns at most 1024 of them. We return every
// document whose search field contains a word that one of the query's terms is a prefix of (like
// convex-test), that also satisfies the `.eq` filters, in creation-time order. Words are split on
// anything that is not a letter or a digit, case-insensitively.
import { compareValues } from "convex/values";
import { StoreError } from "./errors";
import { decodeMaybeUndefined, getFieldJson, getFieldValue, splitFieldPath } from "./json-values";
import type { DocumentJSON, SchemaInfo, SearchFilterExpression } from "./types";

type SearchIndex = NonNullable<SchemaInfo["tables"][number]["searchIndexes"]>[number];

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Builds the predicate for a search source; errors in our own words (checked like the backend). */
export function compileSearch(
  indexName: string,
  index: SearchIndex,
  filters: ReadonlyArray<SearchFilterExpression>,
): (doc: DocumentJSON) => boolean {
  const searches = filters.filter((f) => f.type === "Search");
  if (searches.length !== 1) {
    throw new StoreError("InvalidSearchQuery", `A search query against ${indexName} must contain exactly one search filter.`);
  }
  const search = searches[0]!;
  if (search.fieldPath !== index.searchField) {
    throw new StoreError(
      "InvalidSearchQuery",
      `Search query against ${indexName} contains a search filter on "${search.fieldPath}", but the search index is on "${index.searchField}".`,
    );
  }
  const equalities = filters
    .filter((f): f is Extract<SearchFilterExpression, { type: "Eq" }> => f.type === "Eq")
    .map((f) => {
      if (!index.filterFields.includes(f.fieldPath)) {
        throw new StoreError(
          "InvalidSearchQuery",
          `Search query against ${indexName} contains an equality filter on "${f.fieldPath}", but that field is not a filter field of the search index.`,
        );
      }
      return { path: splitFieldPath(f.fieldPath), value: decodeMaybeUndefined(f.value) };
    });
  const terms = words(search.value as string);
  const searchPath = splitFieldPath(search.fieldPath);
  return (doc) => {
    for (const eq of equalities) {
      if (compareValues(getFieldValue(doc, eq.path), eq.value) !== 0) return false;
    }
    const text = getFieldJson(doc, searchPath);
    if (typeof text !== "string") return false;
    const docWords = words(text);
    return terms.some((term) => docWords.some((word) => word.startsWith(term)));
  };
}
