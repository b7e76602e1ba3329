// Figure 14: the sync protocol. 1,000 queries subscribed over the WebSocket by a real ConvexClient
// (`items:range`, 1,000 disjoint index ranges), then commits that each touch one of them: the time
// from the commit (Store.onCommit, in this process) to the client's callback with the new result,
// how many queries each commit re-ran, and the host's memory per subscription.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { rmSync } from "node:fs";
import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import WebSocket from "ws";
import { startServing } from "../../runtime/serve";
import { verdict, type Section } from "../lib/report";
import { scratchDir } from "../lib/processes";
import { fmt, median, percentile } from "../lib/stats";

const SUBSCRIPTIONS = 1_000;
/** Each range holds n = k·100 … k·100+99; the seed puts this many documents in each. */
const DOCS_PER_RANGE = 5;
const COMMITS = 60;

type Item = { n: number };
const range = makeFunctionReference<"query", { from: number }, Item[]>("items:range");

export async function syncUpdates(appDir: string): Promise<Section> {
  const dataDir = scratchDir("sync-data");
  const serving = await startServing({ projectDir: appDir, dataDir, port: 0, apiPort: 0 });
  const { runtime } = serving;
  const run = async (name: string, args: Record<string, number>) => {
    const outcome = await runtime.runFunction(name, args, { udfType: "mutation" });
    if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.message}`);
  };
  try {
    for (let k = 0; k < SUBSCRIPTIONS; k++) await run("items:seed", { start: k * 100, count: DOCS_PER_RANGE });

    // 1. Latency and re-runs, with the project's own client.
    const client = new ConvexClient(serving.api.url, {
      webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
      logger: false,
    });
    const updatedAt = new Map<number, (at: number) => void>();
    const subscribedAt = performance.now();
    let first = 0;
    const allFirst = new Promise<void>((resolve) => {
      for (let k = 0; k < SUBSCRIPTIONS; k++) {
        let seen = false;
        client.onUpdate(range, { from: k * 100 }, () => {
          const at = performance.now();
          if (!seen) {
            seen = true;
            if (++first === SUBSCRIPTIONS) resolve();
            return;
          }
          updatedAt.get(k)?.(at);
        });
      }
    });
    await allFirst;
    const subscribeMs = performance.now() - subscribedAt;
    await serving.sync.settled();
    let committedAt = 0;
    const stopTiming = runtime.store.onCommit(() => {
      committedAt = performance.now();
    });
    const latencies: number[] = [];
    const reruns: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const k = (i * 37) % SUBSCRIPTIONS;
      const before = serving.sync.stats.reruns;
      const updated = new Promise<number>((resolve) => updatedAt.set(k, resolve));
      // Inside range k (n < k·100 + 100), after its seeded documents.
      await run("items:seed", { start: k * 100 + DOCS_PER_RANGE + i, count: 1 });
      const at = await updated;
      updatedAt.delete(k);
      latencies.push(at - committedAt);
      await serving.sync.settled();
      reruns.push(serving.sync.stats.reruns - before);
    }
    stopTiming();
    await client.close();
    await serving.sync.settled();

    // 2. Memory per subscription on the host: a bare protocol client that keeps nothing.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heapNow = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const heapBefore = heapNow();
    const bare = new WebSocket(`${serving.api.url.replace("http:", "ws:")}/api/sync`);
    await new Promise((resolve) => bare.once("open", resolve));
    const answered = new Promise<void>((resolve) =>
      bare.on("message", (data) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === "Transition") resolve();
      }),
    );
    const modifications = Array.from({ length: SUBSCRIPTIONS }, (_, k) => ({
      type: "Add",
      queryId: k,
      udfPath: "items:range",
      args: [{ from: k * 100 }],
    }));
    bare.send(JSON.stringify({ type: "ModifyQuerySet", baseVersion: 0, newVersion: 1, modifications }));
    await answered;
    await serving.sync.settled();
    const subscriptions = serving.sync.stats.subscriptions;
    const perSubscription = (heapNow() - heapBefore) / subscriptions;
    bare.close();

    const p50 = median(latencies);
    const onlyOne = reruns.every((n) => n === 1);
    return {
      title: "14. Sync: commit → subscribed client updated",
      rows: [
        {
          figure: `commit → ConvexClient callback with the new result, ${fmt(SUBSCRIPTIONS)} subscribed queries, each commit touching one, p50`,
          value: `${fmt(p50, 2)} ms`,
          baseline: "—",
          ratio: "—",
          goal: "p50 < 20 ms",
          verdict: verdict(p50 < 20, onlyOne),
        },
        {
          figure: "queries re-run per commit (of 1,000 subscribed)",
          value: reruns.every((n) => n === reruns[0]) ? String(reruns[0]) : `${Math.min(...reruns)}–${Math.max(...reruns)}`,
          baseline: "—",
          ratio: "—",
          goal: "1",
          verdict: verdict(onlyOne),
        },
        {
          figure: "host memory per subscription (heap, after GC)",
          value: `${fmt(perSubscription / 1024, 1)} KiB`,
          baseline: "—",
          ratio: "—",
          goal: "reported",
          verdict: "reported",
        },
      ],
      details: [
        `startServing (in process) on bench/app with ${fmt(SUBSCRIPTIONS * DOCS_PER_RANGE)} documents; a ConvexClient (the ws package as its WebSocket) subscribes \`items:range\` for ${fmt(SUBSCRIPTIONS)} disjoint ranges of \`by_n\` (${DOCS_PER_RANGE} documents each): first results for all in ${fmt(subscribeMs, 0)} ms.`,
        `${COMMITS} commits, one after another, each an \`items:seed\` insert into one range (runtime.runFunction): from Store.onCommit to the client's onUpdate callback, p50 ${fmt(p50, 2)} ms, p90 ${fmt(percentile(latencies, 90), 2)} ms, max ${fmt(Math.max(...latencies), 2)} ms.`,
        `re-runs per commit (SyncHub's count): ${[...new Set(reruns)].join(", ")}.`,
        `memory: heap used (after two full collections) before and after a bare protocol client subscribed the same ${fmt(subscriptions)} queries, divided by their number; it holds the read set (index range and ids read) and the last result sent of each. ${fmt(perSubscription, 0)} bytes per subscription.`,
      ],
    };
  } finally {
    await serving.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
