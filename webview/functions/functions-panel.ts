// The functions panel: the host pushes its state (runtime status, functions and routes with their
// stats); the panel asks for everything else with requests (run a function, pages of documents,
// files) and shows each reply or failure where it belongs. It owns what the user is doing: the
// tab, the filter, the selected function and its argument text, the open table, an edit.
import { createUi, setHidden } from "../components";
import { HostRequestError, type HostBridge, type HostRequest } from "../host-bridge";
import type { ActAsIdentity, CronEntryView, DocumentView, FileView, FunctionEntryView, FunctionsPanelState, RunResultView } from "../protocol";
import { cloneIdentity, isDevTokenView } from "../auth/act-as-editor";
import type { OpenSource } from "../response/linked-text";
import { cronKey, cronListView, type CronRunState } from "./cron-list-view";
import { dataView, emptyDataModel, type DataModel } from "./data-view";
import { emptyFilesModel, filesView, type FilesModel } from "./files-view";
import { functionListView } from "./function-list-view";
import { parseJsonObject } from "./parse-json";
import { isCronRun, isDocumentPage, isDocumentView, isFilePage, isFilePreview, isFunctionsPanelState, isRunResult, isTableList } from "./replies";
import { runnerView, type RunnerView } from "./runner-view";
import { isTabId, type FunctionsMemory, type TabId } from "./saved-state";

export interface FunctionsPanel {
  dispose(): void;
}

interface Model {
  state: FunctionsPanelState | null;
  tab: TabId;
  filter: string;
  selected: string | null;
  drafts: Record<string, string>;
  authorization: string;
  /** "Act as a user" for runs; like the token, not kept in the saved state. */
  actAs: ActAsIdentity;
  running: boolean;
  result: RunResultView | null;
  /** The latest "Run now" of a cron job (not kept in the saved state). */
  cronRun: CronRunState | null;
  data: DataModel;
  files: FilesModel;
}

const BAD_REPLY = "The extension sent a reply this panel cannot show.";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isClosed = (error: unknown) => error instanceof HostRequestError && error.reason === "closed";

