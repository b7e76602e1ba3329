// Our thin layer over the webview UI toolkit: every `vscode-…` tag name the panels use is written
// in this folder only, so moving to another toolkit (e.g. @vscode-elements/elements) means
// rewriting these helpers, not the panels. Helpers build elements and wire their events; they
// know nothing about responses or requests.
//
// The toolkit itself is registered by `register.ts` (browser entry only). Without registration
// (tests under happy-dom) the same tags are plain unknown elements, so panels must use only what
// works both ways: `value` properties, attributes, textContent, and the events wired here.
import { append, element, type Child, type ElementOptions } from "./dom";

export { append, element, type Child, type ElementOptions } from "./dom";

/** A toolkit form control: text field, text area or dropdown. */
export interface ValueElement extends HTMLElement {
  value: string;
}

export interface ButtonOptions {
  id?: string;
  className?: string;
  appearance?: "primary" | "secondary" | "icon";
  /** Tooltip; for icon buttons also the accessible name. */
  title?: string;
}

export interface FieldOptions {
  id?: string;
  className?: string;
  value: string;
  /** Visible label (the component's default slot). */
  label?: string;
  /** Accessible name when there is no visible label. */
  ariaLabel?: string;
  placeholder?: string;
  onInput?: (value: string) => void;
}

export interface TabItem {
  /** `tab-<id>` and `view-<id>` become the tab's and the view's element ids. */
  id: string;
  label: string;
  /** A count or short note shown in a badge after the label. */
  badge?: string;
  /** A function builds the view when it is needed (see TabsOptions.later). */
  content: Child | (() => Child);
}

export interface TabsOptions {
  activeId: string;
  ariaLabel?: string;
  onChange?: (id: string) => void;
  /**
   * Given, the views of the other tabs are built when it calls back (or when their tab is chosen,
   * if that comes first) instead of with the active one: the first paint waits for one view only.
   */
  later?: (build: () => void) => void;
}

export interface Ui {
  readonly doc: Document;
  element<K extends keyof HTMLElementTagNameMap>(tag: K, options?: ElementOptions, children?: Child[]): HTMLElementTagNameMap[K];
  element(tag: string, options?: ElementOptions, children?: Child[]): HTMLElement;
  button(label: string, onClick: () => void, options?: ButtonOptions): HTMLElement;
  /** Inline text that acts on click (a stack frame, say): a native button styled as a link. */
  linkButton(
    label: string,
    onClick: () => void,
    options?: { className?: string; title?: string; attrs?: Record<string, string> },
  ): HTMLElement;
  textField(options: FieldOptions): ValueElement;
  textArea(options: FieldOptions & { rows?: number }): ValueElement;
  dropdown(options: {
    id?: string;
    ariaLabel?: string;
    value: string;
    choices: Array<{ value: string; label: string }>;
    onChange?: (value: string) => void;
  }): ValueElement;
  tabs(items: TabItem[], options: TabsOptions): HTMLElement;
  dataGrid(columns: string[], rows: string[][], options?: { id?: string; ariaLabel?: string; columnWidths?: string }): HTMLElement;
  badge(text: string, options?: { id?: string; title?: string; className?: string }): HTMLElement;
  progressRing(options?: { id?: string; ariaLabel?: string }): HTMLElement;
  divider(): HTMLElement;
}

