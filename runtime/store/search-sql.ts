// The SQLite tables of the full-text search indexes. They live in the store's database, so they
// commit, roll back (savepoints included) and persist exactly like the documents they index.
//
//   search_indexes   registry: (table, name) → search field, filter fields; per index the total
//                    number of terms (for BM25's average length) and the next document number
//   search_docs      every document of an indexed table → its number in the index (creation order)
//   search_postings  (term, block) → the postings of 256 consecutive document numbers (see
//                    search-postings.ts). Terms are UTF-8 bytes, so the (term, block) index is also
//                    the term dictionary that prefix matching walks in byte order. Filter-field
//                    values are terms too, starting with a 0x00 byte that no search term has. A
//                    rowid table: its rows are up to ~1 KiB, too large for a WITHOUT ROWID b-tree,
//                    whose interior pages would hold them whole.
export const SEARCH_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS search_indexes (
  id INTEGER PRIMARY KEY,
  table_number INTEGER NOT NULL,
  name TEXT NOT NULL,
  search_field TEXT NOT NULL,
  filter_fields TEXT NOT NULL,
  total_terms INTEGER NOT NULL DEFAULT 0,
  next_num INTEGER NOT NULL DEFAULT 0,
  UNIQUE (table_number, name)
);
CREATE TABLE IF NOT EXISTS search_docs (
  index_id INTEGER NOT NULL,
  doc_id TEXT NOT NULL,
  num INTEGER NOT NULL,
  PRIMARY KEY (index_id, doc_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS search_docs_by_num ON search_docs (index_id, num);
CREATE TABLE IF NOT EXISTS search_postings (
  index_id INTEGER NOT NULL,
  term BLOB NOT NULL,
  block INTEGER NOT NULL,
  postings BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS search_postings_by_term ON search_postings (index_id, term, block);
`;
