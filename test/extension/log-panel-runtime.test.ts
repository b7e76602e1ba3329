// The log panel's host side on the real runtime: requests to the fixture's HTTP actions show up
// in the tail as their lines and execution rows, and a failed request's drilldown has its call
// tree and a source-mapped stack frame the panel can open.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { LogPanelController } from "../../extension/panels/log-panel-controller";
import type { LogFilterView, LogRowView, LogsLatestView, RequestDrilldownView } from "../../webview/protocol/logs";
import type { HostMessage } from "../../webview/protocol/messages";

const ALL: LogFilterView = {
  levels: ["DEBUG", "LOG", "INFO", "WARN", "ERROR"],
  kinds: ["query", "mutation", "action", "httpAction"],
  identifier: "",
  text: "",
  requestId: "",
};

let server: FixtureServer;
before(async () => {
  server = await serveFixture("basic");
});
after(async () => {
  await server.stop();
});

/** A controller on the runtime's store, and a way to wait for pushed rows (no time limits asserted). */
function panel() {
  const tailed: LogRowView[] = [];
  const waiters: Array<{ done: (rows: LogRowView[]) => boolean; resolve: () => void }> = [];
  const replies = new Map<number, Extract<HostMessage, { type: "reply" }>>();
  const controller = new LogPanelController({
    post: (message) => {
      if (message.type === "reply") replies.set(message.id, message);
      if (message.type !== "logsRows") return;
      tailed.push(...message.rows);
      for (const waiter of [...waiters]) {
        if (!waiter.done(tailed)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    openSource: async () => {},
    retention: () => 100_000,
    tailDelayMs: 5,
  });
  const logs = server.runtime.logs;
  controller.setSource({ reader: logs, subscribe: (listener) => logs.subscribe(listener) }, { kind: "live" });
  let id = 0;
  return {
    controller,
    tailed,
    until: (done: (rows: LogRowView[]) => boolean) =>
      new Promise<void>((resolve) => (done(tailed) ? resolve() : waiters.push({ done, resolve }))),
    async ask<T>(message: Record<string, unknown>): Promise<T> {
      const requestId = ++id;
      await controller.handle({ ...message, id: requestId } as never);
      const reply = replies.get(requestId)!;
      assert.ok(reply.ok, reply.ok ? "" : reply.error);
      return (reply as { value: T }).value;
    },
  };
}

test("requests show in the tail: their log lines, then one row per finished execution", async () => {
  const p = panel();
  await p.ask<LogsLatestView>({ type: "logsLatest", filter: ALL, floor: null, limit: 50 });
  const increment = await fetch(`${server.site.url}/increment?name=tail`, { method: "POST" });
  await increment.text();
  const boom = await fetch(`${server.site.url}/boom`);
  await boom.text();
  await p.until((rows) => rows.some((row) => row.kind === "execution" && row.identifier === "GET /boom"));
  const shown = p.tailed.map((row) =>
    row.kind === "line" ? `${row.identifier} ${row.level} ${row.message}` : `${row.identifier} ${row.status ?? row.outcome}`,
  );
  assert.deepEqual(shown, ["counter:increment success", "POST /increment 200", "GET /boom LOG 'about to fail'", "GET /boom 500"]);
  const failed = p.tailed.at(-1)!;
  assert.ok(failed.kind === "execution");
  assert.equal(failed.error, "Uncaught Error: boom");

  const drilldown = await p.ask<RequestDrilldownView>({ type: "logsDrilldown", requestId: failed.requestId });
  assert.deepEqual(
    drilldown.executions.map((e) => [e.udfType, e.identifier, e.outcome, e.status]),
    [["httpAction", "GET /boom", "failure", 500]],
  );
  assert.match(drilldown.executions[0]!.error ?? "", /Uncaught Error: boom\n\s+at .*\(\.\.\/convex\/http\.ts:\d+:\d+\)/);
  assert.deepEqual(
    drilldown.executions[0]!.lines.map((l) => l.message),
    ["'about to fail'"],
  );

  const nested = p.tailed.find((row) => row.identifier === "POST /increment")!;
  const tree = await p.ask<RequestDrilldownView>({ type: "logsDrilldown", requestId: nested.requestId });
  assert.deepEqual(
    tree.executions.map((e) => [e.identifier, e.parentId === null ? "root" : tree.executions.find((p) => p.id === e.parentId)?.identifier]),
    [
      ["POST /increment", "root"],
      ["counter:increment", "POST /increment"],
    ],
  );
  p.controller.dispose();
});

test("filters apply to the tail as to pages: only matching rows are pushed", async () => {
  const p = panel();
  await p.ask({ type: "logsLatest", filter: { ...ALL, kinds: ["httpAction"], levels: ["ERROR"] }, floor: null, limit: 50 });
  await (await fetch(`${server.site.url}/increment?name=filtered`, { method: "POST" })).text();
  await (await fetch(`${server.site.url}/boom`)).text();
  await p.until((rows) => rows.length > 0);
  assert.deepEqual(
    p.tailed.map((row) => [row.kind, row.identifier]),
    [["execution", "GET /boom"]],
  );
  const page = await p.ask<LogsLatestView>({
    type: "logsLatest",
    filter: { ...ALL, identifier: "counter:increment" },
    floor: null,
    limit: 50,
  });
  assert.ok(page.rows.length >= 2);
  assert.ok(page.rows.every((row) => row.identifier === "counter:increment"));
  p.controller.dispose();
});
