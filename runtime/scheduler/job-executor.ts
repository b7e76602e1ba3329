// Starts due jobs, at most MAX_PARALLEL_JOBS at a time (the backend's
// SCHEDULED_JOB_EXECUTION_PARALLELISM), once the project is loaded; and after each (re)load picks
// up what the database holds: pending jobs of a previous run are armed again (overdue ones run
// now), actions left inProgress by a process that stopped fail as in the backend, and completed
// jobs past their retention are deleted.
import type { Runtime } from "../host/runtime";
import { JobQueue } from "./job-queue";
import { settleWithin } from "./settle-within";
import type { JobRunner } from "./job-runner";
import type { JobStore } from "./job-store";

export const MAX_PARALLEL_JOBS = 10;

/** A job whose run broke down (not a failure of its function) is retried after 1 s, 2 s, … 60 s. */
const RETRY_MS = { first: 1000, max: 60_000 };

export class JobExecutor {
  readonly #queue = new JobQueue(() => this.pump());
  readonly #running = new Map<string, Promise<void>>();
  readonly #retries = new Map<string, number>();
  #closed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly jobs: JobStore,
    private readonly runner: JobRunner,
  ) {}

  /** A committed pending job: run it at `dueAt` (ms), or as soon as possible if that has passed. */
  arm(id: string, dueAt: number): void {
    if (this.#closed || this.#running.has(id)) return;
    this.#queue.arm(id, dueAt);
  }

  /** Starts every due job there is room for, then sleeps until the next one is due. */
  pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (this.runtime.ready && this.runtime.project) {
      for (const id of this.#queue.takeDue(now, MAX_PARALLEL_JOBS - this.#running.size)) this.#start(id);
    }
    this.#queue.rearm(now);
  }

  #start(id: string): void {
    const run = this.runner
      .run(id)
      .then(() => void this.#retries.delete(id))
      .catch((error: unknown) => {
        if (this.#closed) return; // Shutting down: the job stays in the database for the next start.
        // Like the backend after a system error: the job stays as it is and is tried again later.
        const attempts = (this.#retries.get(id) ?? 0) + 1;
        this.#retries.set(id, attempts);
        const delay = Math.min(RETRY_MS.first * 2 ** (attempts - 1), RETRY_MS.max);
        this.runtime.notice(`scheduled job ${id} could not run (retrying in ${delay / 1000} s): ${describe(error)}`);
        this.#queue.arm(id, Date.now() + delay);
      })
      .finally(() => {
        this.#running.delete(id);
        this.pump();
      });
    this.#running.set(id, run);
  }

  /** After a (re)load: arm the database's pending jobs, settle interrupted actions, collect garbage. */
  async recover(): Promise<void> {
    if (this.#closed) return;
    try {
      const scan = await this.jobs.scan();
      const now = Date.now();
      for (const job of scan.pending) this.arm(job._id, Math.max(job.scheduledTime, now));
      // An action inProgress that is not running here was cut off: the runner fails it. (`arm`
      // skips the ones running here.)
      for (const job of scan.inProgress) this.arm(job._id, now);
      await this.jobs.remove(scan.expired);
    } catch (error) {
      if (!this.#closed) this.runtime.notice(`scheduled jobs could not be loaded: ${describe(error)}`);
    }
    this.pump();
  }

  /** Stops the timers and waits (at most `waitMs`) for running jobs to settle. */
  async close(waitMs: number): Promise<void> {
    this.#closed = true;
    this.#queue.close();
    await settleWithin([...this.#running.values()], waitMs);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
