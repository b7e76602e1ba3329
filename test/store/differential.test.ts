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
// biome-ignore-all lint/suspicious/noExplicitAny: convex-test's API is typed for a generated `api`; this test drives it with runtime-built function references and specs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { anyApi } from "convex/server";
import { compareValues, convexToJson, jsonToConvex, type Value } from "convex/values";
import { convexTest } from "convex-test";
import type { Store } from "../../runtime/store/sqlite-store";
import type { DocumentJSON, JSONValue, ReadTransaction, SchemaInfo, WriteTransaction } from "../../runtime/store/types";
import * as messages from "./fixtures/messages";
import { type FilterSpec, type QuerySpec, UNDEFINED_ARG } from "./fixtures/messages";
import schema from "./fixtures/schema";
import { openStore, rng } from "./helpers";

type AnyFunction = { invokeQuery?: (args: string) => Promise<string>; invokeMutation?: (args: string) => Promise<string> };

/** Runs fixture functions against our store, answering their syscalls the way the host will. */
class StoreHarness {
  constructor(private readonly store: Store) {}

  async call(fn: AnyFunction, kind: "query" | "mutation", args: Record<string, Value>): Promise<JSONValue> {
    const tx: ReadTransaction = kind === "mutation" ? await this.store.beginWrite() : await this.store.beginRead();
    const write = tx as WriteTransaction;
    const queries = new Map<number, { query: any; position: string | null; buffer: DocumentJSON[]; done: boolean }>();
    let nextQueryId = 1;
    const syscall = (op: string, json: string): string => {
      const a = JSON.parse(json);
      switch (op) {
        case "1.0/queryStream": {
          const id = nextQueryId++;
          queries.set(id, { query: a.query, position: null, buffer: [], done: false });
          return JSON.stringify({ queryId: id });
        }
        case "1.0/queryCleanup":
          return JSON.stringify(queries.delete(a.queryId));
        case "1.0/db/normalizeId":
          return JSON.stringify({ id: tx.normalizeId(a.table, a.idString) });
      }
      throw new Error(`unsupported syscall ${op}`);
    };
    const asyncSyscall = async (op: string, json: string): Promise<string> => {
      const a = JSON.parse(json);
      switch (op) {
        case "1.0/queryStreamNext": {
          const state = queries.get(a.queryId)!;
          if (state.buffer.length === 0 && !state.done) {
            // Small batches, so positions are exercised.
            const batch = tx.queryBatch(state.query, state.position, 2);
            state.buffer.push(...batch.docs);
            state.position = batch.position;
            state.done = batch.done;
          }
          const value = state.buffer.shift();
          return JSON.stringify(value === undefined ? { value: null, done: true } : { value, done: false });
        }
        case "1.0/queryPage":
          return JSON.stringify(
            tx.queryPage({
              query: a.query,
              cursor: a.cursor,
              endCursor: a.endCursor,
              pageSize: a.pageSize,
              maximumRowsRead: a.maximumRowsRead,
              maximumBytesRead: a.maximumBytesRead ?? null,
            }),
          );
        case "1.0/get":
          return JSON.stringify(tx.get(a.id, { table: a.table, isSystem: a.isSystem }));
        case "1.0/insert":
          return JSON.stringify({ _id: write.insert(a.table, a.value) });
        case "1.0/shallowMerge":
          return JSON.stringify(write.patch(a.id, a.value, { table: a.table }));
        case "1.0/remove":
          return JSON.stringify(write.remove(a.id, { table: a.table }));
        case "1.0/count":
          return JSON.stringify(tx.count(a.table));
      }
      throw new Error(`unsupported async syscall ${op}`);
    };
    // convex-test owns `globalThis.Convex`; borrow it for this call only.
    const g = globalThis as { Convex?: unknown };
    const previous = g.Convex;
    g.Convex = {
      syscall,
      asyncSyscall,
      jsSyscall: () => {
        throw new Error("no jsSyscall");
      },
    };
    try {
      const argsJson = JSON.stringify(convexToJson([args]));
      const result = kind === "query" ? await fn.invokeQuery!(argsJson) : await fn.invokeMutation!(argsJson);
      if (kind === "mutation") write.commit();
      else tx.end();
      return JSON.parse(result) as JSONValue;
    } catch (e) {
      tx.end();
      throw e;
    } finally {
      g.Convex = previous;
    }
  }
}

