// The figures of the reliability suite. Every test file records its own section when it finishes,
// from the counters of its Tally: a figure the test never counted is printed as "not measured",
// never as a made-up 0. The report is written under test/reliability/.report/ (ignored by git), so
// running the tests changes no tracked file; `npm run reliability-report` runs the suite alone and
// copies the report to test/RELIABILITY.md, the committed copy. The file is rewritten whole from
// the sections it already holds (in a JSON block at its end) plus the new one, under a lock, so
// files running in parallel do not lose each other's figures.
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO } from "../helpers/cli-process";

/**
 * The counted figures, in the order of the report's columns: rounds of the scenario (restarts,
 * load runs, fuzz runs …), faults injected, requests sent, inputs tried, and acknowledged writes
 * missing afterwards.
 */
export const FIGURES = ["runs", "faultsInjected", "requestsSent", "inputsTried", "dataLost"] as const;
export type Figure = (typeof FIGURES)[number];
const COLUMN: Record<Figure, string> = {
  runs: "runs",
  faultsInjected: "faults injected",
  requestsSent: "requests sent",
  inputsTried: "inputs tried",
  dataLost: "data lost",
};
const NOT_MEASURED = "–";

/**
 * Counters a test file fills as it goes (`tally.requestsSent++`, `tally.dataLost += lost.length`).
 * A counter exists in the report only once the test wrote it, even when it wrote 0.
 */
// The class's own interface: one number property per figure, defined by the static block below.
export interface Tally extends Record<Figure, number> {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the static block defines every property the interface declares.
export class Tally {
  readonly #counted = new Map<Figure, number>();
  readonly notes: string[] = [];

  static {
    for (const figure of FIGURES) {
      Object.defineProperty(Tally.prototype, figure, {
        get(this: Tally) {
          return this.#counted.get(figure) ?? 0;
        },
        set(this: Tally, value: number) {
          this.#counted.set(figure, value);
        },
      });
    }
  }

  /** The figures this test counted, and only those. */
  counted(): Partial<Record<Figure, number>> {
    return Object.fromEntries(this.#counted);
  }
}

export interface Section {
  /** What the section proves, one line. */
  title: string;
  tally: Tally;
  /** Fixed seed of the section, if it is randomized. */
  seed?: number;
}

/** A section as the report stores it. */
export interface StoredSection {
  title: string;
  figures: Partial<Record<Figure, number>>;
  seed?: number;
  notes: string[];
  date: string;
}

type Stored = Record<string, StoredSection>;

/** Where the suite writes its report: an ignored folder (see .gitignore). */
export const REPORT_FILE = join(REPO, "test", "reliability", ".report", "RELIABILITY.md");
const LOCK = join(dirname(REPORT_FILE), "figures.lock");
const MARK = "<!-- figures (written by test/reliability/figures.ts):";

function readStored(): Stored {
  try {
    const text = readFileSync(REPORT_FILE, "utf8");
    const start = text.indexOf(MARK);
    if (start < 0) return {};
    const json = text.slice(start + MARK.length, text.indexOf("-->", start));
    return (JSON.parse(json) as { sections: Stored }).sections;
  } catch {
    return {};
  }
}

async function withLock<T>(work: () => T): Promise<T> {
  mkdirSync(dirname(LOCK), { recursive: true });
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

const ORDER = ["crash-safety", "load", "user-code-faults", "bad-project-input", "hostile-http", "fuzz", "auth", "exposure", "origins"];

export function sectionOf(section: Section, date: string): StoredSection {
  const stored: StoredSection = { title: section.title, figures: section.tally.counted(), notes: [...section.tally.notes], date };
  if (section.seed !== undefined) stored.seed = section.seed;
  return stored;
}

export function renderReport(stored: Stored): string {
  const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
  const keys = Object.keys(stored).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const sections = keys.map((key) => [key, stored[key]!] as const);
  const cell = (value: number | undefined) => (value === undefined ? NOT_MEASURED : String(value));
  const total = (figure: Figure) => {
    const measured = sections.map(([, s]) => s.figures[figure]).filter((value): value is number => value !== undefined);
    return measured.length === 0 ? NOT_MEASURED : `**${measured.reduce((sum, value) => sum + value, 0)}**`;
  };
  const latest =
    sections
      .map(([, s]) => s.date)
      .sort()
      .at(-1) ?? "never";
  const lines = [
    "# Reliability and security figures",
    "",
    "Written by the reliability suite (`test/reliability/*.test.ts`, part of `npm test`) to",
    "`test/reliability/.report/RELIABILITY.md` (not tracked) each time it runs; `npm run",
    "reliability-report` runs the suite alone and copies that file here. Do not edit by hand. Every",
    "figure is counted by the test that prints it, on real `convex-lens serve` processes and real HTTP",
    "on 127.0.0.1. Randomized sections use a fixed seed, so a run can be repeated exactly.",
    "",
    `${NOT_MEASURED}: not measured by that section (a figure a test does not count is never printed as 0).`,
    "",
    `Last run: ${latest}`,
    "",
    `| section | what it proves | ${FIGURES.map((f) => COLUMN[f]).join(" | ")} | date |`,
    `| --- | --- | ${FIGURES.map(() => "---:").join(" | ")} | --- |`,
    ...sections.map(([key, s]) => `| ${key} | ${s.title} | ${FIGURES.map((f) => cell(s.figures[f])).join(" | ")} | ${s.date} |`),
    `| **total** | | ${FIGURES.map(total).join(" | ")} | |`,
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
  lines.push(`${MARK}`, JSON.stringify({ sections: stored }, null, 1), "-->", "");
  return lines.join("\n");
}

/** Records (replaces) one section of the report. */
export async function recordFigures(key: string, section: Section): Promise<void> {
  await withLock(() => {
    const stored = readStored();
    stored[key] = sectionOf(section, new Date().toISOString().replace(/\.\d+Z$/, "Z"));
    const tmp = `${REPORT_FILE}.tmp-${process.pid}`;
    writeFileSync(tmp, renderReport(stored));
    renameSync(tmp, REPORT_FILE);
  });
}
