// A byte encoding of Convex values whose memcmp order is exactly `compareValues` from
// "convex/values" (the order the backend uses for indexes and filters):
//   undefined < null < int64 < float64 < false < true < string < bytes < array < object.
// Index entries store these keys as SQLite BLOBs (compared with memcmp), so an index range query
// is a plain range scan over the BLOB column.
//
// Every value starts with a tag byte. All tags, and the terminator that closes variable-length
// parts, are below 0xFF, and the encoding is self-delimiting. Two consequences we rely on:
//   * a tuple of values is the concatenation of their encodings, and compares element-wise;
//   * `prefix ++ [0xFF]` sorts after every key that starts with the complete encoding `prefix`,
//     and before every key that does not (see `afterPrefix`).
import { CommitTsPlaceholder, type Value } from "convex/values";

const TERMINATOR = 0x00;
const ESCAPE = 0xff;
const Tag = {
  Undefined: 0x01,
  Null: 0x02,
  Int64: 0x03,
  Float64: 0x04,
  False: 0x05,
  True: 0x06,
  String: 0x07,
  Bytes: 0x08,
  Array: 0x09,
  Object: 0x0a,
} as const;

const MAX_INT64 = 2n ** 63n - 1n;
const SIGN_BIT = 1n << 63n;
const MASK64 = (1n << 64n) - 1n;
// Sign-set NaNs occupy [NEG_NAN_MIN, 2^64-1]; see `floatBits`.
const NEG_NAN_MIN = 0xfff0000000000001n;

/** Growable byte buffer; one per key being built. */
class ByteWriter {
  private buf = new Uint8Array(128);
  length = 0;
  private grow(extra: number) {
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number) {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }
  u64(n: bigint) {
    if (this.length + 8 > this.buf.length) this.grow(8);
    const hi = Number(n >> 32n);
    const lo = Number(n & 0xffffffffn);
    const buf = this.buf;
    const at = this.length;
    buf[at] = hi >>> 24;
    buf[at + 1] = (hi >>> 16) & 0xff;
    buf[at + 2] = (hi >>> 8) & 0xff;
    buf[at + 3] = hi & 0xff;
    buf[at + 4] = lo >>> 24;
    buf[at + 5] = (lo >>> 16) & 0xff;
    buf[at + 6] = (lo >>> 8) & 0xff;
    buf[at + 7] = lo & 0xff;
    this.length += 8;
  }
  /** Bytes with 0x00 escaped as 0x00 0xFF, then a 0x00 terminator: order- and prefix-preserving. */
  escaped(bytes: ArrayLike<number>) {
    if (this.length + bytes.length * 2 + 1 > this.buf.length) this.grow(bytes.length * 2 + 1);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      buf[at++] = b;
      if (b === TERMINATOR) buf[at++] = ESCAPE;
    }
    buf[at++] = TERMINATOR;
    this.length = at;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const floatView = new DataView(new ArrayBuffer(8));

/**
 * Maps a float64 to an unsigned 64-bit integer in `compareValues` order. Ordinary numbers use the
 * usual IEEE trick (flip all bits of negatives, set the sign bit of positives), which also puts
 * -0 just below +0. NaNs follow `compareValues`: a NaN with the sign bit set sorts below every
 * number, one without it above; between two NaNs of the same sign, the larger bit pattern wins.
 * For sign-set NaNs that differs from the IEEE total order, so they get their own mapping into
 * the gap below -Infinity.
 */
function floatBits(n: number): bigint {
  floatView.setFloat64(0, n);
  const bits = floatView.getBigUint64(0);
  if (Number.isNaN(n) && (bits & SIGN_BIT) !== 0n) return bits - NEG_NAN_MIN;
  return (bits & SIGN_BIT) !== 0n ? ~bits & MASK64 : bits | SIGN_BIT;
}

/**
 * A string as `compareUTF8` (used by `compareValues`) sees it: the UTF-8 bytes of its code points,
 * with a lone surrogate encoded like any other code point (WTF-8), so byte order is code-point
 * order. Written escaped, like any byte string.
 */
function writeString(w: ByteWriter, text: string): void {
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      w.byte(cp);
      if (cp === TERMINATOR) w.byte(ESCAPE);
    } else if (cp < 0x800) {
      w.byte(0xc0 | (cp >> 6));
      w.byte(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      w.byte(0xe0 | (cp >> 12));
      w.byte(0x80 | ((cp >> 6) & 63));
      w.byte(0x80 | (cp & 63));
    } else {
      w.byte(0xf0 | (cp >> 18));
      w.byte(0x80 | ((cp >> 12) & 63));
      w.byte(0x80 | ((cp >> 6) & 63));
      w.byte(0x80 | (cp & 63));
    }
  }
  w.byte(TERMINATOR);
}

