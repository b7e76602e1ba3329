// The host's log database: recording, paging, filters (parameterized, literal text matching),
// retention, tail events and persistence through a temp file + rename.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LogStore, LogStoreFileError, type ExecutionStartRecord, type LogStoreEvent } from "../../runtime/logs/log-store.js";
import type { LogLevel, LogLine } from "../../runtime/logs/log-line.js";

let nextExec = 0;
function start(overrides: Partial<ExecutionStartRecord> = {}): ExecutionStartRecord {
  return {
    execId: `exec-${++nextExec}`,
    parentId: null,
    requestId: "req-1",
    udfType: "mutation",
    identifier: "messages:send",
    caller: "api",
    startedAt: 1_700_000_000_000 + nextExec,
    ...overrides,
  };
}

const line = (text: string, level: LogLevel = "LOG"): LogLine => ({
  messages: [text],
  level,
  timestamp: 1_700_000_000_000,
  isTruncated: false,
});

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "convex-lens-logs-"));
}

/** Waits until `check` holds (a guard of about 20 s against hanging, not a statement about speed). */
async function poll(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(check(), "gave up waiting");
}

describe("recording executions and lines", () => {
  test("an execution from start to finish, with its lines", async () => {
    const store = await LogStore.open();
    const id = store.recordExecution(
      start({ execId: "e1", requestId: "r1", udfType: "httpAction", identifier: "POST /postMessage", caller: "http" }),
    );
    assert.equal(id, "e1");
    const stored = store.appendLines("e1", "r1", [
      { messages: ["'hello'", "1"], level: "INFO", timestamp: 5, isTruncated: true },
      { messages: ["'sys'"], level: "WARN", timestamp: 6, isTruncated: false, systemMetadata: { code: "warn:x" } },
    ]);
    assert.deepEqual(
      stored.map((l) => [l.message, l.level, l.isTruncated, l.systemCode]),
      [
        ["'hello' 1", "INFO", true, null],
        ["'sys'", "WARN", false, "warn:x"],
      ],
    );
    assert.ok(stored[1]!.id > stored[0]!.id);
    store.finishExecution({
      execId: "e1",
      outcome: "failure",
      durationMs: 12.5,
      status: 500,
      error: { message: "Uncaught Error: boom", stack: "Error: boom\n    at h" },
    });
    const [execution] = store.listExecutions({ requestId: "r1" });
    assert.deepEqual(execution, {
      id: "e1",
      requestId: "r1",
      parentId: null,
      udfType: "httpAction",
      identifier: "POST /postMessage",
      caller: "http",
      startedAt: execution!.startedAt,
      cause: null,
      durationMs: 12.5,
      outcome: "failure",
      status: 500,
      errorMessage: "Uncaught Error: boom",
      errorStack: "Error: boom\n    at h",
    });
    const lines = store.queryLines({ executionId: "e1", limit: 10 });
    assert.deepEqual(
      lines.map((l) => [l.udfType, l.identifier, l.requestId]),
      [
        ["httpAction", "POST /postMessage", "r1"],
        ["httpAction", "POST /postMessage", "r1"],
      ],
    );
    await store.close();
  });

  test("nested executions share the request id", async () => {
    const store = await LogStore.open();
    store.recordExecution(start({ execId: "outer", requestId: "rq", udfType: "action", identifier: "jobs:run" }));
    store.recordExecution(
      start({ execId: "inner", parentId: "outer", requestId: "rq", caller: "nested", udfType: "query", identifier: "jobs:get" }),
    );
    store.recordExecution(start({ execId: "other", requestId: "elsewhere" }));
    const executions = store.listExecutions({ requestId: "rq" });
    assert.deepEqual(
      executions.map((e) => [e.id, e.parentId]),
      [
        ["inner", "outer"],
        ["outer", null],
      ],
    );
    assert.equal(store.listExecutions().length, 3);
    await store.close();
  });

  test("lines for an unknown execution are refused", async () => {
    const store = await LogStore.open();
    assert.throws(() => store.appendLines("missing", "r", [line("x")]), /unknown execution missing/);
    await store.close();
  });
});

