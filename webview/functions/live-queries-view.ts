// The Live queries tab's list: every query the runtime's sync clients subscribed to, grouped by
// connection (oldest first; the client is the page's origin, else the user agent), each with its
// function, arguments (compact, the whole value on hover and when expanded), runs and when its
// client last got a new result. "Run" opens the query in the Functions tab's runner with those
// arguments. Without subscriptions it says how to get some: point the app at the API origin.
import type { Ui } from "../components";
import type { LiveQueriesView, LiveQueryView } from "../protocol/functions";
import { formatAgo, formatDateTime } from "./format";
import { qualifiedName } from "./installs";

export interface LiveQueriesHandlers {
  /** Opens the query in the runner with its arguments. */
  run(query: LiveQueryView): void;
}

/** The arguments in one line, as the row shows them. */
export const compactArgs = (args: LiveQueryView["args"]): string => JSON.stringify(args);

export function liveQueriesView(
  ui: Ui,
  live: LiveQueriesView | null,
  ready: boolean,
  now: number,
  handlers: LiveQueriesHandlers,
): HTMLElement {
  const view = ui.element("div", { id: "live-queries", className: "live-queries" });
  if (!ready || live === null) {
    view.appendChild(ui.element("p", { className: "muted empty", text: "Live queries show here while the runtime is running." }));
    return view;
  }
  if (live.queries.length === 0) {
    view.appendChild(emptyState(ui, live.apiUrl));
    return view;
  }
  const connections = new Map<number, LiveQueryView[]>();
  for (const query of live.queries) connections.set(query.session, [...(connections.get(query.session) ?? []), query]);
  view.appendChild(
    ui.element("div", { className: "list-header live-header", attrs: { "aria-hidden": "true" } }, [
      ui.element("span", { text: "Query" }),
      ui.element("span", { text: "Arguments" }),
      ui.element("span", { className: "stat", text: "Runs" }),
      ui.element("span", { className: "stat", text: "Updated" }),
      ui.element("span", {}),
    ]),
  );
  for (const [session, queries] of connections) {
    const sorted = [...queries].sort((a, b) => compare(qualifiedName(a.component, a.name), qualifiedName(b.component, b.name)));
    const list = ui.element("ul", { className: "rows" });
    for (const query of sorted) list.appendChild(queryRow(ui, query, now, handlers));
    view.appendChild(
      ui.element("section", { className: "live-connection", attrs: { "data-session": String(session) } }, [
        ui.element("h3", { className: "module-name live-client" }, [
          `Connection ${session} `,
          ui.element("span", { className: "muted mono", text: queries[0]!.client }),
          ui.element("span", { className: "muted", text: ` · ${queries.length} ${queries.length === 1 ? "query" : "queries"}` }),
        ]),
        list,
      ]),
    );
  }
  return view;
}

function emptyState(ui: Ui, apiUrl: string | null): HTMLElement {
  return ui.element("div", { id: "live-empty", className: "live-empty" }, [
    ui.element("p", { text: "No client is subscribed to a query." }),
    ui.element("p", {}, [
      "Point your app's ",
      ui.element("code", { text: "VITE_CONVEX_URL" }),
      " (or ",
      ui.element("code", { text: "CONVEX_URL" }),
      ") at ",
      apiUrl === null ? "the runtime's API origin" : ui.element("code", { id: "live-api-url", text: apiUrl }),
      " and open it: each query it subscribes to (useQuery, client.onUpdate) shows here, with its runs.",
    ]),
  ]);
}

function queryRow(ui: Ui, query: LiveQueryView, now: number, handlers: LiveQueriesHandlers): HTMLElement {
  const name = qualifiedName(query.component, query.name);
  const compact = compactArgs(query.args);
  const full = JSON.stringify(query.args, null, 2);
  return ui.element("li", { className: "row live-row", attrs: { "data-function": query.name, "data-component": query.component } }, [
    ui.element("span", { className: "row-name" }, [
      ui.badge("Q", { title: "query", className: "kind kind-query" }),
      ui.element("span", { className: "live-name mono", text: name, title: name }),
    ]),
    ui.element("details", { className: "live-args" }, [
      ui.element("summary", { className: "mono", text: compact, title: full }),
      ui.element("pre", { className: "mono", text: full }),
    ]),
    ui.element("span", { className: "stat live-runs", title: "Runs, the first included", text: String(query.runs) }),
    ui.element("span", {
      className: "stat live-updated",
      title: query.updatedAt === null ? "No result sent yet" : `Last new result: ${formatDateTime(query.updatedAt)}`,
      text: query.updatedAt === null ? "–" : formatAgo(query.updatedAt, now),
    }),
    ui.linkButton("Run", () => handlers.run(query), {
      className: "live-run",
      title: `Open ${name} in the runner with these arguments`,
    }),
  ]);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
