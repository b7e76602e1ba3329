// Differential check: for the same validators and values, our validator and convex-test must
// agree on accept/reject. Messages differ by design (convex-test has its own texts) and convex-test
// has no `record` support, so only the verdict is compared and records are left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { convexToJson, type JSONValue, type Value } from "convex/values";
import { validateArgs } from "../../runtime/values/validate.js";
import * as fns from "./fixtures/fns.js";

// convex-test IDs are `<digits><tableName>` (convex-test/dist/index.js `tableNameFromId`);
// injecting the same rule makes both sides agree on which table an ID belongs to.
const ctx = {
  tableNameOfId(id: string): string | null {
    const digits = /^[0-9]+/.exec(id);
    return digits && digits[0].length < id.length ? id.slice(digits[0].length) : null;
  },
};

// `exportArgs` is present at runtime but not in the registered function types.
type Exported = { exportArgs(): string };

const userId = "0000000000000000000010000users";
const messageId = "000000000000000000010000messages";

const cases: Record<keyof typeof fns, Value[]> = {
  str: ["", "x", 1, null, true, 1n],
  num: [0, -1.5, NaN, Infinity, 1n, "1", null],
  int: [1n, -5n, 1, "1"],
  bool: [true, false, 0, "true"],
  nul: [null, 0, "null", false],
  bytes: [new Uint8Array([1, 2]).buffer, "AQI=", [1, 2]],
  anything: [null, 1, "x", { deep: [1n] }],
  lit: ["red", "blue", 1, null],
  numLit: [3, 4, 3n, "3"],
  userId: [userId, messageId, "not-an-id", 1],
  strings: [[], ["a", "b"], ["a", 1], "a", [null]],
  people: [[], [{ name: "a" }], [{ name: "a", age: 3 }], [{ name: "a", age: "3" }], [{ age: 3 }], [{ name: "a", extra: 1 }], [1]],
  choice: ["s", null, { kind: "x" }, { kind: "y" }, 1, { kind: "x", more: 1 }],
  optional: ["a", 1],
  nested: [{ inner: { flag: true } }, { inner: { flag: 1 } }, { inner: {} }, { inner: null }, {}],
};

test("our verdicts match convex-test's for every fixture validator", async () => {
  // An explicit modules map keeps convex-test from evaluating `import.meta.glob` (it runs here in
  // plain Node, not under Vite).
  const t = convexTest(undefined, {
    "./_generated/api.ts": () => import("./fixtures/generated-api.js"),
    "./fns.ts": () => import("./fixtures/fns.js"),
  });
  const disagreements: string[] = [];
  let compared = 0;
  let accepted = 0;
  for (const [name, values] of Object.entries(cases) as Array<[keyof typeof fns, Value[]]>) {
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: a test walks every export of the fixture module.
    const fn = fns[name] as unknown as Exported;
    for (const value of values) {
      const ours = validateArgs(fn.exportArgs(), convexToJson([{ a: value }]) as JSONValue, ctx) === null;
      const theirs = await t.query(anyApi.fns![name]!, { a: value }).then(
        () => true,
        () => false,
      );
      compared++;
      if (theirs) accepted++;
      if (ours !== theirs) disagreements.push(`${name}(${String(value)}): ours=${ours} convex-test=${theirs}`);
    }
  }
  // The omitted optional field is the one shape the table above cannot express.
  const omitted = validateArgs((fns.optional as unknown as Exported).exportArgs(), convexToJson([{}]) as JSONValue, ctx) === null;
  const omittedTheirs = await t.query(anyApi.fns!.optional!, {}).then(
    () => true,
    () => false,
  );
  assert.equal(omitted, omittedTheirs);
  assert.deepEqual(disagreements, []);
  // Both verdicts must actually occur, or a broken harness (say, every call failing to load the
  // module) would look like agreement.
  assert.ok(compared > 60);
  assert.ok(accepted > 20 && accepted < compared - 20, `accepted ${accepted} of ${compared}`);
});
