// The query of `ctx.vectorSearch`, as convex@1.48 sends it with `1.0/actions/vectorSearch`
// (`{indexName: "table.index", limit?, vector, expressions}`), read and checked in the backend's
// order: the query's shape (crates/vector/src/query.rs), then QdrantSchema::compile against the
// index (crates/vector/src/qdrant_index.rs).
import type { Value } from "convex/values";
import { decodeMaybeUndefined } from "./json-values";
import { encodeValue } from "./sort-key";
import type { JSONValue, VectorIndexSchema } from "./types";
import {
  DEFAULT_VECTOR_LIMIT,
  eqNeedsFieldAndValue,
  incorrectVectorFilterField,
  invalidVectorQuery,
  MAX_FILTER_LENGTH,
  MAX_VECTOR_DIMENSIONS,
  MAX_VECTOR_RESULTS,
  onlyEqAndOr,
  tooManyVectorFilterConditions,
  vectorDimensionsMismatch,
  vectorLimitTooLarge,
} from "./vector-errors";

/** One filter field and the values it may have (`q.eq`, or several `q.eq`s of it in a `q.or`). */
export interface FieldCondition {
  field: string;
  /** Value keys (see `filterValueKey`), distinct. */
  keys: string[];
}

export interface VectorQuery {
  /** "table.index" as the caller named it. */
  indexName: string;
  limit: number;
  /** The query vector in f32, as the backend deserializes it (not normalized yet). */
  vector: Float32Array;
  /** The filter's conditions; a document matches when it meets any of them (none: every document). */
  conditions: FieldCondition[];
}

/** Equality of filter values, as the backend compares them (Convex values, `undefined` for a missing field). */
export function filterValueKey(value: Value | undefined): string {
  return Buffer.from(encodeValue(value)).toString("latin1");
}

const OTHER_OPERATORS = new Set(["$neq", "$lt", "$lte", "$gt", "$gte", "$add", "$sub", "$mul", "$div", "$mod", "$neg", "$and", "$not"]);

function isObject(value: unknown): value is { [key: string]: JSONValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The only key of a serialized expression (`{"$eq": …}`), or null. */
function operatorOf(expression: JSONValue): string | null {
  if (!isObject(expression)) return null;
  const keys = Object.keys(expression);
  return keys.length === 1 ? keys[0]! : null;
}

/** `assemble_filter_map`: the filter as field → values, or the backend's refusal. */
function collectConditions(expression: JSONValue, into: Map<string, Map<string, true>>): void {
  const operator = operatorOf(expression);
  const body = operator === null ? undefined : (expression as { [key: string]: JSONValue })[operator];
  if (operator === "$eq") {
    if (!Array.isArray(body) || body.length !== 2) throw invalidVectorQuery("`$eq` takes two operands.");
    const [left, right] = body as [JSONValue, JSONValue];
    if (operatorOf(left) !== "$field" || operatorOf(right) !== "$literal") throw eqNeedsFieldAndValue();
    const field = (left as { $field: JSONValue }).$field;
    if (typeof field !== "string") throw invalidVectorQuery("a field path must be a string.");
    const values = into.get(field) ?? new Map<string, true>();
    values.set(filterValueKey(decodeMaybeUndefined((right as { $literal: JSONValue }).$literal)), true);
    into.set(field, values);
    return;
  }
  if (operator === "$or") {
    if (!Array.isArray(body)) throw invalidVectorQuery("`$or` takes a list of expressions.");
    for (const child of body) collectConditions(child, into);
    return;
  }
  if (operator === "$literal" || operator === "$field" || (operator !== null && OTHER_OPERATORS.has(operator))) throw onlyEqAndOr();
  throw invalidVectorQuery(`${JSON.stringify(expression)} is not a filter expression.`);
}

/** Reads the syscall's `query`; the shape errors come before any look at the index, as in the backend. */
export function parseVectorQuery(raw: unknown): VectorQuery {
  if (!isObject(raw)) throw invalidVectorQuery("the query must be an object.");
  const { indexName, limit, vector, expressions } = raw;
  if (typeof indexName !== "string") throw invalidVectorQuery("`indexName` must be a string.");
  if (!Array.isArray(vector)) throw invalidVectorQuery("`vector` must be an array of numbers.");
  const f32 = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const element = vector[i];
    if (typeof element !== "number") {
      throw invalidVectorQuery(`\`vector\` must be an array of numbers, but element ${i} is ${JSON.stringify(element)}.`);
    }
    f32[i] = element;
  }
  let count = DEFAULT_VECTOR_LIMIT;
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0 || limit > 0xffffffff) {
      throw invalidVectorQuery(`\`limit\` must be a whole number from 1 to ${MAX_VECTOR_RESULTS}, not ${JSON.stringify(limit)}.`);
    }
    count = limit;
  }
  const fields = new Map<string, Map<string, true>>();
  if (expressions !== undefined && expressions !== null) collectConditions(expressions, fields);
  const conditions = [...fields].map(([field, keys]) => ({ field, keys: [...keys.keys()] }));
  return { indexName, limit: count, vector: f32, conditions };
}

/**
 * `QdrantSchema::compile`: the checks against the index, in the backend's order. The backend keeps
 * the conditions in a sorted set (single values before value sets, then by field path), so with
 * two wrong fields it names the first in that order.
 */
export function checkVectorQuery(query: VectorQuery, index: VectorIndexSchema, displayName: string): void {
  if (query.vector.length > MAX_VECTOR_DIMENSIONS) throw vectorDimensionsMismatch(query.vector.length, MAX_VECTOR_DIMENSIONS);
  if (query.limit > MAX_VECTOR_RESULTS) throw vectorLimitTooLarge(query.limit);
  const ordered = [...query.conditions].sort(
    (a, b) => Number(a.keys.length > 1) - Number(b.keys.length > 1) || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0),
  );
  let length = 0;
  for (const condition of ordered) {
    if (!index.filterFields.includes(condition.field)) throw incorrectVectorFilterField(displayName, condition.field);
    length += condition.keys.length;
  }
  if (length > MAX_FILTER_LENGTH) throw tooManyVectorFilterConditions(displayName, length);
  if (query.vector.length !== index.dimensions) throw vectorDimensionsMismatch(query.vector.length, index.dimensions);
}
