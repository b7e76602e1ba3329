// Compiles a `withIndex(...)` range (the IndexRange source's `range` list) into a half-open
// interval [lo, hi) of index keys, checking the range rules the way the backend does
// (crates/common/src/query.rs, IndexRange::split and IndexRange::compile):
//   * equalities may come in any order, at most one per field;
//   * at most one lower and one upper bound, both on the same field, not also an equality field;
//   * the equality fields (sorted by their position in the index) followed by the bound field
//     must be a prefix of the index fields (the declared ones, then _creationTime, then _id).
// The first violation found is reported with the backend's error text.
import type { Value } from "convex/values";
import { alreadyDefinedBound, boundsOnMultipleFields, fieldNotInIndex, invalidIndexRange } from "./errors";
import { decodeMaybeUndefined } from "./json-values";
import { afterPrefix, concatBytes, encodeTuple, encodeValue } from "./sort-key";
import type { RangeExpression } from "./types";
import { displayValue } from "./value-display";

export interface KeyInterval {
  /** Inclusive lower bound. */
  lo: Uint8Array;
  /** Exclusive upper bound. */
  hi: Uint8Array;
}

/** A field path as the backend prints it (`FieldPath` Display): in double quotes. */
export function quoteField(path: string): string {
  return `"${path}"`;
}

/** A list of field paths as the backend prints it: ["a", "b"]. */
export function fieldList(paths: ReadonlyArray<string>): string {
  return `[${paths.map(quoteField).join(", ")}]`;
}

type Bound = { value: Value | undefined; inclusive: boolean };

/** The backend orders equality fields as a BTreeMap<FieldPath, _>: by path components. */
function compareFieldPaths(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * @param indexName "table.index", as printed in errors
 * @param keyFields the index key: declared fields, then "_creationTime" and "_id" as the index has them
 */
export function compileIndexRange(indexName: string, keyFields: ReadonlyArray<string>, range: ReadonlyArray<RangeExpression>): KeyInterval {
  // Step 1: split into equalities and one inequality (IndexRange::split).
  const equalities = new Map<string, Value | undefined>();
  let inequalityField: string | null = null;
  let lower: Bound | null = null;
  let upper: Bound | null = null;
  for (const expr of range) {
    const value = decodeMaybeUndefined(expr.value);
    if (expr.type === "Eq") {
      if (equalities.has(expr.fieldPath)) {
        throw alreadyDefinedBound("equality", quoteField(expr.fieldPath), "==", displayValue(equalities.get(expr.fieldPath)));
      }
      equalities.set(expr.fieldPath, value);
      continue;
    }
    const isUpper = expr.type === "Lt" || expr.type === "Lte";
    const inclusive = expr.type === "Gte" || expr.type === "Lte";
    if ((isUpper ? upper : lower) !== null) {
      const comparator = { Gt: ">", Gte: ">=", Lt: "<", Lte: "<=" }[expr.type];
      throw alreadyDefinedBound(isUpper ? "upper" : "lower", quoteField(expr.fieldPath), comparator, displayValue(value));
    }
    if (inequalityField !== null && inequalityField !== expr.fieldPath) {
      throw boundsOnMultipleFields(indexName, quoteField(inequalityField), quoteField(expr.fieldPath));
    }
    inequalityField = expr.fieldPath;
    if (isUpper) upper = { value, inclusive };
    else lower = { value, inclusive };
  }
  if (inequalityField !== null && equalities.has(inequalityField)) {
    throw alreadyDefinedBound("inequality", quoteField(inequalityField), "==", displayValue(equalities.get(inequalityField)));
  }

  // Step 2: check the fields against the index (IndexRange::compile).
  const shownFields = fieldList(keyFields.slice(0, -1)); // the backend lists fields without _id
  const rank = new Map(keyFields.map((field, i) => [field, i]));
  for (const field of [...equalities.keys()].sort(compareFieldPaths)) {
    if (!rank.has(field)) throw fieldNotInIndex(quoteField(field), indexName, shownFields);
  }
  if (inequalityField !== null && !rank.has(inequalityField)) {
    throw fieldNotInIndex(quoteField(inequalityField), indexName, shownFields);
  }
  const eqFields = [...equalities.keys()].sort((a, b) => rank.get(a)! - rank.get(b)!);
  const used = inequalityField === null ? eqFields : [...eqFields, inequalityField];
  used.forEach((field, i) => {
    if (keyFields[i] !== field) throw invalidIndexRange(indexName, shownFields, fieldList(used), quoteField(field));
  });

  // Step 3: the interval. Keys with the equality prefix P lie in [P, afterPrefix(P)).
  const prefix = encodeTuple(eqFields.map((field) => equalities.get(field)));
  if (inequalityField === null) return { lo: prefix, hi: afterPrefix(prefix) };
  const withBound = (bound: Bound) => concatBytes([prefix, encodeValue(bound.value)]);
  const lo = lower === null ? prefix : lower.inclusive ? withBound(lower) : afterPrefix(withBound(lower));
  const hi = upper === null ? afterPrefix(prefix) : upper.inclusive ? afterPrefix(withBound(upper)) : withBound(upper);
  return { lo, hi };
}
