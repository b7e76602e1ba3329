// The functions panel's statistics, kept current without reading every stored execution each
// time: the first call (and any after `invalidate`) runs the stats query over the whole log store;
// later calls re-run it only for the functions that had executions since (through the identifier
// index). Executions pruned by retention are reflected at the next full refresh.
import type { ExecutionStats, LogStore } from "../logs/log-store";

type StatsSource = Pick<LogStore, "executionStats">;

const keyOf = (stats: ExecutionStats) => `${stats.udfType}\u0000${stats.identifier}`;

export class FunctionStatsCache {
  #source: StatsSource | null = null;
  readonly #stats = new Map<string, ExecutionStats>();
  readonly #touched = new Set<string>();
  #full = true;

  /** A function ran (or is running): its stats are read again at the next `current`. */
  touched(identifier: string): void {
    this.#touched.add(identifier);
  }

  /** The next `current` reads everything again. */
  invalidate(): void {
    this.#full = true;
  }

  /** The stats of every function that has executions in `source` (a new source starts over). */
  current(source: StatsSource): ExecutionStats[] {
    if (source !== this.#source) {
      this.#source = source;
      this.#full = true;
    }
    if (this.#full) {
      this.#full = false;
      this.#touched.clear();
      this.#stats.clear();
      for (const stats of source.executionStats()) this.#stats.set(keyOf(stats), stats);
    } else if (this.#touched.size > 0) {
      const identifiers = new Set(this.#touched);
      this.#touched.clear();
      for (const [key, stats] of this.#stats) if (identifiers.has(stats.identifier)) this.#stats.delete(key);
      for (const stats of source.executionStats({ identifiers: [...identifiers] })) this.#stats.set(keyOf(stats), stats);
    }
    return [...this.#stats.values()];
  }
}
