// Checks one decoded value against one validator with the backend's semantics
// (`Validator::check_value_internal`, crates/common/src/schemas/validator.rs): the first problem
// found wins, object fields are visited in sorted order (required/typed fields first, then extra
// fields), unions report the whole union rather than any member's error, and `v.id("t")` accepts a
// string only if it decodes to an ID of table `t`.
import { CommitTsValue, ConvexBytes, ConvexObject, type ConvexValue } from "./convex-value.js";
import { compareUtf8 } from "./rust-format.js";
import type { ValidationError } from "./validation-error.js";
import type { LiteralValue, Validator } from "./validator.js";

export interface CheckContext {
  /**
   * The table an ID string belongs to, or null when the string is not a valid ID or its table
   * number is unknown. Injected because the ID format lives in the document store.
   */
  tableNameOfId(id: string): string | null;
}

export function checkValue(
  validator: Validator,
  value: ConvexValue,
  ctx: CheckContext,
  path: string | null = null,
): ValidationError | null {
  const noMatch = (): ValidationError => ({ kind: "NoMatch", value, validator, path });
  switch (validator.kind) {
    case "any":
      return null;
    case "null":
      return value === null ? null : noMatch();
    case "float64":
      return typeof value === "number" ? null : noMatch();
    case "int64":
      return typeof value === "bigint" ? null : noMatch();
    case "commitTs":
      return typeof value === "bigint" || value instanceof CommitTsValue ? null : noMatch();
    case "boolean":
      return typeof value === "boolean" ? null : noMatch();
    case "string":
      return typeof value === "string" ? null : noMatch();
    case "bytes":
      return value instanceof ConvexBytes ? null : noMatch();
    case "id": {
      if (typeof value !== "string") return noMatch();
      const found = ctx.tableNameOfId(value);
      if (found === null) return noMatch();
      if (found === validator.tableName) return null;
      // System tables are the ones whose name starts with "_" (`TableName::is_system`).
      return found.startsWith("_")
        ? { kind: "SystemTableReference", id: value, validatorTable: validator.tableName, path }
        : { kind: "TableNamesDoNotMatch", id: value, foundTableName: found, validatorTable: validator.tableName, path };
    }
    case "literal":
      return literalEquals(validator.value, value) ? null : { kind: "LiteralValuesDoNotMatch", value, literal: validator.value, path };
    case "array": {
      if (!Array.isArray(value)) return noMatch();
      for (let i = 0; i < value.length; i++) {
        const error = checkValue(validator.element, value[i]!, ctx, join(path, `[${i}]`));
        if (error) return error;
      }
      return null;
    }
    case "record": {
      if (!(value instanceof ConvexObject)) return noMatch();
      for (const [key, item] of sortedFields(value)) {
        // The backend's context here is literally ".keys()" / ".values()", without the key.
        const keyError = checkValue(validator.keys, key, ctx, join(path, ".keys()"));
        if (keyError) return keyError;
        const valueError = checkValue(validator.values, item, ctx, join(path, ".values()"));
        if (valueError) return valueError;
      }
      return null;
    }
    case "object": {
      if (!(value instanceof ConvexObject)) return noMatch();
      for (const [name, field] of validator.fields) {
        const item = value.fields.get(name);
        if (item !== undefined) {
          const error = checkValue(field.validator, item, ctx, join(path, `.${name}`));
          if (error) return error;
        } else if (!field.optional) {
          return { kind: "MissingRequiredField", object: value, fieldName: name, objectValidator: validator, path };
        }
      }
      const known = new Set(validator.fields.map(([name]) => name));
      for (const [name] of sortedFields(value)) {
        if (!known.has(name)) {
          return { kind: "ExtraField", object: value, fieldName: name, objectValidator: validator, path };
        }
      }
      return null;
    }
    case "union": {
      // A one-member union reports its member's own error (the backend special-cases it).
      if (validator.members.length === 1) return checkValue(validator.members[0]!, value, ctx, path);
      for (const member of validator.members) {
        if (checkValue(member, value, ctx, path) === null) return null;
      }
      return noMatch();
    }
  }
}

function join(path: string | null, segment: string): string {
  return path === null ? segment : `${path}${segment}`;
}

function sortedFields(object: ConvexObject): Array<[string, ConvexValue]> {
  return [...object.fields].sort(([a], [b]) => compareUtf8(a, b));
}

// Convex values compare floats by total order, so NaN equals NaN and -0 differs from 0.
function literalEquals(literal: LiteralValue, value: ConvexValue): boolean {
  if (typeof literal === "number") return typeof value === "number" && Object.is(literal, value);
  return typeof value === typeof literal && value === literal;
}
