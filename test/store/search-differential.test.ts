// Full-text search against convex-test, the reference where it implements search, with the same
// writes on both sides (see convex-test-pair.ts).
//
// convex-test simplifies search (node_modules/convex-test/dist/index.js, evaluateSearchFilter):
//  * it splits text on whitespace only, where the backend splits on anything not alphanumeric;
//  * every query term matches as a prefix, where the backend does that for the last term only;
//  * results come in creation order, unranked, and uncapped (the backend ranks by BM25 and returns
//    at most 1024);
//  * no term-length limit (the backend drops terms of 32 bytes or more), no 16-term query limit;
//  * a document whose search field is not a string makes it throw.
// So the documents here are whitespace-separated words, the non-last query terms whole words, and
// the comparison is of the sets of documents found; our order is checked against BM25 computed
// here from the documents (an independent double-precision formula), and the differences above
// are checked to be differences, with the backend's behaviour on our side.
// biome-ignore-all lint/suspicious/noExplicitAny: convex-test's API is typed for a generated `api`; this test drives it with runtime-built function references.
import assert from "node:assert/strict";
import { test } from "node:test";
import { anyApi } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import type { JSONValue } from "../../runtime/store/types";
import { type Pair, setUp } from "./convex-test-pair";
import * as messages from "./fixtures/messages";
import type { QuerySpec } from "./fixtures/messages";

const WORDS = ["apple", "apricot", "banana", "cherry", "date", "elder", "fig", "grape", "kiwi", "lemon", "mango"];

type Found = Array<{ _id: string; body: string; n: number }>;

const ids = (docs: JSONValue) => (docs as Found).map((d) => d._id);
const sorted = (docs: JSONValue) => ids(docs).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));

/** BM25 as documented (k1 = 1.2, b = 0.75; lengths below 40 terms are stored exactly). */
function referenceScores(all: Found, query: string): Map<string, { score: number; signature: string }> {
  const docs = all.map((d) => ({ id: d._id, terms: d.body.toLowerCase().split(/\s+/).filter(Boolean) }));
  const total = docs.reduce((n, d) => n + d.terms.length, 0);
  const avgdl = total / docs.length;
  const queryTerms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const last = queryTerms[queryTerms.length - 1]!;
  const vocabulary = new Set(docs.flatMap((d) => d.terms));
  const matched = new Map<string, number>();
  for (const term of queryTerms) if (vocabulary.has(term)) matched.set(term, 1);
  for (const term of [...vocabulary].sort()) if (term.startsWith(last) && !matched.has(term)) matched.set(term, 0.5);
  const scores = new Map<string, { score: number; signature: string }>();
  for (const doc of docs) {
    let score = 0;
    const signature: string[] = [];
    for (const [term, boost] of [...matched].sort()) {
      const tf = doc.terms.filter((t) => t === term).length;
      if (tf === 0) continue;
      const n = docs.filter((d) => d.terms.includes(term)).length;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += boost * idf * 2.2 * (tf / (tf + 1.2 * (0.25 + (0.75 * doc.terms.length) / avgdl)));
      signature.push(`${term}:${tf}`);
    }
    if (score > 0) scores.set(doc.id, { score, signature: `${signature.join(",")}/${doc.terms.length}` });
  }
  return scores;
}

/** Best first; among equal scores (same terms, same frequencies, same length) newest first. */
function assertRanked(found: string[], reference: Map<string, { score: number; signature: string }>, label: string) {
  for (let i = 1; i < found.length; i++) {
    const a = reference.get(found[i - 1]!)!;
    const b = reference.get(found[i]!)!;
    const older = (id: string) => Number(id.slice(1));
    if (a.signature === b.signature) {
      assert.ok(older(found[i - 1]!) > older(found[i]!), `${label}: equal scores, newest first (${found[i - 1]} before ${found[i]})`);
    } else {
      assert.ok(a.score >= b.score * (1 - 1e-6), `${label}: ${found[i - 1]} (${a.score}) before ${found[i]} (${b.score})`);
    }
  }
}

async function setUpSearch(seed: number, count: number) {
  const setup = await setUp(seed);
  const { random, pick } = setup;
  const body = () =>
    Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
      const word = pick(WORDS);
      return random() < 0.2 ? word.toUpperCase() : word;
    }).join(" ");
  const makeDoc = (n: number): Record<string, Value> => ({ channel: pick(["a", "b", "c"]), body: body(), n });
  await setup.pair.insert(Array.from({ length: count }, (_, n) => makeDoc(n)));
  return { ...setup, makeDoc, body };
}

const QUERIES = [
  "apple",
  "APPLE",
  "banana",
  "fig",
  "kiwi",
  "a",
  "ap",
  "apr",
  "b",
  "ch",
  "m",
  "z",
  "",
  "  ",
  "apple mango",
  "Kiwi banana cherry",
  "fig ap",
  "lemon gr",
  "grape grape",
  "mango apple l",
];

