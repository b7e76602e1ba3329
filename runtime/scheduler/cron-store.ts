// Reads and writes of `_cron_jobs` and `_cron_job_logs`, each in a short transaction of its own.
// A change to a job applies only if the job is still exactly as the caller last saw it: a reload
// may have changed or deleted it meanwhile (the backend's new_transaction_for_job_state).
import type { StorePort } from "../host/store-port";
import type { DocumentJSON, ReadTransaction, SerializedQuery, WriteTransaction } from "../store/types";
import {
  asCronJob,
  asCronRunLog,
  CRON_JOBS_TABLE,
  CRON_LOGS_TABLE,
  type CronJob,
  type CronJobFields,
  type CronRunFields,
  type CronRunLog,
  jobFields,
  jobKey,
  MAX_LOGS_PER_JOB,
  sameJob,
} from "./cron-docs";

const SYSTEM = { isSystem: true } as const;

export interface CronTables {
  jobs: CronJob[];
  logs: CronRunLog[];
}

/** What a reload changes: new jobs, jobs with a new spec or next time, jobs that are gone. */
export interface CronChanges {
  create: CronJobFields[];
  update: CronJob[];
  remove: CronJob[];
}

export class CronStore {
  constructor(private readonly store: StorePort) {}

  async readAll(): Promise<CronTables> {
    const tx = await this.store.beginRead();
    try {
      return {
        jobs: scan(tx, CRON_JOBS_TABLE).flatMap((doc) => asCronJob(doc) ?? []),
        logs: scan(tx, CRON_LOGS_TABLE).flatMap((doc) => asCronRunLog(doc) ?? []),
      };
    } finally {
      tx.end();
    }
  }

  /** Applies a reload's changes in one transaction; a removed job's runs go with it. */
  async apply(changes: CronChanges): Promise<void> {
    await this.#write((tx) => {
      for (const job of changes.create) tx.insert(CRON_JOBS_TABLE, jobFields(job), SYSTEM);
      for (const job of changes.update) tx.replace(job._id, jobFields(job), SYSTEM);
      for (const job of changes.remove) {
        if (tx.get(job._id, SYSTEM)) tx.remove(job._id, SYSTEM);
        keepNewestRuns(tx, job.component, job.name, 0);
      }
    });
  }

  /**
   * Replaces `expected` with `next` and records `runs`, if the job is still `expected`; the
   * stored job, or null when it changed meanwhile (and nothing was written).
   */
  async replaceIfUnchanged(expected: CronJob, next: CronJob, runs: readonly CronRunFields[] = []): Promise<CronJob | null> {
    return this.#write((tx) => {
      const stored = asCronJob(tx.get(expected._id, SYSTEM));
      if (!stored || !sameJob(stored, expected)) return null;
      tx.replace(expected._id, jobFields(next), SYSTEM);
      for (const run of runs) recordRun(tx, run);
      return next;
    });
  }

  /** Records a run that does not change the job (a "Run now"). */
  async recordRun(run: CronRunFields): Promise<void> {
    await this.#write((tx) => recordRun(tx, run));
  }

  async #write<T>(work: (tx: WriteTransaction) => T): Promise<T> {
    const tx = await this.store.beginWrite();
    try {
      const result = work(tx);
      tx.commit();
      return result;
    } catch (error) {
      tx.abort();
      throw error;
    }
  }
}

function scan(tx: ReadTransaction, table: string): DocumentJSON[] {
  const query: SerializedQuery = { source: { type: "FullTableScan", tableName: table, order: "asc" }, operators: [] };
  const docs: DocumentJSON[] = [];
  let position: string | null = null;
  for (;;) {
    const batch = tx.queryBatch(query, position, 500, SYSTEM);
    docs.push(...batch.docs);
    if (batch.done) return docs;
    position = batch.position;
  }
}

function recordRun(tx: WriteTransaction, run: CronRunFields): void {
  tx.insert(CRON_LOGS_TABLE, run as unknown as Parameters<WriteTransaction["insert"]>[1], SYSTEM);
  keepNewestRuns(tx, run.component, run.name, MAX_LOGS_PER_JOB);
}

/** apply_job_log_retention: keeps the `limit` newest runs of a job (by scheduled time). */
function keepNewestRuns(tx: WriteTransaction, component: string, name: string, limit: number): void {
  const runs = scan(tx, CRON_LOGS_TABLE)
    .flatMap((doc) => asCronRunLog(doc) ?? [])
    .filter((run) => run.component === component && run.name === name)
    .sort((a, b) => b.ts - a.ts || b._creationTime - a._creationTime);
  for (const run of runs.slice(limit)) tx.remove(run._id, SYSTEM);
}

/** The newest runs of each job, newest first, by job key. */
export function runsByJob(logs: readonly CronRunLog[]): Map<string, CronRunLog[]> {
  const byJob = new Map<string, CronRunLog[]>();
  for (const run of logs) {
    const key = jobKey(run.component, run.name);
    byJob.set(key, [...(byJob.get(key) ?? []), run]);
  }
  for (const runs of byJob.values()) runs.sort((a, b) => b.ts - a.ts || b._creationTime - a._creationTime);
  return byJob;
}
