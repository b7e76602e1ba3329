// Evaluation of `.filter(q => …)` expressions (the `{filter: Expr}` query operator), with the
// backend's semantics (crates/common/src/query.rs, Expression::eval):
//   * comparisons use the total order over all values (compareValues), so values of different
//     types compare too, and a missing field is `undefined`, below everything. (convex-test uses
//     JS `<`/`>` for $lt/$gt/$lte/$gte, which differs across types; we follow the backend.)
//   * arithmetic only on int64 with int64 or float64 with float64; anything else is an EvalError.
//   * $and/$or/$not and the filter's result must be booleans.
import { compareValues, jsonToConvex, type Value } from "convex/values";
import { evalError } from "./errors";
import { decodeMaybeUndefined, getFieldJson, splitFieldPath } from "./json-values";
import type { JSONValue } from "./types";
import { displayValue, typeName } from "./value-display";

type Maybe = Value | undefined;

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** A parsed filter expression; parsing once per query avoids re-walking the JSON per document. */
export type CompiledExpr = (doc: JSONValue) => Maybe;

function binaryArgs(op: string, args: JSONValue): [JSONValue, JSONValue] {
  if (!Array.isArray(args) || args.length !== 2) throw evalError(`Invalid filter expression: ${op} takes two operands`);
  return [args[0]!, args[1]!];
}

function asBoolean(value: Maybe): boolean {
  if (typeof value === "boolean") return value;
  // types/maybe_value.rs, MaybeValue::into_boolean
  throw evalError(`Cannot use value ${displayValue(value)} (type ${typeName(value)}) as a Boolean`);
}

function checkedInt(result: bigint, operation: string): bigint {
  if (result < MIN_INT64 || result > MAX_INT64) {
    // The backend's i64 arithmetic panics on overflow; we report it instead (our wording).
    throw evalError(`Integer overflow: ${operation} does not fit in a 64-bit integer`);
  }
  return result;
}

const ARITHMETIC: Record<string, { verb: string; ints: (l: bigint, r: bigint) => bigint; floats: (l: number, r: number) => number }> = {
  $add: { verb: "add", ints: (l, r) => l + r, floats: (l, r) => l + r },
  $sub: { verb: "subtract", ints: (l, r) => l - r, floats: (l, r) => l - r },
  $mul: { verb: "multiply", ints: (l, r) => l * r, floats: (l, r) => l * r },
  $div: {
    verb: "divide",
    ints: (l, r) => {
      if (r === 0n) throw evalError(`Cannot divide ${l} by zero`); // the backend panics; our wording
      return l / r; // BigInt division truncates toward zero, like Rust's i64 division
    },
    floats: (l, r) => l / r,
  },
  $mod: {
    verb: "mod",
    ints: (l, r) => {
      if (r === 0n) throw evalError(`Cannot mod ${l} by zero`); // the backend panics; our wording
      return l % r; // the sign follows the dividend, like Rust's `%`
    },
    floats: (l, r) => l % r,
  },
};

const COMPARISONS: Record<string, (cmp: number) => boolean> = {
  $eq: (c) => c === 0,
  $neq: (c) => c !== 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
};

export function compileExpr(expr: JSONValue): CompiledExpr {
  if (expr === null || typeof expr !== "object" || Array.isArray(expr)) {
    throw evalError(`Invalid filter expression: ${JSON.stringify(expr)}`);
  }
  const keys = Object.keys(expr);
  if (keys.length !== 1) throw evalError(`Invalid filter expression: ${JSON.stringify(expr)}`);
  const op = keys[0]!;
  const arg = expr[op]!;

  if (op === "$field") {
    if (typeof arg !== "string") throw evalError("Invalid filter expression: $field takes a field path");
    const path = splitFieldPath(arg);
    return (doc) => {
      const json = getFieldJson(doc, path);
      return json === undefined ? undefined : jsonToConvex(json);
    };
  }
  if (op === "$literal") {
    const value = decodeMaybeUndefined(arg);
    return () => value;
  }
  const comparison = COMPARISONS[op];
  if (comparison) {
    const [l, r] = binaryArgs(op, arg).map(compileExpr) as [CompiledExpr, CompiledExpr];
    return (doc) => comparison(compareValues(l(doc), r(doc)));
  }
  const arithmetic = ARITHMETIC[op];
  if (arithmetic) {
    const [l, r] = binaryArgs(op, arg).map(compileExpr) as [CompiledExpr, CompiledExpr];
    return (doc) => {
      const a = l(doc);
      const b = r(doc);
      if (typeof a === "bigint" && typeof b === "bigint") return checkedInt(arithmetic.ints(a, b), `${arithmetic.verb} ${a} and ${b}`);
      if (typeof a === "number" && typeof b === "number") return arithmetic.floats(a, b);
      // crates/common/src/query.rs, binary_arithmetic
      throw evalError(`Cannot ${arithmetic.verb} ${displayValue(a)} (type ${typeName(a)}) and ${displayValue(b)} (type ${typeName(b)})`);
    };
  }
  switch (op) {
    case "$neg": {
      const x = compileExpr(arg);
      return (doc) => {
        const v = x(doc);
        if (typeof v === "bigint") return checkedInt(-v, `negate ${v}`);
        if (typeof v === "number") return -v;
        // crates/common/src/query.rs, Expression::Neg
        throw evalError(`Cannot negate ${displayValue(v)} (type ${typeName(v)})`);
      };
    }
    case "$not": {
      const x = compileExpr(arg);
      return (doc) => !asBoolean(x(doc));
    }
    case "$and":
    case "$or": {
      if (!Array.isArray(arg)) throw evalError(`Invalid filter expression: ${op} takes a list`);
      const parts = arg.map(compileExpr);
      const isAnd = op === "$and";
      // Short-circuits like the backend: later operands are not evaluated (nor type-checked).
      return (doc) => {
        for (const part of parts) {
          if (asBoolean(part(doc)) !== isAnd) return !isAnd;
        }
        return isAnd;
      };
    }
  }
  throw evalError(`Invalid filter expression: unknown operator ${op}`);
}

/** A compiled filter operator: true keeps the document. A non-boolean result is an EvalError. */
export function compileFilter(expr: JSONValue): (doc: JSONValue) => boolean {
  const compiled = compileExpr(expr);
  return (doc) => asBoolean(compiled(doc));
}