export function startFunctionsPanel(root: HTMLElement, bridge: HostBridge<FunctionsMemory>): FunctionsPanel {
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
    data: emptyDataModel(),
    files: emptyFilesModel(),
  };
  const saved = bridge.getState();
  if (saved) {
    model.state = saved.state;
    model.tab = saved.tab;
    model.filter = saved.filter;
    model.selected = saved.selected;
    model.drafts = { ...saved.drafts };
    model.result = saved.result;
    model.data.table = saved.table;
  }
  let disposed = false;
  /** Bumped when the open table changes: replies for an older table are dropped. */
  let documentsGeneration = 0;
  let filesGeneration = 0;
  /** Whether the host last said the runtime is ready (a restored state does not count). */
  let liveReady = false;
  let runner: RunnerView | null = null;
  /** What the runner shows, to rebuild it only when that changes (not on every stats update). */
  let runnerKey: string | null = null;

  const persist = () =>
    bridge.setState({
      version: 1,
      state: model.state,
      tab: model.tab,
      filter: model.filter,
      selected: model.selected,
      drafts: { ...model.drafts },
      result: model.result,
      table: model.data.table,
    });

  const ready = () => model.state?.runtime.kind === "ready";
  const draftOf = (name: string) => (Object.hasOwn(model.drafts, name) ? model.drafts[name]! : "{}");
  const selectedEntry = (): FunctionEntryView | null => model.state?.functions.find((f) => f.name === model.selected) ?? null;

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
    ui.element("div", { className: "toolbar" }, [filter, ui.button("Refresh", () => void refreshFunctions(), { id: "refresh-functions", appearance: "secondary", title: "Reload the functions and their stats" })]),
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
  root.replaceChildren(status, actionError, tabs);

  const showActionError = (message: string | null) => {
    if (disposed) return;
    actionError.textContent = message ?? "";
    setHidden(actionError, message === null);
  };

  /** A request whose reply must pass `check`; a failure rejects with the message to show. */
  async function ask<T>(message: HostRequest, check: (value: unknown) => value is T): Promise<T> {
    const value = await bridge.request(message);
    if (!check(value)) throw new Error(BAD_REPLY);
    return value;
  }

  /** A request whose reply does not matter; its failure goes to the panel's notice. */
  async function tell(message: HostRequest, what: string): Promise<void> {
    try {
      await bridge.request(message);
    } catch (error) {
      if (!isClosed(error)) showActionError(`${what}: ${messageOf(error)}`);
    }
  }

  const openSource: OpenSource = (file, line, column) => {
    void tell(column === null ? { type: "openSource", file, line } : { type: "openSource", file, line, column }, `Could not open ${file}:${line}`);
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

  function select(name: string) {
    if (model.selected === name) return;
    model.selected = name;
    persist();
    renderList();
    renderRunner();
  }

  function renderList() {
    if (disposed) return;
    const state = model.state;
    const crons = cronListView(ui, state?.crons ?? [], model.filter, ready(), model.cronRun, { select, runNow: (entry) => void runCron(entry) });
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
      if (model.data.tables !== null) void loadTables(false);
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
      model.selected,
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
    const parsed = parseJsonObject(draftOf(entry.name), "Arguments", true);
    if (!parsed.ok) {
      current.setError(parsed.message);
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
      const result = await ask({ type: "runFunction", name: entry.name, args: parsed.value, authorization }, isRunResult);
      model.result = result;
      persist();
      if (!disposed) runner?.showResult(result);
      // Mutations and actions may have written: the Data tab's counts follow (its open page does
      // not move under the user's feet; Refresh reloads it).
      if (entry.udfType !== "query" && model.data.tables !== null) void loadTables(false);
    } catch (error) {
      if (!isClosed(error)) runner?.setError(`The run failed: ${messageOf(error)}`);
    } finally {
      model.running = false;
      if (!disposed) runner?.setRunning(false);
    }
  }

  async function refreshFunctions() {
    await tell({ type: "refreshFunctions" }, "Could not refresh");
    if (ready()) {
      void loadTables();
      void loadFiles(false);
    }
  }

  // ---- Data ------------------------------------------------------------------------------------

  function renderData() {
    if (disposed) return;
    const data = model.data;
    dataSlot.replaceChildren(
      dataView(ui, data, ready(), {
        refreshTables: () => void loadTables(),
        selectTable: (name) => {
          data.table = name;
          data.editing = null;
          persist();
          void loadDocuments(false);
        },
        loadMore: () => void loadDocuments(true),
        copyId: (id) => void tell({ type: "copyText", text: id }, "Could not copy"),
        edit: (document) => {
          data.editing = { id: document.id, text: document.fields, error: null, saving: false };
          renderData();
        },
        onEditText: (text) => {
          if (data.editing) data.editing.text = text;
        },
        save: () => void saveEdit(),
        cancelEdit: () => {
          data.editing = null;
          renderData();
        },
        remove: (document) => void removeDocument(document),
      }),
    );
  }

  /** Lists the tables; `reloadPage` also reloads the open table's first page. */
  async function loadTables(reloadPage = true) {
    const data = model.data;
    data.tablesLoading = true;
    renderData();
    try {
      data.tables = await ask({ type: "listTables" }, isTableList);
      data.tablesError = null;
      if (data.table !== null && !data.tables.some((t) => t.name === data.table)) {
        data.table = null;
        data.documents = [];
        persist();
      }
    } catch (error) {
      if (isClosed(error)) return;
      data.tablesError = `Could not list the tables: ${messageOf(error)}`;
    } finally {
      data.tablesLoading = false;
    }
    renderData();
    if (reloadPage && data.table !== null) void loadDocuments(false);
  }

  async function loadDocuments(more: boolean) {
    const data = model.data;
    const table = data.table;
    if (table === null) return;
    const generation = ++documentsGeneration;
    const cursor = more ? data.cursor : null;
    if (!more) {
      data.documents = [];
      data.cursor = null;
      data.editing = null;
    }
    data.documentsLoading = true;
    data.documentsError = null;
    renderData();
    try {
      const page = await ask({ type: "pageDocuments", table, cursor }, isDocumentPage);
      if (generation !== documentsGeneration) return;
      data.documents = more ? [...data.documents, ...page.documents] : page.documents;
      data.cursor = page.continueCursor;
    } catch (error) {
      if (isClosed(error) || generation !== documentsGeneration) return;
      data.documentsError = `Could not load ${table}: ${messageOf(error)}`;
    }
    data.documentsLoading = false;
    renderData();
  }

  async function saveEdit() {
    const data = model.data;
    const editing = data.editing;
    const table = data.table;
    if (!editing || editing.saving || table === null) return;
    const parsed = parseJsonObject(editing.text, "The fields", false);
    if (!parsed.ok) {
      editing.error = parsed.message;
      renderData();
      return;
    }
    const system = ["_id", "_creationTime"].filter((key) => Object.hasOwn(parsed.value, key));
    if (system.length > 0) {
      editing.error = `${system.join(" and ")} cannot be edited: leave ${system.length > 1 ? "them" : "it"} out of the JSON.`;
      renderData();
      return;
    }
    editing.saving = true;
    editing.error = null;
    renderData();
    try {
      const saved = await ask({ type: "replaceDocument", table, documentId: editing.id, fields: parsed.value }, isDocumentView);
      data.documents = data.documents.map((d) => (d.id === saved.id ? saved : d));
      if (data.editing === editing) data.editing = null;
    } catch (error) {
      if (isClosed(error)) return;
      // The store's own message: the schema mismatch, say.
      editing.error = messageOf(error);
      editing.saving = false;
    }
    renderData();
  }

  async function removeDocument(document: DocumentView) {
    const data = model.data;
    const table = data.table;
    if (table === null) return;
    try {
      const deleted = await bridge.request({ type: "deleteDocument", table, documentId: document.id });
      if (deleted !== true) return;
      data.documents = data.documents.filter((d) => d.id !== document.id);
      data.tables = data.tables?.map((t) => (t.name === table ? { ...t, documents: Math.max(0, t.documents - 1) } : t)) ?? null;
      renderData();
    } catch (error) {
      if (!isClosed(error)) showActionError(`Could not delete ${document.id}: ${messageOf(error)}`);
    }
  }

  // ---- Files -----------------------------------------------------------------------------------

  function renderFiles() {
    if (disposed) return;
    const files = model.files;
    filesSlot.replaceChildren(
      filesView(ui, files, ready(), {
        refresh: () => void loadFiles(false),
        loadMore: () => void loadFiles(true),
        copyId: (id) => void tell({ type: "copyText", text: id }, "Could not copy"),
        preview: (file) => void preview(file),
        download: (file) => void tell({ type: "downloadFile", storageId: file.id }, `Could not download ${file.id}`),
        remove: (file) => void removeFile(file),
      }),
    );
  }

  async function loadFiles(more: boolean) {
    const files = model.files;
    const generation = ++filesGeneration;
    const cursor = more ? files.cursor : null;
    files.loading = true;
    files.error = null;
    renderFiles();
    try {
      const page = await ask({ type: "listFiles", cursor }, isFilePage);
      if (generation !== filesGeneration) return;
      files.files = more ? [...(files.files ?? []), ...page.files] : page.files;
      files.cursor = page.continueCursor;
    } catch (error) {
      if (isClosed(error) || generation !== filesGeneration) return;
      files.error = `Could not list the files: ${messageOf(error)}`;
    }
    files.loading = false;
    renderFiles();
  }

  async function preview(file: FileView) {
    const files = model.files;
    const current = { id: file.id, view: null, error: null } as NonNullable<FilesModel["preview"]>;
    files.preview = current;
    renderFiles();
    try {
      current.view = await ask({ type: "previewFile", storageId: file.id }, isFilePreview);
    } catch (error) {
      if (isClosed(error)) return;
      current.error = messageOf(error);
    }
    if (files.preview === current) renderFiles();
  }

  async function removeFile(file: FileView) {
    const files = model.files;
    try {
      const deleted = await bridge.request({ type: "deleteFile", storageId: file.id });
      if (deleted !== true) return;
      files.files = files.files?.filter((f) => f.id !== file.id) ?? null;
      if (files.preview?.id === file.id) files.preview = null;
      renderFiles();
    } catch (error) {
      if (!isClosed(error)) showActionError(`Could not delete ${file.id}: ${messageOf(error)}`);
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
      void loadTables();
      void loadFiles(false);
    } else if (!liveReady && wasReady) {
      model.data = { ...emptyDataModel(), table: model.data.table };
      model.files = emptyFilesModel();
    }
    renderData();
    renderFiles();
  }

  const unsubscribe = bridge.onMessage((message) => {
    if (message.type === "functionsState") receiveState(message.state);
  });
  // A saved state shows at once; the host's answer to `ready` replaces it and loads the data.
  renderStatus();
  renderList();
  renderRunner(true);
  renderData();
  renderFiles();
  bridge.ready();

  return {
    dispose() {
      disposed = true;
      unsubscribe();
      bridge.dispose();
    },
  };
}
