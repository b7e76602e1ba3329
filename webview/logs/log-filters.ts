// The log panel's filter bar: level and kind toggles, the function/route dropdown, free text and
// request id. It owns its DOM between filter changes (typing never loses focus) and reports each
// change with the whole filter. Text fields report on `change` (Enter, leaving the field) at once
// and while typing after a short pause.
import type { Ui, ValueElement } from "../components";
import type { LogFilterView, LogFunctionView, LogLevelName, UdfTypeName } from "../protocol/logs";
import { KINDS, LEVELS } from "./log-guards";
import { defaultFilter } from "./log-memory";
import { KIND_BADGES } from "./log-rows";

const TYPING_PAUSE_MS = 350;

export interface FilterBar {
  element: HTMLElement;
  /** Shows a filter set from elsewhere (the drilldown's "only this request", a restored state). */
  show(filter: LogFilterView): void;
  setFunctions(functions: LogFunctionView[]): void;
  dispose(): void;
}

const cloneFilter = (filter: LogFilterView): LogFilterView => ({ ...filter, levels: [...filter.levels], kinds: [...filter.kinds] });

export function filterBar(ui: Ui, initial: LogFilterView, onChange: (filter: LogFilterView) => void): FilterBar {
  let filter = cloneFilter(initial);
  let functions: LogFunctionView[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const emit = () => onChange(cloneFilter(filter));

  const toggle = <T extends string>(id: string, label: string, title: string, list: () => T[], value: T, set: (next: T[]) => void) => {
    const button = ui.button(
      label,
      () => {
        const current = list();
        set(current.includes(value) ? current.filter((v) => v !== value) : [...current, value]);
        refreshToggles();
        emit();
      },
      { id, className: "filter-toggle", appearance: "secondary", title },
    );
    return button;
  };

  const levelButtons = LEVELS.map((level) =>
    toggle<LogLevelName>(
      `level-${level.toLowerCase()}`,
      level.toLowerCase(),
      `Show ${level.toLowerCase()} lines`,
      () => filter.levels,
      level,
      (next) => (filter.levels = next),
    ),
  );
  const kindButtons = KINDS.map((kind) =>
    toggle<UdfTypeName>(
      `kind-${kind}`,
      KIND_BADGES[kind].letter,
      `Show ${KIND_BADGES[kind].name.toLowerCase()}s`,
      () => filter.kinds,
      kind,
      (next) => (filter.kinds = next),
    ),
  );

  const refreshToggles = () => {
    LEVELS.forEach((level, i) => {
      setPressed(levelButtons[i]!, filter.levels.includes(level));
    });
    KINDS.forEach((kind, i) => {
      setPressed(kindButtons[i]!, filter.kinds.includes(kind));
    });
  };

  const textInput = (id: string, label: string, placeholder: string, key: "text" | "requestId"): ValueElement => {
    const field = ui.textField({ id, value: filter[key], ariaLabel: label, placeholder });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      if (timer !== undefined) {
        timers.delete(timer);
        clearTimeout(timer);
      }
      timer = undefined;
      if (field.value === filter[key]) return;
      filter[key] = field.value;
      emit();
    };
    field.addEventListener("input", () => {
      if (timer !== undefined) {
        timers.delete(timer);
        clearTimeout(timer);
      }
      timer = setTimeout(apply, TYPING_PAUSE_MS);
      timers.add(timer);
    });
    field.addEventListener("change", apply);
    field.addEventListener("keydown", (event) => {
      if ((event as KeyboardEvent).key === "Enter") apply();
    });
    return field;
  };

  const text = textInput("filter-text", "Filter by text", "Search messages", "text");
  const request = textInput("filter-request", "Filter by request id", "Request id", "requestId");
  const functionSlot = ui.element("span", { className: "filter-function-slot" });

  const renderFunctions = () => {
    const choices = [{ value: "", label: "All functions and routes" }];
    const known = new Set<string>();
    for (const entry of functions) {
      if (known.has(entry.identifier)) continue;
      known.add(entry.identifier);
      choices.push({ value: entry.identifier, label: `${KIND_BADGES[entry.udfType]?.letter ?? "?"}  ${entry.identifier}` });
    }
    // A function chosen before its executions were pruned stays choosable.
    if (filter.identifier !== "" && !known.has(filter.identifier)) choices.push({ value: filter.identifier, label: filter.identifier });
    const dropdown = ui.dropdown({
      id: "filter-function",
      ariaLabel: "Filter by function or route",
      value: filter.identifier,
      choices,
      onChange: (value) => {
        if (value === filter.identifier) return;
        filter.identifier = value;
        emit();
      },
    });
    functionSlot.replaceChildren(dropdown);
  };

  const reset = ui.button(
    "Reset",
    () => {
      filter = defaultFilter();
      show(filter);
      emit();
    },
    { id: "filter-reset", appearance: "secondary", title: "Show every level, kind, function and request" },
  );

  const element = ui.element(
    "div",
    { id: "log-filters", className: "log-filters", attrs: { role: "group", "aria-label": "Log filters" } },
    [
      ui.element("span", { className: "toggle-group", attrs: { role: "group", "aria-label": "Levels" } }, levelButtons),
      ui.element("span", { className: "toggle-group", attrs: { role: "group", "aria-label": "Kinds" } }, kindButtons),
      functionSlot,
      text,
      request,
      reset,
    ],
  );

  function show(next: LogFilterView) {
    filter = cloneFilter(next);
    refreshToggles();
    text.value = filter.text;
    request.value = filter.requestId;
    renderFunctions();
  }

  show(filter);

  return {
    element,
    show,
    setFunctions(next) {
      functions = next;
      renderFunctions();
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function setPressed(button: HTMLElement, pressed: boolean): void {
  button.setAttribute("aria-pressed", String(pressed));
  button.setAttribute("appearance", pressed ? "primary" : "secondary");
}
