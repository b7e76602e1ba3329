// A response panel in a happy-dom page with a fake VS Code API. The toolkit is not registered
// here (its components do not run under happy-dom), so `vscode-…` tags are plain elements and the
// tests read our own structure: ids, classes, text, attributes and the messages posted.
import { Window } from "happy-dom";
import { connectHost, type HostWindow } from "../../webview/host-bridge";
import type { EditableRequest, PanelState, ResponseView } from "../../webview/protocol/response";
import type { HostMessage } from "../../webview/protocol/messages";
import { startResponsePanel } from "../../webview/response/response-panel";
import { isResponseMemory } from "../../webview/response/saved-state";

/** Records what the webview posts and keeps its state like VS Code does (as JSON). */
export class VsCodeApiFake {
  readonly posted: unknown[] = [];
  readonly savedStates: unknown[] = [];
  /** Called after each post, to play the host's part. */
  onPost: ((message: unknown) => void) | null = null;
  #state: string | undefined;

  constructor(state?: unknown) {
    this.#state = state === undefined ? undefined : JSON.stringify(state);
  }

  postMessage(message: unknown): void {
    this.posted.push(JSON.parse(JSON.stringify(message)));
    this.onPost?.(message);
  }

  getState(): unknown {
    return this.#state === undefined ? undefined : JSON.parse(this.#state);
  }

  setState<T>(state: T): T {
    this.#state = JSON.stringify(state);
    this.savedStates.push(JSON.parse(this.#state));
    return state;
  }

  get state(): unknown {
    return this.getState();
  }
}

/** Installs `acquireVsCodeApi` on a window; like VS Code, a second call throws. */
export function installApi(window: Window, api: VsCodeApiFake): { calls: () => number } {
  let calls = 0;
  (window as unknown as { acquireVsCodeApi: () => VsCodeApiFake }).acquireVsCodeApi = () => {
    calls++;
    if (calls > 1) throw new Error("An instance of the VS Code API has already been acquired");
    return api;
  };
  return { calls: () => calls };
}

export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export function request(overrides: Partial<EditableRequest> = {}): EditableRequest {
  return {
    method: "POST",
    routePath: "/postMessage",
    pathRest: "",
    query: "",
    headers: [{ name: "Content-Type", value: "application/json" }],
    body: '{"author":"ada","body":"hi"}',
    ...overrides,
  };
}

export function response(overrides: Partial<ResponseView> = {}): ResponseView {
  return {
    requestId: "r1",
    url: "http://127.0.0.1:3311/postMessage",
    status: 200,
    statusText: "OK",
    durationMs: 42,
    sizeBytes: 1536,
    headers: [
      ["content-type", "application/json"],
      ["x-trace", "abc"],
    ],
    body: { kind: "json", text: '{"ok":true,"id":12345678901234567890}' },
    executions: [],
    ...overrides,
  };
}

export function ready(responseOverrides: Partial<ResponseView> = {}, requestOverrides: Partial<EditableRequest> = {}): PanelState {
  return {
    kind: "ready",
    request: request(requestOverrides),
    target: "http://127.0.0.1:3311/postMessage",
    response: response(responseOverrides),
  };
}

export interface PanelFixture {
  window: Window;
  document: Window["document"];
  api: VsCodeApiFake;
  /** The element the selector names; fails the test when there is none. */
  get(selector: string): HTMLElement;
  find(selector: string): HTMLElement | null;
  all(selector: string): HTMLElement[];
  host(message: HostMessage): void;
  show(state: PanelState): void;
  /** Posted messages of one type. */
  sent<T = Record<string, unknown>>(type: string): T[];
  /** Types `value` into a toolkit field (or any element with a `value`). */
  type(selector: string | HTMLElement, value: string): void;
  click(selector: string | HTMLElement): void;
  close(): Promise<void>;
}

export function openPanel(options: { api?: VsCodeApiFake; timeoutMs?: number; answerReadyWith?: PanelState } = {}): PanelFixture {
  const window = new Window({ url: "https://webview.test/index.html" });
  const document = window.document;
  document.body.dataset.panel = "response";
  const api = options.api ?? new VsCodeApiFake();
  installApi(window, api);
  const answer = options.answerReadyWith;
  if (answer) {
    // The strictest host: it answers `ready` before postMessage even returns.
    api.onPost = (message) => {
      if ((message as { type?: unknown }).type === "ready") {
        window.dispatchEvent(new window.MessageEvent("message", { data: { type: "state", state: answer } satisfies HostMessage }));
      }
    };
  }
  const root = document.createElement("main");
  document.body.appendChild(root);
  const bridge = connectHost(window as unknown as HostWindow, { isState: isResponseMemory, timeoutMs: options.timeoutMs });
  const panel = startResponsePanel(root as unknown as HTMLElement, bridge);

  const find = (selector: string) => document.querySelector(selector) as unknown as HTMLElement | null;
  const get = (selector: string) => {
    const found = find(selector);
    if (!found) throw new Error(`no element matches ${selector}`);
    return found;
  };
  const resolve = (target: string | HTMLElement) => (typeof target === "string" ? get(target) : target);
  const host = (message: HostMessage) => {
    window.dispatchEvent(new window.MessageEvent("message", { data: message }));
  };
  return {
    window,
    document,
    api,
    get,
    find,
    all: (selector) => [...document.querySelectorAll(selector)] as unknown as HTMLElement[],
    host,
    show: (state) => host({ type: "state", state }),
    sent: <T>(type: string) => api.posted.filter((message) => (message as { type?: unknown }).type === type) as T[],
    type(target, value) {
      const element = resolve(target) as HTMLElement & { value: string };
      element.value = value;
      element.dispatchEvent(new window.Event("input", { bubbles: true }) as unknown as Event);
    },
    click(target) {
      resolve(target).click();
    },
    async close() {
      panel.dispose();
      await window.happyDOM.close();
    },
  };
}

/** Runs `run` on a fresh panel and closes it, whatever happens. */
export async function withPanel(
  run: (panel: PanelFixture) => Promise<void> | void,
  options?: Parameters<typeof openPanel>[0],
): Promise<void> {
  const panel = openPanel(options);
  try {
    await run(panel);
  } finally {
    await panel.close();
  }
}
