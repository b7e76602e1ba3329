// What `serve` prints once it listens: both URLs, the cron jobs with their next run, the routes,
// and curl lines ready to paste.
import { readFileSync } from "node:fs";
import type { Serving } from "../serve";
import type { CronJobSnapshot } from "../scheduler/cron-service";
import { describeSchedule } from "../scheduler/cron-schedule";
import type { RouteInfo } from "../shared/protocol";
import { findFunctionsDir, findHttpFile } from "../loader/functions-dir";
import { findRouteSources, queryTemplate } from "../routes/route-source";

/** What a curl line fills in for a route: the JSON fields and the query parameters its handler reads. */
interface RouteHints {
  jsonFields: string[] | null;
  /** A query string (no `?`), URL-encoded, so shell-safe inside single quotes. */
  query: string;
}

/** The hints for each route whose handler is found in source, by "METHOD path". */
function hintsByRoute(projectDir: string): Map<string, RouteHints> {
  const hints = new Map<string, RouteHints>();
  const dirs = findFunctionsDir(projectDir);
  const httpFile = dirs.ok ? findHttpFile(dirs.functionsDir) : null;
  if (!httpFile) return hints;
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  };
  for (const route of findRouteSources(httpFile, read).routes) {
    // The same query the extension's request templates fill in.
    hints.set(`${route.method} ${route.path}`, { jsonFields: route.jsonFields, query: queryTemplate(route.reads) });
  }
  return hints;
}

function samplePath(route: RouteInfo): string {
  return route.kind === "prefix" ? route.path.replace(/\*$/, "example") : route.path;
}

export function curlLine(siteUrl: string, route: RouteInfo, jsonFields: string[] | null = null, query = ""): string {
  const url = `'${siteUrl}${samplePath(route)}${query ? `?${query}` : ""}'`;
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

/** `2026-01-02 03:04:05 UTC`: cron schedules are in UTC, so their times are too. */
function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** One line per cron job: its name (after its component's path), schedule in words, next run. */
export function cronLines(jobs: readonly CronJobSnapshot[], now = Date.now()): string[] {
  if (jobs.length === 0) return [];
  const names = jobs.map(({ job }) => (job.component === "" ? job.name : `${job.component} / ${job.name}`));
  const schedules = jobs.map(({ job }) => describeSchedule(job.cronSpec.cronSchedule));
  const nameWidth = Math.max(...names.map((name) => name.length));
  const scheduleWidth = Math.max(...schedules.map((schedule) => schedule.length));
  return [
    "Cron jobs:",
    ...jobs.map(({ job, running }, i) => {
      // An interval job's first run is its creation: it is under way as the banner prints.
      const next = running || job.nextTs <= now ? "running now" : `next run ${utcTime(job.nextTs)}`;
      return `  ${names[i]!.padEnd(nameWidth)}  ${schedules[i]!.padEnd(scheduleWidth)}  ${next}`;
    }),
  ];
}

export function describeReady(serving: Serving, projectDir: string): string {
  const { runtime, site, api } = serving;
  const lines = [
    `Convex Lens is serving ${projectDir}`,
    `  HTTP actions (site):  ${site.url}`,
    `  Convex API (cloud):   ${api.url}`,
    `  Data folder:          ${runtime.dataDir}`,
  ];
  if (serving.inspector) {
    lines.push(
      `  Debugger:             ${serving.inspector.webSocketUrl}`,
      `    VS Code: attach (type "node") to port ${serving.inspector.port}; Chrome: ${serving.inspector.devtoolsUrl}`,
    );
  }
  const project = runtime.project;
  if (!project) {
    lines.push("", "The project is not loaded (see the errors above); fix them and save: it reloads by itself.");
    return lines.join("\n");
  }
  const crons = cronLines(serving.crons.list());
  if (crons.length > 0) lines.push("", ...crons);
  if (!project.hasHttp) {
    lines.push("", "This project has no convex/http.ts: every request gets 404, as on Convex.");
    return lines.join("\n");
  }
  if (project.routes.length === 0) {
    lines.push("", "Routes: none yet (add them with http.route(...) in convex/http.ts).");
  } else {
    lines.push("", "Routes:");
    for (const route of project.routes) lines.push(`  ${route.method.padEnd(7)} ${route.path}`);
    lines.push("", "Try:");
    const hints = hintsByRoute(projectDir);
    for (const route of project.routes.slice(0, 6)) {
      const hint = hints.get(`${route.method} ${route.path}`);
      lines.push(`  ${curlLine(site.url, route, hint?.jsonFields ?? null, hint?.query ?? "")}`);
    }
  }
  lines.push("", "Watching for changes. Ctrl+C stops and saves.");
  return lines.join("\n");
}
