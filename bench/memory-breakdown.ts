// Where the memory of figure 8 goes: runs figure 8's setting (a `serve` child seeded with 100,000
// documents through the function API, then figure 3's `/pair` load and figure 4's range queries)
// with bench/lib/memory-probe.js preloaded, and prints each thread's peaks, the process's peak RSS
// and the phase in which it was reached. Not part of `npm run bench` (it measures no baseline):
//
//   node scripts/build.mjs && node --import tsx bench/memory-breakdown.ts
//
// bench/where-the-memory-goes.md is written by hand from its output.
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { callFunction, load, seedServe, trimServe, warmUp, type LoadTarget } from "./lib/load";
import { copyApp, REPO, removeScratch, scratchDir, startServe, type ServeChild } from "./lib/processes";
import { fmt, median, sleep } from "./lib/stats";

const DOCUMENTS = 100_000;
const RUNS = 5;
const MIB = 2 ** 20;

interface ThreadFigures {
  threadId: number;
  main: boolean;
  exited?: boolean;
  now: Record<string, number>;
  peak: Record<string, number>;
  atPeakRss: Record<string, number> | null;
}

function readProbe(dir: string): ThreadFigures[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => {
      const figures = JSON.parse(readFileSync(join(dir, name), "utf8")) as ThreadFigures;
      // The probe rewrites its file every 100 ms: an older one belongs to a thread that has exited.
      return { ...figures, exited: Date.now() - statSync(join(dir, name)).mtimeMs > 1000 };
    })
    .sort((a, b) => a.threadId - b.threadId);
}

/** The child's mappings of 64 MiB or more (the database file's buffer among them): size and resident part. */
function largeMappings(pid: number): string[] {
  const found: string[] = [];
  let size = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const field = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (field?.[1] === "Size") size = Number(field[2]) * 1024;
    else if (field?.[1] === "Rss" && size >= 64 * MIB) found.push(`${fmt(size / MIB)} MiB, ${fmt(Number(field[2]) / 1024)} MiB resident`);
  }
  return found;
}

/** Samples the child's RSS every 20 ms and remembers in which phase the highest was seen. */
class RssWatch {
  phase = "start";
  highest = 0;
  highestPhase = "";
  readonly byPhase = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly serve: ServeChild) {
    this.timer = setInterval(() => this.sample(), 20);
  }

  sample(): void {
    const rss = this.serve.rssMib();
    if (rss === null) return;
    this.byPhase.set(this.phase, Math.max(this.byPhase.get(this.phase) ?? 0, rss));
    if (rss > this.highest) {
      this.highest = rss;
      this.highestPhase = this.phase;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function main(): Promise<void> {
  removeScratch();
  const appDir = copyApp(join(REPO, "bench", "app"), "app");
  const probeDir = mkdtempSync(join(scratchDir("probe"), "p-"));
  process.env.CONVEX_LENS_MEMORY_PROBE = probeDir;
  const dataDir = scratchDir("data-100k");
  const serve = await startServe(appDir, {
    dataDir,
    nodeFlags: [
      "--require",
      join(REPO, "bench", "lib", "memory-probe.js"),
      ...(process.env.HEAP_SNAPSHOT ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${process.env.HEAP_SNAPSHOT}`] : []),
    ],
  });
  const watch = new RssWatch(serve);
  try {
    watch.phase = "seeding";
    await seedServe(serve.apiUrl, 0, DOCUMENTS);
    watch.phase = "after seeding (checkpoint)";
    await sleep(3000);
    const pair: LoadTarget = { url: `${serve.siteUrl}/pair`, method: "POST" };
    watch.phase = "figure 3 (/pair load, trims)";
    await warmUp(pair);
    await trimServe(serve.apiUrl);
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cpu.push((await load(pair, serve)).cpuMicros);
      await trimServe(serve.apiUrl);
    }
    watch.phase = "after figure 3 (checkpoint)";
    await sleep(3000);
    watch.phase = "figure 4 (range queries)";
    const range: LoadTarget = {
      url: `${serve.apiUrl}/api/query`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "items:range", args: { from: 50_037 }, format: "json" }),
    };
    await warmUp(range);
    for (let run = 0; run < RUNS; run++) {
      for (let i = 0; i < 100; i++)
        await callFunction(serve.apiUrl, "query", "items:range", { from: (((run * 100 + i) * 7919) % 999) * 100 + 37 });
      await load(range, serve);
    }
    watch.phase = "idle";
    await sleep(2000);
    if (process.env.HEAP_SNAPSHOT) {
      serve.process.kill("SIGUSR2");
      await sleep(15000);
      console.log(`heap snapshot in ${probeDir}`);
    }
    watch.stop();
    const threads = readProbe(probeDir);
    const snapshot = readdirSync(dataDir, { recursive: true, encoding: "utf8" }).find((name) => name.endsWith("data.sqlite"));
    if (snapshot)
      console.log(
        `database file ${fmt(statSync(join(dataDir, snapshot)).size / MIB, 1)} MiB; large mappings: ${largeMappings(serve.pid).join("; ")}`,
      );
    console.log(
      `peak RSS (VmHWM) ${fmt(serve.peakRssMib() ?? NaN)} MiB; highest sampled ${fmt(watch.highest)} MiB, during ${watch.highestPhase}`,
    );
    for (const [phase, rss] of watch.byPhase) console.log(`  ${phase}: ${fmt(rss)} MiB`);
    console.log(`/pair CPU per request: ${cpu.map((c) => fmt(c)).join(", ")} µs (median ${fmt(median(cpu))})`);
    for (const thread of threads) {
      const parts = Object.keys(thread.peak).map((key) => `${key} ${fmt(thread.now[key]! / MIB, 1)}/${fmt(thread.peak[key]! / MIB, 1)}`);
      if (thread.atPeakRss)
        console.log(
          `host thread at the highest RSS: ${Object.entries(thread.atPeakRss)
            .map(([key, value]) => `${key} ${fmt(value / MIB, 1)}`)
            .join(", ")} MiB`,
        );
      console.log(
        `thread ${thread.threadId}${thread.main ? " (host)" : ""}${thread.exited ? " (exited)" : ""}: ${parts.join(", ")} MiB (now/peak)`,
      );
    }
  } finally {
    watch.stop();
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
