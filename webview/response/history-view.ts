// The response panel's history: the last sends (of every route, newest first), each with its
// status or error, time and target. Open shows a send again (its response when the host kept
// it); Send again repeats its request.
import type { Ui } from "../components";
import type { HistoryEntryView } from "../protocol/response";
import { formatDuration, formatTime, statusClass } from "./format";

export interface HistoryActions {
  open(entryId: string): void;
  resend(entryId: string): void;
}

export function historyToggle(ui: Ui, count: number, open: boolean, onToggle: () => void): HTMLElement {
  const button = ui.button(`History (${count})`, onToggle, {
    id: "history-toggle",
    appearance: "secondary",
    title: open ? "Hide the last sends" : "Show the last sends: open one again or send it again",
  });
  button.setAttribute("aria-expanded", String(open));
  return button;
}

export function historyView(ui: Ui, entries: HistoryEntryView[], shownId: string | null, actions: HistoryActions): HTMLElement {
  const view = ui.element("section", { id: "history", className: "history-view", attrs: { "aria-label": "History" } });
  if (entries.length === 0) {
    view.appendChild(ui.element("p", { className: "muted", text: "No sends yet." }));
    return view;
  }
  const list = ui.element("ol", { id: "history-entries", className: "history-entries" });
  for (const entry of entries) {
    const outcome =
      entry.status !== null
        ? ui.element("span", { className: `history-status status ${statusClass(entry.status)}`, text: String(entry.status) })
        : ui.element("span", { className: "history-status status status-other", text: "failed", title: entry.error ?? undefined });
    list.appendChild(
      ui.element(
        "li",
        {
          className: entry.id === shownId ? "history-entry shown" : "history-entry",
          attrs: { "data-entry-id": entry.id },
          title: entry.error ?? undefined,
        },
        [
          ui.element("span", { className: "history-time muted", text: formatTime(entry.at) }),
          ui.element("span", { className: "history-request mono" }, [
            ui.element("span", { className: "request-method", text: entry.method }),
            ` ${entry.path}`,
          ]),
          outcome,
          ui.element("span", { className: "history-duration muted", text: formatDuration(entry.durationMs) }),
          ui.element("span", { className: "history-target muted", text: entry.target }),
          ui.linkButton("Open", () => actions.open(entry.id), {
            className: "history-open",
            title: entry.hasResponse
              ? "Show this send's request and response"
              : "Show this send's request (its response is no longer kept)",
          }),
          ui.linkButton("Send again", () => actions.resend(entry.id), { className: "history-resend", title: "Send this request again" }),
        ],
      ),
    );
  }
  view.appendChild(list);
  return view;
}
