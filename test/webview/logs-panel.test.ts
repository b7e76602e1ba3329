// The log panel in a test DOM: what it asks the host for (filters, pages, clear, drilldown), how it
// shows the answers and the tail (newest at the bottom, pause/resume, the row window), and that
// text from user code stays text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import type { HostWindow } from "../../webview/host-bridge";
import type { DrilldownExecutionView, LogFilterView, LogRowView, RequestDrilldownView } from "../../webview/protocol/logs";
import { startPanel } from "../../webview/start";
import { VsCodeApiFake } from "./webview-fixture";
import { LIVE, cursor, execution, line, openLogs, type Answer, type LogsFixture } from "./logs-fixture";

const ALL_LEVELS = ["DEBUG", "LOG", "INFO", "WARN", "ERROR"];
const ALL_KINDS = ["query", "mutation", "action", "httpAction"];

interface HostScript {
  latest?: (message: Record<string, unknown>) => { rows: LogRowView[]; hasOlder?: boolean; older?: ReturnType<typeof cursor> };
  older?: (message: Record<string, unknown>) => { rows: LogRowView[]; hasOlder: boolean; older: ReturnType<typeof cursor> };
  drilldown?: RequestDrilldownView;
}

/** A host that answers every request; `logsLatest` replies carry generation 1, 2, 3… */
function host(script: HostScript = {}): (message: Record<string, unknown>) => Answer {
  let generation = 0;
  return (message) => {
    switch (message.type) {
      case "logsLatest": {
        const page = script.latest?.(message) ?? { rows: [] };
        return {
          ok: true,
          value: { rows: page.rows, older: page.older ?? cursor(1), hasOlder: page.hasOlder ?? false, generation: ++generation },
        };
      }
      case "logsOlder":
        return { ok: true, value: script.older?.(message) ?? { rows: [], older: cursor(0), hasOlder: false } };
      case "logsFunctions":
        return { ok: true, value: [{ udfType: "mutation", identifier: "messages:send", executions: 3 }] };
      case "logsClear":
        return { ok: true, value: cursor(99, 5, 7) };
      case "logsDrilldown":
        return script.drilldown ? { ok: true, value: script.drilldown } : { ok: false, error: "no such request" };
      case "openSource":
        return { ok: true, value: null };
      default:
        return { ok: false, error: `unexpected ${String(message.type)}` };
    }
  };
}

async function withLogs(options: Parameters<typeof openLogs>[0], run: (panel: LogsFixture) => Promise<void>) {
  const panel = openLogs(options);
  try {
    await run(panel);
  } finally {
    await panel.close();
  }
}

/** The panel after the host said the runtime is live and answered the first page. */
async function live(panel: LogsFixture) {
  panel.host({ type: "logsStatus", status: LIVE });
  await panel.settle();
}

const lastLatest = (panel: LogsFixture) => panel.sent<{ filter: LogFilterView; floor: unknown; limit: number }>("logsLatest").at(-1)!;

test("ready first, then the newest page for the live source, newest row at the bottom", () =>
  withLogs({ answer: host({ latest: () => ({ rows: [line(1), line(2), execution(3)] }) }) }, async (panel) => {
    assert.deepEqual(panel.api.posted, [{ type: "ready" }]);
    assert.match(panel.get("#log-status").textContent ?? "", /Waiting for the extension/);
    await live(panel);
    const { id: _id, ...first } = lastLatest(panel) as unknown as Record<string, unknown>;
    assert.deepEqual(first, {
      type: "logsLatest",
      filter: { levels: ALL_LEVELS, kinds: ALL_KINDS, identifier: "", text: "", requestId: "" },
      floor: null,
      limit: 200,
    });
    assert.deepEqual(panel.messages(), ["'line 1'", "'line 2'", "completed"]);
    const rows = panel.all("#log-rows tr");
    assert.deepEqual(
      rows.map((row) => row.dataset.key),
      ["l1", "l2", "e3"],
    );
    const cells = [...rows[2]!.children].map((cell) => cell.textContent);
    assert.deepEqual(cells.slice(1), ["aaaaaaaa", "H", "POST /postMessage", "200", "12 ms", "completed"]);
    assert.equal(rows[0]!.querySelector(".col-outcome")?.textContent, "log");
    assert.match(panel.get("#log-status").textContent ?? "", /Live.*3 rows shown/);
    assert.equal(panel.sent("logsFunctions").length, 1);
  }));

