// Why the serve host thread's V8 heap peaks where it does. After each mark-compact V8 sets the old
// generation's next limit to (live size × a growing factor) + the young generation's capacity; the
// factor is 4 (its cap) unless the collector is much faster than the old generation fills:
// `speed_ratio` = mark-compact speed / old-generation allocation rate (what scavenges promote
// plus what is allocated there directly, such as large messages deserialized from a worker). Below
// a ratio of about 33 the factor is capped at 4; at 60 it is about 2.2, at 100 about 1.5. So what
// the host promotes per millisecond decides how far above its live data the heap grows.
//
// Runs a `serve` child with --trace-gc-verbose, seeds it, loads it with figure 4's range query and
// figure 3's /pair, and prints the host isolate's growing factors, speed ratios, old-generation
// allocation rates and limits per phase, with the process's peak RSS and CPU per request. A
// diagnostic (bench/where-the-memory-goes.md), not part of `npm run bench`:
//
//   node scripts/build.mjs && node --import tsx bench/heap-growth.ts [documents, default 20000]
import { load, seedServe, trimServe, warmUp, type LoadTarget } from "./lib/load";
import { copyApp, REPO, removeScratch, scratchDir, startServe, type ServeChild } from "./lib/processes";
import { fmt, median } from "./lib/stats";
import { join } from "node:path";

const RUNS = 3;
const RUN_SECONDS = 5;

interface LimitLine {
  factor: number;
  speedRatio: number;
  /** Old-generation allocation rate, bytes per ms. */
  mutator: number;
  oldSizeKb: number;
  newLimitKb: number;
}

/**
 * Follows the child's trace, keeping the host isolate's lines. Every isolate prints its address; the
 * host's is the lowest: it is allocated on the process's main heap at start, a worker's in the
 * malloc arena of the worker's thread, which glibc maps far above it. Lines are kept per isolate
 * until the end, when the lowest address is known.
 */
class GcTrace {
  #partial = "";
  readonly #byIsolate = new Map<string, LimitLine[]>();

  get host(): string | null {
    let lowest: string | null = null;
    for (const isolate of this.#byIsolate.keys()) if (lowest === null || BigInt(isolate) < BigInt(lowest)) lowest = isolate;
    return lowest;
  }

  get limits(): LimitLine[] {
    const host = this.host;
    return host === null ? [] : this.#byIsolate.get(host)!;
  }

  constructor(serve: ServeChild) {
    serve.process.stdout!.on("data", (chunk: Buffer) => this.#take(chunk.toString("utf8")));
  }

  #take(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) {
      const isolate = /^\[\d+:(0x[0-9a-f]+)\]/.exec(line)?.[1];
      if (!isolate) continue;
      if (!this.#byIsolate.has(isolate)) this.#byIsolate.set(isolate, []);
      const limits = this.#byIsolate.get(isolate)!;
      const factor = /\[HeapController\] factor ([\d.]+) based on mu=[\d.]+, speed_ratio=(\d+) \(gc=(\d+), mutator=(\d+)\)/.exec(line);
      if (factor)
        limits.push({ factor: Number(factor[1]), speedRatio: Number(factor[2]), mutator: Number(factor[4]), oldSizeKb: 0, newLimitKb: 0 });
      const limit = /\[HeapController\] Limit: old size: (\d+) KB, new limit: (\d+) KB/.exec(line);
      const last = limits.at(-1);
      if (limit && last) {
        last.oldSizeKb = Number(limit[1]);
        last.newLimitKb = Number(limit[2]);
      }
    }
  }

  /** How many limit lines each isolate has printed so far. */
  counts(): Map<string, number> {
    return new Map([...this.#byIsolate].map(([isolate, lines]) => [isolate, lines.length]));
  }

  /** The host's limit lines between two counts(), summarized. */
  summary(from: Map<string, number>, to: Map<string, number>): string {
    const host = this.host ?? "";
    const lines = this.limits.slice(from.get(host) ?? 0, to.get(host) ?? 0);
    if (lines.length === 0) return "no mark-compact on the host thread";
    const list = (pick: (line: LimitLine) => number, digits = 0) => lines.map((line) => fmt(pick(line), digits)).join(", ");
    return [
      `${lines.length} mark-compacts on the host thread`,
      `  growing factor: ${list((line) => line.factor, 1)}`,
      `  speed ratio: ${list((line) => line.speedRatio)}`,
      `  old-generation allocation rate (KB/ms): ${list((line) => line.mutator / 1000, 1)}`,
      `  live after (MiB): ${list((line) => line.oldSizeKb / 1024, 1)}; next limit (MiB): ${list((line) => line.newLimitKb / 1024, 1)}`,
    ].join("\n");
  }
}

/** A load phase; returns what to print once the host isolate is known, and where its lines begin. */
async function phase(
  name: string,
  trace: GcTrace,
  serve: ServeChild,
  target: LoadTarget,
  between?: () => Promise<unknown>,
): Promise<{ text: string; from: Map<string, number>; to: Map<string, number> }> {
  await warmUp(target);
  const from = trace.counts();
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await load(target, serve, RUN_SECONDS));
    await between?.();
  }
  const text = `${name}: ${fmt(median(runs.map((run) => run.rps)))} req/s, CPU per request ${fmt(median(runs.map((run) => run.cpuMicros)))} µs (host thread ${fmt(median(runs.map((run) => run.mainThreadCpuMicros)))} µs), peak RSS so far ${fmt(serve.peakRssMib() ?? NaN)} MiB`;
  return { text, from, to: trace.counts() };
}

async function main(): Promise<void> {
  const documents = Number(process.argv[2] ?? 20_000);
  removeScratch();
  const appDir = copyApp(join(REPO, "bench", "app"), "app");
  const serve = await startServe(appDir, { dataDir: scratchDir("data"), nodeFlags: ["--trace-gc", "--trace-gc-verbose"] });
  const trace = new GcTrace(serve);
  try {
    await seedServe(serve.apiUrl, 0, documents);
    console.log(`seeded ${documents} documents; peak RSS ${fmt(serve.peakRssMib() ?? NaN)} MiB`);
    const range: LoadTarget = {
      url: `${serve.apiUrl}/api/query`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "items:range", args: { from: Math.floor(documents / 2) + 37 }, format: "json" }),
    };
    const phases = [
      await phase("range query (figure 4's, 10 connections)", trace, serve, range),
      await phase("/pair (figure 3's)", trace, serve, { url: `${serve.siteUrl}/pair`, method: "POST" }, () => trimServe(serve.apiUrl)),
    ];
    console.log(`host isolate ${trace.host}`);
    for (const { text, from, to } of phases) console.log(`${text}\n${trace.summary(from, to)}`);
  } finally {
    await serve.stop();
  }
}

main().then(
  () => removeScratch(),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
