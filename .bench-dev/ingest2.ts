import { LogStore } from "../runtime/logs/log-store";
import type { LogLine } from "../runtime/logs/log-line";
async function main() {
  const store = await LogStore.open({});
  const c0 = process.cpuUsage(); const t0 = performance.now();
  let last = c0;
  for (let i = 0; i < 100000; i += 100) {
    const id = store.recordExecution({ execId: "", parentId: null, requestId: "r" + i, udfType: "httpAction", identifier: "x", caller: "http", startedAt: 1 });
    const lines: LogLine[] = [];
    for (let j = i; j < i + 100; j++) lines.push({ messages: [`'handled request' ${j} 'in' ${j % 97} 'ms'`], level: (["LOG","INFO","WARN","ERROR","DEBUG"] as const)[j % 5]!, timestamp: j, isTruncated: false });
    store.appendLines(id, "r" + i, lines);
    store.finishExecution({ execId: id, outcome: "success", durationMs: 1, status: 200, error: null });
    if ((i + 100) % 20000 === 0) { const cu = process.cpuUsage(last); last = process.cpuUsage(); console.log(`${i + 100}: cpu ${((cu.user + cu.system) / 20000).toFixed(1)} µs/line`); }
  }
  const cu = process.cpuUsage(c0);
  console.log(`wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((cu.user + cu.system) / 1000).toFixed(0)} ms for 100k lines`);
}
void main();
