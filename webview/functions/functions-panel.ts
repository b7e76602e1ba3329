// The functions panel's shell: the host pushes its state (runtime status, every install's
// functions and the routes with their stats), which the shell keeps and hands to its tabs; the
// tabs ask for everything else with requests (run a function, pages of documents, files). The
// shell owns the runtime status, the notice for failed host calls, the open tab and the saved
// state; each tab owns what the user does there (functions-tab.ts, live-queries-tab.ts,
// data-tab.ts, files-tab.ts). The host also pushes the live queries of its sync clients.
import { createUi, setHidden } from "../components";
import type { HostBridge, HostRequest } from "../host-bridge";
import type { FunctionsPanelState } from "../protocol/functions";
import { dataTab } from "./data-tab";
import { filesTab } from "./files-tab";
import { functionsTab } from "./functions-tab";
import { functionKey } from "./installs";
import { liveQueriesTab } from "./live-queries-tab";
import { BAD_REPLY, isClosed, messageOf, type PanelContext } from "./panel-context";
import { isFunctionsPanelState, isLiveQueries } from "./replies";
import { currentMemory, isTabId, type SavedFunctionsMemory, type TabId } from "./saved-state";

export interface FunctionsPanel {
  dispose(): void;
}

export function startFunctionsPanel(root: HTMLElement, bridge: HostBridge<SavedFunctionsMemory>): FunctionsPanel {
  const ui = createUi(root.ownerDocument);
  const stored = bridge.getState();
  const saved = stored ? currentMemory(stored) : null;
  let state: FunctionsPanelState | null = saved?.state ?? null;
  let tab: TabId = saved?.tab ?? "functions";
  let disposed = false;
  /** Whether the host last said the runtime is ready (a restored state does not count). */
  let liveReady = false;

  const persist = () =>
    bridge.setState({
      version: 2,
      state,
      tab,
      ...functions.memory(),
      table: data.table(),
    });

  const ready = () => state?.runtime.kind === "ready";

  // The skeleton: status, a notice for failed host calls, and the three tabs.
  const status = ui.element("div", { id: "runtime-status", className: "runtime-status", attrs: { role: "status" } });
  const actionError = ui.element("div", { id: "action-error", className: "notice-error", attrs: { role: "alert" } });
  setHidden(actionError, true);
  const dataSlot = ui.element("div", { id: "data-slot" });
  const filesSlot = ui.element("div", { id: "files-slot" });
  const liveSlot = ui.element("div", { id: "live-slot" });

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
    state: () => state,
    ask,
    request: (message) => bridge.request(message),
    tell,
    showActionError,
    ready,
    disposed: () => disposed,
  };
  const functions = functionsTab(context, saved, {
    persist,
    // Mutations, actions and cron jobs may have written: the Data tab's counts follow.
    wrote: () => {
      if (data.loaded()) void data.loadTables(false);
    },
    refreshed: () => {
      void data.loadTables();
      void files.load();
    },
  });
  const data = dataTab(context, dataSlot, saved?.table ?? null, () => persist());
  const files = filesTab(context, filesSlot);
  const live = liveQueriesTab(context, liveSlot, (query) => {
    // Into the runner with its arguments, pretty as the user would type them.
    functions.open(functionKey(query.component, query.name), JSON.stringify(query.args, null, 2));
    showTab("functions");
  });

  const tabs = ui.tabs(
    [
      { id: "functions", label: "Functions", content: functions.element },
      { id: "live", label: "Live queries", content: liveSlot, badge: "0" },
      { id: "data", label: "Data", content: dataSlot },
      { id: "files", label: "Files", content: filesSlot },
    ],
    {
      activeId: tab,
      ariaLabel: "Functions panel",
      onChange: (id) => {
        if (!isTabId(id) || id === tab) return;
        tab = id;
        persist();
      },
    },
  );
  tabs.classList.add("functions-tabs");
  const liveBadge = tabs.querySelector("#tab-live .tab-badge");

  function showTab(id: TabId) {
    tab = id;
    persist();
    tabs.setAttribute("activeid", `tab-${id}`);
    (tabs as HTMLElement & { activeid?: string }).activeid = `tab-${id}`;
  }

  function receiveLive(next: unknown) {
    if (!isLiveQueries(next)) {
      showActionError("The extension sent a list of live queries this panel cannot show.");
      return;
    }
    live.receive(next);
    if (liveBadge) liveBadge.textContent = String(live.count());
  }
  root.replaceChildren(status, actionError, tabs);

  function renderStatus() {
    const runtime = state?.runtime;
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

  function receiveState(next: unknown) {
    if (!isFunctionsPanelState(next)) {
      showActionError("The extension sent a state this panel cannot show.");
      return;
    }
    const wasReady = liveReady;
    state = next;
    liveReady = next.runtime.kind === "ready";
    persist();
    renderStatus();
    functions.render();
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
    live.render();
  }

  const unsubscribe = bridge.onMessage((message) => {
    if (message.type === "functionsState") receiveState(message.state);
    else if (message.type === "liveQueries") receiveLive(message.live);
  });
  // A saved state shows at once; the host's answer to `ready` replaces it and loads the data.
  renderStatus();
  functions.render(true);
  data.render();
  files.render();
  live.render();
  bridge.ready();

  return {
    dispose() {
      disposed = true;
      live.dispose();
      unsubscribe();
      bridge.dispose();
    },
  };
}
