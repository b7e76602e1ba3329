// The log panel: a live tail of function executions and their log lines, newest at the bottom.
//
// Rows (see log-rows.ts): one per log line, one per finished execution. The host owns the data
// (sql.js stays there) and answers pages: `logsLatest` for the newest page of the current filters,
// after which it pushes new matching rows as `logsRows`; `logsOlder` for the page above the top
// row. The panel holds a bounded window of rows (row-window.ts), so it stays light at 100,000 lines.
//
// Pause keeps the rows still and holds new ones (up to a limit, then the newest page is fetched on
// resume). Clear asks the host for the newest position and shows only rows after it: nothing is
// deleted, and "Show cleared rows" brings them back. Clicking a row opens its request's drilldown.
import { createUi, setHidden } from "../components";
import { HostRequestError, type HostBridge, type HostRequest } from "../host-bridge";
import type { LogFunctionView, LogRowView, LogsStatusView } from "../protocol/logs";
import { drilldownView, type DrilldownState } from "./drilldown-view";
import { filterBar } from "./log-filters";
import { isDrilldown, isLogCursor, isLogFunctions, isLogPage, isLogRow, isLogsLatest, isLogsStatus } from "./log-guards";
import { defaultMemory, type LogsMemory } from "./log-memory";
import { COLUMNS, rowElement } from "./log-rows";
import { RowWindow, type WindowChange } from "./row-window";

export interface LogPanel {
  dispose(): void;
}

export const PAGE_SIZE = 200;
/** Rows held while paused; beyond it the panel reloads the newest page on resume. */
export const MAX_PENDING = 2000;

