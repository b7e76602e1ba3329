// Which install's http.ts answers a request, following the backend's loop
// (crates/application/src/application_function_runner/http_routing.rs): at each install, an exact
// route of its own http.ts wins; otherwise the longest prefix among its `pathPrefix` routes and its
// children's mounts (`use(c, { httpPrefix })`); a mount descends into the child with the rest of the
// path. The app's own routes may sit under `defineApp({ httpPrefix })`; mounts never move with it.
import type { ComponentNode, ComponentSet } from "./component-set";
import type { ConvexFunction } from "./function-registry";

export interface RoutedRequest {
  node: ComponentNode;
  /** The path that install's router matched (mount and app prefixes stripped). */
  routedPath: string;
  /** What stands before `routedPath` in the site's path ("" for the app without a prefix). */
  sitePrefix: string;
  match: [ConvexFunction, string, string];
}

/** The route for `pathname`, or null when no install's http.ts has one (404 "No matching routes found"). */
export function routeRequest(components: ComponentSet, pathname: string, method: string): RoutedRequest | null {
  let node = components.root;
  let path = pathname;
  let consumed = "";
  for (;;) {
    const own = ownPath(node, path, consumed === "");
    const match = own === null ? null : (node.registry.router?.lookup(own, method) ?? null);
    const sitePrefix = own === null ? consumed : consumed + path.slice(0, path.length - own.length);
    if (match && !isPrefixRoute(match)) return { node, routedPath: own!, sitePrefix, match };
    const prefixLength = match ? match[2].length - 1 : -1;
    const mount = longestMount(node, path);
    if (mount !== null && mount.length > prefixLength) {
      consumed += mount.slice(0, -1);
      path = path.slice(mount.length - 1);
      node = components.node(node.httpMounts[mount]!);
      continue;
    }
    return match ? { node, routedPath: own!, sitePrefix, match } : null;
  }
}

/** The path this install's own http.ts sees: the app's `httpPrefix` stripped; null if it does not apply. */
function ownPath(node: ComponentNode, path: string, isApp: boolean): string | null {
  if (!isApp || node.httpPrefix === null) return path;
  return path.startsWith(node.httpPrefix) ? path.slice(node.httpPrefix.length - 1) : null;
}

/** A `pathPrefix` route: the router reports it as "/prefix/*". */
function isPrefixRoute(match: [ConvexFunction, string, string]): boolean {
  return match[2].endsWith("*");
}

/** The longest child mount (matched on the unstripped path) that `path` is under. */
function longestMount(node: ComponentNode, path: string): string | null {
  let best: string | null = null;
  for (const prefix of Object.keys(node.httpMounts)) {
    if (path.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best;
}
