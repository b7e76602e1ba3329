// Runs one due cron job, as the backend's CronJobContext::run_function does
// (crates/application/src/cron_jobs/mod.rs):
// - a mutation runs in its own transaction; the run's record and the job's next time are written
//   right after it (the backend writes them inside the mutation's transaction; we cannot reach
//   into that one, so a process that dies in between runs the mutation again on the next start);
// - an action is marked inProgress (committed before it starts, so it runs at most once), runs,
//   then its record and next time are written;
// - an action found inProgress when it is not running (Lens stopped during it) is not run again:
//   it is recorded as failed with "Transient error while executing action";
// - after each run the job's next time follows completeRun: past times are skipped, and the skip
//   is logged as a failed execution of the job's function, in the backend's words.
// Runs have no identity, and their executions are logged with the caller "cron".
import { randomUUID } from "node:crypto";
import { newRequestId, type Runtime } from "../host/runtime";
import type { FunctionOutcome } from "../host/user-code-worker";
import type { JSONValue } from "../store/types";
import { argsOf, type CronJob, type CronRunFields, type CronRunStatus, keptLogLines, MAX_RESULT_CHARS, truncated } from "./cron-docs";
import { completeRun, skippedRunsMessage } from "./cron-schedule";
import type { CronStore } from "./cron-store";
import { parseFunctionPath, runtimeName } from "./function-path";

/** crates/application/src/cron_jobs/mod.rs, handle_action: an action found inProgress. */
export const INTERRUPTED_ACTION = "Transient error while executing action";

export type CronTarget =
  | { kind: "run"; component: string; name: string; udfType: "mutation" | "action" }
  | { kind: "fail"; message: string };

/** The function a job runs, from the code loaded now: a function of the job's own install. */
export function cronTarget(runtime: Pick<Runtime, "project">, component: string, udfPath: string): CronTarget {
  const name = runtimeName(parseFunctionPath(udfPath));
  const functions = runtime.project?.components.find((c) => c.path === component)?.functions ?? [];
  const info = functions.find((f) => f.name === name);
  // Loading refuses crons.ts files that name such functions; this is for a job whose code is gone.
  if (!info) return { kind: "fail", message: `Cron job target ${udfPath} does not exist in the loaded code` };
  if (info.udfType === "query")
    return { kind: "fail", message: `Cron job target ${udfPath} is a query; only mutations and actions can run as cron jobs` };
  return { kind: "run", component, name, udfType: info.udfType };
}

export interface CronRunOutcome {
  requestId: string;
  status: CronRunStatus;
  logLines: string[];
  /** Seconds. */
  executionTime: number;
}

export class CronRunner {
  constructor(
    private readonly runtime: Runtime,
    private readonly store: CronStore,
  ) {}

  /** Runs the job (as stored when it came due) and writes its completion; the caller makes sure it is not running already. */
  async run(job: CronJob): Promise<void> {
    const target = cronTarget(this.runtime, job.component, job.cronSpec.udfPath);
    if (job.state.type === "inProgress") {
      await this.#complete(job, target, {
        requestId: job.state.requestId,
        status: { type: "err", error: INTERRUPTED_ACTION },
        logLines: [],
        executionTime: 0,
      });
      this.runtime.notice(`cron job "${job.name}" (${job.cronSpec.udfPath}) was cut off while running: recorded as failed`);
      return;
    }
    if (target.kind === "fail") {
      await this.#complete(job, target, {
        requestId: newRequestId(),
        status: { type: "err", error: target.message },
        logLines: [],
        executionTime: 0,
      });
      this.runtime.notice(`cron job "${job.name}" failed: ${target.message}`);
      return;
    }
    const requestId = newRequestId();
    if (target.udfType === "mutation") {
      await this.#complete(job, target, await this.call(target, argsOf(job), requestId));
      return;
    }
    const started = await this.store.replaceIfUnchanged(job, { ...job, state: { type: "inProgress", requestId } });
    if (!started) return; // Changed or deleted by a reload meanwhile.
    await this.#complete(started, target, await this.call(target, argsOf(job), requestId));
  }

  /** Runs the job's function as a cron run does (also for "Run now"). */
  async call(target: Extract<CronTarget, { kind: "run" }>, args: JSONValue[], requestId: string): Promise<CronRunOutcome> {
    const startedAt = performance.now();
    const outcome = await this.runtime.runFunction(target.name, args[0] ?? {}, {
      componentPath: target.component,
      udfType: target.udfType,
      caller: "cron",
      authToken: null,
      requestId,
    });
    return { requestId, status: statusOf(outcome), logLines: outcome.logLines, executionTime: (performance.now() - startedAt) / 1000 };
  }

  /** complete_job_run: the run's record, and the job's next time (with any skipped runs recorded). */
  async #complete(job: CronJob, target: CronTarget, outcome: CronRunOutcome): Promise<void> {
    const now = Date.now();
    const completion = completeRun(job.cronSpec.cronSchedule, job.nextTs, now);
    const runs: CronRunFields[] = [runRecord(job, job.nextTs, outcome, false)];
    if (completion.firstSkipped !== null) {
      const canceled: CronRunOutcome = {
        ...outcome,
        status: { type: "canceled", numCanceled: completion.skipped },
        logLines: [],
        executionTime: 0,
      };
      runs.push(runRecord(job, completion.firstSkipped, canceled, false));
    }
    const next: CronJob = { ...job, state: { type: "pending" }, prevTs: completion.previous, nextTs: completion.next };
    const stored = await this.store.replaceIfUnchanged(job, next, runs);
    if (stored && completion.skipped > 0) this.#logFailure(job, target, skippedRunsMessage(completion.skipped, job._id), outcome.requestId);
    if (stored && job.state.type === "inProgress") this.#logFailure(job, target, INTERRUPTED_ACTION, job.state.requestId);
  }

  /** A failure with no function execution behind it, in the log store and the CLI output, as the backend's function log has it. */
  #logFailure(job: CronJob, target: CronTarget, message: string, requestId: string): void {
    const execId = randomUUID();
    const udfType = target.kind === "run" ? target.udfType : "action";
    const name = runtimeName(parseFunctionPath(job.cronSpec.udfPath));
    const identifier = job.component === "" ? name : `${job.component}/${name}`;
    this.runtime.events.start({
      type: "exec-start",
      execId,
      parentId: null,
      requestId,
      udfType,
      identifier,
      caller: "cron",
      startedAt: Date.now(),
      slot: 0,
    });
    this.runtime.events.end({ type: "exec-end", execId, outcome: "failure", durationMs: 0, status: null, error: { message } });
  }
}

export function statusOf(outcome: FunctionOutcome): CronRunStatus {
  if (outcome.ok) return { type: "success", result: truncated(JSON.stringify(outcome.value ?? null), MAX_RESULT_CHARS) };
  return { type: "err", error: outcome.error.stack ?? outcome.error.message };
}

export function runRecord(job: CronJob, ts: number, outcome: CronRunOutcome, manual: boolean): CronRunFields {
  return {
    component: job.component,
    name: job.name,
    ts,
    udfPath: job.cronSpec.udfPath,
    udfArgs: job.cronSpec.udfArgs,
    status: outcome.status,
    logLines: keptLogLines(outcome.logLines),
    executionTime: outcome.executionTime,
    manual,
  };
}
