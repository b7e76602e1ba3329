// BM25 as the backend scores search results: tantivy's Bm25Weight (k1 = 1.2, b = 0.75), in 32-bit
// floats as tantivy computes it (`Math.fround` after every operation), so equal scores are equal
// here too and ties fall to the same documents.
//
//   score(doc) = Σ over matched terms of  boost · idf · (k1 + 1) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
//   idf        = ln(1 + (N − n + 0.5) / (n + 0.5))
//
// N is the number of documents in the table (every document is in the index, with or without text),
// n the number of documents with the term, avgdl the index's total number of terms over N, and dl
// the document's number of terms after tantivy's lossy one-byte "fieldnorm" encoding (exact up to
// 40 terms, then in steps that grow with the length).

const f32 = Math.fround;
const K1 = f32(1.2);
const B = f32(0.75);
const ONE_MINUS_B = f32(1 - B);
const K1_PLUS_ONE = f32(1 + K1);

/**
 * The 256 document lengths a fieldnorm byte stands for (tantivy's FIELD_NORMS_TABLE): the byte
 * itself below 24, then 24 plus a small float with a 3-bit mantissa.
 */
const FIELDNORMS: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let id = 0; id < 256; id++) {
    if (id < 24) {
      table[id] = id;
      continue;
    }
    const code = id - 24;
    const mantissa = code & 7;
    const shift = code >> 3;
    table[id] = 24 + (shift === 0 ? mantissa : (mantissa | 8) * 2 ** (shift - 1));
  }
  return table;
})();

/** The fieldnorm byte of a document with `terms` terms: the largest entry not above it. */
export function fieldnormId(terms: number): number {
  let lo = 0;
  let hi = 255;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (FIELDNORMS[mid]! <= terms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function idf(docsWithTerm: number, totalDocs: number): number {
  const x = f32(f32(f32(totalDocs - docsWithTerm) + 0.5) / f32(f32(docsWithTerm) + 0.5));
  return f32(Math.log(f32(1 + x)));
}

/** The statistics of one query: the tf denominators for every fieldnorm byte. */
export class Bm25 {
  private readonly norms = new Float32Array(256);

  constructor(
    private readonly totalDocs: number,
    totalTerms: number,
  ) {
    // The backend counts at least one document, so a fully deleted index divides by 1.
    const docs = Math.max(totalDocs, 1);
    const average = f32(f32(totalTerms) / f32(docs));
    for (let id = 0; id < 256; id++) {
      const ratio = f32(f32(B * f32(FIELDNORMS[id]!)) / average);
      this.norms[id] = f32(K1 * f32(ONE_MINUS_B + ratio));
    }
  }

  /** A term's weight: idf · (k1 + 1) · boost (the boost is 1, or 0.5 for a prefix match). */
  weight(docsWithTerm: number, boost: number): number {
    return f32(f32(idf(docsWithTerm, Math.max(this.totalDocs, 1)) * K1_PLUS_ONE) * boost);
  }

  /** One term's score in one document. */
  score(weight: number, fieldnorm: number, termFrequency: number): number {
    const tf = f32(termFrequency);
    return f32(weight * f32(tf / f32(tf + this.norms[fieldnorm]!)));
  }
}
