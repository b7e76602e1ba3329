// Figures 1–4 and 8: HTTP throughput through `convex-lens serve` against bare Hono and convex-test,
// the cost of table size, an index range read, and the runtime's peak memory.
import { callFunction, load, RUN_SECONDS, CONNECTIONS, seedServe, trimServe, warmUp, type LoadRun, type LoadTarget } from "../lib/load";
import { pairsPerSecond, rangeQuery, seedConvexTest, trimConvexTest, type ConvexTestApp } from "../lib/convex-test-app";
import { scratchDir, startBareHono, startServe, type ServeChild } from "../lib/processes";
import { verdict, type Section } from "../lib/report";
import { fmt, median } from "../lib/stats";
import { measureRoundTrip } from "../lib/thread-crossing";

/** Measured runs per figure; each baseline run is interleaved with one of ours. */
export const RUNS = 5;
const CONVEX_TEST_SECONDS = 2;

function runsLine(label: string, values: number[], unit: string, digits = 0): string {
  return `${label}: ${values.map((v) => fmt(v, digits)).join(", ")} ${unit} (median ${fmt(median(values), digits)})`;
}

function checkRuns(label: string, runs: LoadRun[]): string[] {
  const failures = runs.reduce((sum, r) => sum + r.failures, 0);
  return failures === 0 ? [] : [`**${label}: ${failures} failed requests (non-2xx, errors or timeouts) — the figure is not valid.**`];
}

