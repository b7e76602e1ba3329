// The panel's stats cache: one full read, then only the functions reported as touched; a new log
// store (a restarted runtime) or `invalidate` reads everything again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LogStore } from "../../runtime/logs/log-store";
import { FunctionStatsCache } from "../../runtime/inspect";

let next = 0;
function run(logs: LogStore, identifier: string, durationMs: number): void {
  const execId = `cache-${++next}`;
  logs.recordExecution({ execId, parentId: null, requestId: execId, udfType: "mutation", identifier, caller: "test", startedAt: next });
  logs.finishExecution({ execId, outcome: "success", durationMs, status: null, error: null });
}

const callsOf = (stats: ReturnType<FunctionStatsCache["current"]>) => Object.fromEntries(stats.map((s) => [s.identifier, s.calls]));

test("only touched functions are read again; invalidate and a new store read everything", async () => {
  const logs = await LogStore.open();
  const cache = new FunctionStatsCache();
  run(logs, "a:one", 10);
  run(logs, "b:two", 20);
  assert.deepEqual(callsOf(cache.current(logs)), { "a:one": 1, "b:two": 1 });

  const queries: unknown[] = [];
  const counting = {
    executionStats: (query?: Parameters<LogStore["executionStats"]>[0]) => {
      queries.push(query);
      return logs.executionStats(query);
    },
  };
  cache.current(counting); // a new source: a full read
  assert.deepEqual(queries, [undefined]);

  run(logs, "a:one", 30);
  run(logs, "b:two", 40); // not reported: stays as it was until a full read
  run(logs, "c:new", 5);
  cache.touched("a:one");
  cache.touched("c:new");
  const partial = cache.current(counting);
  assert.deepEqual(queries.at(-1), { identifiers: ["a:one", "c:new"] });
  assert.deepEqual(callsOf(partial), { "a:one": 2, "b:two": 1, "c:new": 1 });
  assert.equal(partial.find((s) => s.identifier === "a:one")!.p50Ms, 20);

  const before = queries.length;
  cache.current(counting);
  assert.equal(queries.length, before, "nothing touched: no query at all");

  cache.invalidate();
  assert.deepEqual(callsOf(cache.current(counting)), { "a:one": 2, "b:two": 2, "c:new": 1 });
  assert.equal(queries.at(-1), undefined);
  await logs.close();
});

test("the identifier filter is a bound parameter and matches exactly", async () => {
  const logs = await LogStore.open();
  run(logs, "a:one", 1);
  run(logs, "a:one2", 1);
  run(logs, "x' OR '1'='1", 1);
  assert.deepEqual(
    logs.executionStats({ identifiers: ["a:one"] }).map((s) => s.identifier),
    ["a:one"],
  );
  assert.deepEqual(
    logs.executionStats({ identifiers: ["x' OR '1'='1"] }).map((s) => s.identifier),
    ["x' OR '1'='1"],
  );
  assert.deepEqual(logs.executionStats({ identifiers: [] }), []);
  await logs.close();
});
