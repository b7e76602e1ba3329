// The Functions tab's behaviour: the filter, the list of functions, routes and cron jobs (with
// "Run now"), the selected function, and the runner beside the list (runner-controller.ts).
import type { CronEntryView } from "../protocol/functions";
import { cronKey, cronListView, type CronRunState } from "./cron-list-view";
import { functionListView } from "./function-list-view";
import { isClosed, messageOf, type PanelContext } from "./panel-context";
import { isCronRun } from "./replies";
import { runnerController, type RunnerMemory } from "./runner-controller";

/** What the Functions tab keeps in the panel's saved state. */
export interface FunctionsTabMemory extends RunnerMemory {
  filter: string;
  /** The selected function's key (functionKey). */
  selected: string | null;
}

export interface FunctionsTabHooks {
  persist(): void;
  /** A run may have written (a mutation, an action or a cron job ran). */
  wrote(): void;
  /** The host listed the functions again: the other tabs reload too. */
  refreshed(): void;
}

export interface FunctionsTab {
  element: HTMLElement;
  memory(): FunctionsTabMemory;
  /** Selects a function with `args` as its argument text (`key`: see functionKey). */
  open(key: string, args: string): void;
  /** Draws the list and the runner from the host's latest state (`force`: the runner too). */
  render(force?: boolean): void;
}

export function functionsTab(context: PanelContext, saved: FunctionsTabMemory | null, hooks: FunctionsTabHooks): FunctionsTab {
  const { ui } = context;
  let filterText = saved?.filter ?? "";
  let selected = saved?.selected ?? null;
  /** The latest "Run now" of a cron job (not kept in the saved state). */
  let cronRun: CronRunState | null = null;

  const listSlot = ui.element("div", { className: "pane list-pane" });
  const runnerSlot = ui.element("div", { className: "pane runner-pane" });
  const runner = runnerController(context, runnerSlot, saved, { selected: () => selected, persist: hooks.persist, wrote: hooks.wrote });
  const filter = ui.textField({
    id: "function-filter",
    value: filterText,
    ariaLabel: "Filter functions",
    placeholder: "Filter functions and routes",
    onInput: (value) => {
      filterText = value;
      hooks.persist();
      renderList();
    },
  });
  const element = ui.element("div", { className: "functions-view" }, [
    ui.element("div", { className: "toolbar" }, [
      filter,
      ui.button("Refresh", () => void refreshFunctions(), {
        id: "refresh-functions",
        appearance: "secondary",
        title: "Reload the functions and their stats",
      }),
    ]),
    ui.element("div", { className: "split" }, [listSlot, runnerSlot]),
  ]);

  function select(key: string) {
    if (selected === key) return;
    selected = key;
    hooks.persist();
    renderList();
    runner.render();
    // In a narrow panel the runner is below the list: show it (beside the list it is in view).
    runner.reveal();
  }

  function renderList() {
    if (context.disposed()) return;
    const state = context.state();
    const crons = cronListView(ui, state?.crons ?? [], filterText, context.ready(), cronRun, {
      select,
      runNow: (entry) => void runCron(entry),
    });
    listSlot.replaceChildren(
      functionListView(ui, state?.functions ?? [], state?.routes ?? [], filterText, selected, {
        select,
        openRoute: (key) => void context.tell({ type: "openRoute", route: key }, `Could not open ${key}`),
      }),
      ...(crons ? [crons] : []),
    );
  }

  async function runCron(entry: CronEntryView) {
    if (cronRun?.running) return;
    const run: CronRunState = { key: cronKey(entry), running: true, result: null, error: null };
    cronRun = run;
    renderList();
    try {
      run.result = await context.ask({ type: "runCron", component: entry.component, identifier: entry.identifier }, isCronRun);
      // A cron job's mutation or action may have written: the Data tab's counts follow.
      hooks.wrote();
    } catch (error) {
      if (isClosed(error)) return;
      run.error = messageOf(error);
    } finally {
      run.running = false;
    }
    if (cronRun === run) renderList();
  }

  async function refreshFunctions() {
    await context.tell({ type: "refreshFunctions" }, "Could not refresh");
    if (context.ready()) hooks.refreshed();
  }

  return {
    element,
    memory: () => ({ filter: filterText, selected, ...runner.memory() }),
    open(key, args) {
      runner.setDraft(key, args);
      hooks.persist();
      select(key);
    },
    render(force = false) {
      renderList();
      runner.render(force);
    },
  };
}