describe("queries", () => {
  async function seeded() {
    const store = await LogStore.open();
    store.recordExecution(start({ execId: "q", requestId: "rq", udfType: "query", identifier: "messages:list" }));
    store.recordExecution(start({ execId: "m", requestId: "rm", udfType: "mutation", identifier: "messages:send" }));
    store.recordExecution(start({ execId: "h", requestId: "rh", udfType: "httpAction", identifier: "POST /postMessage" }));
    for (let i = 0; i < 10; i++) store.appendLines("q", "rq", [line(`'query ${i}'`)]);
    store.appendLines("m", "rm", [line("'sent'", "INFO"), line("'careful'", "WARN"), line("'broke'", "ERROR")]);
    store.appendLines("h", "rh", [line("'100% done'"), line("'a_b'"), line("'it''s'"), line("'plain'")]);
    return store;
  }

  test("newest first, paged with `before`", async () => {
    const store = await seeded();
    const first = store.queryLines({ limit: 5 });
    assert.deepEqual(
      first.map((l) => l.message),
      ["'plain'", "'it''s'", "'a_b'", "'100% done'", "'broke'"],
    );
    const second = store.queryLines({ limit: 5, before: first.at(-1)!.id });
    assert.deepEqual(
      second.map((l) => l.message),
      ["'careful'", "'sent'", "'query 9'", "'query 8'", "'query 7'"],
    );
    const all: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = store.queryLines({ limit: 4, ...(before === undefined ? {} : { before }) });
      if (page.length === 0) break;
      all.push(...page.map((l) => l.message));
      before = page.at(-1)!.id;
    }
    assert.equal(all.length, 17);
    await store.close();
  });

  test("`after` tails forwards, oldest first", async () => {
    const store = await seeded();
    const newest = store.queryLines({ limit: 3 });
    const tail = store.queryLines({ limit: 2, after: newest[2]!.id });
    assert.deepEqual(
      tail.map((l) => l.message),
      ["'it''s'", "'plain'"],
    );
    await store.close();
  });

  test("filters by level, function type, identifier and request id", async () => {
    const store = await seeded();
    assert.deepEqual(
      store.queryLines({ limit: 50, level: ["WARN", "ERROR"] }).map((l) => l.message),
      ["'broke'", "'careful'"],
    );
    assert.equal(store.queryLines({ limit: 50, level: [] }).length, 0);
    assert.equal(store.queryLines({ limit: 50, udfType: "query" }).length, 10);
    assert.equal(store.queryLines({ limit: 50, identifier: "messages:send" }).length, 3);
    assert.equal(store.queryLines({ limit: 50, udfType: "httpAction", identifier: "POST /postMessage" }).length, 4);
    assert.equal(store.queryLines({ limit: 50, udfType: "query", identifier: "messages:send" }).length, 0);
    assert.deepEqual(
      store.queryLines({ limit: 50, requestId: "rm", level: ["INFO"] }).map((l) => l.message),
      ["'sent'"],
    );
    await store.close();
  });

  test("text filter: case-insensitive substring, with %, _ and quotes taken literally", async () => {
    const store = await seeded();
    const search = (text: string) => store.queryLines({ limit: 50, text }).map((l) => l.message);
    assert.deepEqual(search("QUERY 3"), ["'query 3'"]);
    assert.deepEqual(search("%"), ["'100% done'"]);
    assert.deepEqual(search("_"), ["'a_b'"]);
    assert.deepEqual(search("''"), ["'it''s'"]);
    assert.deepEqual(search("\\"), []);
    assert.equal(search("").length, 17);
    await store.close();
  });

  test("hostile input is data, not SQL", async () => {
    const store = await seeded();
    const hostile = "'; DROP TABLE log_lines; --";
    assert.deepEqual(store.queryLines({ limit: 10, text: hostile }), []);
    assert.deepEqual(store.queryLines({ limit: 10, identifier: hostile }), []);
    assert.deepEqual(store.queryLines({ limit: 10, requestId: hostile, level: [hostile as LogLevel] }), []);
    assert.deepEqual(store.listExecutions({ requestId: hostile }), []);
    // And stored verbatim when it is the payload.
    store.recordExecution(start({ execId: hostile, requestId: hostile, identifier: hostile }));
    store.appendLines(hostile, hostile, [line(hostile)]);
    assert.deepEqual(
      store.queryLines({ limit: 10, text: hostile }).map((l) => [l.message, l.identifier]),
      [[hostile, hostile]],
    );
    assert.equal(store.queryLines({ limit: 100 }).length, 18);
    await store.close();
  });
});

