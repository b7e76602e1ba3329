// Per-function statistics over the log store's executions table: calls, errors, and p50/p95 of
// the finished executions' durations, interpolated between the closest ranks. First on a log
// store of its own with known durations, then on the real runtime, where the catalog pairs them
// with the project's functions and routes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LogStore, type ExecutionStartRecord } from "../../runtime/logs/log-store";
import type { UdfType } from "../../runtime/logs/cli-format";
import { functionCatalog, runForInspector } from "../../runtime/inspect";
import { serveFixture } from "../helpers/serve-fixture";

let next = 0;

/** Records one execution; `durationMs` null leaves it running. */
function record(
  logs: LogStore,
  identifier: string,
  durationMs: number | null,
  options: { udfType?: UdfType; outcome?: "success" | "failure"; startedAt?: number } = {},
): void {
  const start: ExecutionStartRecord = {
    execId: `stats-${++next}`,
    parentId: null,
    requestId: `req-${next}`,
    udfType: options.udfType ?? "query",
    identifier,
    caller: "test",
    startedAt: options.startedAt ?? 1_700_000_000_000 + next,
  };
  logs.recordExecution(start);
  if (durationMs !== null)
    logs.finishExecution({ execId: start.execId, outcome: options.outcome ?? "success", durationMs, status: null, error: null });
}

/** The p-th percentile by linear interpolation, computed the slow and obvious way. */
function reference(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = ((sorted.length - 1) * p) / 100;
  const low = Math.floor(h + 1e-9);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

const statsOf = (logs: LogStore, identifier: string, udfType: UdfType = "query") =>
  logs.executionStats().find((s) => s.identifier === identifier && s.udfType === udfType);

describe("percentiles in SQL", () => {
  test("four durations: the median between the middle two, p95 interpolated", async () => {
    const logs = await LogStore.open();
    for (const ms of [40, 10, 30, 20]) record(logs, "m:four", ms);
    const stats = statsOf(logs, "m:four")!;
    assert.equal(stats.p50Ms, 25);
    assert.equal(stats.p95Ms, 38.5); // position 2.85: 30 + 0.85 × (40 − 30)
    await logs.close();
  });

  test("21 durations: p50 and p95 land exactly on the 11th and 20th values", async () => {
    const logs = await LogStore.open();
    const values = Array.from({ length: 21 }, (_, i) => (i + 1) * 10);
    for (const ms of [...values].reverse()) record(logs, "m:many", ms);
    const stats = statsOf(logs, "m:many")!;
    assert.equal(stats.p50Ms, 110);
    assert.equal(stats.p95Ms, 200);
    await logs.close();
  });

  test("one duration is every percentile; several groups do not mix", async () => {
    const logs = await LogStore.open();
    record(logs, "m:one", 7);
    for (const ms of [1000, 2000, 3000]) record(logs, "m:slow", ms);
    for (const ms of [1, 2, 3]) record(logs, "m:slow", ms, { udfType: "mutation" });
    assert.deepEqual([statsOf(logs, "m:one")!.p50Ms, statsOf(logs, "m:one")!.p95Ms], [7, 7]);
    assert.equal(statsOf(logs, "m:slow")!.p50Ms, 2000);
    assert.equal(statsOf(logs, "m:slow", "mutation")!.p50Ms, 2);
    assert.equal(statsOf(logs, "m:slow", "mutation")!.calls, 3);
    await logs.close();
  });

  test("matches the reference on irregular data of every size from 1 to 40", async () => {
    const logs = await LogStore.open();
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let n = 1; n <= 40; n++) {
      const values = Array.from({ length: n }, () => Math.round(random() * 5000) / 10);
      for (const ms of values) record(logs, `m:n${n}`, ms);
      const stats = statsOf(logs, `m:n${n}`)!;
      assert.ok(Math.abs(stats.p50Ms! - reference(values, 50)) < 1e-9, `p50 of ${n}: ${stats.p50Ms} vs ${reference(values, 50)}`);
      assert.ok(Math.abs(stats.p95Ms! - reference(values, 95)) < 1e-9, `p95 of ${n}: ${stats.p95Ms} vs ${reference(values, 95)}`);
    }
    await logs.close();
  });

  test("running executions are calls without a duration; failures are errors and have durations", async () => {
    const logs = await LogStore.open();
    record(logs, "m:mixed", null);
    record(logs, "m:mixed", 10);
    record(logs, "m:mixed", 30, { outcome: "failure" });
    record(logs, "m:running", null);
    assert.deepEqual(statsOf(logs, "m:mixed"), { udfType: "query", identifier: "m:mixed", calls: 3, errors: 1, p50Ms: 20, p95Ms: 29 });
    assert.deepEqual(statsOf(logs, "m:running"), {
      udfType: "query",
      identifier: "m:running",
      calls: 1,
      errors: 0,
      p50Ms: null,
      p95Ms: null,
    });
    await logs.close();
  });

  test("kind and time filters are parameters; hostile identifiers are data", async () => {
    const logs = await LogStore.open();
    const hostile = "x') OR 1=1; DROP TABLE executions; --";
    record(logs, hostile, 5, { udfType: "action", startedAt: 2_000 });
    record(logs, "m:old", 5, { startedAt: 1_000 });
    assert.deepEqual(
      logs.executionStats({ udfTypes: ["action"] }).map((s) => s.identifier),
      [hostile],
    );
    assert.deepEqual(
      logs.executionStats({ since: 1_500 }).map((s) => s.identifier),
      [hostile],
    );
    assert.deepEqual(logs.executionStats({ udfTypes: [] }), []);
    assert.equal(logs.executionStats().length, 2, "the table is still there");
    await logs.close();
  });
});