async function compareSearches(pair: Pair, label: string) {
  const all = (await pair.run({}))[0] as Found;
  for (const query of QUERIES) {
    for (const channel of [undefined, "b"]) {
      const spec: QuerySpec = { search: channel === undefined ? { query } : { query, channel } };
      const [ours, theirs] = await pair.run(spec);
      const what = `${label} ${JSON.stringify(spec)}`;
      assert.deepEqual(sorted(ours), sorted(theirs), what);
      const inChannel = channel === undefined ? all : all.filter((d) => (d as { channel?: string }).channel === channel);
      // The statistics are the whole index's, whatever the filter.
      const reference = referenceScores(all, query);
      assertRanked(ids(ours), reference, what);
      assert.ok(ids(ours).every((id) => inChannel.some((d) => d._id === id)));
    }
  }
}

test("search finds the same documents as convex-test, ranked by BM25, before and after writes", async () => {
  const { store, pair, random, pick, makeDoc, body } = await setUpSearch(21, 60);
  await compareSearches(pair, "initial");
  for (let i = 0; i < 15; i++) {
    const action = random();
    if (action < 0.3) await pair.remove(pick(pair.live));
    else if (action < 0.6) await pair.insert([makeDoc(100 + i)]);
    else await pair.patch(pick(pair.live), random() < 0.5 ? { body: body() } : { channel: pick(["a", "b", "c"]) });
  }
  await compareSearches(pair, "after writes");
  await store.close();
});

test("take, first and paginate over search results: the same documents as convex-test, in rank order", async () => {
  const { store, pair } = await setUpSearch(22, 80);
  for (const query of ["apple", "a", "kiwi m"]) {
    const [all, theirsAll] = await pair.run({ search: { query } });
    assert.deepEqual(sorted(all), sorted(theirsAll));
    const [first] = await pair.run({ search: { query }, first: true });
    assert.deepEqual(first && (first as { _id: string })._id, ids(all)[0] ?? null);
    const [five] = await pair.run({ search: { query }, take: 5 });
    assert.deepEqual(ids(five), ids(all).slice(0, 5));
    // Our pages, one after another, are the whole ranked list; convex-test's pages cover the same set.
    for (const numItems of [1, 3, 7]) {
      const walk = async (side: "ours" | "theirs") => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let step = 0; step < 200; step++) {
          const spec: QuerySpec = { search: { query }, paginate: { numItems, cursor } };
          const result: any =
            side === "ours"
              ? ((await pair.ours.call(messages.run as any, "query", { spec: spec as any })) as any)
              : (convexToJson((await pair.t.query(anyApi.messages!.run as any, { spec: spec as any })) as Value) as any);
          seen.push(...ids(pair.normalize(result.page, pair.ids[side])));
          assert.ok(result.page.length <= numItems);
          cursor = result.continueCursor;
          if (result.isDone) return seen;
        }
        throw new Error("pagination did not finish");
      };
      assert.deepEqual(await walk("ours"), ids(all), `${query} by ${numItems}`);
      assert.deepEqual((await walk("theirs")).sort(), [...ids(all)].sort(), `${query} by ${numItems}`);
    }
  }
  await store.close();
});

test("where convex-test simplifies, we follow the backend", async () => {
  const { store, pair } = await setUp(23);
  await pair.insert([
    { channel: "a", body: "apple,mango", n: 0 },
    { channel: "a", body: "apricot tart", n: 1 },
    { channel: "a", body: `${"x".repeat(32)} kiwi`, n: 2 },
    { channel: "a", body: "Straße ΟΔΟΣ", n: 3 },
  ]);
  const run = async (query: string) => {
    const [ours, theirs] = await pair.run({ search: { query } });
    return { ours: sorted(ours), theirs: sorted(theirs) };
  };
  // Punctuation separates terms on the backend; convex-test sees one word "apple,mango".
  assert.deepEqual(await run("mango"), { ours: ["#0"], theirs: [] });
  // Only the last term is a prefix: "ap" matches nothing on its own in the middle of a query.
  assert.deepEqual(await run("ap tart"), { ours: ["#1"], theirs: ["#0", "#1"] });
  // A term of 32 bytes or more is not indexed (nor searched for).
  assert.deepEqual(await run("x".repeat(32)), { ours: [], theirs: ["#2"] });
  // Lowercasing is per character, as tantivy's: the final capital sigma becomes "σ", not "ς".
  assert.deepEqual((await run("οδοσ")).ours, ["#3"]);
  assert.deepEqual((await run("ΟΔΟΣ")).ours, ["#3"]);
  assert.deepEqual((await run("straße")).ours, ["#3"]);
  await store.close();
});
