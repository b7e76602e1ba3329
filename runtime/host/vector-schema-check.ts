// The rules the backend checks on the vector indexes of a pushed schema, in its words: dimensions
// and filter fields (crates/common/src/schemas/json.rs, VectorIndexSchema::new,
// bootstrap_model/index/vector_index/dimensions.rs), one index per vector field and dimension
// (index_validation_error.rs, vector_field_not_unique), and, with schema validation on, a vector
// field that can hold an array of float64 (schemas/mod.rs, check_index_references).
import { MAX_VECTOR_DIMENSIONS, MIN_VECTOR_DIMENSIONS } from "../store/vector-errors";
import type { JSONValue, SchemaInfo } from "../store/types";

const MAX_FILTER_FIELDS = 16;

type Table = SchemaInfo["tables"][number];

/** The first rule the table's vector index definitions break; null when they are fine. */
export function vectorIndexProblem(table: Table): string | null {
  const name = table.tableName;
  const all = [...(table.vectorIndexes ?? []), ...(table.stagedVectorIndexes ?? [])];
  for (const index of all) {
    const d = index.dimensions;
    if (!Number.isInteger(d) || d < MIN_VECTOR_DIMENSIONS || d > MAX_VECTOR_DIMENSIONS) {
      return `In table "${name}": Dimensions ${d} must be between ${MIN_VECTOR_DIMENSIONS} and ${MAX_VECTOR_DIMENSIONS}.`;
    }
    // The backend's text says "Search indexes" here too.
    if (new Set(index.filterFields).size > MAX_FILTER_FIELDS) {
      return `In table "${name}": Search indexes may have up to ${MAX_FILTER_FIELDS} filter fields.`;
    }
  }
  // Checked in name order: the later name is reported against the earlier one.
  const seen = new Map<string, string>();
  for (const index of [...(table.vectorIndexes ?? [])].sort((a, b) => (a.indexDescriptor < b.indexDescriptor ? -1 : 1))) {
    const key = `${index.vectorField}\u0000${index.dimensions}`;
    const other = seen.get(key);
    if (other !== undefined) {
      return (
        `In table "${name}" vector index "${index.indexDescriptor}" and vector index "${other}" have the same \`vectorField\`. ` +
        "Vector index fields must be unique within a table. You should combine the\n" +
        "             indexes with the same `vectorField` into one index containing all `filterField`s and then use different subsets of the `filterField`s at query time."
      );
    }
    seen.set(key, index.indexDescriptor);
  }
  return null;
}

/** Checked once every table's definitions passed, as the backend does: fields that cannot hold a vector. */
export function vectorFieldProblem(schema: SchemaInfo): string | null {
  if (!schema.schemaValidation) return null;
  for (const table of schema.tables) {
    if (table.documentType === null) continue;
    for (const index of [...(table.vectorIndexes ?? []), ...(table.stagedVectorIndexes ?? [])]) {
      if (!canHoldFloatArray(table.documentType, index.vectorField.split("."))) {
        return (
          `In table "${table.tableName}" the vector index "${index.indexDescriptor}" is invalid because it references the field ` +
          `"${index.vectorField}" that is neither an array of float64 or optional array of float64.`
        );
      }
    }
  }
  return null;
}

type Validator = { type?: string; value?: JSONValue };

/** Whether a value at `path` under `validator` may be an array of float64 (`overlaps_with_array_float64`). */
function canHoldFloatArray(validator: JSONValue, path: string[]): boolean {
  const v = validator as Validator;
  if (v.type === "any") return true;
  if (v.type === "union") return ((v.value ?? []) as JSONValue[]).some((member) => canHoldFloatArray(member, path));
  if (path.length === 0) return v.type === "array" && canBeFloat(v.value ?? null);
  if (v.type !== "object") return false;
  const field = (v.value as { [key: string]: { fieldType: JSONValue } } | undefined)?.[path[0]!];
  return field !== undefined && canHoldFloatArray(field.fieldType, path.slice(1));
}

function canBeFloat(validator: JSONValue): boolean {
  const v = validator as Validator;
  if (v.type === "number" || v.type === "any") return true;
  return v.type === "union" && ((v.value ?? []) as JSONValue[]).some(canBeFloat);
}
