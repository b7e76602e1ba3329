// What `serve` prints once it listens: both URLs, the routes, and curl lines ready to paste.
import type { Serving } from "../serve";
import type { RouteInfo } from "../shared/protocol";

function samplePath(route: RouteInfo): string {
  return route.kind === "prefix" ? route.path.replace(/\*$/, "example") : route.path;
}

export function curlLine(siteUrl: string, route: RouteInfo): string {
  const url = `'${siteUrl}${samplePath(route)}'`;
  switch (route.method) {
    case "GET":
      return `curl -i ${url}`;
    case "OPTIONS":
      return `curl -i -X OPTIONS -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type' ${url}`;
    case "POST":
    case "PUT":
    case "PATCH":
      return `curl -i -X ${route.method} -H 'content-type: application/json' -d '{}' ${url}`;
    default:
      return `curl -i -X ${route.method} ${url}`;
  }
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
  for (const route of project.routes.slice(0, 6)) lines.push(`  ${curlLine(site.url, route)}`);
  lines.push("", "Watching for changes. Ctrl+C stops and saves.");
  return lines.join("\n");
}
