// What every query source shares once it yields documents: the `.filter()` / `.take()` operators,
// and the backend's knobs that decide a page's status (crates/common/src/knobs.rs,
// crates/database/src/query): transaction read limits, which pagination's "approaching the limit"
// (3/4 of them) is measured against, and the longest page that is not "SplitRecommended".
import { decodeStreamPosition, type StreamPosition } from "./cursor";
import type { QueryPlan } from "./query-plan";
import type { DocumentJSON } from "./types";

export const TRANSACTION_MAX_READ_SIZE_ROWS = 32_000;
export const TRANSACTION_MAX_READ_SIZE_BYTES = 16 * 1024 * 1024;
export const SOFT_MAX_PAGE_LEN = Math.floor((8192 * 3) / 4);
export const softLimit = (hard: number) => Math.floor((hard * 3) / 4);

/**
 * Runs a document through the filter and limit operators; true if it comes out the end. `doc` may
 * be null (not parsed) when the plan has no filter (`hasFilter`): limits only count.
 */
export function passOperators(plan: QueryPlan, doc: DocumentJSON | null, limitCounts: number[]): boolean {
  let limitSlot = 0;
  for (const op of plan.operators) {
    if (op.kind === "filter") {
      if (!op.test(doc!)) return false;
    } else {
      limitCounts[limitSlot++]!++;
    }
  }
  return true;
}

/** Whether the plan filters: only then does the pipeline look into documents. */
export function hasFilter(plan: QueryPlan): boolean {
  return plan.operators.some((op) => op.kind === "filter");
}

/** A full `limit` ends the stream: nothing more can get past it (the backend's Limit node). */
export function limitReached(plan: QueryPlan, limitCounts: number[]): boolean {
  let limitSlot = 0;
  for (const op of plan.operators) {
    if (op.kind === "limit" && limitCounts[limitSlot++]! >= op.n) return true;
  }
  return false;
}

export function limitCount(plan: QueryPlan): number {
  return plan.operators.filter((op) => op.kind === "limit").length;
}

/** Where a streamed query resumes: the start for a null position, else the decoded position. */
export function resumeStream(plan: QueryPlan, position: string | null): StreamPosition {
  const state =
    position === null ? { after: null, limitCounts: new Array<number>(limitCount(plan)).fill(0) } : decodeStreamPosition(position);
  if (state.limitCounts.length !== limitCount(plan)) throw new Error("This query position belongs to another query");
  return state;
}
