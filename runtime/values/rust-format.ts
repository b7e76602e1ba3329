// The backend writes validation messages with Rust's formatting machinery, so a local runtime that
// wants byte-identical messages has to reproduce three of Rust's conventions in JavaScript:
//   - `{:?}` of an f64 (how `ConvexValue::Float64` prints: `123.0`, `1e-7`, `NaN`, `inf`),
//   - `{:?}` of a str (how `ConvexValue::String` prints: double quotes, `\u{..}` escapes),
//   - serde_json's f64 output (how a float `v.literal(...)` prints, via the `ryu` crate).
// Sources: crates/value/src/lib.rs (`impl Display for ConvexValue`) and
// crates/common/src/schemas/validator.rs (`impl Display for LiteralValidator`).

/** Rust's `format!("{:?}", x)` for an `f64`. */
export function rustF64Debug(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  // core::fmt::float switches to exponent form outside [1e-4, 1e16), with the shortest digits
  // that round-trip; JavaScript's toExponential() without an argument picks the same digits.
  if (abs < 1e-4 || abs >= 1e16) return x.toExponential().replace("e+", "e");
  // Inside that range JavaScript's own toString() is positional with shortest digits; Rust's
  // Debug always shows at least one fractional digit.
  const text = String(x);
  return text.includes(".") ? text : `${text}.0`;
}

/** serde_json's rendering of a finite f64 (ryu's "pretty" layout), or null for NaN/±inf. */
export function serdeJsonF64(x: number): string | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() gives the shortest round-trip digits "d.ddd" and the decimal exponent.
  const [mantissa = "", exponentText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const length = digits.length;
  // kk: where the decimal point goes, counted from the first digit (ryu's naming).
  const kk = Number(exponentText) + 1;
  if (kk >= length && kk <= 16) return `${sign}${digits}${"0".repeat(kk - length)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${"0".repeat(-kk)}${digits}`;
  const exponent = kk - 1;
  if (length === 1) return `${sign}${digits}e${exponent}`;
  return `${sign}${digits[0]}.${digits.slice(1)}e${exponent}`;
}

// Rust's `char::is_printable` is generated from these general categories (printable.py treats
// Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than U+0020 as non-printable). JavaScript's Unicode
// tables may be a version apart from Rust's; that only matters for very new code points.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const GRAPHEME_EXTEND = /\p{Grapheme_Extend}/u;

/** Rust's `format!("{:?}", s)` for a `str`. */
export function rustStrDebug(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case "\0":
        out += "\\0";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case '"':
        out += '\\"';
        continue;
    }
    if (ch !== " " && (NOT_PRINTABLE.test(ch) || GRAPHEME_EXTEND.test(ch))) {
      out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/**
 * Orders strings the way Rust's `String: Ord` does (UTF-8 bytes, which is code point order).
 * JavaScript's default sort compares UTF-16 code units, which differs past U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return l.done && r.done ? 0 : l.done ? -1 : 1;
    const diff = l.value.codePointAt(0)! - r.value.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
}