export function createUi(doc: Document): Ui {
  const make = (tag: string, options?: ElementOptions, children?: Child[]) => element(doc, tag, options, children);

  const wireValue = (control: ValueElement, onInput: ((value: string) => void) | undefined) => {
    if (!onInput) return;
    // The toolkit's controls re-dispatch their inner input's `input` and `change` events.
    control.addEventListener("input", () => onInput(control.value));
    control.addEventListener("change", () => onInput(control.value));
  };

  const field = (tag: string, options: FieldOptions): ValueElement => {
    const control = make(tag, { id: options.id, className: options.className }) as ValueElement;
    if (options.label) control.textContent = options.label;
    if (options.ariaLabel) control.setAttribute("aria-label", options.ariaLabel);
    if (options.placeholder) control.setAttribute("placeholder", options.placeholder);
    control.value = options.value;
    wireValue(control, options.onInput);
    return control;
  };

  // Not the toolkit's <vscode-badge>: its template carries a bound `style` attribute, which a CSP
  // without 'unsafe-inline' (ours) reports as a console error on every page load. A plain span
  // styled by the base sheet (.badge) looks the same.
  const badge: Ui["badge"] = (text, options = {}) =>
    make("span", { id: options.id, text, title: options.title, className: options.className ? `badge ${options.className}` : "badge" });

  return {
    doc,
    element: make as Ui["element"],
    badge,

    button(label, onClick, options = {}) {
      const button = make("vscode-button", { id: options.id, className: options.className, title: options.title, text: label });
      if (options.appearance) button.setAttribute("appearance", options.appearance);
      if (options.appearance === "icon" && options.title) button.setAttribute("aria-label", options.title);
      button.addEventListener("click", () => {
        // The toolkit swallows clicks on a disabled button; plain elements do not.
        if (!button.hasAttribute("disabled")) onClick();
      });
      return button;
    },

    linkButton(label, onClick, options = {}) {
      const className = options.className ? `link ${options.className}` : "link";
      const link = make("button", { className, title: options.title, text: label, attrs: { ...options.attrs, type: "button" } });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        onClick();
      });
      return link;
    },

    textField(options) {
      return field("vscode-text-field", options);
    },

    textArea(options) {
      const area = field("vscode-text-area", options);
      area.setAttribute("resize", "vertical");
      if (options.rows) area.setAttribute("rows", String(options.rows));
      return area;
    },

    dropdown(options) {
      const dropdown = make("vscode-dropdown", { id: options.id }) as ValueElement;
      if (options.ariaLabel) dropdown.setAttribute("aria-label", options.ariaLabel);
      for (const choice of options.choices) {
        const option = make("vscode-option", { text: choice.label, attrs: { value: choice.value } });
        if (choice.value === options.value) option.setAttribute("selected", "");
        dropdown.appendChild(option);
      }
      dropdown.value = options.value;
      if (options.onChange) {
        const onChange = options.onChange;
        dropdown.addEventListener("change", () => onChange(dropdown.value));
      }
      return dropdown;
    },

    tabs(items, options) {
      const panels = make("vscode-panels", { attrs: { activeid: `tab-${options.activeId}` } });
      if (options.ariaLabel) panels.setAttribute("aria-label", options.ariaLabel);
      for (const item of items) {
        const label: Child[] = [item.label];
        if (item.badge !== undefined) label.push(" ", badge(item.badge, { className: "tab-badge" }));
        panels.appendChild(make("vscode-panel-tab", { id: `tab-${item.id}` }, label));
      }
      const unbuilt = new Map<string, () => void>();
      for (const item of items) {
        const view = make("vscode-panel-view", { id: `view-${item.id}` });
        const build = () => {
          unbuilt.delete(item.id);
          append(view, [typeof item.content === "function" ? item.content() : item.content]);
        };
        if (options.later && item.id !== options.activeId) unbuilt.set(item.id, build);
        else build();
        panels.appendChild(view);
      }
      if (unbuilt.size > 0)
        options.later?.(() => {
          for (const build of [...unbuilt.values()]) build();
        });
      panels.addEventListener("change", (event) => {
        // Form controls inside the views fire `change` too, and it bubbles up to here.
        if (event.target !== panels) return;
        const active = (panels as HTMLElement & { activeid?: unknown }).activeid;
        if (typeof active !== "string" || !active.startsWith("tab-")) return;
        const id = active.slice("tab-".length);
        unbuilt.get(id)?.();
        options.onChange?.(id);
      });
      return panels;
    },

    dataGrid(columns, rows, options = {}) {
      const grid = make("vscode-data-grid", { id: options.id, attrs: { "generate-header": "none" } });
      if (options.ariaLabel) grid.setAttribute("aria-label", options.ariaLabel);
      if (options.columnWidths) grid.setAttribute("grid-template-columns", options.columnWidths);
      const row = (cells: string[], header: boolean) => {
        const rowElement = make("vscode-data-grid-row", header ? { attrs: { "row-type": "sticky-header" } } : {});
        cells.forEach((text, index) => {
          const attrs: Record<string, string> = { "grid-column": String(index + 1) };
          if (header) attrs["cell-type"] = "columnheader";
          rowElement.appendChild(make("vscode-data-grid-cell", { text, attrs }));
        });
        return rowElement;
      };
      grid.appendChild(row(columns, true));
      for (const cells of rows) grid.appendChild(row(cells, false));
      return grid;
    },

    progressRing(options = {}) {
      const ring = make("vscode-progress-ring", { id: options.id });
      ring.setAttribute("aria-label", options.ariaLabel ?? "Loading");
      return ring;
    },

    divider() {
      return make("vscode-divider", { attrs: { role: "separator" } });
    },
  };
}

/** Disables a toolkit control (the attribute is what both the toolkit and plain elements honour). */
export function setDisabled(control: HTMLElement, disabled: boolean): void {
  control.toggleAttribute("disabled", disabled);
}

/** Focuses a text field or area with the caret after its text (to complete "Bearer …", say). */
export function focusAtEnd(control: HTMLElement): void {
  control.focus();
  // The toolkit's controls keep their native <input>/<textarea> as `control`.
  const inner = (control as HTMLElement & { control?: unknown }).control;
  if (inner && typeof (inner as HTMLInputElement).setSelectionRange === "function") {
    const end = (inner as HTMLInputElement).value.length;
    (inner as HTMLInputElement).setSelectionRange(end, end);
  }
}

/** Hides an element; the toolkit's components honour `[hidden]` in their own styles. */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  node.hidden = hidden;
}
