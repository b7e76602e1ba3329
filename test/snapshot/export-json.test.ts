// The value format of documents.jsonl (ConvexExportJSON): integers and floats told apart by how
// they are written, and the store's wire form written back the same way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convexToJson, jsonToConvex } from "convex/values";
import { parseExportJson, writeExportJson } from "../../runtime/snapshot/export-json";
import { assignTableNumbers } from "../../runtime/snapshot/table-numbers";

test("integers are int64 and numbers with a point or an exponent float64; -0.0 keeps its sign", () => {
  const parsed = parseExportJson('{"a":42,"b":42.0,"c":1e3,"d":-0.0,"e":9223372036854775807,"f":-9223372036854775808}', true);
  assert.deepEqual(jsonToConvex(parsed), { a: 42n, b: 42, c: 1000, d: -0, e: 2n ** 63n - 1n, f: -(2n ** 63n) });
  assert.ok(Object.is((jsonToConvex(parsed) as { d: number }).d, -0));
  // Past int64 the backend reads a float (serde_json's as_i64 fails, as_f64 does not).
  assert.deepEqual(jsonToConvex(parseExportJson("[9223372036854775808]", true)), [2 ** 63]);
  // Without "uniform" every number is a float, as the backend infers for a table without a shape.
  assert.deepEqual(jsonToConvex(parseExportJson('{"a":42}', false)), { a: 42 });
});

test("$bytes and $float are the wire form; other $ fields, bad JSON and trailing text are refused with a column", () => {
  assert.deepEqual(parseExportJson('{"b":{"$bytes":"AAH+/w=="},"n":{"$float":"AAAAAAAA+H8="}}', true), {
    b: { $bytes: "AAH+/w==" },
    n: { $float: "AAAAAAAA+H8=" },
  });
  assert.throws(() => parseExportJson('{"p":{"$cents":5}}', true), /field names cannot start with "\$" \("\$cents"\)/);
  assert.throws(() => parseExportJson('{"a":1} x', true), /unexpected text after the value at column 9/);
  assert.throws(() => parseExportJson('{"a":01}', true), /expected "," or "}" at column 7/);
  assert.throws(() => parseExportJson('{"a":"\\q"}', true), /invalid string at column 6/);
  assert.deepEqual(parseExportJson(' [ "x\\n\\u00e9" , true , null ] ', true), ["x\né", true, null]);
});

test("the wire form is written as the export writes it, and reads back the same", () => {
  const value = convexToJson({
    int: 12345678901234n,
    negative: -(2n ** 63n),
    one: 1,
    half: 0.5,
    zero: -0,
    big: 1e21,
    nan: Number.NaN,
    inf: Number.NEGATIVE_INFINITY,
    bytes: new Uint8Array([0, 255]).buffer,
    nested: [{ deep: [1n, "s", false, null] }],
  });
  const text = writeExportJson(value);
  assert.match(text, /"int":12345678901234[,}]/);
  assert.match(text, /"one":1\.0[,}]/);
  assert.match(text, /"zero":-0\.0[,}]/);
  assert.match(text, /"big":1e\+21[,}]/);
  assert.match(text, /"nan":\{"\$float":"AAAAAAAA\+H8="\}/);
  assert.deepEqual(parseExportJson(text, true), value);
});

test("table numbers: earlier tables keep theirs, a clash or a number out of range gets a free one", () => {
  const numbers = assignTableNumbers([
    { table: "authors", system: false, wanted: 10001 },
    { table: "_storage", system: true, wanted: 7 },
    { table: "c/counters", system: false, wanted: 10001 },
    { table: "c/_storage", system: true, wanted: 7 },
    { table: "odd", system: false, wanted: 12 },
    { table: "empty", system: false, wanted: undefined },
    { table: "far", system: false, wanted: 10009 },
  ]);
  assert.deepEqual(Object.fromEntries(numbers), {
    authors: 10001,
    _storage: 7,
    far: 10009,
    "c/counters": 10010,
    "c/_storage": 8,
    odd: 10011,
    empty: 10012,
  });
});
