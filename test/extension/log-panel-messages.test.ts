// What the log panel's host accepts from the webview (checked and bounded), the views it sends
// back, the call tree of a drilldown, source paths, and the retention setting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cursorFromView,
  drilldownView,
  filterFromView,
  limitFromView,
  MAX_PAGE_LIMIT,
  sourceFileIn,
} from "../../extension/panels/log-panel-messages";
import { mapConfig, RESTART_SETTINGS } from "../../extension/config-mapping";
import type { ExecutionRecord } from "../../runtime/logs/log-store-types";

test("filterFromView keeps known levels and kinds, bounded strings, and drops everything else", () => {
  assert.deepEqual(filterFromView(null), {});
  assert.deepEqual(filterFromView("levels"), {});
  assert.deepEqual(
    filterFromView({
      levels: ["ERROR", "nope", 3, "LOG"],
      kinds: ["query", "<b>"],
      identifier: 7,
      text: "'; DROP TABLE x; --",
      requestId: "",
    }),
    { levels: ["LOG", "ERROR"], kinds: ["query"], text: "'; DROP TABLE x; --" },
  );
  assert.equal(filterFromView({ text: "x".repeat(5000) }).text!.length, 1000);
  assert.deepEqual(filterFromView({ levels: [] }), { levels: [] }, "an empty list is a filter that matches no line");
});

test("cursors must be exactly numbers; limits are clamped", () => {
  assert.equal(cursorFromView(null), null);
  assert.equal(cursorFromView(undefined), null);
  assert.deepEqual(cursorFromView({ line: 5, exec: { end: 1.5, seq: 2 }, extra: "ignored" }), { line: 5, exec: { end: 1.5, seq: 2 } });
  for (const bad of [{ line: "5", exec: { end: 1, seq: 2 } }, { line: 5 }, { line: 5, exec: { end: Number.NaN, seq: 1 } }, "5", 5]) {
    assert.throws(() => cursorFromView(bad), /malformed page cursor/, JSON.stringify(bad));
  }
  assert.deepEqual(
    [limitFromView(1e9), limitFromView(0), limitFromView(-3), limitFromView("20"), limitFromView(12.7)],
    [MAX_PAGE_LIMIT, 1, 1, 200, 12],
  );
});

const execution = (id: string, parentId: string | null, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id,
  requestId: "r",
  parentId,
  udfType: "query",
  identifier: `q:${id}`,
  caller: "nested",
  startedAt: 1,
  cause: null,
  durationMs: 2,
  outcome: "success",
  status: null,
  errorMessage: null,
  errorStack: null,
  ...overrides,
});

test("drilldownView orders parents before children; orphans and cycles still show", () => {
  const view = drilldownView({
    requestId: "r",
    truncated: true,
    executions: [
      execution("a", null),
      execution("b", "a"),
      execution("orphan", "pruned"),
      execution("c", "a", { outcome: null, durationMs: null }),
      execution("d", "b", {
        outcome: "failure",
        errorMessage: "Uncaught Error: x",
        errorStack: "Uncaught Error: x\n    at f (../convex/q.ts:1:2)",
      }),
      execution("e", "e"),
      execution("f", "g"),
      execution("g", "f"),
    ],
    lines: [
      {
        id: 1,
        executionId: "d",
        requestId: "r",
        timestamp: 3,
        level: "WARN",
        message: "'w'",
        isTruncated: false,
        systemCode: null,
        udfType: "query",
        identifier: "q:d",
      },
    ],
  });
  assert.deepEqual(
    view.executions.map((e) => e.id),
    ["a", "b", "d", "c", "orphan", "e", "f", "g"],
  );
  assert.equal(view.executions.find((e) => e.id === "c")!.outcome, "running");
  assert.equal(view.executions.find((e) => e.id === "d")!.error, "Uncaught Error: x\n    at f (../convex/q.ts:1:2)");
  assert.deepEqual(view.executions.find((e) => e.id === "d")!.lines, [{ level: "WARN", message: "'w'", timestamp: 3 }]);
  assert.equal(view.truncated, true);
  const both = drilldownView({
    requestId: "r",
    truncated: false,
    lines: [],
    executions: [execution("x", null, { errorMessage: "Server Error", errorStack: "at y" })],
  });
  assert.equal(both.executions[0]!.error, "Server Error\nat y");
});

test("sourceFileIn resolves frames inside the project only", () => {
  const project = join("/work", "app");
  assert.equal(sourceFileIn(project, "convex/http.ts"), join(project, "convex", "http.ts"));
  assert.equal(sourceFileIn(project, "../convex/http.ts"), join(project, "convex", "http.ts"));
  for (const outside of ["convex/../../etc/passwd", "/etc/passwd", "", "convex/.."]) {
    assert.throws(() => sourceFileIn(project, outside), /outside the project/, outside);
  }
  // A sibling folder whose name starts like the project's is outside too.
  assert.throws(() => sourceFileIn(project, "convex/../../app2/x.ts"), /outside the project/);
});

test("convexLens.logRetention: a positive integer, 100,000 by default, applied on restart", () => {
  const from =
    (values: Record<string, unknown>) =>
    <T>(key: string, fallback: T): T =>
      key in values ? (values[key] as T) : fallback;
  assert.equal(mapConfig(from({})).logRetention, 100_000);
  assert.equal(mapConfig(from({ logRetention: 5000 })).logRetention, 5000);
  for (const bad of [0, -1, 2.5, "1000", null]) assert.equal(mapConfig(from({ logRetention: bad })).logRetention, 100_000, String(bad));
  assert.ok((RESTART_SETTINGS as readonly string[]).includes("logRetention"));
});
