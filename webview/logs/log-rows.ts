// The log table's rows, in the spirit of the Convex dashboard's logs page: time, request id
// (short), kind badge, function or `METHOD /route`, outcome, duration, message.
//
// Row model: one row per log line (its level in the outcome column), and one row per finished
// execution at the time it ended (HTTP status for HTTP actions, else success/failure; its
// duration; the first line of its error as the message, the whole error in the tooltip and the
// drilldown, so a failure is one line like any other row). A subscribed query's rows start their
// message with why it ran (run-cause.ts). Every text goes in through textContent.
import type { Ui } from "../components";
import type { LogRowView, UdfTypeName } from "../protocol/logs";
import { formatDuration, formatTime, statusClass } from "../response/format";
import { rowKey } from "./row-window";
import { runCauseElement, shortRequestId } from "./run-cause";

export const KIND_BADGES: Record<UdfTypeName, { letter: string; name: string }> = {
  query: { letter: "Q", name: "Query" },
  mutation: { letter: "M", name: "Mutation" },
  action: { letter: "A", name: "Action" },
  httpAction: { letter: "H", name: "HTTP action" },
};

/** The table's columns: `name` is the class of the column's <col>, header and cells. */
export const COLUMNS = [
  { name: "time", title: "Time" },
  { name: "request", title: "Request" },
  { name: "kind", title: "" },
  { name: "function", title: "Function" },
  { name: "outcome", title: "Outcome" },
  { name: "duration", title: "Duration" },
  { name: "message", title: "Message" },
] as const;

export function outcomeText(row: LogRowView): string {
  if (row.kind === "line") return row.level.toLowerCase();
  return row.status !== null ? String(row.status) : row.outcome;
}

function outcomeClass(row: LogRowView): string {
  if (row.kind === "line") return `level-${row.level.toLowerCase()}`;
  return row.status !== null ? statusClass(row.status) : `outcome-${row.outcome}`;
}

function messageText(row: LogRowView): string {
  if (row.kind === "line") return row.truncated ? `${row.message} (truncated)` : row.message;
  if (row.error === null) return row.outcome === "success" ? "completed" : "failed";
  return firstLine(row.error);
}

/** An error's first non-empty line (its message; the stack follows on the next lines). */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? text
  );
}

export function rowElement(ui: Ui, row: LogRowView): HTMLTableRowElement {
  const kind = KIND_BADGES[row.udfType] ?? { letter: "?", name: row.udfType };
  const className =
    row.kind === "line" ? `log-row row-line level-${row.level.toLowerCase()}` : `log-row row-execution outcome-${row.outcome}`;
  const cause = runCauseElement(ui, row.cause ?? null);
  const message = ui.element(
    "td",
    {
      className: `col-message${row.kind === "execution" && row.error === null ? " muted" : ""}`,
      title: row.kind === "execution" && row.error !== null ? row.error : undefined,
    },
    cause === null ? [messageText(row)] : [cause, " ", messageText(row)],
  );
  return ui.element(
    "tr",
    { className, attrs: { "data-key": rowKey(row), "data-request-id": row.requestId, "data-kind": row.kind, tabindex: "0" } },
    [
      ui.element("td", { className: "col-time mono", text: formatTime(row.time), title: new Date(row.time).toLocaleString() }),
      ui.element("td", { className: "col-request mono", text: shortRequestId(row.requestId), title: row.requestId }),
      ui.element("td", { className: "col-kind" }, [ui.badge(kind.letter, { title: kind.name, className: `kind kind-${row.udfType}` })]),
      ui.element("td", { className: "col-function mono", text: row.identifier, title: row.identifier }),
      ui.element("td", { className: `col-outcome ${outcomeClass(row)}`, text: outcomeText(row) }),
      ui.element("td", { className: "col-duration muted", text: row.kind === "execution" ? formatDuration(row.durationMs) : "" }),
      message,
    ],
  );
}
