// Cron jobs while serving: reconciles each component's declared jobs with the stored ones on every
// (re)load, runs each job at its next time, at most MAX_PARALLEL_JOBS at once, and keeps a
// snapshot of the jobs and their recent runs for the functions panel and the CLI banner.
//
// Like the backend's CronJobExecutor, a job still running when its next time comes is not started
// again: its next time is computed when the run ends, and times that passed meanwhile are skipped.
// Jobs are keyed by (component path, identifier); a component's jobs run only once its crons were
// loaded in this process (`loadCrons`), so a component install plugs in by calling it.
import { newRequestId, type Runtime } from "../host/runtime";
import { argsOf, type CronJob, type CronRunLog, jobKey } from "./cron-docs";
import { reconcileCrons } from "./cron-reconcile";
import { cronTarget, CronRunner, runRecord } from "./cron-runner";
import type { CronSpec } from "./cron-spec";
import { CronStore, runsByJob } from "./cron-store";
import { MAX_PARALLEL_JOBS } from "./job-executor";
import { JobQueue } from "./job-queue";
import { settleWithin } from "./settle-within";

/** A job as the panel and the banner show it. */
export interface CronJobSnapshot {
  job: CronJob;
  /** Running in this process now (a scheduled run; "Run now" does not count). */
  running: boolean;
  /** Its recorded runs, newest first. */
  runs: CronRunLog[];
}

/** What "Run now" answers. */
export interface CronManualRun {
  requestId: string;
  outcome: "success" | "failure";
  error: string | null;
}

/** A run that broke down (not a failure of its function) is tried again after 1 s, 2 s, … 60 s. */
const RETRY_MS = { first: 1000, max: 60_000 };

export class CronService {
  readonly #store: CronStore;
  readonly #runner: CronRunner;
  readonly #queue = new JobQueue(() => this.#pump());
  readonly #running = new Map<string, Promise<void>>();
  /** Jobs whose run broke down: how often in a row, and when to try again. */
  readonly #retries = new Map<string, { attempts: number; at: number }>();
  /** Components whose crons were loaded in this process: only their jobs run. */
  readonly #loaded = new Set<string>();
  #jobs = new Map<string, CronJob>();
  #runs = new Map<string, CronRunLog[]>();
  /** Told whenever the snapshot changed (a reload, a run's end). */
  readonly #listeners = new Set<() => void>();
  /** Reloads and snapshot refreshes, one after the other. */
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(private readonly runtime: Runtime) {
    this.#store = new CronStore(runtime.store);
    this.#runner = new CronRunner(runtime, this.#store);
  }

  /**
   * A component's declared jobs after a (re)load: `component` "" for the app, `specs` null when it
   * has no crons module. Creates, updates and deletes its stored jobs, then runs them on schedule.
   */
  loadCrons(component: string, specs: readonly CronSpec[] | null): Promise<void> {
    return this.#enqueue(async () => {
      const { jobs } = await this.#store.readAll();
      try {
        await this.#store.apply(reconcileCrons(component, jobs, specs ?? [], Date.now()));
      } catch (error) {
        this.runtime.notice(`the cron jobs could not be updated: ${describe(error)}`);
      }
      this.#loaded.add(component);
      await this.#refresh();
    });
  }

  /** Resolves once every reload and refresh asked for so far is done. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Calls `listener` whenever `list()` may say something new; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Every job, by component then identifier. */
  list(): CronJobSnapshot[] {
    return [...this.#jobs.values()]
      .map((job) => ({ job, running: this.#running.has(job._id), runs: this.#runs.get(jobKey(job.component, job.name)) ?? [] }))
      .sort((a, b) => compare(a.job.component, b.job.component) || compare(a.job.name, b.job.name));
  }

  /**
   * Runs the job's function now, as a scheduled run would (no identity, caller "cron", its
   * arguments), and records it among the job's runs; its schedule does not move.
   */
  async runNow(component: string, identifier: string): Promise<CronManualRun> {
    const job = [...this.#jobs.values()].find((j) => j.component === component && j.name === identifier);
    if (!job) throw new Error(`There is no cron job ${JSON.stringify(identifier)} (any more): refresh the functions panel.`);
    const target = cronTarget(this.runtime, job.component, job.cronSpec.udfPath);
    if (target.kind === "fail") throw new Error(target.message);
    const ranAt = Date.now();
    const outcome = await this.#runner.call(target, argsOf(job), newRequestId());
    await this.#store.recordRun(runRecord(job, ranAt, outcome, true));
    await this.#enqueue(() => this.#refresh());
    const error = outcome.status.type === "err" ? outcome.status.error : null;
    return { requestId: outcome.requestId, outcome: error === null ? "success" : "failure", error };
  }

  /** Stops the timers and waits (at most `waitMs`) for running jobs to settle. */
  async close(waitMs: number): Promise<void> {
    this.#closed = true;
    this.#queue.close();
    await settleWithin([...this.#running.values()], waitMs);
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(work).catch((error: unknown) => {
      if (!this.#closed) this.runtime.notice(`cron jobs: ${describe(error)}`);
    });
    this.#chain = next;
    return next;
  }

  /** Reads the tables again and arms every job of a loaded component that is not running. */
  async #refresh(): Promise<void> {
    if (this.#closed) return;
    const { jobs, logs } = await this.#store.readAll();
    this.#jobs = new Map(jobs.map((job) => [job._id, job]));
    this.#runs = runsByJob(logs);
    for (const job of jobs) {
      if (!this.#loaded.has(job.component) || this.#running.has(job._id)) continue;
      this.#queue.arm(job._id, Math.max(job.nextTs, this.#retries.get(job._id)?.at ?? 0));
    }
    this.#pump();
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (error) {
        this.runtime.notice(`a cron jobs listener failed: ${describe(error)}`);
      }
    }
  }

  #pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (this.runtime.ready && this.runtime.project) {
      for (const id of this.#queue.takeDue(now, MAX_PARALLEL_JOBS - this.#running.size)) {
        const job = this.#jobs.get(id);
        // Deleted by a reload, or moved later (the queue has its new time then).
        if (job && Math.max(job.nextTs, this.#retries.get(id)?.at ?? 0) <= now && !this.#running.has(id)) this.#start(job);
      }
    }
    this.#queue.rearm(now);
  }

  #start(job: CronJob): void {
    const run = this.#runner
      .run(job)
      .then(() => void this.#retries.delete(job._id))
      .catch((error: unknown) => {
        if (this.#closed) return; // Stopping: the job stays as stored for the next start.
        const attempts = (this.#retries.get(job._id)?.attempts ?? 0) + 1;
        const delay = Math.min(RETRY_MS.first * 2 ** (attempts - 1), RETRY_MS.max);
        this.#retries.set(job._id, { attempts, at: Date.now() + delay });
        this.runtime.notice(`cron job "${job.name}" could not run (retrying in ${delay / 1000} s): ${describe(error)}`);
      })
      .finally(() => {
        this.#running.delete(job._id);
        void this.#enqueue(() => this.#refresh());
      });
    this.#running.set(job._id, run);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
