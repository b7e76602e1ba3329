// Why a subscribed query of a sync client ran, as the log rows and the drilldown show it: "subscribed"
// for a new subscription's first run, "re-run after <request>" when a function's commit changed
// what it read, the request being a link that opens that request's drilldown (log-panel.ts handles
// clicks on `[data-cause-request]`, so rows carry no listeners of their own).
import type { Ui } from "../components";
import type { RunCauseView } from "../protocol/logs";

/** The dashboard shows request ids by their first characters. */
export function shortRequestId(requestId: string): string {
  return requestId.length > 8 ? requestId.slice(0, 8) : requestId;
}

/** The tag for `cause`, or null for an execution that did not say why it ran. */
export function runCauseElement(ui: Ui, cause: RunCauseView | null): HTMLElement | null {
  if (cause === null) return null;
  const tag = (children: Array<string | HTMLElement>, title: string) =>
    ui.element("span", { className: "run-cause muted", title, attrs: { "data-cause": cause.kind } }, children);
  switch (cause.kind) {
    case "subscribed":
      return tag(["subscribed"], "The first run of a query a sync client subscribed to");
    case "commit":
      if (cause.requestId === null) return tag(["re-run after an edit"], "An edit outside any function changed what this query read");
      return tag(
        [
          "re-run after ",
          ui.element("button", {
            className: "link cause-link mono",
            text: shortRequestId(cause.requestId),
            title: `Open request ${cause.requestId}, whose commit changed what this query read`,
            attrs: { type: "button", "data-cause-request": cause.requestId },
          }),
        ],
        "A commit changed what this query read",
      );
    case "reload":
      return tag(["re-run after reload"], "The code was reloaded: every subscribed query runs again");
    case "identity":
      return tag(["re-run after auth change"], "The client signed in, out, or refreshed its token");
  }
}
