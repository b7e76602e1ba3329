// `npm run bench`: measures every figure of issue 6 and writes bench/RESULTS.md. `npm run build`
// runs first (the script does it), so dist/cli.js is current. Never part of `npm test`.
//
//   npm run bench               all figures
//   npm run bench -- logs http  only the groups named (http, reload, logs, components, vector, vscode); RESULTS.md is still written
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { largeTable, mutationQueryRoute, trivialRoute } from "./figures/http";
import { componentCall } from "./figures/components";
import { logStore } from "./figures/logs";
import { vectorSearch } from "./figures/vector";
import { hotReload, startup } from "./figures/reload";
import { vscodeFeel } from "./figures/vscode";
import { newConvexTestApp } from "./lib/convex-test-app";
import { describeMachine, loadAverage } from "./lib/machine";
import { copyApp, REPO, removeScratch } from "./lib/processes";
import { table, type Section } from "./lib/report";

const GROUPS = ["http", "reload", "logs", "components", "vector", "vscode"] as const;

function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(GROUPS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`unknown group(s) ${unknown.join(", ")}; groups: ${GROUPS.join(", ")}`);
  const runs = (group: (typeof GROUPS)[number]) => wanted.length === 0 || wanted.includes(group);
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const started = performance.now();
  const sections: Section[] = [];
  removeScratch();
  try {
    if (runs("http")) {
      const appDir = copyApp(join(REPO, "bench", "app"), "app");
      log("figure 1: trivial route vs bare Hono");
      sections.push(await trivialRoute(appDir));
      const t = newConvexTestApp();
      log("figure 2: insert + index lookup vs convex-test");
      sections.push(await mutationQueryRoute(appDir, t));
      log("figures 3, 4, 8: 100,000 documents");
      sections.push(...(await largeTable(appDir, t, log)));
    }
    if (runs("reload")) {
      const chatDir = copyApp(join(REPO, "examples", "chat"), "chat");
      log("figure 5: save → new code");
      sections.push(await hotReload(chatDir));
      log("figure 6: start → listening");
      sections.push(await startup(chatDir));
    }
    if (runs("components")) {
      log("figure 9: a call into a component vs the same call in the app");
      sections.push(await componentCall(copyApp(join(REPO, "bench", "components-app"), "components-app")));
    }
    if (runs("logs")) {
      log("figure 7: log store");
      sections.push(await logStore());
    }
    if (runs("vector")) {
      log("figure 10: vector search over 100,000 vectors of 1,536 dimensions");
      sections.push(await vectorSearch(log));
    }
    if (runs("vscode")) {
      log("figure 11: a real VS Code (code-server + Chromium)");
      sections.push(await vscodeFeel(log));
    }
  } finally {
    removeScratch();
  }
  sections.sort((a, b) => a.title.localeCompare(b.title, "en", { numeric: true }));
  const seconds = (performance.now() - started) / 1000;
  const text = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/run.ts); do not edit by hand. Each figure is the median of several runs, with its",
    "baseline measured in the same run, interleaved with ours where both are loads. How each is measured is under its table.",
    "",
    ...describeMachine(startedAt, loadAtStart),
    `- whole run: ${seconds.toFixed(0)} s${wanted.length > 0 ? `; groups run: ${wanted.join(", ")}` : ""}`,
    "",
    "## Summary",
    "",
    table(sections.flatMap((s) => s.rows)),
    "",
    ...sections.flatMap((s) => [`## ${s.title}`, "", table(s.rows), "", ...s.details.map((d) => `- ${d}`), ""]),
    readFileSync(join(REPO, "bench", "where-the-time-goes.md"), "utf8"),
  ].join("\n");
  writeFileSync(join(REPO, "bench", "RESULTS.md"), text);
  process.stdout.write(`${table(sections.flatMap((s) => s.rows))}\n\nwrote bench/RESULTS.md in ${seconds.toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
