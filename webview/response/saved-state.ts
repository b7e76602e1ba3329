// What the response panel keeps with setState so it comes back as it was after being hidden:
// the host's last state, the request as the user is editing it, and the open tab.
import type { EditableRequest, PanelState } from "../protocol/response";
import { isActAsIdentity } from "../auth/act-as-editor";

export const TAB_IDS = ["body", "headers", "logs", "request"] as const;
export type TabId = (typeof TAB_IDS)[number];

export interface ResponseMemory {
  version: 1;
  state: PanelState;
  draft: EditableRequest;
  tab: TabId;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

export function isTabId(value: unknown): value is TabId {
  return (TAB_IDS as readonly unknown[]).includes(value);
}

export function isEditableRequest(value: unknown): value is EditableRequest {
  if (!isObject(value)) return false;
  const { method, routePath, pathRest, query, headers, body, actAs } = value;
  return (
    typeof method === "string" &&
    typeof routePath === "string" &&
    typeof pathRest === "string" &&
    typeof query === "string" &&
    typeof body === "string" &&
    Array.isArray(headers) &&
    headers.every((header) => isObject(header) && typeof header.name === "string" && typeof header.value === "string") &&
    (actAs === undefined || isActAsIdentity(actAs))
  );
}

/** Shallow shape check of a panel state; enough to render without throwing. */
export function isPanelState(value: unknown): value is PanelState {
  if (!isObject(value) || !isEditableRequest(value.request) || typeof value.target !== "string") return false;
  if (value.kind === "loading") return true;
  if (value.kind === "error") return typeof value.message === "string";
  if (value.kind === "idle") return typeof value.note === "string";
  if (value.kind !== "ready" || !isObject(value.response)) return false;
  const response = value.response;
  return (
    typeof response.url === "string" &&
    typeof response.status === "number" &&
    Array.isArray(response.headers) &&
    Array.isArray(response.executions) &&
    isObject(response.body) &&
    typeof response.body.kind === "string"
  );
}

export function isResponseMemory(value: unknown): value is ResponseMemory {
  return isObject(value) && value.version === 1 && isPanelState(value.state) && isEditableRequest(value.draft) && isTabId(value.tab);
}
