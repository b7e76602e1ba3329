// The Logs tab: every function execution the request caused, as a call tree, each with its
// outcome and its log lines. Frames in errors and log lines open the source.
import type { Ui } from "../components";
import type { ExecutionView } from "../protocol/core";
import { formatDuration, formatTime } from "./format";
import { linkedText, type OpenSource } from "./linked-text";

const KINDS: Record<ExecutionView["udfType"], { letter: string; name: string }> = {
  query: { letter: "Q", name: "query" },
  mutation: { letter: "M", name: "mutation" },
  action: { letter: "A", name: "action" },
  httpAction: { letter: "H", name: "HTTP action" },
};

export function logsView(ui: Ui, executions: ExecutionView[], openSource: OpenSource): HTMLElement {
  const view = ui.element("div", { id: "logs", className: "logs-view" });
  const tree = ui.element("ul", { id: "executions", className: "execution-tree", attrs: { "aria-label": "Function executions" } });
  view.appendChild(tree);
  if (executions.length === 0) {
    view.appendChild(ui.element("p", { className: "muted", text: "No Convex function ran for this request." }));
    return view;
  }

  // Children by parent, in the order the host listed them. A parent that is missing (pruned by
  // retention) or a cycle makes the execution a root rather than hiding it.
  const ids = new Set(executions.map((execution) => execution.id));
  const children = new Map<string, ExecutionView[]>();
  const roots: ExecutionView[] = [];
  for (const execution of executions) {
    const parent = execution.parentId;
    if (parent === null || parent === execution.id || !ids.has(parent)) roots.push(execution);
    else children.set(parent, [...(children.get(parent) ?? []), execution]);
  }

  const shown = new Set<string>();
  const node = (execution: ExecutionView): HTMLElement => {
    shown.add(execution.id);
    const item = executionItem(ui, execution, openSource);
    const kids = (children.get(execution.id) ?? []).filter((child) => !shown.has(child.id));
    if (kids.length > 0) item.appendChild(ui.element("ul", { className: "execution-children" }, kids.map(node)));
    return item;
  };
  for (const root of roots) tree.appendChild(node(root));
  for (const execution of executions) if (!shown.has(execution.id)) tree.appendChild(node(execution));
  return view;
}

function executionItem(ui: Ui, execution: ExecutionView, openSource: OpenSource): HTMLElement {
  const kind = KINDS[execution.udfType] ?? { letter: "?", name: execution.udfType };
  const head = ui.element("div", { className: "execution-head" }, [
    ui.badge(kind.letter, { title: kind.name, className: `kind kind-${execution.udfType}` }),
    ui.element("span", { className: "execution-identifier mono", text: execution.identifier }),
    ui.element("span", { className: "execution-outcome", text: execution.outcome }),
    execution.durationMs !== null &&
      ui.element("span", { className: "execution-duration muted", text: formatDuration(execution.durationMs) }),
    execution.status !== null && ui.element("span", { className: "execution-status", text: String(execution.status) }),
  ]);
  const item = ui.element(
    "li",
    {
      className: `execution outcome-${execution.outcome}`,
      attrs: { "data-execution-id": execution.id, "data-kind": execution.udfType },
    },
    [head],
  );
  if (execution.error) {
    const error = ui.element("pre", { className: "execution-error" });
    error.appendChild(linkedText(ui, execution.error, openSource));
    item.appendChild(error);
  }
  if (execution.lines.length > 0) {
    const lines = ui.element("ul", { className: "log-lines" });
    for (const line of execution.lines) {
      const message = ui.element("span", { className: "log-message" });
      message.appendChild(linkedText(ui, line.message, openSource));
      lines.appendChild(
        ui.element("li", { className: `log-line level-${line.level.toLowerCase()}`, attrs: { "data-level": line.level } }, [
          ui.element("span", { className: "log-time muted", text: formatTime(line.timestamp) }),
          ui.element("span", { className: "log-level", text: line.level }),
          message,
        ]),
      );
    }
    item.appendChild(lines);
  }
  return item;
}
