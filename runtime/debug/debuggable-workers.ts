// The user-code workers of this process, by thread id, and which debugger clients hold each of
// them stopped at a breakpoint. The inspector bridge reports pauses here; the worker pool reads
// them through each worker's PauseClock (no time limit runs while paused). One registry for the
// process: thread ids are unique in it, and the Node inspector serves the whole process.
import type { PauseClock } from "../shared/pause-clock";
import { CONTROL_DEBUGGERS } from "../shared/sync-channel";

interface Debuggable {
  clock: PauseClock;
  /** The worker's control block (CONTROL_DEBUGGERS: how many debuggers are attached). */
  control: Int32Array;
}

class DebuggableWorkers {
  readonly #workers = new Map<number, Debuggable>();
  /** Thread id → the clients that have it paused (two debuggers may be attached at once). */
  readonly #pausedBy = new Map<number, Set<object>>();
  /** Thread id → the clients attached to it. */
  readonly #attachedBy = new Map<number, Set<object>>();
  /** Thread id → the attached clients that have set their breakpoints in it (see `configured`). */
  readonly #configuredBy = new Map<number, Set<object>>();
  readonly #listeners = new Set<() => void>();

  /** Some worker is stopped at a breakpoint now. */
  get anyPaused(): boolean {
    return this.#pausedBy.size > 0;
  }

  /** Calls `listener` whenever a worker stops or runs again, goes, or a debugger has set its breakpoints in it; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  add(threadId: number, clock: PauseClock, control: Int32Array): void {
    this.#workers.set(threadId, { clock, control });
  }

  remove(threadId: number): void {
    this.#workers.delete(threadId);
    this.#pausedBy.delete(threadId);
    this.#attachedBy.delete(threadId);
    this.#configuredBy.delete(threadId);
    this.#changed();
  }

  attached(threadId: number, client: object): void {
    const worker = this.#workers.get(threadId);
    if (!worker) return;
    const clients = withClient(this.#attachedBy, threadId, client);
    Atomics.store(worker.control, CONTROL_DEBUGGERS, clients.size);
  }

  /**
   * The client has set its breakpoints in the worker: debuggers say so by letting it run
   * (`Runtime.runIfWaitingForDebugger`, which VS Code's sends to every worker once its breakpoints
   * are bound in it, whether the worker waits or not). A request sent before that would run past
   * the breakpoints.
   */
  configured(threadId: number, client: object): void {
    if (!this.#attachedBy.get(threadId)?.has(client)) return;
    withClient(this.#configuredBy, threadId, client);
    this.#changed();
  }

  /** Every worker has a debugger attached that has set its breakpoints in it. */
  get allConfigured(): boolean {
    if (this.#workers.size === 0) return false;
    for (const threadId of this.#workers.keys()) if (!this.#configuredBy.get(threadId)?.size) return false;
    return true;
  }

  /** Resolves true once `allConfigured`, false after `timeoutMs` without. */
  whenAllConfigured(timeoutMs: number): Promise<boolean> {
    if (this.allConfigured) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (configured: boolean) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(configured);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const unsubscribe = this.subscribe(() => this.allConfigured && done(true));
    });
  }

  detached(threadId: number, client: object): void {
    this.resumed(threadId, client);
    this.#configuredBy.get(threadId)?.delete(client);
    const clients = this.#attachedBy.get(threadId);
    if (!clients?.delete(client)) return;
    const worker = this.#workers.get(threadId);
    if (worker) Atomics.store(worker.control, CONTROL_DEBUGGERS, clients.size);
  }

  /** A worker thread of Convex Lens's runtime (not another extension's, not a Lens helper thread). */
  has(threadId: number): boolean {
    return this.#workers.has(threadId);
  }

  paused(threadId: number, client: object): void {
    const clock = this.#workers.get(threadId)?.clock;
    if (!clock) return;
    const holders = withClient(this.#pausedBy, threadId, client);
    clock.pause();
    if (holders.size === 1) this.#changed();
  }

  resumed(threadId: number, client: object): void {
    const holders = this.#pausedBy.get(threadId);
    if (!holders?.delete(client) || holders.size > 0) return;
    this.#pausedBy.delete(threadId);
    this.#workers.get(threadId)?.clock.resume();
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** A client disconnected: V8 resumes what it had paused, and it is no longer attached anywhere. */
  clientGone(client: object): void {
    for (const threadId of [...this.#attachedBy.keys(), ...this.#pausedBy.keys()]) this.detached(threadId, client);
    this.#changed();
  }
}

/** Adds `client` to the thread's set in `map` (made on first use); returns the set. */
function withClient(map: Map<number, Set<object>>, threadId: number, client: object): Set<object> {
  const clients = map.get(threadId) ?? new Set<object>();
  map.set(threadId, clients);
  clients.add(client);
  return clients;
}

export const debuggableWorkers = new DebuggableWorkers();
