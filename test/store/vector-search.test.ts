// Vector search in the store (`ctx.vectorSearch`'s syscall, answered by Store.vectorSearch):
// cosine scores in f32, best first, the backend's filters, limits and errors, and an index kept
// in step with committed writes only, across restarts and schema changes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, test } from "node:test";
import { decodeId } from "../../runtime/store/ids";
import { Store } from "../../runtime/store/sqlite-store";
import type { JSONValue, SchemaInfo, VectorIndexSchema } from "../../runtime/store/types";
import { errorOf, insertAll, rng, tempDir, tmpFileIn } from "./helpers";

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const byEmbedding: VectorIndexSchema = {
  indexDescriptor: "by_embedding",
  vectorField: "embedding",
  dimensions: 3,
  filterFields: ["cuisine", "spicy"],
};

function foodsSchema(vectorIndexes: VectorIndexSchema[] = [byEmbedding], extra: Partial<SchemaInfo["tables"][number]> = {}): SchemaInfo {
  return {
    schemaValidation: false,
    tables: [
      {
        tableName: "foods",
        indexes: [{ indexDescriptor: "by_cuisine", fields: ["cuisine"] }],
        vectorIndexes,
        documentType: null,
        ...extra,
      },
    ],
  };
}

async function openFoods(schema = foodsSchema(), file?: string): Promise<Store> {
  const store = await Store.open(file === undefined ? {} : { file });
  await store.setSchema(schema);
  return store;
}

/** What convex@1.48 sends: `filter: q => q.eq(field, value)` and `q.or(...)`. */
const q = {
  eq: (field: string, value: JSONValue): JSONValue => ({ $eq: [{ $field: field }, { $literal: value }] }),
  or: (...parts: JSONValue[]): JSONValue => ({ $or: parts }),
};

function search(
  store: Store,
  vector: number[],
  options: { limit?: number; filter?: JSONValue; index?: string } = {},
): Promise<Array<{ _id: string; _score: number }>> {
  return store.vectorSearch({
    indexName: options.index ?? "foods.by_embedding",
    limit: options.limit,
    vector,
    expressions: options.filter ?? null,
  });
}

/** Cosine similarity computed plainly in f64, then rounded to f32 as the backend's score is. */
function cosine(a: number[], b: number[]): number {
  const fa = a.map(Math.fround);
  const fb = b.map(Math.fround);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < fa.length; i++) {
    dot += fa[i]! * fb[i]!;
    na += fa[i]! * fa[i]!;
    nb += fb[i]! * fb[i]!;
  }
  return Math.fround(dot / Math.sqrt(na * nb));
}

const FOODS: Array<{ name: string; cuisine: string; spicy?: boolean; embedding: number[] }> = [
  { name: "crepe", cuisine: "French", embedding: [0.9, 0.1, 0.05] },
  { name: "ratatouille", cuisine: "French", embedding: [0.6, 0.7, 0.1] },
  { name: "rendang", cuisine: "Indonesian", spicy: true, embedding: [0.1, 0.9, 0.4] },
  { name: "satay", cuisine: "Indonesian", embedding: [0.2, 0.8, 0.1] },
  { name: "sushi", cuisine: "Japanese", embedding: [0.05, 0.1, 0.95] },
];

async function seed(store: Store): Promise<Map<string, string>> {
  const ids = await insertAll(store, "foods", FOODS as unknown as Array<{ [key: string]: JSONValue }>);
  return new Map(FOODS.map((food, i) => [ids[i]!, food.name]));
}

test("results are {_id, _score}, sorted by cosine similarity, with f32 scores", async () => {
  const store = await openFoods();
  const names = await seed(store);
  const query = [1, 0.2, 0];
  const results = await search(store, query);
  assert.deepEqual(
    results.map((r) => names.get(r._id)),
    [...FOODS].sort((a, b) => cosine(query, b.embedding) - cosine(query, a.embedding)).map((f) => f.name),
  );
  for (const result of results) {
    assert.deepEqual(Object.keys(result), ["_id", "_score"]);
    assert.equal(Math.fround(result._score), result._score, "an f32 score");
    const food = FOODS.find((f) => f.name === names.get(result._id))!;
    assert.ok(Math.abs(result._score - cosine(query, food.embedding)) < 1e-6, `${food.name}: ${result._score}`);
  }
  // Scaling a vector does not change its cosine similarity.
  assert.deepEqual(await search(store, [5, 1, 0]), results);
  await store.close();
});

