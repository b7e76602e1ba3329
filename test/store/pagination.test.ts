// queryPage: cursor walks, writes between pages, endCursor, maximumRowsRead / maximumBytesRead,
// splitCursor / pageStatus, and argument errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Store } from "../../runtime/store/sqlite-store";
import type { DocumentJSON, QueryPageArgs, QueryPageResult, SerializedQuery } from "../../runtime/store/types";
import { errorOf, f, indexed, insertAll, openStore, r, rng, scan } from "./helpers";

async function page(
  store: Store,
  query: SerializedQuery,
  cursor: string | null,
  pageSize: number,
  extra: Partial<QueryPageArgs> = {},
): Promise<QueryPageResult> {
  const tx = await store.beginRead();
  try {
    return tx.queryPage({ query, cursor, endCursor: null, pageSize, maximumRowsRead: null, ...extra });
  } finally {
    tx.end();
  }
}
const ns = (docs: DocumentJSON[]) => docs.map((d) => d.n as number);

async function numbered(count: number) {
  const store = await openStore();
  const ids = await insertAll(
    store,
    "messages",
    Array.from({ length: count }, (_, i) => ({ n: i, channel: i % 3 === 0 ? "x" : "y" })),
  );
  return { store, ids };
}

test("a cursor walk returns every document once; a page that fills exactly is not yet done", async () => {
  const { store } = await numbered(20);
  for (const size of [1, 3, 4, 7, 20, 25]) {
    for (const order of ["asc", "desc"] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const result = await page(store, scan("messages", order), cursor, size);
        pages++;
        seen.push(...ns(result.page));
        assert.ok(result.page.length <= size);
        cursor = result.continueCursor;
        if (result.isDone) break;
        assert.equal(result.page.length, size);
      }
      const all = Array.from({ length: 20 }, (_, i) => i);
      assert.deepEqual(seen, order === "asc" ? all : all.reverse());
      // Like the backend, a page that fills up is never "done": when 20 is a multiple of the
      // size, one more (empty) page ends the walk.
      assert.equal(pages, Math.floor(20 / size) + 1);
    }
  }
  // The final cursor yields nothing more.
  const end = await page(store, scan("messages"), null, 100);
  assert.equal(end.isDone, true);
  const after = await page(store, scan("messages"), end.continueCursor, 5);
  assert.deepEqual(after.page, []);
  assert.equal(after.isDone, true);
  await store.close();
});

test("writes between pages: every document that stays is seen exactly once", async () => {
  const { store, ids } = await numbered(30);
  const random = rng(3);
  const live = new Set(ids);
  const seen = new Map<string, number>();
  let cursor: string | null = null;
  let nextN = 1000;
  for (let step = 0; step < 100; step++) {
    const result = await page(store, indexed("messages.by_channel", [r.eq("channel", "y")]), cursor, 3);
    for (const doc of result.page) seen.set(doc._id, (seen.get(doc._id) ?? 0) + 1);
    cursor = result.continueCursor;
    if (result.isDone) break;
    const tx = await store.beginWrite();
    const liveIds = [...live];
    const victim = liveIds[Math.floor(random() * liveIds.length)]!;
    tx.remove(victim);
    live.delete(victim);
    live.add(tx.insert("messages", { n: nextN++, channel: random() < 0.5 ? "x" : "y" }));
    tx.commit();
  }
  const tx = await store.beginRead();
  const stillThere = [...live].filter((id) => tx.get(id)?.channel === "y");
  tx.end();
  for (const [id, times] of seen) assert.equal(times, 1, `seen ${id} ${times} times`);
  // Documents present from start to end, and the ones inserted (they sort last), are all seen.
  for (const id of stillThere) assert.ok(seen.has(id), `missed ${id}`);
  await store.close();
});

test("endCursor re-reads a page up to the same position, including documents added since", async () => {
  const { store, ids } = await numbered(10);
  const first = await page(store, scan("messages"), null, 4);
  assert.deepEqual(ns(first.page), [0, 1, 2, 3]);
  const tx = await store.beginWrite();
  tx.remove(ids[1]!);
  tx.commit();
  const again = await page(store, scan("messages"), null, 1, { endCursor: first.continueCursor });
  // pageSize does not apply with an endCursor: the page is everything up to it.
  assert.deepEqual(ns(again.page), [0, 2, 3]);
  assert.equal(again.continueCursor, first.continueCursor);
  assert.equal(again.isDone, false);
  const second = await page(store, scan("messages"), first.continueCursor, 100);
  const secondAgain = await page(store, scan("messages"), first.continueCursor, 1, { endCursor: second.continueCursor });
  assert.deepEqual(ns(secondAgain.page), [4, 5, 6, 7, 8, 9]);
  assert.equal(secondAgain.isDone, true);
  await store.close();
});

