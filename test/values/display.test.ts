// Value and validator printing, as it appears after "Value:" / "Object:" / "Validator:".
// Sources: crates/value/src/{lib,array,object,bytes}.rs Display impls; validator printing is
// asserted by `test_display` in crates/common/src/schemas/validator.rs, which these mirror.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convexToJson, v, type GenericValidator, type JSONValue, type Value } from "convex/values";
import { decodeJsonValue } from "../../runtime/values/convex-value.js";
import { displayValidator } from "../../runtime/values/display-validator.js";
import { displayValue } from "../../runtime/values/display-value.js";
import { InvalidValidatorError, parseValidator } from "../../runtime/values/validator.js";
import { jsonOf } from "./helpers.js";

const show = (value: Value) => displayValue(decodeJsonValue(convexToJson(value) as JSONValue));
const showValidator = (validator: GenericValidator) => displayValidator(parseValidator(jsonOf(validator)));

test("values print like ConvexValue's Display", () => {
  assert.equal(show(null), "null");
  assert.equal(show(true), "true");
  assert.equal(show(123), "123.0");
  assert.equal(show(123n), "123");
  assert.equal(show(-9007199254740993n), "-9007199254740993");
  assert.equal(show(NaN), "NaN");
  assert.equal(show('say "hi"\n'), '"say \\"hi\\"\\n"');
  assert.equal(show(new Uint8Array([1, 2, 3]).buffer), 'b"AQID"');
  assert.equal(show([1, "a", [null]]), '[1.0, "a", [null]]');
  assert.equal(show([]), "[]");
  assert.equal(show({}), "{}");
  // Keys unquoted and sorted, whatever order they arrived in.
  assert.equal(show({ zeta: 1n, alpha: { b: false, a: "x" } }), '{alpha: {a: "x", b: false}, zeta: 1}');
});

test("validators print like Validator's Display", () => {
  assert.equal(showValidator(v.id("tableName")), 'v.id("tableName")');
  assert.equal(showValidator(v.literal(123)), "v.literal(123.0)");
  assert.equal(showValidator(v.literal(123n)), "v.literal(<bigint>)");
  assert.equal(showValidator(v.literal("abc")), 'v.literal("abc")');
  assert.equal(showValidator(v.literal(true)), "v.literal(true)");
  assert.equal(showValidator(v.array(v.string())), "v.array(v.string())");
  assert.equal(
    showValidator(v.object({ required: v.string(), optional: v.optional(v.number()) })),
    "v.object({optional: v.optional(v.float64()), required: v.string()})",
  );
  assert.equal(showValidator(v.union(v.string(), v.number())), "v.union(v.string(), v.float64())");
  assert.equal(showValidator(v.record(v.id("users"), v.int64())), 'v.record(v.id("users"), v.int64())');
  assert.equal(
    showValidator(v.object({ n: v.null(), b: v.boolean(), y: v.bytes(), a: v.any(), c: v.commitTs() })),
    "v.object({a: v.any(), b: v.boolean(), c: v.commitTs(), n: v.null(), y: v.bytes()})",
  );
  assert.equal(showValidator(v.object({})), "v.object({})");
});

test("validators the backend refuses at push time are refused here", () => {
  // Texts from crates/common/src/schemas/json.rs, `ValidatorJson::Record`.
  const record = (keys: unknown) => ({ type: "record", keys, values: { fieldType: { type: "number" }, optional: false } });
  assert.throws(
    () => parseValidator(record({ type: "number" })),
    new InvalidValidatorError(
      "Records can only have string keys. Your validator contains a record with key typed as `v.float64()`, which is not a subtype of `v.string()`",
    ),
  );
  assert.throws(() => parseValidator(record({ type: "literal", value: "a" })), /Records cannot have string literal keys/);
  assert.throws(
    () => parseValidator({ type: "record", keys: { type: "string" }, values: { fieldType: { type: "number" }, optional: true } }),
    /Records cannot have optional values/,
  );
  assert.doesNotThrow(() => parseValidator(record({ type: "union", value: [{ type: "string" }, { type: "id", tableName: "users" }] })));
  assert.throws(() => parseValidator({ type: "frobnicate" }), InvalidValidatorError);
});
