// Write semantics and transactions: patch/replace/delete rules and errors, savepoints, aborts,
// serializability, snapshot reads, schema validation, commit timestamps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import type { JSONValue, SchemaInfo } from "../../runtime/store/types";
import { collect, collectIn, errorOf, insertAll, int, openStore, scan } from "./helpers";

test("insert, patch (undefined removes a field), replace, remove", async () => {
  const store = await openStore();
  const tx = await store.beginWrite();
  const id = tx.insert("messages", { b: 2, a: 1, nested: { x: int(1) } });
  const doc = tx.get(id)!;
  assert.deepEqual(Object.keys(doc), ["_creationTime", "_id", "a", "b", "nested"]); // sorted, like the backend
  const patched = tx.patch(id, { a: { $undefined: null }, c: 3 });
  assert.deepEqual(patched, { _creationTime: doc._creationTime, _id: id, b: 2, c: 3, nested: { x: int(1) } });
  assert.deepEqual(tx.get(id), patched);
  // Repeating the document's own _id / _creationTime is allowed.
  tx.patch(id, { _id: id, _creationTime: doc._creationTime });
  const replaced = tx.replace(id, { z: true, _id: id });
  assert.deepEqual(replaced, { _creationTime: doc._creationTime, _id: id, z: true });
  assert.deepEqual(tx.remove(id), replaced);
  assert.equal(tx.get(id), null);
  tx.commit();
  await store.close();
});

