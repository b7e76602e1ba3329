// `.filter()` expressions: comparisons in the backend's total order (also across types and for
// missing fields), arithmetic and boolean rules, and their error messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareValues, jsonToConvex } from "convex/values";
import type { DocumentJSON, JSONValue } from "../../runtime/store/types";
import { collect, errorOf, f, insertAll, int, openStore, scan } from "./helpers";

const VALUES: Array<JSONValue | undefined> = [
  undefined,
  null,
  int(-3),
  int(100),
  -1,
  0,
  5,
  5.5,
  false,
  true,
  "",
  "5",
  "abc",
  [1],
  { k: 1 },
];

async function withDocs() {
  const store = await openStore();
  await insertAll(
    store,
    "messages",
    VALUES.map((v, i): { [key: string]: JSONValue } => (v === undefined ? { i } : { i, v })),
  );
  return store;
}

const ids = (docs: DocumentJSON[]) => docs.map((d) => d.i);

test("comparisons use the total order across types, with missing fields as undefined", async () => {
  const store = await withDocs();
  const ops: Record<string, (c: number) => boolean> = {
    $eq: (c) => c === 0,
    $neq: (c) => c !== 0,
    $lt: (c) => c < 0,
    $lte: (c) => c <= 0,
    $gt: (c) => c > 0,
    $gte: (c) => c >= 0,
  };
  for (const [op, holds] of Object.entries(ops)) {
    for (const literal of VALUES) {
      const lit = literal === undefined ? { $undefined: null } : literal;
      const got = ids(await collect(store, scan("messages", null, [{ filter: f.op(op, f.field("v"), f.lit(lit)) }])));
      const want = VALUES.flatMap((v, i) =>
        holds(compareValues(v === undefined ? undefined : jsonToConvex(v), literal === undefined ? undefined : jsonToConvex(literal)))
          ? [i]
          : [],
      );
      assert.deepEqual(got, want, `${op} ${JSON.stringify(lit)}`);
    }
  }
  await store.close();
});

test("$lt across types follows the backend, not JavaScript's < (where convex-test deviates)", async () => {
  const store = await withDocs();
  // In the total order, undefined < null < int64 < float64 < booleans < strings < ...: so every
  // document whose v is missing, null or an int64 (even 100n) is below the float 5.
  const below5 = ids(await collect(store, scan("messages", null, [{ filter: f.op("$lt", f.field("v"), f.lit(5)) }])));
  assert.deepEqual(below5, [0, 1, 2, 3, 4, 5]);
  // And every string is above every number ("5" > 1e9), unlike JS's coercing comparison.
  const aboveBig = ids(await collect(store, scan("messages", null, [{ filter: f.op("$gt", f.field("v"), f.lit(1e9)) }])));
  assert.deepEqual(aboveBig, [8, 9, 10, 11, 12, 13, 14]);
  await store.close();
});

test("boolean operators, nested fields, arithmetic", async () => {
  const store = await openStore();
  await insertAll(store, "messages", [
    { n: int(7), x: 1.5, author: { name: "ann" }, ok: true },
    { n: int(-7), x: -2, author: { name: "bob" }, ok: false },
    { n: int(0), x: 0, author: "not an object", ok: true },
  ]);
  const run = async (filter: JSONValue) => (await collect(store, scan("messages", null, [{ filter }]))).map((d) => d.n);
  assert.deepEqual(await run(f.op("$eq", f.field("author.name"), f.lit("bob"))), [int(-7)]);
  assert.deepEqual(await run(f.op("$eq", f.field("author.name"), f.lit({ $undefined: null }))), [int(0)]);
  assert.deepEqual(await run(f.and(f.field("ok"), f.op("$gt", f.field("x"), f.lit(1)))), [int(7)]);
  assert.deepEqual(await run(f.or(f.not(f.field("ok")), f.op("$eq", f.field("n"), f.lit(int(0))))), [int(-7), int(0)]);
  assert.deepEqual(await run(f.op("$eq", f.op("$add", f.field("n"), f.lit(int(3))), f.lit(int(10)))), [int(7)]);
  assert.deepEqual(await run(f.op("$eq", f.op("$mod", f.field("n"), f.lit(int(4))), f.lit(int(-3)))), [int(-7)]); // sign of the dividend
  assert.deepEqual(await run(f.op("$eq", f.op("$div", f.field("n"), f.lit(int(2))), f.lit(int(-3)))), [int(-7)]); // truncation
  assert.deepEqual(await run(f.op("$eq", f.op("$mul", f.field("x"), f.lit(2)), f.lit(3))), [int(7)]);
  // -0 < 0 in the total order, so negating x = 0 also gives a value below 0.
  assert.deepEqual(await run(f.op("$lt", { $neg: f.field("x") }, f.lit(0))), [int(7), int(0)]);
  assert.deepEqual(await run(f.op("$eq", f.op("$sub", f.field("x"), f.lit(0.5)), f.lit(1))), [int(7)]);
  // $and short-circuits: later operands are not evaluated once the result is known.
  assert.deepEqual(await run(f.and(f.lit(false), f.lit(1))), []);
  assert.deepEqual(await run(f.or(f.lit(true), f.lit("x"))), [int(7), int(-7), int(0)]);
  await store.close();
});

test("type errors are EvalErrors with the backend's messages", async () => {
  const store = await openStore();
  await insertAll(store, "messages", [{ n: int(7), x: 1.5 }]);
  const run = (filter: JSONValue) => errorOf(() => collect(store, scan("messages", null, [{ filter }])));
  assert.equal(await run(f.op("$add", f.field("n"), f.field("x"))), "Cannot add 7 (type Int64) and 1.5 (type Float64)");
  assert.equal(await run(f.op("$sub", f.field("missing"), f.lit(1))), "Cannot subtract undefined (type undefined) and 1.0 (type Float64)");
  assert.equal(await run(f.op("$mul", f.lit("a"), f.lit(null))), 'Cannot multiply "a" (type String) and null (type Null)');
  assert.equal(await run({ $neg: f.lit(true) }), "Cannot negate true (type Boolean)");
  assert.equal(await run(f.and(f.field("x"))), "Cannot use value 1.5 (type Float64) as a Boolean");
  assert.equal(await run(f.not(f.lit([1]))), "Cannot use value [1.0] (type Array) as a Boolean");
  assert.equal(await run(f.field("n")), "Cannot use value 7 (type Int64) as a Boolean");
  assert.match(await run(f.op("$div", f.field("n"), f.lit(int(0)))), /divide 7 by zero/);
  assert.match(await run(f.op("$add", f.lit(int(2n ** 63n - 1n)), f.lit(int(1)))), /overflow/);
  await store.close();
});
