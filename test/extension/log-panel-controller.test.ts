// The log panel's host side against a real (in-memory) log store: replies to every request, the
// tail (exactly the new matching rows, tagged with the query's generation), overflow, source
// changes, and requests that are malformed or hostile.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LogStore } from "../../runtime/logs/log-store";
import type { LogLevel } from "../../runtime/logs/log-line";
import type { UdfType } from "../../runtime/logs/cli-format";
import { LogPanelController, MAX_TAIL_ROWS, type LogPanelSource } from "../../extension/panels/log-panel-controller";
import type { LogFilterView, LogRowView, LogsLatestView, RequestDrilldownView } from "../../webview/protocol/logs";
import type { HostMessage, WebviewMessage } from "../../webview/protocol/messages";

const ALL: LogFilterView = {
  levels: ["DEBUG", "LOG", "INFO", "WARN", "ERROR"],
  kinds: ["query", "mutation", "action", "httpAction"],
  identifier: "",
  text: "",
  requestId: "",
};
let nextId = 0;
let clock = 1_760_000_000_000;

function record(
  store: LogStore,
  options: {
    id?: string;
    requestId?: string;
    parentId?: string | null;
    udfType?: UdfType;
    identifier?: string;
    lines?: Array<[LogLevel, string]>;
    fail?: string;
  } = {},
): string {
  const execId = options.id ?? `x${++nextId}`;
  const requestId = options.requestId ?? `req-${execId}`;
  clock += 10;
  const startedAt = clock;
  store.recordExecution({
    execId,
    parentId: options.parentId ?? null,
    requestId,
    udfType: options.udfType ?? "mutation",
    identifier: options.identifier ?? "messages:send",
    caller: "test",
    startedAt,
  });
  const lines = options.lines ?? [["LOG", `'hello from ${execId}'`]];
  if (lines.length > 0)
    store.appendLines(
      execId,
      requestId,
      lines.map(([level, text], i) => ({ messages: [text], level, timestamp: startedAt + i, isTruncated: false })),
    );
  const error = options.fail
    ? { message: `Uncaught Error: ${options.fail}`, stack: `Uncaught Error: ${options.fail}\n    at handler (../convex/messages.ts:12:3)` }
    : null;
  store.finishExecution({
    execId,
    outcome: error ? "failure" : "success",
    durationMs: 5,
    status: options.udfType === "httpAction" ? (error ? 500 : 200) : null,
    error,
  });
  return execId;
}

interface Harness {
  store: LogStore;
  controller: LogPanelController;
  posted: HostMessage[];
  opened: Array<[string, number, number | null]>;
  /** Sends a request and returns its reply. */
  ask(message: Record<string, unknown>): Promise<Extract<HostMessage, { type: "reply" }>>;
  pushes(): HostMessage[];
  close(): Promise<void>;
}

async function harness(options: { source?: "live" | "stored" | "none"; subscribe?: (calls: number) => void } = {}): Promise<Harness> {
  const store = await LogStore.open();
  const posted: HostMessage[] = [];
  const opened: Array<[string, number, number | null]> = [];
  // A long delay: the tests push by calling flushTail(), so nothing depends on timing.
  const controller = new LogPanelController({
    post: (message) => posted.push(JSON.parse(JSON.stringify(message)) as HostMessage),
    openSource: async (file, line, column) => {
      if (file.includes("..")) throw new Error(`${file} is outside the project`);
      opened.push([file, line, column]);
    },
    retention: () => 1234,
    tailDelayMs: 60_000,
  });
  const kind = options.source ?? "live";
  let subscriptions = 0;
  const source: LogPanelSource | null =
    kind === "none"
      ? null
      : {
          reader: store,
          subscribe:
            kind === "live"
              ? (listener) => {
                  options.subscribe?.(++subscriptions);
                  return store.subscribe(listener);
                }
              : undefined,
        };
  controller.setSource(
    source,
    kind === "live"
      ? { kind: "live" }
      : kind === "stored"
        ? { kind: "stored", message: "stored logs" }
        : { kind: "none", message: "Trust the workspace." },
  );
  let id = 0;
  return {
    store,
    controller,
    posted,
    opened,
    async ask(message) {
      const requestId = ++id;
      await controller.handle({ ...message, id: requestId } as WebviewMessage);
      const reply = posted.find((m) => m.type === "reply" && m.id === requestId);
      assert.ok(reply, `a reply to ${String(message.type)}`);
      return reply as Extract<HostMessage, { type: "reply" }>;
    },
    pushes: () => posted.filter((m) => m.type === "logsRows" || m.type === "logsOverflow"),
    async close() {
      controller.dispose();
      await store.close();
    },
  };
}

