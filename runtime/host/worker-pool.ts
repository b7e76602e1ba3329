// Keeps one healthy worker to send work to. A worker whose event loop stops turning (user code in
// a loop) is set aside at once so new requests go to a fresh worker, and it is terminated when
// its running function passes its time limit. A worker is terminated too when its executions hold
// more memory than their limits, or when an HTTP action runs on long after its client went away.
import type { LoadedProject, WireError } from "../shared/protocol";
import { clientGoneMessage, outOfMemoryMessage, timeoutMessage } from "../shared/limits";
import { MemoryMeter } from "./memory-meter";
import type { UnclaimedRequest, UserCodeWorker, WorkerInitData } from "./user-code-worker";
import type { WorkerSupply } from "./worker-supply";

export interface PoolOptions {
  queryTimeoutMs: number;
  actionTimeoutMs: number;
  /** A worker stalled this long stops receiving new work. */
  replaceAfterMs: number;
  /** An HTTP action still running this long after its client disconnected is stopped. */
  clientGoneTimeoutMs: number;
  onNotice?: (text: string) => void;
}

const WATCHDOG_INTERVAL_MS = 50;
const LOAD_TIMEOUT_MS = 60_000;

export class WorkerPool {
  #primary: UserCodeWorker;
  readonly #retired = new Set<UserCodeWorker>();
  readonly #timer: NodeJS.Timeout;
  readonly #memory = new MemoryMeter();
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
        this.send((worker) => worker.runFunction(entry.request)).then(entry.resolve, (error: WireError) =>
          entry.resolve({ ok: false, error, logLines: [] }),
        );
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

  /** Terminates a worker now: new work and the work it has not started go to a fresh one. */
  #stop(worker: UserCodeWorker, reason: WireError): void {
    this.#retired.delete(worker);
    if (worker === this.#primary && !this.#disposed) this.#primary = this.#spawn();
    this.#rehome(worker.withdrawUnclaimed(), reason);
    void worker.terminate(reason);
  }

  /**
   * Stops an HTTP action still running `clientGoneTimeoutMs` after its client went away. JavaScript
   * cannot end one execution of a worker, so the worker goes: at once when the action holds its
   * event loop (nothing else there can run anyway) or runs alone; otherwise it takes no new work
   * and goes when what runs beside the action is done. Returns true when it stopped the worker.
   */
  #stopAbandoned(worker: UserCodeWorker, stalled: boolean, now: number): boolean {
    const abandoned = worker.abandonedRequest(now);
    if (!abandoned || abandoned.goneForMs <= this.options.clientGoneTimeoutMs) return false;
    if (!stalled && !abandoned.alone) {
      if (worker === this.#primary && !this.#disposed) this.#retire(worker);
      return false;
    }
    const message = clientGoneMessage(abandoned.identifier, this.options.clientGoneTimeoutMs);
    const actionLimit = this.options.actionTimeoutMs / 1000;
    this.options.onNotice?.(
      `${message} Convex lets an HTTP action run on after its client leaves, up to the ${actionLimit} s limit; ` +
        "Convex Lens stops it so that it does not keep a CPU core of this machine busy.",
    );
    this.#stop(worker, { message });
    return true;
  }

  /**
   * Stops a worker whose executions hold more memory than their limits allow: each of them fails
   * with Convex's out-of-memory error, and the memory goes back with the worker.
   */
  #stopOverMemory(worker: UserCodeWorker): boolean {
    const overrun = this.#memory.overrun(worker);
    if (!overrun) return false;
    const mib = Math.round(overrun.charged / (1024 * 1024));
    const running = worker.runningExecutions;
    this.options.onNotice?.(
      running > 0
        ? `Out of memory: user code held ${mib} MiB in a function runner where ${running === 1 ? "1 execution" : `${running} executions`} ran, over their limit (${overrun.limitMib} MiB per execution, as on Convex): the runner was stopped and its memory returned.`
        : `User code kept ${mib} MiB after its functions returned (module-level data, or a timer still allocating), over the ${overrun.limitMib} MiB limit: its function runner was stopped and its memory returned.`,
    );
    this.#stop(worker, { message: outOfMemoryMessage(overrun.limitMib) });
    return true;
  }

  #watch(): void {
    const now = Date.now();
    this.#memory.sample(this.workers.live);
    for (const worker of [this.#primary, ...this.#retired]) {
      if (worker.exited) {
        this.#retired.delete(worker);
        continue;
      }
      const paused = worker.pausedFor(now);
      if (paused > 0) {
        // Stopped in a debugger: no limit runs (its clock stands still, see stalledFor). Once the
        // stop is more than a debugger's own brief one (to bind breakpoints in a new script), new
        // work goes to a fresh worker rather than queueing behind the breakpoint.
        if (worker === this.#primary && paused > this.options.replaceAfterMs && worker.isLoaded && !this.#disposed) this.#retire(worker);
        continue;
      }
      if (!worker.isLoaded) {
        // Module evaluation is not an execution: it gets its own, generous bound (time at a
        // breakpoint in a module's top level left out).
        if (worker.loadingFor(now) > LOAD_TIMEOUT_MS) {
          void worker.terminate({
            message: `Loading the project's modules did not finish within ${LOAD_TIMEOUT_MS / 1000} s. Is there a loop at the top level of a module?`,
          });
        }
        continue;
      }
      worker.catchUp();
      if (this.#stopOverMemory(worker)) continue;
      const stalled = worker.stalledFor(now);
      const execution = worker.stalledExecution();
      if (execution) {
        const transactional = execution.udfType === "query" || execution.udfType === "mutation";
        const limit = transactional ? this.options.queryTimeoutMs : this.options.actionTimeoutMs;
        if (stalled > limit) {
          const message = timeoutMessage(execution.udfType, execution.identifier, limit);
          this.options.onNotice?.(message);
          this.#stop(worker, { message });
          continue;
        }
      }
      if (!execution && worker.idle && stalled > this.options.queryTimeoutMs) {
        // A timer or callback left behind by a function that already returned is looping: it
        // holds a CPU and no request, so the worker goes now.
        this.options.onNotice?.(
          "User code kept running after its function returned (a timer or callback that never yields): its function runner was stopped.",
        );
        this.#stop(worker, { message: "stopped: user code looped after its function returned" });
        continue;
      }
      if (this.#stopAbandoned(worker, stalled > this.options.replaceAfterMs, now)) continue;
      if (worker === this.#primary && stalled > this.options.replaceAfterMs && !this.#disposed) {
        this.#retire(worker);
      } else if (worker !== this.#primary && stalled < 2 * WATCHDOG_INTERVAL_MS && worker.busy === 0) {
        this.#retired.delete(worker);
        void worker.terminate({ message: "retired" });
      }
    }
  }
}
