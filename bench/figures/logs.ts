// Figure 7: the log store (runtime/logs/log-store.ts) on its own: ingestion rate, and a filtered
// page once it holds 100,000 lines, read with `pageRows` (runtime/logs/log-queries.ts), the query
// the logs panel runs.
import { join } from "node:path";
import { pageRows } from "../../runtime/logs/log-queries";
import { LogStore } from "../../runtime/logs/log-store";
import type { LogLevel, LogLine } from "../../runtime/logs/log-line";
import { scratchDir } from "../lib/processes";
import { verdict, type Section } from "../lib/report";
import { fmt, median } from "../lib/stats";

/** Fewer runs than the HTTP figures: each ingests 100,000 lines twice. */
const RUNS = 3;

const LINES = 100_000;
const BATCH = 100;
const LEVELS: LogLevel[] = ["LOG", "INFO", "WARN", "ERROR", "DEBUG"];

function line(i: number): LogLine {
  // One line in 250 mentions "needle", always an ERROR line (i % 5 === 3): 400 of 100,000 match.
  const text = i % 250 === 3 ? `'needle found' ${i}` : `'handled request' ${i} 'in' ${i % 97} 'ms'`;
  return { messages: [text], level: LEVELS[i % LEVELS.length]!, timestamp: 1_700_000_000_000 + i, isTruncated: false };
}

interface Rate {
  /** Lines per second of wall-clock time. */
  perSecond: number;
  /** Lines per second of this process's CPU time: what a machine with a core to spare would see. */
  perCpuSecond: number;
}

/** Appends `total` lines, `linesPerCall` per appendLines call (one execution per call). */
async function ingest(store: LogStore, linesPerCall: number, total = LINES): Promise<Rate> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < total; i += linesPerCall) {
    const execId = store.recordExecution({
      execId: "",
      parentId: null,
      requestId: `req-${i}`,
      udfType: "httpAction",
      identifier: "POST /pair",
      caller: "http",
      startedAt: Date.now(),
    });
    const lines: LogLine[] = [];
    for (let j = i; j < i + linesPerCall; j++) lines.push(line(j));
    store.appendLines(execId, `req-${i}`, lines);
    store.finishExecution({ execId, outcome: "success", durationMs: 1, status: 200, error: null });
  }
  await store.flush();
  const used = process.cpuUsage(cpu);
  return { perSecond: total / ((performance.now() - started) / 1000), perCpuSecond: total / ((used.user + used.system) / 1e6) };
}

function timeQuery(store: LogStore, text: string): { ms: number; found: number } {
  const started = performance.now();
  // What the panel asks for with "ERROR" ticked and text typed: a page of 100 rows. Lines and
  // failed executions both match the level; this store has no failures, so every row is a line.
  const found = pageRows(store, { filter: { levels: ["ERROR"], text }, limit: 100 }).rows.length;
  return { ms: performance.now() - started, found };
}

export async function logStore(): Promise<Section> {
  const memoryRates: Rate[] = [];
  const fileRates: Rate[] = [];
  const singleRates: number[] = [];
  const queryTimes: number[] = [];
  const missTimes: number[] = [];
  let found = 0;
  for (let run = 0; run < RUNS; run++) {
    const memory = await LogStore.open({});
    memoryRates.push(await ingest(memory, BATCH));
    // The filtered page: ERROR lines containing "needle", newest first, 100 of them.
    for (let q = 0; q < 5; q++) {
      const hit = timeQuery(memory, "needle");
      found = hit.found;
      queryTimes.push(hit.ms);
      missTimes.push(timeQuery(memory, "nothing-matches-this").ms);
    }
    await memory.close();

    const file = await LogStore.open({ file: join(scratchDir("logs"), "logs.sqlite") });
    fileRates.push(await ingest(file, BATCH));
    await file.close();

    // What the runtime does today: one appendLines call per console line, one execution per 10 lines.
    const single = await LogStore.open({});
    singleRates.push(await ingestOneByOne(single, 10_000));
    await single.close();
  }
  if (found !== 100) throw new Error(`the filtered page returned ${found} lines, expected 100`);
  const memoryRate = median(memoryRates.map((r) => r.perSecond));
  const fileRate = median(fileRates.map((r) => r.perSecond));
  const query = median(queryTimes);
  return {
    title: "7. Log store",
    rows: [
      {
        figure: `log lines ingested per second, in memory (\`appendLines\`, ${BATCH} lines per call)`,
        value: `${fmt(memoryRate)} lines/s`,
        baseline: "—",
        ratio: "—",
        goal: "≥ 20,000/s",
        verdict: verdict(memoryRate >= 20_000),
      },
      {
        figure: `log lines ingested per second, with a file (${BATCH} per call, final flush included)`,
        value: `${fmt(fileRate)} lines/s`,
        baseline: "—",
        ratio: "—",
        goal: "≥ 20,000/s",
        verdict: verdict(fileRate >= 20_000),
      },
      {
        figure: "filtered page at 100,000 lines (`pageRows`, as the logs panel: level ERROR + text, 100 rows)",
        value: `${fmt(query, 2)} ms`,
        baseline: "—",
        ratio: "—",
        goal: "< 20 ms",
        verdict: verdict(query < 20),
      },
    ],
    details: [
      `LogStore.open({}) (memory) and LogStore.open({ file }) directly, ${fmt(LINES)} lines per run, ${RUNS} runs; one execution recorded and finished per ${BATCH}-line batch, as the host records them.`,
      `in memory: ${memoryRates.map((r) => fmt(r.perSecond)).join(", ")} lines/s; with a file: ${fileRates.map((r) => fmt(r.perSecond)).join(", ")} lines/s`,
      `per second of CPU time (the bench process's own, so other load on the machine does not count): in memory ${fmt(median(memoryRates.map((r) => r.perCpuSecond)))} lines/s, with a file ${fmt(median(fileRates.map((r) => r.perCpuSecond)))} lines/s`,
      `one line per \`appendLines\` call (what the runtime does for each console line; 10 lines per execution): ${singleRates.map((v) => fmt(v)).join(", ")} lines/s (median ${fmt(median(singleRates))})`,
      `filtered page (100 of the 400 matching lines among 100,000): ${queryTimes.length} queries, median ${fmt(query, 2)} ms, max ${fmt(Math.max(...queryTimes), 2)} ms; the same filter with a text that matches nothing (scans all 20,000 ERROR lines): median ${fmt(median(missTimes), 2)} ms`,
    ],
  };
}

async function ingestOneByOne(store: LogStore, total: number): Promise<number> {
  const started = performance.now();
  let execId = "";
  for (let i = 0; i < total; i++) {
    if (i % 10 === 0) {
      if (execId) store.finishExecution({ execId, outcome: "success", durationMs: 1, status: 200, error: null });
      execId = store.recordExecution({
        execId: "",
        parentId: null,
        requestId: `req-${i}`,
        udfType: "httpAction",
        identifier: "POST /pair",
        caller: "http",
        startedAt: Date.now(),
      });
    }
    store.appendLines(execId, `req-${i}`, [line(i)]);
  }
  store.finishExecution({ execId, outcome: "success", durationMs: 1, status: 200, error: null });
  return total / ((performance.now() - started) / 1000);
}
