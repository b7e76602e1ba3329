// @convex-dev/rag, unchanged, through a real serve of test/fixtures/rag-app, with a deterministic
// embedding model that runs locally (local-embedding.ts: hashed words, no network): documents are
// added (chunked, embedded, stored in the component's vector tables), then searched, and the
// chunks come back in the order of their cosine similarity to the query, filtered by category;
// replacing a document takes its old chunks out of the results; all of it survives a restart.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { embedText } from "../fixtures/rag-app/convex/local-embedding";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { call } from "./published-support";

interface Found {
  key: string | null;
  text: string;
  score: number;
}

const DOCUMENTS = [
  { key: "cats", category: "pets", text: "Cats purr when they are happy.\nCats sleep most of the day.\nA cat chases mice at night." },
  { key: "ships", category: "sea", text: "Ships sail across the sea.\nA lighthouse guides ships at night.\nSailors tie knots on deck." },
  {
    key: "bread",
    category: "kitchen",
    text: "Bread rises when yeast is warm.\nBake the bread in a hot oven.\nFlour and water make a dough.",
  },
];

let server: FixtureServer;

before(async () => {
  server = await serveFixture("rag-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
  for (const doc of DOCUMENTS) assert.equal(await call(server, "docs:add", doc, { udfType: "action" }), "ready");
});

after(async () => {
  await server?.stop();
});

const search = (args: { query: string; category?: string; limit?: number }) =>
  call<Found[]>(server, "docs:search", args, { udfType: "action" });

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (Math.hypot(...a) * Math.hypot(...b) || 1);
}

/** What the search must return: every chunk of the documents in `categories`, by similarity to the query. */
function expected(query: string, categories: string[]): Array<{ text: string; score: number }> {
  const q = embedText(query);
  return DOCUMENTS.filter((doc) => categories.includes(doc.category))
    .flatMap((doc) => doc.text.split("\n"))
    .map((text) => ({ text, score: cosine(q, embedText(text)) }))
    .sort((a, b) => b.score - a.score);
}

/** The results that share a word with the query (positive scores), whose order is fully determined. */
const related = <T extends { score: number }>(list: T[]) => list.filter((r) => r.score > 1e-6);

test("added documents are found again: the chunks come back in order of similarity, with their scores", async () => {
  const found = await search({ query: "why do cats purr" });
  assert.equal(found[0]!.text, "Cats purr when they are happy.");
  assert.equal(found[0]!.key, "cats");
  const want = expected("why do cats purr", ["pets", "sea", "kitchen"]);
  assert.equal(found.length, want.length, "all nine chunks (the default limit is 10)");
  assert.deepEqual(
    related(found).map((r) => r.text),
    related(want).map((r) => r.text),
  );
  for (const result of found) {
    const score = want.find((w) => w.text === result.text)!.score;
    assert.ok(Math.abs(result.score - score) < 1e-6, `${result.text}: ${result.score} vs ${score}`);
  }
  for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.score >= found[i]!.score, "best first");
});

test("a category filter and a limit narrow the search", async () => {
  const atSea = await search({ query: "ships at night", category: "sea" });
  assert.deepEqual(
    atSea.map((r) => r.key),
    ["ships", "ships", "ships"],
  );
  assert.equal(atSea[0]!.text, "A lighthouse guides ships at night.");
  assert.deepEqual(
    related(atSea).map((r) => r.text),
    related(expected("ships at night", ["sea"])).map((r) => r.text),
  );
  const top = await search({ query: "warm yeast bread", limit: 2 });
  assert.equal(top.length, 2);
  assert.equal(top[0]!.text, "Bread rises when yeast is warm.");
  assert.deepEqual(
    top.map((r) => r.text),
    expected("warm yeast bread", ["pets", "sea", "kitchen"])
      .slice(0, 2)
      .map((r) => r.text),
  );
});

test("replacing a document (same key) takes its old chunks out of the results", async () => {
  assert.equal(
    await call(
      server,
      "docs:add",
      { key: "cats", category: "pets", text: "Kittens play with yarn.\nOld cats nap by the window." },
      { udfType: "action" },
    ),
    "ready",
  );
  const found = await search({ query: "cats purr", category: "pets" });
  assert.deepEqual(found.map((r) => r.text).sort(), ["Kittens play with yarn.", "Old cats nap by the window."]);
  assert.equal(found[0]!.text, "Old cats nap by the window.");
});

test("after a restart the component's vectors are searched again, with the same results", async () => {
  const before = await search({ query: "sailors at sea" });
  const dataDir = server.dataDir;
  await server.stop({ removeData: false });
  server = await serveFixture("rag-app", { dataDir });
  assert.deepEqual(await search({ query: "sailors at sea" }), before);
  assert.equal(before[0]!.key, "ships");
});