test("the docs' filters: q.eq on a filter field, q.or of several values and of several fields", async () => {
  const store = await openFoods();
  const names = await seed(store);
  const nameSet = async (filter: JSONValue) => (await search(store, [1, 1, 1], { filter })).map((r) => names.get(r._id)).sort();
  assert.deepEqual(await nameSet(q.eq("cuisine", "French")), ["crepe", "ratatouille"]);
  assert.deepEqual(await nameSet(q.or(q.eq("cuisine", "French"), q.eq("cuisine", "Indonesian"))), [
    "crepe",
    "ratatouille",
    "rendang",
    "satay",
  ]);
  // Conditions on different fields are alternatives too (the backend's qdrant filter is `should`).
  assert.deepEqual(await nameSet(q.or(q.eq("cuisine", "Japanese"), q.eq("spicy", true))), ["rendang", "sushi"]);
  // `undefined` matches documents without the field.
  assert.deepEqual(await nameSet(q.eq("spicy", { $undefined: null })), ["crepe", "ratatouille", "satay", "sushi"]);
  assert.deepEqual(await nameSet(q.eq("cuisine", "Klingon")), []);
  await store.close();
});

test("limit: 10 by default, up to 256, 0 gives nothing; equal scores go by ID, highest first", async () => {
  const store = await openFoods();
  const many = Array.from({ length: 300 }, (_, i) => ({ cuisine: "Same", embedding: [1, 0, i % 2] }));
  await insertAll(store, "foods", many);
  const defaulted = await search(store, [1, 0, 0]);
  assert.equal(defaulted.length, 10);
  assert.equal((await search(store, [1, 0, 0], { limit: 256 })).length, 256);
  assert.deepEqual(await search(store, [1, 0, 0], { limit: 0 }), []);
  // 150 documents tie at score 1: the backend orders them by ID, descending.
  const ties = await search(store, [1, 0, 0], { limit: 150 });
  assert.ok(ties.every((r) => r._score === 1));
  const ids = ties.map((r) => r._id);
  const internalId = (id: string) => Buffer.from(decodeId(id)!.internalId);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => Buffer.compare(internalId(b), internalId(a))),
  );
  await store.close();
});

test("the backend's errors, in its words", async () => {
  const store = await openFoods(
    foodsSchema([byEmbedding], { searchIndexes: [{ indexDescriptor: "search_name", searchField: "name", filterFields: [] }] }),
  );
  await seed(store);
  const failure = (vector: number[], options: Parameters<typeof search>[2] = {}) => errorOf(() => search(store, vector, options));
  assert.equal(await failure([1, 0]), "Expected a vector with dimensions 3, received 2.");
  assert.equal(await failure(new Array(4097).fill(0.5)), "Expected a vector with dimensions 4096, received 4097.");
  assert.equal(await failure([1, 0, 0], { limit: 257 }), "Vector queries can fetch at most 256 results, requested 257.");
  assert.equal(
    await failure([1, 0, 0], { filter: q.eq("name", "crepe") }),
    'Vector query against foods.by_embedding contains a filter on "name" but that field isn\'t indexed for filtering in `filterFields`.',
  );
  const sixtyFive = q.or(...Array.from({ length: 65 }, (_, i) => q.eq("cuisine", `c${i}`)));
  assert.equal(
    await failure([1, 0, 0], { filter: sixtyFive }),
    "Vector query against foods.by_embedding has too many conditions. Max: 64 Actual: 65",
  );
  assert.equal(
    await failure([1, 0, 0], { filter: { $and: [q.eq("cuisine", "French"), q.eq("spicy", true)] } }),
    "Filters should be a combination of `q.eq` and `q.or`.",
  );
  assert.equal(
    await failure([1, 0, 0], { filter: { $eq: [{ $literal: "French" }, { $field: "cuisine" }] } }),
    "`q.eq` must take a field path as its first argument and a value as its second",
  );
  assert.equal(await failure([1, 0, 0], { index: "foods.by_nothing" }), "Index foods.by_nothing not found.");
  assert.equal(await failure([1, 0, 0], { index: "foods.by_cuisine" }), "Index foods.by_cuisine is not a vector index");
  assert.equal(await failure([1, 0, 0], { index: "foods.search_name" }), "Index foods.search_name is not a vector index");
  assert.equal(await failure([1, 0, 0], { index: "foods.by_creation_time" }), "Index foods.by_creation_time is not a vector index");
  assert.equal(await failure([1, 0, 0], { index: "drinks.by_embedding" }), "Index drinks.by_embedding not found.");
  assert.match(
    await errorOf(() => store.vectorSearch({ indexName: "foods.by_embedding", vector: [1, null, 0], expressions: null })),
    /element 1 is null/,
  );
  await store.close();
});