test("each filter change asks for a new first page with the whole filter", () =>
  withLogs({ answer: host() }, async (panel) => {
    await live(panel);
    panel.click("#level-debug");
    await panel.settle();
    assert.deepEqual(lastLatest(panel).filter.levels, ["LOG", "INFO", "WARN", "ERROR"]);
    assert.equal(panel.get("#level-debug").getAttribute("aria-pressed"), "false");
    panel.click("#kind-query");
    panel.click("#kind-httpAction");
    await panel.settle();
    assert.deepEqual(lastLatest(panel).filter.kinds, ["mutation", "action"]);
    panel.type("#filter-text", "'; DROP TABLE log_lines; --");
    panel.type("#filter-request", "abc");
    await panel.settle();
    assert.deepEqual(lastLatest(panel).filter, {
      levels: ["LOG", "INFO", "WARN", "ERROR"],
      kinds: ["mutation", "action"],
      identifier: "",
      text: "'; DROP TABLE log_lines; --",
      requestId: "abc",
    });
    // The dropdown lists what the host reported.
    const dropdown = panel.get("#filter-function");
    assert.deepEqual(
      [...dropdown.querySelectorAll("vscode-option")].map((o) => o.getAttribute("value")),
      ["", "messages:send"],
    );
    panel.type("#filter-function", "messages:send");
    await panel.settle();
    assert.equal(lastLatest(panel).filter.identifier, "messages:send");
    const before = panel.sent("logsLatest").length;
    panel.type("#filter-text", "'; DROP TABLE log_lines; --"); // unchanged: no request
    await panel.settle();
    assert.equal(panel.sent("logsLatest").length, before);
    panel.click("#filter-reset");
    await panel.settle();
    assert.deepEqual(lastLatest(panel).filter, { levels: ALL_LEVELS, kinds: ALL_KINDS, identifier: "", text: "", requestId: "" });
    assert.equal((panel.get("#filter-text") as HTMLElement & { value: string }).value, "");
    assert.deepEqual((panel.api.state as { filter: LogFilterView }).filter.levels, ALL_LEVELS, "the filter is kept with setState");
  }));

test("tail pushes of the current generation are appended; stale ones and duplicates are not", () =>
  withLogs({ answer: host({ latest: () => ({ rows: [line(1)] }) }) }, async (panel) => {
    await live(panel);
    panel.host({ type: "logsRows", generation: 1, rows: [line(2), execution(1)] });
    panel.host({ type: "logsRows", generation: 7, rows: [line(3)] });
    panel.host({ type: "logsRows", generation: 1, rows: [line(2)] });
    assert.deepEqual(
      panel.all("#log-rows tr").map((row) => row.dataset.key),
      ["l1", "l2", "e1"],
    );
    // A new query: pushes of the old one no longer count.
    panel.click("#level-warn");
    await panel.settle();
    panel.host({ type: "logsRows", generation: 1, rows: [line(4)] });
    panel.host({ type: "logsRows", generation: 2, rows: [line(5)] });
    assert.deepEqual(
      panel.all("#log-rows tr").map((row) => row.dataset.key),
      ["l1", "l5"],
    );
  }));

