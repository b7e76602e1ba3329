// Runs one due job, as the backend's ScheduledJobContext::run_function does:
// - a mutation goes pending → success | failed; it runs in its own transaction, and the
//   completion is written right after it (the backend writes it inside the mutation's own
//   transaction; we cannot reach into that one, see the notes in index.ts);
// - an action goes pending → inProgress (committed before it starts, so it runs at most once)
//   → success | failed; a cancel while it runs leaves it canceled;
// - a job whose function is gone, or is a query, fails without running;
// - an action found inProgress when it is not running (the process stopped, or its run broke
//   down) fails: actions run at most once.
// Jobs run without an identity: auth is not propagated to scheduled functions.
import { newRequestId, type Runtime } from "../host/runtime";
import type { FunctionOutcome } from "../host/user-code-worker";
import { parseFunctionPath } from "./function-path";
import { failureText, type JobState } from "./job-doc";
import type { JobStore } from "./job-store";
import { resolveJobTarget } from "./job-target";

/** crates/application/src/scheduled_jobs/mod.rs, handle_action: an action found inProgress. */
const INTERRUPTED_ACTION = "Transient error while executing action";

export class JobRunner {
  /** Request ids of running jobs → job id, to find "the job that scheduled this" (cancel cascade). */
  readonly parentByRequest = new Map<string, string>();

  constructor(
    private readonly runtime: Runtime,
    private readonly jobs: JobStore,
  ) {}

  /** Runs the job; the caller makes sure the same job is not running already. */
  async run(id: string): Promise<void> {
    const found = await this.jobs.read(id);
    const job = found?.job ?? null;
    if (job?.state.kind === "inProgress") {
      if (await this.jobs.transition(id, "inProgress", { kind: "failed", error: INTERRUPTED_ACTION })) {
        this.runtime.notice(`scheduled action ${id} (${job.name}) was cut off while running: marked failed`);
      }
      return;
    }
    // Canceled, already run, or rolled back with the savepoint that created it.
    if (job?.state.kind !== "pending") return;
    const project = this.runtime.project;
    if (!project) throw new Error("the project is not loaded");
    const componentPath = found!.component;
    const functions = project.components.find((c) => c.path === componentPath)?.functions ?? [];
    const target = resolveJobTarget(functions, parseFunctionPath(job.name));
    if (target.kind === "fail") {
      // Nothing runs, so no execution is logged: say it here (the backend logs a system error).
      if (await this.jobs.transition(id, "pending", { kind: "failed", error: target.message })) {
        this.runtime.notice(`scheduled job ${id} (${job.name}) failed: ${target.message}`);
      }
      return;
    }
    const requestId = newRequestId();
    const args = job.args[0] ?? {};
    this.parentByRequest.set(requestId, id);
    try {
      if (target.udfType === "mutation") {
        const outcome = await this.#call(componentPath, target.name, args, "mutation", requestId, id);
        await this.jobs.transition(id, "pending", stateAfter(outcome));
        return;
      }
      if (!(await this.jobs.transition(id, "pending", { kind: "inProgress" }))) return;
      const outcome = await this.#call(componentPath, target.name, args, "action", requestId, id);
      await this.jobs.transition(id, "inProgress", stateAfter(outcome));
    } finally {
      this.parentByRequest.delete(requestId);
    }
  }

  #call(
    componentPath: string,
    name: string,
    args: unknown,
    udfType: "mutation" | "action",
    requestId: string,
    jobId: string,
  ): Promise<FunctionOutcome> {
    return this.runtime.runFunction(name, args as never, {
      componentPath,
      udfType,
      caller: "scheduler",
      authToken: null,
      requestId,
      scheduledFunctionId: jobId,
    });
  }
}

function stateAfter(outcome: FunctionOutcome): JobState {
  return outcome.ok ? { kind: "success" } : { kind: "failed", error: failureText(outcome.error) };
}
