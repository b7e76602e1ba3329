// The editable request: the method is the route's and stays fixed; the rest of a prefix route's
// path, the query, the headers and (for methods with a body) the body can change before Send.
// The editor owns its DOM between renders so typing never loses focus; it reports every edit.
import { focusAtEnd, setDisabled, setHidden, type Child, type Ui, type ValueElement } from "../components";
import type { ActAsIdentity } from "../protocol/core";
import type { EditableRequest } from "../protocol/response";
import { actAsEditor, cloneIdentity } from "../auth/act-as-editor";

/** The methods the host sends a body with (extension/requests/request-builder.ts `hasBody`). */
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

export function methodHasBody(method: string): boolean {
  return METHODS_WITH_BODY.has(method.toUpperCase());
}

export function isPrefixRoute(request: EditableRequest): boolean {
  return request.routePath.endsWith("*");
}

export function cloneRequest(request: EditableRequest): EditableRequest {
  const copy: EditableRequest = { ...request, headers: request.headers.map((header) => ({ ...header })) };
  if (request.actAs) copy.actAs = cloneIdentity(request.actAs);
  return copy;
}

/** The request as it goes to the host: no `?` before the query, no unnamed header rows. */
export function requestToSend(draft: EditableRequest): EditableRequest {
  return {
    ...draft,
    pathRest: isPrefixRoute(draft) ? draft.pathRest.trim() : "",
    query: draft.query.trim().replace(/^\?/, ""),
    headers: draft.headers
      .filter((header) => header.name.trim() !== "")
      .map((header) => ({ name: header.name.trim(), value: header.value })),
    body: methodHasBody(draft.method) ? draft.body : "",
  };
}

export interface RequestEditor {
  element: HTMLElement;
  setSending(sending: boolean): void;
}

export function requestEditor(
  ui: Ui,
  initial: EditableRequest,
  handlers: { onChange: (draft: EditableRequest) => void; onSend: () => void; onCopyDevToken?: (identity: ActAsIdentity) => void },
): RequestEditor {
  const draft = cloneRequest(initial);
  const emit = () => handlers.onChange(cloneRequest(draft));
  const section = (title: string, children: Child[]) =>
    ui.element("section", { className: "editor-section" }, [ui.element("h3", { text: title }), ...children]);

  const line = ui.element("div", { className: "editor-line" }, [
    ui.badge(draft.method, { id: "method", className: "method", title: "The route's method" }),
    ui.element("span", { id: "route-path", className: "mono", text: draft.routePath }),
  ]);

  const pathRest =
    isPrefixRoute(draft) &&
    ui.element("div", { className: "editor-line" }, [
      ui.element("span", { className: "mono muted", text: draft.routePath.slice(0, -1) }),
      ui.textField({
        id: "path-rest",
        value: draft.pathRest,
        ariaLabel: "Rest of the path",
        placeholder: "rest/of/path",
        onInput: (value) => {
          draft.pathRest = value;
          emit();
        },
      }),
    ]);

  const query = ui.textField({
    id: "query",
    value: draft.query,
    ariaLabel: "Query string",
    placeholder: "name=value&other=1",
    onInput: (value) => {
      draft.query = value;
      emit();
    },
  });

  const rows = ui.element("div", { id: "header-rows", className: "header-rows" });
  const addRow = (header: { name: string; value: string }, focus: "name" | "value" | null) => {
    const row = ui.element("div", { className: "header-row" });
    const name = ui.textField({
      className: "header-name",
      value: header.name,
      ariaLabel: "Header name",
      placeholder: "Name",
      onInput: (value) => {
        header.name = value;
        emit();
      },
    });
    const value = ui.textField({
      className: "header-value",
      value: header.value,
      ariaLabel: "Header value",
      placeholder: "Value",
      onInput: (text) => {
        header.value = text;
        emit();
      },
    });
    const remove = ui.button(
      "×",
      () => {
        draft.headers.splice(draft.headers.indexOf(header), 1);
        row.remove();
        emit();
      },
      { appearance: "icon", title: "Remove header", className: "header-remove" },
    );
    row.append(name, value, remove);
    rows.appendChild(row);
    if (focus) focusAtEnd(focus === "name" ? name : value);
    return { name, value };
  };
  const fieldsOf = new Map<{ name: string; value: string }, { name: ValueElement; value: ValueElement }>();
  for (const header of draft.headers) fieldsOf.set(header, addRow(header, null));

  const addHeader = (header: { name: string; value: string }, focus: "name" | "value") => {
    draft.headers.push(header);
    fieldsOf.set(header, addRow(header, focus));
    emit();
  };
  const headerButtons = ui.element("div", { className: "editor-line" }, [
    ui.button("Add header", () => addHeader({ name: "", value: "" }, "name"), { id: "add-header", appearance: "secondary" }),
    ui.button(
      "Add Authorization",
      () => {
        const existing = draft.headers.find((header) => header.name.trim().toLowerCase() === "authorization");
        const fields = existing && fieldsOf.get(existing);
        if (fields) focusAtEnd(fields.value);
        else addHeader({ name: "Authorization", value: "Bearer " }, "value");
      },
      { id: "add-authorization", appearance: "secondary", title: "Add an Authorization: Bearer header" },
    ),
  ]);

  const body = methodHasBody(draft.method)
    ? ui.textArea({
        id: "body-editor",
        className: "mono",
        value: draft.body,
        ariaLabel: "Request body",
        rows: 10,
        onInput: (value) => {
          draft.body = value;
          emit();
        },
      })
    : ui.element("p", { className: "muted", text: `${draft.method} requests are sent without a body.` });

  const send = ui.button("Send", () => handlers.onSend(), { id: "send", appearance: "primary" });
  const progress = ui.progressRing({ id: "send-progress", ariaLabel: "Sending" });
  setHidden(progress, true);

  const element = ui.element("div", { id: "request-editor", className: "request-editor" }, [
    line,
    pathRest,
    section("Query", [query]),
    section("Headers", [rows, headerButtons]),
    section("Act as a user", [
      actAsEditor(ui, draft.actAs, {
        onChange: (identity) => {
          draft.actAs = identity;
          emit();
        },
        onCopyToken: handlers.onCopyDevToken,
      }),
    ]),
    section("Body", [body]),
    ui.element("div", { className: "editor-line" }, [send, progress]),
  ]);

  return {
    element,
    setSending(sending) {
      setDisabled(send, sending);
      setHidden(progress, !sending);
    },
  };
}