const value = <T>(reply: Extract<HostMessage, { type: "reply" }>): T => {
  assert.equal(reply.ok, true, reply.ok ? "" : reply.error);
  return (reply as { value: T }).value;
};
const messagesOf = (rows: LogRowView[]) => rows.map((row) => (row.kind === "line" ? row.message : `${row.identifier} ${row.outcome}`));

describe("requests", () => {
  test("ready answers with the source, its id and the retention setting", async () => {
    const h = await harness();
    await h.controller.handle({ type: "ready" });
    assert.deepEqual(h.posted, [
      { type: "logsStatus", status: { source: { kind: "live" }, sourceId: 1, retention: 1234 } },
      { type: "logsStatus", status: { source: { kind: "live" }, sourceId: 1, retention: 1234 } },
    ]);
    await h.close();
  });

  test("logsLatest: the newest page, filtered, with a generation; logsOlder continues it", async () => {
    const h = await harness();
    for (let i = 0; i < 30; i++)
      record(h.store, {
        lines: [
          ["LOG", `'n${i}'`],
          ["WARN", `'w${i}'`],
        ],
      });
    const latest = value<LogsLatestView>(await h.ask({ type: "logsLatest", filter: { ...ALL, levels: ["WARN"] }, floor: null, limit: 10 }));
    assert.deepEqual(
      messagesOf(latest.rows),
      Array.from({ length: 10 }, (_, i) => `'w${20 + i}'`),
    );
    assert.equal(latest.hasOlder, true);
    assert.equal(latest.generation, 1);
    const older = value<LogsLatestView>(
      await h.ask({ type: "logsOlder", filter: { ...ALL, levels: ["WARN"] }, floor: null, before: latest.older, limit: 25 }),
    );
    assert.deepEqual(
      messagesOf(older.rows),
      Array.from({ length: 20 }, (_, i) => `'w${i}'`),
    );
    assert.equal(older.hasOlder, false);
    await h.close();
  });

  test("logsClear answers a floor that hides everything so far; logsFunctions lists functions", async () => {
    const h = await harness();
    record(h.store, { udfType: "query", identifier: "messages:list" });
    const floor = value<unknown>(await h.ask({ type: "logsClear" }));
    const page = value<LogsLatestView>(await h.ask({ type: "logsLatest", filter: ALL, floor, limit: 50 }));
    assert.deepEqual(page.rows, []);
    record(h.store, { lines: [["INFO", "'after clear'"]] });
    h.controller.flushTail();
    assert.deepEqual(messagesOf((h.pushes()[0] as { rows: LogRowView[] }).rows), ["'after clear'", "messages:send success"]);
    assert.deepEqual(value(await h.ask({ type: "logsFunctions" })), [
      { udfType: "query", identifier: "messages:list", executions: 1 },
      { udfType: "mutation", identifier: "messages:send", executions: 1 },
    ]);
    await h.close();
  });

  test("logsDrilldown: the request's call tree, parents first, with lines and the error's stack", async () => {
    const h = await harness();
    record(h.store, { id: "root", requestId: "r1", udfType: "httpAction", identifier: "POST /send", lines: [["LOG", "'in http'"]] });
    record(h.store, { id: "child", requestId: "r1", parentId: "root", udfType: "mutation", fail: "boom" });
    record(h.store, { id: "grandchild", requestId: "r1", parentId: "child", udfType: "query", identifier: "messages:count", lines: [] });
    record(h.store, { id: "other", requestId: "r2" });
    const drilldown = value<RequestDrilldownView>(await h.ask({ type: "logsDrilldown", requestId: "r1" }));
    assert.deepEqual(
      drilldown.executions.map((e) => [e.id, e.parentId, e.outcome]),
      [
        ["root", null, "success"],
        ["child", "root", "failure"],
        ["grandchild", "child", "success"],
      ],
    );
    assert.deepEqual(
      drilldown.executions[0]!.lines.map((l) => l.message),
      ["'in http'"],
    );
    assert.equal(drilldown.executions[1]!.error, "Uncaught Error: boom\n    at handler (../convex/messages.ts:12:3)");
    assert.equal(drilldown.executions[0]!.caller, "test");
    assert.equal(drilldown.truncated, false);
    await h.close();
  });

  test("openSource is passed on; its failure becomes the reply's error", async () => {
    const h = await harness();
    value(await h.ask({ type: "openSource", file: "convex/http.ts", line: 12, column: 3 }));
    const refused = await h.ask({ type: "openSource", file: "../../etc/passwd", line: 1 });
    assert.deepEqual(refused, { type: "reply", id: 2, ok: false, error: "../../etc/passwd is outside the project" });
    assert.deepEqual(h.opened, [["convex/http.ts", 12, 3]]);
    await h.close();
  });

  test("malformed and hostile requests get an error or a bounded answer, never a throw", async () => {
    const h = await harness();
    record(h.store, {
      lines: [
        ["LOG", "'a'"],
        ["LOG", "'b'"],
      ],
    });
    const before = { lines: h.store.select("SELECT count(*) AS n FROM log_lines")[0]!.n };
    const hostile = "'; DROP TABLE log_lines; --";
    const weird = value<LogsLatestView>(
      await h.ask({
        type: "logsLatest",
        filter: { levels: "LOG", kinds: [1, "query", "nope"], identifier: 5, text: hostile, requestId: { x: 1 } },
        floor: null,
        limit: 1e9,
      }),
    );
    assert.deepEqual(weird.rows, [], "the text filter applies and matches nothing; bad fields are ignored");
    const unbounded = value<LogsLatestView>(await h.ask({ type: "logsLatest", filter: null, floor: null, limit: "all" }));
    assert.equal(unbounded.rows.length, 3, "no filter: two lines and the execution");
    const bad = await h.ask({ type: "logsOlder", filter: ALL, floor: null, before: { line: "1" }, limit: 10 });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /malformed page cursor/);
    assert.equal((await h.ask({ type: "logsDrilldown", requestId: "" })).ok, false);
    assert.equal((await h.ask({ type: "send", request: {} })).ok, false);
    assert.deepEqual({ lines: h.store.select("SELECT count(*) AS n FROM log_lines")[0]!.n }, before);
    await h.close();
  });

  test("without a source every request is refused with the reason", async () => {
    const h = await harness({ source: "none" });
    const reply = await h.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 });
    assert.deepEqual(reply, { type: "reply", id: 1, ok: false, error: "Trust the workspace." });
    await h.close();
  });
});