describe("retention", () => {
  test("keeps only the newest `retention` lines", async () => {
    const store = await LogStore.open({ retention: 5 });
    store.recordExecution(start({ execId: "e" }));
    for (let i = 0; i < 8; i++) store.appendLines("e", "req-1", [line(String(i))]);
    store.appendLines("e", "req-1", [line("8"), line("9"), line("10")]);
    assert.deepEqual(
      store.queryLines({ limit: 100 }).map((l) => l.message),
      ["10", "9", "8", "7", "6"],
    );
    await store.close();
  });

  test("keeps only the newest executions, dropping their lines with them", async () => {
    const store = await LogStore.open({ executionRetention: 2 });
    for (const execId of ["a", "b", "c"]) {
      store.recordExecution(start({ execId }));
      store.appendLines(execId, "req-1", [line(execId)]);
    }
    assert.deepEqual(
      store.listExecutions().map((e) => e.id),
      ["c", "b"],
    );
    assert.deepEqual(
      store.queryLines({ limit: 10 }).map((l) => l.message),
      ["c", "b"],
    );
    await store.close();
  });
});

describe("events", () => {
  test("subscribers see starts, lines and finishes; a throwing subscriber does not stop the rest", async () => {
    const store = await LogStore.open();
    const events: string[] = [];
    store.subscribe(() => {
      throw new Error("bad panel");
    });
    const unsubscribe = store.subscribe((event: LogStoreEvent) => {
      if (event.kind === "lines") events.push(`lines ${event.execution.identifier} ${event.lines.map((l) => l.message).join(",")}`);
      else if (event.kind === "persistError" || event.kind === "persistRecovered") events.push(event.kind);
      else events.push(`${event.kind} ${event.execution.id}`);
    });
    store.recordExecution(start({ execId: "x", identifier: "a:b" }));
    store.appendLines("x", "req-1", [line("1"), line("2")]);
    store.finishExecution({ execId: "x", outcome: "success", durationMs: 1, status: null, error: null });
    unsubscribe();
    store.appendLines("x", "req-1", [line("3")]);
    assert.deepEqual(events, ["executionStarted x", "lines a:b 1,2", "executionFinished x"]);
    await store.close();
  });
});

