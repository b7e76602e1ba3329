// Text → search terms, the way the backend's `convex_en` analyzer makes them
// (crates/search/src/constants.rs): tantivy's SimpleTokenizer, then RemoveLongFilter(32), then
// LowerCaser. Documents and queries go through the same function.
//
//  * SimpleTokenizer: a term is a maximal run of characters for which Rust's
//    `char::is_alphanumeric()` holds (Unicode Alphabetic, or general category Nd/Nl/No);
//    everything else (spaces, punctuation, symbols, emoji) separates terms.
//  * RemoveLongFilter(32): a term of 32 bytes or more in UTF-8 (before lowercasing) is dropped,
//    silently, from the document and from the query alike.
//  * LowerCaser: ASCII terms with the ASCII mapping, others one character at a time with Unicode's
//    lowercase mapping, so a final "Σ" becomes "σ" (tantivy skips the final-sigma rule on purpose).

/** Terms of this many UTF-8 bytes or more are dropped (`MAX_TEXT_TERM_LENGTH`). */
export const MAX_TEXT_TERM_LENGTH = 32;

const WORD = /[\p{Alphabetic}\p{N}]+/gu;

function utf8Length(text: string): number {
  // A UTF-16 unit is at most 3 bytes: short strings need no count.
  return text.length * 3 < MAX_TEXT_TERM_LENGTH ? 0 : Buffer.byteLength(text, "utf8");
}

function isAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) > 0x7f) return false;
  return true;
}

function lowerCase(word: string): string {
  if (isAscii(word)) return word.toLowerCase();
  let out = "";
  for (const char of word) out += char.toLowerCase();
  return out;
}

/** The terms of `text`, in order, repeats included. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (utf8Length(word) >= MAX_TEXT_TERM_LENGTH) continue;
    terms.push(lowerCase(word));
  }
  return terms;
}