async function expectBody(url: string, init: RequestInit, check: (body: string) => boolean): Promise<void> {
  const response = await fetch(url, init);
  const body = await response.text();
  if (!response.ok || !check(body)) throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${body}`);
}

const pairTarget = (serve: ServeChild): LoadTarget => ({ url: `${serve.siteUrl}/pair`, method: "POST" });

export async function trivialRoute(appDir: string): Promise<Section> {
  const serve = await startServe(appDir, { dataDir: scratchDir("data-ok") });
  const hono = await startBareHono();
  try {
    const ours: LoadTarget = { url: `${serve.siteUrl}/ok` };
    const base: LoadTarget = { url: `${hono.url}/ok` };
    await expectBody(ours.url, {}, (b) => b === "ok");
    await expectBody(base.url, {}, (b) => b === "ok");
    await warmUp(base);
    await warmUp(ours);
    const baseRuns: LoadRun[] = [];
    const ourRuns: LoadRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseRuns.push(await load(base, hono));
      ourRuns.push(await load(ours, serve));
    }
    const ourRps = median(ourRuns.map((r) => r.rps));
    const baseRps = median(baseRuns.map((r) => r.rps));
    const ratio = ourRps / baseRps;
    // Measured while neither server is under load.
    const crossings = [];
    for (let i = 0; i < 3; i++) crossings.push(await measureRoundTrip());
    const valid = checkRuns("serve", ourRuns).length + checkRuns("bare Hono", baseRuns).length === 0;
    return {
      title: '1. Trivial HTTP action: `GET /ok` returning "ok"',
      rows: [
        {
          figure: "req/s, trivial `httpAction`, through `convex-lens serve`",
          value: `${fmt(ourRps)} req/s`,
          baseline: `bare Hono on @hono/node-server: ${fmt(baseRps)} req/s`,
          ratio: `${fmt(ratio, 2)}×`,
          goal: "≥ 0.5×",
          verdict: verdict(ratio >= 0.5, valid),
        },
      ],
      details: [
        `autocannon, ${CONNECTIONS} connections, ${RUN_SECONDS} s per run after a 2 s warm-up each, runs interleaved (baseline, ours, baseline, …); both servers are child processes on this machine.`,
        runsLine(
          "serve req/s",
          ourRuns.map((r) => r.rps),
          "req/s",
        ),
        runsLine(
          "bare Hono req/s",
          baseRuns.map((r) => r.rps),
          "req/s",
        ),
        runsLine(
          "serve CPU time per request (all threads of the serve process)",
          ourRuns.map((r) => r.cpuMicros),
          "µs",
        ),
        runsLine(
          "  of which on the host thread (HTTP, log store, database)",
          ourRuns.map((r) => r.mainThreadCpuMicros),
          "µs",
        ),
        runsLine(
          "bare Hono CPU time per request",
          baseRuns.map((r) => r.cpuMicros),
          "µs",
        ),
        `${runsLine(
          "one round trip between two threads and nothing else (a small message to a worker thread and its answer; CPU of both threads)",
          crossings.map((c) => c.cpuMicros),
          "µs",
        )}; wall ${fmt(median(crossings.map((c) => c.wallMicros)))} µs`,
        `${runsLine(
          "serve latency p50",
          ourRuns.map((r) => r.latencyP50),
          "ms",
          1,
        )}; p99 median ${fmt(median(ourRuns.map((r) => r.latencyP99)), 1)} ms`,
        `${runsLine(
          "bare Hono latency p50",
          baseRuns.map((r) => r.latencyP50),
          "ms",
          1,
        )}; p99 median ${fmt(median(baseRuns.map((r) => r.latencyP99)), 1)} ms`,
        ...checkRuns("serve", ourRuns),
        ...checkRuns("bare Hono", baseRuns),
      ],
    };
  } finally {
    await serve.stop();
    await hono.stop();
  }
}

export async function mutationQueryRoute(appDir: string, t: ConvexTestApp): Promise<Section> {
  const docs = 5_000;
  const serve = await startServe(appDir, { dataDir: scratchDir("data-5k") });
  try {
    await seedServe(serve.apiUrl, 0, docs);
    await seedConvexTest(t, 0, docs);
    await expectBody(pairTarget(serve).url, { method: "POST" }, (b) => b.includes('"id"'));
    await warmUp(pairTarget(serve));
    await trimServe(serve.apiUrl);
    await pairsPerSecond(t, 1);
    await trimConvexTest(t);
    const ourRuns: LoadRun[] = [];
    // Like for like with convex-test, which can only run one request at a time: one connection.
    const sequentialRuns: LoadRun[] = [];
    const theirs: number[] = [];
    const theirCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ourRuns.push(await load(pairTarget(serve), serve));
      await trimServe(serve.apiUrl);
      sequentialRuns.push(await load(pairTarget(serve), serve, RUN_SECONDS, 1));
      await trimServe(serve.apiUrl);
      const cpuBefore = process.cpuUsage();
      const done = await pairsPerSecond(t, CONVEX_TEST_SECONDS);
      const cpu = process.cpuUsage(cpuBefore);
      theirs.push(done.perSecond);
      theirCpu.push((cpu.user + cpu.system) / done.count);
      await trimConvexTest(t);
    }
    const ourRps = median(ourRuns.map((r) => r.rps));
    const theirRps = median(theirs);
    const ratio = ourRps / theirRps;
    const sequentialRps = median(sequentialRuns.map((r) => r.rps));
    const ourCpu = median(sequentialRuns.map((r) => r.cpuMicros));
    const theirCpuMedian = median(theirCpu);
    const sequentialValid = checkRuns("serve, one connection", sequentialRuns).length === 0;
    const rss = serve.peakRssMib();
    return {
      title: "2. HTTP action doing `runMutation` (insert) + `runQuery` (index lookup), 5,000 documents",
      rows: [
        {
          figure: "req/s, `POST /pair` (insert + index lookup), 5,000 documents, through `serve`",
          value: `${fmt(ourRps)} req/s`,
          baseline: `convex-test \`t.fetch\` in-process: ${fmt(theirRps, 1)} req/s`,
          ratio: `${fmt(ratio, 1)}×`,
          goal: "≥ 10×",
          verdict: verdict(ratio >= 10, checkRuns("serve", ourRuns).length === 0),
        },
        {
          figure: "like for like: req/s with one request at a time on both sides (serve: 1 connection)",
          value: `${fmt(sequentialRps)} req/s`,
          baseline: `convex-test: ${fmt(theirRps, 1)} req/s`,
          ratio: `${fmt(sequentialRps / theirRps, 1)}×`,
          goal: "—",
          verdict: sequentialValid ? "reported" : "invalid",
        },
        {
          figure: "like for like: CPU time per request, one request at a time (serve: all its threads)",
          value: `${fmt(ourCpu)} µs`,
          baseline: `convex-test: ${fmt(theirCpuMedian)} µs`,
          ratio: `${fmt(theirCpuMedian / ourCpu, 1)}× less CPU`,
          goal: "—",
          verdict: sequentialValid ? "reported" : "invalid",
        },
      ],
      details: [
        `serve: autocannon over HTTP, ${CONNECTIONS} connections, ${RUN_SECONDS} s per run; convex-test: \`await t.fetch("/pair")\` one after another for ${CONVEX_TEST_SECONDS} s per run (it runs in this process and cannot go faster concurrently). Runs interleaved. After every run the documents the route inserted are deleted again (\`items:trim\`), so each run starts at ${fmt(docs)} documents.`,
        runsLine(
          "serve req/s",
          ourRuns.map((r) => r.rps),
          "req/s",
        ),
        runsLine("convex-test req/s", theirs, "req/s", 1),
        runsLine(
          "serve CPU time per request (all threads)",
          ourRuns.map((r) => r.cpuMicros),
          "µs",
        ),
        runsLine(
          "  of which on the host thread (HTTP, log store, database)",
          ourRuns.map((r) => r.mainThreadCpuMicros),
          "µs",
        ),
        runsLine("convex-test CPU time per request (this process, one thread)", theirCpu, "µs"),
        runsLine(
          "serve req/s with one connection",
          sequentialRuns.map((r) => r.rps),
          "req/s",
        ),
        runsLine(
          "serve CPU time per request with one connection (all threads)",
          sequentialRuns.map((r) => r.cpuMicros),
          "µs",
        ),
        runsLine(
          "serve latency p50",
          ourRuns.map((r) => r.latencyP50),
          "ms",
          1,
        ),
        `serve process peak RSS after this figure: ${rss === null ? "n/a" : `${fmt(rss)} MiB`}`,
        ...checkRuns("serve", ourRuns),
        ...checkRuns("serve, one connection", sequentialRuns),
      ],
    };
  } finally {
    await serve.stop();
  }
}