test("write errors use the backend's messages", async () => {
  const store = await openStore();
  const [id, other] = await insertAll(store, "messages", [{ a: 1 }, { a: 2 }]);
  const tx = await store.beginWrite();
  const created = tx.get(id!)!._creationTime;
  assert.equal(await errorOf(() => tx.patch(id!, { _id: other! })), `Provided document ID "${id}" doesn't match '_id' field "${other}"`);
  assert.match(
    await errorOf(() => tx.patch(id!, { _creationTime: 5 })),
    /^Provided creation time .* doesn't match '_creationTime' field in /,
  );
  assert.match(await errorOf(() => tx.replace(id!, { _creationTime: created + 1 })), /doesn't match '_creationTime' field/);
  assert.match(await errorOf(() => tx.insert("messages", { _id: id! })), /doesn't match '_id' field/);
  assert.match(
    await errorOf(() => tx.insert("messages", { _secret: 1 })),
    /isn't a valid document: Field '_secret' starts with an underscore, which is only allowed for system fields like '_id'$/,
  );
  assert.equal(await errorOf(() => tx.patch(id!, [] as never)), "Invalid argument `value` for `db.patch`: Value must be an Object");
  assert.equal(
    await errorOf(() => tx.insert("messages", { $bad: 1, ok: 2 })),
    "Invalid argument `value` for `db.insert`: Field name $bad starts with a '$', which is reserved.",
  );
  assert.match(await errorOf(() => tx.insert("bad name", {})), /Invalid argument `table` for `db.insert`: Invalid table name: "bad name"/);
  assert.match(await errorOf(() => tx.patch(id!, { a: 1 }, { table: "counters" })), /belongs to table "messages", not to table "counters"/);
  tx.remove(other!);
  assert.equal(await errorOf(() => tx.patch(other!, { a: 1 })), `Update on nonexistent document ID ${other}`);
  assert.equal(await errorOf(() => tx.replace(other!, {})), `Replace on nonexistent document ID ${other}`);
  assert.equal(await errorOf(() => tx.remove(other!)), `Delete on nonexistent document ID ${other}`);
  assert.equal(await errorOf(() => tx.remove("nope")), "Invalid argument `id` for `db.delete`: Unable to decode ID: Invalid ID length 4");
  // Failed writes changed nothing.
  assert.deepEqual(tx.get(id!)?.a, 1);
  tx.commit();
  await store.close();
});

test("savepoints: a rolled-back nested mutation leaves no trace, a released one stays", async () => {
  const store = await openStore();
  const tx = await store.beginWrite();
  const a = tx.insert("messages", { name: "a" });
  const outer = tx.savepoint();
  const b = tx.insert("messages", { name: "b" });
  const inner = tx.savepoint();
  tx.insert("brandNewTable", { x: 1 });
  tx.patch(a, { name: "a2" });
  tx.release(inner);
  tx.rollbackTo(outer); // undoes b, the new table and the patch (released into outer)
  assert.equal(tx.get(b), null);
  assert.equal(tx.get(a)?.name, "a");
  assert.equal(tx.count("brandNewTable"), 0);
  assert.equal(collectIn(tx, scan("brandNewTable")).length, 0);
  const kept = tx.savepoint();
  const c = tx.insert("brandNewTable", { x: 2 }); // the table can be created again
  tx.release(kept);
  tx.commit();
  const read = await store.beginRead();
  assert.deepEqual(
    collectIn(read, scan("messages")).map((d) => d.name),
    ["a"],
  );
  assert.equal(read.get(c)?.x, 2);
  assert.equal(store.tableNameOfId(c), "brandNewTable");
  read.end();
  await store.close();
});

test("abort (or end without commit) leaves nothing behind", async () => {
  const store = await openStore();
  await insertAll(store, "messages", [{ n: 1 }]);
  const tx = await store.beginWrite();
  const id = tx.insert("someTable", { n: 2 });
  tx.insert("messages", { n: 3 });
  tx.abort();
  const tx2 = await store.beginWrite();
  tx2.insert("messages", { n: 4 });
  tx2.end();
  const read = await store.beginRead();
  assert.equal(read.count("messages"), 1);
  assert.equal(read.count("someTable"), 0);
  assert.equal(read.get(id), null);
  assert.equal(read.normalizeId("someTable", id), null);
  assert.equal(store.tableNameOfId(id), null);
  assert.throws(() => tx.insert("messages", {}), /already ended/);
  read.end();
  await store.close();
});

test("40 concurrent increments, each in its own write transaction, end at 40", async () => {
  const store = await openStore();
  const [id] = await insertAll(store, "counters", [{ n: 0 }]);
  await Promise.all(
    Array.from({ length: 40 }, async () => {
      const tx = await store.beginWrite();
      const n = tx.get(id!)!.n as number;
      await tick(); // yield while holding the transaction, like user code awaiting
      tx.patch(id!, { n: n + 1 });
      tx.commit();
    }),
  );
  const read = await store.beginRead();
  assert.equal(read.get(id!)?.n, 40);
  read.end();
  await store.close();
});

test("a read transaction sees one snapshot while a writer waits; fair order after it", async () => {
  const store = await openStore();
  await insertAll(store, "messages", [{ n: 1 }]);
  const read = await store.beginRead();
  const before = read.snapshotTs;
  const order: string[] = [];
  const writer = store.beginWrite().then((tx) => {
    order.push("writer");
    tx.insert("messages", { n: 2 });
    tx.commit();
  });
  await tick();
  const lateReader = store.beginRead().then((tx) => {
    order.push("late reader");
    const count = tx.count("messages");
    tx.end();
    return count;
  });
  await tick();
  assert.deepEqual(order, []); // the writer waits for the reader; the late reader waits for the writer
  assert.equal(read.count("messages"), 1);
  assert.equal(collectIn(read, scan("messages")).length, 1);
  read.end();
  await writer;
  assert.equal(await lateReader, 2);
  assert.deepEqual(order, ["writer", "late reader"]);
  const after = await store.beginRead();
  assert.ok(after.snapshotTs > before);
  after.end();
  await store.close();
});

test("_creationTime strictly increases", async () => {
  const store = await openStore();
  const ids = await insertAll(
    store,
    "messages",
    Array.from({ length: 200 }, (_, n) => ({ n })),
  );
  const docs = await collect(store, scan("messages"), 50);
  assert.equal(docs.length, ids.length);
  for (let i = 1; i < docs.length; i++) assert.ok(docs[i]!._creationTime > docs[i - 1]!._creationTime);
  await store.close();
});

test("schema validation: the validator sees each inserted, patched and replaced document", async () => {
  const calls: Array<[string, JSONValue, JSONValue]> = [];
  const validateDocument = (table: string, type: JSONValue, doc: JSONValue) => {
    calls.push([table, type, doc]);
    return (doc as { n?: unknown }).n === "bad"
      ? `Failed to insert or update a document in table "${table}" because it does not match the schema`
      : null;
  };
  const documentType: JSONValue = { type: "object", value: { n: { fieldType: { type: "any" }, optional: true } } };
  const schema = (schemaValidation: boolean): SchemaInfo => ({
    schemaValidation,
    tables: [{ tableName: "things", indexes: [], documentType }],
  });
  const store = await openStore(schema(true), { validateDocument });
  const tx = await store.beginWrite();
  const id = tx.insert("things", { n: 1 });
  tx.patch(id, { n: 2 });
  tx.replace(id, { n: 3 });
  tx.insert("untyped", { n: "bad" }); // not in the schema: not validated
  assert.equal(calls.length, 3);
  assert.deepEqual(calls[0]![0], "things");
  assert.deepEqual(calls[0]![1], documentType);
  assert.equal((calls[2]![2] as { n: number }).n, 3);
  assert.equal((calls[1]![2] as { _id: string })._id, id);
  assert.equal(
    await errorOf(() => tx.patch(id, { n: "bad" })),
    'Failed to insert or update a document in table "things" because it does not match the schema',
  );
  assert.equal(tx.get(id)?.n, 3);
  tx.commit();
  await store.setSchema(schema(false));
  const tx2 = await store.beginWrite();
  tx2.insert("things", { n: "bad" }); // schemaValidation: false
  tx2.commit();
  assert.equal(calls.length, 4);
  await store.close();
});

test("schema validation by default uses the backend's rules (runtime/values/validate.ts), IDs included", async () => {
  const exported = defineSchema({
    users: defineTable({ name: v.string() }),
    posts: defineTable({ title: v.string(), author: v.id("users"), tags: v.optional(v.array(v.string())) }),
  });
  const schema = JSON.parse((exported as unknown as { export(): string }).export()) as SchemaInfo;
  const store = await openStore(schema);
  const tx = await store.beginWrite();
  const user = tx.insert("users", { name: "ann" });
  tx.insert("posts", { title: "hi", author: user });
  assert.match(
    await errorOf(() => tx.insert("posts", { title: 1, author: user })),
    /^Failed to insert or update a document in table "posts" because it does not match the schema: /,
  );
  const post = tx.insert("posts", { title: "x", author: user });
  assert.match(await errorOf(() => tx.patch(post, { author: post })), /does not match the table name in validator `v.id\("users"\)`/);
  assert.match(await errorOf(() => tx.replace(post, { title: "no author" })), /does not match the schema/);
  tx.patch(post, { tags: ["a"] });
  tx.commit();
  await store.close();
});

test("db.vars.commitTs placeholders resolve to the commit timestamp", async () => {
  const store = await openStore();
  const tx = await store.beginWrite();
  const id = tx.insert("messages", { at: { $commitTs: null }, list: [{ $commitTs: null }] });
  assert.deepEqual(tx.get(id)?.at, { $commitTs: null }); // unresolved inside the transaction
  const { ts } = tx.commit();
  const read = await store.beginRead();
  const doc = read.get(id)!;
  assert.deepEqual(doc.at, int(ts));
  assert.deepEqual(doc.list, [int(ts)]);
  assert.equal(read.snapshotTs, ts);
  read.end();
  await store.close();
});
