// The functions panel: the host pushes its state (runtime status, every install's functions and
// the routes with their stats); the panel asks for everything else with requests (run a function,
// pages of documents, files) and shows each reply or failure where it belongs. It owns what the
// user is doing: the tab, the filter, the selected function and its argument text; the Data and
// Files tabs own theirs (data-tab.ts, files-tab.ts).
import { createUi, setHidden } from "../components";
import type { HostBridge, HostRequest } from "../host-bridge";
import type { ActAsIdentity } from "../protocol/core";
import type { CronEntryView, FunctionEntryView, FunctionsPanelState, RunResultView } from "../protocol/functions";
import { cloneIdentity, isDevTokenView } from "../auth/act-as-editor";
import type { OpenSource } from "../response/linked-text";
import { cronKey, cronListView, type CronRunState } from "./cron-list-view";
import { dataTab } from "./data-tab";
import { filesTab } from "./files-tab";
import { functionListView } from "./function-list-view";
import { functionKey, keyLabel } from "./installs";
import { BAD_REPLY, isClosed, messageOf, type PanelContext } from "./panel-context";
import { parseJsonObject } from "./parse-json";
import { isCronRun, isFunctionsPanelState, isRunResult } from "./replies";
import { runnerView, type RunnerView } from "./runner-view";
import { currentMemory, isTabId, type SavedFunctionsMemory, type TabId } from "./saved-state";

export interface FunctionsPanel {
  dispose(): void;
}

interface Model {
  state: FunctionsPanelState | null;
  tab: TabId;
  filter: string;
  /** The selected function's key (functionKey). */
  selected: string | null;
  /** Argument text by function key. */
  drafts: Record<string, string>;
  authorization: string;
  /** "Act as a user" for runs; like the token, not kept in the saved state. */
  actAs: ActAsIdentity;
  running: boolean;
  result: RunResultView | null;
  /** The latest "Run now" of a cron job (not kept in the saved state). */
  cronRun: CronRunState | null;
}

