// The cron jobs' state in the document store, in the shape of the backend's system tables
// (crates/model/src/cron_jobs/types.rs): `_cron_jobs`, one document per job with its spec, its
// state and its previous and next scheduled times, and `_cron_job_logs`, the last few runs of each
// job. Both carry the component path ("" for the app), so every component install keeps its own
// jobs. Times are ms since the epoch (the backend keeps nanoseconds).
import type { DocumentJSON, JSONValue } from "../store/types";
import type { CronSchedule } from "./cron-schedule";
import type { CronSpec } from "./cron-spec";

export const CRON_JOBS_TABLE = "_cron_jobs";
export const CRON_LOGS_TABLE = "_cron_job_logs";

/** Runs kept per job (MAX_LOGS_PER_CRON). */
export const MAX_LOGS_PER_JOB = 5;
/** Result and log text kept per run (CRON_LOG_MAX_RESULT_LENGTH, CRON_LOG_MAX_LOG_LINE_LENGTH). */
export const MAX_RESULT_CHARS = 1000;
export const MAX_LOG_CHARS = 1000;

export type CronJobState = { type: "pending" } | { type: "inProgress"; requestId: string };

export interface CronJob {
  _id: string;
  /** "" for the app, else the component install's path ("rateLimiter", "workpool/batchWorker"). */
  component: string;
  /** The identifier. */
  name: string;
  cronSpec: {
    udfPath: string;
    /** `[argsObject]` as JSON text: wire-form args may have `$`-fields a document cannot hold. */
    udfArgs: string;
    cronSchedule: CronSchedule;
  };
  state: CronJobState;
  /** When the previous run was scheduled for; null before the first. */
  prevTs: number | null;
  nextTs: number;
}

export type CronRunStatus =
  | { type: "success"; result: string }
  | { type: "err"; error: string }
  | { type: "canceled"; numCanceled: number };

export interface CronRunLog {
  _id: string;
  _creationTime: number;
  component: string;
  name: string;
  /** The scheduled time of the run (the time it ran, for a "Run now"). */
  ts: number;
  udfPath: string;
  udfArgs: string;
  status: CronRunStatus;
  logLines: { logLines: string[]; isTruncated: boolean };
  /** Seconds. */
  executionTime: number;
  /** Started from the functions panel's "Run now", not by the schedule. */
  manual: boolean;
}

export type CronJobFields = Omit<CronJob, "_id">;
export type CronRunFields = Omit<CronRunLog, "_id" | "_creationTime">;

/** (component, identifier) as one map key. */
export function jobKey(component: string, name: string): string {
  return `${component}\u0000${name}`;
}

export function newJobFields(component: string, spec: CronSpec, nextTs: number): CronJobFields {
  return { component, name: spec.identifier, cronSpec: specFields(spec), state: { type: "pending" }, prevTs: null, nextTs };
}

export function specFields(spec: CronSpec): CronJob["cronSpec"] {
  return { udfPath: spec.udfPath, udfArgs: JSON.stringify(spec.args), cronSchedule: spec.schedule };
}

export function argsOf(job: Pick<CronJob, "cronSpec">): JSONValue[] {
  return JSON.parse(job.cronSpec.udfArgs) as JSONValue[];
}

/** The document's fields, without `_id` and `_creationTime`, as the store takes them. */
export function jobFields(job: CronJob | CronJobFields): { [key: string]: JSONValue } {
  const { component, name, cronSpec, state, prevTs, nextTs } = job;
  return { component, name, cronSpec, state, prevTs, nextTs } as unknown as { [key: string]: JSONValue };
}

/** Whether the stored job is still exactly the one a run started from (new_transaction_for_job_state). */
export function sameJob(a: CronJob, b: CronJob): boolean {
  return a._id === b._id && JSON.stringify(jobFields(a)) === JSON.stringify(jobFields(b));
}

export function asCronJob(doc: DocumentJSON | null): CronJob | null {
  if (!doc) return null;
  const spec = doc.cronSpec as { udfPath?: unknown; udfArgs?: unknown; cronSchedule?: unknown } | undefined;
  const state = doc.state as { type?: unknown } | undefined;
  if (typeof doc.name !== "string" || typeof doc.component !== "string" || typeof doc.nextTs !== "number") return null;
  if (typeof spec?.udfPath !== "string" || typeof spec.udfArgs !== "string" || typeof spec.cronSchedule !== "object") return null;
  if (state?.type !== "pending" && state?.type !== "inProgress") return null;
  return {
    _id: String(doc._id),
    component: doc.component,
    name: doc.name,
    cronSpec: { udfPath: spec.udfPath, udfArgs: spec.udfArgs, cronSchedule: spec.cronSchedule as CronSchedule },
    state: doc.state as CronJobState,
    prevTs: typeof doc.prevTs === "number" ? doc.prevTs : null,
    nextTs: doc.nextTs,
  };
}

export function asCronRunLog(doc: DocumentJSON | null): CronRunLog | null {
  if (!doc || typeof doc.name !== "string" || typeof doc.component !== "string" || typeof doc.ts !== "number") return null;
  const status = doc.status as { type?: unknown } | undefined;
  if (status?.type !== "success" && status?.type !== "err" && status?.type !== "canceled") return null;
  return doc as unknown as CronRunLog;
}

/** Text cut to `max` characters (the backend truncates results and log lines for its dashboard). */
export function truncated(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/** At most MAX_LOG_CHARS of log lines, whole lines only. */
export function keptLogLines(lines: readonly string[]): { logLines: string[]; isTruncated: boolean } {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length > MAX_LOG_CHARS) return { logLines: kept, isTruncated: true };
    kept.push(line);
    size += line.length;
  }
  return { logLines: kept, isTruncated: false };
}