test("a staged vector index is defined but not searchable", async () => {
  const store = await openFoods(foodsSchema([], { stagedVectorIndexes: [byEmbedding] }));
  assert.equal(
    await errorOf(() => search(store, [1, 0, 0])),
    "Index foods.by_embedding is currently staged and not available to query until it is enabled.",
  );
  await store.close();
});

test("documents whose vector field is missing, of another length or not all float64 are left out, not refused", async () => {
  const store = await openFoods();
  const [good, short, , stringy, integer] = await insertAll(store, "foods", [
    { cuisine: "a", embedding: [1, 0, 0] },
    { cuisine: "a", embedding: [1, 0] },
    { cuisine: "a" },
    { cuisine: "a", embedding: [1, "0", 0] },
    { cuisine: "a", embedding: [1, { $integer: Buffer.alloc(8).toString("base64") }, 0] },
  ]);
  assert.deepEqual(
    (await search(store, [1, 0, 0])).map((r) => r._id),
    [good],
  );
  assert.ok(short && stringy && integer);
  // Patching a vector of the right length in brings the document in.
  const tx = await store.beginWrite();
  tx.patch(short!, { embedding: [0, 1, 0] });
  tx.commit();
  assert.deepEqual(new Set((await search(store, [1, 1, 0])).map((r) => r._id)), new Set([good, short]));
  await store.close();
});

test("the index follows inserts, patches, replaces and deletes, and only committed ones", async () => {
  const store = await openFoods();
  const names = await seed(store);
  const idOf = (name: string) => [...names].find(([, n]) => n === name)![0];
  const top = async (vector: number[], filter?: JSONValue) =>
    (await search(store, vector, { limit: 1, filter })).map((r) => names.get(r._id) ?? r._id)[0];
  await search(store, [1, 0, 0]); // built now; what follows must keep it in step

  let tx = await store.beginWrite();
  tx.patch(idOf("sushi"), { embedding: [1, 0, 0] });
  tx.commit();
  assert.equal(await top([1, 0, 0]), "sushi");

  tx = await store.beginWrite();
  tx.replace(idOf("sushi"), { cuisine: "French", embedding: [0, 0, 1] });
  tx.commit();
  assert.equal(await top([0, 0, 1], q.eq("cuisine", "French")), "sushi");
  assert.equal(await top([0, 0, 1], q.eq("cuisine", "Japanese")), undefined);

  tx = await store.beginWrite();
  tx.remove(idOf("sushi"));
  const fresh = tx.insert("foods", { cuisine: "Thai", embedding: [0, 0, 1] });
  tx.commit();
  assert.equal(await top([0, 0, 1]), fresh);

  // A nested mutation rolled back to its savepoint, and a whole transaction aborted, leave no trace.
  tx = await store.beginWrite();
  const savepoint = tx.savepoint();
  tx.patch(idOf("crepe"), { embedding: [0, 0, 1] });
  tx.insert("foods", { cuisine: "Thai", embedding: [0, 0.1, 1] });
  tx.rollbackTo(savepoint);
  tx.patch(idOf("satay"), { cuisine: "Thai" });
  tx.commit();
  assert.equal(await top([0, 0, 1]), fresh);
  assert.equal(await top([1, 0, 0]), "crepe");
  assert.equal(await top([0.2, 0.8, 0.1], q.eq("cuisine", "Thai")), "satay");

  tx = await store.beginWrite();
  tx.remove(fresh);
  tx.abort();
  assert.equal(await top([0, 0, 1]), fresh);
  await store.close();
});

