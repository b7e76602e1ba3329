// What the functions panel keeps with setState so it comes back as it was after being hidden: the
// host's last state, the open tab, the selected function, the arguments typed for each function,
// the last result and the open table. Never the Authorization token.
import type { FunctionsPanelState, RunResultView } from "../protocol/functions";
import type { TableRef } from "./data-view";
import { isFunctionsPanelState, isRunResult } from "./replies";

export const TAB_IDS = ["functions", "live", "data", "files"] as const;
export type TabId = (typeof TAB_IDS)[number];

export interface FunctionsMemory {
  version: 2;
  state: FunctionsPanelState | null;
  tab: TabId;
  filter: string;
  /** The selected function's key (see functionKey in installs.ts). */
  selected: string | null;
  /** Argument text by function key. */
  drafts: Record<string, string>;
  result: RunResultView | null;
  table: TableRef | null;
}

/**
 * What a build before components saved: the app's functions by name, the table by name. Its
 * keys are the app's keys still; its state and result lack the install and are left to the host.
 */
interface MemoryBeforeComponents {
  version: 1;
  tab: TabId;
  filter: string;
  selected: string | null;
  drafts: Record<string, string>;
  table: string | null;
}

export type SavedFunctionsMemory = FunctionsMemory | MemoryBeforeComponents;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function isTabId(value: unknown): value is TabId {
  return (TAB_IDS as readonly unknown[]).includes(value);
}

const isTableRef = (value: unknown): value is TableRef =>
  isObject(value) && typeof value.component === "string" && typeof value.name === "string";

export function isFunctionsMemory(value: unknown): value is SavedFunctionsMemory {
  if (!isObject(value)) return false;
  const common =
    isTabId(value.tab) &&
    typeof value.filter === "string" &&
    (value.selected === null || typeof value.selected === "string") &&
    isObject(value.drafts) &&
    Object.values(value.drafts).every((draft) => typeof draft === "string");
  if (value.version === 1) return common && (value.table === null || typeof value.table === "string");
  return (
    common &&
    value.version === 2 &&
    (value.state === null || isFunctionsPanelState(value.state)) &&
    (value.result === null || isRunResult(value.result)) &&
    (value.table === null || isTableRef(value.table))
  );
}

/** The memory in today's shape: nothing the user typed or chose is lost with an upgrade. */
export function currentMemory(saved: SavedFunctionsMemory): FunctionsMemory {
  if (saved.version === 2) return saved;
  const { tab, filter, selected, drafts, table } = saved;
  return {
    version: 2,
    state: null,
    tab,
    filter,
    selected,
    drafts,
    result: null,
    table: table === null ? null : { component: "", name: table },
  };
}
