// What the response panel offers beyond Send: keep the request in a `.http` file, turn the
// request and its response into a convex-test test, and which target the request went to.
import type { Ui } from "../components";
import type { EditableRequest } from "../protocol/response";
import { isPrefixRoute } from "./request-editor";

/** `/messages/abc?x=1`: the path a request goes to, without the origin. */
export function requestDisplayPath(request: EditableRequest): string {
  const path = isPrefixRoute(request) ? request.routePath.slice(0, -1) + request.pathRest.replace(/^\/+/, "") : request.routePath;
  const query = request.query.trim().replace(/^\?/, "");
  return query ? `${path}?${query}` : path;
}

/** The target the panel sends to, as the host names it ("Local runtime — http://127.0.0.1:3311"). */
export function targetLabel(ui: Ui, target: string): HTMLElement {
  return ui.element("span", { id: "target", className: "muted", title: "Where requests go (Convex Lens: Switch target)", text: target });
}

export function requestActions(ui: Ui, handlers: { onSave: () => void; onExport?: () => void }): HTMLElement {
  const buttons = [
    ui.button("Save request", handlers.onSave, {
      id: "save-request",
      appearance: "secondary",
      title: "Append this request to its route's .http file (REST Client / httpYac format)",
    }),
  ];
  if (handlers.onExport) {
    buttons.push(
      ui.button("Export as test", handlers.onExport, {
        id: "export-test",
        appearance: "secondary",
        title: "Write a convex-test test (t.fetch) of this request and its response",
      }),
    );
  }
  return ui.element("div", { id: "request-actions", className: "toolbar" }, buttons);
}
