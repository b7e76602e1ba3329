// Streamed queries: order, limit operators, batching, reading a transaction's own writes, search,
// count, get, normalizeId and the system-table rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeId } from "../../runtime/store/ids";
import type { DocumentJSON, SerializedQuery } from "../../runtime/store/types";
import { collect, collectIn, errorOf, f, indexed, insertAll, openStore, r, scan } from "./helpers";

const N = 12;
async function numbered() {
  const store = await openStore();
  const ids = await insertAll(
    store,
    "messages",
    Array.from({ length: N }, (_, i) => ({ n: i, channel: i % 2 ? "odd" : "even", body: `message number ${i}` })),
  );
  return { store, ids };
}
const ns = (docs: DocumentJSON[]) => docs.map((d) => d.n);
const range = (from: number, to: number, step = 1) => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

test("full table scans follow _creationTime, both ways; batching never changes results", async () => {
  const { store } = await numbered();
  for (const batch of [1, 2, 5, 100]) {
    assert.deepEqual(ns(await collect(store, scan("messages"), batch)), range(0, N));
    assert.deepEqual(ns(await collect(store, scan("messages", "desc"), batch)), range(0, N).reverse());
  }
  assert.deepEqual(await collect(store, scan("nosuchtable")), []);
  assert.deepEqual(await collect(store, indexed("nosuchtable.by_creation_time")), []);
  await store.close();
});

test("limit operators end the stream; filters and limits apply in pipeline order", async () => {
  const { store } = await numbered();
  const isOdd = { filter: f.op("$eq", f.field("channel"), f.lit("odd")) };
  const cases: Array<[SerializedQuery["operators"], number[]]> = [
    [[{ limit: 3 }], [0, 1, 2]],
    [[{ limit: 0 }], []],
    [
      [isOdd, { limit: 2 }],
      [1, 3],
    ],
    [
      [{ limit: 4 }, isOdd],
      [1, 3],
    ], // the limit counts documents before the filter
    [
      [{ limit: 5 }, { limit: 2 }],
      [0, 1],
    ],
    [
      [isOdd, { limit: 10 }, { filter: f.op("$gt", f.field("n"), f.lit(6)) }],
      [7, 9, 11],
    ],
  ];
  for (const [operators, want] of cases) {
    for (const batch of [1, 2, 7]) {
      assert.deepEqual(ns(await collect(store, scan("messages", null, operators), batch)), want, JSON.stringify(operators));
    }
  }
  await store.close();
});

test("a stream continues after its position across writes in the same transaction", async () => {
  const { store, ids } = await numbered();
  const tx = await store.beginWrite();
  const first = tx.queryBatch(scan("messages"), null, 4);
  assert.deepEqual(ns(first.docs), [0, 1, 2, 3]);
  tx.remove(ids[5]!); // not yet read: disappears
  tx.remove(ids[1]!); // already read: no effect
  tx.insert("messages", { n: 100 }); // newest: appears at the end
  tx.patch(ids[6]!, { n: 60 });
  const rest = collectIn(tx, scan("messages"), 2).length; // a fresh query sees the writes too
  assert.equal(rest, N - 2 + 1);
  let position = first.position;
  const seen: unknown[] = [];
  for (;;) {
    const batch = tx.queryBatch(scan("messages"), position, 3);
    seen.push(...ns(batch.docs));
    position = batch.position;
    if (batch.done) break;
  }
  assert.deepEqual(seen, [4, 60, 7, 8, 9, 10, 11, 100]);
  tx.abort();
  await store.close();
});

test("search sources stream like the others: ranked, prefix on the last term, eq filters, unknown search index", async () => {
  const { store } = await numbered();
  const search = (value: string, channel?: string): SerializedQuery => ({
    source: {
      type: "Search",
      indexName: "messages.search_body",
      filters: [
        { type: "Search", fieldPath: "body", value },
        ...(channel ? [{ type: "Eq" as const, fieldPath: "channel", value: channel }] : []),
      ],
    },
    operators: [],
  });
  // "numb" is not the last term, so it must match a whole term (none does); "1" matches "1"
  // exactly and prefixes "10" and "11", which score lower and tie (the newer first).
  for (const batch of [1, 2, 100]) {
    assert.deepEqual(ns(await collect(store, search("NUMB 1"), batch)), [1, 11, 10]);
    assert.deepEqual(ns(await collect(store, search("1"), batch)), [1, 11, 10]);
    assert.deepEqual(ns(await collect(store, search("1", "odd"), batch)), [1, 11]);
  }
  assert.deepEqual(await collect(store, search("zebra")), []);
  assert.equal(
    await errorOf(() =>
      collect(store, { ...search("x"), source: { ...search("x").source, indexName: "messages.nope" } } as SerializedQuery),
    ),
    "Index messages.nope not found.",
  );
  await store.close();
});

