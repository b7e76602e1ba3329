// The log store's write queue: records are written a few milliseconds later in one transaction,
// yet every read, event, line id, retention bound and close sees them as if written at once.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  LogStore,
  LogWriteError,
  type ExecutionEndRecord,
  type ExecutionRecord,
  type ExecutionStartRecord,
  type LogStoreEvent,
  type StoredLogLine,
} from "../../runtime/logs/log-store.js";
import type { LogLine } from "../../runtime/logs/log-line.js";

function start(execId: string, overrides: Partial<ExecutionStartRecord> = {}): ExecutionStartRecord {
  return {
    execId,
    parentId: null,
    requestId: `req-${execId}`,
    udfType: "query",
    identifier: "messages:list",
    caller: "test",
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function end(execId: string, overrides: Partial<ExecutionEndRecord> = {}): ExecutionEndRecord {
  return { execId, outcome: "success", durationMs: 3.5, status: null, error: null, ...overrides };
}

const line = (text: string): LogLine => ({ messages: [text], level: "LOG", timestamp: 1_700_000_000_001, isTruncated: false });
/** Long enough for the queue to be written on its own (QUEUE_DELAY_MS in log-store.ts). */
const queueWritten = () => new Promise((resolve) => setTimeout(resolve, 30));
const count = (store: LogStore, table: "executions" | "log_lines") => Number(store.select(`SELECT count(*) AS n FROM ${table}`)[0]!.n);

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "convex-lens-log-queue-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("queued writes are seen by every read", () => {
  test("started and finished in the same turn: one row with the final values", async () => {
    const store = await LogStore.open();
    store.recordExecution(start("a", { udfType: "httpAction", identifier: "POST /x", caller: "http" }));
    store.finishExecution(
      end("a", { outcome: "failure", durationMs: 7, status: 500, error: { message: "boom", stack: "Error: boom\n    at h" } }),
    );
    assert.deepEqual(store.select("SELECT id, duration_ms, outcome, http_status, error_message, error_stack FROM executions"), [
      { id: "a", duration_ms: 7, outcome: "failure", http_status: 500, error_message: "boom", error_stack: "Error: boom\n    at h" },
    ]);
    assert.equal(store.getExecution("a")?.outcome, "failure");
    await store.close();
  });

  test("a read between start and finish sees the running execution, then the finished one", async () => {
    const store = await LogStore.open();
    store.recordExecution(start("b"));
    const running = store.getExecution("b");
    assert.equal(running?.outcome, null);
    assert.equal(running?.durationMs, null);
    store.finishExecution(end("b", { durationMs: 12 }));
    assert.deepEqual(
      store.listExecutions().map((e) => [e.id, e.outcome, e.durationMs]),
      [["b", "success", 12]],
    );
    // And once more after the queue has been written on its own.
    store.recordExecution(start("c"));
    await queueWritten();
    store.finishExecution(end("c", { outcome: "failure", error: { message: "late" } }));
    assert.deepEqual(store.getExecution("c")?.errorMessage, "late");
    assert.equal(count(store, "executions"), 2);
    await store.close();
  });

  test("each kind of read writes the queue first", async () => {
    const store = await LogStore.open();
    const reads: Array<[string, () => unknown]> = [
      ["getExecution", () => store.getExecution("r0")?.outcome],
      ["listExecutions", () => store.listExecutions()[0]?.outcome],
      ["executionStats", () => store.executionStats()[0]?.calls],
      ["select", () => store.select("SELECT outcome FROM executions WHERE id = 'r0'")[0]?.outcome],
      ["queryLines", () => store.queryLines({ limit: 10 }).length],
    ];
    const seen = reads.map(([name, read], i) => {
      // One more line each time, all in this turn: every read must see all of them.
      if (i === 0) {
        store.recordExecution(start("r0"));
        store.finishExecution(end("r0"));
      }
      store.appendLines("r0", "req-r0", [line(`${i}`)]);
      return [name, read(), store.queryLines({ limit: 10 }).length];
    });
    assert.deepEqual(seen, [
      ["getExecution", "success", 1],
      ["listExecutions", "success", 2],
      ["executionStats", 1, 3],
      ["select", "success", 4],
      ["queryLines", 5, 5],
    ]);
    await store.close();
  });

  test("lines go to executions still queued, and are refused for unknown, pruned or rolled-out ones", async () => {
    const store = await LogStore.open({ executionRetention: 1 });
    assert.throws(() => store.appendLines("nobody", "r", [line("x")]), /unknown execution nobody/);
    store.recordExecution(start("old"));
    assert.equal(store.appendLines("old", "req-old", [line("queued")]).length, 1);
    store.recordExecution(start("new"));
    assert.equal(count(store, "executions"), 1);
    // "old" was started here and never finished, but it was pruned: it is unknown now.
    assert.throws(() => store.appendLines("old", "req-old", [line("too late")]), /unknown execution old/);
    store.finishExecution(end("old"));
    assert.deepEqual(
      store.listExecutions().map((e) => [e.id, e.outcome]),
      [["new", null]],
    );
    await store.close();
  });

  test("finishing an unknown execution changes nothing", async () => {
    const store = await LogStore.open();
    const events: LogStoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    store.finishExecution(end("ghost"));
    assert.equal(store.getExecution("ghost"), undefined);
    assert.equal(count(store, "executions"), 0);
    assert.deepEqual(events, []);
    await store.close();
  });

  test("a second start of the same id throws while the first is known, as the INSERT used to", async () => {
    const store = await LogStore.open();
    store.recordExecution(start("twice"));
    assert.throws(() => store.recordExecution(start("twice")), /already recorded/);
    store.getExecution("twice");
    assert.throws(() => store.recordExecution(start("twice")), /already recorded/);
    assert.throws(() => store.recordExecution(start("bad", { udfType: "nope" as "query" })), /unknown function type nope/);
    assert.throws(() => store.appendLines("twice", "r", [{ ...line("x"), level: "LOUD" as "LOG" }]), /unknown level LOUD/);
    assert.equal(count(store, "executions"), 1);
    await store.close();
  });
});

