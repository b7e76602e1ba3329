// The Headers tab: the response headers in a grid, in the order they arrived.
import type { Ui } from "../components";

export function headersView(ui: Ui, headers: Array<[string, string]>): HTMLElement {
  const view = ui.element("div", { id: "headers", className: "headers-view" });
  if (headers.length === 0) {
    view.appendChild(ui.element("p", { className: "muted", text: "The response has no headers." }));
    return view;
  }
  view.appendChild(
    ui.dataGrid(
      ["Name", "Value"],
      headers.map(([name, value]) => [name, value]),
      { id: "headers-grid", ariaLabel: "Response headers", columnWidths: "minmax(10em, 1fr) 3fr" },
    ),
  );
  return view;
}
