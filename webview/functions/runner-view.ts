// The runner: the selected function's arguments (JSON) and an optional Authorization token, the
// Run button, and the outcome of the last run: its value or its error as Convex shows it, how long
// it took, and the log lines of everything it called.
import { setDisabled, setHidden, type Ui } from "../components";
import type { ActAsIdentity } from "../protocol/core";
import type { FunctionEntryView, RunResultView } from "../protocol/functions";
import { callerFields } from "../auth/caller-fields";
import { linkedText, type OpenSource } from "../response/linked-text";
import { logsView } from "../response/logs-view";
import { formatMs, KIND_LETTERS } from "./format";
import { qualifiedName } from "./installs";

export interface RunnerHandlers {
  onArgs(text: string): void;
  onAuthorization(text: string): void;
  run(): void;
  /** "Act as a user": the identity shown, and its edits (the panel signs a dev token on Run). */
  actAs: { identity: ActAsIdentity; onChange(identity: ActAsIdentity): void };
}

export interface RunnerView {
  element: HTMLElement;
  /** While a run is under way: the button is disabled and a ring spins. */
  setRunning(running: boolean): void;
  /** A message above the result (invalid JSON, a failed host call), or null to hide it. */
  setError(message: string | null): void;
  /** Shows a result right under the Run button (replacing the previous one). */
  showResult(result: RunResultView | null): void;
  /** Scrolls the runner's head into view (a function was just picked in the list). */
  revealRunner(): void;
  /** Scrolls what the last run left (its result, else its error) into view. */
  revealOutcome(): void;
}

/** The least scrolling that shows `node` (the panel's page, or the sticky runner pane). */
function scrollIntoView(node: Element | null): void {
  node?.scrollIntoView({ block: "nearest", inline: "nearest" });
}

export function runnerView(
  ui: Ui,
  entry: FunctionEntryView | null,
  /** The selected function's name as shown (`counter/public:add`), null when none is selected. */
  selected: string | null,
  draft: string,
  authorization: string,
  canRun: boolean,
  handlers: RunnerHandlers,
  openSource: OpenSource,
): RunnerView {
  const view = ui.element("div", { id: "runner", className: "runner" });
  const error = ui.element("div", { id: "run-error", className: "notice-error", attrs: { role: "alert" } });
  setHidden(error, true);
  const resultSlot = ui.element("div", { id: "run-result-slot" });
  const noop: RunnerView = {
    element: view,
    setRunning: () => {},
    setError: () => {},
    showResult: () => {},
    revealRunner: () => scrollIntoView(view),
    revealOutcome: () => {},
  };

  if (!entry) {
    const text = selected === null ? "Select a function to run it." : `${selected} is no longer in the project.`;
    view.appendChild(ui.element("p", { id: "runner-empty", className: "muted", text }));
    return noop;
  }

  const kind = KIND_LETTERS[entry.udfType]!;
  const shownName = qualifiedName(entry.component, entry.name);
  const head = view.appendChild(
    ui.element("div", { className: "runner-head" }, [
      ui.badge(kind.letter, { title: kind.name, className: `kind kind-${entry.udfType}` }),
      ui.element("span", { id: "selected-function", className: "mono", text: shownName }),
      ui.element("span", {
        className: "muted",
        text: `${entry.visibility} ${kind.name}${entry.component === "" ? "" : ` of component ${entry.component}`}`,
      }),
    ]),
  );
  view.appendChild(
    ui.element("div", { className: "runner-validator" }, [
      ui.element("span", { className: "muted", text: "Arguments: " }),
      ui.element("code", { id: "args-validator", text: entry.args ?? "any" }),
    ]),
  );
  const args = ui.textArea({
    id: "args",
    value: draft,
    label: "Arguments (JSON object)",
    rows: 6,
    placeholder: "{}",
    onInput: handlers.onArgs,
  });
  const caller = callerFields(ui, {
    authorization: { kind: "token", value: authorization, onChange: handlers.onAuthorization },
    actAs: handlers.actAs,
    idPrefix: "run-act-as",
  });
  const progress = ui.progressRing({ id: "run-progress", ariaLabel: "Running" });
  setHidden(progress, true);
  const run = ui.button("Run", handlers.run, { id: "run", appearance: "primary", title: `Run ${shownName}` });
  setDisabled(run, !canRun);
  view.append(args, ...caller, ui.element("div", { className: "runner-actions" }, [run, progress]), error, resultSlot);

  return {
    element: view,
    setRunning(running) {
      setDisabled(run, running || !canRun);
      setHidden(progress, !running);
    },
    setError(message) {
      error.textContent = message ?? "";
      setHidden(error, message === null);
    },
    showResult(result) {
      const mine = result !== null && result.component === entry.component && result.name === entry.name;
      resultSlot.replaceChildren(...(mine ? [resultView(ui, result, openSource)] : []));
    },
    revealRunner() {
      scrollIntoView(head);
    },
    revealOutcome() {
      scrollIntoView(error.hidden ? resultSlot.firstElementChild : error);
    },
  };
}

export function resultView(ui: Ui, result: RunResultView, openSource: OpenSource): HTMLElement {
  const ok = result.outcome === "success";
  const view = ui.element(
    "div",
    { id: "run-result", className: `run-result outcome-${result.outcome}`, attrs: { "data-request-id": result.requestId } },
    [
      ui.element("div", { className: "result-head" }, [
        ui.element("span", { id: "result-outcome", className: `result-outcome ${ok ? "ok" : "failed"}`, text: ok ? "Success" : "Failure" }),
        ui.element("span", {
          id: "result-duration",
          className: "muted",
          title: "Execution time as recorded",
          text: formatMs(result.durationMs),
        }),
        ui.element("span", { className: "muted mono", title: "Request id", text: result.requestId }),
      ]),
    ],
  );
  if (ok) {
    view.appendChild(ui.element("pre", { id: "result", className: "result-value", text: result.result ?? "null" }));
  } else {
    const error = ui.element("pre", { id: "result-error", className: "result-error" });
    error.appendChild(linkedText(ui, result.error ?? "The function failed.", openSource));
    view.appendChild(error);
    if (result.errorData !== null) {
      view.append(
        ui.element("h4", { className: "section-title", text: "Error data" }),
        ui.element("pre", { id: "result-error-data", text: result.errorData }),
      );
    }
  }
  view.append(ui.element("h4", { className: "section-title", text: "Logs" }), logsView(ui, result.executions, openSource));
  return view;
}
