// The response panel's history: the last sends, newest first, kept in the workspace state
// (without their responses, which live for the window only, within a memory budget).
import { test } from "node:test";
import assert from "node:assert/strict";
import { HISTORY_KEY, SendHistory, type HistoryEntry, type HistoryStore } from "../../extension/requests/send-history";
import type { ResponseView } from "../../webview/protocol/response";

class MapStore implements HistoryStore {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    // As VS Code's Memento hands it back: a JSON copy.
    const value = this.values.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
  update(key: string, value: unknown): PromiseLike<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

function entry(n: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: `r${n}`,
    at: 1_000 + n,
    route: { method: "GET", path: "/messages/*", kind: "prefix" },
    request: { method: "GET", routePath: "/messages/*", pathRest: `m${n}`, query: n % 2 ? "?x=1" : "", headers: [], body: "" },
    target: "Local runtime",
    status: 200,
    error: null,
    durationMs: n,
    ...overrides,
  };
}

const response = (id: string): ResponseView => ({
  requestId: id,
  url: `http://127.0.0.1:3311/messages/${id}`,
  status: 200,
  statusText: "OK",
  durationMs: 1,
  sizeBytes: 2,
  headers: [],
  body: { kind: "text", text: "ok" },
  executions: [],
});

test("sends are listed newest first, as the panel shows them, and the list stops at its limit", () => {
  const history = new SendHistory(new MapStore(), { limit: 3 });
  let changes = 0;
  history.onChange(() => changes++);
  for (let n = 1; n <= 4; n++) history.add(entry(n), { response: response(`r${n}`), bytes: new Uint8Array(2) });
  assert.equal(changes, 4);
  assert.deepEqual(
    history.views().map((view) => [view.id, view.path, view.status, view.hasResponse]),
    [
      ["r4", "/messages/m4", 200, true],
      ["r3", "/messages/m3?x=1", 200, true],
      ["r2", "/messages/m2", 200, true],
    ],
  );
  assert.equal(history.get("r1"), undefined, "past the limit");
  assert.equal(history.get("r3")?.kept?.response.requestId, "r3");
});

test("the workspace state keeps the sends across a reload; their responses are not kept", () => {
  const store = new MapStore();
  const first = new SendHistory(store);
  first.add(entry(1), { response: response("r1"), bytes: new Uint8Array(2) });
  first.add(entry(2, { status: null, error: "The request failed: fetch failed", durationMs: null }));
  const stored = JSON.stringify(store.values.get(HISTORY_KEY));
  assert.ok(!stored.includes('"body":{"kind"'), "no response in the workspace state");

  const second = new SendHistory(store);
  assert.deepEqual(
    second.views().map((view) => [view.id, view.status, view.error, view.hasResponse]),
    [
      ["r2", null, "The request failed: fetch failed", false],
      ["r1", 200, null, false],
    ],
  );
  assert.deepEqual(second.get("r1")?.entry.request, entry(1).request);
});

test("a damaged or foreign stored value starts an empty history; bad entries are skipped", () => {
  for (const value of [42, { version: 2, entries: [entry(1)] }, { version: 1, entries: "no" }]) {
    const store = new MapStore();
    store.values.set(HISTORY_KEY, value);
    assert.deepEqual(new SendHistory(store).views(), []);
  }
  const store = new MapStore();
  store.values.set(HISTORY_KEY, { version: 1, entries: [entry(1), { id: "broken" }, entry(2)] });
  assert.deepEqual(
    new SendHistory(store).views().map((view) => view.id),
    ["r1", "r2"],
  );
});

test("responses past the memory budget are dropped oldest first; the newest is always kept", () => {
  const history = new SendHistory(new MapStore(), { memoryBudget: 10 });
  history.add(entry(1), { response: response("r1"), bytes: new Uint8Array(4) });
  history.add(entry(2), { response: response("r2"), bytes: new Uint8Array(4) });
  history.add(entry(3), { response: response("r3"), bytes: new Uint8Array(4) });
  assert.deepEqual(
    history.views().map((view) => [view.id, view.hasResponse]),
    [
      ["r3", true],
      ["r2", true],
      ["r1", false],
    ],
  );
  history.add(entry(4), { response: response("r4"), bytes: new Uint8Array(20) });
  assert.deepEqual(
    history.views().map((view) => view.hasResponse),
    [true, false, false, false],
  );
});

test("sending the same request id again replaces its entry", () => {
  const history = new SendHistory(new MapStore());
  history.add(entry(1));
  history.add(entry(2));
  history.add(entry(1, { status: 500 }));
  assert.deepEqual(
    history.views().map((view) => [view.id, view.status]),
    [
      ["r1", 500],
      ["r2", 200],
    ],
  );
});
