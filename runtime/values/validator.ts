// The validator model the checker works on, parsed from the `ValidatorJSON` that
// `fn.exportArgs()` / `fn.exportReturns()` / `defineSchema(...).export()` produce
// (convex/src/values/validators.ts). Parsing follows the backend's `TryFrom<ValidatorJson> for
// Validator` (crates/common/src/schemas/json.rs): `number` is float64, `bigint` is int64, literals
// carry a decoded Convex value, object fields are kept in sorted order, and record key rules that
// the backend enforces at push time are enforced here too so a bad validator fails loudly.
import type { JSONValue } from "convex/values";
import { decodeJsonValue, type ConvexValue } from "./convex-value.js";
import { displayValidator } from "./display-validator.js";
import { compareUtf8 } from "./rust-format.js";

export type LiteralValue = number | bigint | boolean | string;

export interface FieldValidator {
  validator: Validator;
  optional: boolean;
}

export type Validator =
  | { kind: "id"; tableName: string }
  | { kind: "null" }
  | { kind: "float64" }
  | { kind: "int64" }
  /** convex 1.48's `v.commitTs()`: an int64, or the `db.vars.commitTs` placeholder. */
  | { kind: "commitTs" }
  | { kind: "boolean" }
  | { kind: "string" }
  | { kind: "bytes" }
  | { kind: "literal"; value: LiteralValue }
  | { kind: "array"; element: Validator }
  | { kind: "record"; keys: Validator; values: Validator }
  /** Fields sorted by field name, like the backend's `BTreeMap`. */
  | { kind: "object"; fields: ReadonlyArray<readonly [string, FieldValidator]> }
  | { kind: "union"; members: Validator[] }
  | { kind: "any" };

export type ObjectValidator = Extract<Validator, { kind: "object" }>;

/** A validator the backend would have refused at push time. */
export class InvalidValidatorError extends Error {
  override name = "InvalidValidatorError";
}

export function parseValidator(json: unknown): Validator {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidValidatorError(`Expected a validator object, got ${JSON.stringify(json)}`);
  }
  const node = json as Record<string, unknown>;
  switch (node.type) {
    case "null":
      return { kind: "null" };
    case "number":
      return { kind: "float64" };
    case "bigint":
      return { kind: "int64" };
    case "commitTs":
      return { kind: "commitTs" };
    case "boolean":
      return { kind: "boolean" };
    case "string":
      return { kind: "string" };
    case "bytes":
      return { kind: "bytes" };
    // The backend still reads the removed `map`/`set` validators as `any` (schemas/json.rs).
    case "any":
    case "map":
    case "set":
      return { kind: "any" };
    case "literal":
      return { kind: "literal", value: parseLiteral(node.value) };
    case "id":
      if (typeof node.tableName !== "string") throw new InvalidValidatorError("v.id() needs a table name");
      return { kind: "id", tableName: node.tableName };
    case "array":
      return { kind: "array", element: parseValidator(node.value) };
    case "record":
      return parseRecord(node.keys, node.values);
    case "object":
      return parseObject(node.value);
    case "union":
      if (!Array.isArray(node.value)) throw new InvalidValidatorError("v.union() needs a list of validators");
      return { kind: "union", members: node.value.map(parseValidator) };
    default:
      throw new InvalidValidatorError(`Unknown validator type ${JSON.stringify(node.type)}`);
  }
}

function parseLiteral(json: unknown): LiteralValue {
  const value: ConvexValue = decodeJsonValue(json as JSONValue);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" || typeof value === "string") {
    return value;
  }
  throw new InvalidValidatorError(`Value ${JSON.stringify(json)} is not a valid literal.`);
}

function parseField(json: unknown): FieldValidator {
  if (typeof json !== "object" || json === null) throw new InvalidValidatorError("Expected {fieldType, optional}");
  const field = json as Record<string, unknown>;
  return { validator: parseValidator(field.fieldType), optional: field.optional === true };
}

function parseObject(json: unknown): ObjectValidator {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidValidatorError("v.object() needs a map of fields");
  }
  const fields = Object.entries(json as Record<string, unknown>).map(([name, field]): [string, FieldValidator] => {
    try {
      return [name, parseField(field)];
    } catch (error) {
      if (!(error instanceof InvalidValidatorError)) throw error;
      throw new InvalidValidatorError(`Invalid validator for key \`${name}\`: ${error.message}`);
    }
  });
  fields.sort(([a], [b]) => compareUtf8(a, b));
  return { kind: "object", fields };
}

// Texts from the backend's record checks (crates/common/src/schemas/json.rs, `ValidatorJson::Record`).
function parseRecord(keysJson: unknown, valuesJson: unknown): Validator {
  const keys = parseValidator(keysJson);
  if (!isSubsetOfString(keys)) {
    throw new InvalidValidatorError(
      `Records can only have string keys. Your validator contains a record with key typed as \`${displayValidator(keys)}\`, which is not a subtype of \`v.string()\``,
    );
  }
  const values = parseField(valuesJson);
  if (hasStringLiteral(keys)) throw new InvalidValidatorError("Records cannot have string literal keys");
  if (values.optional) throw new InvalidValidatorError("Records cannot have optional values");
  return { kind: "record", keys, values: values.validator };
}

// `Validator::is_subset(&Validator::String)` restricted to what can matter for record keys.
function isSubsetOfString(v: Validator): boolean {
  switch (v.kind) {
    case "string":
    case "id":
      return true;
    case "literal":
      return typeof v.value === "string";
    case "union":
      return v.members.every(isSubsetOfString);
    default:
      return false;
  }
}

// `Validator::is_string_subtype_with_string_literal`.
function hasStringLiteral(v: Validator): boolean {
  if (v.kind === "literal") return typeof v.value === "string";
  if (v.kind === "union") return v.members.some(hasStringLiteral);
  return false;
}
