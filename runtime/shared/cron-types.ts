// A cron job as the worker reads it from `crons.ts` and the host schedules it. It crosses the
// thread boundary in the worker protocol, so it lives here, below the scheduler and the protocol.
import type { JSONValue } from "./wire-values";

export type CronSchedule =
  | { type: "interval"; seconds: number }
  | { type: "hourly"; minuteUTC: number }
  | { type: "daily"; hourUTC: number; minuteUTC: number }
  /** `dayOfWeek` 0 is Sunday. */
  | { type: "weekly"; dayOfWeek: number; hourUTC: number; minuteUTC: number }
  | { type: "monthly"; day: number; hourUTC: number; minuteUTC: number }
  | { type: "cron"; cron: string };

export interface CronSpec {
  /** The name given to `crons.interval(...)` and the others. */
  identifier: string;
  /** The function in canonical form, "crons.js:tick" (the backend's `udfPath`). */
  udfPath: string;
  /** `[argsObject]`, in wire form. */
  args: JSONValue[];
  schedule: CronSchedule;
}
