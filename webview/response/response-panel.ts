// The response panel: shows the host's PanelState (loading, error, or a response with its body,
// headers, logs and the editable request) and sends the edited request back. It keeps the draft,
// the open tab and whether a send is under way; the host owns everything else and answers every
// send with a new state and a reply. While a request runs, `live` messages add to what is shown
// in place: the stream's chunks and events, the executions in the Logs tab.
import { createUi, setHidden, type Ui } from "../components";
import { HostRequestError, type HostBridge, type HostEvent, type HostRequest } from "../host-bridge";
import type { ExecutionView } from "../protocol/core";
import type { EditableRequest, HistoryEntryView, PanelState, ResponseView } from "../protocol/response";
import { bodyView } from "./body-view";
import { historyToggle, historyView } from "./history-view";
import { applyStreamDelta, streamView, type StreamHandle } from "./stream-view";
import { formatBytes, formatDuration, statusClass, statusLine } from "./format";
import { headersView } from "./headers-view";
import { linkedText, type OpenSource } from "./linked-text";
import { logsView } from "./logs-view";
import { cloneRequest, requestEditor, requestToSend, type RequestEditor } from "./request-editor";
import { sameIdentity } from "../auth/act-as-editor";
import { requestActions, requestDisplayPath, targetLabel } from "./request-actions";
import { isPanelState, isTabId, type ResponseMemory, type TabId } from "./saved-state";

export interface ResponsePanel {
  dispose(): void;
}

interface Model {
  state: PanelState | null;
  /** The request as edited; reset to the state's request when a different state arrives. */
  draft: EditableRequest | null;
  tab: TabId;
  sending: boolean;
  /** The last failed host call (send, download, open source), shown until the next send or state. */
  actionError: string | null;
  /** The last sends, as the host lists them; and whether the list is open. */
  history: HistoryEntryView[];
  historyOpen: boolean;
}

/** The request under way: loading, or a response whose body still streams. */
function running(state: PanelState | null): boolean {
  return state?.kind === "loading" || (state?.kind === "ready" && state.response.stream?.state === "streaming");
}

/**
 * `initial`: the host's messages written into the page (its state and history when the page was
 * built), shown by the first render; what the panel kept with setState is newer and wins.
 */
