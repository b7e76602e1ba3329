// Figure 10: full-text search (`withSearchIndex`) over 100,000 documents, on the store itself
// (runtime/store): the latency of one search query as a Convex function sends it, first page of
// results, for a mix of queries (common and rare terms, several terms, a typeahead prefix, a filter).
import { Store } from "../../runtime/store/sqlite-store";
import { rng } from "../../test/store/helpers";
import type { SchemaInfo, SerializedQuery } from "../../runtime/store/types";
import { verdict, type Section } from "../lib/report";
import { fmt, median, percentile } from "../lib/stats";

const DOCUMENTS = 100_000;
const INSERTS_PER_TRANSACTION = 1_000;
/** Each query of the mix is timed this many times per run. */
const REPEATS = 15;
const RUNS = 3;
const CHANNELS = 20;

const schema: SchemaInfo = {
  schemaValidation: false,
  tables: [
    {
      tableName: "messages",
      indexes: [],
      searchIndexes: [{ indexDescriptor: "search_body", searchField: "body", filterFields: ["channel"] }],
      documentType: null,
    },
  ],
};

/**
 * A vocabulary of 20,000 made-up words drawn with a Zipf-like skew (word k about 1/k as often), as in
 * natural text: a few words are in most documents, most words in a handful.
 */
function corpus(): { vocabulary: string[]; body: () => string; random: () => number } {
  const random = rng(10);
  const syllables = ["ka", "lo", "mi", "ner", "so", "tal", "vu", "ex", "pri", "dan", "rho", "qua", "ist", "ben", "gor", "fe"];
  const vocabulary: string[] = [];
  const seen = new Set<string>();
  while (vocabulary.length < 20_000) {
    const parts = 1 + Math.floor(random() * 4);
    const word = Array.from({ length: parts }, () => syllables[Math.floor(random() * syllables.length)]!).join("");
    if (!seen.has(word)) {
      seen.add(word);
      vocabulary.push(word);
    }
  }
  const logMax = Math.log(vocabulary.length + 1);
  const zipf = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(random() * logMax)) - 1)]!;
  const body = () => Array.from({ length: 8 + Math.floor(random() * 25) }, zipf).join(" ");
  return { vocabulary, body, random };
}

function searchQuery(text: string, channel?: string): SerializedQuery {
  return {
    source: {
      type: "Search",
      indexName: "messages.search_body",
      filters: [
        { type: "Search", fieldPath: "body", value: text },
        ...(channel === undefined ? [] : [{ type: "Eq" as const, fieldPath: "channel", value: channel }]),
      ],
    },
    operators: [],
  };
}

async function fill(store: Store, body: () => string, random: () => number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < DOCUMENTS; i += INSERTS_PER_TRANSACTION) {
    const tx = await store.beginWrite();
    for (let j = i; j < i + INSERTS_PER_TRANSACTION; j++) {
      tx.insert("messages", { body: body(), channel: `c${Math.floor(random() * CHANNELS)}`, n: j });
    }
    tx.commit();
  }
  return performance.now() - started;
}

export async function textSearch(): Promise<Section> {
  const { vocabulary } = corpus();
  // Word 1 is in about half the documents, word 30 in a few thousand, word 5,000 in a handful.
  const [common, frequent, rare] = [vocabulary[0]!, vocabulary[29]!, vocabulary[4_999]!];
  const mix: Array<[string, SerializedQuery]> = [
    ["one common term", searchQuery(common)],
    ["one frequent term", searchQuery(frequent)],
    ["one rare term", searchQuery(rare)],
    ["three terms", searchQuery(`${common} ${frequent} ${rare}`)],
    ["typeahead: a two-letter prefix", searchQuery(common.slice(0, 2))],
    ["two terms, the last a prefix", searchQuery(`${frequent} ${rare.slice(0, 3)}`)],
    ["a term and a filter field", searchQuery(frequent, "c7")],
  ];
  const takeTimes: number[] = [];
  const pageTimes: number[] = [];
  const perQuery = new Map<string, number[]>(mix.map(([name]) => [name, []]));
  const fillTimes: number[] = [];
  const found = new Map<string, number>();
  for (let run = 0; run < RUNS; run++) {
    const store = await Store.open({});
    await store.setSchema(schema);
    const { body, random } = corpus();
    fillTimes.push(await fill(store, body, random));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const [name, query] of mix) {
        // `.take(10)`: a stream's first batch, in its own read transaction (a query function).
        let started = performance.now();
        const read = await store.beginRead();
        const batch = read.queryBatch(query, null, 10);
        read.end();
        const ms = performance.now() - started;
        takeTimes.push(ms);
        perQuery.get(name)!.push(ms);
        found.set(name, batch.docs.length);
        // `.paginate({ numItems: 25 })`: the first page.
        started = performance.now();
        const pageRead = await store.beginRead();
        pageRead.queryPage({ query, cursor: null, endCursor: null, pageSize: 25, maximumRowsRead: null, maximumBytesRead: null });
        pageRead.end();
        pageTimes.push(performance.now() - started);
      }
    }
    await store.close();
  }
  for (const [name, count] of found) if (count === 0) throw new Error(`the search "${name}" found nothing`);
  const p50 = median(takeTimes);
  return {
    title: "11. Full-text search",
    rows: [
      {
        figure: `text search over ${fmt(DOCUMENTS)} documents (\`withSearchIndex\` + \`.take(10)\`, mix of ${mix.length} queries), p50`,
        value: `${fmt(p50, 2)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "p50 < 20 ms",
        verdict: verdict(p50 < 20),
      },
    ],
    details: [
      `Store.open({}) (in memory) with one search index (searchField \`body\`, filterFields \`channel\`); ${fmt(DOCUMENTS)} documents of 8–32 words from a 20,000-word vocabulary with a Zipf-like skew, ${fmt(INSERTS_PER_TRANSACTION)} inserts per transaction; ${RUNS} runs, each query of the mix timed ${REPEATS} times per run, each in its own read transaction.`,
      `\`.take(10)\` (first stream batch): p50 ${fmt(p50, 2)} ms, p90 ${fmt(percentile(takeTimes, 90), 2)} ms, max ${fmt(Math.max(...takeTimes), 2)} ms`,
      `\`.paginate({ numItems: 25 })\`, first page: p50 ${fmt(median(pageTimes), 2)} ms, p90 ${fmt(percentile(pageTimes, 90), 2)} ms`,
      `per query (p50 of \`.take(10)\`): ${[...perQuery].map(([name, times]) => `${name} ${fmt(median(times), 2)} ms`).join("; ")}`,
      `indexing while inserting ${fmt(DOCUMENTS)} documents: ${fillTimes.map((ms) => fmt(ms / 1000, 1)).join(", ")} s (${fmt((median(fillTimes) * 1000) / DOCUMENTS, 0)} µs per insert, search index included)`,
    ],
  };
}
