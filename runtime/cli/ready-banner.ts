// What `serve` prints once it listens: both URLs, the routes, and curl lines ready to paste.
import { readFileSync } from "node:fs";
import type { Serving } from "../serve";
import type { RouteInfo } from "../shared/protocol";
import { findFunctionsDir, findHttpFile } from "../loader/functions-dir";
import { findRouteSources } from "../routes/route-source";

/** JSON fields each route's handler reads from `await request.json()`, by "METHOD path". */
function jsonFieldsByRoute(projectDir: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const dirs = findFunctionsDir(projectDir);
  const httpFile = dirs.ok ? findHttpFile(dirs.functionsDir) : null;
  if (!httpFile) return fields;
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  };
  for (const route of findRouteSources(httpFile, read).routes) {
    if (route.jsonFields) fields.set(`${route.method} ${route.path}`, route.jsonFields);
  }
  return fields;
}

function samplePath(route: RouteInfo): string {
  return route.kind === "prefix" ? route.path.replace(/\*$/, "example") : route.path;
}

export function curlLine(siteUrl: string, route: RouteInfo, jsonFields: string[] | null = null): string {
  const url = `'${siteUrl}${samplePath(route)}'`;
  switch (route.method) {
    case "GET":
      return `curl -i ${url}`;
    case "OPTIONS":
      return `curl -i -X OPTIONS -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type' ${url}`;
    case "POST":
    case "PUT":
    case "PATCH":
      return `curl -i -X ${route.method} -H 'content-type: application/json' -d '${bodyTemplate(jsonFields)}' ${url}`;
    default:
      return `curl -i -X ${route.method} ${url}`;
  }
}

/** A JSON body with the fields the handler reads (shell-safe: field names with quotes are dropped). */
function bodyTemplate(fields: string[] | null): string {
  const safe = (fields ?? []).filter((field) => !/['\\"]/.test(field));
  return JSON.stringify(Object.fromEntries(safe.map((field) => [field, ""])));
}

export function describeReady(serving: Serving, projectDir: string): string {
  const { runtime, site, api } = serving;
  const lines = [
    `Convex Lens is serving ${projectDir}`,
    `  HTTP actions (site):  ${site.url}`,
    `  Convex API (cloud):   ${api.url}`,
    `  Data folder:          ${runtime.dataDir}`,
  ];
  const project = runtime.project;
  if (!project) {
    lines.push("", "The project is not loaded (see the errors above); fix them and save: it reloads by itself.");
    return lines.join("\n");
  }
  if (!project.hasHttp) {
    lines.push("", "This project has no convex/http.ts: every request gets 404, as on Convex.");
    return lines.join("\n");
  }
  lines.push("", "Routes:");
  for (const route of project.routes) lines.push(`  ${route.method.padEnd(7)} ${route.path}`);
  lines.push("", "Try:");
  const fields = jsonFieldsByRoute(projectDir);
  for (const route of project.routes.slice(0, 6)) lines.push(`  ${curlLine(site.url, route, fields.get(`${route.method} ${route.path}`) ?? null)}`);
  lines.push("", "Watching for changes. Ctrl+C stops and saves.");
  return lines.join("\n");
}
