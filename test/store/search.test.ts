// Full-text search on the store: the backend's errors, its 1024-result limit, its documented
// examples (docs.convex.dev/search/text-search), and the search index kept right through rollbacks,
// restarts and schema changes.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DocumentJSON, SchemaInfo, SerializedQuery } from "../../runtime/store/types";
import { collect, collectIn, errorOf, f, insertAll, messagesSchema, openStore, tempDir, tmpFileIn } from "./helpers";

type Filter = { type: "Search"; fieldPath: string; value: string } | { type: "Eq"; fieldPath: string; value: string };

function search(
  text: string,
  more: Filter[] = [],
  operators: SerializedQuery["operators"] = [],
  index = "messages.search_body",
): SerializedQuery {
  return {
    source: { type: "Search", indexName: index, filters: [{ type: "Search", fieldPath: "body", value: text }, ...more] },
    operators,
  };
}
const eq = (fieldPath: string, value: string): Filter => ({ type: "Eq", fieldPath, value });
const bodies = (docs: DocumentJSON[]) => docs.map((d) => d.body);

test("search queries get the backend's errors, in its words", async () => {
  const store = await openStore({
    ...messagesSchema,
    tables: [
      {
        ...messagesSchema.tables[0]!,
        stagedSearchIndexes: [{ indexDescriptor: "search_staged", searchField: "body", filterFields: [] }],
      },
      messagesSchema.tables[1]!,
    ],
  });
  await insertAll(store, "messages", [{ body: "hello", channel: "a" }]);
  const cases: Array<[SerializedQuery, string]> = [
    [
      {
        source: { type: "Search", indexName: "messages.search_body", filters: [{ type: "Search", fieldPath: "channel", value: "x" }] },
        operators: [],
      },
      'Search query against messages.search_body contains a search filter against "channel", which doesn\'t match the indexed `searchField` "body".',
    ],
    [
      search("a", [{ type: "Search", fieldPath: "body", value: "b" }]),
      'Search query against messages.search_body contains multiple search filters against "body". Only one is allowed.',
    ],
    [
      search("a", [eq("author", "x")]),
      'Search query against messages.search_body contains an equality filter on "author" but that field isn\'t indexed for filtering in `filterFields`.',
    ],
    [
      { source: { type: "Search", indexName: "messages.search_body", filters: [eq("channel", "a")] }, operators: [] },
      'Search query against messages.search_body does not contain any search filters. You must include a search filter like `q.search(""body"", searchText)`.',
    ],
    [
      search(
        "a",
        Array.from({ length: 9 }, () => eq("channel", "a")),
      ),
      "Search query against messages.search_body has too many filter conditions. Max: 8 Actual: 9",
    ],
    [search("a", [], [], "messages.by_channel"), "Index messages.by_channel is not a search index"],
    [
      search("a", [], [], "messages.search_staged"),
      "Index messages.search_staged is currently staged and not available to query until it is enabled.",
    ],
    [search("a", [], [], "messages.nope"), "Index messages.nope not found."],
  ];
  for (const [query, message] of cases) assert.equal(await errorOf(() => collect(store, query)), message);
  // Eight conditions are allowed.
  assert.deepEqual(
    bodies(
      await collect(
        store,
        search(
          "hello",
          Array.from({ length: 8 }, () => eq("channel", "a")),
        ),
      ),
    ),
    ["hello"],
  );
  await store.close();
});

test("a search returns at most 1024 results: take and paginate within them, reading past them is an error", async () => {
  const store = await openStore();
  await insertAll(
    store,
    "messages",
    Array.from({ length: 1100 }, (_, n) => ({ n, channel: "a", body: n % 2 ? "word" : "word word" })),
  );
  const first = await collect(store, search("word", [], [{ limit: 1024 }]), 100);
  assert.equal(first.length, 1024);
  // Best first (two occurrences outscore one), newest first among equal scores.
  assert.deepEqual(
    first.slice(0, 3).map((d) => d.n),
    [1098, 1096, 1094],
  );
  assert.deepEqual(
    first.slice(550, 552).map((d) => d.n),
    [1099, 1097],
  );
  assert.match(await errorOf(() => collect(store, search("word"), 100)), /^Search query scanned too many documents \(fetched 1024\)/);
  // `.filter()` applies after the search: documents it drops count against the 1024 too.
  const odd = { filter: f.op("$eq", f.field("channel"), f.lit("b")) };
  assert.match(await errorOf(() => collect(store, search("word", [], [odd]), 100)), /scanned too many documents/);
  // Pages: each page runs the search again and reads the results after its cursor among the best
  // 1024, so paginating reads all 1024 and then ends, without the error.
  const tx = await store.beginRead();
  let cursor: string | null = null;
  const seen: number[] = [];
  for (let i = 0; i < 20; i++) {
    const page = tx.queryPage({
      query: search("word"),
      cursor,
      endCursor: null,
      pageSize: 100,
      maximumRowsRead: null,
      maximumBytesRead: null,
    });
    seen.push(...page.page.map((d) => d.n as number));
    cursor = page.continueCursor;
    if (page.isDone) break;
  }
  tx.end();
  assert.deepEqual(
    seen,
    first.map((d) => d.n),
  );
  await store.close();
});