function writeValue(w: ByteWriter, value: Value | undefined): void {
  if (value === undefined) {
    w.byte(Tag.Undefined);
    return;
  }
  if (value === null) {
    w.byte(Tag.Null);
    return;
  }
  switch (typeof value) {
    case "bigint":
      w.byte(Tag.Int64);
      w.u64(BigInt.asUintN(64, value) ^ SIGN_BIT);
      return;
    case "number":
      w.byte(Tag.Float64);
      w.u64(floatBits(value));
      return;
    case "boolean":
      w.byte(value ? Tag.True : Tag.False);
      return;
    case "string":
      w.byte(Tag.String);
      writeString(w, value);
      return;
  }
  if (value instanceof CommitTsPlaceholder) {
    // Unresolved `db.vars.commitTs` compares as the largest int64 until commit, as in compareValues.
    w.byte(Tag.Int64);
    w.u64(BigInt.asUintN(64, MAX_INT64) ^ SIGN_BIT);
    return;
  }
  if (value instanceof ArrayBuffer) {
    w.byte(Tag.Bytes);
    w.escaped(new Uint8Array(value));
    return;
  }
  if (Array.isArray(value)) {
    w.byte(Tag.Array);
    for (const element of value) writeValue(w, element);
    w.byte(TERMINATOR);
    return;
  }
  // Objects compare as their (key, value) entries sorted by key, like compareValues
  // (which sorts with the default JS sort). Each entry starts with the string tag, so the
  // terminator (0x00) sorts a shorter object first, even for an empty key. (A field whose value
  // is `undefined` counts as an entry, as it does in compareValues; stored documents have none.)
  w.byte(Tag.Object);
  const object = value as Record<string, Value | undefined>;
  for (const key of Object.keys(object).sort()) {
    w.byte(Tag.String);
    writeString(w, key);
    writeValue(w, object[key]);
  }
  w.byte(TERMINATOR);
}

// One scratch buffer for all keys (encoding is synchronous); each result is a copy.
const scratch = new ByteWriter();

/** The sort key of one value (`undefined` = a missing field). */
export function encodeValue(value: Value | undefined): Uint8Array {
  scratch.length = 0;
  writeValue(scratch, value);
  return scratch.result();
}

/** The sort key of a tuple: the concatenation of the element keys, compared element-wise. */
export function encodeTuple(values: ReadonlyArray<Value | undefined>): Uint8Array {
  scratch.length = 0;
  for (const value of values) writeValue(scratch, value);
  return scratch.result();
}

/** memcmp order (what SQLite uses for BLOBs): -1, 0 or 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * The smallest byte string greater than every key that starts with the complete encoding
 * `prefix` (and smaller than any key that sorts after them). No byte that can follow a complete
 * encoding inside a key is 0xFF, so appending 0xFF is enough. With an empty prefix it bounds
 * every key.
 */
export function afterPrefix(prefix: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + 1);
  out.set(prefix);
  out[prefix.length] = 0xff;
  return out;
}

export function concatBytes(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}
