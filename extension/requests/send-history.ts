// The response panel's history: the last 50 sends of the workspace, newest first. What was sent,
// where, and how it went are kept in the workspace state (they survive a reload); the responses
// themselves only for this window's life, within a memory budget. No vscode: the store is a
// Memento-like pair of functions, so the tests use a Map.
import type { EditableRequest, HistoryEntryView, ResponseView } from "../../webview/protocol/response";
import { requestPath } from "./request-builder";

export const HISTORY_LIMIT = 50;
/** Bytes of response bodies kept in memory for Open; the oldest responses go first. */
export const HISTORY_MEMORY_BUDGET = 64 * 1024 * 1024;
export const HISTORY_KEY = "convexLens.history";

export interface HistoryStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface HistoryEntry {
  id: string;
  at: number;
  /** The route it was sent to, as the route model keys it. */
  route: { method: string; path: string; kind: "exact" | "prefix" };
  /** As edited (an "Act as" identity, never a token it was signed into). */
  request: EditableRequest;
  target: string;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface KeptResponse {
  response: ResponseView;
  bytes: Uint8Array;
}

interface Stored {
  version: 1;
  entries: HistoryEntry[];
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  const route = entry.route as Record<string, unknown> | undefined;
  const request = entry.request as Record<string, unknown> | undefined;
  return (
    typeof entry.id === "string" &&
    typeof entry.at === "number" &&
    typeof entry.target === "string" &&
    typeof route?.method === "string" &&
    typeof route.path === "string" &&
    (route.kind === "exact" || route.kind === "prefix") &&
    typeof request?.method === "string" &&
    typeof request.routePath === "string" &&
    Array.isArray(request.headers)
  );
}

export class SendHistory {
  readonly #store: HistoryStore;
  readonly #limit: number;
  readonly #budget: number;
  #entries: HistoryEntry[];
  readonly #responses = new Map<string, KeptResponse>();
  readonly #listeners = new Set<() => void>();

  constructor(store: HistoryStore, options: { limit?: number; memoryBudget?: number } = {}) {
    this.#store = store;
    this.#limit = options.limit ?? HISTORY_LIMIT;
    this.#budget = options.memoryBudget ?? HISTORY_MEMORY_BUDGET;
    // What another build stored, or a damaged value, starts an empty history rather than failing.
    const stored = store.get(HISTORY_KEY) as Partial<Stored> | undefined;
    this.#entries = stored?.version === 1 && Array.isArray(stored.entries) ? stored.entries.filter(isEntry).slice(0, this.#limit) : [];
  }

  /** Records a send, newest first; drops what falls past the limit. */
  add(entry: HistoryEntry, kept?: KeptResponse): void {
    this.#entries = [entry, ...this.#entries.filter((other) => other.id !== entry.id)].slice(0, this.#limit);
    if (kept) this.#responses.set(entry.id, kept);
    const ids = new Set(this.#entries.map((other) => other.id));
    for (const id of [...this.#responses.keys()]) if (!ids.has(id)) this.#responses.delete(id);
    this.#trimResponses();
    void this.#store.update(HISTORY_KEY, { version: 1, entries: this.#entries } satisfies Stored);
    for (const listener of [...this.#listeners]) listener();
  }

  get(id: string): { entry: HistoryEntry; kept: KeptResponse | null } | undefined {
    const entry = this.#entries.find((other) => other.id === id);
    return entry && { entry, kept: this.#responses.get(id) ?? null };
  }

  entries(): readonly HistoryEntry[] {
    return this.#entries;
  }

  views(): HistoryEntryView[] {
    return this.#entries.map((entry) => {
      const query = entry.request.query.trim().replace(/^\?/, "");
      return {
        id: entry.id,
        at: entry.at,
        method: entry.request.method,
        routePath: entry.route.path,
        path: query ? `${requestPath(entry.request)}?${query}` : requestPath(entry.request),
        target: entry.target,
        status: entry.status,
        error: entry.error,
        durationMs: entry.durationMs,
        hasResponse: this.#responses.has(entry.id),
      };
    });
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Oldest responses go until the rest fit the budget (the newest is always kept). */
  #trimResponses(): void {
    let total = 0;
    for (const entry of this.#entries) {
      const kept = this.#responses.get(entry.id);
      if (!kept) continue;
      total += kept.bytes.byteLength;
      if (total > this.#budget && entry !== this.#entries[0]) this.#responses.delete(entry.id);
    }
  }
}
