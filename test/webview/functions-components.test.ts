// The functions panel with component installs, in a test DOM: functions grouped by install (the
// app first), runs of a component's functions and what they post, per-install argument drafts and
// results, component cron jobs and routes, the Data and Files tabs grouped by install, and a
// state saved before components.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DocumentView, FilePageView, FileView, FunctionsPanelState, TableView } from "../../webview/protocol/functions";
import { cron, fn, openFunctionsPanel, readyState, route, runResult, withFunctionsPanel } from "./functions-fixture";
import { VsCodeApiFake } from "./webview-fixture";

const value = (element: HTMLElement) => (element as HTMLElement & { value: string }).value;

function componentState(overrides: Partial<FunctionsPanelState> = {}): FunctionsPanelState {
  const mutation = { udfType: "mutation", args: "v.object({count: v.float64(), name: v.string()})" } as const;
  return readyState({
    functions: [
      fn("tasks:list"),
      fn("tasks:add", { udfType: "mutation" }),
      fn("public:add", { component: "counter", ...mutation }),
      fn("public:secret", { component: "counter", visibility: "internal" }),
      fn("public:add", { component: "counter2", ...mutation }),
      fn("lib:run", { component: "rateLimiter/batchWorker", udfType: "action" }),
    ],
    routes: [
      route("POST", "/bump"),
      route("GET", "/counter2/hello", { component: "counter2" }),
      route("POST", "/twilio/message-status", { addedBy: "@convex-dev/twilio" }),
    ],
    ...overrides,
  });
}

const row = (component: string, name: string) => `.function-row[data-component="${component}"][data-function="${name}"]`;

test("functions are grouped by install, the app first, each install with its modules", () =>
  withFunctionsPanel(
    (panel) => {
      assert.deepEqual(
        panel.all("#function-list .install").map((s) => [s.dataset.component, s.querySelector(".install-name")!.textContent]),
        [
          ["", "App"],
          ["counter", "counter component"],
          ["counter2", "counter2 component"],
          ["rateLimiter/batchWorker", "rateLimiter/batchWorker component"],
        ],
      );
      const modulesOf = (component: string) => panel.all(`.install[data-component="${component}"] .module`).map((m) => m.dataset.module);
      assert.deepEqual(modulesOf(""), ["tasks"]);
      assert.deepEqual(modulesOf("counter"), ["public"]);
      assert.deepEqual(
        panel.all(`.install[data-component="counter"] .function-row`).map((r) => [r.dataset.function, r.dataset.kind]),
        [
          ["public:secret", "query"],
          ["public:add", "mutation"],
        ],
      );
      assert.equal(panel.text(`${row("counter", "public:secret")} .internal-tag`), "internal");
      assert.equal(panel.get(`${row("counter2", "public:add")} .function-select`).title, "Run counter2/public:add");

      // The filter matches the name as the logs show it.
      panel.type("#function-filter", "counter2/");
      assert.deepEqual(
        panel.all(".function-row").map((r) => `${r.dataset.component}|${r.dataset.function}`),
        ["counter2|public:add"],
      );
      panel.type("#function-filter", "batchworker");
      assert.deepEqual(
        panel.all(".install").map((s) => s.dataset.component),
        ["rateLimiter/batchWorker"],
      );
    },
    { state: componentState() },
  ));

test("without components there are no install headings", () =>
  withFunctionsPanel(
    (panel) => {
      assert.equal(panel.find(".install"), null);
      assert.deepEqual(
        panel.all("#function-list .module").map((m) => m.dataset.component),
        ["", "", undefined],
      );
    },
    { state: readyState({ functions: [fn("tasks:list"), fn("admin/users:remove")] }) },
  ));

test("a component's function runs in its install; drafts and results belong to that install's function", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click(`${row("counter2", "public:add")} .function-select`);
      assert.equal(panel.text("#selected-function"), "counter2/public:add");
      assert.match(panel.text(".runner-head")!, /public mutation of component counter2/);
      assert.ok(panel.get(row("counter2", "public:add")).classList.contains("selected"));
      assert.ok(
        !panel.get(row("counter", "public:add")).classList.contains("selected"),
        "the same name in another install is another function",
      );
      panel.type("#args", '{"name": "a", "count": 2}');
      panel.click("#run");
      const [request] = panel.sent("runFunction");
      assert.deepEqual(request, {
        type: "runFunction",
        id: request!.id,
        component: "counter2",
        name: "public:add",
        args: { name: "a", count: 2 },
        authorization: null,
      });
      panel.reply(request!.id, runResult({ component: "counter2", name: "public:add", result: "2" }));
      await panel.settle();
      assert.equal(panel.text("#result"), "2");

      // Another install's function of the same name: its own (empty) draft, no result of counter2's.
      panel.click(`${row("counter", "public:add")} .function-select`);
      assert.equal(panel.text("#selected-function"), "counter/public:add");
      assert.equal(value(panel.get("#args")), "{}");
      assert.equal(panel.find("#run-result"), null);
      panel.click(`${row("counter2", "public:add")} .function-select`);
      assert.equal(value(panel.get("#args")), '{"name": "a", "count": 2}');
      assert.equal(panel.text("#result"), "2");

      // An internal function of a component runs too, as in the dashboard.
      panel.click(`${row("counter", "public:secret")} .function-select`);
      assert.equal(panel.get("#run").hasAttribute("disabled"), false);
      panel.click("#run");
      assert.deepEqual(
        panel
          .sent("runFunction")
          .map((r) => [r.component, r.name])
          .at(-1),
        ["counter", "public:secret"],
      );
    },
    { state: componentState() },
  ));

