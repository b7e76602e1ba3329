// Batches as the worker gets them (`queryBatchJson`): each document as its stored JSON text, not
// parsed on the host. The worker hands that text to the `convex` package where it used to
// stringify the parsed document, so the two must agree byte for byte, batch by batch, for every
// kind of query and every kind of value.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Store } from "../../runtime/store/sqlite-store";
import type { JSONValue, ReadTransaction, SerializedQuery } from "../../runtime/store/types";
import { f, indexed, insertAll, int, openStore, r, scan } from "./helpers";

/** Values whose JSON text is easy to get wrong: escapes, non-ASCII, integer-like keys, encoded scalars. */
const AWKWARD: Array<{ [key: string]: JSONValue }> = [
  { channel: "a", body: 'quotes " and \\ backslashes\nnew line\ttab \u0001', likes: 1 },
  { channel: "a", body: "ünïcödé 😀 and a lone surrogate \ud800", likes: 2.5 },
  { channel: "b", body: "keys that look like numbers", likes: -0.000001, author: { 10: "ten", 2: "two", name: "z", "01": "zero-one" } },
  { channel: "b", body: "encoded scalars", likes: 1e21, count: int(-42n), bytes: { $bytes: "AAEC/w==" }, nested: [[], {}, [null, true]] },
  { channel: "c", body: "float specials", likes: 3, specials: [{ $float: "AAAAAAAA+H8=" }, { $float: "AAAAAAAAAIA=" }] },
  ...Array.from({ length: 20 }, (_, i) => ({ channel: i % 2 ? "odd" : "even", body: `plain number ${i}`, likes: i })),
];

async function awkwardStore(): Promise<Store> {
  const store = await openStore();
  await insertAll(store, "messages", AWKWARD);
  return store;
}

/** Both forms of every batch of a query, to its end, with the positions each returned. */
function bothForms(tx: ReadTransaction, query: SerializedQuery, batch: number) {
  const parsed: Array<{ docs: string[]; position: string | null; done: boolean }> = [];
  const text: typeof parsed = [];
  let position: string | null = null;
  let positionJson: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const a = tx.queryBatch(query, position, batch);
    const b = tx.queryBatchJson(query, positionJson, batch);
    parsed.push({ ...a, docs: a.docs.map((doc) => JSON.stringify(doc)) });
    text.push(b);
    position = a.position;
    positionJson = b.position;
    if (a.done && b.done) return { parsed, text };
  }
  throw new Error("query did not finish");
}

test("a batch as stored JSON text is the parsed batch stringified, for every kind of query and value", async () => {
  const store = await awkwardStore();
  const search = (value: string): SerializedQuery => ({
    source: { type: "Search", indexName: "messages.search_body", filters: [{ type: "Search", fieldPath: "body", value }] },
    operators: [],
  });
  const queries: SerializedQuery[] = [
    scan("messages"),
    scan("messages", "desc"),
    indexed("messages.by_channel", [r.eq("channel", "b")]),
    indexed("messages.by_channel_likes", [r.eq("channel", "even"), r.gte("likes", 4)], "desc"),
    scan("messages", null, [{ filter: f.op("$eq", f.field("channel"), f.lit("odd")) }, { limit: 4 }]),
    scan("messages", null, [{ limit: 7 }, { filter: f.op("$gt", f.field("likes"), f.lit(2)) }]),
    scan("messages", null, [{ limit: 0 }]),
    search("number"),
    search("zebra"),
  ];
  const tx = await store.beginRead();
  try {
    for (const query of queries) {
      for (const batch of [1, 3, 100]) {
        const { parsed, text } = bothForms(tx, query, batch);
        assert.deepEqual(text, parsed, JSON.stringify(query));
      }
    }
    // The awkward documents themselves come back as they went in.
    const all = tx.queryBatchJson(scan("messages"), null, 100).docs.map((json) => JSON.parse(json) as { [key: string]: JSONValue });
    assert.equal(all.length, AWKWARD.length);
    all.forEach((doc, i) => {
      const { _id, _creationTime, ...fields } = doc;
      assert.deepEqual(fields, AWKWARD[i]);
    });
  } finally {
    tx.end();
    await store.close();
  }
});

test("a write transaction's batches as text show its own writes, as the parsed ones do", async () => {
  const store = await awkwardStore();
  const tx = await store.beginWrite();
  try {
    tx.insert("messages", { channel: "a", body: "written here", likes: 99 });
    const query = indexed("messages.by_channel", [r.eq("channel", "a")]);
    const { parsed, text } = bothForms(tx, query, 2);
    assert.deepEqual(text, parsed);
    assert.equal(text.flatMap((batch) => batch.docs).length, 3);
  } finally {
    tx.abort();
    await store.close();
  }
});
