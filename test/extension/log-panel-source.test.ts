// Where the log panel's rows come from as the runtime starts and stops: the live store, the log
// file left in the data folder (read, never written), or nothing with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogStore } from "../../runtime/logs/log-store";
import { pageRows } from "../../runtime/logs/log-queries";
import {
  LogSourceTracker,
  NO_LOGS_MESSAGE,
  STARTING_MESSAGE,
  STORED_MESSAGE,
  UNTRUSTED_MESSAGE,
  type SessionLike,
  type SourceChoice,
} from "../../extension/panels/log-panel-source";

class SessionFake implements SessionLike {
  serving: { runtime: { logs: LogStore; dataDir: string } } | null = null;
  state: { kind: string } = { kind: "stopped" };
}

async function withDataDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "convex-lens-log-source-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function storeWithALine(file: string): Promise<void> {
  const store = await LogStore.open({ file });
  store.recordExecution({
    execId: "e1",
    parentId: null,
    requestId: "r1",
    udfType: "query",
    identifier: "messages:list",
    caller: "test",
    startedAt: 1,
  });
  store.appendLines("e1", "r1", [{ messages: ["'stored line'"], level: "LOG", timestamp: 2, isTruncated: false }]);
  store.finishExecution({ execId: "e1", outcome: "success", durationMs: 3, status: null, error: null });
  await store.close();
}

test("an untrusted workspace has no source and says why", async () => {
  const changes: SourceChoice[] = [];
  const tracker = new LogSourceTracker(null, "/nowhere", (choice) => changes.push(choice));
  await tracker.refresh();
  assert.deepEqual(tracker.current(), { source: null, view: { kind: "none", message: UNTRUSTED_MESSAGE } });
  assert.deepEqual(changes, []);
  await tracker.dispose();
});

test("stopped without a log file, then starting, then live, then stopped with the file it left", () =>
  withDataDir(async (dir) => {
    const session = new SessionFake();
    const changes: SourceChoice[] = [];
    const tracker = new LogSourceTracker(session, dir, (choice) => changes.push(choice));
    const dataDir = join(dir, ".convex-lens");
    await tracker.refresh();
    assert.deepEqual(tracker.current().view, { kind: "none", message: NO_LOGS_MESSAGE });

    session.state = { kind: "starting" };
    await tracker.refresh();
    assert.deepEqual(tracker.current().view, { kind: "none", message: STARTING_MESSAGE });

    const logs = await LogStore.open({ file: join(dataDir, "logs.sqlite") });
    session.serving = { runtime: { logs, dataDir } };
    session.state = { kind: "ready" };
    await tracker.refresh();
    await tracker.refresh();
    assert.equal(tracker.current().view.kind, "live");
    assert.equal(tracker.current().source?.reader, logs);
    assert.equal(typeof tracker.current().source?.subscribe, "function");
    assert.equal(changes.length, 3, "a refresh that changes nothing reports nothing");

    logs.recordExecution({
      execId: "e9",
      parentId: null,
      requestId: "r9",
      udfType: "action",
      identifier: "jobs:run",
      caller: "test",
      startedAt: 5,
    });
    logs.appendLines("e9", "r9", [{ messages: ["'from the live store'"], level: "INFO", timestamp: 6, isTruncated: false }]);
    logs.finishExecution({ execId: "e9", outcome: "success", durationMs: 1, status: null, error: null });
    session.serving = null;
    await logs.close();
    session.state = { kind: "stopped" };
    await tracker.refresh();
    const stored = tracker.current();
    assert.deepEqual(stored.view, { kind: "stored", message: STORED_MESSAGE });
    assert.equal(stored.source?.subscribe, undefined, "no tail on a stopped runtime");
    const page = pageRows(stored.source!.reader, { filter: {}, limit: 10 });
    assert.deepEqual(
      page.rows.map((row) => (row.kind === "line" ? row.message : row.identifier)),
      ["'from the live store'", "jobs:run"],
    );
    await tracker.dispose();
  }));

test("the stored snapshot is never written and is closed when the runtime runs again", () =>
  withDataDir(async (dir) => {
    const dataDir = join(dir, ".convex-lens");
    const file = join(dataDir, "logs.sqlite");
    await storeWithALine(file);
    const bytes = await readFile(file);
    const modified = (await stat(file)).mtimeMs;
    const session = new SessionFake();
    const tracker = new LogSourceTracker(session, dir, () => {});
    await tracker.refresh();
    const snapshot = tracker.current().source!.reader as LogStore;
    assert.equal(pageRows(snapshot, { filter: {}, limit: 5 }).rows.length, 2);

    const live = await LogStore.open();
    session.serving = { runtime: { logs: live, dataDir } };
    await tracker.refresh();
    assert.equal(tracker.current().source?.reader, live);
    assert.throws(() => snapshot.select("SELECT 1"), /closed/);
    await tracker.dispose();
    await live.close();
    assert.deepEqual(await readFile(file), bytes);
    assert.equal((await stat(file)).mtimeMs, modified);
  }));

test("a log file that cannot be read is reported, not thrown", () =>
  withDataDir(async (dir) => {
    const tracker = new LogSourceTracker(
      new SessionFake(),
      dir,
      () => {},
      async () => {
        throw new Error("not a Convex Lens log");
      },
    );
    await storeWithALine(join(dir, ".convex-lens", "logs.sqlite"));
    await tracker.refresh();
    assert.deepEqual(tracker.current(), {
      source: null,
      view: { kind: "none", message: "The stored logs cannot be read: not a Convex Lens log" },
    });
    await tracker.dispose();
  }));