test("a component's cron job opens its function of that install; routes say where they come from", () =>
  withFunctionsPanel(
    (panel) => {
      assert.equal(panel.text('.cron-row[data-component="counter2"] .cron-name'), "counter2 / tick");
      panel.click('.cron-row[data-component="counter2"] .cron-function');
      assert.equal(panel.text("#selected-function"), "counter2/public:add");
      assert.deepEqual(
        panel.all(".route-row").map((r) => [r.dataset.route, r.querySelector(".route-origin")?.textContent ?? null]),
        [
          ["POST /bump", null],
          ["GET /counter2/hello", "component counter2"],
          ["POST /twilio/message-status", "added by @convex-dev/twilio"],
        ],
      );
    },
    { state: componentState({ crons: [cron("tick", { component: "counter2", functionName: "public:add" })] }) },
  ));

const tables: TableView[] = [
  { component: "", name: "counters", documents: 2, system: false, indexes: [] },
  { component: "", name: "_storage", documents: 0, system: true, indexes: [] },
  { component: "counter", name: "counters", documents: 1, system: false, indexes: [] },
  { component: "counter", name: "_scheduled_functions", documents: 3, system: true, indexes: [] },
];

const doc = (id: string, fields: Record<string, unknown>): DocumentView => ({
  id,
  creationTime: 1_767_322_800_000,
  fields: JSON.stringify(fields, null, 2),
});
const tableRow = (component: string, name: string) => `.table-row[data-component="${component}"][data-table="${name}"]`;

test("the Data tab groups tables by install; browsing, editing and deleting name the install", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.responders.pageDocuments = (r) => ({
        component: r.component,
        table: r.table,
        documents: [doc(`${r.component || "app"}-1`, { name: "a", value: 1 })],
        continueCursor: null,
      });
      panel.responders.replaceDocument = (r) => doc(r.documentId, r.fields as Record<string, unknown>);
      panel.responders.deleteDocument = true;
      await panel.settle();
      assert.deepEqual(
        panel
          .all("#table-list > li")
          .map((li) =>
            li.classList.contains("table-install") ? `# ${li.dataset.component}` : `${li.dataset.component}|${li.dataset.table}`,
          ),
        ["# ", "|counters", "|_storage", "# counter", "counter|counters", "counter|_scheduled_functions"],
      );
      assert.equal(panel.text('.table-install[data-component=""]'), "App");

      panel.click(`${tableRow("counter", "counters")} .table-select`);
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageDocuments").map((r) => [r.component, r.table, r.cursor]),
        [["counter", "counters", null]],
      );
      assert.equal(panel.text("#documents-title"), "counters");
      assert.equal(panel.text("#documents-install"), "component counter");
      assert.ok(panel.get(tableRow("counter", "counters")).classList.contains("selected"));
      assert.ok(!panel.get(tableRow("", "counters")).classList.contains("selected"));

      panel.click('[data-id="counter-1"] .edit-document');
      panel.type('[data-id="counter-1"] .document-editor', '{"name": "a", "value": 5}');
      panel.click('[data-id="counter-1"] .save-document');
      await panel.settle();
      assert.deepEqual(
        panel.sent("replaceDocument").map((r) => [r.component, r.table, r.documentId]),
        [["counter", "counters", "counter-1"]],
      );
      panel.click('[data-id="counter-1"] .delete-document');
      await panel.settle();
      assert.deepEqual(
        panel.sent("deleteDocument").map((r) => [r.component, r.table, r.documentId]),
        [["counter", "counters", "counter-1"]],
      );
      assert.equal(panel.text(`${tableRow("counter", "counters")} .table-count`), "0");
      assert.equal(panel.text(`${tableRow("", "counters")} .table-count`), "2", "the app's table of the same name keeps its count");

      // A component's system table is read-only like the app's.
      panel.click(`${tableRow("counter", "_scheduled_functions")} .table-select`);
      await panel.settle();
      assert.equal(panel.find(".edit-document"), null);
      assert.match(panel.text("#documents-pane")!, /read-only/);
    },
    { state: componentState(), responders: { listTables: tables } },
  ));

