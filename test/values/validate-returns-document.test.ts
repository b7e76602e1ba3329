// Return-value and document validation.
//   returns:   "ReturnsValidationError: " + ValidationError, no trailing newline
//              (crates/model/src/modules/function_validators.rs, `check_output`);
//   documents: `SchemaEnforcementError::Document` in crates/common/src/schemas/mod.rs, checked as
//              `DocumentSchema::check_value` does: system fields dropped from document and validator.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { v } from "convex/values";
import { InvalidValidatorError, validateDocument, validateReturns } from "../../runtime/values/validate.js";
import { ctx, exported, jsonOf, wire } from "./helpers.js";

describe("validateReturns", () => {
  test('no returns validator (exportReturns() gives "null") accepts anything', () => {
    assert.equal(validateReturns("null", wire({ anything: 1n }), ctx), null);
  });

  test("a top-level mismatch has an empty path line", () => {
    const returns = exported(v.union(v.string(), v.number()));
    assert.equal(validateReturns(returns, wire("ok"), ctx), null);
    assert.equal(
      validateReturns(returns, wire(5n), ctx),
      "ReturnsValidationError: Value does not match validator.\n\nValue: 5\nValidator: v.union(v.string(), v.float64())",
    );
  });

  test("undefined results arrive as null", () => {
    assert.equal(validateReturns(exported(v.null()), wire(null), ctx), null);
  });

  test("nested paths", () => {
    const returns = exported(v.array(v.object({ id: v.id("messages"), body: v.string() })));
    assert.equal(
      validateReturns(
        returns,
        wire([
          { id: "messages|1", body: "a" },
          { id: "users|2", body: "b" },
        ]),
        ctx,
      ),
      'ReturnsValidationError: Found ID "users|2" from table `users`, which does not match the table name in validator `v.id("messages")`.Path: [1].id',
    );
  });
});

describe("validateDocument", () => {
  const messages = jsonOf(v.object({ body: v.string(), author: v.optional(v.id("users")) }));
  const doc = (fields: Record<string, unknown>) => wire({ _id: "messages|1", _creationTime: 1700000000000.5, ...fields } as never);

  test("system fields are allowed without being declared", () => {
    assert.equal(validateDocument("messages", messages, doc({ body: "hi" }), ctx), null);
    assert.equal(validateDocument("messages", messages, wire({ body: "hi" }), ctx), null);
  });

  test("mismatches use the schema-enforcement wording and never show system fields", () => {
    assert.equal(
      validateDocument("messages", messages, doc({ body: 1 }), ctx),
      'Failed to insert or update a document in table "messages" because it does not match the schema: Value does not match validator.\nPath: .body\nValue: 1.0\nValidator: v.string()',
    );
    assert.equal(
      validateDocument("messages", messages, doc({ body: "hi", extra: true }), ctx),
      'Failed to insert or update a document in table "messages" because it does not match the schema: Object contains extra field `extra` that is not in the validator.\n\nObject: {body: "hi", extra: true}\nValidator: v.object({author: v.optional(v.id("users")), body: v.string()})',
    );
  });

  test("system fields declared in the schema are ignored too", () => {
    const withSystem = jsonOf(v.object({ _id: v.id("messages"), body: v.string() }));
    assert.match(validateDocument("messages", withSystem, doc({}), ctx) ?? "", /Validator: v\.object\(\{body: v\.string\(\)\}\)$/);
  });

  test("a union of objects reports the whole union against the filtered document", () => {
    const shapes = jsonOf(v.union(v.object({ kind: v.literal("a"), a: v.number() }), v.object({ kind: v.literal("b") })));
    assert.equal(validateDocument("shapes", shapes, doc({ kind: "b" }), ctx), null);
    assert.equal(
      validateDocument("shapes", shapes, doc({ kind: "c" }), ctx),
      'Failed to insert or update a document in table "shapes" because it does not match the schema: Value does not match validator.\n\nValue: {kind: "c"}\nValidator: v.union(v.object({a: v.float64(), kind: v.literal("a")}), v.object({kind: v.literal("b")}))',
    );
  });

  test("tables without a validator accept anything", () => {
    assert.equal(validateDocument("t", null, doc({ x: 1 }), ctx), null);
    assert.equal(validateDocument("t", jsonOf(v.any()), doc({ x: 1 }), ctx), null);
  });

  test("a non-object table validator is a push-time error", () => {
    assert.throws(() => validateDocument("t", jsonOf(v.string()), doc({}), ctx), InvalidValidatorError);
  });
});
