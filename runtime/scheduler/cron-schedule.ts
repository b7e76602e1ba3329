// When a cron job runs next, as the backend computes it (crates/model/src/cron_jobs/next_ts.rs,
// compute_next_ts, and crates/application/src/cron_jobs/mod.rs, complete_job_run). Pure: the
// clock comes in as `now` (ms since the epoch), so tests need no waiting.
//
// - An interval job first runs when it is created (deployed), then every interval after the time
//   its previous run was *scheduled* for: runs keep the phase of the first one.
// - hourly/daily/weekly/monthly are the cron strings `m * * * *`, `m h * * *`, `m h * * d`,
//   `m h D * *`, in UTC; a job runs at the first matching minute after the previous scheduled run
//   (after now for a new job). A monthly job on the 29th to 31st skips months without that day.
// - After a run, further scheduled times already in the past are skipped, not caught up: a job
//   that missed several runs (Lens was stopped, or a run took longer than the interval) runs once,
//   then waits for its next time in the future.
import { CRON_PARSE_ERROR, nextCronTime, parseCronExpression } from "./cron-expression";

export type { CronSchedule } from "../shared/cron-types";
import type { CronSchedule } from "../shared/cron-types";

/** The backend's error when a cron string never matches (compute_next_ts). */
export const NO_NEXT_TIME = "Could not compute next timestamp for cron";

/** The cron string the backend builds for a calendar schedule (next_ts.rs). */
export function cronStringOf(schedule: Exclude<CronSchedule, { type: "interval" }>): string {
  switch (schedule.type) {
    case "hourly":
      return `${schedule.minuteUTC} * * * *`;
    case "daily":
      return `${schedule.minuteUTC} ${schedule.hourUTC} * * *`;
    case "weekly":
      return `${schedule.minuteUTC} ${schedule.hourUTC} * * ${schedule.dayOfWeek}`;
    case "monthly":
      return `${schedule.minuteUTC} ${schedule.hourUTC} ${schedule.day} * *`;
    case "cron":
      return schedule.cron;
  }
}

/**
 * compute_next_ts: the run after the one scheduled at `previous` (ms), or the first run of a new
 * job (`previous` null) created at `now`. Throws NO_NEXT_TIME when a cron string never matches.
 */
export function nextRunTime(schedule: CronSchedule, previous: number | null, now: number): number {
  if (schedule.type === "interval") return previous === null ? now : previous + schedule.seconds * 1000;
  const next = nextCronTime(parseCronExpression(cronStringOf(schedule)), previous ?? now);
  if (next === null) throw new Error(NO_NEXT_TIME);
  return next;
}

export interface RunCompletion {
  /** The scheduled time of the run that just ended (the job's `prevTs` from now on). */
  previous: number;
  /** When the job runs next: never before `now`. */
  next: number;
  /** Scheduled times between the two that were already past and are not run. */
  skipped: number;
  /** The first of the skipped times (the backend logs the skip under it). */
  firstSkipped: number | null;
}

/** complete_job_run: after the run scheduled at `scheduled` ended at `now`, when the job runs next. */
export function completeRun(schedule: CronSchedule, scheduled: number, now: number): RunCompletion {
  let next = nextRunTime(schedule, scheduled, now);
  const firstSkipped = next;
  let skipped = 0;
  while (next < now) {
    skipped += 1;
    next = nextRunTime(schedule, next, now);
  }
  return { previous: scheduled, next, skipped, firstSkipped: skipped > 0 ? firstSkipped : null };
}

/** The backend's text for skipped runs (complete_job_run, SkippingPastScheduledRuns). */
export function skippedRunsMessage(skipped: number, jobId: string): string {
  return `Skipping ${skipped} run(s) of job ${jobId} because multiple scheduled runs are in the past`;
}

/** Whether two schedules are the same (an interval given in minutes equals the same in seconds). */
export function sameSchedule(a: CronSchedule, b: CronSchedule): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(schedule: CronSchedule): unknown[] {
  switch (schedule.type) {
    case "interval":
      return [schedule.type, schedule.seconds];
    case "hourly":
      return [schedule.type, schedule.minuteUTC];
    case "daily":
      return [schedule.type, schedule.hourUTC, schedule.minuteUTC];
    case "weekly":
      return [schedule.type, schedule.dayOfWeek, schedule.hourUTC, schedule.minuteUTC];
    case "monthly":
      return [schedule.type, schedule.day, schedule.hourUTC, schedule.minuteUTC];
    case "cron":
      return [schedule.type, schedule.cron];
  }
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const two = (n: number) => String(n).padStart(2, "0");

function every(count: number, unit: string): string {
  return count === 1 ? `Every ${unit}` : `Every ${count} ${unit}s`;
}

/** The schedule in words, for the panel and the banner: "Every 30 seconds", "Daily at 08:30 UTC". */
export function describeSchedule(schedule: CronSchedule): string {
  switch (schedule.type) {
    case "interval": {
      const { seconds } = schedule;
      if (seconds % 3600 === 0) return every(seconds / 3600, "hour");
      if (seconds % 60 === 0) return every(seconds / 60, "minute");
      return every(seconds, "second");
    }
    case "hourly":
      return `Hourly at minute ${schedule.minuteUTC} (UTC)`;
    case "daily":
      return `Daily at ${two(schedule.hourUTC)}:${two(schedule.minuteUTC)} UTC`;
    case "weekly":
      return `Weekly on ${WEEKDAYS[schedule.dayOfWeek] ?? `day ${schedule.dayOfWeek}`} at ${two(schedule.hourUTC)}:${two(schedule.minuteUTC)} UTC`;
    case "monthly": {
      const note = schedule.day > 28 ? ` (not in months without day ${schedule.day})` : "";
      return `Monthly on day ${schedule.day} at ${two(schedule.hourUTC)}:${two(schedule.minuteUTC)} UTC${note}`;
    }
    case "cron":
      return `Cron "${schedule.cron}" (UTC)`;
  }
}

/** Whether a cron string is one the backend accepts (the text of its error otherwise). */
export function cronStringProblem(cron: string): string | null {
  try {
    parseCronExpression(cron);
    return null;
  } catch {
    return CRON_PARSE_ERROR;
  }
}