test("the catalog of a real project: functions by module with their kind, visibility, args and stats; routes", async () => {
  const server = await serveFixture("inspect-app");
  try {
    const { runtime } = server;
    for (const title of ["a", "b"])
      await runForInspector(runtime, { component: "", name: "tasks:add", args: { title }, authorization: null });
    await runForInspector(runtime, { component: "", name: "tasks:add", args: { title: 1 }, authorization: null });
    await runForInspector(runtime, { component: "", name: "tasks:count", args: {}, authorization: null });
    // Known durations for one route, recorded as the site origin records HTTP actions.
    for (const ms of [10, 20, 30, 40]) record(runtime.logs, "GET /hello", ms, { udfType: "httpAction" });

    const catalog = functionCatalog(runtime.project!, runtime.logs.executionStats());
    assert.deepEqual(
      catalog.functions.map((f) => [f.module, f.functionName, f.udfType, f.visibility]),
      [
        ["files", "storeBase64", "action", "public"],
        ["files", "storeText", "mutation", "public"],
        ["tasks", "add", "mutation", "public"],
        ["tasks", "count", "query", "internal"],
        ["tasks", "crash", "query", "public"],
        ["tasks", "echo", "action", "public"],
        ["tasks", "list", "query", "public"],
        ["tasks", "refuse", "mutation", "public"],
        ["tasks", "reset", "mutation", "internal"],
        ["tasks", "whoami", "query", "public"],
      ],
    );
    const add = catalog.functions.find((f) => f.name === "tasks:add")!;
    assert.equal(add.args, "v.object({title: v.string()})");
    assert.equal(add.stats.calls, 3);
    assert.equal(add.stats.errors, 1);
    assert.ok(add.stats.p50Ms !== null && add.stats.p95Ms! >= add.stats.p50Ms);
    assert.deepEqual(catalog.functions.find((f) => f.name === "tasks:count")!.stats.calls, 1);
    assert.deepEqual(catalog.functions.find((f) => f.name === "tasks:list")!.stats, { calls: 0, errors: 0, p50Ms: null, p95Ms: null });
    assert.deepEqual(
      catalog.routes.map((r) => [r.method, r.path, r.kind, r.stats.calls, r.stats.p50Ms]),
      [
        ["GET", "/hello", "exact", 4, 25],
        ["POST", "/items/*", "prefix", 0, null],
      ],
    );
  } finally {
    await server.stop();
  }
});
