// The functions panel's Data and Files tabs in a test DOM: tables and counts, cursor paging,
// copying ids, editing (JSON checked in the panel, the store's error shown), deleting, file
// previews, downloads and deletes, and hostile values.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DocumentPageView, DocumentView, FilePageView, FileView, TableView } from "../../webview/protocol/functions";
import { readyState, withFunctionsPanel, type FunctionsFixture } from "./functions-fixture";

const hostile = "<img src=x onerror=alert(1)>";
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

const tables: TableView[] = [
  {
    component: "",
    name: "tasks",
    documents: 3,
    system: false,
    indexes: [
      { name: "by_owner", kind: "database", fields: ["owner", "done"], detail: null, staged: false },
      { name: "search_title", kind: "search", fields: ["title", "owner"], detail: "filters: owner", staged: false },
      { name: "by_embedding", kind: "vector", fields: ["embedding", "owner"], detail: "1536 dimensions, filters: owner", staged: false },
      { name: "by_summary", kind: "vector", fields: ["summary"], detail: "768 dimensions", staged: true },
    ],
  },
  { component: "", name: "notes", documents: 0, system: false, indexes: [] },
  { component: "", name: "_storage", documents: 1, system: true, indexes: [] },
];

const doc = (id: string, fields: Record<string, unknown>, creationTime = 1_767_322_800_000): DocumentView => ({
  id,
  creationTime,
  fields: JSON.stringify(fields, null, 2),
});

const value = (element: HTMLElement) => (element as HTMLElement & { value: string }).value;

async function openTasks(panel: FunctionsFixture, first: DocumentPageView): Promise<void> {
  panel.responders.pageDocuments = first;
  await panel.settle();
  panel.click('[data-table="tasks"] .table-select');
  await panel.settle();
}

