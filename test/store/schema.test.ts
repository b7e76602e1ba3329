// setSchema: tables and indexes follow the schema; indexes are built, rebuilt and dropped as their
// definitions change, and those changes survive a restart.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, test } from "node:test";
import { encodeId } from "../../runtime/store/ids";
import { logPathFor } from "../../runtime/store/persistence";
import { Store } from "../../runtime/store/sqlite-store";
import type { SchemaInfo } from "../../runtime/store/types";
import { collect, errorOf, indexed, insertAll, r, tempDir, tmpFileIn } from "./helpers";

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const withIndexes = (indexes: SchemaInfo["tables"][number]["indexes"]): SchemaInfo => ({
  schemaValidation: false,
  tables: [{ tableName: "people", indexes, documentType: null }],
});

test("indexes are built over existing documents, rebuilt when their fields change, dropped when removed", async () => {
  const store = await Store.open();
  await store.setSchema(withIndexes([]));
  await insertAll(store, "people", [
    { name: "cy", age: 30 },
    { name: "ann", age: 40 },
    { name: "bob", age: 30 },
  ]);
  assert.equal(await errorOf(() => collect(store, indexed("people.by_x"))), "Index people.by_x not found.");

  await store.setSchema(withIndexes([{ indexDescriptor: "by_x", fields: ["name"] }]));
  assert.deepEqual(
    (await collect(store, indexed("people.by_x"))).map((d) => d.name),
    ["ann", "bob", "cy"],
  );

  await store.setSchema(withIndexes([{ indexDescriptor: "by_x", fields: ["age", "name"] }]));
  assert.deepEqual(
    (await collect(store, indexed("people.by_x", [r.eq("age", 30)]))).map((d) => d.name),
    ["bob", "cy"],
  );
  // New writes maintain the rebuilt index.
  await insertAll(store, "people", [{ name: "al", age: 30 }]);
  assert.deepEqual(
    (await collect(store, indexed("people.by_x", [r.eq("age", 30)]))).map((d) => d.name),
    ["al", "bob", "cy"],
  );

  await store.setSchema(withIndexes([]));
  assert.equal(await errorOf(() => collect(store, indexed("people.by_x"))), "Index people.by_x not found.");
  await store.setSchema(null);
  assert.equal((await collect(store, indexed("people.by_creation_time"))).length, 4); // the table stays
  await store.close();
});

test("schema tables exist before any insert, in schema order; index changes survive a restart", async () => {
  const file = tmpFileIn(dir);
  const schema: SchemaInfo = {
    schemaValidation: false,
    tables: [
      { tableName: "zebras", indexes: [], documentType: null },
      { tableName: "ants", indexes: [{ indexDescriptor: "by_legs", fields: ["legs"] }], documentType: null },
    ],
  };
  const store = await Store.open({ file, checkpointDelayMs: 60_000 });
  await store.setSchema(schema);
  const read = await store.beginRead();
  // Numbered in schema order: zebras = 10001, ants = 10002.
  const zero = new Uint8Array(16);
  assert.equal(read.normalizeId("zebras", encodeId(10001, zero)), encodeId(10001, zero));
  assert.equal(read.normalizeId("ants", encodeId(10002, zero)), encodeId(10002, zero));
  read.end();
  const [ant] = await insertAll(store, "ants", [{ legs: 6 }, { legs: 4 }]);
  assert.equal(store.tableNameOfId(ant!), "ants");
  const logSize = fs.statSync(logPathFor(file)).size;
  await store.setSchema(schema); // unchanged: nothing to log
  assert.equal(fs.statSync(logPathFor(file)).size, logSize);
  await store.setSchema({
    ...schema,
    tables: [schema.tables[0]!, { ...schema.tables[1]!, indexes: [{ indexDescriptor: "by_legs", fields: ["legs", "name"] }] }],
  });
  store.abandonForTesting(); // only the log has the index change

  const reopened = await Store.open({ file });
  assert.deepEqual(
    (await collect(reopened, indexed("ants.by_legs", [r.eq("legs", 4), r.eq("name", { $undefined: null })]))).map((d) => d.legs),
    [4],
  );
  assert.match(await errorOf(() => collect(reopened, indexed("ants.by_legs", [r.eq("nope", 1)]))), /doesn't index this field/);
  await reopened.close();
});
