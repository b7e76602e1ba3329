// The user-code workers of this process, by thread id, and which debugger clients hold each of
// them stopped at a breakpoint. The inspector bridge reports pauses here; the worker pool reads
// them through each worker's PauseClock (no time limit runs while paused). One registry for the
// process: thread ids are unique in it, and the Node inspector serves the whole process.
import type { PauseClock } from "../shared/pause-clock";

class DebuggableWorkers {
  readonly #clocks = new Map<number, PauseClock>();
  /** Thread id → the clients that have it paused (two debuggers may be attached at once). */
  readonly #pausedBy = new Map<number, Set<object>>();

  add(threadId: number, clock: PauseClock): void {
    this.#clocks.set(threadId, clock);
  }

  remove(threadId: number): void {
    this.#clocks.delete(threadId);
    this.#pausedBy.delete(threadId);
  }

  /** A worker thread of Convex Lens's runtime (not another extension's, not a Lens helper thread). */
  has(threadId: number): boolean {
    return this.#clocks.has(threadId);
  }

  paused(threadId: number, client: object): void {
    const clock = this.#clocks.get(threadId);
    if (!clock) return;
    const holders = this.#pausedBy.get(threadId) ?? new Set<object>();
    this.#pausedBy.set(threadId, holders);
    holders.add(client);
    clock.pause();
  }

  resumed(threadId: number, client: object): void {
    const holders = this.#pausedBy.get(threadId);
    if (!holders?.delete(client) || holders.size > 0) return;
    this.#pausedBy.delete(threadId);
    this.#clocks.get(threadId)?.resume();
  }

  /** A client disconnected: V8 resumes what it had paused. */
  clientGone(client: object): void {
    for (const threadId of [...this.#pausedBy.keys()]) this.resumed(threadId, client);
  }
}

export const debuggableWorkers = new DebuggableWorkers();
