// The Data tab's behaviour: loading every install's tables and a table's pages (a late page of a
// table no longer open is dropped), saving an edit (its JSON checked here first, the store's
// schema error shown as is), deleting a document. data-view.ts draws what this keeps.
import type { DocumentView } from "../protocol/functions";
import { dataView, emptyDataModel, sameTable, type DataModel, type TableRef } from "./data-view";
import { isClosed, messageOf, type PanelContext } from "./panel-context";
import { parseJsonObject } from "./parse-json";
import { isDocumentPage, isDocumentView, isTableList } from "./replies";

export interface DataTab {
  /** The open table, for the saved state. */
  table(): TableRef | null;
  render(): void;
  /** Lists the tables; `reloadPage` also reloads the open table's first page. */
  loadTables(reloadPage?: boolean): Promise<void>;
  /** Whether the tables were listed (their counts are worth reloading after a write). */
  loaded(): boolean;
  /** The runtime went away: forget what was loaded, keep the open table. */
  reset(): void;
}

export function dataTab(context: PanelContext, slot: HTMLElement, openTable: TableRef | null, onTableChange: () => void): DataTab {
  let model: DataModel = { ...emptyDataModel(), table: openTable };
  /** Bumped when the open table changes: replies for an older table are dropped. */
  let generation = 0;

  function render() {
    if (context.disposed()) return;
    const data = model;
    slot.replaceChildren(
      dataView(context.ui, data, context.ready(), {
        refreshTables: () => void loadTables(),
        selectTable: (table) => {
          data.table = table;
          data.editing = null;
          onTableChange();
          void loadDocuments(false);
        },
        loadMore: () => void loadDocuments(true),
        copyId: (id) => void context.tell({ type: "copyText", text: id }, "Could not copy"),
        edit: (document) => {
          data.editing = { id: document.id, text: document.fields, error: null, saving: false };
          render();
        },
        onEditText: (text) => {
          if (data.editing) data.editing.text = text;
        },
        save: () => void saveEdit(),
        cancelEdit: () => {
          data.editing = null;
          render();
        },
        remove: (document) => void removeDocument(document),
      }),
    );
  }

  async function loadTables(reloadPage = true) {
    const data = model;
    data.tablesLoading = true;
    render();
    try {
      data.tables = await context.ask({ type: "listTables" }, isTableList);
      data.tablesError = null;
      if (data.table !== null && !data.tables.some((t) => sameTable(t, data.table))) {
        data.table = null;
        data.documents = [];
        onTableChange();
      }
    } catch (error) {
      if (isClosed(error)) return;
      data.tablesError = `Could not list the tables: ${messageOf(error)}`;
    } finally {
      data.tablesLoading = false;
    }
    render();
    if (reloadPage && data.table !== null) void loadDocuments(false);
  }

  async function loadDocuments(more: boolean) {
    const data = model;
    const table = data.table;
    if (table === null) return;
    const mine = ++generation;
    const cursor = more ? data.cursor : null;
    if (!more) {
      data.documents = [];
      data.cursor = null;
      data.editing = null;
    }
    data.documentsLoading = true;
    data.documentsError = null;
    render();
    try {
      const page = await context.ask({ type: "pageDocuments", component: table.component, table: table.name, cursor }, isDocumentPage);
      if (mine !== generation) return;
      data.documents = more ? [...data.documents, ...page.documents] : page.documents;
      data.cursor = page.continueCursor;
    } catch (error) {
      if (isClosed(error) || mine !== generation) return;
      data.documentsError = `Could not load ${table.name}: ${messageOf(error)}`;
    }
    data.documentsLoading = false;
    render();
  }

  async function saveEdit() {
    const data = model;
    const editing = data.editing;
    const table = data.table;
    if (!editing || editing.saving || table === null) return;
    const parsed = parseJsonObject(editing.text, "The fields", false);
    if (!parsed.ok) {
      editing.error = parsed.message;
      render();
      return;
    }
    const system = ["_id", "_creationTime"].filter((key) => Object.hasOwn(parsed.value, key));
    if (system.length > 0) {
      editing.error = `${system.join(" and ")} cannot be edited: leave ${system.length > 1 ? "them" : "it"} out of the JSON.`;
      render();
      return;
    }
    editing.saving = true;
    editing.error = null;
    render();
    try {
      const request = {
        type: "replaceDocument",
        component: table.component,
        table: table.name,
        documentId: editing.id,
        fields: parsed.value,
      } as const;
      const saved = await context.ask(request, isDocumentView);
      data.documents = data.documents.map((d) => (d.id === saved.id ? saved : d));
      if (data.editing === editing) data.editing = null;
    } catch (error) {
      if (isClosed(error)) return;
      // The store's own message: the schema mismatch, say.
      editing.error = messageOf(error);
      editing.saving = false;
    }
    render();
  }

  async function removeDocument(document: DocumentView) {
    const data = model;
    const table = data.table;
    if (table === null) return;
    try {
      const deleted = await context.request({
        type: "deleteDocument",
        component: table.component,
        table: table.name,
        documentId: document.id,
      });
      if (deleted !== true) return;
      data.documents = data.documents.filter((d) => d.id !== document.id);
      data.tables = data.tables?.map((t) => (sameTable(t, table) ? { ...t, documents: Math.max(0, t.documents - 1) } : t)) ?? null;
      render();
    } catch (error) {
      if (!isClosed(error)) context.showActionError(`Could not delete ${document.id}: ${messageOf(error)}`);
    }
  }

  return {
    table: () => model.table,
    render,
    loadTables,
    loaded: () => model.tables !== null,
    reset() {
      model = { ...emptyDataModel(), table: model.table };
    },
  };
}
