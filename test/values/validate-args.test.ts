// Argument validation, asserted against the backend's texts:
//   prefix "ArgumentValidationError: " + JsError Display (crates/udf/src/validation.rs
//   `new_inner`; the trailing "\n" is JsError's Display, crates/common/src/errors.rs),
//   shape errors in crates/model/src/modules/function_validators.rs `check_args`,
//   value errors in crates/common/src/schemas/validator.rs `enum ValidationError`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InvalidValidatorError, validateArgs } from "../../runtime/values/validate.js";
import { v, type GenericValidator, type Value } from "convex/values";
import { ctx, exported, wire } from "./helpers.js";

const check = (validator: GenericValidator, args: Value) => validateArgs(exported(validator), wire([args]), ctx);
const noMatch = (path: string, value: string, validator: string) =>
  `ArgumentValidationError: Value does not match validator.\nPath: ${path}\nValue: ${value}\nValidator: ${validator}\n`;

describe("every validator kind accepts its values and rejects others", () => {
  const kinds: Array<[string, GenericValidator, Value[], Array<[Value, string]>]> = [
    ["null", v.null(), [null], [[0, "0.0"]]],
    [
      "float64",
      v.number(),
      [1, -0, NaN, Infinity],
      [
        [1n, "1"],
        ["1", '"1"'],
      ],
    ],
    ["int64", v.int64(), [1n, -(2n ** 63n)], [[1, "1.0"]]],
    ["boolean", v.boolean(), [true, false], [[null, "null"]]],
    ["string", v.string(), ["", "x"], [[123, "123.0"]]],
    ["bytes", v.bytes(), [new ArrayBuffer(0)], [["AQID", '"AQID"']]],
    ["any", v.any(), [null, 1n, { a: [1] }], []],
    ["array", v.array(v.number()), [[], [1, 2]], [[{ 0: 1 }, "{0: 1.0}"]]],
    ["object", v.object({ a: v.number() }), [{ a: 1 }], [[[1], "[1.0]"]]],
    ["record", v.record(v.string(), v.number()), [{}, { a: 1, b: 2 }], [["x", '"x"']]],
    ["union", v.union(v.number(), v.string()), [1, "a"], [[null, "null"]]],
  ];
  for (const [name, validator, good, bad] of kinds) {
    test(name, () => {
      for (const value of good) assert.equal(check(v.object({ x: validator }), { x: value }), null);
      for (const [value, shown] of bad) {
        const message = check(v.object({ x: validator }), { x: value });
        assert.match(
          message ?? "",
          new RegExp(`^ArgumentValidationError: Value does not match validator\\.\\nPath: \\.x\\nValue: ${escapeRegExp(shown)}\\n`),
        );
      }
    });
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("messages", () => {
  test("type mismatch shows path, value and validator (float args print with a fraction)", () => {
    assert.equal(check(v.object({ x: v.string() }), { x: 123 }), noMatch(".x", "123.0", "v.string()"));
  });

  test("missing required field: empty context line, then the object and the validator", () => {
    assert.equal(
      check(v.object({ x: v.string(), y: v.optional(v.number()) }), { y: 1 }),
      "ArgumentValidationError: Object is missing the required field `x`. Consider wrapping the field validator in `v.optional(...)` if this is expected.\n" +
        "\nObject: {y: 1.0}\nValidator: v.object({x: v.string(), y: v.optional(v.float64())})\n",
    );
  });

  test("extra field", () => {
    assert.equal(
      check(v.object({ x: v.string() }), { x: "a", y: 1n }),
      "ArgumentValidationError: Object contains extra field `y` that is not in the validator.\n" +
        '\nObject: {x: "a", y: 1}\nValidator: v.object({x: v.string()})\n',
    );
  });

  test("nested object errors carry the path to the inner object", () => {
    assert.equal(
      check(v.object({ outer: v.object({ inner: v.object({ n: v.number() }) }) }), { outer: { inner: {} } }),
      "ArgumentValidationError: Object is missing the required field `n`. Consider wrapping the field validator in `v.optional(...)` if this is expected.\n" +
        "Path: .outer.inner\nObject: {}\nValidator: v.object({n: v.float64()})\n",
    );
  });

  test("arrays of objects index into the path", () => {
    const people = v.object({ people: v.array(v.object({ name: v.string(), age: v.optional(v.number()) })) });
    assert.equal(check(people, { people: [{ name: "a" }, { name: "b", age: 3 }] }), null);
    assert.equal(check(people, { people: [{ name: "a" }, { name: "b", age: "3" }] }), noMatch(".people[1].age", '"3"', "v.float64()"));
    assert.match(
      check(people, { people: [{ name: "a" }, { nam: "b" }] }) ?? "",
      /required field `name`.*\nPath: \.people\[1\]\nObject: \{nam: "b"\}/s,
    );
  });

  test("required fields are reported before extra ones, each in sorted order", () => {
    assert.match(check(v.object({ b: v.string(), a: v.string() }), { z: 1, y: 1 }) ?? "", /required field `a`/);
    assert.match(check(v.object({ a: v.optional(v.string()) }), { z: 1, y: 1 }) ?? "", /extra field `y`/);
  });

  test("optional fields may be absent but not mistyped", () => {
    const validator = v.object({ note: v.optional(v.string()) });
    assert.equal(check(validator, {}), null);
    assert.equal(check(validator, { note: "x" }), null);
    assert.equal(check(validator, { note: null }), noMatch(".note", "null", "v.string()"));
  });

  test("a union reports itself, not its members", () => {
    const validator = v.object({ u: v.union(v.string(), v.object({ kind: v.literal("x") })) });
    assert.equal(check(validator, { u: { kind: "x" } }), null);
    assert.equal(
      check(validator, { u: { kind: "y" } }),
      noMatch(".u", '{kind: "y"}', 'v.union(v.string(), v.object({kind: v.literal("x")}))'),
    );
  });

  test("a one-member union reports its member's error (the backend special-cases it)", () => {
    const validator = exported(v.object({ u: v.union(v.object({})) }));
    assert.match(validateArgs(validator, wire([{ u: { extra: 1 } }]), ctx) ?? "", /extra field `extra`.*\nPath: \.u\n/s);
  });

  test("literals: string, float, boolean and bigint literals", () => {
    assert.equal(
      check(v.object({ c: v.literal("red") }), { c: "blue" }),
      'ArgumentValidationError: `"blue"` does not match literal validator `v.literal("red")`.Path: .c\n',
    );
    assert.equal(check(v.object({ n: v.literal(3) }), { n: 3 }), null);
    assert.equal(
      check(v.object({ n: v.literal(3) }), { n: 3n }),
      "ArgumentValidationError: `3` does not match literal validator `v.literal(3.0)`.Path: .n\n",
    );
    assert.equal(check(v.object({ n: v.literal(3n) }), { n: 3n }), null);
    assert.equal(
      check(v.object({ n: v.literal(3n) }), { n: 3 }),
      "ArgumentValidationError: `3.0` does not match literal validator `v.literal(<bigint>)`.Path: .n\n",
    );
    assert.equal(
      check(v.object({ n: v.literal(3n) }), { n: 4n }),
      "ArgumentValidationError: `4` does not match literal validator `v.literal(<bigint>)`.Path: .n\n",
    );
    assert.equal(check(v.object({ b: v.literal(false) }), { b: false }), null);
    assert.match(
      check(v.object({ b: v.literal(false) }), { b: true }) ?? "",
      /`true` does not match literal validator `v\.literal\(false\)`/,
    );
    // Convex compares floats by total order, so -0 is not the literal 0.
    assert.match(check(v.object({ z: v.literal(0) }), { z: -0 }) ?? "", /`-0\.0` does not match literal validator `v\.literal\(0\.0\)`/);
  });

  test("ids: decoded through the injected lookup", () => {
    const validator = v.object({ user: v.id("users") });
    assert.equal(check(validator, { user: "users|1" }), null);
    assert.equal(
      check(validator, { user: "messages|1" }),
      'ArgumentValidationError: Found ID "messages|1" from table `messages`, which does not match the table name in validator `v.id("users")`.Path: .user\n',
    );
    assert.equal(
      check(validator, { user: "_storage|1" }),
      'ArgumentValidationError: Found ID "_storage|1" from a system table, which does not match the table name in validator `v.id("users")`.Path: .user\n',
    );
    assert.equal(check(validator, { user: "nope" }), noMatch(".user", '"nope"', 'v.id("users")'));
    assert.equal(check(validator, { user: 1 }), noMatch(".user", "1.0", 'v.id("users")'));
    assert.equal(check(v.object({ file: v.id("_storage") }), { file: "_storage|1" }), null);
  });

  test("records check keys then values, with the backend's .keys()/.values() paths", () => {
    const scores = v.object({ scores: v.record(v.id("users"), v.number()) });
    assert.equal(check(scores, { scores: { "users|1": 1, "users|2": 2 } }), null);
    assert.equal(check(scores, { scores: { hello: 1 } }), noMatch(".scores.keys()", '"hello"', 'v.id("users")'));
    assert.equal(check(scores, { scores: { "users|1": true } }), noMatch(".scores.values()", "true", "v.float64()"));
    assert.equal(check(scores, { scores: "x" }), noMatch(".scores", '"x"', 'v.record(v.id("users"), v.float64())'));
    // Keys are visited in sorted order: "a" fails before "b" even though "b" came first.
    const strs = v.object({ m: v.record(v.string(), v.string()) });
    assert.equal(check(strs, { m: { b: 1, a: 2 } }), noMatch(".m.values()", "2.0", "v.string()"));
  });

  test("commitTs accepts an int64 or the commit placeholder", () => {
    const validator = exported(v.object({ ts: v.commitTs() }));
    assert.equal(validateArgs(validator, [{ ts: wire(5n) }], ctx), null);
    assert.equal(validateArgs(validator, [{ ts: { $commitTs: null } }], ctx), null);
    assert.equal(validateArgs(validator, [{ ts: 5 }], ctx), noMatch(".ts", "5.0", "v.commitTs()"));
  });
});

describe("argument shape (function_validators.rs check_args)", () => {
  const validator = exported(v.object({ a: v.optional(v.string()) }));

  test("the bare args object and the one-element args array are both accepted", () => {
    assert.equal(validateArgs(validator, { a: "x" }, ctx), null);
    assert.equal(validateArgs(validator, [{ a: "x" }], ctx), null);
  });

  test("not exactly one argument", () => {
    assert.equal(
      validateArgs(validator, [{}, 2], ctx),
      "ArgumentValidationError: Expected to receive a single object as the function's argument. Instead received 2 arguments: [{}, 2.0]\n",
    );
    assert.equal(
      validateArgs(validator, [], ctx),
      "ArgumentValidationError: Expected to receive a single object as the function's argument. Instead received 0 arguments: []\n",
    );
  });

  test("a non-object argument", () => {
    assert.equal(
      validateArgs(validator, ["hi"], ctx),
      'ArgumentValidationError: Expected to receive an object as the function\'s argument. Instead received: "hi"\n',
    );
  });

  test("no args validator (v.any) validates nothing", () => {
    assert.equal(validateArgs('{"type":"any"}', [1, 2, 3], ctx), null);
  });

  test("an args validator that is neither object nor any is a push-time error", () => {
    assert.throws(() => validateArgs(exported(v.string()), ["x"], ctx), InvalidValidatorError);
  });
});
