// Rust/serde formatting reproduced in JS. Expected strings are what Rust prints; the float-literal
// ones ("v.literal(123.0)") are asserted by the backend's own `test_display` in
// crates/common/src/schemas/validator.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareUtf8, rustF64Debug, rustStrDebug, serdeJsonF64 } from "../../runtime/values/rust-format.js";

test("f64 Debug: a fraction always, exponent form outside [1e-4, 1e16)", () => {
  const cases: Array<[number, string]> = [
    [123, "123.0"],
    [1.5, "1.5"],
    [-2, "-2.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [0.1 + 0.2, "0.30000000000000004"],
    [0.0001, "0.0001"],
    [0.00001, "1e-5"],
    [1.5e-7, "1.5e-7"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e16"],
    [1.25e300, "1.25e300"],
    [NaN, "NaN"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [input, expected] of cases) assert.equal(rustF64Debug(input), expected, String(input));
});

test("serde_json f64 (ryu layout) for literal validators", () => {
  const cases: Array<[number, string | null]> = [
    [123, "123.0"],
    [1.5, "1.5"],
    [-3, "-3.0"],
    [0.001234, "0.001234"],
    [0.00001, "0.00001"],
    [1e-7, "1e-7"],
    [1e16, "1e16"],
    [1.5e17, "1.5e17"],
    [1e15, "1000000000000000.0"],
    [NaN, null],
    [Infinity, null],
  ];
  for (const [input, expected] of cases) assert.equal(serdeJsonF64(input), expected, String(input));
});

test("str Debug: double quotes, backslash escapes, \\u{..} for unprintable and combining chars", () => {
  assert.equal(rustStrDebug("hi"), '"hi"');
  assert.equal(rustStrDebug(`a"b\\c`), '"a\\"b\\\\c"');
  assert.equal(rustStrDebug("it's"), `"it's"`);
  assert.equal(rustStrDebug("\n\t\r\0"), '"\\n\\t\\r\\0"');
  assert.equal(rustStrDebug("\u001b[31m"), '"\\u{1b}[31m"');
  assert.equal(rustStrDebug("e\u0301"), '"e\\u{301}"');
  assert.equal(rustStrDebug("non\u00a0breaking"), '"non\\u{a0}breaking"');
  assert.equal(rustStrDebug("héllo 🎉"), '"héllo 🎉"');
});

test("UTF-8 order differs from UTF-16 order past U+FFFF", () => {
  const astral = "\u{1F600}";
  const highBmp = "\uFF5E";
  assert.ok(compareUtf8(highBmp, astral) < 0);
  assert.ok(highBmp.localeCompare(astral) !== 0 && astral < highBmp, "JS's own order puts the astral char first");
  assert.equal(compareUtf8("a", "a"), 0);
  assert.ok(compareUtf8("a", "ab") < 0);
});
