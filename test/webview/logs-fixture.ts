// The log panel in a happy-dom page with a fake VS Code API and a scripted host: requests are
// answered by `answer` (or left waiting when it returns `undefined`), and the test pushes host
// messages itself. Toolkit tags stay plain elements (see webview-fixture.ts).
import { Window } from "happy-dom";
import { connectHost, type HostWindow } from "../../webview/host-bridge";
import { startLogPanel } from "../../webview/logs/log-panel";
import { isLogsMemory } from "../../webview/logs/log-memory";
import type { LogRowView, LogsStatusView } from "../../webview/protocol/logs";
import type { HostMessage } from "../../webview/protocol/messages";
import { VsCodeApiFake, flush } from "./webview-fixture";

export type Answer = { ok: true; value: unknown } | { ok: false; error: string } | undefined;

export interface LogsFixture {
  window: Window;
  api: VsCodeApiFake;
  get(selector: string): HTMLElement;
  find(selector: string): HTMLElement | null;
  all(selector: string): HTMLElement[];
  host(message: HostMessage): void;
  /** Requests of one type the panel sent, in order. */
  sent<T = Record<string, unknown>>(type: string): T[];
  /** Answers a request left waiting. */
  reply(id: number, answer: Exclude<Answer, undefined>): void;
  /** Texts of the table's message cells, top to bottom. */
  messages(): string[];
  click(selector: string | HTMLElement): void;
  type(selector: string, value: string, event?: "change" | "input"): void;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const LIVE: LogsStatusView = { source: { kind: "live" }, sourceId: 1, retention: 100_000 };

export function line(id: number, overrides: Partial<Extract<LogRowView, { kind: "line" }>> = {}): LogRowView {
  return {
    kind: "line",
    id,
    time: Date.UTC(2026, 0, 2, 3, 4, 5) + id,
    requestId: "aaaaaaaa11112222",
    executionId: "exec-1",
    udfType: "httpAction",
    identifier: "POST /postMessage",
    level: "LOG",
    message: `'line ${id}'`,
    truncated: false,
    cause: null,
    ...overrides,
  };
}

export function execution(seq: number, overrides: Partial<Extract<LogRowView, { kind: "execution" }>> = {}): LogRowView {
  return {
    kind: "execution",
    id: `exec-${seq}`,
    seq,
    time: Date.UTC(2026, 0, 2, 3, 4, 5) + 1000 + seq,
    requestId: "aaaaaaaa11112222",
    udfType: "httpAction",
    identifier: "POST /postMessage",
    outcome: "success",
    status: 200,
    durationMs: 12,
    error: null,
    cause: null,
    ...overrides,
  };
}

export const cursor = (line: number, end = 0, seq = 0) => ({ line, exec: { end, seq } });

export function openLogs(
  options: { answer?: (message: Record<string, unknown>) => Answer; state?: unknown; maxRows?: number } = {},
): LogsFixture {
  const window = new Window({ url: "https://webview.test/index.html" });
  const document = window.document;
  document.body.dataset.panel = "logs";
  const api = new VsCodeApiFake(options.state);
  (window as unknown as { acquireVsCodeApi: () => VsCodeApiFake }).acquireVsCodeApi = () => api;
  const dispatch = (data: unknown) => window.dispatchEvent(new window.MessageEvent("message", { data }));
  api.onPost = (message) => {
    const request = message as Record<string, unknown>;
    if (typeof request.id !== "number" || !options.answer) return;
    const answer = options.answer(request);
    // A real host answers later, never inside postMessage.
    if (answer) setImmediate(() => dispatch({ type: "reply", id: request.id, ...answer }));
  };
  const root = document.createElement("main");
  root.id = "root";
  document.body.appendChild(root);
  const bridge = connectHost(window as unknown as HostWindow, { isState: isLogsMemory, timeoutMs: 5000 });
  const panel = startLogPanel(root as unknown as HTMLElement, bridge, { maxRows: options.maxRows });

  const find = (selector: string) => document.querySelector(selector) as unknown as HTMLElement | null;
  const get = (selector: string) => {
    const found = find(selector);
    if (!found) throw new Error(`no element matches ${selector}`);
    return found;
  };
  return {
    window,
    api,
    get,
    find,
    all: (selector) => [...document.querySelectorAll(selector)] as unknown as HTMLElement[],
    host: dispatch,
    sent: <T>(type: string) => api.posted.filter((message) => (message as { type?: unknown }).type === type) as T[],
    reply: (id, answer) => dispatch({ type: "reply", id, ...answer }),
    messages: () => [...document.querySelectorAll("#log-rows tr .col-message")].map((cell) => cell.textContent ?? ""),
    click(target) {
      (typeof target === "string" ? get(target) : target).click();
    },
    type(selector, value, event = "change") {
      const field = get(selector) as HTMLElement & { value: string };
      field.value = value;
      field.dispatchEvent(new window.Event(event, { bubbles: true }) as unknown as Event);
    },
    async settle() {
      for (let i = 0; i < 5; i++) await flush();
    },
    async close() {
      panel.dispose();
      await window.happyDOM.close();
    },
  };
}