describe("line ids", () => {
  test("appendLines returns the ids queryLines finds, increasing across turns, pruning and reopening", async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, "logs.sqlite");
      const store = await LogStore.open({ file, retention: 3, executionRetention: 2, flushDelayMs: 60_000 });
      const ids: number[] = [];
      store.recordExecution(start("a"));
      for (let i = 0; i < 4; i++) ids.push(...store.appendLines("a", "req-a", [line(`a${i}`), line(`a${i}'`)]).map((l) => l.id));
      await queueWritten();
      ids.push(...store.appendLines("a", "req-a", [line("a-late")]).map((l) => l.id));
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
      );
      assert.equal(new Set(ids).size, ids.length);
      // Retention 3: the newest three, under the ids appendLines gave.
      assert.deepEqual(
        store.queryLines({ limit: 10 }).map((l) => l.id),
        ids.slice(-3).reverse(),
      );

      // Two newer executions without lines prune "a" and with it every line.
      store.recordExecution(start("b"));
      store.recordExecution(start("c"));
      assert.equal(count(store, "log_lines"), 0);
      const [afterPrune] = store.appendLines("c", "req-c", [line("c0")]);
      assert.ok(afterPrune!.id > ids.at(-1)!, `${afterPrune!.id} after ${ids.at(-1)}`);
      store.recordExecution(start("d"));
      store.recordExecution(start("e"));
      assert.equal(count(store, "log_lines"), 0);
      await store.close();

      // Reopened with no lines left: ids still continue from the largest ever handed out.
      const reopened = await LogStore.open({ file });
      const [afterReopen] = reopened.appendLines("e", "req-e", [line("e0")]);
      assert.equal(afterReopen!.id, afterPrune!.id + 1);
      assert.deepEqual(
        reopened.queryLines({ limit: 10 }).map((l) => [l.id, l.message]),
        [[afterReopen!.id, "e0"]],
      );
      await reopened.close();
    });
  });
});

describe("persistence", () => {
  test("close() writes records that were still queued", async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, "logs.sqlite");
      const store = await LogStore.open({ file, flushDelayMs: 60_000 });
      store.recordExecution(start("q"));
      const [stored] = store.appendLines("q", "req-q", [line("'queued'")]);
      store.finishExecution(end("q", { durationMs: 9 }));
      store.recordExecution(start("still-running"));
      await store.close();
      const reopened = await LogStore.open({ file });
      assert.deepEqual(
        reopened
          .listExecutions()
          .map((e) => [e.id, e.outcome, e.durationMs])
          .sort(),
        [
          ["q", "success", 9],
          ["still-running", null, null],
        ],
      );
      assert.deepEqual(
        reopened.queryLines({ limit: 10 }).map((l) => [l.id, l.message]),
        [[stored!.id, "'queued'"]],
      );
      await reopened.close();
    });
  });

  test("the delayed write includes what was recorded in the same turn as flush()", async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, "logs.sqlite");
      const store = await LogStore.open({ file, flushDelayMs: 60_000 });
      store.recordExecution(start("first"));
      const writing = store.flush();
      store.recordExecution(start("second"));
      await writing;
      const copy = await LogStore.open({ file });
      assert.deepEqual(
        copy
          .listExecutions()
          .map((e) => e.id)
          .sort(),
        ["first", "second"],
      );
      await copy.close();
      await store.close();
    });
  });
});

