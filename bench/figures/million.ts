// Figure 13: the bench app with 1,000,000 documents on disk. How long `serve` takes to start on
// them (spawn → banner), how much memory it holds, and the latency of an index range query.
//
// The data folder is seeded in this process through the store's own API (Store.open on the
// folder's data.sqlite, the app's schema applied as the runtime applies it, inserts in large
// transactions, then close(), which writes the snapshot): the same files the runtime writes,
// minutes faster than a thousand `items:seed` calls over HTTP.
import { statSync } from "node:fs";
import { join } from "node:path";
import { mergeComponentSchemas } from "../../runtime/store/component-schemas";
import { Store } from "../../runtime/store/sqlite-store";
import type { SchemaInfo } from "../../runtime/store/types";
import appSchema from "../app/convex/schema";
import { callFunction } from "../lib/load";
import { scratchDir, startServe, type ServeChild } from "../lib/processes";
import type { Section } from "../lib/report";
import { fmt, median } from "../lib/stats";

const DOCUMENTS = 1_000_000;
const PER_TRANSACTION = 10_000;
const STARTS = 3;
const QUERIES = 100;
/** What `items:seed` writes, so the documents are the ones figures 3 and 4 read. */
const BODY = "x".repeat(100);
/** Reading a database file this large takes a while: give each start this long to print its banner. */
const START_TIMEOUT_MS = 180_000;

async function seed(dataDir: string): Promise<{ seconds: number; fileMib: number }> {
  const started = performance.now();
  const store = await Store.open({ file: join(dataDir, "data.sqlite") });
  try {
    // `export()` is what the runtime's worker calls on a schema module; convex/server does not type it.
    const schema = JSON.parse((appSchema as unknown as { export(): string }).export()) as SchemaInfo;
    await store.setSchema(mergeComponentSchemas([{ component: "", schema }]));
    for (let start = 0; start < DOCUMENTS; start += PER_TRANSACTION) {
      const tx = await store.beginWrite();
      for (let n = start; n < start + PER_TRANSACTION; n++) tx.insert("items", { key: `k${n}`, n, body: BODY });
      tx.commit();
    }
  } finally {
    await store.close();
  }
  return { seconds: (performance.now() - started) / 1000, fileMib: statSync(join(dataDir, "data.sqlite")).size / 2 ** 20 };
}

/** 100 consecutive documents by `by_n`, each query a different range; every result is checked. */
async function rangeLatencies(serve: ServeChild): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < QUERIES + 5; i++) {
    const from = ((i * 7919) % (DOCUMENTS / 100 - 1)) * 100 + 37;
    const started = performance.now();
    const docs = (await callFunction(serve.apiUrl, "query", "items:range", { from })) as Array<{ n: number }>;
    const elapsed = performance.now() - started;
    if (docs.length !== 100 || docs[0]!.n !== from || docs[99]!.n !== from + 99)
      throw new Error(`range(${from}) returned ${docs.length} documents`);
    if (i >= 5) times.push(elapsed); // the first few warm the worker up
  }
  return times;
}

export async function millionDocuments(appDir: string, log: (text: string) => void): Promise<Section> {
  const dataDir = scratchDir("data-1m");
  const seeded = await seed(dataDir);
  log(`seeded ${fmt(DOCUMENTS)} documents through the store API in ${fmt(seeded.seconds, 1)} s (${fmt(seeded.fileMib)} MiB file)`);
  const starts: number[] = [];
  const peaks: number[] = [];
  const afterStart: number[] = [];
  let latencies: number[] = [];
  for (let run = 0; run < STARTS; run++) {
    const serve = await startServe(appDir, { dataDir, startTimeoutMs: START_TIMEOUT_MS });
    try {
      starts.push(serve.listeningAt - serve.spawnedAt);
      afterStart.push(serve.rssMib() ?? NaN);
      latencies = await rangeLatencies(serve);
      peaks.push(serve.peakRssMib() ?? NaN);
    } finally {
      await serve.stop(120_000);
    }
    log(`start ${run + 1}: ${fmt(starts.at(-1)! / 1000, 1)} s, peak RSS ${fmt(peaks.at(-1)!)} MiB`);
  }
  const p50 = median(latencies);
  return {
    title: "13. The runtime with 1,000,000 documents",
    rows: [
      {
        figure: "`serve` start → listening (spawn → `HTTP actions (site):` line), 1,000,000 documents on disk",
        value: `${fmt(median(starts) / 1000, 1)} s`,
        baseline: "—",
        ratio: "—",
        goal: "reported",
        verdict: "reported",
      },
      {
        figure: "peak RSS (VmHWM) of the `serve` process, 1,000,000 documents",
        value: `${fmt(median(peaks))} MiB`,
        baseline: "—",
        ratio: "—",
        goal: "reported",
        verdict: "reported",
      },
      {
        figure: "latency p50 of `items:range` (100 of 1,000,000 documents by `by_n`), `POST /api/query`",
        value: `${fmt(p50, 2)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "reported",
        verdict: "reported",
      },
    ],
    details: [
      `The data folder is seeded in the bench process through the runtime's own store API: \`Store.open\` on the folder's data.sqlite, the bench app's schema applied as the runtime applies it, ${fmt(DOCUMENTS)} \`items\` documents (as \`items:seed\` writes them) inserted ${fmt(PER_TRANSACTION)} per transaction, then \`close()\`, which writes the snapshot (${fmt(seeded.fileMib)} MiB; seeding took ${fmt(seeded.seconds, 1)} s).`,
      `${STARTS} starts of \`node dist/cli.js serve bench/app --data <that folder>\`, timed from spawn to the banner (Node's start-up, reading the database file, the build and the first worker included): ${starts.map((s) => fmt(s / 1000, 1)).join(", ")} s.`,
      `RSS right after the banner: ${afterStart.map((r) => fmt(r)).join(", ")} MiB; peak (VmHWM) after the queries: ${peaks.map((r) => fmt(r)).join(", ")} MiB.`,
      `Range queries: ${QUERIES} after 5 to warm up, one at a time over HTTP (the client's fetch round trip included), each a different range, every result checked; p50 ${fmt(p50, 2)} ms, p90 ${fmt(
        [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.9)]!,
        2,
      )} ms (the last start's).`,
    ],
  };
}
