// The logs panel's reads of the log store: filters applied in SQL (and only as parameters), paging
// that returns every row once in display order at 20,000 lines, the floor behind "clear", the
// tail's reads, the drilldown and the query plans the paging relies on.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { LogStore } from "../../runtime/logs/log-store";
import { LOG_STORE_SCHEMA } from "../../runtime/logs/log-store-schema";
import type { LogLevel } from "../../runtime/logs/log-line";
import type { UdfType } from "../../runtime/logs/cli-format";
import {
  executionQuery,
  finishedExecutions,
  lineQuery,
  linesBetween,
  loggedFunctions,
  newestCursor,
  pageRows,
  requestTrace,
  type LogCursor,
  type LogFilter,
  type LogRow,
} from "../../runtime/logs/log-queries";

const HOSTILE = ["'; DROP TABLE log_lines; --", "%", "_", "'", '"', "\\", "100%_done", 'O\'Brien "quoted"'];
const KINDS: UdfType[] = ["httpAction", "mutation", "query", "action"];
const LEVELS: LogLevel[] = ["LOG", "INFO", "DEBUG", "WARN", "LOG", "INFO", "LOG", "ERROR"];
const BASE = 1_750_000_000_000;

/** What the test inserted, to check the store's answers against. */
interface Expected {
  lines: Array<{ id: number; time: number; level: LogLevel; message: string; udfType: UdfType; identifier: string; requestId: string }>;
  executions: Array<{
    seq: number;
    end: number;
    outcome: "success" | "failure";
    error: string | null;
    udfType: UdfType;
    identifier: string;
    requestId: string;
  }>;
}

/**
 * `count` executions in requests of four (an HTTP action and three calls under it). Lines get
 * increasing timestamps in id order; execution ends fall between later executions' lines, and
 * some at the same millisecond as a line.
 */
function fill(store: LogStore, count: number, linesPerExecution: number): Expected {
  const expected: Expected = { lines: [], executions: [] };
  for (let i = 0; i < count; i++) {
    const requestId = `req${String(Math.floor(i / 4)).padStart(5, "0")}`;
    const udfType = KINDS[i % 4]!;
    const identifier = i % 997 === 5 ? "rare:one" : udfType === "httpAction" ? `POST /route${i % 3}` : `mod${i % 5}:fn`;
    const startedAt = BASE + i * 10;
    const execId = `x${i}`;
    store.recordExecution({
      execId,
      parentId: i % 4 === 0 ? null : `x${i - (i % 4)}`,
      requestId,
      udfType,
      identifier,
      caller: "test",
      startedAt,
    });
    const lines = Array.from({ length: linesPerExecution }, (_, j) => {
      const n = i * linesPerExecution + j;
      const hostile = n % 211 === 7 ? ` ${HOSTILE[n % HOSTILE.length]} ` : "";
      return {
        messages: [`'line ${n}${n % 101 === 3 ? " Needle" : ""}${hostile}'`],
        level: LEVELS[n % LEVELS.length]!,
        timestamp: startedAt + j,
        isTruncated: false,
      };
    });
    const stored = store.appendLines(execId, requestId, lines);
    for (const line of stored) {
      expected.lines.push({ id: line.id, time: line.timestamp, level: line.level, message: line.message, udfType, identifier, requestId });
    }
    // Ends: 0..24 ms after the last line; every seventh at exactly the last line's millisecond.
    const durationMs = i % 7 === 0 ? linesPerExecution - 1 : linesPerExecution + ((i * 7) % 25);
    const failed = i % 9 === 4;
    const error = failed ? (i % 18 === 4 ? `Uncaught Error: ${HOSTILE[i % HOSTILE.length]}` : "Uncaught Error: boom") : null;
    store.finishExecution({
      execId,
      outcome: failed ? "failure" : "success",
      durationMs,
      status: udfType === "httpAction" ? (failed ? 500 : 200) : null,
      error: error === null ? null : { message: error, stack: `${error}\n    at h (../convex/http.ts:12:3)` },
    });
    expected.executions.push({
      seq: i + 1,
      end: startedAt + durationMs,
      outcome: failed ? "failure" : "success",
      error,
      udfType,
      identifier,
      requestId,
    });
  }
  return expected;
}