describe("events", () => {
  test("subscribers get, synchronously, the records that reads return afterwards", async () => {
    const store = await LogStore.open();
    const events: LogStoreEvent[] = [];
    store.subscribe((event) => events.push(structuredClone(event)));
    store.recordExecution(start("s", { parentId: "p", udfType: "mutation", identifier: "messages:send" }));
    assert.equal(events.length, 1, "executionStarted before recordExecution returns");
    const stored = store.appendLines("s", "req-s", [
      line("one"),
      { messages: ["two", "2"], level: "WARN", timestamp: 5, isTruncated: true, systemMetadata: { code: "c" } },
    ]);
    assert.equal(events.length, 2, "lines before appendLines returns");
    const runningRead = store.getExecution("s");
    store.finishExecution(end("s", { outcome: "failure", error: { message: "m", stack: "s" }, status: 400 }));
    assert.equal(events.length, 3, "executionFinished before finishExecution returns");
    await queueWritten();
    // One finishing in a later turn than its start, after the queue was written.
    store.recordExecution(start("t"));
    await queueWritten();
    store.appendLines("t", "req-t", [line("three")]);
    store.finishExecution(end("t"));

    const byKind = (kind: LogStoreEvent["kind"]) => events.filter((e) => e.kind === kind);
    const started = byKind("executionStarted").map((e) => (e as { execution: ExecutionRecord }).execution);
    const finished = byKind("executionFinished").map((e) => (e as { execution: ExecutionRecord }).execution);
    const lineEvents = byKind("lines") as Array<{ execution: ExecutionRecord; lines: StoredLogLine[] }>;

    assert.deepEqual(started[0], runningRead);
    assert.deepEqual(lineEvents[0]!.execution, runningRead);
    assert.deepEqual(finished, [store.getExecution("s"), store.getExecution("t")]);
    assert.deepEqual(lineEvents[0]!.lines, stored);
    assert.deepEqual(
      lineEvents.flatMap((e) => e.lines),
      store.queryLines({ limit: 10, after: 0 }),
    );
    assert.deepEqual(lineEvents[1]!.execution, started[1]);
    assert.equal(finished[0]!.status, 400);
    assert.equal(finished[0]!.errorStack, "s");
    await store.close();
  });

  test("a record the database refuses is reported; the rest of its batch is stored", async () => {
    const store = await LogStore.open();
    const errors: unknown[] = [];
    store.subscribe((event) => {
      if (event.kind === "persistError") errors.push(event.error);
    });
    store.recordExecution(start("dup"));
    store.finishExecution(end("dup"));
    assert.equal(count(store, "executions"), 1);
    // Finished and written: only the database can tell that the id is taken.
    store.recordExecution(start("before"));
    store.recordExecution(start("dup", { identifier: "second:start" }));
    store.appendLines("dup", "req-dup", [line("for the refused start")]);
    store.recordExecution(start("after"));
    store.appendLines("after", "req-after", [line("kept")]);
    assert.equal(errors.length, 0, "reported when the queue is written, not when queued");
    await queueWritten();
    assert.equal(errors.length, 1, "the queue is written on its own, without a read");
    assert.deepEqual(
      store
        .listExecutions()
        .map((e) => e.id)
        .sort(),
      ["after", "before", "dup"],
    );
    assert.equal(store.getExecution("dup")?.identifier, "messages:list");
    assert.deepEqual(
      store.queryLines({ limit: 10 }).map((l) => l.message),
      ["kept"],
    );
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof LogWriteError);
    assert.match((errors[0] as Error).message, /execution dup \(.*UNIQUE/);
    // Still usable, and the counts behind retention are right.
    store.recordExecution(start("later"));
    assert.equal(store.listExecutions().length, 4);
    await store.close();
  });
});

describe("retention", () => {
  test("many executions queued in one turn: pruned to the bounds when written, newest kept", async () => {
    const store = await LogStore.open({ retention: 50, executionRetention: 20 });
    // More than one batch (500 records) in one turn.
    for (let i = 0; i < 1000; i++) {
      store.recordExecution(start(`x${i}`));
      store.appendLines(`x${i}`, `req-x${i}`, [line(`${i}a`), line(`${i}b`), line(`${i}c`)]);
      store.finishExecution(end(`x${i}`));
    }
    const keptExecutions = Array.from({ length: 20 }, (_, k) => `x${999 - k}`);
    assert.deepEqual(
      store.listExecutions({ limit: 100 }).map((e) => e.id),
      keptExecutions,
    );
    assert.equal(count(store, "log_lines"), 50);
    assert.deepEqual(
      store.queryLines({ limit: 1 }).map((l) => l.message),
      ["999c"],
    );

    // The counts behind pruning stayed exact: later batches prune exactly to the bounds again.
    // Ten more executions of one line each drop x980..x989 and their lines: x990..x999 keep 30.
    for (let i = 1000; i < 1010; i++) {
      store.recordExecution(start(`x${i}`));
      store.appendLines(`x${i}`, `req-x${i}`, [line(`${i}a`)]);
      if (i % 3 === 0) await queueWritten();
    }
    assert.equal(count(store, "executions"), 20);
    assert.equal(count(store, "log_lines"), 30 + 10);
    assert.deepEqual(
      store.queryLines({ limit: 1, after: 0 }).map((l) => l.message),
      ["990a"],
    );
    await store.close();
  });
});
