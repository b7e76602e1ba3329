// What a search index keeps of a document: the terms of its search field with their frequencies,
// its length in terms (BM25's dl), and the values of its filter fields. As on the backend, only a
// string is searchable (any other value, or none, gives no terms), and a missing filter field has
// the value `undefined`, which `q.eq(field, undefined)` finds.
import { getFieldJson, getFieldValue, splitFieldPath } from "./json-values";
import { encodeValue } from "./sort-key";
import { tokenize } from "./search-tokenizer";
import type { DocumentJSON } from "./types";

export interface SearchIndexDef {
  id: number;
  tableNumber: number;
  /** The index descriptor ("search_body"). */
  name: string;
  searchField: string;
  filterFields: string[];
}

export interface DocumentTerms {
  /** Number of terms (repeats included). */
  length: number;
  /** Term → occurrences. */
  frequencies: Map<string, number>;
  /** Filter term, keyed by its bytes as a latin1 string. */
  filters: Map<string, Uint8Array>;
}

const utf8 = new TextEncoder();

/** A search term as stored: its UTF-8 bytes (byte order is the order prefix matching scans). */
export function termBytes(term: string): Uint8Array {
  return utf8.encode(term);
}

/** A filter term: 0x00 (no search term starts with it), the field's position, the value's sort key. */
export function filterTerm(fieldPosition: number, value: Parameters<typeof encodeValue>[0]): Uint8Array {
  const key = encodeValue(value);
  const term = new Uint8Array(key.length + 2);
  term[1] = fieldPosition;
  term.set(key, 2);
  return term;
}

export const bytesKey = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

export function documentTerms(def: SearchIndexDef, doc: DocumentJSON): DocumentTerms {
  const text = getFieldJson(doc, splitFieldPath(def.searchField));
  const terms = typeof text === "string" ? tokenize(text) : [];
  const frequencies = new Map<string, number>();
  for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  const filters = new Map<string, Uint8Array>();
  def.filterFields.forEach((field, position) => {
    const term = filterTerm(position, getFieldValue(doc, splitFieldPath(field)));
    filters.set(bytesKey(term), term);
  });
  return { length: terms.length, frequencies, filters };
}
