// Differential test: the same Convex functions (test/store/fixtures/messages.ts, real `convex`
// query builders) run through convex-test, the reference, and through our store via a small
// syscall host, with the same writes in the same order. Results must match modulo the ID format
// (convex-test's IDs are not real IDs) and `_creationTime` values.
//
// Where convex-test deviates from the backend we follow the backend, and the test says so:
//  * `$lt`/`$lte`/`$gt`/`$gte` filters: convex-test uses JavaScript's operators, the backend the
//    total order over all values (different across types and for missing fields);
//  * a page that fills up exactly at the end: convex-test reports `isDone: true`, the backend
//    (and we) report `isDone: false`, and the next page is empty and done;
//  * IDs: convex-test makes "<counter><table>" strings, we make real base32 IDs.
// Search queries are compared in search-differential.test.ts (convex-test does not rank them).
// biome-ignore-all lint/suspicious/noExplicitAny: convex-test's API is typed for a generated `api`; this test drives it with runtime-built function references and specs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { anyApi } from "convex/server";
import { compareValues, convexToJson, jsonToConvex, type Value } from "convex/values";
import type { JSONValue } from "../../runtime/store/types";
import { LIKES, setUp } from "./convex-test-pair";
import * as messages from "./fixtures/messages";
import { type FilterSpec, type QuerySpec, UNDEFINED_ARG } from "./fixtures/messages";

