// The cron jobs as the functions panel lists them: identifier, function, schedule in words, the
// last run and how it went, the next run. Pure: the jobs' snapshot and the project come in.
import type { CronJobSnapshot } from "../scheduler/cron-service";
import { argsOf } from "../scheduler/cron-docs";
import { describeSchedule } from "../scheduler/cron-schedule";
import { parseFunctionPath, runtimeName } from "../scheduler/function-path";
import type { LoadedProject } from "../shared/protocol";

export interface CronLastRun {
  /** When it was scheduled for (when it ran, for a "Run now"), ms since the epoch. */
  at: number;
  outcome: "success" | "failure";
  /** The error, for a failure. */
  error: string | null;
  /** Started with "Run now". */
  manual: boolean;
  /** Missed times skipped after it (the backend's "Skipping N run(s)"). */
  skipped: number;
}

export interface CronEntry {
  /** "" for the app, else the component install's path. */
  component: string;
  identifier: string;
  /** As the panel runs functions, in the job's install: "jobs:record". */
  functionName: string;
  /** Null when the loaded code has no such function (any more). */
  udfType: "mutation" | "action" | null;
  schedule: string;
  /** The arguments object as pretty JSON (wire form). */
  args: string;
  nextRun: number;
  /** A scheduled run is in progress. */
  running: boolean;
  lastRun: CronLastRun | null;
}

export function cronCatalog(jobs: readonly CronJobSnapshot[], project: LoadedProject | null): CronEntry[] {
  return jobs.map(({ job, running, runs }): CronEntry => {
    const functionName = runtimeName(parseFunctionPath(job.cronSpec.udfPath));
    // A component's job runs a function of that install.
    const functions = project?.components.find((install) => install.path === job.component)?.functions ?? [];
    const udfType = functions.find((f) => f.name === functionName)?.udfType;
    const last = runs.find((run) => run.status.type !== "canceled");
    const skipped = runs.find((run) => run.status.type === "canceled" && (!last || run.ts > last.ts));
    return {
      component: job.component,
      identifier: job.name,
      functionName,
      udfType: udfType === "mutation" || udfType === "action" ? udfType : null,
      schedule: describeSchedule(job.cronSpec.cronSchedule),
      args: JSON.stringify(argsOf(job)[0] ?? {}, null, 2),
      nextRun: job.nextTs,
      running: running || job.state.type === "inProgress",
      lastRun: last
        ? {
            at: last.ts,
            outcome: last.status.type === "success" ? "success" : "failure",
            error: last.status.type === "err" ? last.status.error : null,
            manual: last.manual,
            skipped: skipped?.status.type === "canceled" ? skipped.status.numCanceled : 0,
          }
        : null,
    };
  });
}
