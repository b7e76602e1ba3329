// Index range queries: results against a brute-force evaluation with compareValues, and every
// range-rule error in the backend's words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareValues, jsonToConvex, type Value } from "convex/values";
import type { DocumentJSON, JSONValue, RangeExpression } from "../../runtime/store/types";
import { collect, errorOf, indexed, insertAll, int, openStore, r, rng, UNDEFINED } from "./helpers";

const LIKES: Array<JSONValue | undefined> = [undefined, null, 0, 1, 2, 2.5, -1, int(1), int(5), "1", "x", true, false, [1], { a: 1 }];

async function seeded() {
  const store = await openStore();
  const random = rng(99);
  const values = Array.from({ length: 60 }, (_, i) => {
    const doc: { [k: string]: JSONValue } = { channel: ["a", "b", "c"][i % 3]!, n: i };
    const likes = LIKES[Math.floor(random() * LIKES.length)];
    if (likes !== undefined) doc.likes = likes;
    if (i % 4 !== 0) doc.author = { name: ["ann", "bob", "cy"][i % 3]! };
    return doc;
  });
  await insertAll(store, "messages", values);
  const all = await collect(store, indexed("messages.by_creation_time"), 100);
  return { store, all };
}

const val = (doc: DocumentJSON, field: string): Value | undefined => {
  let cur: JSONValue | undefined = doc;
  for (const step of field.split(".")) {
    cur = cur !== null && typeof cur === "object" && !Array.isArray(cur) ? cur[step] : undefined;
  }
  return cur === undefined ? undefined : jsonToConvex(cur);
};
const decode = (v: JSONValue): Value | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) && "$undefined" in v ? undefined : jsonToConvex(v);

/** What an index range query must return: matching documents sorted by the index key. */
function expected(all: DocumentJSON[], fields: string[], range: RangeExpression[], order: "asc" | "desc"): string[] {
  const keyFields = [...fields, "_creationTime", "_id"];
  const matching = all.filter((doc) =>
    range.every((expr) => {
      const c = compareValues(val(doc, expr.fieldPath), decode(expr.value));
      return { Eq: c === 0, Gt: c > 0, Gte: c >= 0, Lt: c < 0, Lte: c <= 0 }[expr.type];
    }),
  );
  matching.sort((x, y) => {
    for (const field of keyFields) {
      const c = compareValues(val(x, field), val(y, field));
      if (c !== 0) return c;
    }
    return 0;
  });
  if (order === "desc") matching.reverse();
  return matching.map((doc) => doc._id);
}

test("random ranges on a compound index match a brute-force evaluation", async () => {
  const { store, all } = await seeded();
  const random = rng(5);
  const pickValue = (): JSONValue => {
    const v = LIKES[Math.floor(random() * LIKES.length)];
    return v === undefined ? UNDEFINED : v;
  };
  for (let i = 0; i < 150; i++) {
    const range: RangeExpression[] = [];
    const channels = ["a", "b", "c", "d", ""];
    // Bounds go on the field after the equalities: `likes` after an equality on `channel`.
    const withChannel = random() < 0.7;
    if (withChannel) range.push(r.eq("channel", channels[Math.floor(random() * channels.length)]!));
    const boundField = withChannel ? "likes" : "channel";
    const boundValue = (): JSONValue => (withChannel || random() < 0.3 ? pickValue() : channels[Math.floor(random() * channels.length)]!);
    if (random() < 0.6) range.push((random() < 0.5 ? r.gt : r.gte)(boundField, boundValue()));
    if (random() < 0.6) range.push((random() < 0.5 ? r.lt : r.lte)(boundField, boundValue()));
    if (withChannel && range.length === 1 && random() < 0.3) range.push(r.eq("likes", pickValue()));
    const order = random() < 0.5 ? "asc" : "desc";
    const got = await collect(store, indexed("messages.by_channel_likes", range, order), 1 + Math.floor(random() * 7));
    assert.deepEqual(
      got.map((d) => d._id),
      expected(all, ["channel", "likes"], range, order),
      JSON.stringify(range),
    );
  }
  await store.close();
});

test("system indexes, nested fields and undefined bounds", async () => {
  const { store, all } = await seeded();
  const byCreation = all.map((d) => d._id);
  assert.deepEqual(
    (await collect(store, indexed("messages.by_creation_time", [], "desc"))).map((d) => d._id),
    [...byCreation].reverse(),
  );
  const mid = all[30]!;
  assert.deepEqual(
    (await collect(store, indexed("messages.by_creation_time", [r.gt("_creationTime", mid._creationTime)]))).map((d) => d._id),
    byCreation.slice(31),
  );
  assert.deepEqual(
    (await collect(store, indexed("messages.by_id", [r.eq("_id", mid._id)]))).map((d) => d._id),
    [mid._id],
  );
  assert.deepEqual(
    (await collect(store, indexed("messages.by_id"))).map((d) => d._id),
    [...byCreation].sort((a, b) => compareValues(a, b)),
  );
  for (const name of ["ann", "bob"]) {
    assert.deepEqual(
      (await collect(store, indexed("messages.by_author_name", [r.eq("author.name", name)]))).map((d) => d._id),
      expected(all, ["author.name"], [r.eq("author.name", name)], "asc"),
    );
  }
  // A missing field is `undefined`: eq(undefined) finds exactly the documents without it.
  const missing = await collect(store, indexed("messages.by_author_name", [r.eq("author.name", UNDEFINED)]));
  assert.equal(missing.length, 15);
  assert.ok(missing.every((d) => d.author === undefined));
  assert.deepEqual(
    (await collect(store, indexed("messages.by_channel_likes", [r.eq("channel", "a"), r.eq("likes", UNDEFINED)]))).map((d) => d._id),
    expected(all, ["channel", "likes"], [r.eq("channel", "a"), r.eq("likes", UNDEFINED)], "asc"),
  );
  await store.close();
});

