// Posting lists, stored as rows of up to ~128 postings. A search index numbers its documents in
// creation order, so a new document's postings go at the end of each of its terms' lists: into the
// term's open "tail" row (key TAIL), which is closed once it holds SEAL_BYTES by re-keying it with
// its last document number. Every closed row's key is the highest number in it, so the row that
// holds (or would hold) document n is the first row with key ≥ n, and reading a term's rows in key
// order reads its postings in document order. A rare term is one row; a term found in half of
// 100,000 documents is ~500 rows.
//
// A posting is [document number: LEB128][fieldnorm byte][term frequency: LEB128]. Filter-field
// values use the same rows, with fieldnorm 0 and frequency 1.

/** The key of a term's open row: after every document number. */
export const TAIL = Number.MAX_SAFE_INTEGER;

/** A tail row this long (about 128 postings) is closed and a new one started. */
export const SEAL_BYTES = 640;

export interface Posting {
  num: number;
  fieldnorm: number;
  frequency: number;
}

function pushVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

export function encodePosting(posting: Posting): Uint8Array {
  const bytes: number[] = [];
  pushVarint(bytes, posting.num);
  bytes.push(posting.fieldnorm);
  pushVarint(bytes, posting.frequency);
  return Uint8Array.from(bytes);
}

/** Calls `visit` for each posting of a row, in document order. */
export function forEachPosting(row: Uint8Array, visit: (num: number, fieldnorm: number, frequency: number) => void): void {
  let at = 0;
  while (at < row.length) {
    let num = 0;
    let scale = 1;
    for (;;) {
      const byte = row[at++]!;
      num += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
    }
    const fieldnorm = row[at++]!;
    let frequency = 0;
    scale = 1;
    for (;;) {
      const byte = row[at++]!;
      frequency += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
    }
    visit(num, fieldnorm, frequency);
  }
}

export function decodeRow(row: Uint8Array): Posting[] {
  const postings: Posting[] = [];
  forEachPosting(row, (num, fieldnorm, frequency) => postings.push({ num, fieldnorm, frequency }));
  return postings;
}

export function encodeRow(postings: ReadonlyArray<Posting>): Uint8Array {
  const bytes: number[] = [];
  for (const posting of postings) {
    pushVarint(bytes, posting.num);
    bytes.push(posting.fieldnorm);
    pushVarint(bytes, posting.frequency);
  }
  return Uint8Array.from(bytes);
}

/** The row with `posting` in it (replacing one for the same document), still in document order. */
export function withPosting(row: Uint8Array | undefined, posting: Posting): Uint8Array {
  const postings = row ? decodeRow(row).filter((p) => p.num !== posting.num) : [];
  postings.push(posting);
  postings.sort((a, b) => a.num - b.num);
  return encodeRow(postings);
}

/** The row without document `num`'s posting; empty when it was the last one. */
export function withoutPosting(row: Uint8Array, num: number): Uint8Array {
  return encodeRow(decodeRow(row).filter((p) => p.num !== num));
}

/** Number of postings in a row (each ends with a frequency byte below 0x80 after its number). */
export function postingCount(row: Uint8Array): number {
  let count = 0;
  let at = 0;
  while (at < row.length) {
    while (row[at]! >= 0x80) at++;
    at += 2;
    while (row[at]! >= 0x80) at++;
    at++;
    count++;
  }
  return count;
}
