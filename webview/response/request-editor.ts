// The editable request: the method is the route's and stays fixed; the rest of a prefix route's
// path, the query, the headers and (for methods with a body) the body can change before Send.
// The editor owns its DOM between renders so typing never loses focus; it reports every edit.
import { setDisabled, setHidden, type Ui } from "../components";
import type { ActAsIdentity } from "../protocol/core";
import type { EditableRequest } from "../protocol/response";
import { cloneIdentity } from "../auth/act-as-editor";
import { callerFields, fieldSection } from "../auth/caller-fields";

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
  handlers: {
    onChange: (draft: EditableRequest) => void;
    onSend: () => void;
    onDebug?: () => void;
    onCopyDevToken?: (identity: ActAsIdentity) => void;
  },
): RequestEditor {
  const draft = cloneRequest(initial);
  const emit = () => handlers.onChange(cloneRequest(draft));
  const line = ui.element("div", { className: "editor-line" }, [
    ui.badge(draft.method, { id: "method", className: "method", title: "The route's method" }),
    ui.element("span", { id: "route-path", className: "mono", text: draft.routePath }),
  ]);

  /** A one-line part of the draft's URL. */
  const urlField = (key: "pathRest" | "query", id: string, ariaLabel: string, placeholder: string) =>
    ui.textField({
      id,
      value: draft[key],
      ariaLabel,
      placeholder,
      onInput: (value) => {
        draft[key] = value;
        emit();
      },
    });

  const pathRest =
    isPrefixRoute(draft) &&
    ui.element("div", { className: "editor-line" }, [
      ui.element("span", { className: "mono muted", text: draft.routePath.slice(0, -1) }),
      urlField("pathRest", "path-rest", "Rest of the path", "rest/of/path"),
    ]);

  const query = urlField("query", "query", "Query string", "name=value&other=1");

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
  const debug = handlers.onDebug
    ? ui.button("Debug", () => handlers.onDebug?.(), {
        id: "debug",
        appearance: "secondary",
        title: "Send with VS Code's debugger attached: it stops at your breakpoints in convex/*.ts",
      })
    : null;
  const progress = ui.progressRing({ id: "send-progress", ariaLabel: "Sending" });
  setHidden(progress, true);

  const element = ui.element("div", { id: "request-editor", className: "request-editor" }, [
    line,
    pathRest,
    fieldSection(ui, "Query", [query]),
    ...callerFields(ui, {
      authorization: { kind: "headers", headers: draft.headers, onChange: emit },
      actAs: {
        identity: draft.actAs,
        onChange: (identity) => {
          draft.actAs = identity;
          emit();
        },
        onCopyToken: handlers.onCopyDevToken,
      },
    }),
    fieldSection(ui, "Body", [body]),
    ui.element("div", { className: "editor-line" }, debug ? [send, debug, progress] : [send, progress]),
  ]);

  return {
    element,
    setSending(sending) {
      setDisabled(send, sending);
      setHidden(progress, !sending);
    },
  };
}
