// One route model for the CodeLens, the tree and the request builder: the router's real route
// list (from the runtime) joined to the source positions found by parsing. Pure, no vscode.
import type { SourceRoute } from "../../runtime/routes/route-source";

export interface RuntimeRoute {
  method: string;
  path: string;
  kind: "exact" | "prefix";
}

export interface RouteEntry {
  method: string;
  path: string;
  kind: "exact" | "prefix";
  /** Where it is declared, when a literal `route({...})` call explains it. */
  source: SourceRoute | null;
  /** Whether the running router has it (false while the runtime is unknown or stale). */
  live: boolean;
}

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/**
 * With a runtime route list, it is the truth (helper-made routes included) and sources only add
 * positions. Without one (untrusted workspace, no build yet) the parsed routes are shown.
 */
export function joinRoutes(runtimeRoutes: RuntimeRoute[] | null, sources: SourceRoute[]): RouteEntry[] {
  const byKey = new Map<string, SourceRoute>();
  for (const source of sources) if (!byKey.has(routeKey(source))) byKey.set(routeKey(source), source);
  if (runtimeRoutes === null) {
    return [...byKey.values()].map((source) => ({ method: source.method, path: source.path, kind: source.kind, source, live: false }));
  }
  return runtimeRoutes.map((route) => ({ ...route, source: byKey.get(routeKey(route)) ?? null, live: true }));
}

/** Routes grouped by path for the tree, paths sorted, methods in a stable conventional order. */
export function groupByPath(routes: RouteEntry[]): Array<{ path: string; routes: RouteEntry[] }> {
  const order = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
  const groups = new Map<string, RouteEntry[]>();
  for (const route of routes) groups.set(route.path, [...(groups.get(route.path) ?? []), route]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, list]) => ({ path, routes: list.sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method)) }));
}
