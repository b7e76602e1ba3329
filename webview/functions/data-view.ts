// The Data tab: the tables with their document counts, grouped by install (the app first, then
// each component install by its path, its tables under their plain names), and the selected
// table's documents newest first, a page at a time. Each document shows its `_id` (copyable) and
// creation time, and can be edited as JSON (its own fields only: `_id` and `_creationTime` are
// not editable) or deleted.
import { append, setDisabled, type Ui } from "../components";
import type { DocumentView, TableView } from "../protocol/functions";
import { indexList } from "./data-indexes";
import { formatDateTime } from "./format";
import { groupByInstall, installHeading } from "./installs";

/** A table of one install, named as the install names it. */
export interface TableRef {
  component: string;
  name: string;
}

export const sameTable = (a: TableRef | null, b: TableRef | null): boolean =>
  a !== null && b !== null && a.component === b.component && a.name === b.name;

export interface DocumentEdit {
  id: string;
  text: string;
  error: string | null;
  saving: boolean;
}

export interface DataModel {
  tables: TableView[] | null;
  tablesLoading: boolean;
  tablesError: string | null;
  table: TableRef | null;
  documents: DocumentView[];
  /** The next page's cursor; null when the last page is shown. */
  cursor: string | null;
  documentsLoading: boolean;
  documentsError: string | null;
  editing: DocumentEdit | null;
}

export interface DataHandlers {
  refreshTables(): void;
  selectTable(table: TableRef): void;
  loadMore(): void;
  copyId(id: string): void;
  edit(document: DocumentView): void;
  onEditText(text: string): void;
  save(): void;
  cancelEdit(): void;
  remove(document: DocumentView): void;
}

export function emptyDataModel(): DataModel {
  return {
    tables: null,
    tablesLoading: false,
    tablesError: null,
    table: null,
    documents: [],
    cursor: null,
    documentsLoading: false,
    documentsError: null,
    editing: null,
  };
}

export function dataView(ui: Ui, model: DataModel, available: boolean, handlers: DataHandlers): HTMLElement {
  const view = ui.element("div", { id: "data", className: "split data-view" });
  if (!available) {
    view.appendChild(ui.element("p", { className: "muted unavailable", text: "The data shows here while the runtime runs." }));
    return view;
  }
  view.append(tablesPane(ui, model, handlers), documentsPane(ui, model, handlers));
  return view;
}

function tablesPane(ui: Ui, model: DataModel, handlers: DataHandlers): HTMLElement {
  const pane = ui.element("div", { className: "pane tables-pane" }, [
    ui.element("div", { className: "toolbar" }, [
      ui.element("h3", { className: "pane-title", text: "Tables" }),
      ui.button("Refresh", handlers.refreshTables, {
        id: "refresh-tables",
        appearance: "secondary",
        title: "Reload the tables and the open page",
      }),
    ]),
  ]);
  if (model.tablesError !== null)
    pane.appendChild(
      ui.element("div", { id: "tables-error", className: "notice-error", attrs: { role: "alert" }, text: model.tablesError }),
    );
  if (model.tables === null) {
    pane.appendChild(ui.element("p", { className: "muted", text: model.tablesLoading ? "Loading tables…" : "No tables loaded." }));
    return pane;
  }
  if (model.tables.length === 0) pane.appendChild(ui.element("p", { className: "muted", text: "The database has no tables yet." }));
  const list = ui.element("ul", { id: "table-list", className: "rows" });
  // Install headings only when a component has tables too.
  const grouped = model.tables.some((table) => table.component !== "");
  for (const [component, tables] of groupByInstall(model.tables)) {
    if (grouped) list.appendChild(installHeading(ui, "li", "table-install", component));
    for (const table of tables) list.appendChild(tableRow(ui, table, model.table, handlers));
  }
  pane.appendChild(list);
  return pane;
}

function tableRow(ui: Ui, table: TableView, open: TableRef | null, handlers: DataHandlers): HTMLElement {
  const selected = sameTable(table, open);
  const where = table.component === "" ? "" : ` of component ${table.component}`;
  return ui.element(
    "li",
    {
      className: `row table-row${selected ? " selected" : ""}${table.system ? " system" : ""}`,
      attrs: { "data-table": table.name, "data-component": table.component, "aria-selected": String(selected) },
    },
    [
      ui.linkButton(table.name, () => handlers.selectTable({ component: table.component, name: table.name }), {
        className: "table-select mono",
        title: table.system ? `${table.name}${where} (system table, read-only)` : `Browse ${table.name}${where}`,
      }),
      ui.element("span", { className: "table-count muted", title: "Documents", text: String(table.documents) }),
    ],
  );
}