export function startResponsePanel(root: HTMLElement, bridge: HostBridge<ResponseMemory>, initial: HostEvent[] = []): ResponsePanel {
  const ui = createUi(root.ownerDocument);
  const model: Model = { state: null, draft: null, tab: "body", sending: false, actionError: null, history: [], historyOpen: false };
  let disposed = false;
  // Elements the transient parts of the model (sending, action error) update without a re-render.
  let editor: RequestEditor | null = null;
  let actionError: HTMLElement | null = null;
  // Where `live` messages go: the stream's list and the Logs view's place.
  let stream: StreamHandle | null = null;
  let logsSlot: HTMLElement | null = null;
  let historySlot: HTMLElement | null = null;

  const saved = bridge.getState();
  if (saved) {
    model.state = saved.state;
    model.draft = cloneRequest(saved.draft);
    model.tab = saved.tab;
  }
  // A page that came with its state builds only the open tab before its first paint.
  let deferTabs = false;
  for (const message of initial) {
    if (message.type === "state" && !saved && isPanelState(message.state)) {
      model.state = message.state;
      model.draft = cloneRequest(message.state.request);
      deferTabs = true;
    } else if (message.type === "history") {
      model.history = message.entries;
    }
  }
  /** Counts renders: a view built later belongs to the render that asked for it, or to none. */
  let renders = 0;

  const persist = () => {
    if (model.state && model.draft) bridge.setState({ version: 1, state: model.state, draft: cloneRequest(model.draft), tab: model.tab });
  };

  const failed = (what: string, error: unknown) => {
    if (disposed) return;
    const reason = error instanceof Error ? error.message : String(error);
    model.actionError = `${what}: ${reason}`;
    updateTransient();
  };

  const ask = async (message: HostRequest, what: string) => {
    try {
      await bridge.request(message);
    } catch (error) {
      if (!(error instanceof HostRequestError && error.reason === "closed")) failed(what, error);
    }
  };

  const send = async (type: "send" | "debug" = "send") => {
    if (model.sending || !model.draft) return;
    model.sending = true;
    model.actionError = null;
    updateTransient();
    await ask({ type, request: requestToSend(model.draft) }, type === "send" ? "Send failed" : "Debug failed");
    model.sending = false;
    if (!disposed) updateTransient();
  };

  const openSource: OpenSource = (file, line, column) => {
    const message: HostRequest = column === null ? { type: "openSource", file, line } : { type: "openSource", file, line, column };
    void ask(message, `Could not open ${file}:${line}`);
  };

  const download = () => void ask({ type: "download" }, "Download failed");

  const saveRequest = () => {
    if (model.draft) void ask({ type: "saveRequest", request: requestToSend(model.draft) }, "Save failed");
  };

  const exportTest = () => void ask({ type: "exportTest" }, "Export failed");

  const stop = () => void ask({ type: "stop" }, "Stop failed");

  const historyActions = {
    open: (entryId: string) => void ask({ type: "openHistory", entryId }, "Could not open that send"),
    resend: (entryId: string) => void ask({ type: "resendHistory", entryId }, "Send failed"),
  };

  const receiveState = (state: unknown) => {
    if (!isPanelState(state)) {
      failed("The extension sent a state this panel cannot show", "it is malformed");
      return;
    }
    // The host re-sends its state on every `ready`: when it is what the panel shows (the page
    // had it), there is nothing to draw again.
    if (model.state && model.draft && JSON.stringify(model.state) === JSON.stringify(state)) return;
    // That must not throw away the user's edits either: a different state replaces the draft, and
    // the failure notice of the last action with it.
    if (!model.state || !model.draft || !sameState(model.state, state)) {
      model.draft = cloneRequest(state.request);
      model.actionError = null;
    }
    model.state = state;
    persist();
    render();
  };

  /** Adds to the request on show; a message about another request (a late one) changes nothing. */
  const receiveLive = (message: Extract<HostEvent, { type: "live" }>) => {
    const state = model.state;
    if (state?.kind === "loading" && state.requestId === message.requestId) {
      if (message.executions) {
        state.executions = message.executions;
        showLogs(message.executions);
      }
    } else if (state?.kind === "ready" && state.response.requestId === message.requestId) {
      const shown = state.response.stream;
      if (message.stream && shown) {
        applyStreamDelta(shown, message.stream);
        stream?.append(message.stream, shown);
      }
      if (message.executions) {
        state.response.executions = message.executions;
        showLogs(message.executions);
      }
    }
  };

  const receiveHistory = (entries: HistoryEntryView[]) => {
    if (JSON.stringify(entries) === JSON.stringify(model.history)) return;
    model.history = entries;
    renderHistory();
  };

  function showLogs(executions: ExecutionView[]) {
    if (!logsSlot) return;
    logsSlot.replaceChildren(logsView(ui, executions, openSource));
    setHidden(logsSlot, executions.length === 0 && model.state?.kind === "loading");
    showLogsCount(executions);
  }

  function showLogsCount(executions: ExecutionView[]) {
    const tab = root.querySelector("#tab-logs");
    if (!tab) return;
    let badge = tab.querySelector<HTMLElement>(".tab-badge");
    if (!badge) {
      badge = ui.badge("", { className: "tab-badge" });
      tab.append(" ", badge);
    }
    badge.textContent = String(executions.length);
    setHidden(badge, executions.length === 0);
  }

  function renderHistory() {
    const toggle = root.querySelector("#history-toggle");
    toggle?.replaceWith(historyToggle(ui, model.history.length, model.historyOpen, toggleHistory));
    if (!historySlot) return;
    const shownId = model.state?.kind === "ready" ? model.state.response.requestId : null;
    historySlot.replaceChildren(...(model.historyOpen ? [historyView(ui, model.history, shownId, historyActions)] : []));
  }

  function toggleHistory() {
    model.historyOpen = !model.historyOpen;
    renderHistory();
  }

  function updateTransient() {
    editor?.setSending(model.sending || running(model.state));
    if (actionError) {
      actionError.textContent = model.actionError ?? "";
      setHidden(actionError, model.actionError === null);
    }
  }

  function render() {
    renders++;
    editor = null;
    stream = null;
    logsSlot = null;
    const notice = ui.element("div", { id: "action-error", className: "notice-error", attrs: { role: "alert" } });
    actionError = notice;
    historySlot = ui.element("div", { id: "history-slot" });
    root.replaceChildren(...(model.state === null ? [waitingView(ui), notice] : stateView(model.state, notice)));
    renderHistory();
    updateTransient();
  }

  /** The request line with the target and the history toggle, and the history's place below it. */
  function header(line: HTMLElement): Node[] {
    line.appendChild(historyToggle(ui, model.history.length, model.historyOpen, toggleHistory));
    return [line, historySlot!];
  }

  function logsFor(executions: ExecutionView[], note?: string): HTMLElement {
    if (note) return ui.element("p", { id: "logs-note", className: "muted", text: note });
    logsSlot = ui.element("div", { id: "logs-slot" }, [logsView(ui, executions, openSource)]);
    return logsSlot;
  }

  /** With `deferTabs` (once): builds the other tabs after the first paint, if nothing rendered since. */
  function laterTabs(): ((build: () => void) => void) | undefined {
    if (!deferTabs) return undefined;
    deferTabs = false;
    const render = renders;
    return (build) =>
      afterPaint(root.ownerDocument.defaultView, () => {
        if (!disposed && render === renders) build();
      });
  }

  function body(response: ResponseView): HTMLElement {
    if (!response.stream) return bodyView(ui, response, download);
    stream = streamView(ui, response.stream, { stop, download });
    return stream.element;
  }

  function editorFor(draft: EditableRequest): HTMLElement {
    editor = requestEditor(ui, draft, {
      onChange: (next) => {
        model.draft = next;
        persist();
      },
      onSend: () => void send(),
      onDebug: () => void send("debug"),
      onCopyDevToken: (actAs) => void ask({ type: "signDevToken", actAs, copy: true }, "Could not copy a dev token"),
    });
    return editor.element;
  }

  function stateView(state: PanelState, notice: HTMLElement): Node[] {
    const draft = model.draft ?? state.request;
    switch (state.kind) {
      case "loading": {
        // The executions fill in while the handler runs, before any response.
        const executions = state.executions ?? [];
        const logs = logsFor(executions);
        setHidden(logs, executions.length === 0);
        return [
          ...header(requestLine(ui, state.request.method, requestDisplayPath(state.request), state.target)),
          ui.element("div", { className: "loading" }, [
            ui.progressRing({ id: "loading", ariaLabel: "Waiting for the response" }),
            ui.element("span", {
              id: "loading-text",
              className: "muted",
              text: state.paused ? "Paused at a breakpoint: continue in the debugger to get the response…" : "Waiting for the response…",
            }),
            state.requestId !== undefined && ui.button("Stop", stop, { id: "stop", appearance: "secondary", title: "Abort the request" }),
          ]),
          notice,
          logs,
        ];
      }
      case "idle":
        return [
          ...header(requestLine(ui, state.request.method, requestDisplayPath(state.request), state.target)),
          ui.element("p", { id: "idle-note", className: "muted", text: state.note }),
          notice,
          requestActions(ui, { onSave: saveRequest }),
          ui.element("h2", { className: "section-title", text: "Request" }),
          editorFor(draft),
        ];
      case "error": {
        const message = ui.element("div", { id: "error", className: "notice-error", attrs: { role: "alert" } });
        message.appendChild(linkedText(ui, state.message, openSource));
        return [
          ...header(requestLine(ui, state.request.method, requestDisplayPath(state.request), state.target)),
          message,
          notice,
          requestActions(ui, { onSave: saveRequest }),
          ui.element("h2", { className: "section-title", text: "Request" }),
          editorFor(draft),
        ];
      }
      case "ready":
        return [
          ...header(summary(ui, state.request.method, state.response, state.target)),
          notice,
          requestActions(ui, { onSave: saveRequest, onExport: exportTest }),
          ui.tabs(
            [
              { id: "body", label: "Body", content: () => body(state.response) },
              {
                id: "headers",
                label: "Headers",
                badge: String(state.response.headers.length),
                content: () => headersView(ui, state.response.headers),
              },
              {
                id: "logs",
                label: "Logs",
                badge: state.response.executions.length > 0 ? String(state.response.executions.length) : undefined,
                content: () => {
                  const logs = logsFor(state.response.executions, state.response.logsNote);
                  // Executions that came while it waited to be built count in its tab too.
                  if (logsSlot) showLogsCount(state.response.executions);
                  return logs;
                },
              },
              {
                id: "request",
                label: "Request",
                content: () => {
                  const element = editorFor(draft);
                  updateTransient();
                  return element;
                },
              },
            ],
            {
              activeId: model.tab,
              later: laterTabs(),
              ariaLabel: "Response",
              onChange: (id) => {
                if (id === model.tab || !isTabId(id)) return;
                model.tab = id;
                persist();
              },
            },
          ),
        ];
    }
  }

  const unsubscribe = bridge.onMessage((message) => {
    if (message.type === "state") receiveState(message.state);
    else if (message.type === "live") receiveLive(message);
    else if (message.type === "history") receiveHistory(message.entries);
  });
  render();
  bridge.ready();

  return {
    dispose() {
      disposed = true;
      unsubscribe();
      bridge.dispose();
    },
  };
}

