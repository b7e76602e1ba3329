// `npm run bench`: measures every figure of issue 6 and writes bench/RESULTS.md. `npm run build`
// runs first (the script does it), so dist/cli.js is current. Never part of `npm test`.
//
//   npm run bench               all figures
//   npm run bench -- logs http  only the groups named (http, reload, logs, components, vector, search,
//                               vscode, million, sync); RESULTS.md keeps the other figures from its previous run,
//                               marked with that run's date. `million` and `sync` run only when named.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { largeTable, mutationQueryRoute, trivialRoute } from "./figures/http";
import { componentCall } from "./figures/components";
import { logStore } from "./figures/logs";
import { millionDocuments } from "./figures/million";
import { vectorSearch } from "./figures/vector";
import { hotReload, startup } from "./figures/reload";
import { textSearch } from "./figures/search";
import { syncUpdates } from "./figures/sync";
import { vscodeFeel } from "./figures/vscode";
import { newConvexTestApp } from "./lib/convex-test-app";
import { describeMachine, loadAverage } from "./lib/machine";
import { copyApp, REPO, removeScratch } from "./lib/processes";
import { table, type Section } from "./lib/report";

const GROUPS = ["http", "reload", "logs", "components", "vector", "search", "vscode", "million", "sync"] as const;
/** Groups that run only when named: `million` takes several minutes on its own. */
const OPT_IN: ReadonlyArray<(typeof GROUPS)[number]> = ["million", "sync"];

const RESULTS = join(REPO, "bench", "RESULTS.md");

/** A figure's section of RESULTS.md, as written, and its rows of the summary table. */
interface WrittenSection {
  title: string;
  text: string[];
  rows: string[];
}

/** The numbered sections of the previous RESULTS.md (none if there is none). */
function previousSections(): { date: string; sections: WrittenSection[] } {
  let text: string;
  try {
    text = readFileSync(RESULTS, "utf8");
  } catch {
    return { date: "", sections: [] };
  }
  const date = /^- date: (.*)$/m.exec(text)?.[1] ?? "an earlier run";
  const sections: WrittenSection[] = [];
  let current: WrittenSection | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) {
      current = /^## \d+\. /.test(line) ? { title: line.slice(3), text: [], rows: [] } : null;
      if (current) sections.push(current);
      continue;
    }
    if (!current) continue;
    current.text.push(line);
    if (line.startsWith("| ") && !line.startsWith("| figure |")) current.rows.push(line);
  }
  return { date, sections };
}

function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(GROUPS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new Error(`unknown group(s) ${unknown.join(", ")}; groups: ${GROUPS.join(", ")}`);
  const runs = (group: (typeof GROUPS)[number]) => (wanted.length === 0 && !OPT_IN.includes(group)) || wanted.includes(group);
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
    if (runs("search")) {
      log("figure 11: full-text search over 100,000 documents");
      sections.push(await textSearch());
    }
    if (runs("vscode")) {
      log("figure 12: a real VS Code (code-server + Chromium)");
      sections.push(await vscodeFeel(log));
    }
    if (runs("million")) {
      log("figure 13: 1,000,000 documents (start, memory, index query)");
      sections.push(await millionDocuments(copyApp(join(REPO, "bench", "app"), "app-1m"), log));
    }
    if (runs("sync")) {
      log("figure 14: sync protocol, commit → subscribed client updated");
      sections.push(await syncUpdates(copyApp(join(REPO, "bench", "app"), "sync-app")));
    }
  } finally {
    removeScratch();
  }
  // Figures of the groups not run this time stay as the previous run measured them.
  const previous = previousSections();
  const number = (title: string) => title.split(".")[0]!;
  const measured = new Set(sections.map((s) => number(s.title)));
  const kept = previous.sections.filter((s) => !measured.has(number(s.title)));
  const written: WrittenSection[] = [
    ...sections.map((s) => ({
      title: s.title,
      text: ["", table(s.rows), "", ...s.details.map((d) => `- ${d}`), ""],
      rows: table(s.rows).split("\n").slice(2),
    })),
    ...kept.map((s) => ({ ...s, title: s.title.includes(" (from ") ? s.title : `${s.title} (from ${previous.date})` })),
  ];
  written.sort((a, b) => a.title.localeCompare(b.title, "en", { numeric: true }));
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
    [table([]), ...written.flatMap((s) => s.rows)].join("\n"),
    "",
    ...written.flatMap((s) => [`## ${s.title}`, ...s.text]),
    readFileSync(join(REPO, "bench", "where-the-time-goes.md"), "utf8"),
    readFileSync(join(REPO, "bench", "where-the-memory-goes.md"), "utf8"),
  ].join("\n");
  writeFileSync(RESULTS, text);
  process.stdout.write(`${table(sections.flatMap((s) => s.rows))}\n\nwrote bench/RESULTS.md in ${seconds.toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
