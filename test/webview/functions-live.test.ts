// The functions panel's Live queries tab in a test DOM: the queries the host pushes, grouped by
// connection, with their arguments, runs and last update; the empty state naming the API origin;
// updates as the host pushes them; and "Run", which opens the query in the runner with its arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { LiveQueriesView, LiveQueryView } from "../../webview/protocol/functions";
import { fn, readyState, withFunctionsPanel } from "./functions-fixture";

const API = "http://127.0.0.1:3210";

function query(name: string, overrides: Partial<LiveQueryView> = {}): LiveQueryView {
  return { session: 1, client: "http://localhost:5173", component: "", name, args: {}, runs: 1, updatedAt: Date.now(), ...overrides };
}

const pushLive = (panel: { host(message: { type: "liveQueries"; live: LiveQueriesView }): void }, queries: LiveQueryView[]) =>
  panel.host({ type: "liveQueries", live: { apiUrl: API, queries } });

const state = readyState({ functions: [...readyState().functions, fn("messages:list", { args: "v.object({channel: v.string()})" })] });

test("no subscriptions: the tab says to point the app's VITE_CONVEX_URL at the runtime's API origin", () =>
  withFunctionsPanel(
    (panel) => {
      pushLive(panel, []);
      assert.equal(panel.text("#live-api-url"), API);
      assert.match(panel.text("#live-empty")!, /VITE_CONVEX_URL \(or CONVEX_URL\) at http:\/\/127\.0\.0\.1:3210/);
      assert.equal(panel.text("#tab-live .tab-badge"), "0");
    },
    { state },
  ));

test("each subscribed query by connection: function, compact arguments (whole on hover), runs, last update; pushes replace the list", () =>
  withFunctionsPanel(
    (panel) => {
      const now = Date.now();
      pushLive(panel, [
        query("messages:list", { args: { channel: "general", deep: { a: [1, 2] } }, runs: 3, updatedAt: now - 42_000 }),
        query("messages:count", { updatedAt: null }),
        query("lib:get", { session: 2, client: "node", component: "counter", args: { key: "k" } }),
      ]);
      const connections = panel.all(".live-connection");
      assert.deepEqual(
        connections.map((c) => c.dataset.session),
        ["1", "2"],
      );
      assert.match(connections[0]!.querySelector(".live-client")!.textContent!, /Connection 1 http:\/\/localhost:5173 · 2 queries/);
      // Sorted by function within a connection.
      assert.deepEqual(
        [...connections[0]!.querySelectorAll(".live-name")].map((n) => n.textContent),
        ["messages:count", "messages:list"],
      );
      const row = panel.get('.live-row[data-function="messages:list"]');
      const summary = row.querySelector(".live-args summary") as HTMLElement;
      assert.equal(summary.textContent, '{"channel":"general","deep":{"a":[1,2]}}');
      assert.equal(summary.title, JSON.stringify({ channel: "general", deep: { a: [1, 2] } }, null, 2));
      assert.equal(row.querySelector(".live-args pre")!.textContent, summary.title, "expanded, the whole value");
      assert.equal(row.querySelector(".live-runs")!.textContent, "3");
      assert.match(row.querySelector(".live-updated")!.textContent!, /^4\d s ago$/);
      assert.equal(panel.text('.live-row[data-function="messages:count"] .live-updated'), "–");
      assert.equal(panel.text('.live-row[data-component="counter"] .live-name'), "counter/lib:get", "a component's path is shown");
      assert.equal(panel.text("#tab-live .tab-badge"), "3");

      // A new push replaces the list: one connection closed, a query ran again.
      pushLive(panel, [query("messages:list", { args: { channel: "general" }, runs: 4 })]);
      assert.equal(panel.all(".live-connection").length, 1);
      assert.equal(panel.text('.live-row[data-function="messages:list"] .live-runs'), "4");
      assert.equal(panel.text("#tab-live .tab-badge"), "1");
    },
    { state },
  ));

test("Run opens the query in the Functions tab's runner with its arguments", () =>
  withFunctionsPanel(
    (panel) => {
      pushLive(panel, [query("messages:list", { args: { channel: "general" } })]);
      panel.click('.live-row[data-function="messages:list"] .live-run');
      assert.equal(panel.get(".functions-tabs").getAttribute("activeid"), "tab-functions");
      assert.equal(panel.text("#selected-function"), "messages:list");
      assert.deepEqual(JSON.parse((panel.get("#args") as HTMLElement & { value: string }).value), { channel: "general" });
      panel.click("#run");
      const [request] = panel.sent("runFunction");
      assert.equal(request!.name, "messages:list");
      assert.deepEqual(request!.args, { channel: "general" });
    },
    { state },
  ));

test("a malformed list is refused with a notice, and the tab waits for the runtime while it is not running", () =>
  withFunctionsPanel(
    (panel) => {
      assert.match(panel.text("#live-queries")!, /while the runtime is running/);
      panel.host({ type: "liveQueries", live: { apiUrl: API, queries: [{ name: 3 }] } as unknown as LiveQueriesView });
      assert.match(panel.text("#action-error")!, /list of live queries this panel cannot show/);
    },
    { state: readyState({ runtime: { kind: "stopped" } }) },
  ));