test("count, get, normalizeId", async () => {
  const { store, ids } = await numbered();
  const tx = await store.beginRead();
  assert.equal(tx.count("messages"), N);
  assert.equal(tx.count("counters"), 0);
  assert.equal(tx.count("nosuchtable"), 0);
  assert.equal(tx.get(ids[3]!)?.n, 3);
  assert.equal(tx.get(ids[3]!, { table: "messages" })?.n, 3);
  assert.match(tx.get(ids[3]!)!._id, /^[0-9a-z]{32}$/);
  assert.equal(tx.get(encodeId(10001)), null); // a valid ID of messages, no such document
  assert.equal(tx.get(encodeId(4242)), null); // a table that does not exist
  assert.equal(await errorOf(() => tx.get("nope")), "Invalid argument `id` for `db.get`: Unable to decode ID: Invalid ID length 4");
  assert.match(await errorOf(() => tx.get(ids[3]!, { table: "counters" })), /belongs to table "messages", not to table "counters"/);
  assert.equal(await errorOf(() => tx.get(ids[3]!, { isSystem: true })), "User tables cannot be accessed with db.system.");

  const counters = store.tableNameOfId(ids[0]!);
  assert.equal(counters, "messages");
  assert.equal(tx.normalizeId("messages", ids[2]!), ids[2]);
  assert.equal(tx.normalizeId("counters", ids[2]!), null);
  assert.equal(tx.normalizeId("nosuchtable", ids[2]!), null);
  assert.equal(tx.normalizeId("messages", "garbage"), null);
  assert.equal(tx.normalizeId("10001", ids[2]!), ids[2]); // table given by number
  const internal = Buffer.from(new Uint8Array(16).fill(9)).toString("base64url");
  assert.equal(tx.normalizeId("messages", internal), encodeId(10001, new Uint8Array(16).fill(9)));
  tx.end();
  await store.close();
});

test("system tables: only with isSystem, never user tables through it", async () => {
  const store = await openStore();
  const tx = await store.beginWrite();
  assert.equal(await errorOf(() => tx.insert("_storage", { size: 1 })), "System tables can only be accessed with db.system.");
  const file = tx.insert("_storage", { sha256: "abc", size: 3 }, { isSystem: true });
  const job = tx.insert(
    "_scheduled_functions",
    { name: "a:b", args: [], scheduledTime: 1, state: { kind: "pending" } },
    { isSystem: true },
  );
  assert.equal(file.length, 31); // small fixed table numbers
  assert.equal(store.tableNameOfId(file), "_storage");
  assert.equal(store.tableNameOfId(job), "_scheduled_functions");
  assert.equal(await errorOf(() => tx.get(file)), "System tables can only be accessed with db.system.");
  assert.equal(tx.get(file, { isSystem: true })?.size, 3);
  assert.equal(await errorOf(() => tx.patch(job, { state: { kind: "canceled" } })), "System tables can only be accessed with db.system.");
  assert.deepEqual(tx.patch(job, { state: { kind: "canceled" } }, { isSystem: true }).state, { kind: "canceled" });
  assert.equal(await errorOf(() => collectIn(tx, scan("_storage"))), "System tables can only be accessed with db.system.");
  assert.equal(collectIn(tx, scan("_storage"), 3, true).length, 1);
  assert.equal(await errorOf(() => collectIn(tx, scan("messages"), 3, true)), "User tables cannot be accessed with db.system.");
  tx.commit();
  await store.close();
});

test("order of documents with equal index keys is _creationTime, then _id", async () => {
  const { store } = await numbered();
  const even = await collect(store, indexed("messages.by_channel", [r.eq("channel", "even")], "desc"));
  assert.deepEqual(ns(even), [10, 8, 6, 4, 2, 0]);
  await store.close();
});