export function startFunctionsPanel(root: HTMLElement, bridge: HostBridge<SavedFunctionsMemory>): FunctionsPanel {
  const ui = createUi(root.ownerDocument);
  const model: Model = {
    state: null,
    tab: "functions",
    filter: "",
    selected: null,
    drafts: {},
    authorization: "",
    actAs: cloneIdentity(undefined),
    running: false,
    result: null,
    cronRun: null,
  };
  const stored = bridge.getState();
  const saved = stored && currentMemory(stored);
  if (saved) {
    model.state = saved.state;
    model.tab = saved.tab;
    model.filter = saved.filter;
    model.selected = saved.selected;
    model.drafts = { ...saved.drafts };
    model.result = saved.result;
  }
  let disposed = false;
  /** Whether the host last said the runtime is ready (a restored state does not count). */
  let liveReady = false;
  let runner: RunnerView | null = null;
  /** What the runner shows, to rebuild it only when that changes (not on every stats update). */
  let runnerKey: string | null = null;

  const persist = () =>
    bridge.setState({
      version: 2,
      state: model.state,
      tab: model.tab,
      filter: model.filter,
      selected: model.selected,
      drafts: { ...model.drafts },
      result: model.result,
      table: data.table(),
    });

  const ready = () => model.state?.runtime.kind === "ready";
  const draftOf = (key: string) => (Object.hasOwn(model.drafts, key) ? model.drafts[key]! : "{}");
  const selectedEntry = (): FunctionEntryView | null =>
    model.state?.functions.find((f) => functionKey(f.component, f.name) === model.selected) ?? null;

  // The skeleton: status, a notice for failed host calls, and the three tabs.
  const status = ui.element("div", { id: "runtime-status", className: "runtime-status", attrs: { role: "status" } });
  const actionError = ui.element("div", { id: "action-error", className: "notice-error", attrs: { role: "alert" } });
  setHidden(actionError, true);
  const listSlot = ui.element("div", { className: "pane list-pane" });
  const runnerSlot = ui.element("div", { className: "pane runner-pane" });
  const dataSlot = ui.element("div", { id: "data-slot" });
  const filesSlot = ui.element("div", { id: "files-slot" });
  const filter = ui.textField({
    id: "function-filter",
    value: model.filter,
    ariaLabel: "Filter functions",
    placeholder: "Filter functions and routes",
    onInput: (value) => {
      model.filter = value;
      persist();
      renderList();
    },
  });
  const functionsTab = ui.element("div", { className: "functions-view" }, [
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
  const tabs = ui.tabs(
    [
      { id: "functions", label: "Functions", content: functionsTab },
      { id: "data", label: "Data", content: dataSlot },
      { id: "files", label: "Files", content: filesSlot },
    ],
    {
      activeId: model.tab,
      ariaLabel: "Functions panel",
      onChange: (id) => {
        if (!isTabId(id) || id === model.tab) return;
        model.tab = id;
        persist();
      },
    },
  );
  tabs.classList.add("functions-tabs");
  root.replaceChildren(status, actionError, tabs);

  const showActionError = (message: string | null) => {
    if (disposed) return;
    actionError.textContent = message ?? "";
    setHidden(actionError, message === null);
  };

  async function ask<T>(message: HostRequest, check: (value: unknown) => value is T): Promise<T> {
    const value = await bridge.request(message);
    if (!check(value)) throw new Error(BAD_REPLY);
    return value;
  }

  async function tell(message: HostRequest, what: string): Promise<void> {
    try {
      await bridge.request(message);
    } catch (error) {
      if (!isClosed(error)) showActionError(`${what}: ${messageOf(error)}`);
    }
  }

  const context: PanelContext = {
    ui,
    ask,
    request: (message) => bridge.request(message),
    tell,
    showActionError,
    ready,
    disposed: () => disposed,
  };
  const data = dataTab(context, dataSlot, saved?.table ?? null, () => persist());
  const files = filesTab(context, filesSlot);

  const openSource: OpenSource = (file, line, column) => {
    void tell(
      column === null ? { type: "openSource", file, line } : { type: "openSource", file, line, column },
      `Could not open ${file}:${line}`,
    );
  };

  // ---- Functions -------------------------------------------------------------------------------

  function renderStatus() {
    const runtime = model.state?.runtime;
    let text: string | null;
    switch (runtime?.kind) {
      case undefined:
        text = "Waiting for the extension…";
        break;
      case "untrusted":
        text = "This workspace is not trusted, so Convex Lens does not run its code. Trust the workspace to run functions and browse data.";
        break;
      case "stopped":
        text = "The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime' to run functions and browse data.";
        break;
      case "starting":
        text = "The Convex Lens runtime is starting…";
        break;
      case "failed":
        text = runtime.message;
        break;
      case "ready":
        text = runtime.notice;
        break;
    }
    status.dataset.kind = runtime?.kind ?? "waiting";
    status.textContent = text ?? "";
    setHidden(status, text === null);
  }

  function select(key: string) {
    if (model.selected === key) return;
    model.selected = key;
    persist();
    renderList();
    renderRunner();
    // In a narrow panel the runner is below the list: show it (beside the list it is in view).
    runner?.revealRunner();
  }

  function renderList() {
    if (disposed) return;
    const state = model.state;
    const crons = cronListView(ui, state?.crons ?? [], model.filter, ready(), model.cronRun, {
      select,
      runNow: (entry) => void runCron(entry),
    });
    listSlot.replaceChildren(
      functionListView(ui, state?.functions ?? [], state?.routes ?? [], model.filter, model.selected, {
        select,
        openRoute: (key) => void tell({ type: "openRoute", route: key }, `Could not open ${key}`),
      }),
      ...(crons ? [crons] : []),
    );
  }

  async function runCron(entry: CronEntryView) {
    if (model.cronRun?.running) return;
    const run: CronRunState = { key: cronKey(entry), running: true, result: null, error: null };
    model.cronRun = run;
    renderList();
    try {
      run.result = await ask({ type: "runCron", component: entry.component, identifier: entry.identifier }, isCronRun);
      // A cron job's mutation or action may have written: the Data tab's counts follow.
      if (data.loaded()) void data.loadTables(false);
    } catch (error) {
      if (isClosed(error)) return;
      run.error = messageOf(error);
    } finally {
      run.running = false;
    }
    if (model.cronRun === run) renderList();
  }

  function renderRunner(force = false) {
    const entry = selectedEntry();
    const key = JSON.stringify([model.selected, entry?.udfType, entry?.visibility, entry?.args, ready()]);
    if (!force && key === runnerKey) return;
    runnerKey = key;
    runner = runnerView(
      ui,
      entry,
      model.selected === null ? null : keyLabel(model.selected),
      model.selected === null ? "{}" : draftOf(model.selected),
      model.authorization,
      ready(),
      {
        onArgs: (text) => {
          if (model.selected === null) return;
          model.drafts[model.selected] = text;
          persist();
        },
        onAuthorization: (text) => {
          model.authorization = text;
        },
        actAs: {
          identity: model.actAs,
          onChange: (identity) => {
            model.actAs = identity;
          },
        },
        run: () => void run(),
      },
      openSource,
    );
    runner.setRunning(model.running);
    runner.showResult(model.result);
    runnerSlot.replaceChildren(runner.element);
  }

  async function run() {
    const entry = selectedEntry();
    if (!entry || model.running || !runner) return;
    const current = runner;
    const parsed = parseJsonObject(draftOf(functionKey(entry.component, entry.name)), "Arguments", true);
    if (!parsed.ok) {
      current.setError(parsed.message);
      current.revealOutcome();
      return;
    }
    current.setError(null);
    model.running = true;
    current.setRunning(true);
    try {
      let authorization: string | null = model.authorization.trim() === "" ? null : model.authorization.trim();
      if (model.actAs.enabled) {
        if (authorization !== null) throw new Error('clear the Authorization field, or choose "Anonymous" under Act as a user.');
        authorization = `Bearer ${(await ask({ type: "signDevToken", actAs: model.actAs }, isDevTokenView)).token}`;
      }
      const result = await ask(
        { type: "runFunction", component: entry.component, name: entry.name, args: parsed.value, authorization },
        isRunResult,
      );
      model.result = result;
      persist();
      if (!disposed) {
        runner?.showResult(result);
        // The result is what the user waits for: never leave it below the fold.
        runner?.revealOutcome();
      }
      // Mutations and actions may have written: the Data tab's counts follow (its open page does
      // not move under the user's feet; Refresh reloads it).
      if (entry.udfType !== "query" && data.loaded()) void data.loadTables(false);
    } catch (error) {
      if (!isClosed(error)) {
        runner?.setError(`The run failed: ${messageOf(error)}`);
        runner?.revealOutcome();
      }
    } finally {
      model.running = false;
      if (!disposed) runner?.setRunning(false);
    }
  }

  async function refreshFunctions() {
    await tell({ type: "refreshFunctions" }, "Could not refresh");
    if (ready()) {
      void data.loadTables();
      void files.load();
    }
  }

  // ---- State from the host ---------------------------------------------------------------------

  function receiveState(state: unknown) {
    if (!isFunctionsPanelState(state)) {
      showActionError("The extension sent a state this panel cannot show.");
      return;
    }
    const wasReady = liveReady;
    model.state = state;
    liveReady = state.runtime.kind === "ready";
    persist();
    renderStatus();
    renderList();
    renderRunner();
    if (liveReady && !wasReady) {
      // Opened, started or restarted: load what the Data and Files tabs show.
      void data.loadTables();
      void files.load();
    } else if (!liveReady && wasReady) {
      data.reset();
      files.reset();
    }
    data.render();
    files.render();
  }

  const unsubscribe = bridge.onMessage((message) => {
    if (message.type === "functionsState") receiveState(message.state);
  });
  // A saved state shows at once; the host's answer to `ready` replaces it and loads the data.
  renderStatus();
  renderList();
  renderRunner(true);
  data.render();
  files.render();
  bridge.ready();

  return {
    dispose() {
      disposed = true;
      unsubscribe();
      bridge.dispose();
    },
  };
}
