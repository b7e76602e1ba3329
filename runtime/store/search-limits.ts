// The backend's limits on full-text search (crates/search/src/constants.rs).

/** A search returns at most this many documents, best first; reading past them is an error. */
export const MAX_CANDIDATE_REVISIONS = 1024;

/** Only the first 16 terms of a search text are used (`MAX_QUERY_TERMS`); the rest are ignored. */
export const MAX_QUERY_TERMS = 16;

/** `.eq` conditions a search query may have. */
export const MAX_FILTER_CONDITIONS = 8;

/**
 * Posting lists a query reads: its exact terms and filter values, then, in byte order, the terms
 * its last term is a prefix of, until this many distinct terms (`MAX_UNIQUE_QUERY_TERMS`).
 */
export const MAX_UNIQUE_QUERY_TERMS = 64;

/** A prefix match counts half as much as an exact match of the same term. */
export const PREFIX_BOOST = 0.5;
