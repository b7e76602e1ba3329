// The Functions tab's list: functions grouped by install (the app first, then each component
// install by its path) and within it by module (queries, mutations, actions, public and
// internal), then the HTTP routes, each with calls, errors and p50/p95 durations. Selecting a
// function opens it in the runner; a route opens the response panel.
import type { Ui } from "../components";
import type { FunctionEntryView, FunctionStatsView, RouteEntryView } from "../protocol/functions";
import { formatMs, KIND_LETTERS } from "./format";
import { functionKey, groupByInstall, installHeading, qualifiedName } from "./installs";

export interface FunctionListHandlers {
  /** `key`: see functionKey. */
  select(key: string): void;
  openRoute(routeKey: string): void;
}

const KIND_ORDER: Record<string, number> = { query: 0, mutation: 1, action: 2 };

/** Case-insensitive match of the filter against the name (`tasks:add`, `counter/public:add`), kind or route. */
function matches(filter: string, ...texts: string[]): boolean {
  const needle = filter.trim().toLowerCase();
  return needle === "" || texts.some((text) => text.toLowerCase().includes(needle));
}

function statCells(ui: Ui, stats: FunctionStatsView): HTMLElement[] {
  return [
    ui.element("span", { className: "stat stat-calls", title: "Calls", text: String(stats.calls) }),
    ui.element("span", {
      className: `stat stat-errors${stats.errors > 0 ? " has-errors" : ""}`,
      title: "Errors",
      text: String(stats.errors),
    }),
    ui.element("span", { className: "stat stat-p50", title: "Median duration (p50)", text: formatMs(stats.p50Ms) }),
    ui.element("span", { className: "stat stat-p95", title: "95th percentile duration (p95)", text: formatMs(stats.p95Ms) }),
  ];
}

function statsHeader(ui: Ui, first: string): HTMLElement {
  return ui.element("div", { className: "list-header", attrs: { "aria-hidden": "true" } }, [
    ui.element("span", { className: "list-header-name", text: first }),
    ...["Calls", "Errors", "p50", "p95"].map((label) => ui.element("span", { className: "stat", text: label })),
  ]);
}

export function functionListView(
  ui: Ui,
  functions: readonly FunctionEntryView[],
  routes: readonly RouteEntryView[],
  filter: string,
  selected: string | null,
  handlers: FunctionListHandlers,
): HTMLElement {
  const view = ui.element("div", { id: "function-list", className: "function-list" });
  const shown = functions.filter((f) => matches(filter, qualifiedName(f.component, f.name), f.udfType, f.visibility));
  // Install headings only when there is more than the app to tell apart.
  const grouped = functions.some((f) => f.component !== "");

  if (functions.length === 0)
    view.appendChild(ui.element("p", { className: "muted empty", text: "No functions: the project is not loaded." }));
  else if (shown.length === 0) view.appendChild(ui.element("p", { className: "muted empty", text: "No function matches the filter." }));
  else view.appendChild(statsHeader(ui, "Function"));

  for (const [component, entries] of groupByInstall(shown)) {
    const modules = moduleSections(ui, component, entries, selected, handlers);
    if (!grouped) {
      view.append(...modules);
      continue;
    }
    view.appendChild(
      ui.element("section", { className: "install", attrs: { "data-component": component } }, [
        installHeading(ui, "h2", "function-install", component),
        ...modules,
      ]),
    );
  }

  const shownRoutes = routes.filter((r) => matches(filter, `${r.method} ${r.path}`, "http", r.component ?? "", r.addedBy ?? ""));
  if (shownRoutes.length > 0) {
    const list = ui.element("ul", { className: "rows" });
    for (const route of shownRoutes) list.appendChild(routeRow(ui, route, handlers));
    view.appendChild(
      ui.element("section", { id: "route-list", className: "module routes" }, [
        ui.element("h3", { className: "module-name", text: "HTTP routes" }),
        list,
      ]),
    );
  }
  return view;
}

/** One install's functions by module, in the order they come. */
function moduleSections(
  ui: Ui,
  component: string,
  entries: FunctionEntryView[],
  selected: string | null,
  handlers: FunctionListHandlers,
): HTMLElement[] {
  const modules = new Map<string, FunctionEntryView[]>();
  for (const entry of entries) modules.set(entry.module, [...(modules.get(entry.module) ?? []), entry]);
  return [...modules].map(([module, inModule]) => {
    inModule.sort(
      (a, b) =>
        KIND_ORDER[a.udfType]! - KIND_ORDER[b.udfType]! || (a.functionName < b.functionName ? -1 : a.functionName > b.functionName ? 1 : 0),
    );
    const list = ui.element("ul", { className: "rows" });
    for (const entry of inModule) list.appendChild(functionRow(ui, entry, selected, handlers));
    return ui.element("section", { className: "module", attrs: { "data-module": module, "data-component": component } }, [
      ui.element("h3", { className: "module-name mono", text: module }),
      list,
    ]);
  });
}

function functionRow(ui: Ui, entry: FunctionEntryView, selected: string | null, handlers: FunctionListHandlers): HTMLElement {
  const kind = KIND_LETTERS[entry.udfType]!;
  const key = functionKey(entry.component, entry.name);
  const isSelected = key === selected;
  return ui.element(
    "li",
    {
      className: `row function-row${isSelected ? " selected" : ""}`,
      attrs: {
        "data-function": entry.name,
        "data-component": entry.component,
        "data-kind": entry.udfType,
        "aria-selected": String(isSelected),
      },
    },
    [
      ui.element("span", { className: "row-name" }, [
        ui.badge(kind.letter, { title: kind.name, className: `kind kind-${entry.udfType}` }),
        ui.linkButton(entry.functionName, () => handlers.select(key), {
          className: "function-select mono",
          title: `Run ${qualifiedName(entry.component, entry.name)}`,
        }),
        entry.visibility === "internal" && ui.element("span", { className: "internal-tag muted", text: "internal" }),
      ]),
      ...statCells(ui, entry.stats),
    ],
  );
}

function routeRow(ui: Ui, route: RouteEntryView, handlers: FunctionListHandlers): HTMLElement {
  const key = `${route.method} ${route.path}`;
  // Where a route comes from when it is not the app's own http.ts: as the Routes view says it.
  const origin = route.addedBy !== null ? `added by ${route.addedBy}` : route.component !== null ? `component ${route.component}` : null;
  return ui.element("li", { className: "row route-row", attrs: { "data-route": key, "data-kind": "httpAction" } }, [
    ui.element("span", { className: "row-name" }, [
      ui.badge("H", { title: "HTTP action", className: "kind kind-httpAction" }),
      ui.linkButton(key, () => handlers.openRoute(key), { className: "route-open mono", title: `Send a request to ${key}` }),
      origin !== null && ui.element("span", { className: "route-origin muted", text: origin }),
    ]),
    ...statCells(ui, route.stats),
  ]);
}
