// Prints a value exactly as the backend's `impl Display for ConvexValue` does
// (crates/value/src/lib.rs; arrays in array.rs, objects in object.rs, bytes in bytes.rs). These
// strings appear after "Value:" / "Object:" in validation messages, so the details matter:
// floats always show a fraction (`123.0`), int64s print bare (`123`), strings use Rust's debug
// quoting, object keys are unquoted and sorted, bytes print as `b"<base64>"`.
import { CommitTsValue, ConvexBytes, ConvexObject, type ConvexValue } from "./convex-value.js";
import { compareUtf8, rustF64Debug, rustStrDebug } from "./rust-format.js";

export function displayValue(value: ConvexValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return String(value);
    case "number":
      return rustF64Debug(value);
    case "bigint":
      return value.toString();
    case "string":
      return rustStrDebug(value);
  }
  if (Array.isArray(value)) return `[${value.map(displayValue).join(", ")}]`;
  if (value instanceof ConvexObject) return displayObject(value);
  if (value instanceof ConvexBytes) return `b"${Buffer.from(value.bytes).toString("base64")}"`;
  if (value instanceof CommitTsValue) {
    // The backend snapshot we read predates commit timestamps; print what the JS placeholder's
    // toString() says so the message is at least self-explanatory.
    return "[unresolved commit timestamp]";
  }
  throw new Error("unreachable: unknown Convex value");
}

export function displayObject(object: ConvexObject): string {
  const entries = [...object.fields].sort(([a], [b]) => compareUtf8(a, b));
  return `{${entries.map(([key, v]) => `${key}: ${displayValue(v)}`).join(", ")}}`;
}