type Key = string;
const keyOf = (row: LogRow): Key => (row.kind === "line" ? `l${row.id}` : `e${row.seq}`);

/** The rows a filter should show, in display order, computed without SQL. */
function reference(expected: Expected, filter: LogFilter, floor?: LogCursor): Key[] {
  const text = filter.text?.toLowerCase();
  const okCommon = (row: { udfType: UdfType; identifier: string; requestId: string }) =>
    (filter.kinds === undefined || filter.kinds.includes(row.udfType)) &&
    (filter.identifier === undefined || row.identifier === filter.identifier) &&
    (filter.requestId === undefined || row.requestId.startsWith(filter.requestId));
  const rows: Array<{ key: Key; time: number; kind: 0 | 1; order: number }> = [];
  for (const line of expected.lines) {
    if (filter.levels !== undefined && !filter.levels.includes(line.level)) continue;
    if (!okCommon(line) || (text !== undefined && !line.message.toLowerCase().includes(text))) continue;
    if (floor && line.id <= floor.line) continue;
    rows.push({ key: `l${line.id}`, time: line.time, kind: 0, order: line.id });
  }
  for (const execution of expected.executions) {
    const level: LogLevel = execution.outcome === "failure" ? "ERROR" : "INFO";
    if (filter.levels !== undefined && !filter.levels.includes(level)) continue;
    if (!okCommon(execution) || (text !== undefined && !(execution.error ?? "\u0000").toLowerCase().includes(text))) continue;
    if (floor && (execution.end < floor.exec.end || (execution.end === floor.exec.end && execution.seq <= floor.exec.seq))) continue;
    rows.push({ key: `e${execution.seq}`, time: execution.end, kind: 1, order: execution.seq });
  }
  rows.sort((a, b) => a.time - b.time || a.kind - b.kind || a.order - b.order);
  return rows.map((row) => row.key);
}

/** Pages back from the newest to the floor; returns the rows in display order. */
function pageAll(store: LogStore, filter: LogFilter, limit: number, floor?: LogCursor): { keys: Key[]; pages: number } {
  const pages: LogRow[][] = [];
  let page = pageRows(store, { filter, limit, floor });
  pages.push(page.rows);
  while (page.hasOlder) {
    assert.ok(pages.length < 10_000, "paging does not end");
    page = pageRows(store, { filter, limit, floor, before: page.older });
    assert.ok(page.rows.length > 0, "a page that says there is more must not be empty");
    pages.push(page.rows);
  }
  for (const rows of pages) assert.ok(rows.length <= limit, `a page holds at most ${limit} rows`);
  return { keys: pages.reverse().flat().map(keyOf), pages: pages.length };
}

async function tableCounts(store: LogStore): Promise<{ lines: number; executions: number }> {
  return {
    lines: Number(store.select("SELECT count(*) AS n FROM log_lines")[0]!.n),
    executions: Number(store.select("SELECT count(*) AS n FROM executions")[0]!.n),
  };
}

