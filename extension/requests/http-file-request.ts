// A request of a `.http` file → what the response panel sends: the route it reaches and the
// request as the panel edits it. `{{site}}` is the current target's URL, whatever the file's
// `@site` says, so one file works against every target; an absolute URL keeps only its path and
// query for the same reason. Pure, no vscode.
import type { EditableRequest } from "../../webview/protocol/response";
import { variablesFor, type HttpRequestEntry, type ParsedHttpFile } from "../../runtime";
import { resolveVariables, type VariableSources } from "../../runtime";
import type { RouteEntry } from "../routes/route-model";

export interface HttpFileSend {
  route: RouteEntry;
  request: EditableRequest;
}

/**
 * The route a method and path reach, as the router looks it up: an exact path first, then the
 * longest prefix. A route nobody declared (or HEAD, which the runtime answers with the GET route)
 * is made up with `live: false`, so the request is still sent and gets the runtime's own answer.
 */
export function matchRoute(routes: RouteEntry[], method: string, pathname: string): RouteEntry {
  const exact = routes.find((route) => route.kind === "exact" && route.method === method && route.path === pathname);
  if (exact) return exact;
  const prefix = routes
    .filter((route) => route.kind === "prefix" && route.method === method && pathname.startsWith(route.path.slice(0, -1)))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return prefix ?? { method, path: pathname, kind: "exact", source: null, live: false };
}

export function httpFileSend(
  file: ParsedHttpFile,
  entry: HttpRequestEntry,
  options: { siteUrl: string; routes: RouteEntry[]; sources?: Omit<VariableSources, "file"> },
): HttpFileSend {
  const sources: VariableSources = {
    ...options.sources,
    overrides: { ...(options.sources?.overrides as Record<string, string> | undefined), site: options.siteUrl },
    file: variablesFor(file, entry),
  };
  const written = resolveVariables(entry.url, sources);
  const url = new URL(written, options.siteUrl.endsWith("/") ? options.siteUrl : `${options.siteUrl}/`);
  const pathname = url.pathname;
  const route = matchRoute(options.routes, entry.method, pathname);
  const pathRest = route.kind === "prefix" ? pathname.slice(route.path.length - 1) : "";
  return {
    route,
    request: {
      method: route.method,
      routePath: route.path,
      pathRest,
      query: url.search.replace(/^\?/, ""),
      headers: entry.headers.map(({ name, value }) => ({ name, value: resolveVariables(value, sources) })),
      body: resolveVariables(entry.body, sources),
    },
  };
}
