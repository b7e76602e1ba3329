// The scheduler's syscalls (convex/src/server/impl/scheduler_impl.ts):
//   mutations:              1.0/schedule, 1.0/cancel_job           — inside the mutation's transaction
//   actions, HTTP actions:  1.0/actions/schedule, 1.0/actions/cancel_job — each in a transaction of its own
// A job scheduled by a mutation exists, and is armed, only if that mutation commits; one scheduled
// by an action exists as soon as the call returns, whatever the action does next.
import type { FeatureHandlers, OpContext } from "../host/op-handlers";
import type { Runtime } from "../host/runtime";
import { invalidArgument } from "../store/errors";
import { decodeIdOrError } from "../store/ids";
import { storedTableName } from "../store/namespaces";
import type { WriteTransaction } from "../store/types";
import { canonicalName } from "./function-path";
import { asJobDoc, canceledJob, JOBS_TABLE, pendingJob, statePatch } from "./job-doc";
import { recordJobTarget } from "./job-targets";
import type { JobExecutor } from "./job-executor";
import type { JobRunner } from "./job-runner";
import { checkScheduledTime, checkTargetExists, jobArgs, spendBudget, targetOf, type ScheduleBudget } from "./schedule-checks";
import type { ScheduleCall, SCHEDULER_OPS } from "../shared/host-ops";

const SYSTEM = { isSystem: true } as const;

/** What one transaction scheduled: its limits budget, and the jobs to arm once it commits. */
interface TransactionJobs extends ScheduleBudget {
  worker: number;
  toArm: Array<{ id: string; dueAt: number }>;
}

export class SchedulerOps {
  /** Mutation transactions that scheduled something, by transaction id. */
  readonly #byTransaction = new Map<number, TransactionJobs>();

  constructor(
    private readonly runtime: Runtime,
    private readonly executor: JobExecutor,
    private readonly runner: JobRunner,
  ) {}

  readonly handlers: FeatureHandlers<typeof SCHEDULER_OPS> = {
    "1.0/schedule": (args, context) => this.#inMutation("1.0/schedule", context, (tx, jobs) => this.#schedule(tx, jobs, args, context)),
    "1.0/cancel_job": (args, context) => this.#inMutation("1.0/cancel_job", context, (tx) => this.#cancel(tx, args, context)),
    "1.0/actions/schedule": (args, context) =>
      this.#inOwnTransaction("1.0/actions/schedule", context, (tx, jobs) => this.#schedule(tx, jobs, args, context)),
    "1.0/actions/cancel_job": (args, context) =>
      this.#inOwnTransaction("1.0/actions/cancel_job", context, (tx) => this.#cancel(tx, args, context)),
  };

  /** The calling mutation's transaction committed: its jobs are real now. */
  committed(txId: number): void {
    const jobs = this.#byTransaction.get(txId);
    if (!jobs) return;
    this.#byTransaction.delete(txId);
    for (const job of jobs.toArm) this.executor.arm(job.id, job.dueAt);
  }

  /** It ended without committing: its jobs were rolled back with it. */
  aborted(txId: number): void {
    this.#byTransaction.delete(txId);
  }

  async #inMutation<T>(op: string, context: OpContext, work: (tx: WriteTransaction, jobs: TransactionJobs) => T): Promise<T> {
    // The backend has these ops only in mutations ("Unknown async operation" elsewhere).
    if (context.udfType !== "mutation" || context.txId === null) throw new Error(`Unknown async operation ${op}`);
    const tx = this.runtime.transactions.write(context.txId, context.worker);
    return work(tx, this.#jobsOf(context.txId, context.worker));
  }

