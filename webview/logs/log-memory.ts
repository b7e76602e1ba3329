// What the log panel keeps with setState, so that it comes back as it was when the view is shown
// again (the webview is rebuilt each time): the filters, the clear floor, pause, the open
// drilldown. The rows are asked for again.
import type { LogCursorView, LogFilterView } from "../protocol/logs";
import { isLogCursor, isLogFilter, KINDS, LEVELS } from "./log-guards";

export interface LogsMemory {
  version: 1;
  filter: LogFilterView;
  /** Rows up to here are hidden ("Clear"); null shows everything stored. */
  floor: LogCursorView | null;
  /** When the user cleared, for the notice. */
  clearedAt: number | null;
  paused: boolean;
  /** The request whose drilldown is open. */
  drilldown: string | null;
}

export function defaultFilter(): LogFilterView {
  return { levels: [...LEVELS], kinds: [...KINDS], identifier: "", text: "", requestId: "" };
}

export function defaultMemory(): LogsMemory {
  return { version: 1, filter: defaultFilter(), floor: null, clearedAt: null, paused: false, drilldown: null };
}

export function isLogsMemory(value: unknown): value is LogsMemory {
  if (typeof value !== "object" || value === null) return false;
  const memory = value as Record<string, unknown>;
  return (
    memory.version === 1 &&
    isLogFilter(memory.filter) &&
    (memory.floor === null || isLogCursor(memory.floor)) &&
    (memory.clearedAt === null || typeof memory.clearedAt === "number") &&
    typeof memory.paused === "boolean" &&
    (memory.drilldown === null || typeof memory.drilldown === "string")
  );
}
