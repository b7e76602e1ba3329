// The request drilldown: every execution of one request as a call tree (an HTTP action, the
// queries, mutations and actions it ran, and theirs), each with its outcome, duration, error with
// its stack, and log lines. The tree is the response panel's (../response/logs-view.ts), so stack
// frames like `../convex/http.ts:12:3` open the source the same way in both panels.
import type { Ui } from "../components";
import type { RequestDrilldownView } from "../protocol/logs";
import { formatDuration, formatTime } from "../response/format";
import type { OpenSource } from "../response/linked-text";
import { logsView } from "../response/logs-view";
import { runCauseElement } from "./run-cause";

export type DrilldownState =
  | { kind: "loading"; requestId: string }
  | { kind: "error"; requestId: string; message: string }
  | { kind: "ready"; requestId: string; view: RequestDrilldownView };

export interface DrilldownActions {
  close(): void;
  onlyThisRequest(requestId: string): void;
  openSource: OpenSource;
}

export function drilldownView(ui: Ui, state: DrilldownState, actions: DrilldownActions): HTMLElement {
  const summary: string[] = [];
  if (state.kind === "ready") {
    const executions = state.view.executions;
    const first = executions[0];
    if (first) {
      summary.push(`started ${formatTime(first.startedAt)}`);
      const ends = executions.filter((e) => e.durationMs !== null).map((e) => e.startedAt + e.durationMs!);
      if (ends.length > 0) summary.push(`${formatDuration(Math.max(...ends) - first.startedAt)} in all`);
      if (first.status !== null) summary.push(`HTTP ${first.status}`);
      summary.push(`${executions.length} execution${executions.length === 1 ? "" : "s"}`);
    }
  }
  const head = ui.element("div", { className: "drilldown-head" }, [
    ui.element("h2", { id: "drilldown-title", className: "drilldown-title" }, [
      "Request ",
      ui.element("span", { className: "mono", text: state.requestId }),
    ]),
    ui.element("span", { id: "drilldown-summary", className: "muted", text: summary.join(" · ") }),
    // A subscribed query's run: why it ran, the causing request a link (log-panel.ts opens it).
    state.kind === "ready" ? runCauseElement(ui, state.view.executions[0]?.cause ?? null) : null,
    ui.element("span", { className: "drilldown-actions" }, [
      ui.button("Only this request", () => actions.onlyThisRequest(state.requestId), {
        id: "drilldown-filter",
        appearance: "secondary",
        title: "Filter the log to this request",
      }),
      ui.button("Close", actions.close, { id: "drilldown-close", appearance: "secondary", title: "Close the drilldown" }),
    ]),
  ]);
  const body: Node[] = [];
  if (state.kind === "loading") {
    body.push(
      ui.element("div", { className: "loading" }, [
        ui.progressRing({ ariaLabel: "Loading the request" }),
        ui.element("span", { className: "muted", text: "Loading…" }),
      ]),
    );
  } else if (state.kind === "error") {
    body.push(ui.element("div", { id: "drilldown-error", className: "notice-error", attrs: { role: "alert" }, text: state.message }));
  } else {
    if (state.view.executions.length === 0) {
      body.push(
        ui.element("p", {
          className: "muted",
          text: "The log no longer holds this request (pruned by the retention setting, or stored before the log file was reset).",
        }),
      );
    } else {
      body.push(logsView(ui, state.view.executions, actions.openSource));
    }
    if (state.view.truncated)
      body.push(
        ui.element("p", {
          className: "muted",
          text: "This request logged more than the drilldown shows; the oldest executions and lines are shown.",
        }),
      );
  }
  return ui.element(
    "aside",
    {
      id: "drilldown",
      className: "drilldown",
      attrs: { "aria-label": `Request ${state.requestId}`, "data-request-id": state.requestId, "data-state": state.kind },
    },
    [head, ...body],
  );
}
