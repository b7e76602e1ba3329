// The Range header of downloads: one range served, several refused, unparsable ones ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRange } from "../../runtime/storage/range-header";

test("single ranges, open ends and suffixes", () => {
  assert.deepEqual(parseRange(null, 10), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=0-0", 10), { kind: "part", start: 0, end: 0 });
  assert.deepEqual(parseRange("bytes=2-5", 10), { kind: "part", start: 2, end: 5 });
  assert.deepEqual(parseRange("bytes=2-500", 10), { kind: "part", start: 2, end: 9 });
  assert.deepEqual(parseRange("bytes=7-", 10), { kind: "part", start: 7, end: 9 });
  assert.deepEqual(parseRange("bytes=-3", 10), { kind: "part", start: 7, end: 9 });
  assert.deepEqual(parseRange("bytes=-30", 10), { kind: "part", start: 0, end: 9 });
  assert.deepEqual(parseRange("BYTES= 1-2 ", 10), { kind: "part", start: 1, end: 2 });
});

test("several or unsatisfiable ranges are 416; malformed headers mean the whole file", () => {
  assert.deepEqual(parseRange("bytes=0-1,3-4", 10), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=10-", 10), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=-0", 10), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=0-", 0), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=5-2", 10), { kind: "whole" });
  assert.deepEqual(parseRange("items=0-1", 10), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=-", 10), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=a-b", 10), { kind: "whole" });
});
