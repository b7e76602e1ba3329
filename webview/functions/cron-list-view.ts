// The Functions tab's cron jobs (convex/crons.ts, then each component install's, labelled with its
// path): identifier, the function it runs, the schedule in words, the last run and how it went,
// the next run, and "Run now", which runs the function with the job's arguments as the schedule
// would.
import { setDisabled, setHidden, type Ui } from "../components";
import type { CronEntryView, CronRunView } from "../protocol/functions";
import { formatDateTime } from "./format";
import { functionKey, qualifiedName } from "./installs";

/** "Run now" of one job: in flight, or how it went. */
export interface CronRunState {
  key: string;
  running: boolean;
  result: CronRunView | null;
  error: string | null;
}

export interface CronListHandlers {
  /** Opens the job's function in the runner (`key`: see functionKey). */
  select(key: string): void;
  runNow(entry: CronEntryView): void;
}

export const cronKey = (entry: Pick<CronEntryView, "component" | "identifier">) => JSON.stringify([entry.component, entry.identifier]);

/** The job as the user knows it: its identifier, after its component's path for a component's job. */
const label = (entry: CronEntryView) => (entry.component === "" ? entry.identifier : `${entry.component} / ${entry.identifier}`);

function matches(filter: string, entry: CronEntryView): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === "" || [label(entry), entry.functionName, "cron"].some((text) => text.toLowerCase().includes(needle));
}

function lastRunText(entry: CronEntryView): string {
  const last = entry.lastRun;
  if (!last) return "Last run: never";
  const parts = [`Last run: ${formatDateTime(last.at)}`, last.outcome === "success" ? "succeeded" : "failed"];
  if (last.manual) parts.push("(Run now)");
  if (last.skipped > 0) parts.push(`· ${last.skipped} missed ${last.skipped === 1 ? "run" : "runs"} skipped`);
  return parts.join(" ");
}

export function cronListView(
  ui: Ui,
  crons: readonly CronEntryView[],
  filter: string,
  ready: boolean,
  run: CronRunState | null,
  handlers: CronListHandlers,
): HTMLElement | null {
  const shown = crons.filter((entry) => matches(filter, entry));
  if (shown.length === 0) return null;
  const list = ui.element("ul", { className: "rows cron-rows" });
  for (const entry of shown) {
    const key = cronKey(entry);
    const mine = run?.key === key ? run : null;
    const button = ui.button("Run now", () => handlers.runNow(entry), {
      className: "cron-run",
      appearance: "secondary",
      title: `Run ${entry.functionName} now with the job's arguments`,
    });
    setDisabled(button, !ready || entry.udfType === null || mine?.running === true);
    const last = ui.element("span", {
      className: `cron-last${entry.lastRun?.outcome === "failure" ? " failed" : ""}`,
      text: lastRunText(entry),
    });
    if (entry.lastRun?.error) last.title = entry.lastRun.error;
    const result = ui.element("div", { className: "cron-result", attrs: { role: "status" } });
    if (mine?.error) {
      result.textContent = `Run now failed: ${mine.error}`;
      result.classList.add("failed");
    } else if (mine?.result) {
      const ok = mine.result.outcome === "success";
      result.textContent = ok ? `Ran now: succeeded (request ${mine.result.requestId})` : `Ran now: failed: ${mine.result.error ?? ""}`;
      result.classList.toggle("failed", !ok);
    }
    setHidden(result, !mine?.error && !mine?.result);
    list.appendChild(
      ui.element("li", { className: "cron-row", attrs: { "data-cron": entry.identifier, "data-component": entry.component } }, [
        ui.element("div", { className: "cron-head" }, [
          ui.badge("C", { title: "Cron job", className: "kind kind-cron" }),
          ui.element("span", { className: "cron-name mono", text: label(entry) }),
          button,
        ]),
        ui.element("div", { className: "cron-detail muted" }, [
          ui.element("span", { className: "cron-schedule", text: entry.schedule }),
          ui.element("span", { text: " · runs " }),
          ui.linkButton(entry.functionName, () => handlers.select(functionKey(entry.component, entry.functionName)), {
            className: "cron-function mono",
            title: `Open ${qualifiedName(entry.component, entry.functionName)} in the runner`,
          }),
          entry.udfType === null && ui.element("span", { className: "cron-missing", text: " (not in the loaded code)" }),
        ]),
        ui.element("div", { className: "cron-times" }, [
          last,
          ui.element("span", {
            className: "cron-next",
            text: entry.running ? "Running now" : `Next run: ${formatDateTime(entry.nextRun)}`,
          }),
        ]),
        result,
      ]),
    );
  }
  return ui.element("section", { id: "cron-list", className: "module crons" }, [
    ui.element("h3", { className: "module-name", text: "Cron jobs" }),
    list,
  ]);
}
