// The `_scheduled_functions` document, in the shape user code reads with `db.system` (the
// package's system schema, convex/src/server/schema.ts; the backend's virtual table,
// crates/model/src/scheduled_jobs/virtual_table.rs). We store that shape directly: there is no
// separate `_scheduled_jobs` table behind it.
import type { WireError } from "../shared/protocol";
import type { DocumentJSON, JSONValue } from "../store/types";

export const JOBS_TABLE = "_scheduled_functions";

/** Completed jobs are kept this long, like the backend's SCHEDULED_JOB_RETENTION (7 days). */
export const JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export type JobState =
  | { kind: "pending" }
  | { kind: "inProgress" }
  | { kind: "success" }
  | { kind: "failed"; error: string }
  | { kind: "canceled" };

export interface JobDoc {
  _id: string;
  _creationTime: number;
  /** Canonical path, "messages.js:send". */
  name: string;
  /** `[argsObject]`, in wire form. */
  args: JSONValue[];
  /** When it was asked to run, ms since the epoch (even when that was in the past). */
  scheduledTime: number;
  completedTime?: number;
  state: JobState;
}

export function asJobDoc(doc: DocumentJSON | null): JobDoc | null {
  if (!doc) return null;
  const state = doc.state as { kind?: unknown } | undefined;
  if (typeof doc.name !== "string" || typeof state?.kind !== "string") return null;
  return doc as unknown as JobDoc;
}

export function isFinished(state: JobState): boolean {
  return state.kind === "success" || state.kind === "failed" || state.kind === "canceled";
}

export function pendingJob(name: string, args: JSONValue[], scheduledTime: number): { [key: string]: JSONValue } {
  return { name, args, scheduledTime, state: { kind: "pending" } };
}

/**
 * A job scheduled by a job that was canceled while it ran is recorded as canceled right away,
 * at the current time (SchedulerModel::schedule, the `parent_scheduled_job` branch).
 */
export function canceledJob(name: string, args: JSONValue[], now: number): { [key: string]: JSONValue } {
  return { name, args, scheduledTime: now, completedTime: now, state: { kind: "canceled" } };
}

/** The patch for a state change; completing also sets the completion time (SchedulerModel::complete). */
export function statePatch(state: JobState, now: number): { [key: string]: JSONValue } {
  const value = state as unknown as JSONValue;
  return isFinished(state) ? { state: value, completedTime: now } : { state: value };
}

/**
 * The `error` of a failed job: the backend stores the JsError's Display, which is the message,
 * a newline, then one line per user stack frame (crates/common/src/errors.rs, `impl Debug for
 * JsError`). Our wire error's stack is the message followed by those frames.
 */
export function failureText(error: WireError): string {
  const text = error.stack?.startsWith(error.message) ? error.stack : error.message;
  return text.endsWith("\n") ? text : `${text}\n`;
}
