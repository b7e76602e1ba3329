// Prints validators exactly as the backend's `impl Display for Validator` does
// (crates/common/src/schemas/validator.rs), since that text is part of every validation message:
// `v.float64()` rather than `v.number()`, fields in sorted order, `v.optional(...)` around optional
// fields, and literals through serde_json (`v.literal(1.0)`, `v.literal("a")`, `v.literal(<bigint>)`).
import { serdeJsonF64 } from "./rust-format.js";
import type { FieldValidator, LiteralValue, Validator } from "./validator.js";

export function displayValidator(v: Validator): string {
  switch (v.kind) {
    case "id":
      return `v.id("${v.tableName}")`;
    case "null":
      return "v.null()";
    case "float64":
      return "v.float64()";
    case "int64":
      return "v.int64()";
    // Not in the backend snapshot we read (it predates convex 1.48); named after the JS builder.
    case "commitTs":
      return "v.commitTs()";
    case "boolean":
      return "v.boolean()";
    case "string":
      return "v.string()";
    case "bytes":
      return "v.bytes()";
    case "any":
      return "v.any()";
    case "literal":
      return `v.literal(${displayLiteral(v.value)})`;
    case "array":
      return `v.array(${displayValidator(v.element)})`;
    case "record":
      return `v.record(${displayValidator(v.keys)}, ${displayValidator(v.values)})`;
    case "object":
      return `v.object({${v.fields.map(([name, field]) => `${name}: ${displayField(field)}`).join(", ")}})`;
    case "union":
      return `v.union(${v.members.map(displayValidator).join(", ")})`;
  }
}

export function displayField(field: FieldValidator): string {
  const inner = displayValidator(field.validator);
  return field.optional ? `v.optional(${inner})` : inner;
}

// `impl Display for LiteralValidator`: JSON where possible, a placeholder where JSON can't say it.
export function displayLiteral(value: LiteralValue): string {
  if (typeof value === "bigint") return "<bigint>";
  if (typeof value === "number") return serdeJsonF64(value) ?? "<number>";
  if (typeof value === "boolean") return String(value);
  // serde_json and JSON.stringify escape strings identically (quotes, backslash, C0 controls).
  return JSON.stringify(value);
}