test("a ready runtime loads the tables with their counts; system tables are marked", () =>
  withFunctionsPanel(
    async (panel) => {
      await panel.settle();
      assert.equal(panel.sent("listTables").length, 1);
      assert.deepEqual(
        panel.all(".table-row").map((r) => [r.dataset.table, r.querySelector(".table-count")!.textContent]),
        [
          ["tasks", "3"],
          ["notes", "0"],
          ["_storage", "1"],
        ],
      );
      assert.ok(panel.get('[data-table="_storage"]').classList.contains("system"));
      // A new state with the runtime still ready does not reload; a restart does.
      panel.show(readyState());
      await panel.settle();
      assert.equal(panel.sent("listTables").length, 1);
      panel.show({ runtime: { kind: "stopped" }, functions: [], routes: [], crons: [] });
      panel.show(readyState());
      await panel.settle();
      assert.equal(panel.sent("listTables").length, 2);
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("the open table lists its indexes: database, search and vector ones, with fields, dimensions and staged ones marked", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, { component: "", table: "tasks", documents: [], continueCursor: null });
      const rows = panel
        .all("#indexes .index-row")
        .map((row) => [
          row.dataset.index,
          row.dataset.kind,
          row.querySelector(".index-kind")!.textContent,
          row.querySelector(".index-fields")!.textContent,
          row.querySelector(".index-detail")?.textContent ?? null,
          row.querySelector(".index-staged") !== null,
        ]);
      assert.deepEqual(rows, [
        ["by_owner", "database", "index", "owner, done", null, false],
        ["search_title", "search", "search index", "title, owner", "filters: owner", false],
        ["by_embedding", "vector", "vector index", "embedding, owner", "1536 dimensions, filters: owner", false],
        ["by_summary", "vector", "vector index", "summary", "768 dimensions", true],
      ]);
      assert.match(panel.text("#indexes summary")!, /Indexes \(4\)/);
      panel.click('[data-table="notes"] .table-select');
      await panel.settle();
      assert.match(panel.text("#indexes summary")!, /No indexes declared/);
      panel.click('[data-table="_storage"] .table-select');
      await panel.settle();
      assert.equal(panel.find("#indexes"), null, "system tables have no declared indexes to show");
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("documents page newest first: the next page asks with the previous page's cursor and is appended", () =>
  withFunctionsPanel(
    async (panel) => {
      const pages: Record<string, DocumentPageView> = {
        first: {
          component: "",
          table: "tasks",
          documents: [doc("id3", { title: "c" }), doc("id2", { title: "b" })],
          continueCursor: "cursor-after-id2",
        },
        "cursor-after-id2": { component: "", table: "tasks", documents: [doc("id1", { title: "a" })], continueCursor: null },
      };
      panel.responders.pageDocuments = (request) => pages[request.cursor ?? "first"]!;
      await panel.settle();
      panel.click('[data-table="tasks"] .table-select');
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageDocuments").map((r) => [r.component, r.table, r.cursor]),
        [["", "tasks", null]],
      );
      assert.equal(panel.text("#documents-title"), "tasks");
      assert.deepEqual(
        panel.all("#documents .document").map((d) => d.dataset.id),
        ["id3", "id2"],
      );
      assert.equal(panel.get('[data-id="id3"] .document-id').textContent, "id3");
      assert.equal(panel.get('[data-id="id3"] .document-fields').textContent, '{\n  "title": "c"\n}');

      panel.click("#documents-more");
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageDocuments").map((r) => r.cursor),
        [null, "cursor-after-id2"],
      );
      assert.deepEqual(
        panel.all("#documents .document").map((d) => d.dataset.id),
        ["id3", "id2", "id1"],
      );
      assert.equal(panel.find("#documents-more"), null, "no more pages");

      // Choosing the table again starts over from the newest.
      panel.click('[data-table="tasks"] .table-select');
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageDocuments").map((r) => r.cursor),
        [null, "cursor-after-id2", null],
      );
      assert.deepEqual(
        panel.all("#documents .document").map((d) => d.dataset.id),
        ["id3", "id2"],
      );
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("a late page of a table no longer open is dropped", () =>
  withFunctionsPanel(
    async (panel) => {
      await panel.settle();
      panel.click('[data-table="tasks"] .table-select');
      panel.click('[data-table="notes"] .table-select');
      const [tasksRequest, notesRequest] = panel.pending().filter((r) => r.type === "pageDocuments");
      panel.reply(notesRequest!.id, { component: "", table: "notes", documents: [doc("n1", { text: "note" })], continueCursor: null });
      panel.reply(tasksRequest!.id, { component: "", table: "tasks", documents: [doc("t1", { title: "late" })], continueCursor: null });
      await panel.settle();
      assert.equal(panel.text("#documents-title"), "notes");
      assert.deepEqual(
        panel.all("#documents .document").map((d) => d.dataset.id),
        ["n1"],
      );
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("the _id is copied through the host", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, { component: "", table: "tasks", documents: [doc("j57abc", { title: "a" })], continueCursor: null });
      panel.click('[data-id="j57abc"] .copy-id');
      assert.deepEqual(
        panel.sent("copyText").map((r) => r.text),
        ["j57abc"],
      );
    },
    { state: readyState(), responders: { listTables: tables, copyText: null } },
  ));

test("editing: the fields as JSON, checked in the panel before anything is sent", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, { component: "", table: "tasks", documents: [doc("id1", { done: false, title: "a" })], continueCursor: null });
      panel.click('[data-id="id1"] .edit-document');
      const editor = panel.get('[data-id="id1"] .document-editor');
      assert.equal(value(editor), '{\n  "done": false,\n  "title": "a"\n}', "no _id or _creationTime to edit");
      for (const [text, pattern] of [
        ['{"title": ', /not valid JSON/],
        ["[1]", /must be a JSON object/],
        ["", /cannot be empty/],
        ['{"_id": "id1", "title": "a", "done": true}', /_id cannot be edited/],
        ['{"_creationTime": 1, "_id": "x", "title": "a"}', /_id and _creationTime cannot be edited/],
      ] as const) {
        panel.type('[data-id="id1"] .document-editor', text);
        panel.click('[data-id="id1"] .save-document');
        assert.match(panel.text('[data-id="id1"] .document-error')!, pattern, text);
      }
      assert.deepEqual(panel.sent("replaceDocument"), []);
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("a save posts the parsed fields; the store's schema error is shown and the editor stays; success shows the saved document", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, {
        component: "",
        table: "tasks",
        documents: [doc("id1", { done: false, title: "a" }), doc("id0", { done: true, title: "z" })],
        continueCursor: null,
      });
      const schemaError =
        'Failed to insert or update a document in table "tasks" because it does not match the schema: Object contains extra field `extra` that is not in the validator.';
      panel.responders.replaceDocument = new Error(schemaError);
      panel.click('[data-id="id1"] .edit-document');
      panel.type('[data-id="id1"] .document-editor', '{"title": "b", "done": true, "extra": 1}');
      panel.click('[data-id="id1"] .save-document');
      await panel.settle();
      const [request] = panel.sent("replaceDocument");
      assert.deepEqual(request, {
        type: "replaceDocument",
        id: request!.id,
        component: "",
        table: "tasks",
        documentId: "id1",
        fields: { title: "b", done: true, extra: 1 },
      });
      assert.equal(panel.text('[data-id="id1"] .document-error'), schemaError);
      assert.equal(value(panel.get('[data-id="id1"] .document-editor')), '{"title": "b", "done": true, "extra": 1}', "the edit is kept");

      panel.responders.replaceDocument = (r) => doc(r.documentId, r.fields as Record<string, unknown>);
      panel.type('[data-id="id1"] .document-editor', '{"title": "b", "done": true}');
      panel.click('[data-id="id1"] .save-document');
      await panel.settle();
      assert.equal(panel.find(".document-editor"), null);
      assert.equal(panel.text('[data-id="id1"] .document-fields'), '{\n  "title": "b",\n  "done": true\n}');
      assert.equal(panel.text('[data-id="id0"] .document-fields'), '{\n  "done": true,\n  "title": "z"\n}', "other documents untouched");
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("a delete asks the host; a confirmed delete removes the document and updates the count", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, {
        component: "",
        table: "tasks",
        documents: [doc("id2", { title: "b" }), doc("id1", { title: "a" })],
        continueCursor: null,
      });
      panel.responders.deleteDocument = false;
      panel.click('[data-id="id2"] .delete-document');
      await panel.settle();
      assert.deepEqual(
        panel.sent("deleteDocument").map((r) => [r.component, r.table, r.documentId]),
        [["", "tasks", "id2"]],
      );
      assert.ok(panel.find('[data-id="id2"]'), "cancelled: still there");

      panel.responders.deleteDocument = true;
      panel.click('[data-id="id2"] .delete-document');
      await panel.settle();
      assert.equal(panel.find('[data-id="id2"]'), null);
      assert.equal(panel.text('[data-table="tasks"] .table-count'), "2");

      panel.responders.deleteDocument = new Error("Delete on nonexistent document ID id1");
      panel.click('[data-id="id1"] .delete-document');
      await panel.settle();
      assert.match(panel.text("#action-error")!, /nonexistent document/);
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

test("system tables are browsable but offer no edit or delete", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.responders.pageDocuments = {
        component: "",
        table: "_storage",
        documents: [doc("kg2abc", { sha256: "x", size: 3 })],
        continueCursor: null,
      };
      await panel.settle();
      panel.click('[data-table="_storage"] .table-select');
      await panel.settle();
      assert.ok(panel.find('[data-id="kg2abc"] .document-fields'));
      assert.equal(panel.find(".edit-document"), null);
      assert.equal(panel.find(".delete-document"), null);
      assert.match(panel.text("#documents-pane")!, /read-only/);
    },
    { state: readyState(), responders: { listTables: tables } },
  ));

const file = (id: string, overrides: Partial<FileView> = {}): FileView => ({
  id,
  size: 1536,
  contentType: "image/png",
  sha256: "abc=",
  creationTime: 1_767_322_800_000,
  ...overrides,
});

test("files: listed with size and type, paged, previewed, downloaded and deleted", () =>
  withFunctionsPanel(
    async (panel) => {
      const first: FilePageView = {
        component: "",
        files: [file("kg2png"), file("kg2txt", { contentType: "text/plain", size: 12 }), file("kg2bin", { contentType: null, size: 3 })],
        continueCursor: "c1",
      };
      panel.responders.listFiles = [first];
      panel.responders.pageFiles = { component: "", files: [file("kg2old", { contentType: "application/pdf" })], continueCursor: null };
      panel.responders.previewFile = (r) =>
        r.storageId === "kg2png"
          ? { kind: "image", contentType: "image/png", base64: PNG }
          : r.storageId === "kg2txt"
            ? { kind: "text", text: "hello <b>files</b>" }
            : { kind: "none", reason: "No preview for files without a content type." };
      panel.responders.downloadFile = true;
      panel.responders.deleteFile = true;
      panel.show(readyState());
      await panel.settle();
      assert.deepEqual(
        panel
          .all(".file-row")
          .map((r) => [r.dataset.id, r.querySelector(".file-size")!.textContent, r.querySelector(".file-type")!.textContent]),
        [
          ["kg2png", "1.5 KB", "image/png"],
          ["kg2txt", "12 B", "text/plain"],
          ["kg2bin", "3 B", "no content type"],
        ],
      );
      assert.equal(panel.find(".install-name"), null, "no install headings while only the app has files");
      panel.click(".files-more");
      await panel.settle();
      assert.deepEqual(
        panel.sent("pageFiles").map((r) => [r.component, r.cursor]),
        [["", "c1"]],
      );
      assert.equal(panel.all(".file-row").length, 4);
      assert.equal(panel.find(".files-more"), null);

      panel.click('[data-id="kg2png"] .preview-file');
      await panel.settle();
      assert.equal(panel.get("#file-preview img").getAttribute("src"), `data:image/png;base64,${PNG}`);
      panel.click('[data-id="kg2txt"] .preview-file');
      await panel.settle();
      assert.equal(panel.text("#file-preview .preview-text"), "hello <b>files</b>");
      assert.equal(panel.find("#file-preview img"), null);
      panel.click('[data-id="kg2bin"] .preview-file');
      await panel.settle();
      assert.match(panel.text("#file-preview .preview-none")!, /No preview/);

      panel.click('[data-id="kg2txt"] .download-file');
      assert.deepEqual(
        panel.sent("downloadFile").map((r) => [r.component, r.storageId]),
        [["", "kg2txt"]],
      );
      panel.click('[data-id="kg2bin"] .delete-file');
      await panel.settle();
      assert.deepEqual(
        panel.sent("deleteFile").map((r) => [r.component, r.storageId]),
        [["", "kg2bin"]],
      );
      assert.equal(panel.find('[data-id="kg2bin"]'), null);
      assert.match(panel.text("#file-preview")!, /Preview a file/, "the preview of a deleted file goes with it");
      panel.click('[data-id="kg2png"] .copy-id');
      assert.deepEqual(
        panel.sent("copyText").map((r) => r.text),
        ["kg2png"],
      );
    },
    { responders: { copyText: null } },
  ));

test("hostile document fields, table names and file types are text; a hostile image type is not previewed", () =>
  withFunctionsPanel(async (panel) => {
    panel.responders.listTables = [
      {
        component: hostile,
        name: hostile,
        documents: 1,
        system: false,
        indexes: [{ name: hostile, kind: "vector", fields: [hostile], detail: hostile, staged: false }],
      },
    ];
    panel.responders.pageDocuments = {
      component: "",
      table: hostile,
      documents: [doc(hostile, { [hostile]: hostile })],
      continueCursor: null,
    };
    panel.responders.listFiles = [{ component: hostile, files: [file(hostile, { contentType: hostile })], continueCursor: null }];
    panel.responders.previewFile = { kind: "image", contentType: 'image/png" onload="alert(1)', base64: PNG };
    panel.show(readyState());
    await panel.settle();
    panel.click(".table-select");
    await panel.settle();
    assert.equal(panel.text("#documents-title"), hostile);
    assert.equal(panel.get(".document").dataset.id, hostile);
    assert.match(panel.text(".document-fields")!, /<img src=x onerror=alert\(1\)>/);
    assert.equal(panel.text(".file-type"), hostile);
    assert.equal(panel.text(".index-name"), hostile);
    assert.equal(panel.text(".index-detail"), hostile);
    panel.click(".preview-file");
    await panel.settle();
    assert.equal(panel.all("img").length, 0, "no element was made from the text, and the bad type is not previewed");
    assert.match(panel.text("#file-preview")!, /cannot be previewed/);
  }));

test("a reply of the wrong shape is an error, not a broken tab", () =>
  withFunctionsPanel(
    async (panel) => {
      await panel.settle();
      assert.match(panel.text("#tables-error")!, /cannot show/);
      assert.match(panel.text("#files-error")!, /cannot show/);
    },
    { state: readyState(), responders: { listTables: { not: "a list" } as never, listFiles: [{ files: [] }] as never } },
  ));

test("after a mutation runs, the table counts are reloaded but the open page stays as it is", () =>
  withFunctionsPanel(
    async (panel) => {
      await openTasks(panel, { component: "", table: "tasks", documents: [doc("id1", { title: "a" })], continueCursor: null });
      panel.responders.runFunction = {
        requestId: "r",
        component: "",
        name: "tasks:add",
        outcome: "success",
        result: "null",
        error: null,
        errorData: null,
        durationMs: 1,
        executions: [],
      };
      panel.responders.listTables = tables.map((t) => (t.name === "tasks" ? { ...t, documents: 4 } : t));
      panel.click('[data-function="tasks:list"] .function-select');
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.sent("listTables").length, 1, "a query changes nothing");
      panel.click('[data-function="tasks:add"] .function-select');
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.sent("listTables").length, 2);
      assert.equal(panel.text('[data-table="tasks"] .table-count'), "4");
      assert.equal(panel.sent("pageDocuments").length, 1, "the open page was not reloaded");
    },
    { state: readyState(), responders: { listTables: tables } },
  ));