function documentsPane(ui: Ui, model: DataModel, handlers: DataHandlers): HTMLElement {
  const pane = ui.element("div", { id: "documents-pane", className: "pane documents-pane" });
  if (model.table === null) {
    pane.appendChild(ui.element("p", { className: "muted", text: "Select a table to browse its documents, newest first." }));
    return pane;
  }
  const open = model.table;
  const system = model.tables?.find((t) => sameTable(t, open))?.system ?? open.name.startsWith("_");
  pane.appendChild(
    ui.element("div", { className: "toolbar" }, [
      ui.element("h3", { id: "documents-title", className: "pane-title mono", text: open.name }),
      open.component !== "" && ui.element("span", { id: "documents-install", className: "muted", text: `component ${open.component}` }),
      system && ui.element("span", { className: "muted", text: "system table: read-only" }),
    ]),
  );
  const indexes = model.tables?.find((t) => sameTable(t, open))?.indexes;
  if (indexes !== undefined && !system) pane.appendChild(indexList(ui, indexes));
  if (model.documentsError !== null)
    pane.appendChild(
      ui.element("div", { id: "documents-error", className: "notice-error", attrs: { role: "alert" }, text: model.documentsError }),
    );
  const list = ui.element("ul", { id: "documents", className: "documents" });
  for (const document of model.documents) list.appendChild(documentItem(ui, document, system, model.editing, handlers));
  pane.appendChild(list);
  if (model.documents.length === 0 && !model.documentsLoading && model.documentsError === null) {
    pane.appendChild(ui.element("p", { className: "muted", text: "No documents." }));
  }
  if (model.documentsLoading) pane.appendChild(ui.progressRing({ id: "documents-loading", ariaLabel: "Loading documents" }));
  else if (model.cursor !== null)
    pane.appendChild(ui.button("Load older documents", handlers.loadMore, { id: "documents-more", appearance: "secondary" }));
  return pane;
}

function documentItem(
  ui: Ui,
  document: DocumentView,
  readOnly: boolean,
  editing: DocumentEdit | null,
  handlers: DataHandlers,
): HTMLElement {
  const item = ui.element("li", { className: "document", attrs: { "data-id": document.id } }, [
    ui.element("div", { className: "document-head" }, [
      ui.element("code", { className: "document-id", title: "_id", text: document.id }),
      ui.button("Copy _id", () => handlers.copyId(document.id), { className: "copy-id", appearance: "secondary", title: "Copy the _id" }),
      ui.element("span", {
        className: "document-time muted",
        title: `_creationTime ${document.creationTime}`,
        text: formatDateTime(document.creationTime),
      }),
    ]),
  ]);
  if (editing?.id === document.id) {
    const editor = ui.textArea({
      className: "document-editor",
      value: editing.text,
      ariaLabel: `Fields of ${document.id}`,
      rows: 8,
      onInput: handlers.onEditText,
    });
    const save = ui.button("Save", handlers.save, { className: "save-document", appearance: "primary" });
    setDisabled(save, editing.saving);
    append(item, [
      ui.element("p", {
        className: "muted",
        text: "Edit the fields as JSON; _id and _creationTime are not editable. The schema is checked when you save.",
      }),
      editor,
      editing.error !== null &&
        ui.element("div", { className: "notice-error document-error", attrs: { role: "alert" }, text: editing.error }),
      ui.element("div", { className: "document-actions" }, [
        save,
        ui.button("Cancel", handlers.cancelEdit, { className: "cancel-edit", appearance: "secondary" }),
      ]),
    ]);
    return item;
  }
  item.appendChild(ui.element("pre", { className: "document-fields", text: document.fields }));
  if (!readOnly) {
    item.appendChild(
      ui.element("div", { className: "document-actions" }, [
        ui.button("Edit", () => handlers.edit(document), { className: "edit-document", appearance: "secondary" }),
        ui.button("Delete", () => handlers.remove(document), { className: "delete-document", appearance: "secondary" }),
      ]),
    );
  }
  return item;
}
