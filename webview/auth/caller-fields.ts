// Who a call runs as, asked the same way by the response panel's request editor and the functions
// panel's runner: the user's own Authorization, then "Act as a user" (act-as-editor.ts). The
// request editor takes the Authorization as one of its header rows ("Add Authorization" adds that
// row, or focuses it when there is one); the runner takes it as one token field. A call with both
// an Authorization and an identity to act as is refused (extension/requests/act-as.ts for a
// request, runner-controller.ts for a run): these fields only collect what the user typed.
import { focusAtEnd, type Child, type Ui, type ValueElement } from "../components";
import type { ActAsIdentity } from "../protocol/core";
import { actAsEditor, type ActAsEditorHandlers } from "./act-as-editor";

export interface HeaderRow {
  name: string;
  value: string;
}

export type OwnAuthorization =
  /** Header rows: `headers` is edited in place (rows added, changed, removed), then `onChange` runs. */
  | { kind: "headers"; headers: HeaderRow[]; onChange(): void }
  /** One optional token field. */
  | { kind: "token"; value: string; onChange(text: string): void };

export interface CallerFieldsOptions {
  authorization: OwnAuthorization;
  /** The identity shown, and its edits. */
  actAs: ActAsEditorHandlers & { identity: ActAsIdentity | undefined };
  /** Keeps element ids unique when two editors share a page (see actAsEditor). */
  idPrefix?: string;
}

/** A titled part of an editor: the request editor's Query, Headers, Act as a user and Body. */
export function fieldSection(ui: Ui, title: string, children: Child[], id?: string): HTMLElement {
  return ui.element("section", { id, className: "editor-section" }, [
    ui.element("h3", { className: "section-title", text: title }),
    ...children,
  ]);
}

/** The Authorization part, then the "Act as a user" section. */
export function callerFields(ui: Ui, options: CallerFieldsOptions): HTMLElement[] {
  const idPrefix = options.idPrefix ?? "act-as";
  const own = options.authorization;
  return [
    own.kind === "headers" ? fieldSection(ui, "Headers", headerRows(ui, own)) : tokenField(ui, own),
    fieldSection(ui, "Act as a user", [actAsEditor(ui, options.actAs.identity, options.actAs, idPrefix)], `${idPrefix}-section`),
  ];
}

function tokenField(ui: Ui, own: Extract<OwnAuthorization, { kind: "token" }>): HTMLElement {
  return ui.textField({
    id: "authorization",
    value: own.value,
    label: "Authorization (optional)",
    placeholder: "Bearer eyJ…",
    onInput: (text) => own.onChange(text),
  });
}

/** The rows (name, value, remove), "Add header" and "Add Authorization". */
function headerRows(ui: Ui, own: Extract<OwnAuthorization, { kind: "headers" }>): HTMLElement[] {
  const { headers } = own;
  const rows = ui.element("div", { id: "header-rows", className: "header-rows" });
  const addRow = (header: HeaderRow, focus: "name" | "value" | null) => {
    const row = ui.element("div", { className: "header-row" });
    const cell = (key: keyof HeaderRow, label: string) =>
      ui.textField({
        className: `header-${key}`,
        value: header[key],
        ariaLabel: `Header ${key}`,
        placeholder: label,
        onInput: (text) => {
          header[key] = text;
          own.onChange();
        },
      });
    const name = cell("name", "Name");
    const value = cell("value", "Value");
    const remove = ui.button(
      "×",
      () => {
        headers.splice(headers.indexOf(header), 1);
        row.remove();
        own.onChange();
      },
      { appearance: "icon", title: "Remove header", className: "header-remove" },
    );
    row.append(name, value, remove);
    rows.appendChild(row);
    if (focus) focusAtEnd(focus === "name" ? name : value);
    return { name, value };
  };
  const fieldsOf = new Map<HeaderRow, { name: ValueElement; value: ValueElement }>();
  for (const header of headers) fieldsOf.set(header, addRow(header, null));

  const addHeader = (header: HeaderRow, focus: "name" | "value") => {
    headers.push(header);
    fieldsOf.set(header, addRow(header, focus));
    own.onChange();
  };
  const buttons = ui.element("div", { className: "editor-line" }, [
    ui.button("Add header", () => addHeader({ name: "", value: "" }, "name"), { id: "add-header", appearance: "secondary" }),
    ui.button(
      "Add Authorization",
      () => {
        const existing = headers.find((header) => header.name.trim().toLowerCase() === "authorization");
        const fields = existing && fieldsOf.get(existing);
        if (fields) focusAtEnd(fields.value);
        else addHeader({ name: "Authorization", value: "Bearer " }, "value");
      },
      { id: "add-authorization", appearance: "secondary", title: "Add an Authorization: Bearer header" },
    ),
  ]);
  return [rows, buttons];
}