/** Runs `run` in a task after the next frame is painted (or at once without a window). */
function afterPaint(win: Window | null, run: () => void): void {
  if (!win) {
    run();
    return;
  }
  win.requestAnimationFrame(() => win.setTimeout(run, 0));
}

function waitingView(ui: Ui): HTMLElement {
  return ui.element("div", { id: "waiting", className: "loading" }, [
    ui.progressRing({ ariaLabel: "Waiting for the extension" }),
    ui.element("span", { className: "muted", text: "Waiting for the extension…" }),
  ]);
}

/** `url`: where the request goes (the full URL once known); `target`: the target's name. */
function requestLine(ui: Ui, method: string, url: string, target: string): HTMLElement {
  return ui.element("div", { className: "summary" }, [
    ui.element("span", { id: "request-line", className: "request-line mono" }, [
      ui.element("span", { className: "request-method", text: method }),
      " ",
      ui.element("span", { className: "request-target", text: url }),
    ]),
    targetLabel(ui, target),
  ]);
}

function summary(ui: Ui, method: string, response: ResponseView, target: string): HTMLElement {
  const line = requestLine(ui, method, response.url, target);
  line.append(
    ui.element("span", {
      id: "status",
      className: `status ${statusClass(response.status)}`,
      text: statusLine(response.status, response.statusText),
    }),
  );
  // A body still streaming has neither yet; the stream's own summary counts as it goes.
  if (response.stream?.state !== "streaming") {
    line.append(
      ui.element("span", { id: "duration", className: "muted", title: "Time to the last byte", text: formatDuration(response.durationMs) }),
      ui.element("span", { id: "size", className: "muted", title: `${response.sizeBytes} bytes`, text: formatBytes(response.sizeBytes) }),
    );
  }
  return line;
}

function sameRequest(a: EditableRequest, b: EditableRequest): boolean {
  return (
    a.method === b.method &&
    a.routePath === b.routePath &&
    a.pathRest === b.pathRest &&
    a.query === b.query &&
    a.body === b.body &&
    sameIdentity(a.actAs, b.actAs) &&
    a.headers.length === b.headers.length &&
    a.headers.every((header, index) => header.name === b.headers[index]!.name && header.value === b.headers[index]!.value)
  );
}

/** The same state again (the host answering `ready`), as opposed to a new load or response. */
function sameState(a: PanelState, b: PanelState): boolean {
  if (a.kind !== b.kind || a.target !== b.target || !sameRequest(a.request, b.request)) return false;
  if (a.kind === "ready" && b.kind === "ready") return a.response.requestId === b.response.requestId;
  if (a.kind === "error" && b.kind === "error") return a.message === b.message;
  if (a.kind === "loading" && b.kind === "loading") return a.requestId === b.requestId;
  return true;
}
