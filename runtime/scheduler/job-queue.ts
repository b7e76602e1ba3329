// Jobs waiting for their time, and one timer for the earliest of them. The timer is capped, so a
// job months away holds no month-long timeout (Node cannot even represent one past ~24.8 days) and
// a clock jump or a sleeping laptop is noticed within the cap. Timers are unref'd: pending jobs
// never keep the process alive.

/** Longest single wait; at worst the queue wakes up this often to look again. */
export const MAX_TIMER_MS = 60_000;

export class JobQueue {
  readonly #due = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;
  #closed = false;

  /** `onWake` is called when the earliest job may be due; it should `takeDue` then `rearm`. */
  constructor(private readonly onWake: () => void) {}

  get size(): number {
    return this.#due.size;
  }

  has(id: string): boolean {
    return this.#due.has(id);
  }

  /** Adds (or moves) a job; `dueAt` is ms since the epoch. */
  arm(id: string, dueAt: number): void {
    if (this.#closed) return;
    this.#due.set(id, dueAt);
    if (dueAt < this.#timerAt) this.#setTimer(dueAt);
  }

  /** Removes and returns up to `max` jobs due at `now`, earliest first. */
  takeDue(now: number, max: number): string[] {
    if (max <= 0) return [];
    const due = [...this.#due]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, max);
    for (const [id] of due) this.#due.delete(id);
    return due.map(([id]) => id);
  }

  /**
   * Sets the timer for the earliest job still in the future. Jobs already due but not taken (no
   * capacity, project not loaded) get no timer: whoever frees capacity or loads the project wakes
   * the queue, so an overdue job cannot turn the timer into a busy loop.
   */
  rearm(now = Date.now()): void {
    let earliest = Infinity;
    for (const at of this.#due.values()) if (at > now && at < earliest) earliest = at;
    this.#clearTimer();
    if (earliest !== Infinity) this.#setTimer(earliest);
  }

  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#due.clear();
  }

  #setTimer(at: number): void {
    if (this.#closed) return;
    this.#clearTimer();
    const delay = Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.onWake();
    }, delay);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }
}