test("older pages go on top with the cursor of the last page; the button shows while there is more", () =>
  withLogs(
    {
      answer: host({
        latest: () => ({ rows: [line(10), line(11)], hasOlder: true, older: cursor(10, 3, 4) }),
        older: (message) => {
          const before = message.before as ReturnType<typeof cursor>;
          return before.line === 10
            ? { rows: [line(8), execution(2), line(9)], hasOlder: true, older: cursor(8, 2, 2) }
            : { rows: [line(7)], hasOlder: false, older: cursor(7, 2, 2) };
        },
      }),
    },
    async (panel) => {
      await live(panel);
      assert.equal(panel.get("#load-older").closest(".log-more")?.hasAttribute("hidden"), false);
      panel.click("#load-older");
      await panel.settle();
      assert.deepEqual(
        panel.sent<{ before: unknown }>("logsOlder").map((m) => m.before),
        [cursor(10, 3, 4)],
      );
      panel.click("#load-older");
      await panel.settle();
      assert.deepEqual(
        panel.sent<{ before: unknown }>("logsOlder").map((m) => m.before),
        [cursor(10, 3, 4), cursor(8, 2, 2)],
      );
      assert.deepEqual(
        panel.all("#log-rows tr").map((row) => row.dataset.key),
        ["l7", "l8", "e2", "l9", "l10", "l11"],
      );
      assert.equal(panel.get("#load-older").closest(".log-more")?.hasAttribute("hidden"), true);
    },
  ));

test("the window keeps its newest rows; paging back then starts where the dropped rows were", () =>
  withLogs(
    { maxRows: 4, answer: host({ latest: () => ({ rows: [line(1), line(2)], hasOlder: false, older: cursor(1) }) }) },
    async (panel) => {
      await live(panel);
      panel.host({ type: "logsRows", generation: 1, rows: [line(3), execution(5, { time: 10 }), line(4), line(6)] });
      assert.deepEqual(
        panel.all("#log-rows tr").map((row) => row.dataset.key),
        ["l3", "e5", "l4", "l6"],
      );
      panel.host({ type: "logsRows", generation: 1, rows: [line(7), line(8)] });
      assert.deepEqual(
        panel.all("#log-rows tr").map((row) => row.dataset.key),
        ["l4", "l6", "l7", "l8"],
      );
      panel.click("#load-older");
      await panel.settle();
      // Lines older than the oldest kept one; executions up to and with the dropped one.
      assert.deepEqual(panel.sent<{ before: unknown }>("logsOlder").at(-1)!.before, cursor(4, 10, 6));
    },
  ));

test("pause holds new rows and resume shows them; too many while paused reloads the newest page", () =>
  withLogs({ answer: host({ latest: () => ({ rows: [line(1)] }) }) }, async (panel) => {
    await live(panel);
    panel.click("#pause");
    assert.equal(panel.get("#pause").textContent, "Resume");
    panel.host({ type: "logsRows", generation: 1, rows: [line(2), line(3)] });
    assert.deepEqual(panel.messages(), ["'line 1'"]);
    assert.match(panel.get("#log-paused").textContent ?? "", /Paused: 2 new rows waiting/);
    assert.equal((panel.api.state as { paused: boolean }).paused, true);
    panel.click("#pause");
    assert.deepEqual(panel.messages(), ["'line 1'", "'line 2'", "'line 3'"]);
    assert.equal(panel.find("#log-paused"), null);

    panel.click("#pause");
    panel.host({ type: "logsOverflow", generation: 1 });
    panel.host({ type: "logsRows", generation: 1, rows: [line(9)] });
    const requests = panel.sent("logsLatest").length;
    panel.click("#pause");
    await panel.settle();
    assert.equal(panel.sent("logsLatest").length, requests + 1, "resume after an overflow asks for the newest page");
    assert.deepEqual(panel.messages(), ["'line 1'"]);
  }));

test("an overflow while following reloads the newest page", () =>
  withLogs({ answer: host({ latest: () => ({ rows: [line(1)] }) }) }, async (panel) => {
    await live(panel);
    panel.host({ type: "logsOverflow", generation: 1 });
    await panel.settle();
    assert.equal(panel.sent("logsLatest").length, 2);
  }));