test("every range rule violation fails with the backend's message", async () => {
  const store = await openStore({
    schemaValidation: false,
    tables: [
      {
        tableName: "items",
        indexes: [
          { indexDescriptor: "by_ab", fields: ["a", "b"] },
          { indexDescriptor: "by_n", fields: ["n"] },
        ],
        stagedDbIndexes: [{ indexDescriptor: "by_later", fields: ["c"] }],
        documentType: null,
      },
    ],
  });
  const run = (index: string, range: RangeExpression[]) => errorOf(() => collect(store, indexed(index, range)));

  assert.equal(await run("items.by_nope", []), "Index items.by_nope not found.");
  assert.equal(await run("nosuchtable.by_x", []), "Index nosuchtable.by_x not found.");
  assert.equal(await run("items.by_later", []), "Index items.by_later is currently staged and not available to query until it is enabled.");
  assert.equal(
    await run("items.by_n", [r.gt("m", 1)]),
    'The index range included a comparison with "m", but items.by_n with fields ["n", "_creationTime"] doesn\'t index this field. For more information see https://docs.convex.dev/using/indexes.',
  );
  assert.equal(
    await run("items.by_ab", [r.eq("b", 1)]),
    'Tried to query index items.by_ab but the query didn\'t use the index fields in order.\nIndex fields: ["a", "b", "_creationTime"]\nQuery fields: ["b"]\nFirst incorrect field: "b"\nFor more information see https://docs.convex.dev/using/indexes.',
  );
  assert.match(await run("items.by_ab", [r.gt("a", 1), r.eq("b", 2)]), /Query fields: \["b", "a"\]\nFirst incorrect field: "b"/);
  assert.equal(
    await run("items.by_ab", [r.eq("a", 1), r.eq("a", 2)]),
    'Already defined equality bound in index range. Can\'t add "a" == 1.0.',
  );
  assert.equal(
    await run("items.by_ab", [r.gt("a", 1), r.gte("a", 2)]),
    'Already defined lower bound in index range. Can\'t add "a" >= 2.0.',
  );
  assert.equal(
    await run("items.by_ab", [r.lt("a", int(1)), r.lte("a", int(2))]),
    'Already defined upper bound in index range. Can\'t add "a" <= 2.',
  );
  assert.equal(
    await run("items.by_ab", [r.eq("a", "x"), r.gt("a", "y")]),
    'Already defined inequality bound in index range. Can\'t add "a" == "x".',
  );
  assert.equal(
    await run("items.by_ab", [r.gt("a", 1), r.lt("b", 2)]),
    'Upper and lower bounds in `range` can only be applied to a single index field. This query against index items.by_ab attempted to set a range bound on both "a" and "b". Consider using `filter` instead. See https://docs.convex.dev/using/indexes for more info.',
  );
  // Equalities may come in any order (the backend sorts them by index position); _id is a key field too.
  assert.deepEqual(await collect(store, indexed("items.by_ab", [r.eq("b", 1), r.eq("a", 1)])), []);
  assert.deepEqual(await collect(store, indexed("items.by_creation_time", [r.eq("_creationTime", 1), r.gt("_id", "")])), []);
  await store.close();
});

test("an index range read costs the rows it returns, not the table size", async () => {
  const store = await openStore({
    schemaValidation: false,
    tables: [{ tableName: "big", indexes: [{ indexDescriptor: "by_n", fields: ["n"] }], documentType: null }],
  });
  const tx = await store.beginWrite();
  for (let i = 0; i < 20_000; i++) tx.insert("big", { n: i, pad: "x".repeat(20) });
  tx.commit();
  const read = await store.beginRead();
  const time = (fn: () => void) => {
    const start = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const narrow = () => read.queryBatch(indexed("big.by_n", [r.gte("n", 12_345), r.lt("n", 12_350)]), null, 10);
  assert.equal(narrow().docs.length, 5);
  const page = () =>
    read.queryPage({
      query: indexed("big.by_n", [r.gt("n", 19_990)], "desc"),
      cursor: null,
      endCursor: null,
      pageSize: 5,
      maximumRowsRead: null,
    });
  assert.equal(page().page.length, 5);
  let narrowTotal = 0;
  for (let i = 0; i < 50; i++) narrowTotal += time(narrow) + time(page);
  const full = time(() => read.queryBatch(indexed("big.by_n", [r.lt("n", 0)], "asc", [{ filter: { $literal: true } }]), null, 10));
  const scanAll = time(() => read.queryBatch(indexed("big.by_n", [], "asc", [{ filter: { $literal: false } }]), null, 10));
  read.end();
  // A scan that reads every row takes far longer than 100 narrow reads together would if they scanned.
  assert.ok(narrowTotal / 100 < scanAll / 20, `narrow ${narrowTotal / 100} ms vs full scan ${scanAll} ms`);
  assert.ok(full < scanAll);
  await store.close();
});
