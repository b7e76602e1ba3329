// `ctx.scheduler`: jobs live in `_scheduled_functions` (so they survive restarts and user code can
// read them through `db.system`), are armed only once the transaction that created them commits,
// and run as top-level executions without an identity.
//
// Known differences from the backend, all rare in local work:
// - a scheduled mutation's completion (`success`/`failed`) is written in a transaction right after
//   the mutation's own commit, not inside it; if the process dies between the two, the mutation
//   runs again on the next start;
// - a cancel that commits in the instant between a due mutation's last "still pending?" check and
//   the start of its transaction does not stop it (the job still ends up `canceled`);
// - `getRequestMetadata().scheduledFunctionId` stays null inside jobs (it is set in the worker).
import type { Runtime } from "../host/runtime";
import type { RuntimeFeature } from "../shared/feature";
import type { SCHEDULER_OPS } from "../shared/host-ops";
import type { FeatureHandlers } from "../host/op-handlers";
import { JobExecutor } from "./job-executor";
import { JobRunner } from "./job-runner";
import { JobStore } from "./job-store";
import { SchedulerOps } from "./scheduler-ops";

/** How long `close()` waits for running jobs before letting the runtime stop under them. */
const CLOSE_WAIT_MS = 5000;

export interface SchedulerFeature extends RuntimeFeature {
  /** `ctx.scheduler`'s ops, for startServing to hand to the runtime with the other features'. */
  readonly ops: FeatureHandlers<typeof SCHEDULER_OPS>;
}

export function attachScheduler(runtime: Runtime): SchedulerFeature {
  const jobs = new JobStore(runtime.store);
  const runner = new JobRunner(runtime, jobs);
  const executor = new JobExecutor(runtime, jobs, runner);
  const ops = new SchedulerOps(runtime, executor, runner);

  const onCommit = ({ txId }: { txId: number }) => ops.committed(txId);
  const onAbort = ({ txId }: { txId: number }) => ops.aborted(txId);
  runtime.databaseOps.onCommit.add(onCommit);
  runtime.databaseOps.onAbort.add(onAbort);
  // Jobs need loaded code; each (re)load also re-reads what the database holds.
  const onLoaded = () => void executor.recover();
  runtime.on("loaded", onLoaded);
  if (runtime.ready) void executor.recover();

  return {
    ops: ops.handlers,
    async close() {
      runtime.off("loaded", onLoaded);
      // Jobs still running may schedule more work (a workpool's loop reschedules itself in every
      // run): the scheduler's ops stay until they have settled. Without them such a job would fail
      // with "not supported" and be recorded as failed; with them, what it schedules is stored and
      // runs after the next start.
      await executor.close(CLOSE_WAIT_MS);
      runtime.databaseOps.onCommit.delete(onCommit);
      runtime.databaseOps.onAbort.delete(onAbort);
      runtime.services.withdraw(ops.handlers);
    },
  };
}