test("clear hides what was shown (asks for the floor, then pages after it); show cleared rows undoes it", () =>
  withLogs({ answer: host({ latest: (m) => ({ rows: m.floor === null ? [line(1), line(2)] : [] }) }) }, async (panel) => {
    await live(panel);
    assert.equal(panel.messages().length, 2);
    panel.click("#clear");
    await panel.settle();
    assert.equal(panel.sent("logsClear").length, 1);
    assert.deepEqual(lastLatest(panel).floor, cursor(99, 5, 7));
    assert.deepEqual(panel.messages(), []);
    assert.match(panel.get("#log-cleared").textContent ?? "", /older rows are hidden, not deleted/);
    assert.match(panel.get("#log-empty").textContent ?? "", /No rows since you cleared/);
    panel.click("#show-cleared");
    await panel.settle();
    assert.equal(lastLatest(panel).floor, null);
    assert.equal(panel.messages().length, 2);
    assert.equal(panel.find("#log-cleared"), null);
    // The view title's Clear arrives as a host command.
    panel.host({ type: "logsCommand", command: "clear" });
    await panel.settle();
    assert.equal(panel.sent("logsClear").length, 2);
  }));

const drill = (overrides: Partial<DrilldownExecutionView>): DrilldownExecutionView => ({
  id: "e1",
  parentId: null,
  udfType: "httpAction",
  identifier: "POST /postMessage",
  outcome: "success",
  durationMs: 30,
  status: 200,
  error: null,
  lines: [],
  startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  caller: "http",
  cause: null,
  ...overrides,
});

const DRILLDOWN: RequestDrilldownView = {
  requestId: "aaaaaaaa11112222",
  truncated: false,
  executions: [
    drill({ lines: [{ level: "LOG", message: "'received'", timestamp: 1 }] }),
    drill({
      id: "e2",
      parentId: "e1",
      udfType: "mutation",
      identifier: "messages:send",
      outcome: "failure",
      status: null,
      durationMs: 5,
      error: "Uncaught Error: boom\n    at handler (../convex/messages.ts:12:3)",
    }),
  ],
};

test("clicking a row opens its request's drilldown: the call tree, errors with clickable frames", () =>
  withLogs(
    { answer: host({ latest: () => ({ rows: [line(1), line(2, { requestId: "bbbbbbbbcccc" })] }), drilldown: DRILLDOWN }) },
    async (panel) => {
      await live(panel);
      panel.click(panel.all("#log-rows tr")[0]!.querySelector(".col-message") as HTMLElement);
      assert.equal(panel.get("#drilldown").dataset.state, "loading");
      await panel.settle();
      assert.deepEqual(
        panel.sent<{ requestId: string }>("logsDrilldown").map((m) => m.requestId),
        ["aaaaaaaa11112222"],
      );
      const drilldown = panel.get("#drilldown");
      assert.equal(drilldown.dataset.state, "ready");
      assert.match(panel.get("#drilldown-title").textContent ?? "", /aaaaaaaa11112222/);
      assert.match(panel.get("#drilldown-summary").textContent ?? "", /30 ms in all · HTTP 200 · 2 executions/);
      const root = drilldown.querySelector('#executions > li[data-execution-id="e1"]');
      assert.ok(root, "the HTTP action is a root");
      assert.ok(root.querySelector('.execution-children > li[data-execution-id="e2"]'), "the mutation is its child");
      assert.match(root.querySelector(".log-lines")?.textContent ?? "", /'received'/);
      assert.deepEqual(
        panel.all("#log-rows tr.selected").map((row) => row.dataset.key),
        ["l1"],
      );
      const frame = drilldown.querySelector(".stack-frame") as HTMLElement;
      assert.equal(frame.textContent, "../convex/messages.ts:12:3");
      frame.click();
      await panel.settle();
      assert.deepEqual(
        panel.sent("openSource").map(({ id: _id, ...rest }) => rest),
        [{ type: "openSource", file: "convex/messages.ts", line: 12, column: 3 }],
      );
      assert.equal((panel.api.state as { drilldown: string }).drilldown, "aaaaaaaa11112222");

      panel.click("#drilldown-filter");
      await panel.settle();
      assert.equal(lastLatest(panel).filter.requestId, "aaaaaaaa11112222");
      assert.equal((panel.get("#filter-request") as HTMLElement & { value: string }).value, "aaaaaaaa11112222");
      panel.click("#drilldown-close");
      assert.equal(panel.find("#drilldown"), null);
      assert.equal((panel.api.state as { drilldown: unknown }).drilldown, null);
    },
  ));