/** Figures 3, 4 and 8: a 1,000-document and a 100,000-document runtime side by side. */
export async function largeTable(appDir: string, t: ConvexTestApp, log: (text: string) => void): Promise<Section[]> {
  const small = 1_000;
  const large = 100_000;
  const low = await startServe(appDir, { dataDir: scratchDir("data-1k") });
  const high = await startServe(appDir, { dataDir: scratchDir("data-100k") });
  try {
    const seedStarted = performance.now();
    await seedServe(low.apiUrl, 0, small);
    await seedServe(high.apiUrl, 0, large);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${fmt(large)} + ${fmt(small)} documents through the function API in ${fmt(seedSeconds, 1)} s`);
    const rssAfterSeed = high.peakRssMib();

    // Figure 3: the same route at 1,000 and at 100,000 documents.
    await warmUp(pairTarget(low));
    await trimServe(low.apiUrl);
    await warmUp(pairTarget(high));
    await trimServe(high.apiUrl);
    const lowRuns: LoadRun[] = [];
    const highRuns: LoadRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      lowRuns.push(await load(pairTarget(low), low));
      await trimServe(low.apiUrl);
      highRuns.push(await load(pairTarget(high), high));
      await trimServe(high.apiUrl);
    }
    const lowRps = median(lowRuns.map((r) => r.rps));
    const highRps = median(highRuns.map((r) => r.rps));
    const sizeRatio = highRps / lowRps;
    log(`figure 3: ${fmt(highRps)} vs ${fmt(lowRps)} req/s`);

    // Figure 4: 100 of 100,000 documents by an index range, one query at a time.
    const queriesPerRun = 100;
    const rangeFrom = (i: number) => ((i * 7919) % (large / 100 - 1)) * 100 + 37;
    const checkRange = (value: unknown, from: number) => {
      const docs = value as Array<{ n: number }>;
      if (docs.length !== 100 || docs[0]!.n !== from || docs[99]!.n !== from + 99)
        throw new Error(`range(${from}) returned ${docs.length} documents`);
    };
    for (let i = 0; i < 20; i++) checkRange(await callFunction(high.apiUrl, "query", "items:range", { from: rangeFrom(i) }), rangeFrom(i));
    const ourLatencies: number[] = [];
    const ourThroughput: LoadRun[] = [];
    const rangeTarget: LoadTarget = {
      url: `${high.apiUrl}/api/query`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "items:range", args: { from: 50_037 }, format: "json" }),
    };
    await warmUp(rangeTarget);
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = [];
      for (let i = 0; i < queriesPerRun; i++) {
        const from = rangeFrom(run * queriesPerRun + i);
        const started = performance.now();
        const value = await callFunction(high.apiUrl, "query", "items:range", { from });
        times.push(performance.now() - started);
        checkRange(value, from);
      }
      ourLatencies.push(median(times));
      ourThroughput.push(await load(rangeTarget, high));
    }
    const rssHigh = high.peakRssMib();

    log("seeding convex-test to 100,000 documents");
    await trimConvexTest(t);
    await seedConvexTest(t, 5_000, large);
    const theirLatencies: number[] = [];
    const ctQueriesPerRun = 3;
    await t.query(rangeQuery, { from: 1 });
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = [];
      for (let i = 0; i < ctQueriesPerRun; i++) {
        const from = rangeFrom(run * ctQueriesPerRun + i);
        const started = performance.now();
        const value = await t.query(rangeQuery, { from });
        times.push(performance.now() - started);
        checkRange(value, from);
      }
      theirLatencies.push(median(times));
    }
    const ourLatency = median(ourLatencies);
    const theirLatency = median(theirLatencies);
    const speedup = theirLatency / ourLatency;

    return [
      {
        title: "3. The same route with 100,000 documents vs 1,000 documents",
        rows: [
          {
            figure: "req/s, `POST /pair`, 100,000 documents, through `serve`",
            value: `${fmt(highRps)} req/s`,
            baseline: `same route, 1,000 documents: ${fmt(lowRps)} req/s`,
            ratio: `${fmt(sizeRatio, 2)}×`,
            goal: "≥ 0.8×",
            verdict: verdict(sizeRatio >= 0.8, checkRuns("100k", highRuns).length + checkRuns("1k", lowRuns).length === 0),
          },
        ],
        details: [
          `Two serve processes (1,000 and 100,000 documents, seeded through the function API in batches of 1,000), runs interleaved, autocannon ${CONNECTIONS} connections, ${RUN_SECONDS} s per run; inserted documents are trimmed after every run.`,
          runsLine(
            "100,000 documents req/s",
            highRuns.map((r) => r.rps),
            "req/s",
          ),
          runsLine(
            "1,000 documents req/s",
            lowRuns.map((r) => r.rps),
            "req/s",
          ),
          runsLine(
            "CPU time per request, 100,000 documents",
            highRuns.map((r) => r.cpuMicros),
            "µs",
          ),
          runsLine(
            "CPU time per request, 1,000 documents",
            lowRuns.map((r) => r.cpuMicros),
            "µs",
          ),
          `seeding ${fmt(large + small)} documents through \`POST /api/mutation\` (\`items:seed\`, 1,000 per call) took ${fmt(seedSeconds, 1)} s`,
          ...checkRuns("100k", highRuns),
          ...checkRuns("1k", lowRuns),
        ],
      },
      {
        title: "4. Index range query returning 100 of 100,000 documents",
        rows: [
          {
            figure: "latency of `items:range` (100 of 100,000 documents by `by_n`), `POST /api/query` on `serve`",
            value: `${fmt(ourLatency, 2)} ms`,
            baseline: `convex-test \`t.query\`: ${fmt(theirLatency, 1)} ms`,
            ratio: `${fmt(speedup, 0)}× faster`,
            goal: "≥ 10× faster",
            verdict: verdict(speedup >= 10),
          },
        ],
        details: [
          `Compared: per-query latency, one query at a time (the median of each run, then the median of the ${RUNS} runs). serve: ${queriesPerRun} queries per run over HTTP (the client's fetch round trip included); convex-test: ${ctQueriesPerRun} queries per run in-process. Each query reads a different range; every result is checked (100 documents, the right ones).`,
          runsLine("serve latency", ourLatencies, "ms", 2),
          runsLine("convex-test latency", theirLatencies, "ms", 1),
          runsLine(
            `serve throughput (autocannon, ${CONNECTIONS} connections, same range each time)`,
            ourThroughput.map((r) => r.rps),
            "queries/s",
          ),
          ...checkRuns("range throughput", ourThroughput),
        ],
      },
      {
        title: "8. Peak memory of the runtime with 100,000 documents",
        rows: [
          {
            figure: "peak RSS (VmHWM) of the `serve` process, 100,000 documents",
            value: rssHigh === null ? "n/a" : `${fmt(rssHigh)} MiB`,
            baseline: "—",
            ratio: "—",
            goal: "reported",
            verdict: "reported",
          },
        ],
        details: [
          `VmHWM from /proc/<pid>/status of the serve child (host thread, user-code worker and sql.js heaps together), read after figures 3 and 4 ran against it. Right after seeding: ${rssAfterSeed === null ? "n/a" : `${fmt(rssAfterSeed)} MiB`}.`,
        ],
      },
    ];
  } finally {
    await Promise.all([low.stop(), high.stop()]);
  }
}
