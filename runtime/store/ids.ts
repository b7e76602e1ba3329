// Real Convex document IDs (the backend's "ID v6" format), so IDs made locally look and behave like
// production ones: the table is recoverable from the ID itself, which `db.get(id)`,
// `db.normalizeId` and `v.id("t")` validation rely on.
//
// Binary layout: VInt(tableNumber) ++ 16 internal-ID bytes ++ LE16(fletcher16(previous bytes) ^ 0),
// then base32 with the lower-case Crockford alphabet and no padding.
// (Format facts from convex-backend crates/value/src/id_v6.rs and base32.rs; this is our own code.)
import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const DECODE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

const INTERNAL_ID_LEN = 16;
const FOOTER_LEN = 2;
const ID_VERSION = 0;
const MIN_BINARY_LEN = 1 + INTERNAL_ID_LEN + FOOTER_LEN;
const MAX_BINARY_LEN = 5 + INTERNAL_ID_LEN + FOOTER_LEN;

/** Number of base32 characters for `byteLength` bytes without padding. */
export function base32Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}
const MIN_ID_LEN = base32Length(MIN_BINARY_LEN);
const MAX_ID_LEN = base32Length(MAX_BINARY_LEN);

export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  // The last partial group is padded with zero bits on the right.
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32; returns null on a character outside the alphabet. Trailing pad bits are dropped. */
export function base32Decode(text: string): Uint8Array | null {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (pos < out.length) out[pos++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

function vintEncode(n: number): number[] {
  const out: number[] = [];
  let rest = n >>> 0;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

/** Returns [value, bytesRead] or null when truncated / longer than five bytes (does not fit a u32). */
function vintDecode(bytes: Uint8Array): [number, number] | null {
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[i];
    if (byte === undefined) return null;
    n += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return n > 0xffffffff ? null : [n, i + 1];
  }
  return null;
}

/** Fletcher-16 with modulus 256 (both sums wrap at a byte), as the backend computes it. */
export function fletcher16(bytes: Uint8Array): number {
  let c0 = 0;
  let c1 = 0;
  for (const byte of bytes) {
    c0 = (c0 + byte) & 0xff;
    c1 = (c1 + c0) & 0xff;
  }
  return (c1 << 8) | c0;
}

// Random bytes are drawn from a pool: one crypto call per 256 IDs instead of one per ID.
const randomPool = new Uint8Array(INTERNAL_ID_LEN * 256);
let randomPoolUsed = randomPool.length;
function randomInternalId(): Uint8Array {
  if (randomPoolUsed === randomPool.length) {
    randomFillSync(randomPool);
    randomPoolUsed = 0;
  }
  randomPoolUsed += INTERNAL_ID_LEN;
  return randomPool.subarray(randomPoolUsed - INTERNAL_ID_LEN, randomPoolUsed);
}

/** Builds an ID for `tableNumber` (1..2^32-1) from 16 internal-ID bytes (random by default). */
export function encodeId(tableNumber: number, internalId: Uint8Array = randomInternalId()): string {
  if (!Number.isInteger(tableNumber) || tableNumber < 1 || tableNumber > 0xffffffff) {
    throw new Error(`Invalid table number ${tableNumber}`);
  }
  if (internalId.length !== INTERNAL_ID_LEN) throw new Error("An internal ID has 16 bytes");
  const head = [...vintEncode(tableNumber), ...internalId];
  const bytes = new Uint8Array(head.length + FOOTER_LEN);
  bytes.set(head);
  const footer = fletcher16(bytes.subarray(0, head.length)) ^ ID_VERSION;
  bytes[head.length] = footer & 0xff;
  bytes[head.length + 1] = footer >> 8;
  return base32Encode(bytes);
}

export interface DecodedId {
  tableNumber: number;
  internalId: Uint8Array;
}

/**
 * Decodes an ID, or explains why it is not one. The reasons use the backend's `IdDecodeError`
 * texts, because they surface in "Invalid argument `id` for `db.get`: …" messages.
 */
export function decodeIdOrError(id: string): DecodedId | { error: string } {
  if (id.length < MIN_ID_LEN || id.length > MAX_ID_LEN) {
    return { error: `Unable to decode ID: Invalid ID length ${id.length}` };
  }
  const bytes = base32Decode(id);
  if (bytes === null) return { error: "Unable to decode ID: ID wasn't valid base32" };
  const vint = vintDecode(bytes);
  if (vint === null) return { error: "Unable to decode ID: Invalid table number" };
  const [tableNumber, pos] = vint;
  if (tableNumber === 0) return { error: "Unable to decode ID: Invalid table number" };
  if (bytes.length < pos + INTERNAL_ID_LEN + FOOTER_LEN) {
    return { error: `Unable to decode ID: Invalid ID length ${id.length}` };
  }
  const expected = fletcher16(bytes.subarray(0, pos + INTERNAL_ID_LEN)) ^ ID_VERSION;
  const footerAt = pos + INTERNAL_ID_LEN;
  const footer = bytes[footerAt]! | (bytes[footerAt + 1]! << 8);
  if (footer !== expected) return { error: `Unable to decode ID: Invalid ID version ${footer} (expected ${expected})` };
  if (footerAt + FOOTER_LEN !== bytes.length) return { error: `Unable to decode ID: Invalid ID length ${id.length}` };
  return { tableNumber, internalId: bytes.slice(pos, pos + INTERNAL_ID_LEN) };
}

/** Decodes an ID; null when it is not a valid ID (length, alphabet, table number or checksum). */
export function decodeId(id: string): DecodedId | null {
  const decoded = decodeIdOrError(id);
  return "error" in decoded ? null : decoded;
}

/** The table number an ID belongs to, or null when it is not a valid ID. */
export function tableNumberOfId(id: string): number | null {
  return decodeId(id)?.tableNumber ?? null;
}

/**
 * Legacy "V5" internal IDs (16 bytes, URL-safe base64, 22 characters) that `db.normalizeId`
 * still accepts for a known table, as the backend's `InternalId::from_developer_str` does.
 * (The even older base-62 "V4" form is not supported.)
 */
export function decodeLegacyInternalId(text: string): Uint8Array | null {
  if (text.length !== 22 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.length === INTERNAL_ID_LEN ? new Uint8Array(bytes) : null;
}

/** User tables are numbered from here upward, in creation order. */
export const FIRST_USER_TABLE_NUMBER = 10001;

/** Fixed numbers for the system tables the host writes to (small numbers: 31-character IDs). */
export const SYSTEM_TABLE_NUMBERS: Readonly<Record<string, number>> = {
  _scheduled_functions: 1,
  _storage: 2,
};
