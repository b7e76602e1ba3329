// The webview's one connection to the extension host. It acquires the VS Code API once, posts
// typed messages, turns `reply` messages back into settled promises (by request id, with a time
// limit so a lost reply shows as an error instead of a spinner forever), hands every other host
// message to the panel, and keeps the panel's state across hide/show with getState/setState.
import { isHostMessage, type HostMessage, type WebviewMessage } from "./protocol/messages";

/** What `acquireVsCodeApi()` returns, as far as the panels use it. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): unknown;
}

/** The window the bridge lives in: a webview page, or a test DOM with a fake API. */
export interface HostWindow {
  acquireVsCodeApi?: () => VsCodeApi;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** Host messages a panel handles; replies are settled by the bridge itself. */
export type HostEvent = Exclude<HostMessage, { type: "reply" }>;

type WebviewRequest = Extract<WebviewMessage, { id: number }>;
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
/** A request to the host as the panel writes it; the bridge adds the id. */
export type HostRequest = WithoutId<WebviewRequest>;

export class HostRequestError extends Error {
  constructor(
    message: string,
    readonly reason: "failed" | "timeout" | "closed",
  ) {
    super(message);
    this.name = "HostRequestError";
  }
}

export interface HostBridgeOptions<S> {
  /** Checks what getState returns: state saved by an older build must not crash the panel. */
  isState: (value: unknown) => value is S;
  /** How long a request waits for its reply. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

interface Pending {
  type: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface HostBridge<S> {
  /** Posts a message that expects no reply (`ready`). */
  post(message: Exclude<WebviewMessage, { id: number }>): void;
  /** Posts a request with a fresh id; settles with the host's reply. */
  request(message: HostRequest): Promise<unknown>;
  /** Subscribes to host messages other than replies. Returns the unsubscribe function. */
  onMessage(handler: (message: HostEvent) => void): () => void;
  /** Tells the host the panel listens; the host answers with the current state. */
  ready(): void;
  getState(): S | undefined;
  setState(state: S): void;
  /** Stops listening and rejects requests still waiting. */
  dispose(): void;
}

const apis = new WeakMap<object, VsCodeApi>();

/** `acquireVsCodeApi` may be called only once per page; every bridge on a page shares the result. */
function vsCodeApiOf(win: HostWindow): VsCodeApi {
  let api = apis.get(win);
  if (!api) {
    if (typeof win.acquireVsCodeApi !== "function")
      throw new Error("acquireVsCodeApi is missing: this page is not running in a VS Code webview");
    api = win.acquireVsCodeApi();
    apis.set(win, api);
  }
  return api;
}

export function connectHost<S>(win: HostWindow, options: HostBridgeOptions<S>): HostBridge<S> {
  const api = vsCodeApiOf(win);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const handlers = new Set<(message: HostEvent) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    clearTimeout(entry.timer);
    return entry;
  };

  const listener = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isHostMessage(message)) return;
    if (message.type === "reply") {
      const entry = settle(message.id);
      if (!entry) return;
      if (message.ok) entry.resolve(message.value);
      else entry.reject(new HostRequestError(message.error, "failed"));
      return;
    }
    for (const handler of [...handlers]) handler(message);
  };
  win.addEventListener("message", listener);

  return {
    post(message) {
      api.postMessage(message);
    },

    request(message) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!settle(id)) return;
          const seconds = Math.round(timeoutMs / 100) / 10;
          reject(new HostRequestError(`The extension did not answer "${message.type}" within ${seconds} s.`, "timeout"));
        }, timeoutMs);
        pending.set(id, { type: message.type, resolve, reject, timer });
        api.postMessage({ ...message, id } as WebviewRequest);
      });
    },

    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },

    ready() {
      api.postMessage({ type: "ready" } satisfies WebviewMessage);
    },

    getState() {
      const saved = api.getState();
      return options.isState(saved) ? saved : undefined;
    },

    setState(state) {
      api.setState(state);
    },

    dispose() {
      win.removeEventListener("message", listener);
      handlers.clear();
      for (const id of [...pending.keys()]) {
        const entry = settle(id);
        entry?.reject(new HostRequestError(`"${entry.type}" was cancelled: the panel closed.`, "closed"));
      }
    },
  };
}
