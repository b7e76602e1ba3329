// The shape of the Routes view (pure, no vscode). A path with one method is one row
// (`GET /me`); a path with several methods is a path row over its method rows. An app with many
// routes from several places gets one group per place first: each source file of the app, the
// routes its own helpers make, each package that added routes, each mounted component.
import { groupByPath, type RouteEntry } from "./route-model";

/** From this many routes on, routes from more than one place are grouped by that place. */
export const GROUP_BY_ORIGIN_FROM = 12;

export type RouteNode = { kind: "route"; route: RouteEntry } | { kind: "path"; path: string; routes: RouteEntry[] };

export type OriginKind = "file" | "helpers" | "package" | "component";

export interface OriginGroup {
  kind: "origin";
  origin: OriginKind;
  /** Stable and unique among the groups (tree item ids are built from it). */
  id: string;
  label: string;
  /** What the label is: "component", "package", … (the row's description). */
  detail: string;
  nodes: RouteNode[];
}

interface Origin {
  kind: OriginKind;
  id: string;
  label: string;
  detail: string;
}

/** Order of the groups: the app's files, its helpers, packages, components. */
const RANKS: Record<OriginKind, number> = { file: 0, helpers: 1, package: 2, component: 3 };

/** Single-method paths flattened to their route; the others grouped under their path. */
export function pathNodes(routes: RouteEntry[]): RouteNode[] {
  return groupByPath(routes).map((group) =>
    group.routes.length === 1 ? { kind: "route", route: group.routes[0]! } : { kind: "path", path: group.path, routes: group.routes },
  );
}

/** Where a route comes from; `relativePath` names a source file as the user sees it. */
export function originOf(route: RouteEntry, relativePath: (file: string) => string): Origin {
  if (route.component) return { kind: "component", id: `component:${route.component}`, label: route.component, detail: "component" };
  if (route.addedBy) return { kind: "package", id: `package:${route.addedBy}`, label: route.addedBy, detail: "added by the package" };
  if (route.source) {
    const file = relativePath(route.source.file);
    return { kind: "file", id: `file:${file}`, label: file, detail: "" };
  }
  return { kind: "helpers", id: "helpers", label: "Made by helpers", detail: "no route() call of its own" };
}

/** The top level of the Routes view. */
export function routeTree(routes: RouteEntry[], relativePath: (file: string) => string): Array<RouteNode | OriginGroup> {
  const byOrigin = new Map<string, { origin: Origin; routes: RouteEntry[] }>();
  for (const route of routes) {
    const origin = originOf(route, relativePath);
    const entry = byOrigin.get(origin.id) ?? { origin, routes: [] };
    entry.routes.push(route);
    byOrigin.set(origin.id, entry);
  }
  if (routes.length < GROUP_BY_ORIGIN_FROM || byOrigin.size < 2) return pathNodes(routes);
  return [...byOrigin.values()]
    .sort((a, b) => RANKS[a.origin.kind] - RANKS[b.origin.kind] || a.origin.label.localeCompare(b.origin.label))
    .map(({ origin, routes: own }) => ({
      kind: "origin",
      origin: origin.kind,
      id: origin.id,
      label: origin.label,
      detail: origin.detail,
      nodes: pathNodes(own),
    }));
}
