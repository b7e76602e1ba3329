// Time limits, as in the Convex backend (crates/common/src/knobs.rs): queries and mutations get
// 1 s of user time, actions and HTTP actions 1800 s. Both are configurable for local work.
import type { UdfType } from "./protocol";

export const DEFAULT_QUERY_TIMEOUT_MS = 1000;
export const DEFAULT_ACTION_TIMEOUT_MS = 1800 * 1000;

export function timeoutMessage(udfType: UdfType, identifier: string, limitMs: number): string {
  const seconds = limitMs / 1000;
  const kind = udfType === "httpAction" ? "HTTP action" : udfType;
  const article = kind === "action" || kind === "HTTP action" ? "an" : "a";
  return `Function execution timed out: ${kind} ${identifier} ran for more than ${seconds}s of execution time (the limit for ${article} ${kind}).`;
}

/**
 * An HTTP action still running this long after its client disconnected is stopped. Convex lets it
 * run on (up to the action limit); locally a loop would keep a CPU core of the developer's machine
 * busy for half an hour.
 */
export const DEFAULT_CLIENT_GONE_TIMEOUT_MS = 30 * 1000;

export function clientGoneMessage(identifier: string, afterMs: number): string {
  return `HTTP action ${identifier} was still running ${afterMs / 1000} s after its client disconnected: it was stopped.`;
}
