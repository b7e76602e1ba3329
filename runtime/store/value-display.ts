// Values printed the way the backend prints them in error messages (Rust `Display` for
// `ConvexValue` / `MaybeValue`, crates/value/src/lib.rs): floats in Rust `{:?}` form ("2.0",
// "1e16", "NaN", "inf"), strings quoted with Rust escapes, int64 as plain digits, bytes as
// b"<base64>", arrays as [a, b], objects as {key: value}, and a missing value as `undefined`.
// Error texts copied from the backend embed these, so matching them keeps messages identical.
import { CommitTsPlaceholder, type Value } from "convex/values";

export function displayFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  // Rust prints shortest round-trip digits; in exponent form when |n| < 1e-4 or |n| >= 1e16.
  const [mantissa, expText] = n.toExponential().split("e") as [string, string];
  const exponent = Number(expText);
  if (abs >= 1e16 || abs < 1e-4) return `${mantissa}e${exponent}`;
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exponent >= 0) {
    const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const frac = digits.slice(exponent + 1);
    text = `${intPart}.${frac.length > 0 ? frac : "0"}`;
  } else {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** Rust `{:?}` for a string: double quotes and escapes for quotes, backslashes and controls. */
export function displayString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else if (cp < 0x20 || cp === 0x7f) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

export function displayValue(value: Value | undefined): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "number":
      return displayFloat(value);
    case "boolean":
      return String(value);
    case "string":
      return displayString(value);
  }
  if (value instanceof CommitTsPlaceholder) return "[unresolved commit timestamp]";
  if (value instanceof ArrayBuffer) return `b${displayString(Buffer.from(value).toString("base64"))}`;
  if (Array.isArray(value)) return `[${value.map((v) => displayValue(v)).join(", ")}]`;
  const object = value as Record<string, Value | undefined>;
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${k}: ${displayValue(object[k])}`).join(", ")}}`;
}

/** The backend's type names (`ConvexValue::type_name`, `MaybeValue::type_name`). */
export function typeName(value: Value | undefined): string {
  if (value === undefined) return "undefined";
  if (value === null) return "Null";
  switch (typeof value) {
    case "bigint":
      return "Int64";
    case "number":
      return "Float64";
    case "boolean":
      return "Boolean";
    case "string":
      return "String";
  }
  if (value instanceof CommitTsPlaceholder) return "Int64";
  if (value instanceof ArrayBuffer) return "Bytes";
  if (Array.isArray(value)) return "Array";
  return "Object";
}