test("a failed execution's row shows its error's first line (the whole error in its tooltip), also with the drilldown open", () => {
  const error = "Uncaught Error: author is required\n    at handler (../convex/http.ts:14:11)\n    at async invoke";
  return withLogs(
    {
      answer: host({
        latest: () => ({
          rows: [line(1), execution(2, { outcome: "failure", status: 500, error }), execution(3, { error: "\n  Boom  \n" })],
        }),
        drilldown: DRILLDOWN,
      }),
    },
    async (panel) => {
      await live(panel);
      assert.deepEqual(panel.messages(), ["'line 1'", "Uncaught Error: author is required", "Boom"]);
      const failed = panel.all("#log-rows tr.row-execution")[0]!;
      assert.equal(failed.querySelector(".col-message")?.getAttribute("title"), error);
      assert.equal(panel.all("#log-rows tr .col-message")[0]!.hasAttribute("title"), false, "a log line's message is its own text");
      // The table's header cells carry their column's class, which the narrow layout hides by.
      assert.deepEqual(
        panel.all("#log-table thead th").map((th) => th.className),
        ["col-time", "col-request", "col-kind", "col-function", "col-outcome", "col-duration", "col-message"],
      );
      assert.equal(panel.get(".log-body").classList.contains("drilldown-open"), false);
      panel.click(failed);
      await panel.settle();
      assert.equal(panel.get("#drilldown").dataset.state, "ready");
      assert.ok(panel.get(".log-body").classList.contains("drilldown-open"), "the table drops the columns the drilldown shows");
      assert.equal(failed.querySelector(".col-message")?.textContent, "Uncaught Error: author is required");
      panel.click("#drilldown-close");
      assert.equal(panel.get(".log-body").classList.contains("drilldown-open"), false);
    },
  );
});

test("a drilldown the host cannot answer says why", () =>
  withLogs({ answer: host({ latest: () => ({ rows: [line(1)] }) }) }, async (panel) => {
    await live(panel);
    panel.click(panel.all("#log-rows tr")[0]!);
    await panel.settle();
    assert.equal(panel.get("#drilldown-error").textContent, "no such request");
  }));

test("messages, function names and errors from user code are shown as text", () => {
  const hostile = `<img src=x onerror="alert(1)"> '; DROP TABLE log_lines; -- %_`;
  return withLogs(
    {
      answer: host({
        latest: () => ({
          rows: [
            line(1, { message: hostile, identifier: "<b>fn</b>" }),
            execution(2, { outcome: "failure", status: null, error: `<script>x()</script>` }),
          ],
        }),
        drilldown: {
          ...DRILLDOWN,
          requestId: "<i>r</i>",
          executions: [drill({ error: "<svg onload=x>", lines: [{ level: "WARN", message: hostile, timestamp: 1 }] })],
        },
      }),
    },
    async (panel) => {
      await live(panel);
      assert.deepEqual(panel.messages(), [hostile, "<script>x()</script>"]);
      assert.equal(panel.get("#log-rows .col-function").textContent, "<b>fn</b>");
      panel.click(panel.all("#log-rows tr")[0]!);
      await panel.settle();
      assert.match(panel.get("#drilldown").textContent ?? "", /<svg onload=x>/);
      for (const tag of ["img", "b", "script", "svg", "i"]) assert.equal(panel.find(`#root ${tag}`), null, `no <${tag}> element`);
    },
  );
});

