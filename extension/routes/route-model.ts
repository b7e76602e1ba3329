// One route model for the CodeLens, the tree and the request builder: the router's real route
// list (from the runtime) joined to the source positions found by parsing. Pure, no vscode.
import type { SourceRoute } from "../../runtime";

export interface RuntimeRoute {
  method: string;
  path: string;
  kind: "exact" | "prefix";
  /** A mounted component's route: its install, and its path inside that install's router. */
  component?: string;
  localPath?: string;
  /** The npm package whose helper added it (`registerRoutes(http)`). */
  addedBy?: string;
}

export interface RouteEntry {
  method: string;
  path: string;
  kind: "exact" | "prefix";
  /** Where it is declared, when a literal `route({...})` call explains it. */
  source: SourceRoute | null;
  /** Whether the running router has it (false while the runtime is unknown or stale). */
  live: boolean;
  /** The component install serving it, for a route of a mounted component's http.ts. */
  component?: string | null;
  /** The npm package whose helper added it, e.g. "@convex-dev/twilio". */
  addedBy?: string | null;
}

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/**
 * With a runtime route list, it is the truth (helper-made routes included) and sources only add
 * positions. Without one (untrusted workspace, no build yet) the parsed routes are shown.
 * `componentSources` are the parsed http.ts of mounted local components, by install; their paths
 * are the components' own (without the mount prefix).
 */
export function joinRoutes(
  runtimeRoutes: RuntimeRoute[] | null,
  sources: SourceRoute[],
  componentSources: ReadonlyMap<string, SourceRoute[]> = new Map(),
): RouteEntry[] {
  const byKey = new Map<string, SourceRoute>();
  for (const source of sources) if (!byKey.has(routeKey(source))) byKey.set(routeKey(source), source);
  if (runtimeRoutes === null) {
    return [...byKey.values()].map((source) => ({
      method: source.method,
      path: source.path,
      kind: source.kind,
      source,
      live: false,
      component: null,
      addedBy: null,
    }));
  }
  return runtimeRoutes.map((route) => {
    const component = route.component ?? null;
    let source: SourceRoute | null;
    if (component === null) source = byKey.get(routeKey(route)) ?? null;
    else {
      const local = componentSources.get(component)?.find((s) => s.method === route.method && s.path === route.localPath);
      // The lens sends to the site path, which carries the mount prefix.
      source = local ? { ...local, path: route.path } : null;
    }
    return { method: route.method, path: route.path, kind: route.kind, source, live: true, component, addedBy: route.addedBy ?? null };
  });
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