/** Both implementations side by side, with IDs mapped to insertion numbers ("#0", "#1", …). */
class Pair {
  private readonly ids = { ours: new Map<string, string>(), theirs: new Map<string, string>() };
  private readonly byNumber = { ours: [] as string[], theirs: [] as string[] };
  readonly live: number[] = [];

  constructor(
    private readonly t: ReturnType<typeof convexTest>,
    private readonly ours: StoreHarness,
  ) {}

  async insert(docs: Array<Record<string, Value>>): Promise<void> {
    const theirs = (await this.t.mutation(anyApi.messages!.insert as any, { docs })) as string[];
    const ours = (await this.ours.call(messages.insert as AnyFunction, "mutation", { docs })) as string[];
    for (let i = 0; i < docs.length; i++) {
      const k = this.byNumber.ours.length;
      this.ids.ours.set(ours[i]!, `#${k}`);
      this.ids.theirs.set(theirs[i]!, `#${k}`);
      this.byNumber.ours.push(ours[i]!);
      this.byNumber.theirs.push(theirs[i]!);
      this.live.push(k);
    }
  }

  async patch(k: number, value: Record<string, Value>): Promise<void> {
    await this.t.mutation(anyApi.messages!.patch as any, { id: this.byNumber.theirs[k]!, value });
    await this.ours.call(messages.patch as AnyFunction, "mutation", { id: this.byNumber.ours[k]!, value });
  }

  async remove(k: number): Promise<void> {
    await this.t.mutation(anyApi.messages!.remove as any, { id: this.byNumber.theirs[k]! });
    await this.ours.call(messages.remove as AnyFunction, "mutation", { id: this.byNumber.ours[k]! });
    this.live.splice(this.live.indexOf(k), 1);
  }

  /** Runs `messages:run` on both; returns the normalized results [ours, theirs]. */
  async run(spec: QuerySpec): Promise<[JSONValue, JSONValue]> {
    const theirs = convexToJson((await this.t.query(anyApi.messages!.run as any, { spec: spec as any })) as Value);
    const ours = await this.ours.call(messages.run as AnyFunction, "query", { spec: spec as any });
    return [this.normalize(ours, this.ids.ours), this.normalize(theirs, this.ids.theirs)];
  }

  private normalize(value: JSONValue, ids: Map<string, string>): JSONValue {
    if (typeof value === "string") return ids.get(value) ?? value;
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.normalize(v, ids));
    const out: { [key: string]: JSONValue } = {};
    for (const [key, v] of Object.entries(value)) if (key !== "_creationTime") out[key] = this.normalize(v, ids);
    return out;
  }
}

const describe = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${v}n` : v));

const LIKES: Array<Value | undefined> = [undefined, null, 0, 1, 2.5, -1, 3n, -2n, "x", "10", true, false, [1, 2], { k: 1 }];
const WORDS = ["alpha", "beta", "gamma", "delta", "alphabet"];

async function setUp(seed: number) {
  const t = convexTest(schema, {
    "./_generated/server.ts": async () => ({}),
    "./messages.ts": async () => messages,
  });
  // `export()` is what the loader reads too (internal in the package's types).
  const store = await openStore(JSON.parse((schema as unknown as { export(): string }).export()) as SchemaInfo);
  const pair = new Pair(t, new StoreHarness(store));
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const makeDoc = (n: number): Record<string, Value> => {
    const doc: Record<string, Value> = {
      channel: pick(["a", "b", "c"]),
      body: Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(WORDS)).join(" "),
      n,
    };
    const likes = pick(LIKES);
    if (likes !== undefined) doc.likes = likes;
    if (random() < 0.7) doc.author = { name: pick(["ann", "bob"]) };
    return doc;
  };
  return { t, store, pair, random, pick, makeDoc };
}

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
  specs.push({ search: { query: "alp" } }, { search: { query: "gamma delta", channel: "b" } }, { search: { query: "nothing" } });

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
