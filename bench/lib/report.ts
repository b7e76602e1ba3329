// One row of RESULTS.md: the figure, its baseline from the same run, the ratio and the goal.

export type Verdict = "pass" | "miss" | "reported" | "invalid";

export interface FigureRow {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  verdict: Verdict;
}

export interface Section {
  title: string;
  rows: FigureRow[];
  /** Method and per-run numbers, printed under the table. */
  details: string[];
}

export function verdict(ok: boolean, valid = true): Verdict {
  if (!valid) return "invalid";
  return ok ? "pass" : "miss";
}

export function table(rows: FigureRow[]): string {
  const lines = ["| figure | value | baseline, same run | ratio | goal | result |", "|---|---|---|---|---|---|"];
  for (const r of rows)
    lines.push(
      `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.verdict === "pass" ? "**pass**" : r.verdict === "miss" ? "**miss**" : r.verdict} |`,
    );
  return lines.join("\n");
}
