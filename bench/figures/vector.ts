// Figure 10: vector search (`ctx.vectorSearch`'s store call, Store.vectorSearch) over 100,000
// documents with 1,536-dimension embeddings, in an in-memory store: search latency with a filter
// (the goal), with a wider filter and with none, the first search (which builds the index from the
// documents), and the memory the index takes.
import { Store } from "../../runtime/store/sqlite-store";
import { rng } from "../../test/store/helpers";
import type { JSONValue } from "../../runtime/store/types";
import { verdict, type Section } from "../lib/report";
import { fmt, median } from "../lib/stats";

const DOCUMENTS = 100_000;
const DIMENSIONS = 1536;
/** Each topic holds 1/TOPICS of the documents: `q.eq("topic", …)` selects 10% of them. */
const TOPICS = 10;
const BATCH = 500;
const QUERIES = 25;

/** An embedding-like vector: values in (-0.1, 0.1) with four decimals, as JSON keeps them. */
function embedding(random: () => number): number[] {
  const out = new Array<number>(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) out[i] = Math.round((random() - 0.5) * 2000) / 10_000;
  return out;
}

const eq = (topic: string): JSONValue => ({ $eq: [{ $field: "topic" }, { $literal: topic }] });

function timeSearches(store: Store, random: () => number, filter: () => JSONValue | null): Promise<number[]> {
  return (async () => {
    const times: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const query = { indexName: "chunks.by_embedding", limit: 10, vector: embedding(random), expressions: filter() };
      const started = performance.now();
      const results = await store.vectorSearch(query);
      times.push(performance.now() - started);
      if (results.length !== 10) throw new Error(`a search returned ${results.length} results, expected 10`);
    }
    return times;
  })();
}

const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;

export async function vectorSearch(log: (text: string) => void): Promise<Section> {
  const random = rng(1536);
  const store = await Store.open();
  await store.setSchema({
    schemaValidation: false,
    tables: [
      {
        tableName: "chunks",
        indexes: [],
        vectorIndexes: [{ indexDescriptor: "by_embedding", vectorField: "embedding", dimensions: DIMENSIONS, filterFields: ["topic"] }],
        documentType: null,
      },
    ],
  });
  const insertStarted = performance.now();
  for (let i = 0; i < DOCUMENTS; i += BATCH) {
    const tx = await store.beginWrite();
    for (let j = i; j < i + BATCH; j++)
      tx.insert("chunks", { topic: `topic${j % TOPICS}`, text: `chunk ${j}`, embedding: embedding(random) });
    tx.commit();
    if ((i / BATCH) % 40 === 0) log(`vector search: ${fmt(i)} documents inserted`);
  }
  const insertSeconds = (performance.now() - insertStarted) / 1000;
  global.gc?.();
  const before = process.memoryUsage();
  const buildStarted = performance.now();
  await store.vectorSearch({ indexName: "chunks.by_embedding", limit: 10, vector: embedding(random), expressions: eq("topic0") });
  const firstMs = performance.now() - buildStarted;
  global.gc?.();
  const after = process.memoryUsage();
  const indexBytes = after.arrayBuffers - before.arrayBuffers;

  const topic = () => `topic${Math.floor(random() * TOPICS)}`;
  const filtered = await timeSearches(store, random, () => eq(topic()));
  const half = await timeSearches(store, random, () => ({
    $or: [0, 1, 2, 3, 4].map((t) => eq(`topic${(t * 2 + Math.floor(random() * 2)) % TOPICS}`)),
  }));
  const unfiltered = await timeSearches(store, random, () => null);
  await store.close();

  const p50 = median(filtered);
  return {
    title: "10. Vector search",
    rows: [
      {
        figure: `vector search, ${fmt(DOCUMENTS)} vectors of ${fmt(DIMENSIONS)} dimensions, filter \`q.eq\` matching 10% (p50, limit 10)`,
        value: `${fmt(p50, 1)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "< 50 ms",
        verdict: verdict(p50 < 50),
      },
      {
        figure: "the same, filter `q.or` of 5 values matching 50% (p50)",
        value: `${fmt(median(half), 1)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "—",
        verdict: "reported",
      },
      {
        figure: "the same, no filter (p50)",
        value: `${fmt(median(unfiltered), 1)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "—",
        verdict: "reported",
      },
      {
        figure: "memory of the vector index (Float32 vectors and filter codes)",
        value: mib(indexBytes),
        baseline: `${mib(DOCUMENTS * DIMENSIONS * 4)} of raw f32`,
        ratio: "—",
        goal: "—",
        verdict: "reported",
      },
    ],
    details: [
      `Store.open() in memory; ${fmt(DOCUMENTS)} documents {topic, text, embedding} inserted ${BATCH} per transaction in ${fmt(insertSeconds, 1)} s; embeddings have values in (-0.1, 0.1) with four decimals (about 8 KiB of JSON each: the documents are stored in sql.js as JSON); ${TOPICS} topics of ${fmt(DOCUMENTS / TOPICS)} documents.`,
      `each figure: ${QUERIES} searches with random query vectors, limit 10, through Store.vectorSearch (the query parsed and checked, the index scanned, the top 10 kept), timed one by one; the index was built before they started.`,
      `filter q.eq (10%): median ${fmt(p50, 1)} ms, max ${fmt(Math.max(...filtered), 1)} ms; q.or (50%): median ${fmt(median(half), 1)} ms, max ${fmt(Math.max(...half), 1)} ms; no filter: median ${fmt(median(unfiltered), 1)} ms, max ${fmt(Math.max(...unfiltered), 1)} ms.`,
      `the first search builds the index from the documents (every document's JSON parsed once): ${fmt(firstMs / 1000, 1)} s; later writes update it at commit.`,
      `memory: ArrayBuffers grew by ${mib(indexBytes)} when the index was built (process RSS ${mib(before.rss)} before, ${mib(after.rss)} after; the sql.js database itself is an ArrayBuffer too, of ${mib(before.arrayBuffers)}).`,
    ],
  };
}
