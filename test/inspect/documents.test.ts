// The Data tab's store access against the real runtime: table counts, newest-first pages with the
// store's cursors, edits validated against schema.ts, deletes, and system tables kept read-only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deleteDocument, InspectError, listTables, pageDocuments, replaceDocument, runForInspector } from "../../runtime/inspect";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

test.before(async () => {
  server = await serveFixture("inspect-app");
});
test.after(() => server.stop());

async function addTasks(titles: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const title of titles) {
    const outcome = await runForInspector(server.runtime, { component: "", name: "tasks:add", args: { title }, authorization: null });
    assert.equal(outcome.outcome, "success", outcome.error ?? "");
    ids.push(JSON.parse(outcome.result!) as string);
  }
  return ids;
}

const reset = () => runForInspector(server.runtime, { component: "", name: "tasks:reset", args: {}, authorization: null });

test("tables with their document counts, user tables first, system tables marked", async () => {
  await reset();
  await addTasks(["a", "b", "c"]);
  const tables = await listTables(server.runtime.store);
  const tasks = tables.find((t) => t.name === "tasks");
  assert.deepEqual(tasks, { component: "", name: "tasks", documents: 3, system: false, indexes: [] });
  assert.deepEqual(
    tables.find((t) => t.name === "notes"),
    { component: "", name: "notes", documents: 0, system: false, indexes: [] },
  );
  assert.deepEqual(tables.find((t) => t.name === "_storage")?.system, true);
  const firstSystem = tables.findIndex((t) => t.system);
  assert.ok(
    tables.slice(firstSystem).every((t) => t.system),
    "system tables come last",
  );
});

test("pages are newest first and the cursors walk every document exactly once", async () => {
  await reset();
  const titles = ["t1", "t2", "t3", "t4", "t5", "t6", "t7"];
  const ids = await addTasks(titles);
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await pageDocuments(server.runtime.store, "", "tasks", cursor, 3);
    assert.equal(page.table, "tasks");
    sizes.push(page.documents.length);
    for (const doc of page.documents) {
      seen.push(doc.id);
      assert.deepEqual(Object.keys(JSON.parse(doc.fields)).sort(), ["done", "title"], "no system fields in the editable JSON");
    }
    cursor = page.continueCursor;
    assert.ok(++pages < 10, "paging ends");
  } while (cursor !== null);
  assert.deepEqual(seen, [...ids].reverse(), "newest first, no repeats, none missing");
  assert.deepEqual(sizes.slice(0, 2), [3, 3]);
  assert.equal(
    sizes.reduce((a, b) => a + b),
    7,
  );
  const first = await pageDocuments(server.runtime.store, "", "tasks", null, 3);
  assert.ok(first.documents[0]!.creationTime >= first.documents[1]!.creationTime);
  // A cursor is tied to its query: one from another table is refused, not misread.
  const notesCursor = (await pageDocuments(server.runtime.store, "", "tasks", null, 1)).continueCursor!;
  await assert.rejects(pageDocuments(server.runtime.store, "", "notes", notesCursor, 3));
  await assert.rejects(pageDocuments(server.runtime.store, "", "nope", null, 3), InspectError);
});

test("an edit is validated against the schema: an invalid one is refused and changes nothing, a valid one is saved", async () => {
  await reset();
  const [id] = await addTasks(["original"]);
  await assert.rejects(
    replaceDocument(server.runtime.store, "", "tasks", id!, { title: "edited", done: "yes" }),
    (error: Error) =>
      /Failed to insert or update a document in table "tasks" because it does not match the schema/.test(error.message) &&
      /done/.test(error.message),
  );
  await assert.rejects(replaceDocument(server.runtime.store, "", "tasks", id!, { title: "edited", done: true, extra: 1 }), /extra/);
  let page = await pageDocuments(server.runtime.store, "", "tasks", null, 10);
  assert.deepEqual(JSON.parse(page.documents[0]!.fields), { done: false, title: "original" });

  const saved = await replaceDocument(server.runtime.store, "", "tasks", id!, { title: "edited", done: true });
  assert.equal(saved.id, id);
  assert.deepEqual(JSON.parse(saved.fields), { done: true, title: "edited" });
  page = await pageDocuments(server.runtime.store, "", "tasks", null, 10);
  assert.deepEqual(JSON.parse(page.documents[0]!.fields), { done: true, title: "edited" });
  assert.equal(page.documents[0]!.creationTime, saved.creationTime);
  const listed = await runForInspector(server.runtime, { component: "", name: "tasks:list", args: {}, authorization: null });
  assert.equal((JSON.parse(listed.result!) as Array<{ title: string }>)[0]!.title, "edited", "functions see the edit");
});

test("_id and _creationTime cannot be changed; the JSON must be an object; system tables are read-only", async () => {
  await reset();
  const [id, other] = await addTasks(["x", "y"]);
  await assert.rejects(replaceDocument(server.runtime.store, "", "tasks", id!, { _id: other!, title: "x", done: false }));
  await assert.rejects(replaceDocument(server.runtime.store, "", "tasks", id!, { _creationTime: 1, title: "x", done: false }));
  await assert.rejects(replaceDocument(server.runtime.store, "", "tasks", id!, ["not", "an", "object"]), InspectError);
  await assert.rejects(replaceDocument(server.runtime.store, "", "notes", id!, { text: "wrong table" }), /notes/);
  await assert.rejects(replaceDocument(server.runtime.store, "", "_storage", id!, { size: 1 }), /system table/);
  await assert.rejects(deleteDocument(server.runtime.store, "", "_storage", id!), /system table/);
  const page = await pageDocuments(server.runtime.store, "", "tasks", null, 10);
  assert.deepEqual(page.documents.map((d) => JSON.parse(d.fields).title).sort(), ["x", "y"]);
});

test("a document can be deleted; deleting it again fails", async () => {
  await reset();
  const [keep, remove] = await addTasks(["keep", "remove"]);
  await deleteDocument(server.runtime.store, "", "tasks", remove!);
  const page = await pageDocuments(server.runtime.store, "", "tasks", null, 10);
  assert.deepEqual(
    page.documents.map((d) => d.id),
    [keep],
  );
  assert.equal((await listTables(server.runtime.store)).find((t) => t.name === "tasks")!.documents, 1);
  await assert.rejects(deleteDocument(server.runtime.store, "", "tasks", remove!), /nonexistent document/);
});