describe("paging 20,000 lines with filters", () => {
  let store: LogStore;
  let expected: Expected;
  before(async () => {
    store = await LogStore.open();
    expected = fill(store, 2000, 10);
  });
  after(() => store.close());

  test("the fixture has what the filters need", () => {
    assert.equal(expected.lines.length, 20_000);
    assert.ok(expected.executions.some((e) => e.outcome === "failure"));
    assert.ok(expected.lines.some((l) => l.message.includes("DROP TABLE")));
  });

  const filters: Array<[string, LogFilter]> = [
    ["no filter", {}],
    ["one level (level index)", { levels: ["WARN"] }],
    ["several levels (one index scan per level, merged)", { levels: ["DEBUG", "WARN", "ERROR"] }],
    ["every level but one", { levels: ["LOG", "INFO", "WARN", "ERROR"] }],
    ["a kind", { kinds: ["query"] }],
    ["two kinds and levels", { kinds: ["mutation", "httpAction"], levels: ["INFO", "ERROR"] }],
    ["a common function", { identifier: "mod1:fn" }],
    ["a rare function (read through its executions)", { identifier: "rare:one" }],
    ["a route", { identifier: "POST /route2", kinds: ["httpAction"] }],
    ["free text, any case", { text: "needle" }],
    ["a request id prefix", { requestId: "req0012" }],
    ["a full request id", { requestId: "req00123" }],
    ["everything at once", { levels: ["LOG", "INFO", "ERROR"], kinds: ["query", "mutation"], text: "line 1", requestId: "req00" }],
  ];
  for (const [name, filter] of filters) {
    test(`${name}: every matching row once, in display order`, () => {
      const want = reference(expected, filter);
      const { keys } = pageAll(store, filter, 500);
      assert.equal(keys.length, want.length);
      assert.equal(new Set(keys).size, keys.length, "no row twice");
      assert.deepEqual(keys, want);
    });
  }

  test("pages of one row and a first page that is not full", () => {
    const filter: LogFilter = { requestId: "req00042" };
    assert.deepEqual(pageAll(store, filter, 1).keys, reference(expected, filter));
    const page = pageRows(store, { filter, limit: 500 });
    assert.equal(page.hasOlder, false);
    assert.deepEqual(page.rows.map(keyOf), reference(expected, filter));
  });

  test("the newest page ends with the newest rows, oldest first within the page", () => {
    const page = pageRows(store, { filter: {}, limit: 50 });
    const want = reference(expected, {});
    assert.deepEqual(page.rows.map(keyOf), want.slice(-50));
    assert.equal(page.hasOlder, true);
  });

  test("a floor hides what is older; rows stored after it show", () => {
    const floor = newestCursor(store);
    assert.equal(pageRows(store, { filter: {}, limit: 100, floor }).rows.length, 0);
    const middle: LogCursor = { line: 10_000, exec: { end: expected.executions[1000]!.end, seq: 1001 } };
    const filter: LogFilter = { levels: ["WARN", "ERROR"] };
    assert.deepEqual(pageAll(store, filter, 300, middle).keys, reference(expected, filter, middle));
  });

  test("filters that match nothing", () => {
    for (const filter of [
      { levels: [] },
      { kinds: [] },
      { identifier: "nope:nope" },
      { requestId: "zzz" },
      { text: "no such text anywhere" },
    ] as LogFilter[]) {
      const page = pageRows(store, { filter, limit: 100 });
      assert.deepEqual([page.rows.length, page.hasOlder], [0, false], JSON.stringify(filter));
    }
  });

  test("execution rows carry outcome, status, duration and error; line rows their function", () => {
    const page = pageRows(store, { filter: { requestId: "req00002", kinds: ["httpAction"] }, limit: 100 }).rows;
    const execution = page.find((row) => row.kind === "execution");
    const line = page.find((row) => row.kind === "line");
    assert.ok(execution?.kind === "execution" && line?.kind === "line");
    assert.deepEqual(
      [execution.udfType, execution.identifier, execution.requestId, execution.status, execution.outcome],
      ["httpAction", "POST /route2", "req00002", 200, "success"],
    );
    assert.equal(execution.endedAt, execution.startedAt + execution.durationMs);
    assert.deepEqual([line.udfType, line.identifier, line.requestId], ["httpAction", "POST /route2", "req00002"]);
    const failed = pageRows(store, { filter: { levels: ["ERROR"], kinds: ["httpAction"] }, limit: 5 }).rows.find(
      (row) => row.kind === "execution",
    );
    assert.ok(failed?.kind === "execution");
    assert.deepEqual([failed.outcome, failed.status], ["failure", 500]);
    assert.match(failed.errorStack ?? "", /\.\.\/convex\/http\.ts:12:3/);
  });

  test("hostile filter text is matched literally and never runs as SQL", async () => {
    const before = await tableCounts(store);
    for (const text of HOSTILE) {
      const filter: LogFilter = { text };
      const { keys } = pageAll(store, filter, 1000);
      assert.deepEqual(keys, reference(expected, filter), `text ${JSON.stringify(text)}`);
      assert.ok(keys.length > 0, `the fixture has ${JSON.stringify(text)}`);
      for (const other of [
        { identifier: text },
        { requestId: text },
        { identifier: text, requestId: text, text, kinds: ["query"], levels: ["LOG"] },
      ] as LogFilter[]) {
        assert.deepEqual(pageRows(store, { filter: other, limit: 10 }).rows, [], JSON.stringify(other));
      }
    }
    // `%` and `_` would match every message if they were wildcards.
    assert.ok(reference(expected, { text: "%" }).length < 200);
    assert.ok(reference(expected, { text: "_" }).length < 200);
    assert.deepEqual(await tableCounts(store), before);
  });
});