test("the index survives a restart and a crash (the documents do, and it is rebuilt from them)", async () => {
  const file = tmpFileIn(dir, "vectors.sqlite");
  let store = await openFoods(foodsSchema(), file);
  await seed(store);
  const before = await search(store, [0.3, 0.3, 0.3], { limit: 5 });
  await store.close();

  store = await openFoods(foodsSchema(), file);
  assert.deepEqual(await search(store, [0.3, 0.3, 0.3], { limit: 5 }), before);
  const tx = await store.beginWrite();
  const late = tx.insert("foods", { cuisine: "Thai", embedding: [0.3, 0.3, 0.3] });
  tx.commit();
  // Killed before a checkpoint: the last commit is in the log only.
  store.abandonForTesting();

  store = await openFoods(foodsSchema(), file);
  const after = await search(store, [0.3, 0.3, 0.3], { limit: 6 });
  assert.equal(after[0]!._id, late);
  assert.deepEqual(after.slice(1), before);
  await store.close();
});

test("a schema change rebuilds the index (new dimensions, new filter fields); a removed index is gone", async () => {
  const store = await openFoods();
  await insertAll(store, "foods", [
    { cuisine: "a", embedding: [1, 0, 0], flat: [1, 0] },
    { cuisine: "b", embedding: [0, 1, 0], flat: [0, 1] },
  ]);
  assert.equal((await search(store, [1, 0, 0])).length, 2);
  await store.setSchema(foodsSchema([{ ...byEmbedding, vectorField: "flat", dimensions: 2, filterFields: ["cuisine"] }]));
  assert.equal(await errorOf(() => search(store, [1, 0, 0])), "Expected a vector with dimensions 2, received 3.");
  const results = await search(store, [0, 1], { filter: q.eq("cuisine", "b") });
  assert.equal(results.length, 1);
  assert.equal(results[0]!._score, 1);
  await store.setSchema(foodsSchema([]));
  assert.equal(await errorOf(() => search(store, [0, 1])), "Index foods.by_embedding not found.");
  await store.close();
});

test("exact search: every result agrees with a brute-force scan (random vectors, random filters, deletes)", async () => {
  const random = rng(17);
  const dims = 24;
  const schema = foodsSchema([{ indexDescriptor: "by_embedding", vectorField: "embedding", dimensions: dims, filterFields: ["cuisine"] }]);
  const store = await openFoods(schema);
  const vector = () => Array.from({ length: dims }, () => random() * 2 - 1);
  const docs = new Map<string, { cuisine: string; embedding: number[] }>();
  const values = Array.from({ length: 400 }, () => ({ cuisine: `c${Math.floor(random() * 5)}`, embedding: vector() }));
  const ids = await insertAll(store, "foods", values);
  for (const [i, id] of ids.entries()) docs.set(id, values[i]!);
  await search(store, vector());
  const tx = await store.beginWrite();
  for (const id of ids.slice(0, 100)) {
    tx.remove(id);
    docs.delete(id);
  }
  tx.commit();
  for (let round = 0; round < 20; round++) {
    const query = vector();
    const cuisines = ["c0", "c1", "c2", "c3", "c4"].filter(() => random() < 0.4);
    const filter = cuisines.length === 0 ? undefined : q.or(...cuisines.map((c) => q.eq("cuisine", c)));
    const limit = 1 + Math.floor(random() * 40);
    const got = await search(store, query, { limit, filter });
    const expected = [...docs]
      .filter(([, doc]) => cuisines.length === 0 || cuisines.includes(doc.cuisine))
      .map(([id, doc]) => ({ id, score: cosine(query, doc.embedding) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    assert.equal(got.length, expected.length);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]!._score - expected[i]!.score) < 1e-6, `round ${round}, rank ${i}`);
    assert.deepEqual(new Set(got.slice(0, -1).map((r) => r._id)), new Set(expected.slice(0, -1).map((r) => r.id)));
  }
  await store.close();
});