test("a stopped runtime: stored logs are shown and labelled; no source at all: no request", async () => {
  await withLogs({ answer: host({ latest: () => ({ rows: [line(1)] }) }) }, async (panel) => {
    panel.host({
      type: "logsStatus",
      status: { source: { kind: "stored", message: "The runtime is stopped: these are the stored logs." }, sourceId: 3, retention: 500 },
    });
    await panel.settle();
    assert.equal(panel.get("#log-source").textContent, "The runtime is stopped: these are the stored logs.");
    assert.match(panel.get("#log-status").textContent ?? "", /keeps the newest 500 lines/);
    assert.equal(panel.messages().length, 1);
    // The runtime started: a new source id reloads; the same id again does not.
    panel.host({ type: "logsStatus", status: { ...LIVE, sourceId: 4 } });
    panel.host({ type: "logsStatus", status: { ...LIVE, sourceId: 4 } });
    await panel.settle();
    assert.equal(panel.sent("logsLatest").length, 2);
  });
  await withLogs({ answer: host() }, async (panel) => {
    panel.host({
      type: "logsStatus",
      status: { source: { kind: "none", message: "Convex Lens shows logs in a trusted workspace only." }, sourceId: 1, retention: 100 },
    });
    await panel.settle();
    assert.equal(panel.sent("logsLatest").length, 0);
    assert.equal(panel.get("#log-source").textContent, "Convex Lens shows logs in a trusted workspace only.");
  });
});

test("a failed or malformed answer shows as an error, not a spinner", () =>
  withLogs(
    {
      answer: (message) =>
        message.type === "logsLatest"
          ? { ok: true, value: { rows: "nope" } }
          : message.type === "logsClear"
            ? { ok: false, error: "The log store is closed" }
            : { ok: true, value: [] },
    },
    async (panel) => {
      await live(panel);
      assert.match(panel.get("#log-error").textContent ?? "", /Could not load the logs: the extension sent a malformed page/);
      assert.doesNotMatch(panel.get("#log-status").textContent ?? "", /Loading/);
      panel.click("#clear");
      await panel.settle();
      assert.match(panel.get("#log-error").textContent ?? "", /Could not clear: The log store is closed/);
    },
  ));

test("shown again, the panel restores its filters, clear, pause and drilldown from setState", () =>
  withLogs(
    {
      state: {
        version: 1,
        filter: { levels: ["ERROR"], kinds: ["query"], identifier: "messages:list", text: "x", requestId: "" },
        floor: cursor(5),
        clearedAt: 0,
        paused: true,
        drilldown: "aaaaaaaa11112222",
      },
      answer: host({ latest: () => ({ rows: [] }), drilldown: DRILLDOWN }),
    },
    async (panel) => {
      await live(panel);
      assert.deepEqual(lastLatest(panel).filter, {
        levels: ["ERROR"],
        kinds: ["query"],
        identifier: "messages:list",
        text: "x",
        requestId: "",
      });
      assert.deepEqual(lastLatest(panel).floor, cursor(5));
      assert.equal(panel.get("#pause").textContent, "Resume");
      assert.equal(panel.get("#level-error").getAttribute("aria-pressed"), "true");
      assert.equal(panel.get("#level-log").getAttribute("aria-pressed"), "false");
      assert.equal(panel.get("#drilldown").dataset.state, "ready");
      assert.equal(panel.get("#filter-function").getAttribute("aria-label"), "Filter by function or route");
    },
  ));