describe("the SQL text", () => {
  test("carries no filter value: every value is a parameter", () => {
    const marker = "'; DROP TABLE log_lines; -- %_\\\"";
    const filter: LogFilter = { text: marker, identifier: marker, requestId: marker, levels: ["LOG", "WARN"], kinds: ["query"] };
    const queries = [
      lineQuery(filter, { order: "desc", limit: 10, below: 5, drive: { kind: "id" } }),
      lineQuery(filter, { order: "desc", limit: 10, drive: { kind: "level", level: "WARN" } }),
      lineQuery(filter, { order: "asc", limit: 10, above: 1, drive: { kind: "executions" } }),
      executionQuery(
        { ...filter, levels: ["ERROR"] },
        { order: "desc", limit: 10, below: { end: 1, seq: 1 }, ids: [marker], indexedFilter: true },
      ),
    ];
    for (const query of queries) {
      assert.ok(query);
      assert.ok(!query.sql.includes("DROP"), query.sql);
      assert.ok(!query.sql.includes(marker));
      assert.equal(query.sql.split("?").length - 1, query.params.length, "one parameter per placeholder");
      assert.ok(query.params.some((param) => typeof param === "string" && param.includes("DROP TABLE")));
    }
  });

  test("the page queries go through indexes, and the newest-first ones never sort", async () => {
    const store = await LogStore.open();
    fill(store, 200, 3);
    const plan = (query: { sql: string; params: Array<string | number | null> } | null) =>
      store
        .select(`EXPLAIN QUERY PLAN ${query!.sql}`, query!.params)
        .map((row) => String(row.detail))
        .join(" | ");
    const filter: LogFilter = { kinds: ["query"] };
    const byId = plan(lineQuery(filter, { order: "desc", limit: 10, below: 100, drive: { kind: "id" } }));
    assert.match(byId, /SEARCH l USING INTEGER PRIMARY KEY/);
    assert.doesNotMatch(byId, /TEMP B-TREE/);
    const byLevel = plan(lineQuery({ levels: ["WARN", "ERROR"] }, { order: "desc", limit: 10, drive: { kind: "level", level: "WARN" } }));
    assert.match(byLevel, /USING INDEX log_lines_by_level \(level=\?/);
    assert.doesNotMatch(byLevel, /TEMP B-TREE/);
    const byRequest = plan(lineQuery({ requestId: "req0001" }, { order: "desc", limit: 10, drive: { kind: "id" } }));
    assert.match(byRequest, /USING INDEX log_lines_by_request/);
    const throughExecutions = plan(lineQuery({ identifier: "rare:one" }, { order: "desc", limit: 10, drive: { kind: "executions" } }));
    assert.match(throughExecutions, /USING INDEX log_lines_by_execution/);
    assert.match(throughExecutions, /USING INDEX executions_by_identifier/);
    const executions = plan(
      executionQuery(filter, { order: "desc", limit: 10, below: { end: BASE + 500, seq: 10 }, indexedFilter: false }),
    );
    assert.match(executions, /SEARCH e USING INDEX executions_by_end/);
    assert.doesNotMatch(executions, /TEMP B-TREE/);
    await store.close();
  });
});

describe("tail, drilldown and functions", () => {
  test("linesBetween and finishedExecutions read only what is new, filtered", async () => {
    const store = await LogStore.open();
    const expected = fill(store, 40, 2);
    const upTo = expected.lines.at(-1)!.id;
    const filter: LogFilter = { levels: ["LOG", "ERROR"], kinds: ["query", "httpAction"] };
    const lines = linesBetween(store, filter, 10, upTo, 1000);
    const want = expected.lines
      .filter((l) => l.id > 10 && filter.levels!.includes(l.level) && filter.kinds!.includes(l.udfType))
      .map((l) => l.id);
    assert.deepEqual(
      lines.map((l) => l.id),
      want,
    );
    assert.deepEqual(linesBetween(store, filter, upTo, upTo, 1000), []);
    assert.equal(linesBetween(store, {}, 0, upTo, 5).length, 5);

    const ids = ["x3", "x4", "x13", "x22", "x31", "unknown"];
    const finished = finishedExecutions(store, { levels: ["ERROR"] }, ids);
    assert.deepEqual(
      finished.map((e) => e.id),
      ["x4", "x13", "x22", "x31"],
    );
    assert.ok(finished.every((e) => e.outcome === "failure"));
    store.recordExecution({
      execId: "running",
      parentId: null,
      requestId: "r",
      udfType: "action",
      identifier: "a:b",
      caller: "test",
      startedAt: BASE,
    });
    assert.deepEqual(finishedExecutions(store, {}, ["running"]), [], "a running execution has no row yet");
    await store.close();
  });

  test("newestCursor of an empty store hides nothing that comes later", async () => {
    const store = await LogStore.open();
    const floor = newestCursor(store);
    assert.equal(floor.line, 0);
    fill(store, 4, 1);
    assert.equal(pageRows(store, { filter: {}, floor, limit: 100 }).rows.length, 8);
    await store.close();
  });

  test("requestTrace: every execution of the request in start order, with its lines, and a truncation flag", async () => {
    const store = await LogStore.open();
    fill(store, 12, 3);
    const trace = requestTrace(store, "req00001");
    assert.deepEqual(
      trace.executions.map((e) => [e.id, e.parentId]),
      [
        ["x4", null],
        ["x5", "x4"],
        ["x6", "x4"],
        ["x7", "x4"],
      ],
    );
    assert.deepEqual(
      trace.lines.map((l) => l.executionId),
      ["x4", "x4", "x4", "x5", "x5", "x5", "x6", "x6", "x6", "x7", "x7", "x7"],
    );
    assert.equal(trace.truncated, false);
    const cut = requestTrace(store, "req00001", { executions: 2, lines: 4 });
    assert.deepEqual([cut.executions.length, cut.lines.length, cut.truncated], [2, 4, true]);
    assert.deepEqual(requestTrace(store, "'; DROP TABLE executions; --").executions, []);
    assert.equal((await tableCounts(store)).executions, 12);
    await store.close();
  });

  test("loggedFunctions lists each function and route once with its count", async () => {
    const store = await LogStore.open();
    fill(store, 8, 0);
    // x0…x7: kinds cycle httpAction, mutation, query, action; x5 is the rare function.
    assert.deepEqual(loggedFunctions(store), [
      { udfType: "httpAction", identifier: "POST /route0", executions: 1 },
      { udfType: "httpAction", identifier: "POST /route1", executions: 1 },
      { udfType: "mutation", identifier: "mod1:fn", executions: 1 },
      { udfType: "query", identifier: "mod1:fn", executions: 1 },
      { udfType: "action", identifier: "mod2:fn", executions: 1 },
      { udfType: "query", identifier: "mod2:fn", executions: 1 },
      { udfType: "action", identifier: "mod3:fn", executions: 1 },
      { udfType: "mutation", identifier: "rare:one", executions: 1 },
    ]);
    await store.close();
  });
});

describe("stores and files", () => {
  test("select refuses anything but SELECT", async () => {
    const store = await LogStore.open();
    assert.throws(() => store.select("DELETE FROM log_lines"), /SELECT statements only/);
    assert.throws(() => store.select("DROP TABLE log_lines; SELECT 1"), /SELECT statements only/);
    await store.close();
  });

  test("a log file written before the end-time index gets it when opened, and pages work", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "convex-lens-log-queries-"));
    try {
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.exec(LOG_STORE_SCHEMA);
      db.run(
        "INSERT INTO executions (id, request_id, udf_type, identifier, caller, started_at, duration_ms, outcome) VALUES ('a', 'r', 'query', 'q:q', 'test', 10, 5, 'success')",
      );
      db.run("INSERT INTO log_lines (execution_id, request_id, timestamp, level, message) VALUES ('a', 'r', 11, 'LOG', 'old line')");
      const file = path.join(dir, "logs.sqlite");
      await writeFile(file, db.export());
      db.close();
      const store = await LogStore.open({ file });
      assert.equal(store.select("SELECT count(*) AS n FROM sqlite_master WHERE name = 'executions_by_end'")[0]!.n, 1);
      assert.deepEqual(pageRows(store, { filter: {}, limit: 10 }).rows.map(keyOf), ["l1", "e1"]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
