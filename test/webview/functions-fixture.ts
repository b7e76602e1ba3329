// A functions panel in a happy-dom page with a fake VS Code API and a scripted host. The toolkit
// is not registered (as in webview-fixture.ts), so tests read our own ids, classes, text and the
// messages the panel posts. The host answers requests by type with canned replies, or leaves them
// pending for the test to answer in its own order.
import { Window } from "happy-dom";
import { connectHost, type HostWindow } from "../../webview/host-bridge";
import { startFunctionsPanel } from "../../webview/functions/functions-panel";
import { isFunctionsMemory } from "../../webview/functions/saved-state";
import type {
  CronEntryView,
  FunctionEntryView,
  FunctionsPanelState,
  FunctionsReplies,
  FunctionsRequest,
  RouteEntryView,
  RunResultView,
} from "../../webview/protocol/functions";
import type { HostMessage } from "../../webview/protocol/messages";
import { VsCodeApiFake, installApi } from "./webview-fixture";

type RequestType = FunctionsRequest["type"];
/** A canned reply: a value, a function of the request, or an Error for a failed host call. */
type Responder<K extends RequestType> =
  | FunctionsReplies[K]
  | Error
  | ((request: Extract<FunctionsRequest, { type: K }>) => FunctionsReplies[K] | Error);
export type Responders = { [K in RequestType]?: Responder<K> };

export const stats = (calls = 0, errors = 0, p50Ms: number | null = null, p95Ms: number | null = null) => ({ calls, errors, p50Ms, p95Ms });

export function fn(name: string, overrides: Partial<FunctionEntryView> = {}): FunctionEntryView {
  const colon = name.lastIndexOf(":");
  return {
    component: "",
    name,
    module: colon < 0 ? name : name.slice(0, colon),
    functionName: colon < 0 ? "default" : name.slice(colon + 1),
    udfType: "query",
    visibility: "public",
    args: "v.object({})",
    stats: stats(),
    ...overrides,
  };
}

export function cron(identifier: string, overrides: Partial<CronEntryView> = {}): CronEntryView {
  return {
    component: "",
    identifier,
    functionName: "jobs:record",
    udfType: "mutation",
    schedule: "Every 2 seconds",
    args: "{}",
    nextRun: Date.UTC(2026, 0, 2, 3, 4, 7),
    running: false,
    lastRun: null,
    ...overrides,
  };
}

export function route(method: string, path: string, overrides: Partial<RouteEntryView> = {}): RouteEntryView {
  return { method, path, kind: path.endsWith("*") ? "prefix" : "exact", component: null, addedBy: null, stats: stats(), ...overrides };
}

export function readyState(overrides: Partial<FunctionsPanelState> = {}): FunctionsPanelState {
  return {
    runtime: { kind: "ready", notice: null },
    functions: [
      fn("tasks:list", { stats: stats(12, 1, 3.25, 40) }),
      fn("tasks:add", { udfType: "mutation", args: "v.object({title: v.string()})", stats: stats(3, 0, 12, 20) }),
      fn("tasks:count", { visibility: "internal" }),
      fn("admin/users:remove", { udfType: "action" }),
    ],
    routes: [route("GET", "/hello", { stats: stats(5, 2, 0.4, 1.6) }), route("POST", "/items/*")],
    crons: [],
    ...overrides,
  };
}

export function runResult(overrides: Partial<RunResultView> = {}): RunResultView {
  return {
    requestId: "req1",
    component: "",
    name: "tasks:add",
    outcome: "success",
    result: '"j57abc"',
    error: null,
    errorData: null,
    durationMs: 12,
    executions: [],
    ...overrides,
  };
}

/** The requests the host answers by default: the Data and Files tabs load these on "ready". */
const DEFAULT_REPLIES: Responders = {
  listTables: [],
  listFiles: [{ component: "", files: [], continueCursor: null }],
};

