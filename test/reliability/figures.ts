// The figures of the reliability suite, kept in test/RELIABILITY.md. Every test file records its
// own section when it finishes; the file is rewritten whole from the sections it already holds
// (in a JSON block at its end) plus the new one, under a lock, so files running in parallel do not
// lose each other's figures.
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../helpers/cli-process";

export interface SectionFigures {
  /** What the section proves, one line. */
  title: string;
  /** Rounds / runs of the scenario (restarts, load runs, fuzz runs …). */
  runs: number;
  faultsInjected: number;
  requestsSent: number;
  inputsTried: number;
  /** Acknowledged writes missing afterwards. Always 0 when the section passed. */
  dataLost: number;
  /** Fixed seed(s) of the section, if it is randomized. */
  seed?: number;
  /** Anything else worth a line: figures that are not counts of the columns above. */
  notes: string[];
}

interface Stored {
  sections: Record<string, SectionFigures & { date: string }>;
}

export const RELIABILITY_FILE = join(REPO, "test", "RELIABILITY.md");
const LOCK = join(REPO, "test", ".tmp", "reliability-figures.lock");
const MARK = "<!-- figures (written by test/reliability/figures.ts):";

function readStored(): Stored {
  try {
    const text = readFileSync(RELIABILITY_FILE, "utf8");
    const start = text.indexOf(MARK);
    if (start < 0) return { sections: {} };
    const json = text.slice(start + MARK.length, text.indexOf("-->", start));
    return JSON.parse(json) as Stored;
  } catch {
    return { sections: {} };
  }
}

async function withLock<T>(work: () => T): Promise<T> {
  mkdirSync(join(REPO, "test", ".tmp"), { recursive: true });
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      mkdirSync(LOCK);
      try {
        return work();
      } finally {
        rmdirSync(LOCK);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a killed test process is stale after a minute (writing takes milliseconds).
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 60_000) rmdirSync(LOCK);
      } catch {
        // Gone already.
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`could not take ${LOCK}`);
}

const ORDER = ["crash-safety", "load", "user-code-faults", "bad-project-input", "hostile-http", "fuzz", "auth", "exposure"];

function render(stored: Stored): string {
  const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
  const keys = Object.keys(stored.sections).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const sections = keys.map((key) => [key, stored.sections[key]!] as const);
  const total = (field: "runs" | "faultsInjected" | "requestsSent" | "inputsTried" | "dataLost") =>
    sections.reduce((sum, [, s]) => sum + s[field], 0);
  const latest = sections.map(([, s]) => s.date).sort().at(-1) ?? "never";
  const lines = [
    "# Reliability and security figures",
    "",
    "Written by the reliability suite (`test/reliability/*.test.ts`, part of `npm test`) each time it",
    "runs; do not edit by hand. Every figure comes from real `convex-lens serve` processes and real",
    "HTTP on 127.0.0.1. Randomized sections use a fixed seed, so a run can be repeated exactly.",
    "",
    `Last run: ${latest}`,
    "",
    "| section | what it proves | runs | faults injected | requests sent | inputs tried | data lost | date |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...sections.map(
      ([key, s]) =>
        `| ${key} | ${s.title} | ${s.runs} | ${s.faultsInjected} | ${s.requestsSent} | ${s.inputsTried} | ${s.dataLost} | ${s.date} |`,
    ),
    `| **total** | | **${total("runs")}** | **${total("faultsInjected")}** | **${total("requestsSent")}** | **${total("inputsTried")}** | **${total("dataLost")}** | |`,
    "",
    "## Details",
    "",
  ];
  for (const [key, s] of sections) {
    lines.push(`### ${key}`, "");
    if (s.seed !== undefined) lines.push(`- seed: ${s.seed}`);
    for (const note of s.notes) lines.push(`- ${note}`);
    lines.push("");
  }
  lines.push(`${MARK}`, JSON.stringify(stored, null, 1), "-->", "");
  return lines.join("\n");
}

/** Records (replaces) one section of test/RELIABILITY.md. */
export async function recordFigures(key: string, figures: SectionFigures): Promise<void> {
  await withLock(() => {
    const stored = readStored();
    stored.sections[key] = { ...figures, date: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
    const tmp = `${RELIABILITY_FILE}.tmp-${process.pid}`;
    writeFileSync(tmp, render(stored));
    renameSync(tmp, RELIABILITY_FILE);
  });
}

/** Counters a test file fills as it goes. */
export class Tally {
  runs = 0;
  faultsInjected = 0;
  requestsSent = 0;
  inputsTried = 0;
  dataLost = 0;
  readonly notes: string[] = [];
}