test('data-panel="logs" starts the log panel with its styles, and no <style> element', async () => {
  const window = new Window();
  window.document.body.dataset.panel = "logs";
  const api = new VsCodeApiFake();
  (window as unknown as { acquireVsCodeApi: () => VsCodeApiFake }).acquireVsCodeApi = () => api;
  const panel = startPanel(window as unknown as HostWindow & { document: Document });
  try {
    assert.ok(panel);
    assert.deepEqual(api.posted, [{ type: "ready" }]);
    assert.ok(window.document.querySelector("#root #log-table #log-rows"));
    const css = window.document.adoptedStyleSheets.map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join("\n")).join("\n");
    assert.match(css, /#log-scroll/);
    assert.match(css, /\.execution-children/, "the drilldown tree's styles");
    assert.equal(window.document.querySelectorAll("style").length, 0);
  } finally {
    panel?.dispose();
    await window.happyDOM.close();
  }
});

test("a subscribed query's rows say why it ran; a re-run's request link opens the request whose commit caused it", () => {
  const rerun = "dddddddd55556666";
  const committing = "cccccccc33334444";
  const query = { udfType: "query" as const, identifier: "messages:list" };
  const base = host({
    latest: () => ({
      rows: [
        execution(1, { ...query, requestId: "eeeeeeee77778888", status: null, cause: { kind: "subscribed" } }),
        line(2, { ...query, requestId: rerun, cause: { kind: "commit", requestId: committing } }),
        execution(3, { ...query, requestId: rerun, status: null, cause: { kind: "commit", requestId: committing } }),
        execution(4, { ...query, requestId: "ffffffff99990000", status: null, cause: { kind: "reload" } }),
        execution(5),
      ],
    }),
  });
  const drilldowns: Record<string, RequestDrilldownView> = {
    [committing]: { requestId: committing, truncated: false, executions: [drill({})] },
    [rerun]: {
      requestId: rerun,
      truncated: false,
      executions: [drill({ ...query, status: null, caller: "sync", cause: { kind: "commit", requestId: committing } })],
    },
  };
  const answer = (message: Record<string, unknown>): Answer => {
    if (message.type !== "logsDrilldown") return base(message);
    const view = drilldowns[message.requestId as string];
    return view ? { ok: true, value: view } : { ok: false, error: "no such request" };
  };
  return withLogs({ answer }, async (panel) => {
    await live(panel);
    const rows = panel.all("#log-rows tr");
    const causeOf = (row: HTMLElement) => row.querySelector(".run-cause") as HTMLElement | null;
    assert.equal(causeOf(rows[0]!)?.dataset.cause, "subscribed");
    assert.equal(causeOf(rows[0]!)?.textContent, "subscribed");
    assert.equal(causeOf(rows[1]!)?.textContent, "re-run after cccccccc", "the line of a re-run says it too");
    assert.equal(causeOf(rows[2]!)?.textContent, "re-run after cccccccc");
    assert.equal(causeOf(rows[3]!)?.textContent, "re-run after reload");
    assert.equal(causeOf(rows[4]!), null, "an HTTP action's row has no cause");
    assert.match(rows[2]!.querySelector(".col-message")!.textContent ?? "", /re-run after cccccccc completed$/);

    // The link opens the committing request, not the row's own.
    const link = rows[2]!.querySelector(".cause-link") as HTMLElement;
    assert.equal(link.dataset.causeRequest, committing);
    panel.click(link);
    await panel.settle();
    assert.deepEqual(
      panel.sent<{ requestId: string }>("logsDrilldown").map((m) => m.requestId),
      [committing],
    );
    assert.equal(panel.get("#drilldown").dataset.requestId, committing);

    // The rest of the row opens the re-run's own request, whose drilldown links on to the commit's.
    panel.click(rows[2]!.querySelector(".col-function") as HTMLElement);
    await panel.settle();
    assert.equal(panel.get("#drilldown").dataset.requestId, rerun);
    const drilldownLink = panel.get("#drilldown .cause-link");
    assert.equal(drilldownLink.textContent, "cccccccc");
    panel.click(drilldownLink);
    await panel.settle();
    assert.equal(panel.get("#drilldown").dataset.requestId, committing);
    assert.deepEqual(
      panel.sent<{ requestId: string }>("logsDrilldown").map((m) => m.requestId),
      [committing, rerun, committing],
    );
  });
});