export function startLogPanel(root: HTMLElement, bridge: HostBridge<LogsMemory>, options: { maxRows?: number } = {}): LogPanel {
  const ui = createUi(root.ownerDocument);
  const memory: LogsMemory = structuredClone(bridge.getState() ?? defaultMemory());
  const rows = new RowWindow(options.maxRows);
  let status: LogsStatusView | null = null;
  /** The tail generation of the shown rows; 0 while none. */
  let generation = 0;
  /** Bumped by every reload: replies to an older query are dropped. */
  let query = 0;
  let loading: "latest" | "older" | null = null;
  let pending: LogRowView[] = [];
  let pendingOverflow = false;
  let error: string | null = null;
  let functions: LogFunctionView[] = [];
  let drilldown: DrilldownState | null = null;
  let disposed = false;

  const persist = () => bridge.setState(structuredClone(memory));

  const ask = async (message: HostRequest): Promise<unknown> => bridge.request(message);

  const failed = (what: string, reason: unknown) => {
    if (disposed || (reason instanceof HostRequestError && reason.reason === "closed")) return;
    error = `${what}: ${reason instanceof Error ? reason.message : String(reason)}`;
    renderStatus();
  };

  // ---- DOM ---------------------------------------------------------------------------------------
  const filters = filterBar(ui, memory.filter, (filter) => {
    memory.filter = filter;
    persist();
    void reload();
  });
  const pauseButton = ui.button("Pause", () => togglePause(), {
    id: "pause",
    appearance: "secondary",
    title: "Stop adding new rows; they are kept until you resume",
  });
  const clearButton = ui.button("Clear", () => void clear(), {
    id: "clear",
    appearance: "secondary",
    title: "Hide the rows shown so far (the log file keeps them)",
  });
  const statusLine = ui.element("div", { id: "log-status", className: "log-status", attrs: { role: "status" } });
  const errorBox = ui.element("div", { id: "log-error", className: "notice-error", attrs: { role: "alert" } });
  const tbody = ui.element("tbody", { id: "log-rows" });
  const colgroup = ui.element(
    "colgroup",
    {},
    COLUMNS.map((column) => ui.element("col", { className: `c-${column.name}` })),
  );
  const table = ui.element("table", { id: "log-table", attrs: { "aria-label": "Function logs" } }, [
    colgroup,
    ui.element("thead", {}, [
      ui.element(
        "tr",
        {},
        COLUMNS.map((column) =>
          ui.element("th", {
            className: `col-${column.name}`,
            text: column.title,
            title: column.title || undefined,
            attrs: { scope: "col" },
          }),
        ),
      ),
    ]),
    tbody,
  ]);
  const olderButton = ui.button("Load older", () => void loadOlder(), { id: "load-older", appearance: "secondary" });
  const olderBar = ui.element("div", { className: "log-more" }, [olderButton]);
  const empty = ui.element("p", { id: "log-empty", className: "log-empty muted" });
  const scroll = ui.element("div", { id: "log-scroll" }, [olderBar, table, empty]);
  const body = ui.element("div", { className: "log-body" }, [scroll]);
  root.classList.add("logs-panel");
  root.replaceChildren(
    ui.element("div", { id: "log-toolbar", className: "log-toolbar" }, [
      filters.element,
      ui.element("span", { className: "log-actions" }, [pauseButton, clearButton]),
    ]),
    statusLine,
    errorBox,
    body,
  );

  const atBottom = () => scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 8;
  const scrollToBottom = () => (scroll.scrollTop = scroll.scrollHeight);

  function renderStatus() {
    const parts: Node[] = [];
    if (!status) {
      parts.push(ui.element("span", { className: "muted", text: "Waiting for the extension…" }));
    } else if (status.source.kind === "live") {
      parts.push(ui.element("span", { id: "log-source", className: "source-live", text: "Live" }));
    } else {
      parts.push(ui.element("span", { id: "log-source", className: `source-${status.source.kind}`, text: status.source.message }));
    }
    if (loading === "latest") parts.push(ui.element("span", { className: "muted", text: "Loading…" }));
    else if (status)
      parts.push(
        ui.element("span", {
          id: "log-count",
          className: "muted",
          text: `${rows.rows.length} row${rows.rows.length === 1 ? "" : "s"} shown`,
        }),
      );
    if (memory.paused) {
      const held = pendingOverflow ? "many new rows" : `${pending.length} new row${pending.length === 1 ? "" : "s"}`;
      parts.push(ui.element("span", { id: "log-paused", text: `Paused: ${held} waiting` }));
    }
    if (rows.detached) {
      parts.push(
        ui.element("span", { id: "log-detached" }, [
          "Newer rows are not shown. ",
          ui.linkButton("Jump to latest", () => void reload(), { attrs: { id: "jump-latest" } }),
        ]),
      );
    }
    if (memory.floor) {
      const when = memory.clearedAt === null ? "" : ` at ${new Date(memory.clearedAt).toLocaleTimeString()}`;
      parts.push(
        ui.element("span", { id: "log-cleared", className: "muted" }, [
          `Cleared${when}: older rows are hidden, not deleted. `,
          ui.linkButton("Show cleared rows", () => showCleared(), { attrs: { id: "show-cleared" } }),
        ]),
      );
    }
    if (status)
      parts.push(
        ui.element("span", {
          className: "muted",
          title: "convexLens.logRetention",
          text: `The log keeps the newest ${status.retention.toLocaleString("en-US")} lines.`,
        }),
      );
    statusLine.replaceChildren(...parts);
    errorBox.textContent = error ?? "";
    setHidden(errorBox, error === null);
    pauseButton.textContent = memory.paused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(memory.paused));
    setHidden(olderBar, !rows.hasOlder);
    if (loading === "older") olderButton.setAttribute("disabled", "");
    else olderButton.removeAttribute("disabled");
    empty.textContent = rows.rows.length > 0 || loading === "latest" || !status ? "" : emptyText();
    setHidden(empty, empty.textContent === "");
  }

  function emptyText(): string {
    if (status?.source.kind === "none") return "";
    if (memory.floor) return "No rows since you cleared.";
    return "No log rows match the filters yet. Call a function or send a request to see its logs here.";
  }

  const markSelected = (row: HTMLElement) => row.classList.toggle("selected", row.dataset.requestId === memory.drilldown);

  function renderTable() {
    const fragment = root.ownerDocument.createDocumentFragment();
    for (const row of rows.rows) fragment.appendChild(rowElement(ui, row));
    tbody.replaceChildren(fragment);
    for (const row of tbody.children) markSelected(row as HTMLElement);
  }

  function appendDom(change: WindowChange) {
    const stick = atBottom();
    for (let i = 0; i < change.dropped && tbody.firstElementChild; i++) tbody.firstElementChild.remove();
    const fragment = root.ownerDocument.createDocumentFragment();
    for (const row of change.added) {
      const element = rowElement(ui, row);
      markSelected(element);
      fragment.appendChild(element);
    }
    tbody.appendChild(fragment);
    if (stick) scrollToBottom();
  }

  function prependDom(change: WindowChange) {
    const before = scroll.scrollHeight;
    for (let i = 0; i < change.dropped && tbody.lastElementChild; i++) tbody.lastElementChild.remove();
    const fragment = root.ownerDocument.createDocumentFragment();
    for (const row of change.added) {
      const element = rowElement(ui, row);
      markSelected(element);
      fragment.appendChild(element);
    }
    tbody.insertBefore(fragment, tbody.firstChild);
    // Keep the rows the user was looking at in place.
    scroll.scrollTop += scroll.scrollHeight - before;
  }

  function renderDrilldown() {
    body.querySelector("#drilldown")?.remove();
    // Beside the drilldown the table is narrow: it drops columns the drilldown shows (log-styles.ts).
    body.classList.toggle("drilldown-open", drilldown !== null);
    if (drilldown) body.appendChild(drilldownView(ui, drilldown, { close: closeDrilldown, onlyThisRequest, openSource }));
    for (const row of tbody.children) markSelected(row as HTMLElement);
  }

  // ---- Data --------------------------------------------------------------------------------------
  async function reload(): Promise<void> {
    const token = ++query;
    loading = "latest";
    generation = 0;
    pending = [];
    pendingOverflow = false;
    error = null;
    renderStatus();
    try {
      const value = await ask({ type: "logsLatest", filter: memory.filter, floor: memory.floor, limit: PAGE_SIZE });
      if (token !== query || disposed) return;
      if (!isLogsLatest(value)) throw new Error("the extension sent a malformed page");
      rows.reset(value);
      generation = value.generation;
      renderTable();
      scrollToBottom();
      noteFunctions(value.rows);
    } catch (reason) {
      if (token !== query) return;
      rows.clear();
      renderTable();
      failed("Could not load the logs", reason);
    } finally {
      if (token === query && !disposed) {
        loading = null;
        renderStatus();
      }
    }
  }

  async function loadOlder(): Promise<void> {
    if (!rows.hasOlder || rows.older === null || loading !== null) return;
    const token = query;
    loading = "older";
    renderStatus();
    try {
      const value = await ask({ type: "logsOlder", filter: memory.filter, floor: memory.floor, before: rows.older, limit: PAGE_SIZE });
      if (token !== query || disposed) return;
      if (!isLogPage(value)) throw new Error("the extension sent a malformed page");
      prependDom(rows.prepend(value));
      noteFunctions(value.rows);
    } catch (reason) {
      if (token === query) failed("Could not load older rows", reason);
    } finally {
      if (token === query && !disposed) {
        loading = null;
        renderStatus();
      }
    }
  }

  function receiveRows(incoming: LogRowView[]) {
    if (memory.paused || rows.detached) {
      if (!pendingOverflow) pending.push(...incoming);
      if (pending.length > MAX_PENDING) {
        pending = [];
        pendingOverflow = true;
      }
      renderStatus();
      return;
    }
    appendDom(rows.append(incoming));
    noteFunctions(incoming);
    renderStatus();
  }

  function togglePause() {
    memory.paused = !memory.paused;
    persist();
    if (!memory.paused) {
      if (pendingOverflow || rows.detached) {
        void reload();
        return;
      }
      const held = pending;
      pending = [];
      if (held.length > 0) {
        appendDom(rows.append(held));
        noteFunctions(held);
      }
    }
    renderStatus();
  }

  async function clear(): Promise<void> {
    try {
      const floor = await ask({ type: "logsClear" });
      if (disposed) return;
      if (!isLogCursor(floor)) throw new Error("the extension sent a malformed position");
      memory.floor = floor;
      memory.clearedAt = Date.now();
      persist();
      await reload();
    } catch (reason) {
      failed("Could not clear", reason);
    }
  }

  function showCleared() {
    memory.floor = null;
    memory.clearedAt = null;
    persist();
    void reload();
  }

  async function openDrilldown(requestId: string): Promise<void> {
    memory.drilldown = requestId;
    persist();
    drilldown = { kind: "loading", requestId };
    renderDrilldown();
    try {
      const value = await ask({ type: "logsDrilldown", requestId });
      if (disposed || memory.drilldown !== requestId) return;
      if (!isDrilldown(value)) throw new Error("the extension sent a malformed request");
      drilldown = { kind: "ready", requestId, view: value };
    } catch (reason) {
      if (disposed || memory.drilldown !== requestId) return;
      drilldown = { kind: "error", requestId, message: reason instanceof Error ? reason.message : String(reason) };
    }
    renderDrilldown();
  }

  function closeDrilldown() {
    memory.drilldown = null;
    drilldown = null;
    persist();
    renderDrilldown();
  }

  function onlyThisRequest(requestId: string) {
    memory.filter = { ...memory.filter, requestId };
    filters.show(memory.filter);
    persist();
    void reload();
  }

  function openSource(file: string, line: number, column: number | null) {
    const message: HostRequest = column === null ? { type: "openSource", file, line } : { type: "openSource", file, line, column };
    ask(message).catch((reason: unknown) => failed(`Could not open ${file}:${line}`, reason));
  }

  async function loadFunctions(): Promise<void> {
    try {
      const value = await ask({ type: "logsFunctions" });
      if (disposed || !isLogFunctions(value)) return;
      functions = value;
      filters.setFunctions(functions);
    } catch {
      // The dropdown keeps what it had; the rows' own functions are still added as they come.
    }
  }

  /** Functions seen in new rows join the dropdown without asking the host. */
  function noteFunctions(seen: LogRowView[]) {
    const known = new Set(functions.map((f) => `${f.udfType} ${f.identifier}`));
    const added: LogFunctionView[] = [];
    for (const row of seen) {
      const key = `${row.udfType} ${row.identifier}`;
      if (known.has(key)) continue;
      known.add(key);
      added.push({ udfType: row.udfType, identifier: row.identifier, executions: 1 });
    }
    if (added.length === 0) return;
    functions = [...functions, ...added].sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
    filters.setFunctions(functions);
  }

  function receiveStatus(next: unknown) {
    if (!isLogsStatus(next)) return;
    const changed = status === null || status.sourceId !== next.sourceId;
    status = next;
    renderStatus();
    if (!changed) return;
    if (next.source.kind === "none") {
      query++;
      generation = 0;
      rows.clear();
      renderTable();
      loading = null;
      renderStatus();
      return;
    }
    void reload();
    void loadFunctions();
    if (memory.drilldown) void openDrilldown(memory.drilldown);
  }

  // ---- Wiring ------------------------------------------------------------------------------------
  /** A re-run's "re-run after <request>" opens the request whose commit caused it (run-cause.ts). */
  const causeOf = (target: EventTarget | null) =>
    ((target as Element | null)?.closest?.("[data-cause-request]") as HTMLElement | null)?.dataset.causeRequest;
  const openRowOf = (target: EventTarget | null) => {
    const row = (target as Element | null)?.closest?.("tr.log-row") as HTMLElement | null;
    const requestId = causeOf(target) ?? row?.dataset.requestId;
    if (requestId) void openDrilldown(requestId);
  };
  tbody.addEventListener("click", (event) => openRowOf(event.target));
  body.addEventListener("click", (event) => {
    // The drilldown's own link (its summary); the table's go through the handler above.
    const requestId = tbody.contains(event.target as Node) ? undefined : causeOf(event.target);
    if (requestId) void openDrilldown(requestId);
  });
  tbody.addEventListener("keydown", (event) => {
    // Enter on the link clicks it: the click opens its request.
    if ((event as KeyboardEvent).key === "Enter" && causeOf(event.target) === undefined) openRowOf(event.target);
  });
  scroll.addEventListener("scroll", () => {
    if (scroll.scrollTop < 40 && rows.hasOlder) void loadOlder();
  });

  const unsubscribe = bridge.onMessage((message) => {
    switch (message.type) {
      case "logsStatus":
        receiveStatus(message.status);
        break;
      case "logsRows":
        if (generation !== 0 && message.generation === generation && Array.isArray(message.rows))
          receiveRows(message.rows.filter(isLogRow));
        break;
      case "logsOverflow":
        if (generation !== 0 && message.generation === generation) {
          if (memory.paused) {
            pending = [];
            pendingOverflow = true;
            renderStatus();
          } else {
            void reload();
          }
        }
        break;
      case "logsCommand":
        if (message.command === "clear") void clear();
        break;
    }
  });

  renderStatus();
  if (memory.drilldown) {
    drilldown = { kind: "loading", requestId: memory.drilldown };
    renderDrilldown();
  }
  bridge.ready();

  return {
    dispose() {
      disposed = true;
      unsubscribe();
      filters.dispose();
      bridge.dispose();
    },
  };
}
