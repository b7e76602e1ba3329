// What the functions panel keeps with setState so it comes back as it was after being hidden: the
// host's last state, the open tab, the selected function, the arguments typed for each function,
// the last result and the open table. Never the Authorization token.
import type { FunctionsPanelState, RunResultView } from "../protocol";
import { isFunctionsPanelState, isRunResult } from "./replies";

export const TAB_IDS = ["functions", "data", "files"] as const;
export type TabId = (typeof TAB_IDS)[number];

export interface FunctionsMemory {
  version: 1;
  state: FunctionsPanelState | null;
  tab: TabId;
  filter: string;
  selected: string | null;
  /** Argument text by function name. */
  drafts: Record<string, string>;
  result: RunResultView | null;
  table: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function isTabId(value: unknown): value is TabId {
  return (TAB_IDS as readonly unknown[]).includes(value);
}

export function isFunctionsMemory(value: unknown): value is FunctionsMemory {
  return (
    isObject(value) &&
    value.version === 1 &&
    (value.state === null || isFunctionsPanelState(value.state)) &&
    isTabId(value.tab) &&
    typeof value.filter === "string" &&
    (value.selected === null || typeof value.selected === "string") &&
    isObject(value.drafts) &&
    Object.values(value.drafts).every((draft) => typeof draft === "string") &&
    (value.result === null || isRunResult(value.result)) &&
    (value.table === null || typeof value.table === "string")
  );
}