describe("the tail", () => {
  test("pushes exactly the new rows that match, in display order, with the query's generation", async () => {
    const h = await harness();
    record(h.store, { lines: [["LOG", "'old'"]] });
    value(await h.ask({ type: "logsLatest", filter: { ...ALL, kinds: ["query", "httpAction"] }, floor: null, limit: 10 }));
    h.controller.flushTail();
    assert.deepEqual(h.pushes(), [], "nothing new, nothing pushed");
    record(h.store, {
      udfType: "query",
      identifier: "messages:list",
      lines: [
        ["INFO", "'q1'"],
        ["DEBUG", "'q2'"],
      ],
    });
    record(h.store, { udfType: "mutation", lines: [["LOG", "'not a query'"]] });
    record(h.store, { udfType: "httpAction", identifier: "GET /x", lines: [["ERROR", "'h'"]], fail: "bad" });
    h.controller.flushTail();
    const [push] = h.pushes() as Array<{ type: string; generation: number; rows: LogRowView[] }>;
    assert.equal(push!.type, "logsRows");
    assert.equal(push!.generation, 1);
    assert.deepEqual(messagesOf(push!.rows), ["'q1'", "'q2'", "messages:list success", "'h'", "GET /x failure"]);
    const failed = push!.rows.at(-1)!;
    assert.ok(failed.kind === "execution");
    assert.deepEqual([failed.status, failed.error], [500, "Uncaught Error: bad"]);
    h.controller.flushTail();
    assert.equal(h.pushes().length, 1, "each row once");
    await h.close();
  });

  test("an execution that finishes later is pushed when it finishes; its lines as they come", async () => {
    const h = await harness();
    value(await h.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 }));
    h.store.recordExecution({
      execId: "slow",
      parentId: null,
      requestId: "r",
      udfType: "action",
      identifier: "jobs:run",
      caller: "test",
      startedAt: clock,
    });
    h.store.appendLines("slow", "r", [{ messages: ["'working'"], level: "LOG", timestamp: clock + 1, isTruncated: false }]);
    h.controller.flushTail();
    h.store.finishExecution({ execId: "slow", outcome: "success", durationMs: 900, status: null, error: null });
    h.controller.flushTail();
    assert.deepEqual(
      h.pushes().map((p) => messagesOf((p as { rows: LogRowView[] }).rows)),
      [["'working'"], ["jobs:run success"]],
    );
    await h.close();
  });

  test("a new query replaces the tail; more rows at once than a push carries is an overflow", async () => {
    const h = await harness();
    value(await h.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 }));
    const second = value<LogsLatestView>(await h.ask({ type: "logsLatest", filter: { ...ALL, text: "needle" }, floor: null, limit: 10 }));
    assert.equal(second.generation, 2);
    record(h.store, {
      lines: [
        ["LOG", "'hay'"],
        ["LOG", "'needle'"],
      ],
    });
    h.controller.flushTail();
    assert.deepEqual(h.pushes(), [{ type: "logsRows", generation: 2, rows: (h.pushes()[0] as { rows: LogRowView[] }).rows }]);
    assert.deepEqual(messagesOf((h.pushes()[0] as { rows: LogRowView[] }).rows), ["'needle'"]);

    value(await h.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 }));
    record(h.store, { lines: Array.from({ length: MAX_TAIL_ROWS }, (_, i) => ["LOG", `'burst ${i}'`] as [LogLevel, string]) });
    h.controller.flushTail();
    assert.deepEqual(h.pushes().at(-1), { type: "logsOverflow", generation: 3 });
    await h.close();
  });

  test("subscribes only once something is tailed, and pushes on its own after a change", async () => {
    let subscriptions = 0;
    const store = await LogStore.open();
    const pushed = new Promise<HostMessage>((resolve) => {
      const controller = new LogPanelController({
        post: (message) => message.type === "logsRows" && resolve(message),
        openSource: async () => {},
        retention: () => 1,
        tailDelayMs: 0,
      });
      const subscribe = (listener: Parameters<typeof store.subscribe>[0]) => {
        subscriptions++;
        return store.subscribe(listener);
      };
      controller.setSource({ reader: store, subscribe }, { kind: "live" });
      assert.equal(subscriptions, 0);
      void controller.handle({ type: "logsLatest", id: 1, filter: ALL, floor: null, limit: 5 }).then(() => {
        assert.equal(subscriptions, 1);
        record(store, { lines: [["LOG", "'by itself'"]] });
      });
    });
    assert.deepEqual(messagesOf(((await pushed) as { rows: LogRowView[] }).rows), ["'by itself'", "messages:send success"]);
    await store.close();
  });

  test("a stored (stopped) source is never tailed; a new source stops the old tail and bumps the source id", async () => {
    const stored = await harness({ source: "stored" });
    record(stored.store, { lines: [["LOG", "'kept'"]] });
    const page = value<LogsLatestView>(await stored.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 }));
    assert.deepEqual(messagesOf(page.rows), ["'kept'", "messages:send success"]);
    await stored.close();

    const h = await harness();
    value(await h.ask({ type: "logsLatest", filter: ALL, floor: null, limit: 10 }));
    const next = await LogStore.open();
    h.controller.setSource({ reader: next, subscribe: (listener) => next.subscribe(listener) }, { kind: "live" });
    assert.deepEqual(h.posted.at(-1), { type: "logsStatus", status: { source: { kind: "live" }, sourceId: 2, retention: 1234 } });
    record(h.store, { lines: [["LOG", "'old store'"]] });
    h.controller.flushTail();
    assert.deepEqual(h.pushes(), []);
    await next.close();
    await h.close();
  });
});