describe("persistence", () => {
  test("round trip through the file, written on close", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "nested", "logs.sqlite");
    try {
      const store = await LogStore.open({ file, flushDelayMs: 60_000 });
      store.recordExecution(start({ execId: "p", identifier: "persist:me" }));
      store.appendLines("p", "req-1", [line("'kept'")]);
      store.finishExecution({ execId: "p", outcome: "success", durationMs: 2, status: null, error: null });
      await store.close();
      const reopened = await LogStore.open({ file });
      assert.deepEqual(
        reopened.queryLines({ limit: 10 }).map((l) => [l.message, l.identifier]),
        [["'kept'", "persist:me"]],
      );
      assert.equal(reopened.listExecutions()[0]!.outcome, "success");
      // Ids keep increasing after a reload.
      const [next] = reopened.appendLines("p", "req-1", [line("'more'")]);
      assert.ok(next!.id > reopened.queryLines({ limit: 2 })[1]!.id);
      await reopened.close();
      // Only the target file is left: the temp file was renamed over it.
      assert.deepEqual(await readdir(path.dirname(file)), ["logs.sqlite"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the file is written from the store's own memory: what is recorded while a write is on its way goes in the next, and every file written is whole", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "logs.sqlite");
    const record = (store: LogStore, from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        store.recordExecution(start({ execId: `w-${i}` }));
        store.appendLines(`w-${i}`, "req-1", [line(`line ${i} ${"x".repeat(200)}`)]);
        store.finishExecution({ execId: `w-${i}`, outcome: "success", durationMs: 1, status: null, error: null });
      }
    };
    /** What a copy of the file as it is now holds (opening it checks that it is whole). */
    const inCopy = async (name: string) => {
      const copy = path.join(dir, name);
      await writeFile(copy, await readFile(file));
      const store = await LogStore.open({ file: copy });
      const counts = [
        store.select("SELECT count(*) AS n FROM executions")[0]!.n,
        store.select("SELECT count(*) AS n FROM log_lines")[0]!.n,
      ];
      await store.close();
      return counts;
    };
    try {
      const store = await LogStore.open({ file, flushDelayMs: 60_000 });
      record(store, 0, 300);
      const first = store.flush();
      // Once the write has begun (its bytes are taken within its turn), more records change the
      // database while the write still waits for its fsync and rename.
      await new Promise((resolve) => setImmediate(resolve));
      record(store, 300, 300);
      store.listExecutions(); // a read writes the queue into the database now
      await first;
      assert.deepEqual(await inCopy("first.sqlite"), [300, 300]);
      await store.flush();
      assert.deepEqual(await inCopy("second.sqlite"), [600, 600]);
      record(store, 600, 10);
      await store.close();
      const reopened = await LogStore.open({ file });
      assert.equal(reopened.select("SELECT count(*) AS n FROM log_lines")[0]!.n, 610);
      assert.equal(reopened.queryLines({ limit: 1 })[0]!.message, `line 609 ${"x".repeat(200)}`);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a subscribed query's cause is kept through the file; a file written before the cause columns gets them", async () => {
    const dir = await tempDir();
    try {
      const file = path.join(dir, "logs.sqlite");
      const store = await LogStore.open({ file });
      store.recordExecution(start({ execId: "s", udfType: "query", caller: "sync", cause: { kind: "subscribed" } }));
      store.recordExecution(start({ execId: "c", udfType: "query", caller: "sync", cause: { kind: "commit", requestId: "req-9" } }));
      store.recordExecution(start({ execId: "a" }));
      await store.close();
      const reopened = await LogStore.open({ file });
      assert.deepEqual(reopened.getExecution("s")!.cause, { kind: "subscribed" });
      assert.deepEqual(reopened.getExecution("c")!.cause, { kind: "commit", requestId: "req-9" });
      assert.equal(reopened.getExecution("a")!.cause, null);
      await reopened.close();

      // The layout of version 1 before the columns came: its rows stay, new rows get causes.
      const old = path.join(dir, "old.sqlite");
      const { default: initSqlJs } = await import("sql.js");
      const { LOG_STORE_SCHEMA } = await import("../../runtime/logs/log-store-schema.js");
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.exec(LOG_STORE_SCHEMA.replace(/,\s*--[^\n]*\n\s*--[^\n]*\n\s*cause TEXT,\s*cause_request_id TEXT/, ""));
      assert.equal(db.exec("SELECT name FROM pragma_table_info('executions') WHERE name LIKE 'cause%'").length, 0);
      db.run(
        "INSERT INTO executions (id, request_id, udf_type, identifier, caller, started_at) VALUES ('before', 'r', 'query', 'q', 'api', 1)",
      );
      await writeFile(old, db.export());
      db.close();
      const upgraded = await LogStore.open({ file: old });
      assert.equal(upgraded.getExecution("before")!.cause, null);
      upgraded.recordExecution(start({ execId: "after", udfType: "query", caller: "sync", cause: { kind: "reload" } }));
      assert.deepEqual(upgraded.getExecution("after")!.cause, { kind: "reload" });
      await upgraded.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("writes on its own shortly after a change", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "logs.sqlite");
    try {
      const store = await LogStore.open({ file, flushDelayMs: 20 });
      store.recordExecution(start({ execId: "d" }));
      await assert.rejects(stat(file));
      // Nothing here flushes or closes: the file must appear by the store's own write. How soon
      // depends on the machine (fsync, rename), so the test waits for it instead of timing it.
      const deadline = Date.now() + 10_000;
      while (
        !(await stat(file).then(
          (info) => info.size > 0,
          () => false,
        ))
      ) {
        assert.ok(Date.now() < deadline, "the store wrote its file on its own within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a corrupt file is reported by name and left untouched", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "logs.sqlite");
    try {
      const garbage = Buffer.from("definitely not a database ".repeat(100));
      await writeFile(file, garbage);
      await assert.rejects(LogStore.open({ file }), (error: unknown) => {
        assert.ok(error instanceof LogStoreFileError);
        assert.equal(error.file, file);
        assert.match(
          error.message,
          new RegExp(`log file ${file.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}: it is not a readable SQLite database`),
        );
        return true;
      });
      assert.deepEqual(await readFile(file), garbage);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("another program's SQLite file is refused, an empty one is adopted", async () => {
    const dir = await tempDir();
    try {
      const foreign = path.join(dir, "foreign.sqlite");
      const { default: initSqlJs } = await import("sql.js");
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.run("CREATE TABLE notes (x)");
      await writeFile(foreign, db.export());
      db.close();
      await assert.rejects(LogStore.open({ file: foreign }), /not a Convex Lens log/);

      const empty = path.join(dir, "empty.sqlite");
      await writeFile(empty, new Uint8Array(0));
      const store = await LogStore.open({ file: empty });
      store.recordExecution(start({ execId: "z" }));
      await store.close();
      assert.equal((await LogStore.open({ file: empty }).then(async (s) => [s.listExecutions().length, await s.close()]))[0], 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a file that cannot be saved: persistError says why, the write is retried on its own, persistRecovered follows", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "logs.sqlite");
    try {
      const store = await LogStore.open({ file, flushDelayMs: 20 });
      // A directory where the file goes: the rename over it fails, as a real failure would.
      await mkdir(path.join(file, "in-the-way"), { recursive: true });
      const events: LogStoreEvent[] = [];
      store.subscribe((event) => {
        if (event.kind === "persistError" || event.kind === "persistRecovered") events.push(event);
      });
      store.recordExecution(start({ execId: "kept" }));
      await poll(() => events.length > 0);
      const failure = events[0]!;
      assert.equal(failure.kind, "persistError");
      assert.match(
        String((failure as { error: Error }).error.message),
        /^Convex Lens could not save the log file: .*\(writing .*\.logs\.sqlite\.\d+\.[0-9a-f]+\.tmp\)\. Function logs are kept in memory/,
      );
      assert.deepEqual((await readdir(dir)).sort(), ["logs.sqlite"], "no temp file is left");
      // Nothing else is recorded: the retry alone notices that the file can be written again.
      await rm(file, { recursive: true });
      await poll(() => events.some((event) => event.kind === "persistRecovered"));
      const reopened = await LogStore.open({ file });
      assert.deepEqual(
        reopened.listExecutions().map((e) => e.id),
        ["kept"],
      );
      await Promise.all([store.close(), reopened.close()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("temp files of a write cut short by a killed process are removed at open, other files are not", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "logs.sqlite");
    try {
      await writeFile(path.join(dir, ".logs.sqlite.4194301.0a1b2c3d.tmp"), "half written");
      await writeFile(path.join(dir, ".other.sqlite.4194301.0a1b2c3d.tmp"), "not ours");
      await writeFile(path.join(dir, ".logs.sqlite.notes.tmp"), "not ours either");
      const store = await LogStore.open({ file });
      assert.deepEqual((await readdir(dir)).sort(), [".logs.sqlite.notes.tmp", ".other.sqlite.4194301.0a1b2c3d.tmp"]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a closed store refuses further use", async () => {
    const store = await LogStore.open();
    await store.close();
    assert.throws(() => store.queryLines({ limit: 1 }), /closed/);
    await store.close();
  });
});