const file = (id: string, overrides: Partial<FileView> = {}): FileView => ({
  id,
  size: 10,
  contentType: "text/plain",
  sha256: "abc=",
  creationTime: 1_767_322_800_000,
  ...overrides,
});

const fileGroups: FilePageView[] = [
  { component: "", files: [file("kgapp")], continueCursor: null },
  { component: "counter", files: [file("kgc1")], continueCursor: "after-kgc1" },
];

test("the Files tab groups files by install, each paged on its own; preview, download and delete name the install", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.responders.pageFiles = { component: "counter", files: [file("kgc0")], continueCursor: null };
      panel.responders.previewFile = { kind: "text", text: "component bytes" };
      panel.responders.downloadFile = true;
      panel.responders.deleteFile = true;
      await panel.settle();
      assert.deepEqual(
        panel
          .all(".file-group")
          .map((g) => [g.dataset.component, g.querySelector(".install-name")?.textContent, g.querySelectorAll(".file-row").length]),
        [
          ["", "App", 1],
          ["counter", "counter component", 1],
        ],
      );
      assert.equal(panel.find('.file-group[data-component=""] .files-more'), null);
      panel.click('.file-group[data-component="counter"] .files-more');
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageFiles").map((r) => [r.component, r.cursor]),
        [["counter", "after-kgc1"]],
      );
      assert.deepEqual(
        panel.all('.file-group[data-component="counter"] .file-row').map((r) => r.dataset.id),
        ["kgc1", "kgc0"],
      );

      panel.click('[data-id="kgc1"] .preview-file');
      await panel.settle();
      assert.deepEqual(
        panel.sent("previewFile").map((r) => [r.component, r.storageId]),
        [["counter", "kgc1"]],
      );
      assert.match(panel.text("#file-preview")!, /A file of component counter/);
      panel.click('[data-id="kgc1"] .download-file');
      assert.deepEqual(
        panel.sent("downloadFile").map((r) => [r.component, r.storageId]),
        [["counter", "kgc1"]],
      );
      panel.click('[data-id="kgc1"] .delete-file');
      await panel.settle();
      assert.deepEqual(
        panel.sent("deleteFile").map((r) => [r.component, r.storageId]),
        [["counter", "kgc1"]],
      );
      assert.deepEqual(
        panel.all(".file-row").map((r) => r.dataset.id),
        ["kgapp", "kgc0"],
      );
      assert.match(panel.text("#file-preview")!, /Preview a file/);
    },
    { state: componentState(), responders: { listFiles: fileGroups } },
  ));

test("the open component table and the selected component function come back after the panel was hidden", async () => {
  const api = new VsCodeApiFake();
  const first = openFunctionsPanel({
    api,
    state: componentState(),
    responders: { listTables: tables, pageDocuments: { component: "counter", table: "counters", documents: [], continueCursor: null } },
  });
  await first.settle();
  first.click(`${row("counter", "public:add")} .function-select`);
  first.type("#args", '{"name": "kept"}');
  first.click(`${tableRow("counter", "counters")} .table-select`);
  await first.settle();
  await first.close();

  const second = openFunctionsPanel({
    api: new VsCodeApiFake(api.state),
    responders: { listTables: tables, pageDocuments: { component: "counter", table: "counters", documents: [], continueCursor: null } },
  });
  try {
    assert.equal(second.text("#selected-function"), "counter/public:add");
    assert.equal(value(second.get("#args")), '{"name": "kept"}');
    second.show(componentState());
    await second.settle();
    assert.deepEqual(
      second.sent("pageDocuments").map((r) => [r.component, r.table]),
      [["counter", "counters"]],
    );
  } finally {
    await second.close();
  }
});

test("a state saved before components keeps the selected function, its arguments and the open table", async () => {
  const saved = {
    version: 1,
    state: null,
    tab: "functions",
    filter: "",
    selected: "tasks:add",
    drafts: { "tasks:add": '{"title": "typed before"}' },
    result: null,
    table: "counters",
  };
  const panel = openFunctionsPanel({
    api: new VsCodeApiFake(saved),
    state: componentState(),
    responders: { listTables: tables, pageDocuments: { component: "", table: "counters", documents: [], continueCursor: null } },
  });
  try {
    await panel.settle();
    assert.equal(panel.text("#selected-function"), "tasks:add");
    assert.equal(value(panel.get("#args")), '{"title": "typed before"}');
    assert.deepEqual(
      panel.sent("pageDocuments").map((r) => [r.component, r.table]),
      [["", "counters"]],
    );
  } finally {
    await panel.close();
  }
});
