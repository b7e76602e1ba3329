// The scheduler's own reads and writes of `_scheduled_functions`, each in a short transaction of
// its own. Every state change first re-reads the job and applies only if the job is still in the
// state the caller saw: a cancel, a rolled-back savepoint or another run may have changed it
// (the backend's new_transaction_for_job_state does the same).
import type { StorePort } from "../host/store-port";
import type { Store } from "../store/sqlite-store";
import { baseTableName } from "../store/namespaces";
import { readWholeTable } from "../store/read-table";
import { asJobDoc, isFinished, JOB_RETENTION_MS, JOBS_TABLE, type JobDoc, type JobState, statePatch } from "./job-doc";
import { forgetJobTargets, jobTargetComponent } from "./job-targets";

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
  constructor(private readonly store: StorePort & Pick<Store, "listTables">) {}

  /** The job, and the install its function runs in. */
  async read(id: string): Promise<{ job: JobDoc; component: string } | null> {
    const tx = await this.store.beginRead();
    try {
      const job = asJobDoc(tx.get(id, SYSTEM));
      return job && { job, component: jobTargetComponent(tx, id, (docId) => this.store.tableNameOfId(docId)) };
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

  /** Every job of every install, sorted into what needs attention after a (re)load. */
  async scan(now = Date.now()): Promise<JobScan> {
    const result: JobScan = { pending: [], inProgress: [], expired: [] };
    const tables = this.store.listTables().filter(({ name }) => baseTableName(name) === JOBS_TABLE);
    const tx = await this.store.beginRead();
    try {
      for (const { name } of tables) {
        for (const doc of readWholeTable(tx, name, SYSTEM)) {
          const job = asJobDoc(doc);
          if (!job) continue;
          if (job.state.kind === "pending") result.pending.push(job);
          else if (job.state.kind === "inProgress") result.inProgress.push(job);
          else if ((job.completedTime ?? now) < now - JOB_RETENTION_MS) result.expired.push(job._id);
        }
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
      const removed = new Set<string>();
      for (const id of ids) {
        const job = asJobDoc(tx.get(id, SYSTEM));
        if (!job || !isFinished(job.state)) continue;
        tx.remove(id, SYSTEM);
        removed.add(id);
      }
      forgetJobTargets(tx, removed);
      tx.commit();
    } catch (error) {
      tx.abort();
      throw error;
    }
  }
}