export interface FunctionsFixture {
  window: Window;
  api: VsCodeApiFake;
  get(selector: string): HTMLElement;
  find(selector: string): HTMLElement | null;
  all(selector: string): HTMLElement[];
  text(selector: string): string | null;
  host(message: HostMessage): void;
  show(state: FunctionsPanelState): void;
  /** Posted requests of one type (ids included). */
  sent<K extends RequestType>(type: K): Array<Extract<FunctionsRequest, { type: K }>>;
  /** Requests left unanswered (no responder), oldest first. */
  pending(): FunctionsRequest[];
  /** Answers a pending request by id. */
  reply(id: number, value: unknown, error?: string): void;
  responders: Responders;
  type(selector: string | HTMLElement, value: string): void;
  click(selector: string | HTMLElement): void;
  /** Lets replies and the panel's follow-up requests run. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export function openFunctionsPanel(
  options: { api?: VsCodeApiFake; state?: FunctionsPanelState; responders?: Responders } = {},
): FunctionsFixture {
  const window = new Window({ url: "https://webview.test/index.html" });
  const document = window.document;
  document.body.dataset.panel = "functions";
  const api = options.api ?? new VsCodeApiFake();
  installApi(window, api);
  const responders: Responders = { ...DEFAULT_REPLIES, ...options.responders };
  const unanswered = new Map<number, FunctionsRequest>();
  const host = (message: HostMessage) => window.dispatchEvent(new window.MessageEvent("message", { data: message }));
  const reply = (id: number, value: unknown, error?: string) => {
    unanswered.delete(id);
    host(error === undefined ? { type: "reply", id, ok: true, value } : { type: "reply", id, ok: false, error });
  };
  api.onPost = (message) => {
    const posted = message as FunctionsRequest | { type: "ready" };
    if (posted.type === "ready") {
      if (options.state) host({ type: "functionsState", state: options.state });
      return;
    }
    const request = posted as FunctionsRequest;
    if (typeof (request as { id?: unknown }).id !== "number") return;
    const responder = responders[request.type] as Responder<RequestType> | undefined;
    if (responder === undefined) {
      unanswered.set(request.id, request);
      return;
    }
    // Answered later, like a real host: never inside postMessage.
    setImmediate(() => {
      const value = typeof responder === "function" ? (responder as (r: FunctionsRequest) => unknown)(request) : responder;
      if (value instanceof Error) reply(request.id, undefined, value.message);
      else reply(request.id, value);
    });
  };
  const root = document.createElement("main");
  document.body.appendChild(root);
  const bridge = connectHost(window as unknown as HostWindow, { isState: isFunctionsMemory });
  const panel = startFunctionsPanel(root as unknown as HTMLElement, bridge);

  const find = (selector: string) => document.querySelector(selector) as unknown as HTMLElement | null;
  const get = (selector: string) => {
    const found = find(selector);
    if (!found) throw new Error(`no element matches ${selector}`);
    return found;
  };
  const resolve = (target: string | HTMLElement) => (typeof target === "string" ? get(target) : target);
  return {
    window,
    api,
    get,
    find,
    all: (selector) => [...document.querySelectorAll(selector)] as unknown as HTMLElement[],
    text: (selector) => find(selector)?.textContent ?? null,
    host,
    show: (state) => host({ type: "functionsState", state }),
    sent: (type) => api.posted.filter((m) => (m as { type?: unknown }).type === type) as never,
    pending: () => [...unanswered.values()],
    reply,
    responders,
    type(target, value) {
      const element = resolve(target) as HTMLElement & { value: string };
      element.value = value;
      element.dispatchEvent(new window.Event("input", { bubbles: true }) as unknown as Event);
    },
    click(target) {
      resolve(target).click();
    },
    async settle() {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
    },
    async close() {
      panel.dispose();
      await window.happyDOM.close();
    },
  };
}

export async function withFunctionsPanel(
  run: (panel: FunctionsFixture) => Promise<void> | void,
  options?: Parameters<typeof openFunctionsPanel>[0],
): Promise<void> {
  const panel = openFunctionsPanel(options);
  try {
    await run(panel);
  } finally {
    await panel.close();
  }
}
