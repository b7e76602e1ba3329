// Keeps one healthy worker to send work to. A worker whose event loop stops turning (user code in
// a loop) is set aside at once so new requests go to a fresh worker, and it is terminated when
// its running function passes its time limit.
import type { LoadedProject, WireError } from "../shared/protocol";
import { timeoutMessage } from "../shared/limits";
import type { UnclaimedRequest, UserCodeWorker, WorkerInitData } from "./user-code-worker";
import type { WorkerSupply } from "./worker-supply";

export interface PoolOptions {
  queryTimeoutMs: number;
  actionTimeoutMs: number;
  /** A worker stalled this long stops receiving new work. */
  replaceAfterMs: number;
  onNotice?: (text: string) => void;
}

const WATCHDOG_INTERVAL_MS = 50;
const LOAD_TIMEOUT_MS = 60_000;

export class WorkerPool {
  #primary: UserCodeWorker;
  readonly #retired = new Set<UserCodeWorker>();
  readonly #timer: NodeJS.Timeout;
  #disposed = false;
  /** Requests waiting for a worker to load before they are posted to it. */
  #waiting = 0;

  constructor(
    private readonly init: WorkerInitData,
    private readonly workers: WorkerSupply,
    private readonly options: PoolOptions,
  ) {
    this.#primary = this.#spawn();
    this.#timer = setInterval(() => this.#watch(), WATCHDOG_INTERVAL_MS);
    this.#timer.unref();
  }

  get loaded(): Promise<LoadedProject> {
    return this.#primary.loaded;
  }

  /** The worker taking new work, as it is (tests, diagnostics): `current()` replaces a dead one. */
  get primary(): UserCodeWorker {
    return this.#primary;
  }

  /**
   * Sends a request to the current worker, once it has loaded. The request is posted in the same
   * turn as this call when the worker is ready; while it waits for a worker still loading, the
   * pool does not count as idle, so a reload's drain does not stop the pool under it.
   */
  send<T>(request: (worker: UserCodeWorker) => Promise<T>): Promise<T> {
    const worker = this.current();
    if (worker.isLoaded) return request(worker);
    this.#waiting++;
    // Counted down and posted in one callback: no drain can look in between.
    return worker.loaded.then(
      () => {
        this.#waiting--;
        return request(worker);
      },
      (error: unknown) => {
        this.#waiting--;
        throw error;
      },
    );
  }

  /** The worker that takes new work now. */
  current(): UserCodeWorker {
    if (this.#primary.exited && !this.#disposed) this.#primary = this.#spawn();
    return this.#primary;
  }

  async dispose(reason: WireError = { message: "The runtime is reloading" }): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#timer);
    const all = [this.#primary, ...this.#retired];
    this.#retired.clear();
    await Promise.all(all.map((worker) => worker.terminate(reason)));
  }

  /** Every worker has finished what it was doing and no request waits to be sent (a reload's drain checks this). */
  get idle(): boolean {
    return this.#waiting === 0 && this.#primary.busy === 0 && [...this.#retired].every((w) => w.busy === 0);
  }

  #spawn(): UserCodeWorker {
    // The supply's spare when it has one: a replacement after a stall then starts as fast as a reload.
    const worker = this.workers.start(this.init);
    worker.onOrphans = (requests, reason) => this.#rehome(requests, reason);
    return worker;
  }

  /** Runs requests that a stuck or dead worker never started on the current worker. */
  #rehome(requests: UnclaimedRequest[], reason: WireError): void {
    if (requests.length === 0) return;
    if (this.#disposed) {
      for (const entry of requests) {
        if (entry.kind === "function") entry.resolve({ ok: false, error: reason, logLines: [] });
        else entry.rejectHead(reason);
      }
      return;
    }
    // Through send(): while they wait for the new worker to load, the pool is not idle.
    for (const entry of requests) {
      if (entry.kind === "function") {
        this.send((worker) => worker.runFunction(entry.request)).then(entry.resolve, (error: WireError) => entry.resolve({ ok: false, error, logLines: [] }));
      } else {
        this.send((worker) => worker.runHttp(entry.request, entry.onClientGone)).then(entry.resolveHead, entry.rejectHead);
      }
    }
  }

  /** Sets a stalled worker aside: new work, and the work it has not started, go to a fresh one. */
  #retire(worker: UserCodeWorker): void {
    this.#retired.add(worker);
    this.#primary = this.#spawn();
    this.#rehome(worker.withdrawUnclaimed(), { message: "retired" });
  }

  #watch(): void {
    const now = Date.now();
    for (const worker of [this.#primary, ...this.#retired]) {
      if (worker.exited) {
        this.#retired.delete(worker);
        continue;
      }
      if (!worker.isLoaded) {
        // Module evaluation is not an execution: it gets its own, generous bound.
        if (now - (worker.startedAt ?? now) > LOAD_TIMEOUT_MS) {
          void worker.terminate({
            message: `Loading the project's modules did not finish within ${LOAD_TIMEOUT_MS / 1000} s. Is there a loop at the top level of a module?`,
          });
        }
        continue;
      }
      const stalled = worker.stalledFor(now);
      const execution = worker.stalledExecution();
      if (execution) {
        const transactional = execution.udfType === "query" || execution.udfType === "mutation";
        const limit = transactional ? this.options.queryTimeoutMs : this.options.actionTimeoutMs;
        if (stalled > limit) {
          const message = timeoutMessage(execution.udfType, execution.identifier, limit);
          this.options.onNotice?.(message);
          this.#retired.delete(worker);
          if (worker === this.#primary && !this.#disposed) this.#primary = this.#spawn();
          this.#rehome(worker.withdrawUnclaimed(), { message });
          void worker.terminate({ message });
          continue;
        }
      }
      if (!execution && worker.idle && stalled > this.options.queryTimeoutMs) {
        // A timer or callback left behind by a function that already returned is looping: it
        // holds a CPU and no request, so the worker goes now.
        this.options.onNotice?.("User code kept running after its function returned (a timer or callback that never yields): its function runner was stopped.");
        this.#retired.delete(worker);
        if (worker === this.#primary && !this.#disposed) this.#primary = this.#spawn();
        void worker.terminate({ message: "stopped: user code looped after its function returned" });
        continue;
      }
      if (worker === this.#primary && stalled > this.options.replaceAfterMs && !this.#disposed) {
        this.#retire(worker);
      } else if (worker !== this.#primary && stalled < 2 * WATCHDOG_INTERVAL_MS && worker.busy === 0) {
        this.#retired.delete(worker);
        void worker.terminate({ message: "retired" });
      }
    }
  }
}