test("maximumRowsRead stops a page with SplitRequired; the walk still covers everything", async () => {
  const { store } = await numbered(20);
  const onlyX = scan("messages", null, [{ filter: f.op("$eq", f.field("channel"), f.lit("x")) }]);
  const first = await page(store, onlyX, null, 10, { maximumRowsRead: 5 });
  assert.deepEqual(ns(first.page), [0, 3]); // rows 0..4 were read, two matched
  assert.equal(first.pageStatus, "SplitRequired");
  assert.equal(first.isDone, false);
  const seen = [...ns(first.page)];
  let cursor = first.continueCursor;
  for (;;) {
    const result = await page(store, onlyX, cursor, 10, { maximumRowsRead: 5 });
    seen.push(...ns(result.page));
    cursor = result.continueCursor;
    if (result.isDone) break;
  }
  assert.deepEqual(seen, [0, 3, 6, 9, 12, 15, 18]);
  // With fewer rows left than the limit, the range ends first: done, no split.
  const tail = await page(store, scan("messages"), null, 100, { maximumRowsRead: 100 });
  assert.equal(tail.isDone, true);
  assert.equal(tail.pageStatus, null);
  // ...but 20 rows is over 3/4 of 25: the backend recommends splitting such a page.
  assert.equal((await page(store, scan("messages"), null, 100, { maximumRowsRead: 25 })).pageStatus, "SplitRecommended");
  // Reading exactly the limit when nothing follows still reports SplitRequired (the reader cannot
  // know the range ended), as the backend does.
  const exact = await page(store, scan("messages"), null, 100, { maximumRowsRead: 20 });
  assert.equal(exact.page.length, 20);
  assert.equal(exact.pageStatus, "SplitRequired");
  assert.equal(exact.isDone, false);
  await store.close();
});

test("maximumBytesRead, splitCursor and SplitRecommended", async () => {
  const { store } = await numbered(20);
  const bytes = await page(store, scan("messages"), null, 10, { maximumBytesRead: 1 });
  assert.equal(bytes.page.length, 1); // at least one row, then the limit
  assert.equal(bytes.pageStatus, "SplitRequired");

  const ten = await page(store, scan("messages"), null, 10);
  assert.ok(ten.splitCursor);
  assert.equal(ten.pageStatus, null);
  // The split cursor sits in the middle of the rows read: pages [start, split] and (split, end].
  const left = await page(store, scan("messages"), null, 10, { endCursor: ten.splitCursor });
  const right = await page(store, scan("messages"), ten.splitCursor, 10, { endCursor: ten.continueCursor });
  assert.deepEqual([...ns(left.page), ...ns(right.page)], ns(ten.page));
  assert.deepEqual(ns(left.page), [0, 1, 2, 3, 4, 5]);
  assert.equal((await page(store, scan("messages"), null, 2)).splitCursor, null); // two rows: no split

  // More than 3/4 of maximumRowsRead read (to find two "x" rows, 4 rows are read): split recommended.
  const onlyX = scan("messages", null, [{ filter: f.op("$eq", f.field("channel"), f.lit("x")) }]);
  const recommended = await page(store, onlyX, null, 2, { maximumRowsRead: 5 });
  assert.deepEqual(ns(recommended.page), [0, 3]);
  assert.equal(recommended.pageStatus, "SplitRecommended");
  await store.close();
});

test("argument errors: page size, limits, cursors of another query", async () => {
  const { store } = await numbered(3);
  assert.equal(await errorOf(() => page(store, scan("messages"), null, 0)), "Must request at least 1 document while paginating");
  assert.equal(
    await errorOf(() => page(store, scan("messages"), null, 5, { maximumRowsRead: 0 })),
    "maximumRowsRead and maximumBytesRead must be greater than 0",
  );
  assert.equal(
    await errorOf(() => page(store, scan("messages"), null, 5, { maximumBytesRead: 0 })),
    "maximumRowsRead and maximumBytesRead must be greater than 0",
  );
  const cursor = (await page(store, scan("messages"), null, 1)).continueCursor;
  const invalid = "InvalidCursor: Tried to run a query starting from a cursor, but it looks like this cursor is from a different query.";
  assert.equal(await errorOf(() => page(store, scan("messages", "desc"), cursor, 1)), invalid);
  assert.equal(await errorOf(() => page(store, scan("messages"), "not-a-cursor", 1)), invalid);
  assert.equal(await errorOf(() => page(store, scan("messages"), null, 1, { endCursor: "x" })), invalid);
  await store.close();
});
