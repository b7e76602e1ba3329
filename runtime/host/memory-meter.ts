// The memory charged to each worker's executions, for the pool's watchdog. A worker measures its
// own (worker/memory-watch.ts), but only when its event loop turns: user code allocating in a loop
// that never yields is measured from here instead, by the process's resident memory. Growth since
// the worker last beat that neither this thread nor the other workers account for is charged to
// the stalled worker (to each of them, if several are stalled at once).
import { getHeapStatistics } from "node:v8";
import type { UserCodeWorker } from "./user-code-worker";

/**
 * Resident memory moves for reasons no heap statistic shows (allocator caches, V8 committing pages
 * for garbage): a stalled worker is stopped only when it passes its budget by this much as well.
 */
export const STALLED_MARGIN_BYTES = 96 * 1024 * 1024;

interface Anchor {
  rss: number;
  /** What everything but this worker held then. */
  others: number;
}

export class MemoryMeter {
  readonly #anchors = new WeakMap<UserCodeWorker, Anchor>();
  readonly #beats = new WeakMap<UserCodeWorker, number>();
  #rss = 0;
  #total = 0;

  /** Samples the process; call once per watchdog round, before `charged`. */
  sample(workers: readonly UserCodeWorker[]): void {
    this.#rss = process.memoryUsage.rss();
    const host = getHeapStatistics();
    this.#total = host.used_heap_size + host.external_memory;
    for (const worker of workers) this.#total += worker.memory().inUse;
  }

  /**
   * The memory charged to the worker's executions: what it reports, plus, while its heartbeat has
   * not moved since the last round, the growth of the process nothing else explains. Null when
   * it is within its budget.
   */
  overrun(worker: UserCodeWorker): { charged: number; limitMib: number } | null {
    const memory = worker.memory();
    if (memory.over) return { charged: memory.charged, limitMib: memory.limitMib };
    const others = this.#total - memory.inUse;
    const beat = worker.heartbeat;
    const beating = this.#beats.get(worker) !== beat;
    this.#beats.set(worker, beat);
    if (beating) {
      this.#anchors.set(worker, { rss: this.#rss, others });
      return null;
    }
    const anchor = this.#anchors.get(worker);
    if (!anchor) return null;
    const unexplained = this.#rss - anchor.rss - (others - anchor.others);
    const charged = memory.charged + Math.max(0, unexplained);
    return charged > memory.budget + STALLED_MARGIN_BYTES ? { charged, limitMib: memory.limitMib } : null;
  }
}
