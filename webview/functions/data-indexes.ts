// The open table's indexes in the Data tab: each with its name, its kind (database, search,
// vector), the fields it indexes and what else defines it (a vector index's dimensions and filter
// fields); staged ones are marked, since they cannot be queried yet.
import type { Ui } from "../components";
import type { IndexView } from "../protocol/functions";

const KIND_LABELS: Record<IndexView["kind"], string> = { database: "index", search: "search index", vector: "vector index" };

export function indexList(ui: Ui, indexes: ReadonlyArray<IndexView>): HTMLElement {
  const section = ui.element("details", { id: "indexes", className: "indexes" }, [
    ui.element("summary", { className: "muted", text: indexes.length === 0 ? "No indexes declared" : `Indexes (${indexes.length})` }),
  ]);
  const list = ui.element("ul", { className: "index-list" });
  for (const index of indexes) {
    list.appendChild(
      ui.element("li", { className: "index-row", attrs: { "data-index": index.name, "data-kind": index.kind } }, [
        ui.element("span", { className: "index-name mono", text: index.name }),
        ui.badge(KIND_LABELS[index.kind], { className: `index-kind kind-${index.kind}` }),
        ui.element("span", { className: "index-fields mono", text: index.fields.join(", ") }),
        index.detail !== null && ui.element("span", { className: "index-detail muted", text: index.detail }),
        index.staged && ui.element("span", { className: "index-staged muted", text: "staged" }),
      ]),
    );
  }
  section.appendChild(list);
  return section;
}