const describe = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${v}n` : v));

test("streamed queries: same results as convex-test", async () => {
  const { store, pair, random, pick, makeDoc } = await setUp(11);
  await pair.insert(Array.from({ length: 25 }, (_, n) => makeDoc(n)));
  await pair.insert(Array.from({ length: 20 }, (_, n) => makeDoc(25 + n)));
  const likeArg = (): unknown => {
    const v = pick(LIKES);
    return v === undefined ? UNDEFINED_ARG : v;
  };

  const specs: QuerySpec[] = [{}, { order: "desc" }, { take: 4 }, { first: true }, { order: "desc", first: true }];
  for (const channel of ["a", "b", "c", "zzz"]) {
    specs.push({ index: "by_channel", range: [["eq", "channel", channel]] });
    specs.push({ index: "by_channel", range: [["eq", "channel", channel]], order: "desc", take: 3 });
  }
  specs.push(
    { index: "by_author", range: [["eq", "author.name", "ann"]] },
    { index: "by_author", range: [["eq", "author.name", UNDEFINED_ARG]] },
  );
  specs.push({ index: "by_channel_likes" }, { index: "by_channel_likes", order: "desc" });
  for (let i = 0; i < 40; i++) {
    const range: NonNullable<QuerySpec["range"]> = [["eq", "channel", pick(["a", "b", "c"])]];
    if (random() < 0.7) range.push([pick(["gt", "gte"] as const), "likes", likeArg()]);
    if (random() < 0.7) range.push([pick(["lt", "lte"] as const), "likes", likeArg()]);
    if (range.length === 1) range.push(["eq", "likes", likeArg()]);
    specs.push({ index: "by_channel_likes", range, order: pick(["asc", "desc"] as const) });
  }
  const filters: FilterSpec[] = [
    ["eq", { field: "likes" }, { value: 1 }],
    ["neq", { field: "likes" }, { value: "x" }],
    ["eq", { field: "likes" }, { value: UNDEFINED_ARG }],
    ["eq", { field: "author.name" }, { value: "bob" }],
    ["and", ["eq", { field: "channel" }, { value: "a" }], ["not", ["eq", { field: "likes" }, { value: null }]]],
    ["or", ["lt", { field: "n" }, { value: 5 }], ["gte", { field: "n" }, { value: 40 }]],
    ["and", ["gt", { field: "n" }, { value: 10 }], ["lte", { field: "n" }, { value: 12 }]],
    ["eq", { field: "likes" }, { value: [1, 2] }],
    ["eq", { field: "likes" }, { value: { k: 1 } }],
  ];
  for (const filter of filters) {
    specs.push({ filters: [filter] });
    specs.push({ index: "by_channel", range: [["eq", "channel", "b"]], filters: [filter], order: "desc" });
  }
  specs.push({ filters: [["eq", { field: "n" }, { value: 7 }]], unique: true });

  for (const spec of specs) {
    const [ours, theirs] = await pair.run(spec);
    assert.deepEqual(ours, theirs, describe(spec));
  }

  // Writes, then the same queries again.
  await pair.patch(3, { likes: UNDEFINED_ARG as any, channel: "c" });
  await pair.patch(4, { likes: 2n });
  await pair.remove(5);
  for (const spec of specs.slice(0, 20)) {
    const [ours, theirs] = await pair.run(spec);
    assert.deepEqual(ours, theirs, describe(spec));
  }
  await store.close();
});

test("range and inequality filters across types: we follow the backend's total order, convex-test does not", async () => {
  const { store, pair, makeDoc } = await setUp(12);
  await pair.insert(Array.from({ length: 30 }, (_, n) => makeDoc(n)));
  const spec: QuerySpec = { filters: [["lt", { field: "likes" }, { value: 2 }]] };
  const [ours, theirs] = await pair.run(spec);
  const all = (await pair.run({}))[0] as Array<{ likes?: JSONValue }>;
  const backend = all.filter((d) => compareValues(d.likes === undefined ? undefined : jsonToConvex(d.likes), 2) < 0);
  assert.deepEqual(ours, backend);
  // convex-test's JS `<` drops missing fields, null and strings differently (documented deviation).
  assert.notDeepEqual(theirs, backend);
  // Index bounds use the total order in both, so they agree.
  const [a, b] = await pair.run({
    index: "by_channel_likes",
    range: [
      ["eq", "channel", "a"],
      ["lt", "likes", 2],
    ],
  });
  assert.deepEqual(a, b);
  await store.close();
});

test("pagination walks, with writes between pages: same pages as convex-test", async () => {
  const { store, pair, random, pick, makeDoc } = await setUp(13);
  await pair.insert(Array.from({ length: 40 }, (_, n) => makeDoc(n)));
  let nextN = 1000;
  const walks: Array<{ spec: QuerySpec; numItems: number; maximumRowsRead?: number }> = [
    { spec: {}, numItems: 4 },
    { spec: { order: "desc" }, numItems: 7 },
    { spec: { index: "by_channel", range: [["eq", "channel", "a"]] }, numItems: 3 },
    { spec: { index: "by_channel_likes", range: [["eq", "channel", "b"]], order: "desc" }, numItems: 2 },
    { spec: { filters: [["neq", { field: "channel" }, { value: "c" }]] }, numItems: 5 },
    { spec: { filters: [["eq", { field: "channel" }, { value: "a" }]] }, numItems: 10, maximumRowsRead: 6 },
    // numItems 0: exactly as many as match, so the first page fills up at the end (isDone deviation).
    { spec: { index: "by_channel", range: [["eq", "channel", "c"]] }, numItems: 0 },
  ];
  let exactFills = 0;
  for (const walk of walks) {
    if (walk.numItems === 0) walk.numItems = ((await pair.run(walk.spec))[0] as unknown[]).length;
    let oursCursor: string | null = null;
    let theirsCursor: string | null = null;
    for (let step = 0; step < 100; step++) {
      const paginate = (cursor: string | null) => ({
        numItems: walk.numItems,
        cursor,
        ...(walk.maximumRowsRead ? { maximumRowsRead: walk.maximumRowsRead } : {}),
      });
      // Each side gets its own cursor; the specs are otherwise identical.
      const theirs = convexToJson(
        (await (pair as any).t.query(anyApi.messages!.run as any, { spec: { ...walk.spec, paginate: paginate(theirsCursor) } })) as Value,
      ) as any;
      const ours = (await (pair as any).ours.call(messages.run, "query", {
        spec: { ...walk.spec, paginate: paginate(oursCursor) },
      })) as any;
      const norm = (side: "ours" | "theirs", docs: JSONValue) => (pair as any).normalize(docs, (pair as any).ids[side]);
      assert.deepEqual(norm("ours", ours.page), norm("theirs", theirs.page), `${describe(walk)} step ${step}`);
      oursCursor = ours.continueCursor;
      theirsCursor = theirs.continueCursor;
      if (theirs.isDone && !ours.isDone) {
        // convex-test deviation: it calls a page that fills up at the very end "done".
        assert.equal(ours.page.length, walk.numItems);
        const last = (await (pair as any).ours.call(messages.run, "query", {
          spec: { ...walk.spec, paginate: paginate(oursCursor) },
        })) as any;
        assert.deepEqual(last.page, []);
        assert.equal(last.isDone, true);
        exactFills++;
        break;
      }
      assert.equal(ours.isDone, theirs.isDone);
      if (ours.isDone) break;
      // The same writes on both sides between pages.
      const action = random();
      if (action < 0.3 && pair.live.length > 10) await pair.remove(pick(pair.live));
      else if (action < 0.6) await pair.insert([makeDoc(nextN++)]);
      else if (action < 0.8) await pair.patch(pick(pair.live), { channel: pick(["a", "b", "c"]) });
    }
  }
  assert.ok(exactFills >= 1, "the exactly-full last page case was exercised");
  await store.close();
});
