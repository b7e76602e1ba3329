// "Convex Lens: CORS doctor" on a route: asks for the page's origin (remembered, default
// http://localhost:5173), sends the real preflight and request to the local runtime with the
// route's saved request (its headers, body, and act-as identity), and shows the report.
import * as vscode from "vscode";
import type { EditableRequest } from "../../webview/protocol/response";
import { withActAs } from "../requests/act-as";
import { RequestError, requestHeaders, requestUrl } from "../requests/request-builder";
import { routeKey, type RouteEntry } from "../routes/route-model";
import type { RuntimeSession } from "../runtime-session";
import type { ReportPanels } from "../panels/report-panel";
import { writeMarker } from "../e2e-markers";
import { CorsDoctorError, DEFAULT_ORIGIN, normalizeOrigin, runCorsDoctor } from "./cors-doctor";
import { corsReportMarkdown } from "./cors-report";

const ORIGIN_KEY = "convexLens.corsOrigin";

export interface CorsDoctorDeps {
  session: RuntimeSession;
  memento: vscode.Memento;
  reports: ReportPanels;
}

/** A route from a quick pick, for the command run from the palette. */
export async function pickRoute(routes: readonly RouteEntry[], title: string): Promise<RouteEntry | undefined> {
  if (routes.length === 0) {
    void vscode.window.showInformationMessage("Convex Lens knows no routes yet: is there a convex/http.ts?");
    return undefined;
  }
  const choice = await vscode.window.showQuickPick(
    routes.map((route) => ({
      label: routeKey(route),
      description: route.source ? vscode.workspace.asRelativePath(route.source.file) : "made by a helper",
      route,
    })),
    { title, placeHolder: "Pick a route" },
  );
  return choice?.route;
}

export async function corsDoctorForRoute(
  deps: CorsDoctorDeps,
  route: RouteEntry,
  request: EditableRequest,
  siteUrl: string,
): Promise<void> {
  const key = routeKey(route);
  const typed = await vscode.window.showInputBox({
    title: `CORS doctor: ${key}`,
    prompt: "The origin of the web page that calls this route",
    value: deps.memento.get<string>(ORIGIN_KEY) ?? DEFAULT_ORIGIN,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        normalizeOrigin(value);
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (typed === undefined) return;
  try {
    const origin = normalizeOrigin(typed);
    await deps.memento.update(ORIGIN_KEY, origin);
    const sent = await withActAs(request, deps.session.serving?.devIssuer ?? null, { local: true, label: "the local Convex Lens runtime" });
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Convex Lens: CORS doctor on ${key}…` },
      () =>
        runCorsDoctor({
          url: requestUrl(siteUrl, sent),
          method: route.method,
          headers: requestHeaders(sent),
          body: sent.body,
          origin,
        }),
    );
    writeMarker("cors-report", {
      route: key,
      origin: report.origin,
      blocked: report.blocked,
      summary: report.summary,
      preflightStatus: report.preflight.exchange?.status ?? null,
      status: report.actual.status,
      errors: [...(report.preflight.exchange?.checks ?? []), ...report.actual.checks]
        .filter((c) => c.outcome === "error")
        .map((c) => c.header),
    });
    await deps.reports.show(`cors:${key}`, `CORS doctor: ${key}`, corsReportMarkdown(report, key));
  } catch (error) {
    if (error instanceof RequestError || error instanceof CorsDoctorError)
      void vscode.window.showErrorMessage(`CORS doctor: ${error.message}`);
    else throw error;
  }
}