test("the documented rules: relevance order, prefix on the last term only, 16 terms, eq filters", async () => {
  const store = await openStore();
  await insertAll(store, "messages", [
    { channel: "general", body: "hello hi" },
    { channel: "general", body: "hi there, how are you" },
    { channel: "random", body: "hi hi hi" },
    { channel: "general", body: "history of the world" },
    { channel: "general", body: "nothing to see" },
  ]);
  // "hi" matches "hi" exactly and, as the last term, prefixes "history", which weighs half. BM25
  // favours more occurrences, shorter documents and rarer terms: "history" is in one document, so
  // its prefix match outranks the exact match in a longer document.
  assert.deepEqual(bodies(await collect(store, search("hi"))), ["hi hi hi", "hello hi", "history of the world", "hi there, how are you"]);
  // Filters select; the statistics stay those of the whole index.
  assert.deepEqual(bodies(await collect(store, search("hi", [eq("channel", "general")]))), [
    "hello hi",
    "history of the world",
    "hi there, how are you",
  ]);
  // Not the last term: "hi" must match whole, so "history" is not found through it.
  assert.deepEqual(
    bodies(await collect(store, search("hi wor"))).sort(),
    ["hello hi", "hi hi hi", "hi there, how are you", "history of the world"].sort(),
  );
  assert.deepEqual(bodies(await collect(store, search("his nothing"))), ["nothing to see"]);
  // Terms past the 16th are ignored.
  const padding = Array.from({ length: 16 }, (_, i) => `pad${i}`).join(" ");
  assert.deepEqual(await collect(store, search(`${padding} nothing`)), []);
  assert.deepEqual(bodies(await collect(store, search(`${padding.split(" ").slice(1).join(" ")} nothing`))), ["nothing to see"]);
  // A filter value no document has: nothing.
  assert.deepEqual(await collect(store, search("hi", [eq("channel", "nope")])), []);
  await store.close();
});

test("the search index follows every write: rolled back, restarted, rebuilt when the schema changes", async () => {
  const dir = tempDir();
  const file = tmpFileIn(dir);
  let store = await openStore(messagesSchema, { file });
  const [a, b] = await insertAll(store, "messages", [
    { channel: "x", body: "apple pie" },
    { channel: "x", body: "banana bread" },
  ]);
  // A rolled back write leaves no trace in the index.
  let tx = await store.beginWrite();
  tx.patch(a!, { body: "cherry tart" });
  tx.insert("messages", { channel: "x", body: "cherry jam" });
  tx.abort();
  assert.deepEqual(await collect(store, search("cherry")), []);
  assert.deepEqual(bodies(await collect(store, search("apple"))), ["apple pie"]);
  // A savepoint rolled back inside a committed transaction.
  tx = await store.beginWrite();
  tx.patch(b!, { body: "banana split" });
  const savepoint = tx.savepoint();
  tx.remove(a!);
  tx.rollbackTo(savepoint);
  // A transaction sees its own writes.
  assert.deepEqual(
    collectIn(tx, search("split")).map((d) => d.body),
    ["banana split"],
  );
  tx.commit();
  await store.close();

  store = await openStore(messagesSchema, { file });
  assert.deepEqual(bodies(await collect(store, search("apple"))), ["apple pie"]);
  assert.deepEqual(bodies(await collect(store, search("banana"))), ["banana split"]);
  assert.deepEqual(await collect(store, search("bread")), []);
  // A search index on another field: built over the existing documents; the old one is gone.
  const byChannel: SchemaInfo = {
    ...messagesSchema,
    tables: [
      { ...messagesSchema.tables[0]!, searchIndexes: [{ indexDescriptor: "search_channel", searchField: "channel", filterFields: [] }] },
    ],
  };
  await store.setSchema(byChannel);
  const channelSearch: SerializedQuery = {
    source: { type: "Search", indexName: "messages.search_channel", filters: [{ type: "Search", fieldPath: "channel", value: "x" }] },
    operators: [],
  };
  assert.equal((await collect(store, channelSearch)).length, 2);
  assert.equal(await errorOf(() => collect(store, search("apple"))), "Index messages.search_body not found.");
  await store.close();
  store = await openStore(byChannel, { file });
  assert.equal((await collect(store, channelSearch)).length, 2);
  await store.close();
});
