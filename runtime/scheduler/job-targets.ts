// Which install runs a job whose function is not in the install that scheduled it (a
// `components.child.fn` reference, or a function handle). The job itself stays in the scheduling
// install's `_scheduled_functions`, showing only the function's path as the backend's virtual
// table does; the backend keeps the target's install out of sight too. Here it is a row of a
// hidden system table of the app, written in the scheduling transaction, so that it commits or
// rolls back with the job.
import type { ReadTransaction, WriteTransaction } from "../store/types";
import { readWholeTable } from "../store/read-table";
import { splitStoredTableName } from "../store/namespaces";

export const JOB_TARGETS_TABLE = "_scheduled_job_targets";
const SYSTEM = { isSystem: true } as const;

export function recordJobTarget(tx: WriteTransaction, jobId: string, component: string): void {
  tx.insert(JOB_TARGETS_TABLE, { job: jobId, component }, SYSTEM);
}

/**
 * The install that runs job `jobId`: its recorded target, else the install whose jobs table holds
 * it. `tableOfId` is the store's table registry.
 */
export function jobTargetComponent(tx: ReadTransaction, jobId: string, tableOfId: (id: string) => string | null): string {
  for (const row of targetRows(tx)) if (row.job === jobId) return row.component;
  const table = tableOfId(jobId);
  return table === null ? "" : splitStoredTableName(table).component;
}

/** Drops the target rows of jobs that are gone (garbage-collected). */
export function forgetJobTargets(tx: WriteTransaction, jobIds: Set<string>): void {
  for (const row of targetRows(tx)) if (jobIds.has(row.job)) tx.remove(row.id, SYSTEM);
}

function targetRows(tx: ReadTransaction): Array<{ id: string; job: string; component: string }> {
  return readWholeTable(tx, JOB_TARGETS_TABLE, SYSTEM).map((doc) => ({
    id: doc._id,
    job: String(doc.job),
    component: String(doc.component),
  }));
}