  async #inOwnTransaction<T>(op: string, context: OpContext, work: (tx: WriteTransaction, jobs: TransactionJobs) => T): Promise<T> {
    if (context.udfType !== "action" && context.udfType !== "httpAction") throw new Error(`Unknown async operation ${op}`);
    const jobs: TransactionJobs = { worker: context.worker, count: 0, argsBytes: 0, toArm: [] };
    const tx = await this.runtime.store.beginWrite();
    let result: T;
    try {
      result = work(tx, jobs);
      tx.commit();
    } catch (error) {
      tx.abort();
      throw error;
    }
    for (const job of jobs.toArm) this.executor.arm(job.id, job.dueAt);
    return result;
  }

  #jobsOf(txId: number, worker: number): TransactionJobs {
    let jobs = this.#byTransaction.get(txId);
    if (!jobs) {
      this.#forgetAbandoned();
      jobs = { worker, count: 0, argsBytes: 0, toArm: [] };
      this.#byTransaction.set(txId, jobs);
    }
    return jobs;
  }

  /** A dead worker's transactions are rolled back without an abort event: drop what they scheduled. */
  #forgetAbandoned(): void {
    for (const [txId, jobs] of this.#byTransaction) {
      try {
        this.runtime.transactions.get(txId, jobs.worker);
      } catch {
        this.#byTransaction.delete(txId);
      }
    }
  }

  /** `args` as the worker passed them on: the package's fields are checked as the backend checks them. */
  #schedule(tx: WriteTransaction, jobs: TransactionJobs, args: ScheduleCall, context: OpContext): string {
    const now = Date.now();
    const target = targetOf(args);
    const targetComponent: string = typeof args.targetComponent === "string" ? args.targetComponent : context.component;
    const ts = checkScheduledTime(args.ts, now / 1000);
    const fnArgs = jobArgs(args.args, target);
    checkTargetExists(this.runtime.project?.components.find((c) => c.path === targetComponent)?.functions ?? [], target);
    // The job lives with the scheduling install's jobs (its `db.system` sees it), as on the backend.
    const table = storedTableName(context.component, JOBS_TABLE);
    spendBudget(jobs, fnArgs);
    const name = canonicalName(target);
    if (this.#parentCanceled(tx, context.requestId)) {
      // Canceling a running job cancels whatever it schedules from then on.
      return tx.insert(table, canceledJob(name, fnArgs, now), SYSTEM);
    }
    const scheduledTime = ts * 1000;
    const id = tx.insert(table, pendingJob(name, fnArgs, scheduledTime), SYSTEM);
    if (targetComponent !== context.component) recordJobTarget(tx, id, targetComponent);
    // A time in the past means "as soon as possible"; scheduledTime keeps what was asked for.
    jobs.toArm.push({ id, dueAt: Math.max(scheduledTime, now) });
    return id;
  }

  #parentCanceled(tx: WriteTransaction, requestId: string): boolean {
    const parentId = this.runner.parentByRequest.get(requestId);
    if (parentId === undefined) return false;
    return asJobDoc(tx.get(parentId, SYSTEM))?.state.kind === "canceled";
  }

  /**
   * SchedulerModel::cancel: a pending or running job becomes canceled; a finished one, or an id
   * of no job (e.g. garbage-collected), is left alone without an error.
   */
  #cancel(tx: WriteTransaction, args: { id?: unknown }, context: OpContext): null {
    if (typeof args.id !== "string") throw invalidArgument("db.cancel_job", "id", "expected an ID string");
    const decoded = decodeIdOrError(args.id);
    if ("error" in decoded) throw invalidArgument("db.cancel_job", "id", decoded.error);
    const table = this.runtime.store.tableNameOfId(args.id);
    if (table !== null && table !== storedTableName(context.component, JOBS_TABLE)) {
      // Invented text: the backend fails with an internal error for an ID of another table.
      throw invalidArgument("db.cancel_job", "id", `${args.id} is not an ID of the ${JOBS_TABLE} table`);
    }
    const job = asJobDoc(tx.get(args.id, SYSTEM));
    if (job && (job.state.kind === "pending" || job.state.kind === "inProgress")) {
      tx.patch(args.id, statePatch({ kind: "canceled" }, Date.now()), SYSTEM);
    }
    return null;
  }
}
