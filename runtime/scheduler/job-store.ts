// The scheduler's own reads and writes of `_scheduled_functions`, each in a short transaction of
// its own. Every state change first re-reads the job and applies only if the job is still in the
// state the caller saw: a cancel, a rolled-back savepoint or another run may have changed it
// (the backend's new_transaction_for_job_state does the same).
import type { StorePort } from "../host/store-port";
import type { SerializedQuery } from "../store/types";
import { asJobDoc, isFinished, JOB_RETENTION_MS, JOBS_TABLE, type JobDoc, type JobState, statePatch } from "./job-doc";

const SYSTEM = { isSystem: true } as const;

export interface JobScan {
  /** Jobs still waiting to run. */
  pending: JobDoc[];
  /** Actions that were running (maybe by a process that has since stopped). */
  inProgress: JobDoc[];
  /** Completed longer ago than the retention period. */
  expired: string[];
}

export class JobStore {
  constructor(private readonly store: StorePort) {}

  async read(id: string): Promise<JobDoc | null> {
    const tx = await this.store.beginRead();
    try {
      return asJobDoc(tx.get(id, SYSTEM));
    } finally {
      tx.end();
    }
  }

  /** Moves the job from `from` to `to`; false (and no write) if it is no longer in `from`. */
  async transition(id: string, from: JobState["kind"], to: JobState, now = Date.now()): Promise<boolean> {
    const tx = await this.store.beginWrite();
    try {
      const job = asJobDoc(tx.get(id, SYSTEM));
      if (!job || job.state.kind !== from) {
        tx.abort();
        return false;
      }
      tx.patch(id, statePatch(to, now), SYSTEM);
      tx.commit();
      return true;
    } catch (error) {
      tx.abort();
      throw error;
    }
  }

  /** Every job, sorted into what needs attention after a (re)load. */
  async scan(now = Date.now()): Promise<JobScan> {
    const result: JobScan = { pending: [], inProgress: [], expired: [] };
    const query: SerializedQuery = { source: { type: "FullTableScan", tableName: JOBS_TABLE, order: "asc" }, operators: [] };
    const tx = await this.store.beginRead();
    try {
      let position: string | null = null;
      for (;;) {
        const batch = tx.queryBatch(query, position, 500, SYSTEM);
        for (const doc of batch.docs) {
          const job = asJobDoc(doc);
          if (!job) continue;
          if (job.state.kind === "pending") result.pending.push(job);
          else if (job.state.kind === "inProgress") result.inProgress.push(job);
          else if ((job.completedTime ?? now) < now - JOB_RETENTION_MS) result.expired.push(job._id);
        }
        if (batch.done) break;
        position = batch.position;
      }
    } finally {
      tx.end();
    }
    return result;
  }

  /** Garbage-collects completed jobs (the backend's ScheduledJobGarbageCollector). */
  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = await this.store.beginWrite();
    try {
      for (const id of ids) {
        const job = asJobDoc(tx.get(id, SYSTEM));
        if (job && isFinished(job.state)) tx.remove(id, SYSTEM);
      }
      tx.commit();
    } catch (error) {
      tx.abort();
      throw error;
    }
  }
}
