// A "something changed" signal for the panels that coalesces bursts: listeners hear of changes at
// most once per interval, the first time `intervalMs` after the change that started the burst. A
// burst of commits re-running many queries, or a client subscribing to fifty, is one call.
export class CoalescedSignal {
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  /** Calls `listener` after changes (coalesced); returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  changed(): void {
    if (this.#timer !== null || this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch {
          // A failing panel must not keep the others from hearing of the change.
        }
      }
    }, this.intervalMs);
    // A pending signal must not keep a CLI process alive.
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
  }
}
